"""The editor's path: bulletin new, issue, publish, renumber — and the whole way end to end."""

from __future__ import annotations

import difflib
import re
from datetime import date

import docx
import pytest
from helpers.workflow import lines, run_cli

from bulletin.check import run_check

ISSUE = "issues/zwxx/2026/018.yaml"
EPOCH = "1773050400"  # 2026-03-09 18:00 in Shanghai


def add(newsroom, rid, day, status=None, unit="nyj", **fields):
    """A report of ``unit`` received on March ``day`` 2026 at 09:00."""
    author = {"nyj": "李明", "jyj": "赵敏"}[unit]
    extra = {"status": status} if status else {}
    return newsroom.report(rid, unit=unit, author=author, title=f"稿件{rid[8:]}的标题",
                           submitted=f"2026-03-{day:02d}T09:00:00+08:00", **extra, **fields)


def read(newsroom, rel):
    return (newsroom.root / rel).read_text(encoding="utf-8")


# --- bulletin issue --------------------------------------------------------------------------


@pytest.fixture
def desk(newsroom):
    """Reports in every state an editor meets on the morning of 2026-03-12."""
    add(newsroom, "2026-03-nyj-002", 5, "拟采用")
    add(newsroom, "2026-03-jyj-001", 2, "拟采用", unit="jyj")
    add(newsroom, "2026-03-jyj-002", 13, "拟采用", unit="jyj")
    add(newsroom, "2026-03-nyj-003", 6)
    add(newsroom, "2026-03-nyj-004", 7, "不采用", reject_reason="与第17期重复")
    add(newsroom, "2026-03-nyj-005", 8, "拟采用", classification="秘密", secrecy_term="1年")
    add(newsroom, "2026-03-nyj-006", 4, "拟采用")
    newsroom.write(ISSUE, read(newsroom, ISSUE).replace("  - 2026-03-nyj-001\n", "  - 2026-03-nyj-001\n  - 2026-03-nyj-006\n"))
    return newsroom


def test_issue_takes_accepted_reports_in_no_issue_oldest_first(desk):
    result = run_cli(desk.root, "issue", "--series", "zwxx")
    assert (result.code, result.out) == (0, "issues/zwxx/2026/019.yaml\n")
    assert result.err == (
        "已新建 issues/zwxx/2026/019.yaml：政务信息2026年第19期（草稿），日期 2026年3月12日\n"
        "编入 2 篇：\n"
        "  1. 2026-03-jyj-001 稿件jyj-001的标题\n"
        "  2. 2026-03-nyj-002 稿件nyj-002的标题\n"
        "未编入：\n"
        "  - 2026-03-nyj-006：已编入草稿政务信息第18期（zwxx/2026/018）\n"
        "  - 2026-03-nyj-005：密级为秘密，不宜编入公开刊物；请编入专报或参阅\n"
        "  - 2026-03-jyj-002：收稿时间晚于本期日期 2026-03-12\n"
        "  - 1 篇：状态为已报送，尚未审定（最近的：2026-03-nyj-003）；审定后改为 status: 拟采用\n"
        "报送范围和印数沿用第18期（zwxx/2026/018）\n"
        "下一步：填写 editor 和 signer，审阅后运行 bulletin publish issues/zwxx/2026/019.yaml\n"
    )
    assert read(desk, "issues/zwxx/2026/019.yaml") == (
        "# 草稿，由 bulletin issue 生成。请填写 editor（编辑）和 signer（签发），\n"
        "# 审阅条目后运行 bulletin publish 加本文件路径发布。\n"
        "series: zwxx\nyear: 2026\nnumber: 19\ndate: 2026-03-12\nstatus: draft\neditor: ''\nsigner: ''\n"
        "items:\n  - 2026-03-jyj-001  # 稿件jyj-001的标题\n  - 2026-03-nyj-002  # 稿件nyj-002的标题\n"
        "distribution:\n  报: [市委办公室]\n  发: [各县区人民政府]\ncopies: 120\n"
    )
    assert run_check(desk.root, date(2026, 3, 12)).ok  # a draft without editor and signer is valid


