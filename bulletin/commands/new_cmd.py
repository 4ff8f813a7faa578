"""``bulletin new --unit U --title T``: a new report file with its front matter filled in
(``bulletin.commands._report_file`` says how the id, author and time are chosen)."""

from __future__ import annotations

from bulletin.commands._common import load_newsroom, shown
from bulletin.commands._report_file import next_steps, plan_report, write_report


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("--unit", required=True)
    parser.add_argument("--title", required=True)
    parser.add_argument("--category", default="动态")
    parser.add_argument("--classification", default=None)
    parser.add_argument("--signed-off-by", default=None, help="审签领导，如“副局长 陈立”")


def run(ctx, args) -> int:
    newsroom = load_newsroom(ctx)
    signed = args.signed_off_by or ""
    plan = plan_report(ctx, newsroom, args.unit, args.title, args.category, args.classification, signed)
    write_report(plan, "")
    next_steps(ctx, plan, newsroom, signed=bool(signed), body=False)
    print(shown(plan.path))
    return 0
