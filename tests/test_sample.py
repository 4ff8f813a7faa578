"""The sample newsroom at the repository's top level checks clean."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from bulletin.check import run_check
from bulletin.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_sample_has_no_errors_and_two_deliberate_warnings():
    """The late urgent report, and the sample's store inside its own git work tree (W007)."""
    result = run_check(ROOT, date(2026, 11, 27))
    assert [p.format() for p in result.problems] == [
        "content/2026/10/2026-10-dongcheng-001.md:7: warning[W005]: 紧急信息在事件发生 6.0 小时后才报送，超过 4 小时时限",
        "mkdocs.yml:12: warning[W007]: 涉密库 classified/ 在新闻室的 git 工作区内，会随仓库推送到联网的服务器；"
        "实际工作中涉密库须放在不联网的计算机上、不进 git（示例新闻室有意如此，见 docs/security.md）",
    ]


def test_sample_keeps_its_classified_items_in_the_store():
    result = run_check(ROOT, date(2026, 11, 27))
    stored = sorted(r.src.path for r in result.newsroom.reports.values() if r.src.stored)
    assert stored == [
        "classified/content/2026/08/2026-08-gaj-001.md",
        "classified/content/2026/09/2026-09-xfj-001.md",
        "classified/content/2026/10/2026-10-gaj-002.md",
        "classified/content/2026/10/2026-10-xfj-001.md",
    ]
    assert all(r.classified for r in result.newsroom.reports.values() if r.src.stored)
    assert not any(r.classified for r in result.newsroom.reports.values() if not r.src.stored)
    assert sorted(i.src.path for i in result.newsroom.issues if i.src.stored) == [
        "classified/issues/ldcy/2026/011.yaml", "classified/issues/ldcy/2026/012.yaml", "classified/issues/xxzb/2026/008.yaml",
    ]
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "content").rglob("*.md")]
    assert texts and not any(re.search(r"^classification: (秘密|机密|绝密)", t, re.M) for t in texts)


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
