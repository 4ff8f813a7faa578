"""Check: every rule of the newsroom's files, over loaded documents and the resolved model.

``run_check`` is the single entry point used by ``bulletin check`` and by every command that
must refuse to work on a newsroom with errors (build, publish, issue).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from bulletin import anchors, enums, forked, schema
from bulletin.cache import DigestCache, Journal, code_digest, digest
from bulletin.dates import local, month_key
from bulletin.filestat import RunMemo, Tree, scan
from bulletin.history import git_head, history_problems
from bulletin.lints import newsroom_lints, report_lints
from bulletin.load import Doc, Sources, load_sources
from bulletin.lock import lock_problems
from bulletin.mkdocs_yml import mkdocs_problems
from bulletin.model import Issue, Newsroom, Report, build_newsroom, report_of
from bulletin.notice_settings import notice_problems
from bulletin.personal import check_problems as personal_problems
from bulletin.problems import Problem, problem_rows, remembered, sorted_problems
from bulletin.special import special_file_problems
from bulletin.store import Store, load_store, locate, store_problems
from bulletin.suggest import nearest
from bulletin.write import ensure_build_dir

ISSUE_PATH = re.compile(r"^issues/([^/]+)/(\d{4})/(\d{3,})\.yaml$")
# "15日前" is a date (before the 15th), not the vague 日前 ("a few days ago").
VAGUE_TIME = re.compile(r"(?<![0-9０-９一二三四五六七八九十])日前|" + "|".join(w for w in enums.VAGUE_TIME_WORDS if w != "日前"))
REPORT_PATH = re.compile(r"^content/(\d{4})/(\d{2})/[^/]+\.md$")


@dataclass
class CheckResult:
    newsroom: Newsroom
    problems: list[Problem]
    store: Store | None = None  # the classified store, when one is configured (bulletin.store)
    sources: Sources | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def run_check(root: Path, today: date, use_cache: bool = True, lints: bool = True,
              classified: str | Path | None = None, until_exit: bool = False,
              scanned: Tree | None = None) -> CheckResult:
    """Load, validate and check the newsroom at ``root`` as of ``today``.

    ``lints=False`` skips the editorial lints (style warnings, duplicate search, image paths):
    commands that only read the data, such as ``scores``, do not need them.

    Per-file work (YAML parsing, schema validation of reports) is cached by content digest in
    build/.cache, so an unchanged newsroom of 10,000 reports re-checks in about a second.

    ``classified`` is the ``--classified`` option: with a present store, its records are checked
    together with the newsroom's (see ``bulletin.store``).

    ``until_exit``: the caller keeps the result until the process ends (the ``check`` and
    ``build`` commands), so the cycle collector is told to leave it alone for good, and the
    result and the cache are kept referenced until then (``_UNTIL_EXIT``).

    ``scanned``: the scan the caller's run memo took a moment ago (``run_memo``); the loader
    takes each file's stat record from it instead of looking at the file again.
    """
    with _without_cycle_collection(until_exit):
        store, problems = locate(root, classified)
        # Beside a store, the cache (which holds parsed records) lives in the store's build/.
        build_dir = store.build_dir if store is not None and store.present else root / "build"
        cache = DigestCache(build_dir / ".cache" / "check.marshal" if use_cache else None, schema.fingerprint())
        if scanned is not None and cache.stat_index is not None:
            cache.stat_index.scanned = scanned.records
        made: dict[str, tuple[Doc, Report]] = {}  # the model's reports, made as a cold check loads
        sources = load_sources(root, cache, partial(_kept_with_parse, lints) if use_cache else None,
                               partial(_made_with_load, made))
        load_store(sources, store, cache)
        problems += sources.problems + special_file_problems(root) + mkdocs_problems(root) + notice_problems(root)
        problems += _schema_problems(sources, cache)
        try:
            if use_cache:
                _save_loaded(cache, build_dir, len(sources.reports) + len(sources.issues))
            newsroom = build_newsroom(sources, today, made=made)
            problems += _duplicate_ids(sources)
            problems += check_newsroom(newsroom, cache, lints)
            problems += store_problems(newsroom, store)
            problems += _office_site(newsroom)
            problems += classified_figures(newsroom, store)
            if use_cache:
                _save(cache, build_dir)
        finally:
            cache.wait_for_writing()  # nothing of this check writes on after it
        store_absent = store is not None and not store.present
        problems += history_problems(newsroom, root / "build" / ".cache" if use_cache else None, store_absent)
    result = CheckResult(newsroom, sorted_problems(problems), store, sources)
    if until_exit:
        _UNTIL_EXIT.extend((cache, result))
    return result


# What the checks of a command that ends with its process made (``run_check``'s ``until_exit``):
# kept referenced, so it is never freed object by object. Freeing the cache when ``run_check``
# returned, and the newsroom when the ``check`` command did, took 0.25-0.5 s of a cold five-year
# check; the interpreter's exit does not free what the cycle collector was told to leave alone.
_UNTIL_EXIT: list[object] = []


def run_memo(root: Path, today: date, classified: str | Path | None, command: str, *extra: str) -> RunMemo:
    """The memo of ``command`` (check, build) on this newsroom: what it found last time, replayed
    while every file it reads has the same stat record (``bulletin.filestat``).

    The files are the newsroom's whole tree and the classified store's, without their ``build/``
    folders; the key holds what else the result depends on: the program (its code and
    libraries), the day, the store option, git's HEAD (the publication history), and the
    command's own ``extra`` (a build's parts and fonts). Beside a present store the memo lives in
    the store's build/, as the check cache does: its problems may quote classified records.
    """
    store, _ = locate(root, classified)
    folders, skip = [(root, "")], {root / "build"}
    if store is not None:
        skip.add(store.build_dir)
        if not store.path.is_relative_to(root):
            folders.append((store.path, store.prefix))
    build_dir = store.build_dir if store is not None and store.present else root / "build"
    key = "\0".join((command, code_digest().hex(), today.isoformat(), str(classified or ""), git_head(root) or "-", *extra))
    return RunMemo(build_dir / ".cache" / f"memo-{command}.marshal", key, scan(folders, skip))


def _office_site(newsroom: Newsroom) -> list[Problem]:
    """mkdocs.yml's refused settings, and the office's pages (kept on the newsroom for the sites)."""
    from bulletin import personal
    from bulletin.office_site import load_pages, settings_problems

    registry = personal.Registry.of(newsroom)
    problems = settings_problems(newsroom.root, registry)
    newsroom.pages, page_problems = load_pages(newsroom.root, registry)
    return problems + page_problems


def classified_figures(newsroom: Newsroom, store: Store | None) -> list[Problem]:
    """Check the carried classified-summary/ files; without the store, score with them."""
    from bulletin.classified_summary import load_summaries

    figures, problems = load_summaries(newsroom.root, set(newsroom.units))
    if store is None or not store.present:  # beside the store the computation is complete
        newsroom.classified = figures
    return problems


@contextmanager
def _without_cycle_collection(until_exit: bool = False) -> Iterator[None]:
    """Python's cycle collector paused while the newsroom is built.

    Loading creates millions of objects that all live on; each full collection walks every one
    of them again. On a 5-year archive (45,000 reports) that was 16 % of ``check``. The collector
    resumes afterwards (a build keeps running for minutes), and reference counting frees
    everything else as usual meanwhile. With ``until_exit`` the objects made so far are first
    frozen (``gc.freeze``): the first collection after the check walked them all (0.6 s on the
    5-year archive), and every later one in a build again. Not for a process that checks again
    and again (``bulletin serve``): what is frozen is never collected.
    """
    was_enabled = gc.isenabled()
    if until_exit:
        gc.collect()  # cheap before the load; garbage of earlier work is not frozen with the newsroom
    gc.disable()
    try:
        yield
    finally:
        if until_exit:
            gc.freeze()
        if was_enabled:
            gc.enable()


def _save_loaded(cache: DigestCache, build_dir: Path, count: int) -> None:
    """A first check writes the loader's entries beside the rules (``DigestCache.save_loaded``)."""
    if _writable(build_dir):
        cache.save_loaded(count)


