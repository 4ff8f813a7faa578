"""Print, piece by piece: fonts per role, the local-only fetcher, composition rules, Word file, doc images."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from docx import Document
from helpers.printing import licensed_font, make_newsroom, open_pdf, page_text, pdffonts, prints_of
from pypdf import PdfWriter

from bulletin.printing.compose import (
    colophon_height_mm,
    heading_levels,
    issue_number,
    printed,
    publication_name,
    rebase_images,
)
from bulletin.printing.config import brief_size
from bulletin.printing.docx_out import docx_bytes, word_fonts
from bulletin.printing.fonts import resolve_fonts
from bulletin.printing.pdf import html_to_pdf, local_fetcher, print_css
from scripts import docs_images

# -- fonts ---------------------------------------------------------------------------------


def test_free_defaults_for_every_role(tmp_path):
    fonts = resolve_fonts(tmp_path)
    assert {r: (f.family, f.source) for r, f in fonts.roles.items()} == {
        "title": ("Noto Serif CJK SC", "默认"),
        "body": ("Noto Serif CJK SC", "默认"),
        "heading": ("Noto Sans CJK SC", "默认"),
        "kai": ("AR PL UKai CN", "默认"),
    }
    assert fonts["kai"].file == "/usr/share/fonts/truetype/arphic/ukai.ttc"
    assert fonts.stack("heading") == '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif'


def test_mkdocs_yml_names_a_family_per_role(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "extra:\n  bulletin:\n    fonts: {kai: Noto Serif CJK SC, title: 方正小标宋简体}\n",
        encoding="utf-8",
    )
    fonts = resolve_fonts(tmp_path)
    assert (fonts["kai"].family, fonts["kai"].source) == ("Noto Serif CJK SC", "mkdocs.yml")
    title = fonts["title"]
    assert (title.family, title.source) == ("Noto Serif CJK SC", "默认")
    assert title.note == "mkdocs.yml 指定的字体“方正小标宋简体”未找到（既不在 fonts/ 文件夹，也未安装），已改用其他字体"


def test_licensed_fonts_in_the_fonts_folder_win(tmp_path):
    licensed_font(tmp_path / "fonts" / "fs.ttf", "仿宋_GB2312", "全市春耕")
    licensed_font(tmp_path / "fonts" / "sub" / "kt.ttf", "方正楷体_GBK", "全市")
    licensed_font(tmp_path / "fonts" / "x.ttf", "某某黑体", "全市")  # recognised by its keyword
    fonts = resolve_fonts(tmp_path)
    assert {r: (f.family, f.source) for r, f in fonts.roles.items()} == {
        "title": ("Noto Serif CJK SC", "默认"),
        "body": ("仿宋_GB2312", "fonts/"),
        "heading": ("某某黑体", "fonts/"),
        "kai": ("方正楷体_GBK", "fonts/"),
    }
    assert fonts.stack("body") == '"bulletin-body", "Noto Serif CJK SC", serif'
    assert word_fonts(fonts) == {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading": "某某黑体", "kai": "方正楷体_GBK"}


def test_a_pdf_prints_with_the_folder_font_and_falls_back_for_missing_glyphs(tmp_path):
    licensed_font(tmp_path / "fonts" / "fs.ttf", "仿宋_GB2312", "全市春耕")
    out = tmp_path / "x.pdf"
    pages = html_to_pdf("<p>全市春耕备耕</p>", out, str(tmp_path) + "/", "试印", author="办公室",
                        day=date(2026, 5, 8), fonts=resolve_fonts(tmp_path))
    assert pages == 1
    assert sorted(row[0].split("+")[1] for row in pdffonts(out)) == ["Noto-Serif-CJK-SC", "bulletin-body"]
    with open_pdf(out) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["size"] > 15]
        assert [c["fontname"].split("+")[1] for c in chars] == ["bulletin-body"] * 4 + ["Noto-Serif-CJK-SC", "bulletin-body"]  # 备 is missing, 耕 is not
        assert pdf.metadata["Title"] == "试印" and pdf.metadata["CreationDate"] == "D:20260508000000+08'00"


def test_a_reused_font_configuration_gives_the_same_bytes(tmp_path):
    from bulletin.printing.pdf import _font_configuration

    fonts = resolve_fonts(tmp_path)

    def render(name: str, text: str) -> bytes:
        out = tmp_path / f"{name}.pdf"
        html_to_pdf(f"<h2>一、{text}</h2><p>{text}</p>", out, str(tmp_path) + "/", name, day=date(2026, 5, 8), fonts=fonts)
        return out.read_bytes()

    _font_configuration.cache_clear()
    fresh = render("b", "全市春耕备耕有序推进")
    render("a", "防汛抗旱物资储备到位，楷体黑体宋体都用上")
    assert render("b", "全市春耕备耕有序推进") == fresh


def test_a_changed_licensed_font_is_never_served_from_a_reused_configuration(tmp_path):
    font = licensed_font(tmp_path / "fonts" / "fs.ttf", "仿宋_GB2312", "全市")

    def faces_of_text() -> list[str]:
        out = tmp_path / "x.pdf"
        html_to_pdf("<p>全市春耕</p>", out, str(tmp_path) + "/", "试印", day=date(2026, 5, 8), fonts=resolve_fonts(tmp_path))
        with open_pdf(out) as pdf:
            return [c["fontname"].split("+")[1] for c in pdf.pages[0].chars if c["size"] > 15]

    assert faces_of_text() == ["bulletin-body"] * 2 + ["Noto-Serif-CJK-SC"] * 2
    licensed_font(font, "仿宋_GB2312", "全市春耕")  # the office replaces the file in place
    assert faces_of_text() == ["bulletin-body"] * 4


# -- nothing outside the newsroom's content/ --------------------------------------------------


def test_fetcher_serves_only_allowed_local_files(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("x")
    fetch = local_fetcher([content])
    assert fetch.fetch((content / "a.png").as_uri()).read() == b"png"
    for url in ((tmp_path / "secret.txt").as_uri(), (content / ".." / "secret.txt").as_uri(),
                "http://example.com/a.png", "https://example.com/a.png", "ftp://example.com/a", "file://host/etc/passwd"):
        with pytest.raises(ValueError):
            fetch.fetch(url)


def test_remote_and_outside_images_never_reach_a_pdf(tmp_path):
    (tmp_path / "content").mkdir()
    outside = tmp_path / "outside.png"
    outside.write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"))
    html = f'<p>图</p><img src="{outside.as_uri()}"><img src="http://127.0.0.1:9/x.png"><img src="../outside.png">'
    out = tmp_path / "x.pdf"
    html_to_pdf(html, out, str(tmp_path / "content") + "/", "t", allowed_dirs=[tmp_path / "content"])
    with open_pdf(out) as pdf:
        assert pdf.pages[0].images == []


# -- composition -------------------------------------------------------------------------------


def test_numbers_and_names_as_people_write_them():
    assert publication_name("《政务信息》") == "政务信息"
    assert issue_number(3) == "第3期" and issue_number(18) == "第18期"


def test_colophon_rows_are_measured_as_they_print():
    """26 full-width characters fill a 报尾 line, Latin letters count half, and the quotation marks
    a CJK font sets full width count one (textwidth.ems): 27 of them take a second line."""
    one, two = 29.9, 38.4  # one row of one line, or of two, plus the last line and the padding
    assert colophon_height_mm(["报" + "一" * 25]) == one
    assert colophon_height_mm(["a" * 52]) == one and colophon_height_mm(["a" * 53]) == two
    assert colophon_height_mm(["“" + "一" * 24 + "”"]) == one
    assert colophon_height_mm(["“" + "一" * 25 + "”"]) == two


def test_heading_levels_of_paragraphs():
    html = "<p>一、加强领导。各地要落实。</p>\n<p>（二）压实责任</p>\n<p>三是强化督查。</p>\n<p>1. 一般</p>"
    assert heading_levels(html) == (
        '<p><span class="lv1">一、加强领导。</span>各地要落实。</p>\n'
        '<p><span class="lv2">（二）压实责任</span></p>\n<p>三是强化督查。</p>\n<p>1. 一般</p>'
    )


def test_images_are_rebased_on_the_newsroom_root():
    html, used = rebase_images('<p><img alt="a" src="images/a.png"> <img src="../../../x.png"></p>', "content/2026/03/r.md")
    assert html == '<p><img alt="a" src="content/2026/03/images/a.png"> <img src=""></p>'
    assert used == ["content/2026/03/images/a.png"]


# -- Word ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    root = tmp_path_factory.mktemp("docx") / "newsroom"
    make_newsroom(root)
    return root, {p.key: printed(p) for p in prints_of(root)}


def test_docx_structure_and_fonts(docs):
    root, printed_issues = docs
    data = docx_bytes(printed_issues["zwxx/2026/018"], root, resolve_fonts(root))
    word = Document(io.BytesIO(data))
    texts = [p.text for p in word.paragraphs if p.text.strip()]
    assert texts[:6] == ["政务信息", "第18期", "江城市人民政府办公室\t2026年3月12日", "本期要目",
                         "市农业农村局春耕备耕物资储备充足\t", "全市中小学春季开学平稳有序\t"]
    assert texts[-4:] == ["报：市委办公室，市政府各位领导", "送：市人大常委会办公室",
                          "发：各县区人民政府，市政府各部门", "编辑：李静\t共印120份"]
    assert "一、主要做法" in texts and "（一）加强组织领导" in texts

    def east_asia(text: str) -> tuple[str, str]:
        """The paragraph's style and the East Asian font its first run prints in (its own, else the style's)."""
        paragraph = next(p for p in word.paragraphs if p.text == text)
        key = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        run = paragraph.runs[0]._element.rPr
        own = run.rFonts.get(key) if run is not None and run.rFonts is not None else None
        return paragraph.style.name, own or paragraph.style.element.rPr.rFonts.get(key)

    assert [east_asia(t) for t in ("政务信息", "一、主要做法", "（一）加强组织领导", "市教育局")] == [
        ("Title", "方正小标宋简体"), ("Heading 2", "黑体"), ("Heading 3", "楷体_GB2312"), ("署名单位", "楷体_GB2312")]
    section = word.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.left_margin, section.right_margin)
    assert [round(s.mm, 1) for s in sizes] == [210.0, 297.0, 37.0, 28.0, 26.0]
    assert word.core_properties.title == "政务信息 第18期"
    assert word.core_properties.author == "江城市人民政府办公室"
    assert len(word.inline_shapes) == 1  # the image from content/


def test_docx_kinds_and_reproducible_bytes(docs):
    root, printed_issues = docs
    fonts = resolve_fonts(root)
    special = Document(io.BytesIO(docx_bytes(printed_issues["xxzb/2026/003"], root, fonts)))
    texts = [p.text for p in special.paragraphs if p.text.strip()]
    assert texts[:6] == ["000001", "秘密★1年", "特急", "信息专报", "第3期", "江城市人民政府办公室\t签发人：张国华"]
    assert "本期要目" not in texts
    brief = docx_bytes(printed_issues["ldcy/2026/002"], root, fonts)
    assert [t.cell(0, 0).text for t in Document(io.BytesIO(brief)).tables] == ["领导批示：", "领导批示："]
    assert brief == docx_bytes(printed_issues["ldcy/2026/002"], root, fonts)
    with zipfile.ZipFile(io.BytesIO(brief)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# -- docs images -----------------------------------------------------------------------------------


def test_docs_images_takes_one_pdf_of_each_kind(tmp_path):
    root = tmp_path / "newsroom"
    make_newsroom(root)
    for key in ("zwxx/2026/018", "xxzb/2026/003", "ldcy/2026/002"):
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.add_blank_page(595, 842)
        target = root / "build/pdf" / f"{key}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            writer.write(handle)
    assert docs_images.choose(root, root / "build/pdf") == {
        "bulletin": root / "build/pdf/zwxx/2026/018.pdf",
        "special": root / "build/pdf/xxzb/2026/003.pdf",
        "brief": root / "build/pdf/ldcy/2026/002.pdf",
    }
    out = tmp_path / "images"
    assert docs_images.main(["--root", str(root), "--out", str(out)]) == 0
    # and copy 000002 of the classified special report, as `bulletin print` stamps it (no notices here)
    assert sorted(p.name for p in out.iterdir()) == [
        "brief.png", "bulletin-body.png", "bulletin.png", "special-copy.png", "special.png"]
    assert (out / "bulletin.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_page_text_helper_ignores_the_watermark(tmp_path):
    out = tmp_path / "w.pdf"
    html_to_pdf("<p>正文</p>", out, None, "t", watermark="草稿")
    with open_pdf(out) as pdf:
        assert page_text(pdf.pages[0]) == "正文—1—"
        assert "".join(c["text"] for c in pdf.pages[0].chars if c["size"] > 100) == "草稿"


# -- settings in mkdocs.yml --------------------------------------------------------------------------


def test_brief_size_and_title_weight_settings(tmp_path):
    assert brief_size(tmp_path) == 18.0
    (tmp_path / "mkdocs.yml").write_text("extra:\n  bulletin:\n    print: {brief_size: 22}\n", encoding="utf-8")
    assert brief_size(tmp_path) == 22.0
    css = print_css(resolve_fonts(tmp_path), tmp_path)
    assert ".kind-brief .body, .kind-brief .body h2, .kind-brief .body h3, .kind-brief .body h4 {\n  font-size: 22.0pt;" in css
    assert css.count("font-weight: bold;") == 2  # the free Noto Serif title face has a real bold
    (tmp_path / "mkdocs.yml").write_text("extra:\n  bulletin:\n    print: {brief_size: 17}\n", encoding="utf-8")
    assert brief_size(tmp_path) == 18.0  # only 16, 18 or 22
    licensed_font(tmp_path / "fonts" / "xbs.ttf", "方正小标宋简体", "政务信息")
    css = print_css(resolve_fonts(tmp_path), tmp_path)
    assert "font-weight: bold;" not in css and css.count("font-weight: normal; font-size: 2") == 1


# -- failures and warnings of a batch -----------------------------------------------------------------


def _boom(job):
    raise ValueError("boom")


def test_a_failed_render_names_the_issue_and_stops(newsroom, capsys, monkeypatch):
    """The build prints one line naming the issue, exits 1 and keeps the previous build/ (the
    render fails in the worker, where even a lone PDF is rendered)."""
    from bulletin import build
    from bulletin.printing import worker as pool

    previous = newsroom.root / "build" / "pdf" / "old.pdf"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"old")
    monkeypatch.setattr(pool, "render_one", _boom)
    assert build.run_build(newsroom.root, date(2026, 11, 27), parts=("pdf",), quiet=True) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-2:] == ["zwxx/2026/018 的 PDF 渲染失败（ValueError: boom）", "构建失败；build/ 保持原样"]
    assert previous.read_bytes() == b"old"


def test_an_issue_with_many_items_still_gets_its_word_file(newsroom):
    """Word's core properties hold 255 characters; forty headlines in the subject must not break it."""
    from helpers.newsroom import ISSUE

    from bulletin import build

    ids = []
    for n in range(2, 42):
        rid = f"2026-03-nyj-{n:03d}"
        newsroom.report(rid, title=f"第{n}项春耕备耕工作取得新进展")
        ids.append(rid)
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE.replace("  - 2026-03-nyj-001\n", "".join(f"  - {i}\n" for i in ids)))
    assert build.run_build(newsroom.root, date(2026, 11, 27), parts=("pdf",), quiet=True) == 0
    word = newsroom.root / "build/pdf/zwxx/2026/018.docx"
    with zipfile.ZipFile(word) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "第41项春耕备耕工作取得新进展" not in core and "…" in core
