"""``bulletin import FILE.docx --unit U``: a Word submission becomes a report file.

mammoth reads the .docx into plain semantic HTML (Word styling already dropped); this module
turns that into the Markdown the newsroom uses: the first line or heading is the title;
paragraphs; ``一、`` and ``（一）`` lines (or Word headings) become ``##`` and ``###``; tables become
Markdown tables; images are saved beside the report as ``<id>-1.png`` … and referenced. A
``签发人：…`` line fills ``signed_off_by``. Contact lines — ``联系人：``, ``联系电话：``, ``手机：``,
``撰稿人：… 电话`` paragraphs, a bracketed ``（联系人：…电话：…）`` at the end of a paragraph, and
such lines in the page header and footer — leave the body for a ``contact: {name, phone}`` entry
that no site shows, so no officer's phone number reaches a website. Old .doc, encrypted and
broken files get a clear error.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import mammoth

from bulletin import personal
from bulletin.commands._common import load_newsroom, shown, yaml_scalar
from bulletin.commands._report_file import next_steps, plan_report, write_report
from bulletin.escape import md_literal as escape
from bulletin.write import atomic_write

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 files, and encrypted .docx
MAX_UNPACKED = 200 * 1024 * 1024
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
STYLE_MAP = "p[style-name='Title'] => h1:fresh\np[style-name='Subtitle'] => h2:fresh"

_LEVEL_ONE = re.compile(r"^[一二三四五六七八九十百]+、")
_LEVEL_TWO = re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")
_SENTENCE_MARK = re.compile(r"[。；！？;!?]")
_SIGNED = re.compile(r"^(?:签发人|签发|审签人|审签|审核人)\s*[：:]\s*(\S.*)$")  # \s* and \S never compete
_CONTACT = re.compile(r"^(?:联系人|联系电话|电话|手机|撰稿人|撰稿|报送单位|邮箱)\s*[：:]")
_TRAILING_CONTACT = re.compile(r"[（(]\s*(?:联系人|联系电话|电话|手机|撰稿人|撰稿)\s*[：:][^（）()]{0,80}[）)]\s*$")
_CONTACT_NAME = re.compile(r"(?:联系人|撰稿人|撰稿)\s*[：:]\s*([^\s：:，,；;、（）()电手0-9]{1,20})")
_CONTACT_PHONE = re.compile(r"(?:电话|手机)\s*[：:]\s*([0-9０-９(（][0-9０-９()（）\-－— ]{2,24}[0-9０-９])")
_XML_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_XML_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
HEADING_MAX = 40


class ImportFailure(Exception):
    """A Word file that cannot be imported; the message says what to do instead."""


# --- reading the file ----------------------------------------------------------------------


def read_docx(path: Path) -> bytes:
    if not path.is_file():
        raise ImportFailure("找不到这个文件；请核对路径")
    data = path.read_bytes()
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportFailure("文件设置了打开密码（已加密）；请在 Word 中取消密码、另存为 .docx 后再导入")
        raise ImportFailure("这是旧版 Word 97-2003 文档（.doc）；请在 Word 或 WPS 中另存为 .docx 后再导入")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if path.suffix.lower() == ".doc":
            raise ImportFailure("不是 Word 文档；.doc 文件请在 Word 或 WPS 中另存为 .docx 后再导入")
        raise ImportFailure("不是有效的 .docx 文件（可能已损坏或不完整）；请在 Word 中打开，另存为 .docx 后再导入")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise ImportFailure("不是 Word 文档（缺少正文 word/document.xml），可能是其他格式改了扩展名；请另存为 .docx")
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise ImportFailure("解压后超过 200 MB；请压缩图片后另存再导入")
    return data


# --- HTML to a small tree ------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)


class _Tree(HTMLParser):
    _VOID = {"img", "br", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self._VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    tree = _Tree()
    tree.feed(text)
    tree.close()
    return tree.root


# --- tree to Markdown ----------------------------------------------------------------------


def _clean(text: str) -> str:
    """Trim Word's indentation (full-width spaces) and collapse runs of blanks."""
    return re.sub(r"[ \t\u00a0]+", " ", text).strip(" \t\n\u3000\u00a0")


