"""Markdown bodies to safe HTML, shared by every renderer (sites, PDF, Word).

Raw HTML is never passed through: python-markdown renders, then nh3 keeps only an allow-list
of tags and attributes. Images must be relative paths inside ``content/``; anything remote,
absolute or escaping the folder is dropped (``check`` reports it to the editor).
"""

from __future__ import annotations

import html
import posixpath
import re
from functools import lru_cache

import markdown
import nh3

from bulletin.bounds import within

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "img", "br", "hr", "code", "pre", "sup", "sub", "a",
}
ALLOWED_ATTRIBUTES = {"img": {"src", "alt", "title"}, "a": {"href", "title", "class"}, "th": {"align"}, "td": {"align"},
                      "sup": {"id"}, "li": {"id"}}  # footnote anchors (markdown's footnotes extension)
# Footnotes: no visible back-link (a "↩" means nothing on paper or in Word; on a page the note's
# number is the link); ids carry the report's name, so several items on one page keep their notes apart.
# The mark reads "[1]", so it stays a note mark where a renderer prints it as plain text (Word).
_FOOTNOTES = {"BACKLINK_TEXT": "", "BACKLINK_TITLE": "返回正文", "SUPERSCRIPT_TEXT": "[{}]"}
_FOOTNOTE_ID = re.compile(r'(id="|href="#)fn(ref)?:')
_EXTENSIONS = ["tables", "sane_lists", "footnotes"]


def image_target(report_path: str, src: str) -> str | None:
    """The newsroom-relative path of an image, or None when it is remote or outside content/."""
    if not src or "://" in src or src.startswith(("/", "file:", "data:", "\\")) or ":" in src.split("/")[0]:
        return None
    folder = posixpath.dirname(report_path)
    target = posixpath.normpath(posixpath.join(folder, src))
    return target if target.startswith("content/") else None


def _filter_url(report_path: str):
    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src":
            return value if image_target(report_path, value) else None
        if tag == "a" and attr == "href":
            lowered = value.strip().lower()
            if lowered.startswith(("javascript:", "vbscript:", "data:", "file:")):
                return None
        return value

    return attribute_filter


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """One converter, reset between bodies: building one costs more than converting a body."""
    md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs={"footnotes": _FOOTNOTES}, output_format="html")
    # Escape raw HTML instead of passing it through: editors see it as text, readers never run it.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


@lru_cache(maxsize=65536)
def to_html(body: str, report_path: str = "content/x.md") -> str:
    """Safe HTML of one Markdown body; raw HTML in the source is escaped, then filtered.

    Print, both sites and the leak gate each ask for every body; the cache holds a 5-year
    archive (45,000 reports, ≈ 100 MB of HTML) so each is converted once a build. A smaller LRU
    is worse than none here: the renderers walk all reports in turn, evicting each entry
    before its next use.
    """
    html = _converter().reset().convert(body) if within(body) else _plain(body)
    if "fn:" in html:
        name = re.sub(r"[^A-Za-z0-9_-]", "-", posixpath.basename(report_path).removesuffix(".md"))
        html = _FOOTNOTE_ID.sub(lambda m: f"{m[1]}fn{m[2] or ''}-{name}-", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_url(report_path),
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


def _plain(body: str) -> str:
    """A body past its bounds (check refuses it: E253) as escaped paragraphs, never parsed:
    whatever calls the renderers anyway gets its text in linear time, with no markup at all."""
    paragraphs = (part.strip() for part in body.split("\n\n"))
    return "\n".join(f"<p>{html.escape(part)}</p>" for part in paragraphs if part)
