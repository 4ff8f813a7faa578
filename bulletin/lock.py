"""Publication locks: tamper evidence for published issues.

``bulletin publish`` writes into the issue file a ``lock`` block::

    lock:
      date: 2026-03-12          # the day of publication
      algorithm: sha256
      issue: <digest of the issue's own printed fields>
      items:
        2026-03-nyj-004: <digest of the report as published>
      corrected:                # only after a re-lock: corrections already accounted for
        2026-03-nyj-004: 1
      version: 2                # absent in locks written before images and names were covered
      names:                    # the names as printed, kept when units.yaml renames a unit
        series: 政务信息
        units: {nyj: 市农业农村局}

Every check (and so every build) recomputes the digests. The rule:

* an item whose digest changed is an error (E224) unless the report has a ``corrections`` entry,
  newer than those already accounted for in ``corrected``, dated on or after the lock date;
  such a covered change is a warning (W108) until ``bulletin publish`` is run again, which
  re-locks the new text so that any later change needs a correction of its own;
* a locked report that no longer exists is an error (E235);
* a change of the issue's own printed fields (number, date, items and their headlines,
  distribution, copies, editor, signer, classification) is an error (E233): a published issue
  is never edited; an erratum goes into the items' ``corrections``;
* a draft that carries a lock (a published issue turned back into a draft) is an error (E234);
* a published issue without a lock is an error (E254): deleting the lock must not let
  ``publish`` write a fresh one over edited text;
* a re-locked item whose report has fewer corrections than the lock accounted for is an error
  (E256): a correction, once made, stays on record;
* a unit or series renamed since publication is a warning (W120): the published pages and PDFs
  keep the recorded name.

When the newsroom is a git repository, ``bulletin.history`` also compares each lock with the
one in the commit that first published the issue.

The digests are over normalised values, not bytes, so re-quoting or re-indenting YAML does not
count as a change. A lock covers what was published (:data:`PUBLISHED_FIELDS`): title (and the
issue's headline, in the issue digest), body, images (their bytes), unit and co_units, category,
classification and urgency. Records kept about an item after publication — ``adopted``,
``instructions``, ``assignment``, ``tags``, ``withdrawn``, ``contact``, ``public_contacts``,
``closed``, ``corrections``, ``status`` — are outside it by design: an allowlist, so a field
added later is outside too until it is deliberately added here.

Locks written before version 2 (no ``version`` key) are verified as they were written: over
the fields they covered then (which included author, submission time and assignment, but not
images). Re-locking keeps a lock's version, so a published record is never silently rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bulletin.cache import DigestCache
from bulletin.dates import local, to_date
from bulletin.markup import image_target
from bulletin.model import Issue, Newsroom, Report, lock_version, names_shape
from bulletin.problems import Problem

ALGORITHM = "sha256"
_HEX = re.compile(r"^[0-9a-f]{64}$")

# Change kinds, as shown by ``bulletin verify``.
CHANGED = "内容改动"
REMOVED = "稿件已删除"
ADDED = "发布后加入"
DROPPED = "已从本期删去"
ISSUE_FIELDS = "期刊本身改动"


def _text(value: str | None) -> str | None:
    return unicodedata.normalize("NFC", value) if value is not None else None


def normalised_body(body: str) -> str:
    """The body without trailing spaces and surrounding blank lines, in Unicode NFC."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").split("\n")]
    return unicodedata.normalize("NFC", "\n".join(lines).strip("\n"))


PUBLISHED_FIELDS = ("title", "unit", "co_units", "category", "classification", "urgency", "body", "images")
VERSION = 2
IMAGE_MAX_BYTES = 64 * 1024 * 1024  # larger is not an image a check reads (the lints say so)


def image_digests(root: Path, report: Report) -> list[list[str | None]]:
    """``[path, sha256 of its bytes]`` of each image in the body, in order; None when the file
    is missing, not a regular file or too large (never opened: a FIFO must not block)."""
    if "![" not in report.body:
        return []
    from bulletin.lints import body_targets  # lints -> followups -> views -> lock: imported on use

    found: list[list[str | None]] = []
    for kind, url, _alt in body_targets(report.body):
        target = image_target(report.src.path, url.strip()) if kind == "img" else None
        if target is None:
            continue
        found.append([target, _file_digest(root / target)])
    return found


def _file_digest(path: Path) -> str | None:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > IMAGE_MAX_BYTES:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return None


