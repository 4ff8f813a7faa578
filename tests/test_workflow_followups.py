"""Follow-ups: the instruction register (command and intranet page), assignments, 续报 chains."""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers.workflow import run_cli

from bulletin.check import run_check
from bulletin.followups import followup_view
from bulletin.model import chain_roots
from bulletin.site.followup_pages import followup_pages
from bulletin.textwidth import columns as width
from bulletin.views import INTRANET, site_view

ISSUE = "issues/zwxx/2026/018.yaml"
TODAY = date(2026, 3, 25)

INSTRUCTIONS = (
    "[{leader: 市长 张国华, level: own, date: 2026-03-10, text: 请市农业农村局抓好落实。, "
    "follow_up: {owner: 市农业农村局, due: 2026-03-20, done: false}}, "
    "{leader: 副市长 李强, level: own, date: 2026-03-11, text: '请研究 <b>化肥</b> 储备|调运。', "
    "follow_up: {owner: 市财政局, due: 2026-03-31}}, "
    "{leader: 秘书长 王平, level: own, date: 2026-03-12, text: 阅。}]"
)


@pytest.fixture
def office(newsroom):
    """Issue 18 published with a public item (instructed) and an urgent item; hidden items beside."""
    newsroom.report(instructions=INSTRUCTIONS, assignment="yg-1")
    newsroom.report("2026-03-nyj-002", title="涉密事项", classification="秘密", secrecy_term="1年",
                    submitted="2026-03-08T09:00:00+08:00",
                    instructions="[{leader: 市委书记 郑国栋, level: own, date: 2026-03-09, text: 机密批示内容, "
                                 "follow_up: {owner: 市公安局, due: 2026-03-15, done: true}}]")
    newsroom.report("2026-03-yjj-001", title="西川县发生山体滑坡", category="紧急", classification="内部",
                    event_time="2026-03-10T07:00:00+08:00", submitted="2026-03-10T09:00:00+08:00")
    newsroom.report("2026-03-yjj-002", title="西川县山体滑坡续报", follows="2026-03-yjj-001", classification="内部",
                    submitted="2026-03-11T09:00:00+08:00")
    newsroom.report("2026-03-yjj-003", title="某涉密紧急事件", category="紧急", classification="机密", secrecy_term="10年",
                    event_time="2026-03-12T07:00:00+08:00", submitted="2026-03-12T09:00:00+08:00", closed="true")
    newsroom.report("2026-03-jyj-001", unit="jyj", author="赵敏", title="教育系统春季安全", assignment="yg-2",
                    submitted="2026-03-11T09:00:00+08:00")
    newsroom.write("issues/assignments.yaml", (newsroom.root / "issues/assignments.yaml").read_text(encoding="utf-8")
                   + "- id: yg-2\n  topic: 春季安全<隐患>排查\n  issued: 2026-03-01\n  due: 2026-03-10\n  units: all\n")
    text = (newsroom.root / ISSUE).read_text(encoding="utf-8")
    newsroom.write(ISSUE, text.replace("status: draft", "status: published")
                   .replace("  - 2026-03-nyj-001\n", "  - 2026-03-nyj-001\n  - 2026-03-yjj-001\n"))
    return newsroom


def test_instruction_register_command(office):
    result = run_cli(office.root, "instructions", today="2026-03-25")
    assert result.code == 0
    assert result.out == (
        "批示日期    批示领导         稿件             批示内容          承办单位      办理期限    办理情况\n"
        "2026-03-09  市委书记 郑国栋  2026-03-nyj-002  机密批示内容      市公安局      2026-03-15  已办结\n"
        "2026-03-10  市长 张国华      2026-03-nyj-001  请市农业农村局抓  市农业农村局  2026-03-20  逾期 5 天\n"
        "                                              好落实。\n"
        "2026-03-11  副市长 李强      2026-03-nyj-001  请研究 <b>化肥</  市财政局      2026-03-31  办理中\n"
        "                                              b> 储备|调运。\n"
        "2026-03-12  秘书长 王平      2026-03-nyj-001  阅。              —             —           无办理要求\n"
    )
    assert max(width(line) for line in result.out.splitlines()) == 100  # long text wraps within 100 columns
    assert result.err == ("共 4 条批示：已办结 1 条，办理中 1 条，逾期 1 条，无办理要求 1 条（统计至 2026-03-25）；"
                          "其中 1 条涉及未在内网发布的稿件，内网台账页面不列出\n")


