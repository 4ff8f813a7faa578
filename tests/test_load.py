"""load: files become documents with the line of every key; unreadable files become problems."""

from __future__ import annotations

import pytest

from bulletin import load
from bulletin.errors import LoadProblem
from bulletin.load import load_sources, read_text


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
    (b" \n\t\r\n", "E006", 1),
    ("---\ntitle: 标题\n---\n".encode("gbk"), "E002", 2),
    (b"---\ntitle: x\n---\n\0\0binary", "E001", 4),
    (b"---\n<<<<<<< HEAD\ntitle: a\n=======\ntitle: b\n>>>>>>> other\n---\n", "E236", 2),
    (b"---\ntitle: a\n>>>>>>> other\n---\n", "E236", 3),
])
def test_an_unreadable_file_is_a_problem_naming_its_line(newsroom, content, code, line):
    newsroom.write("content/2026/03/bad.md", content)
    with pytest.raises(LoadProblem) as caught:
        read_text(newsroom.root, "content/2026/03/bad.md")
    assert (caught.value.problem.code, caught.value.problem.line) == (code, line)


def test_text_is_decoded_without_its_mark_and_with_unix_line_ends(newsroom):
    """A BOM goes, CR LF and lone CR become LF, and a marker that does not start a line is text."""
    newsroom.write("content/2026/03/a.md", "\ufeff---\r\ntitle: a <<<<<<< b\r---\r\n".encode())
    assert read_text(newsroom.root, "content/2026/03/a.md")[0] == "---\ntitle: a <<<<<<< b\n---\n"


def test_the_reader_gives_the_record_naming_the_bytes_only_for_the_path_s_own_regular_file(newsroom, monkeypatch):
    """The stat index learns a file's record with its digest: it must be the path's own (its
    ``lstat``), so a link's is never learnt (its scan record is its target's and its own), and a
    record whose size is not that of the bytes read names other bytes."""
    import os

    from bulletin.filestat import stat_record
    rel = "content/2026/03/2026-03-nyj-001.md"
    raw, record = load._read_file(newsroom.root, rel)
    assert raw == (newsroom.root / rel).read_bytes()
    assert record == stat_record(os.lstat(newsroom.root / rel))
    (newsroom.root / "content/2026/03/link.md").symlink_to("2026-03-nyj-001.md")
    assert load._read_file(newsroom.root, "content/2026/03/link.md") == (raw, None)
    grown = []
    real_read = os.read
    def read_and_grow(fd, size):
        if not grown:
            grown.append(1)
            with open(newsroom.root / rel, "ab") as handle:
                handle.write(b"more")
        return real_read(fd, size)
    monkeypatch.setattr(os, "read", read_and_grow)
    assert load._read_file(newsroom.root, rel) == (raw + b"more", None)  # read to its end; no record


def test_a_file_that_grows_past_the_cap_while_read_is_refused_not_read_without_end(newsroom, monkeypatch):
    """Its size was under the cap when opened; something appending to it meanwhile (a log, a
    hostile ``yes > report.md``) must not make the loader read and hold it without bound."""
    import os

    rel = "content/2026/03/2026-03-nyj-001.md"
    monkeypatch.setattr(load, "MAX_FILE_BYTES", (newsroom.root / rel).stat().st_size + 10)
    real_read = os.read

    def read_while_it_grows(fd, size):
        with open(newsroom.root / rel, "ab") as handle:
            handle.write(b"x" * 64)
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", read_while_it_grows)
    with pytest.raises(LoadProblem) as caught:
        load._read_file(newsroom.root, rel)
    assert (caught.value.problem.code, caught.value.problem.line) == ("E008", 1)
    assert "超过上限 8 MB" in caught.value.problem.message


def test_reports_and_issues_parsed_in_two_processes_load_as_in_one(newsroom, monkeypatch):
    """A cold cache's reports and issue files are parsed partly in a child (bulletin.forked): the
    same documents, the same problems at the same lines, and every one kept in the cache and the
    stat index. Each half gets half the issue files (they cost about two reports each)."""
    from helpers.newsroom import ISSUE

    from bulletin import forked
    from bulletin.cache import DigestCache

    for n in range(2, 12):
        newsroom.report(f"2026-03-nyj-{n:03d}", title=f"第{n}篇", body=f"正文{n}。")
    newsroom.write("content/2026/03/2026-03-nyj-099.md", "---\ntitle: 标题：没有引号: 冒号\n---\n正文")
    for number in (19, 20, 21):
        newsroom.write(f"issues/zwxx/2026/{number:03d}.yaml", ISSUE.replace("number: 18", f"number: {number}"))
    newsroom.write("issues/zwxx/2026/022.yaml", "year: 2026\nnumber: [22\n")  # does not parse
    monkeypatch.setattr(forked, "MIN_ITEMS", 2)
    one = load_sources(newsroom.root)  # no cache: no split
    split, splits = forked.split_iter, []

    def recorded(work, items, share):
        splits.append([item.rsplit("/", 1)[-1] for item in items])
        assert share == load.THIS_SHARE == 0.43  # 7 of the 17 here, 10 in the child
        return split(work, items, share)

    monkeypatch.setattr(forked, "split_iter", recorded)
    cache = DigestCache(newsroom.root / "build" / ".cache" / "check.marshal", "test")
    taken = []
    two = load_sources(newsroom.root, cache, with_doc=taken.append)
    # with_doc saw each report document that parsed, the very one loaded, with its origin set
    assert [id(d) for d in taken] == [id(d) for d in two.reports if d.path != "content/2026/03/2026-03-nyj-099.md"]
    assert len(taken) == 11 and {d.origin for d in taken} == {""}
    assert [(d.path, d.data, d.lines, d.body, d.body_line) for d in two.reports] == [
        (d.path, d.data, d.lines, d.body, d.body_line) for d in one.reports]
    assert [(d.path, d.data, d.lines) for d in two.issues] == [(d.path, d.data, d.lines) for d in one.issues]
    assert [d.path.rsplit("/", 1)[-1] for d in two.issues] == ["018.yaml", "019.yaml", "020.yaml", "021.yaml"]
    assert len(two.reports) == 11  # not the unparsable one: the loader reports it
    assert [len(items) for items in splits] == [17]
    assert splits[0][:2] == ["018.yaml", "019.yaml"] and splits[0][-3:] == ["020.yaml", "021.yaml", "022.yaml"]
    assert [p.format() for p in two.problems] == [p.format() for p in one.problems]
    assert [p.path for p in two.problems] == ["content/2026/03/2026-03-nyj-099.md", "issues/zwxx/2026/022.yaml"]
    assert all(cache.holds(d.key) for d in two.reports)
    assert all(cache.holds(b"yaml:" + d.key) for d in two.issues)
    assert all(cache.stat_index.new[d.path] == (_record(newsroom.root / d.path), d.key) for d in two.reports + two.issues)


def _record(path):
    import os

    from bulletin.filestat import stat_record

    return stat_record(os.lstat(path))
