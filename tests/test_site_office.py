"""The office's own site settings (issue 17): theme pass-through, extra pages, refusals at their line."""

from __future__ import annotations

import struct
import zlib
from datetime import date

import pytest
from helpers.newsroom import ISSUE, seal_published

from bulletin.build import run_build
from bulletin.check import run_check
from bulletin.site.settings import read_settings

TODAY = date(2026, 4, 1)

MKDOCS = """\
site_name: 江城市政务信息
copyright: © 2026 江城市人民政府办公室
theme:
  name: material
  language: zh
  palette:
    primary: indigo
    accent: amber
  logo: assets/logo.png
  favicon: assets/favicon.png
  features:
    - navigation.footer
extra_css:
  - assets/office.css
nav:
  - 关于本站: about.md
  - 联系我们: contact.md
extra:
  bulletin:
    office: 江城市人民政府办公室
"""

ABOUT = """\
---
title: 关于本站
---

本站刊登江城市人民政府办公室编印的《政务信息》公开内容。

<script>alert(1)</script>

[联系我们](contact.md)
"""

CONTACT = """\
---
public_contacts: ['0571-86009999']
---

值班电话：0571-86009999
"""


def png(rgb: tuple[int, int, int]) -> bytes:
    """A 2×2 PNG of one colour."""
    raw = b"".join(b"\x00" + bytes(rgb) * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def office(newsroom, mkdocs: str = MKDOCS) -> None:
    newsroom.write("mkdocs.yml", mkdocs)
    newsroom.write("assets/logo.png", png((200, 0, 0)))
    newsroom.write("assets/favicon.png", png((0, 0, 200)))
    newsroom.write("assets/office.css", ".md-header { border-bottom: 2px solid #c00; }\n")
    newsroom.write("pages/about.md", ABOUT)
    newsroom.write("pages/contact.md", CONTACT)


def problems(newsroom) -> list[str]:
    return [p.format() for p in run_check(newsroom.root, TODAY, use_cache=False).problems]


def published(newsroom) -> None:
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE.replace("status: draft", "status: published"))
    seal_published(newsroom.root)


def test_theme_settings_are_read(newsroom):
    office(newsroom)
    settings = read_settings(newsroom.root)
    assert settings.palette == {"primary": "indigo", "accent": "amber"}
    assert (settings.logo, settings.favicon) == ("assets/logo.png", "assets/favicon.png")
    assert settings.features == ("navigation.footer",)
    assert settings.extra_css == ("assets/office.css",)
    assert settings.copyright == "© 2026 江城市人民政府办公室"
    assert settings.nav == (("关于本站", "pages/about.md"), ("联系我们", "pages/contact.md"))
    assert problems(newsroom) == []


def test_public_site_has_the_office_theme_and_pages(newsroom):
    office(newsroom)
    published(newsroom)
    assert run_build(newsroom.root, TODAY, parts=("site", "intranet"), quiet=True) == 0
    site = newsroom.root / "build/site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-primary="indigo"' in home and 'data-md-color-accent="amber"' in home
    assert 'src="assets/office/logo.png"' in home
    assert 'href="assets/office/favicon.png"' in home
    assert 'href="assets/office/office.css"' in home
    assert "© 2026 江城市人民政府办公室" in home and "版权所有" not in home
    assert "bl-preview" not in home  # the 预览 mark is bulletin serve's only
    assert (site / "assets/office/logo.png").read_bytes() == png((200, 0, 0))
    about = (site / "pages/about/index.html").read_text(encoding="utf-8")
    assert "<h1 data-search-exclude>关于本站</h1>" in about
    assert "本站刊登江城市人民政府办公室编印的《政务信息》公开内容。" in about
    assert "<script>alert(1)</script>" not in about and "&lt;script&gt;alert(1)&lt;/script&gt;" in about
    assert '<a href="../contact/">联系我们</a>' in about
    assert "0571-86009999" in (site / "pages/contact/index.html").read_text(encoding="utf-8")
    # the pages come after the generated sections in the navigation, on both sites
    tabs = home.split('class="md-tabs__list"')[1].split("</ul>")[0]
    assert tabs.index("按标签") < tabs.index("关于本站") < tabs.index("联系我们")
    intranet = newsroom.root / "build/intranet"
    assert (intranet / "pages/about/index.html").is_file()
    assert "© 2026 江城市人民政府办公室　内部资料　注意保管" in (intranet / "index.html").read_text(encoding="utf-8")


