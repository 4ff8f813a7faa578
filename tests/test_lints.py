"""Lints from editorial practice (warnings) and path safety of images and links (errors)."""

from __future__ import annotations

import os
import random
import time
from datetime import date
from pathlib import Path

import pytest
from helpers.newsroom import ISSUE
from helpers.workflow import lines, problems
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin import lints
from bulletin.lints import body_length, lint_newsroom
from bulletin.load import Doc, Sources
from bulletin.model import build_newsroom

DAY = date(2026, 3, 12)
R = "content/2026/03/2026-03-nyj-001.md"
TEXT_LINE = 12  # the first body line of a helpers.newsroom report with the default eight keys


# --- headline and length ---------------------------------------------------------------------


def test_headline_of_40_characters_passes_41_warns(newsroom):
    newsroom.report(title="甲" * 40)
    assert lines(newsroom.root, DAY, "W100") == []
    newsroom.report(title="甲" * 41)
    assert lines(newsroom.root, DAY, "W100") == [
        f"{R}:3: warning[W100]: 标题有 41 个字，超过 40 字；请精简，或在期刊条目中写 {{id: 2026-03-nyj-001, title: 改写后的标题}}"
    ]


def test_edited_headline_in_the_issue_replaces_the_warning(newsroom):
    newsroom.report(title="甲" * 41)
    issue = (newsroom.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
    newsroom.write("issues/zwxx/2026/018.yaml", issue.replace("  - 2026-03-nyj-001", "  - {id: 2026-03-nyj-001, title: 短标题}"))
    assert lines(newsroom.root, DAY, "W100") == []
    newsroom.write("issues/zwxx/2026/018.yaml", issue.replace("  - 2026-03-nyj-001", f"  - {{id: 2026-03-nyj-001, title: {'乙' * 41}}}"))
    assert lines(newsroom.root, DAY, "W100") == [
        "issues/zwxx/2026/018.yaml:9: warning[W100]: 条目 2026-03-nyj-001 的印发标题有 41 个字，超过 40 字；请精简"
    ]


def test_body_length_counts_text_not_markup():
    body = "## 标题\n\n文字 文字\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![图](x.png) 见[附件](y.md)"
    assert body_length(body) == 2 + 4 + 2 + 2 + 1 + 2
    assert body_length("全市 春耕\n\n备耕") == 6  # no marks: the patterns are skipped, blanks still not counted
    assert body_length("上午9:30召开\n\n---\n\n会议") == 8 + 2  # a rule line is not text; 9:30 is
    assert body_length("见[附件](y.md)") == 3


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("字a9 #*_|`>-:\n\t\u3000\xa0\u2028\x1c。，") + ["\ud7ff"])))
def test_body_length_is_the_text_without_blanks_and_marks(body):
    """Counting the marks and the runs between blanks gives the length that removing every
    blank (a pattern's \\s, Unicode's spaces included) and mark gives."""
    import re

    from bulletin.lints import _TABLE_RULE
    text = _TABLE_RULE.sub("", body)
    assert body_length(body) == len(re.sub(r"[\s#*_|`>]+", "", text))


def test_dynamic_item_over_1500_characters_warns(newsroom):
    newsroom.report(body="字" * 1500)
    assert lines(newsroom.root, DAY, "W101") == []
    newsroom.report(body="字" * 1501)
    assert lines(newsroom.root, DAY, "W101") == [
        f"{R}:{TEXT_LINE}: warning[W101]: 动态信息正文有 1501 字，超过 1500 字；请压缩到 1500 字以内，或改为经验、调研等类别"
    ]
    newsroom.report(body="字" * 1501, category="经验")
    assert lines(newsroom.root, DAY, "W101") == []


def test_empty_body_warns(newsroom):
    newsroom.write(R, newsroom.report().read_text(encoding="utf-8").split("---\n\n")[0] + "---\n")
    assert lines(newsroom.root, DAY, "W109") == [f"{R}:10: warning[W109]: 正文为空；请在第二个 --- 之后写正文"]


# --- path safety -----------------------------------------------------------------------------

