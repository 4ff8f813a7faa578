"""Lints from editorial practice, and path safety of images and links.

Warnings catch what an experienced editor would query before adopting an item: a headline
too long for the bulletin, a 动态 item too long to be read, images too heavy or without a
caption, the same item sent twice, an urgent matter whose 续报 stopped. Path safety is an
error: an image or link that resolves outside ``content/`` could pull a file from anywhere on
the machine into a build, so it never passes check.
"""

from __future__ import annotations

import os
import posixpath
import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from html.parser import HTMLParser
from itertools import repeat
from operator import add
from pathlib import Path
from urllib.parse import unquote

import markdown

from bulletin import enums, media
from bulletin.anchors import comparable, letters
from bulletin.anchors import key as anchors_key
from bulletin.bounds import excess
from bulletin.cache import DigestCache, digest
from bulletin.filestat import StatIndex
from bulletin.markup import _EXTENSIONS  # the same Markdown dialect as the renderers
from bulletin.model import Newsroom, Report, chain_roots, urgent_chains
from bulletin.problems import Problem, remembered

HEADLINE_MAX = 40
DYNAMIC_MAX = 1500
IMAGE_MAX_BYTES = 1024 * 1024
DUPLICATE_WINDOW_DAYS = 90
SIMILARITY = 0.7  # Jaccard similarity of character 4-gram sets
SHINGLE = 4
MIN_COMPARABLE = 50  # bodies shorter than this (letters and digits) are not compared
BOILERPLATE = 50  # a sentence anchor shared by more reports than this is not evidence
ANCHOR_SHARE = 0.3  # candidates share at least this part of the larger report's sentence anchors


def lint_newsroom(newsroom: Newsroom, memo: DigestCache | None = None) -> list[Problem]:
    """Warnings from editorial practice, and path-safety errors. ``memo`` keeps per-body work
    (the duplicate search's sentence anchors) between runs, keyed by content."""
    return report_lints(newsroom, memo) + newsroom_lints(newsroom, memo)


def report_lints(newsroom: Newsroom, memo: DigestCache | None = None,
                 reports: Iterable[Report] | None = None) -> list[Problem]:
    """The lints each report earns alone (headline, length, Markdown bounds), of ``reports``
    (default: every report). ``check`` shares them between this process and the child that
    runs ``newsroom_lints`` (``check.CHILD_SHARE``)."""
    problems: list[Problem] = []
    for report in newsroom.reports.values() if reports is None else reports:
        problems += _headline(newsroom, report)
        problems += _own_lints(report, memo)
    return problems


def newsroom_lints(newsroom: Newsroom, memo: DigestCache | None = None) -> list[Problem]:
    """The lints that read many reports or files: image and link paths, shared images, issue
    headlines, the duplicate search, urgent chains left without a 续报."""
    problems: list[Problem] = []
    content = (newsroom.root / "content").resolve()
    images: ImageUses = defaultdict(list)
    index = memo.stat_index if memo is not None else None
    for report in newsroom.reports.values():
        problems += path_problems(newsroom.root, report, content, images, index)
    problems += shared_image_problems(images)
    problems += _issue_headlines(newsroom)
    problems += duplicate_problems(newsroom, memo)
    problems += stale_chain_problems(newsroom)
    return problems


# --- headline and length -------------------------------------------------------------------


def _own_lints(r: Report, memo: DigestCache | None) -> list[Problem]:
    """Length and Markdown bounds: they read the report alone, so they are kept in the check
    cache by its bytes and path."""
    if not r.key:
        return _length(r) + _bounds(r)
    return remembered(memo, b"lints:" + r.key + r.src.path.encode(), lambda: _length(r) + _bounds(r))


def _headline(newsroom: Newsroom, r: Report) -> list[Problem]:
    if len(r.title) <= HEADLINE_MAX:
        return []
    if r.issues and all(i.title_of(r) != r.title for i in r.issues):
        return []  # every issue prints an edited, shorter headline (checked below)
    return [Problem(r.src.path, r.src.line("title"), "W100",
                    f"标题有 {len(r.title)} 个字，超过 {HEADLINE_MAX} 字；请精简，"
                    f"或在期刊条目中写 {{id: {r.id}, title: 改写后的标题}}")]


def _issue_headlines(newsroom: Newsroom) -> list[Problem]:
    found = []
    for issue in newsroom.issues:
        for item in issue.items:
            if item.title and len(item.title) > HEADLINE_MAX:
                found.append(Problem(issue.src.path, item.line, "W100",
                                     f"条目 {item.id} 的印发标题有 {len(item.title)} 个字，超过 {HEADLINE_MAX} 字；请精简"))
    return found


