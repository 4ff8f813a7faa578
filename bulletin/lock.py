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
* a published issue without a lock is a warning (W107): ``bulletin publish`` writes it.

The digests are over normalised values, not bytes, so re-quoting or re-indenting YAML does not
count as a change, while any change of wording, names, dates or markings does. Records that are
added after publication by design — ``adopted``, ``instructions``, ``corrections``, ``closed``,
``tags``, ``status`` and ``reject_reason`` — are outside the digest.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bulletin.dates import local, to_date
from bulletin.model import Issue, Newsroom, Report
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


def report_fields(report: Report) -> dict[str, Any]:
    """What a lock covers in a report: everything printed or shown, nothing recorded later."""
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


def item_digest(report: Report) -> str:
    return digest(report_fields(report))


def issue_digest(issue: Issue) -> str:
    return digest(issue_fields(issue))


def new_lock(issue: Issue, day: date) -> dict[str, Any]:
    """The lock ``bulletin publish`` writes for an issue published on ``day``."""
    return {
        "date": day,
        "algorithm": ALGORITHM,
        "issue": issue_digest(issue),
        "items": {report.id: item_digest(report) for report in issue.reports},
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

    @property
    def state(self) -> str:
        if not self.locked:
            return "未锁定"
        return "已变更" if self.changes or self.malformed else "一致"

    @property
    def tampered(self) -> bool:
        """A change that no correction accounts for."""
        return bool(self.malformed) or any(not c.covered for c in self.changes)


def _lock_shape(lock: dict) -> str | None:
    """Why a lock block is unusable, or None. Locks are written by publish, never by hand."""
    if to_date(lock.get("date")) is None:
        return "lock 缺少有效的 date"
    if lock.get("algorithm") != ALGORITHM:
        return f"lock.algorithm 应为 {ALGORITHM}"
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


def verify_issue(newsroom: Newsroom, issue: Issue) -> Verdict:
    """Compare one published issue with its lock."""
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
    if lock["issue"] != issue_digest(issue):
        verdict.changes.append(ItemChange("", ISSUE_FIELDS, line("lock", "issue")))
    locked: dict[str, str] = lock["items"]
    current = {item.id: item for item in issue.items}
    for rid, expected in locked.items():
        report = newsroom.reports.get(rid)
        if rid not in current:
            verdict.changes.append(ItemChange(rid, DROPPED, line("lock", "items", rid)))
        elif report is None:
            verdict.changes.append(ItemChange(rid, REMOVED, current[rid].line))
        elif item_digest(report) != expected:
            already = lock.get("corrected", {}).get(rid, 0)
            covering = _covering(report, lock_date, already)
            verdict.changes.append(ItemChange(rid, CHANGED, current[rid].line, covering, already))
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


def lock_problems(newsroom: Newsroom) -> list[Problem]:
    """Every difference between a lock and the newsroom, as check problems."""
    found: list[Problem] = []
    for issue in newsroom.issues:
        path = issue.src.path
        if not issue.published:
            if issue.lock is not None:
                found.append(Problem(path, issue.src.line("status"), "E234",
                                     "本期带有锁定摘要，说明已经发布过；已发布的期刊不能改回草稿，请把 status 改回 published"))
            continue
        verdict = verify_issue(newsroom, issue)
        if not verdict.locked:
            found.append(Problem(path, issue.src.line("status"), "W107",
                                 f"本期标为已发布，但没有锁定摘要，发布后的改动无法发现；请运行 bulletin publish {path}"))
        elif verdict.malformed:
            found.append(Problem(path, issue.src.line("lock"), "E232",
                                 f"{verdict.malformed}；lock 由 bulletin publish 写入，请用 git 恢复原来的 lock，不要手改"))
        for change in verdict.changes:
            found.append(_change_problem(issue, verdict, change, newsroom))
    return found
