"""Helpers for the workflow, lock, lint and import tests: run the CLI in-process, read check."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bulletin.check import run_check
from bulletin.cli import main
from bulletin.problems import Problem


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(root: Path, *args: str, today: str = "2026-03-12", cwd: Path | None = None) -> CliResult:
    """``bulletin ARGS --root ROOT --today TODAY`` run in ``cwd`` (default: the newsroom)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd or root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([*args, "--root", str(root), "--today", today])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())


def problems(root: Path, today: date = date(2026, 3, 12), *codes: str) -> list[Problem]:
    """Check's problems, only those with the given codes when any are given."""
    found = run_check(root, today).problems
    return [p for p in found if not codes or p.code in codes]


def lines(root: Path, today: date = date(2026, 3, 12), *codes: str) -> list[str]:
    return [p.format() for p in problems(root, today, *codes)]
