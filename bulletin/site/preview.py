"""The public site of ``bulletin serve``, rebuilt in place: only the pages an edit changed.

A full site build (stage every page, mkdocs, the leak gate over everything, Pagefind) takes
half a minute on a city-year; an editor saving one report must see it within 15 s. So the
preview keeps its staged docs tree and mkdocs' output between rebuilds (``build/preview/.work``):

- the docs tree is made in memory and compared with the one staged before; only files whose
  bytes changed are written (the others keep their mtimes), files gone are deleted with their
  built pages;
- mkdocs runs its own dirty build (``mkdocs serve --dirty``): it renders only the pages whose
  source is newer than their built file. Lists, indexes and the home page that show the edited
  item are generated Markdown, so their text changed too and they are rendered again. The
  navigation is in mkdocs.yml: a changed configuration (navigation, settings, assets, the day)
  is a full build, as is the first build of every ``serve``;
- the leak gate and the personal-data guard search every staged file that changed (before
  mkdocs sees it) and every built file that differs from the served one (before it is copied
  in), with this rebuild's forbidden strings. When those strings are not a subset of the ones
  the served files were searched with (a report made 秘密, a phone registered, a public contact
  withdrawn), the whole stage and site are searched again, and the served search index is
  removed: nothing served was checked against less than the newsroom as it is now;
- the served folder (``build/preview/site``, a generation as ``bulletin.write`` makes them) is
  updated file by file, each checked file renamed into place;
- Pagefind indexes the whole view after the pages are served, in a thread; its bundle is gated
  and moved in only if no newer rebuild has begun meanwhile. The preview's search catches up a
  few seconds after its pages.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from bulletin.site import staged_files
from bulletin.site.leakgate import Forbidden, PersonalGuard, assert_no_leaks, assert_no_personal_data
from bulletin.site.mkdocs_run import config_text, run_mkdocs, site_config
from bulletin.site.search import BUNDLE, records, write_records
from bulletin.site.settings import SiteSettings
from bulletin.views import SiteView

WORK = ".work"  # build/preview/.work/<site>/: stage/ (docs, mkdocs.yml), out/ (mkdocs' site), search-N/


def gate_key(forbidden: list[Forbidden], personal: PersonalGuard | None) -> tuple:
    """What a tree was searched with: the forbidden entries, the registered phones, the public
    contacts allowed and whether phone patterns count."""
    if personal is None:
        return frozenset(forbidden), None, frozenset(), False
    return frozenset(forbidden), personal.registry.fingerprint, frozenset(personal.allowed), personal.public


def covers(before: tuple | None, now: tuple) -> bool:
    """True when a tree clean under ``before`` is clean under ``now``: no string forbidden now
    that was not before, the same registered phones and pattern rule, no contact allowed before
    and not now."""
    if before is None:
        return False
    (f0, r0, a0, p0), (f1, r1, a1, p1) = before, now
    return f1 <= f0 and r1 == r0 and a1 >= a0 and p1 == p0


def _dest(docs: Path, out: Path, doc: str) -> Path:
    """The built file of a staged one (mkdocs' own rule: ``a/b.md`` -> ``a/b/index.html``)."""
    from mkdocs.structure.files import File

    return Path(File(doc, str(docs), str(out), True).abs_dest_path)


def _unlink(path: Path, top: Path) -> None:
    """Delete a file and the folders it leaves empty, up to ``top`` (an empty folder would still
    be listed by the server, its name an item's id)."""
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _files(folder: Path, skip: str | None = None) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` (relative POSIX path -> size, mtime), but the top ``skip`` folder."""
    found = {}
    for top, dirs, names in os.walk(folder):
        if skip and top == str(folder):
            dirs[:] = [d for d in dirs if d != skip]
        for name in names:
            path = os.path.join(top, name)
            st = os.lstat(path)
            found[os.path.relpath(path, folder).replace(os.sep, "/")] = (st.st_size, st.st_mtime_ns)
    return found


class PreviewSite:
    """One preview site's persistent work tree, the gate it was checked with, and its search."""

    def __init__(self, name: str, build_dir: Path):
        self.name = name
        self.build_dir = build_dir  # build/preview
        self.work = build_dir / WORK / name
        self.stage = self.work / "stage"
        self.docs = self.stage / "docs"
        self.config = self.stage / "mkdocs.yml"
        self.out = self.work / "out"
        self.files: dict[str, bytes] | None = None  # the staged tree as written (None: build it all)
        self.key: tuple | None = None  # configuration, assets and day of the work tree
        self.gated: tuple | None = None  # gate_key the served files were searched with
        self.digest: str | None = None  # the view's input digest (bulletin.build), set by its caller
        self.generation = 0  # bumped before the served pages change: an older search is dropped
        self.lock = threading.Lock()  # the served folder's pagefind/ between builder and search
        self.searching: threading.Thread | None = None
        self.search_error: BaseException | None = None
        self._next_search: tuple | None = None
        self.last: dict = {}  # what the last update did, for the terminal and the bench

    def served(self) -> Path:
        return self.build_dir / self.name

    def update(self, view: SiteView, settings: SiteSettings, extra_pages: dict[str, str], root: Path | None,
               forbidden: list[Forbidden], personal: PersonalGuard | None, assets: str,
               staging: Path) -> str:
        """Bring the preview up to ``view``: "full" when ``staging/<name>`` holds a whole new site
        to swap in, "dirty" when the served folder was updated in place, "" when no file changed.

        Whatever fails (the gate, mkdocs, a full disk), the next update is a full one.
        """
        files, nav = staged_files(view, settings, extra_pages, root)
        text = config_text(site_config(view, settings, nav, self.docs, self.out.resolve(), True))
        key = (text, assets, view.today)
        now = gate_key(forbidden, personal)
        try:
            with self.lock:
                self.generation += 1
            if self.files is None or key != self.key or not self.served().is_dir():
                self._full(files, text, forbidden, personal, view.today, staging)
                done = "full"
            else:
                done = self._dirty(files, forbidden, personal, view.today, whole=not covers(self.gated, now))
        except BaseException:
            self.files = None
            raise
        self.files, self.key, self.gated = files, key, now
        self._next_search = (view, forbidden, personal, self.generation)
        return done

    # -- a whole site ------------------------------------------------------------------------

    def _full(self, files: dict[str, bytes], config: str, forbidden, personal, day, staging: Path) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        for doc, data in files.items():
            path = self.docs / doc
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        self.config.write_text(config, encoding="utf-8")
        self._gate(self.stage, forbidden, personal, None)  # before mkdocs sees anything
        run_mkdocs(self.config, day)
        self._gate(self.out, forbidden, personal, None)
        shutil.copytree(self.out, staging / self.name, copy_function=shutil.copy2)
        self.last = {"mode": "full", "staged": len(files), "built": len(_files(self.out))}

    # -- what changed ------------------------------------------------------------------------

    def _dirty(self, files: dict[str, bytes], forbidden, personal, day, whole: bool) -> str:
        before = self.files or {}
        changed = sorted(d for d, data in files.items() if before.get(d) != data)
        removed = sorted(set(before) - set(files))
        if not changed and not removed and not whole:
            self.last = {"mode": "", "staged": 0, "built": 0}
            return ""
        for doc in removed:
            _unlink(self.docs / doc, self.docs)
            _unlink(_dest(self.docs, self.out, doc), self.out)
        for doc in changed:
            path = self.docs / doc
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[doc])
            _dest(self.docs, self.out, doc).unlink(missing_ok=True)  # rendered again whatever the clock says
        self._gate(self.stage, forbidden, personal, None if whole else [f"docs/{d}" for d in changed])
        run_mkdocs(self.config, day, dirty=True)
        served = Path(os.path.realpath(self.served()))
        built, shown = _files(self.out), _files(served, skip=BUNDLE)
        fresh = sorted(rel for rel, stat in built.items() if shown.get(rel) != stat)
        gone = sorted(set(shown) - set(built))
        self._gate(self.out, forbidden, personal, None if whole else fresh)
        if whole:  # the index was checked against less than is forbidden now
            with self.lock:
                shutil.rmtree(served / BUNDLE, ignore_errors=True)
        for rel in fresh:
            target = served / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.preview-tmp")
            shutil.copy2(self.out / rel, temporary)
            os.replace(temporary, target)
        for rel in gone:
            _unlink(served / rel, served)
        self.last = {"mode": "dirty", "staged": len(changed) + len(removed), "built": len(fresh) + len(gone),
                     "whole_gate": whole}
        return "dirty"

    @staticmethod
    def _gate(tree: Path, forbidden, personal, files: list[str] | None) -> None:
        if files == []:
            return
        if personal is not None:
            assert_no_personal_data(tree, personal, files)
        if forbidden:
            assert_no_leaks(tree, forbidden, files)

    # -- search, after the pages -------------------------------------------------------------

    def start_search(self) -> None:
        """Index the view of the last update in a thread; its bundle is gated, then moved into the
        served site unless a newer update began meanwhile. The records are made here (Markdown
        is not thread-safe)."""
        if self._next_search is None:
            return
        view, forbidden, personal, generation = self._next_search
        self._next_search = None
        found = records(view)
        folder = self.work / f"search-{generation}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.search_error = None
        thread = threading.Thread(target=self._search, args=(found, folder, forbidden, personal, generation),
                                  name=f"pagefind-{self.name}", daemon=True)
        self.searching = thread
        thread.start()

    def _search(self, found, folder: Path, forbidden, personal, generation: int) -> None:
        try:
            try:
                write_records(found, folder)
                self._gate(folder, forbidden, personal, None)
            except Exception:  # a bundle file cut short (bulletin.site.search): once more; a real
                write_records(found, folder)  # leak is refused again, and told in the terminal
                self._gate(folder, forbidden, personal, None)
            with self.lock:
                if generation != self.generation:
                    return  # newer pages are being served: their own index follows
                served = Path(os.path.realpath(self.served()))
                shutil.rmtree(served / BUNDLE, ignore_errors=True)
                if (folder / BUNDLE).exists():
                    os.replace(folder / BUNDLE, served / BUNDLE)
        except BaseException as exc:  # told by wait_search (the terminal), never served
            self.search_error = exc
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def wait_search(self, timeout: float | None = None) -> BaseException | None:
        """Wait for the search index in progress (if any); what it raised, if anything."""
        if self.searching is not None:
            self.searching.join(timeout)
        return self.search_error