def _save(cache: DigestCache, build_dir: Path) -> None:
    if _writable(build_dir):
        cache.save()


def _writable(build_dir: Path) -> bool:
    """Whether build/ is there to keep the cache in; a read-only newsroom still checks, only without it."""
    try:
        ensure_build_dir(build_dir)
    except OSError:
        return False
    return True


def _kept_with_parse(lints: bool, rel: str, key: bytes, data: Any, lines: dict, body: str | None) -> list[tuple[bytes, Any]]:
    """What the check keeps of one file that needs only its own parse: its schema problems and,
    of a report, (for the lints' duplicate search) its sentence anchors. The loader makes these
    beside the parse in its two processes (``load.load_sources``); anything it did not make, the
    rules make when they ask. ``body`` is None for an issue file."""
    if body is None:
        return [(_issue_schema_key(key, rel), problem_rows(schema.validate("issue", data, rel, lines)))]
    made = [(_report_schema_key(key), _schema_rows(data, rel, lines))]
    if lints:
        made.append((anchors.key(key), anchors.comparable(body)))
    return made


def _made_with_load(made: dict[str, tuple[Doc, Report]], doc: Doc) -> None:
    """The model's report of a document a cold check parsed, made as the loader takes it.

    That is beside the loader's child, which still parses its part, and before the child that
    writes the cache is forked: made after it, each report's data was read on pages shared
    with that child, copied on write (25,700 page faults on a city-year instead of 4,700)."""
    made[doc.path] = (doc, report_of(doc))


