"""``bulletin import``: a Word file made here with python-docx becomes exactly the expected report."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import date

import docx
import pytest
from docx.shared import Inches
from helpers.workflow import run_cli

from bulletin.check import run_check
from bulletin.markup import to_html

EPOCH = "1773050400"  # 2026-03-09 18:00 in Shanghai


def png(width: int = 4, height: int = 3) -> bytes:
    """A tiny valid PNG, so the test needs no image files."""
    raw = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def submission() -> docx.Document:
    """A unit's submission as offices write them: title, indented paragraphs, 一、/（一） heads."""
    d = docx.Document()
    d.add_heading("市农业农村局秋粮收购进展顺利", level=1)
    p = d.add_paragraph("　　截至11月20日，全市已收购秋粮")
    p.add_run("12.6万吨").bold = True
    p.add_run("，同比增长8%。")
    d.add_paragraph("一、主要做法")
    d.add_paragraph("（一）强化组织保障")
    d.add_paragraph("　　成立秋粮收购工作专班，*每周*调度一次[收购]进度。")
    d.add_paragraph("（二）优化服务。设立收购点42个，方便农民就近售粮。")
    d.add_heading("二、存在问题", level=2)
    table = d.add_table(rows=4, cols=3)
    rows = [["品种", "收购量（万吨）", "同比"], ["稻谷", "8.1", "+6%"], ["玉米", "4.5", "+12%"]]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    merged = table.cell(3, 0).merge(table.cell(3, 1))
    merged.text = "合计"
    table.cell(3, 2).text = "12.6 | 约"
    shape = d.add_picture(io.BytesIO(png()), width=Inches(1))
    shape._inline.docPr.set("descr", "粮库 收购现场")
    d.add_picture(io.BytesIO(png(2, 2)), width=Inches(1))
    d.add_paragraph("烘干能力不足", style="List Bullet")
    d.add_paragraph("仓容偏紧", style="List Bullet")
    lines = d.add_paragraph("1. 山区乡镇烘干难。")
    lines.add_run().add_break()
    lines.add_run("# 下一步加强调度。")
    d.add_paragraph("签发人：副局长 陈立")
    d.add_paragraph("联系人：王小红　电话：0571-86012345")
    return d


EXPECTED_BODY = """\
截至11月20日，全市已收购秋粮12.6万吨，同比增长8%。

## 一、主要做法

### （一）强化组织保障

成立秋粮收购工作专班，\\*每周\\*调度一次\\[收购\\]进度。

（二）优化服务。设立收购点42个，方便农民就近售粮。

## 二、存在问题

| 品种 | 收购量（万吨） | 同比 |
|---|---|---|
| 稻谷 | 8.1 | +6% |
| 玉米 | 4.5 | +12% |
| 合计 |  | 12.6 \\| 约 |

![粮库 收购现场](2026-03-nyj-002-1.png)

![](2026-03-nyj-002-2.png)

- 烘干能力不足
- 仓容偏紧

1\\. 山区乡镇烘干难。

\\# 下一步加强调度。
"""


@pytest.fixture
def word_file(tmp_path):
    path = tmp_path / "来稿.docx"
    submission().save(path)
    return path


