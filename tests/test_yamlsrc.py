"""yamlsrc: YAML values with the line of every key and list item, and problems with their line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def _tags(node) -> list:
    """Every node's class and tag, depth first."""
    found = [(type(node).__name__, node.tag)]
    if isinstance(node.value, list):
        for child in node.value:
            for part in child if isinstance(child, tuple) else (child,):
                found += _tags(part)
    return found


SCALARS = ["", "~", "null", "Null", "yes", "No", "on", "OFF", "true", "True", "0", "-1", "+3", "0x1f", "0o17",
           "1_000", "3.5", "-.inf", ".NaN", "1e3", "2026-03-05", "2026-03-05T11:00:00+08:00", "2026-3-5", "<<", "=",
           "12:30", "190:20:30", "id", "title", "tags", "n", "y", "t", "f", "o", "-", ".", "+", "公开", "第3期",
           "'quoted'", '"yes"', "'0'"]


@given(st.lists(st.one_of(st.sampled_from(SCALARS), st.text(alphabet="0123456789.-+:eExXoOtTyYnN_~ 公开", max_size=12)),
                min_size=1, max_size=8))
def test_tags_are_the_stock_resolvers(values):
    """The cheap resolver (``yamlsrc._Resolving``) gives every node the tag PyYAML's own
    pure-Python SafeLoader gives it, whatever the scalar, asked once or many times."""
    import yaml

    from bulletin import yamlsrc

    text = "".join(f"k{i}: {v}\nl{i}: [{v}]\n" for i, v in enumerate(values)) * 2
    try:
        expected = _tags(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return  # not YAML at all: nothing to resolve
    assert _tags(yaml.compose(text, Loader=yamlsrc._Resolving)) == expected


def test_an_alias_is_refused_and_text_without_a_star_loads_the_same_values():
    with pytest.raises(YamlProblem) as caught:
        load("a: &x [1, 2]\nb: *x\n")
    assert (caught.value.code, caught.value.line) == ("E005", 1)  # the line of the content it repeats
    data, lines = load("a: &x [1, 2]\nb: 3 × 4\n")  # an anchor alone is no repetition
    assert data == {"a": [1, 2], "b": "3 × 4"} and lines[("b",)] == 2