def test_refused_settings_at_their_line(newsroom):
    office(newsroom, MKDOCS.replace("extra_css:", "plugins:\n  - search\n  - macros\nextra_css:")
           .replace("  features:", "  custom_dir: overrides\n  features:")
           .replace("    office: 江城市人民政府办公室\n", "    office: 江城市人民政府办公室\n  analytics: {provider: google, property: G-X}\n")
           + "markdown_extensions:\n  - attr_list\nextra_javascript: [x.js]\nhooks: [h.py]\nrepo_url: https://x.example\n")
    supported = ("支持的设置：site_name、site_description、site_url、copyright、theme（palette、logo、favicon、features）、"
                 "extra_css、nav（pages/ 中的附加页面）、extra.bulletin；见 docs/site.md")
    tail = f"；网站只能包含视图允许的内容，请删去这一项。{supported}"
    assert problems(newsroom) == [
        f"mkdocs.yml:11: error[E330]: 不支持 theme.custom_dir：自定义模板目录可以改写每个页面，绕过只含视图允许内容的规则{tail}",
        f"mkdocs.yml:14: error[E330]: 不支持 plugins：插件在构建时运行代码，并可向网站加入视图之外的文件{tail}",
        f"mkdocs.yml:25: error[E330]: 不支持 extra.analytics：统计代码会把读者的访问记录发给外部网站{tail}",
        f"mkdocs.yml:26: error[E330]: 不支持 markdown_extensions：Markdown 扩展可让正文插入原始 HTML 或读入其他文件，"
        f"正文由 bulletin 按同一安全规则渲染{tail}",
        f"mkdocs.yml:28: error[E330]: 不支持 extra_javascript：脚本会在读者的浏览器中运行，网站不加载自定义脚本{tail}",
        f"mkdocs.yml:29: error[E330]: 不支持 hooks：钩子是构建时运行的 Python 代码{tail}",
        f"mkdocs.yml:30: error[E330]: 不支持 repo_url：bulletin 不读取 repo_url，写了也不会生效{tail}",
    ]
    assert run_build(newsroom.root, TODAY, parts=("site",), quiet=True) == 1
    assert not (newsroom.root / "build/site").exists()


def test_wrong_values_and_files(newsroom):
    office(newsroom, MKDOCS.replace("primary: indigo", "primary: 中国红").replace("assets/favicon.png", "favicon.png"))
    newsroom.write("assets/logo.png", b"GIF89a not a png")
    newsroom.write("assets/office.css", "@import url(https://cdn.example/x.css);\n")
    supported = "支持的设置：site_name、site_description、site_url、copyright、theme（palette、logo、favicon、features）、" \
                "extra_css、nav（pages/ 中的附加页面）、extra.bulletin；见 docs/site.md"
    found = problems(newsroom)
    assert found[0].startswith("mkdocs.yml:7: error[E331]: theme.palette.primary 的值 中国红 不在允许范围内，可写：red、pink、")
    assert found[1] == f"mkdocs.yml:10: error[E331]: theme.favicon 的写法不对（'favicon.png'），例如 \"assets/favicon.png\"；{supported}"
    assert len(found) == 2  # files are looked at once the settings are right
    office(newsroom)
    newsroom.write("assets/logo.png", b"GIF89a not a png")
    newsroom.write("assets/office.css", "@import url(https://cdn.example/x.css);\n")
    newsroom.remove("assets/favicon.png")
    assert problems(newsroom) == [
        "mkdocs.yml:9: error[E332]: assets/logo.png 的内容不是扩展名所说的 PNG、JPEG、GIF 或 WebP 图片；请换成这几种格式的图片",
        "mkdocs.yml:10: error[E332]: assets/favicon.png 不存在或不是 assets/ 中不超过 2 MB 的普通文件；"
        "请把文件放进新闻室顶层的 assets/ 文件夹，并写 assets/ 开头的路径",
        "mkdocs.yml:14: error[E333]: assets/office.css 第 1 行从外部地址加载内容；网站不得从外部加载任何内容（内网不通外网），"
        "请删去这些引用，图片请放入 assets/ 并用相对路径",
    ]


