"""The public and intranet websites: stage what the view allows, then let mkdocs build it.

``build_site`` is called by ``bulletin.build`` once per view. The staged docs tree is written
from the view alone (it never sees the newsroom), kept under ``cache/site-stage/<view>`` so the
leak gate can search it, and mkdocs builds it into ``out``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bulletin import media
from bulletin.office_site import asset_bytes
from bulletin.site.leakgate import LeakError, PersonalGuard, assert_no_leaks, assert_no_personal_data
from bulletin.site.mkdocs_run import SiteBuildError, office_asset, run_mkdocs, site_config, write_config
from bulletin.site.pages import TEMPLATES, Stage, stage_pages
from bulletin.site.search import BUNDLE, Indexing
from bulletin.site.settings import SiteSettings, read_settings
from bulletin.site.urls import CSS, SEARCH_JS
from bulletin.views import SiteView

__all__ = ["LeakError", "SiteBuildError", "assert_no_leaks", "PendingSite", "build_site", "render_site", "stage_dir", "staged_files",
           "write_stage"]


def stage_dir(cache: Path, view_name: str) -> Path:
    """Where the docs tree and mkdocs.yml of one site are staged."""
    return cache / "site-stage" / view_name


def _root_of(cache: Path) -> Path | None:
    """The newsroom of a build: ``bulletin.build`` passes ``<root>/build/.cache``."""
    return cache.parent.parent if cache.parent.name == "build" else None


def _image_files(stage: Stage, root: Path | None) -> dict[str, bytes]:
    """Images the pages use; only real images (``media.is_image``: extension and first bytes)
    inside ``content/`` ever leave the newsroom. Anything else would become a page or a script."""
    if root is None:
        return {}
    content = (root / "content").resolve()
    files = {}
    for staged, source in sorted(stage.files.items()):
        path = (root / source).resolve()
        if not path.is_relative_to(content) or not media.is_image(path) or not media.declared_format(staged):
            continue
        files[staged] = path.read_bytes()
    return files


def _asset_files(settings: SiteSettings, root: Path | None) -> dict[str, bytes]:
    """The office's logo, favicon and style sheets, read again through the same bounded reader
    check used (settings only holds files that passed)."""
    if root is None:
        return {}
    files = {}
    for rel in (settings.logo, settings.favicon, *settings.extra_css):
        data = asset_bytes(root, rel) if rel else None
        if data is not None:
            files[office_asset(rel)] = data
    return files


def staged_files(view: SiteView, settings: SiteSettings, extra_pages: dict[str, str],
                 root: Path | None) -> tuple[dict[str, bytes], list]:
    """Every file of one site's docs tree (docs path -> bytes), and its navigation.

    Made in memory, so that ``bulletin serve`` can compare it with the tree it staged before
    and rewrite only what changed (``bulletin.site.preview``).
    """
    stage = stage_pages(view, settings, extra_pages)
    files = {doc: text.encode("utf-8") for doc, text in stage.pages.items()}
    files.update(_image_files(stage, root))
    files[CSS] = (TEMPLATES / "bulletin.css").read_bytes()
    files[SEARCH_JS] = (TEMPLATES / "bulletin-search.js").read_bytes()
    files.update(_asset_files(settings, root))
    return files, stage.nav


def write_stage(view: SiteView, settings: SiteSettings, extra_pages: dict[str, str], root: Path | None,
                work: Path, out: Path, preview: bool = False) -> Path:
    """Write the docs tree and mkdocs.yml of one site into ``work``; return the config file."""
    if work.exists():
        shutil.rmtree(work)
    docs = work / "docs"
    docs.mkdir(parents=True)
    files, nav = staged_files(view, settings, extra_pages, root)
    for doc, data in files.items():
        path = docs / doc
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    config = work / "mkdocs.yml"
    write_config(site_config(view, settings, nav, docs, out.resolve(), preview), config)
    return config


def build_site(view: SiteView, out: Path, cache: Path, extra_pages: dict[str, str], *,
               root: Path | None = None, forbidden: list[str] | None = None,
               personal: PersonalGuard | None = None, preview: bool = False) -> None:
    """Build one site into ``out``, its search index made while mkdocs runs.

    ``root`` is the newsroom (for mkdocs.yml's site name and the images items use); by default
    it is found from ``cache``. With ``forbidden``, the staged tree (before mkdocs runs) and the
    built site are searched for those strings, and a ``LeakError`` is raised if any appears; with
    ``personal``, both are first searched for personal data (named by content file and line).
    ``preview`` marks every page 预览 (``bulletin serve``).
    """
    render_site(view, out, cache, extra_pages, root=root, forbidden=forbidden, personal=personal,
                preview=preview, index_now=True).finish()


def render_site(view: SiteView, out: Path, cache: Path, extra_pages: dict[str, str], *,
                root: Path | None = None, forbidden: list[str] | None = None,
                personal: PersonalGuard | None = None, preview: bool = False,
                index_now: bool = True) -> PendingSite:
    """Stage one site, gate the stage, run mkdocs and gate its pages; the search index (and the
    gate of its files) is left to ``PendingSite.finish``. The gates read each file alone, so the
    pages and the index are gated apart: the pages while Pagefind still works.

    ``index_now``: Pagefind indexes while mkdocs runs. False: the caller finishes the site
    later (a build indexes the intranet once its PDF pool is gone: Pagefind, half a gigabyte
    for a city-year's intranet, beside the two PDF workers and mkdocs was the cold build's peak
    of memory).
    """
    root = root or _root_of(cache)
    work = stage_dir(cache, view.name)
    config = write_stage(view, read_settings(root), extra_pages, root, work, out, preview)
    site = PendingSite(view, out, cache / "site-search" / view.name, forbidden, personal)
    if index_now:
        site.indexing = Indexing(view, site.index_folder)  # Pagefind works while mkdocs does
    try:
        site.gate(work)  # the stage is searched before mkdocs sees anything
        run_mkdocs(config, view.today)
        site.gate(out)  # the built pages; the index is not there yet
    except BaseException:
        site.discard()
        raise
    return site


class PendingSite:
    """A site mkdocs has built into ``out``: its search index still to place and the built
    tree still to gate (``finish``), or to drop (``discard``) when the build fails elsewhere."""

    def __init__(self, view: SiteView, out: Path, index_folder: Path, forbidden: list[str] | None,
                 personal: PersonalGuard | None):
        self.view = view
        self.out = out
        self.index_folder = index_folder
        self.forbidden = forbidden
        self.personal = personal
        self.indexing: Indexing | None = None

    def gate(self, tree: Path, files: list[str] | None = None) -> None:
        """Both gates over ``tree`` (over ``files`` of it, when given)."""
        if self.personal is not None:
            assert_no_personal_data(tree, self.personal, files)
        if self.forbidden:
            assert_no_leaks(tree, self.forbidden, files)

    def finish(self) -> None:
        """Index (unless it is under way), place the index, and gate its files."""
        if self.indexing is None:
            self.indexing = Indexing(self.view, self.index_folder)
        try:
            self.indexing.place(self.out)
            bundle = self.out / BUNDLE
            files = sorted(p.relative_to(self.out).as_posix() for p in bundle.rglob("*") if p.is_file() or p.is_symlink())
            if files:
                self.gate(self.out, files)
        finally:
            self.discard()

    def discard(self) -> None:
        """Never leave the service writing after the build has stopped, nor its files behind."""
        if self.indexing is not None:
            self.indexing.wait()
        shutil.rmtree(self.index_folder, ignore_errors=True)