def _report_schema_key(key: bytes) -> bytes:
    """A report's schema problems are kept by its bytes (its path is not in them)."""
    return b"schema:" + key


def _issue_schema_key(key: bytes, rel: str) -> bytes:
    """An issue file's schema problems are kept by its bytes and its path (they name the path)."""
    return b"schema-issue:" + key + rel.encode()


def _schema_rows(data: Any, rel: str, lines: dict) -> list[tuple[int, str, str]]:
    return [(p.line, p.code, p.message) for p in schema.validate("report", data, rel, lines)]


def _schema_problems(sources: Sources, cache: DigestCache) -> list[Problem]:
    found: list[Problem] = []
    for doc in sources.reports:
        key = _report_schema_key(doc.key)
        known = cache.get(key)
        if known is None:
            known = _schema_rows(doc.data, doc.path, doc.lines)
            cache.put(key, known)
        found += [Problem(doc.path, line, code, message) for line, code, message in known]
    for doc in sources.issues:  # kept by the file's bytes and path: 1,150 issue files took 0.2 s of every check
        validate = partial(schema.validate, "issue", doc.data, doc.path, doc.lines)
        found += remembered(cache, _issue_schema_key(doc.key, doc.path), validate) if doc.key else validate()
    for kind in ("series", "units", "assignments", "scoring"):
        doc: Doc | None = getattr(sources, kind)
        if doc is not None:
            found += schema.validate(kind, doc.data, doc.path, doc.lines)
    return found


def _duplicate_ids(sources: Sources) -> list[Problem]:
    """Repeated ids: the model keeps the first of each, so they are found on the raw documents."""
    found = []
    first: dict[str, str] = {}
    for doc in sources.reports:
        rid = doc.data.get("id")
        if isinstance(rid, str) and rid in first:
            found.append(Problem(doc.path, doc.lines.get(("id",), 2), "E202",
                                 f"id {rid} 已被 {first[rid]} 使用；请换一个不重复的 id 并同时改文件名"))
        elif isinstance(rid, str):
            first[rid] = doc.path
    for doc, items, code in (
        (sources.units, sources.units.data.get("units") if sources.units and isinstance(sources.units.data, dict) else None, "E218"),
        (sources.assignments, sources.assignments.data if sources.assignments else None, "E202"),
    ):
        if doc is None or not isinstance(items, list):
            continue
        prefix = ("units",) if code == "E218" else ()
        seen: set[str] = set()
        for i, raw in enumerate(items):
            uid = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(uid, str) and uid in seen:
                found.append(Problem(doc.path, doc.lines.get(prefix + (i, "id"), 1), code, f"id {uid} 重复；每个 id 只能写一次"))
            elif isinstance(uid, str):
                seen.add(uid)
    return found


# The part of the reports' own lints (``report_lints``) the child of ``check_newsroom`` takes
# beside the newsroom's lints, so that both processes end together: on a cold check this process
# had 3.1 s of rules against the child's 2.4-2.65 s on five years (0.64 against 0.54 s on a
# city-year), and the reports' own lints are 1.0 s (0.2 s) of this process's share.
CHILD_SHARE = 0.3


