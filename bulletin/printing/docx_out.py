"""The Word file of an issue (python-docx): the same 报头, 要目, items and 报尾 as the PDF.

Offices that finish layout in Word or WPS get the GB/T 9704 page (A4, margins 37/35/28/26 mm,
22 lines of 3号), each role's font named, odd/even ``— N —`` page numbers (a PAGE field on the
outer side), and a TOC whose page numbers Word fills in on opening. The document is built on
python-docx's template with its styles redefined for the office (``_Styles``): Title for the
publication's name, Heading 1 for item titles, Heading 2/3 for the 一、/（一） levels, Body Text
(仿宋, two-character first-line indent, the print grid's fixed line spacing), List Number / List
Bullet with real numbering, and a table style; so Word's navigation pane lists the items and an
editor restyles the whole issue by changing a style, not every paragraph. Where the PDF printed a free default font,
the Word file names the GB/T face (仿宋_GB2312 …) that Word and WPS installations carry.
The file is byte-reproducible: dates come from the issue and the ZIP entries carry a fixed time.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from bulletin.dates import SHANGHAI
from bulletin.printing.compose import Printed
from bulletin.printing.config import brief_size
from bulletin.printing.fonts import FontSet
from bulletin.printing.pdf import RED, Geometry
from bulletin.write import atomic_write

# The faces GB/T 9704 names, as Word and WPS installations call them.
OFFICIAL = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading": "黑体", "kai": "楷体_GB2312"}
RED_RGB = RGBColor.from_string(RED.lstrip("#").upper())
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "th", "td"}
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff")


def word_fonts(fonts: FontSet) -> dict[str, str]:
    """The family each role names in Word: a licensed or configured face, else the GB/T face."""
    return {role: (f.family if f.source != "默认" else OFFICIAL[role]) for role, f in fonts.roles.items()}


class _Blocks(HTMLParser):
    """Sanitised item HTML as a list of blocks: (kind, runs) with runs of (text, bold, italic, role)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict] = []
        self.current: dict | None = None
        self.bold = 0
        self.italic = 0
        self.role: list[str] = []
        self.table: list[list[str]] | None = None
        self.list_kind: list[str] = []
        self.counters: list[int] = []  # the id of each open list
        self.lists_opened = 0

    def _open(self, kind: str) -> None:
        self.current = {"kind": kind, "runs": []}
        if kind == "li" and self.list_kind:
            # Word numbers the list itself (List Number / List Bullet); each list restarts at 1
            self.current.update(list=self.list_kind[-1], list_id=self.counters[-1], level=len(self.list_kind) - 1)

    def _close(self) -> None:
        if self.current is None:
            return
        if self.table is not None and self.current["kind"] in ("td", "th"):
            self.table[-1].append("".join(r[0] for r in self.current["runs"]).strip())
        elif any(r[0].strip() for r in self.current["runs"]) or self.current.get("image"):
            self.blocks.append(self.current)
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("ul", "ol"):
            self.list_kind.append(tag)
            self.lists_opened += 1
            self.counters.append(self.lists_opened)
        elif tag == "table":
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in BLOCK_TAGS:
            self._close()
            self._open(tag)
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "span":
            cls = attrs.get("class") or ""
            self.role.append("heading" if "lv1" in cls else "kai" if "lv2" in cls else "")
        elif tag == "br" and self.current is not None:
            self.current["runs"].append(("\n", False, False, None))
        elif tag == "img" and attrs.get("src"):
            self._close()
            self.blocks.append({"kind": "img", "runs": [], "image": attrs["src"], "alt": attrs.get("alt") or ""})

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.list_kind:
            self.list_kind.pop()
            self.counters.pop()
        elif tag == "table" and self.table is not None:
            self.blocks.append({"kind": "table", "runs": [], "rows": [r for r in self.table if r]})
            self.table = None
        elif tag in BLOCK_TAGS:
            self._close()
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "span" and self.role:
            self.role.pop()

    def handle_data(self, data):
        if self.current is None:
            if not data.strip():
                return
            self._open("p")
        role = next((r for r in reversed(self.role) if r), None)
        self.current["runs"].append((data, self.bold > 0, self.italic > 0, role))

    def close(self):
        super().close()
        self._close()


