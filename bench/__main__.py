"""`make bench`: time bulletin on a generated city-year and a 5-year archive, against targets.

For each size it generates (or reuses) a newsroom under ``build/bench/<size>/``, then runs each
step as a separate process and measures its wall time and peak memory:

  check · scores for the year · cold PDF-only build · cold full build · no-op rebuild ·
  rebuild after adding one draft issue · baselines on the same data (bare YAML parse of all
  front matter, bare WeasyPrint render of the same print HTML, bare mkdocs build of the same
  staged docs).

The cold check and the bare YAML parse it is judged against run in turn, three of each, and
each figure is the median of its three (``Bench.check_cold``).

It prints a table and writes ``build/bench.json``:
``{"machine": {...}, "parameters": {...}, "results": [{"name", "size", "seconds", "peak_mb",
"ok", "note", "pdf_cpu_per_page"}], "targets": [{"name", "value", "unit", "limit", "met", "note"}]}``
(``pdf_cpu_per_page``: a cold build's issue PDFs, CPU seconds a page; null for other steps).
A step that fails or does not exist yet is recorded (ok false, with the reason) and the
targets that depend on it are not met; the bench itself never stops on it.

Peak memory is the largest total proportional set size (PSS; resident set where PSS is not
available) of the step's whole process tree, sampled every 0.1 s backing off to 1 s, and never less than the
largest single process's own peak (``ru_maxrss`` from ``wait4``). PSS shares pages between the
processes that map them, so forked PDF workers are not counted twice.

Usage: ``python -m bench [--sizes 1,5] [--reports 9000] [--steps check,yaml_bare]``.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from bench import generate as gen
from bulletin.filestat import RACY_NS

STEPS = ("check_cold", "check", "yaml_bare", "scores", "pdf_cold", "weasyprint_bare", "build_cold", "build_noop",
         "build_add_issue", "mkdocs_bare", "search", "serve")
# The 5-year archive is there for linearity (the 5 y ÷ 1 y cold build) and for the editor's daily
# commands on a large history; its PDF and mkdocs baselines and PDF-only build would add an hour
# to `make bench`, so they run on the city-year only.
ARCHIVE_STEPS = ("check_cold", "check", "yaml_bare", "scores", "build_cold", "build_noop", "build_add_issue", "search")
PARTS = ("site", "intranet", "pdf", "notices")
# Every step's standard error is kept in build/bench-logs/<size>-<step>.log; a build prints the
# seconds at which each of its phases began (BULLETIN_PROGRESS), which is the profile per phase.
LOGS = Path("build/bench-logs")
PROGRESS = {"BULLETIN_PROGRESS": "1"}
BENCH_LIMIT = 45 * 60  # make bench itself
PAIRED_ROUNDS = 3  # a step and the bare baseline it is judged against, in turn (``Bench.check_cold``, ``pdf_cold``)
CITY_YEAR = 9000
PAGE = os.sysconf("SC_PAGE_SIZE")
# The checkout: its ``bench`` package runs the baselines in child processes (``python -m bench.baselines``).
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Size:
    years: int
    reports: int
    units: int
    seed: int
    first_year: int = 2026

    @property
    def label(self) -> str:
        return f"{self.years}y-{self.reports}"

    @property
    def last_year(self) -> int:
        return self.first_year + self.years - 1

    @property
    def today(self) -> str:
        return f"{self.last_year}-12-31"


@dataclass
class Result:
    name: str
    size: str
    seconds: float | None
    peak_mb: float | None
    ok: bool
    note: str = ""
    pdf_cpu_per_page: float | None = None  # a build's issue PDFs: CPU seconds a page (``pdf_cpu_per_page``)


@dataclass
class Target:
    name: str
    value: float | None
    unit: str
    limit: float
    met: bool
    note: str = ""


@dataclass
class Run:
    """Everything measured so far; steps append, targets are computed at the end."""

    results: list[Result] = field(default_factory=list)

    def find(self, name: str, size: str) -> Result | None:
        return next((r for r in self.results if r.name == name and r.size == size), None)


# ---------------------------------------------------------------- measuring one process


def _pss_kb(pid: int) -> int:
    """PSS of one process in kB (RSS where smaps_rollup is missing); 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE // 1024
    except (OSError, ValueError, IndexError):
        return 0


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc/<pid>/task/<tid>/children."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for tid in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{tid}/children") as handle:
                    stack += [int(child) for child in handle.read().split()]
        except (OSError, ValueError):
            continue
    return found


