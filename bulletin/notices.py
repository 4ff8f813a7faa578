"""Notices (通报): the assessment of each month with data, each quarter and each year.

``build_notices`` is called by the build. For every period it writes ``<period>.pdf`` in the
official-document style (through the print engine's ``html_to_pdf``) and ``<period>.xlsx`` with
the same tables, and returns the intranet pages (``notices/index.md``, ``notices/<period>.md``)
with a bar chart of points by unit and the monthly trend as SVG.

A notice names report titles, so what each output may show is decided here: the PDF and the
workbook (internal office documents) show every title except classified ones; the intranet
pages show only titles of items the intranet view holds, as the leak gate expects.
Everything is dated by the day of the build, never the clock, so the bytes are reproducible.
"""

from __future__ import annotations

import hashlib
import math
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from importlib.metadata import version
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bulletin.charts import bar_chart, trend_chart
from bulletin.dates import cn_date, local
from bulletin.markup import md_escape
from bulletin.model import Newsroom, Report
from bulletin.notice_settings import notice_settings
from bulletin.printing.balance import balanced_lines, width
from bulletin.printing.compose import colophon_height_mm
from bulletin.printing.fonts import resolve_fonts
from bulletin.printing.pdf import Meta, geometry_for, page_html, print_css
from bulletin.printing.pool import RenderJob
from bulletin.printing.queue import PrintQueue
from bulletin.scoring import Ledger, Period, ScoreTable, parse_period, round_half_up, score_table
from bulletin.sheets import Sheet, entries_sheet, issue_labels, score_sheet, source_label, workbook_bytes
from bulletin.site.settings import read_settings
from bulletin.views import INTRANET, site_view
from bulletin.write import atomic_write

