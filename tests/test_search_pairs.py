"""The pair splitting of the search index and query (``bulletin.site.pairs``); the browser's copy
of these functions is checked against these in ``test_browser_search.py``."""

from __future__ import annotations

import pytest

from bulletin.site import pairs


@pytest.mark.parametrize(("text", "encoded", "query"), [
    ("信访", " 信访 ", "信访"),
    ("营商环境", " 营商 商环 环境 ", "营商 商环 环境"),
    ("一", " 一 ", "一"),
    ("哈哈哈", " 哈哈 哈哈 ", "哈哈 哈哈"),
    ("依托5G网络", " 依托 5G 网络 ", "依托 5G 网络"),
    ("PM2.5下降", "PM2.5 下降 ", "PM2.5 下降"),
    ("春耕，备耕。", " 春耕 ， 备耕 。", "春耕 ， 备耕 。"),
    ("《政务信息》第3期", "《 政务 务信 信息 》 第 3 期 ", "《 政务 务信 信息 》 第 3 期"),
    ("全市 春耕", " 全市 市春 春耕 ", "全市 市春 春耕"),  # a space between hanzi is dropped
    ("下一步\n抓好", " 下一 一步 \n 抓好 ", "下一 一步 抓好"),  # a line break keeps runs apart
    ("𠀀𠀁中", " 𠀀𠀁 𠀁中 ", "𠀀𠀁 𠀁中"),  # extension B
    ("Only Latin 2026", "Only Latin 2026", "Only Latin 2026"),
    ("", "", ""),
])
def test_split_and_query_terms(text, encoded, query):
    assert pairs.split(text) == encoded
    assert pairs.query_terms(text) == query


@pytest.mark.parametrize(("text", "shown"), [
    ("营商环境持续优化", "营商环境持续优化"),
    ("哈哈哈哈", "哈哈哈哈"),
    ("依托5G网络，PM2.5下降。", "依托5G网络，PM2.5下降。"),
    ("用 5G 网络", "用5G网络"),  # spaces next to hanzi are not kept
    ("春耕 | 备耕", "春耕|备耕"),
    ("Latin words stay apart", "Latin words stay apart"),
])
def test_join_gives_back_the_real_text(text, shown):
    encoded = pairs.split(text)
    assert pairs.join(encoded) == shown
    assert pairs.join(" ".join(encoded.split())) == shown  # as Pagefind stores it: spaces collapsed


def test_every_substring_of_a_run_is_a_run_of_pairs_in_the_index():
    """Why recall is whole: a query's pairs are consecutive pairs of any text holding it."""
    text = "全面优化营商环境推进一网通办"
    index = pairs.split(text).split()
    for start in range(len(text)):
        for end in range(start + 2, len(text) + 1):
            query = pairs.query_terms(text[start:end]).split()
            assert any(index[i:i + len(query)] == query for i in range(len(index)))
