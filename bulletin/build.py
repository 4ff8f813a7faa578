"""The build pipeline: check, then views, then renderers, then one swap into ``build/``.

Each renderer gets a view (never the raw newsroom) and a folder to fill. Parts whose modules
are not present yet are skipped, so the pipeline always builds what exists.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from bulletin.check import run_check
from bulletin.model import Newsroom
from bulletin.views import INTRANET, PUBLIC, print_view, site_view
from bulletin.write import fresh_staging, swap_in

PARTS = ("notices", "pdf", "site", "intranet")


class Progress:
    """One line per step on a terminal; silent when quiet or not attached to a terminal (CI)."""

    def __init__(self, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(message, file=sys.stderr, flush=True)


def _optional(module: str, name: str) -> Callable | None:
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("bulletin"):
            return None
        raise


def _failures() -> tuple[type[Exception], ...]:
    """Errors a renderer raises with a message meant for the editor (printed without a traceback)."""
    found: list[type[Exception]] = []
    for module, names in (("bulletin.site", ("LeakError", "SiteBuildError")), ("bulletin.printing.pool", ("RenderError",))):
        for name in names:
            error = _optional(module, name)
            if error is not None:
                found.append(error)
    return tuple(found)


def build_parts(newsroom: Newsroom, staging: Path, cache: Path, parts: tuple[str, ...], progress: Progress) -> list[str]:
    """Render each requested part into ``staging``; return the names of the parts written."""
    written: list[str] = []
    intranet_pages: dict[str, str] = {}
    if "notices" in parts or "intranet" in parts:
        notices = _optional("bulletin.notices", "build_notices")
        if notices is not None:
            progress("通报 …")
            intranet_pages.update(notices(newsroom, staging / "notices", cache))
            if "notices" in parts:
                written.append("notices")
        followups = _optional("bulletin.followups", "intranet_pages")
        if followups is not None:
            intranet_pages.update(followups(newsroom))
    if "pdf" in parts:
        render_all = _optional("bulletin.printing", "render_all")
        if render_all is not None:
            progress("PDF …")
            render_all([print_view(newsroom, i) for i in newsroom.issues], staging / "pdf", cache, progress)
            written.append("pdf")
    build_site = _optional("bulletin.site", "build_site")
    if build_site is not None:
        from bulletin.site.leakgate import forbidden_strings

        for part, view in (("site", PUBLIC), ("intranet", INTRANET)):
            if part in parts:
                progress(f"{'公众网站' if part == 'site' else '内网网站'} …")
                extra = intranet_pages if view == INTRANET else {}
                # The gate's forbidden strings come from the newsroom, not the view: it catches a view's bug.
                build_site(site_view(newsroom, view), staging / part, cache, extra,
                           root=newsroom.root, forbidden=forbidden_strings(newsroom, view))
                written.append(part)
    return written


def run_build(root: Path, today, parts: tuple[str, ...] = PARTS, quiet: bool = False) -> int:
    """Check, build every part into staging, then swap in. Returns the exit code."""
    result = run_check(root, today)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr)
    if not result.ok:
        print(f"有 {len(result.errors)} 个错误，未构建；build/ 保持原样", file=sys.stderr)
        return 1
    build_dir = root / "build"
    staging = fresh_staging(build_dir)
    cache = build_dir / ".cache"
    cache.mkdir(exist_ok=True)
    try:
        written = build_parts(result.newsroom, staging, cache, parts, Progress(quiet))
    except _failures() as exc:
        print(exc, file=sys.stderr)
        print("构建失败；build/ 保持原样", file=sys.stderr)
        return 1
    swap_in(build_dir, staging, written)
    print(f"已构建：{'、'.join(written) or '（无）'} → {build_dir}", file=sys.stderr)
    return 0
