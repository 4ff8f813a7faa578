"""``bulletin verify``: does every published issue still match its lock?

Each published issue is 一致 (unchanged), 已变更 (with the items that changed, and whether a
correction accounts for each) or 未锁定 (published without its lock). When the newsroom is a git
repository, each lock is also compared with the commit that first published the issue
(``bulletin.history``). Exit 1 when a change is not accounted for, as check would report it.
"""

from __future__ import annotations

import json

from bulletin.commands._common import FORMAT, load_newsroom
from bulletin.history import history_problems
from bulletin.lock import ISSUE_FIELDS, Verdict, verify_issue


def _change_text(verdict: Verdict) -> list[str]:
    parts = []
    if verdict.malformed:
        parts.append(f"锁定摘要损坏：{verdict.malformed}")
    for change in verdict.changes:
        if change.kind == ISSUE_FIELDS:
            parts.append(ISSUE_FIELDS)
        elif change.covered:
            parts.append(f"{change.id}（{change.kind}，有 {change.corrections[-1]} 的更正记录）")
        else:
            parts.append(f"{change.id}（{change.kind}，无更正记录）")
    return parts


def _as_dict(verdict: Verdict) -> dict:
    issue = verdict.issue
    return {
        "issue": issue.key,
        "path": issue.src.path,
        "state": verdict.state,
        "locked": verdict.lock_date.isoformat() if verdict.lock_date else None,
        "malformed": verdict.malformed,
        "changes": [
            {"id": c.id or None, "change": c.kind, "corrected": c.covered,
             "corrections": [d.isoformat() for d in c.corrections]}
            for c in verdict.changes
        ],
    }


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("--format", **FORMAT)


def run(ctx, args) -> int:
    newsroom = load_newsroom(ctx)
    verdicts = [verify_issue(newsroom, issue) for issue in newsroom.issues if issue.published]
    history = history_problems(newsroom, ctx.root / "build" / ".cache")
    tampered = sum(v.tampered for v in verdicts)
    if args.format == "json":
        print(json.dumps({"issues": [_as_dict(v) for v in verdicts], "tampered": tampered,
                          "history": [p.as_dict() for p in history]}, ensure_ascii=False, indent=2))
    else:
        for verdict in verdicts:
            detail = "：" + "、".join(_change_text(verdict)) if verdict.state == "已变更" else ""
            print(f"{verdict.issue.key}  {verdict.state}{detail}")
        for problem in history:
            print(problem.format())
    changed = sum(v.state == "已变更" for v in verdicts)
    against = f"；与 git 中的发布记录不符 {len(history)} 处" if history else ""
    ctx.say(f"核对了 {len(verdicts)} 期已发布期刊：{changed} 期已变更，其中 {tampered} 期有未经更正的改动{against}")
    return 1 if tampered or history else 0