CSS_REFUSED = ("请删去这些引用，图片请放入 assets/ 并用相对路径")


@pytest.mark.parametrize(("css", "line"), [
    ('.a { color: red; }\n.b { background: image-set("https://evil.example/x.png" 1x); }\n', 2),
    (".b { background: u\\72l(https://evil.example/y.png); }\n", 1),
    ('@\\69mport "https://evil.example/z.css";\n', 1),
    ('@media print { @import "//evil.example/p.css"; }\n', 1),
    ('@font-face { font-family: x; src: url( "HTTPS://evil.example/f.woff2" ) format("woff2"); }\n', 1),
    (".c { background: -webkit-image-set(url(data:image/png;base64,AAAA) 1x); }\n", 1),
    (".d {\n  cursor: url(\\2f\\2f evil.example/c.cur), auto;\n}\n", 2),
])
def test_a_style_sheet_loads_nothing_from_outside_however_it_is_written(newsroom, css, line):
    """The sheet is read as a browser reads it (tinycss2: escapes decoded, every url token,
    function and at-rule), not matched as text: each of these loads a file from elsewhere."""
    office(newsroom)
    newsroom.write("assets/office.css", css)
    assert problems(newsroom) == [
        f"mkdocs.yml:14: error[E333]: assets/office.css 第 {line} 行从外部地址加载内容；网站不得从外部加载任何内容（内网不通外网），"
        + CSS_REFUSED]


def test_a_style_sheet_may_use_its_own_files_and_text(newsroom):
    office(newsroom)
    newsroom.write("assets/office.css", '.a { background: url(logo.png); }\n.b::before { content: "注意: 内网"; }\n'
                                        '.c { background: image-set("logo.png" 1x); }\n')
    assert problems(newsroom) == []


@pytest.mark.parametrize("text", ['"值班手机13812345678"', '"值班手机\\31 3812345678"', '"x" /* 联系人 13812345678 */'])
def test_personal_data_in_a_style_sheet_is_refused_at_its_line(newsroom, text):
    office(newsroom)
    newsroom.write("assets/office.css", f".a {{ color: red; }}\n.b::after {{ content: {text}; }}\n")
    assert problems(newsroom) == [
        "assets/office.css:2: error[E260]: 手机号 138****5678 可能是个人信息，不能上网站；样式表会原样复制到公众网站，请删去"]


def test_extra_pages_follow_the_item_rules(newsroom):
    office(newsroom, MKDOCS.replace("  - 联系我们: contact.md", "  - 联系我们: contact.md\n  - 旧页: old.md\n  - 外面: ../units.yaml.md"))
    newsroom.write("pages/contact.md", "值班电话：0571-86009999\n\n联系人手机 13912345678\n")
    newsroom.write("pages/draft.md", "# 草稿\n")
    assert problems(newsroom) == [
        "mkdocs.yml:18: error[E334]: nav 中“旧页”的页面 pages/old.md 不存在；请在 pages/ 中新建它，或删去这一项",
        "mkdocs.yml:19: error[E334]: nav 中“外面”应写 pages/ 文件夹中的 Markdown 文件名（相对于 pages/），例如 - 关于本站: about.md",
        "pages/contact.md:1: error[E260]: 固定电话 0571-****9999 可能是个人信息，不能上网站；请删去，如是单位对外公开的号码或邮箱，"
        "请把它列入本页 front matter 的 public_contacts",
        "pages/contact.md:3: error[E260]: 手机号 139****5678 可能是个人信息，不能上网站；请删去，如是单位对外公开的号码或邮箱，"
        "请把它列入本页 front matter 的 public_contacts",
        "pages/draft.md:1: warning[W330]: pages/draft.md 没有列入 mkdocs.yml 的 nav，不会出现在网站上；"
        "要发布请在 nav 中加一行，例如 - 关于本站: draft.md",
    ]


