"""HTML to PDF with WeasyPrint, in the official-document page style every print shares.

Other modules (notices, issues) build an HTML fragment or document and call ``html_to_pdf``;
``print_css`` gives the shared stylesheet (GB/T 9704 page, type and heading levels) and
``page_html`` wraps a fragment in it. Resources are only read from folders the caller allows:
no network, no file outside the newsroom's content/ and fonts/ folders.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment

from bulletin import templating
from bulletin.printing.config import brief_size
from bulletin.printing.fonts import FontSet, resolve_fonts
from bulletin.write import atomic_write

MM = 72 / 25.4  # points per millimetre
RED = "#e60012"
CJK_EM_TOP = 0.88  # the ideographic em box spans 0.88 em above the baseline in CJK fonts


@dataclass(frozen=True)
class Geometry:
    """Page and type of GB/T 9704-2012: A4, 版心 156 × 225 mm, 22 lines of 28 characters in 3号.

    The body font's ascent and descent (hhea, as Pango uses them) place the page's content box so
    that the em box of the first line's characters starts exactly 37 mm from the top edge.
    """

    left: float = 28.0
    right: float = 26.0
    top: float = 37.0
    block_w: float = 156.0
    block_h: float = 225.0
    lines: int = 22
    chars: int = 28
    body_pt: float = 16.0  # 3号
    title_pt: float = 22.0  # 2号
    name_pt: float = 54.0  # publication name in the 报头
    brief_pt: float = 18.0  # 小2号: the larger type of a leader brief
    rule_y: float = 108.0  # the red rule under the 报头, from the top edge of the page
    rule_pt: float = 2.0
    ascent: float = 1.151  # body font, in em
    descent: float = 0.286

    @property
    def pitch_pt(self) -> float:
        """22 lines in 225 mm: 28.99 pt (rounded down so that 22 lines always fit)."""
        return math.floor(self.block_h * MM / self.lines * 100) / 100

    @property
    def tracking_pt(self) -> float:
        """Letter spacing that makes 28 characters fill the 156 mm line."""
        return round(self.block_w * MM / self.chars - self.body_pt - 0.005, 3)

    @property
    def indent_pt(self) -> float:
        return round(2 * (self.body_pt + self.tracking_pt), 3)

    @property
    def em_offset_pt(self) -> float:
        """From the top of a body line box to the top of its characters' em box."""
        half_leading = (self.pitch_pt - (self.ascent + self.descent) * self.body_pt) / 2
        return half_leading + (self.ascent - CJK_EM_TOP) * self.body_pt

    @property
    def margin_top(self) -> float:
        return round(self.top - self.em_offset_pt / MM, 3)

    @property
    def margin_bottom(self) -> float:
        content = self.lines * self.pitch_pt / MM + 0.3  # room for 22 lines, not for a 23rd
        return round(297.0 - self.margin_top - content, 3)

    @property
    def folio_gap(self) -> float:
        """Page number 7 mm below the 版心 (GB/T 9704 7.5), measured to its characters' top."""
        content_bottom = 297.0 - self.margin_bottom
        em_top = (self.ascent - CJK_EM_TOP) * 14 / MM
        return round(self.top + self.block_h + 7.0 - content_bottom - em_top, 3)

    @property
    def block_bottom_gap_mm(self) -> float:
        """From the bottom of the page's content box down to the bottom edge of the 版心 (262 mm)."""
        return round(self.top + self.block_h - (297.0 - self.margin_bottom), 3)

    @property
    def title_pitch_pt(self) -> float:
        return round(self.title_pt * 1.6, 2)

    @property
    def brief_pitch_pt(self) -> float:
        return round(self.brief_pt * 1.75, 2)

    @property
    def colophon_pitch_pt(self) -> float:
        return 24.0

    @property
    def masthead_mm(self) -> float:
        """Height of the 报头 box: its bottom border is the red rule, centred on ``rule_y``."""
        return round(self.rule_y - self.margin_top - self.rule_pt / MM / 2, 3)

    @property
    def marks_mm(self) -> float:
        return round(3 * self.pitch_pt / MM, 3)

    @property
    def name_top_mm(self) -> float:
        return round(self.marks_mm, 3)

    @property
    def number_top_mm(self) -> float:
        return round(self.name_top_mm + self.name_pt / MM + 5.0, 3)

    @property
    def line_top_mm(self) -> float:
        return round(self.masthead_mm - 9.0, 3)

    @property
    def instruction_mm(self) -> float:
        return 70.0

    @property
    def watermark_top_mm(self) -> float:
        return 80.0


def geometry_for(fonts: FontSet) -> Geometry:
    """The geometry with the body font's own vertical metrics (read from the font file)."""
    body = fonts["body"]
    metrics = _vertical_metrics(body.file, body.index) if body.file else None
    return replace(Geometry(), ascent=metrics[0], descent=metrics[1]) if metrics else Geometry()


@lru_cache(maxsize=16)
def _vertical_metrics(file: str, index: int) -> tuple[float, float] | None:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        face = TTFont(file, fontNumber=index, lazy=True)
        upm = face["head"].unitsPerEm
        hhea = face["hhea"]
        return hhea.ascent / upm, -hhea.descent / upm
    except (OSError, TTLibError, KeyError, ValueError, AssertionError):
        return None


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return templating.environment("print", ("html",))


def template(name: str):
    return _environment().get_template(name)


