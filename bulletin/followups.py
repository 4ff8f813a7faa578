"""Follow-ups (查办): 续报 chains, the leader-instruction register, answers to assignments.

The same records feed ``bulletin instructions``, the ``W106`` lint and three intranet pages.
The pages hold only what the intranet may hold: rows about a report the intranet view does not
carry (classified, unpublished or rejected) are counted, never shown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from bulletin.dates import cn_date, local
from bulletin.model import Assignment, Instruction, Newsroom, Report
from bulletin.views import INTRANET, site_view

# --- 续报 chains -----------------------------------------------------------------------------


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


def _order(report: Report) -> tuple:
    return (report.submitted is None, report.submitted_day or date.min, report.submitted or 0, report.id)


def urgent_chains(newsroom: Newsroom) -> list[Chain]:
    """Chains with at least one 紧急 report not rejected, most recently active first.

    A rejected urgent item (a duplicate, or not an incident after all) opens no matter to follow.
    """
    groups: dict[str, list[Report]] = {}
    for rid, root in chain_roots(newsroom).items():
        groups.setdefault(root, []).append(newsroom.reports[rid])
    chains = []
    for root, members in sorted(groups.items()):
        if any(r.category == "紧急" and r.status != "不采用" for r in members):
            members.sort(key=_order)
            chains.append(Chain(newsroom.reports[root], members))
    chains.sort(key=lambda c: (c.latest_day or date.min, c.root.id), reverse=True)
    return chains


# --- leader instructions ---------------------------------------------------------------------

DONE, OVERDUE, OPEN, NO_FOLLOW_UP = "已办结", "逾期", "办理中", "无办理要求"


@dataclass
class InstructionRow:
    report: Report
    instruction: Instruction
    state: str
    overdue_days: int = 0

    @property
    def owner(self) -> str | None:
        return self.instruction.follow_up.owner if self.instruction.follow_up else None

    @property
    def due(self) -> date | None:
        return self.instruction.follow_up.due if self.instruction.follow_up else None

    @property
    def state_text(self) -> str:
        return f"{OVERDUE} {self.overdue_days} 天" if self.state == OVERDUE else self.state

    def owner_name(self, newsroom: Newsroom) -> str | None:
        """The owner as people read it: a unit id (``nyj``) becomes the unit's name."""
        unit = newsroom.units.get(self.owner or "")
        return unit.name if unit else self.owner

    def as_dict(self, newsroom: Newsroom) -> dict:
        ins = self.instruction
        unit = newsroom.units.get(self.report.unit or "")
        return {
            "report": self.report.id,
            "title": self.report.title,
            "unit": self.report.unit,
            "unit_name": unit.name if unit else self.report.unit,
            "classification": self.report.classification,
            "leader": ins.leader,
            "level": ins.level,
            "date": ins.date.isoformat() if ins.date else None,
            "text": ins.text,
            "owner": self.owner,
            "owner_name": self.owner_name(newsroom),
            "due": self.due.isoformat() if self.due else None,
            "done": bool(ins.follow_up and ins.follow_up.done),
            "state": self.state,
            "overdue_days": self.overdue_days,
        }


def _state(ins: Instruction, today: date) -> tuple[str, int]:
    fu = ins.follow_up
    if fu is None:
        return NO_FOLLOW_UP, 0
    if fu.done:
        return DONE, 0
    if fu.due is not None and fu.due < today:
        return OVERDUE, (today - fu.due).days
    return OPEN, 0


def tally(states: list[str]) -> str:
    """``共 4 条批示：已办结 1 条，…``: one wording, so the command and the intranet page count alike."""
    counts = "，".join(f"{state} {states.count(state)} 条" for state in (DONE, OPEN, OVERDUE, NO_FOLLOW_UP))
    return f"共 {len(states)} 条批示：{counts}"


def instruction_register(newsroom: Newsroom) -> list[InstructionRow]:
    """Every leader instruction with its follow-up state on the day of the build, by date."""
    keyed = []
    for report in newsroom.reports.values():
        for n, ins in enumerate(report.instructions):
            state, days = _state(ins, newsroom.today)
            keyed.append(((ins.date or date.min, report.id, n), InstructionRow(report, ins, state, days)))
    return [row for _, row in sorted(keyed, key=lambda pair: pair[0])]


# --- assignments -----------------------------------------------------------------------------

ON_TIME, LATE, MISSING, PENDING = "按时报送", "逾期报送", "未报送", "待报送"


