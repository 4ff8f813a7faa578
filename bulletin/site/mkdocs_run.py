"""Run mkdocs in-process on a staged docs tree, quietly and reproducibly.

The configuration is written by us, never copied from the newsroom: material theme in Chinese,
no web fonts (government intranets have no internet), a compact navigation of section index
pages (so a page's size does not grow with the number of items), and no search plugin: search is
Pagefind's (``bulletin.site.search``), driven by the site's own script. One hook, ours
(``bulletin.site.mkdocs_hooks``): pages that are finished HTML skip Markdown. mkdocs runs
strict: any warning fails the build.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from bulletin.errors import SiteBuildError
from bulletin.site.settings import FIXED_FEATURES, SiteSettings
from bulletin.site.urls import CSS, SEARCH_JS
from bulletin.views import SiteView

OVERRIDES = Path(__file__).resolve().parent.parent / "templates" / "site" / "overrides"
HOOKS = Path(__file__).resolve().parent / "mkdocs_hooks.py"


def office_asset(rel: str) -> str:
    """Where a file of the newsroom's ``assets/`` is staged: beside, never over, the theme's own."""
    return "assets/office/" + rel.removeprefix("assets/")


def _theme(settings: SiteSettings) -> dict:
    """The theme: ours, with the office's colours, logo, favicon and extra features passed through."""
    features = list(dict.fromkeys([*FIXED_FEATURES, *settings.features]))
    palette = {"scheme": "default", "primary": "red", "accent": "red"} | settings.palette
    theme = {"name": "material", "language": "zh", "custom_dir": str(OVERRIDES), "font": False,
             "features": features, "palette": palette}
    for key in ("logo", "favicon"):
        if getattr(settings, key):
            theme[key] = office_asset(getattr(settings, key))
    return theme


def _copyright(settings: SiteSettings, public: bool) -> str:
    owner = settings.office or settings.site_name
    if public:
        return settings.copyright or f"{owner}　版权所有"
    return f"{settings.copyright}　内部资料　注意保管" if settings.copyright else f"{owner}　内部资料　注意保管"


def site_config(view: SiteView, settings: SiteSettings, nav: list, docs: Path, out: Path,
                preview: bool = False) -> dict:
    """The mkdocs configuration of one site; ``preview`` marks every page 预览 (bulletin serve)."""
    public = view.is_public
    name = settings.site_name if public else f"{settings.site_name}（内网）"
    # mkdocs' templates print these config values raw, so they are escaped here.
    return {
        "site_name": html.escape(name),
        "site_description": html.escape(settings.site_description or name),
        "docs_dir": str(docs),
        "site_dir": str(out),
        "use_directory_urls": True,
        "strict": True,
        "theme": _theme(settings),
        "plugins": [],
        "hooks": [str(HOOKS)],
        "markdown_extensions": ["tables", "footnotes"],
        "extra_css": [CSS, *(office_asset(p) for p in settings.extra_css)],
        "extra_javascript": [SEARCH_JS],
        "nav": nav,
        "copyright": html.escape(_copyright(settings, public)),
        "extra": {"generator": False, "bulletin_site": view.name} | ({"bulletin_preview": True} if preview else {}),
        "validation": {"nav": {"omitted_files": "ignore"}},
    } | ({"site_url": settings.site_url} if public and settings.site_url else {})


def config_text(config: dict) -> str:
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def write_config(config: dict, path: Path) -> None:
    path.write_text(config_text(config), encoding="utf-8")


@contextmanager
def _source_date(day: date) -> Iterator[None]:
    """SOURCE_DATE_EPOCH at 00:00 UTC of the build day, so sitemap dates equal that day."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _quiet_logs() -> Iterator[_Collect]:
    """Keep mkdocs' chatter off the terminal; hand back mkdocs' warnings."""
    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    propagate = logger.propagate
    logger.addHandler(collect)
    logger.propagate = False
    try:
        yield collect
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate


class _NotDirtyWarning(logging.Filter):
    """Drop mkdocs' warning that a dirty build is being performed: strict mode would count it
    as a failure. The preview's dirty builds are exact (bulletin.site.preview says why)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def run_mkdocs(config_file: Path, day: date, dirty: bool = False) -> None:
    """Build the site described by ``config_file``; raise SiteBuildError on any mkdocs complaint.

    ``dirty``: mkdocs' own dirty build (``mkdocs serve --dirty``): the site folder is not
    emptied and only pages whose source is newer than their built file are read and rendered
    (``bulletin serve`` only).
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    builder = logging.getLogger("mkdocs.commands.build")
    quiet_dirty = _NotDirtyWarning()
    builder.addFilter(quiet_dirty)
    with _source_date(day), _quiet_logs() as collect:
        try:
            config = load_config(config_file=str(config_file))
            config.plugins.on_startup(command="build", dirty=dirty)
            try:
                build(config, dirty=dirty)
            finally:
                config.plugins.on_shutdown()
        except (MkDocsException, OSError) as exc:
            said = "\n".join(f"  {m}" for m in collect.messages) or f"  {exc}"
            raise SiteBuildError(f"网站构建失败（mkdocs）：\n{said}") from exc
        finally:
            builder.removeFilter(quiet_dirty)
