"""Documents of record (issue 15): numbered copies, balanced titles, page 1, Word styles, PDF/A."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from helpers.newsroom import seal_published
from helpers.printing import make_newsroom, prints_of
from helpers.workflow import run_cli
from PIL import Image, ImageChops
from pypdf import PdfReader

from bulletin.errors import CopiesError
from bulletin.printing.balance import MIN_SHARE, balanced_lines, width
from bulletin.printing.compose import printed
from bulletin.printing.docx_out import BODY_STYLE, TABLE_STYLE, _blank_page, docx_bytes, package_bytes
from bulletin.printing.fonts import resolve_fonts
from bulletin.printing.issues import render_all
from bulletin.printing.stamp import parse_copies

SPECIAL = "issues/xxzb/2026/003.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    root = tmp_path_factory.mktemp("documents") / "newsroom"
    make_newsroom(root)
    render_all(prints_of(root), root / "build" / "pdf", root / "build" / ".cache", lambda message: None)
    return root


@pytest.fixture(scope="module")
def copies(newsroom):
    """Copies 000001-000003 of the classified special report."""
    result = run_cli(newsroom, "print", SPECIAL, "--copies", "3", today="2026-03-20")
    assert result.code == 0, result.err
    return newsroom / "build" / "print" / "xxzb" / "2026" / "003.pdf"


def pages_text(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def page_png(path: Path, page: int, out: Path) -> Image.Image:
    prefix = out / f"{path.stem}-{page}"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                    str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("RGB")


# -- balanced titles -----------------------------------------------------------------------------


@pytest.mark.parametrize("title", [
    "市农业农村局推动高标准农田建设与重点企业对接",  # 22 characters: would wrap as 20 + 2
    "我市一季度规模以上工业增加值同比增长百分之八点五，新动能加快成长",
    "关于进一步做好全市中小学春季开学和校园安全工作的情况报告",
])
def test_a_wrapped_title_is_split_into_near_equal_lines_at_word_boundaries(title):
    lines = balanced_lines(title)
    assert "".join(lines) == title and len(lines) >= 2
    widths = [width(line) for line in lines]
    assert max(widths) <= 20 and min(widths) >= MIN_SHARE * max(widths)
    assert not any(line[0] in "，。、；：）》”" for line in lines[1:])


def test_balanced_lines_keep_words_whole():
    assert balanced_lines("市农业农村局推动高标准农田建设与重点企业对接") == ["市农业农村局推动高标准", "农田建设与重点企业对接"]
    assert balanced_lines("全市早稻收割基本结束") == ["全市早稻收割基本结束"]  # fits: one line
    assert balanced_lines("青石镇秋粮烘干能力不足 部分稻谷存在霉变风险") == ["青石镇秋粮烘干能力不足", "部分稻谷存在霉变风险"]


def test_pdf_headline_lines_are_balanced(tmp_path):
    """A headline of 26 characters prints as 13 + 13, not 20 + 6 (pdfplumber reads the lines)."""
    root = tmp_path / "n"
    n = make_newsroom(root)
    title = "市农业农村局联合市场监管局开展春季农资打假专项行动"
    issue = (root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
    n.write("issues/zwxx/2026/018.yaml", issue.replace("  - 2026-03-nyj-001", f"  - {{id: 2026-03-nyj-001, title: {title}}}"))
    render_all(prints_of(root), root / "build" / "pdf", root / "build" / ".cache", lambda message: None)
    import pdfplumber

    with pdfplumber.open(root / "build/pdf/zwxx/2026/018.pdf") as pdf:
        page = next(p for p in pdf.pages if any(abs(c["size"] - 22) < 0.2 and c["text"] == "联" for c in p.chars))
        rows: dict[float, str] = {}
        for c in page.chars:
            if abs(c["size"] - 22) < 0.2:
                rows.setdefault(round(c["top"]), "")
                rows[round(c["top"])] += c["text"]
    lines = [rows[k] for k in sorted(rows) if rows[k] in title]
    assert "".join(lines) == title
    assert [len(line) for line in lines] == [13, 12] or [len(line) for line in lines] == [12, 13]
    assert len(lines) == 2


# -- page 1 --------------------------------------------------------------------------------------


def test_page_one_holds_the_masthead_the_contents_and_the_first_item(newsroom):
    first = pages_text(newsroom / "build/pdf/zwxx/2026/018.pdf")[0]
    assert "本 期 要 目" in first
    assert "市农业农村局春耕备耕物资储备充足" in first.split("本 期 要 目")[1].split("\n\n\n")[-1] or \
        first.count("市农业农村局春耕备耕物资储备充足") == 2  # in the contents and as the first headline
    assert "截至三月八日" in first  # the first item's text starts on page 1


# -- numbered copies -----------------------------------------------------------------------------


def test_each_copy_carries_its_own_number_on_its_first_page(copies):
    pages = pages_text(copies)
    master_pages = len(PdfReader(copies.parent.parent.parent.parent / "pdf/xxzb/2026/003.pdf").pages)
    assert len(pages) == 3 * master_pages
    for n in range(3):
        first = pages[n * master_pages]
        assert first.lstrip().splitlines()[0].strip() == f"00000{n + 1}"  # first line, top left
        assert "秘密★1年" in first
        for other in pages[n * master_pages + 1:(n + 1) * master_pages]:
            assert not re.search(r"\b00000\d\b", other)
    assert sum(bool(re.search(r"^\s*00000\d\s*$", p, re.M)) for p in pages) == 3


def test_stamped_pages_equal_the_master_except_the_number(copies, newsroom, tmp_path):
    master = newsroom / "build/pdf/xxzb/2026/003.pdf"  # the build's copy, numbered 000001
    per_copy = len(PdfReader(master).pages)
    for page in range(1, per_copy + 1):  # copy 1 is the master itself, pixel for pixel
        assert ImageChops.difference(page_png(copies, page, tmp_path), page_png(master, page, tmp_path)).getbbox() is None
    second = page_png(copies, per_copy + 1, tmp_path)
    box = ImageChops.difference(second, page_png(master, 1, tmp_path)).getbbox()
    left, top, right, bottom = (v * 25.4 / 60 for v in box)  # pixels at 60 dpi → mm
    assert 28 <= left and right <= 28 + 30 and 35 <= top and bottom <= 37 + 10  # only the 份号, top left
    assert ImageChops.difference(page_png(copies, per_copy + 2, tmp_path), page_png(master, 2, tmp_path)).getbbox() is None


def test_copies_register_and_reproducible_bytes(copies, newsroom):
    register = copies.with_name("003-份号.csv").read_bytes()
    assert register.startswith(b"\xef\xbb\xbf")
    assert register.decode("utf-8-sig").splitlines() == [
        "份号,刊物,期号,日期", "000001,《信息专报》,2026年第3期,2026-03-10",
        "000002,《信息专报》,2026年第3期,2026-03-10", "000003,《信息专报》,2026年第3期,2026-03-10"]
    before = copies.read_bytes()
    assert run_cli(newsroom, "print", SPECIAL, "--copies", "3", today="2026-03-20").code == 0
    assert copies.read_bytes() == before


def test_a_range_of_copies_and_the_default_count(newsroom, tmp_path):
    result = run_cli(newsroom, "print", SPECIAL, "--copies", "14-15", today="2026-03-20")
    assert result.code == 0, result.err
    out = newsroom / "build/print/xxzb/2026/003.pdf"
    numbers = [line.strip() for page in pages_text(out) for line in page.splitlines() if re.fullmatch(r"\s*\d{6}\s*", line)]
    assert numbers == ["000014", "000015"]
    result = run_cli(newsroom, "print", SPECIAL, today="2026-03-20")  # copies: 15 in the issue file
    assert result.code == 0 and "已印制 15 份（份号 000001—000015）" in result.err
    assert len(out.with_name("003-份号.csv").read_text(encoding="utf-8-sig").splitlines()) == 16
    assert len(PdfReader(out).pages) == 15 * len(PdfReader(newsroom / "build/pdf/xxzb/2026/003.pdf").pages)


def test_print_refuses_drafts_and_unknown_counts(newsroom, tmp_path):
    draft = run_cli(newsroom, "print", "issues/zwxx/2026/018.yaml", today="2026-03-20")
    assert draft.code == 1
    assert draft.err.startswith("issues/zwxx/2026/018.yaml:5: error[E381]: 草稿不能编号印制")
    root = tmp_path / "n"
    n = make_newsroom(root)
    sealed = (root / "issues/ldcy/2026/002.yaml").read_text(encoding="utf-8")
    n.write("issues/ldcy/2026/002.yaml", sealed.split("lock:")[0].replace("copies: 30\n", ""))
    seal_published(root)
    missing = run_cli(root, "print", "issues/ldcy/2026/002.yaml", today="2026-03-20")
    assert missing.code == 1
    assert missing.err.startswith("issues/ldcy/2026/002.yaml:1: error[E380]: 印制份数未定：在期刊文件中写 copies: 份数")
    assert not (root / "build" / "print").exists()


@pytest.mark.parametrize(("spec", "message"), [
    ("abc", "--copies abc 不是份数"), ("5-3", "--copies 5-3 不是有效的范围"), ("0", "--copies 0 不是有效的范围"),
    ("1-1000000", "超过 6 位份号的上限 999999"),
])
def test_bad_copies_are_usage_errors(spec, message, newsroom):
    with pytest.raises(CopiesError, match=re.escape(message)):
        parse_copies(spec, 15)
    result = run_cli(newsroom, "print", SPECIAL, "--copies", spec, today="2026-03-20")
    assert result.code == 2 and message in result.err


def test_parse_copies():
    assert parse_copies("15", None) == range(1, 16)
    assert parse_copies("16-30", 15) == range(16, 31)
    assert parse_copies(None, 15) == range(1, 16)


# -- PDF/A ---------------------------------------------------------------------------------------


def test_pdfs_are_pdfa_2b_with_the_issue_metadata(newsroom, copies):
    for path in (newsroom / "build/pdf/xxzb/2026/003.pdf", copies):
        reader = PdfReader(path)
        xmp = reader.xmp_metadata
        packet = xmp.stream.get_data().decode("utf-8")
        assert 'pdfaid:part="2" pdfaid:conformance="B"' in packet  # PDF/A-2b
        assert "<pdf:Keywords>信息专报, 2026年第3期</pdf:Keywords>" in packet
        assert "<xmp:CreateDate>2026-03-10T00:00:00+08:00</xmp:CreateDate>" in packet  # the issue's date
        assert xmp.dc_title == {"x-default": "信息专报 第3期"}
        assert list(xmp.dc_creator) == ["江城市人民政府办公室"]
        assert reader.metadata["/Keywords"] == "信息专报, 2026年第3期"
        assert "/OutputIntents" in reader.trailer["/Root"] and reader.trailer["/ID"]


# -- Word ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word(newsroom):
    issues = {p.key: printed(p) for p in prints_of(newsroom)}
    doc = issues["zwxx/2026/018"]
    doc.items[1].body += "<ol><li>第一项</li><li>第二项</li></ol><p>中间一段。</p><ol><li>另一组第一项</li></ol>" \
                         "<ul><li>要点</li></ul><table><tr><th>项目</th><th>数量</th></tr><tr><td>化肥</td><td>4万吨</td></tr></table>"
    return Document(io.BytesIO(docx_bytes(doc, newsroom, resolve_fonts(newsroom))))


def test_word_item_titles_and_levels_are_real_styles(word):
    by_style = {}
    for p in word.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert by_style["Title"] == ["政务信息"]
    assert by_style["Heading 1"] == ["市农业农村局春耕备耕物资储备充足", "全市中小学春季开学平稳有序"]
    assert by_style["Heading 2"] == ["一、主要做法"] and by_style["Heading 3"] == ["（一）加强组织领导"]
    assert len(by_style[BODY_STYLE]) >= 10 and not any("•" in t for texts in by_style.values() for t in texts)
    heading = word.styles["Heading 1"]
    assert heading.element.pPr.find(f"{W}outlineLvl").get(f"{W}val") == "0"  # Word's navigation pane lists it
    assert heading.font.size.pt == 22 and heading.font.color.rgb == (0, 0, 0)


def test_word_body_style_is_the_print_grid(word):
    body = word.styles[BODY_STYLE]
    fmt = body.paragraph_format
    # 28.99 pt stored in twentieths of a point (580), exactly: the 22 lines of the print grid
    assert (fmt.line_spacing_rule, fmt.line_spacing.pt, fmt.first_line_indent.pt, body.font.size.pt) == (
        WD_LINE_SPACING.EXACTLY, 29.0, 32.0, 16.0)
    assert body.element.pPr.find(f"{W}ind").get(f"{W}firstLineChars") == "200"
    assert body.element.rPr.find(f"{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    assert body.element.rPr.find(f"{W}rFonts").get(f"{W}asciiTheme") is None


def test_word_lists_are_numbered_by_word_and_restart(word):
    items = [p for p in word.paragraphs if p.style.name in ("List Number", "List Bullet")]
    assert [(p.style.name, p.text) for p in items] == [
        ("List Number", "第一项"), ("List Number", "第二项"), ("List Number", "另一组第一项"), ("List Bullet", "要点")]
    nums = [p._p.pPr.numPr.numId.val if p._p.pPr.numPr is not None else None for p in items]
    assert nums[0] == nums[1] != nums[2] and nums[3] is None  # a second list starts again at 1
    numbering = word.part.numbering_part.element
    restart = numbering.num_having_numId(nums[2]).find(f"{W}lvlOverride").find(f"{W}startOverride")
    assert restart.get(f"{W}val") == "1"


def test_word_tables_pages_and_page_numbers(word):
    assert [t.style.name for t in word.tables] == [TABLE_STYLE]
    assert word.styles[TABLE_STYLE].base_style.name == "Table Grid"
    assert word.tables[0].rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    section = word.sections[0]
    assert [round(v.mm) for v in (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                                  section.left_margin, section.right_margin)] == [210, 297, 37, 35, 28, 26]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        field = p._p.find(f"{W}fldSimple")
        assert [r.text for r in p.runs] == ["— ", " —"] and field.get(f"{W}instr") == "PAGE"
        assert field.getprevious() is p.runs[0]._r and field.getnext() is p.runs[1]._r  # — N —


def test_each_word_file_starts_from_a_fresh_blank_page_of_its_grid(newsroom):
    """The blank page (styles, section, footers) is made once per grid and reopened for each
    issue: nothing one issue adds (its lists' numbering, its draft header) reaches the next."""
    issues = {p.key: printed(p) for p in prints_of(newsroom)}
    fonts = resolve_fonts(newsroom)
    draft, brief = issues["zwxx/2026/018"], issues["ldcy/2026/002"]
    draft.items[1].body += "<ol><li>第一项</li></ol><ol><li>另一组</li></ol>"
    _blank_page.cache_clear()
    alone = docx_bytes(brief, newsroom, fonts)
    _blank_page.cache_clear()
    docx_bytes(draft, newsroom, fonts)
    after_draft = docx_bytes(brief, newsroom, fonts)
    assert after_draft == alone and docx_bytes(draft, newsroom, fonts) == docx_bytes(draft, newsroom, fonts)
    headers = {key: [p.text for p in Document(io.BytesIO(docx_bytes(doc, newsroom, fonts))).sections[0].header.paragraphs]
               for key, doc in (("draft", draft), ("brief", brief))}
    assert headers == {"draft": ["草　稿"], "brief": [""]}
    assert _blank_page.cache_info().currsize == 2  # the draft bulletin's grid and the brief's


def test_word_files_hold_what_python_docx_saves_at_a_fixed_time(newsroom):
    """package_bytes zips python-docx's parts once, itself: the same entries in the same order as
    ``Document.save`` writes, each at the fixed time (a python-docx that changed its writer fails here)."""
    import zipfile

    doc = {p.key: printed(p) for p in prints_of(newsroom)}["xxzb/2026/003"]
    word = Document(io.BytesIO(docx_bytes(doc, newsroom, resolve_fonts(newsroom))))
    ours, saved = package_bytes(word), io.BytesIO()
    word.save(saved)
    with zipfile.ZipFile(io.BytesIO(ours)) as a, zipfile.ZipFile(saved) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        assert "word/document.xml" in a.namelist() and a.infolist()[0].filename == "[Content_Types].xml"
        assert [name for name in a.namelist() if a.read(name) != b.read(name)] == []
        assert {i.date_time for i in a.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert package_bytes(word) == ours


def test_word_headline_lines_are_balanced(newsroom):
    issues = {p.key: printed(p) for p in prints_of(newsroom)}
    doc = issues["zwxx/2026/018"]
    doc.items[0].headline = "市农业农村局推动高标准农田建设与重点企业对接"
    word = Document(io.BytesIO(docx_bytes(doc, newsroom, resolve_fonts(newsroom))))
    heading = next(p for p in word.paragraphs if p.style.name == "Heading 1")
    assert heading.text == "市农业农村局推动高标准\n农田建设与重点企业对接"


def test_no_heading_stands_alone_at_a_page_foot(newsroom, tmp_path):
    """n one-line paragraphs, an 一、 heading, then a 3-line paragraph: for n = 21 the heading would be the
    last line of page 1; it goes over to page 2 with its paragraph (and so for 19 and 20: widows, orphans 2)."""
    import pdfplumber

    from bulletin.printing.pdf import html_to_pdf

    line = "<p>全市春耕备耕工作全面展开各地抢抓农时组织农机</p>"  # 24 characters: one line after the indent
    fonts = resolve_fonts(newsroom)
    for n in (18, 19, 20, 21):
        out = tmp_path / f"{n}.pdf"
        html_to_pdf(line * n + "<h2>一、下一步打算</h2>" + "<p>" + "全市春耕备耕工作全面展开。" * 6 + "</p>", out,
                    str(newsroom), fonts=fonts)
        with pdfplumber.open(out) as pdf:
            first = [c for c in pdf.pages[0].chars if abs(c["size"] - 16) < 0.2]
            last_top = max(c["top"] for c in first)
            foot = "".join(c["text"] for c in sorted(first, key=lambda c: c["x0"]) if c["top"] == last_top)
            heading_page = next(i for i, p in enumerate(pdf.pages) if "一、下一步打算" in (p.extract_text() or ""))
        assert foot != "一、下一步打算"
        assert heading_page == (0 if n == 18 else 1)  # 19, 20: the 3-line paragraph would split 2+1 or 1+2


def test_an_unclassified_issue_keeps_line_one_for_the_number(newsroom):
    """Numbered copies of an unclassified issue: line 1 is the 份号's, 特急/加急 follow it."""
    views = {p.key: p for p in prints_of(newsroom)}
    bulletin = views["zwxx/2026/018"]
    assert printed(bulletin).marks == []  # the build's PDF: no 份号 line for an unclassified issue
    assert printed(bulletin, copy_number="").marks == [{"cls": "copy-no", "text": ""}]
    special = views["xxzb/2026/003"]
    assert [m["cls"] for m in printed(special, copy_number="").marks] == ["copy-no", "secrecy", "urgency"]


def test_streams_deflated_once_give_the_same_bytes(newsroom):
    """The finisher that deflates each stream once (not twice, for the PDF/A identifier) changes no byte."""
    import weasyprint

    from bulletin.printing.pdf import _compress_once, print_css

    html = f"<html><head><style>{print_css(resolve_fonts(newsroom), newsroom)}</style></head><body><p>春耕备耕。</p></body></html>"
    document = weasyprint.HTML(string=html).render()
    plain = document.write_pdf(pdf_variant="pdf/a-2b")
    assert document.write_pdf(pdf_variant="pdf/a-2b", finisher=_compress_once) == plain
