"""Numbering safety across git branches: two editors each make "the next issue", then merge.

Two cases happen in practice (docs/workflow.md tells the editor what to do in each):

* the same series and year: both branches write ``issues/zwxx/2026/019.yaml``, so git itself
  stops the merge with an add/add conflict. The editor keeps one file, saves the other branch's
  version under the next number, and check names the duplicate and the renumber command;
* a continuously numbered series across the new year: the files differ in their year folder
  (``2026/008`` and ``2027/008``), git merges cleanly, and only check catches the duplicate.
"""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from helpers.workflow import lines, run_cli

GIT = ["git", "-c", "user.name=李静", "-c", "user.email=lijing@example.gov.cn", "-c", "commit.gpgsign=false",
       "-c", "init.defaultBranch=main", "-c", "core.quotePath=false"]


def git(root, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([*GIT, *args], cwd=root, capture_output=True, text=True, check=check)


@pytest.fixture
def repo(newsroom):
    git(newsroom.root, "init", "-q")
    git(newsroom.root, "add", "-A")
    git(newsroom.root, "commit", "-q", "-m", "新闻室")
    return newsroom


def accept(newsroom, rid: str, unit: str, author: str, day: int) -> None:
    newsroom.report(rid, unit=unit, author=author, title=f"{rid} 的标题", status="拟采用",
                    submitted=f"2026-03-{day:02d}T09:00:00+08:00")


def on_branch(newsroom, branch: str, *issue_args: str, today: str = "2026-03-12") -> str:
    """On a new branch from main: run ``bulletin issue`` and commit what it wrote."""
    git(newsroom.root, "checkout", "-q", "-b", branch, "main")
    result = run_cli(newsroom.root, "issue", *issue_args, today=today)
    assert result.code == 0, result.err
    git(newsroom.root, "add", "-A")
    git(newsroom.root, "commit", "-q", "-m", f"{branch}: {result.out.strip()}")
    return result.out.strip()


def test_same_number_on_two_branches_conflicts_then_check_guides_the_renumbering(repo):
    root = repo.root
    accept(repo, "2026-03-nyj-002", "nyj", "李明", 10)
    accept(repo, "2026-03-jyj-001", "jyj", "赵敏", 10)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "两篇拟采用稿件")
    assert on_branch(repo, "li", "--series", "zwxx", "--items", "2026-03-nyj-002") == "issues/zwxx/2026/019.yaml"
    assert on_branch(repo, "wang", "--series", "zwxx", "--items", "2026-03-jyj-001") == "issues/zwxx/2026/019.yaml"

    git(root, "checkout", "-q", "li")
    merge = git(root, "merge", "--no-edit", "wang", check=False)
    assert merge.returncode == 1
    assert "CONFLICT (add/add): Merge conflict in issues/zwxx/2026/019.yaml" in merge.stdout
    conflicted = run_cli(root, "check")
    assert conflicted.code == 1
    assert any(line.startswith("issues/zwxx/2026/019.yaml:") and ": error[" in line for line in conflicted.out.splitlines())

    # docs/workflow.md: keep ours, save theirs as the next number, let check say the rest
    theirs = git(root, "show", ":3:issues/zwxx/2026/019.yaml").stdout
    (root / "issues/zwxx/2026/020.yaml").write_text(theirs, encoding="utf-8")
    git(root, "checkout", "--ours", "issues/zwxx/2026/019.yaml")
    assert lines(root, date(2026, 3, 12), "E209", "E210") == [
        "issues/zwxx/2026/020.yaml:5: error[E209]: number 写的是 19，但文件路径表示 20；请使两者一致",
        "issues/zwxx/2026/020.yaml:5: error[E210]: 第19期与 issues/zwxx/2026/019.yaml 重号（常见于两个分支各自新建了期刊）；"
        "请运行 bulletin renumber issues/zwxx/2026/020.yaml 20 把草稿改为第20期",
    ]
    renumbered = run_cli(root, "renumber", "issues/zwxx/2026/020.yaml", "20")
    assert renumbered.code == 0
    assert run_cli(root, "check").code == 0
    git(root, "add", "issues")
    git(root, "commit", "-q", "--no-edit")
    assert git(root, "status", "--porcelain").stdout == ""
    assert "  - 2026-03-nyj-002" in (root / "issues/zwxx/2026/019.yaml").read_text(encoding="utf-8")
    twenty = (root / "issues/zwxx/2026/020.yaml").read_text(encoding="utf-8")
    assert "\nnumber: 20\n" in twenty and "  - 2026-03-jyj-001" in twenty


def test_continuous_numbering_across_new_year_merges_cleanly_and_check_names_the_duplicate(repo):
    root = repo.root
    series = (root / "issues/series.yaml").read_text(encoding="utf-8")
    (root / "issues/series.yaml").write_text(series.replace("public: false}", "numbering: continuous, public: false}", 1),
                                             encoding="utf-8")
    accept(repo, "2026-03-nyj-002", "nyj", "李明", 10)
    accept(repo, "2026-03-jyj-001", "jyj", "赵敏", 10)
    repo.write("issues/xxzb/2026/007.yaml", "series: xxzb\nyear: 2026\nnumber: 7\ndate: 2026-11-20\nstatus: draft\n"
                                            "items: [2026-03-nyj-001]\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "专报连续编号")
    assert on_branch(repo, "li", "--series", "xxzb", "--items", "2026-03-nyj-002", "--date", "2026-12-30",
                     today="2026-12-30") == "issues/xxzb/2026/008.yaml"
    assert on_branch(repo, "wang", "--series", "xxzb", "--items", "2026-03-jyj-001", "--date", "2027-01-04",
                     today="2027-01-04") == "issues/xxzb/2027/008.yaml"

    git(root, "checkout", "-q", "li")
    assert git(root, "merge", "--no-edit", "wang").returncode == 0  # no conflict: different folders
    result = run_cli(root, "check", today="2027-01-04")
    assert result.code == 1
    assert [line for line in result.out.splitlines() if ": error[" in line] == [
        "issues/xxzb/2027/008.yaml:5: error[E210]: 第8期与 issues/xxzb/2026/008.yaml 重号（常见于两个分支各自新建了期刊）；"
        "请运行 bulletin renumber issues/xxzb/2027/008.yaml 9 把草稿改为第9期"
    ]
    assert run_cli(root, "renumber", "issues/xxzb/2027/008.yaml", "9", today="2027-01-04").out == "issues/xxzb/2027/009.yaml\n"
    assert run_cli(root, "check", today="2027-01-04").code == 0