@dataclass
class Answer:
    unit_id: str
    unit_name: str
    on_time: list[Report] = field(default_factory=list)
    late: list[Report] = field(default_factory=list)
    state: str = PENDING


def assignment_answers(newsroom: Newsroom, assignment: Assignment) -> list[Answer]:
    """For each unit the assignment names (``all``: every active unit), what it sent and when."""
    if assignment.units == "all":
        unit_ids = [uid for uid, u in newsroom.units.items() if u.active]
    else:
        unit_ids = list(dict.fromkeys(assignment.units))
    # The answering reports once, in order: scanning every report per unit was quadratic.
    replies = sorted((r for r in newsroom.reports.values()
                      if r.assignment == assignment.id and r.submitted_day is not None), key=_order)
    answers = []
    for uid in unit_ids:
        unit = newsroom.units.get(uid)
        answer = Answer(uid, unit.name if unit else uid)
        for report in replies:
            if uid not in report.units:
                continue
            if assignment.due is None or report.submitted_day <= assignment.due:
                answer.on_time.append(report)
            else:
                answer.late.append(report)
        if answer.on_time:
            answer.state = ON_TIME
        elif answer.late:
            answer.state = LATE
        elif assignment.due is not None and assignment.due < newsroom.today:
            answer.state = MISSING
        answers.append(answer)
    return answers


# --- what the intranet pages may show ----------------------------------------------------------
#
# The pages are rendered from plain rows built here, in one place, from the intranet view's items:
# of a report the intranet does not carry (classified, draft-only, rejected, never issued) a row
# keeps nothing but the fact that it exists, so the renderers below never see its title, id,
# date, leader or text, and need not decide anything.


@dataclass
class InstructionLine:
    day: date | None
    leader: str | None
    title: str
    text: str
    owner: str | None
    due: date | None
    state: str
    state_text: str


@dataclass
class AnswerLine:
    unit_name: str
    state: str
    reports: list[tuple[str, date | None]]  # (title, day) of answers the intranet carries
    withheld: int  # answers it does not carry: counted only


@dataclass
class AssignmentBlock:
    id: str
    topic: str
    issued: date | None
    due: date | None
    answers: list[AnswerLine]


@dataclass
class ChainMember:
    label: str  # 首报, 第n次续报
    title: str | None  # None: not on the intranet (then no day either)
    day: date | None
    event: datetime | None = None  # event_time: of the matter (首报) or of this development (续报)


@dataclass
class ChainBlock:
    title: str
    unit_name: str
    state: str
    members: list[ChainMember]


@dataclass
class FollowupView:
    today: date
    instructions: list[InstructionLine]
    instructions_withheld: int
    assignments: list[AssignmentBlock]
    chains: list[ChainBlock]
    chains_withheld: int


def followup_view(newsroom: Newsroom) -> FollowupView:
    """The follow-up registers as the intranet may show them."""
    visible = set(site_view(newsroom, INTRANET).items)
    rows = instruction_register(newsroom)
    instructions = [
        InstructionLine(row.instruction.date, row.instruction.leader, row.report.title, row.instruction.text,
                        row.owner_name(newsroom), row.due, row.state, row.state_text)
        for row in rows if row.report.id in visible
    ]
    chains = urgent_chains(newsroom)
    shown = [_chain_block(newsroom, chain, visible) for chain in chains if chain.root.id in visible]
    return FollowupView(newsroom.today, instructions, len(rows) - len(instructions),
                        _assignment_blocks(newsroom, visible), shown, len(chains) - len(shown))


def _assignment_blocks(newsroom: Newsroom, visible: set[str]) -> list[AssignmentBlock]:
    ordered = sorted(newsroom.assignments.values(), key=lambda a: (a.due or date.max, a.id), reverse=True)
    blocks = []
    for assignment in ordered:
        answers = []
        for answer in assignment_answers(newsroom, assignment):
            reports = answer.on_time + answer.late
            shown = [(r.title, r.submitted_day) for r in reports if r.id in visible]
            answers.append(AnswerLine(answer.unit_name, answer.state, shown, len(reports) - len(shown)))
        blocks.append(AssignmentBlock(assignment.id, assignment.topic, assignment.issued, assignment.due, answers))
    return blocks


