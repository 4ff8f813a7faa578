"""A new report file, as ``bulletin new`` and ``bulletin import`` both write it.

The id is readable and unique: ``<YYYY>-<MM>-<unit>-<NNN>``, NNN counting that unit's reports of
the month. The author is the unit's registered officer on that day; ``submitted`` is now (the
day of the build at the current Shanghai clock time, or SOURCE_DATE_EPOCH's time, so that
tests and rebuilds are reproducible). ``signed_off_by`` is left empty: only the editor knows who
signed the item off, and check will not let the item through until it is written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bulletin import enums
from bulletin.commands._common import display_path, yaml_scalar
from bulletin.dates import SHANGHAI, to_datetime
from bulletin.errors import UsageError
from bulletin.model import Newsroom, Unit
from bulletin.schema import date_slip
from bulletin.store import home_for, locate
from bulletin.suggest import nearest
from bulletin.write import atomic_write


def now_on(day: date) -> datetime:
    """The current Shanghai clock time on ``day``; SOURCE_DATE_EPOCH's time when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), SHANGHAI) if epoch.isdigit() else datetime.now(SHANGHAI)
    return datetime.combine(day, moment.time().replace(microsecond=0), SHANGHAI)


def choose(table: dict[str, str], value: str | None, what: str, default: str) -> str:
    if value is None:
        return default
    found = enums.canonical(table, value)
    if found is None:
        raise UsageError(f"{what} {value} 不存在；可写：{'、'.join(table)}")
    return found


def unit_of(newsroom: Newsroom, uid: str) -> Unit:
    unit = newsroom.units.get(uid)
    if unit is None:
        names = "、".join(f"{u.id}（{u.name}）" for u in newsroom.units.values())
        raise UsageError(f"单位 {uid} 不在 units.yaml 中；{nearest(uid, newsroom.units)}可用的单位有：{names or '（units.yaml 中没有单位）'}")
    return unit


def next_id(newsroom: Newsroom, root: Path, day: date, uid: str) -> str:
    """``2026-03-nyj-004``: one more than the unit's highest number that month."""
    prefix = f"{day.year:04d}-{day.month:02d}-{uid}-"
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    folder = root / "content" / f"{day.year:04d}" / f"{day.month:02d}"
    names = set(newsroom.reports) | {p.stem for p in folder.glob("*.md")}
    numbers = [int(m[1]) for m in map(pattern.match, names) if m]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@dataclass
class ReportPlan:
    """A report about to be written: where, and its front matter in order."""

    id: str
    path: Path
    front: list[tuple[str, str]]

    def text(self, body: str) -> str:
        lines = [f"{key}: {value}" for key, value in self.front]
        return "---\n" + "\n".join(lines) + "\n---\n\n" + (body.strip("\n") + "\n" if body.strip() else "")


@dataclass
class ChainKeys:
    """What a 续报 takes from the report it follows (``--follows``), and the extra keys of ``new``."""

    follows: str | None = None
    unit: str | None = None
    category: str | None = None
    classification: str | None = None
    secrecy_term: str | None = None
    urgency: str | None = None
    event_time: str | None = None
    assignment: str | None = None

    def front(self) -> list[tuple[str, str]]:
        """The keys after ``classification``, in the order the schema documents them."""
        keys = [("secrecy_term", self.secrecy_term), ("urgency", self.urgency), ("event_time", self.event_time),
                ("follows", self.follows), ("assignment", self.assignment)]
        # a time stays plain, as ``submitted`` is: check reads it as the same text either way
        return [(key, value if key == "event_time" else yaml_scalar(value)) for key, value in keys if value]


def plan_report(ctx, newsroom: Newsroom, uid: str | None, title: str, category: str | None,
                classification: str | None, signed_off_by: str = "", chain: ChainKeys | None = None) -> ReportPlan:
    chain = chain or ChainKeys()
    uid = uid or chain.unit
    if uid is None:
        raise UsageError("请用 --unit 写报送单位 id（续报可用 --follows 沿用前一篇的单位）")
    unit = unit_of(newsroom, uid)
    title = " ".join(title.split())
    if not title:
        raise UsageError("标题不能为空；请用 --title 写一行标题")
    moment = now_on(ctx.today)
    officer = unit.officer_on(ctx.today)
    if officer is None:
        raise UsageError(f"{unit.name}在 {ctx.today} 没有备案信息员；请先在 units.yaml 的 officers 中登记")
    classification = choose(enums.CLASSIFICATION, classification or chain.classification, "密级", "内部")
    home = home_for(ctx.root, locate(ctx.root, ctx.classified)[0], classification)  # 秘密 and above: the store
    rid = next_id(newsroom, home, ctx.today, uid)
    front = [
        ("id", rid),
        ("title", yaml_scalar(title)),
        ("unit", uid),
        ("author", yaml_scalar(officer.name)),
        ("signed_off_by", yaml_scalar(signed_off_by)),
        ("submitted", moment.isoformat()),
        ("category", choose(enums.CATEGORY, category or chain.category, "类别", "动态")),
        ("classification", classification),
        *chain.front(),
        ("status", "已报送"),
    ]
    path = home / "content" / f"{ctx.today.year:04d}" / f"{ctx.today.month:02d}" / f"{rid}.md"
    return ReportPlan(rid, path, front)


def known(newsroom_ids, value: str, what: str, where: str) -> str:
    """``value`` when it is a known id; else a usage error naming the nearest one."""
    if value in newsroom_ids:
        return value
    hint = nearest(value, newsroom_ids) or f"请核对{where}"
    raise UsageError(f"{what} {value} 不存在；{hint}")


def event_time(text: str | None) -> str | None:
    """``--event-time`` as written to the file: ISO, with the zone when none was given."""
    if text is None:
        return None
    moment = to_datetime(text)
    if moment is None:
        slip = date_slip("--event-time", text, with_time=True)
        raise UsageError(slip[1] if slip else f"--event-time {text} 不是有效的时间；写成 2026-11-05T09:30:00+08:00")
    return moment.isoformat()


def write_report(plan: ReportPlan, body: str) -> None:
    if plan.path.exists():  # next_id looked at the folder; this guards a race with another editor
        raise UsageError(f"{display_path(plan.path)} 已存在；请重新运行")
    atomic_write(plan.path, plan.text(body))


def next_steps(ctx, plan: ReportPlan, newsroom: Newsroom, signed: bool, body: bool) -> None:
    unit = newsroom.units[dict(plan.front)["unit"]]
    if not unit.active:
        ctx.say(f"注意：{unit.name}已停用")
    todo = [] if signed else ["填写 signed_off_by（审签领导）"]
    todo.append("核对正文" if body else "在第二个 --- 之后写正文")
    ctx.say(f"已新建 {display_path(plan.path)}（{unit.name}，作者 {dict(plan.front)['author']}）；请{'、'.join(todo)}，然后运行 bulletin check")
