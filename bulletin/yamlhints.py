"""YAML slips as an editor makes them, explained in Chinese at the line where they are.

PyYAML reports where its parser gave up, in English, often a line after the slip (a full-width
colon is noticed only on the next key). When a document does not parse, ``diagnose`` looks at
the lines themselves for the slips editors really make — full-width punctuation, tabs, a value
that needs quotes, a colon without a space, a line indented differently from its siblings — and
names the first one at or before the parser's line. ``comment_warnings`` finds the one slip
that does parse: ``title: 通知 # 重要`` silently drops ``# 重要`` as a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

try:  # as in bulletin.yamlsrc
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# key: the simple keys of newsroom files (ASCII names, optionally a list item "- ")
_KEY = r"[A-Za-z_][A-Za-z0-9_]*"
_FULL_COLON = re.compile(rf"^(\s*(?:-\s+)?)({_KEY})\s*：\s*(.*)$")
_NO_SPACE = re.compile(rf"^(\s*(?:-\s+)?)({_KEY}):(?![\s/])(.+)$")
_KEY_VALUE = re.compile(rf"^(\s*(?:-\s+)?)({_KEY}):[ ]+(.*)$")
_TAB_AFTER_KEY = re.compile(rf"^\s*(?:-\s+)?{_KEY}:\s*\t")
_FULL_DASH = re.compile(r"^(\s*)([－—–])\s*(\S.*)$")
_LEADING = re.compile(r"^([ \u3000\t]*)")
# A plain scalar cannot start with these; written first in a value they need quotes.
_INDICATORS = "[]{}\"'*&!|>%@`"
# Values that are free text: a " #" there is far more likely part of the text than a comment.
FREE_TEXT_KEYS = frozenset({"title", "author", "signed_off_by", "reject_reason", "publication", "leader",
                            "text", "note", "reason", "owner", "name", "topic"})


@dataclass(frozen=True)
class Hint:
    """One slip: the problem code, the 1-based line in the file, and the Chinese message."""

    code: str
    line: int
    message: str


def quoted(value: str) -> str:
    """``value`` in single quotes, as YAML reads it back (a quote inside is doubled)."""
    return "'" + value.replace("'", "''") + "'"


SHOWN_MAX = 80  # characters of a line a message repeats; longer lines end in "…"


def shortened(text: str) -> str:
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "…"


def _written(prefix: str, key: str, value: str) -> str:
    """The line as it should read: ``key: value``, or ``- key: value`` in a list (shortened)."""
    mark = prefix.strip()
    return shortened(f"{mark} {key}: {value}" if mark else f"{key}: {value}")


def _parses(value: str) -> bool:
    try:
        yaml.compose(f"k: {value}", Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        return False
    return True


def _line_hint(text: str, number: int) -> Hint | None:
    """The slip on one line, if it has one of the known kinds."""
    leading = _LEADING.match(text)[1]
    if "\t" in leading or _TAB_AFTER_KEY.match(text):
        fixed = text.replace("\t", "  ")
        return Hint("E301", number, f"这一行有制表符（Tab）；YAML 只能用空格，请把 Tab 换成空格：{shortened(fixed.strip())}")
    if "\u3000" in leading:
        return Hint("E300", number, "行首有全角空格“　”；YAML 的缩进只能用半角空格，请删去全角空格或换成半角空格")
    full = _FULL_COLON.match(text)
    if full:
        prefix, key, value = full.groups()
        return Hint("E300", number, f"{key} 后面用了全角冒号“：”；YAML 要用半角冒号加空格“: ”，请写成 {_written(prefix, key, value)}")
    dash = _FULL_DASH.match(text)
    if dash:
        return Hint("E300", number, f"列表项用了全角符号“{dash[2]}”；YAML 的列表项要用半角减号加空格“- ”，"
                                    f"请写成 - {shortened(dash[3])}")
    missing = _NO_SPACE.match(text)
    if missing:
        prefix, key, value = missing.groups()
        return Hint("E303", number, f"{key} 的冒号后面缺少空格；请写成 {_written(prefix, key, value)}")
    pair = _KEY_VALUE.match(text)
    if pair:
        return _value_hint(number, *pair.groups())
    return None


def _value_hint(number: int, prefix: str, key: str, value: str) -> Hint | None:
    value = value.rstrip()
    if value and value[0] in "'\"" and value.count(value[0]) == 1:
        return Hint("E302", number, f"{key} 的值以引号“{value[0]}”开头，却没有结束的引号；请在末尾补上 {value[0]}，"
                                    f"写成 {_written(prefix, key, value + value[0])}")
    if value and value[0] in _INDICATORS and not _parses(value):
        shown = _written(prefix, key, quoted(value))
        return Hint("E302", number, f"{key} 的值以“{value[0]}”开头，YAML 会把它当作特殊符号；请给整个值加引号：{shown}")
    return None


def _depth(line: str) -> int:
    """Spaces before the key; a list item's keys sit two further in (``- level:``)."""
    stripped = line.lstrip(" ")
    return len(line) - len(stripped) + (2 if stripped.startswith("- ") else 0)


