"""Print: the PDFs of a bulletin, a special report and a leader brief, measured.

One module-scoped build renders the three PDFs once (through the worker pool); every test
reads them with pdfplumber / pdffonts.
"""

from __future__ import annotations

import re
import shutil

import pytest
from helpers.printing import (
    MM,
    body_lines,
    chars_per_line,
    em_top_mm,
    make_newsroom,
    open_pdf,
    page_text,
    pdffonts,
    prints_of,
    red_rects,
)

from bulletin.printing.issues import render_all


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("print") / "newsroom"
    make_newsroom(root)
    messages: list[str] = []
    render_all(prints_of(root), root / "build" / "pdf", root / "build" / ".cache", messages.append)
    return root, messages


@pytest.fixture(scope="module")
def bulletin(built):
    root, _ = built
    with open_pdf(root / "build/pdf/zwxx/2026/018.pdf") as pdf:
        yield pdf


@pytest.fixture(scope="module")
def special(built):
    root, _ = built
    with open_pdf(root / "build/pdf/xxzb/2026/003.pdf") as pdf:
        yield pdf


@pytest.fixture(scope="module")
def brief(built):
    root, _ = built
    with open_pdf(root / "build/pdf/ldcy/2026/002.pdf") as pdf:
        yield pdf


def test_every_issue_gets_a_pdf_and_a_docx(built):
    root, messages = built
    files = sorted(p.relative_to(root / "build/pdf").as_posix() for p in (root / "build/pdf").rglob("*.*"))
    assert files == [
        "ldcy/2026/002.docx", "ldcy/2026/002.pdf",
        "xxzb/2026/003.docx", "xxzb/2026/003.pdf",
        "zwxx/2026/018.docx", "zwxx/2026/018.pdf",
    ]
    assert sorted(m.split("：")[0].strip() for m in messages if m.strip().startswith("PDF ")) == [
        "PDF ldcy/2026/002", "PDF xxzb/2026/003", "PDF zwxx/2026/018",
    ]


def test_page_counts(bulletin, special, brief):
    assert (len(bulletin.pages), len(special.pages), len(brief.pages)) == (6, 2, 3)


def test_a4_pages(bulletin, special, brief):
    for pdf in (bulletin, special, brief):
        for page in pdf.pages:
            assert (round(page.width / MM, 1), round(page.height / MM, 1)) == (210.0, 297.0)


def test_masthead_text(bulletin):
    text = page_text(bulletin.pages[0])
    assert text.startswith("政务信息第18期江城市人民政府办公室2026年3月12日本期要目")
    assert "《" not in text and "第018期" not in text


def test_masthead_layout(bulletin):
    page = bulletin.pages[0]
    name = [c for c in page.chars if c["text"] in "政务信息" and c["size"] > 40]
    assert "".join(c["text"] for c in name) == "政务信息"
    assert all(c["non_stroking_color"] == pytest.approx((0.902, 0.0, 0.071), abs=0.01) for c in name)
    line = _publisher_line(page)
    assert "".join(c["text"] for c in line) == "江城市人民政府办公室2026年3月12日"
    assert line[0]["x0"] / MM == pytest.approx(28 + 4.94, abs=1)  # one 4号 character in from the left
    assert line[-1]["x1"] / MM == pytest.approx(184 - 4.94, abs=1)  # and from the right


def _publisher_line(page) -> list[dict]:
    publisher = [c for c in page.chars if c["text"] == "江"][0]
    return sorted((c for c in page.chars if abs(c["top"] - publisher["top"]) < 0.5), key=lambda c: c["x0"])


def test_red_rule_under_the_masthead(bulletin):
    page = bulletin.pages[0]
    rule = [r for r in red_rects(page) if r["height"] > 1.5][0]
    assert rule["x0"] / MM == pytest.approx(28, abs=1)
    assert rule["width"] / MM == pytest.approx(156, abs=1)
    assert (rule["top"] + rule["bottom"]) / 2 / MM == pytest.approx(108, abs=1)
    date_bottom = max(c["bottom"] for c in _publisher_line(page))
    toc_top = min(c["top"] for c in page.chars if c["text"] == "本")
    assert date_bottom < rule["top"] < toc_top


