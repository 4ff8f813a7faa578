"""Two builds of the same newsroom on the same day give byte-identical outputs, wherever they run."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from helpers.newsroom import ISSUE, Newsroom, seal_published

from bulletin.build import run_build

TODAY = date(2026, 11, 27)


def outputs(root: Path) -> dict[str, bytes]:
    build = root / "build"
    return {  # through the part links, as readers see them (generation folder names differ)
        f"{part}/{p.relative_to(build / part).as_posix()}": p.read_bytes()
        for part in ("site", "intranet", "pdf", "notices")
        for p in sorted((build / part).rglob("*"))
        if p.is_file()
    }


def test_two_builds_in_different_folders_are_identical(tmp_path):
    first = Newsroom(tmp_path / "a" / "newsroom")
    first.report("2026-03-nyj-002", title="市教育局春季开学平稳有序", unit="jyj", author="赵敏", classification="内部")
    first.write("issues/zwxx/2026/018.yaml", ISSUE.replace("status: draft", "status: published")
                .replace("  - 2026-03-nyj-001", "  - 2026-03-nyj-001\n  - 2026-03-nyj-002"))
    seal_published(first.root)
    second_root = tmp_path / "b" / "elsewhere"
    shutil.copytree(first.root, second_root)
    assert run_build(first.root, TODAY, quiet=True) == 0
    assert run_build(second_root, TODAY, quiet=True) == 0
    a, b = outputs(first.root), outputs(second_root)
    assert {name.split("/")[0] for name in a} == {"site", "intranet", "pdf", "notices"}
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    # and a rebuild in place, with every cache dropped, changes nothing either
    shutil.rmtree(first.root / "build" / ".cache")
    assert run_build(first.root, TODAY, quiet=True) == 0
    assert outputs(first.root) == a
