"""The office's own site: what mkdocs.yml may set, and its pages (关于本站, 联系我们) in ``pages/``.

Check's half of the office's site (the site builder reads the same settings in ``bulletin.site.settings``):

- mkdocs.yml: anything outside the allowlist (``bulletin/schemas/mkdocs.json``) is refused at its
  line, saying why (E330, E331); the logo, favicon and style sheets must be regular files in
  ``assets/`` (E332) and a style sheet may not load anything from outside (E333).
- ``pages/``: Markdown files listed in ``nav``, loaded like reports (a regular UTF-8 file,
  optional front matter, the body's first line remembered) and checked by the same rules as an
  item on its way to the public site: the Markdown bounds, and no personal data unless listed in
  ``public_contacts`` (an office's published telephone on 联系我们 is the usual case). They go on
  both sites, rendered by ``markup.to_html`` (nh3) like item bodies, and the leak gate searches
  their pages like any other.

It lives outside ``bulletin.site`` so that ``check`` does not import the site builder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin import bounds, media, personal
from bulletin.errors import LoadProblem, YamlProblem
from bulletin.load import split_front_matter
from bulletin.mkdocs_yml import NAME, key_lines, read_mkdocs
from bulletin.problems import Problem
from bulletin.special import read_regular
from bulletin.yamlsrc import line_of
from bulletin.yamlsrc import load as load_yaml

ASSETS = "assets"
ASSET_MAX = 2 * 1024 * 1024  # a logo, an icon or a style sheet; far above any real one
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
# A reference that leaves the site: a scheme (https:, data:, javascript:) or a network path.
_ABSOLUTE = re.compile(r"\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.I)

# -- pages/ ---------------------------------------------------------------------------------------

FOLDER = "pages"
MAX_BYTES = 1024 * 1024
MAX_FILES = 200  # pages/ holds a handful; a walk never runs away on a mistaken folder
FRONT_KEYS = ("title", "public_contacts")


@dataclass(frozen=True)
class OfficePage:
    """One page as the sites show it."""

    path: str  # pages/about.md
    nav_title: str  # as listed in nav
    title: str  # front matter title, else the nav title
    body: str
    body_line: int
    title_line: int
    public_contacts: tuple[str, ...] = field(default_factory=tuple)


def _read(root: Path, rel: str) -> OfficePage | Problem:
    try:
        text = read_regular(root / rel, MAX_BYTES, rel).decode("utf-8")
    except UnicodeDecodeError:
        return Problem(rel, 1, "E335", "页面不是 UTF-8 编码；请以 UTF-8 保存")
    except OSError as exc:
        problem = getattr(exc, "problem", None)
        return problem or Problem(rel, 1, "E335", f"无法读取页面（{exc}）；请改为不超过 1 MB 的普通文本文件")
    if not text.startswith("---"):
        return OfficePage(rel, "", "", text, 1, 1)
    try:
        front, body, body_line = split_front_matter(rel, text)
        data, lines = load_yaml(front, 2)
    except LoadProblem as exc:
        return exc.problem
    except YamlProblem as exc:
        return Problem(rel, exc.line, exc.code, exc.message)
    data = data if data is not None else {}
    if not isinstance(data, dict):
        return Problem(rel, 2, "E335", "页面的 front matter 应是“键: 值”的映射，例如 title: 关于本站")
    for key in data:
        if key not in FRONT_KEYS:
            return Problem(rel, line_of(lines, (key,)), "E335", f"页面的 front matter 不支持 {key}；只可写 title 和 public_contacts")
    title, contacts = data.get("title"), data.get("public_contacts", [])
    if title is not None and not (isinstance(title, str) and title.strip()):
        return Problem(rel, line_of(lines, ("title",)), "E335", "title 应为文字，例如 title: 关于本站")
    if not isinstance(contacts, list) or not all(isinstance(c, (str, int)) for c in contacts):
        return Problem(rel, line_of(lines, ("public_contacts",)), "E335",
                       "public_contacts 应为号码或邮箱的列表，例如 public_contacts: ['0571-86001234']")
    return OfficePage(rel, "", (title or "").strip(), body, body_line, line_of(lines, ("title",), 2),
                      tuple(str(c) for c in contacts))


def _listed(root: Path) -> list[tuple[str, str, int]]:
    """(nav title, pages/ path or "", mkdocs.yml line) of each nav entry the schema allows."""
    data = read_mkdocs(root)
    nav = data.get("nav") if isinstance(data, dict) else None
    if not isinstance(nav, list):
        return []
    lines = key_lines(root)
    out = []
    for i, entry in enumerate(nav):
        if isinstance(entry, dict) and len(entry) == 1:
            (title, value), = entry.items()
            if isinstance(title, str) and isinstance(value, str):
                out.append((title.strip(), page_path(value) or "", lines.get(("nav", i), 1)))
    return out


def page_path(value: object) -> str | None:
    """``pages/<value>`` when ``value`` names a Markdown file inside pages/, else None."""
    if not isinstance(value, str) or not value.endswith(".md") or value.startswith(("/", "\\")) or ":" in value:
        return None
    parts = value.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts) or "\\" in value:
        return None
    return "pages/" + value


def _present(root: Path) -> list[str]:
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root / FOLDER):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += sorted(Path(dirpath, n).relative_to(root).as_posix() for n in filenames if n.endswith(".md"))
        if len(found) > MAX_FILES:
            break
    return found[:MAX_FILES]


def load_pages(root: Path, registry: personal.Registry | None = None) -> tuple[list[OfficePage], list[Problem]]:
    """The listed pages, in nav order, and what is wrong with them (E334, E335, E253, E260, W330)."""
    pages: list[OfficePage] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for title, rel, line in _listed(root):
        if not rel:
            problems.append(Problem(NAME, line, "E334", f"nav 中“{title}”应写 pages/ 文件夹中的 Markdown 文件名（相对于 pages/），"
                                                        "例如 - 关于本站: about.md"))
            continue
        if rel in seen:
            problems.append(Problem(NAME, line, "E334", f"nav 中 {rel.removeprefix('pages/')} 列了两次；请删去多余的一项"))
            continue
        seen.add(rel)
        if not (root / rel).exists():
            problems.append(Problem(NAME, line, "E334", f"nav 中“{title}”的页面 {rel} 不存在；请在 pages/ 中新建它，或删去这一项"))
            continue
        if not (root / rel).resolve().is_relative_to((root / FOLDER).resolve()):
            problems.append(Problem(rel, 1, "E334", f"{rel} 是指向 pages/ 之外的链接，网站不会发布 pages/ 之外的文件；"
                                                    "请把页面本身放进 pages/"))
            continue
        found = _read(root, rel)
        if isinstance(found, Problem):
            problems.append(found)
            continue
        page = OfficePage(rel, title, found.title or title, found.body, found.body_line, found.title_line,
                          found.public_contacts)
        page_problems = _page_problems(page, registry)
        problems += page_problems
        if not any(p.severity == "error" for p in page_problems):
            pages.append(page)
    for rel in _present(root):
        if rel not in seen:
            problems.append(Problem(rel, 1, "W330", f"{rel} 没有列入 mkdocs.yml 的 nav，不会出现在网站上；"
                                                    f"要发布请在 nav 中加一行，例如 - 关于本站: {rel.removeprefix('pages/')}"))
    return pages, problems


def _page_problems(page: OfficePage, registry: personal.Registry | None) -> list[Problem]:
    """The body's Markdown bounds, and personal data: a page is always on the public site (E260)."""
    problems = []
    excess = bounds.excess(page.body)
    if excess is not None:
        problems.append(Problem(page.path, page.body_line + excess.offset, "E253", excess.message))
    allowed = personal.allowed_keys(page.public_contacts)
    for text, first in ((page.title, page.title_line), (page.body, page.body_line)):
        for f in personal.find(text, registry, allowed):
            problems.append(Problem(page.path, first + personal.line_offset(text, f.start), personal.ERROR_CODE,
                                    f"{f.kind} {f.masked} 可能是个人信息，不能上网站；请删去，如是单位对外公开的号码或邮箱，"
                                    "请把它列入本页 front matter 的 public_contacts"))
    return problems


