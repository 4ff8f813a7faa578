"""Work split over two processes: part of the items in a forked child, the rest here, the
child's results taken as it finishes them (``split_iter``), or one job in a child
beside another here (``beside``).

Why: a first check after a clone parses every report (9,000 a year) and that work is the same
for each file and independent of the others, while the machine an office runs on has a second
core idle. A fork costs a few milliseconds and the child inherits every imported module and the
item list, so only the results cross back (through a file in memory: ``_channel``, ``_dumps``).

The split is used only where it is safe and worth it: enough items, a second core, and no other
thread in this process (a fork copies locks another thread may hold: ``bulletin serve`` runs its
checks beside a server and a watcher thread). Anything that goes wrong in the child (an
exception, a signal, results that do not unpickle) means what it did not send is done here: the
answer is always the one a single process gives, in the same order.
"""

from __future__ import annotations

import marshal
import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Other = TypeVar("Other")

MIN_ITEMS = 400  # below this a second process saves less than it costs


def can_fork(count: int) -> bool:
    """Whether ``count`` items are worth a child, and a child is safe to make."""
    return (count >= MIN_ITEMS and hasattr(os, "fork") and (os.cpu_count() or 1) >= 2
            and threading.active_count() == 1)


def split_iter(work: Callable[[Item], Result], items: Sequence[Item], share: float = 0.5) -> Iterator[Result]:
    """``work(item)`` for each item, in order: the first ``share`` of them here, the rest in a
    forked child whose results this process takes frame by frame as the child finishes them.

    ``work`` must be a pure function of its item (it may read files): the child's side effects
    other than its results are lost with it.

    The child writes its results in frames of ``FRAME`` items into a file in memory
    (``_channel``) and announces each finished frame with one byte on a pipe, so it never waits
    for this process (a pipe that held the results themselves filled at 64 KB, and each refill
    waited for this process). This process yields its own results as it makes them, then the
    child's as their frames are announced: whatever the caller does with each result runs
    while the child still works. With ``share`` below one half this process takes fewer items
    and decodes (and the caller keeps) the child's beside it; before, it read them all once
    the child had ended, with the other core idle (0.8 s of a cold five-year check).

    A child that fails (an exception, a signal, a frame that does not decode) leaves the items
    it did not send to this process: the answer is always the one a single process gives.
    """
    if not can_fork(len(items)):
        yield from map(work, items)
        return
    cut = round(len(items) * share)
    mine, theirs = items[:cut], items[cut:]
    channel = _channel()
    ready, announce = os.pipe()

    def send() -> None:
        os.close(ready)
        for start in range(0, len(theirs), FRAME):
            frame = _dumps([work(item) for item in theirs[start:start + FRAME]])
            _write_all(channel, len(frame).to_bytes(8, "little") + frame)
            os.write(announce, b"\1")  # a byte a frame: the pipe never fills

    pid = _child(send)
    os.close(announce)  # the child's copy is the only one left: its end is the pipe's end
    received = 0
    try:
        for item in mine:
            yield work(item)
        for frame in _announced(ready, channel):
            if not isinstance(frame, list) or received + len(frame) > len(theirs):
                break  # not the child's results: the rest is done here
            received += len(frame)
            yield from frame
    finally:
        os.kill(pid, signal.SIGKILL)  # ended already, unless this process stopped early or a frame broke
        os.waitpid(pid, 0)
        os.close(ready)
        os.close(channel)
    yield from map(work, theirs[received:])


def _announced(ready: int, channel: int) -> Iterator[list]:
    """The child's frames in ``channel``, each as soon as its byte arrives on ``ready``, until the
    child has ended (the pipe's end) or a frame does not decode."""
    at = 0
    while count := len(os.read(ready, 4096)):
        for _ in range(count):
            size = int.from_bytes(_read_at(channel, 8, at), "little")
            try:
                frame = _loads(_read_at(channel, size, at + 8))
            except Exception:  # noqa: BLE001 - a broken frame: the rest is done here instead
                return
            at += 8 + size
            yield frame


def _read_at(fd: int, size: int, at: int) -> bytes:
    """``size`` bytes of ``fd`` from offset ``at`` (fewer only at its end)."""
    chunks, got = [], 0
    while got < size and (chunk := os.pread(fd, size - got, at + got)):
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


FRAME = 1000  # results per frame the child sends


def _fork(send: Callable[[int], None]) -> tuple[int, int]:
    """A child that calls ``send`` on a channel (``_channel``) and exits (1 if it raised); its
    pid and the channel, for this process to read with ``_read_all`` once the child has ended."""
    channel = _channel()
    return _child(lambda: send(channel)), channel


def _child(run: Callable[[], None]) -> int:
    """Fork a child that calls ``run`` and exits, 0 if it returned and 1 if it raised (never
    running this process's exit handlers or flushing its buffers); the child's pid."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            run()
            code = 0
        finally:
            os._exit(code)
    return pid


def _channel() -> int:
    """A descriptor of an unnamed file, in memory where the system allows it (``memfd_create``),
    else a temporary file: the child writes into it without ever waiting, and this process
    reads it from the start once the child has ended."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("bulletin-forked", os.MFD_CLOEXEC)
    with tempfile.TemporaryFile() as handle:
        return os.dup(handle.fileno())


def beside(theirs: Callable[[], Result], mine: Callable[[], Other], count: int) -> tuple[Result, Other]:
    """``(theirs(), mine())``, ``theirs`` computed in a forked child while this process computes
    ``mine``; ``count`` is how many items the work is about (too few are not worth a child).

    ``theirs`` must return its whole effect (picklable): anything else it changes is lost with
    the child. A child that fails leaves ``theirs`` to be computed here, afterwards.
    """
    if not can_fork(count):
        return theirs(), mine()
    pid, channel = _fork(lambda fd: _write_all(fd, _dumps(theirs())))
    try:
        here = mine()
    finally:
        _, status = os.waitpid(pid, 0)
        raw = _read_all(channel)
    if os.waitstatus_to_exitcode(status) == 0:
        try:
            return _loads(raw), here
        except Exception:  # noqa: BLE001 - a cut-short pickle: the work is done here instead
            pass
    return theirs(), here


def background(work: Callable[[], None], count: int) -> Callable[[], bool] | None:
    """``work()`` in a forked child while this process goes on; ``count`` as for ``beside``.
    Returns the join: it waits for the child and says whether ``work`` succeeded. None when no
    child could be made, and then nothing was done.

    For work whose whole effect is on files (writing the check cache: ``DigestCache.save_loaded``)."""
    if not can_fork(count):
        return None
    pid = _child(work)

    def join() -> bool:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) == 0

    return join


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


def _read_all(channel: int) -> bytes:
    """Everything the child wrote into ``channel``, which is closed."""
    try:
        os.lseek(channel, 0, os.SEEK_SET)  # the child's writes moved the offset both share
        chunks = []
        while chunk := os.read(channel, 1 << 24):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(channel)
