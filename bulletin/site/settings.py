"""The site settings an office may write in its ``mkdocs.yml``, as the site builder reads them.

The site's mkdocs configuration is written by us, never copied from the newsroom: plugins,
hooks, Markdown extensions, scripts and template folders could pull code or files into a site
that must hold only what its view allows. What an office may set is an allowlist, one JSON
Schema (``bulletin/schemas/mkdocs.json``, exported by ``make schemas``): the site's name,
description and address, the footer's copyright, the theme's colours, logo, favicon and a few
features, style sheets and the logo from ``assets/``, and extra pages from ``pages/`` listed in
``nav``. ``bulletin.office_site`` says, at the line, why anything else is refused (check);
``read_settings`` takes only values that pass, so a build never uses a refused one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bulletin.mkdocs_yml import bulletin_extra_of, read_mkdocs
from bulletin.office_site import asset_ok, page_path

DEFAULT_NAME = "政务信息"
FIXED_FEATURES = ("navigation.tabs", "navigation.prune", "navigation.top")


@dataclass(frozen=True)
class SiteSettings:
    site_name: str = DEFAULT_NAME
    site_description: str = ""
    office: str = ""
    site_url: str = ""
    copyright: str = ""
    palette: dict[str, str] = field(default_factory=dict)
    logo: str = ""  # newsroom-relative, under assets/
    favicon: str = ""
    features: tuple[str, ...] = ()
    extra_css: tuple[str, ...] = ()
    nav: tuple[tuple[str, str], ...] = ()  # (title, path inside pages/)


def _text(value: object, default: str) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else default


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def read_settings(root: Path | None) -> SiteSettings:
    """Settings from ``root/mkdocs.yml``; a missing or unreadable file means the defaults.

    Only values the schema allows are taken (a build never starts while check refuses one).
    """
    if root is None:
        return SiteSettings()
    data = read_mkdocs(root)
    if not isinstance(data, dict):
        return SiteSettings()
    bulletin = bulletin_extra_of(data)
    theme = _dict(data.get("theme"))
    from bulletin.schema import schema

    allowed = schema("mkdocs")["properties"]
    palette = {k: v for k, v in _dict(theme.get("palette")).items()
               if v in allowed["theme"]["properties"]["palette"]["properties"].get(k, {}).get("enum", ())}
    features = [f for f in theme.get("features") or [] if f in allowed["theme"]["properties"]["features"]["items"]["enum"]]
    return SiteSettings(
        site_name=_text(data.get("site_name"), DEFAULT_NAME),
        site_description=_text(data.get("site_description"), ""),
        office=_text(bulletin.get("office"), ""),
        site_url=_web_address(data.get("site_url")),
        copyright=_text(data.get("copyright"), ""),
        palette=palette,
        logo=theme.get("logo") if asset_ok(root, theme.get("logo"), image=True) else "",
        favicon=theme.get("favicon") if asset_ok(root, theme.get("favicon"), image=True) else "",
        features=tuple(dict.fromkeys(features)),
        extra_css=tuple(p for p in _list(data.get("extra_css")) if asset_ok(root, p, image=False)),
        nav=tuple(_nav_entries(data.get("nav"))),
    )


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _nav_entries(value: object) -> list[tuple[str, str]]:
    """``- 关于本站: about.md`` entries whose file name is a plain path inside pages/."""
    out = []
    for entry in _list(value):
        if isinstance(entry, dict) and len(entry) == 1:
            (title, path), = entry.items()
            if isinstance(title, str) and title.strip() and page_path(path) is not None:
                out.append((title.strip(), page_path(path)))
    return out


def _web_address(value: object) -> str:
    """An http(s) address, ending in ``/``; anything else (``file:``, ``javascript:``) is dropped."""
    text = _text(value, "")
    if not text.lower().startswith(("http://", "https://")) or any(c in text for c in "<>\"' "):
        return ""
    return text if text.endswith("/") else text + "/"