def _chain_block(newsroom: Newsroom, chain: Chain, visible: set[str]) -> ChainBlock:
    from bulletin.lints import STALE_DAYS  # the lint's threshold, one definition

    idle = (newsroom.today - chain.latest_day).days if chain.latest_day else 0
    if chain.closed:
        state = "已结束"
    elif idle >= STALE_DAYS:
        state = f"**已 {idle} 天未续报**"
    else:
        state = "续报中"
    unit = newsroom.units.get(chain.root.unit or "")
    members = []
    for n, report in enumerate(chain.members):
        label = "首报" if n == 0 else f"第{n}次续报"
        shown = report.id in visible
        members.append(ChainMember(label, report.title if shown else None, report.submitted_day if shown else None,
                                   report.event_time if shown else None))
    return ChainBlock(chain.root.title, unit.name if unit else (chain.root.unit or ""), state, members)


# --- intranet pages --------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md_text(text: str | None) -> str:
    """Text safe in a Markdown table cell or heading: no HTML, no markup, one line."""
    if not text:
        return "—"
    one_line = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def _day(day: date | None) -> str:
    return cn_date(day) if day else "—"


def _moment(moment: datetime) -> str:
    """``3月10日 07:00``, Shanghai time."""
    shown = local(moment)
    return f"{shown.month}月{shown.day}日 {shown:%H:%M}"


def _hidden_note(count: int, what: str) -> list[str]:
    return ["", f"另有 {count} 条{what}涉及未在内网发布的稿件，未列出；请在本机用 bulletin instructions 查看。"] if count else []


def instructions_page(view: FollowupView) -> str:
    shown = view.instructions
    lines = [
        "# 领导批示办理台账",
        "",
        f"统计至{cn_date(view.today)}。{tally([row.state for row in shown])}。",
        "",
    ]
    if shown:
        lines += ["| 批示日期 | 批示领导 | 稿件 | 批示内容 | 承办单位 | 办理期限 | 办理情况 |", "|---|---|---|---|---|---|---|"]
        for row in shown:
            state = f"**{row.state_text}**" if row.state == OVERDUE else row.state_text
            lines.append(
                f"| {_day(row.day)} | {md_text(row.leader)} | {md_text(row.title)} "
                f"| {md_text(row.text)} | {md_text(row.owner)} | {_day(row.due)} | {state} |"
            )
    lines += _hidden_note(view.instructions_withheld, "批示")
    return "\n".join(lines) + "\n"


def assignments_page(view: FollowupView) -> str:
    lines = ["# 约稿报送情况", "", f"统计至{cn_date(view.today)}。", ""]
    if not view.assignments:
        lines.append("目前没有约稿。")
    for block in view.assignments:
        tally = "，".join(f"{state} {sum(a.state == state for a in block.answers)}" for state in (ON_TIME, LATE, MISSING, PENDING))
        lines += [
            f"## {md_text(block.topic)}（{md_text(block.id)}）",
            "",
            f"下发：{_day(block.issued)}；截止：{_day(block.due)}。应报 {len(block.answers)} 个单位：{tally}。",
            "",
            "| 报送单位 | 情况 | 稿件 |",
            "|---|---|---|",
        ]
        for answer in block.answers:
            titles = [f"{md_text(title)}（{_day(day)}）" for title, day in answer.reports]
            if answer.withheld:
                titles.append(f"未在内网发布的稿件 {answer.withheld} 篇")
            lines.append(f"| {md_text(answer.unit_name)} | {answer.state} | {'；'.join(titles) or '—'} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def urgent_page(view: FollowupView) -> str:
    lines = ["# 紧急信息续报", "", f"统计至{cn_date(view.today)}。紧急信息须持续续报，直至事件处置完毕（编辑在最后一篇写 closed: true）。", ""]
    for chain in view.chains:
        lines += [f"## {md_text(chain.title)}", "", f"报送单位：{md_text(chain.unit_name)}；状态：{chain.state}。", ""]
        for n, member in enumerate(chain.members):
            if member.title is None:
                lines.append(f"{n + 1}. {member.label}：未在内网发布的续报")
            else:
                event = f"（事件时间 {_moment(member.event)}）" if member.event else ""
                lines.append(f"{n + 1}. {_day(member.day)} {member.label}：{md_text(member.title)}{event}")
        lines.append("")
    if not view.chains and not view.chains_withheld:
        lines.append("目前没有紧急信息。")
    if view.chains_withheld:
        lines.append(f"另有 {view.chains_withheld} 件紧急信息未在内网发布，未列出。")
    return "\n".join(lines).rstrip("\n") + "\n"


def intranet_pages(newsroom: Newsroom) -> dict[str, str]:
    """The follow-up pages of the intranet site, as Markdown keyed by their path."""
    view = followup_view(newsroom)
    return {
        "followups/instructions.md": instructions_page(view),
        "followups/assignments.md": assignments_page(view),
        "followups/urgent.md": urgent_page(view),
    }
