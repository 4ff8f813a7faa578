"""``bulletin serve``: a live preview of the sites as they will be once the drafts are published.

What an editor asks before every ``publish`` is what the public site will look like. This
builds, into its own folder ``build/preview/`` (never ``build/site`` or ``build/intranet``):

- ``/``: the public site with every draft issue taken as published, every page marked 预览;
- ``/intranet/``: the intranet, the same way;
- ``/pdf/``: the draft issues' PDFs (with their 草稿 watermark).

The views and the leak gate are the ones ``build`` uses, so a preview holds exactly what the
published sites would hold — nothing classified, no personal data. It watches the newsroom's
files with watchfiles; on a change it checks again and rebuilds, part by part, only the parts
whose inputs changed (the build's own digests), the public site first — and that one in place,
only the pages the edit changed, its search index a few seconds after (``bulletin.site.preview``).
Open pages reload as soon as a part is swapped in (a long-polling script, as ``mkdocs serve``
does). A check error is printed in the terminal and shown on every page, and the previous
preview stays served.
Ctrl-C stops it cleanly.
"""

from __future__ import annotations

import copy
import html
import http.server
import ipaddress
import json
import os
import shutil
import signal
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the build stack is imported when serving starts, not when cli.py registers options
    from bulletin.model import Issue, Newsroom

FOLDER = "preview"  # build/preview/
WATCHED = ("content", "issues", "pages", "assets", "units.yaml", "scoring.yaml", "mkdocs.yml")
# Served prefix -> part folder under build/preview/. The public site is the root, as published.
MOUNTS = (("/intranet/", "intranet"), ("/pdf/", "pdf"), ("/", "site"))
RELOAD = "/__bulletin__/reload"
STATUS = "/__bulletin__/status"  # {"epoch", "building", "problems"}: for scripts and the bench
POLL_SECONDS = 25


def add_arguments(sub) -> None:
    """``bulletin serve``'s own options (registered by cli.py)."""
    sub.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    sub.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只有本机能访问）")


# -- what is being served ---------------------------------------------------------------------


@dataclass
class State:
    """Shared by the builder (main thread) and the request threads: the epoch pages reload on,
    and the problems shown on every page while the newsroom has errors."""

    epoch: int = 0  # 0: nothing built yet
    problems: list[str] = field(default_factory=list)
    building: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, problems: list[str] | None = None) -> None:
        with self.changed:
            if problems is not None:
                self.problems = problems
            self.epoch += 1
            self.changed.notify_all()

    def wait_beyond(self, epoch: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.epoch > epoch, timeout=timeout)
            return self.epoch


_SCRIPT = """<script>(function(){var e=%d;function p(){fetch("%s?epoch="+e,{cache:"no-store"})\
.then(function(r){return r.text()}).then(function(t){if(+t>e){location.reload()}else{p()}})\
.catch(function(){setTimeout(p,2000)})}p()})();</script>"""
_PROBLEMS = """<div id="bl-preview-problems" style="position:fixed;left:0;right:0;bottom:0;max-height:45vh;\
overflow:auto;z-index:10000;background:#fff4f4;color:#600;border-top:3px solid #c62828;padding:.8em 1.2em;\
font:13px/1.6 monospace;white-space:pre-wrap">%s</div>"""
_WAITING = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>预览</title></head>
<body><p>预览尚未生成：正在构建，或新闻室有错误（见下方）。生成后本页自动刷新。</p></body></html>"""


def drafts_index(folder: Path) -> bytes:
    """The page at /pdf/: every draft issue's PDF and Word file, by path."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    rows = "".join(f'<li><a href="/pdf/{urllib.parse.quote(f)}">{html.escape(f)}</a></li>' for f in files)
    body = f"<ul>{rows}</ul>" if rows else "<p>没有草稿期刊。</p>"
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>草稿 PDF（预览）</title></head>'
            f'<body><h1>草稿 PDF（预览）</h1><p>带“草稿”水印的清样，发布后由 bulletin build 生成正式版。</p>'
            f'{body}<p><a href="/">公众网站预览</a>　<a href="/intranet/">内网网站预览</a></p></body></html>').encode()


def decorate(page: bytes, epoch: int, problems: list[str]) -> bytes:
    """An HTML page with the reload script and, while check fails, the problems at its foot."""
    extra = _SCRIPT % (epoch, RELOAD)
    if problems:
        shown = "检查未通过，预览停在上次成功的版本：\n" + "\n".join(problems)
        extra = _PROBLEMS % html.escape(shown) + extra
    at = page.rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + extra.encode("utf-8") + page[at:]


