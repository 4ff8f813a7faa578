"""Scores across the boundary: the store's assessment figures as per-unit numbers only.

The only thing that travels from the isolated machine to the networked newsroom is one file per
period, ``classified-summary/<period>.yaml``: for each unit the reports submitted, adopted,
leader instructions and points that the store adds to the newsroom's own computation — nothing
else (no title, id, date or text). Added to the newsroom's computation (as 涉密信息 lines), they
give exactly the complete computation's counts, points and ranking.

The figures are a difference: complete (newsroom and store) minus the newsroom alone, per unit.
That also carries what a stored issue adds to a newsroom report (its adoption), and the quota
effects of the store's submissions. Points are exact: a decimal when the fraction ends, else a
fraction such as ``7/3``. A quarter or year without its own file adds up its months' files.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path

from bulletin import schema
from bulletin.errors import LoadProblem
from bulletin.load import load_yaml_file
from bulletin.model import Newsroom
from bulletin.problems import Problem
from bulletin.scoring import Ledger, Period, PeriodError, ScoreTable, parse_period, score_table

FOLDER = "classified-summary"
KIND = "classified-summary"
SOURCE = "涉密库"
# Every line the file may have: what the export writes, nothing more (no comments, no text).
_LINES = re.compile(
    r"^(units:( \[\])?"
    r"|  - unit: [A-Za-z0-9][A-Za-z0-9_-]*"
    r"|    (submitted|adopted|instructions): [0-9]+"
    r"|    points: -?[0-9]+(\.[0-9]+|/[1-9][0-9]*)?)$"
)


@dataclass
class Figures:
    """What the store adds to one unit's row for a period."""

    submitted: int = 0
    adopted: int = 0
    instructions: int = 0
    points: Fraction = Fraction(0)
    sources: list[str] = field(default_factory=list)  # file:line of each figure's entry

    def add(self, other: Figures) -> None:
        self.submitted += other.submitted
        self.adopted += other.adopted
        self.instructions += other.instructions
        self.points += other.points
        self.sources += other.sources

    @property
    def empty(self) -> bool:
        return not (self.submitted or self.adopted or self.instructions or self.points)

    @property
    def note(self) -> str:
        return (f"涉密信息报送 {self.submitted} 条、采用 {self.adopted} 条、批示 {self.instructions} 次"
                "（只计数字，明细在涉密库）")


def difference(complete: ScoreTable, alone: ScoreTable) -> dict[str, Figures]:
    """Per unit, what the complete table has beyond the newsroom's own (units with none left out)."""
    found = {}
    for row in complete.rows:
        own = alone.row(row.unit)
        if own is None:
            continue
        figures = Figures(row.submitted - own.submitted, row.adopted - own.adopted,
                          row.instructions - own.instructions, row.points_exact - own.points_exact, [SOURCE])
        if not figures.empty:
            found[row.unit] = figures
    return found


class StoreFigures:
    """Beside the store: the figures computed from both folders (what an export would write)."""

    def __init__(self, complete: Newsroom, alone: Newsroom):
        self.complete = complete
        self.alone = alone
        self._known: dict[str, dict[str, Figures]] = {}

    @cached_property
    def _ledgers(self) -> tuple[Ledger, Ledger]:
        raw = Ledger(self.alone)
        raw.classified = None  # the newsroom's own computation, without these very figures
        return Ledger(self.complete), raw

    def figures(self, period: Period) -> dict[str, Figures]:
        if period.key not in self._known:  # notices ask for each month of every trend
            full, raw = self._ledgers
            self._known[period.key] = difference(score_table(full, period), score_table(raw, period))
        return self._known[period.key]


class SummaryFigures:
    """On the networked machine: the figures of the carried ``classified-summary/`` files."""

    def __init__(self, files: dict[str, dict[str, Figures]]):
        self.files = files

    def figures(self, period: Period) -> dict[str, Figures]:
        if period.key in self.files:
            return self.files[period.key]
        found: dict[str, Figures] = defaultdict(Figures)
        if period.kind != "month":
            for year, month in period.months():
                for unit, figures in self.files.get(f"{year:04d}-{month:02d}", {}).items():
                    found[unit].add(figures)
        return dict(found)


