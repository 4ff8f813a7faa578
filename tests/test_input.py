"""The editor's real input: YAML slips explained in Chinese at their line, values written the way
people write them, Chinese words for every enumeration scoring exactly like the English, report
file names, 续报 made with ``bulletin new --follows``, and publishing out of order."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from helpers.newsroom import report_text
from helpers.scoring import SCORING, add_issue, add_report, units_yaml, write
from helpers.workflow import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletin.check import run_check
from bulletin.scoring import Ledger, parse_period, score_table

REPORT = "content/2026/03/2026-03-nyj-001.md"
TODAY = date(2026, 3, 12)


def found(newsroom, *codes: str) -> list[str]:
    return [p.format() for p in run_check(newsroom.root, TODAY).problems if p.code in codes]


def with_line(newsroom, old: str, new: str) -> None:
    text = (newsroom.root / REPORT).read_text(encoding="utf-8")
    assert old in text
    newsroom.write(REPORT, text.replace(old, new, 1))


# --- YAML slips ----------------------------------------------------------------------------

SLIPS = [
    ("category: 动态", "category：动态", "E300", 8,
     "category 后面用了全角冒号“：”；YAML 要用半角冒号加空格“: ”，请写成 category: 动态"),
    ("unit: nyj", "\tunit: nyj", "E301", 4, "这一行有制表符（Tab）；YAML 只能用空格，请把 Tab 换成空格：unit: nyj"),
    ("title: 市农业农村局春耕备耕物资储备充足", "title: [续报]市农业农村局春耕备耕物资储备充足", "E302", 3,
     "title 的值以“[”开头，YAML 会把它当作特殊符号；请给整个值加引号：title: '[续报]市农业农村局春耕备耕物资储备充足'"),
    ("title: 市农业农村局春耕备耕物资储备充足", 'title: "春耕"物资储备充足', "E302", 3,
     "title 的值以“\"”开头，YAML 会把它当作特殊符号；请给整个值加引号：title: '\"春耕\"物资储备充足'"),
    ("title: 市农业农村局春耕备耕物资储备充足", "title: *重要*春耕", "E302", 3,
     "title 的值以“*”开头，YAML 会把它当作特殊符号；请给整个值加引号：title: '*重要*春耕'"),
    ("title: 市农业农村局春耕备耕物资储备充足", "title: %50增长", "E302", 3,
     "title 的值以“%”开头，YAML 会把它当作特殊符号；请给整个值加引号：title: '%50增长'"),
    ("category: 动态", "category:动态", "E303", 8, "category 的冒号后面缺少空格；请写成 category: 动态"),
    ("unit: nyj", " unit: nyj", "E304", 4,
     "这一行缩进了 1 个空格，上一行的键是 0 个；同一层的键缩进必须相同，请改为 0 个空格（或与更上一层的键对齐）"),
    ("unit: nyj", "adopted:\n  - level: city\n    publication: 每日要情\n   date: 2026-03-10\nunit: nyj", "E304", 7,
     "这一行缩进了 3 个空格，上一行的键是 4 个；同一层的键缩进必须相同，请改为 4 个空格（或与更上一层的键对齐）"),
    ("title: 市农业农村局春耕备耕物资储备充足", "title: 'unclosed", "E302", 3,
     "title 的值以引号“'”开头，却没有结束的引号；请在末尾补上 '，写成 title: 'unclosed'"),
]


@pytest.mark.parametrize(("old", "new", "code", "line", "message"), SLIPS)
def test_yaml_slips_are_explained_in_chinese_at_their_line(newsroom, old, new, code, line, message):
    with_line(newsroom, old, new)
    problems = [p for p in run_check(newsroom.root, TODAY).problems if p.path == REPORT]
    assert [p.format() for p in problems] == [f"{REPORT}:{line}: error[{code}]: {message}"]


def test_no_yaml_message_is_ever_the_parsers_english(newsroom):
    english = ("could not", "found", "expected", "while", "scanning", "mapping", "block", "token")
    for text in ["title: a\n  b: c", "- a\nb: c", "title: {a: b", "? a\n: b\n: c", "a: b: c", "a: 'x' y"]:
        newsroom.write(REPORT, "---\n" + text + "\n---\n\n正文。\n")
        problems = [p for p in run_check(newsroom.root, TODAY).problems if p.path == REPORT]
        assert problems, text
        for problem in problems:
            assert not any(word in problem.message for word in english), problem
            assert "请" in problem.message, problem


def test_a_hash_in_a_free_text_value_warns_that_the_rest_became_a_comment(newsroom):
    with_line(newsroom, "title: 市农业农村局春耕备耕物资储备充足", "title: 春耕备耕物资储备充足 # 重要")
    assert found(newsroom, "W300") == [
        f"{REPORT}:3: warning[W300]: title 的值在“#”处断开了：YAML 把“#重要”当作注释丢掉，只读到“春耕备耕物资储备充足”；"
        "若“#”是内容的一部分，请给整个值加引号：title: '春耕备耕物资储备充足 # 重要'"
    ]
    assert run_check(newsroom.root, TODAY).newsroom.reports["2026-03-nyj-001"].title == "春耕备耕物资储备充足"


def test_a_comment_after_an_id_is_a_comment(newsroom):
    with_line(newsroom, "unit: nyj", "unit: nyj  # 市农业农村局")
    assert found(newsroom, "W300") == []


# --- values ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "code", "message"), [
    ("2026-03-09", "E305", "submitted 只写了日期 2026-03-09，还须写明时间；写成 2026-03-09T09:30:00+08:00（把 09:30 换成实际时刻）"),
    ("2026/3/9", "E306", "submitted 的值 2026/3/9 不是 ISO 写法，也缺少时间；写成 2026-03-09T09:30:00+08:00（把 09:30 换成实际时刻）"),
    ("2026年3月9日 16:20", "E306", "submitted 的值 2026年3月9日 16:20 不是 ISO 写法；写成 2026-03-09T16:20:00+08:00"),
])
def test_dates_written_as_people_write_them(newsroom, written, code, message):
    with_line(newsroom, "submitted: 2026-03-09T16:20:00+08:00", f"submitted: {written}")
    assert found(newsroom, "E305", "E306") == [f"{REPORT}:7: error[{code}]: {message}"]


def test_a_date_field_suggests_the_iso_form(newsroom):
    newsroom.report(adopted='[{level: 省级, publication: 每日要情, date: 2026年3月20日}]')
    assert found(newsroom, "E306") == [f"{REPORT}:10: error[E306]: adopted[0].date 的值 2026年3月20日 不是 ISO 写法；写成 2026-03-20"]


@pytest.mark.parametrize(("key", "value", "line", "code", "message"), [
    ("unit", "nyjj", 4, "E203", "单位 nyjj 不在 units.yaml 中；您是否想写 nyj？可用的单位有 nyj、jyj、old"),
    ("follows", "2026-03-nyj-01", 10, "E205", "续报所接的稿件 2026-03-nyj-01 不存在；您是否想写 2026-03-nyj-001？请写前一篇报告的 id"),
    ("assignment", "yg-11", 10, "E206", "约稿 yg-11 不在 issues/assignments.yaml 中；您是否想写 yg-1？请核对约稿 id"),
])
def test_unknown_ids_suggest_the_nearest(newsroom, key, value, line, code, message):
    newsroom.report(**{key: value})
    assert found(newsroom, code) == [f"{REPORT}:{line}: error[{code}]: {message}"]


def test_an_unknown_series_suggests_the_nearest(newsroom):
    text = (newsroom.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
    newsroom.write("issues/zwxx/2026/018.yaml", text.replace("series: zwxx", "series: zwx"))
    assert found(newsroom, "E208") == ["issues/zwxx/2026/018.yaml:1: error[E208]: 刊物 zwx 不在 issues/series.yaml 中；"
                                       "您是否想写 zwxx？可用的有 zwxx、xxzb、ldcy"]


def test_a_tag_with_a_chinese_comma_warns_with_the_split_list(newsroom):
    newsroom.report(tags="[信访，矛盾纠纷、调解]")
    assert found(newsroom, "W301") == [
        f"{REPORT}:10: warning[W301]: 标签“信访，矛盾纠纷、调解”中有中文逗号或顿号，YAML 把它读成了一个标签；"
        "若是 3 个标签，请用半角逗号分开：tags: [信访, 矛盾纠纷, 调解]"
    ]


def test_chinese_levels_are_accepted(newsroom):
    newsroom.report(adopted="[{level: 市级, publication: 江城要情, date: 2026-03-10, kind: 专报}]",
                    instructions="[{leader: 市长 张国华, level: 本级, date: 2026-03-10}]")
    assert found(newsroom, "E103", "E215") == []
    report = run_check(newsroom.root, TODAY).newsroom.reports["2026-03-nyj-001"]
    assert (report.adopted[0].level, report.adopted[0].kind, report.instructions[0].level) == ("city", "special", "own")


def test_an_unknown_level_lists_both_spellings(newsroom):
    newsroom.report(adopted="[{level: 县级, publication: 江城要情, date: 2026-03-10}]")
    assert found(newsroom, "E215") == [f"{REPORT}:10: error[E215]: 采用级别 县级 不在 scoring.yaml 的 adoption 中；"
                                       "可写：city（市级）、province（省级）、national（国家级）"]


@pytest.mark.parametrize("name", ["2026-03-nyj-002.MD", "2026-03-nyj-002.markdown", "2026-03-nyj-002.txt"])
def test_a_report_with_another_extension_is_an_error(newsroom, name):
    newsroom.write(f"content/2026/03/{name}", report_text("2026-03-nyj-002"))
    assert found(newsroom, "E307") == [f"content/2026/03/{name}:1: error[E307]: 扩展名须为 .md（小写），"
                                       "这个文件不会被当作稿件读取；请改名为 2026-03-nyj-002.md"]


def test_editor_backups_are_ignored_quietly(newsroom):
    for name in ("2026-03-nyj-001.md~", "2026-03-nyj-001.md.bak", "2026-03-nyj-001.md.orig", ".2026-03-nyj-001.md.swp",
                 "2026-03-nyj-001.md.swp", "2026-03-nyj-001.txt~"):
        newsroom.write(f"content/2026/03/{name}", "乱码 : : [")
    assert [p.format() for p in run_check(newsroom.root, TODAY).problems] == []


# --- Chinese words score exactly like the English ---------------------------------------------

SPELLINGS = {
    "category": [("调研", "research"), ("问题", "problem"), ("动态", "dynamic"), ("紧急", "urgent")],
    "classification": [("内部", "internal"), ("公开", "public")],
    "status": [("拟采用", "accepted"), ("已报送", "submitted")],
    "level": [("市级", "city"), ("省级", "province"), ("国家级", "national")],
    "ins_level": [("本级", "own"), ("市级", "city"), ("省级", "province"), ("国家级", "national")],
    "kind": [("专报", "special"), ("参阅", "brief"), ("简报", "bulletin"), ("默认", "default")],
    "series_kind": [("专报", "special"), ("参阅", "brief")],
    "numbering": [("按年", "yearly"), ("连续", "continuous")],
    "urgency": [("特急", "very-urgent"), ("加急", "urgent")],
}
choice = st.fixed_dictionaries({key: st.sampled_from(pairs) for key, pairs in SPELLINGS.items()})


def _spelled(root: Path, c: dict, chinese: dict) -> Ledger:
    """One newsroom; each value in Chinese where ``chinese[key]``, else in English."""
    def word(key: str) -> str:
        return c[key][0] if chinese[key] else c[key][1]
    write(root, "scoring.yaml", SCORING)
    write(root, "units.yaml", units_yaml([{"id": "u0", "name": "单位0"}]))
    write(root, "issues/series.yaml", f"xxzb: {{name: 信息专报, kind: {word('series_kind')}, publisher: 市政府办公室, "
                                      f"numbering: {word('numbering')}, public: false}}\n")
    extra = {"classification": word("classification"), "status": word("status"), "urgency": word("urgency"),
             "adopted": [{"level": word("level"), "publication": "《每日要情》", "date": "2026-03-20", "kind": word("kind")}],
             "instructions": [{"leader": "市长 张国华", "level": word("ins_level"), "date": "2026-03-14"}]}
    if c["category"][0] == "紧急":
        extra["event_time"] = "2026-03-09T02:00:00+08:00"
    add_report(root, "r-1", "u0", "2026-03-09T09:00:00+08:00", word("category"), **extra)
    add_issue(root, "xxzb", 2026, 1, "2026-03-11", "published", ["r-1"])
    result = run_check(root, date(2026, 4, 30))
    assert result.errors == []
    return Ledger(result.newsroom)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(c=choice, chinese=st.fixed_dictionaries({key: st.booleans() for key in SPELLINGS}))
def test_chinese_and_english_spellings_score_identically(c, chinese):
    with tempfile.TemporaryDirectory() as mixed_dir, tempfile.TemporaryDirectory() as english_dir:
        mixed = _spelled(Path(mixed_dir), c, chinese)
        english = _spelled(Path(english_dir), c, dict.fromkeys(SPELLINGS, False))
    assert mixed.entries == english.entries and mixed.entries
    period = parse_period("2026-03")
    assert score_table(mixed, period).as_json() == score_table(english, period).as_json()


# --- 续报 ------------------------------------------------------------------------------------

EPOCH = "1773388800"  # 2026-03-13 16:00 in Shanghai


@pytest.fixture
def urgent(newsroom):
    newsroom.report("2026-03-nyj-002", title="西川县发生山体滑坡", category="紧急", classification="秘密",
                    secrecy_term="1年", urgency="特急", event_time="2026-03-09T14:00:00+08:00")
    return newsroom


def test_new_follows_writes_a_continuation_of_the_chain(urgent, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = run_cli(urgent.root, "new", "--follows", "2026-03-nyj-002", "--title", "西川县山体滑坡续报：被困群众全部转移",
                     "--signed-off-by", "副局长 陈立", today="2026-03-13")
    assert (result.code, result.out) == (0, "content/2026/03/2026-03-nyj-003.md\n")
    assert (urgent.root / "content/2026/03/2026-03-nyj-003.md").read_text(encoding="utf-8") == (
        "---\nid: 2026-03-nyj-003\ntitle: 西川县山体滑坡续报：被困群众全部转移\nunit: nyj\nauthor: 李明\n"
        "signed_off_by: 副局长 陈立\nsubmitted: 2026-03-13T16:00:00+08:00\ncategory: 紧急\nclassification: 秘密\n"
        "secrecy_term: 1年\nurgency: 特急\nfollows: 2026-03-nyj-002\nstatus: 已报送\n---\n\n"
    )
    assert result.err.startswith("这是 2026-03-nyj-002（西川县发生山体滑坡）的续报\n")


def test_new_takes_event_time_assignment_and_another_unit(urgent, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = run_cli(urgent.root, "new", "--follows", "2026-03-nyj-002", "--unit", "jyj", "--title", "学校停课",
                     "--event-time", "2026-03-13 08:00", "--assignment", "yg-1", "--classification", "机密",
                     today="2026-03-13")
    text = (urgent.root / "content/2026/03/2026-03-jyj-001.md").read_text(encoding="utf-8")
    assert result.code == 0
    assert ("\nunit: jyj\nauthor: 赵敏\n" in text and "\nclassification: 机密\nsecrecy_term: 1年\nurgency: 特急\n"
            "event_time: 2026-03-13T08:00:00+08:00\nfollows: 2026-03-nyj-002\nassignment: yg-1\nstatus: 已报送\n" in text)


@pytest.mark.parametrize(("args", "message"), [
    (["--follows", "2026-03-nyj-02", "--title", "续报"], "续报所接的稿件 2026-03-nyj-02 不存在；您是否想写 2026-03-nyj-002？"),
    (["--unit", "nyj", "--title", "t", "--assignment", "yg-2"], "约稿 yg-2 不存在；您是否想写 yg-1？"),
    (["--unit", "nyj", "--title", "t", "--event-time", "2026-03-13"],
     "--event-time 只写了日期 2026-03-13，还须写明时间；写成 2026-03-13T09:30:00+08:00（把 09:30 换成实际时刻）"),
    (["--title", "t"], "请用 --unit 写报送单位 id（续报可用 --follows 沿用前一篇的单位）"),
])
def test_new_refuses_unknown_chains_and_times(urgent, args, message):
    result = run_cli(urgent.root, "new", *args, today="2026-03-13")
    assert (result.code, result.err) == (2, f"bulletin: 用法错误：{message}\n")


def test_a_continuation_copying_the_event_time_is_never_fined(urgent, monkeypatch):
    """The first report was on time; a 续报 four days later with the first report's event_time
    is the time of the matter, not a late urgent report: no W005, no −5, no E213 without it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    run_cli(urgent.root, "new", "--follows", "2026-03-nyj-002", "--title", "续报一", "--signed-off-by", "副局长 陈立",
            "--event-time", "2026-03-09T14:00:00+08:00", today="2026-03-13")
    run_cli(urgent.root, "new", "--follows", "2026-03-nyj-003", "--title", "续报二", "--signed-off-by", "副局长 陈立",
            today="2026-03-13")
    for rid in ("2026-03-nyj-003", "2026-03-nyj-004"):
        path = urgent.root / f"content/2026/03/{rid}.md"
        path.write_text(path.read_text(encoding="utf-8") + "3月13日，处置工作有序进行。\n", encoding="utf-8")
    result = run_check(urgent.root, date(2026, 3, 31))
    assert [p.format() for p in result.problems if p.code in ("W005", "E213") or p.severity == "error"] == []
    ledger = Ledger(result.newsroom)
    assert [e for e in ledger.entries if e.rule == "urgent_late"] == []
    report = result.newsroom.reports["2026-03-nyj-003"]
    assert report.late_hours(4) is None and report.event_time is not None


