"""``bulletin publish PATH``: check, then mark the issue published and write its lock.

The issue file is edited with a ruamel.yaml round trip (``bulletin.roundtrip``): the only lines
that change are ``status`` and the ``lock`` block; the editor's comments, key order and layout
stay. Run again on a published issue, it re-locks items whose change a correction accounts for (see
``bulletin.lock``); anything else, a published issue without its lock included, is refused by
check first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bulletin.check import run_check
from bulletin.commands._common import display_path, find_issue, issue_path, refused
from bulletin.dates import cn_date, to_date
from bulletin.errors import YamlProblem
from bulletin.lock import item_digest, new_lock, verify_issue
from bulletin.model import Issue, Newsroom, lock_version
from bulletin.roundtrip import set_top_level
from bulletin.write import atomic_write
from bulletin.yamlsrc import load as load_yaml


def _unfilled(issue: Issue) -> list[str]:
    missing = []
    for key, name in (("editor", "编辑"), ("signer", "签发人")):
        if getattr(issue, key) is None:
            missing.append(f"{issue.src.path}:{issue.src.line(key)}: 请填写 {key}（{name}）后再发布")
    if not issue.items:
        missing.append(f"{issue.src.path}:{issue.src.line('items')}: 本期没有条目；请在 items 中列出稿件 id")
    return missing


def _published_value(full: Path) -> str:
    try:
        data, _ = load_yaml(full.read_text(encoding="utf-8"))
    except (YamlProblem, OSError, UnicodeDecodeError):
        data = None
    return "已发布" if isinstance(data, dict) and data.get("status") == "草稿" else "published"


def _relock(ctx, newsroom: Newsroom, issue: Issue, full: Path) -> int:
    """A published issue: re-lock the items whose change a correction accounts for.

    The lock keeps its date, version and recorded names; only those items' digests (computed as
    that version computes them) and their ``corrected`` counts change. A published issue without
    a lock never gets here: check refuses it (E254), so a deleted lock cannot be rewritten.
    """
    verdict = verify_issue(newsroom, issue)
    covered = [c for c in verdict.changes if c.covered]
    if not covered:
        ctx.say(f"{display_path(full)} 已发布，锁定摘要一致，无需重复发布")
        return 0
    lock = dict(issue.lock or {})
    lock["date"] = to_date(lock["date"])  # a date again, so it is written as before (unquoted)
    version = lock_version(lock)
    lock["items"] = {rid: item_digest(newsroom.reports[rid], newsroom.root, version)
                     if any(c.id == rid for c in covered) else digest
                     for rid, digest in lock["items"].items()}
    corrected = dict(lock.get("corrected") or {})
    for change in covered:
        corrected[change.id] = len(newsroom.reports[change.id].corrections)
    lock["corrected"] = corrected
    atomic_write(full, set_top_level(full.read_text(encoding="utf-8"), {"lock": lock}))
    ids = "、".join(c.id for c in covered)
    ctx.say(f"已按更正记录重新锁定 {ids}；此后再改动须另写更正记录")
    return 0


def earlier_drafts(newsroom: Newsroom, issue: Issue) -> list[Issue]:
    """Drafts of the same series and year numbered before ``issue``: publishing out of order
    leaves a gap readers notice (第18期 out, 第17期 not)."""
    return [other for other in newsroom.issues_of(issue.series or "")
            if not other.published and other.year == issue.year and other.number is not None
            and issue.number is not None and other.number < issue.number]


def warn_order(ctx, newsroom: Newsroom, issue: Issue) -> None:
    for other in earlier_drafts(newsroom, issue):
        print(f"{issue.src.path}:{issue.src.line('number')}: warning[W302]: 本期是第{issue.number}期，"
              f"但第{other.number}期（{other.src.path}）还是草稿；请确认发布顺序，通常先发布第{other.number}期",
              file=sys.stderr)
def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("path")


def run(ctx, args) -> int:
    full, rel = issue_path(ctx, args.path)
    result = run_check(ctx.root, ctx.today, classified=ctx.classified)
    if refused(result, f"新闻室有 {len(result.errors)} 个错误，未发布；请先改正"):
        return 1
    newsroom = result.newsroom
    issue = find_issue(newsroom, rel, args.path)
    if issue.published:
        return _relock(ctx, newsroom, issue, full)
    missing = _unfilled(issue)
    if missing:
        for line in missing:
            print(line, file=sys.stderr)
        ctx.say("未发布")
        return 1
    warn_order(ctx, newsroom, issue)
    lock = new_lock(newsroom, issue, ctx.today)
    text = set_top_level(full.read_text(encoding="utf-8"), {"status": _published_value(full), "lock": lock})
    atomic_write(full, text)
    series = newsroom.series[issue.series or ""]
    ctx.say(f"已发布 {series.name}{issue.year}年第{issue.number}期（{cn_date(issue.date) if issue.date else ''}），"
            f"锁定 {len(lock['items'])} 篇稿件；此后改动已发布的稿件须在其 corrections 中写明更正")
    ctx.say("下一步：bulletin build 生成 PDF 和网站")
    return 0
