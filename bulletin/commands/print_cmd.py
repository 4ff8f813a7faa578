"""``bulletin print ISSUE_PATH [--copies N | --copies A-B]``: the numbered copies of one issue.

Writes ``build/print/<series>/<YYYY>/<NNN>.pdf`` (the copies one after another, each with its own
份号 on its first page) and the register ``<NNN>-份号.csv`` beside it for the clerk who keeps the
confidential documents. A classified or stored issue prints into the store's own build folder,
like its PDF (``bulletin.store.printed_dir``). The issue is rendered once; see
``bulletin.printing.stamp``. Numbered copies are not part of ``build``.
"""

from __future__ import annotations

import sys

from bulletin.check import run_check
from bulletin.commands._common import find_issue, issue_path, refused
from bulletin.errors import CopiesError, UsageError
from bulletin.model import Issue
from bulletin.problems import Problem
from bulletin.runlock import writer_lock
from bulletin.store import printed_dir
from bulletin.write import atomic_write


def _refusal(issue: Issue, copies: str | None) -> Problem | None:
    """Why this issue cannot be printed in numbered copies, or None."""
    if not issue.published:
        return Problem(issue.src.path, issue.src.line("status"), "E381",
                       "草稿不能编号印制：先用 bulletin publish 发布本期，再印制；送审的清样用 bulletin build 生成的 PDF")
    if copies is None and not issue.copies:
        return Problem(issue.src.path, issue.src.line("copies") if issue.copies is not None else 1, "E380",
                       "印制份数未定：在期刊文件中写 copies: 份数（如 copies: 15），或用 --copies 15 指定")
    return None


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("path", help="期刊文件，如 issues/zwxx/2026/044.yaml")
    parser.add_argument("--copies", default=None, metavar="N|A-B",
                        help="印制份数 N（份号 000001 至 N），或份号范围 A-B；默认取期刊的 copies")


def run(ctx, args) -> int:
    from bulletin.printing.stamp import parse_copies

    full, rel = issue_path(ctx, args.path)
    result = run_check(ctx.root, ctx.today, lints=False, classified=ctx.classified)
    if refused(result, f"新闻室有 {len(result.errors)} 个错误，未印制；请先改正"):
        return 1
    issue = find_issue(result.newsroom, rel, args.path)
    problem = _refusal(issue, args.copies)
    if problem is not None:
        print(problem.format(), file=sys.stderr)
        return 1
    try:
        numbers = parse_copies(args.copies, issue.copies)
    except CopiesError as exc:
        raise UsageError(str(exc)) from None
    with writer_lock(ctx.root):
        out = _print(ctx, result, issue, numbers)
    ctx.say(f"已印制 {len(numbers)} 份（份号 {numbers.start:06d}—{numbers.stop - 1:06d}）→ {out}")
    print(out)
    return 0


def _print(ctx, result, issue: Issue, numbers: range):
    from bulletin.printing.compose import publication_name
    from bulletin.printing.stamp import numbered_copies, register_csv, register_path
    from bulletin.views import print_view

    root = ctx.root
    view = print_view(result.newsroom, issue)
    out = printed_dir(root, result.store if result.store and result.store.present else None, issue)
    out = out / "print" / f"{issue.key}.pdf"
    atomic_write(out, numbered_copies(view, numbers))
    name = publication_name(view.series_name)
    year = f"{issue.year}年" if issue.year else ""
    number = f"第{issue.number}期" if issue.number is not None else ""
    atomic_write(register_path(out), register_csv(numbers, f"《{name}》", year + number,
                                                  issue.date.isoformat() if issue.date else ""))
    return out
