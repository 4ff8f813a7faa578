"""The second, independent leak gate: search every built file for what must not be there.

The views decide what a site may hold; this gate does not trust them. Given distinctive
strings of everything a site must NOT hold (titles and body sentences of other items, officers'
phone numbers), it reads every file under a folder the way a reader or a crawler could see it
(gzip opened, JSON and JavaScript ``\\uXXXX`` escapes decoded, HTML entities and percent-escapes
undone, tags and whitespace dropped, file names included) and fails if any string appears.
"""

from __future__ import annotations

import gzip
import html
import re
import urllib.parse
import warnings
from pathlib import Path

import ahocorasick

from bulletin import enums
from bulletin.markup import to_html
from bulletin.model import Newsroom, Report

MIN_LENGTH = 8  # shorter strings are not distinctive: common phrases would give false alarms
MAX_FILE = 512 * 1024 * 1024  # a 5-year intranet search index is ~80 MB; larger files fail closed
_TAG = re.compile(r"<[^>]*>")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff\u3000]+")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")


class LeakError(RuntimeError):
    """A built site holds a string it must not hold."""

    def __init__(self, leaks: list[tuple[str, str]]):
        self.leaks = leaks
        shown = "\n".join(f"  {path}: {text}" for path, text in leaks[:50])
        more = f"\n  ……另有 {len(leaks) - 50} 处" if len(leaks) > 50 else ""
        super().__init__(f"泄密检查未通过：以下文件含有本网站不应收录的内容，构建已中止\n{shown}{more}")


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


def _readable(path: Path) -> str:
    if path.stat().st_size > MAX_FILE:
        raise LeakError([(str(path), "文件过大，无法检查")])
    raw = path.read_bytes()
    if path.suffix == ".gz":
        with gzip.open(path) as handle:
            raw = handle.read(MAX_FILE)
    text = raw.decode("utf-8", errors="ignore")
    return text + "\n" + urllib.parse.unquote(text) if "%" in text else text


def _automaton(forbidden: list[str]) -> ahocorasick.Automaton | None:
    automaton = ahocorasick.Automaton()
    for original in dict.fromkeys(forbidden):
        key = normalise(original)
        if key:
            automaton.add_word(key, original)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


def find_leaks(folder: Path, forbidden: list[str]) -> list[tuple[str, str]]:
    """Every (file, forbidden string) found under ``folder``, file names included."""
    automaton = _automaton(forbidden)
    if automaton is None or not folder.exists():
        return []
    leaks: list[tuple[str, str]] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            leaks.append((rel, "符号链接（网站中不应有）"))
            continue
        haystack = normalise(urllib.parse.unquote(rel) + "\n" + _readable(path))
        found = dict.fromkeys(original for _, original in automaton.iter(haystack))
        leaks.extend((rel, original) for original in found)
    return leaks


def assert_no_leaks(out: Path, forbidden: list[str]) -> None:
    """Raise ``LeakError`` naming each file and string when anything forbidden is under ``out``."""
    leaks = find_leaks(out, forbidden)
    if leaks:
        raise LeakError([(str(out / path), text) for path, text in leaks])


# -- what a site must not hold, decided from the newsroom alone (not from views.py) ---------------

_SITE_MAX_RANK = {"public": enums.CLASSIFICATION_RANK["公开"], "intranet": enums.CLASSIFICATION_RANK["内部"]}


def _may_hold(newsroom: Newsroom, report: Report, site: str) -> bool:
    """The SPEC §4 rule restated independently: published in an issue not raised above the site's
    rank, not rejected, within the site's rank."""
    if report.status == "不采用" or report.rank > _SITE_MAX_RANK[site]:
        return False
    if site == "public" and not report.classification_given:
        return False
    for issue in report.issues:
        series = newsroom.series.get(issue.series or "")
        raised = enums.CLASSIFICATION_RANK.get(issue.classification or "公开", 99) > _SITE_MAX_RANK[site]
        if issue.status == "published" and series is not None and not raised and (site != "public" or series.public):
            return True
    return False


def _plain(report: Report) -> str:
    return html.unescape(_TAG.sub("\n", to_html(report.body, report.src.path)))


def _distinctive(texts: list[str]) -> list[str]:
    return [t.strip() for t in texts if len(_SPACE.sub("", t)) >= MIN_LENGTH]


def sentences(report: Report) -> list[str]:
    """The title and each body sentence long enough to be distinctive."""
    return _distinctive([report.title, *_SENTENCE_END.split(_plain(report))])


def forbidden_strings(newsroom: Newsroom, site: str) -> list[str]:
    """Distinctive strings of everything ``site`` must not hold, and every officer's phone.

    That is: titles and sentences of every item the site may not hold, and on the public site
    also the leader instructions of every item. A string that also occurs in what the site may
    show (held items, unit and series names) is left out: a shared sentence is not a leak, and
    keeping it would make the gate fail honest builds.
    """
    held = [r for r in newsroom.reports.values() if _may_hold(newsroom, r, site)]
    held_ids = {r.id for r in held}
    candidates: list[str] = []
    for report in newsroom.reports.values():
        if report.id not in held_ids:
            candidates.extend(sentences(report))
        if site == "public":
            candidates.extend(_distinctive([i.text for i in report.instructions]))
    shown = [*(r.title + "\n" + _plain(r) for r in held), *(u.name for u in newsroom.units.values()),
             *(f"{s.name}\n{s.publisher}" for s in newsroom.series.values())]
    automaton = _automaton(candidates)
    shared = set()
    if automaton is not None:
        shared = {original for _, original in automaton.iter(normalise("\x00".join(shown)))}
    strings = [c for c in candidates if c not in shared]
    strings.extend(o.phone for u in newsroom.units.values() for o in u.officers if o.phone and len(o.phone) >= 5)
    return list(dict.fromkeys(strings))
