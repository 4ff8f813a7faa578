"""Text made safe inside generated Markdown, in one place.

Two needs, two functions: text the program writes into pages it generates (a name or title is
never markup: HTML escaped, every Markdown mark backslashed, one line), and Word text the program
writes into an editor's report file (only what would format is escaped, so the file stays
readable to the editor who edits it next).
"""

from __future__ import annotations

import html
import re

_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")  # what Markdown lets a backslash escape
_MD_MARKS = re.compile(r"([\\`*_\[\]|])")  # marks that format anywhere in a line


def md_text(text: str) -> str:
    """Configuration or record text (a unit, series or publication name, a title) as plain text
    inside generated Markdown: ``高新区[点我](javascript:alert(1))`` stays those characters, never a link."""
    one_line = " ".join(str(text).split())
    return _MD_PUNCTUATION.sub(r"\\\1", html.escape(one_line, quote=False))


def md_cell(text: str | None) -> str:
    """Text in a generated Markdown table cell or heading; an empty value shows as a dash."""
    return md_text(text) if text else "—"


def md_literal(text: str, line_start: bool = True) -> str:
    """Word text as literal Markdown in an editor's file: marks that would format are escaped.
    ``line_start`` also guards what only means something at the start of a line (headings,
    quotes, list markers)."""
    text = _MD_MARKS.sub(r"\\\1", text)
    if not line_start:
        return text
    text = re.sub(r"^([#>])", r"\\\1", text)
    text = re.sub(r"^([+-])(?=\s|$)", r"\\\1", text)
    return re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", text)
