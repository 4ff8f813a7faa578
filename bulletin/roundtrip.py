"""Edit an editor's YAML file and change nothing but the keys we mean to change.

Commands that write into files people maintain by hand (``publish`` sets ``status`` and writes
``lock``; ``renumber`` changes ``number``) must keep the editor's comments, key order, quoting
and layout. ruamel.yaml's round-trip mode does that once it knows the file's indentation, which
it cannot always guess; so we try the usual layouts and use one only if it reproduces the file
byte for byte. If none does, the top-level keys are spliced into the original text instead,
using ruamel.yaml only to render them, so that every other line is still untouched.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from bulletin.errors import RoundTripError

# (mapping, sequence, offset): the layouts editors and the sample newsroom use. A file without
# nested block mappings fits several; two-space mappings come first as the common choice.
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (2, 6, 4), (2, 3, 1), (2, 5, 3), (4, 4, 2), (4, 4, 0), (4, 6, 4), (4, 6, 2))


def _yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold long Chinese lines
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _faithful(text: str) -> Iterator[tuple[YAML, CommentedMap]]:
    for layout in _LAYOUTS:
        yaml = _yaml(layout)
        data = yaml.load(text)
        if isinstance(data, CommentedMap) and _dump(yaml, data) == text:
            yield yaml, data


def to_node(value: Any) -> Any:
    """Plain dicts become block mappings (ruamel keeps insertion order)."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = to_node(item)
        return node
    return value


def set_top_level(text: str, changes: dict[str, Any]) -> str:
    """``text`` with each top-level key of ``changes`` set (added at the end when absent).

    Mappings go through the round trip. A scalar is replaced on its own line, keeping the
    editor's end-of-line comment where it was (the round trip would move it to keep its column).
    """
    blocks = {key: value for key, value in changes.items() if isinstance(value, dict)}
    scalars = {key: value for key, value in changes.items() if key not in blocks}
    if blocks:
        for yaml, data in _faithful(text):
            for key, value in blocks.items():
                data[key] = to_node(value)
            text = _dump(yaml, data)
            break
        else:
            text = _splice(text, blocks)
    return _splice(text, scalars) if scalars else text


def _top_level_spans(text: str) -> tuple[CommentedMap, dict[str, tuple[int, int]]]:
    """Each top-level key's first and last line (0-based, end exclusive) in ``text``."""
    data = _yaml(_LAYOUTS[0]).load(text)
    if not isinstance(data, CommentedMap):
        raise RoundTripError("文件顶层应是“键: 值”的映射")
    lines = text.split("\n")
    starts = [(data.lc.key(key)[0], key) for key in data]
    spans: dict[str, tuple[int, int]] = {}
    for i, (start, key) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1  # blank lines and comments before the next key belong to it
        spans[key] = (start, end)
    return data, spans


def _end_of_line_comment(data: CommentedMap, key: str) -> str | None:
    token = data.ca.items.get(key)
    if not token or len(token) < 3 or token[2] is None:
        return None
    first = token[2].value.split("\n", 1)[0].strip()
    return first if first.startswith("#") else None


def _render(key: str, value: Any) -> list[str]:
    return _dump(_yaml(_LAYOUTS[0]), CommentedMap({key: to_node(value)})).rstrip("\n").split("\n")


def _splice(text: str, changes: dict[str, Any]) -> str:
    data, spans = _top_level_spans(text)
    lines = text.split("\n")
    trailing_newline = text.endswith("\n")
    if trailing_newline:
        lines.pop()
    for key, value in sorted(((k, v) for k, v in changes.items() if k in spans), key=lambda kv: -spans[kv[0]][0]):
        start, end = spans[key]
        new = _render(key, value)
        comment = _end_of_line_comment(data, key)
        if end == start + 1 and not isinstance(value, dict) and comment and comment in lines[start]:
            before = lines[start][: lines[start].rindex(comment)]
            gap = len(before) - len(before.rstrip()) or 1
            new[0] = new[0] + " " * gap + comment  # keep the editor's note on a scalar line
        lines[start:end] = new
    for key, value in changes.items():
        if key not in spans:
            lines += _render(key, value)
    return "\n".join(lines) + ("\n" if trailing_newline or lines else "")
