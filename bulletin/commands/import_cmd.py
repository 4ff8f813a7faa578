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

Word files as units send them: the 报头 above the headline (publication name, 第N期, the unit
and date line, 报送：) is dropped and the real headline (largest, else a Word heading, else bold)
is the title; the byline under it is dropped (a warning when it names another unit); a caption,
or a short line right after a picture, becomes the picture's alt text; footnotes become Markdown
footnotes; ``附件：`` lines are dropped with a warning. Several files or folders import in one
call; .doc and .wps go through LibreOffice's ``soffice`` when it is installed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import mammoth

from bulletin import personal
from bulletin.commands._common import display_path, load_newsroom, yaml_scalar
from bulletin.commands._report_file import next_steps, plan_report, write_report
from bulletin.errors import UsageError
from bulletin.escape import md_literal as escape
from bulletin.model import Newsroom, Unit
from bulletin.write import atomic_write

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 files, and encrypted .docx
MAX_UNPACKED = 200 * 1024 * 1024
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
STYLE_MAP = "\n".join([
    "p[style-name='Title'] => h1:fresh",
    "p[style-name='Subtitle'] => h2:fresh",
    "p[style-name='Caption'] => p.caption:fresh",  # Word's 题注 (English and Chinese style names)
    "p[style-name='caption'] => p.caption:fresh",
    "p[style-name='题注'] => p.caption:fresh",
])

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
CAPTION_MAX = 40
# The masthead (报头) above a unit's headline: publication name, 第N期, unit-and-date line, 报送：.
_PUBLICATION = re.compile(r"^[^，。；：:！？、\s]{2,12}(?:信息|简报|快报|动态|专报|要情|参阅|通讯|情况|月报|周报|专刊|工作)$")
_ISSUE_NUMBER = re.compile(r"^[（(〔\[]?(?:\d{4}\s*年\s*)?(?:总\s*)?第\s*[0-9一二三四五六七八九十百]+\s*期[）)〕\]]?"
                           r"(?:\s*[（(]?总第\s*\d+\s*期[）)]?)?$")
_DATELINE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_DISTRIBUTION = re.compile(r"^(?:报送|主送|抄送|报|送|发)\s*[：:]")
_RULE = re.compile(r"^[\W_]+$")  # a line of ——— or ★ between masthead and headline
_BYLINE_UNIT = re.compile(r"(?:局|委|办|院|所|中心|政府|街道|镇|乡|县|区|委员会|公司|供稿|报送|供)$")
_ATTACHMENT = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*(?:[：:]|$)")
_ATTACHMENT_ITEM = re.compile(r"^[0-9０-９]+\s*[.、．]")
_NOTE_MARK = re.compile("\x01([fe])(\\d+)\x01")
_NOTE_HREF = re.compile(r"^#(footnote|endnote)-(\d+)$")
_XML_SIZE = re.compile(r'<w:sz w:val="(\d+)"')


class ImportFailure(Exception):
    """A Word file that cannot be imported; the message says what to do instead."""


# --- reading the file ----------------------------------------------------------------------


WORD_SUFFIXES = (".docx", ".doc", ".wps")
SOFFICE_SECONDS = 120


