"""The staged docs tree of one site: every page the view allows, and nothing else.

Pages are Markdown files whose content is one block of HTML rendered from Jinja templates
(autoescaped; item bodies come from ``markup.to_html``, already sanitised). mkdocs passes such a
block through untouched, so no editor text is ever read as Markdown or HTML a second time.
Titles go into front matter HTML-escaped, because mkdocs' own templates do not escape them.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import Environment
from markupsafe import Markup

from bulletin import enums, media, templating
from bulletin.dates import cn_date
from bulletin.escape import md_text
from bulletin.markup import image_target, to_html
from bulletin.site import urls
from bulletin.site.mkdocs_hooks import HTML_PAGE
from bulletin.site.settings import SiteSettings
from bulletin.views import ItemView, SiteView

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "site"
LATEST_ISSUES = 10
LATEST_ITEMS = 20
# Names of the sections other modules hand to the intranet, by top folder of their pages.
EXTRA_SECTIONS = {"notices": "考核通报", "scores": "考核得分", "followups": "批示查办"}
# Linear patterns (see bulletin/bounds.py): a tag's run stops at the next < or >, and no two
# quantifiers compete for the same characters.
_IMG_SRC = re.compile(r'(<img\b[^<>]*?\ssrc=")([^"]*)(")')
_A_HREF = re.compile(r'(<a\b[^<>]*?)\shref="([^"]*)"')
_H1 = re.compile(r"^#[ \t]+(.+)$", re.M)


@dataclass
class Stage:
    """What a site build writes into its docs folder: pages, files to copy, the navigation."""

    pages: dict[str, str] = field(default_factory=dict)  # docs path -> text
    files: dict[str, str] = field(default_factory=dict)  # docs path -> newsroom-relative source
    nav: list[dict[str, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _env() -> Environment:
    return templating.environment("site/pages", True, {
        "cn": cn_date,
        "bare": lambda name: str(name).strip("《》"),
        "level": enums.level_name,
    })


def _front(title: str | None, search: bool, tags: Iterable[str] = (), html_page: bool = False) -> str:
    """A page's front matter. ``html_page``: the page is finished HTML (rendered from the
    templates), which mkdocs takes as it is instead of running it through Markdown
    (``bulletin.site.mkdocs_hooks``)."""
    # The home page has no title of its own, so the browser shows just the site's name.
    meta: dict = {"title": html.escape(title)} if title is not None else {}
    if html_page:
        meta[HTML_PAGE] = True
    if not search:
        meta["search"] = {"exclude": True}
    if tags:
        meta["tags"] = [html.escape(t) for t in tags]
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n\n"


class Stager:
    """Renders the pages of one view."""

    def __init__(self, view: SiteView, settings: SiteSettings):
        self.view = view
        self.settings = settings
        self.stage = Stage()

    def page(self, doc: str, template: str, title: str, search: bool = False, tags: Iterable[str] = (), **ctx) -> None:
        if doc in self.stage.pages:
            raise ValueError(f"网站页面重复：{doc}")
        text = _env().get_template(template).render(
            link=lambda target: urls.relative(doc, target), urls=urls, view=self.view,
            settings=self.settings, title=title, **ctx,
        )
        self.stage.pages[doc] = _front(None if doc == urls.HOME else title, search, tags, html_page=True) + text

    # -- the pages -------------------------------------------------------------------------

    def items(self) -> None:
        for item in self.view.items.values():
            doc = urls.item(item.id)
            follows = self.view.items.get(item.follows) if item.follows else None
            followed_by = [self.view.items[i] for i in item.followed_by if i in self.view.items]
            self.page(
                doc, "item.html", item.title, search=True, tags=item.tags, item=item,
                body=Markup(self._body(item, doc)), follows=follows, followed_by=followed_by,
                internal=not self.view.is_public,
            )

    def _body(self, item: ItemView, doc: str) -> str:
        """Sanitised body with images staged beside the page and links to other items resolved."""

        def image(match: re.Match) -> str:
            target = image_target(item.source_path, html.unescape(match.group(2)))
            if target is None or media.declared_format(target) is None:  # only images travel
                return match.group(1) + match.group(3)
            staged = "media/" + target.removeprefix("content/")
            self.stage.files[staged] = target
            return match.group(1) + html.escape(urls.relative(doc, staged)) + match.group(3)

        def anchor(match: re.Match) -> str:
            href = html.unescape(match.group(2))
            if re.match(r"(https?:|mailto:|#)", href, re.I):
                return match.group(0)
            stem = posixpath.basename(href.split("#")[0])
            if stem.endswith(".md") and stem[:-3] in self.view.items:
                return f'{match.group(1)} href="{html.escape(urls.relative(doc, urls.item(stem[:-3])))}"'
            return match.group(1)  # a link into the newsroom that this site does not hold

        body = to_html(item.body, item.source_path)
        return _A_HREF.sub(anchor, _IMG_SRC.sub(image, body))

    def office_pages(self) -> list[tuple[str, str]]:
        """The office's pages (关于本站 …) under ``pages/``; their (nav title, doc)."""
        docs = {page.path: page.path for page in self.view.pages}
        for page in self.view.pages:
            self.page(page.path, "page.html", page.title, search=True, body=Markup(self._page_body(page.path, page.body, docs)))
        return [(page.nav_title, page.path) for page in self.view.pages]

    def _page_body(self, doc: str, body: str, docs: dict[str, str]) -> str:
        """Sanitised like an item body (no images: they live in content/); links between pages kept."""

        def anchor(match: re.Match) -> str:
            href = html.unescape(match.group(2))
            if re.match(r"(https?:|mailto:|#)", href, re.I):
                return match.group(0)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(doc), href.split("#")[0]))
            if target in docs:
                return f'{match.group(1)} href="{html.escape(urls.relative(doc, target))}"'
            return match.group(1)

        return _A_HREF.sub(anchor, to_html(body, doc))

    def issues(self) -> None:
        groups: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for issue in self.view.issues:
            groups[issue.series_name][issue.year].append(issue)
            name = f"《{issue.series_name.strip('《》')}》{issue.year}年第{issue.number}期"
            self.page(urls.issue(issue.key), "issue.html", name, issue=issue)
        ordered = [(s, sorted(years.items(), reverse=True)) for s, years in groups.items()]
        self.page(urls.ISSUES, "issues.html", "期刊", groups=ordered)

    def archives(self) -> None:
        items = _newest_first(self.view.items.values())
        by_month: dict[date, list[ItemView]] = defaultdict(list)
        for item in items:
            by_month[item.day.replace(day=1)].append(item)
        years: dict[int, list] = defaultdict(list)
        for first, month_items in by_month.items():
            label = f"{first.year}年{first.month}月"
            years[first.year].append((label, urls.month(first), len(month_items)))
            self.page(urls.month(first), "list.html", label, groups=[(label, month_items)],
                      count=len(month_items), up=(f"{first.year}年", urls.year(first.year)))
        for year, months in years.items():
            groups = [(f"{f.year}年{f.month}月", its) for f, its in by_month.items() if f.year == year]
            self.page(urls.year(year), "list.html", f"{year}年", groups=groups,
                      count=sum(c for *_, c in months), up=("按年月", urls.ARCHIVE))
        sections = [(f"{y}年", [(f"{y}年（全年）", urls.year(y), sum(c for *_, c in ms)), *ms])
                    for y, ms in sorted(years.items(), reverse=True)]
        self.page(urls.ARCHIVE, "index.html", "按年月", sections=sections)

    def grouped_archive(self, index_doc: str, title: str, key: Callable[[ItemView], list[tuple[str, str]]],
                        order: Callable[[str], object]) -> None:
        """An index page and one page per value of ``key`` (unit, category or tag)."""
        members: dict[tuple[str, str], list[ItemView]] = defaultdict(list)
        for item in _newest_first(self.view.items.values()):
            for label, doc in key(item):
                members[(label, doc)].append(item)
        entries = []
        for (label, doc), items in sorted(members.items(), key=lambda kv: order(kv[0][0])):
            self.page(doc, "list.html", label, groups=_by_month(items), count=len(items), up=(title, index_doc))
            entries.append((label, doc, len(items)))
        self.page(index_doc, "index.html", title, sections=[("", entries)] if entries else [])

    def search(self) -> None:
        """The search page: results of ``?q=`` are filled in by the site's search script."""
        self.page(urls.SEARCH, "search.html", "搜索")

    def home(self, extra_sections: list[tuple[str, str]]) -> None:
        latest = sorted(self.view.items.values(), key=lambda i: (max(r.date for r in i.issues), i.day, i.id),
                        reverse=True)[:LATEST_ITEMS]
        self.page(urls.HOME, "home.html", self.settings.site_name, issues=self.view.issues[:LATEST_ISSUES],
                  items=latest, extra_sections=extra_sections)