class _Sampler(threading.Thread):
    """Samples the memory of a process tree until told to stop; keeps the peak.

    Reading PSS walks every page table of the tree: at 0.1 s intervals on a build with three
    1 GB processes the sampler alone took a third of a core from the step it measured. So it
    samples every 0.1 s at first (short steps and their early peaks) and backs off to once a
    second; a long step's peak is a plateau of seconds, which that still catches.
    """

    FIRST, LAST, GROWTH = 0.1, 1.0, 1.15

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        interval = self.FIRST
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(self.pid)))
            self.done.wait(interval)
            interval = min(self.LAST, interval * self.GROWTH)


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)  # the step's own process group (started in a new session)
    except ProcessLookupError:
        pass


def _child_env(extra: dict[str, str] | None) -> dict[str, str]:
    """The environment of a step: ours, with the checkout on the path so ``-m bench.*`` imports."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **(extra or {})}


def measure(cmd: list[str], timeout: float, env: dict[str, str] | None = None,
            log: Path | None = None) -> tuple[float, float, int, str]:
    """Run ``cmd``; return (seconds, peak MB, exit code, tail of its standard error).

    With ``log``, the whole standard error is kept there (a build's timeline of its phases)."""
    os.sync()  # the previous step's writes are flushed before this one is timed, not during it
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True,
                                env=_child_env(env))
        sampler = _Sampler(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, _kill, (proc.pid,))
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        timer.cancel()
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        tail = text.strip().splitlines()[-3:]
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(text, encoding="utf-8")
    peak_mb = max(sampler.peak_kb, usage.ru_maxrss) / 1024
    code = proc.returncode
    if code == -signal.SIGKILL and seconds >= timeout:
        tail = [f"超时（{timeout:.0f} 秒）被终止"]
    return seconds, peak_mb, code, " | ".join(tail)


# ---------------------------------------------------------------- the newsroom of a size


def _fingerprint() -> str:
    """Generator and lock code: a change in either means the stored newsroom must be regenerated."""
    h = hashlib.sha256()
    here = Path(gen.__file__).parent
    for path in (here / "generate.py", here / "vocabulary.py", here.parent / "bulletin" / "lock.py"):
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()[:16]


def prepare(size: Size, out: Path, run: Run) -> dict | None:
    """The newsroom of ``size`` under ``out`` (reused when its parameters match); its summary."""
    root = out / size.label
    marker = root / ".bench-params.json"
    wanted = {"years": size.years, "reports": size.reports, "units": size.units, "seed": size.seed,
              "first_year": size.first_year, "generator": _fingerprint()}
    if marker.exists():
        stored = json.loads(marker.read_text(encoding="utf-8"))
        if stored.get("parameters") == wanted:
            print(f"[{size.label}] 沿用已生成的新闻室 {root}", file=sys.stderr)
            return stored["summary"]
    if root.exists():
        shutil.rmtree(root)
    print(f"[{size.label}] 生成新闻室：{size.years} 年，每年 {size.reports} 篇稿件 …", file=sys.stderr)
    started = time.perf_counter()
    try:
        summary = asdict(gen.generate(root, size.years, size.units, size.reports, size.seed, size.first_year))
    except Exception as exc:  # the bench records any failure and goes on
        run.results.append(Result("generate", size.label, None, None, False, f"{type(exc).__name__}: {exc}"))
        return None
    run.results.append(Result("generate", size.label, round(time.perf_counter() - started, 2), None, True,
                              f"{summary['reports']} 篇稿件，{sum(summary['issues'].values())} 期"))
    marker.write_text(json.dumps({"parameters": wanted, "summary": summary}, ensure_ascii=False, indent=1), encoding="utf-8")
    # Files written within RACY_NS of a run's scan are never trusted (bulletin.filestat): without
    # this wait the cached check after a fresh generation could not replay and timed a full check.
    time.sleep(RACY_NS / 1e9)
    return summary


