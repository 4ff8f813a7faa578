"""The build pipeline: check, then views, then renderers, then one swap into ``build/``.

Each part of ``build/`` (``Part``: PDFs, notices, public site, intranet) declares the digest of
its inputs and renders its view into a staging folder; ``run_build`` swaps the written parts in
only when every part succeeded.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.buildrecord import has_record, write_record
from bulletin.cache import FileStore
from bulletin.check import CheckResult, run_check, run_memo
from bulletin.errors import BUILD_FAILURES
from bulletin.fingerprint import (
    PartRecord,
    assets_digest,
    notices_digest,
    pdf_digest,
    site_digest,
    site_inputs_digest,
)
from bulletin.followups import followup_view
from bulletin.model import Newsroom
from bulletin.printing.fonts import rendering_fingerprint
from bulletin.problems import Problem, problem_rows
from bulletin.site.followup_pages import followup_pages
from bulletin.store import networked, printed_dir
from bulletin.views import INTRANET, PUBLIC, print_view, site_view
from bulletin.write import STAGING, WRITE_ERRORS, fresh_staging, swap_in, write_failure

if TYPE_CHECKING:
    from bulletin.site import PendingSite

PARTS = ("notices", "pdf", "site", "intranet")
SITE_PARTS = {"site": PUBLIC, "intranet": INTRANET}


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


@dataclass
class Built:
    """What a build did: parts written into staging (with their input digests) and parts skipped."""

    written: list[str] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # Part.inputs of each part that has one
    unchanged: list[str] = field(default_factory=list)
    day: str = ""  # the day of the build, for the sites' build records

    def wrote(self, part: str, digest: str) -> None:
        self.written.append(part)
        self.digests[part] = digest


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

    def warm(self, workers: int) -> None:
        """Start the pool's workers before the jobs are planned (``PrintQueue.warm``)."""
        self().warm(workers)

    def start(self) -> None:
        if self.queue is not None:
            self.queue.start()

    def abort(self) -> None:
        if self.queue is not None:
            self.queue.abort()

    def finish(self) -> None:
        if self.queue is not None:
            self.queue.finish()

    def rendering(self) -> bool:
        """Whether PDFs are rendering or waiting to render."""
        return self.queue is not None and self.queue.rendering()


class Part:
    """One folder of ``build/``: the digest of the inputs it is made from, and how to make it.

    ``bulletin.build.build_parts`` loops over the parts: a part whose digest equals the one
    recorded when its folder was last written is kept as it is, every other is rendered into
    staging. Parts render in the order of ``BUILD_ORDER``, so the PDF pool starts first and
    renders while this process composes the notices and the sites.
    """

    name: str

    def __init__(self, job: Job):
        self.job = job

    def digest(self) -> str:
        raise NotImplementedError

    def inputs(self) -> str | None:
        """A cheaper digest of the files the part is made from, when one exists: equal to the one
        recorded with the part's last build, the part is kept without computing ``digest``."""
        return None

    def unchanged(self, record: PartRecord, digest: str) -> bool:
        return record.unchanged(self.name, digest, self.job.cache.parent)

    def render(self, staging: Path) -> None:
        raise NotImplementedError


class PdfPart(Part):
    """``build/pdf``: every issue as PDF and Word, queued on the build's PDF pool."""

    name = "pdf"

    def digest(self) -> str:
        return pdf_digest(self.job.newsroom, self.job.assets, self.job.fonts)

    def render(self, staging: Path) -> None:
        from bulletin.printing.issues import render_all
        from bulletin.printing.worker import WORKERS

        job = self.job
        job.progress("PDF …")
        # Workers warm up while the issues are planned: one when PDFs are stored already (an
        # editor's build renders the new or edited issue), two when the store is empty.
        stored = next((job.cache / "pdf").glob("*.pdf"), None) is not None
        job.queue.warm(1 if stored else WORKERS)
        # Newest first: an editor's new or edited issue is planned first and goes to the warmed
        # worker at once, rendering while the rest of the archive is planned (render_all).
        newest = sorted(job.newsroom.issues, key=lambda i: i.date or date.min, reverse=True)
        render_all((print_view(job.newsroom, i) for i in newest), staging / "pdf", job.cache,
                   job.progress, job.queue(), assets=job.assets)


class NoticesPart(Part):
    """``build/notices``: a notice (通报) per period, and their intranet pages."""

    name = "notices"

    def digest(self) -> str:
        return self.job.notices_digest

    def unchanged(self, record: PartRecord, digest: str) -> bool:
        return self.job.notice_pages_kept() and super().unchanged(record, digest)

    def render(self, staging: Path) -> None:
        self.job.render_notices(staging)


