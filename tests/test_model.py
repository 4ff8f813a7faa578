"""The model's rules, one function each on its domain object (every page and check only formats them)."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.newsroom import ISSUE, Newsroom

from bulletin.check import run_check
from bulletin.followups import followup_view
from bulletin.load import load_sources
from bulletin.model import LATE, MISSING, ON_TIME, OPEN, OVERDUE, PENDING, build_newsroom, urgent_chains
from bulletin.site.followup_pages import assignments_page

TODAY = date(2026, 4, 10)


def _model(newsroom: Newsroom, today: date = TODAY):
    return build_newsroom(load_sources(newsroom.root), today)


def _answers(newsroom: Newsroom, today: date = TODAY) -> dict[str, tuple[str, list[str]]]:
    model = _model(newsroom, today)
    a = model.assignments["yg-1"]
    out = {}
    for uid in a.named_units(model.units):
        answer = a.answer_of(uid, today)
        out[uid] = (answer.state, [r.id for r in answer.on_time + answer.late])
    return out


ASSIGNED = """\
- id: yg-1
  topic: 春耕备耕进展
  issued: 2026-03-01
  due: 2026-03-20
  units: [nyj, jyj, old]
"""


def test_an_answer_is_on_time_late_or_missing_once_due_and_pending_before(newsroom):
    newsroom.write("issues/assignments.yaml", ASSIGNED)
    newsroom.report("2026-03-nyj-002", assignment="yg-1", submitted="2026-03-20T23:00:00+08:00")  # the due day counts
    newsroom.report("2026-03-jyj-001", unit="jyj", author="赵敏", assignment="yg-1", submitted="2026-03-21T08:00:00+08:00")
    assert _answers(newsroom) == {"nyj": (ON_TIME, ["2026-03-nyj-002"]), "jyj": (LATE, ["2026-03-jyj-001"]),
                                  "old": (MISSING, [])}
    # on the due day nothing is missing yet, and a report of the next day has not been sent
    assert _answers(newsroom, date(2026, 3, 20)) == {"nyj": (ON_TIME, ["2026-03-nyj-002"]), "jyj": (PENDING, []),
                                                     "old": (PENDING, [])}
    model = _model(newsroom)
    assert [a.missed for a in map(lambda u: model.assignments["yg-1"].answer_of(u, TODAY), ("nyj", "jyj", "old"))] == [
        False, True, True]


def test_a_joint_report_answers_for_each_of_its_units(newsroom):
    newsroom.write("issues/assignments.yaml", ASSIGNED)
    newsroom.report("2026-03-nyj-002", assignment="yg-1", co_units="[jyj]", submitted="2026-03-10T08:00:00+08:00")
    assert _answers(newsroom) == {"nyj": (ON_TIME, ["2026-03-nyj-002"]), "jyj": (ON_TIME, ["2026-03-nyj-002"]),
                                  "old": (MISSING, [])}


def test_all_means_every_active_unit(newsroom):
    newsroom.write("issues/assignments.yaml", ASSIGNED.replace("[nyj, jyj, old]", "all"))
    assert list(_answers(newsroom)) == ["nyj", "jyj"]


def test_the_intranet_page_and_the_score_name_a_late_answer_alike(newsroom):
    newsroom.write("issues/assignments.yaml", ASSIGNED.replace("[nyj, jyj, old]", "[jyj]"))
    newsroom.report("2026-03-jyj-001", unit="jyj", author="赵敏", assignment="yg-1", submitted="2026-03-21T08:00:00+08:00")
    result = run_check(newsroom.root, TODAY)
    page = assignments_page(followup_view(result.newsroom))
    assert "| 市教育局 | 逾期报送 | 未在内网发布的稿件 1 篇 |" in page.splitlines()  # in no issue: not on the intranet
    from bulletin.scoring import Ledger

    missed = [(e.unit, e.note) for e in Ledger(result.newsroom).entries if e.rule == "assignment_missed"]
    assert missed == [("jyj", "约稿“春耕备耕进展”逾期报送（截止3月20日）")]


@pytest.mark.parametrize(("follow_up", "today", "state", "text"), [
    (None, TODAY, "无办理要求", "无办理要求"),
    ("{owner: 市农业农村局, due: 2026-04-10, done: false}", TODAY, OPEN, "办理中"),
    ("{owner: 市农业农村局, due: 2026-04-07, done: false}", TODAY, OVERDUE, "逾期 3 天"),
    ("{owner: 市农业农村局, due: 2026-04-07, done: true}", TODAY, "已办结", "已办结"),
])
def test_instruction_state(newsroom, follow_up, today, state, text):
    fu = f", follow_up: {follow_up}" if follow_up else ""
    newsroom.report(instructions=f"[{{leader: 市长 周文彬, level: city, date: 2026-03-12, text: 请抓好落实{fu}}}]")
    ins = _model(newsroom, today).reports["2026-03-nyj-001"].instructions[0]
    assert (ins.state(today)[0], ins.state_text(today)) == (state, text)


@pytest.mark.parametrize(("fields", "hours"), [
    ({"event_time": "2026-03-09T10:20:00+08:00"}, 6.0),  # 6 hours after the event: late
    ({"event_time": "2026-03-09T12:20:00+08:00"}, None),  # exactly the 4-hour window: in time
    ({"event_time": "2026-03-09T10:20:00+08:00", "follows": "2026-03-nyj-000"}, None),  # a 续报 is never late urgent
    ({"event_time": "2026-03-09T10:20:00+08:00", "category": "动态"}, None),
])
def test_late_hours_is_the_first_urgent_report_after_the_window(newsroom, fields, hours):
    newsroom.report(**{"category": "紧急", **fields})
    assert _model(newsroom).reports["2026-03-nyj-001"].late_hours(4) == hours


def test_a_late_follow_up_is_neither_warned_nor_fined(newsroom):
    newsroom.report(category="紧急", event_time="2026-03-09T08:00:00+08:00", submitted="2026-03-09T09:00:00+08:00")
    newsroom.report("2026-03-nyj-002", category="紧急", event_time="2026-03-09T08:00:00+08:00",
                    follows="2026-03-nyj-001", submitted="2026-03-10T09:00:00+08:00")
    result = run_check(newsroom.root, TODAY)
    assert [p.code for p in result.problems if p.code == "W005"] == []
    from bulletin.scoring import Ledger

    assert [e.rule for e in Ledger(result.newsroom).entries if e.rule == "urgent_late"] == []


def test_next_number_counts_within_the_year_or_across_years(newsroom):
    newsroom.write("issues/zwxx/2025/030.yaml", ISSUE.replace("year: 2026", "year: 2025").replace("number: 18", "number: 30"))
    model = _model(newsroom)
    zwxx = model.series["zwxx"]
    assert (zwxx.next_number(2026), zwxx.next_number(2025), zwxx.next_number(2027)) == (19, 31, 1)
    zwxx.numbering = "continuous"
    assert (zwxx.next_number(2026), zwxx.next_number(2027)) == (31, 31)


def test_a_chain_is_stale_after_a_week_without_follow_up(newsroom):
    newsroom.report(category="紧急", event_time="2026-03-09T14:00:00+08:00")
    chain, = urgent_chains(_model(newsroom))
    assert [(chain.idle_days(date(2026, 3, d)), chain.stale(date(2026, 3, d))) for d in (15, 16)] == [
        (6, False), (7, True)]
    newsroom.report(category="紧急", event_time="2026-03-09T14:00:00+08:00", closed="true")
    chain, = urgent_chains(_model(newsroom))
    assert (chain.idle_days(date(2026, 3, 16)), chain.stale(date(2026, 3, 16))) == (7, False)


def test_an_issue_reads_the_names_its_lock_recorded(newsroom):
    """A published issue keeps the names it was printed with; anything but a well-formed
    version-2 lock of a published issue records none."""
    issue = _model(newsroom).issues[0]
    names = {"series": "政务信息", "units": {"nyj": "市农业农村局"}}
    issue.status, issue.lock = "published", {"version": 2, "names": names}
    assert issue.recorded_names == ("政务信息", {"nyj": "市农业农村局"})
    for lock in (None, {"names": names}, {"version": 2}, {"version": 2, "names": {"series": 1, "units": {}}},
                 {"version": 2, "names": {"series": None, "units": {"nyj": 3}}}):
        issue.lock = lock
        assert issue.recorded_names == (None, {}), lock
    issue.status, issue.lock = "draft", {"version": 2, "names": names}
    assert issue.recorded_names == (None, {})


def test_reports_made_as_they_were_loaded_are_taken_as_they_are(newsroom):
    """``build_newsroom(made=...)``: a report made of the very document loaded (a cold check
    makes them beside the loader's child) is the newsroom's, linked to its issue like any
    other; an entry made of another document of the same path is not trusted."""
    from bulletin.model import report_of

    newsroom.report("2026-03-nyj-002", title="第二篇")
    sources = load_sources(newsroom.root)
    first, second = sources.reports
    made = {first.path: (first, report_of(first))}
    stale = load_sources(newsroom.root).reports[1]
    made[second.path] = (stale, report_of(stale))
    model = build_newsroom(sources, TODAY, made=made)
    assert model.reports[first.data["id"]] is made[first.path][1]
    assert model.reports[second.data["id"]] is not made[second.path][1]
    assert [i.key for i in model.reports["2026-03-nyj-001"].issues] == ["zwxx/2026/018"]
    alone = build_newsroom(load_sources(newsroom.root), TODAY)
    assert sorted(model.reports) == sorted(alone.reports) == ["2026-03-nyj-001", "2026-03-nyj-002"]
