"""The speed of ``bulletin serve`` (issue 17): first page served, and how soon an edit is visible.

On a copy of a newsroom (default: the sample at the current directory; ``--root
build/bench/1y-9000`` for the city-year ``make bench`` generates) it starts ``bulletin serve``
on a free port, waits for the preview page of one item of a draft issue (else of the newest
item), then edits that report's title ``--edits`` times and waits each time for the new title
on the page. Targets: first page within 30 s; an edit visible within 5 s on the sample, 15 s on
the city-year. The server is always stopped (Ctrl-C, then killed if need be).

Usage: ``python -m bench.serve [--root DIR] [--edits 3] [--today DAY] [--city-year] [--json build/bench-serve.json]``;
``make bench-serve`` (the sample) and ``make bench-serve-city`` (the city-year, about 7 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

SKIP = {"build", ".git", ".venv", "__pycache__", "bulletin", "tests", "docs", "scripts", "schemas"}
FIRST_PAGE_LIMIT = 30.0
SAMPLE_EDIT_LIMIT = 5.0
CITY_EDIT_LIMIT = 15.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace") if response.status == 200 else ""
    except (urllib.error.URLError, OSError):
        return ""


def wait_for(url: str, text: str, limit: float) -> float | None:
    """Seconds until ``url`` shows ``text``, or None after ``limit`` seconds."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if text in _page(url):
            return time.perf_counter() - started
        time.sleep(0.05)
    return None


def wait_idle(base: str, limit: float = 600) -> None:
    """Until the server has nothing left to build (or ``limit`` seconds)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        try:
            with urllib.request.urlopen(base + "/__bulletin__/status", timeout=30) as response:
                if not json.loads(response.read())["building"]:
                    return
        except (urllib.error.URLError, OSError, ValueError, KeyError):
            pass
        time.sleep(0.2)


def pick_item(root: Path) -> tuple[str, Path]:
    """An item of a draft issue (what the preview is for), else the newest report with a title."""
    for path in sorted((root / "issues").rglob("*.yaml"), reverse=True):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("status") == "draft" and data.get("items"):
            first = data["items"][0]
            rid = first["id"] if isinstance(first, dict) else str(first)
            found = next((root / "content").rglob(f"{rid}.md"), None)
            if found is not None:
                return rid, found
    newest = sorted((root / "content").rglob("*.md"))[-1]
    return newest.stem, newest


def _title(path: Path) -> str:
    match = re.search(r"^title:[ \t]*(.+)$", path.read_text(encoding="utf-8"), re.M)
    return match.group(1).strip().strip("'\"") if match else ""


def _retitle(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title:.*$", f"title: {title}", text, count=1, flags=re.M), encoding="utf-8")


def measure(root: Path, edits: int, today: str | None) -> dict:
    """First-page and edit-visible seconds of ``bulletin serve`` on ``root`` (changed in place)."""
    from bulletin.site import urls

    rid, report = pick_item(root)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{urls.item(rid).removesuffix('.md')}/"
    command = [sys.executable, "-m", "bulletin", "serve", "--port", str(port), "--root", str(root)]
    command += ["--today", today] if today else []
    started = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        first = wait_for(url, _title(report), 600)
        first = None if first is None else time.perf_counter() - started
        base = f"http://127.0.0.1:{port}"
        idle, busy = [], []
        for n in range(edits):
            wait_idle(base)  # an edit on a quiet server …
            idle.append(_edit(report, url, f"（修订{n + 1}）"))
            busy.append(_edit(report, url, f"（再修订{n + 1}）"))  # … and one while the PDFs rebuild
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C, as a terminal sends it
        server.wait(timeout=60)
        stopped = server.returncode == 0
    finally:
        try:  # whatever is left of it, PDF workers included
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait()
    return {"item": rid, "first_page_s": first, "edit_visible_s": idle, "edit_visible_while_building_s": busy,
            "stopped_cleanly": stopped}


def measure_copy(root: Path, edits: int, today: str | None) -> dict:
    """``measure`` on a copy of ``root`` (its build/ and the checkout's own folders left out)."""
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        copy = Path(tmp) / "newsroom"
        top = root.resolve()
        shutil.copytree(top, copy, symlinks=True,
                        ignore=lambda folder, names: [n for n in names if n in SKIP] if Path(folder).resolve() == top else [])
        return measure(copy, edits, today)


def bench_step(bench) -> None:
    """``make bench``'s serve step (the city-year only): the sample's and the city-year's figures."""
    from bench.__main__ import Result

    for label, root, today in (("sample", bench.repo, None), (bench.size.label, bench.root, bench.size.today)):
        print(f"[{label}] serve …", file=sys.stderr, flush=True)
        try:
            found = measure_copy(root, 3, today)
        except Exception as exc:  # a broken step is a result, never the end of the bench
            bench.run.results.append(Result("serve_edit_visible", label, None, None, False, f"{type(exc).__name__}: {exc}"))
            continue
        seen = [s for s in found["edit_visible_s"] + found["edit_visible_while_building_s"] if s is not None]
        complete = len(seen) == 6
        bench.run.results.append(Result("serve_first_page", label, _round(found["first_page_s"]), None,
                                        found["first_page_s"] is not None, f"条目 {found['item']}"))
        bench.run.results.append(Result("serve_edit_visible", label, _round(max(seen)) if complete else None, None, complete,
                                        f"6 次改稿中最慢的一次；中位数 {statistics.median(seen):.2f} 秒" if seen else "改稿后未见新标题"))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _edit(report: Path, url: str, mark: str) -> float | None:
    title = _title(report).split("（")[0] + mark
    _retitle(report, title)
    return wait_for(url, title, 120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description="bulletin serve 的速度")
    parser.add_argument("--root", default=".", help="要预览的新闻室（默认当前目录，即示例）；会复制一份再测")
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--today", default=None)
    parser.add_argument("--city-year", action="store_true", help="按城市一年的目标（15 秒）判断")
    parser.add_argument("--json", default="build/bench-serve.json")
    args = parser.parse_args(argv)
    result = measure_copy(Path(args.root), args.edits, args.today)
    edit_limit = CITY_EDIT_LIMIT if args.city_year else SAMPLE_EDIT_LIMIT
    seen = [s for s in result["edit_visible_s"] + result["edit_visible_while_building_s"] if s is not None]
    result |= {
        "root": str(Path(args.root).resolve()),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "targets": {
            "first_page": {"limit_s": FIRST_PAGE_LIMIT, "met": result["first_page_s"] is not None
                           and result["first_page_s"] <= FIRST_PAGE_LIMIT},
            "edit_visible": {"limit_s": edit_limit, "median_s": statistics.median(seen) if seen else None,
                             "max_s": max(seen) if seen else None,
                             "met": len(seen) == 2 * args.edits and max(seen) <= edit_limit},
        },
    }
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if all(t["met"] for t in result["targets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
