"""load: files become documents with the line of every key; unreadable files become problems."""

from __future__ import annotations

import pytest

from bulletin.load import LoadProblem, load_sources, read_text


def test_a_report_is_its_front_matter_with_lines_and_its_body(newsroom):
    sources = load_sources(newsroom.root)
    assert [d.path for d in sources.reports] == ["content/2026/03/2026-03-nyj-001.md"]
    assert [d.path for d in sources.issues] == ["issues/zwxx/2026/018.yaml"]
    report = sources.reports[0]
    assert (report.data["unit"], report.lines[("unit",)], report.lines[("classification",)]) == ("nyj", 4, 9)
    assert (report.body, report.body_line) == ("\n3月8日，全市春耕备耕工作全面展开。\n", 11)  # from the line after ---
    assert sources.problems == []


@pytest.mark.parametrize(("content", "code", "line"), [
    (b"", "E006", 1),
    ("---\ntitle: 标题\n---\n".encode("gbk"), "E002", 2),
    (b"---\ntitle: x\n---\n\0\0binary", "E001", 4),
    (b"---\n<<<<<<< HEAD\ntitle: a\n=======\ntitle: b\n>>>>>>> other\n---\n", "E236", 2),
])
def test_an_unreadable_file_is_a_problem_naming_its_line(newsroom, content, code, line):
    newsroom.write("content/2026/03/bad.md", content)
    with pytest.raises(LoadProblem) as caught:
        read_text(newsroom.root, "content/2026/03/bad.md")
    assert (caught.value.problem.code, caught.value.problem.line) == (code, line)
