"""The monthly notice as a complete 公文 (GB/T 9704-2012), and workbooks and CSV a clerk can print."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from helpers.scoring import write
from test_notices import make_notice_example
from test_scoring import run_cli

from bulletin.cli import main
from bulletin.notice_view import doc_numbers
from bulletin.scoring import parse_period

MKDOCS = """\
site_name: 测试
extra:
  bulletin:
    office: 江城市人民政府办公室
    notice_code: 江政办信
    notice_cc: [市委办公室, 市人大常委会办公室]
    notice_numbers: {2026-Q1: 9}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_notice_example(tmp_path_factory.mktemp("notice"))
    write(root, "mkdocs.yml", MKDOCS)
    assert main(["build", "--root", str(root), "--today", "2026-04-10", "--only", "notices", "--quiet"]) == 0
    return root


def pages(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_document_numbers_count_the_years_notices_unless_registered():
    periods = [parse_period(k) for k in ("2026", "2026-Q1", "2026-03", "2026-Q2", "2026-04")]
    assert doc_numbers(periods, "江政办信", {}) == {
        "2026-03": "江政办信〔2026〕1号", "2026-04": "江政办信〔2026〕2号", "2026-Q1": "江政办信〔2026〕3号",
        "2026-Q2": "江政办信〔2026〕4号", "2026": "江政办信〔2026〕5号"}
    assert doc_numbers(periods, "江政办信", {"2026-Q1": 9})["2026-Q1"] == "江政办信〔2026〕9号"
    assert doc_numbers(periods, "", {}) == {}  # no notice_code: no 发文字号


def test_the_notice_head_body_and_signature(built):
    text = pages(built / "build/notices/2026-04.pdf")
    first = text[0].splitlines()
    assert first[:5] == ["江城市人民政府办公室", "江政办信〔2026〕2号", "关于2026年4月份政务信息", "报送采用情况的通报",
                         "各报送单位："]
    body = "\n".join(text)
    assert body.index("一、总体情况") < body.index("五、报送集中度") < body.index("附件：1．2026年4月份各单位得分排名")
    assert "2．2026年4月份采用条目及得分来源\n江城市人民政府办公室\n2026年4月10日" in body  # 署名 and 成文日期
    for internal in ("scoring.yaml", ".yaml", ".md", "得分明细"):  # no file names in the text
        assert internal not in body
    q1 = pages(built / "build/notices/2026-Q1.pdf")[0].splitlines()
    assert q1[1] == "江政办信〔2026〕9号"  # from the register


def test_attachments_start_new_pages_and_the_colophon_ends_the_last(built):
    text = pages(built / "build/notices/2026-04.pdf")
    starts = [i for i, page in enumerate(text) if page.startswith("附件")]
    assert [text[i].splitlines()[:2] for i in starts] == [
        ["附件1", "2026年4月份各单位得分排名"], ["附件2", "2026年4月份采用条目及得分来源"]]
    assert text[starts[0]].splitlines()[2].split() == ["名次", "单位", "报送", "采用", "采用率", "批示", "得分"]
    last = text[-1].splitlines()
    assert last[-3:-1] == ["抄送：市委办公室，市人大常委会办公室。", "江城市人民政府办公室 2026年4月10日印发"]
    assert all("抄送" not in page for page in text[:-1])
    with pdfplumber.open(built / "build/notices/2026-04.pdf") as pdf:  # the 版记 sits at the foot of the 版心
        page = pdf.pages[-1]
        line = next(w for w in page.extract_words() if w["text"].startswith("江城市人民政府办公室"))
        assert 240 < line["bottom"] / (72 / 25.4) < 262


def test_one_total_throughout(built):
    body = "\n".join(pages(built / "build/notices/2026-03.pdf")).replace("\n", "")
    # ten reports in March (each once; x-1 of the inactive unit x counted too): the overview and the concentration agree
    assert "报送政务信息10条（含已停用单位报送的1条）" in body
    assert "共报送4条，占全市报送总数10条的40.00%" in body


def test_notice_pdfs_are_pdfa_with_keywords(built):
    from pypdf import PdfReader

    reader = PdfReader(built / "build/notices/2026-04.pdf")
    packet = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert 'pdfaid:part="2" pdfaid:conformance="B"' in packet
    assert reader.metadata["/Keywords"] == "政务信息考核通报, 江政办信〔2026〕2号, 2026年4月份"


def test_workbook_prints_as_a_clerk_needs(built):
    wb = openpyxl.load_workbook(built / "build/notices/2026-03.xlsx")
    items = wb["采用条目"]
    header = [c.value for c in items[2]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in items.iter_rows(min_row=3)]
    assert items["A1"].value == "江城市人民政府办公室　2026年3月份　采用条目"
    assert [str(r) for r in items.merged_cells.ranges] == ["A1:J1"]
    own = [r for r in rows if r["计分项"] == "本级采用"]
    assert own and all(r["来源"].startswith("《") and "年第" in r["来源"] and r["来源"].endswith("期") for r in own)
    assert header[-2:] == ["文件位置", "计分依据"] and all(":" in r["文件位置"] for r in rows)
    day = items.cell(row=3, column=header.index("日期") + 1)
    assert day.is_date and isinstance(day.value, datetime) and day.number_format == 'yyyy"年"m"月"d"日"'
    score = wb["得分排名"]
    assert score["E3"].number_format == "0.00%" and isinstance(score["E3"].value, float)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert (ws.freeze_panes, ws.print_title_rows) == ("A3", "$2:$2")
    late = wb["紧急信息迟报"]
    assert late.cell(row=3, column=4).is_date and late.cell(row=3, column=4).number_format == 'yyyy"年"m"月"d"日" hh:mm'
    widths = {c: items.column_dimensions[c].width for c in "ABC"}
    assert widths["C"] >= 2 * max(len(r["标题"]) for r in rows)  # a Chinese character counts two


def test_scores_csv_has_a_bom_and_excel_columns(built, tmp_path, capsys):
    out = tmp_path / "得分.csv"
    code, stdout, err = run_cli(capsys, "scores", "--root", str(built), "--today", "2026-04-10",
                                "--period", "2026-04", "--format", "csv", "--output", str(out))
    assert (code, stdout, err) == (0, "", f"已写入 {out}\n")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[:3] == ["名次,单位,报送条数,采用条数,采用率,批示条数,得分", "1,甲局,1,0,0.00%,2,14.67",
                         "2,乙局,0,0,0.00%,1,8.67"]
    code, _, _ = run_cli(capsys, "scores", "--root", str(built), "--today", "2026-04-10", "--period", "2026-04",
                         "--format", "csv", "--explain", "--output", str(out))
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert code == 0 and header == "单位,日期,计分项,稿件,分值,来源,说明,文件位置,计分依据"



def test_a_changed_notice_code_rebuilds_the_notices(built):
    from bulletin.check import run_check
    from bulletin.fingerprint import notices_digest

    newsroom = run_check(built, date(2026, 4, 10)).newsroom
    before = notices_digest(newsroom, "fonts")
    text = (built / "mkdocs.yml").read_text(encoding="utf-8")
    try:
        (built / "mkdocs.yml").write_text(text.replace("江政办信", "江政办通"), encoding="utf-8")
        assert notices_digest(newsroom, "fonts") != before
    finally:
        (built / "mkdocs.yml").write_text(text, encoding="utf-8")


def test_notice_settings_written_wrongly_are_warned_and_ignored(tmp_path):
    from bulletin.check import run_check
    from bulletin.notice_settings import notice_settings

    root = make_notice_example(tmp_path / "n")
    write(root, "mkdocs.yml", """\
site_name: 测试
extra:
  bulletin:
    notice_code: 江政办信〔2026〕
    notice_cc: 17
    notice_numbers: {2026-13: 3}
""")
    found = [p.format() for p in run_check(root, date(2026, 4, 10)).problems if p.code == "W380"]
    assert found == [
        "mkdocs.yml:4: warning[W380]: extra.bulletin.notice_code 应写机关代字（不超过 20 字，不带年份和括号），"
        "例如 notice_code: 江政办信；现按未设置处理",
        "mkdocs.yml:5: warning[W380]: extra.bulletin.notice_cc 应写单位名称，例如 notice_cc: [市委办公室, 市人大常委会办公室]"
        "；现按未设置处理",
        "mkdocs.yml:6: warning[W380]: extra.bulletin.notice_numbers 应写已印发通报的期间和文号序号，"
        "例如 notice_numbers: {2026-11: 12, 2026-Q3: 10}；现按未设置处理"]
    assert notice_settings(root) == {"code": "", "to": "各报送单位", "cc": [], "numbers": {}}
    assert main(["build", "--root", str(root), "--today", "2026-04-10", "--only", "notices", "--quiet"]) == 0
    first = pages(root / "build/notices/2026-04.pdf")[0]
    assert "〔" not in first and "抄送" not in "\n".join(pages(root / "build/notices/2026-04.pdf"))
