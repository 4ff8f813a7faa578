"""Editor tooling: the pre-commit hook runs bulletin check; exported schemas wired into VS Code."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bulletin.schema import KINDS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from export_schemas import exported  # noqa: E402


@pytest.mark.parametrize("kind", KINDS)
def test_exported_schemas_match_bulletin_schema(kind):
    """If this fails, run: .venv/bin/python scripts/export_schemas.py"""
    assert (ROOT / "schemas" / f"{kind}.json").read_text(encoding="utf-8") == exported(kind)


def test_vscode_settings_point_each_yaml_file_at_its_schema():
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert sorted(mapping) == sorted(f"./schemas/{kind}.json" for kind in KINDS if kind != "report")
    for schema_path in mapping:
        assert (ROOT / schema_path).is_file()

    def schema_for(rel: str) -> list[str]:
        return [s for s, globs in mapping.items() if any(Path(rel).match(g) and len(Path(rel).parts) == len(Path(g).parts)
                                                          for g in globs)]

    assert schema_for("issues/zwxx/2026/041.yaml") == ["./schemas/issue.json"]
    assert schema_for("issues/series.yaml") == ["./schemas/series.json"]
    assert schema_for("issues/assignments.yaml") == ["./schemas/assignments.json"]
    assert schema_for("units.yaml") == ["./schemas/units.json"]
    assert schema_for("scoring.yaml") == ["./schemas/scoring.json"]
    assert schema_for("mkdocs.yml") == ["./schemas/mkdocs.json"]


def _hooks() -> list[dict]:
    published = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [*published, *(hook for repo in config["repos"] for hook in repo["hooks"])]


def test_pre_commit_hooks_run_bulletin_check_on_newsroom_files():
    hooks = _hooks()
    assert [h["id"] for h in hooks] == ["bulletin-check", "bulletin-check"]
    for hook in hooks:
        assert shlex.split(hook["entry"])[-2:] in (["bulletin", "check"], [".venv/bin/bulletin", "check"])
        assert hook["pass_filenames"] is False  # check reads the whole newsroom: links between files matter
        files = re.compile(hook["files"])
        for rel in ("content/2026/03/2026-03-nyj-004.md", "issues/zwxx/2026/018.yaml", "issues/series.yaml",
                    "units.yaml", "scoring.yaml", "mkdocs.yml"):
            assert files.search(rel), rel
        for rel in ("docs/workflow.md", "bulletin/cli.py", "tests/test_check.py", "build/site/index.html"):
            assert not files.search(rel), rel


def test_the_local_hook_entry_refuses_a_newsroom_with_errors(newsroom):
    entry = shlex.split(_hooks()[1]["entry"])
    program = ROOT / entry[0]
    if not program.exists():  # another virtual environment: the same console script beside this Python
        program = Path(sys.executable).parent / "bulletin"
    command = [str(program), *entry[1:], "--root", str(newsroom.root), "--today", "2026-03-12"]
    assert subprocess.run(command, cwd=ROOT, capture_output=True, text=True).returncode == 0
    newsroom.report(unit="nobody")
    failed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert failed.returncode == 1
    assert "content/2026/03/2026-03-nyj-001.md:4: error[E203]" in failed.stdout
