"""Newsrooms for the assessment tests: a small hand-made one, and a generated year for timing."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from bulletin.dates import SHANGHAI
from helpers.newsroom import (  # the spec's example rules, shared with every test newsroom
    SCORING,
    seal_published,
)

SERIES = """\
zwxx: {name: 政务信息, kind: bulletin, publisher: 江城市人民政府办公室, numbering: yearly, public: true}
xxzb: {name: 信息专报, kind: special, publisher: 江城市人民政府办公室, public: false}
ldcy: {name: 领导参阅, kind: brief, publisher: 江城市人民政府办公室, public: false}
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def units_yaml(units: list[dict]) -> str:
    lines = ["units:"]
    for u in units:
        lines.append(f"  - id: {u['id']}")
        lines.append(f"    name: {u['name']}")
        lines.append(f"    type: {u.get('type', '市直单位')}")
        if "quota" in u:
            lines.append(f"    quota: {u['quota']}")
        lines.append(f"    active: {'true' if u.get('active', True) else 'false'}")
        lines.append("    officers:")
        lines.append(f"      - {{name: {u.get('officer', '王小红')}, since: 2020-01-01}}")
    return "\n".join(lines) + "\n"


def report_md(rid: str, unit: str, submitted: str, category: str = "动态", **extra) -> str:
    """A report file; nested values are written as JSON, which YAML reads as flow style."""
    front = {
        "id": rid,
        "title": extra.pop("title", f"{rid} 的标题"),
        "unit": unit,
        "author": extra.pop("author", "王小红"),
        "signed_off_by": "副局长 陈立",
        "submitted": submitted,
        "category": category,
        "classification": extra.pop("classification", "内部"),
        **extra,
    }
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v}" for k, v in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n3月8日，有关工作顺利推进。\n"


def add_report(root: Path, rid: str, unit: str, submitted: str, category: str = "动态", **extra) -> None:
    local = datetime.fromisoformat(submitted).astimezone(SHANGHAI)
    write(root, f"content/{local.year:04d}/{local.month:02d}/{rid}.md", report_md(rid, unit, submitted, category, **extra))


def issue_yaml(series: str, year: int, number: int, day: str, status: str, items: list[str]) -> str:
    return (
        f"series: {series}\nyear: {year}\nnumber: {number}\ndate: {day}\nstatus: {status}\n"
        "editor: 李静\nsigner: 张国华\nitems:\n" + "".join(f"  - {i}\n" for i in items)
        + "distribution:\n  报: [市委办公室]\n  发: [各县区人民政府]\ncopies: 120\n"
    )


def add_issue(root: Path, series: str, year: int, number: int, day: str, status: str, items: list[str],
              seal: bool = True) -> None:
    """Write an issue; a published one gets its lock (add its reports first)."""
    write(root, f"issues/{series}/{year}/{number:03d}.yaml", issue_yaml(series, year, number, day, status, items))
    if seal and status == "published":
        seal_published(root)


def generated_year(root: Path, reports: int = 9000, units: int = 60, seed: int = 7) -> None:
    """A year of ``reports`` reports from ``units`` units, with issues, adoptions and instructions."""
    rng = random.Random(seed)
    write(root, "scoring.yaml", SCORING)
    write(root, "issues/series.yaml", SERIES)
    write(root, "units.yaml", units_yaml([
        {"id": f"u{i:02d}", "name": f"单位{i:02d}", "quota": rng.randint(2, 20), "active": i != 0} for i in range(units)
    ]))
    write(root, "issues/assignments.yaml", "".join(
        f"- id: yg-{m:02d}\n  topic: 第{m}月约稿\n  issued: 2026-{m:02d}-01\n  due: 2026-{m:02d}-20\n  units: all\n"
        for m in range(1, 13)
    ))
    start = datetime.fromisoformat("2026-01-01T08:00:00+08:00")
    by_series: dict[str, list[tuple[str, datetime]]] = {"zwxx": [], "xxzb": [], "ldcy": []}
    for n in range(reports):
        moment = start + timedelta(minutes=rng.randrange(364 * 24 * 60))
        rid = f"r{n:05d}"
        unit = f"u{rng.randrange(units):02d}"
        extra: dict = {}
        category = rng.choice(["动态", "经验", "问题", "调研", "建议", "紧急"])
        if category == "紧急":
            extra["event_time"] = (moment - timedelta(hours=rng.choice([1, 3, 6]))).isoformat()
        if rng.random() < 0.1:
            extra["co_units"] = [f"u{(int(unit[1:]) + 1) % units:02d}"]
        if rng.random() < 0.1:
            extra["assignment"] = f"yg-{moment.month:02d}"
        day = (moment + timedelta(days=5)).date()
        if rng.random() < 0.15 and day.year == 2026:
            extra["adopted"] = [{"level": rng.choice(["city", "province", "national"]), "publication": "《每日要情》",
                                 "date": day.isoformat(), "kind": rng.choice(["default", "special"])}]
        if rng.random() < 0.05 and day.year == 2026:
            extra["instructions"] = [{"leader": "市长 张国华", "level": "own", "date": day.isoformat(), "text": "阅。"}]
        add_report(root, rid, unit, moment.isoformat(), category, **extra)
        if rng.random() < 0.3 and day.year == 2026:
            by_series[rng.choice(list(by_series))].append((rid, moment))
    for series, items in by_series.items():
        items.sort(key=lambda x: x[1])
        for number, chunk in enumerate(range(0, len(items), 8), start=1):
            batch = items[chunk:chunk + 8]
            day = (batch[-1][1] + timedelta(days=3)).date()
            if day.year != 2026:
                continue
            add_issue(root, series, 2026, number, day.isoformat(), "published", [rid for rid, _ in batch], seal=False)
    seal_published(root)
