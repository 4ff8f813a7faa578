"""Assessment (考核): every point a unit earns, as a traceable entry, and the table for a period.

The scoring rules (scoring.yaml, docs/assessment.md) are priced here and nowhere else. Points are kept as exact fractions so
that a joint item's shares add up to the whole and a quarter is exactly the sum of its months;
they are rounded (half up, as 四舍五入) only when reported. Each point is an ``Entry`` naming the
unit, the report (or None for unit-level rules), the rule, the date that places it in a period,
the file and line it comes from, and the scoring.yaml line of the rule that priced it.

Choices where the rules are silent (also in docs/assessment.md):
- A published issue's own-level adoption ties (same highest value) are dated by the earliest issue.
- The same ``(level, publication)`` listed twice earns once, at its highest value, earliest date.
- A bonus is dated by the report's first adoption of any kind (the earliest published issue or
  upward adoption).
- The newsroom is scored as of the day of the build: reports submitted, adoptions and instructions
  dated after it are not counted yet ("adopted by the time of the build" read literally), so a
  build with ``--today`` of a past day reproduces that day's table.
- A joint report counts for each of its units when deciding whether a unit answered an assignment.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from bulletin import enums
from bulletin.errors import PeriodError
from bulletin.model import LATE, MISSING, Newsroom, Report
from bulletin.schema import FIRST_YEAR, LAST_YEAR, in_range

# rule id -> Chinese name, in the order an explanation lists them
RULES: dict[str, str] = {
    "own_adoption": "本级采用",
    "upward_adoption": "上级采用",
    "instruction": "领导批示",
    "category_bonus": "类别加分",
    "assignment_bonus": "约稿加分",
    "urgent_late": "紧急信息迟报",
    "assignment_missed": "约稿未报",
    "quota_excess": "超额报送",
    "quota_shortfall": "报送不足",
    "classified": "涉密信息",
}
_CN_QUARTER = {1: "一", 2: "二", 3: "三", 4: "四"}
_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})|[Qq]([1-4])))?$")


@dataclass(frozen=True)
class Period:
    """A month ``2026-10``, quarter ``2026-Q4`` or year ``2026``; ``end`` is inclusive."""

    key: str
    kind: str  # month | quarter | year
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[tuple[int, int]]:
        return [(self.start.year, m) for m in range(self.start.month, self.end.month + 1)]

    @property
    def cn(self) -> str:
        """``2026年10月份`` / ``2026年第四季度`` / ``2026年度``, as a notice title names it."""
        year = self.start.year
        if self.kind == "month":
            return f"{year}年{self.start.month}月份"
        if self.kind == "quarter":
            return f"{year}年第{_CN_QUARTER[(self.start.month + 2) // 3]}季度"
        return f"{year}年度"


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def parse_period(text: str) -> Period:
    """``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``; anything else raises PeriodError in Chinese."""
    match = _PERIOD.match(text.strip()) if isinstance(text, str) else None
    if match is None or (match[2] is not None and not 1 <= int(match[2]) <= 12) or int(match[1]) < 1:
        raise PeriodError(f"考核期间 {text} 写法不对；请写 2026-10（月）、2026-Q4（季度）或 2026（年度）")
    year = int(match[1])
    if not in_range(year):
        raise PeriodError(f"考核期间 {text} 超出 {FIRST_YEAR}–{LAST_YEAR} 年的范围；请写 2026-10（月）、2026-Q4（季度）或 2026（年度）")
    if match[2] is not None:
        month = int(match[2])
        return Period(f"{year:04d}-{month:02d}", "month", date(year, month, 1), _month_end(year, month))
    if match[3] is not None:
        q = int(match[3])
        return Period(f"{year:04d}-Q{q}", "quarter", date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
    return Period(f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31))


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Exact 四舍五入 of a fraction: 0.125 → 0.13, −0.125 → −0.13."""
    scaled = abs(value) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Decimal(whole if value >= 0 else -whole).scaleb(-places)


