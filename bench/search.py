"""Search figures for `make bench` (issue 14): the Pagefind index of each site, and what a visitor's
browser downloads and waits for, measured in headless Chromium over HTTP on loopback.

``index ROOT VIEW OUT``: build just the search index of one site of a newsroom (run as its own
process, so the bench's ``measure`` gives its time and peak memory, the Pagefind service
included). ``browse SITE QUERY``: serve a built site and print, as JSON, the bytes the home page
loads besides the page itself and the theme's assets, the bytes and seconds of a first query up to
the first result shown, and the index's size on disk.

The figures go into ``build/bench.json`` as the steps ``search_index_<view>`` and
``search_browse_<view>`` and the targets in ``TARGETS``.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
import time
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUERY = "营商环境"
THEME = ("/assets/javascripts/", "/assets/stylesheets/", "/assets/images/")
# (target, figure key, limit, unit)
TARGETS = (("search: home page extra bytes", "home_kb", 300, "KB"),
           ("search: first query bytes", "query_kb", 500, "KB"),
           ("search: first result", "first_result_s", 1.0, "s"))


def index(root: Path, view_name: str, out: Path, today: date) -> int:
    """Write the Pagefind bundle of one site of ``root`` into ``out`` (nothing else)."""
    from bulletin.check import run_check
    from bulletin.site.search import write_index
    from bulletin.views import site_view

    result = run_check(root, today)
    view = site_view(result.newsroom, view_name)
    started = time.perf_counter()
    write_index(view, out)
    print(json.dumps({"records": len(view.items) + len(view.issues), "seconds": round(time.perf_counter() - started, 2),
                      "index_mb": round(_size(out / "pagefind") / 1e6, 2)}))
    return 0


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


def browse(site: Path, query: str = QUERY) -> dict:
    """What a visitor's browser loads for the home page and a first query of ``site``."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    loaded: list[tuple[str, int]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.on("requestfinished", lambda r: loaded.append((r.url, _bytes(r))))
            page.goto(base)
            page.wait_for_load_state("networkidle")
            home = sum(n for url, n in loaded if url != base and not any(t in url for t in THEME))
            loaded.clear()
            page.locator("input.bl-search__input").click()
            started = time.perf_counter()
            page.keyboard.insert_text(query)
            page.keyboard.press("End")
            page.locator(".bl-search__output li.bl-result").first.wait_for(timeout=60000)
            first = time.perf_counter() - started
            query_bytes = sum(n for _, n in loaded)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {"home_kb": round(home / 1024, 1), "query_kb": round(query_bytes / 1024, 1),
            "first_result_s": round(first, 3), "index_mb": round(_size(site / "pagefind") / 1e6, 2),
            "requests": len(loaded)}


def _bytes(request) -> int:
    sizes = request.sizes()
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


# -- the bench's step and targets (called from bench.__main__) ----------------------------

FIGURES: dict[tuple[str, str], dict] = {}  # (size label, view) -> browse() figures


def bench_step(bench) -> None:
    """For each site: the index built alone (time, peak memory), then the browser's figures."""
    from bench.__main__ import Result

    for view, part in (("public", "site"), ("intranet", "intranet")):
        out = bench.root / "build" / f"bench-search-{view}"
        bench.record(f"search_index_{view}", [bench.python, "-m", "bench.search", "index", str(bench.root),
                                              view, str(out), bench.size.today])
        built = (out / "pagefind").is_dir()
        bench.run.results.append(Result(f"search_index_size_{view}", bench.size.label, None, None, built,
                                        f"{_size(out / 'pagefind') / 1e6:.2f} MB" if built else "未生成"))
        site = bench.root / "build" / part
        if not (site / "pagefind").is_dir():
            bench.skip(f"search_browse_{view}", f"没有已构建的网站 {site}（需先完成 build_cold）")
            continue
        figures_file = out / "browse.json"
        result = bench.record(f"search_browse_{view}", [bench.python, "-m", "bench.search", "browse",
                                                        str(site), str(figures_file)])
        if result.ok and figures_file.is_file():
            figures = json.loads(figures_file.read_text(encoding="utf-8"))
            FIGURES[(bench.size.label, view)] = figures
            result.note = (f"首页另载 {figures['home_kb']} KB；首次查询 {figures['query_kb']} KB、"
                           f"{figures['first_result_s']} 秒出结果；索引 {figures['index_mb']} MB")


def search_targets(sizes: list) -> list:
    """Every search target of issue 14, for each size and site measured."""
    from bench.__main__ import Target

    found = []
    for size in sizes:
        for view in ("public", "intranet"):
            figures = FIGURES.get((size.label, view))
            for name, key, limit, unit in TARGETS:
                value = figures.get(key) if figures else None
                found.append(Target(f"{name} ({view}, {size.label})", value, unit, limit,
                                    value is not None and value <= limit, "" if figures else "未测到"))
    return found


def main(argv: list[str]) -> int:
    if len(argv) == 5 and argv[0] == "index":
        return index(Path(argv[1]), argv[2], Path(argv[3]), date.fromisoformat(argv[4]))
    if len(argv) == 3 and argv[0] == "browse":
        figures = browse(Path(argv[1]))
        Path(argv[2]).parent.mkdir(parents=True, exist_ok=True)
        Path(argv[2]).write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    print("用法：python -m bench.search index ROOT public|intranet OUT YYYY-MM-DD | browse SITE OUT.json",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
