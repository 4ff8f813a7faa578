"""``bulletin withdraw PATH --reason 原因``: take a published item off the public site (撤稿).

Writes ``withdrawn: {date, reason}`` into the report's front matter through the round-trip
editor, so that nothing else in the file changes. From the next build the item is in no public
file (page, issue page, lists, archives, tags, search, sitemap); the intranet keeps it, marked
已撤稿 with the reason. Printed PDFs stay as printed, scores do not change, and the lock does not
cover ``withdrawn``, so no correction is needed.
"""

from __future__ import annotations

from pathlib import Path

from bulletin.commands._common import display_path, load_newsroom
from bulletin.errors import LoadProblem, UsageError
from bulletin.load import read_text, split_front_matter
from bulletin.roundtrip import RoundTripError, set_top_level
from bulletin.write import atomic_write


def report_path(ctx, raw: str) -> tuple[Path, str]:
    """The report named on the command line (relative to the current folder, else to the newsroom)."""
    candidates = [Path(raw)] if Path(raw).is_absolute() else [Path.cwd() / raw, ctx.root / raw]
    for full in candidates:
        if full.is_file():
            full = full.resolve()
            try:
                return full, full.relative_to(ctx.root).as_posix()
            except ValueError:
                raise UsageError(f"{raw} 不在新闻室 {ctx.root} 中") from None
    raise UsageError(f"找不到稿件文件 {raw}；请写 content/<年>/<月>/<id>.md")


def with_withdrawal(text: str, changes: dict) -> str:
    """The report's text with top-level front-matter keys set; the body and every other line kept."""
    first, rest = text.split("\n", 1)
    front_lines = rest.split("\n")
    for i, line in enumerate(front_lines):
        if line.rstrip() in ("---", "..."):
            front = "\n".join(front_lines[:i]) + "\n"
            return first + "\n" + set_top_level(front, changes) + "\n".join(front_lines[i:])
    raise RoundTripError("front matter 没有结束的 --- 行")


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("path")
    parser.add_argument("--reason", required=True, help="撤稿原因（内网显示）")


def run(ctx, args) -> int:
    reason = " ".join((args.reason or "").split())
    if not reason:
        raise UsageError("请用 --reason 写明撤稿原因，例如 --reason 所涉事项已调整")
    full, rel = report_path(ctx, args.path)
    newsroom = load_newsroom(ctx)
    report = next((r for r in newsroom.reports.values() if r.src.path == rel), None)
    if report is None:
        raise UsageError(f"{args.path} 不是稿件文件；稿件在 content/<年>/<月>/<id>.md")
    if report.withdrawn is not None:
        ctx.say(f"{display_path(full)} 已撤稿；如要改原因，请直接编辑 front matter 中的 withdrawn.reason")
        return 1
    if not report.published:
        ctx.say(f"{display_path(full)} 尚未在任何已发布的期刊中刊发，不会上网站，不需要撤稿；可直接从草稿期刊中删去")
        return 1
    try:
        text, raw = read_text(ctx.root, rel)
        split_front_matter(rel, text)
        if b"\r" in raw or raw.startswith(b"\xef\xbb\xbf"):
            raise RoundTripError("文件使用 CRLF 换行或带 BOM；请在编辑器中另存为 UTF-8（LF）后再撤稿")
        new = with_withdrawal(text, {"withdrawn": {"date": ctx.today, "reason": reason}})
    except (LoadProblem, RoundTripError) as exc:
        ctx.say(f"{display_path(full)}：{exc}")
        return 1
    atomic_write(full, new.encode("utf-8"))
    ctx.say(f"已撤稿：{display_path(full)}（{report.title}）。下次 bulletin build 起不在公众网站的任何页面、"
            f"列表、搜索和站点地图中；内网保留并标注“已撤稿”；已印发的 PDF 和考核得分不变")
    print(display_path(full))
    return 0
