"""The office's own pages (关于本站, 联系我们): Markdown files in ``pages/`` listed in mkdocs.yml ``nav``.

They are loaded like reports (a regular UTF-8 file, optional front matter, the body's first
line remembered) and checked by the same rules as an item on its way to the public site: the
body within the Markdown bounds, and no personal data unless listed in ``public_contacts`` (an
office's published telephone on 联系我们 is the usual case). They go on both sites, rendered by
``markup.to_html`` (nh3) like item bodies, and the leak gate searches their pages like any other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bulletin import bounds, personal
from bulletin.load import LoadProblem, split_front_matter
from bulletin.mkdocs_yml import NAME, key_lines, read_mkdocs
from bulletin.problems import Problem
from bulletin.special import read_regular
from bulletin.yamlsrc import YamlProblem, line_of
from bulletin.yamlsrc import load as load_yaml

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
    from bulletin.site.settings import page_path

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
