"""The build's PDF queue: the pool starts early (warmed before the jobs are planned) and takes later jobs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bulletin.printing.pdf import Meta
from bulletin.printing.queue import PrintQueue
from bulletin.printing.worker import RenderError, RenderJob


def job(tmp_path: Path, name: str, text: str = "全市春耕备耕有序推进") -> RenderJob:
    html = f"<html><body><p>{text}（{name}）</p></body></html>"
    return RenderJob(name, html, str(tmp_path) + "/", Meta(name), (str(tmp_path),), tmp_path / "cache" / f"{name}.pdf")


def test_jobs_added_after_start_go_straight_to_the_running_pool(tmp_path):
    queue = PrintQueue(None)
    for name in ("a", "b"):
        queue.add(job(tmp_path, name), tmp_path / "out" / f"{name}.pdf")
    order: list[str] = []
    queue.defer(lambda: order.append("word files"))
    queue.start()
    assert order == ["word files"] and queue.jobs == {} and queue._executor is not None
    queue.add(job(tmp_path, "notice"), tmp_path / "out" / "notice.pdf")
    assert queue.jobs == {}  # submitted at once, not held back for finish
    queue.start()  # a second start with nothing waiting changes nothing
    queue.finish()
    for name in ("a", "b", "notice"):
        assert (tmp_path / "out" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"


def test_one_job_renders_in_one_worker_while_this_process_does_the_deferred_work(tmp_path):
    """An editor's build after a new issue renders one PDF: in a worker of its own, so the Word
    files (deferred) and the rest of the build go on beside it instead of after it."""
    queue = PrintQueue(None)
    queue.add(job(tmp_path, "a"), tmp_path / "out" / "a.pdf")
    seen = []
    queue.defer(lambda: seen.append((queue._executor is not None, dict(queue.jobs))))
    queue.start()
    assert seen == [(True, {})] and queue._executor._max_workers == 1
    queue.finish()
    assert (tmp_path / "out" / "a.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_job_added_after_the_last_start_renders_in_this_process(tmp_path):
    queue = PrintQueue(None)
    queue.add(job(tmp_path, "a"), tmp_path / "out" / "a.pdf")
    queue.finish()
    assert queue._executor is None
    assert (tmp_path / "out" / "a.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_same_content_renders_once_and_cached_pdfs_are_only_copied(tmp_path):
    cached = job(tmp_path, "old")
    cached.cache_path.parent.mkdir(parents=True)
    cached.cache_path.write_bytes(b"%PDF-cached")
    queue = PrintQueue(None)
    queue.add(cached, tmp_path / "out" / "old.pdf")
    queue.add(job(tmp_path, "new"), tmp_path / "out" / "one.pdf")
    queue.add(job(tmp_path, "new"), tmp_path / "out" / "two.pdf")
    assert list(queue.jobs) == [tmp_path / "cache" / "new.pdf"]
    queue.start()
    queue.finish()
    assert (tmp_path / "out" / "old.pdf").read_bytes() == b"%PDF-cached"
    assert (tmp_path / "out" / "one.pdf").read_bytes() == (tmp_path / "out" / "two.pdf").read_bytes()


def test_a_failed_render_is_raised_by_finish_and_nothing_is_copied(tmp_path):
    queue = PrintQueue(None)
    queue.add(job(tmp_path, "a"), tmp_path / "out" / "a.pdf")
    bad = job(tmp_path, "bad")
    queue.add(RenderJob("zwxx/2026/009", bad.html, bad.base_url, bad.meta, bad.allowed_dirs,
                        tmp_path / "missing-folder" / "\0.pdf"), tmp_path / "out" / "bad.pdf")
    queue.start()
    with pytest.raises(RenderError, match=r"^zwxx/2026/009 的 PDF 渲染失败"):
        queue.finish()
    assert not (tmp_path / "out").exists()


def test_workers_keep_freed_memory_on_glibc():
    """Each PDF worker tunes glibc's malloc (fewer page faults between PDFs); a script checks it
    in a fresh process so this test process keeps its own settings."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "from bulletin.printing import worker; print(worker._keep_freed_memory())"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_a_worker_killed_mid_build_gives_one_line_not_a_traceback(tmp_path):
    import os
    import signal
    import time

    queue = PrintQueue(None)
    for name in ("a", "b", "c"):
        queue.add(job(tmp_path, name, "全市春耕备耕有序推进" * 400), tmp_path / "out" / f"{name}.pdf")
    queue.start()
    for pid in list(queue._executor._processes):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while not queue._executor._broken and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(RenderError, match="^notice 的 PDF 渲染失败（打印进程已意外退出"):
        queue.add(job(tmp_path, "notice"), tmp_path / "out" / "notice.pdf")  # the notices arrive later
    with pytest.raises(RenderError, match="的 PDF 渲染失败"):
        queue.finish()
    assert not (tmp_path / "out").exists()