def test_word_submission_becomes_the_expected_report(newsroom, word_file, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = run_cli(newsroom.root, "import", str(word_file), "--unit", "nyj", today="2026-03-10")
    assert (result.code, result.out) == (0, "content/2026/03/2026-03-nyj-002.md\n")
    report = newsroom.root / "content/2026/03/2026-03-nyj-002.md"
    assert report.read_text(encoding="utf-8") == (
        "---\nid: 2026-03-nyj-002\ntitle: 市农业农村局秋粮收购进展顺利\nunit: nyj\nauthor: 李明\n"
        "signed_off_by: 副局长 陈立\nsubmitted: 2026-03-10T18:00:00+08:00\ncategory: 动态\nclassification: 内部\n"
        "status: 已报送\ncontact: {name: 王小红, phone: 0571-86012345}\n---\n\n" + EXPECTED_BODY
    )
    assert (newsroom.root / "content/2026/03/2026-03-nyj-002-1.png").read_bytes() == png()
    assert (newsroom.root / "content/2026/03/2026-03-nyj-002-2.png").read_bytes() == png(2, 2)
    assert result.err == (
        f"已从 {word_file} 导入：市农业农村局秋粮收购进展顺利（6 段正文、3 个小标题、1 个表格、2 张图片）\n"
        "已把联系信息移出正文，记入 contact（不上任何网站）：联系人：王小红　电话：0571-86012345\n"
        "已新建 content/2026/03/2026-03-nyj-002.md（市农业农村局，作者 李明）；请核对正文，然后运行 bulletin check\n"
    )


def test_imported_report_passes_check_and_renders(newsroom, word_file, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    run_cli(newsroom.root, "import", str(word_file), "--unit", "nyj", "--category", "经验", today="2026-03-10")
    found = run_check(newsroom.root, date(2026, 3, 10)).problems
    assert [(p.path, p.code) for p in found if p.path.endswith("nyj-002.md")] == [
        ("content/2026/03/2026-03-nyj-002.md", "W103")  # the second picture has no caption
    ]
    html = to_html(EXPECTED_BODY, "content/2026/03/2026-03-nyj-002.md")
    assert "<h2>一、主要做法</h2>" in html and "<h3>（一）强化组织保障</h3>" in html
    assert "<td>12.6 | 约</td>" in html and '<img alt="粮库 收购现场" src="2026-03-nyj-002-1.png"' in html
    assert "<p>1. 山区乡镇烘干难。</p>" in html and "<p># 下一步加强调度。</p>" in html
    assert "*每周*调度一次[收购]进度" in html


def test_a_secret_submission_is_imported_into_the_store_with_its_images(newsroom, word_file, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    newsroom.write("mkdocs.yml", "extra:\n  bulletin:\n    classified_store: classified\n")
    (newsroom.root / "classified").mkdir()
    result = run_cli(newsroom.root, "import", str(word_file), "--unit", "nyj", "--classification", "秘密",
                     today="2026-03-10")
    assert (result.code, result.out) == (0, "classified/content/2026/03/2026-03-nyj-002.md\n")
    stored = newsroom.root / "classified/content/2026/03"
    assert "classification: 秘密\n" in (stored / "2026-03-nyj-002.md").read_text(encoding="utf-8")
    assert (stored / "2026-03-nyj-002-1.png").read_bytes() == png()
    assert sorted(p.name for p in (newsroom.root / "content/2026/03").iterdir()) == ["2026-03-nyj-001.md"]


def test_the_first_line_is_the_title_when_there_is_no_heading(newsroom, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    d = docx.Document()
    d.add_paragraph("　西川县  强降雨致两处山体滑坡 ")
    d.add_paragraph("3月9日凌晨，西川县出现强降雨。")
    path = tmp_path / "急报.docx"
    d.save(path)
    result = run_cli(newsroom.root, "import", str(path), "--unit", "jyj", "--category", "紧急", today="2026-03-10")
    assert result.code == 0
    text = (newsroom.root / "content/2026/03/2026-03-jyj-001.md").read_text(encoding="utf-8")
    assert "\ntitle: 西川县 强降雨致两处山体滑坡\n" in text
    assert "\nsigned_off_by: ''\n" in text and "\ncategory: 紧急\n" in text
    assert text.endswith("---\n\n3月9日凌晨，西川县出现强降雨。\n")
    assert "请填写 signed_off_by（审签领导）、核对正文" in result.err


def _fail(newsroom, path) -> tuple[int, str]:
    result = run_cli(newsroom.root, "import", str(path), "--unit", "nyj")
    assert not list((newsroom.root / "content/2026/03").glob("2026-03-nyj-002*"))
    return result.code, result.err


def test_old_doc_files_are_refused(newsroom, tmp_path):
    path = tmp_path / "来稿.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le"))
    assert _fail(newsroom, path) == (1, f"{path}: 错误：这是旧版 Word 97-2003 文档（.doc）；请在 Word 或 WPS 中另存为 .docx 后再导入\n")


def test_encrypted_files_are_refused(newsroom, tmp_path):
    path = tmp_path / "加密.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"))
    assert _fail(newsroom, path) == (1, f"{path}: 错误：文件设置了打开密码（已加密）；请在 Word 中取消密码、另存为 .docx 后再导入\n")


