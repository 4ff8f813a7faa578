"""Assessment by hand: a small newsroom that exercises every scoring rule (docs/assessment.md).

The expected tables below were computed by hand from the rules (the arithmetic is in the
comments), not copied from the program. The day of the build is 2026-04-10.

Scoring (spec values): own {bulletin 1, special 2, brief 2}; city {default 3};
province {default 5, special 10}; national {default 20}; instruction {own 2, city 4};
bonus category {调研 2, 问题 1}, assignment 1; urgent_late −5; assignment_missed −2;
quota default 4, excess +0.5 per item, shortfall −1 per item.

Units: a 甲局 quota 2 · b 乙局 quota 0 · c 丙局 quota 1 · d 丁局 (default 4) · x 戊局 inactive.

Reports
  a-1  a  调研  03-05  zwxx/001 (published 03-10, bulletin 1), xxzb/001 (published 03-12, special 2),
                       ldcy/001 (draft 03-11: does not count);
                       province 《每日要情》 special 03-20 and again default 03-22 (one distinct pair);
                       city 《江城信息》 kind brief 04-02 (city has no brief → default 3);
                       instructions own 03-14, city 04-03
  a-2  a  动态  03-15  answers yg-1 on time; not adopted
  a-3  a  动态  04-02  not adopted
  b-1  b  问题  03-02  zwxx/001 (03-10)
  b-2  b  动态  03-25  answers yg-1 after its due 03-20; in draft zwxx/003 only
  j-1  a + co b, c  动态  03-28  answers yg-2; zwxx/002 (published 04-03); national 《要情》 04-08
                       (no kind → default 20); instruction city 04-08
  c-1  c  紧急  03-09 10:00, event 05:00 (5 h > 4 h: late)
  c-2  c  紧急  03-20 12:00, event 08:00 (exactly 4 h: not late); xxzb/002 (published 03-21)
  c-3  c  经验  2026-03-31T16:30Z = 04-01 00:30 Shanghai → an April submission
  d-1  d  建议  03-03  city 《江城信息》 dated 05-06, after the day of the build: not yet adopted
  d-2  d  调研  04-05  not adopted: no category bonus
  x-1  x  动态  03-04  zwxx/001 (03-10)

Assignments
  yg-1 due 03-20 [a, b]   a answered by a-2 (03-15); b-2 came 03-25 → b missed (−2, dated 03-20)
  yg-2 due 03-31 all      all = active a, b, c, d; j-1 (03-28) answers for a, b and c → d missed (−2, 03-31)
  yg-3 due 04-10 [d]      due is the day of the build: not passed yet → nothing
  yg-4 due 04-30 [c]      not due yet → nothing
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from helpers.scoring import SCORING, SERIES, add_issue, add_report, units_yaml, write

from bulletin.check import run_check
from bulletin.cli import main
from bulletin.scoring import Ledger, PeriodError, parse_period, round_half_up, score_table

TODAY = date(2026, 4, 10)


def make_example(root: Path) -> Path:
    write(root, "scoring.yaml", SCORING)
    write(root, "issues/series.yaml", SERIES)
    write(root, "units.yaml", units_yaml([
        {"id": "a", "name": "甲局", "quota": 2},
        {"id": "b", "name": "乙局", "quota": 0},
        {"id": "c", "name": "丙局", "quota": 1},
        {"id": "d", "name": "丁局"},
        {"id": "x", "name": "戊局", "active": False},
    ]))
    write(root, "issues/assignments.yaml", """\
