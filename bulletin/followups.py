"""Follow-ups (查办): the leader-instruction register, answers to assignments, urgent matters.

The rules (an instruction's state, a unit's answer, a stale 续报 chain) live on the model's
objects; here they become the rows of ``bulletin instructions`` and the follow-up view the
intranet's pages are rendered from (``bulletin.site.followup_pages``). The view holds only what
the intranet may hold: rows about a report the intranet view does not carry (classified,
unpublished or rejected) are counted, never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bulletin.model import (  # the states are re-exported: the pages name them through the view
    DONE,
    LATE,
    MISSING,
    NO_FOLLOW_UP,
    ON_TIME,
    OPEN,
    OVERDUE,
    PENDING,
    Answer,
    Assignment,
    Chain,
    Instruction,
    Newsroom,
    Report,
    urgent_chains,
)
from bulletin.views import INTRANET, site_view

__all__ = ["DONE", "LATE", "MISSING", "NO_FOLLOW_UP", "ON_TIME", "OPEN", "OVERDUE", "PENDING", "FollowupView",
           "followup_view", "instruction_register", "tally"]

# --- leader instructions ---------------------------------------------------------------------

@dataclass
class InstructionRow:
    """One line of the register; the state and its wording are the model's, taken once on the day
    of the build, so the command and the intranet page print the same words."""

    report: Report
    instruction: Instruction
    state: str
    state_text: str  # Instruction.state_text: ``逾期 3 天`` with the days when overdue
    overdue_days: int = 0

    @property
    def owner(self) -> str | None:
        return self.instruction.follow_up.owner if self.instruction.follow_up else None

    @property
    def due(self) -> date | None:
        return self.instruction.follow_up.due if self.instruction.follow_up else None

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


def tally(states: list[str]) -> str:
    """``共 4 条批示：已办结 1 条，…``: one wording, so the command and the intranet page count alike."""
    counts = "，".join(f"{state} {states.count(state)} 条" for state in (DONE, OPEN, OVERDUE, NO_FOLLOW_UP))
    return f"共 {len(states)} 条批示：{counts}"


def instruction_register(newsroom: Newsroom) -> list[InstructionRow]:
    """Every leader instruction with its follow-up state on the day of the build, by date."""
    keyed = []
    for report in newsroom.reports.values():
        for n, ins in enumerate(report.instructions):
            state, days = ins.state(newsroom.today)
            row = InstructionRow(report, ins, state, ins.state_text(newsroom.today), days)
            keyed.append(((ins.date or date.min, report.id, n), row))
    return [row for _, row in sorted(keyed, key=lambda pair: pair[0])]


# --- assignments -----------------------------------------------------------------------------

def assignment_answers(newsroom: Newsroom, assignment: Assignment) -> list[tuple[str, Answer]]:
    """(unit name, answer) for each unit the assignment names, on the day of the build."""
    answers = []
    for uid in assignment.named_units(newsroom.units):
        unit = newsroom.units.get(uid)
        answers.append((unit.name if unit else uid, assignment.answer_of(uid, newsroom.today)))
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
        for unit_name, answer in assignment_answers(newsroom, assignment):
            reports = answer.on_time + answer.late
            shown = [(r.title, r.submitted_day) for r in reports if r.id in visible]
            answers.append(AnswerLine(unit_name, answer.state, shown, len(reports) - len(shown)))
        blocks.append(AssignmentBlock(assignment.id, assignment.topic, assignment.issued, assignment.due, answers))
    return blocks


def _chain_block(newsroom: Newsroom, chain: Chain, visible: set[str]) -> ChainBlock:
    if chain.closed:
        state = "已结束"
    elif chain.stale(newsroom.today):
        state = f"**已 {chain.idle_days(newsroom.today)} 天未续报**"
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