@dataclass(frozen=True)
class Entry:
    """One traceable share of points: who, for which report, by which rule, when, from where."""

    unit: str
    report: str | None
    rule: str
    day: date
    points: Fraction
    source: str  # file:line of the fact (issue item, adopted entry, instruction, ...)
    basis: str  # scoring.yaml:line of the rule's value
    note: str  # what happened, in Chinese
    split: int = 1  # how many units share the report's points
    subject: str | None = None  # the assignment id, for assignment rules

    @property
    def rule_name(self) -> str:
        return RULES[self.rule]

    @property
    def explained(self) -> str:
        """The note, with the share when a joint report's points are split (notice, workbook, ``bulletin scores --explain``)."""
        return self.note + (f"（{self.split}家联合报送，均分）" if self.split > 1 else "")


@dataclass
class Adoption:
    """An adoption of a report (own or upward), for adopted counts and the notice's item lists."""

    day: date
    note: str


@dataclass
class ReportFacts:
    """What scoring needs of one report, computed once."""

    report: Report
    units: list[str]
    day: date  # of submission, Shanghai time
    adoptions: list[Adoption] = field(default_factory=list)

    @property
    def adopted(self) -> bool:
        return bool(self.adoptions)

    @property
    def first_adoption(self) -> date | None:
        return min((a.day for a in self.adoptions), default=None)


