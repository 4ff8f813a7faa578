"""Load: the newsroom's files become records that remember their source lines.

Nothing here judges content; it only turns bytes into data, and any file that cannot become
data into one clear problem naming the file and line.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bulletin import forked
from bulletin.cache import DigestCache, digest
from bulletin.errors import LoadProblem, SpecialFile, YamlProblem
from bulletin.filestat import StatRecord, stat_record
from bulletin.problems import Problem
from bulletin.special import open_looked_at
from bulletin.yamlhints import comment_warnings
from bulletin.yamlsrc import KeyPath
from bulletin.yamlsrc import load as load_yaml

MAX_FILE_BYTES = 8 * 1024 * 1024
CONFLICT_MARKER = re.compile(r"^(<{7}|>{7})( |$)", re.MULTILINE)


@dataclass
class Doc:
    """One parsed file: its data, the line of every key, and (for reports) the Markdown body."""

    path: str
    data: Any
    lines: dict[KeyPath, int]
    body: str = ""
    body_line: int = 0
    digest_source: bytes = b""
    key: bytes = b""  # digest of the file's bytes, for caches
    origin: str = ""  # "" for the newsroom; the classified store's path prefix (bulletin.store)
    warnings: list[Problem] = field(default_factory=list)  # slips that parse (bulletin.yamlhints)


@dataclass
class Sources:
    """Everything read from a newsroom, before any judgement."""

    root: Path
    reports: list[Doc] = field(default_factory=list)
    issues: list[Doc] = field(default_factory=list)
    series: Doc | None = None
    units: Doc | None = None
    assignments: Doc | None = None
    scoring: Doc | None = None
    problems: list[Problem] = field(default_factory=list)


def read_text(root: Path, rel: str) -> tuple[str, bytes]:
    """The file's text; raise LoadProblem for folders, binaries, wrong encodings, huge files."""
    raw = _read_file(root, rel)[0]
    return _decode(rel, raw), raw


def _read_file(root: Path, rel: str) -> tuple[bytes, StatRecord | None]:
    """The file's bytes, and the stat record that names them: one open, one fstat, the reads
    (this runs for every report on every check). The record is that of what was opened, taken
    before reading, and None when the path is a link (its record is not the path's) or not a
    regular file of that size: only such a record may name the bytes in the stat index.

    The open never blocks (a FIFO) and nothing but a regular file is read (a link to /dev/zero):
    see bulletin/special.py.
    """
    try:
        fd, opened, linked = open_looked_at(os.path.join(root, rel), rel)  # a str join: no KeyPath per file
        try:
            if opened.st_size > MAX_FILE_BYTES:
                raise LoadProblem(_too_large(rel, opened.st_size))
            raw = _read_to_end(rel, fd, opened.st_size)
        finally:
            os.close(fd)
    except SpecialFile as exc:
        raise LoadProblem(exc.problem) from None
    except IsADirectoryError:
        raise LoadProblem(Problem(rel, 1, "E001", "这里应是文件，实际是文件夹；请把文件夹改名或移走")) from None
    except OSError as exc:
        raise LoadProblem(Problem(rel, 1, "E001", f"无法读取文件（{exc.strerror}）；请检查文件权限")) from None
    record = stat_record(opened)
    named = not linked and stat.S_ISREG(record[0]) and record[1] == len(raw)
    return raw, record if named else None


def _read_to_end(rel: str, fd: int, size: int) -> bytes:
    """Everything left in ``fd``, whose size was ``size`` a moment ago: a file may still grow,
    but is not read past the cap (one appended to without end would be read without end)."""
    chunks, total = [], 0
    while chunk := os.read(fd, max(size + 1, 1 << 16)):
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise LoadProblem(_too_large(rel, total))
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large(rel: str, size: int) -> Problem:
    return Problem(rel, 1, "E008", f"文件有 {size // 1024 // 1024} MB，超过上限 8 MB；请拆分内容或压缩图片")