def test_the_first_report_of_a_chain_is_still_held_to_the_window(urgent):
    urgent.report("2026-03-nyj-002", title="西川县发生山体滑坡", category="紧急", classification="内部",
                  event_time="2026-03-09T08:00:00+08:00")
    result = run_check(urgent.root, date(2026, 3, 31))
    assert [p.format() for p in result.problems if p.code == "W005"] == [
        "content/2026/03/2026-03-nyj-002.md:7: warning[W005]: 紧急信息在事件发生 8.3 小时后才报送，超过 4 小时时限"]
    assert [(e.rule, e.points) for e in Ledger(result.newsroom).entries if e.rule == "urgent_late"] == [("urgent_late", -5)]


# --- publishing order ------------------------------------------------------------------------


def test_publishing_a_number_while_an_earlier_one_is_a_draft_warns(newsroom):
    newsroom.report("2026-03-nyj-002")
    issue = (newsroom.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
    newsroom.write("issues/zwxx/2026/019.yaml", issue.replace("number: 18", "number: 19")
                   .replace("2026-03-nyj-001", "2026-03-nyj-002"))
    result = run_cli(newsroom.root, "publish", "issues/zwxx/2026/019.yaml")
    assert result.code == 0
    assert result.err.startswith(
        "issues/zwxx/2026/019.yaml:3: warning[W302]: 本期是第19期，但第18期（issues/zwxx/2026/018.yaml）还是草稿；"
        "请确认发布顺序，通常先发布第18期\n已发布 政务信息2026年第19期")
    assert "W302" not in run_cli(newsroom.root, "publish", "issues/zwxx/2026/018.yaml").err


def test_json_check_output_carries_the_new_codes(newsroom):
    with_line(newsroom, "category: 动态", "category：动态")
    payload = json.loads(run_cli(newsroom.root, "check", "--format", "json").out)
    assert [(p["code"], p["line"]) for p in payload["problems"]] == [("E300", 8), ("E207", 9)]  # its issue item too


def test_a_full_width_space_before_a_key_is_named(newsroom):
    with_line(newsroom, "unit: nyj", "\u3000unit: nyj")
    assert found(newsroom, "E300") == [f"{REPORT}:4: error[E300]: 键 unit 前后有全角空格“　”；"
                                       "YAML 的缩进只能用半角空格，请删去全角空格"]


def test_new_suggests_the_nearest_unit(newsroom):
    result = run_cli(newsroom.root, "new", "--unit", "nyjj", "--title", "标题", today="2026-03-10")
    assert result.err == ("bulletin: 用法错误：单位 nyjj 不在 units.yaml 中；您是否想写 nyj？"
                          "可用的单位有：nyj（市农业农村局）、jyj（市教育局）、old（原市物价局）\n")


def test_the_reference_gives_an_example_of_every_new_message():
    from bulletin.problems import CATALOGUE

    text = (Path(__file__).resolve().parent.parent / "docs" / "reference.md").read_text(encoding="utf-8")
    ours = [code for code in CATALOGUE if 300 <= int(code[1:]) < 330]  # the editor's-input block
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines()
            if line.startswith("| ") and line.split(" | ")[0].lstrip("| ") in ours}
    assert sorted(rows) == sorted(ours) and all("例：" in rows[code] for code in ours)