def test_broken_files_are_refused(newsroom, word_file, tmp_path):
    truncated = tmp_path / "半截.docx"
    truncated.write_bytes(word_file.read_bytes()[:2000])
    assert _fail(newsroom, truncated) == (
        1, f"{truncated}: 错误：不是有效的 .docx 文件（可能已损坏或不完整）；请在 Word 中打开，另存为 .docx 后再导入\n")
    other = tmp_path / "表格.docx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert _fail(newsroom, other) == (
        1, f"{other}: 错误：不是 Word 文档（缺少正文 word/document.xml），可能是其他格式改了扩展名；请另存为 .docx\n")
    garbled = tmp_path / "乱码.docx"
    with zipfile.ZipFile(word_file) as source, zipfile.ZipFile(garbled, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    code, err = _fail(newsroom, garbled)
    assert code == 1 and err.startswith(f"{garbled}: 错误：文件内容已损坏，无法读取（")
    assert _fail(newsroom, tmp_path / "没有.docx") == (1, f"{tmp_path / '没有.docx'}: 错误：找不到这个文件；请核对路径\n")


def test_a_document_without_text_is_refused(newsroom, tmp_path):
    path = tmp_path / "空白.docx"
    docx.Document().save(path)
    assert _fail(newsroom, path) == (1, f"{path}: 错误：文档中没有文字；请核对是否选错了文件\n")


def test_images_a_browser_cannot_show_are_left_out_with_a_note(newsroom, word_file, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    emf = tmp_path / "矢量图.docx"
    with zipfile.ZipFile(word_file) as source, zipfile.ZipFile(emf, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b'ContentType="image/png"', b'ContentType="image/x-emf"')
            target.writestr(item, data)
    result = run_cli(newsroom.root, "import", str(emf), "--unit", "nyj", today="2026-03-10")
    assert result.code == 0
    assert "注意：第 1 张图片是 image/x-emf 格式，网页和 PDF 无法显示，已略去；请另存为 PNG 后放入\n" in result.err
    text = (newsroom.root / "content/2026/03/2026-03-nyj-002.md").read_text(encoding="utf-8")
    assert "![" not in text
    assert not list((newsroom.root / "content/2026/03").glob("*.png"))


def test_import_needs_a_known_unit(newsroom, word_file):
    result = run_cli(newsroom.root, "import", str(word_file), "--unit", "xyz")
    assert result.code == 2 and result.err.startswith("bulletin: 用法错误：单位 xyz 不在 units.yaml 中")


def test_contact_lines_leave_the_body_for_contact(newsroom, tmp_path, monkeypatch):
    """Contact details as units write them — at the end of a paragraph, on their own lines, in the
    page header and footer — go to ``contact`` (shown on no site); the body keeps none of them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    d = docx.Document()
    d.add_heading("市农业农村局冬季农资保供有序", level=1)
    d.add_paragraph("11月20日，全市农资储备充足，价格平稳。（联系人：张三  电话：13912345678）")
    d.add_paragraph("手机：１３９１２３４５６７８")
    d.add_paragraph("撰稿人：李四 电话：0571 8600 1234")
    section = d.sections[0]
    section.header.paragraphs[0].text = "联系电话：（0571）87000000"
    section.footer.paragraphs[0].text = "江城市农业农村局办公室"
    path = tmp_path / "来稿.docx"
    d.save(path)
    result = run_cli(newsroom.root, "import", str(path), "--unit", "nyj", "--signed-off-by", "副局长 陈立",
                     today="2026-03-10")
    assert result.code == 0
    text = (newsroom.root / "content/2026/03/2026-03-nyj-002.md").read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    assert front.endswith("\ncontact: {name: 张三, phone: 13912345678、0571 8600 1234、(0571)87000000}")
    assert body == "\n11月20日，全市农资储备充足，价格平稳。\n"
    assert result.err.count("已把联系信息移出正文，记入 contact（不上任何网站）：") == 4
    assert "（联系人：张三 电话：13912345678）\n" in result.err and "联系电话：（0571）87000000\n" in result.err
    problems = run_check(newsroom.root, date(2026, 3, 10)).problems
    assert [p for p in problems if p.path.endswith("nyj-002.md")] == []
