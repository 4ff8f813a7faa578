"""``bulletin renumber PATH N``: give a draft issue another number.

Used after a merge in which two branches each made the next issue (check's E210 names the
file and the free number). The file moves to ``issues/<series>/<YYYY>/<NNN>.yaml`` and its
``number`` changes; nothing else in it does. Published issues are never renumbered.
"""

from __future__ import annotations

from bulletin.commands._common import display_path, find_issue, issue_path, load_newsroom
from bulletin.errors import UsageError
from bulletin.roundtrip import RoundTripError, set_top_level
from bulletin.write import atomic_write


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("path")
    parser.add_argument("number", type=int)


def run(ctx, args) -> int:
    if args.number < 1:
        raise UsageError(f"期号应是正整数，而不是 {args.number}")
    full, rel = issue_path(ctx, args.path)
    newsroom = load_newsroom(ctx)
    issue = find_issue(newsroom, rel, args.path)
    if issue.published:
        ctx.say(f"{display_path(full)} 已发布，不能改期号；已发布的期号是正式文号，请改动后来的草稿")
        return 1
    if issue.series is None or issue.year is None:
        ctx.say(f"{display_path(full)} 缺少 series 或 year，无法确定新位置；请先运行 bulletin check 改正")
        return 1
    home = ctx.root / issue.src.origin  # a stored draft stays in the classified store
    target = home / "issues" / issue.series / f"{issue.year:04d}" / f"{args.number:03d}.yaml"
    if target.exists() and target.resolve() != full:
        ctx.say(f"{display_path(target)} 已存在；请换一个期号（bulletin check 会提示可用的期号）")
        return 1
    try:
        text = set_top_level(full.read_text(encoding="utf-8"), {"number": args.number})
    except RoundTripError as exc:
        ctx.say(f"{display_path(full)}：{exc}")
        return 1
    atomic_write(target, text)
    if target.resolve() != full:
        full.unlink()
    old = issue.number
    ctx.say(f"已把 {display_path(full)}（第{old}期）改为第{args.number}期：{display_path(target)}")
    print(display_path(target))
    return 0
