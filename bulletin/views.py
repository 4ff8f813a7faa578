"""Views: what each audience may see, decided in one place and failing closed.

Renderers never receive the newsroom; they receive a view. The public view holds only 公开
items of published issues of public series; the intranet view adds 内部 items and all series;
neither ever holds anything classified, unpublished, or an officer's contact details.
The print view holds an issue as printed, with its markings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from bulletin import enums, personal
from bulletin.model import Instruction, Issue, Newsroom, Report

PUBLIC = "public"
INTRANET = "intranet"

_MAX_RANK = {PUBLIC: enums.CLASSIFICATION_RANK["公开"], INTRANET: enums.CLASSIFICATION_RANK["内部"]}


@dataclass
class IssueRef:
    key: str  # zwxx/2026/018
    series_name: str
    number: int
    year: int
    date: date


@dataclass
class InstructionView:
    """A leader instruction as the intranet item page shows it, its follow-up state already decided."""

    leader: str | None
    level: str | None
    date: date | None
    text: str
    owner: str | None = None
    due: date | None = None
    state: str | None = None  # Instruction.state_text on the day of the build; None: no follow-up asked


@dataclass
class AdoptionView:
    """An upward adoption as the intranet item page lists it."""

    level: str | None
    publication: str | None
    date: date | None


@dataclass
class ItemView:
    """One item as a site may show it. Intranet-only fields stay None/empty in the public view."""

    id: str
    title: str
    unit_id: str
    unit_name: str
    co_unit_names: list[str]  # as first published
    day: date
    category: str
    tags: list[str]
    body: str
    source_path: str
    classification: str
    issues: list[IssueRef] = field(default_factory=list)
    follows: str | None = None
    followed_by: list[str] = field(default_factory=list)
    corrections: list[tuple[date | None, str]] = field(default_factory=list)
    # intranet only
    author: str | None = None
    signed_off_by: str | None = None
    instructions: list[InstructionView] = field(default_factory=list)
    adopted: list[AdoptionView] = field(default_factory=list)
    withdrawn: tuple[date | None, str] | None = None  # 已撤稿 (date, reason)
    co_unit_ids: list[str] = field(default_factory=list)  # beside co_unit_names: pages link units by id, never by name


@dataclass
class IssueView:
    key: str
    series_id: str
    series_name: str
    kind: str
    publisher: str
    year: int
    number: int
    date: date
    items: list[tuple[str, ItemView]]  # (headline as printed in the issue, item)


@dataclass
class PageView:
    """One of the office's own pages (pages/, listed in mkdocs.yml nav); checked like a public item."""

    path: str  # pages/about.md
    nav_title: str
    title: str
    body: str


@dataclass
class SiteView:
    name: str
    today: date
    items: dict[str, ItemView]
    issues: list[IssueView]
    units: dict[str, str]  # id -> name, for archives by unit
    pages: list[PageView] = field(default_factory=list)

    @property
    def is_public(self) -> bool:
        return self.name == PUBLIC


def _issue_allowed(newsroom: Newsroom, issue: Issue, view: str) -> bool:
    series = newsroom.series.get(issue.series or "")
    if series is None or not issue.published or issue.date is None or issue.number is None:
        return False
    if issue.classification is not None and enums.CLASSIFICATION_RANK[issue.classification] > _MAX_RANK[view]:
        return False  # an issue raised above the site's level takes all its items off that site
    return series.public if view == PUBLIC else True


def _report_allowed(report: Report, view: str) -> bool:
    # classification_given is required for public: a missing marking means internal (fail closed).
    if view == PUBLIC and (not report.classification_given or report.withdrawn is not None):
        return False
    return report.rank <= _MAX_RANK[view] and report.status != "不采用" and report.submitted is not None


def site_view(newsroom: Newsroom, view: str) -> SiteView:
    """The items and issues one site may hold."""
    assert view in _MAX_RANK
    issues = sorted(
        (i for i in newsroom.issues if _issue_allowed(newsroom, i, view)),
        key=lambda i: (i.date, i.series or "", i.number or 0),
        reverse=True,
    )
    items: dict[str, ItemView] = {}
    issue_views: list[IssueView] = []
    masker = _Masker(newsroom) if view == INTRANET else None
    for issue in issues:
        series = newsroom.series[issue.series or ""]
        series_name = issue.recorded_names[0] or series.name  # as printed, after a renaming too
        ref = IssueRef(issue.key, series_name, issue.number or 0, issue.year or 0, issue.date)  # type: ignore[arg-type]
        shown: list[tuple[str, ItemView]] = []
        for report in issue.reports:
            if not _report_allowed(report, view):
                continue
            item = items.get(report.id) or _item(newsroom, report, view, masker)
            items[report.id] = item
            item.issues.append(ref)
            headline = issue.title_of(report)
            shown.append((masker.text(headline, report) if masker else headline, item))
        if shown:
            issue_views.append(
                IssueView(issue.key, series.id, series_name, series.kind, series.publisher,
                          issue.year or 0, issue.number or 0, issue.date, shown)  # type: ignore[arg-type]
            )
    for item in items.values():  # 续报 links only between items this view holds
        report = newsroom.reports[item.id]
        item.follows = report.follows if report.follows in items else None
        item.followed_by = [r.id for r in report.followed_by if r.id in items]
    units = {uid: u.name for uid, u in newsroom.units.items()}
    pages = [PageView(p.path, p.nav_title, p.title, p.body) for p in newsroom.pages]
    return SiteView(view, newsroom.today, items, issue_views, units, pages)