def report_fields(report: Report, root: Path) -> dict[str, Any]:
    """What a lock covers in a report: what was published, nothing recorded about it later."""
    return {
        "title": _text(report.title),
        "unit": report.unit,
        "co_units": list(report.co_units),
        "category": report.category,
        "classification": report.classification if report.classification_given else None,
        "urgency": report.urgency,
        "body": normalised_body(report.body),
        "images": image_digests(root, report),
    }


def _report_fields_v1(report: Report) -> dict[str, Any]:
    """What locks before version 2 covered; kept so that their digests still verify."""
    return {
        "id": report.id,
        "title": _text(report.title),
        "unit": report.unit,
        "co_units": list(report.co_units),
        "author": _text(report.author),
        "signed_off_by": _text(report.signed_off_by),
        "submitted": local(report.submitted).isoformat() if report.submitted else None,
        "category": report.category,
        "classification": report.classification if report.classification_given else None,
        "secrecy_term": report.secrecy_term,
        "urgency": report.urgency,
        "event_time": local(report.event_time).isoformat() if report.event_time else None,
        "follows": report.follows,
        "assignment": report.assignment,
        "body": normalised_body(report.body),
    }


def printed_names(newsroom: Newsroom, issue: Issue) -> dict[str, Any]:
    """The series name and the names of the items' units as they are printed today."""
    series = newsroom.series.get(issue.series or "")
    units = {uid: newsroom.units[uid].name for r in issue.reports for uid in r.units if uid in newsroom.units}
    return {"series": series.name if series else None, "units": dict(sorted(units.items()))}


def issue_fields(issue: Issue) -> dict[str, Any]:
    """What a lock covers in the issue file itself: every printed field."""
    return {
        "series": issue.series,
        "year": issue.year,
        "number": issue.number,
        "date": issue.date.isoformat() if issue.date else None,
        "editor": _text(issue.editor),
        "signer": _text(issue.signer),
        "items": [[item.id, _text(item.title)] for item in issue.items],
        "distribution": {k: [_text(v) for v in vs] for k, vs in sorted(issue.distribution.items())},
        "copies": issue.copies,
        "classification": issue.classification,
    }


