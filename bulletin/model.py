"""Model: the resolved newsroom that every view and renderer reads.

Built from loaded documents tolerantly (a bad value becomes None, never an exception), so that
``check`` can report every problem at once and a build only runs on a newsroom without errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from bulletin import enums
from bulletin.dates import local, to_date, to_datetime
from bulletin.load import Doc, Sources
from bulletin.yamlsrc import KeyPath, line_of


@dataclass
class Src:
    """Where a record came from: file and line of each key, for messages and score traces."""

    path: str
    lines: dict[KeyPath, int]
    origin: str = ""  # "" in the newsroom; the classified store's prefix of ``path`` otherwise

    def line(self, *keys: str | int) -> int:
        return line_of(self.lines, tuple(keys))

    @property
    def rel(self) -> str:
        """The path inside its own folder (newsroom or store): ``content/2026/08/x.md``."""
        return self.path[len(self.origin):]

    @property
    def stored(self) -> bool:
        """Whether the record lives in the classified store rather than the newsroom."""
        return bool(self.origin)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


@dataclass
class Officer:
    name: str
    phone: str | None
    since: date | None


@dataclass
class Unit:
    id: str
    name: str
    type: str | None
    quota: int | None
    active: bool
    officers: list[Officer]
    src: Src
    index: int = 0

    def officer_on(self, day: date) -> Officer | None:
        """The registered officer in charge on ``day``: the latest whose ``since`` is not after it."""
        current = None
        for officer in self.officers:
            if officer.since is not None and officer.since <= day:
                if current is None or officer.since >= current.since:
                    current = officer
        return current


@dataclass
class Adoption:
    level: str | None
    publication: str | None
    date: date | None
    kind: str


@dataclass
class FollowUp:
    owner: str | None
    due: date | None
    done: bool


# The state of a leader instruction's follow-up (查办), as every page and the register name it.
DONE, OVERDUE, OPEN, NO_FOLLOW_UP = "已办结", "逾期", "办理中", "无办理要求"


@dataclass
class Instruction:
    leader: str | None
    level: str | None
    date: date | None
    text: str
    follow_up: FollowUp | None

    def state(self, today: date) -> tuple[str, int]:
        """The follow-up's state on ``today`` and, when overdue, by how many days."""
        fu = self.follow_up
        if fu is None:
            return NO_FOLLOW_UP, 0
        if fu.done:
            return DONE, 0
        if fu.due is not None and fu.due < today:
            return OVERDUE, (today - fu.due).days
        return OPEN, 0

    def state_text(self, today: date) -> str:
        """The state as a page shows it: ``逾期 3 天`` with the days when overdue."""
        state, days = self.state(today)
        return f"{OVERDUE} {days} 天" if state == OVERDUE else state


@dataclass
class Correction:
    date: date | None
    note: str
    internal: bool = False  # shown on the intranet only; the public page shows just the corrected text


@dataclass
class Withdrawal:
    """``withdrawn:`` on a published item: off every public file from the next build (撤稿)."""

    date: date | None
    reason: str


@dataclass
class Report:
    id: str
    title: str
    unit: str | None
    co_units: list[str]
    author: str | None
    signed_off_by: str | None
    submitted: datetime | None
    category: str | None
    classification: str
    classification_given: bool
    secrecy_term: str | None
    urgency: str | None
    event_time: datetime | None
    follows: str | None
    assignment: str | None
    status: str
    reject_reason: str | None
    closed: bool
    tags: list[str]
    adopted: list[Adoption]
    instructions: list[Instruction]
    corrections: list[Correction]
    body: str
    body_line: int
    src: Src
    digest_source: bytes = b""
    key: bytes = b""  # digest of the file's bytes (load's cache key), for per-file caches in check
    public_contacts: list[str] = field(default_factory=list)  # personal-data values the item means to publish
    withdrawn: Withdrawal | None = None
    issues: list[Issue] = field(default_factory=list)
    followed_by: list[Report] = field(default_factory=list)

    @property
    def units(self) -> list[str]:
        """The unit and its co-units: each shares the report's points equally."""
        return [u for u in [self.unit, *self.co_units] if u]

    @property
    def rank(self) -> int:
        return enums.CLASSIFICATION_RANK[self.classification]

    @property
    def classified(self) -> bool:
        return self.rank >= enums.CLASSIFIED_FROM

    @property
    def published_issues(self) -> list[Issue]:
        return [i for i in self.issues if i.published]

    @property
    def published(self) -> bool:
        return bool(self.published_issues)

    @property
    def continues_chain(self) -> bool:
        """A 续报: it follows an earlier report of the same matter."""
        return self.follows is not None

    def late_hours(self, window_hours: float) -> float | None:
        """Hours from event to submission when an urgent report came after the window, else None.

        Only the first report of a chain is held to the window: a 续报's ``event_time`` (if it
        gives one) is the time of its own development, shown but never fined.
        """
        if self.category != "紧急" or self.continues_chain or self.event_time is None or self.submitted is None:
            return None
        late = self.submitted - self.event_time
        return late.total_seconds() / 3600 if late > timedelta(hours=window_hours) else None

    @cached_property
    def submitted_day(self) -> date | None:
        return local(self.submitted).date() if self.submitted else None