def test_issue_numbering_is_yearly_or_continuous(desk):
    assert run_cli(desk.root, "issue", "--series", "zwxx", "--date", "2027-01-05").out == "issues/zwxx/2027/001.yaml\n"
    desk.write("issues/series.yaml", read(desk, "issues/series.yaml").replace("public: false}", "numbering: continuous, public: false}", 1))
    desk.write("issues/xxzb/2025/007.yaml", "series: xxzb\nyear: 2025\nnumber: 7\ndate: 2025-12-30\nstatus: draft\nitems: []\n")
    result = run_cli(desk.root, "issue", "--series", "xxzb", "--items", "2026-03-nyj-005")
    assert (result.code, result.out) == (0, "issues/xxzb/2026/008.yaml\n")


def test_issue_refuses_rejected_or_already_published_items_unless_forced(desk):
    refused = run_cli(desk.root, "issue", "--series", "zwxx", "--items", "2026-03-nyj-004,2026-03-nyj-404")
    assert refused.code == 1
    assert refused.err == (
        "bulletin issue：稿件 2026-03-nyj-004 已标为不采用（与第17期重复）；确要编入请加 --force\n"
        "bulletin issue：稿件 2026-03-nyj-404 不存在；您是否想写 2026-03-nyj-004？请核对 content/ 中的稿件 id\n"
        "未新建期刊\n"
    )
    assert not (desk.root / "issues/zwxx/2026/019.yaml").exists()
    assert run_cli(desk.root, "publish", ISSUE).code == 0
    again = run_cli(desk.root, "issue", "--series", "zwxx", "--items", "2026-03-nyj-001")
    assert (again.code, again.err) == (1, "bulletin issue：稿件 2026-03-nyj-001 已在政务信息第18期（zwxx/2026/018）发布；"
                                          "确要编入请加 --force\n未新建期刊\n")
    forced = run_cli(desk.root, "issue", "--series", "zwxx", "--items", "2026-03-nyj-001，2026-03-nyj-003", "--force")
    assert forced.code == 0
    assert "  1. 2026-03-nyj-001 市农业农村局春耕备耕物资储备充足（稿件 2026-03-nyj-001 已在政务信息第18期（zwxx/2026/018）发布（--force）；" \
           "状态仍为已报送，审定后请改为拟采用）\n" in forced.err
    assert "  2. 2026-03-nyj-003 稿件nyj-003的标题（状态仍为已报送，审定后请改为拟采用）\n" in forced.err
    assert "items:\n  - 2026-03-nyj-001  # 市农业农村局春耕备耕物资储备充足\n  - 2026-03-nyj-003  #" in read(desk, "issues/zwxx/2026/019.yaml")


def test_a_special_report_takes_one_item(desk):
    result = run_cli(desk.root, "issue", "--series", "xxzb")
    assert result.code == 0
    assert "编入 1 篇：\n  1. 2026-03-jyj-001 稿件jyj-001的标题\n" in result.err
    assert "  - 2026-03-nyj-002：专报每期只编一篇，留待下一期\n" in result.err
    assert "这是本刊物的第一期，没有上一期可沿用；请补写 distribution（报、送、发）和 copies\n" in result.err
    text = read(desk, "issues/xxzb/2026/001.yaml")
    assert "distribution" not in text and "copies" not in text
    two = run_cli(desk.root, "issue", "--series", "xxzb", "--items", "2026-03-nyj-002,2026-03-nyj-005")
    assert (two.code, two.err) == (1, "bulletin issue：信息专报是专报，每期只编一篇，这里给了 2 篇；确要合编请加 --force\n未新建期刊\n")


def test_issue_refuses_a_newsroom_with_errors_and_wrong_usage(desk):
    desk.report("2026-03-nyj-009", unit="nobody")
    result = run_cli(desk.root, "issue", "--series", "zwxx")
    assert result.code == 1
    assert result.err.endswith("新闻室有 1 个错误，未新建期刊；请先改正，再运行 bulletin issue\n")
    assert "content/2026/03/2026-03-nyj-009.md:4: error[E203]" in result.err
    assert run_cli(desk.root, "issue", "--series", "zzz").code == 2
    assert run_cli(desk.root, "issue", "--series", "zwxx", "--date", "2026-02-30").code == 2


def test_issue_with_nothing_to_take_writes_nothing(newsroom):
    result = run_cli(newsroom.root, "issue", "--series", "zwxx")
    assert result.code == 1
    assert result.err == "没有可编入的拟采用稿件，未新建期刊；请把审定的稿件改为 status: 拟采用，或用 --items 指定\n"
    assert sorted(p.name for p in (newsroom.root / "issues/zwxx/2026").iterdir()) == ["018.yaml"]


