"""``bulletin import`` on Word files as units really send them: a 报头 above the headline, a
byline under it, pictures with captions, footnotes, an 附件 line; several files and folders;
.doc and .wps through LibreOffice. Each file is made here with python-docx; python-docx cannot
write footnotes, so ``add_footnotes`` builds the footnotes part with its XML API."""

from __future__ import annotations

import io
import os
import stat
from datetime import date

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Inches, Pt
from helpers.workflow import run_cli
from test_import import EPOCH, png

from bulletin.check import run_check
from bulletin.markup import to_html

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def add_footnotes(document: docx.Document, notes: list[str]) -> None:
    """The part word/footnotes.xml with one footnote per text (ids 1, 2, …)."""
    body = "".join(f'<w:footnote w:id="{i}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
                   for i, text in enumerate(notes, 1))
    xml = f"<w:footnotes {W}>{body}</w:footnotes>".encode()
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def footnote_reference(paragraph, number: int) -> None:
    paragraph.add_run()._r.append(parse_xml(f'<w:footnoteReference {W} w:id="{number}"/>'))


def large(paragraph, points: int):
    for run in paragraph.runs:
        run.font.size = Pt(points)
    return paragraph


def as_sent() -> docx.Document:
    """An 应急管理信息 issue page as a unit sends it."""
    d = docx.Document()
    large(d.add_paragraph("应急管理信息"), 36)
    d.add_paragraph("第23期")
    d.add_paragraph("江城市应急管理局　　　　2026年11月5日")
    large(d.add_paragraph("我市开展秋冬季森林防火专项检查"), 22)
    d.add_paragraph("（市农业农村局）")
    p = d.add_paragraph("11月4日，我市组织12个检查组深入林区开展专项检查")
    footnote_reference(p, 1)
    p.add_run("，排查隐患37处。")
    d.add_picture(io.BytesIO(png()), width=Inches(1))
    d.add_paragraph("检查组在青石镇林区检查防火设施")
    d.add_picture(io.BytesIO(png(2, 2)), width=Inches(1))
    d.add_paragraph("图2 宣传车进村", style="Caption")
    d.add_paragraph("下一步，将持续开展巡查。")
    d.add_paragraph("附件：1. 隐患整改清单")
    d.add_paragraph("2. 检查组名单")
    add_footnotes(d, ["含国有林场3个"])
    return d


BODY = """\
11月4日，我市组织12个检查组深入林区开展专项检查[^1]，排查隐患37处。

![检查组在青石镇林区检查防火设施](2026-11-nyj-001-1.png)

![图2 宣传车进村](2026-11-nyj-001-2.png)

下一步，将持续开展巡查。

[^1]: 含国有林场3个
"""