class SitePart(Part):
    """``build/site`` (public) or ``build/intranet``: the view's pages through mkdocs, leak-gated."""

    def __init__(self, job: Job, name: str):
        super().__init__(job)
        self.name = name
        self.audience = PUBLIC if name == "site" else INTRANET

    @cached_property
    def view(self):
        return site_view(self.job.newsroom, self.audience)

    @cached_property
    def extra(self) -> dict[str, str]:
        return self.job.intranet_pages() if self.audience == INTRANET else {}

    def inputs(self) -> str:
        """The files and settings the view is made from (the intranet's also its notices' and
        follow-up pages'): while they are those of the last build, the view is not even made."""
        notices = self.job.notices_digest if self.audience == INTRANET else ""
        return site_inputs_digest(self.job.newsroom, self.job.assets, self.job.preview, notices)

    def digest(self) -> str:
        return site_digest(self.view, self.extra, self.job.assets)

    def unchanged(self, record: PartRecord, digest: str) -> bool:
        """Unchanged, and carrying its build record (a site of an older bulletin has none)."""
        return super().unchanged(record, digest) and has_record(self.job.cache.parent / self.name)

    def render(self, staging: Path) -> None:
        from bulletin.site import render_site

        job = self.job
        label = "公众网站" if self.name == "site" else "内网网站"
        job.progress(f"{label} …")
        forbidden, personal = site_gate(job.newsroom, self.audience, job.gate)
        # The intranet's index (half a gigabyte on a city-year) waits for the PDF pool: beside the
        # two workers and mkdocs it was the cold build's peak of memory. The public one is smaller.
        later = self.audience == INTRANET and job.queue.rendering()
        site = render_site(self.view, staging / self.name, job.cache, self.extra, root=job.newsroom.root,
                           forbidden=forbidden, personal=personal, preview=job.preview, index_now=not later)
        if later:
            job.pending_sites.append((label, site))
        else:
            site.finish()


def site_gate(newsroom: Newsroom, audience: str, gate: Newsroom | None = None):
    """The leak gate's forbidden strings and personal-data guard for one site (build and deploy).

    The forbidden strings come from the newsroom, not the view: the gate catches a view's bug.
    """
    from bulletin.site.leakgate import forbidden_strings, personal_guard

    forbidden = forbidden_strings(newsroom, audience)
    if gate is not None:
        forbidden = list(dict.fromkeys(forbidden + forbidden_strings(gate, audience)))
    return forbidden, personal_guard(newsroom, audience)


def preview_public_site(newsroom: Newsroom, site, staging: Path, gate: Newsroom | None = None) -> str:
    """The public site of ``bulletin serve``, rebuilt in place (``bulletin.site.preview.PreviewSite``).

    Skipped when the view's input digest is the one it was last built from. Returns "full"
    (``staging/site`` is a whole site to swap in), "dirty" (the served site was updated file by
    file) or "" (nothing changed).
    """
    from bulletin.site.settings import read_settings

    view = site_view(newsroom, PUBLIC)
    assets = assets_digest(newsroom.root)
    digest = site_digest(view, {}, assets)
    if digest == site.digest and site.served().is_dir():
        return ""
    site.digest = None  # until this update has succeeded
    forbidden, personal = site_gate(newsroom, PUBLIC, gate)
    done = site.update(view, read_settings(newsroom.root), {}, newsroom.root, forbidden, personal, assets, staging)
    site.digest = digest
    return done


def current_site_digest(newsroom: Newsroom, part: str, cache: Path) -> str | None:
    """The input digest a build of ``part`` would have now, or None when the intranet's notice
    pages are not those of the newsroom as it is (the notices were not rebuilt since)."""
    job = Job(newsroom, cache / STAGING, cache, Progress(quiet=True), None)
    if part == "intranet" and job.remembered_notice_pages() is None:
        return None
    return SitePart(job, part).digest()


BUILD_ORDER = ("pdf", "notices", "site", "intranet")