def chronological(report: Report) -> tuple:
    """Sort key: by submission (undated last), then id."""
    return (report.submitted is None, report.submitted_day or date.min, report.submitted or 0, report.id)


@dataclass
class Series:
    id: str
    name: str
    kind: str
    publisher: str
    numbering: str
    public: bool
    src: Src
    issues: list[Issue] = field(default_factory=list, repr=False)  # newsroom and store, filled by build_newsroom

    def next_number(self, year: int | None) -> int:
        """The number a new issue of ``year`` takes: one more than the highest of that year
        (of all years when the series numbers continuously)."""
        numbers = [i.number for i in self.issues
                   if i.number is not None and (self.numbering == "continuous" or i.year == year)]
        return max(numbers, default=0) + 1


@dataclass
class IssueItem:
    id: str
    title: str | None
    line: int


@dataclass
class Issue:
    series: str | None
    year: int | None
    number: int | None
    date: date | None
    status: str
    editor: str | None
    signer: str | None
    items: list[IssueItem]
    distribution: dict[str, list[str]]
    copies: int | None
    classification: str | None
    lock: dict | None
    src: Src
    reports: list[Report] = field(default_factory=list)
    digest_source: bytes = b""

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def key(self) -> str:
        """``zwxx/2026/018``: the issue's place, as in its file path."""
        return f"{self.series}/{self.year}/{self.number:03d}" if self.number is not None else self.src.path

    @property
    def effective_classification(self) -> str:
        """The highest of the issue's own marking and its items' classifications."""
        ranks = [r.rank for r in self.reports]
        if self.classification in enums.CLASSIFICATION_RANK:
            ranks.append(enums.CLASSIFICATION_RANK[self.classification])
        names = list(enums.CLASSIFICATION)
        return names[max(ranks)] if ranks else "内部"

    def title_of(self, report: Report) -> str:
        for item in self.items:
            if item.id == report.id and item.title:
                return item.title
        return report.title

    @property
    def recorded_names(self) -> tuple[str | None, dict[str, str]]:
        """The series and unit names this published issue was printed with, as its lock recorded
        them (version-2 locks), so pages and PDFs keep them when units.yaml renames a unit;
        ``(None, {})`` when none are recorded."""
        lock = self.lock
        if not self.published or not isinstance(lock, dict) or lock_version(lock) < 2 or not names_shape(lock.get("names")):
            return None, {}
        return lock["names"]["series"], dict(lock["names"]["units"])


def lock_version(lock: dict) -> int:
    """The format of an issue's lock: 1 (digests only) or 2 (with the names it was printed with)."""
    return lock.get("version", 1)


def names_shape(names: Any) -> bool:
    """Whether a lock's ``names`` block is ``{series: name or None, units: {id: name}}``; one rule
    for the names read here and for lock.py's judgement of the block."""
    if not isinstance(names, dict) or not isinstance(names.get("series"), str | None):
        return False
    units = names.get("units")
    return isinstance(units, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in units.items())


# How a unit answered an assignment (约稿), as every page, the notice and the score trace name it.
ON_TIME, LATE, MISSING, PENDING = "按时报送", "逾期报送", "未报送", "待报送"


@dataclass
class Answer:
    """One unit's answer to an assignment: what it sent by the due date and after it."""

    unit: str
    state: str  # ON_TIME, LATE, MISSING, or PENDING while the due date has not passed
    on_time: list[Report] = field(default_factory=list)
    late: list[Report] = field(default_factory=list)

    @property
    def missed(self) -> bool:
        """Fined as a missed assignment: nothing by the due date, whether it came late or not at all."""
        return self.state in (LATE, MISSING)


