"""Where each page lives in the staged docs tree, and relative links between pages.

Page bodies are raw (sanitised) HTML, which mkdocs does not rewrite, so links are computed
here exactly as mkdocs will place the pages (``use_directory_urls``: ``a/b.md`` → ``a/b/``).
Every path segment is ASCII, so URLs never need escaping and never carry an item's words.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from datetime import date

from bulletin import enums

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

HOME = "index.md"
ISSUES = "issues/index.md"
ARCHIVE = "archive/index.md"
UNITS = "units/index.md"
CATEGORIES = "categories/index.md"
TAGS = "tags/index.md"
CSS = "assets/bulletin.css"
SEARCH = "search/index.md"
SEARCH_JS = "assets/bulletin-search.js"


def slug(text: str, prefix: str) -> str:
    """``text`` itself when it is a safe ASCII name, else a stable digest of it.

    A name that starts with ``prefix`` is digested too: the tag ``t-5f2a…`` written to look like
    the digest of 春耕 would otherwise get that tag's URL (two names, one page).
    """
    if _SAFE.fullmatch(text) and text not in {"index"} and not text.startswith(prefix):
        return text
    return prefix + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def item(item_id: str) -> str:
    return f"items/{slug(item_id, 'i-')}.md"


def issue(key: str) -> str:
    return f"issues/{key}.md"


def year(y: int) -> str:
    return f"archive/{y:04d}.md"


def month(day: date) -> str:
    return f"archive/{day.year:04d}-{day.month:02d}.md"


def unit(unit_id: str) -> str:
    return f"units/{slug(unit_id, 'u-')}.md"


def category(name: str) -> str:
    return f"categories/{enums.CATEGORY.get(name) or slug(name, 'c-')}.md"


def tag(name: str) -> str:
    return f"tags/{slug(name, 't-')}.md"


def url_of(doc: str) -> str:
    """The site URL (relative to the site root) mkdocs gives a docs file."""
    if not doc.endswith(".md"):
        return doc
    stem = doc[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(source: str, target: str) -> str:
    """The href from the page of ``source`` to ``target`` (both docs paths)."""
    here = url_of(source)
    base = (here if here.endswith("/") else posixpath.dirname(here) + "/").rstrip("/") or "."
    there = url_of(target)
    rel = posixpath.relpath(there.rstrip("/") or ".", base)
    if there.endswith("/") or not there:
        return "./" if rel == "." else rel + "/"
    return rel
