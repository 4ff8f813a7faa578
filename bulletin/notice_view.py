"""Notices (通报) as data: the assessment of each month with data, each quarter and each year.

``notice_view`` turns the model and its score ledger into one ``Notice`` per period, plain
data that ``bulletin.notices`` renders. A notice names report titles, so what each output may
show is decided here: the PDF and the workbook (internal office documents) show every title
except classified ones; the intranet pages show only titles of items the intranet view holds,
as the leak gate expects. Everything is dated by the day of the build, never the clock.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path

from bulletin.dates import local
from bulletin.model import Newsroom, Report
from bulletin.notice_settings import notice_settings
from bulletin.scoring import Entry, Ledger, Period, ScoreTable, parse_period, round_half_up, score_table
from bulletin.views import INTRANET, site_view

DORMANT_MONTHS = 3
TREND_MONTHS = 12


# -- what a notice holds -------------------------------------------------------------------------


@dataclass
class Line:
    """One scoring entry as a notice shows it."""

    day: date
    rule: str
    points: Decimal
    note: str
    source: str  # file:line
    basis: str
    where: str = ""  # the source as a reader names it: 《政务信息》2026年第44期, else what happened


@dataclass
class Item:
    """A report that earned points for a unit in the period, with where each point came from."""

    report: str
    title: str
    lines: list[Line]


@dataclass
class Withheld:
    """Points a unit earned with reports the audience may not see: a count and a sum, nothing else."""

    rule: str
    entries: int
    points: Decimal


@dataclass
class UnitSection:
    unit: str
    name: str
    points: Decimal
    items: list[Item]
    other: list[Line]  # quota and missed assignments: points not tied to one report
    withheld_reports: int = 0
    withheld: list[Withheld] = field(default_factory=list)


@dataclass
class Dormant:
    name: str
    months: int
    last: date | None


@dataclass
class Late:
    report: str
    title: str
    units: str
    event: datetime
    submitted: datetime
    hours: str
    points: Decimal


@dataclass
class Missed:
    topic: str
    due: date
    unit: str
    points: Decimal
    state: str  # 逾期报送 or 未报送: the word the intranet's assignment page shows too


@dataclass
class Concentration:
    """Share of the period's submissions sent by the top fifth of active units (by submissions)."""

    active: int
    top: int
    names: list[str]
    top_count: int
    total: int

    @property
    def share(self) -> Decimal:
        return round_half_up(Fraction(self.top_count * 100, self.total), 2) if self.total else Decimal("0.00")


@dataclass
class Totals:
    """The period's figures, each report counted once (a joint report is one report).

    ``submitted`` is the one total every part of a notice uses; it counts the reports of units
    since made inactive too, ``inactive`` of them.
    """

    units_reporting: int
    submitted: int
    adopted: int
    instructions: int
    inactive: int = 0

    @property
    def rate(self) -> Decimal:
        return round_half_up(Fraction(self.adopted * 100, self.submitted), 2) if self.submitted else Decimal("0.00")


@dataclass
class Standing:
    """One unit's line of a period's ranking, as the notice, the workbook and ``bulletin scores`` show it."""

    unit: str
    name: str
    rank: int | None  # None: the unit is inactive (停用), listed without a rank
    submitted: int
    adopted: int
    adoption_rate: Decimal  # a fraction to four places
    instructions: int
    points: Decimal  # to two places


@dataclass
class EntryLine:
    """One scoring entry as a worksheet lists it: the unit's name, the rule's name and the source as
    readers name them; ``points`` is the exact share (a joint report's points split) as a number."""

    unit: str
    unit_name: str
    day: date
    rule: str
    report: str  # empty for points not tied to one report (quota, assignments)
    points: float
    where: str
    note: str
    source: str  # file:line
    basis: str  # scoring.yaml:line


@dataclass
class ScoreView:
    """A period's ranking and every entry behind it, as plain data for the renderers (notices,
    workbooks, CSV): they never read the scoring ledger itself."""

    rows: list[Standing]
    entries: list[EntryLine]

    def for_unit(self, unit: str) -> ScoreView:
        """Only the ranking line and entries of one unit (``bulletin scores --unit``)."""
        return ScoreView([r for r in self.rows if r.unit == unit], [e for e in self.entries if e.unit == unit])


def score_view(table: ScoreTable, labels: dict[str, str]) -> ScoreView:
    """The score table as plain data; ``labels`` (``issue_labels``) name the issues points came from."""
    rows = [Standing(r.unit, r.name, r.rank, r.submitted, r.adopted, r.adoption_rate, r.instructions, r.points)
            for r in table.rows]
    names = {r.unit: r.name for r in table.rows}
    entries = [EntryLine(e.unit, names.get(e.unit, e.unit), e.day, e.rule_name, e.report or "", float(e.points),
                         source_label(e, labels), e.explained, e.source, e.basis)
               for e in table.entries]
    return ScoreView(rows, entries)