def _fraction(value: object) -> Fraction | None:
    """A scoring.yaml number as an exact fraction (0.5 stays 1/2, never a binary float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


class Ledger:
    """Every entry of the newsroom (quota entries are made per period), and per-report facts."""

    def __init__(self, newsroom: Newsroom):
        self.newsroom = newsroom
        self.today = newsroom.today
        self.scoring = newsroom.scoring
        self.classified = newsroom.classified  # the store's per-unit figures (bulletin.classified_summary)
        self.facts: list[ReportFacts] = []
        self.entries: list[Entry] = []
        self.submissions: dict[tuple[str, int, int], int] = defaultdict(int)
        self.instructions: list[tuple[str, date]] = []
        self._prices: dict[tuple[str, ...], Fraction | None] = {}
        self._bases: dict[tuple[str, ...], str] = {}
        self._adoption = self.scoring.table("adoption")
        self._category_bonus = {
            enums.canonical(enums.CATEGORY, key): key for key in self.scoring.table("bonus", "category")
        }
        for report in sorted(newsroom.reports.values(), key=lambda r: r.src.path):
            self._report(report)
        self._missed_assignments()

    # -- helpers -----------------------------------------------------------------------------

    def _basis(self, *keys: str) -> str:
        if keys not in self._bases:
            self._bases[keys] = f"{self.scoring.src.path}:{self.scoring.src.line(*keys)}"
        return self._bases[keys]

    def _price(self, *keys: str) -> Fraction | None:
        """The value at ``keys`` in scoring.yaml as a fraction (None where absent), looked up once."""
        if keys not in self._prices:
            self._prices[keys] = _fraction(self.scoring.table(*keys[:-1]).get(keys[-1]))
        return self._prices[keys]

    def _split(self, facts: ReportFacts, rule: str, day: date, value: Fraction, source: str, basis: str, note: str,
               subject: str | None = None) -> None:
        """Share ``value`` equally among the report's units, one entry each."""
        if value == 0 or not facts.units:
            return
        share = value / len(facts.units)
        for unit in facts.units:
            self.entries.append(
                Entry(unit, facts.report.id, rule, day, share, source, basis, note, len(facts.units), subject)
            )

    # -- per report ----------------------------------------------------------------------------

    def _happened(self, day: date | None) -> bool:
        """Whether a dated fact has happened by the day of the build."""
        return day is not None and day <= self.today

    def _report(self, report: Report) -> None:
        if not self._happened(report.submitted_day):
            return
        facts = ReportFacts(report, list(dict.fromkeys(report.units)), report.submitted_day)  # type: ignore[arg-type]
        self.facts.append(facts)
        for unit in facts.units:
            self.submissions[(unit, facts.day.year, facts.day.month)] += 1
        self._own_adoption(facts)
        self._upward_adoptions(facts)
        self._instructions(facts)
        self._bonuses(facts)
        self._urgent_late(facts)

    def _own_adoption(self, facts: ReportFacts) -> None:
        """Once per report, at the highest ``adoption.own[kind]`` of its published issues."""
        own = self._adoption.get("own") or {}
        best: tuple[Fraction, date, str, str, str] | None = None
        for issue in facts.report.issues:
            series = self.newsroom.series.get(issue.series or "")
            if not issue.published or not self._happened(issue.date) or series is None:
                continue
            note = f"《{series.name.strip('《》')}》{issue.year}年第{issue.number}期采用"
            facts.adoptions.append(Adoption(issue.date, note))
            key = series.kind if series.kind in own else "default"
            value = self._price("adoption", "own", key)
            if value is None:
                continue
            line = next((i.line for i in issue.items if i.id == facts.report.id), 1)
            candidate = (value, issue.date, f"{issue.src.path}:{line}", self._basis("adoption", "own", key), note)
            if best is None or value > best[0] or (value == best[0] and issue.date < best[1]):
                best = candidate
        if best is not None:
            value, day, source, basis, note = best
            self._split(facts, "own_adoption", day, value, source, basis, note)

    def _upward_adoptions(self, facts: ReportFacts) -> None:
        """Each distinct (level, publication) once, at ``adoption[level][kind]`` or its default."""
        chosen: dict[tuple[str, str], tuple[Fraction, date, int, str]] = {}
        for i, a in enumerate(facts.report.adopted):
            if a.level is None or a.level == "own" or a.publication is None or not self._happened(a.date):
                continue
            level_name = enums.level_name(a.level)
            facts.adoptions.append(Adoption(a.date, f"{level_name}{a.publication}采用"))
            table = self._adoption.get(a.level)
            if not isinstance(table, dict):
                continue
            key = a.kind if a.kind in table else "default"
            value = self._price("adoption", a.level, key)
            if value is None:
                continue
            current = chosen.get((a.level, a.publication))
            if current is None or value > current[0] or (value == current[0] and a.date < current[1]):
                chosen[(a.level, a.publication)] = (value, a.date, i, key)
        for (level, publication), (value, day, i, key) in chosen.items():
            kind = "" if key == "default" else f"，{enums.SERIES_KIND.get(key, key)}"
            self._split(
                facts, "upward_adoption", day, value,
                f"{facts.report.src.path}:{facts.report.src.line('adopted', i)}",
                self._basis("adoption", level, key),
                f"{publication}采用（{enums.level_name(level)}{kind}）",
            )

    def _instructions(self, facts: ReportFacts) -> None:
        for i, ins in enumerate(facts.report.instructions):
            if not self._happened(ins.date):
                continue
            for unit in facts.units:
                self.instructions.append((unit, ins.date))
            value = self._price("instruction", ins.level) if ins.level else None
            if value is None:
                continue
            self._split(
                facts, "instruction", ins.date, value,
                f"{facts.report.src.path}:{facts.report.src.line('instructions', i)}",
                self._basis("instruction", ins.level or ""),
                f"{ins.leader or '领导'}批示（{enums.level_name(ins.level)}）",
            )

    def _bonuses(self, facts: ReportFacts) -> None:
        """Category and assignment bonuses: once per adopted report, dated by its first adoption."""
        first = facts.first_adoption
        if first is None:
            return
        report = facts.report
        key = self._category_bonus.get(report.category)
        value = self._price("bonus", "category", key) if key is not None else None
        if value is not None:
            self._split(
                facts, "category_bonus", first, value,
                f"{report.src.path}:{report.src.line('category')}",
                self._basis("bonus", "category", key), f"{report.category}类稿件被采用",
            )
        value = self._price("bonus", "assignment")
        if report.assignment is not None and value is not None:
            assignment = self.newsroom.assignments.get(report.assignment)
            topic = f"“{assignment.topic}”" if assignment and assignment.topic else report.assignment
            self._split(
                facts, "assignment_bonus", first, value,
                f"{report.src.path}:{report.src.line('assignment')}",
                self._basis("bonus", "assignment"), f"答复约稿{topic}的稿件被采用", subject=report.assignment,
            )

    def _urgent_late(self, facts: ReportFacts) -> None:
        report = facts.report
        window = self.scoring.urgent_window_hours
        hours = report.late_hours(window)
        value = self._price("penalty", "urgent_late")
        if hours is not None and value is not None:
            self._split(
                facts, "urgent_late", facts.day, value,
                f"{report.src.path}:{report.src.line('submitted')}",
                self._basis("penalty", "urgent_late"),
                f"事件发生 {hours:.1f} 小时后报送，超过 {window:g} 小时时限",
            )

    # -- per unit ------------------------------------------------------------------------------

    def _missed_assignments(self) -> None:
        """Each assigned unit with no report for the topic submitted by ``due``, once due has passed."""
        value = self._price("penalty", "assignment_missed")
        if value is None or value == 0:
            return
        units = self.newsroom.units
        for a in self.newsroom.assignments.values():
            if a.due is None or not a.due < self.today:
                continue
            for uid in a.named_units(units):
                answer = a.answer_of(uid, self.today)
                if uid not in units or not answer.missed:
                    continue
                line = a.src.line("units", a.units.index(uid)) if isinstance(a.units, list) else a.src.line("units")
                self.entries.append(
                    Entry(uid, None, "assignment_missed", a.due, value, f"{a.src.path}:{line}",
                          self._basis("penalty", "assignment_missed"),
                          f"约稿“{a.topic}”截至{a.due.month}月{a.due.day}日未报送" if answer.state == MISSING
                          else f"约稿“{a.topic}”{LATE}（截止{a.due.month}月{a.due.day}日）", subject=a.id)
                )

    # -- per period ----------------------------------------------------------------------------
    # Notices are made for every month, quarter and year of the newsroom: each period reads only
    # its own months through these indexes, so a 5-year archive costs five times a year, not 25.

    @cached_property
    def _facts_by_month(self) -> dict[tuple[int, int], list[ReportFacts]]:
        return _by_month(self.facts, lambda f: f.day)

    @cached_property
    def _entries_by_month(self) -> dict[tuple[int, int], list[Entry]]:
        return _by_month(self.entries, lambda e: e.day)

    @cached_property
    def _instructions_by_month(self) -> dict[tuple[int, int], list[tuple[str, date]]]:
        return _by_month(self.instructions, lambda pair: pair[1])

    def facts_of_month(self, year: int, month: int) -> list[ReportFacts]:
        """The facts of reports submitted in one month."""
        return self._facts_by_month.get((year, month), [])

    def facts_in(self, period: Period) -> list[ReportFacts]:
        """The facts of reports submitted in the period, month by month."""
        return [f for year, month in period.months() for f in self.facts_of_month(year, month)]

    def instructions_in(self, period: Period) -> list[tuple[str, date]]:
        """(unit, day) of each leader instruction dated in the period."""
        return [i for month in period.months() for i in self._instructions_by_month.get(month, ())]

    def quota_entries(self, period: Period) -> list[Entry]:
        """Excess and shortfall per active unit per begun month of the period."""
        default = self.scoring.table("quota").get("monthly_default", 4)
        excess = self._price("quota", "excess") or Fraction(0)
        shortfall = self._price("quota", "shortfall") or Fraction(0)
        found = []
        for year, month in period.months():
            start = date(year, month, 1)
            if start > self.today:
                break
            for unit in self.newsroom.units.values():
                if not unit.active:
                    continue
                quota = unit.quota if unit.quota is not None else default
                count = self.submissions.get((unit.id, year, month), 0)
                if count == quota:
                    continue
                rule, value = ("quota_excess", excess) if count > quota else ("quota_shortfall", shortfall)
                if value == 0:
                    continue
                # the unit's own quota line, or its entry in units.yaml when the default applies
                source = f"{unit.src.path}:{unit.src.line('quota' if unit.quota is not None else 'id')}"
                basis = self._basis("quota", rule.removeprefix("quota_"))
                found.append(
                    Entry(unit.id, None, rule, start, value * abs(count - quota), source, basis,
                          f"{year}年{month}月报送 {count} 条，定额 {quota} 条")
                )
        return found

    def entries_in(self, period: Period) -> list[Entry]:
        """Every entry dated in the period, quota included, in a stable order."""
        found = [e for month in period.months() for e in self._entries_by_month.get(month, ())]
        found += self.quota_entries(period)
        order = list(RULES)
        return sorted(found, key=lambda e: (e.unit, e.day, order.index(e.rule), e.report or "", e.source))