def digest(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def item_digest(report: Report, root: Path, version: int = VERSION) -> str:
    return digest(report_fields(report, root) if version >= 2 else _report_fields_v1(report))


def _current_digest(report: Report, root: Path, version: int, cache: DigestCache | None) -> str:
    """``item_digest``, kept in the check cache by the report's bytes: re-checking a five-year
    archive digested its 8,400 published items again (a third of a second). A report with an
    image is digested every time, as the image's bytes are not in its key."""
    if cache is None or not report.key or "![" in report.body:
        return item_digest(report, root, version)
    return cache.get_or_make(b"lock:%d:" % version + report.key, lambda: item_digest(report, root, version))


def issue_digest(issue: Issue, names: dict | None = None) -> str:
    """The issue's printed fields; from version 2 with the names recorded in its lock."""
    fields = issue_fields(issue)
    return digest(fields if names is None else {**fields, "names": names})


def new_lock(newsroom: Newsroom, issue: Issue, day: date) -> dict[str, Any]:
    """The lock ``bulletin publish`` writes for an issue published on ``day``."""
    names = printed_names(newsroom, issue)
    return {
        "date": day,
        "algorithm": ALGORITHM,
        "issue": issue_digest(issue, names),
        "items": {report.id: item_digest(report, newsroom.root) for report in issue.reports},
        "version": VERSION,
        "names": names,
    }


@dataclass
class ItemChange:
    """One difference between the lock and the newsroom."""

    id: str
    kind: str
    line: int
    corrections: list[date] = field(default_factory=list)  # corrections that cover it
    accounted: int = 0  # corrections already taken into account by a re-lock

    @property
    def covered(self) -> bool:
        return self.kind == CHANGED and bool(self.corrections)


@dataclass
class Verdict:
    """How one published issue compares with its lock."""

    issue: Issue
    locked: bool
    lock_date: date | None = None
    malformed: str | None = None
    changes: list[ItemChange] = field(default_factory=list)
    lost_corrections: list[tuple[str, int, int]] = field(default_factory=list)  # id, accounted, present

    @property
    def state(self) -> str:
        if not self.locked:
            return "未锁定"
        return "已变更" if self.changes or self.malformed else "一致"

    @property
    def tampered(self) -> bool:
        """A change that no correction accounts for, or no lock at all (E254)."""
        return not self.locked or bool(self.malformed or self.lost_corrections) or any(not c.covered for c in self.changes)


def _lock_shape(lock: dict) -> str | None:
    """Why a lock block is unusable, or None. Locks are written by publish, never by hand."""
    if to_date(lock.get("date")) is None:
        return "lock 缺少有效的 date"
    if lock.get("algorithm") != ALGORITHM:
        return f"lock.algorithm 应为 {ALGORITHM}"
    if lock.get("version", 1) not in (1, VERSION) or isinstance(lock.get("version"), bool):
        return f"lock.version 应为 {VERSION}"
    if lock.get("version", 1) >= 2 and not names_shape(lock.get("names")):
        return "lock.names 应记录刊物名称 series 和单位名称 units"
    if not isinstance(lock.get("issue"), str) or not _HEX.match(lock["issue"]):
        return "lock.issue 不是有效的摘要"
    items = lock.get("items")
    if not isinstance(items, dict) or not all(isinstance(v, str) and _HEX.match(v) for v in items.values()):
        return "lock.items 应是“稿件 id: 摘要”的映射"
    corrected = lock.get("corrected", {})
    if not isinstance(corrected, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in corrected.values()
    ):
        return "lock.corrected 应是“稿件 id: 更正条数”的映射"
    return None


def _covering(report: Report, lock_date: date, already: int) -> list[date]:
    """Dates of the corrections, beyond those already re-locked, that may account for a change."""
    return [c.date for c in report.corrections[already:] if c.date is not None and c.date >= lock_date]


def verify_issue(newsroom: Newsroom, issue: Issue, cache: DigestCache | None = None) -> Verdict:
    """Compare one published issue with its lock (``cache``: the check's, for the items' digests)."""
    lock = issue.lock
    if lock is None:
        return Verdict(issue, locked=False)
    verdict = Verdict(issue, locked=True)
    verdict.malformed = _lock_shape(lock)
    if verdict.malformed:
        return verdict
    lock_date: date = to_date(lock["date"])  # type: ignore[assignment]  # checked by _lock_shape
    verdict.lock_date = lock_date
    line = issue.src.line
    version = lock_version(lock)
    if lock["issue"] != issue_digest(issue, lock.get("names") if version >= 2 else None):
        verdict.changes.append(ItemChange("", ISSUE_FIELDS, line("lock", "issue")))
    locked: dict[str, str] = lock["items"]
    current = {item.id: item for item in issue.items}
    for rid, expected in locked.items():
        report = newsroom.reports.get(rid)
        if rid not in current:
            verdict.changes.append(ItemChange(rid, DROPPED, line("lock", "items", rid)))
        elif report is None:
            verdict.changes.append(ItemChange(rid, REMOVED, current[rid].line))
        elif _current_digest(report, newsroom.root, version, cache) != expected:
            already = lock.get("corrected", {}).get(rid, 0)
            covering = _covering(report, lock_date, already)
            verdict.changes.append(ItemChange(rid, CHANGED, current[rid].line, covering, already))
        accounted = lock.get("corrected", {}).get(rid, 0)
        if report is not None and len(report.corrections) < accounted:
            verdict.lost_corrections.append((rid, accounted, len(report.corrections)))
    for rid, item in current.items():
        if rid not in locked:
            verdict.changes.append(ItemChange(rid, ADDED, item.line))
    return verdict


def _change_problem(issue: Issue, verdict: Verdict, change: ItemChange, newsroom: Newsroom) -> Problem:
    path = issue.src.path
    locked_on = verdict.lock_date
    if change.kind == ISSUE_FIELDS:
        return Problem(path, change.line, "E233",
                       f"本期于 {locked_on} 发布后，期刊文件中的期号、日期、条目标题、报送范围或印数等被改动；"
                       "已发布的期刊不能修改，请用 git diff 找出改动并恢复原样")
    if change.kind == DROPPED:
        return Problem(path, change.line, "E233",
                       f"稿件 {change.id} 是本期发布时的条目，现已从 items 中删去；请恢复该条目")
    if change.kind == ADDED:
        return Problem(path, change.line, "E233",
                       f"稿件 {change.id} 是本期 {locked_on} 发布后才加入的；已发布的期刊不能增加条目，请编入新的一期")
    if change.kind == REMOVED:
        return Problem(path, change.line, "E235",
                       f"稿件 {change.id} 已在本期发布，但 content/ 中已找不到它；请恢复该稿件文件")
    report = newsroom.reports[change.id]
    if change.covered:
        return Problem(report.src.path, report.src.line("corrections"), "W108",
                       f"本稿已在 {issue.key} 发布，发布后按 {change.corrections[-1]} 的更正记录作了修改；"
                       f"请运行 bulletin publish {path} 重新锁定，以便发现此后的改动")
    example = f"{{date: {newsroom.today}, note: 更正第二段数字}}"
    if change.accounted:
        return Problem(report.src.path, report.src.line("id"), "E224",
                       f"本稿已在 {issue.key} 发布，已有的 {change.accounted} 条更正记录在重新锁定时已计入，此后内容又被改动；"
                       f"请恢复原文，或在 corrections 中再写一条更正，例如 - {example}")
    return Problem(report.src.path, report.src.line("id"), "E224",
                   f"本稿已在 {issue.key}（{locked_on}）发布，此后内容被改动，但没有 {locked_on} 或之后的更正记录；"
                   f"请恢复原文，或在 corrections 中写明更正，例如 corrections: [{example}]")


def lock_problems(newsroom: Newsroom, cache: DigestCache | None = None) -> list[Problem]:
    """Every difference between a lock and the newsroom, as check problems."""
    found: list[Problem] = []
    for issue in newsroom.issues:
        path = issue.src.path
        if not issue.published:
            if issue.lock is not None:
                found.append(Problem(path, issue.src.line("status"), "E234",
                                     "本期带有锁定摘要，说明已经发布过；已发布的期刊不能改回草稿，请把 status 改回 published"))
            continue
        verdict = verify_issue(newsroom, issue, cache)
        if not verdict.locked:
            found.append(Problem(path, issue.src.line("status"), "E254",
                                 "本期标为已发布，但没有锁定摘要（lock），发布后的改动无法发现；若 lock 被删去，"
                                 "请用 git 恢复原来的 lock；若本期从未用 bulletin publish 发布，"
                                 f"请把 status 改为 draft 后运行 bulletin publish {path}"))
        elif verdict.malformed:
            found.append(Problem(path, issue.src.line("lock"), "E232",
                                 f"{verdict.malformed}；lock 由 bulletin publish 写入，请用 git 恢复原来的 lock，不要手改"))
        for change in verdict.changes:
            found.append(_change_problem(issue, verdict, change, newsroom))
        found += [_lost_correction(newsroom, issue, *lost) for lost in verdict.lost_corrections]
    return found + renamed_problems(newsroom)


def _lost_correction(newsroom: Newsroom, issue: Issue, rid: str, accounted: int, present: int) -> Problem:
    report = newsroom.reports[rid]
    return Problem(report.src.path, report.src.line("corrections") if present else report.src.line("id"), "E256",
                   f"本稿在 {issue.key} 发布后的 {accounted} 条更正记录已在重新锁定时计入，现在只剩 {present} 条；"
                   "更正记录不能删除，请用 git 恢复删去的更正")


def renamed_problems(newsroom: Newsroom) -> list[Problem]:
    """A unit or series renamed since an issue printed it (机构改革): one warning per old name."""
    printed: dict[tuple[str, str, str], int] = {}
    for issue in newsroom.issues:
        lock = issue.lock
        if not issue.published or not isinstance(lock, dict) or lock_version(lock) < 2 or _lock_shape(lock):
            continue
        names = lock["names"]
        series = newsroom.series.get(issue.series or "")
        if series is not None and names["series"] not in (None, series.name):
            key = ("series", series.id, names["series"])
            printed[key] = printed.get(key, 0) + 1
        for uid, name in names["units"].items():
            unit = newsroom.units.get(uid)
            if unit is not None and unit.name != name:
                printed[("unit", uid, name)] = printed.get(("unit", uid, name), 0) + 1
    found = []
    for (kind, oid, old), count in sorted(printed.items()):
        if kind == "unit":
            unit = newsroom.units[oid]
            where, line, now = unit.src.path, unit.src.line("name"), unit.name
            what = f"单位 {oid}"
        else:
            series = newsroom.series[oid]
            where, line, now = series.src.path, series.src.line("name"), series.name
            what = f"刊物 {oid}"
        found.append(Problem(where, line, "W120",
                             f"{what} 现名“{now}”，但有 {count} 期已发布的期刊印的是“{old}”；"
                             "这些期刊的网页和 PDF 仍按发布时的名称显示，新的期刊用新名称"))
    return found