class _Masker:
    """Personal data masked (脱敏) for the intranet; values in the item's public_contacts stay."""

    def __init__(self, newsroom: Newsroom):
        self.registry = personal.Registry.of(newsroom)

    def text(self, text: str, report: Report, markdown: bool = False) -> str:
        return personal.mask(text, self.registry, personal.allowed_keys(report.public_contacts), markdown)

    def item(self, item: ItemView, report: Report) -> ItemView:
        m = lambda text: self.text(text, report)  # noqa: E731
        item.title, item.tags = m(item.title), [m(t) for t in item.tags]
        item.body = self.text(item.body, report, markdown=True)
        item.corrections = [(day, m(note)) for day, note in item.corrections]
        item.instructions = [replace(i, text=m(i.text)) for i in item.instructions]
        if item.withdrawn is not None:
            item.withdrawn = (item.withdrawn[0], m(item.withdrawn[1]))
        return item


def _corrections(report: Report, view: str) -> list[tuple[date | None, str]]:
    """Internal corrections (internal: true) are noted on the intranet only."""
    if view == PUBLIC:
        return [(c.date, c.note) for c in report.corrections if not c.internal]
    return [(c.date, f"（内部更正）{c.note}" if c.internal else c.note) for c in report.corrections]


def _item(newsroom: Newsroom, report: Report, view: str, masker: _Masker | None = None) -> ItemView:
    printed = {k: v for i in reversed(report.published_issues) for k, v in i.recorded_names[1].items()}

    def name(uid: str) -> str:  # as first published, after a renaming too
        unit = newsroom.units.get(uid)
        return printed.get(uid) or (unit.name if unit else uid)

    item = ItemView(
        id=report.id,
        title=report.title,
        unit_id=report.unit or "",
        unit_name=name(report.unit or ""),
        co_unit_names=[name(u) for u in report.co_units],
        co_unit_ids=list(report.co_units),
        day=report.submitted_day,  # type: ignore[arg-type]
        category=report.category or "动态",
        tags=list(report.tags),
        body=report.body,
        source_path=report.src.path,
        classification=report.classification,
        corrections=_corrections(report, view),
    )
    if view == INTRANET:
        item.author = report.author
        item.signed_off_by = report.signed_off_by
        item.instructions = [_instruction(i, newsroom.today) for i in report.instructions]
        item.adopted = [AdoptionView(a.level, a.publication, a.date) for a in report.adopted]
        if report.withdrawn is not None:
            item.withdrawn = (report.withdrawn.date, report.withdrawn.reason or "—")
    return masker.item(item, report) if masker is not None else item


def _instruction(ins: Instruction, today: date) -> InstructionView:
    fu = ins.follow_up
    if fu is None:
        return InstructionView(ins.leader, ins.level, ins.date, ins.text)
    return InstructionView(ins.leader, ins.level, ins.date, ins.text, fu.owner, fu.due, ins.state_text(today))


@dataclass
class PrintItem:
    """One item as its issue prints it (the headline is the issue's, the rest the report's)."""

    headline: str
    body: str
    unit: str | None
    co_units: list[str]
    source_path: str  # as records name it (a store file with the store's prefix)
    source_rel: str  # inside its own folder: images are resolved from here
    origin: str  # "" in the newsroom, the store's prefix otherwise


@dataclass
class PrintIssue:
    """One issue as printed: every item, whatever its classification, with the issue's markings."""

    key: str  # zwxx/2026/018
    number: int | None
    date: date | None
    signer: str | None
    editor: str | None
    distribution: dict[str, list[str]]
    copies: int | None
    published: bool
    series_name: str
    kind: str
    publisher: str
    classification: str
    secrecy_term: str | None
    urgency: str | None
    items: list[PrintItem]
    unit_names: dict[str, str]
    root: Path  # the newsroom folder: images and licensed fonts are read from inside it only
    year: int | None = None  # the numbering year (the PDF's keywords)

    @property
    def classified(self) -> bool:
        return enums.CLASSIFICATION_RANK[self.classification] >= enums.CLASSIFIED_FROM

    @property
    def draft(self) -> bool:
        return not self.published


def print_view(newsroom: Newsroom, issue: Issue) -> PrintIssue:
    series = newsroom.series.get(issue.series or "")
    classification = issue.effective_classification
    rank = enums.CLASSIFICATION_RANK[classification]
    terms = [r.secrecy_term for r in issue.reports if r.rank == rank and r.secrecy_term]
    urgencies = [r.urgency for r in issue.reports if r.urgency]
    urgency = "特急" if "特急" in urgencies else ("加急" if urgencies else None)
    return PrintIssue(
        key=issue.key,
        number=issue.number,
        date=issue.date,
        signer=issue.signer,
        editor=issue.editor,
        distribution={label: list(names) for label, names in issue.distribution.items()},
        copies=issue.copies,
        published=issue.published,
        series_name=issue.recorded_names[0] or (series.name if series else (issue.series or "")),
        kind=series.kind if series else "bulletin",
        publisher=series.publisher if series else "",
        classification=classification,
        secrecy_term=max(terms, key=_term_length) if terms else None,
        urgency=urgency,
        items=[PrintItem(issue.title_of(r), r.body, r.unit, list(r.co_units), r.src.path, r.src.rel, r.src.origin)
               for r in issue.reports],
        unit_names={**{uid: u.name for uid, u in newsroom.units.items()}, **issue.recorded_names[1]},
        root=newsroom.root,
        year=issue.year,
    )


def _term_length(term: str) -> float:
    if term == "长期":
        return float("inf")
    number = int("".join(ch for ch in term if ch.isdigit()) or 0)
    return number * 12 if term.endswith("年") else number