def html_blocks(html: str) -> list[dict]:
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


BODY_STYLE = "Body Text"
TABLE_STYLE = "公文表格"
UNIT_STYLE = "署名单位"
LIST_STYLES = {"ol": "List Number", "ul": "List Bullet"}


def _set_fonts(element, family: str) -> None:
    """Name ``family`` for every script of a style or run, dropping the template's theme fonts
    (a theme font attribute wins over a named one in Word)."""
    r_pr = element.get_or_add_rPr()
    old = r_pr.find(qn("w:rFonts"))
    if old is not None:
        r_pr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)
    r_pr.insert(0, fonts)


def _chars_indent(fmt_element, chars: int) -> None:
    """First-line indent in characters (w:firstLineChars), which Word keeps when the size changes."""
    p_pr = fmt_element.get_or_add_pPr()
    ind = p_pr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        p_pr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))


class _Styles:
    """The document's styles, redefined on python-docx's template for the office's print grid."""

    def __init__(self, word, fonts: dict[str, str], g: Geometry, body_pt: float, pitch: float):
        self.word, self.fonts, self.g, self.body_pt, self.pitch = word, fonts, g, body_pt, pitch
        self.by_name = {s.name: s for s in word.styles}  # python-docx looks names up by scanning every style

    def paragraph_style(self, name: str, role: str, size: float, *, align=None, exact: float | None = None,
                        before: float = 0, after: float = 0, indent_chars: int = 0, keep_next: bool = False,
                        color: RGBColor | None = None):
        styles = self.word.styles
        style = self.by_name.get(name) or styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        self.by_name[name] = style
        if style.base_style is None and name != "Normal":
            style.base_style = self.by_name["Normal"]
        p_pr = style.element.get_or_add_pPr()
        border = p_pr.find(qn("w:pBdr"))
        if border is not None:  # the template's Title has a blue rule
            p_pr.remove(border)
        _set_fonts(style.element, self.fonts[role])
        font = style.font
        font.size = Pt(size)
        font.bold = False
        font.italic = False
        font.color.rgb = color or RGBColor(0, 0, 0)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(exact or self.pitch)
        fmt.first_line_indent = Pt(indent_chars * size) if indent_chars else Pt(0)
        if indent_chars:
            _chars_indent(style.element, indent_chars)
        fmt.keep_with_next = keep_next or None
        fmt.widow_control = True  # no single line of a paragraph alone at a page's foot or head
        return style

    def ids(self) -> dict[str, str]:
        """Style name → style id, to set on paragraphs directly (a name lookup scans every style)."""
        return {name: style.style_id for name, style in self.by_name.items()}

    def define(self) -> None:
        g, body = self.g, self.body_pt
        self.paragraph_style("Normal", "body", body)
        self.paragraph_style("Title", "title", g.name_pt, align=WD_ALIGN_PARAGRAPH.CENTER, exact=g.name_pt * 1.15,
                             before=6, color=RED_RGB)
        self.paragraph_style("Heading 1", "title", g.title_pt, align=WD_ALIGN_PARAGRAPH.CENTER,
                             exact=g.title_pitch_pt, before=g.pitch_pt, keep_next=True)
        self.paragraph_style("Heading 2", "heading", body, indent_chars=2, keep_next=True)
        self.paragraph_style("Heading 3", "kai", body, indent_chars=2, keep_next=True)
        self.paragraph_style("Heading 4", "body", body, indent_chars=2, keep_next=True)
        self.paragraph_style(BODY_STYLE, "body", body, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
        self.paragraph_style(UNIT_STYLE, "kai", 16, align=WD_ALIGN_PARAGRAPH.CENTER, after=g.pitch_pt, keep_next=True)
        self.paragraph_style("TOC Heading", "heading", 16, align=WD_ALIGN_PARAGRAPH.CENTER, before=g.pitch_pt)
        for name in LIST_STYLES.values():
            style = self.paragraph_style(name, "body", body, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            style.paragraph_format.left_indent = Pt(4 * body)
            style.paragraph_format.first_line_indent = Pt(-2 * body)
        self.table_style()

    def table_style(self) -> None:
        """公文表格: the grid of Table Grid, 4号 text on single lines, header row repeated."""
        styles = self.word.styles
        style = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
        style.base_style = self.by_name["Table Grid"]
        self.by_name[TABLE_STYLE] = style
        _set_fonts(style.element, self.fonts["body"])
        style.font.size = Pt(14)
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.first_line_indent = Pt(0)
        fmt.space_before = fmt.space_after = Pt(0)


def _run(paragraph, text: str, family: str, size: float, *, bold: bool = False, color: RGBColor | None = None,
         italic: bool = False):
    """A run of ``text`` in ``family`` (every script) at ``size`` points."""
    run = paragraph.add_run(text)
    run.font.name = family
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), family)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    if color is not None:
        run.font.color.rgb = color
    return run


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, PAGEREF …) that Word computes on opening."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


