"""Notices (通报): which periods get one, what each holds, and the PDF, workbook and pages.

The newsroom is the hand-computed example of test_scoring.py (day of the build 2026-04-10) plus
one 秘密 report, s-1, whose title must never appear in a notice.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from helpers.scoring import SCORING, SERIES, add_report, units_yaml, write
from test_scoring import make_example

from bulletin.cache import FileStore
from bulletin.check import run_check
from bulletin.cli import main
from bulletin.notice_view import NoticeMaker, notice_view
from bulletin.notice_view import print_title as _print_title
from bulletin.notices import _PdfWriter, build_notices, cn_number, notice_html, notice_page, notice_sheets
from bulletin.scoring import parse_period
from bulletin.sheets import workbook_bytes
from bulletin.site.settings import read_settings

SECRET_TITLE = "某基地选址比选调研报告"
PERIODS = ["2026-03", "2026-04", "2026-Q1", "2026-Q2", "2026"]


def make_notice_example(root: Path) -> Path:
    make_example(root)
    add_report(root, "s-1", "c", "2026-03-16T09:00:00+08:00", "调研", title=SECRET_TITLE, classification="秘密",
               secrecy_term="1年",
               adopted=[{"level": "province", "publication": "《每日要情》", "date": "2026-03-25"}])
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """``bulletin build --only notices`` once; then the pages, reusing the build's PDF cache."""
    root = make_notice_example(tmp_path_factory.mktemp("notices"))
    assert main(["build", "--root", str(root), "--today", "2026-04-10", "--only", "notices", "--quiet"]) == 0
    newsroom = run_check(root, date(2026, 4, 10)).newsroom
    pages = build_notices(notice_view(newsroom, read_settings(newsroom.root).office), tmp_path_factory.mktemp("again") / "notices", root / "build" / ".cache")
    return root, pages


def test_one_pdf_and_workbook_per_period(built):
    root, _ = built
    names = sorted(p.name for p in (root / "build" / "notices").iterdir())
    assert names == sorted([f"{p}.pdf" for p in PERIODS] + [f"{p}.xlsx" for p in PERIODS])


def test_pages_for_the_intranet(built):
    _, pages = built
    assert sorted(pages) == sorted(["notices/index.md"] + [f"notices/{p}.md" for p in PERIODS])
    index = pages["notices/index.md"]
    assert "- [关于2026年4月份政务信息报送采用情况的通报](2026-04.md)" in index
    assert "- [关于2026年第一季度政务信息报送采用情况的通报](2026-Q1.md)" in index
    assert "- [关于2026年度政务信息报送采用情况的通报](2026.md)" in index


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdf_tables(path: Path) -> list[list[list[str]]]:
    with pdfplumber.open(path) as pdf:
        return [t for page in pdf.pages for t in page.extract_tables()]


def test_pdf_has_title_and_tables(built):
    root, _ = built
    path = root / "build" / "notices" / "2026-04.pdf"
    text = pdf_text(path)
    assert "关于2026年4月份政务信息\n报送采用情况的通报" in text  # balanced: 12 and 9 characters
    for heading in ["一、总体情况", "二、连续三个月以上无采用的单位", "三、紧急信息迟报情况", "四、约稿未报送情况",
                    "五、报送集中度", "附件1\n2026年4月份各单位得分排名", "附件2\n2026年4月份采用条目及得分来源"]:
        assert heading in text
    tables = pdf_tables(path)
    score = next(t for t in tables if t[0][:2] == ["名次", "单位"])
    # the hand-computed April table of test_scoring.py (s-1 adds nothing in April)
    assert score[1:] == [
        ["1", "甲局", "1", "0", "0.00%", "2", "14.67"],
        ["2", "乙局", "0", "0", "0.00%", "1", "8.67"],
        ["2", "丙局", "1", "0", "0.00%", "1", "8.67"],
        ["4", "丁局", "1", "0", "0.00%", "0", "-3.00"],
        ["停用", "戊局", "0", "0", "0.00%", "0", "0.00"],
    ]
    assert "江城市人民政府办公室\n2026年4月10日" in text  # signature: the issuer and the day of the build


