"""The second, independent leak gate: search every built file for what must not be there.

The views decide what a site may hold; this gate does not trust them. Given the strings of
everything a site must NOT hold (every text field of other items — short ones as combinations
of one report's strings — and officers' phone numbers), it reads every file under a folder the way a reader or a crawler could see it
(gzip opened, JSON and JavaScript ``\\uXXXX`` escapes decoded, HTML entities and percent-escapes
undone, tags and whitespace dropped, file names included) and fails if any string appears.

The search index (Pagefind) is gzip-compressed whatever its files are called, and holds Chinese
as overlapping pairs (``bulletin.site.pairs``): every gzip stream is opened by its first bytes,
one that cannot be opened stops the build, and each forbidden string is also looked for in its
pair form and lower-cased (Pagefind's words are lower-case).
"""

from __future__ import annotations

import gzip
import html
import re
import urllib.parse
import warnings
from operator import add
from pathlib import Path

import ahocorasick

from bulletin import enums, personal
from bulletin.errors import LeakError
from bulletin.markup import to_html
from bulletin.model import Newsroom, Report
from bulletin.site import pairs

MIN_LENGTH = 8  # a string this long is distinctive alone: one occurrence is a leak
TITLE_MIN = 6  # a title is written to be recognised: six characters suffice
SHORT_MIN = 4  # shorter strings (二字词, names) say nothing alone, even two together
CO_OCCUR = 2  # short strings of one report: this many distinct ones in one file are a leak
MAX_FILE = 512 * 1024 * 1024  # a 5-year intranet search index is ~80 MB; larger files fail closed
_TAG = re.compile(r"<[^<>]*>")  # linear: a run never crosses the next "<"
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff\u3000]+")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_HANZI = re.compile(f"[{pairs.HANZI}]")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_LATIN = re.compile(r"[A-Z]")


# A forbidden entry is a string (a leak wherever it appears) or a tuple of one report's short
# strings (a leak where CO_OCCUR distinct ones appear in one file): a short sentence alone may be
# a common phrase, several of the same hidden report together are that report.
Forbidden = str | tuple[str, ...]


def normalise(text: str) -> str:
    """Text as a reader sees it, with every kind of spacing removed so line wraps cannot hide a match."""
    text = _decode_escapes(text)
    text = html.unescape(_TAG.sub("", text))
    return _SPACE.sub("", text)


def _decode_escapes(text: str) -> str:
    """``\\uXXXX`` escapes decoded, as a JSON or JavaScript reader would see them.

    An ASCII file (mkdocs' search index escapes every hanzi: millions of escapes in a city-year
    intranet) is decoded by the codec in C, which also turns ``\\n``, ``\\"`` and the like into
    what they stand for; other text keeps the per-escape substitution.
    """
    if "\\u" not in text:
        return text
    if text.isascii():
        with warnings.catch_warnings():  # scripts hold regex escapes (\\s, \\d): kept as they are
            warnings.simplefilter("ignore", DeprecationWarning)
            return text.encode("ascii").decode("unicode_escape", errors="backslashreplace")
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


GZIP_MAGIC = b"\x1f\x8b"


def _readable(path: Path) -> str:
    """A file's text; a gzip stream (by its first bytes, whatever the name) opened, or refused."""
    if path.stat().st_size > MAX_FILE:
        raise LeakError([(str(path), "文件过大，无法检查")])
    raw = path.read_bytes()
    if raw.startswith(GZIP_MAGIC) or path.suffix == ".gz":
        try:
            with gzip.open(path) as handle:
                raw = handle.read(MAX_FILE + 1)
        except (OSError, EOFError) as exc:  # fail closed: what cannot be read cannot be proved clean
            raise LeakError([(str(path), f"压缩文件无法解开，无法检查（{exc}）")]) from exc
        if len(raw) > MAX_FILE:
            raise LeakError([(str(path), "文件解压后过大，无法检查")])
    text = raw.decode("utf-8", errors="ignore")
    # percent-escapes undone too; "45%" without one (common in Chinese text) costs no unquote
    return text + "\n" + urllib.parse.unquote(text) if _PERCENT.search(text) else text


