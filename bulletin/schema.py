"""The JSON Schemas of the newsroom's files, and their errors in Chinese.

One schema per file kind lives in ``bulletin/schemas``; ``bulletin check`` validates with it and
``bulletin schema KIND`` prints it for editors' tools (VS Code's YAML extension reads it).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

from bulletin.problems import Problem
from bulletin.yamlsrc import KeyPath, line_of

SCHEMA_DIR = Path(__file__).parent / "schemas"
KINDS = ("report", "issue", "series", "units", "assignments", "scoring", "mkdocs")

_TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "array": "列表",
    "object": "键值映射",
    "null": "空值",
}

def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return parse_date(value) is not None


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return parse_datetime(value) is not None


FIRST_YEAR, LAST_YEAR = 1900, 2100  # beyond these, time-zone arithmetic overflows (year 9999 + 12 h)


def in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def parse_date(text: str) -> date | None:
    """An ISO date ``YYYY-MM-DD`` in 1900–2100, or None when it is not one."""
    if len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_range(day.year) else None


def parse_datetime(text: str) -> datetime | None:
    """An ISO date-time with a time part, in 1900–2100; the caller applies Asia/Shanghai when no
    zone is given. Out of range is None, so no later ``astimezone`` can overflow."""
    if len(text) < 16 or text[10] not in "T ":
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if in_range(moment.year) else None


_LOOSE_DAY = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*(\d{1,2})[:：时](\d{1,2})分?(?:[:：](\d{1,2})秒?)?)?\s*$"
)
EXAMPLE_TIME = "09:30:00+08:00"


def date_slip(name: str, text: str, with_time: bool) -> tuple[str, str] | None:
    """A real day written the way people write it, with the ISO spelling to write instead:
    ``2026-11-05`` for a date-time lacks the time (E305); ``2026/11/5`` and ``2026年11月5日``
    are not ISO (E306)."""
    match = _LOOSE_DAY.match(text)
    if match is None:
        return None
    year, month, day_, hour, minute, second = match.groups()
    try:
        day = date(int(year), int(month), int(day_))
        clock = (int(hour), int(minute), int(second or 0)) if hour else None
        moment = datetime(day.year, day.month, day.day, *clock) if clock else None
    except ValueError:
        return None
    if not in_range(day.year):
        return None
    if with_time and moment is None:
        written = f"{day.isoformat()}T{EXAMPLE_TIME}"
        if parse_date(text) is not None:
            return "E305", f"{name} 只写了日期 {text}，还须写明时间；写成 {written}（把 09:30 换成实际时刻）"
        return "E306", f"{name} 的值 {text} 不是 ISO 写法，也缺少时间；写成 {written}（把 09:30 换成实际时刻）"
    written = moment.isoformat() + "+08:00" if with_time and moment else day.isoformat()
    return "E306", f"{name} 的值 {text} 不是 ISO 写法；写成 {written}"


@cache
def schema(kind: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{kind}.json").read_text(encoding="utf-8"))


@cache
def fingerprint() -> str:
    """Changes whenever a schema file changes, to invalidate cached validation results."""
    joined = b"".join(path.read_bytes() for path in sorted(SCHEMA_DIR.glob("*.json")))
    return hashlib.blake2b(joined, digest_size=8).hexdigest()


@cache
def _validator(kind: str):
    """jsonschema explains what is wrong; imported only when some file is invalid (saves ~0.2 s)."""
    from jsonschema import Draft7Validator, FormatChecker

    formats = FormatChecker(formats=())
    formats.checks("date")(_is_date)
    formats.checks("date-time")(_is_datetime)
    return Draft7Validator(schema(kind), format_checker=formats)


@cache
def _fast(kind: str):
    """A compiled validator for the common case (valid data); jsonschema explains the rest."""
    local = {k: v for k, v in schema(kind).items() if k != "$id"}  # refs are all inside the file
    return fastjsonschema.compile(
        local, formats={"date": _is_date, "date-time": _is_datetime}, use_default=False
    )


def is_valid(kind: str, data: Any) -> bool:
    try:
        _fast(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def dotted(path: KeyPath) -> str:
    """``adopted[0].level`` style, as an editor reads it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "文件"