@dataclass(frozen=True)
class _Blank:
    """A saved blank issue: page, styles, footers (and a draft's header), with no paragraph yet."""

    data: bytes
    style_ids: dict[str, str]
    list_num_id: int


@lru_cache(maxsize=16)
def _blank_page(fonts: tuple[tuple[str, str], ...], body_pt: float, pitch: float, draft: bool) -> _Blank:
    """The blank page every issue of one print grid starts from, made once per process.

    Redefining python-docx's template for the grid (styles, section, footers) was half of a Word
    file's time; each issue now opens these saved bytes instead, which gives the same file.
    """
    page = _BlankPage(dict(fonts), body_pt, pitch, draft)
    page.build()
    raw = io.BytesIO()
    page.word.save(raw)
    return _Blank(raw.getvalue(), page.style_ids, page.list_num_id)


class _BlankPage:
    """Sets python-docx's template up for the office's print grid: A4 section, styles, page numbers."""

    def __init__(self, fonts: dict[str, str], body_pt: float, pitch: float, draft: bool):
        self.fonts, self.body_pt, self.pitch, self.draft = fonts, body_pt, pitch, draft
        self.g = Geometry()
        self.word = Document()

    def run(self, paragraph, text: str, role: str = "body", size: float | None = None,
            color: RGBColor | None = None):
        return _run(paragraph, text, self.fonts[role], size or self.body_pt, color=color)

    def build(self) -> None:
        self.page()
        # python-docx starts with one empty paragraph; drop it so the 报头 starts the page
        for p in list(self.word.paragraphs):
            p._p.getparent().remove(p._p)

    def page(self) -> None:
        section = self.word.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(self.g.top), Mm(297 - self.g.top - self.g.block_h)
        section.left_margin, section.right_margin = Mm(self.g.left), Mm(self.g.right)
        section.footer_distance = Mm(297 - self.g.top - self.g.block_h - 7 - 6)
        self.word.settings.odd_and_even_pages_header_footer = True
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(self.g.pitch_pt * 20)))
        styles = _Styles(self.word, self.fonts, self.g, self.body_pt, self.pitch)
        styles.define()
        self.style_ids = styles.ids()
        self.list_num_id = styles.by_name[LIST_STYLES["ol"]].element.pPr.numPr.numId.val
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            p = footer.paragraphs[0]
            p.alignment = align
            side = "right_indent" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent"
            setattr(p.paragraph_format, side, Pt(14))
            self.run(p, "— ", size=14)
            _field(p, "PAGE", "1")
            self.run(p, " —", size=14)
        if self.draft:
            for header in (section.header, section.even_page_header):
                p = header.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self.run(p, "草　稿", role="heading", size=26, color=RGBColor(0xA0, 0xA0, 0xA0))