OUTSIDE = [
    ("![图](../../../etc/passwd)", "图片 ../../../etc/passwd 实际指向 etc/passwd，在 content/ 之外"),
    ("![图](/etc/passwd)", "图片 /etc/passwd 是绝对路径，指向 content/ 之外"),
    ("![图](C:/Windows/a.png)", "图片 C:/Windows/a.png 是绝对路径，指向 content/ 之外"),
    ("![图](file:///etc/passwd)", "图片 file:///etc/passwd 使用了 file: 地址，指向 content/ 之外"),
    ("![图](http://example.com/a.png)", "图片 http://example.com/a.png 是网络地址，网站和 PDF 不会显示它"),
    ("![图](//example.com/a.png)", "图片 //example.com/a.png 指向其他网站"),
    ("[附件](../../../units.yaml)", "链接 ../../../units.yaml 实际指向 units.yaml，在 content/ 之外"),
    ("[附件](%2E%2E/%2E%2E/%2E%2E/units.yaml)", "链接 %2E%2E/%2E%2E/%2E%2E/units.yaml 实际指向 units.yaml，在 content/ 之外"),
    ("[附件](file:///etc/passwd)", "链接 file:///etc/passwd 使用了 file: 地址，指向 content/ 之外"),
    ("<file:///etc/passwd>", "链接 file:///etc/passwd 使用了 file: 地址，指向 content/ 之外"),
    ("[点此](javascript:alert(1))", "链接 javascript:alert(1) 使用了 javascript: 地址，指向 content/ 之外"),
    ("[附件][a]\n\n[a]: /etc/passwd", "链接 /etc/passwd 是绝对路径，指向 content/ 之外"),  # named on line 16
]


@pytest.mark.parametrize(("markdown", "why"), OUTSIDE)
def test_image_or_link_outside_content_is_an_error(newsroom, markdown, why):
    newsroom.report(body=f"3月8日，全市春耕备耕工作全面展开。\n\n{markdown}")
    line = 16 if "[a]:" in markdown else 14  # where the address is written
    assert lines(newsroom.root, DAY, "E230") == [
        f"{R}:{line}: error[E230]: {why}；图片和附件须放在 content/ 下，用相对路径引用，例如 ![说明](图片.png)"
    ]


@pytest.mark.parametrize("markdown", [
    "[中国政府网](https://www.gov.cn/)",
    "[来信](mailto:xxk@example.gov.cn)",
    "[上月稿件](../02/2026-02-nyj-001.md)",
    "[下文](#下一步打算)",
    "`![图](/etc/passwd)` 是代码，不是图片",
])
def test_web_links_and_links_inside_content_pass(newsroom, markdown):
    newsroom.report(body=f"3月8日，全市春耕备耕工作全面展开。\n\n{markdown}")
    assert lines(newsroom.root, DAY, "E230", "E231") == []