def compile_package(package: Path) -> None:
    """Byte-compile bulletin's sources before the steps, as an installation leaves them.

    pip compiles a package it installs, and Python writes an editable checkout's bytecode at its
    first import; but where ``PYTHONDONTWRITEBYTECODE`` is set (this machine's environment) it
    never does, and every step's every command compiled the package again: 60 ms of each
    check's 0.21 s of imports. Files already compiled and unchanged are left as they are."""
    compileall.compile_dir(package, quiet=1)


def warm_page_cache(root: Path) -> None:
    """Read every file of the newsroom (not its build/) once before the first step.

    The bench measures what bulletin costs, not the disk: an editor's files were just written or
    checked out, so they are in the page cache. Without this the first step (check_cold) paid
    for reading 9,000 files from a disk that other work had evicted them from (11.8 s against
    about 4 s right after)."""
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if d != "build"]
        for name in filenames:
            try:
                with open(os.path.join(dirpath, name), "rb") as handle:
                    while handle.read(1 << 20):
                        pass
            except OSError:
                continue


# ---------------------------------------------------------------- steps


class Bench:
    def __init__(self, size: Size, root: Path, summary: dict, run: Run, timeout: float):
        self.size, self.root, self.summary, self.run, self.timeout = size, root, summary, run, timeout
        self.python = sys.executable
        self.repo = REPO  # the checkout, whose top level is the sample newsroom

    def bulletin(self, *args: str) -> list[str]:
        return [self.python, "-m", "bulletin", "--root", str(self.root), "--today", self.size.today, *args]

    def record(self, name: str, cmd: list[str], note: str = "", env: dict[str, str] | None = None) -> Result:
        result = self.timed(name, cmd, note, env)
        self.run.results.append(result)
        return result

    def timed(self, name: str, cmd: list[str], note: str = "", env: dict[str, str] | None = None) -> Result:
        """One run of ``cmd`` as the result of step ``name`` (not recorded: ``record`` does that)."""
        print(f"[{self.size.label}] {name} …", file=sys.stderr, flush=True)
        try:
            seconds, peak, code, tail = measure(cmd, self.timeout, {**PROGRESS, **(env or {})},
                                                log=LOGS / f"{self.size.label}-{name}.log")
        except Exception as exc:
            result = Result(name, self.size.label, None, None, False, f"{type(exc).__name__}: {exc}")
        else:
            ok = code == 0
            why = "" if ok else f"退出码 {code}：{tail}"
            result = Result(name, self.size.label, round(seconds, 3), round(peak, 1), ok, joined(note, why))
        print(f"    {_row(result)}", file=sys.stderr, flush=True)
        return result

    def skip(self, name: str, why: str) -> None:
        self.run.results.append(Result(name, self.size.label, None, None, False, why))
        print(f"[{self.size.label}] {name}：跳过（{why}）", file=sys.stderr)

    def cold(self) -> None:
        shutil.rmtree(self.root / "build", ignore_errors=True)

    def missing_parts(self, parts: tuple[str, ...]) -> list[str]:
        return [p for p in parts if not (self.root / "build" / p).is_dir()]

    # -- the steps, by name

    def check_cold(self) -> None:
        """check with no cache, the first check after a clone (build/.cache removed), and the bare
        YAML parse it is judged against, in turn ``PAIRED_ROUNDS`` times; each figure is the
        median of its runs. Their ratio is a target, and one run of each, seconds apart on this
        machine, gave ratios 1.9–3.3 for the same code: alternating them puts both under the
        same spells of the machine, and the median drops a run that met a slow one."""
        checks, parses = [], []
        for _ in range(PAIRED_ROUNDS):
            shutil.rmtree(self.root / "build" / ".cache", ignore_errors=True)
            checks.append(self.timed("check_cold", self.bulletin("check")))
            parses.append(self.timed("yaml_bare", self._bare_yaml()))
        self.run.results += [median_of(checks), median_of(parses)]

    def check(self) -> None:
        """check as an editor runs it again and again: build/.cache as the last check left it."""
        self.record("check", self.bulletin("check"))

    def yaml_bare(self) -> None:
        """The bare YAML parse alone, when ``check_cold`` (which times it in turn with itself) did not run."""
        if self.run.find("yaml_bare", self.size.label) is None:
            self.record("yaml_bare", self._bare_yaml())

    def _bare_yaml(self) -> list[str]:
        return [self.python, "-m", "bench.baselines", "yaml", str(self.root)]

    def scores(self) -> None:
        self.record("scores", self.bulletin("scores", "--period", str(self.size.last_year), "--format", "json"))

    def pdf_cold(self) -> None:
        """The first PDF build (``build --only pdf`` with build/ removed) and bare WeasyPrint on
        the print HTML bulletin composes, in turn ``PAIRED_ROUNDS`` times; each figure is the
        median of its runs. Their ratio is a target, and timed once each, one after the other,
        it ranged 0.92–1.22 over runs 1–14 as the machine's spells fell on one or the other."""
        html = self._print_html()
        builds, bares = [], []
        for _ in range(PAIRED_ROUNDS):
            self.cold()
            builds.append(self.timed("pdf_cold", self.bulletin("build", "--only", "pdf")))
            self._parts_note(builds[-1], ("pdf",))
            if html is not None:
                bares.append(self._timed_bare_weasyprint(*html))
        self.run.results.append(median_of(builds))
        if bares:
            self.run.results.append(median_of(bares))

    def build_cold(self) -> None:
        self.cold()
        result = self.record("build_cold", self.bulletin("build"))
        self._parts_note(result, PARTS)
        result.pdf_cpu_per_page = pdf_cpu_per_page(LOGS / f"{self.size.label}-build_cold.log")
        if result.pdf_cpu_per_page is not None:
            result.note = joined(result.note, f"期刊 PDF 每页 CPU {result.pdf_cpu_per_page:.4f} 秒")

    def build_noop(self) -> None:
        self.record("build_noop", self.bulletin("build"))

    def build_add_issue(self) -> None:
        path = self._extra_issue()
        try:
            self.record("build_add_issue", self.bulletin("build"), note=f"新增 {path.relative_to(self.root)}")
        finally:
            path.unlink(missing_ok=True)

    def weasyprint_bare(self) -> None:
        """Bare WeasyPrint alone, when ``pdf_cold`` (which times it in turn with itself) did not run."""
        if self.run.find("weasyprint_bare", self.size.label) is None:
            html = self._print_html()
            if html is not None:
                self.run.results.append(self._timed_bare_weasyprint(*html))

    def _print_html(self) -> tuple[Path, float] | None:
        """The issues' print HTML as bulletin composes it, written once beside the newsroom (a
        cold build removes build/), and the seconds that took; None (and the bare step skipped)
        when it cannot be made."""
        html_dir = self.root.parent / f"{self.size.label}-print-html"
        shutil.rmtree(html_dir, ignore_errors=True)
        seconds, _peak, code, tail = measure(
            [self.python, "-m", "bench.baselines", "print-html", str(self.root), str(html_dir), self.size.today],
            self.timeout)
        if code != 0:
            self.skip("weasyprint_bare", f"无法取得 bulletin.printing 的印刷 HTML（{tail}）")
            return None
        return html_dir, seconds

    def _timed_bare_weasyprint(self, html_dir: Path, composing: float) -> Result:
        workers = _pdf_workers()
        return self.timed("weasyprint_bare", [self.python, "-m", "bench.baselines", "weasyprint", str(html_dir), str(self.root)],
                          note=f"{workers} 个进程；HTML 由 bulletin.printing 生成（另用 {composing:.1f} 秒，不计入）",
                          env={"BENCH_PDF_WORKERS": str(workers)})

    def mkdocs_bare(self) -> None:
        try:
            from bulletin.site import stage_dir
        except ImportError as exc:
            self.skip("mkdocs_bare", f"bulletin.site 没有 stage_dir（{exc}）")
            return
        for view in ("public", "intranet"):
            stage = stage_dir(self.root / "build" / ".cache", view)
            if not (stage / "mkdocs.yml").is_file():
                self.skip(f"mkdocs_bare_{view}", f"没有已暂存的网站 {stage}（需先完成 build_cold）")
                continue
            out = self.root / "build" / f"bench-mkdocs-{view}"
            shutil.rmtree(out, ignore_errors=True)
            self.record(f"mkdocs_bare_{view}", [self.python, "-m", "bench.baselines", "mkdocs", str(stage), str(out)])

    def search(self) -> None:
        """Search figures: see bench/search.py."""
        from bench.search import bench_step

        bench_step(self)

    def serve(self) -> None:
        """``bulletin serve`` on the sample and the city-year: see bench/serve.py."""
        from bench.serve import bench_step

        bench_step(self)

    # -- helpers

    def _parts_note(self, result: Result, parts: tuple[str, ...]) -> None:
        missing = self.missing_parts(parts) if result.ok else []
        if missing:
            result.ok = False
            result.note = joined(result.note, f"未生成：{'、'.join(missing)}")

    def _extra_issue(self) -> Path:
        """One more draft of 《政务信息》 in the last year, from 拟采用 reports in no issue yet."""
        number = self.summary["next_number"].get("zwxx", 1)
        items = self.summary["accepted_not_in_issue"][-10:]
        path = self.root / "issues" / "zwxx" / str(self.size.last_year) / f"{number:03d}.yaml"
        lines = ["series: zwxx", f"year: {self.size.last_year}", f"number: {number}", f"date: {self.size.today}",
                 "status: draft", "editor: 李静", "signer: 张国华", "items:" if items else "items: []"]
        lines += [f"  - {rid}" for rid in items]
        lines += ["distribution:", "  报: [市委办公室]", "  发: [各县区人民政府]", "copies: 150"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


# A build's line for each PDF it rendered (BULLETIN_PROGRESS): "  PDF zwxx/2026/018：12 页，0.93 秒（CPU 0.71 秒）";
# a notice's says "PDF 通报 2026-03" and is left out (its pages are tables, not an issue's text).
_PDF_LINE = re.compile(r"  PDF (?!通报 )\S+：(\d+) 页，[\d.]+ 秒（CPU ([\d.]+) 秒）")


def pdf_cpu_per_page(log: Path) -> float | None:
    """CPU seconds a page of the issue PDFs a build rendered, from its log; None without any.

    The same work at every size of archive (a worker renders an issue's HTML alone: measured the
    same in a worker forked from a process holding the five-year model as from a bare one), so
    it shows how fast the machine was during that build: the 5 y ÷ 1 y target's note compares
    the two builds by it."""
    try:
        found = [(int(pages), float(cpu)) for pages, cpu in _PDF_LINE.findall(log.read_text(encoding="utf-8"))]
    except OSError:
        return None
    pages = sum(p for p, _ in found)
    return round(sum(c for _, c in found) / pages, 5) if pages else None


def joined(*notes: str) -> str:
    """A result's or target's note: its parts that say something, in order, joined by ；."""
    return "；".join(n for n in notes if n)


def median_of(runs: list[Result]) -> Result:
    """The run of median time among ``runs`` of one step, its note listing every run's seconds;
    a failed run is the result itself (the step failed)."""
    failed = next((r for r in runs if not r.ok or r.seconds is None), None)
    if failed is not None:
        return failed
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    seconds = "、".join(f"{r.seconds:.2f}" for r in runs)
    note = f"{len(runs)} 次的中位数（{seconds} 秒）"
    return replace(middle, note=joined(note, middle.note))


def _pdf_workers() -> int:
    try:
        from bulletin.printing.worker import WORKERS
    except ImportError:
        return 2
    return WORKERS


# ---------------------------------------------------------------- targets


def targets(run: Run, sizes: list[Size], elapsed: float) -> list[Target]:
    """The targets of docs/performance.md, judged on the 1-year size (and the 5-year one for the ratio)."""
    one = next((s for s in sizes if s.years == 1), None)
    five = next((s for s in sizes if s.years == 5), None)
    found: list[Target] = []
    reduced = one is not None and one.reports != CITY_YEAR
    scale_note = f"规模缩小（每年 {one.reports} 篇，不是城市一年的 {CITY_YEAR} 篇）" if reduced else ""

    def seconds(name: str, size: Size | None) -> tuple[float | None, str]:
        if size is None:
            return None, "没有测这个规模"
        result = run.find(name, size.label)
        if result is None:
            return None, f"未运行 {name}"
        if not result.ok or result.seconds is None:
            return None, f"{name} 失败：{result.note}"
        return result.seconds, result.note

    def limit(name: str, step: str, maximum: float, unit: str = "s", size: Size | None = one) -> None:
        value, note = seconds(step, size)
        met = value is not None and value <= maximum
        found.append(Target(name, value, unit, maximum, met, joined(note if value is None else "", scale_note)))

    def ratio(name: str, top: tuple[str, Size | None], bottom: tuple[str, Size | None], maximum: float) -> None:
        a, why_a = seconds(*top)
        b, why_b = seconds(*bottom)
        value = round(a / b, 3) if a is not None and b else None
        note = "" if value is not None else joined(*(w for w, v in ((why_a, a), (why_b, b)) if v is None))
        met = value is not None and value <= maximum
        found.append(Target(name, value, "ratio", maximum, met, joined(note, scale_note)))

    limit("check", "check", 2)
    cold, _ = seconds("check_cold", one)
    if cold is not None:
        found[-1].note = joined(found[-1].note, f"无缓存时 {cold:.2f} 秒")
    limit("scores", "scores", 2)
    limit("cold full build", "build_cold", 120)
    limit("no-op rebuild", "build_noop", 3)
    limit("add-one-issue rebuild", "build_add_issue", 30)
    peaks = [r.peak_mb for r in run.results if one and r.size == one.label and r.peak_mb is not None
             and not r.name.endswith("_bare") and not r.name.startswith("mkdocs_bare")]
    peak = max(peaks) if peaks else None
    found.append(Target("peak memory", peak, "MB", 1536, peak is not None and peak <= 1536,
                        joined("" if peaks else "没有可用的测量", scale_note)))
    # The editor's loop on a long archive: what it costs must depend on what changed.
    limit("check, 5 y (cached)", "check", 2.5, size=five)
    limit("no-op rebuild, 5 y", "build_noop", 3, size=five)
    limit("add-one-issue rebuild, 5 y", "build_add_issue", 8, size=five)
    ratio("cold build 5y / 1y", ("build_cold", five), ("build_cold", one), 5.2)
    found[-1].note = joined(found[-1].note, _machine_note(run, found[-1].value, one, five))
    for size in (one, five):
        if size is not None:
            ratio(f"cold check / bare YAML, {size.years} y", ("check_cold", size), ("yaml_bare", size), 2.0)
    ratio("PDF / bare WeasyPrint", ("pdf_cold", one), ("weasyprint_bare", one), 1.15)
    for name, step, size_label, maximum in (("serve: first page (sample)", "serve_first_page", "sample", 30),
                                            ("serve: edit visible (sample)", "serve_edit_visible", "sample", 5),
                                            ("serve: edit visible (city-year)", "serve_edit_visible", one.label if one else "", 15)):
        result = run.find(step, size_label)
        value = result.seconds if result is not None and result.ok else None
        why = "" if value is not None else (f"{step} 失败：{result.note}" if result is not None else f"未运行 {step}")
        found.append(Target(name, value, "s", maximum, value is not None and value <= maximum, why))
    found.append(Target("make bench itself", elapsed, "s", BENCH_LIMIT, elapsed <= BENCH_LIMIT, ""))
    from bench.search import search_targets

    return found + search_targets(sizes)


def _machine_note(run: Run, value: float | None, one: Size | None, five: Size | None) -> str:
    """How fast the machine was during each cold build, by the same printing work, and the ratio
    with that difference taken out: for reading the figure, not for judging the target."""
    builds = [run.find("build_cold", size.label) if size is not None else None for size in (one, five)]
    speeds = [b.pdf_cpu_per_page if b is not None else None for b in builds]
    if value is None or None in speeds:
        return ""
    city, archive = speeds
    return (f"同样的印刷工作每页 CPU：1 年 {city:.4f} 秒、5 年 {archive:.4f} 秒；"
            f"扣除两次构建时机器快慢之差约为 {value * city / archive:.2f}")


# ---------------------------------------------------------------- report


def machine() -> dict:
    info = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    try:
        with open("/proc/meminfo") as handle:
            info["memory_mb"] = int(handle.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                        check=False).stdout.strip() or None
    except OSError:
        info["commit"] = None
    from importlib import metadata

    for package in ("weasyprint", "mkdocs", "mkdocs-material", "PyYAML", "jsonschema"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    return info


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _row(r: Result) -> str:
    return f"{r.name:<22}{r.size:<10}{_fmt(r.seconds):>10}{_fmt(r.peak_mb, 0):>9}  {'ok' if r.ok else 'FAIL':<5}{r.note}"


def print_report(run: Run, found: list[Target]) -> None:
    print(f"{'step':<22}{'size':<10}{'seconds':>10}{'peak MB':>9}  {'':<5}note")
    for r in run.results:
        print(_row(r))
    print()
    print(f"{'target':<24}{'value':>10}  {'limit':<15}{'met':<5}note")
    for t in found:
        print(f"{t.name:<24}{_fmt(t.value, 3):>10}  {('≤ ' + format(t.limit, 'g') + ' ' + t.unit):<15}{'yes' if t.met else 'NO':<5}{t.note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="bulletin 性能基准（make bench）")
    parser.add_argument("--sizes", default="1,5", help="要测的年数，逗号分隔（默认 1,5：城市一年和五年档案）")
    parser.add_argument("--reports", type=int, default=CITY_YEAR, help="每年稿件数（默认 9000）")
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", default=",".join(STEPS), help=f"要运行的步骤（默认全部）：{','.join(STEPS)}")
    parser.add_argument("--archive-steps", default=",".join(ARCHIVE_STEPS),
                        help=f"多年档案（--sizes 中大于 1 的规模）只跑这些步骤（默认 {','.join(ARCHIVE_STEPS)}）")
    parser.add_argument("--out", default="build/bench", help="生成的新闻室放在这里")
    parser.add_argument("--json", default="build/bench.json", help="结果文件")
    parser.add_argument("--timeout", type=float, default=3600, help="每个步骤的时限（秒）")
    args = parser.parse_args(argv)
    try:
        sizes = [Size(int(y), args.reports, args.units, args.seed) for y in args.sizes.split(",") if y.strip()]
    except ValueError:
        parser.error("--sizes 应写成 1 或 1,5")
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    archive_steps = [s.strip() for s in args.archive_steps.split(",") if s.strip()]
    unknown = [s for s in steps + archive_steps if s not in STEPS]
    if unknown or not sizes or any(s.years < 1 for s in sizes):
        parser.error(f"未知的步骤 {'、'.join(unknown)}；可用：{','.join(STEPS)}" if unknown else "--sizes 至少 1 年")
    out = Path(args.out).resolve()
    run = Run()
    compile_package(REPO / "bulletin")
    load_start = [round(x, 2) for x in os.getloadavg()]
    began = time.perf_counter()
    for size in sizes:
        summary = prepare(size, out, run)
        if summary is None:
            continue
        warm_page_cache(out / size.label)
        bench = Bench(size, out / size.label, summary, run, args.timeout)
        wanted = steps if size.years == 1 else [s for s in steps if s in archive_steps]
        for step in STEPS:
            if step in wanted:
                try:
                    getattr(bench, step)()
                except Exception as exc:  # a broken step is a result, never the end of the bench
                    run.results.append(Result(step, size.label, None, None, False, f"{type(exc).__name__}: {exc}"))
    found = targets(run, sizes, round(time.perf_counter() - began, 1))
    report = {
        "machine": machine() | {"load_average_start": load_start},
        "parameters": {"sizes": [asdict(s) | {"label": s.label} for s in sizes], "steps": steps,
                       "archive_steps": archive_steps},
        "results": [asdict(r) for r in run.results],
        "targets": [asdict(t) for t in found],
    }
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_report(run, found)
    print(f"\n结果已写入 {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