- {id: yg-1, topic: 春耕备耕, issued: 2026-03-01, due: 2026-03-20, units: [a, b]}
- {id: yg-2, topic: 一季度经济运行, issued: 2026-03-01, due: 2026-03-31, units: all}
- {id: yg-3, topic: 防汛准备, issued: 2026-04-01, due: 2026-04-10, units: [d]}
- {id: yg-4, topic: 安全生产, issued: 2026-04-01, due: 2026-04-30, units: [c]}
""")
    add_report(root, "a-1", "a", "2026-03-05T09:00:00+08:00", "调研",
               adopted=[{"level": "province", "publication": "《每日要情》", "date": "2026-03-20", "kind": "special"},
                        {"level": "province", "publication": "《每日要情》", "date": "2026-03-22"},
                        {"level": "city", "publication": "《江城信息》", "date": "2026-04-02", "kind": "brief"}],
               instructions=[{"leader": "市长 张国华", "level": "own", "date": "2026-03-14", "text": "阅。"},
                             {"leader": "市委书记 李强", "level": "city", "date": "2026-04-03", "text": "很好。"}])
    add_report(root, "a-2", "a", "2026-03-15T09:00:00+08:00", assignment="yg-1")
    add_report(root, "a-3", "a", "2026-04-02T09:00:00+08:00")
    add_report(root, "b-1", "b", "2026-03-02T09:00:00+08:00", "问题")
    add_report(root, "b-2", "b", "2026-03-25T09:00:00+08:00", assignment="yg-1")
    add_report(root, "j-1", "a", "2026-03-28T09:00:00+08:00", co_units=["b", "c"], assignment="yg-2",
               adopted=[{"level": "national", "publication": "《要情》", "date": "2026-04-08"}],
               instructions=[{"leader": "市委书记 李强", "level": "city", "date": "2026-04-08", "text": "阅。"}])
    add_report(root, "c-1", "c", "2026-03-09T10:00:00+08:00", "紧急", event_time="2026-03-09T05:00:00+08:00")
    add_report(root, "c-2", "c", "2026-03-20T12:00:00+08:00", "紧急", event_time="2026-03-20T08:00:00+08:00")
    add_report(root, "c-3", "c", "2026-03-31T16:30:00+00:00", "经验")
    add_report(root, "d-1", "d", "2026-03-03T09:00:00+08:00", "建议",
               adopted=[{"level": "city", "publication": "《江城信息》", "date": "2026-05-06"}])
    add_report(root, "d-2", "d", "2026-04-05T09:00:00+08:00", "调研")
    add_report(root, "x-1", "x", "2026-03-04T09:00:00+08:00")
    add_issue(root, "zwxx", 2026, 1, "2026-03-10", "published", ["a-1", "b-1", "x-1"])
    add_issue(root, "zwxx", 2026, 2, "2026-04-03", "published", ["j-1"])
    add_issue(root, "zwxx", 2026, 3, "2026-04-08", "draft", ["b-2"])
    add_issue(root, "xxzb", 2026, 1, "2026-03-12", "published", ["a-1"])
    add_issue(root, "xxzb", 2026, 2, "2026-03-21", "published", ["c-2"])
    add_issue(root, "ldcy", 2026, 1, "2026-03-11", "draft", ["a-1"])
    return root


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    return make_example(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def ledger(example) -> Ledger:
    result = run_check(example, TODAY)
    assert result.errors == []
    return Ledger(result.newsroom)


def table_of(ledger: Ledger, period: str) -> dict[str, tuple]:
    """unit -> (submitted, adopted, rate, instructions, points, rank), floats as reported."""
    table = score_table(ledger, parse_period(period)).as_json()
    return {u["unit"]: (u["submitted"], u["adopted"], u["adoption_rate"], u["instructions"], u["points"], u["rank"])
            for u in table["units"]}


# 2026-03
# a: a-1 own max(zwxx 1, xxzb 2; ldcy is a draft) = 2 (03-12) + province 《每日要情》 once at special 10 (03-20)
#    + own instruction 2 (03-14) + 调研 bonus 2 dated by the first adoption zwxx/001 03-10
#    + quota: a-1, a-2, j-1 = 3 submitted vs 2 → +0.5 × 1 = 0.5        → 2 + 10 + 2 + 2 + 0.5 = 16.5
# b: b-1 own 1 (03-10) + 问题 bonus 1 (03-10) + yg-1 missed −2 (03-20)
#    + quota: b-1, b-2, j-1 = 3 vs 0 → +0.5 × 3 = 1.5                 → 1 + 1 − 2 + 1.5 = 1.5
# c: c-1 late −5 (03-09); c-2 own special 2 (03-21); quota: c-1, c-2, j-1 = 3 vs 1 → +1   → −2
# d: yg-2 missed −2 (03-31); quota: d-1 = 1 vs 4 → −3                  → −5
# x: x-1 own 1 (inactive: no quota, no rank)                            → 1
# submitted/adopted (adopted by 04-10): a {a-1 ✓, a-2 ✗, j-1 ✓ (04-03)} 3/2; b {b-1 ✓, b-2 ✗, j-1 ✓} 3/2;
# c {c-1 ✗, c-2 ✓, j-1 ✓} 3/2; d {d-1: adopted 05-06, after the build} 1/0; x 1/1.  2/3 = 0.6667
# instructions dated in March: a-1's own one → a 1.
MARCH = {
    "a": (3, 2, 0.6667, 1, 16.5, 1),
    "b": (3, 2, 0.6667, 0, 1.5, 2),
    "c": (3, 2, 0.6667, 0, -2.0, 3),
    "d": (1, 0, 0.0, 0, -5.0, 4),
    "x": (1, 1, 1.0, 0, 1.0, None),
}

# 2026-04 (begun by 04-10; May and June have not)
# j-1 earns own zwxx 1 (04-03) + assignment bonus 1 (first adoption 04-03) + national default 20 (04-08)
#     + city instruction 4 (04-08) = 26, split three ways: 26/3 each to a, b, c
# a: a-1 city 《江城信息》 brief → default 3 (04-02) + city instruction 4 (04-03) + 26/3
#    + quota: a-3 = 1 vs 2 → −1                                         → 6 + 26/3 = 44/3 = 14.666… → 14.67
# b: 26/3 + quota 0 vs 0 → 0                                            → 26/3 = 8.666… → 8.67
# c: 26/3 + quota: c-3 (04-01 Shanghai) = 1 vs 1 → 0                    → 8.67
# d: quota: d-2 = 1 vs 4 → −3; yg-3 due today: not passed; d-1's May adoption not counted yet → −3
# ranks: 14.67 → 1; 8.67, 8.67 → 2, 2; −3 → 4
# instructions in April: a-1 city (04-03) and j-1 (04-08) → a 2; j-1 counts for b and c → 1 each
APRIL = {
    "a": (1, 0, 0.0, 2, 14.67, 1),
    "b": (0, 0, 0.0, 1, 8.67, 2),
    "c": (1, 0, 0.0, 1, 8.67, 2),
    "d": (1, 0, 0.0, 0, -3.0, 4),
    "x": (0, 0, 0.0, 0, 0.0, None),
}

# Q1: January and February have begun and have no submissions: quota shortfall each month
#     a −2, b 0 (quota 0), c −1, d −4; twice.
# a 16.5 − 4 = 12.5; b 1.5; c −2 − 2 = −4; d −5 − 8 = −13; x 1
Q1 = {
    "a": (3, 2, 0.6667, 1, 12.5, 1),
    "b": (3, 2, 0.6667, 0, 1.5, 2),
    "c": (3, 2, 0.6667, 0, -4.0, 3),
    "d": (1, 0, 0.0, 0, -13.0, 4),
    "x": (1, 1, 1.0, 0, 1.0, None),
}

# 2026: Q1 + April (May–December have not begun)
# a 25/2 + 44/3 = 163/6 = 27.1666… → 27.17; b 3/2 + 26/3 = 61/6 = 10.1666… → 10.17;
# c −4 + 26/3 = 14/3 = 4.666… → 4.67; d −13 − 3 = −16; x 1
# submitted/adopted: a 4/2 = 0.5, b 3/2, c 4/2 = 0.5, d 2/0, x 1/1; instructions a 3, b 1, c 1
YEAR = {
    "a": (4, 2, 0.5, 3, 27.17, 1),
    "b": (3, 2, 0.6667, 1, 10.17, 2),
    "c": (4, 2, 0.5, 1, 4.67, 3),
    "d": (2, 0, 0.0, 0, -16.0, 4),
    "x": (1, 1, 1.0, 0, 1.0, None),
}


@pytest.mark.parametrize(("period", "expected"), [
    ("2026-03", MARCH), ("2026-04", APRIL), ("2026-Q1", Q1), ("2026-Q2", APRIL), ("2026", YEAR),
])
def test_hand_computed_tables(ledger, period, expected):
    assert table_of(ledger, period) == expected


def test_rows_are_ordered_by_rank_then_inactive(ledger):
    units = [u["unit"] for u in score_table(ledger, parse_period("2026-04")).as_json()["units"]]
    assert units == ["a", "b", "c", "d", "x"]


def test_before_the_year_and_after_the_build_nothing(ledger):
    # 2025-12: no submissions, but the month has begun → every active unit falls short of its quota
    assert {u: row[4] for u, row in table_of(ledger, "2025-12").items()} == {
        "a": -2.0, "b": 0.0, "c": -1.0, "d": -4.0, "x": 0.0}
    # 2026-05 has not begun: no quota, and d-1's adoption dated 05-06 is not counted yet
    assert {u: row[4] for u, row in table_of(ledger, "2026-05").items()} == {
        "a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0, "x": 0.0}


def test_explain_a_in_april(ledger):
    entries = score_table(ledger, parse_period("2026-04")).entries_of("a")
    got = [(e.day.isoformat(), e.rule, e.report, e.points, e.split) for e in entries]
    assert got == [
        ("2026-04-01", "quota_shortfall", None, Fraction(-1), 1),
        ("2026-04-02", "upward_adoption", "a-1", Fraction(3), 1),
        ("2026-04-03", "own_adoption", "j-1", Fraction(1, 3), 3),
        ("2026-04-03", "instruction", "a-1", Fraction(4), 1),
        ("2026-04-03", "assignment_bonus", "j-1", Fraction(1, 3), 3),
        ("2026-04-08", "upward_adoption", "j-1", Fraction(20, 3), 3),
        ("2026-04-08", "instruction", "j-1", Fraction(4, 3), 3),
    ]
    by_rule = {(e.rule, e.report): e for e in entries}
    # sources point at the line an editor wrote: the 3rd adopted entry of a-1 is on line 10 of its file
    # (---, id, title, unit, author, signed_off_by, submitted, category, classification, adopted)
    assert by_rule[("upward_adoption", "a-1")].source == "content/2026/03/a-1.md:10"
    assert by_rule[("upward_adoption", "a-1")].basis == "scoring.yaml:4"  # line 4 of SCORING: city: {default: 3}
    assert by_rule[("own_adoption", "j-1")].source == "issues/zwxx/2026/002.yaml:9"  # line 9: "  - j-1" under items:
    assert by_rule[("quota_shortfall", None)].source == "units.yaml:5"  # a's quota line
    assert by_rule[("quota_shortfall", None)].basis == "scoring.yaml:17"  # shortfall: -1


def test_explain_march_penalties(ledger):
    entries = score_table(ledger, parse_period("2026-03")).entries
    missed = [(e.unit, e.day.isoformat(), e.points, e.source) for e in entries if e.rule == "assignment_missed"]
    assert missed == [("b", "2026-03-20", -2, "issues/assignments.yaml:1"),
                      ("d", "2026-03-31", -2, "issues/assignments.yaml:2")]
    notes = [e.note for e in entries if e.rule == "assignment_missed"]
    assert notes == ["约稿“春耕备耕”逾期报送（截止3月20日）", "约稿“一季度经济运行”截至3月31日未报送"]
    late = [(e.unit, e.report, e.day.isoformat(), e.points) for e in entries if e.rule == "urgent_late"]
    assert late == [("c", "c-1", "2026-03-09", -5)]
    bonus = [(e.unit, e.report, e.day.isoformat(), e.points) for e in entries if e.rule == "category_bonus"]
    assert bonus == [("a", "a-1", "2026-03-10", 2), ("b", "b-1", "2026-03-10", 1)]
    own = [(e.report, e.day.isoformat(), e.points) for e in entries if e.rule == "own_adoption" and e.unit == "a"]
    assert own == [("a-1", "2026-03-12", 2)]


def test_points_round_half_up():
    assert round_half_up(Fraction(1, 8), 2) == round_half_up(Fraction(13, 100), 2)
    assert str(round_half_up(Fraction(1, 8), 2)) == "0.13"
    assert str(round_half_up(Fraction(-1, 8), 2)) == "-0.13"
    assert str(round_half_up(Fraction(2, 3), 4)) == "0.6667"


@pytest.mark.parametrize(("text", "key", "start", "end"), [
    ("2026-10", "2026-10", date(2026, 10, 1), date(2026, 10, 31)),
    ("2026-02", "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2026-Q3", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026-q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
])
def test_periods(text, key, start, end):
    period = parse_period(text)
    assert (period.key, period.start, period.end) == (key, start, end)


def test_period_titles():
    assert parse_period("2026-11").cn == "2026年11月份"
    assert parse_period("2026-Q3").cn == "2026年第三季度"
    assert parse_period("2026").cn == "2026年度"


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-Q5", "26-10", "2026/10", "10月", "", "2026-1"])
def test_bad_periods(bad):
    with pytest.raises(PeriodError, match="请写 2026-10"):
        parse_period(bad)


# -- the command -------------------------------------------------------------------------------


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape(example, capsys):
    code, out, err = run_cli(capsys, "scores", "--root", str(example), "--today", "2026-04-10",
                             "--period", "2026-04", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["period", "units"]
    assert data["period"] == "2026-04"
    assert data["units"][0] == {"unit": "a", "name": "甲局", "submitted": 1, "adopted": 0, "adoption_rate": 0.0,
                                "instructions": 2, "points": 14.67, "rank": 1}
    assert data["units"][-1]["rank"] is None


def test_table_text(example, capsys):
    code, out, _ = run_cli(capsys, "scores", "--root", str(example), "--today", "2026-04-10", "--period", "2026-04")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2026年4月份政务信息报送考核得分"
    assert lines[2].split() == ["名次", "单位", "报送", "采用", "采用率", "批示", "得分"]
    assert lines[3].split() == ["1", "甲局", "1", "0", "0.00%", "2", "14.67"]
    assert lines[5].split() == ["2", "丙局", "1", "0", "0.00%", "1", "8.67"]
    assert lines[7].split() == ["停用", "戊局", "0", "0", "0.00%", "0", "0.00"]


def test_explain_command(example, capsys):
    code, out, _ = run_cli(capsys, "scores", "--root", str(example), "--today", "2026-04-10",
                           "--period", "2026-04", "--unit", "b", "--explain")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "乙局（b）2026年4月份得分 8.67，共 4 项"
    assert lines[2].split()[:4] == ["2026-04-03", "本级采用", "+0.33", "j-1"]
    assert "（3家联合报送，均分）" in lines[2] and "issues/zwxx/2026/002.yaml:9" in lines[2]
    data = json.loads(run_cli(capsys, "scores", "--root", str(example), "--today", "2026-04-10", "--period",
                              "2026-04", "--unit", "b", "--explain", "--format", "json")[1])
    assert [e["rule"] for e in data["units"][0]["entries"]] == [
        "own_adoption", "assignment_bonus", "upward_adoption", "instruction"]
    assert sum(Fraction(e["points"]).limit_denominator(1000) for e in data["units"][0]["entries"]) == Fraction(26, 3)


def test_bad_period_is_usage_error(example, capsys):
    code, out, err = run_cli(capsys, "scores", "--root", str(example), "--period", "2026-13")
    assert (code, out) == (2, "")
    assert "考核期间 2026-13 写法不对；请写 2026-10（月）、2026-Q4（季度）或 2026（年度）" in err


def test_unknown_unit_is_usage_error(example, capsys):
    code, _, err = run_cli(capsys, "scores", "--root", str(example), "--today", "2026-04-10",
                           "--period", "2026-04", "--unit", "zz", "--explain")
    assert code == 2 and "单位 zz 不在 units.yaml 中；可写：a、b、c、d、x" in err


def test_newsroom_with_errors_exits_1(tmp_path, capsys):
    root = make_example(tmp_path)
    write(root, "scoring.yaml", SCORING.replace("  city:     {default: 3}\n", "  city:     {brief: 3}\n"))
    code, out, err = run_cli(capsys, "scores", "--root", str(root), "--today", "2026-04-10", "--period", "2026-04")
    assert (code, out) == (1, "")
    assert "scoring.yaml:4: error[E216]: 采用级别 city 须有 default 分值" in err
    assert "未计算得分" in err


def test_xlsx_output(example, tmp_path, capsys):
    out = tmp_path / "得分.xlsx"
    code, stdout, err = run_cli(capsys, "scores", "--root", str(example), "--today", "2026-04-10",
                                "--period", "2026-Q2", "--format", "xlsx", "--output", str(out))
    assert (code, stdout) == (0, "")
    assert err == f"已写入 {out}\n"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["得分排名", "得分明细"]
    ws = wb["得分排名"]
    assert [c.value for c in ws[1]] == ["名次", "单位", "报送条数", "采用条数", "采用率", "批示条数", "得分"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        [1, "甲局", 1, 0, 0, 2, 14.67], [2, "乙局", 0, 0, 0, 1, 8.67], [2, "丙局", 1, 0, 0, 1, 8.67],
        [4, "丁局", 1, 0, 0, 0, -3], ["停用", "戊局", 0, 0, 0, 0, 0]]
    assert ws.freeze_panes == "A2" and wb["得分明细"].freeze_panes == "A2"
    assert [ws.column_dimensions[c].width for c in "ABCDEFG"] == [8, 34, 10, 10, 10, 10, 10]
    detail = wb["得分明细"]
    assert [c.value for c in detail[1]] == ["单位", "日期", "计分项", "稿件", "分值", "说明", "来源", "计分依据"]
    assert detail.max_row - 1 == len(score_table(Ledger(run_check(example, TODAY).newsroom),
                                                 parse_period("2026-Q2")).entries)
    # the default file is build/scores-<period>.xlsx in the newsroom
    code, _, err = run_cli(capsys, "scores", "--root", str(example), "--today", "2026-04-10",
                           "--period", "2026-Q2", "--format", "xlsx")
    assert code == 0 and (example / "build" / "scores-2026-Q2.xlsx").read_bytes() == out.read_bytes()
