"""forked: half the items in a child process, the same answer as one process gives."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from bulletin import forked

PARENT = os.getpid()


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_the_second_half_is_worked_in_a_child_and_comes_back_in_order():
    assert forked.can_fork(forked.MIN_ITEMS)  # two cores and no other thread in the test process
    items = list(range(forked.MIN_ITEMS + 1))
    results = list(forked.split_iter(_square_and_pid, items))
    assert [square for square, _ in results] == [n * n for n in items]
    half = len(items) // 2
    assert {pid for _, pid in results[:half]} == {PARENT}
    child = {pid for _, pid in results[half:]}
    assert len(child) == 1 and PARENT not in child


def _fails_in_a_child(n: int) -> int:
    if os.getpid() != PARENT:
        raise RuntimeError("the child breaks")
    return n + 1


def test_a_child_that_fails_leaves_its_half_to_the_parent():
    items = list(range(forked.MIN_ITEMS))
    assert list(forked.split_iter(_fails_in_a_child, items)) == [n + 1 for n in items]


def _killed_in_a_child(n: int) -> int:
    if os.getpid() != PARENT:
        os.kill(os.getpid(), 9)
    return -n


def test_a_child_killed_by_a_signal_leaves_its_half_to_the_parent():
    items = list(range(forked.MIN_ITEMS))
    assert list(forked.split_iter(_killed_in_a_child, items)) == [-n for n in items]


@pytest.mark.parametrize("count", [forked.MIN_ITEMS - 1, 0])
def test_few_items_stay_in_this_process(count):
    assert {pid for _, pid in forked.split_iter(_square_and_pid, range(count))} <= {PARENT}


def test_no_fork_beside_another_thread():
    """A fork copies locks other threads may hold (bulletin serve's server and watcher)."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        results = list(forked.split_iter(_square_and_pid, list(range(forked.MIN_ITEMS * 2))))
    finally:
        stop.set()
        thread.join()
    assert {pid for _, pid in results} == {PARENT}


def _pid_in_a_child_only() -> int:
    pid = os.getpid()
    if pid == PARENT:
        raise AssertionError("worked in the parent")
    return pid


def test_beside_works_one_thing_in_a_child_while_the_parent_works_the_other():
    theirs, mine = forked.beside(_pid_in_a_child_only, os.getpid, forked.MIN_ITEMS)
    assert mine == PARENT and theirs != PARENT


@pytest.mark.parametrize("child", [lambda: os.kill(os.getpid(), 9), lambda: 1 / 0 if os.getpid() != PARENT else 7])
def test_beside_does_the_childs_work_here_when_the_child_fails(child):
    theirs, mine = forked.beside(lambda: child() if os.getpid() != PARENT else 7, lambda: "here", forked.MIN_ITEMS)
    assert (theirs, mine) == (7, "here")


def test_beside_stays_in_this_process_for_little_work():
    assert forked.beside(os.getpid, os.getpid, forked.MIN_ITEMS - 1) == (PARENT, PARENT)


class _Label(str):
    """A str subclass: marshal refuses it, so it must cross as pickle and stay a _Label."""


@pytest.mark.parametrize("value", [
    {"data": {"id": "2026-03-nyj-001", "n": 3, "x": 0.5, "ok": True, "none": None}, "lines": {("id",): 2, ("items", 0): 7}},
    [(1, b"\x00digest", ("a", 1)), frozenset({"b"})],
    [_Label("内部"), threading.Event],
])
def test_results_cross_back_as_they_were_made(value):
    (theirs, pid), mine = forked.beside(lambda: [value, os.getpid()], lambda: "here", forked.MIN_ITEMS)
    assert pid != PARENT and theirs == value and mine == "here"
    assert [type(x) for x in theirs] == [type(x) for x in value]


def _big_result_or_wait(marker, last: int, n: int) -> tuple[int, int, bool]:
    """The child's items give 10 KB each (the pipe holds 64 KB); the child's last item leaves a
    marker; this process's last item waits for it, which it sees only if the child was not
    stuck on a full pipe behind results nobody read yet."""
    import time

    if os.getpid() != PARENT:
        if n == last:
            marker.touch()
        return n, os.getpid(), "x" * 10_000
    if n == forked.MIN_ITEMS - 1:
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    return n, os.getpid(), marker.exists()


def test_the_child_sends_its_results_as_it_goes_and_never_waits_for_this_process(tmp_path, monkeypatch):
    from functools import partial

    monkeypatch.setattr(forked, "FRAME", 50)  # 500 KB a frame: a pipe nobody reads stops the child at the second
    items = list(range(2 * forked.MIN_ITEMS))
    results = list(forked.split_iter(partial(_big_result_or_wait, tmp_path / "done", items[-1]), items))
    assert [n for n, _, _ in results] == items
    assert {pid for _, pid, _ in results[:forked.MIN_ITEMS]} == {PARENT} and PARENT not in {pid for _, pid, _ in results[forked.MIN_ITEMS:]}
    assert results[forked.MIN_ITEMS - 1][2] is True  # the child finished while this process still worked
    assert all(len(text) == 10_000 for _, _, text in results[forked.MIN_ITEMS:])


def _until_a_child_has_ended() -> bool:
    """Whether a child of this process ends within 20 s (seen, not reaped: ``WNOWAIT``)."""
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        time.sleep(0.01)
    return False


def test_beside_a_child_with_a_large_result_ends_while_this_process_works():
    """2 MB of results (a pipe holds 64 KB) are written without waiting for this process to read
    them: the child ends before this process's own work does."""
    theirs, ended = forked.beside(lambda: "x" * 2_000_000, _until_a_child_has_ended, forked.MIN_ITEMS)
    assert ended is True and theirs == "x" * 2_000_000


def test_background_work_runs_in_a_child_while_this_process_goes_on(tmp_path):
    """``background``: the child's effect is on files; its join says whether it succeeded."""
    marker, release = tmp_path / "done", tmp_path / "go"

    def work():
        while not release.exists():  # the child waits until this process has gone on
            pass
        marker.write_text(str(os.getpid()))

    join = forked.background(work, forked.MIN_ITEMS)
    assert join is not None and not marker.exists()
    release.write_text("")
    assert join() is True
    assert int(marker.read_text()) != PARENT


def test_background_work_that_fails_says_so_and_little_work_makes_no_child(tmp_path):
    def fails():
        raise RuntimeError("the child breaks")

    join = forked.background(fails, forked.MIN_ITEMS)
    assert join is not None and join() is False
    assert forked.background(fails, forked.MIN_ITEMS - 1) is None  # nothing done: the caller does it


def _last_waits_for(marker, last: int, n: int) -> tuple[int, int, bool]:
    """The child's last item waits (up to 20 s) for ``marker``, which the caller makes once it
    has a result of the child's first frame."""
    import time

    if os.getpid() != PARENT and n == last:
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    return n, os.getpid(), marker.exists()


def test_split_iter_hands_over_the_childs_frames_while_the_child_still_works(tmp_path, monkeypatch):
    """The caller keeps the child's first results while the child is still at its last item;
    this process works its ``share`` of the items first, in order."""
    from functools import partial

    monkeypatch.setattr(forked, "FRAME", 50)
    marker, items = tmp_path / "first frame taken", list(range(2 * forked.MIN_ITEMS))
    results = []
    for n, pid, saw in forked.split_iter(partial(_last_waits_for, marker, items[-1]), items, 0.25):
        if pid != PARENT:
            marker.touch()
        results.append((n, pid, saw))
    assert [n for n, _, _ in results] == items
    assert {pid for _, pid, _ in results[:200]} == {PARENT} and PARENT not in {pid for _, pid, _ in results[200:]}
    assert results[-1][2] is True  # the child's last item saw the caller take its first frame


def _fails_at(stop: int, n: int) -> tuple[int, int]:
    if os.getpid() != PARENT and n == stop:
        raise RuntimeError("the child breaks")
    return n, os.getpid()


def test_split_iter_keeps_the_frames_a_failed_child_sent_and_does_the_rest_here(monkeypatch):
    from functools import partial

    monkeypatch.setattr(forked, "FRAME", 50)
    items = list(range(forked.MIN_ITEMS))
    results = list(forked.split_iter(partial(_fails_at, 330), items))  # the child breaks in its third frame
    assert [n for n, _ in results] == items
    assert {pid for _, pid in results[:200]} == {PARENT} and PARENT not in {pid for _, pid in results[200:300]}
    assert {pid for _, pid in results[300:]} == {PARENT}


def _children() -> set[int]:
    """This process's children, an ended one not yet reaped among them (others than the split's
    may live: the PDF pool's fork server, started by an earlier test)."""
    found: set[int] = set()
    for listing in Path("/proc/self/task").glob("*/children"):
        found.update(int(pid) for pid in listing.read_text().split())
    return found


def test_split_iter_left_early_stops_and_reaps_its_child():
    before = _children()
    results = forked.split_iter(_square_and_pid, list(range(forked.MIN_ITEMS)))
    assert next(results)[1] == PARENT
    assert len(_children() - before) == 1
    results.close()
    assert _children() == before  # no child left, not even one that has ended


@pytest.mark.parametrize("sent", [lambda frame: frame + frame, lambda frame: {"not": "a list"}],
                         ids=["too-many-results", "not-a-list"])
def test_split_iter_refuses_a_frame_that_is_not_the_childs_results(monkeypatch, sent):
    """A frame that decodes but holds more results than the child has items, or no list at all,
    is not taken: the child's items are done here."""
    real = forked._dumps
    monkeypatch.setattr(forked, "_dumps", lambda frame: real(sent(frame)))
    items = list(range(forked.MIN_ITEMS))
    results = list(forked.split_iter(_square_and_pid, items))
    assert [square for square, _ in results] == [n * n for n in items]
    assert {pid for _, pid in results} == {PARENT}
