"""Sentence anchors: what the duplicate search compares of two bodies (bulletin/anchors.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bulletin.anchors import comparable, letters

TEXT = st.text(alphabet="政务信息报送工作ab1_ ，、。！？；!?;\n\t\u3000", max_size=200)


@given(TEXT)
def test_the_length_is_the_bodys_letters_and_digits(body):
    """Counted from the sentences between the ends, without a second pass over the body."""
    assert comparable(body)[0] == len(letters(body))


@given(TEXT)
def test_the_anchors_are_those_of_the_body_split_at_its_runs_of_ends_after_removing_all_else(body):
    """The one pass over letters and ends finds what removing every other character and then
    splitting at each run of sentence ends finds."""
    import re

    text = re.sub(r"[^\w。！？；!?;\n]+|_", "", body)
    sentences = re.split(r"[。！？；!?;\n]+", text)
    keys = {part for s in sentences if len(s) >= 8 for part in (s[:8], s[-8:])}
    assert comparable(body) == (sum(map(len, sentences)), sorted(keys))


def test_the_anchors_are_the_first_and_last_eight_letters_of_each_long_sentence():
    body = "今年以来，全市信访总量同比下降。短句。\n营商环境持续优化，企业满意度提升！"
    assert comparable(body) == (31, sorted({"今年以来全市信访", "信访总量同比下降", "营商环境持续优化", "化企业满意度提升"}))