def test_a_long_line_is_shortened_in_the_message(newsroom):
    with_line(newsroom, "title: 市农业农村局春耕备耕物资储备充足", "title: " + "[" * 5000)
    (problem,) = [p for p in run_check(newsroom.root, TODAY).problems if p.path == REPORT]
    assert problem.code == "E302" and problem.message.endswith("title: '" + "[" * 72 + "…")


def test_issue_and_scores_suggest_the_nearest_series_unit_and_report(newsroom):
    result = run_cli(newsroom.root, "issue", "--series", "zwx")
    assert result.err == "bulletin: 用法错误：刊物 zwx 不在 issues/series.yaml 中；您是否想写 zwxx？可用的有：zwxx、xxzb、ldcy\n"
    result = run_cli(newsroom.root, "scores", "--period", "2026-03", "--unit", "jyjj")
    assert result.err == "bulletin: 用法错误：单位 jyjj 不在 units.yaml 中；您是否想写 jyj？可写：nyj、jyj、old\n"


def test_a_continuations_event_time_is_shown_on_the_urgent_page(urgent, monkeypatch):
    from bulletin.followups import followup_view
    from bulletin.site.followup_pages import followup_pages

    urgent.report("2026-03-nyj-002", title="西川县发生山体滑坡", category="紧急", classification="内部",
                  event_time="2026-03-09T14:00:00+08:00")
    urgent.report("2026-03-nyj-003", title="续报：道路抢通", category="紧急", classification="内部",
                  follows="2026-03-nyj-002", event_time="2026-03-11T06:30:00+08:00", submitted="2026-03-11T16:00:00+08:00")
    text = (urgent.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
    urgent.write("issues/zwxx/2026/018.yaml", text.replace("status: draft", "status: published")
                 .replace("  - 2026-03-nyj-001\n", "  - 2026-03-nyj-002\n  - 2026-03-nyj-003\n"))
    page = followup_pages(followup_view(run_check(urgent.root, TODAY).newsroom))["followups/urgent.md"]
    assert ("1. 2026年3月9日 首报：西川县发生山体滑坡（事件时间 3月9日 14:00）\n"
            "2. 2026年3月11日 第1次续报：续报：道路抢通（事件时间 3月11日 06:30）\n") in page


def test_a_list_written_with_full_width_dashes_is_named(newsroom):
    with_line(newsroom, "unit: nyj", "tags:\n  －春耕\n  －农资\nunit: nyj")
    assert found(newsroom, "E300") == [f"{REPORT}:4: error[E300]: tags 的列表项用了全角符号“－”，YAML 读成了一段文字；"
                                       "列表项要用半角减号加空格“- ”，或写成 tags: [春耕, 农资]"]


def test_an_empty_text_where_a_list_belongs_is_a_type_error(newsroom):
    """Found by the fuzz test: "" starts with no dash (``"" in "－—–"`` is true in Python)."""
    with_line(newsroom, "unit: nyj", "tags: ''\nunit: nyj")
    assert found(newsroom, "E102", "E300") == [f'{REPORT}:4: error[E102]: tags 应为列表，例如 ["春耕", "农资"]']