class _Writer:
    """Builds one Word document; each method adds one part of the issue."""

    def __init__(self, doc: Printed, root: Path, fonts: dict[str, str]):
        self.doc = doc
        self.root = root
        self.fonts = fonts
        self.g = Geometry()
        self.body_pt = brief_size(root) if doc.kind == "brief" else self.g.body_pt
        self.pitch = self.g.pitch_pt if doc.kind != "brief" else round(self.body_pt * 1.75, 2)
        blank = _blank_page(tuple(fonts.items()), self.body_pt, self.pitch, doc.draft)
        self.word = Document(io.BytesIO(blank.data))
        self.style_ids, self.list_num_id = blank.style_ids, blank.list_num_id
        self.numbering: dict[int, int] = {}  # list id in the item HTML -> w:num id

    # -- low-level helpers -------------------------------------------------------------
    def run(self, paragraph, text: str, role: str = "body", size: float | None = None, bold: bool = False,
            color: RGBColor | None = None, italic: bool = False):
        return _run(paragraph, text, self.fonts[role], size or self.body_pt, bold=bold, color=color, italic=italic)

    def styled(self, style: str, text: str = "", role: str | None = None):
        """A paragraph in ``style`` (its font, size, indent and spacing come from the style)."""
        p = self.word.add_paragraph()
        p._p.get_or_add_pPr().style = self.style_ids[style]
        if text:
            run = p.add_run(text)
            if role is not None:
                _set_fonts(run._element, self.fonts[role])
        return p

    def paragraph(self, align=None, indent: bool = False, exact: float | None = None, before: float = 0, after: float = 0):
        p = self.word.add_paragraph()
        fmt = p.paragraph_format
        if align is not None:
            p.alignment = align
        fmt.first_line_indent = Pt(2 * self.body_pt) if indent else Pt(0)
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(exact or (self.g.pitch_pt if self.doc.kind != "brief" else round(self.body_pt * 1.75, 2)))
        return p

    @staticmethod
    def border(paragraph, side: str, size_eighths: int, color: str = "000000") -> None:
        p_pr = paragraph._p.get_or_add_pPr()
        borders = p_pr.find(qn("w:pBdr"))
        if borders is None:
            borders = OxmlElement("w:pBdr")
            p_pr.append(borders)
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(size_eighths))
        edge.set(qn("w:space"), "1")
        edge.set(qn("w:color"), color)
        borders.append(edge)

    @staticmethod
    def right_tab(paragraph, leader: bool = False) -> None:
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            Mm(156), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS if leader else WD_TAB_LEADER.SPACES
        )


    @staticmethod
    def bookmark(paragraph, name: str, ident: int) -> None:
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(ident))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(ident))
        paragraph._p.insert(0, start)
        paragraph._p.append(end)

    # -- parts of the issue ---------------------------------------------------------------
    def masthead(self) -> None:
        doc = self.doc
        pitch = self.g.pitch_pt
        marks = [m["text"] for m in doc.marks]
        for text in marks + [""] * (3 - len(marks)):
            p = self.paragraph(exact=pitch)
            if text:
                self.run(p, text, role="heading", size=16, color=RED_RGB if text in ("特急", "加急") and doc.kind == "special" else None)
        p = self.styled("Title")
        self.run(p, doc.name, role="title", size=self.g.name_pt if len(doc.name) <= 6 else self.g.name_pt * 0.7, color=RED_RGB)
        p = self.paragraph(WD_ALIGN_PARAGRAPH.CENTER, exact=pitch, before=6)
        self.run(p, doc.number, size=16)
        p = self.paragraph(exact=pitch, before=6)
        p.paragraph_format.left_indent = Pt(14)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(14), WD_TAB_ALIGNMENT.RIGHT)
        right = f"签发人：{doc.signer}" if doc.signer_in_header else doc.date
        self.run(p, f"{doc.publisher}\t{right}", size=16)
        self.border(p, "bottom", 16, RED.lstrip("#"))

    def toc(self) -> None:
        self.styled("TOC Heading", "本期要目")
        for index, item in enumerate(self.doc.items, start=1):
            p = self.paragraph()
            self.right_tab(p, leader=True)
            self.run(p, item.headline + "\t", role="kai", size=16)
            _field(p, f"PAGEREF item{index} \\h", "")
        self.border(p, "bottom", 6, RED.lstrip("#"))

    def item(self, index: int, item, first: bool) -> None:
        doc = self.doc
        if doc.kind == "brief" and not (first and not doc.toc):
            self.word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        p = self.styled("Heading 1")  # 小标宋 is heavy by design: never faked bold
        for number, line in enumerate(item.lines):  # balanced lines (bulletin.printing.balance)
            run = p.add_run(line)
            if number < len(item.lines) - 1:
                run.add_break()
        self.bookmark(p, f"item{index}", index)
        if item.unit:
            self.styled(UNIT_STYLE, item.unit)
        for block in html_blocks(item.body):
            self.block(block)
        if doc.signer_in_header:
            for text in (doc.publisher, doc.date):
                p = self.paragraph(WD_ALIGN_PARAGRAPH.RIGHT)
                p.paragraph_format.right_indent = Pt(2 * self.body_pt)
                self.run(p, text)
        if doc.instruction_box:
            self.instruction_box()

    def block(self, block: dict) -> None:
        kind = block["kind"]
        if kind == "table":
            self.table(block["rows"])
            return
        if kind == "img":
            self.picture(block)
            return
        style = {"h2": "Heading 2", "h3": "Heading 3", "h4": "Heading 4", "h5": "Heading 4", "h6": "Heading 4"}.get(kind)
        if kind == "li":
            p = self.styled(LIST_STYLES[block.get("list", "ul")])
            self.number(p, block)
        else:
            p = self.styled(style or BODY_STYLE)
        for text, bold, italic, run_role in block["runs"]:
            run = p.add_run(text)
            role = run_role or ("heading" if bold and style is None else None)
            if role is not None:  # 一、 in 黑体, （一） in 楷体, bold as 黑体 (GB/T 9704 fakes no bold)
                _set_fonts(run._element, self.fonts[role])
            run.font.italic = italic or None

    def number(self, paragraph, block: dict) -> None:
        """Put a list item on its list's own numbering, so that every numbered list starts at 1."""
        if block.get("list") != "ol":
            return
        numbering = self.word.part.numbering_part.element
        if block["list_id"] not in self.numbering:
            style_num = self.list_num_id
            abstract = numbering.num_having_numId(style_num).abstractNumId.val
            num = numbering.add_num(abstract)
            override = num.add_lvlOverride(ilvl=0)
            override.add_startOverride(1)
            self.numbering[block["list_id"]] = num.numId
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = min(block.get("level", 0), 8)
        num_pr.get_or_add_numId().val = self.numbering[block["list_id"]]

    def table(self, rows: list[list[str]]) -> None:
        width = max(len(r) for r in rows)
        table = self.word.add_table(rows=len(rows), cols=width)
        table._tbl.tblPr.style = self.style_ids[TABLE_STYLE]
        header = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # the header row repeats on each page the table runs onto
        header.append(repeat)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                run = table.cell(r, c).paragraphs[0].add_run(text)
                if r == 0:
                    _set_fonts(run._element, self.fonts["heading"])

    def picture(self, block: dict) -> None:
        path = (self.root / block["image"]).resolve()
        inside = any(path.is_relative_to((self.root / folder).resolve()) for folder in self.doc.content_dirs)
        if inside and path.is_file() and path.suffix.lower() in PICTURE_SUFFIXES:
            try:
                p = self.paragraph(WD_ALIGN_PARAGRAPH.CENTER)
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                p.add_run().add_picture(str(path), width=Mm(120))
                return
            except Exception:  # noqa: BLE001 - an unreadable picture prints as its description
                pass
        if block.get("alt"):
            p = self.paragraph(WD_ALIGN_PARAGRAPH.CENTER)
            self.run(p, f"〔图：{block['alt']}〕", role="kai", size=14)

    def instruction_box(self) -> None:
        table = self.word.add_table(rows=1, cols=1)
        table._tbl.tblPr.style = self.style_ids["Table Grid"]
        row = table.rows[0]
        row.height = Mm(self.g.instruction_mm)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        self.run(row.cells[0].paragraphs[0], "领导批示：", role="heading", size=16)

    def colophon(self) -> None:
        doc = self.doc
        rows = [*doc.colophon_rows]
        last = []
        if doc.editor:
            last.append(f"编辑：{doc.editor}")
        self.paragraph(exact=self.g.pitch_pt)
        paragraphs = []
        for row in rows:
            p = self.paragraph(exact=self.g.colophon_pitch_pt)
            p.paragraph_format.left_indent = Pt(14 + 2.5 * 14)
            p.paragraph_format.first_line_indent = Pt(-2.5 * 14)
            self.run(p, row, size=14)
            paragraphs.append(p)
        p = self.paragraph(exact=self.g.colophon_pitch_pt)
        p.paragraph_format.left_indent = Pt(14)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
        self.run(p, "".join(last) + "\t" + doc.copies, size=14)
        paragraphs.append(p)
        self.border(paragraphs[0], "top", 8)
        for p in paragraphs[1:]:
            self.border(p, "top", 4)
        self.border(paragraphs[-1], "bottom", 8)

    def properties(self) -> None:
        props = self.word.core_properties
        meta = self.doc.meta
        # Word's core properties hold at most 255 characters; a long issue's subject is cut.
        props.title = _fits(meta.title)
        props.author = _fits(meta.author)
        props.subject = _fits(meta.subject)
        props.last_modified_by = _fits(meta.author)
        props.revision = 1
        props.comments = ""
        props.keywords = ""
        props.category = _fits(self.doc.series_name)
        moment = datetime(meta.day.year, meta.day.month, meta.day.day, tzinfo=SHANGHAI) if meta.day else datetime(2000, 1, 1)
        props.created = props.modified = props.last_printed = moment.replace(tzinfo=None)
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        self.word.settings.element.append(update)

    def build(self) -> bytes:
        self.masthead()
        if self.doc.toc:
            self.toc()
        for index, item in enumerate(self.doc.items, start=1):
            self.item(index, item, index == 1)
        self.colophon()
        self.properties()
        return package_bytes(self.word)


