"""Numbered copies (分份编号): one master PDF, each copy stamped with its own 份号.

GB/T 9704-2012 7.2.1 puts the 份号 (six digits) on the first line of the 版心, top left, and every
copy carries its own. Rendering an issue once per copy would cost a second a copy; instead the
master is rendered once with the 份号 line left empty, the numbers are rendered together as one
small PDF (one page per copy, each holding only its number, in the same stylesheet and position
as the 报头's first line), and each copy's first page is the master's with its number page laid
over it (pypdf). Every other page of every copy shares the master's content streams and fonts,
so 150 copies cost little more than one, and a copy differs from the master only in its number.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from bulletin.errors import CopiesError
from bulletin.printing.fonts import FontSet
from bulletin.printing.pdf import Meta, page_html, render_pdf_bytes
from bulletin.views import PrintIssue

DIGITS = 6
MOST_COPIES = 10 ** DIGITS - 1


def copy_number(n: int) -> str:
    """000001: the 份号 as it prints."""
    return f"{n:0{DIGITS}d}"


def parse_copies(spec: str | None, default: int | None) -> range:
    """``N`` (copies 1…N), ``A-B`` (copies A…B), or the issue's ``copies`` when ``spec`` is None."""
    if spec is None:
        if not default:
            raise CopiesError("missing")
        return range(1, default + 1)
    text = spec.strip().replace("－", "-").replace("—", "-")
    first, sep, last = text.partition("-")
    try:
        start, end = (int(first), int(last)) if sep else (1, int(first))
    except ValueError:
        raise CopiesError(f"--copies {spec} 不是份数：写份数如 --copies 15，或份号范围如 --copies 16-30") from None
    if start < 1 or end < start:
        raise CopiesError(f"--copies {spec} 不是有效的范围：份号从 1 开始，范围写成 小-大，如 --copies 16-30")
    if end > MOST_COPIES:
        raise CopiesError(f"--copies {spec} 超过 6 位份号的上限 {MOST_COPIES}")
    return range(start, end + 1)


@dataclass(frozen=True)
class Run:
    """What a numbered print run needs from the issue."""

    master: bytes  # the issue's PDF with an empty 份号 line
    css: str  # the stylesheet the master was rendered with
    body_class: str
    meta: Meta
    base_url: str
    fonts: FontSet | None = None


def numbers_pdf(run: Run, numbers: range) -> bytes:
    """One page per copy holding only its 份号, where the 报头's first line prints it."""
    marks = "".join(
        f'<header class="masthead stamp"><div class="marks"><p class="copy-no">{copy_number(n)}</p></div></header>'
        for n in numbers
    )
    css = run.css + STAMP_CSS
    html = page_html(marks, run.meta, css=css, body_class=run.body_class)
    data, _ = render_pdf_bytes(html, run.base_url, run.meta, (), run.fonts)
    return data


# The number pages keep the master's page box and 报头 position; nothing else prints on them.
STAMP_CSS = """
@page :right { @bottom-right { content: none; } }
@page :left { @bottom-left { content: none; } }
.masthead.stamp { break-after: page; }
"""


def stamp(run: Run, numbers: range) -> bytes:
    """The copies one after another, each first page carrying its own 份号."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    master = PdfReader(io.BytesIO(run.master))
    stamps = PdfReader(io.BytesIO(numbers_pdf(run, numbers)))
    writer = PdfWriter(clone_from=master)  # keeps the catalogue: XMP metadata, output intent (PDF/A)
    per_copy = len(master.pages)
    for _ in numbers[1:]:
        for page in master.pages:
            writer.add_page(page)
    for index in range(len(numbers)):
        _stamp_page(writer, writer.pages[index * per_copy], stamps.pages[index], "CopyNumber")
    producer = master.metadata.get("/Producer") if master.metadata else None
    if producer is not None:  # pypdf names itself; PDF/A wants the Info producer to match the XMP one
        writer.add_metadata({NameObject("/Producer"): producer})
    # The file identifier: the master's permanent part, and a changed part derived from the run,
    # so the same run gives the same bytes (pypdf would draw a random one).
    digest = hashlib.md5(run.master + repr((numbers.start, numbers.stop)).encode()).hexdigest().encode()
    ident = master.trailer.get("/ID")
    first = getattr(ident[0], "original_bytes", ident[0]) if ident else digest
    writer._ID = ArrayObject([ByteStringObject(first), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp_page(writer, page, stamp_page, name: str) -> None:
    """Lay ``stamp_page`` over ``page`` as a form XObject of its own.

    The page keeps pointing at the master's content stream (shared by every copy), wrapped in
    q … Q, and then draws the form; no stream of the master is rewritten or replaced, so one
    copy's number never reaches another copy.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

    form = StreamObject()
    form.set_data(stamp_page.get_contents().get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): stamp_page.mediabox,
        NameObject("/Resources"): stamp_page["/Resources"].clone(writer),
    })
    form_ref = writer._add_object(form.flate_encode())
    before = StreamObject()
    before.set_data(b"q\n")
    after = StreamObject()
    after.set_data(f"\nQ q /{name} Do Q\n".encode())
    contents = dict.get(page, "/Contents")  # the reference itself, not the stream it points at
    if isinstance(contents, IndirectObject) and isinstance(contents.get_object(), ArrayObject):
        contents = contents.get_object()
    shared = list(contents) if isinstance(contents, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *shared, writer._add_object(after)])
    resources = DictionaryObject(dict(page["/Resources"].get_object().items()))
    forms = DictionaryObject(dict(resources["/XObject"].get_object().items())) if "/XObject" in resources else DictionaryObject()
    forms[NameObject(f"/{name}")] = form_ref
    resources[NameObject("/XObject")] = forms
    page[NameObject("/Resources")] = resources


REGISTER_HEADERS = ["份号", "刊物", "期号", "日期"]


def numbered_copies(view: PrintIssue, numbers: range) -> bytes:
    """The PDF of ``numbers`` copies of the issue ``view``: one master render, each copy stamped."""
    from bulletin.printing.compose import issue_html, printed
    from bulletin.printing.fonts import resolve_fonts
    from bulletin.printing.pdf import print_css

    root = view.root
    fonts = resolve_fonts(root)
    css = print_css(fonts, root)
    doc = printed(view, copy_number="")
    allowed = (*(str(root / folder) for folder in doc.content_dirs), str(root / "fonts"))
    master, _ = render_pdf_bytes(issue_html(doc, css), str(root) + "/", doc.meta, allowed, fonts)
    return stamp(Run(master=master, css=css, body_class=f"kind-{doc.kind}", meta=doc.meta, base_url=str(root) + "/",
                     fonts=fonts), numbers)


def register_csv(numbers: range, series: str, number: str, day: str) -> bytes:
    """The register the confidential-documents clerk keeps: one row a copy (UTF-8 with BOM for Excel/WPS)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REGISTER_HEADERS)
    for n in numbers:
        writer.writerow([copy_number(n), series, number, day])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def register_path(pdf: Path) -> Path:
    """``<NNN>-份号.csv`` beside ``<NNN>.pdf``."""
    return pdf.with_name(f"{pdf.stem}-份号.csv")