def page_texts(page: OfficePage) -> list[tuple[str, int]]:
    """Each text of a page that reaches a site, with its first line (for the leak gate's origin)."""
    return [(page.title, page.title_line), (page.body, page.body_line)]


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


# -- mkdocs.yml ---------------------------------------------------------------------------------


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


def asset_ok(root: Path, rel: object, image: bool) -> bool:
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
        line = _outside_reference(text)
        if line is not None:
            return "E333", (f"{rel} 第 {line} 行从外部地址加载内容；网站不得从外部加载任何内容（内网不通外网），"
                            "请删去这些引用，图片请放入 assets/ 并用相对路径")
    return None


def _outside_reference(css: str) -> int | None:
    """The line of the first thing in a style sheet that would load a file from elsewhere.

    The sheet is tokenised as a browser tokenises it (tinycss2, CSS Syntax Level 3), so escapes
    (``u\\72l(``, ``@\\69mport``) are decoded before anything is judged. Refused: any
    ``@import``, and any ``url`` token or string inside a function (``url()``, ``image-set()``,
    ``src()`` …) that names a scheme or a network path. Plain text in ``content:`` loads nothing.
    """
    for node, in_function in _css_nodes(css):
        kind = node.type
        if kind in ("at-rule", "at-keyword") and (node.lower_at_keyword if kind == "at-rule" else node.lower_value) == "import":
            return node.source_line
        if (kind == "url" or (kind == "string" and in_function)) and _ABSOLUTE.match(node.value):
            return node.source_line
    return None