@dataclass
class Block:
    kind: str  # "p", "h", "table", "list", "image"
    text: str = ""
    level: int = 0
    markdown: str = ""


class Converter:
    """Walks mammoth's HTML. Text stays raw until rendered; an image is a ``\x00k\x00`` marker."""

    def __init__(self, images: list[tuple[str, str]]):
        self.images = images  # (file name, alt) per <img>, in the order mammoth met them
        self.image_index = 0

    def inline(self, node: Node | str) -> list[str]:
        """Lines of raw text (a <br> starts a new one); styling and link targets are dropped."""
        if isinstance(node, str):
            return [node]
        if node.tag == "br":
            return ["", ""]
        if node.tag == "img":
            self.image_index += 1
            return [f"\x00{self.image_index - 1}\x00"]
        parts: list[str] = [""]
        for child in node.children:
            pieces = self.inline(child)
            parts[-1] += pieces[0]
            parts += pieces[1:]
        return parts

    def image(self, index: int) -> str:
        name, alt = self.images[index] if index < len(self.images) else ("", "")
        return f"![{escape(alt)}]({name})" if name else ""

    def render(self, raw: str) -> str:
        """Raw text with image markers as one line of Markdown."""
        pieces = raw.split("\x00")
        out = [self.image(int(p)) if n % 2 else escape(_clean(p), line_start=False) for n, p in enumerate(pieces)]
        return " ".join(p for p in out if p)

    def blocks(self, node: Node) -> list[Block]:
        found: list[Block] = []
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    found += self._paragraph(child, None)
            elif re.fullmatch(r"h[1-6]", child.tag):
                found += self._paragraph(child, int(child.tag[1]))
            elif child.tag == "p":
                found += self._paragraph(child, None)
            elif child.tag == "table":
                found.append(Block("table", markdown=self._table(child)))
            elif child.tag in ("ul", "ol"):
                found.append(Block("list", markdown="\n".join(self._list(child, 0))))
            else:
                found += self.blocks(child)
        return found

    def _paragraph(self, node: Node | str, level: int | None) -> list[Block]:
        found = []
        for line in self.inline(node):
            for n, piece in enumerate(line.split("\x00")):
                if n % 2 == 1:
                    if self.image(int(piece)):
                        found.append(Block("image", markdown=self.image(int(piece))))
                elif _clean(piece):
                    found.append(Block("h" if level else "p", _clean(piece), level or 0))
        return found

    def _inline_text(self, node: Node) -> str:
        """A table cell or list item on one line: its paragraphs joined by a space."""
        lines = []
        for child in node.children:
            if isinstance(child, Node) and child.tag in ("ul", "ol"):
                continue
            lines += self.inline(child)
        return " ".join(r for r in map(self.render, lines) if r)

    def _cells(self, row: Node) -> list[tuple[str, int, int]]:
        cells = []
        for cell in row.children:
            if isinstance(cell, Node) and cell.tag in ("td", "th"):
                text = self._inline_text(cell)
                span = int(cell.attrs.get("colspan") or 1)
                down = int(cell.attrs.get("rowspan") or 1)
                cells.append((text, span, down))
        return cells

    def _rows(self, node: Node) -> list[Node]:
        rows = []
        for child in node.children:
            if isinstance(child, Node):
                rows += [child] if child.tag == "tr" else self._rows(child)
        return rows

    def _table(self, node: Node) -> str:
        grid: list[list[str]] = []
        carried: dict[int, int] = {}  # column -> rows still covered by a cell above
        for row in self._rows(node):
            out: list[str] = []
            for text, span, down in self._cells(row):
                while carried.get(len(out), 0) > 0:
                    carried[len(out)] -= 1
                    out.append("")
                for k in range(span):
                    if down > 1:
                        carried[len(out)] = down - 1
                    out.append(text if k == 0 else "")
            while carried.get(len(out), 0) > 0:
                carried[len(out)] -= 1
                out.append("")
            grid.append(out)
        width = max((len(r) for r in grid), default=0)
        if not width:
            return ""
        lines = []
        for n, row in enumerate(grid):
            cells = row + [""] * (width - len(row))
            lines.append("| " + " | ".join(cells) + " |")
            if n == 0:
                lines.append("|" + "---|" * width)
        return "\n".join(lines)

    def _list(self, node: Node, depth: int) -> list[str]:
        lines = []
        number = 0
        for item in node.children:
            if not isinstance(item, Node) or item.tag != "li":
                continue
            number += 1
            marker = f"{number}." if node.tag == "ol" else "-"
            lines.append(f"{'   ' * depth}{marker} {self._inline_text(item)}")
            for sub in item.children:
                if isinstance(sub, Node) and sub.tag in ("ul", "ol"):
                    lines += self._list(sub, depth + 1)
        return lines