def _automaton(forbidden: list[Forbidden], forms: bool = True) -> ahocorasick.Automaton | None:
    """One automaton over every string (with ``forms``: in every form it can take in a site);
    each key maps to the (entry, part) pairs it stands for."""
    keyed: dict[str, list[tuple[Forbidden, str]]] = {}
    for entry in dict.fromkeys(forbidden):
        for part in entry if isinstance(entry, tuple) else (entry,):
            for key in _forms(part) if forms else (normalise(part),):
                if (entry, part) not in keyed.setdefault(key, []):
                    keyed[key].append((entry, part))
    if not keyed:
        return None
    automaton = ahocorasick.Automaton()
    for key, values in keyed.items():
        automaton.add_word(key, values)
    automaton.make_automaton()
    return automaton


_LONG_RUN = re.compile(f"[{pairs.HANZI}]{{3,}}")  # a run of two pairs to one pair: itself


def _doubled_middle(match: re.Match) -> str:
    run = match.group(0)
    middle = run[1:-1]
    return run[0] + "".join(map(add, middle, middle)) + run[-1]


def pair_form(plain: str) -> str:
    """``plain`` (normalised: no spacing left) as the search index holds it once ``normalise``
    has dropped the spaces: ``pairs.split`` makes 营商环境 营商 商环 环境, so every hanzi with a hanzi
    on both sides is doubled (营商商环环境). Made per run of hanzi, not per pair: the gate makes
    this form of every forbidden string of a site (78,000 on a city-year's public site: 1.6 s
    the pairs' way, 0.7 s this way)."""
    return _LONG_RUN.sub(_doubled_middle, plain)


def _forms(part: str) -> set[str]:
    """How a string can appear in a site: as written, in the search index's pair form
    (``pair_form``), and each of those lower-cased."""
    plain = normalise(part)
    forms = {plain, pair_form(plain)} if _HANZI.search(plain) else {plain}
    return {f for form in forms for f in ((form, form.lower()) if form.isascii() or _LATIN.search(form) else (form,)) if f}


def _found(automaton: ahocorasick.Automaton, haystack: str) -> list[str]:
    """Forbidden strings in ``haystack``: each single one, and each combination met CO_OCCUR times."""
    hits = dict.fromkeys(pair for _, values in automaton.iter(haystack) for pair in values)
    found: dict[Forbidden, None] = {}
    groups: dict[tuple[str, ...], list[str]] = {}
    for entry, part in hits:
        if isinstance(entry, tuple):
            parts = groups.setdefault(entry, [])
            parts.append(part)
            if len(parts) == CO_OCCUR:
                found[entry] = None  # placed where the combination was completed
        else:
            found[entry] = None
    return ["、".join(groups[e]) if isinstance(e, tuple) else e for e in found]


_LAST: list = [None, None]  # [the forbidden list last seen, its automaton]


def _automaton_of(forbidden: list[Forbidden]) -> ahocorasick.Automaton | None:
    """The automaton of ``forbidden``, built once while the lists a build or ``bulletin serve``
    searches with are equal (serve computes the list again on every edit; building the automaton
    of a city-year's public site takes seconds, comparing two lists milliseconds). The list is
    compared with a copy of the one the automaton was built from, so a list changed in place is
    never searched with a stale automaton."""
    seen, automaton = _LAST
    if seen is None or seen != forbidden:
        automaton = _automaton(forbidden)
        _LAST[:] = [list(forbidden), automaton]
    return automaton


def _files_of(folder: Path, files: list[str] | None) -> list[Path]:
    """Every file under ``folder`` (symlinks included), or only ``files`` (relative to it) that exist."""
    if files is None:
        return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())
    return sorted(p for p in (folder / f for f in dict.fromkeys(files)) if p.is_file() or p.is_symlink())


def find_leaks(folder: Path, forbidden: list[Forbidden], files: list[str] | None = None) -> list[tuple[str, str]]:
    """Every (file, forbidden string) found under ``folder``, file names included; with
    ``files`` (paths relative to ``folder``), in those files only (the preview's changed files)."""
    automaton = _automaton_of(forbidden)
    if automaton is None or not folder.exists():
        return []
    leaks: list[tuple[str, str]] = []
    for path in _files_of(folder, files):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            leaks.append((rel, "符号链接（网站中不应有）"))
            continue
        haystack = normalise(urllib.parse.unquote(rel) + "\n" + _readable(path))
        leaks.extend((rel, text) for text in _found(automaton, haystack))
    return leaks


def assert_no_leaks(out: Path, forbidden: list[Forbidden], files: list[str] | None = None) -> None:
    """Raise ``LeakError`` naming each file and string when anything forbidden is under ``out``
    (in ``files`` of it, when given)."""
    leaks = find_leaks(out, forbidden, files)
    if leaks:
        raise LeakError([(str(out / path), text) for path, text in leaks])


