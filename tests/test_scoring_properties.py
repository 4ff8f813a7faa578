"""Properties of the assessment that hold for any newsroom.

- A quarter's (and a year's) points are exactly the sum of its months'.
- A joint item's shares add up to what the same item earns for a single unit.
- Ranks agree with points: 1 + the number of active units with more points.
"""

from __future__ import annotations

import tempfile
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from helpers.scoring import SCORING, SERIES, add_issue, add_report, generated_year, units_yaml, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletin.check import run_check
from bulletin.scoring import Ledger, parse_period, score_table

TODAY = date(2026, 12, 31)


@pytest.fixture(scope="module")
def year_ledger(tmp_path_factory) -> Ledger:
    root = tmp_path_factory.mktemp("year")
    generated_year(root, reports=1200, units=12, seed=3)
    result = run_check(root, TODAY)
    assert result.errors == []
    return Ledger(result.newsroom)


def exact_points(ledger: Ledger, period: str) -> dict[str, Fraction]:
    return {r.unit: r.points_exact for r in score_table(ledger, parse_period(period)).rows}


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_quarter_is_sum_of_months(year_ledger, quarter):
    months = [exact_points(year_ledger, f"2026-{m:02d}") for m in range(3 * quarter - 2, 3 * quarter + 1)]
    quarter_points = exact_points(year_ledger, f"2026-Q{quarter}")
    assert quarter_points == {u: sum((m[u] for m in months), Fraction(0)) for u in quarter_points}
    assert any(quarter_points.values())  # the generated year really scores something


def test_year_is_sum_of_quarters_and_counts_add_up(year_ledger):
    quarters = [score_table(year_ledger, parse_period(f"2026-Q{q}")) for q in range(1, 5)]
    year = score_table(year_ledger, parse_period("2026"))
    for row in year.rows:
        parts = [q.row(row.unit) for q in quarters]
        assert row.points_exact == sum(p.points_exact for p in parts)
        assert row.submitted == sum(p.submitted for p in parts)
        assert row.adopted == sum(p.adopted for p in parts)
        assert row.instructions == sum(p.instructions for p in parts)


@pytest.mark.parametrize("period", ["2026-01", "2026-06", "2026-Q2", "2026-Q4", "2026"])
def test_ranks_agree_with_points(year_ledger, period):
    rows = score_table(year_ledger, parse_period(period)).rows
    active = [r for r in rows if r.active]
    assert [r.rank for r in rows if not r.active] == [None]
    for row in active:
        assert row.rank == 1 + sum(other.points > row.points for other in active)
    assert [r.points for r in active] == sorted((r.points for r in active), reverse=True)


# -- joint items -------------------------------------------------------------------------------

adoption = st.fixed_dictionaries({
    "level": st.sampled_from(["city", "province", "national"]),
    "publication": st.sampled_from(["《每日要情》", "《江城信息》", "《要情》"]),
    "date": st.sampled_from(["2026-03-20", "2026-04-02", "2026-05-06"]),
    "kind": st.sampled_from(["default", "special", "brief"]),
})
instruction = st.fixed_dictionaries({
    "leader": st.just("市长 张国华"),
    "level": st.sampled_from(["own", "city", "province", "national"]),
    "date": st.sampled_from(["2026-03-14", "2026-04-03"]),
    "text": st.just("阅。"),
})
features = st.fixed_dictionaries({
    "category": st.sampled_from(["动态", "问题", "调研", "紧急"]),
    "late": st.booleans(),
    "assignment": st.booleans(),
    "issues": st.lists(st.sampled_from(["zwxx", "xxzb", "ldcy"]), unique=True, max_size=3),
    "adopted": st.lists(adoption, max_size=4),
    "instructions": st.lists(instruction, max_size=3),
    "co_units": st.integers(min_value=1, max_value=6),
})


def newsroom_with(root: Path, f: dict, co_units: list[str]) -> Ledger:
    units = [{"id": f"u{i}", "name": f"单位{i}"} for i in range(7)]
    write(root, "scoring.yaml", SCORING)
    write(root, "issues/series.yaml", SERIES)
    write(root, "units.yaml", units_yaml(units))
    write(root, "issues/assignments.yaml", "- {id: yg-1, topic: 约稿, issued: 2026-03-01, due: 2026-03-31, units: all}\n")
    extra: dict = {"adopted": f["adopted"], "instructions": f["instructions"]}
    if co_units:
        extra["co_units"] = co_units
    if f["assignment"]:
        extra["assignment"] = "yg-1"
    if f["category"] == "紧急":
        extra["event_time"] = "2026-03-09T02:00:00+08:00" if f["late"] else "2026-03-09T08:00:00+08:00"
    add_report(root, "r-1", "u0", "2026-03-09T09:00:00+08:00", f["category"], **extra)
    for number, series in enumerate(f["issues"], start=1):
        add_issue(root, series, 2026, number, f"2026-03-{10 + number}", "published", ["r-1"])
    result = run_check(root, date(2026, 4, 30))
    assert result.errors == []
    return Ledger(result.newsroom)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(f=features)
def test_joint_item_shares_sum_to_single_unit_value(f):
    with tempfile.TemporaryDirectory() as single_dir, tempfile.TemporaryDirectory() as joint_dir:
        single = newsroom_with(Path(single_dir), f, [])
        co = [f"u{i}" for i in range(1, f["co_units"] + 1)]
        joint = newsroom_with(Path(joint_dir), f, co)
    alone = [e for e in single.entries if e.report == "r-1"]
    shared = [e for e in joint.entries if e.report == "r-1"]
    assert sum(e.points for e in shared) == sum(e.points for e in alone)
    for rule in {e.rule for e in alone}:
        whole = sum(e.points for e in alone if e.rule == rule)
        for unit in ["u0", *co]:
            assert sum(e.points for e in shared if e.rule == rule and e.unit == unit) == whole / (1 + len(co))
    # and the item counts as submitted (and adopted, when it is) for every unit
    table = score_table(joint, parse_period("2026-03"))
    counts = {(r.submitted, r.adopted) for r in table.rows if r.unit in ["u0", *co]}
    assert len(counts) == 1 and counts.pop()[0] == 1
