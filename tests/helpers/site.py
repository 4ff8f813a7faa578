"""A newsroom with canary strings planted in everything a website must not show.

Each canary is an ASCII token (found by a plain byte search even inside a jieba-segmented
search index) placed in the body of one item; titles carry Chinese canaries too.
"""

from __future__ import annotations

import base64
import gzip
import json
from datetime import date
from pathlib import Path

from helpers.newsroom import Newsroom, report_text, seal_published

TODAY = date(2026, 4, 1)

# Items the public site shows.
PUBLIC_SHOWN = {"PUBLICBODYONE1111": "2026-03-nyj-001", "PUBLICBODYTWO2222": "2026-03-jyj-002"}
# Items only the intranet shows.
INTERNAL = {
    "INTERNALCANARY3333": "2026-03-nyj-003",
    "NOCLASSCANARY4444": "2026-03-nyj-004",
    "BRIEFINTERNAL1212": "2026-03-jyj-012",
    "SPECIALPUBLIC1313": "2026-03-jyj-013",
    "ONLYINTERNAL1414": "2026-03-jyj-014",
}
# Items no site shows.
NEVER = {
    "SECRETCANARY5555": "2026-03-nyj-005",
    "TOPSECRETCANARY6666": "2026-03-nyj-006",
    "DRAFTCANARY7777": "2026-03-jyj-007",
    "UNPUBCANARY8888": "2026-03-jyj-008",
    "REJECTCANARY9999": "2026-03-jyj-009",
}
NEVER_TITLES = ["秘密金丝雀仓库位置专报", "绝密金丝雀行动方案报告", "草稿金丝雀尚未发布稿件", "未刊发金丝雀稿件标题", "不采用金丝雀稿件标题"]
INTERNAL_TITLES = ["内部金丝雀工作情况汇报"]
PHONES = ["0571-86001234", "13800000001", "0571-86005678"]
# Intranet-only details of a public item.
PERSONAL = ["甄撰稿", "甄审签", "甄市长", "INSTRUCTCANARY1515", "REJECTREASON1616"]
# Personal data in an internal item: masked on the intranet, so the unmasked values are nowhere.
UNMASKED = ["13912345678", "zhangsan@example.com", "11010519491231002X"]
MASKED = ["139****5678", "z***@example.com", "110105********002X"]
# A withdrawn public item (撤稿): in no public file; on the intranet marked with its reason.
WITHDRAWN = {"id": "2026-03-jyj-015", "title": "已撤稿金丝雀稿件标题", "canary": "WITHDRAWNCANARY1717",
             "tag": "撤稿金丝雀标签", "reason": "所涉事项已调整WITHDRAWREASON1717"}
# The public item 2026-03-nyj-001 publishes a hotline (public_contacts) and has an internal correction.
HOTLINE = {"id": "2026-03-nyj-001", "phone": "0571-87052110", "internal_note": "内部更正INTERNALNOTE1818"}
SEARCH_WORD = "猕猴桃"  # occurs in one body only; jieba keeps it as one word
XSS_ID = "2026-03-nyj-010"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def _issue(series: str, number: int, day: str, status: str, items: list[str]) -> str:
    lines = "\n".join(f"  - {i}" for i in items)
    return (f"series: {series}\nyear: 2026\nnumber: {number}\ndate: {day}\nstatus: {status}\n"
            f"editor: 李静\nsigner: 张国华\nitems:\n{lines}\ndistribution:\n  报: [市委办公室]\ncopies: 50\n")