def _handler(preview: Path, state: State) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        """Files of build/preview/<part>/ by prefix; HTML decorated; the reload long-poll."""

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
            pass  # the terminal is for rebuilds and problems

        def translate_path(self, path: str) -> str:
            clean = urllib.parse.unquote(path.split("?", 1)[0].split("#", 1)[0])
            for prefix, part in MOUNTS:
                if (clean + "/").startswith(prefix) if prefix != "/" else True:
                    self.directory = str(preview / part)
                    rest = clean[len(prefix) - 1:] if prefix != "/" else clean
                    return super().translate_path(rest or "/")
            raise AssertionError("the root mount matches every path")

        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] == RELOAD:
                self._reload()
                return
            if self.path.split("?", 1)[0] == STATUS:
                with state.changed:
                    status = {"epoch": state.epoch, "building": state.building, "problems": len(state.problems)}
                self._send(200, "application/json", json.dumps(status).encode())
                return
            super().do_GET()

        def _reload(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            try:
                known = int(query.get("epoch", ["0"])[0])
            except ValueError:
                known = 0
            body = str(state.wait_beyond(known, POLL_SECONDS)).encode()
            self._send(200, "text/plain; charset=utf-8", body)

        def send_head(self):
            path = Path(self.translate_path(self.path))
            asked = self.path.split("?", 1)[0]
            if asked == "/pdf/":
                return self._page(200, drafts_index(preview / "pdf"))
            if path.is_dir() and asked.endswith("/") and (path / "index.html").is_file():
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file():
                return self._page(200, path.read_bytes())
            if not path.exists():
                folder = Path(self.directory)
                if not (folder / "index.html").is_file():  # not built yet: building, or check errors from the start
                    return self._page(200, _WAITING.encode("utf-8"))
                if (folder / "404.html").is_file():
                    return self._page(404, (folder / "404.html").read_bytes())
            return super().send_head()

        def _page(self, status: int, page: bytes):
            with state.changed:
                epoch, problems = state.epoch, list(state.problems)
            self._send(status, "text/html; charset=utf-8", decorate(page, epoch, problems))
            return None

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that closed its tab mid-request (the reload poll) is no error to print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


# -- building the preview ------------------------------------------------------------------------


def as_published(newsrooms: list[Newsroom]) -> None:
    """Every draft issue (with its date and number) taken as published, in these newsrooms of
    this rebuild's own check: the sites and their leak gate then decide as after ``publish``."""
    for newsroom in newsrooms:
        for issue in newsroom.issues:
            if not issue.published and issue.date is not None and issue.number is not None:
                issue.status = "published"


def drafts_to_print(root: Path, newsroom: Newsroom, store) -> list[Issue]:
    """Copies of the draft issues the newsroom's build/ prints (never the classified store's),
    taken before ``as_published``: their PDFs keep the 草稿 watermark."""
    from bulletin.store import printed_dir

    return [copy.copy(i) for i in newsroom.issues
            if not i.published and printed_dir(root, store, i) == root / "build"]


class Superseded(BaseException):  # like Ctrl-C: no "except Exception" in mkdocs may swallow it
    """A newer change arrived while the intranet or the PDFs were building: they start again."""


class Preview:
    """One rebuild after another into build/preview/, each part swapped in as soon as it is done.

    The public site is built first and never interrupted. The intranet and the draft PDFs (the
    slow part: WeasyPrint) are: a change arriving meanwhile raises Superseded in the main thread
    (SIGUSR1), the part is abandoned like a failed build (its staging removed, its pool stopped),
    and the next rebuild starts at once, so the edit shows on the public preview in seconds.
    """

    def __init__(self, root: Path, today, classified: Path | None, state: State, say: Callable[[str], None]):
        self.root = root
        self.today = today  # a date, or a callable giving the day of each rebuild (no --today)
        self.classified = classified
        self.state = state
        self.say = say
        self.out = root / "build" / FOLDER
        self.interruptible = False
        self.pending = threading.Event()  # set by the watcher on a change, cleared as a rebuild starts
        self._site = None  # the public site's PreviewSite: its work tree lives as long as the server

    def supersede(self) -> None:
        """Called by the watcher on a change: stop a part that may be stopped."""
        if self.interruptible:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)

    def _on_signal(self, signum, frame) -> None:
        if self.interruptible:
            self.interruptible = False
            raise Superseded

    def rebuild(self) -> bool:
        """Check, then build what changed; False when the newsroom has errors (shown, not built)."""
        self.state.building = True
        try:
            return self._rebuild(time.perf_counter())
        finally:
            self.interruptible = self.state.building = False

    def _rebuild(self, started: float) -> bool:
        from bulletin.check import run_check
        from bulletin.store import networked

        today = self.today() if callable(self.today) else self.today
        problem = self.search_problem()
        if problem:
            self.say(problem)
        result = run_check(self.root, today, classified=self.classified)
        errors = [p.format() for p in result.errors]
        if errors:
            for line in errors:
                self.say(line)
            self.say(f"有 {len(errors)} 个错误；预览停在上次成功的版本，改正后自动更新")
            self.state.publish(errors)
            return False
        store = result.store
        newsroom = networked(result.sources, result.newsroom, store)
        beside = store is not None and store.present
        drafts = drafts_to_print(self.root, newsroom, store)
        as_published([newsroom, result.newsroom] if beside else [newsroom])
        gate = {"gate": result.newsroom} if beside else {}
        done = []
        for part, source in (("site", newsroom), ("intranet", newsroom), ("pdf", replace(newsroom, issues=drafts))):
            if self._part(part, source, gate):
                done.append({"site": "公众网站", "intranet": "内网网站", "pdf": "草稿 PDF"}[part])
                self.state.publish([])
            if part == "site":
                self.public_site().start_search()  # the search index catches up after the pages
        if self.state.problems:
            self.state.publish([])
        took = time.perf_counter() - started
        self.say(f"[{time.strftime('%H:%M:%S')}] 预览已更新：{'、'.join(done) or '内容未变'}（{took:.1f} 秒）")
        return True

    def public_site(self):
        """The public site's persistent preview (``bulletin.site.preview``), made on first use."""
        if self._site is None:
            from bulletin.site.preview import PreviewSite

            self._site = PreviewSite("site", self.out)
        return self._site

    def search_problem(self) -> str | None:
        """Why the public preview's last search index failed, if it did (told once)."""
        if self._site is None or self._site.searching is None or self._site.searching.is_alive():
            return None
        error, self._site.search_error = self._site.search_error, None
        if error is None:
            return None
        return f"预览的搜索索引未能更新：{str(error).splitlines()[0] if str(error) else type(error).__name__}"

    def close(self) -> None:
        """Let a search index still being written finish (Ctrl-C stops the service with the rest)."""
        if self._site is not None:
            self._site.wait_search(timeout=30)

    def _part(self, part: str, newsroom: Newsroom, gate: dict) -> bool:
        """Build one part if its inputs changed; True when a new version was swapped in (or,
        for the public site, its changed pages copied in)."""
        from bulletin.build import Progress, build_parts, preview_public_site, swap_parts
        from bulletin.write import fresh_staging, swap_in

        staging = fresh_staging(self.out)
        cache = self.out / ".cache"
        cache.mkdir(exist_ok=True)
        if part == "site":  # in place, only what the edit changed (bulletin.site.preview)
            done = preview_public_site(newsroom, self.public_site(), staging, gate.get("gate"))
            if done == "full":
                swap_in(self.out, staging, ["site"])
            shutil.rmtree(staging, ignore_errors=True)
            return bool(done)
        if self.pending.is_set():
            raise Superseded  # the change came while the previous part was being swapped in
        self.interruptible = True
        try:
            built = build_parts(newsroom, staging, cache, (part,), Progress(True), preview=True,
                                **(gate if part != "pdf" else {}))
        finally:
            self.interruptible = False  # never during the swap
        swap_parts(self.out, staging, cache, built)
        return bool(built.written)