def _example(subschema: dict) -> str:
    examples = subschema.get("examples") if isinstance(subschema, dict) else None
    if not examples:
        return ""
    return "，例如 " + json.dumps(examples[0], ensure_ascii=False)


def _message(error) -> tuple[str, str, KeyPath]:
    """Code, Chinese message and the key path whose line the message should point at."""
    path: KeyPath = tuple(error.absolute_path)
    name = dotted(path)
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1]
        sub = error.schema.get("properties", {}).get(missing, {})
        return "E101", f"缺少必填项 {missing}，请补上{_example(sub) or ''}", path
    if v == "additionalProperties" or v == "propertyNames":
        allowed = list(error.schema.get("properties", {}))
        extras = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
        key = extras[0] if extras else ""
        if v == "propertyNames":
            return "E105", f"名称 {key} 只能用字母、数字、- 和 _", path + (key,)
        if key.strip(" \u3000\t") in allowed and key != key.strip(" \u3000\t"):
            return "E300", f"键 {key.strip()} 前后有全角空格“　”；YAML 的缩进只能用半角空格，请删去全角空格", path + (key,)
        guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"您是否想写 {guess[0]}？" if guess else f"可用的键：{'、'.join(allowed)}"
        return "E104", f"未知的键 {key}：{hint}", path + (key,)
    if v == "type":
        wanted = error.validator_value
        wanted = wanted if isinstance(wanted, list) else [wanted]
        if "array" in wanted and isinstance(error.instance, str) and error.instance[:1] in ("－", "—", "–"):
            items = [part.strip(" －—–") for part in error.instance.split() if part.strip(" －—–")]
            return "E300", (f"{name} 的列表项用了全角符号“{error.instance[0]}”，YAML 读成了一段文字；"
                            f"列表项要用半角减号加空格“- ”，或写成 {name.split('.')[-1]}: [{', '.join(items)}]"), path
        names = " 或 ".join(_TYPE_NAMES.get(w, w) for w in wanted)
        return "E102", f"{name} 应为{names}{_example(error.schema)}", path
    if v in ("enum", "const"):
        options = error.validator_value if v == "enum" else [error.validator_value]
        shown = "、".join(str(o) for o in options)
        return "E103", f"{name} 的值 {error.instance} 不在允许范围内，可写：{shown}", path
    if v == "format" and isinstance(error.instance, str):
        slip = date_slip(name, error.instance, error.validator_value == "date-time")
        if slip is not None:
            return (*slip, path)
    if v == "format":
        example = _example(error.schema) or "，例如 2026-03-09"
        if isinstance(error.instance, str) and error.instance[:4].isdigit() and not in_range(int(error.instance[:4])):
            return "E106", f"{name} 的值 {error.instance} 超出 {FIRST_YEAR}–{LAST_YEAR} 年的范围{example}", path
        return "E106", f"{name} 的值 {error.instance} 不是有效的日期或时间{example}", path
    if v in ("pattern", "minLength"):
        return "E105", f"{name} 的写法不对（{error.instance!r}）{_example(error.schema)}", path
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "minProperties"):
        return "E107", f"{name} 的值超出范围（要求 {v} {error.validator_value}）", path
    if v == "uniqueItems":
        return "E108", f"{name} 中有重复项，请删去重复的", path
    described = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    return "E108", f"{name} 的写法不对{('：' + described) if described else ''}{_example(error.schema)}", path


def validate(kind: str, data: Any, path: str, lines: dict[KeyPath, int]) -> list[Problem]:
    """Problems of one file's data against its schema, each with the line of the offending key."""
    if is_valid(kind, data):
        return []
    problems = []
    for error in _validator(kind).iter_errors(data):
        code, message, key_path = _message(error)
        problems.append(Problem(path, line_of(lines, key_path), code, message))
    return problems