@dataclass
class Assignment:
    id: str
    topic: str
    issued: date | None
    due: date | None
    units: list[str] | str
    src: Src
    replies: list[Report] = field(default_factory=list, repr=False)  # reports naming it, oldest first

    def named_units(self, units: dict[str, Unit]) -> list[str]:
        """The ids of the units asked: ``all`` is every active unit."""
        if self.units == "all":
            return [uid for uid, u in units.items() if u.active]
        return list(dict.fromkeys(self.units))

    def answer_of(self, unit: str, today: date) -> Answer:
        """What ``unit`` sent (a joint report answers for each of its units) by ``today``."""
        answer = Answer(unit, PENDING)
        for report in self.replies:
            if unit not in report.units or report.submitted_day is None or report.submitted_day > today:
                continue
            on_time = self.due is None or report.submitted_day <= self.due
            (answer.on_time if on_time else answer.late).append(report)
        if answer.on_time:
            answer.state = ON_TIME
        elif self.due is not None and self.due < today:
            answer.state = LATE if answer.late else MISSING
        return answer


@dataclass
class Scoring:
    """scoring.yaml, a missing value falling back to its default; ``src`` lets a score trace name the rule's line."""

    data: dict
    src: Src

    @property
    def urgent_window_hours(self) -> float:
        """Hours; a value check refuses (not a number, not in (0, 8760]: E102/E107) counts as 4,
        so no later ``timedelta`` overflows while check is still reporting it."""
        value = self.data.get("urgent_window_hours", 4)
        valid = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 8760
        return float(value) if valid else 4.0

    def table(self, *keys: str) -> dict:
        node: Any = self.data
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        return node if isinstance(node, dict) else {}


@dataclass
class Newsroom:
    root: Path
    today: date
    units: dict[str, Unit]
    series: dict[str, Series]
    issues: list[Issue]
    reports: dict[str, Report]
    assignments: dict[str, Assignment]
    scoring: Scoring
    config_sources: dict[str, bytes] = field(default_factory=dict)  # path -> bytes of the YAML files
    # Classified figures added to the assessment when the store's records are not here
    # (bulletin.store: from classified-summary/ files, or computed beside the store); None: none.
    classified: Any = None
    # The office's own pages (bulletin.office_site), loaded and checked by check.
    pages: list = field(default_factory=list)

    def issues_of(self, series: str) -> list[Issue]:
        return [i for i in self.issues if i.series == series]


def _units(doc: Doc | None) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    if doc is None or not isinstance(doc.data, dict):
        return units
    for i, raw in enumerate(_dicts(doc.data.get("units"))):
        uid = _str(raw.get("id"))
        if uid is None or uid in units:
            continue
        officers = [
            Officer(str(o.get("name", "")), str(o["phone"]) if o.get("phone") is not None else None, to_date(o.get("since")))
            for o in _dicts(raw.get("officers"))
        ]
        quota = raw.get("quota")
        units[uid] = Unit(
            id=uid,
            name=_str(raw.get("name")) or uid,
            type=enums.canonical(enums.UNIT_TYPE, raw.get("type")),
            quota=quota if isinstance(quota, int) and not isinstance(quota, bool) and quota >= 0 else None,
            active=raw.get("active", True) is not False,
            officers=officers,
            src=Src(doc.path, {k[2:]: v for k, v in doc.lines.items() if k[:2] == ("units", i)}),
            index=i,
        )
    return units


def _series(doc: Doc | None) -> dict[str, Series]:
    found: dict[str, Series] = {}
    if doc is None or not isinstance(doc.data, dict):
        return found
    for sid, raw in doc.data.items():
        if not isinstance(raw, dict):
            continue
        kind = enums.canonical(enums.SERIES_KIND, raw.get("kind")) or "bulletin"
        numbering = enums.canonical(enums.NUMBERING, raw.get("numbering")) or "yearly"
        found[sid] = Series(
            id=sid,
            name=_str(raw.get("name")) or sid,
            kind=kind,
            publisher=_str(raw.get("publisher")) or "",
            numbering=numbering,
            public=raw.get("public") is True,
            src=Src(doc.path, {k[1:]: v for k, v in doc.lines.items() if k[:1] == (sid,)}),
        )
    return found


