"""Configuration text is text: names from units.yaml, series.yaml, issues and mkdocs.yml never become markup.

One newsroom with a hostile name in every configuration field is built once (sites, notices,
PDFs, Word); each output is then searched for links and for the names as plain text.
"""

from __future__ import annotations

import html
import re
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pdfplumber
import pytest
from helpers.newsroom import ISSUE, SERIES, UNITS, Newsroom, seal_published

from bulletin.build import run_build
from bulletin.escape import md_text as md_escape
from bulletin.notices import environment

DAY = date(2026, 4, 1)
UNIT = "高新区[点我](javascript:alert(1))"
SERIES_NAME = "政务[刊](javascript:alert(2))"
HEADLINE = "印发[标题](javascript:alert(3))"
EDITOR = "[编](javascript:alert(4))"
SITE_NAME = "站[名](javascript:alert(5))"
OFFICE = "[办](javascript:alert(6))"
PUBLICATION = "《刊[x](javascript:alert(7))》"
NAMES = [UNIT, SERIES_NAME, HEADLINE, EDITOR, SITE_NAME, OFFICE, PUBLICATION]


def test_md_escape_keeps_names_as_text():
    for name in [*NAMES, "<b onmouseover=alert(1)>x</b>", "*强调* _下划线_ `代码` # 标题 | 表格 \\ 反斜杠", "a\nb"]:
        rendered = markdown.markdown("### " + md_escape(name), extensions=["tables"])
        assert rendered == f"<h3>{html.escape(' '.join(name.split()), quote=False)}</h3>"


def test_every_notice_template_line_in_markdown_uses_the_md_filter():
    """A name on a Markdown line (heading, list item) must pass through ``md``; in HTML lines autoescape suffices."""
    env = environment()
    for name in ("page.md", "index.md"):
        source = env.loader.get_source(env, name)[0]
        for line in source.splitlines():
            if line.startswith(("#", "- ")) and "{{" in line:
                names = [e for e in re.findall(r"{{\s*([^}]+?)\s*}}", line) if "cn_number" not in e and "format" not in e
                         and e not in ("year", "p.key")]
                assert all(e.endswith("| md") for e in names), line


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src", "action", "formaction")]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("names") / "newsroom"
    n = Newsroom(root)
    n.write("units.yaml", UNITS.replace("name: 市农业农村局", f"name: '{UNIT}'"))
    n.write("issues/series.yaml", SERIES.replace("name: 政务信息,", f"name: '{SERIES_NAME}',"))
    n.write("issues/zwxx/2026/018.yaml", ISSUE.replace("status: draft", "status: published")
            .replace("  - 2026-03-nyj-001", f"  - {{id: 2026-03-nyj-001, title: '{HEADLINE}'}}")
            .replace("editor: 李静", f"editor: '{EDITOR}'"))
    n.write("mkdocs.yml", f"site_name: '{SITE_NAME}'\nextra:\n  bulletin:\n    office: '{OFFICE}'\n")
    n.report(instructions="[{leader: 市长, level: own, date: 2026-03-10, text: 阅}]",
             adopted=f"[{{level: city, publication: '{PUBLICATION}', date: 2026-03-15}}]")
    seal_published(root)
    assert run_build(root, DAY, quiet=True) == 0
    return root / "build"


@pytest.mark.parametrize("part", ["site", "intranet"])
def test_no_name_becomes_a_link_on_a_site(built, part):
    """The attack: a unit name became a live ``javascript:`` link in the intranet notices."""
    hrefs = []
    for page in (built / part).rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        hrefs += [h for h in parser.hrefs if re.match(r"\s*(javascript|vbscript|data):", h, re.I) or "alert(" in h]
    assert hrefs == []


def test_names_show_as_text_on_the_intranet(built):
    march = html.unescape((built / "intranet/notices/2026-03/index.html").read_text(encoding="utf-8"))
    assert f"（一）{UNIT}：" in march and f"{PUBLICATION}采用" in march and OFFICE in march
    units = html.unescape((built / "intranet/units/index.html").read_text(encoding="utf-8"))
    assert UNIT in units and SITE_NAME in units
    issue = html.unescape((built / "intranet/issues/zwxx/2026/018/index.html").read_text(encoding="utf-8"))
    assert HEADLINE in issue and SERIES_NAME.strip("《》") in issue


def test_names_are_plain_text_in_pdfs(built):
    for path in [built / "pdf/zwxx/2026/018.pdf", built / "notices/2026-03.pdf"]:
        with pdfplumber.open(path) as pdf:
            assert [link for page in pdf.pages for link in page.hyperlinks] == []
            text = "".join((page.extract_text() or "") for page in pdf.pages).replace("\n", "")
        assert UNIT in text
    issue = "".join(pdfplumber.open(built / "pdf/zwxx/2026/018.pdf").pages[0].extract_text().split())
    assert HEADLINE in issue and EDITOR in "".join(
        "".join((p.extract_text() or "").split()) for p in pdfplumber.open(built / "pdf/zwxx/2026/018.pdf").pages)


def test_names_are_plain_text_in_word(built):
    with zipfile.ZipFile(built / "pdf/zwxx/2026/018.docx") as docx:
        xml = "".join(docx.read(name).decode("utf-8") for name in docx.namelist() if name.endswith((".xml", ".rels")))
    assert "<w:hyperlink" not in xml and 'TargetMode="External"' not in xml
    assert f"<w:t>{html.escape(HEADLINE, quote=False)}</w:t>" in xml
