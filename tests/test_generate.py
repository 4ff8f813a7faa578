"""The synthetic newsroom generator behind `make bench`: valid, realistic and reproducible."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bench.generate import _q, generate
from bulletin.check import run_check

TODAY = date(2026, 12, 31)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench") / "newsroom"
    summary = generate(root, years=1, units=10, reports_per_year=300, seed=7)
    return root, summary, run_check(root, TODAY)


def test_small_newsroom_checks_without_errors(small):
    _root, summary, result = small
    assert [p.format() for p in result.errors] == []
    assert len(result.newsroom.reports) == 300 == summary.reports
    assert len(result.newsroom.units) == 10
    # What the generator promises never to produce: missing markings, authors who are not the
    # registered officer, vague opening dates, issues dated before their items, unlocked issues.
    promised = {"W001", "W002", "W004", "W006", "E254"}
    assert [p.format() for p in result.problems if p.code in promised] == []


def test_small_newsroom_shape(small):
    _root, summary, result = small
    newsroom = result.newsroom
    counts = {s: len(newsroom.issues_of(s)) for s in ("zwxx", "xxzb", "ldcy")}
    assert counts == summary.issues == {"zwxx": 5, "xxzb": 3, "ldcy": 3}
    drafts = sorted(i.key for i in newsroom.issues if not i.published)
    assert drafts == ["ldcy/2026/002", "ldcy/2026/003", "xxzb/2026/002", "xxzb/2026/003", "zwxx/2026/004", "zwxx/2026/005"]
    assert all(len(i.items) == 1 for i in newsroom.issues_of("xxzb"))
    assert all(2 <= len(i.items) <= 4 for i in newsroom.issues_of("ldcy"))
    assert all(i.lock is not None for i in newsroom.issues if i.published)
    in_issues = {r.id for i in newsroom.issues for r in i.reports}
    assert all(newsroom.reports[rid].status == "拟采用" for rid in in_issues)
    assert summary.next_number == {"zwxx": 6, "xxzb": 4, "ldcy": 4}
    for rid in summary.accepted_not_in_issue:
        assert newsroom.reports[rid].status == "拟采用" and rid not in in_issues
    assert {u.type for u in newsroom.units.values()} == {"市直单位", "县区", "乡镇", "信息直报点"}


def test_reports_read_like_real_submissions(small):
    newsroom = small[2].newsroom
    for r in newsroom.reports.values():
        opening = r.body.strip().split("\n\n", 1)[0]
        assert re.match(r"^\d{1,2}月\d{1,2}日", opening), (r.id, opening)
        assert not re.search("日前|近日|近期|前不久", r.body), r.id
        assert 280 <= len(r.body) <= 1400, (r.id, len(r.body))
        if r.classified:
            assert r.secrecy_term, r.id
        if r.category == "紧急":
            assert r.event_time is not None and r.urgency in ("特急", "加急"), r.id
        if r.status == "不采用":
            assert r.reject_reason, r.id
        unit = newsroom.units[r.unit]
        assert r.author == unit.officer_on(r.submitted_day).name, r.id


def test_same_seed_same_bytes_other_seed_other_text(tmp_path):
    generate(tmp_path / "a", units=10, reports_per_year=120, seed=3)
    generate(tmp_path / "b", units=10, reports_per_year=120, seed=3)
    generate(tmp_path / "c", units=10, reports_per_year=120, seed=4)
    a, b, c = (_files(tmp_path / n) for n in "abc")
    assert len(a) > 120
    assert a == b
    assert a != c


def test_refuses_to_overwrite_without_force(tmp_path):
    generate(tmp_path, units=8, reports_per_year=40, seed=1)
    with pytest.raises(FileExistsError):
        generate(tmp_path, units=8, reports_per_year=40, seed=1)
    generate(tmp_path, units=8, reports_per_year=50, seed=1, force=True)
    assert len(list((tmp_path / "content").rglob("*.md"))) == 50


@pytest.mark.parametrize(
    "text, plain",
    [
        ("市政府秘书长、副秘书长", True),
        ("《政务信息》", True),
        ("副局长 陈立", True),
        ("a: b", False),
        ("x #y", False),
        ("yes", False),
        ("0571-86012345", False),
        ("1年", False),
        ("[甲]", False),
        ("甲,乙", False),
        ("“引号”开头", True),
        ('"quoted"', False),
    ],
)
def test_quoting_reads_back_as_the_same_string(text, plain):
    written = _q(text)
    assert (written == text) is plain
    assert yaml.safe_load(f"k: {written}") == {"k": text}
    assert yaml.safe_load(f"k: [{written}]") == {"k": [text]}


# --- the bench harness never stops on a failed or missing step ---------------------------------


def test_measure_reports_exit_code_time_and_memory():
    import sys

    from bench.__main__ import measure

    seconds, peak_mb, code, tail = measure([sys.executable, "-c", "import sys; print('错', file=sys.stderr); sys.exit(3)"], 60)
    assert code == 3
    assert tail == "错"
    assert 0 < seconds < 60
    assert peak_mb > 1


def test_targets_name_what_is_missing_and_are_not_met():
    from bench.__main__ import Result, Run, Size, targets

    one = Size(years=1, reports=9000, units=100, seed=1)
    run = Run([
        Result("check", one.label, 1.5, 200.0, True),
        Result("check_cold", one.label, 3.0, 210.0, True),
        Result("yaml_bare", one.label, 2.5, 20.0, True),
        Result("scores", one.label, 0.4, 90.0, False, "退出码 2：bulletin: scores 尚未实现"),
    ])
    found = {t.name: t for t in targets(run, [one], elapsed=2800.0)}
    assert (found["check"].value, found["check"].met, found["check"].note) == (1.5, True, "无缓存时 3.00 秒")
    assert (found["scores"].value, found["scores"].met) == (None, False)
    assert found["scores"].note == "scores 失败：退出码 2：bulletin: scores 尚未实现"
    assert (found["cold full build"].met, found["cold full build"].note) == (False, "未运行 build_cold")
    assert found["cold build 5y / 1y"].note == "没有测这个规模；未运行 build_cold"
    assert (found["cold check / bare YAML, 1 y"].value, found["cold check / bare YAML, 1 y"].met) == (1.2, True)
    assert (found["no-op rebuild, 5 y"].met, found["no-op rebuild, 5 y"].note) == (False, "没有测这个规模")
    assert (found["make bench itself"].value, found["make bench itself"].met) == (2800.0, False)
    assert found["serve: edit visible (city-year)"].note == "未运行 serve_edit_visible"
    assert (found["peak memory"].value, found["peak memory"].met) == (210.0, True)


def test_a_fresh_newsroom_is_older_than_the_racy_window_when_the_first_step_runs(tmp_path, monkeypatch):
    """A file as new as a run's scan is read again by the next run (bulletin.filestat): the
    cached check right after a fresh generation would time a full check, not a replay."""
    import time

    from bench import __main__ as harness
    from bulletin.filestat import RACY_NS

    monkeypatch.setattr(harness.gen, "generate", lambda root, *a: (root.mkdir(parents=True), _tiny_summary())[1])
    began = time.time_ns()
    harness.prepare(harness.Size(years=1, reports=10, units=8, seed=1), tmp_path, harness.Run())
    assert time.time_ns() - began >= RACY_NS


def _tiny_summary():
    from bench.generate import Summary

    return Summary(root="x", seed=1, first_year=2026, last_year=2026, units=8, reports=10, issues={}, drafts=0,
                   assignments=0, warnings_expected=0, next_number={}, accepted_not_in_issue=[])


def test_cold_checks_are_timed_in_turn_with_the_bare_parse_and_each_median_is_kept(tmp_path, monkeypatch):
    """The cold check ÷ bare YAML target compares two steps seconds apart: three of each, in
    turn, and the median of each (a run that met a slow spell of the machine is dropped)."""
    from bench.__main__ import Bench, Result, Run, Size

    size = Size(years=1, reports=10, units=8, seed=1)
    bench = Bench(size, tmp_path, {}, Run(), 60)
    times = iter([4.0, 1.5, 3.0, 1.2, 9.0, 1.4])
    asked = []

    def timed(name, cmd, note="", env=None):
        asked.append(name)
        return Result(name, size.label, next(times), 100.0, True)

    monkeypatch.setattr(bench, "timed", timed)
    bench.check_cold()
    bench.yaml_bare()  # already timed beside the cold checks: not run again
    assert asked == ["check_cold", "yaml_bare"] * 3
    assert [(r.name, r.seconds, r.note) for r in bench.run.results] == [
        ("check_cold", 4.0, "3 次的中位数（4.00、3.00、9.00 秒）"),
        ("yaml_bare", 1.4, "3 次的中位数（1.50、1.20、1.40 秒）")]


def test_cold_pdf_builds_are_timed_in_turn_with_bare_weasyprint_on_html_composed_once(tmp_path, monkeypatch):
    """PDF ÷ bare WeasyPrint compares two minute-long steps: three of each, in turn, each build
    cold, with the print HTML composed once outside build/ (which a cold build removes)."""
    from bench import __main__ as bench_main
    from bench.__main__ import Bench, Result, Run, Size

    size = Size(years=1, reports=10, units=8, seed=1)
    root = tmp_path / "news"
    bench = Bench(size, root, {}, Run(), 60)
    composed = []
    monkeypatch.setattr(bench_main, "measure", lambda cmd, timeout: composed.append(cmd[-2]) or (1.5, 50.0, 0, ""))
    times = iter([60.0, 55.0, 70.0, 58.0, 62.0, 80.0])
    asked = []

    def timed(name, cmd, note="", env=None):
        asked.append((name, (root / "build").exists()))
        if name == "pdf_cold":
            (root / "build" / "pdf").mkdir(parents=True)  # what the build makes, removed by the next round
        return Result(name, size.label, next(times), 100.0, True, note)

    monkeypatch.setattr(bench, "timed", timed)
    bench.pdf_cold()
    bench.weasyprint_bare()  # already timed beside the builds: not run again
    assert composed == [str(tmp_path / "1y-10-print-html")]
    assert asked == [("pdf_cold", False), ("weasyprint_bare", True)] * 3
    assert [(r.name, r.seconds, r.note) for r in bench.run.results] == [
        ("pdf_cold", 62.0, "3 次的中位数（60.00、70.00、62.00 秒）"),
        ("weasyprint_bare", 58.0, "3 次的中位数（55.00、58.00、80.00 秒）；2 个进程；HTML 由 bulletin.printing 生成（另用 1.5 秒，不计入）")]


def test_a_failed_run_among_the_rounds_is_the_steps_result():
    from bench.__main__ import Result, median_of

    failed = Result("check_cold", "1y-10", 2.0, 90.0, False, "退出码 1：E001")
    assert median_of([Result("check_cold", "1y-10", 3.0, 90.0, True), failed]) is failed


def test_a_builds_pdf_cpu_per_page_comes_from_its_log_without_the_notices(tmp_path):
    from bench.__main__ import pdf_cpu_per_page

    log = tmp_path / "build.log"
    log.write_text("[   0.1s] PDF …\n"
                   "[   2.0s]   PDF zwxx/2026/018：12 页，0.93 秒（CPU 0.60 秒）\n"
                   "[   3.1s]   PDF ldcy/2026/002：8 页，0.70 秒（CPU 0.40 秒）\n"
                   "[   9.0s]   PDF 通报 2026-03：40 页，2.10 秒（CPU 2.00 秒）\n"
                   "[  10.0s]   渲染 3 份 PDF 共用时 9.9 秒\n", encoding="utf-8")
    assert pdf_cpu_per_page(log) == 0.05  # (0.60 + 0.40) / (12 + 8)
    assert pdf_cpu_per_page(tmp_path / "none.log") is None


def test_the_linearity_target_says_how_fast_the_machine_was_during_each_build():
    from bench.__main__ import Result, Run, Size, targets

    one, five = Size(years=1, reports=9000, units=100, seed=1), Size(years=5, reports=9000, units=100, seed=1)
    run = Run([Result("build_cold", one.label, 100.0, 1300.0, True, pdf_cpu_per_page=0.04),
               Result("build_cold", five.label, 600.0, 4000.0, True, pdf_cpu_per_page=0.05)])
    found = {t.name: t for t in targets(run, [one, five], elapsed=2000.0)}
    target = found["cold build 5y / 1y"]
    assert (target.value, target.met) == (6.0, False)  # judged on the wall times as measured
    assert target.note == "同样的印刷工作每页 CPU：1 年 0.0400 秒、5 年 0.0500 秒；扣除两次构建时机器快慢之差约为 4.80"


def test_the_bench_runs_bulletin_from_bytecode_as_an_installation_does(tmp_path):
    """With PYTHONDONTWRITEBYTECODE set every command compiled the package again; the bench
    compiles it first, and Python reads that bytecode even with the variable set."""
    import importlib.util
    import subprocess
    import sys

    from bench.__main__ import compile_package

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("VALUE = 41 + 1\n")
    compile_package(package)
    cached = Path(importlib.util.cache_from_source(str(package / "mod.py")))
    assert cached.is_file()
    before = cached.stat().st_mtime_ns
    compile_package(package)
    assert cached.stat().st_mtime_ns == before  # unchanged sources are not compiled again
    env = {"PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-v", "-c", "import pkg.mod; print(pkg.mod.VALUE)"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout == "42\n"
    assert f"# code object from '{cached}'" in out.stderr  # read from the bytecode, not compiled
