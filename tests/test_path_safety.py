"""Nothing outside build/ is ever written by a build, and paths that leave content/ are refused."""

from __future__ import annotations

from datetime import date

from helpers.newsroom import ISSUE, seal_published

from bulletin.build import run_build
from bulletin.check import run_check

TODAY = date(2026, 11, 27)


def tree_outside_build(root):
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*")
            if p.is_file() and "build" not in p.relative_to(root).parts}


def test_build_writes_only_under_build(newsroom, tmp_path):
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE.replace("status: draft", "status: published"))
    seal_published(newsroom.root)
    before = tree_outside_build(newsroom.root)
    siblings = sorted(p.name for p in newsroom.root.parent.iterdir())
    assert run_build(newsroom.root, TODAY, quiet=True) == 0
    assert tree_outside_build(newsroom.root) == before
    assert sorted(p.name for p in newsroom.root.parent.iterdir()) == siblings


def test_escaping_image_paths_are_errors_and_block_the_build(newsroom):
    secret = newsroom.root.parent / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    newsroom.report(body="3月8日，全市春耕备耕工作全面展开。\n\n![图](../../../../secret.png)\n\n![图2](file:///etc/passwd)")
    codes = [(p.code, p.line) for p in run_check(newsroom.root, TODAY).problems if p.severity == "error"]
    assert codes == [("E230", 14), ("E230", 16)]
    assert run_build(newsroom.root, TODAY, quiet=True) == 1
    assert not (newsroom.root / "build" / "site").exists()
