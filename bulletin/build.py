"""The build pipeline: check, then views, then renderers, then one swap into ``build/``.

Each renderer gets a view (never the raw newsroom) and a folder to fill. Parts whose modules
are not present yet are skipped, so the pipeline always builds what exists.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bulletin.check import run_check
from bulletin.fingerprint import PartRecord, assets_digest, notices_digest, pdf_digest, site_digest
from bulletin.model import Newsroom
from bulletin.store import networked, printed_dir
from bulletin.views import INTRANET, PUBLIC, print_view, site_view
from bulletin.write import STAGING, WRITE_ERRORS, atomic_write, fresh_staging, swap_in, write_failure

PARTS = ("notices", "pdf", "site", "intranet")


class Progress:
    """One line per step, with the seconds since the build began, on a terminal (or with
    BULLETIN_PROGRESS=1); silent when quiet or not attached to a terminal (CI)."""

    def __init__(self, quiet: bool):
        forced = os.environ.get("BULLETIN_PROGRESS") == "1"
        self.enabled = not quiet and (sys.stderr.isatty() or forced)
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[{time.perf_counter() - self.started:6.1f}s] {message}", file=sys.stderr, flush=True)


def _optional(module: str, name: str) -> Callable | None:
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("bulletin"):
            return None
        raise


def _failures() -> tuple[type[Exception], ...]:
    """Errors a renderer raises with a message meant for the editor (printed without a traceback)."""
    found: list[type[Exception]] = []
    for module, names in (("bulletin.site", ("LeakError", "SiteBuildError")), ("bulletin.printing.pool", ("RenderError",))):
        for name in names:
            error = _optional(module, name)
            if error is not None:
                found.append(error)
    return tuple(found)


@dataclass
class Built:
    """What a build did: parts written into staging (with their input digests) and parts skipped."""

    written: list[str] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)

    def wrote(self, part: str, digest: str) -> None:
        self.written.append(part)
        self.digests[part] = digest


def _notice_pages(newsroom: Newsroom, staging: Path, cache: Path, parts: tuple[str, ...],
                  record: PartRecord, built: Built, progress: Progress, queue) -> dict[str, str]:
    """Notices, and their intranet pages; both reused while the scoring inputs are unchanged.

    ``queue`` makes the build's PDF queue (on first use: a no-op build never imports printing).
    """
    digest = notices_digest(newsroom)
    saved = cache / "notice-pages.json"
    try:
        remembered = json.loads(saved.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        remembered = {}
    fresh_enough = remembered.get("digest") == digest
    if fresh_enough and ("notices" not in parts or record.unchanged("notices", digest, cache.parent)):
        built.unchanged += ["notices"] if "notices" in parts else []
        return remembered["pages"]
    notices = _optional("bulletin.notices", "build_notices")
    if notices is None:
        return {}
    progress("通报 …")
    pages = notices(newsroom, staging / "notices", cache, queue())
    atomic_write(saved, json.dumps({"digest": digest, "pages": pages}, ensure_ascii=False))
    if "notices" in parts:
        built.wrote("notices", digest)
    return pages


def build_parts(newsroom: Newsroom, staging: Path, cache: Path, parts: tuple[str, ...], progress: Progress,
                gate: Newsroom | None = None, preview: bool = False) -> Built:
    """Render each requested part whose inputs changed into ``staging``.

    ``gate``: the complete newsroom (with the classified store) when ``newsroom`` is the newsroom
    alone; the leak gate then also forbids every stored record's strings.
    """
    record = PartRecord(cache)
    build_dir = cache.parent
    built = Built()
    printing = _LazyQueue(newsroom, progress)
    assets = assets_digest(newsroom.root)
    if "pdf" in parts:
        digest = pdf_digest(newsroom, assets)
        if record.unchanged("pdf", digest, build_dir):
            built.unchanged.append("pdf")
        elif (render_all := _optional("bulletin.printing", "render_all")) is not None:
            progress("PDF …")
            render_all([print_view(newsroom, i) for i in newsroom.issues], staging / "pdf", cache, progress, printing())
            built.wrote("pdf", digest)
    try:
        printing.start()  # the pool renders the issues while this process does everything else
        intranet_pages: dict[str, str] = {}
        if "notices" in parts or "intranet" in parts:
            intranet_pages.update(_notice_pages(newsroom, staging, cache, parts, record, built, progress, printing))
            followups = _optional("bulletin.followups", "intranet_pages")
            if followups is not None:
                intranet_pages.update(followups(newsroom))
        printing.start()  # the notices join the running pool
        _build_sites(newsroom, staging, cache, parts, record, built, intranet_pages, progress, assets, gate, preview)
    except BaseException:  # a failed part must not leave the pool rendering (or the exit waiting for it)
        printing.abort()
        raise
    printing.finish()
    return built


def _build_sites(newsroom: Newsroom, staging: Path, cache: Path, parts: tuple[str, ...], record: PartRecord,
                 built: Built, intranet_pages: dict[str, str], progress: Progress, assets: bytes,
                 gate: Newsroom | None = None, preview: bool = False) -> None:
    build_site = _optional("bulletin.site", "build_site")
    if build_site is None:
        return
    from bulletin.site.leakgate import forbidden_strings, personal_guard

    for part, name in (("site", PUBLIC), ("intranet", INTRANET)):
        if part not in parts:
            continue
        view = site_view(newsroom, name)
        extra = intranet_pages if name == INTRANET else {}
        digest = site_digest(view, extra, assets)
        if record.unchanged(part, digest, cache.parent):
            built.unchanged.append(part)
            continue
        progress(f"{'公众网站' if part == 'site' else '内网网站'} …")
        # The gate's forbidden strings come from the newsroom, not the view: it catches a view's bug.
        forbidden = forbidden_strings(newsroom, name)
        if gate is not None:
            forbidden = list(dict.fromkeys(forbidden + forbidden_strings(gate, name)))
        build_site(view, staging / part, cache, extra, root=newsroom.root, forbidden=forbidden,
                   personal=personal_guard(newsroom, name), preview=preview)
        built.wrote(part, digest)


def _swap(build_dir: Path, staging: Path, cache: Path, built: Built) -> None:
    """Swap the written parts in, their digests recorded around the swap.

    The parts are first forgotten in the record, then swapped, then recorded: whatever step a
    full disk or a kill stops, the record never claims a digest for outputs that are not there
    (a forgotten part is merely rebuilt).
    """
    record = PartRecord(cache)
    if built.written:
        record.save({part: "" for part in built.written})
    swap_in(build_dir, staging, built.written)
    try:
        record.save(built.digests)
    except OSError:
        pass  # the new outputs are in place and complete; unrecorded, they are rebuilt next time


class _LazyQueue:
    """The build's one PDF queue for notices and issues, made when a part first needs it.

    A build whose PDFs and notices are unchanged never imports the printing stack (WeasyPrint,
    python-docx, openpyxl): about half a second of a no-op rebuild.
    """

    def __init__(self, newsroom: Newsroom, progress: Progress):
        self.newsroom = newsroom
        self.progress = progress
        self.queue = None

    def __call__(self):
        if self.queue is None:
            from bulletin.printing.fonts import resolve_fonts
            from bulletin.printing.queue import PrintQueue

            self.queue = PrintQueue(resolve_fonts(self.newsroom.root), self.progress)
        return self.queue

    def start(self) -> None:
        if self.queue is not None:
            self.queue.start()

    def abort(self) -> None:
        if self.queue is not None:
            self.queue.abort()

    def finish(self) -> None:
        if self.queue is not None:
            self.queue.finish()


def run_build(root: Path, today, parts: tuple[str, ...] = PARTS, quiet: bool = False,
              classified: Path | None = None) -> int:
    """Check, build every part into staging, then swap in. Returns the exit code.

    With a classified store present, the newsroom's build/ is made from the newsroom alone (the
    store's figures enter the notices as numbers only) and the store's issues print into the
    store's own build/ (``bulletin.store.printed_dir``); both are swapped in only when all succeed.
    """
    result = run_check(root, today, classified=classified)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr)
    if not result.ok:
        print(f"有 {len(result.errors)} 个错误，未构建；build/ 保持原样", file=sys.stderr)
        return 1
    store = result.store
    beside = store is not None and store.present
    jobs = [(root / "build", networked(result.sources, result.newsroom, store), parts, result.newsroom if beside else None)]
    if beside and "pdf" in parts:
        jobs.append((store.build_dir, result.newsroom, ("pdf",), None))
    progress = Progress(quiet)
    done = []
    try:
        for build_dir, newsroom, wanted, gate in jobs:
            printed = [i for i in newsroom.issues if printed_dir(root, store, i) == build_dir]
            staging = fresh_staging(build_dir)
            cache = build_dir / ".cache"
            cache.mkdir(exist_ok=True)
            beside_store = {"gate": gate} if gate is not None else {}
            built = build_parts(replace(newsroom, issues=printed), staging, cache, wanted, progress, **beside_store)
            done.append((build_dir, staging, cache, built))
        for build_dir, staging, cache, built in done:
            _swap(build_dir, staging, cache, built)
    except _failures() as exc:
        print(exc, file=sys.stderr)
        print("构建失败；build/ 保持原样", file=sys.stderr)
        return 1
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise
        for build_dir, *_ in jobs:
            shutil.rmtree(build_dir / STAGING, ignore_errors=True)
        print(f"构建失败：{write_failure(exc, root)}", file=sys.stderr)
        return 1
    for build_dir, _staging, _cache, built in done:
        written, unchanged = (sorted(names, key=PARTS.index) for names in (built.written, built.unchanged))
        same = f"；内容未变，沿用：{'、'.join(unchanged)}" if unchanged else ""
        print(f"已构建：{'、'.join(written) or '（无）'}{same} → {build_dir}", file=sys.stderr)
    return 0
