"""``bulletin schema KIND``: the JSON Schema of one file kind, for editors' tools."""

from __future__ import annotations

import json

from bulletin.schema import schema


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("kind", choices=["report", "issue", "series", "units", "assignments", "scoring", "mkdocs"])


def run(ctx, args) -> int:
    print(json.dumps(schema(args.kind), ensure_ascii=False, indent=2))
    return 0
