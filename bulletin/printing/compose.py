"""Compose: one printed issue as data (``Printed``) and as HTML for WeasyPrint.

Both the PDF and the Word file are made from the same ``Printed`` record, so the two carry the
same header, items and footer. Everything a reader sees is written the way people write it:
第3期 (no leading zeros), 2026年5月8日, 秘密★1年.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from bulletin import textwidth
from bulletin.dates import cn_date
from bulletin.markup import image_target, to_html
from bulletin.printing.balance import balanced_lines
from bulletin.printing.pdf import MM, Meta, template
from bulletin.special import read_regular
from bulletin.views import PrintIssue

COLOPHON_CHARS = 26  # full-width characters on one 报尾 line after its indents
COPY_NUMBER = "000001"  # 份号 of the master copy; a numbered print run (bulletin.printing.stamp) stamps each copy
LEVEL_ONE = re.compile(r"^[一二三四五六七八九十百]+、")
LEVEL_TWO = re.compile(r"^（[一二三四五六七八九十百]+）")
_PARAGRAPH = re.compile(r"<p>([^<]*?)(</p>|<)", re.S)
_IMG_SRC = re.compile(r'(<img\b[^<>]*?\ssrc=")([^"]*)(")')  # linear: stops at the next < or >


@dataclass
class PrintedItem:
    anchor: str
    headline: str
    unit: str
    body: str  # safe HTML
    markdown: str
    source_path: str

    @property
    def lines(self) -> list[str]:
        """The headline as it prints: balanced lines when it wraps (GB/T 9704 7.3.3)."""
        return balanced_lines(self.headline)


@dataclass
class Printed:
    """What one issue prints, for every output format."""

    key: str
    kind: str
    name: str  # publication name without 《》
    series_name: str
    number: str  # 第18期
    publisher: str
    date: str  # 2026年3月12日
    signer: str
    editor: str
    marks: list[dict[str, str]]
    items: list[PrintedItem]
    colophon_rows: list[str]
    copies: str
    draft: bool
    meta: Meta
    images: list[str] = field(default_factory=list)  # newsroom-relative paths
    # the content/ folders images may come from: the newsroom's, and a classified store's for its items
    content_dirs: list[str] = field(default_factory=lambda: ["content"])

    @property
    def toc(self) -> bool:
        return len(self.items) > 1 and self.kind != "special"

    @property
    def signer_in_header(self) -> bool:
        return self.kind == "special"

    @property
    def instruction_box(self) -> bool:
        return self.kind == "brief"

    @property
    def colophon_height_mm(self) -> float:
        return colophon_height_mm(self.colophon_rows)


def colophon_height_mm(rows: list[str]) -> float:
    """Room a 报尾 / 版记 needs: its ``rows`` and the last line (24 pt lines of 14 pt text, 26
    characters a line, 2 mm padding per row), plus one line of space above it."""
    lines = sum(math.ceil(textwidth.ems(row) / COLOPHON_CHARS) for row in rows) + 1
    return round(lines * 24 / MM + (len(rows) + 1) * 2.0 + 1.0 + 8.0, 1)


def publication_name(series_name: str) -> str:
    """政务信息 from 《政务信息》: the 报头 prints the name without book-title marks."""
    return series_name.strip().removeprefix("《").removesuffix("》").strip()


def issue_number(number: int | None) -> str:
    return f"第{number}期" if number is not None else "第　期"


def secrecy_mark(classification: str, term: str | None) -> str:
    return f"{classification}★{term}" if term else classification


def marks_of(p: PrintIssue, copy_number: str = COPY_NUMBER) -> list[dict[str, str]]:
    """份号 and 密级★期限 for classified issues, then 特急/加急: the top-left lines of the 报头.

    A numbered print run renders its master with an empty 份号 line (``copy_number=""``), which
    keeps the line's place, for any issue (an unclassified one's 特急 moves to the next line);
    each copy's number is stamped into it afterwards.
    """
    marks = []
    if p.classified or copy_number == "":
        marks.append({"cls": "copy-no", "text": copy_number})
    if p.classified:
        marks.append({"cls": "secrecy", "text": secrecy_mark(p.classification, p.secrecy_term)})
    if p.urgency:
        marks.append({"cls": "urgency", "text": p.urgency})
    return marks


def heading_levels(html: str) -> str:
    """Style paragraphs that open with 一、 (黑体) or （一） (楷体) up to their first 。, as GB/T 9704 does."""

    def repl(match: re.Match) -> str:
        text, tail = match.group(1), match.group(2)
        level = "lv1" if LEVEL_ONE.match(text) else "lv2" if LEVEL_TWO.match(text) else None
        if level is None:
            return match.group(0)
        cut = text.find("。") + 1 or len(text)
        return f'<p><span class="{level}">{text[:cut]}</span>{text[cut:]}{tail}'

    return _PARAGRAPH.sub(repl, html)


def rebase_images(html: str, report_path: str, origin: str = "") -> tuple[str, list[str]]:
    """Image sources relative to the newsroom root (the document's base), and the files used.

    ``report_path`` is relative to the report's own folder; ``origin`` is that folder's prefix
    (a classified store's, see bulletin.store), so a stored report's images come from the store.
    """
    used: list[str] = []

    def repl(match: re.Match) -> str:
        target = image_target(report_path, match.group(2))
        if target is None:  # markup already drops these; never let one through
            return f"{match.group(1)}{match.group(3)}"
        target = origin + target
        used.append(target)
        return f"{match.group(1)}{target}{match.group(3)}"

    return _IMG_SRC.sub(repl, html), used


def _unit_line(p: PrintIssue, unit: str | None, co_units: list[str]) -> str:
    names = [p.unit_names.get(u, u) for u in [unit, *co_units] if u]
    return "　".join(names)


def printed(p: PrintIssue, copy_number: str = COPY_NUMBER) -> Printed:
    """The printable record of one issue (``copy_number``: see ``marks_of``)."""
    name = publication_name(p.series_name)
    items: list[PrintedItem] = []
    images: list[str] = []
    for index, item in enumerate(p.items, start=1):
        body, used = rebase_images(heading_levels(to_html(item.body, item.source_rel)), item.source_rel, item.origin)
        images += used
        items.append(PrintedItem(f"item-{index}", item.headline, _unit_line(p, item.unit, item.co_units), body,
                                 item.body, item.source_path))
    rows = [f"{label}：{'，'.join(names)}" for label, names in p.distribution.items() if names]
    order = {"报": 0, "送": 1, "发": 2}
    rows.sort(key=lambda row: order.get(row[0], 9))
    day = cn_date(p.date) if p.date else ""
    number = issue_number(p.number)
    subject = "；".join(i.headline for i in items)
    return Printed(
        key=p.key,
        kind=p.kind,
        name=name,
        series_name=p.series_name,
        number=number,
        publisher=p.publisher,
        date=day,
        signer=p.signer or "",
        editor=p.editor or "",
        marks=marks_of(p, copy_number),
        items=items,
        colophon_rows=rows,
        copies=f"共印{p.copies}份" if p.copies else "",
        draft=p.draft,
        meta=Meta(title=f"{name} {number}", author=p.publisher, subject=subject, day=p.date,
                  keywords=(p.series_name, f"{p.year}年{number}" if p.year else number)),
        images=sorted(set(images)),
        content_dirs=[f"{origin}content" for origin in dict.fromkeys(["", *(i.origin for i in p.items)])],
    )


def issue_html(doc: Printed, css: str) -> str:
    """The complete HTML of one issue; its base URL is the newsroom root."""
    return template("issue.html").render(
        meta=doc.meta,
        css=css,
        body_class=f"kind-{doc.kind}",
        watermark="草稿" if doc.draft else None,
        marks=doc.marks,
        name=doc.name,
        number=doc.number,
        publisher=doc.publisher,
        date=doc.date,
        signer=doc.signer,
        signer_in_header=doc.signer_in_header,
        toc=doc.toc,
        items=doc.items,
        instruction_box=doc.instruction_box,
        colophon={"rows": doc.colophon_rows, "editor": doc.editor, "copies": doc.copies,
                  "height_mm": doc.colophon_height_mm},
    )


def images_digest(root: Path, images: list[str]) -> str:
    """Content hash of the images an issue prints, for the PDF cache key."""
    h = hashlib.sha256()
    for rel in images:
        h.update(rel.encode())
        try:
            h.update(read_regular(root / rel))
        except OSError:
            h.update(b"missing")
    return h.hexdigest()