def report_of(doc: Doc) -> Report:
    """The report a document holds: of its own data alone, so it can be made as the document is loaded."""
    d = doc.data
    given = enums.canonical(enums.CLASSIFICATION, d.get("classification"))
    adopted = [
        Adoption(enums.keyed(enums.LEVEL, a.get("level")), _str(a.get("publication")), to_date(a.get("date")),
                 enums.keyed(enums.PUBLICATION_KIND, a.get("kind")) or "default")
        for a in _dicts(d.get("adopted"))
    ]
    instructions = []
    for raw in _dicts(d.get("instructions")):
        fu = raw.get("follow_up")
        follow_up = (
            FollowUp(_str(fu.get("owner")), to_date(fu.get("due")), fu.get("done") is True) if isinstance(fu, dict) else None
        )
        instructions.append(
            Instruction(_str(raw.get("leader")), enums.keyed(enums.LEVEL, raw.get("level")), to_date(raw.get("date")),
                        str(raw.get("text") or ""), follow_up)
        )
    stem = doc.path.rsplit("/", 1)[-1][: -len(".md")]
    return Report(
        id=_str(d.get("id")) or stem,
        title=_str(d.get("title")) or stem,
        unit=_str(d.get("unit")),
        co_units=_strs(d.get("co_units")),
        author=_str(d.get("author")),
        signed_off_by=_str(d.get("signed_off_by")),
        submitted=to_datetime(d.get("submitted")),
        category=enums.canonical(enums.CATEGORY, d.get("category")),
        # Fail closed: anything unreadable is treated as internal, never as public.
        classification=given or "内部",
        classification_given=given is not None,
        secrecy_term=_str(d.get("secrecy_term")),
        urgency=enums.canonical(enums.URGENCY, d.get("urgency")),
        event_time=to_datetime(d.get("event_time")),
        follows=_str(d.get("follows")),
        assignment=_str(d.get("assignment")),
        status=enums.canonical(enums.STATUS, d.get("status")) or "已报送",
        reject_reason=_str(d.get("reject_reason")),
        closed=d.get("closed") is True,
        tags=_strs(d.get("tags")),
        adopted=adopted,
        instructions=instructions,
        corrections=[Correction(to_date(c.get("date")), str(c.get("note") or ""), c.get("internal") is True)
                     for c in _dicts(d.get("corrections"))],
        body=doc.body,
        body_line=doc.body_line,
        src=Src(doc.path, doc.lines, doc.origin),
        digest_source=doc.digest_source,
        key=doc.key,
        public_contacts=_strs(d.get("public_contacts")),
        withdrawn=_withdrawal(d.get("withdrawn")),
    )


def _withdrawal(value: Any) -> Withdrawal | None:
    """Any ``withdrawn`` value counts (fail closed: off the public site); a bad one is also a schema error."""
    if value is None or value is False:
        return None
    raw = value if isinstance(value, dict) else {}
    return Withdrawal(to_date(raw.get("date")), str(raw.get("reason") or ""))


def _issue(doc: Doc) -> Issue:
    d = doc.data if isinstance(doc.data, dict) else {}
    items = []
    raw_items = d.get("items") if isinstance(d.get("items"), list) else []
    for i, raw in enumerate(raw_items):
        line = line_of(doc.lines, ("items", i))
        if isinstance(raw, str):
            items.append(IssueItem(raw, None, line))
        elif isinstance(raw, dict) and isinstance(raw.get("id"), str):
            items.append(IssueItem(raw["id"], _str(raw.get("title")), line))
    dist_raw = d.get("distribution") if isinstance(d.get("distribution"), dict) else {}
    status = enums.canonical(enums.ISSUE_STATUS, d.get("status")) or "draft"
    intval = lambda v: v if isinstance(v, int) and not isinstance(v, bool) else None  # noqa: E731
    return Issue(
        series=_str(d.get("series")),
        year=intval(d.get("year")),
        number=intval(d.get("number")),
        date=to_date(d.get("date")),
        status=status,
        editor=_str(d.get("editor")),
        signer=_str(d.get("signer")),
        items=items,
        distribution={k: _strs(v) for k, v in dist_raw.items() if k in ("报", "送", "发")},
        copies=intval(d.get("copies")),
        classification=enums.canonical(enums.CLASSIFICATION, d.get("classification")),
        lock=d.get("lock") if isinstance(d.get("lock"), dict) else None,
        src=Src(doc.path, doc.lines, doc.origin),
        digest_source=doc.digest_source,
    )


def _assignments(doc: Doc | None) -> dict[str, Assignment]:
    found: dict[str, Assignment] = {}
    if doc is None or not isinstance(doc.data, list):
        return found
    for i, raw in enumerate(doc.data):
        if not isinstance(raw, dict) or _str(raw.get("id")) is None or raw["id"] in found:
            continue
        units = raw.get("units")
        found[raw["id"]] = Assignment(
            id=raw["id"],
            topic=str(raw.get("topic") or ""),
            issued=to_date(raw.get("issued")),
            due=to_date(raw.get("due")),
            units="all" if units == "all" else _strs(units),
            src=Src(doc.path, {k[1:]: v for k, v in doc.lines.items() if k[:1] == (i,)}),
        )
    return found


