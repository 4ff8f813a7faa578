"""Bounds on a report's Markdown body, so that no body can make check or a build run for minutes.

python-markdown is fast on ordinary text but not on everything: each unmatched ``[`` scans the
rest of its paragraph (so brackets times paragraph length), and every level of list or quote
nesting is a level of recursion (a 300-level list ends in RecursionError). A report of
政务信息 needs none of that, so a body past these bounds is one ``check`` error at its line,
and the renderers show it as plain text instead of parsing it. Every measure here is linear in
the body: ``str`` methods and one regex without nested quantifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BODY_CHARS = 2_000_000  # 正文字数（一个 5 MB 的中文正文约 170 万字）
MAX_LINE_CHARS = 4_000
MAX_BLOCK_CHARS = 8_000  # one paragraph: the text between two blank lines
MAX_LINKS = 100  # "[" starts every link and image, "<https:" an autolink; far more than a report needs
MAX_DEPTH = 10  # levels of list, quote and indentation

# A line whose leading run of indentation, quote and list marks is long enough to be deep.
# One character class, one quantifier: linear.
_DEEP_PREFIX = re.compile(r"^[ \t>*+\-.)0-9]{" + str(MAX_DEPTH + 1) + ",}", re.M)
# A rule: one of - * _ repeated, with blanks; a line of quote or list marks only still nests.
_RULE = re.compile(r"[ \t]*(?:[-*_][ \t]*)*")


@dataclass(frozen=True)
class Excess:
    """Where a body leaves its bounds: the line within the body (0 = the first) and why."""

    offset: int
    message: str


def _depth(prefix: str) -> int:
    """Nesting levels a line's leading marks open: each ``>``, each list marker, each 4 columns."""
    depth = columns = 0
    i = 0
    while i < len(prefix):
        char = prefix[i]
        if char == " ":
            columns += 1
        elif char == "\t":
            columns += 4 - columns % 4
        elif char == ">":
            depth += 1
            i += prefix[i + 1 : i + 2] == " "  # as is one blank after a quote mark
        elif char in "-*+" and prefix[i + 1 : i + 2] in (" ", "\t"):
            depth += 1
            i += 1  # the blank after a marker belongs to it
        elif char.isdigit():
            j = i
            while j < len(prefix) and prefix[j].isdigit():
                j += 1
            if prefix[j : j + 1] in (".", ")") and prefix[j + 1 : j + 2] in (" ", "\t"):
                depth += 1
                j += 2
            i = j
            continue
        i += 1
    return depth + columns // 4


def _line_at(body: str, index: int) -> int:
    return body.count("\n", 0, index)


def _too_deep(body: str) -> Excess | None:
    for match in _DEEP_PREFIX.finditer(body):
        end = body.find("\n", match.end())
        rest = body[match.end() : end if end >= 0 else len(body)].strip()
        if rest == "" and _RULE.fullmatch(match.group()):
            continue  # a thematic break (--- or * * *) or blank indentation, not nesting
        depth = _depth(match.group())
        if depth > MAX_DEPTH:
            return Excess(_line_at(body, match.start()),
                          f"列表、引用或缩进嵌套了 {depth} 层，超过 {MAX_DEPTH} 层；请减少缩进和嵌套层次")
    return None


def _too_long(body: str) -> Excess | None:
    start = 0
    for block in body.split("\n\n"):
        if len(block) > MAX_BLOCK_CHARS:
            return Excess(_line_at(body, start) + (len(block) - len(block.lstrip("\n"))),
                          f"一个段落有 {len(block)} 字，超过 {MAX_BLOCK_CHARS} 字；请空一行把它分成几段")
        if len(block) > MAX_LINE_CHARS:
            at = 0
            for line in block.split("\n"):
                if len(line) > MAX_LINE_CHARS:
                    return Excess(_line_at(body, start + at),
                                  f"一行有 {len(line)} 字，超过 {MAX_LINE_CHARS} 字；请换行或分段")
                at += len(line) + 1
        start += len(block) + 2
    return None


def excess(body: str) -> Excess | None:
    """The first way ``body`` leaves its bounds, or None when Markdown may parse it."""
    if len(body) > MAX_BODY_CHARS:
        return Excess(0, f"正文有 {len(body)} 字，超过 {MAX_BODY_CHARS} 字；请拆分为几篇稿件")
    links = body.count("[") + body.count("<")
    if links > MAX_LINKS:
        return Excess(_line_at(body, _nth_mark(body, MAX_LINKS + 1)),
                      f"正文有 {links} 个 [ 和 < 符号，超过 {MAX_LINKS} 个（链接和图片都以 [ 或 < 开头）；"
                      "请减少链接和图片，或把方括号改为【】、小于号改为“小于”")
    return _too_deep(body) or _too_long(body)


def _nth_mark(text: str, n: int) -> int:
    """The index of the n-th ``[`` or ``<`` (n is at most MAX_LINKS + 1)."""
    at = -1
    for _ in range(n):
        brackets, angles = text.find("[", at + 1), text.find("<", at + 1)
        at = min(i for i in (brackets, angles) if i >= 0)
    return at


def within(body: str) -> bool:
    return excess(body) is None
