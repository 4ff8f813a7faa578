"""The intranet's follow-up pages (查办): the leader-instruction register, the answers to each
assignment and the 续报 of each urgent matter, rendered from the follow-up view
(``bulletin.followups.followup_view``), which has already decided what the intranet may show."""

from __future__ import annotations

from datetime import date, datetime

from bulletin.dates import cn_date, local
from bulletin.escape import md_cell
from bulletin.followups import LATE, MISSING, ON_TIME, OVERDUE, PENDING, FollowupView, tally


def _day(day: date | None) -> str:
    return cn_date(day) if day else "—"


def _moment(moment: datetime) -> str:
    """``3月10日 07:00``, Shanghai time."""
    shown = local(moment)
    return f"{shown.month}月{shown.day}日 {shown:%H:%M}"


def _hidden_note(count: int, what: str) -> list[str]:
    return ["", f"另有 {count} 条{what}涉及未在内网发布的稿件，未列出；请在本机用 bulletin instructions 查看。"] if count else []


def instructions_page(view: FollowupView) -> str:
    shown = view.instructions
    lines = [
        "# 领导批示办理台账",
        "",
        f"统计至{cn_date(view.today)}。{tally([row.state for row in shown])}。",
        "",
    ]
    if shown:
        lines += ["| 批示日期 | 批示领导 | 稿件 | 批示内容 | 承办单位 | 办理期限 | 办理情况 |", "|---|---|---|---|---|---|---|"]
        for row in shown:
            state = f"**{row.state_text}**" if row.state == OVERDUE else row.state_text
            lines.append(
                f"| {_day(row.day)} | {md_cell(row.leader)} | {md_cell(row.title)} "
                f"| {md_cell(row.text)} | {md_cell(row.owner)} | {_day(row.due)} | {state} |"
            )
    lines += _hidden_note(view.instructions_withheld, "批示")
    return "\n".join(lines) + "\n"


def assignments_page(view: FollowupView) -> str:
    lines = ["# 约稿报送情况", "", f"统计至{cn_date(view.today)}。", ""]
    if not view.assignments:
        lines.append("目前没有约稿。")
    for block in view.assignments:
        answered = "，".join(f"{state} {sum(a.state == state for a in block.answers)}" for state in (ON_TIME, LATE, MISSING, PENDING))
        lines += [
            f"## {md_cell(block.topic)}（{md_cell(block.id)}）",
            "",
            f"下发：{_day(block.issued)}；截止：{_day(block.due)}。应报 {len(block.answers)} 个单位：{answered}。",
            "",
            "| 报送单位 | 情况 | 稿件 |",
            "|---|---|---|",
        ]
        for answer in block.answers:
            titles = [f"{md_cell(title)}（{_day(day)}）" for title, day in answer.reports]
            if answer.withheld:
                titles.append(f"未在内网发布的稿件 {answer.withheld} 篇")
            lines.append(f"| {md_cell(answer.unit_name)} | {answer.state} | {'；'.join(titles) or '—'} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def urgent_page(view: FollowupView) -> str:
    lines = ["# 紧急信息续报", "", f"统计至{cn_date(view.today)}。紧急信息须持续续报，直至事件处置完毕（编辑在最后一篇写 closed: true）。", ""]
    for chain in view.chains:
        lines += [f"## {md_cell(chain.title)}", "", f"报送单位：{md_cell(chain.unit_name)}；状态：{chain.state}。", ""]
        for n, member in enumerate(chain.members):
            if member.title is None:
                lines.append(f"{n + 1}. {member.label}：未在内网发布的续报")
            else:
                event = f"（事件时间 {_moment(member.event)}）" if member.event else ""
                lines.append(f"{n + 1}. {_day(member.day)} {member.label}：{md_cell(member.title)}{event}")
        lines.append("")
    if not view.chains and not view.chains_withheld:
        lines.append("目前没有紧急信息。")
    if view.chains_withheld:
        lines.append(f"另有 {view.chains_withheld} 件紧急信息未在内网发布，未列出。")
    return "\n".join(lines).rstrip("\n") + "\n"


def followup_pages(view: FollowupView) -> dict[str, str]:
    """The follow-up pages of the intranet site, as Markdown keyed by their path."""
    return {
        "followups/instructions.md": instructions_page(view),
        "followups/assignments.md": assignments_page(view),
        "followups/urgent.md": urgent_page(view),
    }