def test_a_page_quoting_an_unpublished_item_stops_the_build(newsroom, capsys):
    """Pages pass the same leak gate as items: the draft issue's item may not reach the public site."""
    office(newsroom)
    newsroom.write("pages/about.md", "本站简介。\n\n3月8日，全市春耕备耕工作全面展开。\n")
    assert problems(newsroom) == []
    newsroom.write("build/site/index.html", "上次的网站\n")
    capsys.readouterr()
    assert run_build(newsroom.root, TODAY, parts=("site",), quiet=True) == 1
    said = capsys.readouterr().err
    assert "泄密检查未通过" in said and "/docs/pages/about.md: 3月8日，全市春耕备耕工作全面展开\n" in said
    assert (newsroom.root / "build/site/index.html").read_text(encoding="utf-8") == "上次的网站\n"


def test_a_registered_officer_phone_on_a_page_is_refused(newsroom):
    office(newsroom)
    newsroom.write("pages/contact.md", "---\ntitle: 联系我们\n---\n\n信息科：0571 8600 1234\n")
    assert problems(newsroom) == [
        "pages/contact.md:5: error[E260]: 固定电话 0571-****1234 可能是个人信息，不能上网站；请删去，如是单位对外公开的号码或邮箱，"
        "请把它列入本页 front matter 的 public_contacts",
    ]


def test_front_matter_of_a_page(newsroom):
    office(newsroom)
    newsroom.write("pages/about.md", "---\ntitle: 关于本站\nauthor: 李明\n---\n\n正文\n")
    assert problems(newsroom) == [
        "pages/about.md:3: error[E335]: 页面的 front matter 不支持 author；只可写 title 和 public_contacts",
    ]
    newsroom.write("pages/about.md", b"\xff\xfe")
    assert problems(newsroom) == ["pages/about.md:1: error[E335]: 页面不是 UTF-8 编码；请以 UTF-8 保存"]


def test_a_page_linked_from_outside_pages_is_not_published(newsroom, tmp_path):
    office(newsroom)
    (tmp_path / "secret.md").write_text("外面的文件\n", encoding="utf-8")
    (newsroom.root / "pages/contact.md").unlink()
    (newsroom.root / "pages/contact.md").symlink_to(tmp_path / "secret.md")
    assert problems(newsroom) == [
        "pages/contact.md:1: error[E334]: pages/contact.md 是指向 pages/ 之外的链接，网站不会发布 pages/ 之外的文件；请把页面本身放进 pages/",
    ]


def test_nav_titles_and_page_titles_are_text(newsroom):
    office(newsroom, MKDOCS.replace("关于本站: about.md", "'<b>关于</b>本站': about.md"))
    newsroom.write("pages/about.md", "---\ntitle: '<i>关于</i>'\n---\n\n正文\n")
    published(newsroom)
    assert run_build(newsroom.root, TODAY, parts=("site",), quiet=True) == 0
    about = (newsroom.root / "build/site/pages/about/index.html").read_text(encoding="utf-8")
    assert "<b>关于</b>" not in about and "<i>关于</i>" not in about
    assert "&lt;b&gt;关于&lt;/b&gt;本站" in about and "<h1 data-search-exclude>&lt;i&gt;关于&lt;/i&gt;</h1>" in about
