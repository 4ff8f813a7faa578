"""Scores across the boundary: the exported per-unit figures give the complete ranking."""

from __future__ import annotations

import json
import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from helpers.newsroom import Newsroom, report_text, seal_published

from bulletin.check import run_check
from bulletin.classified_summary import points_text
from bulletin.cli import main

TODAY = date(2026, 3, 31)
PERIOD = "2026-03"
SPECIAL = """\
series: xxzb
year: 2026
number: {number}
date: 2026-03-{day}
status: published
editor: 李静
signer: 张国华
items:
{items}"""


@pytest.fixture
def split(newsroom: Newsroom, tmp_path: Path) -> tuple[Path, Path]:
    """A newsroom and its store outside it: jyj's classified reports (one joint with nyj, and a
    newsroom report adopted only by a stored issue) decide the ranking."""
    store = tmp_path / "store"
    newsroom.write("content/2026/03/2026-03-jyj-001.md", report_text(
        "2026-03-jyj-001", unit="jyj", author="赵敏", title="教育局一般情况", status="拟采用"))
    secret = dict(classification="秘密", secrecy_term="1年", status="拟采用", unit="jyj", author="赵敏")
    (store / "content/2026/03").mkdir(parents=True)
    (store / "content/2026/03/2026-03-jyj-002.md").write_text(report_text(
        "2026-03-jyj-002", title="涉密一", category="调研", **secret,
        instructions="[{leader: 市长, level: city, date: 2026-03-15, text: 请研究}]"), encoding="utf-8")
    (store / "content/2026/03/2026-03-jyj-003.md").write_text(report_text(
        "2026-03-jyj-003", title="涉密二", co_units="[nyj]", **secret), encoding="utf-8")
    (store / "issues/xxzb/2026").mkdir(parents=True)
    (store / "issues/xxzb/2026/001.yaml").write_text(SPECIAL.format(
        number=1, day=12, items="  - 2026-03-jyj-002\n  - 2026-03-jyj-003\n  - 2026-03-jyj-001\n"), encoding="utf-8")
    seal_published(newsroom.root, store)
    return newsroom.root, store