def test_toc_entries_and_their_page_numbers(bulletin):
    lines = page_text(bulletin.pages[0])
    entries = re.findall(r"(市农业农村局春耕备耕物资储备充足|全市中小学春季开学平稳有序)\.+(\d+)", lines)
    assert entries == [("市农业农村局春耕备耕物资储备充足", "1"), ("全市中小学春季开学平稳有序", "5")]
    for headline, number in entries:  # each headline (22 pt) is printed on the page the TOC names
        page = bulletin.pages[int(number) - 1]
        assert headline in "".join(c["text"] for c in page.chars if c["size"] == pytest.approx(22, abs=0.01))


def test_edited_headline_and_unit(bulletin):
    text = page_text(bulletin.pages[4])
    assert "全市中小学春季开学平稳有序市教育局" in text
    assert "市教育局扎实推进" not in "".join(page_text(p) for p in bulletin.pages)


def test_heading_levels_use_heiti_and_kaiti(bulletin):
    chars = [c for p in bulletin.pages for c in p.chars if c["size"] == pytest.approx(16, abs=0.01)]

    def font_of(text: str) -> set[str]:
        joined = "".join(c["text"] for c in chars)
        start = joined.index(text)
        return {c["fontname"].split("+")[1] for c in chars[start:start + len(text)]}

    assert font_of("一、主要做法") == {"Noto-Sans-CJK-SC"}
    assert font_of("（一）加强组织领导") == {"AR-PL-UKai-CN"}
    assert font_of("二、强化督促检查。") == {"Noto-Sans-CJK-SC"}  # a 一、 paragraph: heading up to its 。
    assert font_of("全市春耕备耕") == {"Noto-Serif-CJK-SC"}


def test_page_numbers_at_the_outer_side(bulletin):
    for number, page in enumerate(bulletin.pages, start=1):
        folio = [c for c in page.chars if c["size"] == pytest.approx(14, abs=0.01) and page.height - c["bottom"] < 30 * MM]
        assert "".join(c["text"] for c in folio).replace(" ", "") == f"—{number}—"
        assert em_top_mm(page, folio[0]) == pytest.approx(262 + 7, abs=1)  # 7 mm under the 版心
        if number % 2:  # odd pages: right, one character in
            assert folio[-1]["x1"] / MM == pytest.approx(184 - 4.94, abs=1)
        else:
            assert folio[0]["x0"] / MM == pytest.approx(28 + 4.94, abs=1)


def test_body_page_geometry(bulletin):
    """Page 2 is all body text: 22 lines of 28 characters in the 156 × 225 mm 版心."""
    page = bulletin.pages[1]
    lines = body_lines(page)
    assert len(lines) == 22
    assert em_top_mm(page, lines[0][0]) == pytest.approx(37, abs=1)  # top margin
    baselines = [page.height - line[0]["matrix"][5] for line in lines]
    pitch = (baselines[-1] - baselines[0]) / 21
    assert pitch / MM == pytest.approx(225 / 22, abs=0.05)
    full = [line for line in lines if len(line) == 28]
    assert len(full) >= 15 and chars_per_line(page).most_common(1)[0][0] == 28
    left = min(line[0]["x0"] for line in full) / MM
    right = max(line[-1]["x1"] for line in full) / MM
    assert left == pytest.approx(28, abs=1)  # binding margin
    assert right - left == pytest.approx(156, abs=1)  # body width
    assert {round(c["size"], 2) for line in lines for c in line} == {16.0}


def test_draft_watermark_on_every_page(bulletin, special, brief):
    for page in bulletin.pages:
        marks = "".join(c["text"] for c in page.chars if c["size"] > 100)
        assert marks == "草稿"
    for pdf in (special, brief):  # published issues carry none
        assert not [c for p in pdf.pages for c in p.chars if c["size"] > 100]


def test_colophon_at_the_foot_of_the_last_page(bulletin):
    last = bulletin.pages[-1]
    text = page_text(last)
    assert text.endswith(
        "报：市委办公室，市政府各位领导送：市人大常委会办公室发：各县区人民政府，市政府各部门编辑：李静共印120份—6—"
    )
    assert all("共印" not in page_text(p) for p in bulletin.pages[:-1])
    # WeasyPrint paints each bordered box as an outer and an inner rectangle
    boxes = [r for r in last.rects if r["width"] / MM == pytest.approx(156, abs=0.5)]
    assert max(r["bottom"] for r in boxes) / MM == pytest.approx(262, abs=1)  # last rule on the 版心's bottom edge
    tops = sorted(r["top"] / MM for r in boxes)
    distinct = [t for i, t in enumerate(tops) if i == 0 or t - tops[i - 1] > 1]
    assert len(distinct) == 4  # the block's top rule and a rule above each later row


