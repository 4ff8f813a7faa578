"""One queue for every PDF of a build: issues and notices render together in the worker pool,
in the background, while the main process builds the websites.

On two cores this keeps both busy: the pool renders while the main process composes the
notices, writes the Word files and builds the sites (mkdocs is single-threaded). The build
starts the pool as soon as the issue PDFs are planned and hands it the notices later, so no
core waits for the other's preparations.

Jobs are submitted from the main thread only, and the worker processes are forked at the first
submission, before the pool's own management thread exists. Results arrive through future
callbacks; ``finish`` waits for them.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from pathlib import Path

from bulletin.printing import worker
from bulletin.printing.fonts import FontSet


class PrintQueue:
    def __init__(self, fonts: FontSet | None, progress: Callable[[str], None] = lambda message: None):
        self.fonts = fonts
        self.progress = progress
        self.jobs: dict[Path, worker.RenderJob] = {}  # waiting to be submitted, by cache path
        self.copies: list[tuple[Path, Path]] = []
        self._seen: set[Path] = set()  # the same content renders once
        self._pools: list[ProcessPoolExecutor] = []  # one, or a pool of one and a second beside it
        self._futures: dict[Future, worker.RenderJob] = {}
        self._pool_of: dict[Future, ProcessPoolExecutor] = {}
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._deferred: list[Callable[[], None]] = []
        self._started_at: float | None = None
        self._started = False  # start() was called: later jobs go straight to the pool

    def add(self, job: worker.RenderJob, target: Path) -> None:
        """Render ``job`` unless its cached PDF exists, then copy it to ``target`` at ``finish``.

        Jobs wait until the next ``start`` (which sends the largest first), except while a warmed
        pool has a worker with nothing to do: then the job goes to it at once, so an editor's new
        issue renders while the rest of the archive is planned. After ``start`` every job goes
        straight to the running pool.
        """
        if not job.cache_path.exists() and job.cache_path not in self._seen:
            self._seen.add(job.cache_path)
            if self._started or (self._pools and self._idle_workers()):
                self._submit([job])
            else:
                self.jobs[job.cache_path] = job
        self.copies.append((job.cache_path, target))

    def _idle_workers(self) -> int:
        with self._lock:
            busy = sum(1 for f in self._futures if not f.done())
        return self._workers() - busy

    def rendering(self) -> bool:
        """Whether jobs wait to be submitted or renders are under way."""
        with self._lock:
            return bool(self.jobs) or any(not f.done() for f in self._futures)

    def defer(self, work: Callable[[], None]) -> None:
        """Main-process work (Word files) to do while the pool renders, right after ``start``."""
        self._deferred.append(work)

    def start(self) -> None:
        """Submit the waiting jobs (largest first) to the pool, then do the deferred work.

        May be called again after more jobs were added. Even a single job goes to a worker (a
        pool of one): it renders while this process writes the Word files and goes on with the
        build, which in an editor's build after a new issue is about a second of the two.
        """
        waiting = sorted(self.jobs.values(), key=lambda j: len(j.html), reverse=True)
        if waiting:
            self.jobs.clear()
            self._submit(waiting)
        self._started = self._started or bool(self._pools)  # a running pool takes later jobs at once
        for work in self._deferred:
            work()
        self._deferred.clear()

    def warm(self, workers: int) -> None:
        """Start the pool now, before its jobs are planned: its workers import WeasyPrint and
        load the fonts (a second or so) while this process composes the issues. ``workers``: 1
        when few PDFs are expected (an editor's new issue), else ``WORKERS``. Nothing is
        submitted; a pool of one that then gets many jobs gives way to a full pool."""
        if not self._pools:
            self._open(workers).submit(worker.ready)  # a forked pool starts its processes at a submission

    @property
    def _executor(self) -> ProcessPoolExecutor | None:
        """The first pool (tests look at it)."""
        return self._pools[0] if self._pools else None

    def _workers(self) -> int:
        return sum(pool._max_workers for pool in self._pools)

    def _open(self, workers: int) -> ProcessPoolExecutor:
        if not self._pools:
            problem = worker.subsetter_problem()
            if problem:
                print(f"bulletin: 注意：{problem}", file=sys.stderr, flush=True)
            self._started_at = time.perf_counter()
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=worker._context(),
                                   initializer=worker._warm_up, initargs=(self.fonts,))
        self._pools.append(pool)
        return pool

    def _submit(self, jobs: list[worker.RenderJob]) -> None:
        """Send ``jobs`` to the pools, growing them to ``WORKERS`` workers in all.

        A lone job gets a pool of one (a second worker would only warm up beside this process's
        work). More jobs for a pool of one that is rendering (the notices after an editor's new
        issue, or every issue after the fonts changed) get a second pool beside it, so they never
        wait on one core."""
        if not self._pools:
            self._open(min(worker.WORKERS, len(jobs)))
        elif self._workers() < worker.WORKERS and self._futures:
            self._open(worker.WORKERS - self._workers())
        for job in jobs:
            pool = self._pools[0] if len(self._pools) == 1 else min(self._pools, key=self._outstanding)
            try:
                future = pool.submit(worker.render_one, job)
            except RuntimeError as exc:  # a worker died (killed, out of memory): the pool is broken
                raise worker.RenderError(f"{job.key} 的 PDF 渲染失败（打印进程已意外退出：{exc}）") from exc
            with self._lock:
                self._futures[future] = job
                self._pool_of[future] = pool
            future.add_done_callback(self._done)

    def _outstanding(self, pool: ProcessPoolExecutor) -> float:
        """Renders sent to ``pool`` and not done yet, per worker (the least busy pool gets the next)."""
        with self._lock:
            busy = sum(1 for f, p in self._pool_of.items() if p is pool and not f.done())
        return busy / pool._max_workers

    def _done(self, future: Future) -> None:
        """Runs in the pool's thread as each render ends: report it, or keep the first failure."""
        if future.cancelled():
            return
        with self._lock:
            job = self._futures[future]
        try:
            pages, timing = worker._guarded(lambda _job: future.result(), job)
        except BaseException as exc:  # handed to the main thread by finish()
            with self._lock:
                if self._error is None:
                    self._error = exc
                pending = [f for f in self._futures if not f.done()]
            for other in pending:
                other.cancel()
            return
        self._report(job, pages, timing)

    def _report(self, job: worker.RenderJob, pages: int, timing: worker.Timing) -> None:
        self.progress(f"  PDF {job.key}：{pages} 页，{timing.wall:.2f} 秒（CPU {timing.cpu:.2f} 秒）")

    def abort(self) -> None:
        """Stop early (another part failed): drop queued renders instead of waiting for them.

        Never waits without a bound: a failed build must end with its message, not hang on a
        worker. The workers stop after their current job.
        """
        for pool in self._pools:
            pool.shutdown(wait=False, cancel_futures=True)

    def finish(self) -> None:
        """Render what is still waiting, wait for every render, raise the first failure, then
        copy the PDFs into place."""
        waiting = list(self.jobs.values())
        self.jobs.clear()
        if self._pools and waiting:
            self._submit(waiting)
        else:
            for job in waiting:
                self._report(job, *worker._guarded(worker.render_one, job))
        if self._pools:
            with self._lock:
                futures = list(self._futures)
            wait(futures)
            for pool in self._pools:
                pool.shutdown(wait=True, cancel_futures=True)
            self.progress(f"  渲染 {len(futures)} 份 PDF 共用时 {time.perf_counter() - (self._started_at or 0):.1f} 秒")
        if self._error is not None:
            raise self._error
        for source, target in self.copies:
            place(source, target)


def place(source: Path, target: Path) -> None:
    """Put a stored file at ``target`` in staging: a hard link when the store and the build
    folder share a file system (outputs are only ever replaced whole, never written in place, so
    the stored copy cannot change through the link), else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
