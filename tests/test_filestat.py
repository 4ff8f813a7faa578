"""Stat records tell what changed since the last run: the check and build memos, and the stat index."""

from __future__ import annotations

import os
import subprocess
from datetime import date

import pytest
from helpers.newsroom import report_text

from bulletin import filestat
from bulletin.build import run_build
from bulletin.cli import main
from bulletin.filestat import RunMemo, StatIndex, scan, stat_record
from bulletin.problems import problem_rows

TODAY = date(2026, 11, 27)
SITES = ("site", "intranet")  # the PDFs would only make these tests slower


@pytest.fixture
def trusting(monkeypatch):
    """Files in a test are written a moment before the run: without this every record is racy."""
    monkeypatch.setattr(filestat, "RACY_NS", 0)


def check(newsroom, capsys, today: str = "2026-11-27") -> tuple[int, str, str]:
    code = main(["--root", str(newsroom.root), "--today", today, "check"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_file_restored_with_its_old_mtime_and_size_is_still_seen(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("甲乙丙", encoding="utf-8")
    before = scan([(tmp_path, "")], set())
    old = path.stat()
    path.write_text("丁戊己", encoding="utf-8")  # same size
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # the old mtime, as cp -p or touch -d leave it
    after = scan([(tmp_path, "")], set())
    assert path.stat().st_mtime_ns == old.st_mtime_ns and path.stat().st_size == old.st_size
    assert after.records["a.md"] != before.records["a.md"]  # the change time moved
    assert after.digest() != before.digest()


def test_a_scan_skips_build_and_git_and_names_the_store_by_its_prefix(tmp_path):
    for rel in ("content/x.md", "build/site/index.html", ".git/HEAD", "store/content/y.md", "store/build/pdf/a.pdf"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    tree = scan([(tmp_path / "content", "content/"), (tmp_path / "store", "../store/")],
                {tmp_path / "build", tmp_path / "store" / "build"})
    assert sorted(tree.records) == ["../store/content/y.md", "content/x.md"]


def test_a_memo_is_not_replayed_while_a_file_is_as_new_as_the_run_that_stored_it(tmp_path):
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    memo = RunMemo(tmp_path / "memo", "k", scan([(tmp_path, "")], {tmp_path / "memo"}))
    memo.remember(["found"])
    again = RunMemo(tmp_path / "memo", "k", scan([(tmp_path, "")], {tmp_path / "memo"}))
    assert again.recall() is None  # a.md was written within RACY_NS of the first scan


def test_a_memo_needs_the_same_key_and_tree(tmp_path, trusting):
    (tmp_path / "a.md").write_text("x", encoding="utf-8")

    def memo(key: str) -> RunMemo:
        return RunMemo(tmp_path / "memo", key, scan([(tmp_path, "")], {tmp_path / "memo"}))

    memo("k").remember(["found", 1])
    assert memo("k").recall() == ["found", 1]
    assert memo("other day").recall() is None
    (tmp_path / "b.md").write_text("y", encoding="utf-8")
    assert memo("k").recall() is None


def test_the_stat_index_does_not_trust_a_racy_record(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_text("x", encoding="utf-8")
    index = StatIndex(tmp_path / "index")
    record = stat_record(path.stat())
    index.learn("a.md", record, b"digest")
    index.save()
    assert StatIndex(tmp_path / "index").known("a.md", record) is None  # written just before that run
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    later = StatIndex(tmp_path / "index")
    assert later.known("a.md", record) == b"digest"
    path.write_text("y", encoding="utf-8")
    assert later.known("a.md", stat_record(path.stat())) is None


def test_check_replays_its_findings_until_a_file_changes(newsroom, capsys, trusting):
    newsroom.report(title="甲" * 45)  # W100: headline too long
    first = check(newsroom, capsys)
    assert first[0] == 0 and "warning[W100]" in first[1]
    assert (newsroom.root / "build" / ".cache" / "memo-check.marshal").is_file()
    assert check(newsroom, capsys) == first
    newsroom.report(unit="nobody")  # an error now
    code, out, err = check(newsroom, capsys)
    assert code == 1 and "error[E203]" in out and "warning[W100]" not in out
    assert err.endswith("检查了 1 篇稿件、1 期刊物：1 个错误，0 个警告\n")


def test_check_runs_again_on_another_day_and_for_a_new_file(newsroom, capsys, trusting):
    newsroom.report()
    first = check(newsroom, capsys)
    newsroom.write("content/2026/03/2026-03-nyj-002.md", report_text("2026-03-nyj-002", title="甲" * 45))
    assert "2026-03-nyj-002.md" in check(newsroom, capsys)[1]
    newsroom.remove("content/2026/03/2026-03-nyj-002.md")
    assert check(newsroom, capsys) == first
    assert "检查了 1 篇稿件" in check(newsroom, capsys, today="2026-11-28")[2]


def test_check_runs_again_after_a_commit(newsroom, capsys, trusting):
    newsroom.report()
    git = ["git", "-C", str(newsroom.root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    check(newsroom, capsys)
    memo = newsroom.root / "build" / ".cache" / "memo-check.marshal"
    stored = memo.read_bytes()
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "first"], check=True)
    check(newsroom, capsys)
    assert memo.read_bytes() != stored  # HEAD is part of the key: the history check ran again


def test_a_noop_build_replays_without_checking(newsroom, capsys, trusting, monkeypatch):
    newsroom.report()
    assert run_build(newsroom.root, TODAY, SITES, quiet=True) == 0
    capsys.readouterr()

    def refuse(*args, **kwargs):
        raise AssertionError("checked again")

    monkeypatch.setattr("bulletin.build.run_check", refuse)
    assert run_build(newsroom.root, TODAY, SITES, quiet=True) == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith("已构建：（无）；内容未变，沿用：site、intranet →")


def test_a_build_whose_output_went_missing_is_rebuilt(newsroom, capsys, trusting):
    newsroom.report()
    assert run_build(newsroom.root, TODAY, SITES, quiet=True) == 0
    (newsroom.root / "build" / "site").unlink()  # build/site is a link to its generation
    capsys.readouterr()
    assert run_build(newsroom.root, TODAY, SITES, quiet=True) == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith("已构建：site；内容未变，沿用：intranet →")
    assert (newsroom.root / "build" / "site" / "index.html").is_file()


def test_a_build_after_an_edit_checks_again(newsroom, capsys, trusting, monkeypatch):
    newsroom.report(classification="公开")
    assert run_build(newsroom.root, TODAY, SITES, quiet=True) == 0
    newsroom.report(classification="公开", title="春耕备耕全面铺开新标题")
    import bulletin.build

    calls = []
    real = bulletin.build.run_check
    monkeypatch.setattr(bulletin.build, "run_check", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert run_build(newsroom.root, TODAY, SITES, quiet=True) == 0
    assert calls == [1]
    assert run_build(newsroom.root, TODAY, ("site",), quiet=True) == 0  # other parts: another key
    assert calls == [1, 1]


def test_a_link_is_seen_changing_when_its_target_changes_or_it_is_retargeted(tmp_path):
    (tmp_path / "a.md").write_text("甲", encoding="utf-8")
    (tmp_path / "b.md").write_text("乙乙", encoding="utf-8")
    (tmp_path / "link.md").symlink_to("a.md")
    first = scan([(tmp_path, "")], set()).records["link.md"]
    (tmp_path / "a.md").write_text("甲甲甲", encoding="utf-8")
    second = scan([(tmp_path, "")], set()).records["link.md"]
    (tmp_path / "link.md").unlink()
    (tmp_path / "link.md").symlink_to("b.md")
    third = scan([(tmp_path, "")], set()).records["link.md"]
    assert len({first, second, third}) == 3


def test_a_check_after_an_edit_takes_the_records_of_its_scan_instead_of_looking_at_each_file_again(
        newsroom, capsys, trusting, monkeypatch):
    """The run's scan already holds every file's record: the loader and the path rule use it, so
    an edit on a five-year archive does not cost 45,000 more lstat calls (about half a second)."""
    for n in range(1, 6):
        newsroom.report(f"2026-03-nyj-{n:03d}", title=f"第{n}篇稿件的标题", body=f"第{n}篇正文。")
    assert check(newsroom, capsys)[0] == 0
    edited = "content/2026/03/2026-03-nyj-003.md"
    newsroom.report("2026-03-nyj-003", title="第3篇稿件的新标题", body="第3篇正文。")
    looked: list[str] = []
    real_lstat, real_islink = os.lstat, os.path.islink
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: looked.append(str(p)) or real_lstat(p, *a, **k))
    monkeypatch.setattr(os.path, "islink", lambda p: looked.append(str(p)) or real_islink(p))
    code, out, _err = check(newsroom, capsys)
    reports = sorted({os.path.relpath(p, newsroom.root) for p in looked if p.endswith(".md")})
    assert (code, reports) == (0, [])  # the edited file's new record is the fstat of its open
    index = StatIndex(newsroom.root / "build" / ".cache" / "stat-index.marshal")
    assert index.old[edited][0] == stat_record(real_lstat(newsroom.root / edited))


def test_a_file_changed_after_the_scan_is_seen_by_the_next_run(newsroom, capsys, trusting):
    """A run works on the files as its scan found them; a file edited between the scan and the
    load is read as it was scanned, and the memo, stored with that scan, makes the next run see it."""
    from bulletin.check import run_check, run_memo

    newsroom.report("2026-03-nyj-001", title="春耕备耕全面展开")
    assert check(newsroom, capsys)[0] == 0
    newsroom.report("2026-03-nyj-001", title="春耕备耕全面展开了")  # a new record, scanned below
    memo = run_memo(newsroom.root, TODAY, None, "check")
    newsroom.report("2026-03-nyj-001", title="甲" * 45)  # edited after the scan
    result = run_check(newsroom.root, TODAY, scanned=memo.tree)
    memo.remember((problem_rows(result.problems), len(result.newsroom.reports), len(result.newsroom.issues)))
    code, out, _err = check(newsroom, capsys)
    assert "warning[W100]" in out


def test_a_report_linked_from_outside_is_still_refused_when_its_record_comes_from_the_scan(
        newsroom, capsys, trusting, tmp_path):
    newsroom.report()
    outside = tmp_path / "elsewhere.md"
    outside.write_text(report_text("2026-03-nyj-009"), encoding="utf-8")
    os.symlink(outside, newsroom.root / "content/2026/03/2026-03-nyj-009.md")
    for _ in range(2):  # the first run learns every file; the second takes the records from its scan
        code, out, _err = check(newsroom, capsys)
        assert (code, [line for line in out.splitlines() if "E230" in line]) == (1, [
            "content/2026/03/2026-03-nyj-009.md:1: error[E230]: 稿件文件是指向 content/ 之外的符号链接；请把稿件本身放进 content/"])
        newsroom.report(title="春耕备耕全面展开又一篇")  # an edit: the next check runs again