class Job:
    """What the parts of one build folder share: the newsroom, the cache, the PDF queue, the
    digests of shared inputs, and the notices' intranet pages (made once, by whichever part
    needs them first)."""

    def __init__(self, newsroom: Newsroom, staging: Path, cache: Path, progress: Progress, gate: Newsroom | None,
                 preview: bool = False):
        self.newsroom, self.staging, self.cache, self.progress, self.gate = newsroom, staging, cache, progress, gate
        self.preview = preview  # the sites of bulletin serve: every page marked 预览
        self.queue = _LazyQueue(newsroom, progress)
        self.assets = assets_digest(newsroom.root)
        self.fonts = rendering_fingerprint(newsroom.root)
        self.notices_digest = notices_digest(newsroom, self.fonts)
        self._notice_pages: dict[str, str] | None = None
        self.pending_sites: list[tuple[str, PendingSite]] = []  # indexed once the PDF pool is done

    def part(self, name: str) -> Part:
        """The part named ``name`` (one of ``PARTS``; any other name is a programming error)."""
        if name in SITE_PARTS:
            return SitePart(self, name)
        return {"pdf": PdfPart, "notices": NoticesPart}[name](self)

    @cached_property
    def _notice_store(self) -> FileStore:
        """The notices' intranet pages, stored by the notices' digest (``cache.FileStore``)."""
        return FileStore(self.cache / NOTICE_PAGES, (".json",))

    def notice_pages_kept(self) -> bool:
        """Whether the notice pages of the notices' current inputs are stored (without reading
        them: on five years they are megabytes, and a build that keeps the intranet never needs
        them; one that needs them and finds them unreadable makes them again)."""
        return self._notice_store.get(self.notices_digest, ".json") is not None

    def remembered_notice_pages(self) -> dict[str, str] | None:
        """The notice pages of the last build, while the notices' inputs are unchanged."""
        path = self._notice_store.get(self.notices_digest, ".json")
        try:
            stored = json.loads(path.read_text(encoding="utf-8")) if path is not None else None
        except (OSError, ValueError):
            return None
        return stored if isinstance(stored, dict) else None

    def render_notices(self, staging: Path) -> dict[str, str]:
        """Notices into ``staging/notices`` (queued on the PDF pool), and their pages, remembered."""
        from bulletin.notice_view import notice_view
        from bulletin.notices import build_notices
        from bulletin.site.settings import read_settings

        self.progress("通报 …")
        view = notice_view(self.newsroom, read_settings(self.newsroom.root).office)
        pages = build_notices(view, staging / "notices", self.cache, self.queue())
        self._notice_store.get_or_make(self.notices_digest, ".json", lambda: json.dumps(pages, ensure_ascii=False))
        self._notice_store.prune()  # the pages of older notices are never asked for again
        self._notice_pages = pages
        return pages

    def intranet_pages(self) -> dict[str, str]:
        """The intranet's extra pages: the notices' (made now if the last build's are stale) and
        the follow-up registers'."""
        if self._notice_pages is None:
            self._notice_pages = self.remembered_notice_pages()
        if self._notice_pages is None:
            self.render_notices(self.staging)
        return {**(self._notice_pages or {}), **followup_pages(followup_view(self.newsroom))}


NOTICE_PAGES = "notice-pages"  # build/.cache/notice-pages/<notices digest>.json


def build_parts(newsroom: Newsroom, staging: Path, cache: Path, parts: tuple[str, ...], progress: Progress,
                gate: Newsroom | None = None, preview: bool = False) -> Built:
    """Render each requested part whose inputs changed into ``staging``.

    ``gate``: the complete newsroom (with the classified store) when ``newsroom`` is the newsroom
    alone; the leak gate then also forbids every stored record's strings. ``preview``: the sites
    of ``bulletin serve``, every page marked 预览.
    """
    record = PartRecord(cache)
    built = Built(day=newsroom.today.isoformat())
    job = Job(newsroom, staging, cache, progress, gate, preview)
    try:
        for name in (n for n in BUILD_ORDER if n in parts):
            part = job.part(name)
            inputs = part.inputs()
            if inputs is not None and record.inputs.get(name) == inputs and part.unchanged(record, record.digests.get(name, "")):
                built.unchanged.append(name)  # the same files as last time: the view is not made
            else:
                digest = part.digest()
                if part.unchanged(record, digest):
                    built.unchanged.append(name)
                else:
                    part.render(staging)
                    built.wrote(name, digest)
            if inputs is not None:
                built.inputs[name] = inputs
            job.queue.start()  # the pool renders what is queued while this process does the rest
        job.queue.finish()
        _finish_sites(job.pending_sites, progress)
    except BaseException:  # a failed part must not leave the pool rendering (or the exit waiting for it)
        job.queue.abort()
        for _, site in job.pending_sites:
            site.discard()
        raise
    return built


def _finish_sites(pending: list[tuple[str, PendingSite]], progress: Progress) -> None:
    """Index, place and gate the search index of each site that waited for the PDF pool (its
    pages were gated while the pool rendered)."""
    for label, site in pending:
        progress(f"{label}搜索索引 …")
        site.finish()


