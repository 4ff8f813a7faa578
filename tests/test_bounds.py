"""Bounded time: hostile Markdown bodies give one E253 line or a result quickly, never minutes."""

from __future__ import annotations

import time
from datetime import date

from helpers.newsroom import report_text
from hypothesis import given
from hypothesis import strategies as st

from bulletin.bounds import MAX_BLOCK_CHARS, MAX_DEPTH, MAX_LINE_CHARS, MAX_LINKS, excess
from bulletin.check import run_check
from bulletin.lints import body_length, body_targets
from bulletin.markup import to_html

TODAY = date(2026, 11, 27)
REPORT = "content/2026/03/2026-03-nyj-001.md"


def checked(newsroom, body: str):
    newsroom.write(REPORT, report_text(body=body))
    started = time.monotonic()
    result = run_check(newsroom.root, TODAY, use_cache=False)
    return result, time.monotonic() - started


def test_spaces_then_dash_x_is_counted_at_once(newsroom):
    # The length lint's table-rule pattern once took minutes on this 6 KB body.
    result, seconds = checked(newsroom, " " * 6000 + "-x")
    assert seconds < 2
    assert [p.format() for p in result.problems] == [
        f"{REPORT}:12: error[E253]: 列表、引用或缩进嵌套了 1500 层，超过 {MAX_DEPTH} 层；请减少缩进和嵌套层次"
    ]
    started = time.monotonic()
    assert body_length(" " * 6000 + "-x\n" + "\n" * 6000 + " -") == 2
    assert time.monotonic() - started < 0.5


def test_table_rules_still_do_not_count():
    assert body_length("| 项目 | 数量 |\n|:---|---:|\n| 化肥 | 3 |") == len("项目数量化肥3")


def test_unclosed_links_past_the_bound_are_one_line(newsroom):
    result, seconds = checked(newsroom, "[a](" * 2000)
    assert seconds < 2
    assert [p.format() for p in result.errors] == [
        f"{REPORT}:12: error[E253]: 正文有 2000 个 [ 和 < 符号，超过 {MAX_LINKS} 个（链接和图片都以 [ 或 < 开头）；"
        "请减少链接和图片，或把方括号改为【】、小于号改为“小于”"
    ]


def test_three_hundred_level_list_is_one_line(newsroom):
    body = "".join("    " * i + "- 要点\n" for i in range(300))
    result, seconds = checked(newsroom, body)
    assert seconds < 2
    assert [p.format() for p in result.errors] == [
        f"{REPORT}:22: error[E253]: 列表、引用或缩进嵌套了 11 层，超过 {MAX_DEPTH} 层；请减少缩进和嵌套层次"
    ]
    started = time.monotonic()
    assert to_html(body).startswith("<p>- 要点")  # rendered as plain text, never parsed
    assert time.monotonic() - started < 2


def test_nesting_within_the_bound_renders():
    body = "".join("    " * i + "- 要点\n" for i in range(MAX_DEPTH))
    assert excess(body) is None
    assert to_html(body).count("<ul>") == MAX_DEPTH


def test_long_line_and_long_paragraph(newsroom):
    result, _ = checked(newsroom, "开头。\n\n" + "字" * (MAX_LINE_CHARS + 1))
    assert [p.format() for p in result.errors] == [
        f"{REPORT}:14: error[E253]: 一行有 {MAX_LINE_CHARS + 1} 字，超过 {MAX_LINE_CHARS} 字；请换行或分段"
    ]
    lines = ("字" * 100 + "\n") * (MAX_BLOCK_CHARS // 100)
    result, _ = checked(newsroom, "开头。\n\n" + lines)
    assert [p.format() for p in result.errors] == [
        f"{REPORT}:14: error[E253]: 一个段落有 {len(lines) - 1} 字，超过 {MAX_BLOCK_CHARS} 字；请空一行把它分成几段"
    ]


def test_a_long_body_with_few_links_finds_them_all():
    # Long bodies are parsed only in their paragraphs with a link: references resolve, and an
    # indented list paragraph's link is still seen.
    filler = ("春耕备耕工作全面展开。" * 50 + "\n\n") * 100
    body = "见[附件][f]。\n\n" + filler + "- 要点\n\n    ![图](../../../etc/x.png)\n\n" + filler + "[f]: ../x.md\n"
    assert body_targets(body) == [("a", "../x.md", ""), ("img", "../../../etc/x.png", "图")]


def test_largest_link_heavy_body_checks_in_time(newsroom):
    # The worst inside the bounds: every paragraph as long as allowed, each with a "[".
    paragraph = ("[" + ("the quick brown fox jumps over the lazy dog. " * 80 + "\n") * 2 + "\n")
    body = paragraph * (MAX_LINKS - 1) + "![图](b.png)"
    assert excess(body) is None
    result, seconds = checked(newsroom, body)
    assert seconds < 4  # generous: other tests run in parallel on 2 cores
    assert "E231" in [p.code for p in result.problems]  # b.png is missing: the image was parsed


MARKS = st.sampled_from(["[", "]", "(", ")", "![", "](", "[a](", "<", "<http:", "*", "_", "`", "\\", "-", " ", "  ",
                         "    ", "\t", "\n", "\n\n", ">", "> ", "- ", "1. ", "|", ":", "#", "x", "字", "&#"])


@given(st.lists(st.tuples(MARKS, st.integers(1, 400)), max_size=12))
def test_any_body_is_measured_and_rendered_in_time(parts):
    body = "".join(mark * count for mark, count in parts)
    started = time.monotonic()
    excess(body)
    body_length(body)
    body_targets(body)
    to_html(body)
    assert time.monotonic() - started < 2


def test_page_and_gate_patterns_are_linear():
    from bulletin.commands.import_cmd import _SIGNED
    from bulletin.printing.compose import _IMG_SRC as PRINT_IMG
    from bulletin.site.leakgate import _TAG
    from bulletin.site.pages import _A_HREF, _IMG_SRC, _title_of

    hostile = {
        "title": "# " + " " * 50_000 + "x" + " " * 50_000 + "\n",
        "tags": "<a" * 50_000,
        "imgs": "<img " * 20_000 + " " * 20_000,
        "signed": "签发人：" + " " * 50_000 + "\n",
    }
    started = time.monotonic()
    assert _title_of(hostile["title"], "a.md") == "x"
    _TAG.sub("", hostile["tags"])
    _A_HREF.sub("", hostile["tags"] + " " * 50_000)
    _IMG_SRC.sub("", hostile["imgs"])
    PRINT_IMG.sub("", hostile["imgs"])
    assert _SIGNED.match(hostile["signed"]) is None
    assert time.monotonic() - started < 1


def test_a_line_of_only_quote_and_list_marks_is_nesting_not_a_rule():
    """Found by hypothesis: 398 quote marks then 396 list markers passed the bounds (the line held
    nothing but marks, so it was taken for a rule) and python-markdown then hit RecursionError."""
    body = ">" * 398 + "1. " * 396
    found = excess(body)
    assert found is not None and found.offset == 0 and "嵌套了" in found.message
    assert "<p>" in to_html(body)  # shown as plain text, not parsed
    assert excess("---\n\n* * *\n\n- - - -\n\n___\n\n" + " " * 60 + "\n") is None  # rules and blank lines stay so
