"""``bulletin instructions``: the leader-instruction register (批示办理台账).

Every instruction with its owner, due date and state on the day of the build (已办结, 办理中,
逾期 N 天, 无办理要求), owners by unit name, in at most 100 columns (long text wraps). This is
the editors' local view and lists all items; the intranet page shows only those the intranet
may hold, and both count with ``followups.tally`` (the command says how many the page leaves out).
"""

from __future__ import annotations

import json

from bulletin.commands._common import FORMAT, load_newsroom
from bulletin.followups import followup_view, instruction_register, tally
from bulletin.model import OVERDUE
from bulletin.textwidth import columns, pad, wrap

MAX_COLUMNS = 100
WRAPPED = (1, 2, 3, 4)  # leader, report, text, owner: the columns that may wrap
MIN_WIDTH = 8


def fitted(widths: list[int], limit: int = MAX_COLUMNS) -> list[int]:
    """Column widths within ``limit`` columns (two spaces between): the widest wrappable column
    gives way first."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > limit:
        widest = max(WRAPPED, key=lambda i: widths[i])
        if widths[widest] <= MIN_WIDTH:
            break
        widths[widest] -= 1
    return widths


def table(header: list[str], rows: list[list[str]]) -> str:
    natural = [max(columns(cell) for cell in column) for column in zip(header, *rows, strict=False)]
    widths = fitted(natural)
    lines = []
    for row in [header, *rows]:
        cells = [wrap(cell, w) for cell, w in zip(row, widths, strict=True)]
        for n in range(max(len(c) for c in cells)):
            parts = [c[n] if n < len(c) else "" for c in cells]
            lines.append("  ".join(pad(p, w) for p, w in zip(parts, widths, strict=True)).rstrip())
    return "\n".join(lines)


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
            row.owner_name(newsroom) or "—",
            str(row.due or "—"),
            row.state_text,
        ]
        for row in rows
    ]
    if rows:
        print(table(header, body))
    withheld = len(rows) - len(followup_view(newsroom).instructions)
    why = f"；其中 {withheld} 条涉及未在内网发布的稿件，内网台账页面不列出" if withheld else ""
    ctx.say(f"{tally([row.state for row in rows])}（统计至 {newsroom.today}）{why}")
    return 0
