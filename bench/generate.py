"""A deterministic synthetic newsroom, the size of a real city office, for benchmarks.

``generate(root, years, units, reports_per_year, seed)`` writes units.yaml, scoring.yaml,
issues/ (series, assignments, bulletins, special reports, briefs), content/ and mkdocs.yml.
Everything comes from one ``random.Random(seed)`` in a fixed order, so the same arguments
give byte-identical files. Shares follow what an office sees in a year: mostly 动态 and 公开,
a few prolific units and some quiet ones, urgent items with 续报 chains and a few late ones,
joint items, rejections with reasons, upward adoptions and leader instructions.

Files are written as text directly (no YAML emitter): it is several times faster, and every
string goes through ``_q`` which quotes anything YAML could misread. The result passes
``bulletin check`` with no errors; the only warnings are late urgent reports (W005).

CLI: ``python -m bench.generate OUT --years 1 --reports 9000``.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import re
import shutil
import sys
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from bench import vocabulary as V

CATEGORY_SHARES = {"动态": 60, "经验": 12, "问题": 10, "调研": 6, "建议": 7, "紧急": 3.4}  # 紧急 grows by 续报 to ~5%
CLASSIFICATION_SHARES = {"公开": 55, "内部": 38, "秘密": 5, "机密": 1.5, "绝密": 0.5}
SECRECY_TERMS = {"秘密": ("6个月", "1年", "1年", "2年"), "机密": ("5年", "10年"), "绝密": ("20年", "长期")}
UNIT_TYPE_SHARES = (("市直单位", 0.5), ("县区", 0.1), ("乡镇", 0.3), ("信息直报点", 0.1))
# (series id, name, kind, public, issues per 9,000 reports, items per issue)
SERIES = (
    ("zwxx", "《政务信息》", "bulletin", True, 150, (8, 12)),
    ("xxzb", "《信息专报》", "special", False, 30, (1, 1)),
    ("ldcy", "《领导参阅》", "brief", False, 50, (2, 4)),
)
# How much each series prefers an item, by category and by classification.
SERIES_TASTE = {
    "zwxx": ({"动态": 3, "经验": 4, "问题": 2, "调研": 1, "建议": 1, "紧急": 0.3}, {"公开": 4, "内部": 2, "秘密": 0.02, "机密": 0.01, "绝密": 0.0}),
    "xxzb": ({"动态": 0.1, "经验": 0.2, "问题": 3, "调研": 0.5, "建议": 0.5, "紧急": 8}, {"公开": 1, "内部": 2, "秘密": 4, "机密": 4, "绝密": 3}),
    "ldcy": ({"动态": 0.1, "经验": 2, "问题": 2, "调研": 6, "建议": 5, "紧急": 0.1}, {"公开": 1, "内部": 2, "秘密": 2, "机密": 1, "绝密": 0.5}),
}
INSTRUCTION_CHANCE = {"zwxx": 0.027, "xxzb": 0.4, "ldcy": 0.1}
UPWARD_CHANCE = 0.08
REJECT_SHARE = 0.15
JOINT_SHARE = 0.03
LATE_URGENT_SHARE = 0.08
CHAIN_CHANCE = 0.3
SCORING_YAML = """\
urgent_window_hours: 4
adoption:              # points for each adoption, by level, then series kind or publication kind
  own:      {bulletin: 1, special: 2, brief: 2, feature: 1}
  city:     {default: 3}
  province: {default: 5, special: 10}
  national: {default: 20, special: 30}
instruction: {own: 2, city: 4, province: 10, national: 30}   # per instruction, by leader level
bonus:
  category: {调研: 2, 问题: 1}   # once per report that has at least one adoption
  assignment: 1                  # once per adopted report that answers an assignment
penalty:
  urgent_late: -5                # once per urgent report received after the window
  assignment_missed: -2          # per assigned unit with no report for the topic by its due date
quota:
  monthly_default: 4
  excess: 0.5                    # per submission above quota in a month
  shortfall: -1                  # per missing submission in a month
