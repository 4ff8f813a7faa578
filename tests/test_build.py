"""The build's parts together: when each site's search index is made beside the PDF pool, and
how the leak gates still read every file of a site."""

from __future__ import annotations

import dataclasses
import multiprocessing
from datetime import date

import pytest
from helpers.site import plant

import bulletin.site as site_module
from bulletin import build
from bulletin.errors import RenderError
from bulletin.printing.queue import PrintQueue

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


def test_a_build_that_renders_pdfs_indexes_the_intranet_after_the_pool_is_gone(newsroom, indexings):
    """The intranet's Pagefind beside the two PDF workers and mkdocs was a cold build's peak of
    memory; the public site's smaller index still works beside the pool."""
    plant(newsroom)
    assert build.run_build(newsroom.root, TODAY, quiet=True) == 0
    assert [name for name, _ in indexings] == ["public", "intranet"]
    assert indexings[0][1] >= 1 and indexings[1][1] == 0
    for part, view in (("site", "public"), ("intranet", "intranet")):
        assert (newsroom.root / "build" / part / "pagefind" / "pagefind-entry.json").is_file()
        assert not (newsroom.root / "build" / ".cache" / "site-search" / view).exists()


def test_the_intranets_pages_are_gated_beside_the_pool_and_its_index_after_it(newsroom, monkeypatch):
    plant(newsroom)
    events: list[str] = []
    running: list = []
    real_indexing, real_gate = site_module.Indexing, site_module.assert_no_leaks

    def indexing(view, folder):
        assert not [i for i in running if i.thread.is_alive()], "two Pagefind services at once"
        events.append(f"index {view.name}")
        running.append(real_indexing(view, folder))
        return running[-1]

    def gate(tree, forbidden, files=None):
        events.append(f"gate {tree.parent.name}/{tree.name}" + (" index" if files else ""))
        assert files is None or all(f.startswith("pagefind/") for f in files)
        return real_gate(tree, forbidden, files)

    monkeypatch.setattr(site_module, "Indexing", indexing)
    monkeypatch.setattr(site_module, "assert_no_leaks", gate)
    assert build.run_build(newsroom.root, TODAY, quiet=True) == 0
    assert events == ["index public", "gate site-stage/public", "gate .staging/site", "gate .staging/site index",
                      "gate site-stage/intranet", "gate .staging/intranet",  # the stage, then the pages mkdocs built
                      "index intranet", "gate .staging/intranet index"]  # once the pool is gone


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


def test_a_build_that_fails_with_the_intranet_waiting_ends_without_indexing_it(newsroom, indexings, monkeypatch,
                                                                              capsys):
    plant(newsroom)
    real = PrintQueue.finish

    def fails(queue):
        real(queue)
        raise RenderError("2026/018 的 PDF 渲染失败（测试）")

    monkeypatch.setattr(PrintQueue, "finish", fails)
    assert build.run_build(newsroom.root, TODAY, quiet=True) == 1
    assert capsys.readouterr().err.splitlines()[-2:] == ["2026/018 的 PDF 渲染失败（测试）", "构建失败；build/ 保持原样"]
    assert [name for name, _ in indexings] == ["public"]  # the intranet waited for the pool, which failed
    assert not (newsroom.root / "build" / "intranet").exists()
    assert not (newsroom.root / "build" / ".cache" / "site-search" / "intranet").exists()


@pytest.mark.parametrize(("parts", "view", "part"), [(("site",), "public", "site"), (build.PARTS, "intranet", "intranet")],
                         ids=["indexed-beside-mkdocs", "indexed-after-the-pdfs"])
def test_a_string_that_reaches_only_the_search_index_stops_the_build(newsroom, monkeypatch, capsys, parts, view, part):
    """The pages are gated before the index is placed, the index's files after: a forbidden
    string in the index alone is still found, whichever way the build indexed."""
    from bulletin.site import search

    plant(newsroom)
    real = search.records

    def leaky(site):
        found = real(site)
        if site.name == view:
            found[0] = dataclasses.replace(found[0], text=found[0].text + " TOPSECRETCANARY6666")
        return found

    monkeypatch.setattr(search, "records", leaky)
    assert build.run_build(newsroom.root, TODAY, parts=parts, quiet=True) == 1
    err = capsys.readouterr().err
    assert "泄密检查未通过" in err and f"/{part}/pagefind/fragment/" in err and "TOPSECRETCANARY6666" in err
    assert not (newsroom.root / "build" / part).exists()