@dataclass
class Notice:
    period: Period
    title: str
    issuer: str
    day: date
    table: ScoreView
    totals: Totals
    sections: list[UnitSection]
    dormant: list[Dormant]
    late: list[Late]
    missed: list[Missed]
    concentration: Concentration
    trend: list[tuple[str, int, int]]  # (month label, submitted, adopted)
    late_withheld: int = 0
    doc_number: str = ""  # 发文字号, 江政办信〔2026〕11号; empty without extra.bulletin.notice_code
    to: str = "各报送单位"  # 主送
    cc: list[str] = field(default_factory=list)  # 抄送, in the 版记

    def for_audience(self, held: set[str]) -> Notice:
        """The notice as an audience holding only the reports ``held`` may read it.

        Of every other report (classified, draft-only, rejected, never issued) nothing remains
        but counts and points: no title, id, date, publication, leader or source line. The
        intranet pages are rendered from this copy, so no template decides what it may show.
        """
        sections = [_section_for(s, held) for s in self.sections]
        late = [x for x in self.late if x.report in held]
        table = ScoreView(self.table.rows, [e for e in self.table.entries if not e.report or e.report in held])
        return replace(self, table=table, sections=sections, late=late, late_withheld=len(self.late) - len(late))

    @property
    def leaders(self) -> list[str]:
        """Names of the units ranked first to third (ties included)."""
        return [r.name for r in self.table.rows if r.rank is not None and r.rank <= 3]


def _section_for(section: UnitSection, held: set[str]) -> UnitSection:
    shown = [i for i in section.items if i.report in held]
    hidden = [i for i in section.items if i.report not in held]
    sums: dict[str, list] = {}
    for line in (line for item in hidden for line in item.lines):
        total = sums.setdefault(line.rule, [0, Decimal("0")])
        total[0] += 1
        total[1] += line.points
    withheld = [Withheld(rule, count, points) for rule, (count, points) in sums.items()]
    return replace(section, items=shown, withheld_reports=section.withheld_reports + len(hidden),
                   withheld=section.withheld + withheld)


def notice_title(period: Period) -> str:
    return f"关于{period.cn}政务信息报送采用情况的通报"