"""


# ---------------------------------------------------------------- records being built


@dataclass
class Unit:
    id: str
    name: str
    short: str
    type: str
    domain: str
    county: str | None  # the county (short name) a township belongs to
    quota: int | None
    active: bool
    officers: list[tuple[str, str, date]]
    deputies: list[str]
    weight: float = 1.0

    def officer_on(self, day: date) -> str:
        """Same rule as the model: the latest officer whose ``since`` is on or before ``day``."""
        current = self.officers[0][0]
        for name, _phone, since in self.officers:
            if since <= day:
                current = name
        return current


@dataclass
class Report:
    unit: Unit
    submitted: datetime
    category: str
    classification: str
    subject: str
    seq: int  # creation order, the tie-break when two reports share a minute
    id: str = ""
    title: str = ""
    co_units: list[Unit] = field(default_factory=list)
    secrecy_term: str | None = None
    urgency: str | None = None
    event_time: datetime | None = None
    incident: int = -1
    follows: Report | None = None
    chain_index: int = 0
    closed: bool = False
    assignment: str | None = None
    status: str | None = None
    reject_reason: str | None = None
    tags: list[str] = field(default_factory=list)
    adopted: list[tuple[str, str, date, str | None]] = field(default_factory=list)
    instructions: list[tuple[str, str, date, str, str, date, bool]] = field(default_factory=list)
    used: bool = False
    place: str = ""  # where an urgent event happened; a 续报 repeats its chain's place

    @property
    def day(self) -> date:
        return self.submitted.date()


@dataclass
class Assignment:
    id: str
    topic: str
    issued: date
    due: date
    units: list[Unit] | str


@dataclass
class Issue:
    series: str
    kind: str
    year: int
    date: date
    reports: list[Report]
    number: int = 0
    published: bool = True
    edited: dict[str, str] = field(default_factory=dict)


@dataclass
class Summary:
    """What was generated: the bench harness stores it beside the newsroom and reads it back."""

    root: str
    seed: int
    first_year: int
    last_year: int
    units: int
    reports: int
    issues: dict[str, int]
    drafts: int
    assignments: int
    warnings_expected: int  # late urgent reports (W005)
    next_number: dict[str, int]  # next free number per series in the last year
    accepted_not_in_issue: list[str]  # 拟采用 reports in no issue, newest last (for a new draft)


# ---------------------------------------------------------------- text helpers

_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}
_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@` ")
_UNSAFE_ANY = re.compile(r": |:$| #|[,\[\]{}\n\t\\]")


def _q(text: str) -> str:
    """``text`` as a YAML scalar: plain when YAML reads it back as the same string, else quoted."""
    if (
        text
        and text[0] not in _UNSAFE_START
        and not text[0].isdigit()
        and text == text.strip()
        and text.lower() not in _RESERVED
        and not _UNSAFE_ANY.search(text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(values: list[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00+08:00")


class _Numbers(dict):
    """Fresh random numbers for a template's placeholders, drawn in the order they appear."""

    def __init__(self, rng: random.Random, **words: str):
        super().__init__(words)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        r = self.rng
        value = {
            "a": lambda: str(r.randint(2, 30)),
            "b": lambda: str(r.randint(12, 980)),
            "c": lambda: f"{r.randint(11, 99) / 10:.1f}",
            "p": lambda: f"{r.uniform(72, 99.8):.1f}%",
            "q": lambda: f"{r.uniform(1.2, 28):.1f}%",
            "pp": lambda: f"{r.uniform(0.5, 9.9):.1f}个百分点",
            "k": lambda: r.choice(V.K_WORDS),
            "action": lambda: r.choice(V.ACTIONS),
            "progress": lambda: r.choice(V.PROGRESS),
            "angle": lambda: r.choice(V.ANGLES),
            "h": lambda: str(r.randint(8, 22)),
        }[key]()
        return value


# ---------------------------------------------------------------- units


