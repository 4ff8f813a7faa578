"""Balanced title lines (GB/T 9704-2012 7.3.3): a title that wraps is set as a 梯形 or 菱形.

A browser (or WeasyPrint, or Word) fills each line and leaves the rest on the next: a full line
and a stub such as ``…重点`` / ``企业…``. Here a title wider than one line is split into lines of
near-equal width (no line under three quarters of the longest) at word boundaries, found by
jieba's segmenter (rjieba: the Rust port, about 0.1 s to load where jieba takes over a second).
Punctuation stays with its word: no line starts with a closing mark or ends with an opening one.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import combinations

from bulletin import textwidth

TITLE_CHARS = 20  # 2号 (22 pt) characters on the 156 mm line: 442 pt / 22 pt
MIN_SHARE = 0.75  # the shortest line is at least this share of the longest
CLOSING = set("，。、；：？！）》」』”’…—·,.;:?!)")
OPENING = set("（《「『“‘(")
MAX_LINES = 4


width = textwidth.ems  # width in full-width characters, as the title line measures it


def _glue(tokens: list[str]) -> list[str]:
    """Tokens with each closing mark joined to the word before it and each opening mark to the next."""
    words: list[str] = []
    pending = ""
    for token in tokens:
        if words and not pending and all(ch in CLOSING for ch in token):
            words[-1] += token
        elif all(ch in OPENING for ch in token):
            pending += token
        else:
            words.append(pending + token)
            pending = ""
    if pending:
        words.append(pending)
    return words


def _segments(text: str) -> list[str]:
    """Words of the title, by jieba's dictionary."""
    import rjieba  # loaded only when a title wraps

    return _glue(list(rjieba.cut(text)))


def _best(parts: list[str], lines: int, limit: float) -> list[str] | None:
    """The split of ``parts`` into ``lines`` lines, none wider than ``limit``, with the least spread.

    Ties go to the split whose first line is the longer (an inverted 梯形 reads more naturally).
    """
    best: tuple[float, float, list[str]] | None = None
    for cuts in combinations(range(1, len(parts)), lines - 1):
        bounds = (0, *cuts, len(parts))
        chunk = ["".join(parts[a:b]).strip() for a, b in zip(bounds, bounds[1:], strict=False)]
        widths = [width(c) for c in chunk]
        if max(widths) > limit:
            continue
        score = (max(widths) - min(widths), -widths[0])
        if best is None or score < best[:2]:
            best = (*score, chunk)
    return best[2] if best else None


def _good(lines: list[str]) -> bool:
    widths = [width(line) for line in lines]
    return min(widths) >= MIN_SHARE * max(widths)


@lru_cache(maxsize=4096)
def _split(text: str, limit: float) -> tuple[str, ...]:
    needed = math.ceil(width(text) / limit)
    words = _segments(text)
    for parts in (words, _glue(list(text))):  # words first; characters only if no word split balances
        for lines in range(needed, min(needed + 2, MAX_LINES) + 1):
            if lines > len(parts) or (len(parts) > 40 and lines > 3):
                continue
            found = _best(parts, lines, limit)
            if found and _good(found):
                return tuple(found)
    return (text,)  # no balanced split exists: let the renderer wrap it


def balanced_lines(text: str, limit: float = TITLE_CHARS) -> list[str]:
    """``text`` as the lines it prints on: one line when it fits, else balanced lines."""
    text = text.strip()
    if width(text) <= limit:
        return [text]
    return list(_split(text, float(limit)))
