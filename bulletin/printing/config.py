"""The newsroom's print settings: ``extra.bulletin`` in mkdocs.yml.

mkdocs.yml is the editors' one settings file; print reads only its ``extra.bulletin`` part:
``fonts`` ({role: family}) and ``print`` ({brief_size: points}). An unreadable file means
defaults, never an error here (``bulletin check`` and mkdocs report broken YAML).
"""

from __future__ import annotations

from pathlib import Path

from bulletin.mkdocs_yml import bulletin_extra

BRIEF_SIZES = (16.0, 18.0, 22.0)  # 3号, 小2号, 2号


def brief_size(root: Path) -> float:
    """Body size of a leader brief: ``extra.bulletin.print.brief_size`` (16, 18 or 22 pt), default 18 (小2号)."""
    options = bulletin_extra(root).get("print")
    value = options.get("brief_size") if isinstance(options, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value) in BRIEF_SIZES:
        return float(value)
    return 18.0

