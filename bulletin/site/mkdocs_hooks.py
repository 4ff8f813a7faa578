"""bulletin's own mkdocs hooks: a page the stager wrote as finished HTML skips Markdown.

Every page ``bulletin.site.pages`` renders from its templates (items, issues, lists, the home
page) is one block of HTML whose item bodies are already sanitised HTML. Python-Markdown passes
such a block through unchanged, but only after parsing every tag of it twice (its raw-HTML block
preprocessor, then mkdocs' anchor collector): about a quarter of mkdocs' time on a city-year.
These pages say so in their front matter (``HTML_PAGE``); their text is set aside before
Markdown and put back, stripped as Markdown would give it, as the page's content. Pages written
in Markdown (notices, follow-ups) are converted as before.

The office's ``mkdocs.yml`` may not name hooks (``bulletin.office_site``): this file is the
only one, named by ``bulletin.site.mkdocs_run.site_config``.
"""

from __future__ import annotations

HTML_PAGE = "bulletin_html"

_set_aside: dict[str, str] = {}


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.meta.get(HTML_PAGE) is True:
        _set_aside[page.file.src_uri] = markdown.strip()
        return ""
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    kept = _set_aside.pop(page.file.src_uri, None)
    return html if kept is None else kept