def _person(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(V.SURNAMES) + "".join(rng.choice(V.GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in taken:
            taken.add(name)
            return name


def _phone(rng: random.Random, type_: str) -> str:
    if type_ == "市直单位" and rng.random() < 0.8:
        return f"0571-86{rng.randint(0, 999999):06d}"
    return f"13{rng.choice('5789')}{rng.randint(0, 99999999):08d}"


def _unit_counts(total: int) -> dict[str, int]:
    counts = {t: max(1, round(total * share)) for t, share in UNIT_TYPE_SHARES}
    counts["市直单位"] += total - sum(counts.values())
    return counts


def _identities(rng: random.Random, total: int) -> list[tuple[str, str, str, str, str, str | None]]:
    """(id, full name, short name, type, domain, county) for ``total`` units of the four types."""
    counts = _unit_counts(total)
    domains = list(V.DOMAINS)
    found = []
    for i in range(counts["市直单位"]):
        if i < len(V.DEPARTMENTS):
            uid, name, domain = V.DEPARTMENTS[i]
        else:
            uid, name, domain = f"bm{i + 1:03d}", f"第{i + 1}直属机构", domains[i % len(domains)]
        full = "共青团江城市委" if name == "团市委" else V.CITY + name
        short = name if name.startswith(("团", "市")) else "市" + name
        found.append((uid, full, short, "市直单位", domain, None))
    counties = [V.COUNTIES[i] if i < len(V.COUNTIES) else (f"xq{i + 1:02d}", f"第{i + 1}区") for i in range(counts["县区"])]
    for cid, cname in counties:
        found.append((cid, f"{cname}人民政府", cname, "县区", rng.choice(domains), None))
    towns: list[str] = []
    for i in range(counts["乡镇"]):
        cid, cname = counties[i % len(counties)]
        while True:
            town = rng.choice(V.TOWN_FIRST) + rng.choice(V.TOWN_SECOND) + rng.choice("镇镇镇乡")
            if town not in towns:
                towns.append(town)
                break
        found.append((f"{cid}-t{i // len(counties) + 1:02d}", f"{cname}{town}人民政府", town, "乡镇", rng.choice(domains), cname))
    for i in range(counts["信息直报点"]):
        if i < len(V.DIRECT_POINTS):
            did, name, domain = V.DIRECT_POINTS[i]
        else:
            did, name, domain = f"zbd{i + 1:02d}", f"江城市第{i + 1}信息直报点", domains[i % len(domains)]
        found.append((f"{did}-zbd", f"{name}（信息直报点）", name, "信息直报点", domain, None))
    return found


def make_units(rng: random.Random, total: int, first_year: int, years: int) -> list[Unit]:
    """Units with officer histories (some change mid-archive), deputies who sign off, and weights.

    Weights are log-normal, capped at four times the median: a few prolific units send about
    twenty items a month, and about one unit in ten is quiet (a few a year). The last department is inactive (listed, never reporting).
    """
    taken: set[str] = set()
    units = []
    span = (date(first_year + years - 1, 12, 1) - date(first_year, 1, 15)).days
    for uid, name, short, type_, domain, county in _identities(rng, total):
        first_since = date(first_year - rng.randint(1, 6), rng.randint(1, 12), rng.randint(1, 28))
        officers = [(_person(rng, taken), _phone(rng, type_), first_since)]
        changes = sorted(date(first_year, 1, 15) + timedelta(days=rng.randint(0, span)) for _ in range(_poisson(rng, 0.35 * years)))
        for since in changes:
            if since > officers[-1][2]:
                officers.append((_person(rng, taken), _phone(rng, type_), since))
        deputies = [f"{rng.choice(V.DEPUTY_TITLES[type_])} {_person(rng, taken)}" for _ in range(2)]
        weight = min(rng.lognormvariate(0, 0.8), 4.0) * (0.12 if rng.random() < 0.1 else 1.0)
        quota = rng.choice((None, None, 3, 5, 6, 8)) if type_ != "信息直报点" else rng.choice((None, 2, 3))
        units.append(Unit(uid, name, short, type_, domain, county, quota, True, officers, deputies, weight))
    departments = [u for u in units if u.type == "市直单位"]
    if len(departments) > 1:
        departments[-1].active = False
        departments[-1].weight = 0.0
    return units


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


# ---------------------------------------------------------------- reports


def _year_days(year: int) -> tuple[list[date], list[float]]:
    days, weights = [], []
    day = date(year, 1, 1)
    while day.year == year:
        days.append(day)
        weights.append(1.0 if day.weekday() < 5 else 0.15)
        day += timedelta(days=1)
    return days, list(_cumulative(weights))


def _cumulative(weights: list[float]):
    total = 0.0
    for w in weights:
        total += w
        yield total


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _office_time(rng: random.Random, day: date) -> datetime:
    minute = int(rng.triangular(8 * 60 + 10, 19 * 60, 11 * 60))
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60)


def make_reports(rng: random.Random, units: list[Unit], year: int, count: int, seq0: int) -> list[Report]:
    """``count`` reports submitted in ``year``, sorted by time, with ids; urgent ones may have 续报."""
    active = [u for u in units if u.active]
    cum_units = list(_cumulative([u.weight for u in active]))
    days, cum_days = _year_days(year)
    year_end = datetime(year, 12, 31, 23, 59)
    reports: list[Report] = []
    seq = seq0
    while len(reports) < count:
        unit = rng.choices(active, cum_weights=cum_units)[0]
        day = rng.choices(days, cum_weights=cum_days)[0]
        category = _pick(rng, CATEGORY_SHARES)
        domain = V.DOMAINS[unit.domain] if rng.random() < 0.8 else V.DOMAINS[rng.choice(list(V.DOMAINS))]
        classification = _pick(rng, CLASSIFICATION_SHARES)
        seq += 1
        if category != "紧急":
            report = Report(unit, _office_time(rng, day), category, classification, rng.choice(domain.subjects), seq)
            if rng.random() < JOINT_SHARE / (1 - CATEGORY_SHARES["紧急"] / 100):
                report.co_units = [u for u in rng.sample(active, 2) if u is not unit][: rng.choice((1, 1, 2))]
            reports.append(report)
            continue
        for report in _urgent_chain(rng, unit, day, classification, seq, year_end):
            if len(reports) < count:
                reports.append(report)
        seq += 3
    reports.sort(key=lambda r: (r.submitted, r.seq))
    _assign_ids(reports)
    for r in reports:
        r.secrecy_term = rng.choice(SECRECY_TERMS[r.classification]) if r.classification in SECRECY_TERMS else None
        r.tags = rng.sample(V.DOMAINS[r.unit.domain].tags, rng.choice((0, 1, 1, 2, 2, 3))) if r.category != "紧急" else ["紧急信息"]
    return reports


def _urgent_chain(rng: random.Random, unit: Unit, day: date, classification: str, seq: int, year_end: datetime) -> list[Report]:
    """An urgent report and, sometimes, its 续报 (each following the one before)."""
    minute = rng.randint(0, 24 * 60 - 1)
    submitted = datetime(day.year, day.month, day.day, minute // 60, minute % 60)
    late = rng.random() < LATE_URGENT_SHARE
    delay = rng.uniform(4.5, 14) if late else rng.uniform(0.4, 3.6)
    incident = rng.randrange(len(V.INCIDENTS))
    urgency = rng.choice(("特急", "加急", "加急"))
    base = Report(unit, submitted, "紧急", classification, "应急处置", seq, urgency=urgency,
                  event_time=submitted - timedelta(hours=delay), incident=incident)
    chain = [base]
    if rng.random() < CHAIN_CHANCE:
        for i in range(rng.choice((1, 1, 2, 3))):
            moment = chain[-1].submitted + timedelta(hours=rng.uniform(3, 30))
            if moment > year_end:
                break
            chain.append(Report(unit, moment, "紧急", classification, "应急处置", seq + i + 1, urgency=urgency,
                                event_time=moment - timedelta(hours=rng.uniform(0.3, 3)), incident=incident,
                                follows=chain[-1], chain_index=i + 1))
    chain[-1].closed = rng.random() < 0.97  # the rest stay open: check warns (W106) that 续报 stopped
    return chain


def _assign_ids(reports: list[Report]) -> None:
    counters: dict[tuple[str, int, int], int] = {}
    for r in reports:
        key = (r.unit.id, r.submitted.year, r.submitted.month)
        counters[key] = counters.get(key, 0) + 1
        r.id = f"{r.submitted.year}-{r.submitted.month:02d}-{r.unit.id}-{counters[key]:03d}"


# ---------------------------------------------------------------- assignments


def make_assignments(rng: random.Random, units: list[Unit], reports: list[Report], year: int, count: int) -> list[Assignment]:
    """约稿 topics spread over the year; some assigned units answer with a report in the window."""
    active = [u for u in units if u.active]
    by_unit: dict[str, list[Report]] = {}
    for r in reports:
        if r.category != "紧急":
            by_unit.setdefault(r.unit.id, []).append(r)
    found = []
    for i in range(count):
        month = 1 + (i * 12) // count
        issued = date(year, month, rng.randint(1, 14))
        due = issued + timedelta(days=rng.randint(14, 25))
        domain_key = rng.choice(list(V.DOMAINS))
        subject = rng.choice(V.DOMAINS[domain_key].subjects)
        topic = subject + rng.choice(("进展情况", "存在的困难和问题", "经验做法", "下一步工作打算"))
        if rng.random() < 0.25:
            targets: list[Unit] | str = "all"
            chosen, chance = active, 0.35
        else:
            matching = [u for u in active if u.domain == domain_key]
            others = [u for u in active if u.domain != domain_key]
            chosen = matching[:4] + rng.sample(others, min(len(others), rng.randint(1, 6)))
            targets, chance = chosen, 0.7
        assignment = Assignment(f"yg-{year}-{i + 1:02d}", topic, issued, due, targets)
        for unit in chosen:
            window = [r for r in by_unit.get(unit.id, []) if issued <= r.day <= due and r.assignment is None]
            if window and rng.random() < chance:
                answer = rng.choice(window)
                answer.assignment = assignment.id
                answer.subject = subject
        found.append(assignment)
    return found


# ---------------------------------------------------------------- issues


def _working_days(year: int) -> list[date]:
    day, found = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            found.append(day)
        day += timedelta(days=1)
    return found


def make_issues(rng: random.Random, reports: list[Report], year: int, scale: float) -> list[Issue]:
    """The year's bulletins, special reports and briefs, each filled from recent unused reports."""
    workdays = _working_days(year)
    start = 8
    slots: list[tuple[date, int, str, str, tuple[int, int]]] = []
    for order, (sid, _name, kind, _public, per_year, size) in enumerate(SERIES):
        count = max(3, round(per_year * scale))
        span = len(workdays) - start - 1
        for i in range(count):
            index = start + int((i + rng.uniform(0.2, 0.8)) * span / count)
            slots.append((workdays[min(index, len(workdays) - 1)], order, sid, kind, size))
    slots.sort(key=lambda s: (s[0], s[1]))
    days = [r.day for r in reports]
    issues = []
    for day, _order, sid, kind, (low, high) in slots:
        chosen = _choose(rng, reports, days, day, sid, rng.randint(low, high))
        if chosen:
            for r in chosen:
                r.used = True
            issues.append(Issue(sid, kind, year, day, chosen))
    for sid, *_ in SERIES:
        for number, issue in enumerate((i for i in issues if i.series == sid), start=1):
            issue.number = number
    return issues


def _choose(rng: random.Random, reports: list[Report], days: list[date], day: date, sid: str, k: int) -> list[Report]:
    """Up to ``k`` unused reports received before ``day`` (three weeks back, or further if scarce)."""
    category_taste, class_taste = SERIES_TASTE[sid]
    hi = bisect.bisect_left(days, day)
    for weeks in (3, 8, 52):
        lo = bisect.bisect_left(days, day - timedelta(weeks=weeks))
        keyed = []
        for r in reports[lo:hi]:
            weight = category_taste[r.category] * class_taste[r.classification]
            if not r.used and weight > 0:
                keyed.append((rng.random() ** (1 / weight), r.seq, r))  # weighted sampling without replacement
        if len(keyed) >= k:
            break
    keyed.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return sorted((t[2] for t in keyed[:k]), key=lambda r: (r.submitted, r.seq))


# ---------------------------------------------------------------- statuses, adoptions, instructions


def settle(rng: random.Random, reports: list[Report], issues: list[Issue], last_day: date) -> None:
    """Statuses, rejections, upward adoptions and instructions, once issues are known."""
    for issue in issues:
        for r in issue.reports:
            r.status = "拟采用"
            if issue.published:
                _adopt(rng, r, issue, last_day)
        if issue.kind == "bulletin":
            for r in issue.reports:
                if rng.random() < 0.1:
                    issue.edited[r.id] = f"{r.unit.short}{r.subject}工作取得新进展"
    unused = [r for r in reports if not r.used]
    reject_chance = min(0.9, REJECT_SHARE * len(reports) / max(1, len(unused)))
    recent = last_day - timedelta(days=20)
    for r in unused:
        if rng.random() < reject_chance:
            r.status, r.reject_reason = "不采用", rng.choice(V.REJECT_REASONS)
        elif r.day >= recent and r.category != "紧急" and rng.random() < 0.4:
            r.status = "拟采用"


def _adopt(rng: random.Random, r: Report, issue: Issue, last_day: date) -> None:
    if rng.random() < UPWARD_CHANCE:
        levels = rng.sample(("city", "city", "city", "province", "province", "national"), rng.choice((1, 1, 1, 2)))
        for level in dict.fromkeys(levels):
            publication, kind = rng.choice(V.PUBLICATIONS[level])
            when = min(last_day, issue.date + timedelta(days=rng.randint(1, 25)))
            r.adopted.append((level, publication, when, kind))
    if rng.random() < INSTRUCTION_CHANCE[issue.series]:
        for _ in range(rng.choice((1, 1, 1, 2))):
            level = rng.choices(("own", "city", "province", "national"), weights=(75, 15, 9, 1))[0]
            when = min(last_day, issue.date + timedelta(days=rng.randint(0, 7)))
            due = when + timedelta(days=rng.randint(10, 30))
            text = rng.choice(V.INSTRUCTION_TEXTS).format(owner=r.unit.short)
            r.instructions.append((rng.choice(V.LEADERS[level]), level, when, text, r.unit.name, due, due < last_day and rng.random() < 0.85))


# ---------------------------------------------------------------- bodies


def _place(rng: random.Random, unit: Unit, towns: list[Unit]) -> str:
    """Where an incident happened: the unit's own area, or a township for city departments."""
    if unit.type == "乡镇":
        return f"{unit.county}{unit.short}"
    if unit.type == "信息直报点":
        return unit.short
    if unit.type == "县区":
        own = [t for t in towns if t.county == unit.short]
        return f"{unit.short}{rng.choice(own).short}" if own and rng.random() < 0.8 else unit.short
    town = rng.choice(towns) if towns else None
    return f"{town.county}{town.short}" if town else "全市"


def _title_place(unit: Unit) -> str:
    return "全市" if unit.type == "市直单位" else unit.short


def title_of(rng: random.Random, r: Report, recent: dict[str, date], towns: list[Unit]) -> str:
    """A headline no other report used in the last 100 days (check flags repeats as W104)."""
    if r.follows is not None:
        suffix = "（续报）" if r.chain_index == 1 else f"（续报{V.ORDINALS[r.chain_index - 1]}）"
        return _root(r).title + suffix
    title = ""
    for _attempt in range(12):
        if r.category == "紧急":
            title = f"{r.place}{V.INCIDENTS[r.incident][0]}"
        else:
            words = _Numbers(rng, unit=r.unit.short, place=_title_place(r.unit), subject=r.subject)
            title = rng.choice(V.TITLES[r.category]).format_map(words)
        last = recent.get(title)
        if len(title) <= 40 and (last is None or (r.day - last).days > 100):
            break
        if r.category == "紧急":
            r.place = _place(rng, r.unit, towns)
            r.incident = rng.randrange(len(V.INCIDENTS))
    recent[title] = r.day
    return title


def _root(r: Report) -> Report:
    while r.follows is not None:
        r = r.follows
    return r


def body_of(rng: random.Random, r: Report, place: str) -> str:
    """2–6 paragraphs, 300–1200 characters, opening with a concrete date; sometimes ## headings."""
    words = _Numbers(rng, unit=r.unit.short, place=_title_place(r.unit), subject=r.subject)
    if r.category == "紧急":
        return _urgent_body(rng, r, place, words)
    domain = V.DOMAINS[r.unit.domain]
    opening_day = r.day - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
    if r.category == "调研":
        start = opening_day - timedelta(days=rng.randint(20, 60))
        head = f"{start.month}月{start.day}日至{opening_day.month}月{opening_day.day}日，{V.RESEARCH_OPENER.format_map(words)}。"
    else:
        head = f"{opening_day.month}月{opening_day.day}日，{rng.choice(V.OPENERS[r.category]).format_map(words)}。"
    first = head + _sentences(rng, "results" if r.category != "问题" else "problems", domain, words, 1, set())[0]
    closing = rng.choice(V.NEXT_STEPS).format_map(
        _Numbers(rng, unit=r.unit.short, subject=r.subject, suggestion=rng.choice(domain.suggestions))
    )
    order = SECTIONS[r.category]
    headed = rng.random() < HEADED[r.category]
    count = rng.randint(min(2, len(order)), len(order)) if headed else rng.randint(1, 4)
    kinds = [order[n % len(order)] for n in range(count)]
    used: set[str] = set()
    middle: list[list[str]] = [[] for _ in kinds]
    target = int(rng.triangular(300, 1150, 560))
    length, n, stalled = len(first) + len(closing), 0, 0
    while length < target and stalled < len(kinds):
        found = _sentences(rng, kinds[n % len(kinds)], domain, words, 1, used)
        stalled = 0 if found else stalled + 1
        for sentence in found:
            middle[n % len(kinds)].append(sentence)
            length += len(sentence) + 3
        n += 1
    blocks = [first]
    for n, (kind, sentences) in enumerate(zip(kinds, middle, strict=True)):
        if not sentences:
            continue
        if headed:
            title = V.HEADINGS["situation"] if kind == "results" and r.category == "调研" else V.HEADINGS[kind]
            blocks.append(f"## {V.ORDINALS[n]}、{title}")
        blocks.append(_paragraph(rng, kind, r.category, n, sentences))
    blocks.append(closing)
    return "\n\n".join(blocks) + "\n"


# The kinds of paragraph each category is written in, in order; and how often it has ## headings.
SECTIONS = {
    "动态": ("measures", "results", "generic"),
    "经验": ("measures", "results", "generic"),
    "问题": ("problems", "generic", "suggestions"),
    "调研": ("results", "problems", "suggestions"),
    "建议": ("problems", "suggestions"),
}
HEADED = {"动态": 0.1, "经验": 0.5, "问题": 0.5, "调研": 0.7, "建议": 0.3}


def _sentences(rng: random.Random, kind: str, domain: V.Domain, words: _Numbers, k: int, used: set[str]) -> list[str]:
    """Up to ``k`` phrases of ``kind`` not yet used in this report (generic ones once the field runs dry)."""
    pool = {"measures": domain.measures, "results": domain.results, "problems": domain.problems,
            "suggestions": domain.suggestions, "generic": V.GENERIC}[kind]
    leads = {"results": V.LINKS, "problems": V.PROBLEM_LEADS, "suggestions": V.SUGGESTION_LEADS}.get(kind, ("",))
    fresh = [t for t in pool if t not in used]
    if not fresh:
        fresh, leads = [t for t in V.GENERIC if t not in used], ("",)
    chosen = rng.sample(fresh, min(k, len(fresh)))
    used.update(chosen)
    return [rng.choice(leads) + t.format_map(words) + "。" for t in chosen]


def _paragraph(rng: random.Random, kind: str, category: str, n: int, sentences: list[str]) -> str:
    """Plain sentences, or 一是…二是… for lists of measures, problems and proposals (rarely a Markdown list)."""
    if kind in ("measures", "problems", "suggestions") and 1 < len(sentences) <= 6:
        if category == "经验" and n == 0 and rng.random() < 0.15:
            return "\n".join(f"- {s}" for s in sentences)
        if rng.random() < 0.6:
            return "".join(f"{V.ORDINALS[k]}是{s}" for k, s in enumerate(sentences))
    return "".join(sentences)


def _urgent_body(rng: random.Random, r: Report, place: str, words: _Numbers) -> str:
    """What happened and when (to the minute), what was done, and whether more will follow."""
    _headline, what, done = V.INCIDENTS[r.incident]
    event = r.event_time or r.submitted
    blocks = [f"{event.month}月{event.day}日{event.hour}时{event.minute}分许，{place}{what.format_map(words)}。"]
    if r.chain_index == 0:
        blocks.append(f"接报后，{r.unit.short}立即启动应急预案，主要负责同志赶赴现场指挥处置。{done.format_map(words)}。")
    sentences = [s.format_map(words) for s in rng.sample(V.CONTINUATIONS, 4)]
    blocks.append("".join(sentences[:2]))
    blocks.append("".join(sentences[2:]) + "有关部门正在全力做好后续处置和善后工作，并加强舆情监测，及时发布权威信息。")
    while sum(len(b) for b in blocks) < 280:
        blocks.append("现场处置人员实行轮班值守，确保情况随时掌握、指令及时传达。")
    blocks.append(V.CLOSINGS[1] if r.closed else V.CLOSINGS[0])
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- writing


def _report_text(r: Report, title: str, body: str) -> str:
    lines = ["---", f"id: {r.id}", f"title: {_q(title)}", f"unit: {r.unit.id}"]
    if r.co_units:
        lines.append(f"co_units: {_flow([u.id for u in r.co_units])}")
    lines += [
        f"author: {_q(r.unit.officer_on(r.day))}",
        f"signed_off_by: {_q(r.unit.deputies[r.seq % len(r.unit.deputies)])}",
        f"submitted: {_moment(r.submitted)}",
        f"category: {r.category}",
        f"classification: {r.classification}",
    ]
    if r.secrecy_term:
        lines.append(f"secrecy_term: {_q(r.secrecy_term)}")
    if r.urgency:
        lines.append(f"urgency: {r.urgency}")
    if r.event_time:
        lines.append(f"event_time: {_moment(r.event_time)}")
    if r.follows:
        lines.append(f"follows: {r.follows.id}")
    if r.closed:
        lines.append("closed: true")
    if r.assignment:
        lines.append(f"assignment: {r.assignment}")
    if r.status:
        lines.append(f"status: {r.status}")
    if r.reject_reason:
        lines.append(f"reject_reason: {_q(r.reject_reason)}")
    if r.tags:
        lines.append(f"tags: {_flow(r.tags + (['约稿'] if r.assignment else []))}")
    if r.adopted:
        lines.append("adopted:")
        for level, publication, when, kind in r.adopted:
            extra = f", kind: {kind}" if kind else ""
            lines.append(f"  - {{level: {level}, publication: {_q(publication)}, date: {when.isoformat()}{extra}}}")
    if r.instructions:
        lines.append("instructions:")
        for leader, level, when, text, owner, due, done in r.instructions:
            lines += [
                f"  - leader: {_q(leader)}",
                f"    level: {level}",
                f"    date: {when.isoformat()}",
                f"    text: {_q(text)}",
                f"    follow_up: {{owner: {_q(owner)}, due: {due.isoformat()}, done: {'true' if done else 'false'}}}",
            ]
    lines += ["---", "", body]
    return "\n".join(lines)


def _issue_text(issue: Issue, rng: random.Random) -> str:
    lines = [
        f"series: {issue.series}",
        f"year: {issue.year}",
        f"number: {issue.number}",
        f"date: {issue.date.isoformat()}",
        f"status: {'published' if issue.published else 'draft'}",
        f"editor: {rng.choice(V.EDITORS)}",
        f"signer: {rng.choice(V.SIGNERS)}",
    ]
    if issue.kind == "brief" and all(r.classification in ("公开", "内部") for r in issue.reports):
        lines.append("classification: 内部")
    lines.append("items:")
    for r in issue.reports:
        edited = issue.edited.get(r.id)
        lines.append(f"  - {{id: {r.id}, title: {_q(edited)}}}" if edited else f"  - {r.id}")
    lines.append("distribution:")
    for key, recipients in V.DISTRIBUTION[issue.kind]:
        lines.append(f"  {key}: {_flow(list(recipients))}")
    lines.append(f"copies: {V.COPIES[issue.kind]}")
    return "\n".join(lines) + "\n"


def _units_text(units: list[Unit]) -> str:
    lines = ["# 报送单位及信息员备案（基准测试用合成数据）", "units:"]
    for u in units:
        lines += [f"  - id: {u.id}", f"    name: {_q(u.name)}", f"    type: {u.type}"]
        if u.quota is not None:
            lines.append(f"    quota: {u.quota}")
        lines += [f"    active: {'true' if u.active else 'false'}", "    officers:"]
        for name, phone, since in u.officers:
            lines.append(f"      - {{name: {_q(name)}, phone: {_q(phone)}, since: {since.isoformat()}}}")
    return "\n".join(lines) + "\n"


def _series_text() -> str:
    lines = ["# 基准测试新闻室的刊物"]
    for sid, name, kind, public, _per_year, _size in SERIES:
        lines.append(f"{sid}: {{name: {_q(name)}, kind: {kind}, publisher: {V.OFFICE}, numbering: yearly, "
                     f"public: {'true' if public else 'false'}}}")
    return "\n".join(lines) + "\n"


def _assignments_text(assignments: list[Assignment]) -> str:
    if not assignments:
        return "[]\n"
    lines = ["# 约稿"]
    for a in assignments:
        units = "all" if a.units == "all" else _flow([u.id for u in a.units])
        lines += [f"- id: {a.id}", f"  topic: {_q(a.topic)}", f"  issued: {a.issued.isoformat()}",
                  f"  due: {a.due.isoformat()}", f"  units: {units}"]
    return "\n".join(lines) + "\n"


MKDOCS_YML = """\
site_name: 江城市政务信息（基准测试）
site_description: 合成的基准测试新闻室，内容均为虚构
theme:
  name: material
  language: zh
extra:
  bulletin:
    office: 江城市人民政府办公室
    fonts: {}
"""


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- entry point


def generate(
    root: Path,
    years: int = 1,
    units: int = 100,
    reports_per_year: int = 9000,
    seed: int = 1,
    first_year: int = 2026,
    force: bool = False,
) -> Summary:
    """Write a synthetic newsroom under ``root``; the same arguments give byte-identical files.

    ``root`` must not already hold content/ or issues/ unless ``force`` (then both are replaced).
    """
    root = Path(root)
    for name in ("content", "issues"):
        if (root / name).exists():
            if not force:
                raise FileExistsError(f"{root / name} 已存在；请换一个空目录，或使用 --force 覆盖")
            shutil.rmtree(root / name)
    rng = random.Random(seed)
    all_units = make_units(rng, units, first_year, years)
    towns = [u for u in all_units if u.type == "乡镇"]
    last_year = first_year + years - 1
    scale = reports_per_year / 9000
    reports: list[Report] = []
    issues: list[Issue] = []
    assignments: list[Assignment] = []
    for year in range(first_year, last_year + 1):
        year_reports = make_reports(rng, all_units, year, reports_per_year, len(reports) * 4)
        assignments += make_assignments(rng, all_units, year_reports, year, max(2, round(12 * scale)))
        year_issues = make_issues(rng, year_reports, year, scale)
        if year == last_year:
            for sid, *_ in SERIES:
                for issue in [i for i in year_issues if i.series == sid][-2:]:
                    issue.published = False
        settle(rng, year_reports, year_issues, date(last_year, 12, 31))
        reports += year_reports
        issues += year_issues
    root.mkdir(parents=True, exist_ok=True)
    _write(root / "units.yaml", _units_text(all_units))
    _write(root / "scoring.yaml", SCORING_YAML)
    _write(root / "mkdocs.yml", MKDOCS_YML)
    (root / "issues").mkdir()
    _write(root / "issues" / "series.yaml", _series_text())
    _write(root / "issues" / "assignments.yaml", _assignments_text(assignments))
    folders: set[Path] = set()
    recent: dict[str, date] = {}
    for r in reports:  # chronological, so a 续报 comes after the report it follows
        if r.category == "紧急":
            r.place = r.follows.place if r.follows else _place(rng, r.unit, towns)
            r.incident = r.follows.incident if r.follows else r.incident
        r.title = title_of(rng, r, recent, towns)
        folder = root / "content" / f"{r.submitted.year}" / f"{r.submitted.month:02d}"
        if folder not in folders:
            folder.mkdir(parents=True, exist_ok=True)
            folders.add(folder)
        _write(folder / f"{r.id}.md", _report_text(r, r.title, body_of(rng, r, r.place)))
    texts: dict[int, tuple[Path, str]] = {}
    for issue in issues:
        folder = root / "issues" / issue.series / str(issue.year)
        folder.mkdir(parents=True, exist_ok=True)
        texts[id(issue)] = (folder / f"{issue.number:03d}.yaml", _issue_text(issue, rng))
    published = {id(i) for i in issues if i.published}
    locks = _locks(root, last_year, [texts[key] for key in texts if key in published])
    for path, text in texts.values():
        _write(path, text + locks.get(path, ""))
    return _summary(root, seed, first_year, last_year, all_units, reports, issues, assignments)


def _locks(root: Path, last_year: int, published: list[tuple[Path, str]]) -> dict[Path, str]:
    """The ``lock`` block ``bulletin publish`` would have written for each published issue.

    A real archive's published issues are locked; without locks check would refuse (E254)
    every one. The digests come from ``bulletin.lock`` itself, computed on the model of the
    files just written, so they match whatever that module checks. Skipped (issues stay
    unlocked) where the lock module has no ``new_lock``.
    """
    try:
        from bulletin.load import load_sources
        from bulletin.lock import new_lock
        from bulletin.model import build_newsroom
    except ImportError:
        return {}
    for path, text in published:
        _write(path, text)
    newsroom = build_newsroom(load_sources(root), date(last_year, 12, 31))
    by_path = {issue.src.path: issue for issue in newsroom.issues}
    blocks = {}
    for path, _text in published:
        issue = by_path[path.relative_to(root).as_posix()]
        lock = new_lock(newsroom, issue, issue.date)
        blocks[path] = yaml.safe_dump({"lock": lock}, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return blocks


def _summary(root, seed, first_year, last_year, units, reports, issues, assignments) -> Summary:
    counts: dict[str, int] = {}
    next_number: dict[str, int] = {}
    for issue in issues:
        counts[issue.series] = counts.get(issue.series, 0) + 1
        if issue.year == last_year:
            next_number[issue.series] = max(next_number.get(issue.series, 1), issue.number + 1)
    window = 4.0
    late = sum(
        1 for r in reports if r.category == "紧急" and r.event_time and (r.submitted - r.event_time) > timedelta(hours=window)
    )
    return Summary(
        root=str(root),
        seed=seed,
        first_year=first_year,
        last_year=last_year,
        units=len(units),
        reports=len(reports),
        issues=counts,
        drafts=sum(1 for i in issues if not i.published),
        assignments=len(assignments),
        warnings_expected=late,
        next_number=next_number,
        accepted_not_in_issue=[r.id for r in reports if r.status == "拟采用" and not r.used],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description="生成基准测试用的合成新闻室")
    parser.add_argument("out", help="输出目录")
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--reports", type=int, default=9000, help="每年稿件数")
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first-year", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="覆盖已有的 content/ 和 issues/")
    args = parser.parse_args(argv)
    if args.years < 1 or args.reports < 10 or args.units < 8:
        print("用法错误：--years 至少 1，--reports 至少 10，--units 至少 8", file=sys.stderr)
        return 2
    try:
        summary = generate(Path(args.out), args.years, args.units, args.reports, args.seed, args.first_year, args.force)
    except FileExistsError as exc:
        print(f"用法错误：{exc}", file=sys.stderr)
        return 2
    print(json.dumps(asdict(summary) | {"accepted_not_in_issue": len(summary.accepted_not_in_issue)}, ensure_ascii=False),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
