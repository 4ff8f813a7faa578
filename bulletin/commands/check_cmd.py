"""``bulletin check``: every problem of the newsroom, one line each, sorted by file and line."""

from __future__ import annotations

import sys

from bulletin.check import run_check, run_memo
from bulletin.commands._common import FORMAT
from bulletin.problems import Problem, problem_rows, to_json


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("--format", **FORMAT)


def run(ctx, args) -> int:
    """Check, or replay the last check while no file it read has changed (``check.run_memo``)."""
    memo = run_memo(ctx.root, ctx.today, ctx.classified, "check")
    found = memo.recall()
    if found is None:
        result = run_check(ctx.root, ctx.today, classified=ctx.classified, until_exit=True, scanned=memo.tree)
        found = (problem_rows(result.problems), len(result.newsroom.reports), len(result.newsroom.issues))
        memo.remember(found)
    rows, reports, issues = found
    problems = [Problem(*row) for row in rows]
    if args.format == "json":
        print(to_json(problems))
    else:
        for problem in problems:
            print(problem.format())
        errors = sum(p.severity == "error" for p in problems)
        print(f"检查了 {reports} 篇稿件、{issues} 期刊物：{errors} 个错误，{len(problems) - errors} 个警告", file=sys.stderr)
    return 1 if any(p.severity == "error" for p in problems) else 0