# --- bulletin publish ------------------------------------------------------------------------

EDITED = """\
# 第18期 — 三月上旬
series: zwxx   # 政务信息
year: 2026
number: 18
date: 2026-03-12
status: draft  # 审定后发布
editor: 李静
signer: "张国华"
items:
    - 2026-03-nyj-001    # 春耕
distribution: {报: [市委办公室], 发: [各县区人民政府]}

copies: 120
"""


def _diff(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


@pytest.mark.parametrize("layout", ["as written", "irregular indentation"])
def test_publish_changes_only_the_status_line_and_adds_the_lock(newsroom, layout):
    before = EDITED if layout == "as written" else EDITED.replace("    - 2026", "    -   2026")
    newsroom.write(ISSUE, before)
    result = run_cli(newsroom.root, "publish", ISSUE)
    assert result.code == 0
    assert result.err == ("已发布 政务信息2026年第18期（2026年3月12日），锁定 1 篇稿件；此后改动已发布的稿件须在其 corrections 中写明更正\n"
                          "下一步：bulletin build 生成 PDF 和网站\n")
    after = read(newsroom, ISSUE)
    removed, added = _diff(before, after)
    assert removed == ["status: draft  # 审定后发布"]
    assert added[0] == "status: published  # 审定后发布"
    assert added[1:5] == ["lock:", "  date: 2026-03-12", "  algorithm: sha256", added[4]]
    assert re.fullmatch(r"  issue: [0-9a-f]{64}", added[4])
    assert added[5] == "  items:" and re.fullmatch(r"    2026-03-nyj-001: [0-9a-f]{64}", added[6])
    assert added[7:] == ["  version: 2", "  names:", "    series: 政务信息", "    units:", "      nyj: 市农业农村局"]
    assert after.startswith(before.replace("status: draft ", "status: published "))


def test_publish_keeps_the_chinese_status_spelling(newsroom):
    newsroom.write(ISSUE, read(newsroom, ISSUE).replace("status: draft", "status: 草稿"))
    assert run_cli(newsroom.root, "publish", ISSUE).code == 0
    assert "\nstatus: 已发布\n" in read(newsroom, ISSUE)


def test_publish_refuses_errors_and_unsigned_issues(newsroom):
    newsroom.report(unit="nobody")
    before = read(newsroom, ISSUE)
    result = run_cli(newsroom.root, "publish", ISSUE)
    assert result.code == 1 and result.err.endswith("新闻室有 1 个错误，未发布；请先改正\n")
    newsroom.report()
    newsroom.write(ISSUE, before.replace("editor: 李静", "editor: ''").replace("signer: 张国华", "signer: ''"))
    result = run_cli(newsroom.root, "publish", ISSUE)
    assert (result.code, result.err) == (1, f"{ISSUE}:6: 请填写 editor（编辑）后再发布\n{ISSUE}:7: 请填写 signer（签发人）后再发布\n未发布\n")
    assert read(newsroom, ISSUE) == before.replace("editor: 李静", "editor: ''").replace("signer: 张国华", "signer: ''")


def test_publish_names_wrong_paths(newsroom):
    assert run_cli(newsroom.root, "publish", "issues/zwxx/2026/099.yaml").err == "bulletin: 用法错误：找不到期刊文件 issues/zwxx/2026/099.yaml\n"
    result = run_cli(newsroom.root, "publish", "units.yaml")
    assert (result.code, result.err) == (2, "bulletin: 用法错误：units.yaml 不是期刊文件；期刊文件在 issues/<刊物>/<年份>/<三位期号>.yaml\n")


# --- bulletin renumber -----------------------------------------------------------------------


def test_renumber_moves_a_draft_and_changes_only_its_number(newsroom):
    before = read(newsroom, ISSUE)
    result = run_cli(newsroom.root, "renumber", ISSUE, "20")
    assert (result.code, result.out) == (0, "issues/zwxx/2026/020.yaml\n")
    assert result.err == "已把 issues/zwxx/2026/018.yaml（第18期）改为第20期：issues/zwxx/2026/020.yaml\n"
    assert not (newsroom.root / ISSUE).exists()
    assert read(newsroom, "issues/zwxx/2026/020.yaml") == before.replace("number: 18", "number: 20")
    assert lines(newsroom.root, date(2026, 3, 12)) == []


def test_renumber_refuses_published_issues_taken_numbers_and_bad_numbers(newsroom):
    newsroom.write("issues/zwxx/2026/019.yaml", read(newsroom, ISSUE).replace("number: 18", "number: 19").replace("items:\n  - 2026-03-nyj-001\n", "items: []\n"))
    taken = run_cli(newsroom.root, "renumber", ISSUE, "19")
    assert (taken.code, taken.err) == (1, "issues/zwxx/2026/019.yaml 已存在；请换一个期号（bulletin check 会提示可用的期号）\n")
    assert run_cli(newsroom.root, "renumber", ISSUE, "0").code == 2
    assert run_cli(newsroom.root, "publish", ISSUE).code == 0
    published = run_cli(newsroom.root, "renumber", ISSUE, "21")
    assert (published.code, published.err) == (1, f"{ISSUE} 已发布，不能改期号；已发布的期号是正式文号，请改动后来的草稿\n")
    assert (newsroom.root / ISSUE).exists()


# --- bulletin new ----------------------------------------------------------------------------


def test_new_writes_a_report_with_its_front_matter(newsroom, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = run_cli(newsroom.root, "new", "--unit", "nyj", "--title", "市农业农村局部署春季动物防疫", today="2026-03-10")
    assert (result.code, result.out) == (0, "content/2026/03/2026-03-nyj-002.md\n")
    assert result.err == ("已新建 content/2026/03/2026-03-nyj-002.md（市农业农村局，作者 李明）；"
                          "请填写 signed_off_by（审签领导）、在第二个 --- 之后写正文，然后运行 bulletin check\n")
    assert read(newsroom, "content/2026/03/2026-03-nyj-002.md") == (
        "---\nid: 2026-03-nyj-002\ntitle: 市农业农村局部署春季动物防疫\nunit: nyj\nauthor: 李明\nsigned_off_by: ''\n"
        "submitted: 2026-03-10T18:00:00+08:00\ncategory: 动态\nclassification: 内部\nstatus: 已报送\n---\n\n"
    )
    found = [(p.line, p.code) for p in run_check(newsroom.root, date(2026, 3, 10)).problems if p.path.endswith("nyj-002.md")]
    assert found == [(6, "E105"), (11, "W109")]  # until the editor writes the sign-off and the text


def test_new_takes_the_officer_on_that_day_and_english_aliases(newsroom, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = run_cli(newsroom.root, "new", "--unit", "nyj", "--title", "调研：山区 农机化", "--category", "research",
                     "--classification", "public", today="2026-02-10")
    assert result.out == "content/2026/02/2026-02-nyj-001.md\n"
    text = read(newsroom, "content/2026/02/2026-02-nyj-001.md")
    assert "\ntitle: '调研：山区 农机化'\n" not in text and '\ntitle: "调研：山区 农机化"\n' not in text
    assert "\ntitle: 调研：山区 农机化\nunit: nyj\nauthor: 王小红\n" in text
    assert "\ncategory: 调研\nclassification: 公开\n" in text


def test_new_quotes_titles_that_yaml_would_misread(newsroom, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    run_cli(newsroom.root, "new", "--unit", "nyj", "--title", "2026: 春耕 # 开局", today="2026-03-10")
    assert '\ntitle: "2026: 春耕 # 开局"\n' in read(newsroom, "content/2026/03/2026-03-nyj-002.md")
    assert run_check(newsroom.root, date(2026, 3, 10)).newsroom.reports["2026-03-nyj-002"].title == "2026: 春耕 # 开局"


@pytest.mark.parametrize(("args", "message"), [
    (["--unit", "xyz", "--title", "标题"], "单位 xyz 不在 units.yaml 中；可用的单位有：nyj（市农业农村局）、jyj（市教育局）、old（原市物价局）"),
    (["--unit", "nyj", "--title", "标题", "--category", "新闻"], "类别 新闻 不存在；可写：动态、经验、问题、调研、建议、紧急"),
    (["--unit", "nyj", "--title", "  "], "标题不能为空；请用 --title 写一行标题"),
    (["--unit", "jyj", "--title", "标题", "--today", "2024-06-01"], "市教育局在 2024-06-01 没有备案信息员；请先在 units.yaml 的 officers 中登记"),
])
def test_new_refuses_wrong_usage(newsroom, args, message):
    today = args[-1] if "--today" in args else "2026-03-10"
    args = args[:-2] if "--today" in args else args
    result = run_cli(newsroom.root, "new", *args, today=today)
    assert (result.code, result.err) == (2, f"bulletin: 用法错误：{message}\n")


# --- end to end ------------------------------------------------------------------------------


def test_word_and_new_reports_to_a_published_printed_issue(newsroom, monkeypatch, tmp_path):
    """The editor's whole path with the commands alone: import / new, edit, issue, publish, verify, print."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    word = docx.Document()
    word.add_paragraph("市农业农村局春耕物资供应充足")
    word.add_paragraph("　　3月9日，全市已储备化肥4.2万吨。")
    word.add_paragraph("签发人：副局长 陈立")
    word.save(tmp_path / "来稿.docx")
    imported = run_cli(newsroom.root, "import", str(tmp_path / "来稿.docx"), "--unit", "nyj", today="2026-03-10")
    assert (imported.code, imported.out) == (0, "content/2026/03/2026-03-nyj-002.md\n")
    accepted = newsroom.root / imported.out.strip()
    accepted.write_text(accepted.read_text(encoding="utf-8").replace("status: 已报送", "status: 拟采用"), encoding="utf-8")

    path = run_cli(newsroom.root, "new", "--unit", "jyj", "--title", "全市中小学春季开学平稳有序", today="2026-03-10").out.strip()
    report = newsroom.root / path
    text = report.read_text(encoding="utf-8")
    text = text.replace("signed_off_by: ''", "signed_off_by: 副局长 周红").replace("status: 已报送", "status: 拟采用")
    report.write_text(text + "3月2日，全市412所中小学如期开学，开学首日学生到校率99.6%。\n", encoding="utf-8")

    made = run_cli(newsroom.root, "issue", "--series", "zwxx", today="2026-03-12")
    assert (made.code, made.out) == (0, "issues/zwxx/2026/019.yaml\n")
    issue = newsroom.root / "issues/zwxx/2026/019.yaml"
    text = issue.read_text(encoding="utf-8")
    assert "items:\n  - 2026-03-jyj-001  # 全市中小学春季开学平稳有序\n  - 2026-03-nyj-002  # 市农业农村局春耕物资供应充足\n" in text
    issue.write_text(text.replace("editor: ''", "editor: 李静").replace("signer: ''", "signer: 张国华"), encoding="utf-8")

    assert run_cli(newsroom.root, "publish", "issues/zwxx/2026/019.yaml", today="2026-03-12").code == 0
    verified = run_cli(newsroom.root, "verify", today="2026-03-13")
    assert (verified.code, verified.out) == (0, "zwxx/2026/019  一致\n")
    assert lines(newsroom.root, date(2026, 3, 13), "E224", "E233", "E254") == []

    built = run_cli(newsroom.root, "build", "--only", "pdf", "--quiet", today="2026-03-13")
    assert built.code == 0, built.err
    assert (newsroom.root / "build/pdf/zwxx/2026/019.pdf").read_bytes().startswith(b"%PDF")


# --- round-trip editing ----------------------------------------------------------------------


def test_round_trip_follows_the_files_own_indentation():
    from bulletin.roundtrip import set_top_level

    text = "series: zwxx\ndistribution:\n    报: [市委办公室]   # 报\nitems:\n-   a\n"
    assert set_top_level(text, {"lock": {"date": date(2026, 3, 12), "items": {"a": "x"}}}) == (
        text + "lock:\n    date: 2026-03-12\n    items:\n        a: x\n"
    )


def test_round_trip_splices_when_the_layout_cannot_be_reproduced():
    from bulletin.roundtrip import set_top_level

    text = "# 注释\nnumber:    19   # 期号\nitems:\n  -   a\n  - b\n\n# 结尾\n"
    assert set_top_level(text, {"number": 20}) == text.replace("number:    19   #", "number: 20   #")
    assert set_top_level(text, {"lock": {"items": {"2026-03-12": "x"}}}) == text + "lock:\n  items:\n    '2026-03-12': x\n"
