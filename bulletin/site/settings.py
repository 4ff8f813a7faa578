"""The site settings an office may write in its ``mkdocs.yml``, and the refusal of the rest.

The site's mkdocs configuration is written by us, never copied from the newsroom: plugins,
hooks, Markdown extensions, scripts and template folders could pull code or files into a site
that must hold only what its view allows. What an office may set is an allowlist, one JSON
Schema (``bulletin/schemas/mkdocs.json``, exported by ``make schemas``): the site's name,
description and address, the footer's copyright, the theme's colours, logo, favicon and a few
features, style sheets and the logo from ``assets/``, and extra pages from ``pages/`` listed in
``nav``. ``settings_problems`` says, at the line, why anything else is refused (E330–E333);
``read_settings`` takes only values that pass, so a build never uses a refused one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bulletin import media
from bulletin.mkdocs_yml import NAME, key_lines, read_mkdocs
from bulletin.problems import Problem

DEFAULT_NAME = "政务信息"
ASSETS = "assets"
ASSET_MAX = 2 * 1024 * 1024  # a logo, an icon or a style sheet; far above any real one
FIXED_FEATURES = ("navigation.tabs", "navigation.prune", "navigation.top")
SUPPORTED = ("支持的设置：site_name、site_description、site_url、copyright、theme（palette、logo、favicon、features）、"
             "extra_css、nav（pages/ 中的附加页面）、extra.bulletin；见 docs/site.md")
# Why each familiar mkdocs key is refused; any other unknown key gets the general sentence.
REFUSED = {
    "plugins": "插件在构建时运行代码，并可向网站加入视图之外的文件",
    "hooks": "钩子是构建时运行的 Python 代码",
    "markdown_extensions": "Markdown 扩展可让正文插入原始 HTML 或读入其他文件，正文由 bulletin 按同一安全规则渲染",
    "extra_javascript": "脚本会在读者的浏览器中运行，网站不加载自定义脚本",
    "extra_templates": "自定义模板可以改写页面",
    "custom_dir": "自定义模板目录可以改写每个页面，绕过只含视图允许内容的规则",
    "docs_dir": "网站的页面由 bulletin 从稿件生成，附加页面请放在 pages/ 并列入 nav",
    "site_dir": "网站输出固定在 build/site 和 build/intranet",
    "font": "网站不用网络字体（内网不通外网），用读者计算机上的中文字体",
    "analytics": "统计代码会把读者的访问记录发给外部网站",
    "use_directory_urls": "网址格式由 bulletin 固定（每页一个文件夹，地址只用 ASCII）",
}
_REMOTE = re.compile(r"@import|url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:|//)", re.I)


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
    bulletin = _dict(_dict(data.get("extra")).get("bulletin"))
    theme = _dict(data.get("theme"))
    allowed = _properties()
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
        logo=theme.get("logo") if _asset_ok(root, theme.get("logo"), image=True) else "",
        favicon=theme.get("favicon") if _asset_ok(root, theme.get("favicon"), image=True) else "",
        features=tuple(dict.fromkeys(features)),
        extra_css=tuple(p for p in _list(data.get("extra_css")) if _asset_ok(root, p, image=False)),
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


def page_path(value: object) -> str | None:
    """``pages/<value>`` when ``value`` names a Markdown file inside pages/, else None."""
    if not isinstance(value, str) or not value.endswith(".md") or value.startswith(("/", "\\")) or ":" in value:
        return None
    parts = value.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts) or "\\" in value:
        return None
    return "pages/" + value


def _web_address(value: object) -> str:
    """An http(s) address, ending in ``/``; anything else (``file:``, ``javascript:``) is dropped."""
    text = _text(value, "")
    if not text.lower().startswith(("http://", "https://")) or any(c in text for c in "<>\"' "):
        return ""
    return text if text.endswith("/") else text + "/"


# -- the refusals ---------------------------------------------------------------------------------


def _properties() -> dict:
    from bulletin.schema import schema

    return schema("mkdocs")["properties"]


def asset_bytes(root: Path, rel: object) -> bytes | None:
    """A regular file under assets/ of at most ASSET_MAX bytes, or None."""
    from bulletin.special import read_regular

    if not isinstance(rel, str) or not rel.startswith(ASSETS + "/") or ".." in rel.split("/"):
        return None
    path = root / rel
    try:
        if not path.resolve().is_relative_to((root / ASSETS).resolve()) or path.stat().st_size > ASSET_MAX:
            return None
        return read_regular(path, ASSET_MAX, rel)
    except OSError:
        return None


def _asset_ok(root: Path, rel: object, image: bool) -> bool:
    return _asset_problem(root, rel, image) is None


def _asset_problem(root: Path, rel: object, image: bool) -> tuple[str, str] | None:
    """(code, message) when ``rel`` is not a usable logo/favicon (image) or style sheet."""
    data = asset_bytes(root, rel)
    if data is None:
        return "E332", (f"{rel} 不存在或不是 assets/ 中不超过 2 MB 的普通文件；"
                        "请把文件放进新闻室顶层的 assets/ 文件夹，并写 assets/ 开头的路径")
    if image and not media.is_image(root / str(rel)):
        return "E332", f"{rel} 的内容不是扩展名所说的 PNG、JPEG、GIF 或 WebP 图片；请换成这几种格式的图片"
    if not image:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return "E332", f"{rel} 不是 UTF-8 文本；请以 UTF-8 保存样式表"
        if _REMOTE.search(text):
            return "E333", (f"{rel} 用 @import 或 url(…) 引用了外部地址；网站不得从外部加载任何内容（内网不通外网），"
                            "请删去这些引用，图片请放入 assets/ 并用相对路径")
    return None


def settings_problems(root: Path) -> list[Problem]:
    """Why each setting of mkdocs.yml that bulletin will not use is refused, at its line."""
    data = read_mkdocs(root)
    if not isinstance(data, dict):
        return []  # absent (defaults), or unreadable (mkdocs_problems says why)
    from jsonschema import Draft7Validator

    from bulletin.schema import _message, schema

    lines = key_lines(root)
    problems = []
    for error in Draft7Validator(schema("mkdocs")).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and path[:1] != ("nav",):  # nav: titles are free
            problems += _refused(error, path, lines)
            continue
        _code, message, key_path = _message(error)
        problems.append(Problem(NAME, _line(lines, key_path), "E331", f"{message}；{SUPPORTED}"))
    if not problems:
        problems += _asset_problems(root, data, lines)
    return problems


def _refused(error, path: tuple, lines: dict) -> list[Problem]:
    known = error.schema.get("properties", {})
    out = []
    for key in (k for k in error.instance if k not in known):
        where = ".".join(str(p) for p in (*path, key))
        reason = REFUSED.get(str(key), f"bulletin 不读取 {where}，写了也不会生效")
        out.append(Problem(NAME, _line(lines, (*path, key)), "E330",
                           f"不支持 {where}：{reason}；网站只能包含视图允许的内容，请删去这一项。{SUPPORTED}"))
    return out


def _asset_problems(root: Path, data: dict, lines: dict) -> list[Problem]:
    theme = _dict(data.get("theme"))
    wanted = [(("theme", k), theme[k], True) for k in ("logo", "favicon") if k in theme]
    wanted += [(("extra_css", i), p, False) for i, p in enumerate(_list(data.get("extra_css")))]
    out = []
    for key_path, rel, image in wanted:
        found = _asset_problem(root, rel, image)
        if found is not None:
            out.append(Problem(NAME, _line(lines, key_path), *found))
    return out


def _line(lines: dict, path: tuple) -> int:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1