def read_docx(path: Path) -> bytes:
    if not path.is_file():
        raise ImportFailure("找不到这个文件；请核对路径")
    data = path.read_bytes()
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportFailure("文件设置了打开密码（已加密）；请在 Word 中取消密码、另存为 .docx 后再导入")
        data = through_libreoffice(path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if path.suffix.lower() in (".doc", ".wps"):
            raise ImportFailure(f"不是 Word 文档；{path.suffix.lower()} 文件请在 Word 或 WPS 中另存为 .docx 后再导入")
        raise ImportFailure("不是有效的 .docx 文件（可能已损坏或不完整）；请在 Word 中打开，另存为 .docx 后再导入")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise ImportFailure("不是 Word 文档（缺少正文 word/document.xml），可能是其他格式改了扩展名；请另存为 .docx")
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise ImportFailure("解压后超过 200 MB；请压缩图片后另存再导入")
    return data


def through_libreoffice(path: Path) -> bytes:
    """An old Word 97-2003 (.doc) or WPS (.wps) file as .docx, converted by LibreOffice's
    ``soffice`` when it is installed (a private profile in a temporary folder, no network)."""
    kind = "WPS 文档（.wps）" if path.suffix.lower() == ".wps" else "旧版 Word 97-2003 文档（.doc）"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ImportFailure(f"这是{kind}；请在 Word 或 WPS 中另存为 .docx 后再导入")
    with tempfile.TemporaryDirectory(prefix="bulletin-import-") as folder:
        source = Path(folder) / f"in{path.suffix.lower()}"
        shutil.copyfile(path, source)  # a plain ASCII name: soffice mishandles some file names
        command = [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", folder, str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=SOFFICE_SECONDS, check=False,
                           env={**os.environ, "HOME": folder})
        except (OSError, subprocess.TimeoutExpired):
            raise ImportFailure(f"这是{kind}，LibreOffice 未能在 {SOFFICE_SECONDS} 秒内转换；"
                                "请在 Word 或 WPS 中另存为 .docx 后再导入") from None
        converted = Path(folder) / "in.docx"
        if not converted.is_file():
            raise ImportFailure(f"这是{kind}，LibreOffice 无法转换（文件可能已损坏）；请在 Word 或 WPS 中另存为 .docx 后再导入")
        return converted.read_bytes()


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
    kind: str  # "p", "h", "table", "list", "image", "note"
    text: str = ""
    level: int = 0
    markdown: str = ""
    bold: bool = False  # every letter of the paragraph is bold (a headline typed as bold text)
    caption: bool = False  # Word's caption style (题注)
    src: str = ""  # an image's file name


def _all_bold(node: Node | str, inside: bool = False) -> bool:
    if isinstance(node, str):
        return inside or not node.strip()
    inside = inside or node.tag in ("strong", "b")
    return all(_all_bold(child, inside) for child in node.children)


def note_marker(kind: str, number: str) -> str:
    """Where a footnote (``f``) or endnote (``e``) is referenced; becomes ``[^N]`` in Markdown."""
    return f"\x01{kind[0]}{number}\x01"


def note_labels(text: str) -> str:
    return _NOTE_MARK.sub(lambda m: f"[^{'' if m[1] == 'f' else 'e'}{m[2]}]", text)


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
        ref = _NOTE_HREF.match(node.attrs.get("href", "")) if node.tag == "a" else None
        if ref:
            return [note_marker(ref[1], ref[2])]
        if node.tag == "a" and node.attrs.get("href", "").startswith(("#footnote-ref-", "#endnote-ref-")):
            return [""]  # mammoth's "↑" back to the text: nothing on paper
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
                found += self._paragraph(child, None, caption="caption" in child.attrs.get("class", ""),
                                         bold=_all_bold(child))
            elif child.tag == "table":
                found.append(Block("table", markdown=self._table(child)))
            elif child.tag == "ol" and self._notes(child):
                found += self._notes(child)
            elif child.tag in ("ul", "ol"):
                found.append(Block("list", markdown="\n".join(self._list(child, 0))))
            else:
                found += self.blocks(child)
        return found

    def _paragraph(self, node: Node | str, level: int | None, caption: bool = False, bold: bool = False) -> list[Block]:
        found = []
        for line in self.inline(node):
            for n, piece in enumerate(line.split("\x00")):
                if n % 2 == 1:
                    if self.image(int(piece)):
                        name, alt = self.images[int(piece)]
                        found.append(Block("image", alt, markdown=self.image(int(piece)), src=name))
                elif _clean(piece):
                    found.append(Block("h" if level else "p", _clean(piece), level or 0, caption=caption, bold=bold))
        return found

    def _notes(self, node: Node) -> list[Block]:
        """mammoth's list of footnotes or endnotes (``<li id="footnote-1">``) as note blocks."""
        items = [c for c in node.children if isinstance(c, Node)]
        ids = [_NOTE_HREF.match("#" + item.attrs.get("id", "")) for item in items]
        if not items or not all(ids):
            return []
        notes = []
        for item, found in zip(items, ids, strict=True):
            text = self._inline_text(item)
            notes.append(Block("note", text, int(found[2]), src=found[1][0]))
        return notes

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
    masthead: list[str] = field(default_factory=list)  # 报头 lines above the headline, dropped
    byline: str = ""  # the unit line under the headline, dropped
    attachments: list[str] = field(default_factory=list)  # 附件： lines, dropped (files not imported)

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


def masthead_line(text: str) -> bool:
    """A line of the 报头: publication name, 第N期, the unit-and-date line, 报送：, a rule."""
    short = len(text) <= HEADING_MAX and not _SENTENCE_MARK.search(text)
    return bool(
        _PUBLICATION.match(text) or _ISSUE_NUMBER.match(text) or _DISTRIBUTION.match(text) or _RULE.match(text)
        or (short and _DATELINE.search(text))
    )


def _headline(blocks: list[Block], sizes: dict[str, int]) -> int:
    """Index of the real headline: among the short lines before the text begins, the largest
    (direct font size), else a Word heading, else a bold line, else the first; never a masthead line."""
    candidates = []
    for n, block in enumerate(blocks):
        if block.kind not in ("p", "h"):
            continue
        text_begins = candidates and _SENTENCE_MARK.search(block.text)  # a sentence: the body has begun
        if block.kind == "p" and (len(block.text) > HEADING_MAX * 2 or len(candidates) >= 8 or text_begins):
            break
        if not masthead_line(block.text):
            candidates.append(n)
    if not candidates:
        return next(n for n, b in enumerate(blocks) if b.kind in ("p", "h"))
    def weight(n: int) -> tuple:
        b = blocks[n]
        return (sizes.get(b.text, 0), b.kind == "h" and b.level <= 1, b.kind == "h", b.bold, -n)
    return max(candidates, key=weight)


def byline(block: Block) -> bool:
    """The unit line under a headline: ``（市应急管理局）``, ``市应急管理局 供稿``."""
    text = block.text
    if block.kind != "p" or len(text) > 30 or _SENTENCE_MARK.search(text) or _SIGNED.match(text):
        return False
    wrapped = text[0] in "（(【[" and text[-1] in "）)】]"
    return wrapped and not _LEVEL_TWO.match(text) or bool(_BYLINE_UNIT.search(text.split()[0] if " " in text else text))


def caption_of(block: Block | None) -> bool:
    """A Word caption, or a short line right after a picture, is the picture's description."""
    if block is None or block.kind != "p":
        return False
    if block.caption:
        return True
    text = block.text
    plain = len(text) <= CAPTION_MAX and not _SENTENCE_MARK.search(text) and not _SIGNED.match(text)
    return plain and not _CONTACT.match(text) and not heading_level(block) and not _ATTACHMENT.match(text)


def _attachment_lines(blocks: list[Block], n: int, result: Converted) -> int:
    """Take an ``附件：`` line and the numbered list of attachments under it; the next index."""
    result.attachments.append(blocks[n].text)
    n += 1
    while n < len(blocks) and blocks[n].kind == "p" and _ATTACHMENT_ITEM.match(blocks[n].text) \
            and not _SENTENCE_MARK.search(blocks[n].text):
        result.attachments.append(blocks[n].text)
        n += 1
    return n


def to_report(blocks: list[Block], sizes: dict[str, int] | None = None) -> Converted:
    """The report of a Word file's blocks: the headline as title, what sits above it (the 报头)
    and the byline under it set aside, then the body, its footnotes last."""
    notes = [b for b in blocks if b.kind == "note"]
    blocks = [b for b in blocks if b.kind != "note"]
    if not any(b.kind in ("p", "h") for b in blocks):
        raise ImportFailure("文档中没有文字；请核对是否选错了文件")
    at = _headline(blocks, sizes or {})
    result = Converted(title=_NOTE_MARK.sub("", blocks[at].text).strip(), body="")
    result.masthead = [b.text for b in blocks[:at] if b.kind in ("p", "h")]
    rest = blocks[at + 1:]
    if rest and byline(rest[0]):
        result.byline = rest[0].text
        rest = rest[1:]
    result.counts = {"段正文": 0, "个小标题": 0, "个表格": 0, "张图片": 0, "条脚注": 0}
    out = _body(rest, result)
    for note in notes:
        result.counts["条脚注"] += 1
        out.append(f"[^{'' if note.src == 'f' else 'e'}{note.level}]: {note.text}")
    result.body = note_labels("\n\n".join(out))
    return result


def _body(rest: list[Block], result: Converted) -> list[str]:
    """Markdown blocks of the body; sign-off, contact and attachment lines go to ``result``."""
    out: list[str] = []
    counts = result.counts
    n = 0
    while n < len(rest):
        block, n = rest[n], n + 1
        signed = _SIGNED.match(block.text) if block.kind == "p" else None
        if signed and not result.signed_off_by:
            result.signed_off_by = signed[1].strip()
            continue
        if block.kind == "p" and _CONTACT.match(block.text):
            result.take_contact(block.text)
            continue
        if block.kind == "p" and _ATTACHMENT.match(block.text):
            n = _attachment_lines(rest, n - 1, result)
            continue
        if block.kind == "p":
            block = Block("p", _paragraph_text(block, result))
            if not block.text:
                continue
        if block.kind == "image" and caption_of(rest[n] if n < len(rest) else None):
            block = Block("image", markdown=f"![{escape(rest[n].text, line_start=False)}]({block.src})")
            n += 1
        if block.kind in ("p", "h"):
            level = heading_level(block)
            counts["个小标题" if level else "段正文"] += 1
            out.append(f"{'#' * level} {escape(block.text)}" if level else escape(block.text))
        elif block.markdown:
            counts["个表格" if block.kind == "table" else "张图片" if block.kind == "image" else "段正文"] += 1
            out.append(block.markdown)
    return out


def font_sizes(data: bytes) -> dict[str, int]:
    """Each paragraph's text and its largest directly set font size (half-points): the masthead
    and the headline are set large by hand, which mammoth's HTML no longer shows."""
    sizes: dict[str, int] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8", errors="ignore")
    for paragraph in _XML_PARAGRAPH.findall(xml):
        found = [int(v) for v in _XML_SIZE.findall(paragraph)]
        text = _clean("".join(_XML_TEXT.findall(paragraph)))
        if found and text:
            sizes[text] = max(found + [sizes.get(text, 0)])
    return sizes


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
    result = to_report(converter.blocks(parse_html(html.value)), font_sizes(data))
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
    parser.add_argument("files", nargs="+", metavar="FILE_OR_DIR")
    parser.add_argument("--unit", required=True)
    parser.add_argument("--category", default=None)
    parser.add_argument("--classification", default=None, help="密级；秘密及以上写入涉密库")
    parser.add_argument("--signed-off-by", default=None, help="审签领导；不写时取 Word 中“签发人：”一行")


def word_files(arguments: list[str]) -> list[Path]:
    """The files named, and the Word files of each folder named (in name order; Word's ``~$``
    lock files and hidden files left out)."""
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if not path.is_dir():
            found.append(path)
            continue
        inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in WORD_SUFFIXES
                        and not p.name.startswith(("~$", ".")))
        if not inside:
            raise UsageError(f"文件夹 {argument} 中没有 .docx、.doc 或 .wps 文件")
        found += inside
    return found