@dataclass
class Row:
    unit: str
    name: str
    active: bool
    submitted: int
    adopted: int
    instructions: int
    points_exact: Fraction
    rank: int | None = None

    @property
    def points(self) -> Decimal:
        return round_half_up(self.points_exact, 2)

    @property
    def adoption_rate(self) -> Decimal:
        if not self.submitted:
            return Decimal(0).scaleb(-4)
        return round_half_up(Fraction(self.adopted, self.submitted), 4)

    def as_json(self) -> dict:
        return {
            "unit": self.unit,
            "name": self.name,
            "submitted": self.submitted,
            "adopted": self.adopted,
            "adoption_rate": float(self.adoption_rate),
            "instructions": self.instructions,
            "points": float(self.points),
            "rank": self.rank,
        }


@dataclass
class ScoreTable:
    period: Period
    rows: list[Row]
    entries: list[Entry]

    def row(self, unit: str) -> Row | None:
        return next((r for r in self.rows if r.unit == unit), None)

    def entries_of(self, unit: str) -> list[Entry]:
        return [e for e in self.entries if e.unit == unit]

    def as_json(self) -> dict:
        return {"period": self.period.key, "units": [r.as_json() for r in self.rows]}


def _by_month(things, day_of) -> dict:
    """``things`` grouped by the (year, month) of their day, each group in the original order."""
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for thing in things:
        day = day_of(thing)
        groups[(day.year, day.month)].append(thing)
    return dict(groups)


