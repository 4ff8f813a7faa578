"""Measure the public site of a generated year: build time, and item page size at 100 vs N items.

Run: ``python -m bench.site [N]`` (default 1500). Not a test: it takes a minute.
The generated newsroom is valid (check has no errors); every item is 公开 and published in
《政务信息》, 30 items an issue, so the public site holds all N.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bulletin.check import run_check
from bulletin.site import build_site
from bulletin.views import PUBLIC, site_view

PER_ISSUE = 30
UNITS = [(f"u{n:02d}", f"第{n}号单位") for n in range(1, 21)]
WORDS = ["春耕", "备耕", "农资", "供应", "安全生产", "隐患", "排查", "整改", "就业", "培训", "社区", "养老",
         "服务", "改革", "营商环境", "审批", "项目", "建设", "投资", "增长", "生态", "治理", "河道", "巡查",
         "教育", "学校", "医疗", "卫生", "文化", "旅游", "交通", "道路", "应急", "演练", "信访", "调解"]


SCORING = """\
urgent_window_hours: 4
adoption:
  own: {bulletin: 1, special: 2, brief: 2, feature: 1}
  city: {default: 3}
instruction: {own: 2}
quota: {monthly_default: 4, excess: 0.5, shortfall: -1}
"""


def _sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))) + "。"


def generate(root: Path, count: int, seed: int = 7) -> date:
    """Write a newsroom of ``count`` public published items in 2026; return a build day."""
    rng = random.Random(seed)
    units = "units:\n" + "".join(
        f"  - {{id: {uid}, name: {name}, type: 市直单位, officers: [{{name: 某某, phone: '0571-8{n:07d}', since: 2025-01-01}}]}}\n"
        for n, (uid, name) in enumerate(UNITS))
    (root / "issues" / "zwxx" / "2026").mkdir(parents=True)
    (root / "units.yaml").write_text(units, encoding="utf-8")
    (root / "scoring.yaml").write_text(SCORING, encoding="utf-8")
    (root / "issues" / "series.yaml").write_text(
        "zwxx: {name: 政务信息, kind: bulletin, publisher: 江城市人民政府办公室, public: true}\n", encoding="utf-8")
    start = date(2026, 1, 2)
    ids: list[tuple[str, date]] = []
    for n in range(count):
        day = start + timedelta(days=n * 360 // count)
        uid = UNITS[n % len(UNITS)][0]
        rid = f"2026-{day.month:02d}-{uid}-{n:04d}"
        body = "\n\n".join("".join(_sentence(rng) for _ in range(4)) for _ in range(3))
        folder = root / "content" / "2026" / f"{day.month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{rid}.md").write_text(
            f"---\nid: {rid}\ntitle: {''.join(rng.choice(WORDS) for _ in range(5))}\nunit: {uid}\nauthor: 某某\n"
            f"signed_off_by: 某某\nsubmitted: {day.isoformat()}T09:00:00+08:00\ncategory: 动态\n"
            f"classification: 公开\ntags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]\n---\n\n{body}\n",
            encoding="utf-8")
        ids.append((rid, day))
    for number, first in enumerate(range(0, count, PER_ISSUE), start=1):
        chunk = ids[first:first + PER_ISSUE]
        items = "".join(f"  - {rid}\n" for rid, _ in chunk)
        (root / "issues" / "zwxx" / "2026" / f"{number:03d}.yaml").write_text(
            f"series: zwxx\nyear: 2026\nnumber: {number}\ndate: {chunk[-1][1].isoformat()}\nstatus: published\n"
            f"editor: 某某\nsigner: 某某\nitems:\n{items}", encoding="utf-8")
    return date(2026, 12, 31)


def measure(count: int, work: Path) -> tuple[float, int, int]:
    """(build seconds, bytes of the first item's page, number of HTML pages) for ``count`` items."""
    root = work / f"n{count}"
    root.mkdir()
    today = generate(root, count)
    result = run_check(root, today)
    errors = [p.format() for p in result.problems if p.severity == "error"]
    if errors:
        raise SystemExit("生成的新闻库有错误：\n" + "\n".join(errors[:10]))
    view = site_view(result.newsroom, PUBLIC)
    out = root / "build" / "site"
    started = time.perf_counter()
    build_site(view, out, root / "build" / ".cache", {})
    seconds = time.perf_counter() - started
    first = min(view.items)
    size = (out / "items" / first / "index.html").stat().st_size
    return seconds, size, sum(1 for _ in out.rglob("*.html"))


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 1500
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(100, Path(tmp))
        large = measure(count, Path(tmp))
    for n, (seconds, size, pages) in ((100, small), (count, large)):
        print(f"{n} 条：构建 {seconds:.1f} 秒，{pages} 个页面，条目页 {size} 字节")
    print(f"条目页大小之比：{large[1] / small[1]:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
