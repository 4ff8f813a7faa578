"""charts: the notices' SVG charts, with round ticks and every label escaped."""

from __future__ import annotations

import pytest

from bulletin.charts import bar_chart, nice_ticks


@pytest.mark.parametrize(("lo", "hi", "ticks"), [
    (0, 9, [0, 2, 4, 6, 8, 10]),
    (-3, 12, [-5, 0, 5, 10, 15]),
    (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
])
def test_ticks_are_one_two_or_five_times_a_power_of_ten(lo, hi, ticks):
    assert nice_ticks(lo, hi) == ticks


def test_a_unit_name_is_text_in_the_chart_never_markup():
    svg = bar_chart("得分", [("<b>甲局</b>", 3.5), ("乙局", -1)])
    assert "&lt;b&gt;甲局&lt;/b&gt;" in svg and "<b>" not in svg
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
