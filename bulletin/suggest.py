"""The nearest known id to one written wrongly: ``您是否想写 xfj？`` in every message about an
unknown unit, series, assignment or report, so a typo names its likely intent."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known id most like ``value`` (difflib's ratio of at least 0.6), or None."""
    found = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return found[0] if found else None


def nearest(value: str, known: Iterable[str]) -> str:
    """``您是否想写 xfj？`` for the closest known id, else ""."""
    guess = closest(value, known)
    return f"您是否想写 {guess}？" if guess else ""
