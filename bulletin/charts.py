"""SVG charts made at build time for the notices: points by unit, and the monthly trend.

Geometry is computed here and drawn by templates in ``templates/notice``; coordinates are
rounded to one decimal so that the same numbers always give the same bytes. Labels are Chinese
and the text uses the CJK fonts a reader's browser has (Noto CJK on the build machine).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment

from bulletin import templating

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
POSITIVE = "#c0392b"
NEGATIVE = "#7f8c8d"
SERIES_COLORS = ("#c0392b", "#2c6fbb", "#3c8d40")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The chart templates (``*.svg`` in templates/notice), with every label escaped."""
    return templating.environment("notice", ("svg",))


def _r(value: float) -> float:
    return round(value + 0.0, 1)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × 10ⁿ apart) covering ``lo``..``hi``."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    value = first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < hi:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


@dataclass
class _Bar:
    label: str
    value: str
    x: float
    y: float
    w: float
    text_y: float
    color: str


def bar_chart(title: str, bars: list[tuple[str, float]]) -> str:
    """Horizontal bars, one per unit, from a zero line (negative points go left)."""
    width, label_w, value_w, row, bar_h, top = 760, 250, 70, 24, 15, 40
    values = [v for _, v in bars] or [0.0]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    lo, hi = ticks[0], ticks[-1]
    plot_left, plot_right = label_w + 10, width - value_w
    scale = (plot_right - plot_left) / (hi - lo)
    zero_x = plot_left + (0 - lo) * scale
    drawn = []
    for i, (label, value) in enumerate(bars):
        y = top + i * row
        x = zero_x if value >= 0 else zero_x + value * scale
        drawn.append(_Bar(label, _number(value), _r(x), _r(y), _r(abs(value) * scale), _r(y + bar_h - 2),
                          POSITIVE if value >= 0 else NEGATIVE))
    bottom = top + max(len(bars), 1) * row
    chart = {
        "title": title, "font": FONT, "width": width, "height": bottom + 44, "top": top, "bottom": bottom,
        "bar_h": bar_h, "label_right": label_w, "value_x": width - 6, "zero_x": _r(zero_x),
        "ticks": [{"x": _r(plot_left + (t - lo) * scale), "label": _number(t)} for t in ticks],
        "bars": drawn,
    }
    return _environment().get_template("bar.svg").render(c=chart)


def trend_chart(title: str, months: list[str], series: list[tuple[str, list[int]]]) -> str:
    """Lines of monthly counts (报送, 采用 …) over the months given, labelled in Chinese."""
    width, height, left, right_pad, top, bottom_pad = 760, 300, 56, 24, 56, 44
    right, bottom = width - right_pad, height - bottom_pad
    peak = max([0, *(v for _, values in series for v in values)])
    ticks = nice_ticks(0, max(peak, 1), 4)
    scale = (bottom - top) / ticks[-1]
    step = (right - left) / max(len(months), 1)
    xs = [left + step * (i + 0.5) for i in range(len(months))]
    lines = []
    for n, (name, values) in enumerate(series):
        dots = [{"x": _r(x), "y": _r(bottom - v * scale), "value": v, "month": m} for x, v, m in zip(xs, values, months, strict=True)]
        lines.append({
            "name": name, "color": SERIES_COLORS[n % len(SERIES_COLORS)], "dots": dots,
            "points": " ".join(f"{d['x']},{d['y']}" for d in dots), "legend_x": right - 90 * (len(series) - n),
        })
    chart = {
        "title": title, "font": FONT, "width": width, "height": height, "left": left, "right": right,
        "top": top, "bottom": bottom, "series": lines,
        "ticks": [{"y": _r(bottom - t * scale), "label": _number(t)} for t in ticks],
        "months": [{"x": _r(x), "label": m} for x, m in zip(xs, months, strict=True)],
    }
    return _environment().get_template("trend.svg").render(c=chart)