def test_owners_written_as_unit_ids_show_by_name(office):
    text = (office.root / "content/2026/03/2026-03-nyj-001.md").read_text(encoding="utf-8")
    office.write("content/2026/03/2026-03-nyj-001.md", text.replace("owner: 市财政局", "owner: jyj"))
    result = run_cli(office.root, "instructions", today="2026-03-25")
    assert "  市教育局  " in result.out and " jyj " not in result.out
    page = followup_pages(followup_view(run_check(office.root, TODAY).newsroom))["followups/instructions.md"]
    assert "| 市教育局 | 2026年3月31日 | 办理中 |" in page


def test_a_follow_up_due_before_the_instruction_is_an_error(office):
    text = (office.root / "content/2026/03/2026-03-nyj-001.md").read_text(encoding="utf-8")
    office.write("content/2026/03/2026-03-nyj-001.md", text.replace("due: 2026-03-31", "due: 2026-03-01"))
    found = [p.format() for p in run_check(office.root, TODAY).problems if p.code == "E308"]
    assert found == ["content/2026/03/2026-03-nyj-001.md:10: error[E308]: "
                     "办理期限 2026-03-01 早于批示日期 2026-03-11；请核对两个日期（期限应在批示之后）"]


def test_instruction_register_json(office):
    payload = json.loads(run_cli(office.root, "instructions", "--format", "json", today="2026-03-25").out)
    assert payload["today"] == "2026-03-25" and payload["overdue"] == 1
    assert payload["instructions"][1] == {
        "report": "2026-03-nyj-001", "title": "市农业农村局春耕备耕物资储备充足", "unit": "nyj", "unit_name": "市农业农村局",
        "classification": "公开", "leader": "市长 张国华", "level": "own", "date": "2026-03-10",
        "text": "请市农业农村局抓好落实。", "owner": "市农业农村局", "owner_name": "市农业农村局", "due": "2026-03-20", "done": False,
        "state": "逾期", "overdue_days": 5,
    }
    assert [row["state"] for row in payload["instructions"]] == ["已办结", "逾期", "办理中", "无办理要求"]


def test_intranet_instruction_page_shows_only_what_the_intranet_may_hold(office):
    page = followup_pages(followup_view(run_check(office.root, TODAY).newsroom))["followups/instructions.md"]
    assert page == (
        "# 领导批示办理台账\n\n"
        "统计至2026年3月25日。共 3 条批示：已办结 0 条，办理中 1 条，逾期 1 条，无办理要求 1 条。\n\n"
        "| 批示日期 | 批示领导 | 稿件 | 批示内容 | 承办单位 | 办理期限 | 办理情况 |\n"
        "|---|---|---|---|---|---|---|\n"
        "| 2026年3月10日 | 市长 张国华 | 市农业农村局春耕备耕物资储备充足 | 请市农业农村局抓好落实。 | 市农业农村局 | 2026年3月20日 | **逾期 5 天** |\n"
        "| 2026年3月11日 | 副市长 李强 | 市农业农村局春耕备耕物资储备充足 | 请研究 &lt;b&gt;化肥&lt;/b&gt; 储备\\|调运。 | 市财政局 | 2026年3月31日 | 办理中 |\n"
        "| 2026年3月12日 | 秘书长 王平 | 市农业农村局春耕备耕物资储备充足 | 阅。 | — | — | 无办理要求 |\n"
        "\n另有 1 条批示涉及未在内网发布的稿件，未列出；请在本机用 bulletin instructions 查看。\n"
    )
    assert "郑国栋" not in page and "机密" not in page


