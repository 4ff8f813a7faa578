"""The newsroom's print settings: ``extra.bulletin`` in mkdocs.yml.

mkdocs.yml is the editors' one settings file; print reads only its ``extra.bulletin`` part:
``fonts`` ({role: family}) and ``print`` ({brief_size: points}). An unreadable file means
defaults, never an error here (``bulletin check`` and mkdocs report broken YAML).
"""

from __future__ import annotations

from pathlib import Path

from bulletin.mkdocs_yml import read_mkdocs

BRIEF_SIZES = (16.0, 18.0, 22.0)  # 3号, 小2号, 2号


def bulletin_extra(root: Path) -> dict:
    """``extra.bulletin`` of the newsroom's mkdocs.yml, or {}."""
    data = read_mkdocs(root)
    extra = data.get("extra") if isinstance(data, dict) else None
    section = extra.get("bulletin") if isinstance(extra, dict) else None
    return section if isinstance(section, dict) else {}


def brief_size(root: Path) -> float:
    """Body size of a leader brief: ``extra.bulletin.print.brief_size`` (16, 18 or 22 pt), default 18 (小2号)."""
    options = bulletin_extra(root).get("print")
    value = options.get("brief_size") if isinstance(options, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value) in BRIEF_SIZES:
        return float(value)
    return 18.0


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
    extra = bulletin_extra(root)
    code = extra.get("notice_code")
    numbers = extra.get("notice_numbers")
    return {
        "code": code.strip() if isinstance(code, str) else "",
        "to": "、".join(_names(extra.get("notice_to"))) or "各报送单位",
        "cc": _names(extra.get("notice_cc")),
        "numbers": {str(k): v for k, v in numbers.items() if isinstance(v, int) and not isinstance(v, bool) and v > 0}
        if isinstance(numbers, dict) else {},
    }