class NoticeMaker:
    """Builds notices for any period of one newsroom, sharing one ledger."""

    def __init__(self, newsroom: Newsroom, title_of: Callable[[Report], str], issuer: str):
        self.newsroom = newsroom
        self.ledger = Ledger(newsroom)
        self.title_of = title_of
        self.issuer = issuer
        self.names = {uid: u.name for uid, u in newsroom.units.items()}
        self.adoption_days: dict[str, list[date]] = defaultdict(list)
        for f in self.ledger.facts:
            for unit in f.units:
                self.adoption_days[unit].extend(a.day for a in f.adoptions)
        self.first_month = min(((f.day.year, f.day.month) for f in self.ledger.facts), default=None)
        self.labels = issue_labels(newsroom)

    @cached_property
    def _instruction_days(self) -> dict[tuple[int, int], list[date]]:
        """The day of every leader instruction given by today, by month (for the totals)."""
        days: dict[tuple[int, int], list[date]] = defaultdict(list)
        for f in self.ledger.facts:
            for i in f.report.instructions:
                if i.date is not None and i.date <= self.newsroom.today:
                    days[(i.date.year, i.date.month)].append(i.date)
        return days

    def periods(self) -> list[Period]:
        """Each month with data (begun by the day of the build), each quarter and year containing one."""
        today = self.newsroom.today
        months = {(f.day.year, f.day.month) for f in self.ledger.facts}
        months |= {(e.day.year, e.day.month) for e in self.ledger.entries}
        months = {m for m in months if m <= (today.year, today.month)}
        keys = {f"{y:04d}-{m:02d}" for y, m in months}
        keys |= {f"{y:04d}-Q{(m + 2) // 3}" for y, m in months}
        keys |= {f"{y:04d}" for y, _ in months}
        return sorted((parse_period(k) for k in keys), key=lambda p: (p.start, -p.end.toordinal()))

    def notice(self, period: Period) -> Notice:
        table = score_table(self.ledger, period)
        return Notice(
            period=period,
            title=notice_title(period),
            issuer=self.issuer,
            day=self.newsroom.today,
            table=score_view(table, self.labels),
            totals=self._totals(period, table),
            sections=self._sections(table),
            dormant=self._dormant(period),
            late=self._late(table),
            missed=self._missed(table),
            concentration=self._concentration(period, table),
            trend=self._trend(period),
        )

    # -- parts -----------------------------------------------------------------------------------

    def _report(self, rid: str) -> Report:
        return self.newsroom.reports[rid]

    def _totals(self, period: Period, table: ScoreTable) -> Totals:
        facts = self.ledger.facts_in(period)
        instructions = sum(len(self._instruction_days.get(month, ())) for month in period.months())
        extra = self._classified(period)
        inactive = {uid for uid, u in self.newsroom.units.items() if not u.active}
        return Totals(sum(1 for r in table.rows if r.submitted), self._submitted(period),
                      sum(f.adopted for f in facts) + sum(f.adopted for f in extra),
                      instructions + sum(f.instructions for f in extra),
                      sum(1 for f in facts if f.units and set(f.units) <= inactive))

    def _submitted(self, period: Period, units: set[str] | None = None) -> int:
        """Reports submitted in the period (by ``units`` when given), each counted once, with the
        store's classified figures: the one total of a notice."""
        facts = self.ledger.facts_in(period)
        figures = self.ledger.classified.figures(period) if self.ledger.classified is not None else {}
        own = sum(1 for f in facts if units is None or units & set(f.units))
        return own + sum(fig.submitted for unit, fig in figures.items() if units is None or unit in units)

    def _classified(self, period: Period) -> list:
        """The store's per-unit figures for the period (bulletin.classified_summary), if any."""
        return list(self.ledger.classified.figures(period).values()) if self.ledger.classified is not None else []

    def _sections(self, table: ScoreTable) -> list[UnitSection]:
        sections = []
        for row in table.rows:
            entries = table.entries_of(row.unit)
            if not entries:
                continue
            items: dict[str, Item] = {}
            other: list[Line] = []
            for e in entries:
                line = Line(e.day, e.rule_name, round_half_up(e.points, 2),
                            e.explained, e.source, e.basis, source_label(e, self.labels))
                if e.report is None:
                    other.append(line)
                    continue
                if e.report not in items:
                    items[e.report] = Item(e.report, self.title_of(self._report(e.report)), [])
                items[e.report].lines.append(line)
            ordered = sorted(items.values(), key=lambda i: (min(x.day for x in i.lines), i.report))
            sections.append(UnitSection(row.unit, row.name, row.points, ordered, other))
        return sections

    def _dormant(self, period: Period) -> list[Dormant]:
        """Active units with no adoption in the last three (or more) months up to the period's end."""
        if self.first_month is None:
            return []
        ref = min(period.end, self.newsroom.today)
        ref_index = ref.year * 12 + ref.month - 1
        found = []
        for unit in self.newsroom.units.values():
            if not unit.active:
                continue
            last = max((d for d in self.adoption_days[unit.id] if d <= ref), default=None)
            if last is not None:
                start = last.year * 12 + last.month  # the month after the last adoption
            else:
                start = self.first_month[0] * 12 + self.first_month[1] - 1
            months = ref_index - start + 1
            if months >= DORMANT_MONTHS:
                found.append(Dormant(unit.name, months, last))
        return sorted(found, key=lambda d: -d.months)

    def _late(self, table: ScoreTable) -> list[Late]:
        found: dict[str, Late] = {}
        for e in table.entries:
            if e.rule != "urgent_late" or e.report in found:
                continue
            r = self._report(e.report or "")
            hours = r.late_hours(self.newsroom.scoring.urgent_window_hours)
            total = sum(x.points for x in table.entries if x.rule == "urgent_late" and x.report == r.id)
            found[r.id] = Late(r.id, self.title_of(r), "、".join(self.names.get(u, u) for u in dict.fromkeys(r.units)),
                               local(r.event_time), local(r.submitted), f"{hours:.1f}",  # type: ignore[arg-type]
                               round_half_up(total, 2))
        return sorted(found.values(), key=lambda x: (x.submitted, x.report))

    def _missed(self, table: ScoreTable) -> list[Missed]:
        found = []
        for e in table.entries:
            if e.rule == "assignment_missed":
                a = self.newsroom.assignments[e.subject or ""]
                state = a.answer_of(e.unit, self.newsroom.today).state
                found.append(Missed(a.topic, e.day, self.names.get(e.unit, e.unit), round_half_up(e.points, 2), state))
        return sorted(found, key=lambda m: (m.due, m.topic))

    def _concentration(self, period: Period, table: ScoreTable) -> Concentration:
        """The top fifth of active units by submissions, and their share of the notice's one total
        (each report once, inactive units' reports included, as in the overview)."""
        active = [r for r in table.rows if r.active]
        top = math.ceil(len(active) / 5)
        order = {uid: i for i, uid in enumerate(self.newsroom.units)}
        ranked = sorted(active, key=lambda r: (-r.submitted, order[r.unit]))[:top]
        return Concentration(len(active), top, [r.name for r in ranked],
                             self._submitted(period, {r.unit for r in ranked}), self._submitted(period))

    def _trend(self, period: Period) -> list[tuple[str, int, int]]:
        """Submitted and adopted reports per month: up to 12 months ending with the period."""
        if self.first_month is None:
            return []
        end = min(period.end, self.newsroom.today)
        last = end.year * 12 + end.month - 1
        first = max(last - TREND_MONTHS + 1, self.first_month[0] * 12 + self.first_month[1] - 1)
        counts: dict[int, list[int]] = {m: [0, 0] for m in range(first, last + 1)}
        for index, count in counts.items():
            year, month = divmod(index, 12)
            for f in self.ledger.facts_of_month(year, month + 1):
                count[0] += 1
                count[1] += f.adopted
            for figures in self._classified(parse_period(f"{year:04d}-{month + 1:02d}")):
                count[0] += figures.submitted
                count[1] += figures.adopted
        trend = []
        for index, (submitted, adopted) in counts.items():
            year, month = divmod(index, 12)
            label = f"{year}年{month + 1}月" if index == first or month == 0 else f"{month + 1}月"
            trend.append((label, submitted, adopted))
        return trend


