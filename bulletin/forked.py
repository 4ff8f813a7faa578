"""Work split over two processes: half the items in a forked child, half here (``split_map``),
or one job in a child beside another here (``beside``).

Why: a first check after a clone parses every report (9,000 a year) and that work is the same
for each file and independent of the others, while the machine an office runs on has a second
core idle. A fork costs a few milliseconds and the child inherits every imported module and the
item list, so only the results cross back (through a pipe: ``_dumps``).

The split is used only where it is safe and worth it: enough items, a second core, and no other
thread in this process (a fork copies locks another thread may hold: ``bulletin serve`` runs its
checks beside a server and a watcher thread). Anything that goes wrong in the child (an
exception, a signal, results that do not unpickle) means its half is simply done here: the
answer is always the one a single process gives, in the same order.
"""

from __future__ import annotations

import marshal
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Other = TypeVar("Other")

MIN_ITEMS = 400  # below this a second process saves less than it costs


def can_fork(count: int) -> bool:
    """Whether ``count`` items are worth a child, and a child is safe to make."""
    return (count >= MIN_ITEMS and hasattr(os, "fork") and (os.cpu_count() or 1) >= 2
            and threading.active_count() == 1)


def split_map(work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """``[work(item) for item in items]``, the second half computed in a forked child.

    ``work`` must be a pure function of its item (it may read files): the child's side effects
    other than its results are lost with it.

    The child sends its results in frames of ``FRAME`` items as it goes, and a thread here
    drains the pipe while this process works: the child's last results arrive as this
    process ends its own half. Before, the child wrote all its results at the end, into a pipe
    nobody read until this process had done its half, and the wait for those 80 MB of a cold
    five-year parse came after both halves (about 0.5 s more than decoding them now takes).
    The halves stay even: the child ran 0-12 % slower per report than this process, varying
    from run to run on this machine, and no other share measured better.
    """
    if not can_fork(len(items)):
        return [work(item) for item in items]
    cut = len(items) // 2
    mine, their_items = items[:cut], items[cut:]
    def send(fd: int) -> None:
        for start in range(0, len(their_items), FRAME):
            frame = _dumps([work(item) for item in their_items[start:start + FRAME]])
            _write_all(fd, len(frame).to_bytes(8, "little") + frame)

    pid, read_end = _fork(send)
    chunks: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(read_end, chunks), daemon=True)
    reader.start()
    try:
        done = [work(item) for item in mine]
    except BaseException:
        os.kill(pid, signal.SIGKILL)  # this process fails: the child's work is no longer wanted
        raise
    finally:
        reader.join()
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    results = _frames(b"".join(chunks), len(their_items)) if os.waitstatus_to_exitcode(status) == 0 else None
    return done + (results if results is not None else [work(item) for item in their_items])


FRAME = 1000  # results per frame the child sends


def _fork(send: Callable[[int], None]) -> tuple[int, int]:
    """A child that calls ``send`` on the write end of a pipe and exits (1 if it raised); its
    pid and the read end, for this process."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            send(write_end)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _drain(fd: int, chunks: list[bytes]) -> None:
    """Read ``fd`` to its end (the child's frames) into ``chunks``: a thread, so the child
    never waits on a full pipe while this process works."""
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)


def _frames(data: bytes, count: int) -> list | None:
    """The results in the child's frames, or None when they are cut short or do not decode."""
    results: list = []
    view, at = memoryview(data), 0
    try:
        while at < len(data):
            size = int.from_bytes(view[at:at + 8], "little")
            results += _loads(bytes(view[at + 8:at + 8 + size]))
            at += 8 + size
    except Exception:  # noqa: BLE001 - a cut-short frame: the work is done here instead
        return None
    return results if len(results) == count else None


def beside(theirs: Callable[[], Result], mine: Callable[[], Other], count: int) -> tuple[Result, Other]:
    """``(theirs(), mine())``, ``theirs`` computed in a forked child while this process computes
    ``mine``; ``count`` is how many items the work is about (too few are not worth a child).

    ``theirs`` must return its whole effect (picklable): anything else it changes is lost with
    the child. A child that fails leaves ``theirs`` to be computed here, afterwards.
    """
    if not can_fork(count):
        return theirs(), mine()
    pid, read_end = _fork(lambda fd: _write_all(fd, _dumps(theirs())))
    try:
        here = mine()
        raw = _read_all(read_end)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        try:
            return _loads(raw), here
        except Exception:  # noqa: BLE001 - a cut-short pickle: the work is done here instead
            pass
    return theirs(), here


def _dumps(value: object) -> bytes:
    """Plain data (parsed reports: dicts, lists, strings, numbers) crosses as marshal, three times
    faster to write than pickle (0.05 s against 0.15 s for half a city-year); anything else
    (problems, dataclasses) as pickle."""
    try:
        return b"M" + marshal.dumps(value)
    except ValueError:
        return b"P" + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(raw: bytes) -> object:
    body = memoryview(raw)[1:]
    return marshal.loads(body) if raw[:1] == b"M" else pickle.loads(body)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
