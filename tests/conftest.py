"""Fixtures every test may ask for, and the Hypothesis profiles; the helpers live in ``tests/helpers``."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import pytest
from helpers.newsroom import Newsroom
from hypothesis import HealthCheck, settings


@pytest.fixture(autouse=True)
def _nothing_stays_frozen():
    """The check and build commands freeze their newsroom for the rest of the process and keep
    it referenced (``check.run_check(until_exit=True)``); a test process goes on, so it is thawed
    and let go after each test."""
    from bulletin import check

    yield
    gc.unfreeze()
    check._UNTIL_EXIT.clear()


@pytest.fixture(autouse=True)
def _no_pool_outlives_its_test():
    """A build that fails stops its PDF pool without waiting (``PrintQueue.abort``): the pool's
    thread ends once its workers finish the page they are on. Each test waits for such threads
    (the non-daemon ones), because a test that forks (``bulletin.forked``) needs the process to
    itself and would otherwise not fork."""
    yield
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join(timeout=60)
    for thread in threading.enumerate():
        if thread.name == "QueueFeederThread":  # the pool's queue, closed with it
            thread.join(timeout=10)


@pytest.fixture
def newsroom(tmp_path: Path) -> Newsroom:
    return Newsroom(tmp_path / "newsroom")


# Hypothesis: 300 examples per strategy in `make test`, 10,000 in `make fuzz`.
_relaxed = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("default", max_examples=300, **_relaxed)
settings.register_profile("fuzz", max_examples=10_000, **_relaxed)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