def heading_level(block: Block) -> int:
    """2 for ``##``, 3 for ``###``, 0 for a paragraph."""
    if block.kind == "h":
        return 2 if block.level <= 2 else 3
    short = len(block.text) <= HEADING_MAX and not _SENTENCE_MARK.search(block.text)
    if short and _LEVEL_ONE.match(block.text):
        return 2
    if short and _LEVEL_TWO.match(block.text):
        return 3
    return 0


@dataclass
class Converted:
    title: str
    body: str
    signed_off_by: str = ""
    moved: list[str] = field(default_factory=list)  # contact lines taken out of the body
    contact: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def take_contact(self, line: str) -> None:
        """Record a contact line: its name and phone go to ``contact``, never to the body."""
        self.moved.append(line)
        name = _CONTACT_NAME.search(line)
        if name and "name" not in self.contact:
            self.contact["name"] = name[1]
        phones = [html_free(m[1]) for m in _CONTACT_PHONE.finditer(line)]
        phones += [personal.normalise(line[f.start:f.end]) for f in personal.find(line)]
        for phone in dict.fromkeys(phones):
            known = self.contact.get("phone")
            if known is None:
                self.contact["phone"] = phone
            elif phone not in known and personal.canonical(phone) not in personal.canonical(known):
                self.contact["phone"] = f"{known}、{phone}"


def html_free(text: str) -> str:
    return personal.normalise(text).strip()


def _paragraph_text(block: Block, result: Converted) -> str:
    """A paragraph without a bracketed contact at its end (moved to ``contact``)."""
    trailing = _TRAILING_CONTACT.search(block.text)
    if trailing is None:
        return block.text
    result.take_contact(trailing.group().strip())
    return block.text[: trailing.start()].rstrip()


def to_report(blocks: list[Block]) -> Converted:
    texts = [b for b in blocks if b.kind in ("p", "h")]
    if not texts:
        raise ImportFailure("文档中没有文字；请核对是否选错了文件")
    title_block = texts[0]
    result = Converted(title=title_block.text, body="")
    out: list[str] = []
    counts = {"段正文": 0, "个小标题": 0, "个表格": 0, "张图片": 0}
    for block in blocks:
        if block is title_block:
            continue
        signed = _SIGNED.match(block.text) if block.kind == "p" else None
        if signed and not result.signed_off_by:
            result.signed_off_by = signed[1].strip()
            continue
        if block.kind == "p" and _CONTACT.match(block.text):
            result.take_contact(block.text)
            continue
        if block.kind == "p":
            block = Block("p", _paragraph_text(block, result))
            if not block.text:
                continue
        if block.kind in ("p", "h"):
            level = heading_level(block)
            counts["个小标题" if level else "段正文"] += 1
            out.append(f"{'#' * level} {escape(block.text)}" if level else escape(block.text))
        elif block.markdown:
            counts["个表格" if block.kind == "table" else "张图片" if block.kind == "image" else "段正文"] += 1
            out.append(block.markdown)
    result.body = "\n\n".join(out)
    result.counts = counts
    return result