def check_newsroom(newsroom: Newsroom, cache: DigestCache | None = None, lints: bool = True) -> list[Problem]:
    """Every rule; the lints that read many reports (the duplicate search above all) in a child
    beside the rest (``bulletin.forked.beside``), so a first check keeps both cores busy."""
    context = settings_digest(newsroom)  # the program is in every entry's salt (cache.DigestCache)
    if not lints:
        return _newsroom_rules(newsroom, cache, context) + lock_problems(newsroom, cache)
    reports = list(newsroom.reports.values())
    cut = len(reports) - round(len(reports) * CHILD_SHARE)
    (linted, journal), problems = forked.beside(
        lambda: _in_the_child(newsroom, cache, reports[cut:]),
        lambda: _newsroom_rules(newsroom, cache, context) + report_lints(newsroom, cache, reports[:cut]), len(reports))
    if cache is not None:
        cache.take(journal)
    return problems + linted


def _in_the_child(newsroom: Newsroom, cache: DigestCache | None, reports: list[Report]) -> tuple[list[Problem], Journal]:
    """The lints that read many reports, the locks' verification and the own lints of
    ``reports``, with what they used and made of the cache: they run in a child beside the
    other rules. The locks are here for the balance: on a cold five-year check this process had
    4.9 s of rules and the child 3.5 s of lints, the locks' 0.5 s among the rules."""
    def lint() -> list[Problem]:
        return newsroom_lints(newsroom, cache) + lock_problems(newsroom, cache) + report_lints(newsroom, cache, reports)

    if cache is None:
        return lint(), Journal()
    with cache.journal() as journal:
        found = lint()
    return found, journal


def _newsroom_rules(newsroom: Newsroom, cache: DigestCache | None, context: bytes) -> list[Problem]:
    """Every rule but the lints and the locks: each report's own (kept in the cache), then the whole newsroom's."""
    problems: list[Problem] = []
    for report in newsroom.reports.values():
        problems += _remembered(cache, b"report:", report, context, lambda r: _report_problems(newsroom, r))
        problems += _follows_problem(newsroom, report)
    problems += _follow_cycles(newsroom)
    problems += _issue_problems(newsroom)
    problems += _assignment_problems(newsroom)
    problems += _scoring_problems(newsroom)
    problems += personal_problems(newsroom, cache)
    return problems


def _unit_name_hint(newsroom: Newsroom) -> str:
    ids = list(newsroom.units)[:6]
    return "、".join(ids) + ("等" if len(newsroom.units) > 6 else "")


def _report_problems(newsroom: Newsroom, r: Report) -> list[Problem]:
    p: list[Problem] = []
    path, line = r.src.path, r.src.line
    stem = path.rsplit("/", 1)[-1][: -len(".md")]
    if r.id != stem:
        p.append(Problem(path, line("id"), "E201", f"id {r.id} 与文件名 {stem}.md 不一致；请把 id 改为 {stem}，或把文件改名为 {r.id}.md"))
    match = REPORT_PATH.match(r.src.rel)
    if r.submitted is not None:
        expected = month_key(local(r.submitted).date())
        if match is None or f"{match[1]}-{match[2]}" != expected:
            folder = r.src.origin + "content/" + expected.replace("-", "/")
            p.append(Problem(path, line("submitted"), "E217", f"收稿时间在 {expected}，稿件应放在 {folder}/ 目录下"))
    if r.unit is not None and r.unit not in newsroom.units:
        p.append(Problem(path, line("unit"), "E203", f"单位 {r.unit} 不在 units.yaml 中；{nearest(r.unit, newsroom.units)}可用的单位有 {_unit_name_hint(newsroom)}"))
    for i, co in enumerate(r.co_units):
        if co == r.unit:
            p.append(Problem(path, line("co_units", i), "E204", f"联合报送单位 {co} 就是报送单位本身；请从 co_units 中删去"))
        elif co not in newsroom.units:
            p.append(Problem(path, line("co_units", i), "E204", f"联合报送单位 {co} 不在 units.yaml 中；{nearest(co, newsroom.units)}请写 units.yaml 中的单位 id"))
    if r.assignment is not None and r.assignment not in newsroom.assignments:
        p.append(Problem(path, line("assignment"), "E206", f"约稿 {r.assignment} 不在 issues/assignments.yaml 中；{nearest(r.assignment, newsroom.assignments)}请核对约稿 id"))
    if r.classified and r.secrecy_term is None:
        p.append(Problem(path, line("classification"), "E212", f"密级为{r.classification}的稿件须写保密期限，例如 secrecy_term: 1年"))
    if r.category == "紧急" and not r.continues_chain and r.event_time is None and "event_time" not in r.src.lines:
        p.append(Problem(path, line("category"), "E213", "紧急信息须写事件发生或获知时间，例如 event_time: 2026-03-09T08:10:00+08:00"))
    if r.status == "不采用" and r.reject_reason is None:
        p.append(Problem(path, line("status"), "E214", "不采用的稿件须写原因，例如 reject_reason: 内容与已编发信息重复"))
    p += _level_problems(newsroom, r)
    p += _follow_up_problems(r)
    p += _report_warnings(newsroom, r)
    return p


