"""The few site settings taken from the newsroom's ``mkdocs.yml``.

Only ``site_name``, ``site_description``, ``site_url`` (http/https, public site only: it gives the
sitemap its addresses) and ``extra.bulletin.office`` are read: the rest of that
file (plugins, hooks, custom directories) could pull arbitrary code or files into a build that
must hold only what its view allows, so the site's mkdocs configuration is written by us.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bulletin.mkdocs_yml import read_mkdocs

DEFAULT_NAME = "政务信息"


@dataclass(frozen=True)
class SiteSettings:
    site_name: str = DEFAULT_NAME
    site_description: str = ""
    office: str = ""
    site_url: str = ""


def _text(value: object, default: str) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else default


def read_settings(root: Path | None) -> SiteSettings:
    """Settings from ``root/mkdocs.yml``; a missing or unreadable file means the defaults."""
    if root is None:
        return SiteSettings()
    data = read_mkdocs(root)
    if not isinstance(data, dict):
        return SiteSettings()
    extra = data.get("extra") if isinstance(data.get("extra"), dict) else {}
    bulletin = extra.get("bulletin") if isinstance(extra.get("bulletin"), dict) else {}
    return SiteSettings(
        site_name=_text(data.get("site_name"), DEFAULT_NAME),
        site_description=_text(data.get("site_description"), ""),
        office=_text(bulletin.get("office"), ""),
        site_url=_web_address(data.get("site_url")),
    )


def _web_address(value: object) -> str:
    """An http(s) address, ending in ``/``; anything else (``file:``, ``javascript:``) is dropped."""
    text = _text(value, "")
    if not text.lower().startswith(("http://", "https://")) or any(c in text for c in "<>\"' "):
        return ""
    return text if text.endswith("/") else text + "/"
