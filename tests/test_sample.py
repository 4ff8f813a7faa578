"""The sample newsroom at the repository's top level checks clean."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from bulletin.check import run_check
from bulletin.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_sample_has_no_errors_and_one_expected_warning():
    result = run_check(ROOT, date(2026, 11, 27))
    assert [p.format() for p in result.problems] == [
        "content/2026/10/2026-10-dongcheng-001.md:7: warning[W005]: 紧急信息在事件发生 6.0 小时后才报送，超过 4 小时时限"
    ]


def test_sample_size_and_coverage():
    newsroom = run_check(ROOT, date(2026, 11, 27)).newsroom
    reports = newsroom.reports.values()
    assert len(newsroom.units) >= 10 and len(newsroom.series) == 3 and len(newsroom.issues) >= 6
    assert len(newsroom.reports) >= 40
    assert {r.category for r in reports} == {"动态", "经验", "问题", "调研", "建议", "紧急"}
    assert {r.classification for r in reports} >= {"公开", "内部", "秘密", "机密"}
    assert any(r.co_units for r in reports) and any(r.followed_by for r in reports if r.category == "紧急")
    assert any(r.instructions for r in reports) and any(r.status == "不采用" for r in reports)


def test_schema_command_prints_json(capsys):
    assert main(["schema", "issue"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "期刊"
