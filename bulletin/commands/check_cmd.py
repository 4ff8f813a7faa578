"""``bulletin check``: every problem of the newsroom, one line each, sorted by file and line."""

from __future__ import annotations

import sys

from bulletin.check import run_check
from bulletin.commands._common import FORMAT
from bulletin.problems import to_json


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("--format", **FORMAT)


def run(ctx, args) -> int:
    result = run_check(ctx.root, ctx.today, classified=ctx.classified)
    if args.format == "json":
        print(to_json(result.problems))
    else:
        for problem in result.problems:
            print(problem.format())
        errors = len(result.errors)
        warnings = len(result.problems) - errors
        reports = len(result.newsroom.reports)
        issues = len(result.newsroom.issues)
        print(f"检查了 {reports} 篇稿件、{issues} 期刊物：{errors} 个错误，{warnings} 个警告", file=sys.stderr)
    return 0 if result.ok else 1