def _newest_first(items: Iterable[ItemView]) -> list[ItemView]:
    return sorted(items, key=lambda i: (i.day, i.id), reverse=True)


def _by_month(items: list[ItemView]) -> list[tuple[str, list[ItemView]]]:
    groups: dict[tuple[int, int], list[ItemView]] = defaultdict(list)
    for item in items:
        groups[(item.day.year, item.day.month)].append(item)
    return [(f"{y}年{m}月", group) for (y, m), group in groups.items()]


def _extra_sections(stage: Stage, extra_pages: dict[str, str]) -> list[tuple[str, str]]:
    """Stage pages given by other modules; one navigation entry per top folder."""
    folders: dict[str, list[str]] = defaultdict(list)
    for doc, text in sorted(extra_pages.items()):
        if doc in stage.pages or doc == urls.HOME or not doc.endswith(".md") or doc.startswith("/") or ".." in doc.split("/"):
            raise ValueError(f"内网附加页面路径无效或与网站页面重复：{doc}")
        stage.pages[doc] = text
        folders[doc.split("/")[0] if "/" in doc else ""].append(doc)
    sections = []
    for folder, docs in sorted(folders.items()):
        if not folder:
            sections.extend((_title_of(stage.pages[d], d), d) for d in docs)
            continue
        index = f"{folder}/index.md"
        label = EXTRA_SECTIONS.get(folder, folder)
        if index not in stage.pages:
            links = "\n".join(f"- [{md_text(_title_of(stage.pages[d], d))}]({posixpath.relpath(d, folder)})"
                              for d in docs)
            stage.pages[index] = f"{_front(label, False)}# {md_text(label)}\n\n{links}\n"
        sections.append((label, index))
    return sections