# -- the file --------------------------------------------------------------------------------------


def points_text(value: Fraction) -> str:
    """Exact points: ``3.5``, ``-1``, or ``7/3`` when no short decimal is exact."""
    for places in range(13):
        scaled = value * 10**places
        if scaled.denominator == 1:
            digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
            text = f"{digits[:-places]}.{digits[-places:]}" if places else digits
            return ("-" if value < 0 else "") + text
    return f"{value.numerator}/{value.denominator}"


def summary_text(figures: dict[str, Figures], unit_order: list[str]) -> str:
    """The file's text: per-unit numbers in units.yaml order, and nothing else."""
    units = [u for u in unit_order if u in figures]
    if not units:
        return "units: []\n"
    lines = ["units:"]
    for unit in units:
        f = figures[unit]
        lines += [f"  - unit: {unit}", f"    submitted: {f.submitted}", f"    adopted: {f.adopted}",
                  f"    instructions: {f.instructions}", f"    points: {points_text(f.points)}"]
    return "\n".join(lines) + "\n"


def export(complete: Newsroom, alone: Newsroom, period: Period) -> str:
    return summary_text(StoreFigures(complete, alone).figures(period), list(complete.units))


def _points(value: object) -> Fraction:
    return Fraction(value) if isinstance(value, str) else Fraction(str(value))


def _read(root: Path, rel: str, units: set[str]) -> tuple[dict[str, Figures], list[Problem]]:
    """One file's figures, or the problems that refuse it (then it adds nothing)."""
    try:
        doc = load_yaml_file(root, rel)
    except LoadProblem as exc:
        return {}, [exc.problem]
    text = doc.digest_source.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    for number, line in enumerate(text.split("\n"), 1):
        if line and not _LINES.match(line):
            return {}, [Problem(rel, number, "E239",
                                "涉密信息汇总只能有各单位的数字（unit、submitted、adopted、instructions、points），"
                                "不能有注释、标题、id、日期或其他文字；请删去这一行，或在涉密库所在的计算机上重新导出")]
    problems = schema.validate(KIND, doc.data, rel, doc.lines)
    if problems:
        return {}, problems
    found: dict[str, Figures] = {}
    for i, raw in enumerate(doc.data["units"]):
        line = doc.lines.get(("units", i, "unit"), 1)
        unit = raw["unit"]
        if unit not in units:
            problems.append(Problem(rel, line, "E203", f"单位 {unit} 不在 units.yaml 中；请在涉密库所在的计算机上重新导出"))
        elif unit in found:
            problems.append(Problem(rel, line, "E218", f"单位 {unit} 写了两次；每个单位只能写一次"))
        else:
            found[unit] = Figures(raw["submitted"], raw["adopted"], raw["instructions"], _points(raw["points"]),
                                  [f"{rel}:{line}"])
    return ({}, problems) if problems else (found, [])


def load_summaries(root: Path, units: set[str]) -> tuple[SummaryFigures | None, list[Problem]]:
    """The newsroom's ``classified-summary/`` files, each checked; None when there are none."""
    folder = root / FOLDER
    if not folder.is_dir():
        return None, []
    files: dict[str, dict[str, Figures]] = {}
    problems: list[Problem] = []
    for name in sorted(os.listdir(folder)):
        rel = f"{FOLDER}/{name}"
        if name.startswith("."):
            continue
        key = name.removesuffix(".yaml")
        try:
            period = parse_period(key) if name.endswith(".yaml") else None
        except PeriodError:
            period = None
        if period is None or period.key != key or not (folder / name).is_file():
            problems.append(Problem(rel, 1, "E239", f"{FOLDER}/ 只放导出的汇总文件 <期间>.yaml（如 2026-10.yaml、2026-Q4.yaml、"
                                                    f"2026.yaml）；请删去或改名 {name}"))
            continue
        figures, found = _read(root, rel, units)
        problems += found
        if not found:
            files[key] = figures
    return (SummaryFigures(files) if files else None), problems
