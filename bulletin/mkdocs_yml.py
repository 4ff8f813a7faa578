"""The newsroom's mkdocs.yml, read one way by everyone who reads it (site settings, print,
notices, the classified store); ``extra.bulletin``, the part that is ours, has one reader here.

It may carry ``!!python/name`` and ``!ENV`` tags, irrelevant to us, so unknown tags become
None. It is read only if it is a regular file of at most 1 MB (bulletin/special.py), with the
C parser, which refuses nesting deeper than 1,000 levels instead of overflowing the stack
(2,000 levels of ``[`` were a RecursionError). ``check`` reports what cannot be read.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bulletin.errors import SpecialFile, Unreadable
from bulletin.problems import Problem
from bulletin.special import read_regular

try:
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

NAME = "mkdocs.yml"
MAX_BYTES = 1024 * 1024


class _Lenient(_Base):  # type: ignore[misc, valid-type]
    """Unknown tags (``!ENV``, ``!!python/name``) read as None."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)


def _text(root: Path) -> str | None:
    """The file's text, None when absent; raise Unreadable when it cannot be read."""
    path = root / NAME
    if not path.exists():
        return None
    try:
        return read_regular(path, MAX_BYTES, NAME).decode("utf-8")
    except SpecialFile as exc:
        raise Unreadable(exc.problem) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(Problem(NAME, 1, "E001", f"无法读取 mkdocs.yml（{exc}）；请改为不超过 1 MB 的 UTF-8 文本文件")) from None


def _load(root: Path) -> object:
    """The parsed file, None when absent; raise Unreadable with the line that says why."""
    text = _text(root)
    if text is None:
        return None
    try:
        return yaml.load(text, Loader=_Lenient)  # noqa: S506 - a safe loader, tags made None
    except RecursionError:
        raise Unreadable(Problem(NAME, 1, "E008", "mkdocs.yml 嵌套过深；请简化结构")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = str(getattr(exc, "problem", "") or exc).splitlines()[0]
        code = "E008" if "nesting depth" in problem else "E003"
        message = "mkdocs.yml 嵌套过深；请简化结构" if code == "E008" else f"YAML 语法错误：{problem}；请检查缩进、冒号和引号"
        raise Unreadable(Problem(NAME, line, code, message)) from None


def read_mkdocs(root: Path) -> object:
    """mkdocs.yml's data; None when it is missing or unreadable (check says why)."""
    try:
        return _load(root)
    except Unreadable:
        return None


def bulletin_extra_of(data: object) -> dict:
    """``extra.bulletin`` of mkdocs.yml's parsed data, or {}: for a reader that has the data already."""
    extra = data.get("extra") if isinstance(data, dict) else None
    section = extra.get("bulletin") if isinstance(extra, dict) else None
    return section if isinstance(section, dict) else {}


def bulletin_extra(root: Path) -> dict:
    """``extra.bulletin`` of the newsroom's mkdocs.yml, or {}: the part of the file that is ours
    (print, notice and store settings); a missing or unreadable file gives {} (check says why)."""
    return bulletin_extra_of(read_mkdocs(root))


def mkdocs_problems(root: Path) -> list[Problem]:
    """At most one line: why mkdocs.yml cannot be read."""
    try:
        _load(root)
    except Unreadable as exc:
        return [exc.problem]
    return []


LINE_DEPTH = 6  # keys deeper than theme.palette.primary or nav[0].title are never pointed at


def key_lines(root: Path) -> dict[tuple[str | int, ...], int]:
    """The line of each key and list item down to LINE_DEPTH levels (``("theme", "logo")`` → 7).

    For messages only: composed with the same lenient loader, so a file ``read_mkdocs`` reads
    always has its lines; an unreadable one has none (check has said why).
    """
    try:
        text = _text(root)
        node = yaml.compose(text, Loader=_Lenient) if text is not None else None
    except (Unreadable, yaml.YAMLError, RecursionError):
        return {}
    lines: dict[tuple[str | int, ...], int] = {}
    stack = [((), node)] if node is not None else []
    while stack:
        path, current = stack.pop()
        if len(path) >= LINE_DEPTH:
            continue
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    lines.setdefault(path + (key.value,), key.start_mark.line + 1)
                    stack.append((path + (key.value,), value))
        elif isinstance(current, yaml.SequenceNode):
            for i, value in enumerate(current.value):
                lines[path + (i,)] = value.start_mark.line + 1
                stack.append((path + (i,), value))
    return lines