def score_table(ledger: Ledger, period: Period) -> ScoreTable:
    """Every unit of units.yaml with its counts, points and rank for the period."""
    entries = ledger.entries_in(period)
    points: dict[str, Fraction] = defaultdict(Fraction)
    for e in entries:
        points[e.unit] += e.points
    submitted: dict[str, int] = defaultdict(int)
    adopted: dict[str, int] = defaultdict(int)
    for f in ledger.facts_in(period):
        is_adopted = f.adopted
        for unit in f.units:
            submitted[unit] += 1
            adopted[unit] += is_adopted
    instructions: dict[str, int] = defaultdict(int)
    for unit, _day in ledger.instructions_in(period):
        instructions[unit] += 1
    for unit, figures in (ledger.classified.figures(period) if ledger.classified is not None else {}).items():
        # the store's items, as numbers only: no report, title or date crosses the boundary
        submitted[unit] += figures.submitted
        adopted[unit] += figures.adopted
        instructions[unit] += figures.instructions
        points[unit] += figures.points
        entries.append(Entry(unit, None, "classified", period.start, figures.points, "、".join(figures.sources), "",
                             figures.note))
    rows = [
        Row(u.id, u.name, u.active, submitted[u.id], adopted[u.id], instructions[u.id], points[u.id])
        for u in ledger.newsroom.units.values()
    ]
    _rank(rows)
    return ScoreTable(period, rows, entries)


def _rank(rows: list[Row]) -> None:
    """Competition ranking (1, 2, 2, 4) of active units by reported points; inactive last, unranked."""
    index = {r.unit: i for i, r in enumerate(rows)}
    active = sorted((r for r in rows if r.active), key=lambda r: (-r.points, index[r.unit]))
    for position, row in enumerate(active):
        previous = active[position - 1] if position else None
        row.rank = previous.rank if previous is not None and previous.points == row.points else position + 1
    inactive = [r for r in rows if not r.active]
    rows[:] = active + inactive


def scores(newsroom: Newsroom, period: str | Period) -> ScoreTable:
    """The assessment table for one period (convenience for callers with a single period)."""
    return score_table(Ledger(newsroom), period if isinstance(period, Period) else parse_period(period))
