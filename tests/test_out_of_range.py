"""Out-of-range values: a clear line or a working result, never a traceback."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.newsroom import SCORING

from bulletin.check import run_check
from bulletin.cli import main
from bulletin.scoring import PeriodError, parse_period
from bulletin.site import urls
from bulletin.site.settings import read_settings

TODAY = date(2026, 3, 20)
REPORT = "content/2026/03/2026-03-nyj-001.md"


def lines(newsroom) -> list[str]:
    return [p.format() for p in run_check(newsroom.root, TODAY, use_cache=False).errors]


@pytest.mark.parametrize("moment", ["9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00+14:00", "1899-12-31T08:00:00+08:00"])
def test_times_outside_1900_to_2100(newsroom, moment):
    newsroom.report(submitted=moment)
    assert lines(newsroom) == [f"{REPORT}:7: error[E106]: submitted 的值 {moment} 超出 1900–2100 年的范围，"
                               '例如 "2026-03-09T16:20:00+08:00"']


def test_dates_outside_1900_to_2100(newsroom):
    newsroom.write("issues/zwxx/2026/018.yaml", open(newsroom.root / "issues/zwxx/2026/018.yaml").read()
                   .replace("date: 2026-03-12", "date: 2101-01-01"))
    assert lines(newsroom) == ['issues/zwxx/2026/018.yaml:4: error[E106]: date 的值 2101-01-01 超出 1900–2100 年的范围，'
                               '例如 "2026-03-12"']


@pytest.mark.parametrize(("old", "new", "line", "text"), [
    ("urgent_window_hours: 4", "urgent_window_hours: .inf", 1, ".inf"),
    ("urgent_window_hours: 4", "urgent_window_hours: -.Inf", 1, "-.Inf"),
    ("city:     {default: 3}", "city:     {default: .nan}", 4, ".nan"),
])
def test_non_finite_numbers_in_scoring(newsroom, old, new, line, text):
    newsroom.write("scoring.yaml", SCORING.replace(old, new))
    newsroom.report(category="紧急", event_time="2026-03-09T08:10:00+08:00")
    assert lines(newsroom) == [f"scoring.yaml:{line}: error[E107]: {text} 不是一个有限的数值；请写具体的数字，例如 4 或 0.5"]


def test_huge_urgent_window(newsroom):
    newsroom.write("scoring.yaml", SCORING.replace("urgent_window_hours: 4", "urgent_window_hours: 1.0e+300"))
    newsroom.report(category="紧急", event_time="2026-03-09T08:10:00+08:00")
    assert lines(newsroom) == ["scoring.yaml:1: error[E107]: urgent_window_hours 的值超出范围（要求 maximum 8760）"]


def test_periods_outside_the_range_and_without_data(newsroom, capsys):
    with pytest.raises(PeriodError, match="考核期间 9999-12 超出 1900–2100 年的范围"):
        parse_period("9999-12")
    assert main(["--root", str(newsroom.root), "--today", "2026-03-20", "scores", "--period", "9999-12"]) == 2
    assert "超出 1900–2100 年的范围" in capsys.readouterr().err
    assert main(["--root", str(newsroom.root), "--today", "2026-03-20", "scores", "--period", "2031-07",
                 "--format", "json"]) == 0
    assert '"period": "2031-07"' in capsys.readouterr().out


def test_two_thousand_deep_mkdocs_yml(newsroom):
    newsroom.write("mkdocs.yml", "site_name: 江城政务信息\nextra: " + "[" * 2000 + "]" * 2000 + "\n")
    assert lines(newsroom) == ["mkdocs.yml:2: error[E008]: mkdocs.yml 嵌套过深；请简化结构"]
    assert read_settings(newsroom.root).site_name == "政务信息"  # defaults, no RecursionError


def test_a_tag_written_as_another_tags_slug_gets_its_own_page():
    digest = urls.tag("春耕")
    lookalike = digest.removeprefix("tags/").removesuffix(".md")
    assert urls.tag(lookalike) != digest
    assert urls.tag("ai") == "tags/ai.md"  # plain ASCII names keep their readable URL
    assert urls.unit("u-" + urls.unit("城东").removeprefix("units/u-").removesuffix(".md")) != urls.unit("城东")
