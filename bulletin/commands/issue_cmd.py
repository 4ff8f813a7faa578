"""``bulletin issue --series S``: the next-numbered draft issue of a series.

The number is one more than the highest of the series — drafts included, so two drafts never
share a number in one working copy — counted per year or across years as the series numbers.
Without ``--items`` it takes the 拟采用 reports that are in no issue yet, oldest first; it says
what it took and what it left out and why. Distribution and copies are those of the series'
previous issue. ``editor`` and ``signer`` are written as empty strings: check accepts a draft
without them, and ``bulletin publish`` refuses until both are filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bulletin.check import run_check
from bulletin.commands._common import display_path, refused, yaml_scalar
from bulletin.dates import cn_date, to_date
from bulletin.errors import UsageError
from bulletin.model import Issue, Newsroom, Report, Series
from bulletin.store import home_for
from bulletin.suggest import nearest
from bulletin.write import atomic_write


@dataclass
class Plan:
    """What the new issue takes, what it leaves out (with why), and what blocks it."""

    taken: list[Report] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # id -> remark on a taken item
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (id, why)
    refused: list[str] = field(default_factory=list)


def previous_issue(newsroom: Newsroom, series: Series) -> Issue | None:
    issues = [i for i in newsroom.issues_of(series.id) if i.number is not None]
    return max(issues, key=lambda i: (i.year or 0, i.number or 0), default=None)


def _where(newsroom: Newsroom, issue: Issue) -> str:
    series = newsroom.series.get(issue.series or "")
    name = series.name if series else issue.series
    return f"{name}第{issue.number}期（{issue.key}）"


def _order(report: Report) -> tuple:
    return (report.submitted is None, report.submitted or 0, report.id)


def explicit_plan(newsroom: Newsroom, series: Series, ids: list[str], force: bool) -> Plan:
    plan = Plan()
    for rid in dict.fromkeys(ids):
        report = newsroom.reports.get(rid)
        if report is None:
            plan.refused.append(f"稿件 {rid} 不存在；{nearest(rid, newsroom.reports)}请核对 content/ 中的稿件 id")
            continue
        blocks = []
        if report.status == "不采用":
            blocks.append(f"稿件 {rid} 已标为不采用（{report.reject_reason or '未写原因'}）")
        published = [i for i in report.published_issues if i.series == series.id]
        if published:
            blocks.append(f"稿件 {rid} 已在{_where(newsroom, published[0])}发布")
        if blocks and not force:
            plan.refused += [f"{b}；确要编入请加 --force" for b in blocks]
            continue
        remarks = [b + "（--force）" for b in blocks]
        drafts = [i for i in report.issues if not i.published]
        if drafts:
            remarks.append(f"也在草稿{_where(newsroom, drafts[0])}中")
        if report.status == "已报送":
            remarks.append("状态仍为已报送，审定后请改为拟采用")
        plan.taken.append(report)
        if remarks:
            plan.notes[rid] = "；".join(remarks)
    if series.kind == "special" and len(plan.taken) > 1 and not force:
        plan.refused.append(f"{series.name}是专报，每期只编一篇，这里给了 {len(plan.taken)} 篇；确要合编请加 --force")
    return plan


def automatic_plan(newsroom: Newsroom, series: Series, day: date) -> Plan:
    """The 拟采用 reports in no issue yet, oldest first; everything passed over is explained."""
    plan = Plan()
    pending: list[Report] = []
    for report in sorted(newsroom.reports.values(), key=_order):
        if report.status == "已报送" and not report.issues:
            pending.append(report)
        if report.status != "拟采用":
            continue
        drafts = [i for i in report.issues if not i.published]
        if report.issues:
            if drafts:
                plan.left_out.append((report.id, f"已编入草稿{_where(newsroom, drafts[0])}"))
        elif report.submitted_day is None or report.submitted_day > day:
            plan.left_out.append((report.id, f"收稿时间晚于本期日期 {day}"))
        elif series.public and report.classified:
            plan.left_out.append((report.id, f"密级为{report.classification}，不宜编入公开刊物；请编入专报或参阅"))
        elif series.kind == "special" and plan.taken:
            plan.left_out.append((report.id, "专报每期只编一篇，留待下一期"))
        else:
            plan.taken.append(report)
    if pending:
        recent = "、".join(r.id for r in pending[-5:])
        plan.left_out.append((f"{len(pending)} 篇", f"状态为已报送，尚未审定（最近的：{recent}）；审定后改为 status: 拟采用"))
    return plan


def _issue_text(newsroom: Newsroom, series: Series, number: int, day: date, plan: Plan) -> str:
    previous = previous_issue(newsroom, series)
    lines = [
        "# 草稿，由 bulletin issue 生成。请填写 editor（编辑）和 signer（签发），",
        "# 审阅条目后运行 bulletin publish 加本文件路径发布。",
        f"series: {yaml_scalar(series.id)}",
        f"year: {day.year}",
        f"number: {number}",
        f"date: {day.isoformat()}",
        "status: draft",
        "editor: ''",
        "signer: ''",
        "items:",
    ]
    lines += [f"  - {yaml_scalar(r.id)}  # {r.title}" for r in plan.taken]
    if previous is not None and previous.distribution:
        lines.append("distribution:")
        for key in ("报", "送", "发"):
            if key in previous.distribution:
                lines.append(f"  {key}: [{', '.join(yaml_scalar(v) for v in previous.distribution[key])}]")
    if previous is not None and previous.copies is not None:
        lines.append(f"copies: {previous.copies}")
    return "\n".join(lines) + "\n"


def _report_plan(ctx, newsroom: Newsroom, plan: Plan, series: Series, rel: str) -> None:
    ctx.say(f"编入 {len(plan.taken)} 篇：")
    for n, report in enumerate(plan.taken, 1):
        note = f"（{plan.notes[report.id]}）" if report.id in plan.notes else ""
        ctx.say(f"  {n}. {report.id} {report.title}{note}")
    if plan.left_out:
        ctx.say("未编入：")
        for rid, why in plan.left_out:
            ctx.say(f"  - {rid}：{why}")
    previous = previous_issue(newsroom, series)
    if previous is None:
        ctx.say("这是本刊物的第一期，没有上一期可沿用；请补写 distribution（报、送、发）和 copies")
    else:
        ctx.say(f"报送范围和印数沿用第{previous.number}期（{previous.key}）")
    ctx.say(f"下一步：填写 editor 和 signer，审阅后运行 bulletin publish {rel}")


def _home(ctx, result, plan: Plan):
    """The store for an issue holding a stored or classified item (when a store is configured)."""
    highest = max(plan.taken, key=lambda r: (r.src.stored, r.rank))
    classification = "秘密" if highest.src.stored and not highest.classified else highest.classification
    return home_for(ctx.root, result.store, classification)


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("--series", required=True)
    parser.add_argument("--items", default=None, help="逗号分隔的稿件 id")
    parser.add_argument("--date", default=None)
    parser.add_argument("--force", action="store_true")


def run(ctx, args) -> int:
    day = to_date(args.date) if args.date else ctx.today
    if day is None:
        raise UsageError(f"--date 应写成 2026-03-12 这样的日期，而不是 {args.date}")
    result = run_check(ctx.root, ctx.today, classified=ctx.classified)
    newsroom = result.newsroom
    series = newsroom.series.get(args.series)
    if series is None:
        raise UsageError(f"刊物 {args.series} 不在 issues/series.yaml 中；{nearest(args.series, newsroom.series)}可用的有：{'、'.join(newsroom.series) or '（无）'}")
    if refused(result, f"新闻室有 {len(result.errors)} 个错误，未新建期刊；请先改正，再运行 bulletin issue"):
        return 1
    ids = [part.strip() for part in args.items.replace("，", ",").replace("、", ",").split(",")] if args.items else None
    plan = explicit_plan(newsroom, series, [i for i in ids if i], args.force) if ids else automatic_plan(newsroom, series, day)
    if plan.refused:
        for why in plan.refused:
            ctx.say(f"bulletin issue：{why}")
        ctx.say("未新建期刊")
        return 1
    if not plan.taken:
        for rid, why in plan.left_out:
            ctx.say(f"  - {rid}：{why}")
        ctx.say("没有可编入的拟采用稿件，未新建期刊；请把审定的稿件改为 status: 拟采用，或用 --items 指定")
        return 1
    number = series.next_number(day.year)  # one numbering across newsroom and store
    path = _home(ctx, result, plan) / "issues" / series.id / f"{day.year:04d}" / f"{number:03d}.yaml"
    rel = display_path(path)
    if path.exists():
        ctx.say(f"{rel} 已存在但未能读取；请先运行 bulletin check 处理它")
        return 1
    atomic_write(path, _issue_text(newsroom, series, number, day, plan))
    ctx.say(f"已新建 {rel}：{series.name}{day.year}年第{number}期（草稿），日期 {cn_date(day)}")
    _report_plan(ctx, newsroom, plan, series, rel)
    print(rel)
    return 0