def warn(ctx, name: str, code: str, message: str) -> None:
    ctx.say(f"{name}: warning[{code}]: {message}")


def unit_named(newsroom: Newsroom, text: str) -> Unit | None:
    """The unit whose name the byline carries (the longest name found in it)."""
    named = [u for u in newsroom.units.values() if u.name and u.name in text]
    return max(named, key=lambda u: len(u.name), default=None)


def import_one(ctx, args, newsroom: Newsroom, source: Path) -> str | None:
    """One Word file to one report; its path, or None when the file could not be imported."""
    name = str(source)
    try:
        data = read_docx(source)
        # the id (for image names) and every argument are settled before the file is read
        settled = plan_report(ctx, newsroom, args.unit, "导入", args.category, args.classification)
        converted, files, notes = convert(data, settled.id)
    except ImportFailure as exc:
        print(f"{name}: 错误：{exc}", file=sys.stderr)
        return None
    signed = args.signed_off_by or converted.signed_off_by
    plan = plan_report(ctx, newsroom, args.unit, converted.title, args.category, args.classification, signed)
    if converted.contact:
        plan.front.append(("contact", contact_entry(converted.contact)))
    for image, payload in files:
        atomic_write(plan.path.parent / image, payload)
    write_report(plan, converted.body)
    counts = "、".join(f"{n} {what}" for what, n in converted.counts.items() if n)
    ctx.say(f"已从 {name} 导入：{converted.title}（{counts or '无正文'}）")
    report_notes(ctx, newsroom, args.unit, name, converted)
    for note in notes:
        ctx.say(f"注意：{note}")
    for line in converted.moved:
        ctx.say(f"已把联系信息移出正文，记入 contact（不上任何网站）：{line}")
    next_steps(ctx, plan, newsroom, signed=bool(signed), body=bool(converted.body))
    print(display_path(plan.path))
    return display_path(plan.path)