# -- outputs -------------------------------------------------------------------------------------


def issue_labels(newsroom: Newsroom) -> dict[str, str]:
    """``issues/zwxx/2026/044.yaml`` → ``《政务信息》2026年第44期``: issues as readers name them."""
    def name(series: str | None) -> str:
        known = newsroom.series.get(series or "")
        return "《" + (known.name if known else series or "").strip().strip("《》") + "》"

    return {i.src.path: f"{name(i.series)}{i.year}年第{i.number}期"
            for i in newsroom.issues if i.number is not None and i.year is not None}


def source_label(entry: Entry, labels: dict[str, str]) -> str:
    """Where a point came from, as a reader names it: ``《政务信息》2026年第44期`` for an issue's
    item, else what happened (the entry's note); the file and line go to their own column."""
    path = entry.source.rsplit(":", 1)[0]
    return labels.get(path) or entry.note


def doc_numbers(periods: list[Period], code: str, register: dict[str, int]) -> dict[str, str]:
    """发文字号 of each period's notice: ``<code>〔YYYY〕N号``, N counting the year's notices in order
    (the months, then the quarters, then the year) unless the register gives the number."""
    if not code:
        return {}
    rank = {"month": 0, "quarter": 1, "year": 2}
    found: dict[str, str] = {}
    for year in sorted({p.start.year for p in periods}):
        ordered = sorted((p for p in periods if p.start.year == year), key=lambda p: (rank[p.kind], p.start))
        for n, period in enumerate(ordered, start=1):
            found[period.key] = f"{code}〔{year}〕{register.get(period.key, n)}号"
    return found


def issuer_of(newsroom: Newsroom, office: str) -> str:
    """Who issues the notices: mkdocs.yml's office, else the first series' publisher."""
    publishers = [s.publisher for s in newsroom.series.values() if s.publisher]
    return office or (publishers[0] if publishers else "政务信息工作机构")


def print_title(report: Report) -> str:
    """Classified titles never print in a notice, which is an internal (not classified) document."""
    return "（涉密稿件，标题略）" if report.classified else report.title


@dataclass
class NoticeView:
    """Every period's notice as plain data: as printed (PDF, workbook: every title but classified
    ones) and as the intranet may show it (only titles of items the intranet view holds)."""

    issuer: str
    today: date
    root: Path  # the newsroom folder: its licensed fonts print the notices
    periods: list[Period]
    printed: dict[str, Notice]  # by period key
    intranet: dict[str, Notice]
    latest_trend: list[tuple[str, int, int]]  # the latest month's trend, for the index page


def notice_view(newsroom: Newsroom, office: str) -> NoticeView:
    """The notices of every period of the newsroom, decided once for every output."""
    issuer = issuer_of(newsroom, office)
    held = set(site_view(newsroom, INTRANET).items)
    maker = NoticeMaker(newsroom, print_title, issuer)
    periods = maker.periods()
    settings = notice_settings(newsroom.root)
    numbers = doc_numbers(periods, settings["code"], settings["numbers"])
    printed = {p.key: replace(maker.notice(p), doc_number=numbers.get(p.key, ""), to=settings["to"], cc=settings["cc"])
               for p in periods}
    latest = max((p for p in periods if p.kind == "month"), key=lambda p: p.start, default=None)
    return NoticeView(issuer, newsroom.today, newsroom.root, periods, printed,
                      {key: notice.for_audience(held) for key, notice in printed.items()},
                      printed[latest.key].trend if latest is not None else [])
