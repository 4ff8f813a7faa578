"""roundtrip: a top-level key rewritten in an editor's file, every other byte kept."""

from __future__ import annotations

from bulletin.roundtrip import set_top_level

ISSUE = """\
series: zwxx   # 政务信息
year: 2026
number: 18
status: draft
items:
    - 2026-03-nyj-001  # 春耕
"""


def test_one_key_changes_and_comments_order_and_indentation_stay():
    assert set_top_level(ISSUE, {"status": "published"}) == ISSUE.replace("status: draft", "status: published")


def test_a_new_key_is_added_at_the_end():
    assert set_top_level(ISSUE, {"number": 19, "editor": "李静"}) == (
        ISSUE.replace("number: 18", "number: 19") + "editor: 李静\n")
