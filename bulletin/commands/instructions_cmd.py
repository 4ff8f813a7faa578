"""``bulletin instructions``: the leader-instruction register (批示办理台账).

Every instruction with its owner, due date and state on the day of the build (已办结, 办理中,
逾期 N 天, 无办理要求). This is the editors' local view and lists all items; the intranet page
shows only those the intranet may hold.
"""

from __future__ import annotations

import json

from bulletin import textwidth
from bulletin.commands._common import FORMAT, load_newsroom
from bulletin.followups import instruction_register
from bulletin.model import OVERDUE


def table(header: list[str], rows: list[list[str]]) -> str:
    return textwidth.table([header, *rows])


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("--format", **FORMAT)


def run(ctx, args) -> int:
    newsroom = load_newsroom(ctx)
    rows = instruction_register(newsroom)
    overdue = sum(row.state == OVERDUE for row in rows)
    if args.format == "json":
        payload = {"today": newsroom.today.isoformat(), "instructions": [r.as_dict(newsroom) for r in rows], "overdue": overdue}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    header = ["批示日期", "批示领导", "稿件", "批示内容", "承办单位", "办理期限", "办理情况"]
    body = [
        [
            str(row.instruction.date or "—"),
            row.instruction.leader or "—",
            row.report.id,
            " ".join(row.instruction.text.split()) or "—",
            row.owner or "—",
            str(row.due or "—"),
            row.state_text,
        ]
        for row in rows
    ]
    if rows:
        print(table(header, body))
    ctx.say(f"共 {len(rows)} 条批示，逾期 {overdue} 条（统计至 {newsroom.today}）")
    return 0