def test_pdf_march_lists_late_and_missed_and_hides_secret_titles(built):
    root, _ = built
    text = pdf_text(root / "build" / "notices" / "2026-03.pdf")
    assert re.search(r"c-1 的标题", text)  # late urgent item: internal title, printed in the notice
    assert "3月9日 05:00" in text and "3月9日 10:00" in text
    assert re.findall(r"(?<![\d.])\d+\.\d(?![\d.])", text.split("3月9日 10:00", 1)[1])[:1] == ["5.0"]  # the hours, not 15.0
    assert "春耕备耕" in text and "一季度经济运行" in text  # the two missed assignments' topics
    assert SECRET_TITLE not in text
    assert "（涉密稿件，标题略）" in text


def test_pages_hide_titles_the_intranet_does_not_hold(built):
    _, pages = built
    march = pages["notices/2026-03.md"]
    assert SECRET_TITLE not in march
    assert "c-1 的标题" not in march  # c-1 is in no published issue
    assert "content/2026/03/c-1.md" not in march and "content/2026/03/s-1.md" not in march
    assert ('<tr><td rowspan="3">未在内网发布的稿件 2 篇</td><td class="c">紧急信息迟报</td><td class="day">—</td>'
            '<td class="num">-5.00</td><td>共 1 项</td><td>—</td></tr>') in march
    assert "<p>另有 1 条未在内网发布的紧急信息超时报送，未列出。</p>" in march
    assert "a-1 的标题" in march  # published, internal: the intranet holds it
    # where a-1's March points come from: its own adoption in xxzb/001 (line 9, the item), its province
    # adoption (adopted: on line 10) and its instruction (instructions: on line 11)
    for source in ["issues/xxzb/2026/001.yaml:9", "content/2026/03/a-1.md:10", "content/2026/03/a-1.md:11"]:
        assert f"<code>{source}</code>" in march


def test_pages_have_charts_with_chinese_labels(built):
    _, pages = built
    april = pages["notices/2026-04.md"]
    svgs = re.findall(r"<figure class=\"notice-chart\"><svg .*?</svg></figure>", april)
    assert len(svgs) == 2
    bars, trend = svgs
    assert "各单位得分（2026年4月份）" in bars and ">甲局<" in bars and ">14.67<" in bars
    assert "戊局" not in bars  # inactive units are not ranked, so not charted
    assert "全市政务信息报送、采用月度趋势" in trend and ">2026年3月<" in trend and ">4月<" in trend
    assert ">报送<" in trend and ">采用<" in trend
    # each chart is one line, so Markdown keeps it as one raw HTML block
    assert all("\n" not in svg for svg in svgs)


def test_notice_numbers(tmp_path):
    root = make_notice_example(tmp_path)
    maker = NoticeMaker(run_check(root, date(2026, 4, 10)).newsroom, _print_title, "办公室")
    n = maker.notice(parse_period("2026-03"))
    # March reports: a-1, a-2, b-1, b-2, j-1, c-1, c-2, s-1, d-1, x-1 = 10 (c-3 is April's);
    # adopted by 04-10: a-1, b-1, j-1, c-2, s-1, x-1 = 6 → 60.00%; from units a, b, c, d, x
    assert (n.totals.units_reporting, n.totals.submitted, n.totals.adopted, str(n.totals.rate)) == (5, 10, 6, "60.00")
    assert n.totals.instructions == 1
    assert n.totals.inactive == 1  # x-1, of the inactive unit x, is one of the 10
    # top fifth of 4 active units = 1 unit; submissions a 3, b 3, c 4 (with s-1), d 1 → c: 4 of the
    # notice's one total, 10 (each report once, x-1 included), not of the 11 the units' counts add up to
    c = n.concentration
    assert (c.active, c.top, c.names, c.top_count, c.total, str(c.share)) == (4, 1, ["丙局"], 4, 10, "40.00")
    # 乙局 answered 春耕备耕 after its due date: fined like no answer, and named as the intranet names it
    assert [(m.topic, m.due, m.unit, m.state) for m in n.missed] == [
        ("春耕备耕", date(2026, 3, 20), "乙局", "逾期报送"), ("一季度经济运行", date(2026, 3, 31), "丁局", "未报送")]
    assert [(x.report, x.hours, str(x.points)) for x in n.late] == [("c-1", "5.0", "-5.00")]
    assert n.trend == [("2026年3月", 10, 6)]