def settings_digest(newsroom: Newsroom) -> bytes:
    """The setting files (units, series, assignments, scoring) a report's own problems are
    judged against: with the report's bytes and path, the key of what ``_remembered`` keeps."""
    return digest(b"\0".join(newsroom.config_sources[path] for path in sorted(newsroom.config_sources)))


def _remembered(cache: DigestCache | None, kind: bytes, r: Report, context: bytes,
                judge: Callable[[Report], list[Problem]]) -> list[Problem]:
    """``judge(r)`` for a rule that reads only the report itself and the setting files, kept in
    the check cache by the report's bytes, its path and ``context``: re-checking a five-year
    archive after one edit judges one report, not 45,000."""
    if not r.key:
        return judge(r)
    return remembered(cache, _kept_key(kind, r, context), lambda: judge(r))


def _kept_key(kind: bytes, r: Report, context: bytes) -> bytes:
    return kind + r.key + context + r.src.path.encode()


def _follows_problem(newsroom: Newsroom, r: Report) -> list[Problem]:
    """A 续报 names a report that must exist (judged on the whole newsroom, so never kept)."""
    if r.follows is not None and r.follows not in newsroom.reports:
        return [Problem(r.src.path, r.src.line("follows"), "E205",
                        f"续报所接的稿件 {r.follows} 不存在；{nearest(r.follows, newsroom.reports)}请写前一篇报告的 id")]
    return []


def _level_problems(newsroom: Newsroom, r: Report) -> list[Problem]:
    """Each adoption's and instruction's level must be one scoring.yaml scores (E215)."""
    if not r.adopted and not r.instructions:
        return []  # most reports: the tables are not even looked up
    adoption = [k for k in newsroom.scoring.table("adoption") if k != "own"]
    instruction = list(newsroom.scoring.table("instruction"))
    found = []
    for field_name, entries, table, levels, what in (("adopted", r.adopted, "adoption", adoption, "采用级别"),
                                                     ("instructions", r.instructions, "instruction", instruction, "批示级别")):
        for i, entry in enumerate(entries):
            if entry.level is not None and entry.level not in levels:
                found.append(Problem(r.src.path, r.src.line(field_name, i, "level"), "E215",
                                     f"{what} {entry.level} 不在 scoring.yaml 的 {table} 中；{nearest(entry.level, levels)}"
                                     f"可写：{enums.both(enums.LEVEL, levels)}"))
    return found


def _follow_up_problems(r: Report) -> list[Problem]:
    """A follow-up due before the instruction was given would show as overdue at once."""
    found = []
    for i, ins in enumerate(r.instructions):
        fu = ins.follow_up
        if fu is not None and fu.due is not None and ins.date is not None and fu.due < ins.date:
            found.append(Problem(r.src.path, r.src.line("instructions", i, "follow_up", "due"), "E308",
                                 f"办理期限 {fu.due} 早于批示日期 {ins.date}；请核对两个日期（期限应在批示之后）"))
    return found