DORMANT_MONTHS = 3
WORKBOOK_FORMAT = 2  # 2: title rows, print set-up, date cells (bulletin.sheets)
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
class Notice:
    period: Period
    title: str
    issuer: str
    day: date
    table: ScoreTable
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
    labels: dict[str, str] = field(default_factory=dict)  # issue file -> 《政务信息》2026年第44期 (workbooks)

    def for_audience(self, held: set[str]) -> Notice:
        """The notice as an audience holding only the reports ``held`` may read it.

        Of every other report (classified, draft-only, rejected, never issued) nothing remains
        but counts and points: no title, id, date, publication, leader or source line. The
        intranet pages are rendered from this copy, so no template decides what it may show.
        """
        sections = [_section_for(s, held) for s in self.sections]
        late = [x for x in self.late if x.report in held]
        return replace(self, sections=sections, late=late, late_withheld=len(self.late) - len(late))

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
        self.labels = issue_labels(newsroom.issues, {sid: s.name for sid, s in newsroom.series.items()})

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
            table=table,
            totals=self._totals(period, table),
            sections=self._sections(table),
            dormant=self._dormant(period),
            late=self._late(table),
            missed=self._missed(table),
            concentration=self._concentration(period, table),
            trend=self._trend(period),
            labels=self.labels,
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
                            e.note + (f"（{e.split}家联合报送，均分）" if e.split > 1 else ""), e.source, e.basis,
                            source_label(e, self.labels))
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
            hours = (r.submitted - r.event_time).total_seconds() / 3600  # type: ignore[operator]
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
                found.append(Missed(a.topic, e.day, self.names.get(e.unit, e.unit), round_half_up(e.points, 2)))
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

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九: for （一）（二）… headings."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The notice templates: HTML and Markdown pages are escaped, the stylesheet is not."""
    env = Environment(
        loader=PackageLoader("bulletin", "templates/notice"),
        autoescape=select_autoescape(["html", "md"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cn_number"] = cn_number
    env.filters["md"] = lambda text: Markup(md_escape(text))  # names on Markdown lines: text, never links
    return env



def _issuer(newsroom: Newsroom) -> str:
    office = read_settings(newsroom.root).office
    publishers = [s.publisher for s in newsroom.series.values() if s.publisher]
    return office or (publishers[0] if publishers else "政务信息工作机构")


def _print_title(report: Report) -> str:
    """Classified titles never print in a notice, which is an internal (not classified) document."""
    return "（涉密稿件，标题略）" if report.classified else report.title


def build_notices(newsroom: Newsroom, out_dir: Path, cache: Path, queue: PrintQueue | None = None) -> dict[str, str]:
    """Write every notice's PDF and workbook into ``out_dir``; return the intranet pages.

    With a ``queue`` the PDFs are rendered by the build's shared worker pool (see
    ``bulletin.printing.queue``) and land in ``out_dir`` when the build finishes the queue.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    issuer = _issuer(newsroom)
    held = set(site_view(newsroom, INTRANET).items)
    printed = NoticeMaker(newsroom, _print_title, issuer)
    periods = printed.periods()
    pdf = _PdfWriter(newsroom.root, cache / "notices", queue)
    settings = notice_settings(newsroom.root)
    numbers = doc_numbers(periods, settings["code"], settings["numbers"])
    pages: dict[str, str] = {}
    for period in periods:
        notice = replace(printed.notice(period), doc_number=numbers.get(period.key, ""), to=settings["to"],
                         cc=settings["cc"])
        pdf.used.add(_workbook(notice_sheets(notice), newsroom.today, out_dir / f"{period.key}.xlsx", cache / "notices",
                               f"{issuer}　{period.cn}"))
        pdf.write(notice_html(notice), out_dir / f"{period.key}.pdf", notice)
        pages[f"notices/{period.key}.md"] = notice_page(notice.for_audience(held))
    pdf.prune()
    pdf.finish()
    pages["notices/index.md"] = index_page(periods, issuer, printed)  # counts only
    return pages


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


def _workbook(sheets: list[Sheet], day: date, out: Path, cache: Path, caption: str) -> str:
    """Write a notice's workbook, reusing the cached file while its tables are unchanged
    (openpyxl takes about a third of a second per workbook of a city-year)."""
    key = hashlib.sha256(repr((WORKBOOK_FORMAT, sheets, day, caption, version("openpyxl"))).encode()).hexdigest()[:32]
    cached = cache / f"{key}.xlsx"
    if not cached.exists():
        atomic_write(cached, workbook_bytes(sheets, day, caption))
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, out)
    return cached.name


def notice_html(notice: Notice) -> str:
    """The notice as an HTML fragment for the print stylesheet."""
    cc = [f"抄送：{'，'.join(notice.cc)}。"] if notice.cc else []
    # GB/T 9704 7.3.5.2: the 成文日期 starts two characters right of the first character of the 署名
    indent = max(0.0, 2 + width(notice.issuer) - 2 - width(cn_date(notice.day)))
    return environment().get_template("notice.html").render(
        n=notice, cn_date=cn_date, title_line=balanced_lines, printed=True, date_indent=round(indent, 2),
        colophon_mm=colophon_height_mm(cc))


def notice_page(notice: Notice) -> str:
    """An intranet page (Markdown with HTML tables and inline SVG charts)."""
    bars = bar_chart(f"各单位得分（{notice.period.cn}）",
                     [(r.name, float(r.points)) for r in notice.table.rows if r.rank is not None])
    trend = trend_chart("全市政务信息报送、采用月度趋势",
                        [label for label, _, _ in notice.trend],
                        [("报送", [s for _, s, _ in notice.trend]), ("采用", [a for _, _, a in notice.trend])])
    return environment().get_template("page.md").render(
        n=notice, cn_date=cn_date, bars=_inline(bars), trend=_inline(trend), printed=False)


def _inline(svg: str) -> str:
    """One line, so Markdown keeps the SVG as a single raw HTML block."""
    return "".join(line.strip() for line in svg.splitlines())


def index_page(periods: list[Period], issuer: str, maker: NoticeMaker) -> str:
    years = sorted({p.start.year for p in periods}, reverse=True)
    groups = [
        (year, [p for p in periods if p.start.year == year and p.kind == "year"]
         + sorted((p for p in periods if p.start.year == year and p.kind == "quarter"), key=lambda p: p.start, reverse=True)
         + sorted((p for p in periods if p.start.year == year and p.kind == "month"), key=lambda p: p.start, reverse=True))
        for year in years
    ]
    latest = max((p for p in periods if p.kind == "month"), key=lambda p: p.start, default=None)
    trend = ""
    if latest is not None:
        notice = maker.notice(latest)
        trend = _inline(trend_chart("全市政务信息报送、采用月度趋势", [t[0] for t in notice.trend],
                                    [("报送", [t[1] for t in notice.trend]), ("采用", [t[2] for t in notice.trend])]))
    return environment().get_template("index.md").render(
        groups=groups, issuer=issuer, title=notice_title, trend=trend)


def notice_sheets(notice: Notice) -> list[Sheet]:
    """The notice's tables as worksheets: ranking, items and point sources, and the named lists."""
    items = [
        [s.name, i.report, i.title, line.day, line.rule, float(line.points), line.where, line.note, line.source,
         line.basis]
        for s in notice.sections for i in s.items for line in i.lines
    ]
    c = notice.concentration
    return [
        score_sheet(notice.table),
        Sheet("采用条目", ["单位", "稿件", "标题", "日期", "计分项", "分值", "来源", "说明", "文件位置", "计分依据"], items,
              [10, 10, 16, 12, 8, 6, 12, 12, 12, 12], {5: "0.00"}),
        entries_sheet(notice.table, title="得分明细", labels=notice.labels),
        Sheet("连续无采用单位", ["单位", "连续无采用月数", "最近一次采用"],
              [[d.name, d.months, d.last if d.last else "无"] for d in notice.dormant], [10, 10, 12]),
        Sheet("紧急信息迟报", ["稿件", "标题", "报送单位", "事件时间", "收稿时间", "间隔（小时）", "扣分"],
              [[x.report, x.title, x.units, x.event.replace(tzinfo=None), x.submitted.replace(tzinfo=None),
                float(x.hours), float(x.points)] for x in notice.late],
              [10, 16, 10, 18, 18, 8, 6], {5: "0.0", 6: "0.00"}),
        Sheet("约稿未报", ["约稿选题", "截止日期", "单位", "扣分"],
              [[m.topic, m.due, m.unit, float(m.points)] for m in notice.missed], [16, 12, 10, 6], {3: "0.00"}),
        Sheet("报送集中度", ["参评单位数", "前五分之一单位数", "前五分之一单位", "其报送条数", "全市报送总数", "占比"],
              [[c.active, c.top, "、".join(c.names), c.top_count, c.total, float(c.share) / 100]],
              [8, 8, 16, 8, 8, 8], {5: "0.00%"}),
    ]


class _PdfWriter:
    """Queues notice PDFs for the print engine's worker pool, reusing cached PDFs by content key."""

    def __init__(self, root: Path, cache: Path, queue: PrintQueue | None):
        self.root = root
        self.cache = cache
        self.fonts = resolve_fonts(root)
        geometry = geometry_for(self.fonts)
        notice_css = environment().get_template("notice.css").render(
            fonts={role: self.fonts.stack(role) for role in self.fonts.roles}, pitch=geometry.pitch_pt,
            char=geometry.body_pt + geometry.tracking_pt)
        self.css = print_css(self.fonts, root) + "\n" + notice_css
        self.used: set[str] = set()
        self.own = queue is None
        self.queue = PrintQueue(self.fonts) if queue is None else queue

    def write(self, fragment: str, out: Path, notice: Notice) -> None:
        meta = Meta(notice.title, notice.issuer, f"{notice.period.cn}政务信息考核通报", notice.day,
                    keywords=tuple(k for k in ("政务信息考核通报", notice.doc_number, notice.period.cn) if k))
        html = page_html(fragment, meta, css=self.css, body_class="notice")
        key = hashlib.sha256((html + "\n" + self.fonts.fingerprint() + "\n" + _engine_version()).encode()).hexdigest()
        cached = self.cache / f"{key}.pdf"
        self.used.add(cached.name)
        self.cache.mkdir(parents=True, exist_ok=True)
        allowed = (str(self.root / "fonts"), *sorted({str(Path(f).parent) for f in self.fonts.files()}))
        job = RenderJob(key=f"通报 {notice.period.key}", html=html, base_url=str(self.root) + "/", meta=meta,
                        allowed_dirs=allowed, cache_path=cached)
        self.queue.add(job, out)

    def prune(self) -> None:
        """Drop cached notices (PDFs and workbooks) that no period uses any more."""
        if self.cache.exists():
            for path in [*self.cache.glob("*.pdf"), *self.cache.glob("*.xlsx")]:
                if path.name not in self.used:
                    path.unlink(missing_ok=True)

    def finish(self) -> None:
        if self.own:
            self.queue.start()
            self.queue.finish()


def _engine_version() -> str:
    return f"weasyprint {version('weasyprint')}"