def swap_parts(build_dir: Path, staging: Path, cache: Path, built: Built) -> None:
    """Swap the written parts in, their digests recorded around the swap.

    The parts are first forgotten in the record, then swapped, then recorded: whatever step a
    full disk or a kill stops, the record never claims a digest for outputs that are not there
    (a forgotten part is merely rebuilt).
    """
    record = PartRecord(cache)
    if built.written:
        record.save({part: "" for part in built.written}, {part: "" for part in built.written})
    for part in built.written:  # each site carries its build record, swapped in with it (bulletin.buildrecord)
        if part in SITE_PARTS and part in built.digests and (staging / part).is_dir():
            write_record(staging / part, part, built.digests[part], built.day)
    swap_in(build_dir, staging, built.written)
    try:
        record.save(built.digests, built.inputs)
    except OSError:
        pass  # the new outputs are in place and complete; unrecorded, they are rebuilt next time


def build_jobs(root: Path, result: CheckResult, parts: tuple[str, ...]
               ) -> list[tuple[Path, Newsroom, tuple[str, ...], Newsroom | None]]:
    """(build folder, newsroom it is made from, parts, gate newsroom) of each build folder.

    The newsroom's build/ comes first, made from the networked newsroom with the issues it
    prints; with a store present, the complete newsroom is its gate, and the store's build/
    prints the store's issues.
    """
    store = result.store
    beside = store is not None and store.present
    jobs = [(root / "build", networked(result.sources, result.newsroom, store), parts, result.newsroom if beside else None)]
    if beside and "pdf" in parts:
        jobs.append((store.build_dir, result.newsroom, ("pdf",), None))
    return [(build_dir, replace(newsroom, issues=[i for i in newsroom.issues if printed_dir(root, store, i) == build_dir]),
             wanted, gate) for build_dir, newsroom, wanted, gate in jobs]


def run_build(root: Path, today, parts: tuple[str, ...] = PARTS, quiet: bool = False,
              classified: Path | None = None, until_exit: bool = False) -> int:
    """Check, build every part into staging, then swap in. Returns the exit code.

    With a classified store present, the newsroom's build/ is made from the newsroom alone (the
    store's figures enter the notices as numbers only) and the store's issues print into the
    store's own build/ (``bulletin.store.printed_dir``); both are swapped in only when all succeed.
    ``until_exit``: the ``build`` command, whose process ends with the build (``check.run_check``).
    """
    memo = run_memo(root, today, classified, "build", ",".join(parts), _fonts_key(root, parts))
    if _replayed(memo.recall()):
        return 0
    result = run_check(root, today, classified=classified, until_exit=until_exit, scanned=memo.tree)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr)
    if not result.ok:
        print(f"有 {len(result.errors)} 个错误，未构建；build/ 保持原样", file=sys.stderr)
        return 1
    jobs = build_jobs(root, result, parts)
    progress = Progress(quiet)
    done = []
    try:
        for build_dir, newsroom, wanted, gate in jobs:
            staging = fresh_staging(build_dir)
            cache = build_dir / ".cache"
            cache.mkdir(exist_ok=True)
            beside_store = {"gate": gate} if gate is not None else {}
            built = build_parts(newsroom, staging, cache, wanted, progress, **beside_store)
            done.append((build_dir, staging, cache, built))
        for build_dir, staging, cache, built in done:
            swap_parts(build_dir, staging, cache, built)
    except BUILD_FAILURES as exc:
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
        _say_built(build_dir, built.written, built.unchanged)
    memo.remember((problem_rows(result.problems), [(str(d), list(wanted)) for d, _n, wanted, _g in jobs]))
    return 0


def _say_built(build_dir: Path, written: list[str], unchanged: list[str]) -> None:
    written, unchanged = (sorted(names, key=PARTS.index) for names in (written, unchanged))
    same = f"；内容未变，沿用：{'、'.join(unchanged)}" if unchanged else ""
    print(f"已构建：{'、'.join(written) or '（无）'}{same} → {build_dir}", file=sys.stderr)


def _fonts_key(root: Path, parts: tuple[str, ...]) -> str:
    """The fonts PDFs print with (a font installed or replaced re-renders them)."""
    return rendering_fingerprint(root) if {"pdf", "notices"} & set(parts) else ""


def _replayed(found) -> bool:
    """Replay the last build while nothing it read has changed and its outputs are all in place:
    its warnings again, and every part kept. An editor's no-op rebuild reads no file but the
    stat records (``check.run_memo``)."""
    if found is None:
        return False
    rows, folders = found
    for build_dir, wanted in folders:
        record, folder = PartRecord(Path(build_dir) / ".cache"), Path(build_dir)
        for part in wanted:
            if not record.digests.get(part) or not (folder / part).is_dir():
                return False
            if part in SITE_PARTS and not has_record(folder / part):
                return False
    for row in rows:
        print(Problem(*row).format(), file=sys.stderr)
    for build_dir, wanted in folders:
        _say_built(Path(build_dir), [], wanted)
    return True
