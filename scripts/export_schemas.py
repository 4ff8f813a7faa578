#!/usr/bin/env python3
"""Write schemas/<kind>.json: the JSON Schemas of the newsroom's YAML files, for editors' tools.

Each file is exactly what ``bulletin schema KIND`` prints; .vscode/settings.json points the
YAML extension at them. tests/test_workflow_tooling.py fails when they fall behind the code,
so run this after changing bulletin/schemas/: ``.venv/bin/python scripts/export_schemas.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bulletin.schema import KINDS, schema  # noqa: E402


def exported(kind: str) -> str:
    return json.dumps(schema(kind), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    folder = ROOT / "schemas"
    folder.mkdir(exist_ok=True)
    for kind in KINDS:
        (folder / f"{kind}.json").write_text(exported(kind), encoding="utf-8")
        print(f"schemas/{kind}.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