def test_symlinked_image_leaving_content_is_an_error(newsroom, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    os.symlink(secret, newsroom.root / "content/2026/03/photo.png")
    newsroom.report(body="3月8日，全市春耕备耕工作全面展开。\n\n![现场](photo.png)")
    assert lines(newsroom.root, DAY, "E230") == [
        f"{R}:14: error[E230]: 图片 photo.png 是指向 content/ 之外的符号链接；图片和附件须放在 content/ 下，用相对路径引用，例如 ![说明](图片.png)"
    ]


def test_symlinked_report_from_outside_is_an_error(newsroom, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(newsroom.report().read_text(encoding="utf-8").replace("2026-03-nyj-001", "2026-03-nyj-009"), encoding="utf-8")
    os.symlink(outside, newsroom.root / "content/2026/03/2026-03-nyj-009.md")
    assert lines(newsroom.root, DAY, "E230") == [
        "content/2026/03/2026-03-nyj-009.md:1: error[E230]: 稿件文件是指向 content/ 之外的符号链接；请把稿件本身放进 content/"
    ]


def test_missing_heavy_and_unlabelled_images(newsroom):
    folder = newsroom.root / "content/2026/03"
    folder.mkdir(parents=True, exist_ok=True)
    png = b"\x89PNG\r\n\x1a\n"  # the first bytes of a real PNG (bulletin.media checks them)
    (folder / "ok.png").write_bytes(png + b"x" * (1024 * 1024 - len(png)))
    (folder / "big.png").write_bytes(png + b"x" * (1024 * 1024 + 1 - len(png)))
    body = "3月8日，全市春耕备耕工作全面展开。\n\n![化肥仓库](ok.png)\n\n![运输车辆](big.png)\n\n![](ok.png)\n\n![田间](nope.png)"
    newsroom.report(body=body)
    assert lines(newsroom.root, DAY, "E231", "W102", "W103") == [
        f"{R}:16: warning[W102]: 图片 big.png 有 1.0 MB，超过 1 MB；请压缩后再放入",
        f"{R}:18: warning[W103]: 图片 ok.png 没有说明文字；请写成 ![图片说明](ok.png)",
        f"{R}:20: error[E231]: 图片 nope.png 不存在（应在 content/2026/03/nope.png）；请放入图片文件或改正文件名",
    ]


# --- duplicates ------------------------------------------------------------------------------

LONG = ("3月8日，全市春耕备耕工作全面展开。各县区组织农技人员深入田间地头，指导农户做好种子、化肥、农药等物资准备。"
        "截至目前，全市已储备化肥4.2万吨、种子1800吨，分别占春耕需求的九成以上。下一步，市农业农村局将组织农资质量专项检查。")


def test_same_headline_within_90_days_warns_on_the_later_report(newsroom):
    newsroom.report("2026-03-jyj-001", unit="jyj", author="赵敏", submitted="2026-03-10T09:00:00+08:00")
    assert lines(newsroom.root, DAY, "W104") == [
        "content/2026/03/2026-03-jyj-001.md:3: warning[W104]: 标题与 2026-03-nyj-001（2026-03-09 收稿）相同；"
        "如是同一事项请核对是否重复报送，否则请改写标题以示区别"
    ]


def test_same_headline_after_90_days_or_in_a_follow_up_passes(newsroom):
    newsroom.report("2026-06-jyj-001", folder="2026/06", unit="jyj", author="赵敏", submitted="2026-06-08T09:00:00+08:00")
    assert lines(newsroom.root, DAY, "W104") == []  # 91 days later
    newsroom.report("2026-06-jyj-001", folder="2026/06", unit="jyj", author="赵敏", submitted="2026-06-07T09:00:00+08:00")
    assert len(lines(newsroom.root, DAY, "W104")) == 1  # 90 days later
    newsroom.report("2026-06-jyj-001", folder="2026/06", unit="jyj", author="赵敏", submitted="2026-06-07T09:00:00+08:00",
                    follows="2026-03-nyj-001")
    assert lines(newsroom.root, DAY, "W104") == []


def test_near_duplicate_body_warns_with_its_similarity(newsroom):
    newsroom.report(body=LONG)
    edited = LONG.replace("4.2万吨", "4.3万吨").replace("1800吨", "1850吨")
    newsroom.report("2026-03-jyj-001", unit="jyj", author="赵敏", title="全市春耕物资准备充分", body=edited,
                    submitted="2026-03-11T09:00:00+08:00")
    assert lines(newsroom.root, DAY, "W105") == [
        f"content/2026/03/2026-03-jyj-001.md:{TEXT_LINE}: warning[W105]: 正文与 2026-03-nyj-001（2026-03-09 收稿）相似度达 85%，"
        "可能是重复报送；请核对，重复的请标为 status: 不采用 并写明原因"
    ]


def test_the_duplicate_search_runs_again_only_when_a_report_file_changed(newsroom, monkeypatch):
    """Kept by every report file's path and digest: a new issue replays it; a report's edit, its
    status or its move to another folder makes it search again, with the right answer."""
    from bulletin.check import run_check

    newsroom.report(body=LONG)
    edited = LONG.replace("4.2万吨", "4.3万吨").replace("1800吨", "1850吨")
    newsroom.report("2026-03-jyj-001", unit="jyj", author="赵敏", title="全市春耕物资准备充分", body=edited,
                    submitted="2026-03-11T09:00:00+08:00")
    searched = []
    real = lints._duplicates
    monkeypatch.setattr(lints, "_duplicates", lambda *a: searched.append(1) or real(*a))

    def similar() -> list[str]:
        return [p.path for p in run_check(newsroom.root, DAY).problems if p.code == "W105"]

    assert (similar(), len(searched)) == (["content/2026/03/2026-03-jyj-001.md"], 1)
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19"))
    assert (similar(), len(searched)) == (["content/2026/03/2026-03-jyj-001.md"], 1)  # replayed
    newsroom.report("2026-03-jyj-001", unit="jyj", author="赵敏", title="全市春耕物资准备充分", body=edited,
                    submitted="2026-03-11T09:00:00+08:00", status="不采用", reject_reason="重复报送")
    assert (similar(), len(searched)) == ([], 2)


def test_different_bodies_and_rejected_copies_do_not_warn(newsroom):
    newsroom.report(body=LONG)
    other = "3月10日，市教育局召开全市中小学安全工作会议，部署春季学期校园安全、食品安全和交通安全工作，要求各校开展隐患排查。"
    newsroom.report("2026-03-jyj-001", unit="jyj", author="赵敏", title="市教育局部署校园安全", body=other * 2,
                    submitted="2026-03-11T09:00:00+08:00")
    assert lines(newsroom.root, DAY, "W105") == []
    newsroom.report("2026-03-jyj-001", unit="jyj", author="赵敏", title="重复", body=LONG, status="不采用",
                    reject_reason="重复报送", submitted="2026-03-11T09:00:00+08:00")
    assert lines(newsroom.root, DAY, "W105") == []


def _synthetic_newsroom(count: int, copies_every: int) -> tuple:
    """``count`` reports of random Chinese sentences over a year; every ``copies_every``-th one
    repeats its predecessor with one character changed."""
    rng = random.Random(7)
    chars = "的一是在不了有和人这中大为上个国以要时来用们生到作地于出就分对成会可主发年动同工也能下过产种面而方后多定行学法所民得经"
    chars += "十三之进等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开合还因由其些然前外天政四日那社义事"
    docs: list[Doc] = []
    for i in range(count):
        day = date.fromordinal(date(2025, 1, 1).toordinal() + i * 365 // count)
        body = "".join("".join(rng.choices(chars, k=rng.randint(15, 40))) + "。" for _ in range(rng.randint(8, 20)))
        body += "下一步，我们将继续加大工作力度，确保各项任务落到实处。"  # boilerplate every report shares
        if i % copies_every == 1:
            body = docs[-1].body.replace("。", "，", 1)
        rid = f"r{i:05d}"
        data = {"id": rid, "title": f"标题{i}", "unit": "u", "submitted": f"{day}T09:00:00+08:00", "category": "动态"}
        docs.append(Doc(f"content/{day.year}/{day.month:02d}/{rid}.md", data, {}, body=body, body_line=9))
    return build_newsroom(Sources(root=Path("/nonexistent"), reports=docs), date(2026, 1, 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=60).map(sorted),
       st.lists(st.lists(st.integers(0, 59), max_size=70), max_size=12))
def test_shared_anchors_counts_every_pair_within_the_window_once_per_bucket(days, raw_buckets):
    """The pairs of each anchor's reports (in date order) at most the window apart, counted
    per pair, exactly as comparing every two members of every bucket would."""
    size = len(days)
    buckets = [sorted({i for i in bucket if i < size}) for bucket in raw_buckets]
    expected: dict[tuple[int, int], int] = {}
    for members in buckets:
        if 2 <= len(members) <= lints.BOILERPLATE:
            for a in members:
                for b in members:
                    if a < b and days[b] - days[a] <= lints.DUPLICATE_WINDOW_DAYS:
                        expected[(a, b)] = expected.get((a, b), 0) + 1
    counted = lints.shared_anchors(buckets, days, size)
    assert {(key % size, key // size): count for key, count in counted.items()} == expected


def test_duplicate_search_stays_linear_on_10000_reports(monkeypatch):
    newsroom = _synthetic_newsroom(10_000, copies_every=500)
    compared = []
    exact = lints.jaccard
    monkeypatch.setattr(lints, "jaccard", lambda a, b: compared.append(1) or exact(a, b))
    started = time.perf_counter()
    found = [p for p in lint_newsroom(newsroom) if p.code == "W105"]
    elapsed = time.perf_counter() - started
    assert len(found) == 20  # exactly the planted copies
    assert len(compared) < 100  # candidates come from buckets, not from all 50 million pairs
    assert elapsed < 20  # about 1.5 s on an idle laptop core; generous for a shared CI machine


# --- urgent follow-ups -----------------------------------------------------------------------

URGENT = {"category": "紧急", "event_time": "2026-03-05T08:00:00+08:00", "submitted": "2026-03-05T10:00:00+08:00",
          "title": "西川县发生山体滑坡"}


def test_urgent_matter_without_a_follow_up_for_7_days_warns(newsroom):
    newsroom.report("2026-03-yjj-001", unit="nyj", **URGENT)
    path = "content/2026/03/2026-03-yjj-001.md"
    assert lines(newsroom.root, date(2026, 3, 11), "W106") == []
    assert lines(newsroom.root, date(2026, 3, 12), "W106") == [
        f"{path}:2: warning[W106]: 紧急信息“西川县发生山体滑坡”最近一次报告是 2026-03-yjj-001（2026-03-05），"
        "已 7 天没有续报；请督促报送单位续报，事件已处置完毕的请在本篇写 closed: true"
    ]


def test_a_follow_up_restarts_the_clock_and_closed_ends_it(newsroom):
    newsroom.report("2026-03-yjj-001", unit="nyj", **URGENT)
    newsroom.report("2026-03-yjj-002", unit="nyj", title="西川县山体滑坡续报", follows="2026-03-yjj-001",
                    submitted="2026-03-08T10:00:00+08:00")
    assert lines(newsroom.root, date(2026, 3, 14), "W106") == []
    warned = lines(newsroom.root, date(2026, 3, 15), "W106")
    assert [w.split(": ", 1)[0] for w in warned] == ["content/2026/03/2026-03-yjj-002.md:2"]
    newsroom.report("2026-03-yjj-002", unit="nyj", title="西川县山体滑坡续报", follows="2026-03-yjj-001",
                    submitted="2026-03-08T10:00:00+08:00", closed="true")
    assert lines(newsroom.root, date(2026, 4, 30), "W106") == []


def test_lints_are_warnings_and_do_not_block(newsroom):
    newsroom.report(title="甲" * 41, body="字" * 1501)
    found = problems(newsroom.root, DAY)
    assert {p.code for p in found} == {"W100", "W101"}
    assert all(p.severity == "warning" for p in found)


def test_symlinked_folder_leaving_content_is_an_error(newsroom, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", newsroom.root / "content/2026/03/photos")
    newsroom.report(body="3月8日，全市春耕备耕工作全面展开。\n\n![现场](photos/a.png)")
    assert [p.split(": ", 2)[2] for p in lines(newsroom.root, DAY, "E230", "E231")] == [
        "图片 photos/a.png 是指向 content/ 之外的符号链接；图片和附件须放在 content/ 下，用相对路径引用，例如 ![说明](图片.png)"
    ]


@pytest.mark.parametrize("name", ["a%00b.png", "x" * 300 + ".png", "loop.png"])
def test_names_the_file_system_cannot_hold_are_missing_images_not_crashes(newsroom, name):
    folder = newsroom.root / "content/2026/03"
    os.symlink(folder / "loop.png", folder / "loop.png")
    newsroom.report(body=f"3月8日，全市春耕备耕工作全面展开。\n\n![图]({name})")
    assert [p.split(": ", 2)[1] for p in lines(newsroom.root, DAY, "E230", "E231")] == ["error[E231]"]


def test_a_rejected_urgent_item_opens_no_matter_to_follow(newsroom):
    newsroom.report("2026-03-yjj-001", unit="nyj", status="不采用", reject_reason="经核实不属突发事件", **URGENT)
    assert lines(newsroom.root, date(2026, 4, 30), "W106") == []


def test_after_a_replayed_duplicate_search_an_edit_reads_one_body_again(newsroom, monkeypatch):
    """The sentence anchors are kept while the duplicate search is replayed (they were pruned as
    unused, and the next edit found them for 45,000 bodies again)."""
    from datetime import date

    from bulletin import lints
    from bulletin.check import run_check

    for n in range(2, 8):
        newsroom.report(f"2026-03-nyj-{n:03d}", title=f"第{n}篇", body=f"第{n}篇的正文，写得足够长，足够长，足够长，足够长，足够长。")
    today = date(2026, 11, 27)
    run_check(newsroom.root, today)
    run_check(newsroom.root, today)  # warm: the search is replayed
    anchored, comparable = [], lints.comparable
    monkeypatch.setattr(lints, "comparable", lambda body: anchored.append(body) or comparable(body))
    newsroom.report("2026-03-nyj-004", title="第4篇", body="改过的正文，写得足够长，足够长，足够长，足够长，足够长。")
    run_check(newsroom.root, today)
    assert anchored == ["\n改过的正文，写得足够长，足够长，足够长，足够长，足够长。\n"]
