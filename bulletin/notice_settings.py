"""The monthly notice's 公文 settings: ``extra.bulletin.notice_*`` in mkdocs.yml.

Read by the notices (``bulletin.notices``) and checked by ``bulletin check`` (W380). Kept apart
from the print package so that checking imports nothing of the printing stack.
"""

from __future__ import annotations

import re
from pathlib import Path

from bulletin.mkdocs_yml import bulletin_extra
from bulletin.problems import Problem


def _names(value: object) -> list[str]:
    """A list of names from a YAML list or a 、/，-separated string; anything else gives none."""
    if isinstance(value, str):
        value = value.replace("，", "、").replace(",", "、").split("、")
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def notice_settings(root: Path) -> dict:
    """What the monthly notice's 公文 parts read from ``extra.bulletin``.

    ``notice_code`` (机关代字, e.g. 江政办信) gives the 发文字号 ``江政办信〔2026〕11号``; without it the
    notice prints no 发文字号. ``notice_to`` is the 主送 (default 各报送单位), ``notice_cc`` the 抄送
    list of the 版记, ``notice_numbers`` ({period: number}) the register of numbers already issued,
    which win over the numbers counted in order of the year's notices.
    """
    extra = {k: v for k, v in bulletin_extra(root).items() if k in NOTICE_KEYS and not _notice_setting_error(k, v)}
    return {
        "code": str(extra.get("notice_code", "")).strip(),
        "to": "、".join(_names(extra.get("notice_to"))) or "各报送单位",
        "cc": _names(extra.get("notice_cc")),
        "numbers": {str(k): v for k, v in extra.get("notice_numbers", {}).items()},
    }


NOTICE_KEYS = ("notice_code", "notice_to", "notice_cc", "notice_numbers")
_PERIOD_KEY = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")


def _line_of(root: Path, key: str) -> int:
    try:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")  # read and capped by read_mkdocs first
    except (OSError, UnicodeDecodeError):
        return 1
    match = re.search(rf"^\s*{key}\s*:", text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else 1


def _notice_setting_error(key: str, value: object) -> str | None:
    """What is wrong with one notice setting, in words an editor can act on; None when it is right."""
    if key == "notice_code" and not (isinstance(value, str) and value.strip() and len(value) <= 20
                                     and not any(ch in value for ch in "〔〕[]（）() ")):
        return "extra.bulletin.notice_code 应写机关代字（不超过 20 字，不带年份和括号），例如 notice_code: 江政办信"
    if key in ("notice_to", "notice_cc") and not _names(value):
        return f"extra.bulletin.{key} 应写单位名称，例如 {key}: [市委办公室, 市人大常委会办公室]"
    if key == "notice_numbers":
        good = isinstance(value, dict) and all(
            _PERIOD_KEY.match(str(k)) and isinstance(v, int) and not isinstance(v, bool) and 0 < v < 10000
            for k, v in value.items())
        if not good:
            return "extra.bulletin.notice_numbers 应写已印发通报的期间和文号序号，例如 notice_numbers: {2026-11: 12, 2026-Q3: 10}"
    return None


def notice_problems(root: Path) -> list[Problem]:
    """W380 for each notice setting in mkdocs.yml that cannot be used (the notice is built without it)."""
    extra = bulletin_extra(root)
    found = []
    for key in NOTICE_KEYS:
        if key in extra:
            message = _notice_setting_error(key, extra[key])
            if message:
                found.append(Problem("mkdocs.yml", _line_of(root, key), "W380", message + "；现按未设置处理"))
    return found
