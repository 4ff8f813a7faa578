"""One queue for every PDF of a build: issues and notices render together in the worker pool,
in the background, while the main process builds the websites.

On two cores this keeps both busy: the pool renders while mkdocs (single-threaded) builds the
sites. Jobs are submitted from the main thread, so the worker processes are forked before any
other thread exists; a background thread only waits for results.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from bulletin.printing import pool
from bulletin.printing.fonts import FontSet


class PrintQueue:
    def __init__(self, fonts: FontSet | None, progress: Callable[[str], None] = lambda message: None):
        self.fonts = fonts
        self.progress = progress
        self.jobs: dict[Path, pool.RenderJob] = {}  # by cache path: the same content renders once
        self.copies: list[tuple[Path, Path]] = []
        self._thread: threading.Thread | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._error: BaseException | None = None
        self._inline: list[pool.RenderJob] = []
        self._deferred: list[Callable[[], None]] = []

    def add(self, job: pool.RenderJob, target: Path) -> None:
        """Render ``job`` unless its cached PDF exists, then copy it to ``target`` at ``finish``."""
        if not job.cache_path.exists():
            self.jobs.setdefault(job.cache_path, job)
        self.copies.append((job.cache_path, target))

    def defer(self, work: Callable[[], None]) -> None:
        """Main-process work (Word files) to do while the pool renders, right after ``start``."""
        self._deferred.append(work)

    def start(self) -> None:
        """Begin rendering in the background, then do the deferred main-process work."""
        self._start_pool()
        for work in self._deferred:
            work()
        self._deferred.clear()

    def _start_pool(self) -> None:
        jobs = sorted(self.jobs.values(), key=lambda j: len(j.html), reverse=True)
        if not jobs:
            return
        problem = pool.subsetter_problem()
        if problem:
            print(f"bulletin: 注意：{problem}", file=sys.stderr, flush=True)
        if len(jobs) == 1:  # a pool would only add process starts
            self._inline = jobs
            return
        self._executor = ProcessPoolExecutor(
            max_workers=min(pool.WORKERS, len(jobs)), mp_context=pool._context(),
            initializer=pool._warm_up, initargs=(self.fonts,),
        )
        futures = {self._executor.submit(pool.render_one, job): job for job in jobs}
        self._thread = threading.Thread(target=self._collect, args=(futures,), daemon=True)
        self._thread.start()

    def _collect(self, futures) -> None:
        started = time.perf_counter()
        try:
            for future in as_completed(futures):
                job = futures[future]
                self._done(job, *pool._guarded(lambda _job, done=future: done.result(), job))
        except BaseException as exc:  # handed to the main thread by finish()
            self._error = exc
            for future in futures:
                future.cancel()
        self.progress(f"  渲染 {len(futures)} 份 PDF 共用时 {time.perf_counter() - started:.1f} 秒")

    def abort(self) -> None:
        """Stop early (another part failed): drop queued renders instead of waiting for them.

        Never waits without a bound: a failed build must end with its message, not hang on a
        worker. The collecting thread is a daemon and the workers stop after their current job.
        """
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _done(self, job: pool.RenderJob, pages: int, timing: pool.Timing) -> None:
        self.progress(f"  PDF {job.key}：{pages} 页，{timing.wall:.2f} 秒（CPU {timing.cpu:.2f} 秒）")

    def finish(self) -> None:
        """Wait for every render, raise the first failure, then copy the PDFs into place."""
        for job in self._inline:
            self._done(job, *pool._guarded(pool.render_one, job))
        if self._thread is not None:
            self._thread.join()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        if self._error is not None:
            raise self._error
        for source, target in self.copies:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