def test_assignments_page_says_which_units_answered_by_the_due_date(office):
    page = followup_pages(followup_view(run_check(office.root, TODAY).newsroom))["followups/assignments.md"]
    assert page == (
        "# 约稿报送情况\n\n统计至2026年3月25日。\n\n"
        "## 春耕备耕进展（yg\\-1）\n\n"
        "下发：2026年3月1日；截止：2026年3月20日。应报 1 个单位：按时报送 1，逾期报送 0，未报送 0，待报送 0。\n\n"
        "| 报送单位 | 情况 | 稿件 |\n|---|---|---|\n"
        "| 市农业农村局 | 按时报送 | 市农业农村局春耕备耕物资储备充足（2026年3月9日） |\n\n"
        "## 春季安全&lt;隐患&gt;排查（yg\\-2）\n\n"
        "下发：2026年3月1日；截止：2026年3月10日。应报 2 个单位：按时报送 0，逾期报送 1，未报送 1，待报送 0。\n\n"
        "| 报送单位 | 情况 | 稿件 |\n|---|---|---|\n"
        "| 市农业农村局 | 未报送 | — |\n"
        "| 市教育局 | 逾期报送 | 未在内网发布的稿件 1 篇 |\n"
    )


def test_urgent_page_lists_chains_with_their_state(office):
    page = followup_pages(followup_view(run_check(office.root, TODAY).newsroom))["followups/urgent.md"]
    assert page == (
        "# 紧急信息续报\n\n"
        "统计至2026年3月25日。紧急信息须持续续报，直至事件处置完毕（编辑在最后一篇写 closed: true）。\n\n"
        "## 西川县发生山体滑坡\n\n"
        "报送单位：市农业农村局；状态：**已 14 天未续报**。\n\n"
        "1. 2026年3月10日 首报：西川县发生山体滑坡（事件时间 3月10日 07:00）\n"
        "2. 第1次续报：未在内网发布的续报\n\n"
        "另有 1 件紧急信息未在内网发布，未列出。\n"
    )
    early = followup_pages(followup_view(run_check(office.root, date(2026, 3, 15)).newsroom))["followups/urgent.md"]
    assert "状态：续报中。" in early


def test_the_followup_view_holds_nothing_of_reports_off_the_intranet(office):
    """The renderers get plain rows: of a report the intranet does not carry there is no title, id,
    day, leader or text in them at all, only counts."""
    newsroom = run_check(office.root, TODAY).newsroom
    view = followup_view(newsroom)
    held = set(site_view(newsroom, INTRANET).items)
    hidden = [r for r in newsroom.reports.values() if r.id not in held]
    assert sorted(r.id for r in hidden) == ["2026-03-jyj-001", "2026-03-nyj-002", "2026-03-yjj-002", "2026-03-yjj-003"]
    text = repr(view)
    for report in hidden:
        for needle in [report.id, report.title, *(i.leader for i in report.instructions), *(i.text for i in report.instructions)]:
            assert needle not in text, needle
    assert (view.instructions_withheld, view.chains_withheld) == (1, 1)
    assert [a.withheld for b in view.assignments for a in b.answers] == [0, 0, 1]


def test_chain_roots_survive_cycles(newsroom):
    newsroom.report("2026-03-nyj-002", follows="2026-03-nyj-003")
    newsroom.report("2026-03-nyj-003", follows="2026-03-nyj-002")
    newsroom.report("2026-03-nyj-004", follows="2026-03-nyj-003")
    roots = chain_roots(run_check(newsroom.root, TODAY).newsroom)
    assert roots == {"2026-03-nyj-001": "2026-03-nyj-001", "2026-03-nyj-002": "2026-03-nyj-002",
                     "2026-03-nyj-003": "2026-03-nyj-002", "2026-03-nyj-004": "2026-03-nyj-002"}


def test_empty_newsroom_pages(newsroom):
    newsroom.remove("issues/assignments.yaml")
    pages = followup_pages(followup_view(run_check(newsroom.root, TODAY).newsroom))
    assert pages["followups/assignments.md"] == "# 约稿报送情况\n\n统计至2026年3月25日。\n\n目前没有约稿。\n"
    assert pages["followups/urgent.md"].endswith("直至事件处置完毕（编辑在最后一篇写 closed: true）。\n\n目前没有紧急信息。\n")
    assert "共 0 条批示" in pages["followups/instructions.md"]
