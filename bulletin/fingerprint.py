"""Fingerprints of each build part's inputs, so that an unchanged part is not rebuilt.

A part (public site, intranet, PDFs, notices) is skipped when the digest of everything it is
made from equals the digest recorded when ``build/<part>`` was last written: the program and
its templates, the library versions, the newsroom files it reads and the day of the build.
Digests are computed from data already in memory (views, raw file bytes), never from outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from bulletin.cache import code_digest, value_bytes
from bulletin.model import Newsroom
from bulletin.special import read_regular
from bulletin.views import SiteView


def assets_digest(root: Path) -> bytes:
    """Images under content/, licensed fonts under fonts/, the office's pages/ and assets/
    (logo, style sheets), and mkdocs.yml (fonts, site name, theme).

    Computed once per build; the walk looks at names only, reading just the non-Markdown files
    of content/ (reports are in the views).
    """
    h = hashlib.blake2b(digest_size=16)
    for folder in ("content", "fonts", "pages", "assets"):
        for dirpath, dirnames, filenames in os.walk(root / folder):
            dirnames.sort()
            for name in sorted(filenames):
                if folder != "content" or not name.endswith(".md"):
                    path = Path(dirpath) / name
                    h.update(path.relative_to(root).as_posix().encode() + b"\0" + _bytes(path))
    settings = root / "mkdocs.yml"
    if settings.is_file():
        h.update(_bytes(settings))
    return h.digest()


def _bytes(path: Path) -> bytes:
    """A file's bytes, or a marker for what cannot be read (check has refused special files)."""
    try:
        return read_regular(path)
    except OSError:
        return b"\0unreadable"


def _mkdocs_bytes(root: Path) -> bytes:
    try:
        return read_regular(root / "mkdocs.yml")
    except OSError:
        return b""


def _combine(*parts: bytes | str) -> str:
    """One digest of the parts, each prefixed by its length (so no two lists give the same
    bytes). Hashed in one call: a five-year archive gives 90,000 parts."""
    datas = [part.encode() if isinstance(part, str) else part for part in parts]
    return hashlib.blake2b(b"".join(len(d).to_bytes(8, "big") + d for d in datas), digest_size=16).hexdigest()


def site_digest(view: SiteView, extra_pages: dict[str, str], assets: bytes) -> str:
    pages = json.dumps(sorted(extra_pages.items()), ensure_ascii=False)
    return _combine(code_digest(), assets, value_bytes(view), pages)


def _issue_sources(newsroom: Newsroom, issues: Iterable) -> list[bytes]:
    out: list[bytes] = []
    for issue in issues:
        out += [issue.src.path.encode(), issue.digest_source]
        out += [r.digest_source for r in issue.reports]
    return out


def pdf_digest(newsroom: Newsroom, assets: bytes, fonts: str) -> str:
    """The issues and their items, the units and series, images, and the fonts that print them
    (``printing.fonts.rendering_fingerprint``: installing a font re-renders the PDFs)."""
    configs = [newsroom.config_sources.get(p, b"") for p in ("units.yaml", "issues/series.yaml")]
    return _combine(code_digest(), assets, fonts, *configs, *_issue_sources(newsroom, newsroom.issues))


def notices_digest(newsroom: Newsroom, fonts: str) -> str:
    """Scores read every report, the published issues, the rules and the day of the build; the
    notices print with ``fonts`` as the issues do; the notice's head and 版记 (office,
    notice_code, notice_cc, notice_numbers) come from mkdocs.yml."""
    published = [i for i in newsroom.issues if i.published]
    configs = [newsroom.config_sources[p] for p in sorted(newsroom.config_sources)]
    configs.append(_mkdocs_bytes(newsroom.root))
    reports = [r.src.path.encode() + b"\0" + r.digest_source for r in newsroom.reports.values()]
    return _combine(code_digest(), newsroom.today.isoformat(), fonts, *configs, *reports,
                    *_issue_sources(newsroom, published))


def site_inputs_digest(newsroom: Newsroom, assets: bytes, preview: bool, notices: str = "") -> str:
    """What a site's view is made from, without making it: every report and setting file and
    the published issues (a site shows no draft), the day, the office's assets and pages, the
    program. A new draft issue leaves it as it was, so an editor's draft never costs the time of
    making the two site views of the whole archive."""
    configs = [newsroom.config_sources[p] for p in sorted(newsroom.config_sources)]
    reports = [r.src.path.encode() + b"\0" + r.digest_source for r in newsroom.reports.values()]
    published = [i for i in newsroom.issues if i.published]
    issues = [i.src.path.encode() + b"\0" + i.digest_source for i in published]
    return _combine(code_digest(), assets, newsroom.today.isoformat(), str(preview), notices, *configs, *reports, *issues)


class PartRecord:
    """``build/.cache/parts.json``: the digest each output folder was last built from, and the
    inputs digest it was kept or built with (``Part.inputs``), under ``<part>@inputs``."""

    def __init__(self, cache: Path):
        self.path = cache / "parts.json"
        try:
            stored: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = {}
        self.digests = {k: v for k, v in stored.items() if not k.endswith(INPUTS)}
        self.inputs = {k[: -len(INPUTS)]: v for k, v in stored.items() if k.endswith(INPUTS)}

    def unchanged(self, part: str, digest: str, build_dir: Path) -> bool:
        return bool(digest) and self.digests.get(part) == digest and (build_dir / part).is_dir()

    def save(self, updates: dict[str, str], inputs: dict[str, str] | None = None) -> None:
        from bulletin.write import atomic_write

        self.digests.update(updates)
        self.inputs.update(inputs or {})
        stored = {**self.digests, **{part + INPUTS: value for part, value in self.inputs.items()}}
        atomic_write(self.path, json.dumps(stored, indent=1, sort_keys=True))


INPUTS = "@inputs"
