"""One writer at a time: the lock in ``build/.lock`` that every writing command holds.

Two builds at once used to swap each other's half-finished staging in (and the second one's
recovery deleted the first one's staging); two ``publish`` or ``issue`` runs could write the
same file from two stale readings. ``build`` and every command that writes newsroom files hold
this lock (an OS file lock through the ``filelock`` library: released by the kernel when the
holder dies, so a killed command never leaves it stuck). A second command waits a short while,
saying so, then gives up with exit 1 naming the holder's PID.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bulletin.errors import Busy
from bulletin.write import ensure_build_dir, recover

LOCK = ".lock"
HOLDER = ".lock.pid"  # the holder's PID, for the message (the lock file itself stays empty)
WAIT_SECONDS = 10.0

# Commands that write newsroom files or build/ outputs.
WRITERS = frozenset({"build", "publish", "issue", "new", "import", "renumber", "scores", "withdraw", "move-classified"})


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("BULLETIN_LOCK_WAIT", WAIT_SECONDS)))
    except ValueError:
        return WAIT_SECONDS


def _holder(build_dir: Path) -> str:
    try:
        pid = (build_dir / HOLDER).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "未知"
    return pid if pid.isdigit() else "未知"


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the newsroom's writer lock for the duration of the block, then recover ``build/``.

    Recovery runs under the lock, so leftovers of a killed build are cleaned at the next start
    of any writing command, never while another build is still using them. ``filelock`` is
    imported here: 15 ms of every command's start, and ``check`` and the read-only ones never lock.
    """
    from filelock import FileLock, Timeout

    build_dir = root / "build"
    ensure_build_dir(build_dir)
    lock = FileLock(build_dir / LOCK)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        wait = _wait_seconds()
        print(f"另一个 bulletin 命令正在运行（PID {_holder(build_dir)}），等待它结束（最多 {wait:g} 秒）……",
              file=sys.stderr, flush=True)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise Busy(f"另一个 bulletin 命令正在运行（PID {_holder(build_dir)}）；请等它结束后再试") from None
    try:
        (build_dir / HOLDER).write_text(f"{os.getpid()}\n", encoding="ascii")
        recover(build_dir)
        yield
    finally:
        lock.release()