# -- what a site must not hold, decided from the newsroom alone (not from views.py) ---------------

_SITE_MAX_RANK = {"public": enums.CLASSIFICATION_RANK["公开"], "intranet": enums.CLASSIFICATION_RANK["内部"]}


def _may_hold(newsroom: Newsroom, report: Report, site: str) -> bool:
    """The classification views' rule (bulletin.views) restated independently: published in an issue not raised above the site's
    rank, not rejected, within the site's rank."""
    if report.status == "不采用" or report.rank > _SITE_MAX_RANK[site]:
        return False
    if site == "public" and (not report.classification_given or report.withdrawn is not None):
        return False  # a withdrawn item (撤稿) stays only on the intranet
    for issue in report.issues:
        series = newsroom.series.get(issue.series or "")
        raised = enums.CLASSIFICATION_RANK.get(issue.classification or "公开", 99) > _SITE_MAX_RANK[site]
        if issue.status == "published" and series is not None and not raised and (site != "public" or series.public):
            return True
    return False


def _plain(report: Report) -> str:
    return html.unescape(_TAG.sub("\n", to_html(report.body, report.src.path)))


def _length(text: str) -> int:
    return len(_SPACE.sub("", text))


def _distinctive(texts: list[str], least: int = MIN_LENGTH) -> list[str]:
    return [t.strip() for t in texts if _length(t) >= least]


def _intranet_fields(report: Report) -> list[str]:
    """What only the intranet shows of an item: people, publications, leaders and their words."""
    texts = [report.author or "", report.signed_off_by or "", *(a.publication or "" for a in report.adopted)]
    for i in report.instructions:
        texts += [i.leader or "", i.text, i.follow_up.owner or "" if i.follow_up else ""]
    return texts


def _fields(report: Report) -> list[str]:
    """Every text field of a report, each body sentence apart (the id and titles come first: its
    own and any headline an issue prints it under)."""
    return [report.id, report.title, *(i.title_of(report) for i in report.issues),
            *_SENTENCE_END.split(_plain(report)), *report.tags,
            *(c.note for c in report.corrections), report.reject_reason or "", *_intranet_fields(report)]


def _allowed_text(newsroom: Newsroom, held: list[Report], site: str) -> str:
    """The text of everything ``site`` may show, joined: a forbidden string found in it is not a leak."""
    texts = [*(u.name for u in newsroom.units.values()), *(f"{s.name}\n{s.publisher}" for s in newsroom.series.values())]
    for r in held:
        texts += [r.title, *(i.title_of(r) for i in r.issues), _plain(r), *r.tags, *(c.note for c in r.corrections)]
        if site != "public":
            texts += _intranet_fields(r)
    if site != "public":
        texts += [a.topic for a in newsroom.assignments.values()]  # the intranet's assignment page
    return normalise("\x00".join(texts))


def forbidden_strings(newsroom: Newsroom, site: str) -> list[Forbidden]:
    """Every text field of everything ``site`` must not hold, and every officer's phone.

    That is: the id, titles (its own and as issues print it), body sentences, tags, corrections,
    rejection reason, people, publications and instructions of every item the site may not hold,
    and on the public site
    also the intranet-only fields of the items it holds. A string of MIN_LENGTH characters or
    more (a title: TITLE_MIN) is forbidden alone; shorter ones down to SHORT_MIN are gathered per
    report into one combination, a leak where CO_OCCUR of them meet in one file. A string that
    also occurs in what the site may show (held items, unit, series and assignment names) is
    left out: a shared sentence is not a leak, and keeping it would make the gate fail honest
    builds.
    """
    held = [r for r in newsroom.reports.values() if _may_hold(newsroom, r, site)]
    held_ids = {r.id for r in held}
    per_report: list[tuple[str, list[str]]] = []  # (title, texts) of each report
    for report in newsroom.reports.values():
        if report.id not in held_ids:
            per_report.append((report.title.strip(), _distinctive(_fields(report), SHORT_MIN)))
        elif site == "public":
            per_report.append(("", _distinctive(_intranet_fields(report), SHORT_MIN)))
    automaton = _automaton([t for _, texts in per_report for t in texts], forms=False)  # shown text is real text
    shared = set()
    if automaton is not None:
        shared = {part for _, values in automaton.iter(_allowed_text(newsroom, held, site)) for _, part in values}
    strings: list[Forbidden] = []
    for title, texts in per_report:
        kept = [t for t in dict.fromkeys(texts) if t not in shared]
        alone = [t for t in kept if _length(t) >= (TITLE_MIN if t == title else MIN_LENGTH)]
        short = tuple(t for t in kept if t not in alone)
        strings += alone
        if len(short) >= CO_OCCUR:
            strings.append(short)
    strings.extend(o.phone for u in newsroom.units.values() for o in u.officers if o.phone and len(o.phone) >= 5)
    return list(dict.fromkeys(strings))


