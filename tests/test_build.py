"""The build's parts together: when each site's search index is made beside the PDF pool."""

from __future__ import annotations

import multiprocessing
from datetime import date

import pytest
from helpers.site import plant

import bulletin.site as site_module
from bulletin import build
from bulletin.site import SiteBuildError

TODAY = date(2026, 11, 27)


@pytest.fixture
def indexings(monkeypatch):
    """Each search index the build starts: (site, PDF worker processes alive at that moment)."""
    started: list[tuple[str, int]] = []
    real = site_module.Indexing

    def recording(view, folder):
        started.append((view.name, len(multiprocessing.active_children())))
        return real(view, folder)

    monkeypatch.setattr(site_module, "Indexing", recording)
    return started


def test_a_build_that_renders_pdfs_indexes_the_sites_after_the_pool_is_gone(newsroom, indexings):
    """Pagefind beside the two PDF workers and mkdocs was a cold build's peak of memory."""
    plant(newsroom)
    assert build.run_build(newsroom.root, TODAY, quiet=True) == 0
    assert indexings == [("public", 0), ("intranet", 0)]
    for part in ("site", "intranet"):
        assert (newsroom.root / "build" / part / "pagefind" / "pagefind-entry.json").is_file()
        assert not (newsroom.root / "build" / ".cache" / "site-search" / ("public" if part == "site" else part)).exists()


def test_after_the_pool_one_index_runs_at_a_time_and_the_next_beside_the_last_ones_gate(newsroom, monkeypatch):
    plant(newsroom)
    events: list[str] = []
    real_indexing, real_gate = site_module.Indexing, site_module.assert_no_leaks

    def indexing(view, folder):
        events.append(f"index {view.name}")
        made = real_indexing(view, folder)
        running.append(made)
        return made

    def gate(tree, forbidden):
        events.append(f"gate {tree.parent.name}/{tree.name}")
        return real_gate(tree, forbidden)

    running: list = []

    def alone(view, folder):
        assert not [i for i in running if i.thread.is_alive()], "two Pagefind services at once"
        return indexing(view, folder)

    monkeypatch.setattr(site_module, "Indexing", alone)
    monkeypatch.setattr(site_module, "assert_no_leaks", gate)
    assert build.run_build(newsroom.root, TODAY, quiet=True) == 0
    assert events == ["gate site-stage/public", "gate site-stage/intranet",  # the stages, before mkdocs
                      "index public", "index intranet", "gate .staging/site", "gate .staging/intranet"]


def test_a_build_with_no_pdf_to_render_indexes_while_mkdocs_runs(newsroom, indexings, monkeypatch):
    plant(newsroom)
    mkdocs_runs: list[int] = []
    real = site_module.run_mkdocs

    def counting(config, today):
        mkdocs_runs.append(len(indexings))  # indexes started when this mkdocs run began
        return real(config, today)

    monkeypatch.setattr(site_module, "run_mkdocs", counting)
    assert build.run_build(newsroom.root, TODAY, parts=("site",), quiet=True) == 0
    assert [name for name, _ in indexings] == ["public"]
    assert mkdocs_runs == [1]


def test_a_part_failing_after_a_deferred_site_ends_the_build_without_indexing(newsroom, indexings, monkeypatch,
                                                                               capsys):
    plant(newsroom)
    real = site_module.render_site

    def intranet_fails(view, *args, **kwargs):
        if view.name == "intranet":
            raise SiteBuildError("mkdocs 构建失败（测试）")
        return real(view, *args, **kwargs)

    monkeypatch.setattr(site_module, "render_site", intranet_fails)
    assert build.run_build(newsroom.root, TODAY, quiet=True) == 1
    assert capsys.readouterr().err.splitlines()[-2:] == ["mkdocs 构建失败（测试）", "构建失败；build/ 保持原样"]
    assert indexings == []  # the public site waited for the pool, and the build ended first
    assert not (newsroom.root / "build" / "site").exists()
    assert not (newsroom.root / "build" / ".cache" / "site-search" / "public").exists()
