"""What runs in each PDF worker process (the pool itself is ``printing.queue.PrintQueue``'s), and the cache key.

WeasyPrint takes about a second to import and to load the CJK fonts; two worker processes
(this machine has two cores) pay that once for a whole batch and then render issue after
issue. A PDF is only rendered when its cache key is new: the key covers the composed HTML
(issue, items, templates, stylesheet), the images, the font files and the package versions.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from bulletin import __version__
from bulletin.errors import RenderError
from bulletin.printing.fonts import FontSet, harfbuzz_subset_library
from bulletin.printing.pdf import Meta, render_pdf_bytes
from bulletin.write import atomic_write

WORKERS = 2
CACHE_FORMAT = "2"  # 2: PDF/A-2b with keywords


@dataclass(frozen=True)
class RenderJob:
    key: str  # zwxx/2026/018
    html: str
    base_url: str
    meta: Meta
    allowed_dirs: tuple[str, ...]
    cache_path: Path


@cache
def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def subsetter_problem() -> str | None:
    """A message saying what to install when fonts would be subset the slow way, else None."""
    if harfbuzz_subset_library():
        return None
    return ("未找到 HarfBuzz 字体子集库（libharfbuzz-subset0），中文 PDF 会慢约 20 倍；"
            "请以 root 运行 apt-get install libharfbuzz-subset0")


def cache_key(html: str, fonts: FontSet, images: str) -> str:
    """Everything that changes a PDF's bytes, hashed."""
    h = hashlib.sha256()
    for part in (
        CACHE_FORMAT,
        __version__,
        _version("weasyprint"),
        _version("pydyf"),
        _version("fonttools"),
        str(bool(harfbuzz_subset_library())),
        fonts.fingerprint(),
        images,
        html,
    ):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


def _quiet_weasyprint() -> None:
    """WeasyPrint warns per font and per refused resource; the build says what matters once."""
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR if not os.environ.get("BULLETIN_DEBUG_PRINT") else logging.DEBUG)


# glibc mallopt parameters: keep freed memory for the next PDF instead of returning it to the
# kernel and faulting it back in. Measured on 20 issues: 9x fewer page faults, system time
# 1.6 s -> 0.3 s, about 10 % less wall time; each worker's resident size stays at its peak.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_MALLOC_SETTINGS = ((_M_MMAP_THRESHOLD, 32 << 20), (_M_TRIM_THRESHOLD, 256 << 20), (_M_TOP_PAD, 32 << 20))


def _keep_freed_memory() -> bool:
    """Tune this worker's malloc (glibc only; anywhere else nothing changes). True when applied."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return all(mallopt(param, value) == 1 for param, value in _MALLOC_SETTINGS)


def _warm_up(fonts: FontSet | None) -> None:
    """Import WeasyPrint and load the CJK fonts once per worker, before real work arrives."""
    _keep_freed_memory()
    _quiet_weasyprint()
    sample = "<p>政务信息第一期一、（一）　— 1 —</p>"
    css = ""
    if fonts is not None:
        css = "".join(f'<p style="font-family: {fonts.stack(role)}">{sample}</p>' for role in fonts.roles)
    render_pdf_bytes(f"<html><body>{css or sample}</body></html>", None, Meta("warm-up"), (), None)


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds of one render (they differ when the machine is busy)."""

    wall: float
    cpu: float


def ready() -> None:
    """Nothing: submitted to start a pool's processes (``PrintQueue.warm``)."""


def render_one(job: RenderJob) -> tuple[int, Timing]:
    """Render one job into its cache file; returns (pages, timing)."""
    _quiet_weasyprint()
    started, cpu = time.perf_counter(), time.process_time()
    data, pages = render_pdf_bytes(job.html, job.base_url, job.meta, [Path(d) for d in job.allowed_dirs])
    atomic_write(job.cache_path, data)
    return pages, Timing(time.perf_counter() - started, time.process_time() - cpu)


def _context():
    """Workers start from a fork server, a small process of its own, not from the build's.

    A worker forked from the build process inherits its heap: on a five-year archive 500-700 MB
    of model, with free space scattered through it, where WeasyPrint's allocations most likely
    land, each page copied at its first write: the same 40 issues took 0.0377-0.0383 CPU-s a page
    in workers forked from a process holding the five-year newsroom, against 0.0348-0.0355
    from one holding the city-year and 0.0352-0.0365 from the fork server (219,000 page faults
    against 151,000). The server imports this module once; WeasyPrint is imported in each
    worker (``_warm_up``). Where there is no fork server, workers are spawned.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _guarded(call, job: RenderJob):
    try:
        return call(job)
    except Exception as exc:  # noqa: BLE001 - one clear line instead of a worker traceback
        raise RenderError(f"{job.key} 的 PDF 渲染失败（{type(exc).__name__}: {exc}）") from exc