def _title_of(text: str, doc: str) -> str:
    match = re.search(r"^title:[ \t]*(.+)$", text.split("\n---", 1)[0], re.M) if text.startswith("---") else None
    if match:
        return match.group(1).strip().strip("'\"")
    match = _H1.search(text)
    return match.group(1).rstrip(" \t#") if match else posixpath.splitext(posixpath.basename(doc))[0]


def stage_pages(view: SiteView, settings: SiteSettings, extra_pages: dict[str, str]) -> Stage:
    """Every page of one site, its files to copy and its compact navigation."""
    stager = Stager(view, settings)
    stager.items()
    stager.issues()
    stager.archives()
    unit_order = {name: n for n, name in enumerate(view.units.values())}
    stager.grouped_archive(
        urls.UNITS, "按单位",
        lambda i: [(i.unit_name, urls.unit(i.unit_id))]
        + [(n, urls.unit(uid)) for uid, n in zip(i.co_unit_ids, i.co_unit_names, strict=True) if uid in view.units],
        order=lambda label: (unit_order.get(label, len(unit_order)), label),
    )
    category_order = list(enums.CATEGORY)
    stager.grouped_archive(
        urls.CATEGORIES, "按类别", lambda i: [(i.category, urls.category(i.category))],
        order=lambda label: (category_order.index(label) if label in category_order else 99, label),
    )
    stager.grouped_archive(urls.TAGS, "按标签", lambda i: [(t, urls.tag(t)) for t in dict.fromkeys(i.tags)],
                           order=lambda label: label)
    extra = _extra_sections(stager.stage, extra_pages) if not view.is_public else []
    office = stager.office_pages()
    stager.home(extra)
    stager.search()
    stager.stage.nav = [
        {"首页": urls.HOME}, {"期刊": urls.ISSUES}, {"按年月": urls.ARCHIVE}, {"按单位": urls.UNITS},
        {"按类别": urls.CATEGORIES}, {"按标签": urls.TAGS}, *({html.escape(label): doc} for label, doc in extra),
        *({html.escape(label): doc} for label, doc in office),
    ]
    return stager.stage