def first_paragraph(body: str) -> str:
    for block in body.strip().split("\n\n"):
        if block.strip() and not block.lstrip().startswith("#"):
            return block
    return ""


def _report_warnings(newsroom: Newsroom, r: Report) -> list[Problem]:
    p = []
    path, line = r.src.path, r.src.line
    if not r.classification_given and "classification" not in r.src.lines:
        p.append(Problem(path, line("id"), "W001", "没有写密级，按内部处理，不会上公众网站；请写 classification: 公开 或 内部"))
    unit = newsroom.units.get(r.unit or "")
    day = r.submitted_day
    if unit is not None and day is not None:
        officer = unit.officer_on(day)
        if officer is None:
            p.append(Problem(path, line("author"), "W002", f"{unit.name}在 {day} 没有备案信息员；请在 units.yaml 中补充 officers"))
        elif r.author is not None and r.author != officer.name:
            p.append(Problem(path, line("author"), "W002", f"作者 {r.author} 不是{unit.name}在 {day} 的备案信息员（{officer.name}）；请核对作者或更新备案"))
        if not unit.active:
            p.append(Problem(path, line("unit"), "W003", f"{unit.name}已停用；请确认报送单位是否正确"))
    p += _tag_problems(r)
    opening = first_paragraph(r.body)
    vague = VAGUE_TIME.search(opening)
    if vague:
        offset = r.body[: r.body.find(opening)].count("\n") if opening in r.body else 0
        p.append(Problem(path, r.body_line + offset, "W004", f"首段使用了模糊时间词“{vague[0]}”；请写明具体日期，如“3月8日”"))
    window = newsroom.scoring.urgent_window_hours
    if (hours := r.late_hours(window)) is not None:
        p.append(Problem(path, line("submitted"), "W005", f"紧急信息在事件发生 {hours:.1f} 小时后才报送，超过 {window:g} 小时时限"))
    return p


TAG_SEPARATORS = re.compile(r"[，、]")


def _tag_problems(r: Report) -> list[Problem]:
    """``tags: [信访，矛盾纠纷]`` is one tag to YAML (only the ASCII comma separates)."""
    found = []
    for i, tag in enumerate(r.tags):
        if TAG_SEPARATORS.search(tag):
            parts = [t.strip() for t in TAG_SEPARATORS.split(tag) if t.strip()]
            found.append(Problem(r.src.path, r.src.line("tags", i), "W301",
                                 f"标签“{tag}”中有中文逗号或顿号，YAML 把它读成了一个标签；"
                                 f"若是 {len(parts)} 个标签，请用半角逗号分开：tags: [{', '.join(parts)}]"))
    return found


def _follow_cycles(newsroom: Newsroom) -> list[Problem]:
    p = []
    for r in newsroom.reports.values():
        seen = {r.id}
        current = r
        while current.follows and current.follows in newsroom.reports:
            if current.follows in seen:
                p.append(Problem(r.src.path, r.src.line("follows"), "E221", f"续报关系成环（{r.id} 最终又接回自己）；请核对 follows"))
                break
            seen.add(current.follows)
            current = newsroom.reports[current.follows]
    return p


def _issue_problems(newsroom: Newsroom) -> list[Problem]:
    p: list[Problem] = []
    numbers: dict[tuple, Issue] = {}
    for issue in newsroom.issues:
        path, line = issue.src.path, issue.src.line
        match = ISSUE_PATH.match(issue.src.rel)
        if match is None:
            p.append(Problem(path, 1, "E223", "期刊文件应放在 issues/<刊物>/<年份>/<三位期号>.yaml，例如 issues/zwxx/2026/018.yaml"))
        else:
            for key, expected, actual in (
                ("series", match[1], issue.series),
                ("year", int(match[2]), issue.year),
                ("number", int(match[3]), issue.number),
            ):
                if actual is not None and actual != expected:
                    p.append(Problem(path, line(key), "E209", f"{key} 写的是 {actual}，但文件路径表示 {expected}；请使两者一致"))
        if issue.series is not None and issue.series not in newsroom.series:
            p.append(Problem(path, line("series"), "E208", f"刊物 {issue.series} 不在 issues/series.yaml 中；{nearest(issue.series, newsroom.series)}可用的有 {'、'.join(newsroom.series)}"))
        if issue.series in newsroom.series and issue.number is not None:
            continuous = newsroom.series[issue.series].numbering == "continuous"
            key = (issue.series, None if continuous else issue.year, issue.number)
            if key in numbers:
                other = numbers[key]
                free = newsroom.series[issue.series].next_number(issue.year)
                p.append(
                    Problem(path, line("number"), "E210",
                            f"第{issue.number}期与 {other.src.path} 重号（常见于两个分支各自新建了期刊）；"
                            f"请运行 bulletin renumber {path} {free} 把草稿改为第{free}期")
                )
            else:
                numbers[key] = issue
        p += _issue_item_problems(issue, newsroom)
    return p