def test_dormant_units(tmp_path):
    # built on 2026-07-31: a, b and c were last adopted on 04-08 (j-1) → May, June, July = 3 months;
    # d's d-1 was adopted on 05-06 → June, July = 2; x is inactive
    root = make_notice_example(tmp_path)
    maker = NoticeMaker(run_check(root, date(2026, 7, 31)).newsroom, _print_title, "办公室")
    dormant = maker.notice(parse_period("2026-07")).dormant
    assert [(d.name, d.months, d.last) for d in dormant] == [
        ("甲局", 3, date(2026, 4, 8)), ("乙局", 3, date(2026, 4, 8)), ("丙局", 3, date(2026, 4, 8))]
    assert maker.notice(parse_period("2026-06")).dormant == []


def test_periods_with_data(tmp_path):
    root = make_notice_example(tmp_path)
    maker = NoticeMaker(run_check(root, date(2026, 7, 31)).newsroom, _print_title, "办公室")
    # March and April have submissions; May has d-1's adoption (05-06), now in the past
    assert [p.key for p in maker.periods()] == ["2026", "2026-Q1", "2026-03", "2026-Q2", "2026-04", "2026-05"]


def test_workbook(built):
    root, _ = built
    wb = openpyxl.load_workbook(root / "build" / "notices" / "2026-04.xlsx")
    assert wb.sheetnames == ["得分排名", "采用条目", "得分明细", "连续无采用单位", "紧急信息迟报", "约稿未报", "报送集中度"]
    ws = wb["得分排名"]
    assert ws["A1"].value == "江城市人民政府办公室　2026年4月份　得分排名"
    assert [c.value for c in ws[2]] == ["名次", "单位", "报送条数", "采用条数", "采用率", "批示条数", "得分"]
    assert [c.value for c in ws[3]] == [1, "甲局", 1, 0, 0, 2, 14.67]
    assert [c.value for c in ws[7]] == ["停用", "戊局", 0, 0, 0, 0, 0]
    assert (ws.column_dimensions["A"].width, ws.column_dimensions["B"].width) == (6, 10)
    assert ws["E3"].number_format == "0.00%"
    for sheet in wb.worksheets:
        assert (sheet.freeze_panes, sheet.print_title_rows) == ("A3", "$2:$2")
        assert sheet["A1"].font.bold and sheet["A2"].font.bold
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    items = wb["采用条目"]
    assert [c.value for c in items[2]] == ["单位", "稿件", "标题", "日期", "计分项", "分值", "来源", "说明", "文件位置",
                                           "计分依据"]


def test_outputs_are_reproducible(tmp_path):
    root = make_notice_example(tmp_path / "n")
    newsroom = run_check(root, date(2026, 4, 10)).newsroom
    maker = NoticeMaker(newsroom, _print_title, "江城市人民政府办公室")
    notice = maker.notice(parse_period("2026-03"))
    again = maker.notice(parse_period("2026-03"))  # made anew, so each comparison below can fail
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    for out, cache, made in ((first, "c1", notice), (second, "c2", again)):
        writer = _PdfWriter(root, FileStore(tmp_path / cache, (".pdf",)), None)
        writer.write(notice_html(made), out, made)
        writer.finish()
    assert first.read_bytes() == second.read_bytes()
    assert workbook_bytes(notice_sheets(notice), newsroom.today) == workbook_bytes(notice_sheets(again), newsroom.today)
    assert notice_page(notice) == notice_page(again)
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(notice_sheets(notice), newsroom.today)))
    assert wb.properties.modified.date() == date(2026, 4, 10)


def test_cn_number():
    assert [cn_number(n) for n in (1, 9, 10, 11, 17, 20, 21, 99)] == [
        "一", "九", "十", "十一", "十七", "二十", "二十一", "九十九"]


