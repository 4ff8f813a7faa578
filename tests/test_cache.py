"""The check cache is keyed by content: an edit is never hidden by a stale entry."""

from __future__ import annotations

from datetime import date

from bulletin.check import run_check

TODAY = date(2026, 11, 27)
CACHE = "build/.cache/check.marshal"


def test_edit_after_cached_check_is_seen(newsroom):
    assert run_check(newsroom.root, TODAY).problems == []
    assert (newsroom.root / CACHE).is_file()
    newsroom.report(category="新闻")
    assert [p.code for p in run_check(newsroom.root, TODAY).problems] == ["E103"]
    newsroom.report()
    assert run_check(newsroom.root, TODAY).problems == []


def test_corrupt_or_foreign_cache_is_ignored(newsroom):
    run_check(newsroom.root, TODAY)
    (newsroom.root / CACHE).write_bytes(b"\x00garbage")
    newsroom.report(unit="zzz")
    assert [p.code for p in run_check(newsroom.root, TODAY).problems] == ["E203"]


def test_check_works_without_cache(newsroom):
    newsroom.report(unit="zzz")
    assert [p.code for p in run_check(newsroom.root, TODAY, use_cache=False).problems] == ["E203"]
    assert not (newsroom.root / CACHE).exists()