class _FixedZip:
    """A ZIP whose entries all carry one fixed time, so equal documents are equal bytes; it takes
    python-docx's parts as python-docx's own package writer hands them to its ZIP writer."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        self.zip.writestr(entry, blob, compresslevel=1)

    def close(self) -> None:
        self.zip.close()


def package_bytes(word) -> bytes:
    """The .docx file of ``word``: python-docx's parts, relationships and content types, in the
    order its ``save`` writes them, zipped once into a ``_FixedZip``.

    ``Document.save`` zips at its own level and with the time of day; the file was then unzipped
    and zipped again with a fixed time (a third of a Word file's time). The steps of python-docx's
    ``PackageWriter.write`` are called here with the ZIP writer swapped;
    ``tests/test_documents.py`` checks that the entries are those ``save`` writes.
    """
    package = word.part.package
    for part in package.parts:
        part.before_marshal()
    parts = package.parts
    out = _FixedZip()
    PackageWriter._write_content_types_stream(out, parts)
    PackageWriter._write_pkg_rels(out, package.rels)
    PackageWriter._write_parts(out, parts)
    out.close()
    return out.buffer.getvalue()


def docx_bytes(doc: Printed, root: Path, fonts: FontSet) -> bytes:
    return _Writer(doc, root, word_fonts(fonts)).build()


def _fits(text: str | None, limit: int = 255) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_docx(doc: Printed, root: Path, fonts: FontSet, out: Path) -> None:
    """Write the Word file of one issue."""
    atomic_write(out, docx_bytes(doc, root, fonts))