def test_a_warmed_pool_of_one_renders_the_lone_job_it_was_warmed_for(tmp_path):
    """An editor's build warms one worker (WeasyPrint imported, fonts loaded) while it plans
    the PDFs, so the new issue's PDF starts at once."""
    queue = PrintQueue(None)
    queue.warm(1)
    warmed = queue._executor
    assert warmed is not None and warmed._max_workers == 1
    queue.add(job(tmp_path, "a"), tmp_path / "out" / "a.pdf")
    queue.start()
    assert queue._executor is warmed
    queue.finish()
    assert (tmp_path / "out" / "a.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_job_planned_while_a_warmed_worker_is_idle_goes_to_it_at_once(tmp_path):
    """An editor's build plans the newest issue first: its PDF renders in the warmed worker
    while the rest of the archive is planned, instead of waiting for ``start``."""
    queue = PrintQueue(None)
    queue.warm(1)
    queue.add(job(tmp_path, "new"), tmp_path / "out" / "new.pdf")
    assert queue.jobs == {} and [j.key for j in queue._futures.values()] == ["new"]
    queue.add(job(tmp_path, "edited"), tmp_path / "out" / "edited.pdf")  # the one worker is busy: it waits
    assert list(queue.jobs) == [tmp_path / "cache" / "edited.pdf"]
    queue.start()
    queue.finish()
    for name in ("new", "edited"):
        assert (tmp_path / "out" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"


def test_many_jobs_for_a_warmed_pool_of_one_get_a_second_pool_beside_it(tmp_path):
    """Every issue renders again (the fonts changed) in an editor's build, which warmed one
    worker: the first job goes to it, the others share it with a second pool."""
    from bulletin.printing import worker

    queue = PrintQueue(None)
    queue.warm(1)
    warmed = queue._executor
    for name in ("a", "b", "c"):
        queue.add(job(tmp_path, name), tmp_path / "out" / f"{name}.pdf")
    queue.start()
    assert queue._executor is warmed and [pool._max_workers for pool in queue._pools] == [1, worker.WORKERS - 1]
    queue.finish()
    for name in ("a", "b", "c"):
        assert (tmp_path / "out" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_warmed_pool_with_nothing_to_render_ends_quietly(tmp_path):
    cached = job(tmp_path, "a")
    cached.cache_path.parent.mkdir(parents=True)
    cached.cache_path.write_bytes(b"%PDF-cached")
    queue = PrintQueue(None)
    queue.warm(2)
    queue.add(cached, tmp_path / "out" / "a.pdf")  # stored already: nothing to render
    queue.start()
    queue.finish()
    assert (tmp_path / "out" / "a.pdf").read_bytes() == b"%PDF-cached"


def test_jobs_after_a_lone_job_get_a_second_worker_beside_it(tmp_path):
    """Publishing an issue renders its PDF and then the notices: they must not wait on the one
    worker the lone PDF was given."""
    from bulletin.printing import worker

    queue = PrintQueue(None)
    queue.warm(1)
    queue.add(job(tmp_path, "issue", "全市春耕备耕有序推进" * 200), tmp_path / "out" / "issue.pdf")
    queue.start()
    for name in ("q1", "q2", "q3"):
        queue.add(job(tmp_path, name), tmp_path / "out" / f"{name}.pdf")
    assert [pool._max_workers for pool in queue._pools] == [1, worker.WORKERS - 1]
    assert {queue._pool_of[f] for f, j in queue._futures.items() if j.key != "issue"} == set(queue._pools)
    queue.finish()
    for name in ("issue", "q1", "q2", "q3"):
        assert (tmp_path / "out" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"


_MADE_IN_THE_BUILD: list[str] = []


def _what_the_worker_sees() -> tuple[int, list[str]]:
    return os.getppid(), list(_MADE_IN_THE_BUILD)


def test_workers_do_not_inherit_the_build_process_memory():
    """The workers come from the fork server, not from the build process: what the build holds
    (the newsroom, five years of it on a long archive) is not in their memory, where
    WeasyPrint's allocations would land on its pages and copy them (``worker._context``)."""
    _MADE_IN_THE_BUILD.append("the newsroom")
    try:
        queue = PrintQueue(None)
        queue.warm(1)
        parent, seen = queue._executor.submit(_what_the_worker_sees).result(timeout=60)
        queue.finish()
    finally:
        _MADE_IN_THE_BUILD.clear()
    assert parent != os.getpid() and seen == []