def _issue_item_problems(issue: Issue, newsroom: Newsroom) -> list[Problem]:
    p = []
    path = issue.src.path
    seen: set[str] = set()
    for item in issue.items:
        if item.id in seen:
            p.append(Problem(path, item.line, "E219", f"稿件 {item.id} 在本期中出现了两次；请删去一次"))
        seen.add(item.id)
        report = newsroom.reports.get(item.id)
        if report is None:
            p.append(Problem(path, item.line, "E207", f"稿件 {item.id} 不存在；{nearest(item.id, newsroom.reports)}请核对 content/ 中的稿件 id"))
            continue
        if report.status == "不采用":
            p.append(Problem(path, item.line, "E220", f"稿件 {item.id} 已标为不采用；请从本期删去，或把稿件状态改为拟采用"))
        if issue.date and report.submitted_day and issue.date < report.submitted_day:
            p.append(Problem(path, item.line, "W006", f"本期日期 {issue.date} 早于稿件 {item.id} 的收稿日期 {report.submitted_day}；请核对日期"))
    if issue.classification is not None and issue.reports:
        highest = max(issue.reports, key=lambda r: r.rank)
        if enums.CLASSIFICATION_RANK[issue.classification] < highest.rank:
            p.append(
                Problem(path, issue.src.line("classification"), "E211",
                        f"本期密级 {issue.classification} 低于条目 {highest.id} 的密级 {highest.classification}；"
                        f"期刊密级只能提高，请改为 {highest.classification} 或删去 classification")
            )
    return p


def _assignment_problems(newsroom: Newsroom) -> list[Problem]:
    p = []
    for a in newsroom.assignments.values():
        if isinstance(a.units, list):
            for i, uid in enumerate(a.units):
                if uid not in newsroom.units:
                    p.append(Problem(a.src.path, a.src.line("units", i), "E222", f"约稿单位 {uid} 不在 units.yaml 中；{nearest(uid, newsroom.units)}请写单位 id，或写 all"))
        if a.issued and a.due and a.due < a.issued:
            p.append(Problem(a.src.path, a.src.line("due"), "E107", f"截止日期 {a.due} 早于下发日期 {a.issued}；请核对"))
    return p


def _scoring_problems(newsroom: Newsroom) -> list[Problem]:
    p = []
    s = newsroom.scoring
    kinds = list(enums.SERIES_KIND)
    for level, table in s.table("adoption").items():
        if not isinstance(table, dict):
            continue
        for kind in table:
            if kind != "default" and kind not in kinds:
                p.append(Problem(s.src.path, s.src.line("adoption", level, kind), "E216",
                                 f"刊物类型 {kind} 不存在；可写：default、{'、'.join(kinds)}"))
        if level != "own" and "default" not in table:
            p.append(Problem(s.src.path, s.src.line("adoption", level), "E216",
                             f"采用级别 {level} 须有 default 分值，例如 {level}: {{default: 3}}"))
    own = s.table("adoption", "own")
    for series in newsroom.series.values():
        if s.table("adoption") and series.kind not in own and "default" not in own:
            p.append(Problem(s.src.path, s.src.line("adoption", "own"), "E216",
                             f"adoption.own 缺少刊物类型 {series.kind}（刊物 {series.name} 用到）；请补上分值"))
    for category in s.table("bonus", "category"):
        if enums.canonical(enums.CATEGORY, category) is None:
            p.append(Problem(s.src.path, s.src.line("bonus", "category", category), "E216",
                             f"类别 {category} 不存在；可写：{'、'.join(enums.CATEGORY)}"))
    return p