def scores(root: Path, *extra: str, capsys) -> dict:
    assert main(["--root", str(root), "--today", TODAY.isoformat(), *extra, "scores", "--period", PERIOD,
                 "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def export(root: Path, store: Path, period: str, capsys) -> Path:
    assert main(["--root", str(root), "--today", TODAY.isoformat(), "--classified", str(store), "scores",
                 "--period", period, "--export-classified"]) == 0
    out = Path(capsys.readouterr().out.strip())
    assert out == store / "classified-summary" / f"{period}.yaml"
    return out


def test_the_summary_gives_the_same_scores_and_ranking_as_the_store(split, capsys):
    root, store = split
    complete = scores(root, "--classified", str(store), capsys=capsys)
    alone = scores(root, capsys=capsys)
    assert [u["unit"] for u in complete["units"]] != [u["unit"] for u in alone["units"]]  # the store matters
    summary = export(root, store, PERIOD, capsys)
    assert summary.read_text(encoding="utf-8") == (
        "units:\n"
        "  - unit: nyj\n    submitted: 1\n    adopted: 1\n    instructions: 0\n    points: 2\n"
        "  - unit: jyj\n    submitted: 2\n    adopted: 3\n    instructions: 1\n    points: 13\n"
    )
    (root / "classified-summary").mkdir()
    shutil.copy(summary, root / "classified-summary")
    assert run_check(root, TODAY).problems == []
    assert scores(root, capsys=capsys) == complete


def test_quarters_add_up_their_months(split, capsys):
    root, store = split
    (root / "classified-summary").mkdir()
    shutil.copy(export(root, store, PERIOD, capsys), root / "classified-summary")
    quarter = ["--period", "2026-Q1", "--format", "json"]
    assert main(["--root", str(root), "--today", TODAY.isoformat(), "--classified", str(store), "scores", *quarter]) == 0
    complete = capsys.readouterr().out
    assert main(["--root", str(root), "--today", TODAY.isoformat(), "scores", *quarter]) == 0
    assert capsys.readouterr().out == complete


def test_the_networked_explanation_names_numbers_only(split, capsys):
    root, store = split
    (root / "classified-summary").mkdir()
    shutil.copy(export(root, store, PERIOD, capsys), root / "classified-summary")
    assert main(["--root", str(root), "--today", TODAY.isoformat(), "scores", "--period", PERIOD,
                 "--unit", "jyj", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "涉密信息报送 2 条、采用 3 条、批示 1 次（只计数字，明细在涉密库）" in out
    assert "classified-summary/2026-03.yaml:7" in out and "涉密一" not in out and "jyj-002" not in out


def test_export_needs_the_store(newsroom, capsys):
    assert main(["--root", str(newsroom.root), "scores", "--period", PERIOD, "--export-classified"]) == 2
    assert "须在涉密库所在的计算机上运行（没有配置涉密库）" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "expected"), [
    ("units:\n  - unit: nyj\n    submitted: 1\n    adopted: 0\n    instructions: 0\n    points: 1\n    title: 涉密一\n",
     "classified-summary/2026-03.yaml:7: error[E239]: "),
    ("units:\n  - unit: nyj\n    submitted: 1\n    adopted: 0\n    instructions: 0\n    points: 1\n# 涉密一\n",
     "classified-summary/2026-03.yaml:7: error[E239]: "),
    ("units:\n  - unit: nyj\n    submitted: 1\n    adopted: 0\n    instructions: 0\n    points: 7/0\n",
     "classified-summary/2026-03.yaml:6: error[E239]: "),
    ("units:\n  - unit: nobody\n    submitted: 1\n    adopted: 0\n    instructions: 0\n    points: 1\n",
     "classified-summary/2026-03.yaml:2: error[E203]: 单位 nobody 不在 units.yaml 中；请在涉密库所在的计算机上重新导出"),
])
def test_check_refuses_anything_but_the_figures(newsroom, text, expected):
    newsroom.write("classified-summary/2026-03.yaml", text)
    result = run_check(newsroom.root, TODAY)
    assert [p.format()[: len(expected)] for p in result.problems] == [expected]
    assert result.newsroom.classified is None  # a refused file adds nothing


@pytest.mark.parametrize(("data", "code"), [
    ({"units": [{"unit": "nyj", "submitted": 1, "adopted": 0, "instructions": 0, "points": "涉密一"}]}, "E105"),
    ({"units": [{"unit": "nyj", "submitted": 1, "adopted": 0, "instructions": 0, "points": 1, "note": "x"}]}, "E104"),
    ({"units": [], "title": "涉密一"}, "E104"),
    ({"units": [{"unit": "nyj", "submitted": "一", "adopted": 0, "instructions": 0, "points": 1}]}, "E102"),
])
def test_the_schema_refuses_text(data, code):
    from bulletin import schema

    assert [p.code for p in schema.validate("classified-summary", data, "x.yaml", {})] == [code]


def test_only_period_files_belong_in_the_folder(newsroom):
    newsroom.write("classified-summary/十月.yaml", "units: []\n")
    assert [p.format() for p in run_check(newsroom.root, TODAY).problems] == [
        "classified-summary/十月.yaml:1: error[E239]: classified-summary/ 只放导出的汇总文件 <期间>.yaml"
        "（如 2026-10.yaml、2026-Q4.yaml、2026.yaml）；请删去或改名 十月.yaml"
    ]


@pytest.mark.parametrize(("value", "text"), [
    (Fraction(7, 2), "3.5"), (Fraction(-1), "-1"), (Fraction(7, 3), "7/3"), (Fraction(-1, 8), "-0.125"), (Fraction(0), "0"),
])
def test_points_are_written_exactly(value, text):
    assert points_text(value) == text


def test_notices_rank_and_total_as_the_complete_computation(split, capsys):
    """Networked with the file, and the newsroom's build beside the store: both as the complete one."""
    from bulletin.notice_view import NoticeMaker
    from bulletin.scoring import parse_period
    from bulletin.store import networked

    root, store = split
    (root / "classified-summary").mkdir()
    shutil.copy(export(root, store, PERIOD, capsys), root / "classified-summary")
    full = run_check(root, TODAY, classified=store)
    views = [full.newsroom, run_check(root, TODAY).newsroom, networked(full.sources, full.newsroom, full.store)]
    notices = [NoticeMaker(n, lambda r: r.title, "办公室").notice(parse_period(PERIOD)) for n in views]
    rows = [[(r.unit, r.rank, r.points, r.submitted, r.adopted, r.instructions) for r in n.table.rows] for n in notices]
    assert rows[1] == rows[0] and rows[2] == rows[0]
    # Per-unit figures count a joint classified report once for each of its units (jyj-003: jyj and nyj).
    assert notices[0].totals.submitted == 4 and notices[1].totals.submitted == notices[2].totals.submitted == 5
    assert (notices[1].totals, notices[1].trend) == (notices[2].totals, notices[2].trend)
    assert len(views[1].reports) == len(views[2].reports) == 2  # the store's reports stay beside it