def plant(newsroom: Newsroom) -> Newsroom:
    """Turn the helpers.newsroom newsroom into the canary newsroom."""
    w = newsroom.write
    w("content/2026/03/2026-03-nyj-001.md", report_text(
        "2026-03-nyj-001",
        body=f"3月8日，全市春耕备耕工作全面展开，{SEARCH_WORD}基地完成施肥。PUBLICBODYONE1111\n\n"
             "![施肥现场](images/field.png)\n\n参见[前期情况](2026-03-nyj-003.md)。\n\n## 下一步\n\n抓好农资供应，咨询电话0571-87052110。",
        author="甄撰稿", signed_off_by="副局长 甄审签", tags="[春耕, 农资]",
        instructions="[{leader: 甄市长, level: own, date: 2026-03-13, text: 请抓好落实INSTRUCTCANARY1515, "
                     "follow_up: {owner: 市农业农村局, due: 2026-03-30, done: false}}]",
        adopted="[{level: city, publication: 《江城信息》, date: 2026-03-15}]",
        corrections="[{date: 2026-03-14, note: 第二段数字已更正}, {date: 2026-03-15, note: 内部更正INTERNALNOTE1818, internal: true}]",
        public_contacts="[0571-87052110]",
    ))
    w("content/2026/03/images/field.png", PNG)
    w("content/2026/03/2026-03-jyj-002.md", report_text(
        "2026-03-jyj-002", title="全市春耕备耕续报：化肥到位率九成", unit="jyj", category="经验",
        submitted="2026-03-10T09:00:00+08:00", follows="2026-03-nyj-001",
        body="续报：截至3月10日，化肥到位率达到九成。PUBLICBODYTWO2222"))
    report = [
        ("2026-03-nyj-003", INTERNAL_TITLES[0], "内部", {}, "INTERNALCANARY3333"),
        ("2026-03-nyj-004", "缺少密级标注的稿件标题", None, {}, "NOCLASSCANARY4444"),
        ("2026-03-nyj-005", NEVER_TITLES[0], "秘密", {"secrecy_term": "1年"}, "SECRETCANARY5555"),
        ("2026-03-nyj-006", NEVER_TITLES[1], "机密", {"secrecy_term": "长期"}, "TOPSECRETCANARY6666"),
        ("2026-03-jyj-007", NEVER_TITLES[2], "公开", {"unit": "jyj"}, "DRAFTCANARY7777"),
        ("2026-03-jyj-008", NEVER_TITLES[3], "公开", {"unit": "jyj", "status": "拟采用"}, "UNPUBCANARY8888"),
        ("2026-03-jyj-009", NEVER_TITLES[4], "公开",
         {"unit": "jyj", "status": "不采用", "reject_reason": "重复REJECTREASON1616"}, "REJECTCANARY9999"),
        ("2026-03-jyj-012", "领导参阅内部稿件标题", "内部", {"unit": "jyj"}, "BRIEFINTERNAL1212"),
        ("2026-03-jyj-013", "专报中的公开稿件标题", "公开", {"unit": "jyj"}, "SPECIALPUBLIC1313"),
        ("2026-03-jyj-014", "只含内部稿件的一期", "内部", {"unit": "jyj"}, "ONLYINTERNAL1414"),
    ]
    for rid, title, classification, extra, canary in report:
        folder_text = report_text(rid, title=title, classification=classification,
                                  body=f"本稿正文写明了具体情况，请勿外传。{canary}", **extra)
        w(f"content/2026/03/{rid}.md", folder_text)
    w("content/2026/03/2026-03-nyj-003.md", report_text(
        "2026-03-nyj-003", title=INTERNAL_TITLES[0], classification="内部",
        body="本稿正文写明了具体情况，请勿外传。INTERNALCANARY3333\n\n"
             f"反映人手机{UNMASKED[0]}，邮箱{UNMASKED[1]}，身份证号{UNMASKED[2]}。"))
    w(f"content/2026/03/{WITHDRAWN['id']}.md", report_text(
        WITHDRAWN["id"], title=WITHDRAWN["title"], unit="jyj", tags=f"[{WITHDRAWN['tag']}]",
        withdrawn=f"{{date: 2026-03-28, reason: {WITHDRAWN['reason']}}}",
        body=f"本稿已发布后撤稿。{WITHDRAWN['canary']}"))

    w(f"content/2026/03/{XSS_ID}.md", report_text(
        XSS_ID, title="测试<b onmouseover=alert(2)>标题</b>",
        body='<script>alert("XSSBODY")</script>\n\n正文<img src=x onerror=alert(1)>结束'))
    w("issues/zwxx/2026/018.yaml", _issue("zwxx", 18, "2026-03-12", "published", [
        "2026-03-nyj-001", "2026-03-nyj-003", "2026-03-nyj-004", "2026-03-nyj-006", XSS_ID]))
    w("issues/zwxx/2026/019.yaml", _issue("zwxx", 19, "2026-03-16", "published", [
        "{id: 2026-03-jyj-002, title: 续报：全市化肥到位率达到九成}"]))
    w("issues/zwxx/2026/020.yaml", _issue("zwxx", 20, "2026-03-20", "draft", ["2026-03-jyj-007"]))
    w("issues/zwxx/2026/021.yaml", _issue("zwxx", 21, "2026-03-25", "published", ["2026-03-jyj-014"]))
    w("issues/zwxx/2026/022.yaml", _issue("zwxx", 22, "2026-03-27", "published", [WITHDRAWN["id"]]))
    w("issues/xxzb/2026/001.yaml", _issue("xxzb", 1, "2026-03-11", "published", ["2026-03-nyj-005"]))
    w("issues/xxzb/2026/002.yaml", _issue("xxzb", 2, "2026-03-13", "published", ["2026-03-jyj-013"]))
    w("issues/ldcy/2026/001.yaml", _issue("ldcy", 1, "2026-03-14", "published", ["2026-03-jyj-012"]))
    seal_published(newsroom.root)
    return newsroom


def readable(path: Path) -> str:
    """A file's text as a crawler could read it: gzip opened, JSON escapes and jieba's U+200B removed."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8", errors="ignore")
    if path.suffix == ".json":
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text.replace("\u200b", "")


def files_containing(folder: Path, needle: str) -> list[str]:
    """Every file under ``folder`` whose readable text (or name) contains ``needle``."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and (needle in p.as_posix() or needle in readable(p))
    )
