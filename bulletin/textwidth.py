"""Display width of text: a CJK (wide or full-width) character takes two columns, others one.

Terminal tables (``bulletin scores``, ``bulletin instructions``) and spreadsheet columns count
terminal columns; print layout measures in em (``ems``), a CJK character being one em.
"""

from __future__ import annotations

import unicodedata


def columns(text: str) -> int:
    """Terminal columns ``text`` takes."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def ems(text: str) -> float:
    """Width in print, in full-width characters: CJK characters, and the punctuation CJK fonts set
    full width (“”‘’…, East Asian "ambiguous"), count one; Latin letters, digits and spaces half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns (a character is never split)."""
    lines, current = [], ""
    for ch in text:
        if current and columns(current + ch) > width:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current] if current or not lines else lines


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns (on the left when ``right``-aligned)."""
    gap = " " * max(0, width - columns(text))
    return gap + text if right else text + gap


def table(rows: list[list[str]], right: set[int] | frozenset[int] = frozenset()) -> str:
    """Rows as aligned columns two spaces apart; the columns numbered in ``right`` align right."""
    widths = [max(columns(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(pad(cell, widths[i], i in right) for i, cell in enumerate(row)).rstrip() for row in rows
    )