def _indent_hint(lines: list[str], index: int, first_line: int) -> Hint | None:
    """The parser's line is indented to a depth no line above uses."""
    if index >= len(lines) or not lines[index].strip():
        return None
    depth = len(lines[index]) - len(lines[index].lstrip(" "))
    above = [t for t in lines[:index] if t.strip() and not t.lstrip().startswith("#")]
    depths = {len(t) - len(t.lstrip(" ")) for t in above} | {_depth(t) for t in above}
    if not above or depth in depths:
        return None
    previous = _depth(above[-1])
    return Hint("E304", index + first_line,
                f"这一行缩进了 {depth} 个空格，上一行的键是 {previous} 个；同一层的键缩进必须相同，"
                f"请改为 {previous} 个空格（或与更上一层的键对齐）")


def diagnose(text: str, first_line: int, error_line: int) -> Hint | None:
    """The editor's slip that made ``text`` unparseable: the first known slip at or before the
    parser's ``error_line`` (file lines), else a line the parser stopped on with odd indentation."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        number = i + first_line
        if number > error_line:
            break
        if line.lstrip().startswith("#"):
            continue
        hint = _line_hint(line, number)
        if hint is not None:
            return hint
    return _indent_hint(lines, error_line - first_line, first_line)


def fallback(problem: str | None, line: int) -> Hint:
    """A Chinese message for a slip of no known kind: never the parser's English."""
    what = "引号没有配对" if problem and ("quoted" in problem or "quote" in problem) else "无法读取这一行"
    return Hint("E003", line, f"YAML 语法错误：{what}；请检查这一行和上一行的缩进、冒号（半角“: ”）和引号")


_COMMENT = re.compile(rf"^(\s*(?:-\s+)?)({_KEY}):[ ]+([^'\"\[{{|>#][^#]*?)\s+#\s*(.*)$")


def comment_warnings(text: str, first_line: int) -> list[Hint]:
    """``title: 通知 # 重要`` parses as ``通知``: warn where a free-text value lost its tail."""
    found = []
    for i, line in enumerate(text.split("\n")):
        match = _COMMENT.match(line)
        if match is None or match[2] not in FREE_TEXT_KEYS or not match[4]:
            continue
        prefix, key, value, rest = match.groups()
        whole = line[len(prefix) + len(key) + 1 :].strip()
        shown = _written(prefix, key, quoted(whole))
        found.append(Hint("W300", i + first_line,
                          f"{key} 的值在“#”处断开了：YAML 把“#{shortened(rest)}”当作注释丢掉，只读到“{shortened(value)}”；"
                          f"若“#”是内容的一部分，请给整个值加引号：{shown}"))
    return found
