"""What several commands share: the newsroom as loaded, the issue named on the command line,
paths as the editor typed them, and the refusal when the newsroom has errors.

Commands import this module, never each other, so that each command module can change alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bulletin.errors import UsageError
from bulletin.load import load_sources
from bulletin.model import Issue, Newsroom, build_newsroom
from bulletin.store import load_store, locate, record_path

if TYPE_CHECKING:  # check is imported by the commands that run it, not by every command
    from bulletin.check import CheckResult

FORMAT = {"choices": ["text", "json"], "default": "text", "help": "输出格式"}  # ``--format`` of the read-only reports


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same string, inside a flow list too."""
    try:
        plain = "\n" not in value and value == value.strip() and yaml.safe_load(f"[{value}]") == [value]
    except yaml.YAMLError:
        plain = False
    if not value:
        return "''"
    return value if plain else json.dumps(value, ensure_ascii=False)


def display_path(path: Path) -> str:
    """A path as messages to the editor show it: relative to the current folder when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def load_newsroom(ctx) -> Newsroom:
    """The newsroom (and a present classified store) without judging it: writing a new report
    must work mid-edit too."""
    store, _ = locate(ctx.root, ctx.classified)
    sources = load_sources(ctx.root)
    load_store(sources, store)
    return build_newsroom(sources, ctx.today)


def issue_path(ctx, raw: str) -> tuple[Path, str]:
    """The issue file named on the command line (relative to the current folder, else to
    the newsroom), and its path as records name it (store files with the store's prefix)."""
    store, _ = locate(ctx.root, ctx.classified)
    candidates = [Path(raw)] if Path(raw).is_absolute() else [Path.cwd() / raw, ctx.root / raw]
    for full in candidates:
        if full.is_file():
            full = full.resolve()
            rel = record_path(ctx.root, store if store and store.present else None, full)
            if rel is None:
                raise UsageError(f"{raw} 不在新闻室 {ctx.root} 中")
            return full, rel
    raise UsageError(f"找不到期刊文件 {raw}")


def find_issue(newsroom: Newsroom, rel: str, raw: str) -> Issue:
    """The issue whose file is ``rel``; ``raw`` (as typed) names it in the refusal."""
    for issue in newsroom.issues:
        if issue.src.path == rel:
            return issue
    raise UsageError(f"{raw} 不是期刊文件；期刊文件在 issues/<刊物>/<年份>/<三位期号>.yaml")


def refused(result: CheckResult, message: str) -> bool:
    """Print the check's errors and ``message`` (what was not done, and what to do) to standard
    error; True when there were errors, so the command stops with exit code 1."""
    if result.ok:
        return False
    for problem in result.errors:
        print(problem.format(), file=sys.stderr)
    print(message, file=sys.stderr)
    return True