def test_special_report_markings_and_signer(special):
    page = special.pages[0]
    text = page_text(page)
    assert text.startswith("000001秘密★1年特急信息专报第3期江城市人民政府办公室签发人：张国华某镇发生一起山体滑坡无人员伤亡")
    assert "本期要目" not in text
    copy_no = [c for c in page.chars if c["text"] in "0123456789"][:6]
    assert "".join(c["text"] for c in copy_no) == "000001"
    assert copy_no[0]["x0"] / MM == pytest.approx(28, abs=1)  # top left of the 版心
    assert em_top_mm(page, copy_no[0]) == pytest.approx(37, abs=1)
    secrecy = [c for c in page.chars if c["text"] == "秘"][0]
    assert secrecy["x0"] / MM == pytest.approx(28, abs=1) and secrecy["top"] > copy_no[0]["top"]
    last = page_text(special.pages[-1])
    assert "江城市人民政府办公室2026年3月10日" in last and last.endswith("报：市委主要领导编辑：李静共印15份—2—")


def test_brief_items_start_new_pages_with_instruction_boxes(brief):
    first, second, third = (page_text(p) for p in brief.pages)
    assert "本期要目" in first and "领导参阅" in first
    assert second.startswith("春耕农资价格总体平稳市农业农村局")
    assert third.startswith("市教育局做好春季学期开学准备市教育局")
    assert [t.count("领导批示：") for t in (first, second, third)] == [0, 1, 1]
    assert {round(c["size"], 2) for c in brief.pages[1].chars if c["text"] == "各"} == {18.0}  # larger type


def test_fonts_embedded_as_subsets(built):
    root, _ = built
    for rel in ("zwxx/2026/018.pdf", "xxzb/2026/003.pdf", "ldcy/2026/002.pdf"):
        rows = pdffonts(root / "build/pdf" / rel)
        assert rows, rel
        for row in rows:
            name, emb, sub, uni = row[0], row[-5], row[-4], row[-3]
            assert (emb, sub, uni) == ("yes", "yes", "yes"), (rel, name)
            assert re.match(r"^[A-Z]{6}\+", name)


def test_metadata(bulletin, special):
    meta = bulletin.metadata
    assert meta["Title"] == "政务信息 第18期"
    assert meta["Author"] == "江城市人民政府办公室"
    assert meta["Subject"] == "市农业农村局春耕备耕物资储备充足；全市中小学春季开学平稳有序"
    assert meta["CreationDate"] == meta["ModDate"] == "D:20260312000000+08'00"
    assert special.metadata["Title"] == "信息专报 第3期"


def test_images_from_content_are_embedded(bulletin):
    assert sum(len(p.images) for p in bulletin.pages) == 1


def test_second_build_reuses_the_cache_byte_for_byte(built, tmp_path):
    root, _ = built
    before = {p: p.read_bytes() for p in (root / "build/pdf").rglob("*.*")}
    out = tmp_path / "again"
    messages: list[str] = []
    render_all(prints_of(root), out, root / "build" / ".cache", messages.append)
    assert messages == ["  3 份 PDF 内容未变，沿用缓存"]
    for path, data in before.items():
        assert (out / path.relative_to(root / "build/pdf")).read_bytes() == data


def test_a_changed_item_rerenders_only_its_issues(built, tmp_path):
    root, _ = built
    copy = tmp_path / "newsroom"
    shutil.copytree(root, copy)
    report = copy / "content/2026/03/2026-03-nyj-004.md"
    corrected = report.read_text(encoding="utf-8").replace("全市春耕", "全县春耕", 1)
    corrected = corrected.replace("\n---\n", "\ncorrections: [{date: 2026-03-16, note: 更正地名}]\n---\n", 1)  # it is published
    report.write_text(corrected, encoding="utf-8")
    messages: list[str] = []
    render_all(prints_of(copy), copy / "build/pdf2", copy / "build/.cache", messages.append)
    rendered = [m.split("：")[0].strip() for m in messages if m.strip().startswith("PDF ")]
    assert rendered == ["PDF ldcy/2026/002"]
    assert "  2 份 PDF 内容未变，沿用缓存" in messages
    assert "全县春耕" in "".join(page_text(p) for p in open_pdf(copy / "build/pdf2/ldcy/2026/002.pdf").pages)
