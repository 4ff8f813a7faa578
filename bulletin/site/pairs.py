"""Chinese text as overlapping two-character pairs: what the search index and the query both hold.

Pagefind's extended build segments an index's Chinese with a dictionary (jieba) but a query
with the browser's ``Intl.Segmenter``; the two disagree on common 政务 words (信访, 营商环境, 一网通办),
and a query whose words are not the index's words finds nothing. Splitting every run of hanzi
into overlapping pairs on both sides needs no dictionary and cannot disagree: 营商环境 is
``营商 商环 环境`` in a page and in a query, and a page holding the phrase holds all its pairs.

The encoding can be read back, so the browser shows the real text in excerpts: Pagefind keeps
only spaces between words (it turns any whitespace into one space), so every run is fenced by
spaces and its pairs are joined by spaces; ``X X`` (the same hanzi either side of one space) then
only occurs inside a run, and every other space next to a hanzi is a fence. For that, spaces
between two hanzi on one line of the text itself are dropped first (Chinese puts none there);
a line break keeps two runs apart, so no pair spans two paragraphs.
``bulletin/templates/site/bulletin-search.js`` holds the same functions in JavaScript;
``tests/test_search_pairs.py`` checks both on the same cases.
"""

from __future__ import annotations

import re

# CJK unified ideographs (basic, extension A, compatibility) and extensions B–F.
HANZI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_RUN = re.compile(f"[{HANZI}]+")
_INNER_SPACE = re.compile(f"(?<=[{HANZI}])[ \\t\\u3000]+(?=[{HANZI}])")  # line breaks stay: paragraphs apart
_SPACES = re.compile(r"\s+")
_OVERLAP = re.compile(f"([{HANZI}]) \\1")
_FENCE = re.compile(f"(?<=[{HANZI}]) | (?=[{HANZI}])")


def pairs_of(run: str) -> list[str]:
    """The overlapping pairs of one run of hanzi; a single hanzi stays itself."""
    if len(run) < 2:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def split(text: str) -> str:
    """``text`` with every run of hanzi replaced by its pairs, fenced and joined by spaces."""
    return _RUN.sub(lambda m: " " + " ".join(pairs_of(m.group(0))) + " ", _INNER_SPACE.sub("", text))


def join(encoded: str) -> str:
    """The real text back from ``split``'s output, as Pagefind hands it back (spaces collapsed).

    Spaces next to a hanzi are not kept (``join(split("用 5G"))`` is ``用5G``)."""
    return _FENCE.sub("", _OVERLAP.sub(r"\1", _SPACES.sub(" ", encoded))).strip()


def query_terms(query: str) -> str:
    """A query as Pagefind should receive it: the same pairs, separated by single spaces."""
    return " ".join(split(query).split())
