"""A generated newsroom for measuring search: the bench generator's year, small, with a few terms
the generator never writes (专项债, 秸秆禁烧, a Latin token, a number) planted into some bodies.

Planting edits published items, so their issues' locks are taken off and written again as
``bulletin publish`` would (``helpers.newsroom.seal_published``).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from helpers.newsroom import seal_published

from bench.generate import generate

REPORTS = 4000  # a year of 4,000 reports: ≈ 450 public items, built in well under a minute
TODAY = date(2026, 12, 31)
# (sentence planted, every n-th report gets it)
PLANTED = [
    ("今年新增专项债额度用于城乡基础设施项目建设。", 11),
    ("各乡镇落实秸秆禁烧网格化巡查责任。", 13),
    ("依托5G网络开展远程问诊服务。", 17),
    ("全年累计受理群众诉求73519件。", 19),
]
_LOCK = re.compile(r"\nlock:.*\Z", re.S)


def make(root: Path) -> Path:
    """Write the corpus newsroom at ``root`` and return it."""
    generate(root, years=1, units=40, reports_per_year=REPORTS, seed=3)
    reports = sorted((root / "content").rglob("*.md"))
    for n, path in enumerate(reports):
        extra = [sentence for sentence, every in PLANTED if n % every == 0]
        if extra:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.rstrip("\n") + "\n\n" + "".join(extra) + "\n", encoding="utf-8")
    for issue in (root / "issues").rglob("*.yaml"):
        text = issue.read_text(encoding="utf-8")
        if "\nlock:" in text:
            issue.write_text(_LOCK.sub("\n", text), encoding="utf-8")
    seal_published(root)
    return root
