"""yamlsrc: YAML values with the line of every key and list item, and problems with their line."""

from __future__ import annotations

import pytest

from bulletin.errors import YamlProblem
from bulletin.yamlsrc import line_of, load

TEXT = """\
series: zwxx
items:
  - 2026-03-nyj-001
  - id: 2026-03-jyj-001
    title: 标题
"""


def test_every_key_and_item_knows_its_line():
    data, lines = load(TEXT, first_line=3)  # as front matter starting on line 3
    assert data == {"series": "zwxx", "items": ["2026-03-nyj-001", {"id": "2026-03-jyj-001", "title": "标题"}]}
    assert {k: v for k, v in lines.items() if k} == {
        ("series",): 3, ("items",): 4, ("items", 0): 5, ("items", 1): 6, ("items", 1, "id"): 6, ("items", 1, "title"): 7}


def test_a_missing_key_takes_its_nearest_ancestors_line():
    _, lines = load(TEXT)
    assert line_of(lines, ("items", 1, "editor")) == 4
    assert line_of(lines, ("nothing", "here")) == 1


@pytest.mark.parametrize(("text", "code", "line"), [
    ("a: 1\nb: [1, 2\n", "E302", 2),  # an unclosed flow list: the line that opens it, in Chinese
    ("a: 1\nb: {\n", "E302", 2),
    ("a: .inf\n", "E107", 1),
])
def test_bad_yaml_is_a_problem_with_its_line(text, code, line):
    with pytest.raises(YamlProblem) as caught:
        load(text)
    assert (caught.value.code, caught.value.line) == (code, line)
