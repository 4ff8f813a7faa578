"""Shared by the print tests: a small newsroom with one issue of each kind, and PDF measurements."""

from __future__ import annotations

import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pdfplumber

from bulletin.check import run_check
from bulletin.views import print_view
from helpers.newsroom import Newsroom, report_text, seal_published

MM = 72 / 25.4
TODAY = date(2026, 3, 20)

# Pure CJK paragraphs, so that every full line holds exactly 28 characters.
SENTENCE = "全市春耕备耕工作全面展开，各地抢抓农时组织农机具检修，落实种子化肥储备，确保春耕生产顺利推进。"
LONG = "\n\n".join(SENTENCE * 3 for _ in range(12))
BODY_ONE = (
    "截至三月八日，全市已储备化肥四万吨、种子一千八百吨，分别占春耕需求的九成以上。\n\n"
    "## 一、主要做法\n\n" + LONG + "\n\n### （一）加强组织领导\n\n" + SENTENCE * 2
    + "\n\n二、强化督促检查。" + SENTENCE + "\n\n![春耕现场](images/field.png)\n"
)
BODY_TWO = "\n\n".join(SENTENCE * 2 for _ in range(2))
SECRET_BODY = "三月十日八时许，某镇某村发生一起山体滑坡，未造成人员伤亡。\n\n## 一、基本情况\n\n" + SENTENCE * 3

BULLETIN = """\
series: zwxx
year: 2026
number: 18
date: 2026-03-12
status: draft
editor: 李静
signer: 张国华
items:
  - 2026-03-nyj-001
  - {id: 2026-03-jyj-002, title: 全市中小学春季开学平稳有序}
distribution:
  报: [市委办公室, 市政府各位领导]
  送: [市人大常委会办公室]
  发: [各县区人民政府, 市政府各部门]
copies: 120
"""

SPECIAL = """\
series: xxzb
year: 2026
number: 3
date: 2026-03-10
status: published
editor: 李静
signer: 张国华
items: [2026-03-nyj-003]
distribution:
  报: [市委主要领导]
copies: 15
"""

BRIEF = """\
series: ldcy
year: 2026
number: 2
date: 2026-03-15
status: published
editor: 李静
signer: 张国华
items: [2026-03-nyj-004, 2026-03-jyj-005]
distribution:
  报: [市政府各位领导]
copies: 30
"""

# A 1×1 red PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc000000301"
    "0100c9fe92ef0000000049454e44ae426082"
)


def make_newsroom(root: Path) -> Newsroom:
    """The helpers.newsroom newsroom plus one issue of each kind (bulletin draft, classified special, brief)."""
    n = Newsroom(root)
    n.write("content/2026/03/2026-03-nyj-001.md", report_text(body=BODY_ONE, category="经验"))
    n.write("content/2026/03/images/field.png", PNG)
    n.write("content/2026/03/2026-03-jyj-002.md", report_text(
        "2026-03-jyj-002", unit="jyj", author="赵敏", title="市教育局扎实推进中小学春季开学工作", body=BODY_TWO))
    n.write("content/2026/03/2026-03-nyj-003.md", report_text(
        "2026-03-nyj-003", title="某镇发生一起山体滑坡 无人员伤亡", category="紧急", classification="秘密",
        secrecy_term="1年", urgency="特急", event_time="2026-03-10T08:00:00+08:00",
        submitted="2026-03-10T10:00:00+08:00", closed="true", body=SECRET_BODY))
    n.write("content/2026/03/2026-03-nyj-004.md", report_text(
        "2026-03-nyj-004", title="春耕农资价格总体平稳", body=SENTENCE * 2))
    n.write("content/2026/03/2026-03-jyj-005.md", report_text(
        "2026-03-jyj-005", unit="jyj", author="赵敏", title="市教育局做好春季学期开学准备", body=SENTENCE * 2))
    n.write("issues/zwxx/2026/018.yaml", BULLETIN)
    n.write("issues/xxzb/2026/003.yaml", SPECIAL)
    n.write("issues/ldcy/2026/002.yaml", BRIEF)
    seal_published(root)
    return n


def prints_of(root: Path):
    result = run_check(root, TODAY)
    assert result.ok, [p.format() for p in result.errors]
    return [print_view(result.newsroom, issue) for issue in result.newsroom.issues]


def page_text(page) -> str:
    """A page's characters in reading order without spaces (letter-spaced headings read whole)
    and without the 草稿 watermark."""
    text = page.filter(lambda o: not (o.get("object_type") == "char" and o["size"] > 100)).extract_text()
    return "".join(text.split())


def body_lines(page, size: float = 16.0) -> list[list[dict]]:
    """The page's lines of ``size``-point characters (watermark excluded), top to bottom."""
    lines: dict[float, list[dict]] = {}
    for c in page.chars:
        if abs(c["size"] - size) < 0.2:
            lines.setdefault(round(page.height - c["matrix"][5], 1), []).append(c)
    return [sorted(lines[k], key=lambda c: c["x0"]) for k in sorted(lines)]


def em_top_mm(page, char: dict) -> float:
    """Top of a character's em box (0.88 em above the baseline in CJK fonts), in mm from the page top."""
    baseline = page.height - char["matrix"][5]
    return (baseline - 0.88 * char["size"]) / MM


def red_rects(page) -> list[dict]:
    found = []
    for r in page.rects:
        color = r.get("non_stroking_color")
        if isinstance(color, tuple | list) and len(color) == 3 and color[0] > 0.8 and color[1] < 0.2 and color[2] < 0.2:
            found.append(r)
    return found


def chars_per_line(page) -> Counter:
    return Counter(len(line) for line in body_lines(page))


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def open_pdf(path: Path):
    return pdfplumber.open(str(path))


def licensed_font(path: Path, family: str, text: str) -> Path:
    """A small stand-in for a licensed font: AR PL UKai cut down to ``text`` and renamed ``family``."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont("/usr/share/fonts/truetype/arphic/ukai.ttc", fontNumber=0)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.layout_features = []
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = "LicensedStandIn"
    path.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(path))
    return path
