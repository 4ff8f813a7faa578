"""The publication record in git: a rewritten or dropped lock, a taken-back correction or a
deleted published issue is an error naming the commit that published it."""

from __future__ import annotations

import json

import pytest
from helpers.workflow import lines, run_cli
from test_lock import ISSUE, LATER, R, _correct, edit
from test_workflow_git import git

from bulletin import history


@pytest.fixture
def committed(newsroom):
    """Issue 18 published on 2026-03-12 and committed; returns (newsroom, that commit)."""
    git(newsroom.root, "init", "-q")
    git(newsroom.root, "add", "-A")
    git(newsroom.root, "commit", "-q", "-m", "新闻室")
    assert run_cli(newsroom.root, "publish", ISSUE, today="2026-03-12").code == 0
    git(newsroom.root, "commit", "-q", "-am", "发布第18期")
    return newsroom, git(newsroom.root, "rev-parse", "HEAD").stdout.strip()[:10]


def found(newsroom, *codes: str) -> list[str]:
    return lines(newsroom.root, LATER, *(codes or ("E255",)))


def test_a_committed_issue_as_published_is_consistent(committed):
    newsroom, _ = committed
    assert found(newsroom, "E224", "E233", "E254", "E255", "E256") == []
    assert run_cli(newsroom.root, "verify", today="2026-03-20").code == 0


def test_unpublish_edit_and_publish_again_is_caught(committed):
    """The attack the history check exists for: drop the lock, edit the item, publish: a fresh lock over edited text."""
    newsroom, commit = committed
    text = (newsroom.root / ISSUE).read_text(encoding="utf-8")
    (newsroom.root / ISSUE).write_text(text.split("lock:")[0].replace("status: published", "status: draft"), encoding="utf-8")
    edit(newsroom, R, "全面展开。", "全面展开，一切顺利。")
    assert found(newsroom) == [
        f"{ISSUE}:5: error[E255]: 本期已在提交 {commit} 发布并锁定，现在改回了草稿；发布记录不能抹去，"
        f"请用 git checkout {commit} -- {ISSUE} 恢复，改动写在稿件的 corrections 中"]
    assert run_cli(newsroom.root, "publish", ISSUE, today="2026-03-20").code == 1  # check refuses first
    assert "lock:" not in (newsroom.root / ISSUE).read_text(encoding="utf-8")


def test_a_lock_rewritten_over_edited_text_is_caught(committed):
    newsroom, commit = committed
    edit(newsroom, R, "全面展开。", "全面展开，一切顺利。")
    text = (newsroom.root / ISSUE).read_text(encoding="utf-8")
    (newsroom.root / ISSUE).write_text(text.split("lock:")[0].replace("status: published", "status: draft"), encoding="utf-8")
    git(newsroom.root, "commit", "-q", "-am", "改回草稿")  # even committed, the first publication stands
    (newsroom.root / ISSUE).write_text(text.split("lock:")[0], encoding="utf-8")
    assert [p.split(": ", 2)[1] for p in found(newsroom, "E254", "E255")] == ["error[E254]", "error[E255]"]
    from bulletin.check import run_check
    from bulletin.lock import new_lock

    result = run_check(newsroom.root, LATER)
    issue = next(i for i in result.newsroom.issues if i.src.path == ISSUE)
    lock = new_lock(result.newsroom, issue, LATER)
    items = "".join(f"    {k}: {v}\n" for k, v in lock["items"].items())
    (newsroom.root / ISSUE).write_text(
        text.split("lock:")[0] + f"lock:\n  date: 2026-03-20\n  algorithm: sha256\n  issue: {lock['issue']}\n  items:\n{items}"
        "  version: 2\n  names:\n    series: 政务信息\n    units:\n      nyj: 市农业农村局\n", encoding="utf-8")
    assert found(newsroom, "E224", "E232", "E233", "E254") == []  # a perfect forgery by the lock alone
    assert found(newsroom) == [
        f"{ISSUE}:14: error[E255]: 本期的锁定摘要与首次发布它的提交 {commit} 中的不同（date、items.2026-03-nyj-001）；"
        f"lock 只能由 bulletin publish 按更正记录重新锁定，请用 git checkout {commit} -- {ISSUE} 恢复"]
    verify = run_cli(newsroom.root, "verify", today="2026-03-20")
    assert verify.code == 1 and verify.out.splitlines()[-1] == found(newsroom)[0]
    assert verify.err == "核对了 1 期已发布期刊：0 期已变更，其中 0 期有未经更正的改动；与 git 中的发布记录不符 1 处\n"