def report_notes(ctx, newsroom: Newsroom, uid: str, name: str, converted: Converted) -> None:
    """What the import left out of the body, and why the editor should look."""
    if converted.masthead:
        lines = (" ".join(line.replace("\u3000", " ").split()) for line in converted.masthead)
        ctx.say(f"已去掉标题上方的报头：{' / '.join(lines)}")
    if converted.byline:
        ctx.say(f"已去掉标题下的署名：{converted.byline}")
        other = unit_named(newsroom, converted.byline)
        if other is not None and other.id != uid:
            unit = newsroom.units[uid]
            warn(ctx, name, "W310", f"署名“{converted.byline}”是{other.name}（{other.id}），不是 --unit {uid}（{unit.name}）；"
                                    f"若稿件是{other.name}报送的，请删去新稿件后用 --unit {other.id} 重新导入")
    if converted.attachments:
        warn(ctx, name, "W311", f"文中提到附件（{'；'.join(converted.attachments)}），附件没有导入，这几行已从正文删去；"
                                "请向报送单位索取附件，需要时把内容写进正文")


def run(ctx, args) -> int:
    newsroom = load_newsroom(ctx)
    sources = word_files(args.files)
    written = [import_one(ctx, args, newsroom, source) for source in sources]
    if len(sources) > 1:
        done = sum(path is not None for path in written)
        failed = [str(s) for s, path in zip(sources, written, strict=True) if path is None]
        tail = f"，{len(failed)} 个未能导入：{'、'.join(failed)}" if failed else ""
        ctx.say(f"共 {len(sources)} 个文件：导入 {done} 篇{tail}")
    return 0 if all(written) else 1