def build_newsroom(sources: Sources, today: date, valid_reports: list[Doc] | None = None,
                   made: dict[str, tuple[Doc, Report]] | None = None) -> Newsroom:
    """Resolve loaded documents into a newsroom; links between records are filled in here.

    ``made``: reports already made of their documents (``report_of``), by path, while a cold
    check loaded them (``check.run_check``); a document they were not made of is made here."""
    reports: dict[str, Report] = {}
    for doc in valid_reports if valid_reports is not None else sources.reports:
        known = made.get(doc.path) if made else None
        report = known[1] if known is not None and known[0] is doc else report_of(doc)
        reports.setdefault(report.id, report)
    issues = [_issue(doc) for doc in sources.issues]
    for issue in issues:
        for item in issue.items:
            report = reports.get(item.id)
            if report is not None and report not in issue.reports:
                issue.reports.append(report)
                report.issues.append(issue)
    for report in reports.values():
        previous = reports.get(report.follows) if report.follows else None
        if previous is not None and previous is not report:
            previous.followed_by.append(report)
    series = _series(sources.series)
    for issue in issues:
        if issue.series in series:
            series[issue.series].issues.append(issue)
    assignments = _assignments(sources.assignments)
    for report in sorted((r for r in reports.values() if r.assignment), key=chronological):
        assignment = assignments.get(report.assignment or "")
        if assignment is not None:
            assignment.replies.append(report)
    scoring_doc = sources.scoring
    scoring = Scoring(
        scoring_doc.data if scoring_doc and isinstance(scoring_doc.data, dict) else {},
        Src(scoring_doc.path if scoring_doc else "scoring.yaml", scoring_doc.lines if scoring_doc else {}),
    )
    issues.sort(key=lambda i: (i.series or "", i.year or 0, i.number or 0, i.src.path))
    return Newsroom(
        root=sources.root,
        today=today,
        units=_units(sources.units),
        series=series,
        issues=issues,
        reports=reports,
        assignments=assignments,
        scoring=scoring,
        config_sources={
            doc.path: doc.digest_source
            for doc in (sources.units, sources.series, sources.assignments, sources.scoring)
            if doc is not None
        },
    )


# --- 续报 chains: an urgent matter and the reports that follow it up ---------------------------

STALE_DAYS = 7  # an open urgent matter is to be followed up (续报) at least weekly


def chain_roots(newsroom: Newsroom) -> dict[str, str]:
    """Each report's chain: the id of the first report it (transitively) follows."""
    roots: dict[str, str] = {}
    for report in newsroom.reports.values():
        path = [report.id]
        current = report
        while current.follows in newsroom.reports and current.follows not in path and current.id not in roots:
            current = newsroom.reports[current.follows]  # type: ignore[index]
            path.append(current.id)
        if current.id in roots:
            root = roots[current.id]
        elif current.follows in path:  # a cycle (E221): name it by its smallest id
            root = min(path[path.index(current.follows):])
        else:
            root = current.id
        for rid in path:
            roots.setdefault(rid, root)
    return roots


@dataclass
class Chain:
    """An urgent matter and its 续报, oldest first."""

    root: Report
    members: list[Report]

    @property
    def closed(self) -> bool:
        return any(r.closed for r in self.members)

    @property
    def latest(self) -> Report:
        return self.members[-1]

    @property
    def latest_day(self) -> date | None:
        return self.latest.submitted_day

    def idle_days(self, today: date) -> int | None:
        """Days since the latest report of the matter (None when it has no submission date)."""
        return (today - self.latest_day).days if self.latest_day is not None else None

    def stale(self, today: date) -> bool:
        """Still open and not followed up for ``STALE_DAYS`` or more: the lint warns (W106), the intranet marks it."""
        idle = self.idle_days(today)
        return not self.closed and idle is not None and idle >= STALE_DAYS


def urgent_chains(newsroom: Newsroom) -> list[Chain]:
    """Chains with at least one 紧急 report not rejected, most recently active first.

    A rejected urgent item (a duplicate, or not an incident after all) opens no matter to follow.
    """
    roots = chain_roots(newsroom)
    reports = newsroom.reports
    # Only the chains of an open urgent report are grouped: grouping all 45,000 reports of five
    # years, most of them chains of one, took 0.2 s of every check.
    urgent = {roots[r.id] for r in reports.values() if r.category == "紧急" and r.status != "不采用"}
    groups: dict[str, list[Report]] = {}
    for rid, root in roots.items():
        if root in urgent:
            groups.setdefault(root, []).append(reports[rid])
    chains = []
    for root, members in groups.items():
        members.sort(key=chronological)
        chains.append(Chain(reports[root], members))
    chains.sort(key=lambda c: (c.latest_day or date.min, c.root.id), reverse=True)
    return chains