# --- the command ---------------------------------------------------------------------------


def convert(data: bytes, report_id: str) -> tuple[Converted, list[tuple[str, bytes]], list[str]]:
    """The report, the image files to write beside it, and notes about what was left out."""
    images: list[tuple[str, str]] = []
    files: list[tuple[str, bytes]] = []
    notes: list[str] = []

    def save(image) -> dict[str, str]:
        extension = IMAGE_TYPES.get(image.content_type)
        with image.open() as stream:
            payload = stream.read()
        if extension is None:
            notes.append(f"第 {len(images) + 1} 张图片是 {image.content_type} 格式，网页和 PDF 无法显示，已略去；请另存为 PNG 后放入")
            images.append(("", ""))
            return {}
        name = f"{report_id}-{len(files) + 1}.{extension}"
        files.append((name, payload))
        images.append((name, " ".join((image.alt_text or "").split())))
        return {"src": name}

    try:
        html = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(save), style_map=STYLE_MAP)
    except Exception as exc:  # a third-party parser on untrusted input: any failure means a broken file
        raise ImportFailure(f"文件内容已损坏，无法读取（{type(exc).__name__}）；请在 Word 中打开，另存为 .docx 后再导入") from None
    converter = Converter(images)
    result = to_report(converter.blocks(parse_html(html.value)))
    for line in header_footer_lines(data):
        if _CONTACT.match(line) or _TRAILING_CONTACT.search(line):
            result.take_contact(line)
    return result, files, notes


def header_footer_lines(data: bytes) -> list[str]:
    """The text of each paragraph in the page headers and footers (mammoth leaves them out)."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist()):
            if re.fullmatch(r"word/(?:header|footer)[0-9]*\.xml", name):
                xml = archive.read(name).decode("utf-8", errors="ignore")
                for paragraph in _XML_PARAGRAPH.findall(xml):
                    text = _clean("".join(_XML_TEXT.findall(paragraph)))
                    if text:
                        lines.append(text)
    return lines


def contact_entry(contact: dict[str, str]) -> str:
    """``{name: 张三, phone: '13912345678'}``: a flow mapping on one front-matter line."""
    return "{" + ", ".join(f"{key}: {yaml_scalar(value)}" for key, value in contact.items()) + "}"


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("file")
    parser.add_argument("--unit", required=True)
    parser.add_argument("--category", default="动态")
    parser.add_argument("--classification", default=None, help="密级；秘密及以上写入涉密库")
    parser.add_argument("--signed-off-by", default=None, help="审签领导；不写时取 Word 中“签发人：”一行")


def run(ctx, args) -> int:
    source = Path(args.file)
    newsroom = load_newsroom(ctx)
    try:
        data = read_docx(source)
        # the id (for image names) and every argument are settled before the file is read
        settled = plan_report(ctx, newsroom, args.unit, "导入", args.category, args.classification)
        converted, files, notes = convert(data, settled.id)
    except ImportFailure as exc:
        print(f"{args.file}: 错误：{exc}", file=sys.stderr)
        return 1
    signed = args.signed_off_by or converted.signed_off_by
    plan = plan_report(ctx, newsroom, args.unit, converted.title, args.category, args.classification, signed)
    if converted.contact:
        plan.front.append(("contact", contact_entry(converted.contact)))
    for name, payload in files:
        atomic_write(plan.path.parent / name, payload)
    write_report(plan, converted.body)
    counts = "、".join(f"{n} {what}" for what, n in converted.counts.items() if n)
    ctx.say(f"已从 {args.file} 导入：{converted.title}（{counts or '无正文'}）")
    for note in notes:
        ctx.say(f"注意：{note}")
    for line in converted.moved:
        ctx.say(f"已把联系信息移出正文，记入 contact（不上任何网站）：{line}")
    next_steps(ctx, plan, newsroom, signed=bool(signed), body=bool(converted.body))
    print(shown(plan.path))
    return 0