def _css_nodes(css: str) -> Iterator[tuple[Any, bool]]:
    """Every node of a style sheet as tinycss2 parses it (rules, blocks, functions, tokens), in
    order, each with whether it stands inside a function's arguments."""
    import tinycss2

    def walk(nodes, in_function: bool) -> Iterator[tuple[Any, bool]]:
        for node in nodes or ():
            yield node, in_function
            for name in ("prelude", "content", "arguments"):
                yield from walk(getattr(node, name, None), in_function or node.type == "function")

    return walk(tinycss2.parse_stylesheet(css, skip_comments=True), False)


def style_sheet_texts(css: str) -> list[tuple[str, int]]:
    """What a reader may see of a style sheet's text, with its first line: the file as written
    (comments too: the file is copied as it is) and each string decoded (``\\31 38…``)."""
    return [(css, 1)] + [(node.value, node.source_line) for node, _ in _css_nodes(css) if node.type == "string"]


def _style_sheet_personal(root: Path, rel: object, registry: personal.Registry | None) -> list[Problem]:
    """Personal data in a style sheet: it is copied to the public site as it is (E260)."""
    data = asset_bytes(root, rel)
    if data is None:
        return []
    try:
        css = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    found: dict[tuple[int, str], Problem] = {}
    for text, first in style_sheet_texts(css):
        for f in personal.find(text, registry):
            line = first + personal.line_offset(text, f.start)
            found.setdefault((line, f.masked), Problem(str(rel), line, personal.ERROR_CODE,
                             f"{f.kind} {f.masked} 可能是个人信息，不能上网站；样式表会原样复制到公众网站，请删去"))
    return sorted(found.values(), key=lambda p: p.line)


def settings_problems(root: Path, registry: personal.Registry | None = None) -> list[Problem]:
    """Why each setting of mkdocs.yml that bulletin will not use is refused, at its line; and
    personal data in the office's style sheets (``registry``: the officers' phones)."""
    data = read_mkdocs(root)
    if not isinstance(data, dict):
        return []  # absent (defaults), or unreadable (mkdocs_problems says why)
    from bulletin.schema import is_valid

    problems = [] if is_valid("mkdocs", data) else _schema_problems(data, key_lines(root))
    if not problems:
        problems += _asset_problems(root, data, key_lines(root) if _assets_named(data) else {})
        for rel in _list(data.get("extra_css")):
            problems += _style_sheet_personal(root, rel, registry)
    return problems


def _assets_named(data: dict) -> bool:
    return bool(_list(data.get("extra_css"))) or any(k in _dict(data.get("theme")) for k in ("logo", "favicon"))


def _schema_problems(data: dict, lines: dict) -> list[Problem]:
    """What the schema refuses (jsonschema, imported only then, explains it)."""
    from jsonschema import Draft7Validator

    from bulletin.schema import _message, schema

    problems = []
    for error in Draft7Validator(schema("mkdocs")).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and path[:1] != ("nav",):  # nav: titles are free
            problems += _refused(error, path, lines)
            continue
        _code, message, key_path = _message(error)
        problems.append(Problem(NAME, _line(lines, key_path), "E331", f"{message}；{SUPPORTED}"))
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