def print_css(fonts: FontSet | None = None, root: Path | None = None) -> str:
    """The shared print stylesheet, with each role's font list filled in.

    ``root`` is the newsroom (for fonts/ and mkdocs.yml settings); default the current folder.
    """
    root = root or Path.cwd()
    fonts = fonts or resolve_fonts(root)
    stacks = {role: fonts.stack(role) for role in fonts.roles}
    geometry = replace(geometry_for(fonts), brief_pt=brief_size(root))
    # Free Noto Serif has a real bold face for titles; licensed 小标宋 is drawn heavy and must not be faked bold.
    title_weight = "bold" if fonts["title"].source == "默认" else "normal"
    return template("print.css").render(
        g=geometry, fonts=stacks, red=RED, font_faces=fonts.face_rules(), title_weight=title_weight
    )


@dataclass(frozen=True)
class Meta:
    """PDF document information: title, author (the publisher), subject, and the date it carries."""

    title: str
    author: str = ""
    subject: str = ""
    day: date | None = None

    @property
    def created(self) -> str:
        return f"{self.day.isoformat()}T00:00:00+08:00" if self.day else ""


def page_html(content: str, meta: Meta, *, css: str, body_class: str = "", watermark: str | None = None) -> str:
    """A complete HTML document around a fragment, with the print stylesheet and metadata."""
    return template("base.html").render(content=content, meta=meta, css=css, body_class=body_class, watermark=watermark)


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """Serves ``file:`` URLs inside the allowed folders only; refuses the network and the rest."""

        def __init__(self, allowed: tuple[Path, ...]):
            super().__init__(allowed_protocols=("file",))
            self.allowed = allowed

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused non-local resource: {url}")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(folder) for folder in self.allowed):
                raise ValueError(f"refused resource outside the newsroom: {url}")
            return super().fetch(path.as_uri(), headers)

    return LocalFetcher


def local_fetcher(allowed_dirs: tuple[Path, ...] | list[Path]):
    """A WeasyPrint URL fetcher limited to ``allowed_dirs`` (resolved, symlinks followed)."""
    return _fetcher_class()(tuple(Path(d).resolve() for d in allowed_dirs))


def html_to_pdf(
    html: str,
    out: Path,
    base_url: str | None = None,
    title: str = "",
    *,
    author: str = "",
    subject: str = "",
    day: date | None = None,
    allowed_dirs: tuple[Path, ...] | list[Path] = (),
    fonts: FontSet | None = None,
    watermark: str | None = None,
) -> int:
    """Render ``html`` (a whole document, or a fragment that gets the print stylesheet) to ``out``.

    Metadata comes from the arguments, dates from ``day`` (never the clock), so the same input
    gives the same bytes. Fonts are embedded as subsets. Returns the number of pages.
    """
    if "<html" not in html[:2000].lower():
        css = print_css(fonts, Path(base_url) if base_url and os.path.isdir(base_url) else None)
        html = page_html(html, Meta(title, author, subject, day), css=css, watermark=watermark)
    pdf, pages = render_pdf_bytes(html, base_url, Meta(title, author, subject, day), allowed_dirs, fonts)
    atomic_write(out, pdf)
    return pages


FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


def _font_faces(html: str) -> tuple[str, ...]:
    """The document's @font-face rules, each with the size and time of the files it names.

    A shared font configuration keeps the faces it was given; a changed rule or font file must
    get a configuration of its own, never the stale face.
    """
    faces = []
    for rule in FONT_FACE.findall(html):
        stamps = []
        for url in re.findall(r'url\("?(file:[^")]+)"?\)', rule):
            try:
                st = os.stat(unquote(urlsplit(url).path))
                stamps.append(f"{st.st_size}:{st.st_mtime_ns}")
            except OSError:
                stamps.append("missing")
        faces.append(rule + "|" + ",".join(stamps))
    return tuple(faces)


@lru_cache(maxsize=2)
def _font_configuration(pid: int, faces: tuple[str, ...]):
    """One WeasyPrint font configuration per process and set of @font-face rules.

    A fresh configuration reloads fontconfig and starts Pango's font map cold; reusing it keeps
    opened faces and shaping caches warm from one PDF to the next (≈ 10–25 % less CPU a PDF).
    ``pid`` keys it so that a forked worker makes its own; ``faces`` so that a newsroom's
    licensed fonts are never mixed with another's. Each document still subsets only the
    glyphs it draws, so the PDF bytes are the same as with a fresh configuration.
    """
    import weasyprint

    return weasyprint.text.fonts.FontConfiguration()


def render_pdf_bytes(html: str, base_url: str | None, meta: Meta, allowed_dirs, fonts: FontSet | None = None) -> tuple[bytes, int]:
    """The PDF bytes and page count of a complete HTML document."""
    import weasyprint

    allowed = [Path(d) for d in allowed_dirs]
    if fonts is not None:
        allowed += [Path(f).parent for f in fonts.files()]
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=local_fetcher(allowed)).render(
        font_config=_font_configuration(os.getpid(), _font_faces(html))
    )
    document.metadata.title = meta.title
    document.metadata.authors = [meta.author] if meta.author else []
    document.metadata.description = meta.subject or None
    document.metadata.generator = "bulletin"
    document.metadata.created = meta.created or None
    document.metadata.modified = meta.created or None
    data = document.write_pdf(pdf_identifier=False)
    return data, len(document.pages)