def test_a_deleted_published_issue_is_caught(committed):
    newsroom, commit = committed
    newsroom.remove(ISSUE)
    assert found(newsroom) == [
        f"{ISSUE}:1: error[E255]: 本期已在提交 {commit} 发布，现在期刊文件已被删除；已发布的期刊不能删除，"
        f"请用 git checkout {commit} -- {ISSUE} 恢复"]
    git(newsroom.root, "commit", "-q", "-am", "删除第18期")
    assert len(found(newsroom)) == 1


def test_a_correction_relocked_then_taken_back_is_caught(committed):
    newsroom, _ = committed
    edit(newsroom, R, "全面展开。", "全面展开，进展顺利。")
    _correct(newsroom, "2026-03-15")
    assert run_cli(newsroom.root, "publish", ISSUE, today="2026-03-16").code == 0
    git(newsroom.root, "commit", "-q", "-am", "更正并重新锁定")
    relocked = git(newsroom.root, "rev-parse", "HEAD").stdout.strip()[:10]
    assert found(newsroom, "E224", "E254", "E255", "E256", "W108") == []  # a re-lock is legitimate
    text = (newsroom.root / R).read_text(encoding="utf-8")
    edit(newsroom, R, "corrections:\n  - {date: 2026-03-15, note: 更正数字}\n", "")
    assert found(newsroom, "E255", "E256") == [
        f"{R}:2: error[E256]: 本稿在 zwxx/2026/018 发布后的 1 条更正记录已在重新锁定时计入，现在只剩 0 条；"
        "更正记录不能删除，请用 git 恢复删去的更正"]
    edit(newsroom, ISSUE, "  corrected:\n    2026-03-nyj-001: 1\n", "")  # and hide it in the lock too
    assert [p.split(": ", 2)[1] for p in found(newsroom, "E255", "E256")] == ["error[E255]", "error[E255]"]
    assert found(newsroom)[1] == (
        f"{ISSUE}:14: error[E255]: 稿件 2026-03-nyj-001 在提交 {relocked} 中已计入 1 条更正记录，现在 lock.corrected 只有 0 条；"
        f"更正记录不能撤回，请用 git show {relocked} 找回删去的更正和锁定摘要")
    (newsroom.root / R).write_text(text, encoding="utf-8")


def test_the_history_is_read_once_per_commit(committed, monkeypatch):
    newsroom, _ = committed
    assert found(newsroom) == []
    saved = json.loads((newsroom.root / "build" / ".cache" / history.CACHE).read_text(encoding="utf-8"))
    assert saved["head"] == git(newsroom.root, "rev-parse", "HEAD").stdout.strip()
    assert list(saved["records"]) == [ISSUE]
    calls = []
    real = history._git
    monkeypatch.setattr(history, "_git", lambda root, *args, **kw: calls.append(args[0]) or real(root, *args, **kw))
    assert found(newsroom) == []
    assert calls == ["rev-parse"]  # warm: one git process
    newsroom.report("2026-03-nyj-002")
    git(newsroom.root, "add", "-A")
    git(newsroom.root, "commit", "-q", "-m", "新稿")
    calls.clear()
    newsroom.remove(ISSUE)
    assert len(found(newsroom)) == 1
    assert calls == ["rev-parse", "merge-base", "log"]  # only the new commit; no issue file changed in it


def test_no_repository_no_history(newsroom):
    assert history.published_history(newsroom.root, None) is None


def test_an_issue_moved_into_the_classified_store_is_no_deletion_and_absent_it_asks_for_a_purge(committed):
    """move-classified keeps the issue's path in the store: beside the store it is compared with its
    record as before; on the networked machine (store configured, absent) git still holds it."""
    import shutil

    newsroom, commit = committed
    newsroom.write("mkdocs.yml", "site_name: 测试\nextra:\n  bulletin:\n    classified_store: ../store\n")
    store = newsroom.root.parent / "store"
    (store / ISSUE).parent.mkdir(parents=True)
    shutil.move(newsroom.root / ISSUE, store / ISSUE)
    assert found(newsroom) == []
    edit(newsroom, R, "全面展开。", "全面展开，一切顺利。")
    text = (store / ISSUE).read_text(encoding="utf-8")
    (store / ISSUE).write_text(text.split("lock:")[0].replace("status: published", "status: draft"), encoding="utf-8")
    assert [p.split(": ", 2)[1] for p in found(newsroom)] == ["error[E255]"]  # the stored copy is held to its record
    shutil.rmtree(store)
    assert found(newsroom) == [
        f"{ISSUE}:1: error[E255]: 本期已在提交 {commit} 发布，现在期刊文件已不在新闻室；如已用 bulletin move-classified "
        "移入涉密库，git 历史中仍有它：请按 docs/workflow.md 从 git 历史中清除；否则"
        f"请用 git checkout {commit} -- {ISSUE} 恢复"]