# -- watching -----------------------------------------------------------------------------------


class Watcher:
    """Sets ``event`` when a watched file changes (watchfiles; inotify on Linux).

    Two watches: the newsroom's folder itself, not recursively (a saved units.yaml, a new pages/
    folder), and each watched folder recursively; the deep one restarts when a folder comes or
    goes. build/, .git and the rest are never watched, so a build never wakes the preview.
    """

    def __init__(self, root: Path, event: threading.Event, also: Callable[[], None] = lambda: None):
        self.root = root
        self.event = event
        self.also = also  # told of every change too (Preview.supersede)
        self.stop = threading.Event()
        self.restart = threading.Event()
        self.threads = [threading.Thread(target=self._top, daemon=True), threading.Thread(target=self._deep, daemon=True)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        self.restart.set()
        for thread in self.threads:
            thread.join(timeout=5)

    def _top(self) -> None:
        from watchfiles import watch

        for changes in watch(self.root, recursive=False, stop_event=self.stop, rust_timeout=500, yield_on_timeout=False,
                             watch_filter=lambda _change, path: Path(path).name in WATCHED):
            if any(Path(p).is_dir() or Path(p).name in ("content", "issues", "pages", "assets") for _, p in changes):
                self.restart.set()
            self._changed()

    def _deep(self) -> None:
        from watchfiles import watch

        while not self.stop.is_set():
            self.restart.clear()
            folders = [self.root / name for name in WATCHED if (self.root / name).is_dir()]
            if not folders:
                self.restart.wait()
                continue
            for _changes in watch(*folders, stop_event=_Either(self.stop, self.restart), rust_timeout=500):
                self._changed()

    def _changed(self) -> None:
        self.event.set()
        self.also()


class _Either:
    """Set when either event is set (watchfiles takes one stop event)."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


# -- the command ----------------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run(ctx, args) -> int:
    state = State()
    try:
        server = _Server((args.host, args.port), _handler(ctx.root / "build" / FOLDER, state))
    except OSError as exc:
        ctx.say(f"bulletin: 无法在 {args.host}:{args.port} 上启动预览（{exc.strerror or exc}）；请用 --port 换一个端口")
        return 1
    address = f"http://{args.host}:{server.server_address[1]}"
    ctx.say(f"预览：{address}/ 公众网站（草稿按已发布显示）、{address}/intranet/ 内网、{address}/pdf/ 草稿 PDF；按 Ctrl-C 停止")
    if not _loopback(args.host):
        ctx.say("注意：预览含内网内容和草稿，监听的不是本机地址，同一网络中的其他计算机也能访问")
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    from bulletin.dates import build_day

    # Without --today a preview left running overnight shows the sites of the new day.
    day = ctx.today if getattr(args, "today", None) else (lambda: build_day(None))
    preview = Preview(ctx.root, day, ctx.classified, state, ctx.say)
    changed = preview.pending
    watcher = Watcher(ctx.root, changed, preview.supersede)
    previous = signal.signal(signal.SIGINT, _interrupt_only(os.getpid()))
    previous_usr1 = signal.signal(signal.SIGUSR1, preview._on_signal)
    try:
        watcher.start()
        _loop(preview, changed, ctx.say)
    except KeyboardInterrupt:
        ctx.say("预览已停止")
        return 0
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGUSR1, previous_usr1)
        watcher.close()
        preview.close()
        server.shutdown()
        server.server_close()
        shutil.rmtree(preview.out / ".staging", ignore_errors=True)  # an interrupted rebuild's leftovers
    return 0  # pragma: no cover - the loop ends only by Ctrl-C


def _interrupt_only(main: int):
    """Ctrl-C interrupts this process only: the PDF workers it forks inherit the handler and
    ignore the terminal's SIGINT (the pool is stopped by the interrupted build instead), so
    stopping prints one line, not a traceback per worker."""

    def handler(signum, frame) -> None:
        if os.getpid() == main:
            raise KeyboardInterrupt

    return handler


def _loop(preview: Preview, changed: threading.Event, say: Callable[[str], None]) -> None:
    """Build, then rebuild after every change, until Ctrl-C."""
    from bulletin.errors import BUILD_FAILURES
    from bulletin.write import WRITE_ERRORS, write_failure

    while True:
        changed.clear()
        try:
            preview.rebuild()
        except Superseded:
            continue  # the change that stopped it is built now
        except BUILD_FAILURES as exc:  # the leak gate or mkdocs refused: shown, the server keeps running
            say(str(exc))
            preview.state.publish(str(exc).splitlines())
        except OSError as exc:
            if exc.errno not in WRITE_ERRORS:
                raise
            say(f"预览构建失败：{write_failure(exc, preview.root)}")
            preview.state.publish([write_failure(exc, preview.root)])
        while not changed.wait(timeout=0.5):
            pass