def _decode(rel: str, raw: bytes) -> str:
    """The file's text, or the problem that stops it from being one. Each scan that finds
    nothing in a well-formed file is a substring test before its regular expression or copy:
    this runs for every file a first check reads."""
    if not raw or raw.isspace():
        raise LoadProblem(Problem(rel, 1, "E006", "文件是空的；请写入内容，或删除这个文件"))
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise LoadProblem(Problem(rel, line, "E001", "文件含有二进制内容，不是文本文件；请用文本编辑器另存为 UTF-8"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadProblem(
            Problem(rel, line, "E002", "文件不是 UTF-8 编码（可能是 GBK）；请在编辑器中另存为 UTF-8")
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    conflict = CONFLICT_MARKER.search(text) if "<<<<<<<" in text or ">>>>>>>" in text else None
    if conflict:
        line = text[: conflict.start()].count("\n") + 1
        raise LoadProblem(
            Problem(rel, line, "E236", "文件中有未解决的 git 合并冲突标记；请保留应留的内容、删去 <<<<<<<、=======、>>>>>>> 行（见 docs/workflow.md）")
        )
    return text


def _parse(rel: str, text: str, first_line: int) -> tuple[Any, dict[KeyPath, int]]:
    try:
        return load_yaml(text, first_line)
    except YamlProblem as exc:
        raise LoadProblem(Problem(rel, exc.line, exc.code, exc.message)) from None


def load_yaml_file(root: Path, rel: str, cache: DigestCache | None = None) -> Doc:
    """One YAML file (an issue, units.yaml …); a cache hit skips decoding and parsing."""
    key, raw = _known_digest(root, rel, cache)
    hit = cache.get(_yaml_key(key)) if key else None
    if hit is not None:
        return _yaml_doc(rel, key, hit)
    if raw is None:
        raw, record = _read_file(root, rel)
        key = _learn(cache, rel, raw, record)
        hit = cache.get(_yaml_key(key)) if key else None  # read again (touched, or just written): same bytes?
        if hit is not None:
            return _yaml_doc(rel, key, hit)
    data, lines = _parse(rel, _decode(rel, raw), 1)
    if cache is not None:
        cache.put(_yaml_key(key), (data, lines))
    return Doc(rel, data, lines, digest_source=key or raw, key=key)


def _yaml_doc(rel: str, key: bytes, entry: tuple) -> Doc:
    """The document of a YAML file whose bytes (digest ``key``) the cache knows: ``entry`` is (data, lines)."""
    data, lines = entry
    return Doc(rel, data, lines, digest_source=key, key=key)


def _known_digest(root: Path, rel: str, cache: DigestCache | None) -> tuple[bytes, bytes | None]:
    """The digest of ``rel``'s bytes without reading them when the stat index knows the file
    (a regular file whose stat record is unchanged since the last run: ``bulletin.filestat``).
    Otherwise ``(b"", None)``: the caller reads the file through the guarded reader."""
    index = cache.stat_index if cache is not None else None
    if index is None:
        return b"", None
    record = index.record_of(os.path.join(root, rel), rel)
    if record is None or not stat.S_ISREG(record[0]) or record[1] > MAX_FILE_BYTES:
        return b"", None  # links and special files always go through open_regular
    known = index.known(rel, record)
    return (known, None) if known is not None else (b"", None)


def _learn(cache: DigestCache | None, rel: str, raw: bytes, record: StatRecord | None) -> bytes:
    """The digest of bytes just read, remembered in the stat index with the record naming them."""
    if cache is None:
        return b""
    key = digest(raw)
    if cache.stat_index is not None and record is not None:
        cache.stat_index.learn(rel, record, key)
    return key


def split_front_matter(rel: str, text: str) -> tuple[str, str, int]:
    """Front matter text, body text, and the file line on which the body starts."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise LoadProblem(
            Problem(rel, 1, "E004", "文件应以一行 --- 开头，接着写 YAML front matter，再以一行 --- 结束")
        )
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise LoadProblem(Problem(rel, 1, "E004", "front matter 没有结束的 --- 行；请在 YAML 之后、正文之前加一行 ---"))


def load_report(root: Path, rel: str, cache: DigestCache | None = None, known: bytes | None = None) -> Doc:
    """One report; a cache hit (same bytes as before) skips decoding and YAML entirely.
    ``known``: the digest the stat index gave (b"" for none), when the caller asked it already."""
    key, raw = _known_digest(root, rel, cache) if known is None else (known, None)
    hit = cache.get(key) if key else None
    if hit is None:
        raw, record = _read_file(root, rel)
        key = _learn(cache, rel, raw, record)
        hit = cache.get(key) if cache is not None else None
    if hit is None:
        hit = _report_entry(rel, raw)
        if cache is not None:
            cache.put(key, hit)
    return _report_doc(rel, key or raw, key, hit)


def _report_doc(rel: str, source: bytes, key: bytes, entry: tuple) -> Doc:
    data, lines, body, body_line, hints = entry
    warnings = [Problem(rel, line, code, message) for line, code, message in hints]
    return Doc(rel, data, lines, body=body, body_line=body_line, digest_source=source, key=key, warnings=warnings)


def _report_entry(rel: str, raw: bytes) -> tuple:
    """What a report's bytes parse into, as the cache keeps it: (data, lines, body, body line, hints)."""
    text = _decode(rel, raw)
    front, body, body_line = split_front_matter(rel, text)
    data, lines = _parse(rel, front, 2)
    if not isinstance(data, dict):
        raise LoadProblem(Problem(rel, 2, "E007", "front matter 应是“键: 值”的映射，例如 id: 2026-03-nyj-004"))
    hints = [(h.line, h.code, h.message) for h in comment_warnings(front, 2)]
    return data, lines, body, body_line, hints


# What a caller makes of each file as it is parsed: (path, digest, data, lines, body) -> the
# cache entries to keep (``check._kept_with_parse``); ``body`` is None for a YAML file.
WithParse = Callable[[str, bytes, Any, dict, str | None], list[tuple[bytes, Any]]]
# What a caller makes of each report document as this process takes it from a cold check's parse
# (``check.run_check``: the model's report, built beside the child's parsing, not after it).
WithDoc = Callable[[Doc], None]


def _entry_key(rel: str, key: bytes) -> bytes:
    """The cache's key for what a file's bytes parse into: a report's is its digest, a YAML
    file's (an issue) ``_yaml_key``."""
    return key if rel.endswith(".md") else _yaml_key(key)


def _yaml_key(key: bytes) -> bytes:
    """The cache's key for the data and lines a YAML file with digest ``key`` parses into."""
    return b"yaml:" + key


# The part of the files a cold check parses in this process (``_parsed_in_two``), which also
# decodes the child's results from its frames, keeps every result and makes the model's report
# of each (``check._made_with_load``) beside the child's parsing. Per report, alone on a core:
# parsing 0.115 ms (0.145 before the reads, the decoding and the anchors were made cheaper on
# 2026-12-04), encoding or decoding a frame's share 0.014, keeping 0.004, the model's report
# 0.011; the two sides end together at 43.5 % (45 % with the dearer parse; 48 % before the
# model's reports were made here). Cold city-year checks at 43 % and 45 % in turn: the loader
# 0.762-0.773 s against 0.774-0.801 s.
THIS_SHARE = 0.43


def _parsed_in_two(root: Path, rels: list[str], cache: DigestCache | None, with_parse: WithParse | None,
                   with_doc: WithDoc | None = None, prefix: str = "") -> tuple[dict[str, Doc], dict[str, bytes]]:
    """The reports and issues the cache does not know yet, parsed partly in a second process
    (``bulletin.forked``) and kept in the cache; the loader takes these documents as they are.
    Also the digest the stat index knows for each path (so no file is looked at twice).

    A first check after a clone (or after the program changed) parses every file; this halves
    that on two cores. A file that does not parse is left to the loader, which reports it.
    ``with_parse``: the caller's per-file work (pure, of the parsed file alone), made there
    too and kept in the cache, so that a first check keeps both cores busy with it.

    An issue file costs about two reports (its lists of ids, and its schema): each half gets
    half of them, so the halves stay even. Before, the 1,150 issue files of five years were
    parsed here alone after the split (0.5–0.7 s with one core idle).

    This process parses ``THIS_SHARE`` of the files: it also decodes the child's results and
    keeps every result in the cache, beside the child's parsing (``forked.split_iter``).
    ``with_doc`` runs on each report document here as it is taken (its ``origin`` is ``prefix``).
    """
    if cache is None:
        return {}, {}
    known = {rel: _known_digest(root, rel, cache)[0] for rel in rels}
    unknown = [rel for rel in rels if not (known[rel] and cache.holds(_entry_key(rel, known[rel])))]
    if not forked.can_fork(len(unknown)):
        return {}, known
    issues = [rel for rel in unknown if not rel.endswith(".md")]
    half = len(issues) // 2
    order = issues[:half] + [rel for rel in unknown if rel.endswith(".md")] + issues[half:]
    docs = {}
    for found in forked.split_iter(partial(_parsed_file, root, cache, with_parse), order, THIS_SHARE):
        if found is not None:
            rel, record, key, entry, made = found
            for made_key, value in made:
                cache.put(made_key, value)
            if entry is None:  # bytes the cache already holds (a file touched, not changed)
                entry = cache.get(_entry_key(rel, key))
            else:
                cache.put(_entry_key(rel, key), entry)
            if record is not None and cache.stat_index is not None:
                cache.stat_index.learn(rel, record, key)
            if rel.endswith(".md"):
                doc = docs[rel] = _report_doc(rel, key, key, entry)
                doc.origin = prefix
                if with_doc is not None:
                    with_doc(doc)
            else:
                docs[rel] = _yaml_doc(rel, key, entry)
    return docs, known


def _parsed_file(root: Path, cache: DigestCache, with_parse: WithParse | None, rel: str) -> tuple | None:
    """(path, stat record or None, digest, cache entry, entries made with it) of one report or
    YAML file, or None if it does not load; the entry is None when the cache holds these bytes
    already (not parsed again), and ``with_parse`` runs only on a parsed entry (else the caller
    makes what it still needs)."""
    report = rel.endswith(".md")
    try:
        raw, record = _read_file(root, rel)
        key = digest(raw)
        if cache.holds(_entry_key(rel, key)):
            entry = None
        else:
            entry = _report_entry(rel, raw) if report else _parse(rel, _decode(rel, raw), 1)
    except LoadProblem:
        return None
    made = []
    if with_parse is not None and entry is not None:
        made = with_parse(rel, key, entry[0], entry[1], entry[2] if report else None)
    return rel, record, key, entry, made


# Text files an editor may have meant as reports: refused with the name to use.
MISNAMED = (".markdown", ".txt", ".mdown", ".mkd")


def misnamed(name: str) -> bool:
    """``x.MD``, ``x.markdown``, ``x.txt``: not read as reports, so check says so. Editor
    backups (``x.md~``, ``x.md.swp``, ``x.md.bak``, ``x.md.orig``) end otherwise and stay quiet."""
    lower = name.lower()
    return not name.startswith(".") and (lower.endswith(".md") and not name.endswith(".md") or lower.endswith(MISNAMED))


def _misnamed_problem(rel: str) -> Problem:
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return Problem(rel, 1, "E307", f"扩展名须为 .md（小写），这个文件不会被当作稿件读取；请改名为 {stem}.md")


def _walk(root: Path, top: str, suffix: str, refused: list[Problem] | None = None) -> list[str]:
    """Relative posix paths of files (and misplaced folders) ending in ``suffix`` under ``top``."""
    base = root / top
    found: list[str] = []
    if not base.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for name in sorted(filenames):
            if name.endswith(suffix) and not name.startswith("."):
                found.append(f"{rel_dir}/{name}")
            elif refused is not None and misnamed(name):
                refused.append(_misnamed_problem(f"{rel_dir}/{name}"))
        for name in dirnames:
            if name.endswith(suffix):  # a folder named like a file: report it, do not descend
                found.append(f"{rel_dir}/{name}")
        dirnames[:] = [d for d in dirnames if not d.endswith(suffix)]
    return found


def _try(sources: Sources, loader, rel: str, *extra) -> Doc | None:
    try:
        return loader(sources.root, rel, *extra)
    except LoadProblem as exc:
        sources.problems.append(exc.problem)
        return None


def load_records(sources: Sources, folder: Path, prefix: str = "", cache: DigestCache | None = None,
                 with_parse: WithParse | None = None, with_doc: WithDoc | None = None) -> None:
    """Add the reports and issues under ``folder`` (the newsroom, or a store at path ``prefix``
    as seen from the newsroom) to ``sources``; each document remembers its ``prefix``.
    ``with_parse``, ``with_doc``: see ``_parsed_in_two``."""
    refused: list[Problem] = []
    report_rels = [prefix + rel for rel in _walk(folder, "content", ".md", refused)]
    issue_rels = [prefix + rel for rel in _walk(folder, "issues", ".yaml")
                  if rel not in ("issues/series.yaml", "issues/assignments.yaml")]
    parsed, known = _parsed_in_two(sources.root, report_rels + issue_rels, cache, with_parse, with_doc, prefix)
    for rels, loader, found in ((report_rels, load_report, sources.reports), (issue_rels, load_yaml_file, sources.issues)):
        for rel in rels:
            known_digest = (known[rel],) if rel in known and loader is load_report else ()
            doc = parsed.get(rel) or _try(sources, loader, rel, cache, *known_digest)
            if doc is not None:
                doc.origin = prefix
                sources.problems += doc.warnings
                found.append(doc)
        if loader is load_report:
            sources.problems += [Problem(prefix + p.path, p.line, p.code, p.message) for p in refused]


def load_sources(root: Path, cache: DigestCache | None = None, with_parse: WithParse | None = None,
                 with_doc: WithDoc | None = None) -> Sources:
    """Read every newsroom file under ``root``; unreadable files become problems, not exceptions.
    ``with_parse``, ``with_doc``: the caller's work on each report parsed (``_parsed_in_two``)."""
    sources = Sources(root=root)
    load_records(sources, root, "", cache, with_parse, with_doc)
    for attr, rel in (
        ("series", "issues/series.yaml"),
        ("units", "units.yaml"),
        ("assignments", "issues/assignments.yaml"),
        ("scoring", "scoring.yaml"),
    ):
        if (root / rel).exists():
            setattr(sources, attr, _try(sources, load_yaml_file, rel, cache))
        elif attr != "assignments":
            sources.problems.append(Problem(rel, 1, "E001", f"缺少 {rel}；请从示例新闻室复制一份并按本单位修改"))
    return sources


def is_newsroom(root: Path) -> bool:
    """A newsroom has units.yaml or content/; anywhere else no command may write (not even a cache)."""
    return (root / "units.yaml").exists() or (root / "content").is_dir()
