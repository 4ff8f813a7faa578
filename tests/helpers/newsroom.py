"""A minimal valid newsroom that each test bends to exercise one rule (the ``newsroom`` fixture)."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

UNITS = """\
units:
  - id: nyj
    name: 市农业农村局
    type: 市直单位
    quota: 2
    active: true
    officers:
      - {name: 王小红, phone: 0571-86001234, since: 2025-01-01}
      - {name: 李明, phone: 13800000001, since: 2026-03-01}
  - id: jyj
    name: 市教育局
    type: 市直单位
    officers:
      - {name: 赵敏, phone: 0571-86005678, since: 2025-01-01}
  - id: old
    name: 原市物价局
    type: 市直单位
    active: false
    officers:
      - {name: 钱进, since: 2020-01-01}
"""

SERIES = """\
zwxx: {name: 政务信息, kind: bulletin, publisher: 江城市人民政府办公室, numbering: yearly, public: true}
xxzb: {name: 信息专报, kind: special, publisher: 江城市人民政府办公室, public: false}
ldcy: {name: 领导参阅, kind: brief, publisher: 江城市人民政府办公室, public: false}
"""

SCORING = """\
urgent_window_hours: 4
adoption:
  own:      {bulletin: 1, special: 2, brief: 2, feature: 1}
  city:     {default: 3}
  province: {default: 5, special: 10}
  national: {default: 20, special: 30}
instruction: {own: 2, city: 4, province: 10, national: 30}
bonus:
  category: {调研: 2, 问题: 1}
  assignment: 1
penalty:
  urgent_late: -5
  assignment_missed: -2
quota:
  monthly_default: 4
  excess: 0.5
  shortfall: -1
"""

ASSIGNMENTS = """\
- id: yg-1
  topic: 春耕备耕进展
  issued: 2026-03-01
  due: 2026-03-20
  units: [nyj]
"""


def report_text(rid: str = "2026-03-nyj-001", body: str = "3月8日，全市春耕备耕工作全面展开。", **fields) -> str:
    front = {
        "id": rid,
        "title": "市农业农村局春耕备耕物资储备充足",
        "unit": "nyj",
        "author": "李明",
        "signed_off_by": "副局长 陈立",
        "submitted": "2026-03-09T16:20:00+08:00",
        "category": "动态",
        "classification": "公开",
    }
    front.update(fields)
    lines = [f"{k}: {v}" for k, v in front.items() if v is not None]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


ISSUE = """\
series: zwxx
year: 2026
number: 18
date: 2026-03-12
status: draft
editor: 李静
signer: 张国华
items:
  - 2026-03-nyj-001
distribution:
  报: [市委办公室]
  发: [各县区人民政府]
copies: 120
"""


class Newsroom:
    """A folder with a valid newsroom; ``write`` replaces or adds one file."""

    def __init__(self, root: Path):
        self.root = root
        self.write("units.yaml", UNITS)
        self.write("issues/series.yaml", SERIES)
        self.write("scoring.yaml", SCORING)
        self.write("issues/assignments.yaml", ASSIGNMENTS)
        self.write("content/2026/03/2026-03-nyj-001.md", report_text())
        self.write("issues/zwxx/2026/018.yaml", ISSUE)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith(" ") else text, encoding="utf-8")
        return path

    def report(self, rid: str = "2026-03-nyj-001", folder: str = "2026/03", **fields) -> Path:
        return self.write(f"content/{folder}/{rid}.md", report_text(rid, **fields))

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()


def seal_published(root: Path, classified: Path | None = None) -> None:
    """Give each hand-written published issue the lock ``bulletin publish`` would have written
    on its date: a published issue without one is an error (E254). Call after writing its items.
    ``classified``: a store outside the newsroom (else mkdocs.yml's, if any), sealed too."""
    import yaml

    from bulletin.load import load_sources
    from bulletin.lock import new_lock
    from bulletin.model import build_newsroom
    from bulletin.store import load_store, locate

    sources = load_sources(root)
    store, _ = locate(root, classified)
    load_store(sources, store)
    newsroom = build_newsroom(sources, date(2026, 12, 31))
    for issue in newsroom.issues:
        if issue.published and issue.lock is None and issue.date is not None:
            lock = yaml.safe_dump({"lock": new_lock(newsroom, issue, issue.date)}, allow_unicode=True, sort_keys=False)
            path = store.path / issue.src.rel if issue.src.stored and store is not None else root / issue.src.path
            text = path.read_text(encoding="utf-8")
            path.write_text(text + ("" if text.endswith("\n") else "\n") + lock, encoding="utf-8")
