"""``bulletin schema KIND``: the JSON Schema of one file kind, for editors' tools."""

from __future__ import annotations

import json

from bulletin.schema import schema


def run(ctx, args) -> int:
    print(json.dumps(schema(args.kind), ensure_ascii=False, indent=2))
    return 0