def test_a_newsroom_without_reports_gets_only_an_index(tmp_path):
    root = tmp_path / "empty"
    write(root, "scoring.yaml", SCORING)
    write(root, "issues/series.yaml", SERIES)
    write(root, "units.yaml", units_yaml([{"id": "a", "name": "甲局"}]))
    result = run_check(root, date(2026, 4, 10))
    assert result.errors == []
    pages = build_notices(notice_view(result.newsroom, read_settings(result.newsroom.root).office), tmp_path / "out" / "notices", tmp_path / "cache")
    assert list(pages) == ["notices/index.md"]
    assert "<svg" not in pages["notices/index.md"]
    assert list((tmp_path / "out" / "notices").iterdir()) == []


HIDDEN = {  # report id -> (fields, canaries of its publications, leaders and texts)
    "hid-secret": ({"classification": "秘密", "secrecy_term": "1年"}, ["《金丝雀刊物甲》", "金丝雀领导甲", "金丝雀批示甲"]),
    "hid-rejected": ({"status": "不采用", "reject_reason": "重复"}, ["《金丝雀刊物乙》", "金丝雀领导乙", "金丝雀批示乙"]),
    "hid-never": ({}, ["《金丝雀刊物丙》", "金丝雀领导丙", "金丝雀批示丙"]),
    "hid-draft": ({}, ["《金丝雀刊物丁》", "金丝雀领导丁", "金丝雀批示丁"]),
}


def test_intranet_holds_only_counts_of_reports_it_does_not_carry(tmp_path):
    """The attack: a 秘密 report's publication names and leaders, and those of rejected, draft-only and
    never-issued reports, with their ids, reached the intranet's notice pages and search index."""
    from helpers.scoring import add_issue
    from helpers.site import readable

    root = make_notice_example(tmp_path / "n")
    for rid, (fields, (publication, leader, text)) in HIDDEN.items():
        add_report(root, rid, "c", "2026-03-18T09:00:00+08:00", title=f"{rid} 金丝雀标题", **fields,
                   adopted=[{"level": "province", "publication": publication, "date": "2026-03-25"}],
                   instructions=[{"leader": leader, "level": "city", "date": "2026-03-26", "text": text}])
    add_issue(root, "xxzb", 2026, 3, "2026-03-22", "published", ["hid-secret"])
    add_issue(root, "zwxx", 2026, 4, "2026-03-23", "draft", ["hid-draft"])
    assert main(["build", "--root", str(root), "--today", "2026-04-10", "--only", "intranet", "--quiet"]) == 0
    site = root / "build" / "intranet"
    text = "\n".join(readable(p) for p in site.rglob("*") if p.is_file())  # the search index decoded
    assert "金丝雀" not in text and "a-1 的标题" in text
    for rid, (_, canaries) in HIDDEN.items():
        for needle in [rid, f"{rid} 金丝雀标题", *canaries]:
            assert needle not in text, needle
    march = (site / "notices" / "2026-03" / "index.html").read_text(encoding="utf-8")
    assert "未在内网发布的稿件 6 篇" in march  # c-1 and s-1 as before, and the four above


def test_the_intranet_notice_keeps_no_scoring_entry_of_a_report_it_does_not_carry(built):
    """The ranking is the same for both audiences; the entries behind it (a report id, a source
    line) of the 秘密 s-1 and the unissued c-1 stay with the printed notice only."""
    root, _ = built
    view = notice_view(run_check(root, date(2026, 4, 10)).newsroom, "办公室")
    printed, intranet = view.printed["2026-03"].table, view.intranet["2026-03"].table
    assert intranet.rows == printed.rows
    assert {e.report for e in printed.entries} - {e.report for e in intranet.entries} == {"c-1", "s-1"}
    assert intranet.entries == [e for e in printed.entries if e.report not in ("c-1", "s-1")]
    one = printed.for_unit("a")  # bulletin scores --unit a
    assert [r.unit for r in one.rows] == ["a"]
    assert one.entries == [e for e in printed.entries if e.unit == "a"] and len(one.entries) < len(printed.entries)
