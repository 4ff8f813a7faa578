"""Huge or hostile inputs give a clear error or a result quickly, never a hang."""

from __future__ import annotations

import time
from datetime import date

from helpers.newsroom import ISSUE, report_text

from bulletin.check import run_check

TODAY = date(2026, 11, 27)


def timed_check(newsroom):
    started = time.monotonic()
    result = run_check(newsroom.root, TODAY, use_cache=False)
    return result, time.monotonic() - started


def test_five_megabyte_report(newsroom):
    paragraph = "3月8日，全市春耕备耕工作全面展开，各地抓紧调运化肥种子。" * 40 + "\n\n"
    body = paragraph * (5 * 1024 * 1024 // len(paragraph.encode()))
    newsroom.write("content/2026/03/2026-03-nyj-001.md", report_text(body=body))
    result, seconds = timed_check(newsroom)
    assert seconds < 5
    assert [p.code for p in result.problems if p.severity == "error"] == []


def test_oversized_file_is_refused(newsroom):
    newsroom.write("content/2026/03/2026-03-nyj-001.md", report_text(body="字" * (3 * 1024 * 1024)))
    result, seconds = timed_check(newsroom)
    assert seconds < 5
    assert result.problems[0].format().startswith("content/2026/03/2026-03-nyj-001.md:1: error[E008]: 文件有 9 MB，超过上限 8 MB")


def test_issue_with_ten_thousand_items(newsroom):
    items = "".join(f"  - r{i}\n" for i in range(10_000))
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE.replace("  - 2026-03-nyj-001\n", items))
    result, seconds = timed_check(newsroom)
    assert seconds < 5
    assert len([p for p in result.problems if p.code == "E207"]) == 10_000


def test_deeply_nested_yaml_and_long_lines(newsroom):
    nested = "a:\n" + "".join("  " * i + f"b{i}:\n" for i in range(1, 200)) + "  " * 200 + "c: 1\n"
    newsroom.write("issues/assignments.yaml", nested)
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE.replace("editor: 李静", "editor: " + "长" * 1_000_000))
    result, seconds = timed_check(newsroom)
    assert seconds < 5
    assert ("issues/assignments.yaml", "E008") in [(p.path, p.code) for p in result.problems]