# Linear patterns only (bulletin/bounds.py): no two quantifiers may compete for the same
# characters, and no run may cross the mark that starts the next match ("[", "(", a newline).
_IMAGE_MD = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_LINK_MD = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_TABLE_RULE = re.compile(r"^(?=[ \t]*[:|-])[ \t:|-]+$", re.M)  # a line of | : - only, e.g. |---|:--:|
_MARKS = "#*_|`>"  # Markdown's marks a reader does not count, besides the blanks


def body_length(body: str) -> int:
    """Characters of text as a reader counts them: no blanks, Markdown marks or image code.

    Each pattern only runs when its marks occur: most bodies are plain paragraphs, and this
    runs for every report on every check. The blanks are those ``str.split`` splits on (the
    same as a pattern's ``\\s``), and the marks are counted, not removed: 3 µs a city-year
    body instead of the 9.9 µs of removing ``[\\s#*_|`>]+`` with a pattern.
    """
    text = _LINK_MD.sub(r"\1", _IMAGE_MD.sub("", body)) if "](" in body else body
    if "|" in text or "-" in text or ":" in text:
        text = _TABLE_RULE.sub("", text)
    length = sum(map(len, text.split()))
    for mark in _MARKS:
        if mark in text:
            length -= text.count(mark)
    return length


def _length(r: Report) -> list[Problem]:
    size = body_length(r.body)
    if size == 0:
        return [Problem(r.src.path, max(r.body_line - 1, 1), "W109", "正文为空；请在第二个 --- 之后写正文")]
    if r.category == "动态" and size > DYNAMIC_MAX:
        return [Problem(r.src.path, text_line(r), "W101",
                        f"动态信息正文有 {size} 字，超过 {DYNAMIC_MAX} 字；请压缩到 {DYNAMIC_MAX} 字以内，"
                        "或改为经验、调研等类别")]
    return []


def _bounds(r: Report) -> list[Problem]:
    found = excess(r.body)
    if found is None:
        return []
    return [Problem(r.src.path, r.body_line + found.offset, "E253", found.message)]


# --- images and links ------------------------------------------------------------------------