def test_a_word_file_as_sent_imports_into_the_expected_markdown(newsroom, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = tmp_path / "应急23期.docx"
    as_sent().save(path)
    result = run_cli(newsroom.root, "import", str(path), "--unit", "nyj", today="2026-11-05")
    assert (result.code, result.out) == (0, "content/2026/11/2026-11-nyj-001.md\n")
    text = (newsroom.root / "content/2026/11/2026-11-nyj-001.md").read_text(encoding="utf-8")
    assert text == (
        "---\nid: 2026-11-nyj-001\ntitle: 我市开展秋冬季森林防火专项检查\nunit: nyj\nauthor: 李明\n"
        "signed_off_by: ''\nsubmitted: 2026-11-05T18:00:00+08:00\ncategory: 动态\nclassification: 内部\n"
        "status: 已报送\n---\n\n" + BODY
    )
    assert result.err == (
        f"已从 {path} 导入：我市开展秋冬季森林防火专项检查（2 段正文、2 张图片、1 条脚注）\n"
        "已去掉标题上方的报头：应急管理信息 / 第23期 / 江城市应急管理局 2026年11月5日\n"
        "已去掉标题下的署名：（市农业农村局）\n"
        f"{path}: warning[W311]: 文中提到附件（附件：1. 隐患整改清单；2. 检查组名单），附件没有导入，这几行已从正文删去；"
        "请向报送单位索取附件，需要时把内容写进正文\n"
        "已新建 content/2026/11/2026-11-nyj-001.md（市农业农村局，作者 李明）；"
        "请填写 signed_off_by（审签领导）、核对正文，然后运行 bulletin check\n"
    )


def test_the_imported_footnote_renders_as_a_footnote_without_an_arrow(newsroom, tmp_path, monkeypatch):
    html = to_html(BODY, "content/2026/11/2026-11-nyj-001.md")
    assert ('专项检查<sup id="fnref-2026-11-nyj-001-1"><a class="footnote-ref" href="#fn-2026-11-nyj-001-1">[1]</a>'
            "</sup>，排查隐患37处。") in html
    assert '<li id="fn-2026-11-nyj-001-1">\n<p>含国有林场3个&nbsp;<a class="footnote-backref"' in html
    assert "↑" not in html and "↩" not in html and "\\[1\\]" not in html and html.count("[1]") == 1


def test_a_byline_naming_another_unit_is_a_warning(newsroom, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = tmp_path / "教育.docx"
    as_sent().save(path)
    result = run_cli(newsroom.root, "import", str(path), "--unit", "jyj", today="2026-11-05")
    assert result.code == 0
    assert (f"{path}: warning[W310]: 署名“（市农业农村局）”是市农业农村局（nyj），不是 --unit jyj（市教育局）；"
            "若稿件是市农业农村局报送的，请删去新稿件后用 --unit nyj 重新导入\n") in result.err


def test_the_imported_report_checks_clean(newsroom, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = tmp_path / "应急23期.docx"
    as_sent().save(path)
    run_cli(newsroom.root, "import", str(path), "--unit", "nyj", "--signed-off-by", "副局长 陈立", today="2026-11-05")
    found = run_check(newsroom.root, date(2026, 11, 5)).problems
    assert [p.format() for p in found if p.path.endswith("2026-11-nyj-001.md")] == []


def _short(title: str) -> docx.Document:
    d = docx.Document()
    d.add_heading(title, level=1)
    d.add_paragraph("11月4日，工作进展顺利。")
    return d


def test_a_folder_imports_one_report_per_file_with_a_summary(newsroom, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "来稿"
    folder.mkdir()
    _short("甲稿件标题").save(folder / "1.docx")
    _short("乙稿件标题").save(folder / "2.DOCX")
    (folder / "~$1.docx").write_bytes(b"lock")  # Word's lock file while 1.docx is open
    (folder / "说明.txt").write_text("不是稿件", encoding="utf-8")
    (folder / "3.docx").write_bytes(b"not a zip")
    result = run_cli(newsroom.root, "import", str(folder), "--unit", "nyj", today="2026-11-05")
    assert result.code == 1
    assert result.out == "content/2026/11/2026-11-nyj-001.md\ncontent/2026/11/2026-11-nyj-002.md\n"
    titles = [(newsroom.root / f"content/2026/11/2026-11-nyj-00{n}.md").read_text(encoding="utf-8").split("\n")[2]
              for n in (1, 2)]
    assert titles == ["title: 甲稿件标题", "title: 乙稿件标题"]
    assert result.err.endswith(
        f"{folder / '3.docx'}: 错误：不是有效的 .docx 文件（可能已损坏或不完整）；请在 Word 中打开，另存为 .docx 后再导入\n"
        f"共 3 个文件：导入 2 篇，1 个未能导入：{folder / '3.docx'}\n"
    )


def test_several_files_in_one_call(newsroom, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    _short("甲稿件标题").save(tmp_path / "a.docx")
    _short("乙稿件标题").save(tmp_path / "b.docx")
    result = run_cli(newsroom.root, "import", str(tmp_path / "a.docx"), str(tmp_path / "b.docx"), "--unit", "jyj",
                     today="2026-11-05")
    assert (result.code, result.out) == (0, "content/2026/11/2026-11-jyj-001.md\ncontent/2026/11/2026-11-jyj-002.md\n")
    assert result.err.endswith("共 2 个文件：导入 2 篇\n")


def test_an_empty_folder_is_a_usage_error(newsroom, tmp_path):
    (tmp_path / "空").mkdir()
    result = run_cli(newsroom.root, "import", str(tmp_path / "空"), "--unit", "nyj")
    assert (result.code, result.err) == (2, f"bulletin: 用法错误：文件夹 {tmp_path / '空'} 中没有 .docx、.doc 或 .wps 文件\n")


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_doc_and_wps_without_libreoffice_say_what_to_do(newsroom, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    (tmp_path / "a.wps").write_bytes(OLE)
    result = run_cli(newsroom.root, "import", str(tmp_path / "a.wps"), "--unit", "nyj")
    assert (result.code, result.err) == (
        1, f"{tmp_path / 'a.wps'}: 错误：这是WPS 文档（.wps）；请在 Word 或 WPS 中另存为 .docx 后再导入\n")


def test_doc_files_go_through_soffice_when_it_is_installed(newsroom, tmp_path, monkeypatch):
    """A stand-in ``soffice`` that writes the .docx LibreOffice would: the command line is LibreOffice's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    converted = tmp_path / "converted.docx"
    _short("旧格式来稿标题").save(converted)
    tools = tmp_path / "bin"
    tools.mkdir()
    script = tools / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > {tmp_path / "args"}\n'
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        f'cp {converted} "$2/in.docx"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "来稿.doc").write_bytes(OLE)
    result = run_cli(newsroom.root, "import", str(tmp_path / "来稿.doc"), "--unit", "nyj", today="2026-11-05")
    assert (result.code, result.out) == (0, "content/2026/11/2026-11-nyj-001.md\n")
    args = (tmp_path / "args").read_text(encoding="utf-8").split()
    assert args[1:6] == ["--headless", "--norestore", "--convert-to", "docx", "--outdir"]
    assert args[-1].endswith("/in.doc") and args[0].startswith("-env:UserInstallation=file://")


def test_a_bold_headline_below_a_styled_masthead_is_the_title(newsroom, tmp_path, monkeypatch):
    """No font sizes set: the masthead in Word's Title style is still a masthead, the bold line the headline."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    d = docx.Document()
    d.add_heading("教育工作简报", level=0)
    d.add_paragraph("2026年第9期")
    d.add_paragraph("报送：市政府办公室")
    d.add_paragraph("————————————")
    d.add_paragraph("说明")  # a short line before the headline that is not bold
    d.add_paragraph().add_run("全市中小学开展冬季安全大检查").bold = True
    d.add_paragraph("市教育局供稿")
    d.add_paragraph("11月以来，全市各中小学校全面开展冬季安全检查。")
    path = tmp_path / "简报.docx"
    d.save(path)
    result = run_cli(newsroom.root, "import", str(path), "--unit", "jyj", today="2026-11-05")
    text = (newsroom.root / "content/2026/11/2026-11-jyj-001.md").read_text(encoding="utf-8")
    assert "\ntitle: 全市中小学开展冬季安全大检查\n" in text
    assert text.endswith("---\n\n11月以来，全市各中小学校全面开展冬季安全检查。\n")
    assert "已去掉标题上方的报头：教育工作简报 / 2026年第9期 / 报送：市政府办公室 / ———————————— / 说明\n" in result.err
    assert "已去掉标题下的署名：市教育局供稿\n" in result.err and "W310" not in result.err


def test_a_sentence_after_a_picture_stays_a_paragraph_and_a_bold_sentence_is_no_headline(newsroom, tmp_path,
                                                                                          monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    d = docx.Document()
    d.add_paragraph("西川县防汛工作有序推进")
    d.add_paragraph().add_run("11月4日，全县转移群众120人。").bold = True
    d.add_picture(io.BytesIO(png()), width=Inches(1))
    d.add_paragraph("全县无人员伤亡。")
    path = tmp_path / "防汛.docx"
    d.save(path)
    run_cli(newsroom.root, "import", str(path), "--unit", "nyj", today="2026-11-05")
    text = (newsroom.root / "content/2026/11/2026-11-nyj-001.md").read_text(encoding="utf-8")
    assert "\ntitle: 西川县防汛工作有序推进\n" in text
    assert text.endswith("11月4日，全县转移群众120人。\n\n![](2026-11-nyj-001-1.png)\n\n全县无人员伤亡。\n")