# -- personal data (个人信息): registered phones in any form; unlisted patterns on the public site ---

_TEXT_SUFFIXES = (".html", ".htm", ".md", ".json", ".xml", ".txt", ".gz",
                  ".pf_fragment", ".pf_meta", ".pf_index", ".pf_filter")  # Pagefind's, gzip-compressed
_BLANKS = re.compile(r"\s+")


class PersonalGuard:
    """What the gate looks for besides forbidden strings, and where each value came from.

    Registered officer phones are refused on every site however they are written; on the public
    site so is any phone number, e-mail address, ID or bank card number not listed in the
    ``public_contacts`` of an item the site holds. A leak is reported at the content file and
    line it came from (found again in the newsroom), never at a staging path.
    """

    def __init__(self, newsroom: Newsroom, site: str):
        self.public = site == "public"
        self.registry = personal.Registry.of(newsroom)
        self.held = [r for r in newsroom.reports.values() if _may_hold(newsroom, r, site)]
        self.issues = newsroom.issues
        self.pages = newsroom.pages  # the office's pages, on both sites (bulletin.office_site)
        self.allowed = frozenset().union(*(personal.allowed_keys(r.public_contacts) for r in self.held),
                                         *(personal.allowed_keys(p.public_contacts) for p in self.pages))

    def findings(self, text: str) -> list[personal.Finding]:
        return personal.find(text, self.registry, self.allowed, patterns=self.public)

    def origin(self, key: str) -> str | None:
        """``content/…md:12``: where a held item holds the value (its title, body, tags, notes, headline)."""
        for report in self.held:
            for text, first in personal.report_texts(report):
                for f in personal.find(text, self.registry):
                    if f.key == key:
                        return f"{report.src.path}:{first + personal.line_offset(text, f.start)}"
        for issue in self.issues:
            for item in issue.items:
                if item.title and any(f.key == key for f in personal.find(item.title, self.registry)):
                    return f"{issue.src.path}:{item.line}"
        from bulletin.office_site import page_texts

        for page in self.pages:
            for text, first in page_texts(page):
                for f in personal.find(text, self.registry):
                    if f.key == key:
                        return f"{page.path}:{first + personal.line_offset(text, f.start)}"
        return None


def personal_guard(newsroom: Newsroom, site: str) -> PersonalGuard:
    return PersonalGuard(newsroom, site)


def _reader_text(path: Path) -> str:
    """A built file's text as a reader sees it, spacing kept (digits in separate cells stay apart)."""
    text = _decode_escapes(_readable(path))
    return personal.normalise(_BLANKS.sub(" ", html.unescape(_TAG.sub(" ", text))))


def find_personal(folder: Path, guard: PersonalGuard, files: list[str] | None = None) -> list[tuple[str, str]]:
    """One (content location, message) per value found, naming the first page that shows it
    (in ``files`` of ``folder`` only, when given)."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    if not folder.exists():
        return []
    for path in (p for p in _files_of(folder, files) if not p.is_symlink()):
        if not path.name.endswith(_TEXT_SUFFIXES):
            continue
        page = path.relative_to(folder).as_posix().removeprefix("docs/")
        for f in guard.findings(_reader_text(path)):
            if (f.key, f.kind) not in found:
                where = guard.origin(f.key)
                found[(f.key, f.kind)] = (where or page, f"{f.kind} {f.masked} 出现在网站页面 {page}；"
                                          "个人信息不能上网站：请在稿件中删去，或移到 contact，如是单位对外公开的号码或邮箱请列入 "
                                          "public_contacts，然后运行 bulletin check 再构建")
    return list(found.values())


def assert_no_personal_data(out: Path, guard: PersonalGuard, files: list[str] | None = None) -> None:
    leaks = find_personal(out, guard, files)
    if leaks:
        raise LeakError(leaks)
