"""``bulletin new --unit U --title T``: a new report file with its front matter filled in
(``bulletin.commands._report_file`` says how the id, author and time are chosen).

``--follows ID`` starts a 续报: the unit (unless ``--unit``), category, classification, secrecy
term and urgency are those of the report it follows, and ``follows`` is set. ``--event-time``,
``--assignment``, ``--category`` and ``--classification`` fill those keys.
"""

from __future__ import annotations

from bulletin.commands._common import display_path, load_newsroom
from bulletin.commands._report_file import ChainKeys, event_time, known, next_steps, plan_report, write_report
from bulletin.model import Newsroom


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("--unit", default=None, help="报送单位 id（续报不写时沿用前一篇的单位）")
    parser.add_argument("--title", required=True)
    parser.add_argument("--category", default=None, help="类别（默认：动态；续报沿用前一篇）")
    parser.add_argument("--classification", default=None)
    parser.add_argument("--signed-off-by", default=None, help="审签领导，如“副局长 陈立”")
    parser.add_argument("--follows", default=None, metavar="ID", help="写续报：所接的稿件 id")
    parser.add_argument("--event-time", default=None, help="事件发生或获知时间，如 2026-11-05T09:30")
    parser.add_argument("--assignment", default=None, help="所答约稿 id")


def chain_of(newsroom: Newsroom, args) -> ChainKeys:
    """``--follows ID``: the chain's unit, category, classification, secrecy term and urgency."""
    assignment = args.assignment and known(newsroom.assignments, args.assignment, "约稿", " issues/assignments.yaml 中的约稿 id")
    if not args.follows:
        return ChainKeys(event_time=event_time(args.event_time), assignment=assignment)
    previous = newsroom.reports.get(known(newsroom.reports, args.follows, "续报所接的稿件", " content/ 中的稿件 id"))
    return ChainKeys(
        follows=previous.id,
        unit=previous.unit,
        category=previous.category,
        classification=previous.classification,
        secrecy_term=previous.secrecy_term,
        urgency=previous.urgency,
        event_time=event_time(args.event_time),
        assignment=assignment,
    )


def run(ctx, args) -> int:
    newsroom = load_newsroom(ctx)
    signed = args.signed_off_by or ""
    chain = chain_of(newsroom, args)
    plan = plan_report(ctx, newsroom, args.unit, args.title, args.category, args.classification, signed, chain)
    write_report(plan, "")
    if chain.follows:
        previous = newsroom.reports[chain.follows]
        closed = "；注意：前一篇已标为 closed（处置完毕）" if previous.closed else ""
        ctx.say(f"这是 {chain.follows}（{previous.title}）的续报{closed}")
    next_steps(ctx, plan, newsroom, signed=bool(signed), body=False)
    print(display_path(plan.path))
    return 0

