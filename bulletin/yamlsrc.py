"""YAML that remembers where every value came from.

PyYAML composes a node tree (with the C parser where available); we turn it into plain
JSON-compatible values and a map from key path to source line, so that every later message
can point at the line an editor must change. Dates and times stay strings here: the model
parses them, so an impossible date becomes a clear error instead of a constructor exception.
Anchors, aliases and explicit tags are refused: they are never needed in a newsroom, and
aliases allow expansion bombs.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

try:  # the C composer is several times faster on large newsrooms
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from bulletin.errors import YamlProblem
from bulletin.yamlhints import diagnose, fallback

MAX_DEPTH = 40
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

KeyPath = tuple[str | int, ...]  # keys and indexes from the document's top to a value: ("items", 0, "id")


class _Resolving(_Loader):
    """The loader with PyYAML's tag resolution made cheap for a newsroom's front matter.

    The composer asks the resolver for the tag of every node, and the stock resolver tries its
    regular expressions on each plain scalar (keys included) and keeps path-resolver stacks that
    no safe loader has: a sixth of a cold check went there. Here a plain scalar whose first
    character can start no implicit tag (a Chinese title, a name) is a string at once, the
    others' tags are remembered by value (keys and enumerations repeat in every report), and
    the path-resolver steps do nothing, since ``yaml_path_resolvers`` is empty on this class.
    The tags are the stock resolver's (tested against the pure-Python ``SafeLoader``)."""

    yaml_path_resolvers: dict = {}

    def descend_resolver(self, current_node, current_index) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR
            if value and value[0] not in self.yaml_implicit_resolvers:
                return _STR
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = _Loader.resolve(self, kind, value, implicit)
                if len(_PLAIN_TAGS) >= _PLAIN_TAGS_KEPT:
                    _PLAIN_TAGS.clear()
                _PLAIN_TAGS[value] = tag
            return tag
        return _SEQ if kind is SequenceNode else _MAP


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_PLAIN_TAGS: dict[str, str] = {}  # plain scalar -> its resolved tag, for the scalars some implicit tag could match
_PLAIN_TAGS_KEPT = 1 << 14


class _Builder:
    """Turns one composed node tree into values plus a line map.

    ``aliases``: whether the text could hold an alias at all (YAML writes one as ``*name``);
    without a ``*`` no node can be reached twice, and the per-node visited set is skipped."""

    def __init__(self, first_line: int, aliases: bool = True):
        self.first = first_line  # a mark's line is 0-based
        self.lines: dict[KeyPath, int] = {}
        self.seen: set[int] | None = set() if aliases else None
        self.ctor = SafeConstructor()

    def line(self, node) -> int:
        return node.start_mark.line + self.first

    def value(self, node, path: KeyPath, depth: int) -> Any:
        seen = self.seen
        if seen is not None:
            if id(node) in seen:
                raise YamlProblem("E005", self.line(node), "这里的内容被 YAML 别名（*名称）重复引用；不支持锚点和别名，请把内容直接写出来")
            seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlProblem("E008", self.line(node), f"嵌套超过 {MAX_DEPTH} 层，请简化结构")
        tag = node.tag
        if tag not in _STANDARD_TAGS:
            raise YamlProblem("E005", self.line(node), f"不支持 YAML 标签 {tag}，请去掉以 ! 开头的标签")
        kind = node.__class__
        if kind is ScalarNode:
            return self.scalar(node)
        lines, first = self.lines, self.first
        if kind is SequenceNode:
            out = []
            for i, child in enumerate(node.value):
                at = path + (i,)
                lines[at] = child.start_mark.line + first
                out.append(self.value(child, at, depth + 1))
            return out
        assert kind is MappingNode
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise YamlProblem("E007", self.line(key_node), "键必须是简单的文字，不能是列表或映射")
            key = key_node.value
            if key == "<<":
                raise YamlProblem("E005", self.line(key_node), "不支持 YAML 合并键 <<，请把内容直接写出来")
            if key in mapping:
                raise YamlProblem(
                    "E009", self.line(key_node), f"键 {key} 在同一层出现了两次，请删去多余的一个"
                )
            at = path + (key,)
            lines[at] = key_node.start_mark.line + first
            mapping[key] = self.value(value_node, at, depth + 1)
        return mapping

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR or tag == "tag:yaml.org,2002:timestamp":
            return node.value
        if tag == "tag:yaml.org,2002:null":
            return None
        constructor = SafeConstructor.yaml_constructors[tag]
        value = constructor(self.ctor, node)
        if isinstance(value, float) and not math.isfinite(value):
            raise YamlProblem("E107", self.line(node), f"{node.value} 不是一个有限的数值；请写具体的数字，例如 4 或 0.5")
        return value


def _mark_line(exc: yaml.YAMLError, first_line: int) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return (mark.line + first_line) if mark is not None else first_line


def load(text: str, first_line: int = 1) -> tuple[Any, dict[KeyPath, int]]:
    """Parse one YAML document; return its value and the line of every key and list item.

    ``first_line`` is the file line on which ``text`` starts (front matter starts after ``---``).
    """
    try:
        node = yaml.compose(text, Loader=_Resolving)
    except yaml.YAMLError as exc:
        # Never the parser's English: the editor's slip in Chinese, at the line where it is.
        line = _mark_line(exc, first_line)
        hint = diagnose(text, first_line, line) or fallback(getattr(exc, "problem", None), line)
        raise YamlProblem(hint.code, hint.line, hint.message) from None
    except RecursionError:
        raise YamlProblem("E008", first_line, f"嵌套过深，请简化结构（不超过 {MAX_DEPTH} 层）") from None
    if node is None:
        return None, {}
    builder = _Builder(first_line, "*" in text)
    builder.lines[()] = builder.line(node)
    try:
        value = builder.value(node, (), 0)
    except ValueError as exc:  # e.g. an int too large for the constructor
        raise YamlProblem("E003", first_line, f"无法读取的值：{exc}") from None
    return value, builder.lines


def line_of(lines: dict[KeyPath, int], path: KeyPath, default: int = 1) -> int:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), default)
