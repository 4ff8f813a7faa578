"""Sentence anchors: what the duplicate search compares of two bodies (bulletin/anchors.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bulletin.anchors import comparable, letters

TEXT = st.text(alphabet="政务信息报送工作ab1_ ，、。！？；!?;\n", max_size=200)


@given(TEXT)
def test_the_length_is_the_bodys_letters_and_digits(body):
    """Counted from the sentences between the ends, without a second pass over the body."""
    assert comparable(body)[0] == len(letters(body))


def test_the_anchors_are_the_first_and_last_eight_letters_of_each_long_sentence():
    body = "今年以来，全市信访总量同比下降。短句。\n营商环境持续优化，企业满意度提升！"
    assert comparable(body) == (31, sorted({"今年以来全市信访", "信访总量同比下降", "营商环境持续优化", "化企业满意度提升"}))