class _Targets(HTMLParser):
    """Collects every image and link the renderers would see."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "img":
            self.found.append(("img", values.get("src", ""), values.get("alt", "")))
        elif tag == "a":
            self.found.append(("a", values.get("href", ""), ""))


_MAYBE_TARGET = re.compile(r"\]\s*[(:]|<[A-Za-z][A-Za-z0-9+.-]*:")
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_WEB = ("http", "https", "mailto")


def body_targets(body: str) -> list[tuple[str, str, str]]:
    """``(kind, url, alt)`` of each image (``img``) and link (``a``) in a Markdown body.

    A body past its bounds (E253) is not parsed: it never reaches a site or a PDF either.
    """
    if ("]" not in body and "<" not in body) or not _MAYBE_TARGET.search(body) or excess(body) is not None:
        return []  # the ``in`` tests first: the expression took 0.2 s over five years' bodies, none with a link
    md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    md.preprocessors.deregister("html_block")  # as in bulletin.markup: raw HTML is text
    md.inlinePatterns.deregister("html")
    parser = _Targets()
    parser.feed(md.convert(_link_blocks(body)))
    return parser.found


_WHOLE = 20_000  # bodies up to this size are parsed whole


def _link_blocks(body: str) -> str:
    """A long body's paragraphs that can hold a link or image, each dedented, in their order.

    Parsing a 2-million-character body for its three links takes seconds; its few paragraphs
    with a ``[`` or ``<scheme:`` hold every link Markdown can make (references and their
    definitions both have a ``[``, and are kept together). Dedenting keeps a link in an
    indented list paragraph a link; at worst a code sample's text is read as a link too,
    which errs on the side of checking more.
    """
    if len(body) <= _WHOLE:
        return body
    return "\n\n".join(textwrap.dedent(block) for block in body.split("\n\n")
                       if "[" in block or _AUTOLINK.search(block))


def text_line(r: Report) -> int:
    """The line of the body's first text (the body starts with a blank line after ``---``)."""
    return r.body_line + r.body[: len(r.body) - len(r.body.lstrip())].count("\n")


def _line_of(r: Report, kind: str, url: str, alt: str) -> int:
    """The line where an image or link is written (the first such, if written twice)."""
    needles = [f"![{alt}]({url}", f"]({url}", url] if kind == "img" else [f"]({url}", url]
    for needle in needles:
        at = r.body.find(needle) if url else -1
        if at >= 0:
            return r.body_line + r.body[:at].count("\n")
    return text_line(r)


def _outside(r: Report, line: int, what: str, url: str, why: str) -> Problem:
    return Problem(r.src.path, line, "E230",
                   f"{what} {url} {why}；图片和附件须放在 content/ 下，用相对路径引用，例如 ![说明](图片.png)")


def _unsafe(r: Report, kind: str, url: str, line: int) -> Problem | None:
    """Why a URL is not allowed, judged on the text alone."""
    what = "图片" if kind == "img" else "链接"
    if url.startswith(("//", "\\\\")):
        return _outside(r, line, what, url, "指向其他网站") if kind == "img" else None
    scheme = _SCHEME.match(url)
    if scheme and len(scheme[1]) > 1:
        name = scheme[1].lower()
        if kind == "a" and name in _WEB:
            return None
        if kind == "img" and name in ("http", "https"):
            return _outside(r, line, what, url, "是网络地址，网站和 PDF 不会显示它")
        return _outside(r, line, what, url, f"使用了 {name}: 地址，指向 content/ 之外")
    if url.startswith(("/", "\\")) or scheme:
        return _outside(r, line, what, url, "是绝对路径，指向 content/ 之外")
    return None


def path_problems(root: Path, r: Report, content: Path, images: ImageUses | None = None,
                  index: StatIndex | None = None) -> list[Problem]:
    """Images and links that leave ``content/``, images that are missing, heavy, unlabelled or
    not images at all. ``images`` collects each image inside ``content/`` with its report and line.

    ``content`` is the real path of the newsroom's content folder. The loader does not descend
    into symlinked folders, so a report can only leave ``content/`` by being a symlink itself;
    ``index`` knows which files are links from the run's scan (``StatIndex.is_link``).
    """
    found: list[Problem] = []
    if r.src.stored:  # a classified store's report: its images live in the store's content/
        root = root / r.src.origin
        content = (root / "content").resolve()
    full = os.path.join(root, r.src.rel)
    linked = index.is_link(full, r.src.path) if index is not None else os.path.islink(full)
    if linked and not _inside(root / r.src.rel, content):
        found.append(Problem(r.src.path, 1, "E230", "稿件文件是指向 content/ 之外的符号链接；请把稿件本身放进 content/"))
    for kind, raw, alt in body_targets(r.body):
        url = raw.strip()
        if not url or url.startswith("#"):
            continue
        line = _line_of(r, kind, raw, alt)
        problem = _unsafe(r, kind, url, line)
        if problem is not None:
            found.append(problem)
            continue
        if _SCHEME.match(url) or url.startswith("//"):
            continue  # a web link
        rel = unquote(url.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(r.src.rel), rel))
        what = "图片" if kind == "img" else "链接"
        if not target.startswith("content/"):
            found.append(_outside(r, line, what, url, f"实际指向 {target}，在 content/ 之外"))
            continue
        full = root / target
        if not _inside(full, content):
            found.append(_outside(r, line, what, url, "是指向 content/ 之外的符号链接"))
            continue
        if kind == "img":
            found += _image_problems(r, full, target, url, alt, line)
            if images is not None:
                images[_real(full, target)].append((r, url, line))
    return found


ImageUses = defaultdict[str, list[tuple[Report, str, int]]]  # real path of an image -> its uses


def _real(full: Path, target: str) -> str:
    """One key per file, however it is reached (``./a.png``, a symlink inside content/)."""
    try:
        return str(full.resolve())
    except (OSError, RuntimeError, ValueError):
        return target
SITE_RANKS = (enums.CLASSIFICATION_RANK["公开"], enums.CLASSIFICATION_RANK["内部"])


def shared_image_problems(images: ImageUses) -> list[Problem]:
    """An image used by a report above a site's level may not be used by a report on that site.

    The site would copy the picture with the lower item; the error is given at the lower
    report's image line and names the higher report.
    """
    found = []
    for uses in images.values():
        for low, url, line in uses:
            higher = [h for h, _, _ in uses if media.site_levels_crossed(low.rank, h.rank, SITE_RANKS)]
            if higher:
                top = max(higher, key=lambda h: (h.rank, h.id))
                found.append(Problem(
                    low.src.path, line, "E251",
                    f"图片 {url} 也被{top.classification}稿件 {top.id}（{top.src.path}）使用，"
                    f"不能出现在{low.classification}稿件 {low.id} 中；请为本稿另配一张图片"))
    return found


def _inside(path: Path, content: Path) -> bool:
    """False when ``path`` really lies outside ``content`` (the real content folder), through a
    symlink at the file or at any folder above it. (Reports are only resolved when the file
    itself is a symlink: the loader never enters symlinked folders.)

    Names the file system cannot hold (a NUL byte, too long, a symlink loop) lead nowhere and
    count as inside; the image check then reports them as missing.
    """
    try:
        return path.resolve().is_relative_to(content)
    except (OSError, RuntimeError, ValueError):
        return True


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except (OSError, ValueError):
        return None


def _image_problems(r: Report, full: Path, target: str, url: str, alt: str, line: int) -> list[Problem]:
    size = _size(full)
    if size is None:
        return [Problem(r.src.path, line, "E231", f"图片 {url} 不存在（应在 {target}）；请放入图片文件或改正文件名")]
    why = media.image_problem(full, target)
    if why is not None:
        return [Problem(r.src.path, line, "E250",
                        f"图片 {url} {why}；正文中只能插入图片。要提到另一篇稿件，请写成不带 ! 的链接 [说明]({url})；"
                        "其他文件请另存为 PNG 或 JPEG 图片后再插入")]
    found = []
    if size > IMAGE_MAX_BYTES:
        found.append(Problem(r.src.path, line, "W102",
                             f"图片 {url} 有 {size / 1024 / 1024:.1f} MB，超过 1 MB；请压缩后再放入"))
    if not alt.strip():
        found.append(Problem(r.src.path, line, "W103", f"图片 {url} 没有说明文字；请写成 ![图片说明]({url})"))
    return found


# --- duplicates ------------------------------------------------------------------------------

def _comparable(r: Report, memo: DigestCache | None) -> tuple[int, list[str]]:
    """Length in letters and sentence anchors (sorted, each once) of a report's body, remembered
    by its file's digest (made by the loader's second process on a cold check: ``bulletin.load``)."""
    return memo.get_or_make(_anchors_key(r), lambda: comparable(r.body)) if memo is not None else comparable(r.body)


def _anchors_key(r: Report) -> bytes:
    return anchors_key(r.key or digest(r.body.encode("utf-8")))


def _shingles(text: str) -> set[str]:
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _dated(newsroom: Newsroom) -> list[tuple[date, str, Report]]:
    rows = [(r.submitted_day, r.id, r) for r in newsroom.reports.values() if r.submitted_day is not None]
    return sorted(rows)  # type: ignore[arg-type]


def _near(a: date, b: date) -> bool:
    return abs((a - b).days) <= DUPLICATE_WINDOW_DAYS


def duplicate_problems(newsroom: Newsroom, memo: DigestCache | None = None) -> list[Problem]:
    """Same headline, or nearly the same body, as an earlier report within 90 days.

    Candidates come from buckets keyed by sentence anchors (and by headline), so the work grows
    with the number of reports, not its square; each candidate pair is then measured exactly.
    Reports of one 续报 chain may repeat each other and are not compared. The result is kept
    while every report file is the one it was found in (``_duplicates_key``).
    """
    key = _duplicates_key(newsroom) if memo is not None else None
    if memo is None or key is None:
        return _duplicates(newsroom, memo)
    # The anchors are kept while the search is replayed: the next edit searches again with them.
    memo.keep(_anchors_key(r) for r in newsroom.reports.values())
    return remembered(memo, key, lambda: _duplicates(newsroom, memo))


def _duplicates_key(newsroom: Newsroom) -> bytes | None:
    """What the search reads: each report's file (its path and the digest of its bytes hold its
    date, status, 续报 link, title and body); the rule's own code is in the cache's salt.
    Hashing 45,000 digests replaces sorting, chaining and hashing every report only to learn
    that nothing changed. None when a report has no digest (read without the cache)."""
    parts = []
    for r in newsroom.reports.values():
        if not r.key:
            return None
        parts.append(r.src.path.encode() + b"\0" + r.key)
    return b"duplicates:" + digest(b"\n".join(parts))


def _duplicates(newsroom: Newsroom, memo: DigestCache | None) -> list[Problem]:
    rows = _dated(newsroom)
    roots = chain_roots(newsroom)
    return list(_same_headlines(rows, roots)) + _similar_bodies(rows, roots, memo)


def _same_headlines(rows: list[tuple[date, str, Report]], roots: dict[str, str]) -> Iterator[Problem]:
    by_title: dict[str, list[tuple[date, Report]]] = defaultdict(list)
    for day, _, r in rows:
        key = letters(r.title)
        if not key:
            continue
        earlier = [(d, o) for d, o in by_title[key] if _near(d, day) and roots[o.id] != roots[r.id]]
        if earlier and r.status != "不采用":
            d, other = earlier[-1]
            yield Problem(r.src.path, r.src.line("title"), "W104",
                          f"标题与 {other.id}（{d} 收稿）相同；如是同一事项请核对是否重复报送，否则请改写标题以示区别")
        by_title[key].append((day, r))


def _similar_bodies(rows: list[tuple[date, str, Report]], roots: dict[str, str],
                    memo: DigestCache | None = None) -> list[Problem]:
    size = len(rows)
    anchors = [0] * size  # how many anchors each comparable report has
    buckets: dict[str, list[int]] = defaultdict(list)  # the reports of each anchor, in date order
    for index, (_, _, r) in enumerate(rows):
        length, keys = _comparable(r, memo)
        if length >= MIN_COMPARABLE:
            anchors[index] = len(keys)
            for key in keys:
                buckets[key].append(index)
    ordinal = [day.toordinal() for day, _, _ in rows]
    shared = shared_anchors(buckets.values(), ordinal, size)
    # Copies keep most sentences whole, so they share most anchors; stock phrases alone do not.
    pairs = [(key % size, key // size) for key, count in shared.items()
             if count >= ANCHOR_SHARE * max(anchors[key % size], anchors[key // size])]
    shingles: dict[str, set[str]] = {}
    best: dict[int, tuple[float, int]] = {}
    for earlier, later in sorted(pairs):
        a, b = rows[earlier][2], rows[later][2]
        if roots[a.id] == roots[b.id] or b.status == "不采用":
            continue
        for r in (a, b):
            if r.id not in shingles:
                shingles[r.id] = _shingles(letters(r.body))
        score = jaccard(shingles[a.id], shingles[b.id])
        if score >= SIMILARITY and score > best.get(later, (0.0, 0))[0]:
            best[later] = (score, earlier)
    found = []
    for later, (score, earlier) in sorted(best.items()):
        day, _, other = rows[earlier]
        r = rows[later][2]
        found.append(Problem(r.src.path, text_line(r), "W105",
                             f"正文与 {other.id}（{day} 收稿）相似度达 {score:.0%}，可能是重复报送；"
                             "请核对，重复的请标为 status: 不采用 并写明原因"))
    return found


def shared_anchors(buckets: Iterable[list[int]], ordinal: list[int], size: int) -> Counter[int]:
    """How many anchors each pair of reports at most ``DUPLICATE_WINDOW_DAYS`` apart shares,
    keyed ``later * size + earlier`` (their places among the ``size`` rows in date order).

    A bucket lists an anchor's reports in date order (one that more than ``BOILERPLATE``
    reports share is a stock phrase, not evidence, and is skipped), so the earlier ones within
    the window of each are the run just before it; that run's pairs are made and counted in C
    (``map``, ``Counter``). Pairs counted one by one
    in a Python loop (332,000 of them on a city-year) took 0.36–0.39 s, these 0.22–0.26 s; the
    whole similar-body search, in turn with the loop, 0.55 → 0.44 s (city-year) and 1.75 → 1.57 s
    (five years), medians of six."""
    keys: list[int] = []
    for members in buckets:
        if len(members) < 2 or len(members) > BOILERPLATE:
            continue
        first = 0
        for n in range(1, len(members)):
            later = members[n]
            while ordinal[later] - ordinal[members[first]] > DUPLICATE_WINDOW_DAYS:
                first += 1
            if first < n:
                keys.extend(map(add, members[first:n], repeat(later * size, n - first)))
    return Counter(keys)


# --- urgent follow-ups -----------------------------------------------------------------------


def stale_chain_problems(newsroom: Newsroom) -> list[Problem]:
    """An urgent matter must be followed up (续报) until it is marked ``closed: true``."""
    found = []
    for chain in urgent_chains(newsroom):
        if chain.stale(newsroom.today):
            last, idle = chain.latest, chain.idle_days(newsroom.today)
            found.append(Problem(last.src.path, last.src.line("id"), "W106",
                                 f"紧急信息“{chain.root.title}”最近一次报告是 {last.id}（{chain.latest_day}），"
                                 f"已 {idle} 天没有续报；请督促报送单位续报，事件已处置完毕的请在本篇写 closed: true"))
    return found
