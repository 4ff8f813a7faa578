"""The publication record in git: a published issue's lock against the commit that published it.

A lock is tamper evidence only as long as nobody rewrites it: its digests are plain SHA-256 of
the text, which anyone can recompute. When the newsroom is a git repository, the history holds
what was published. For each issue file, the first commit whose version carries a lock is *the
commit that first published it*; check and verify then require of the working tree:

* the issue file still exists, still published, still with a lock (E255 otherwise);
* that lock has the first one's date, version, issue digest, names and items; an item digest
  may differ only where the lock now accounts for more corrections than it did then (a re-lock
  after a correction, which ``bulletin publish`` does);
* no item's ``corrected`` count is below the highest the history ever recorded (a correction,
  once accounted for, is not taken back by editing the lock).

Every message names the commit, so ``git show`` finds the record. The history is read with at
most three git processes (``rev-parse``, ``log``, ``cat-file --batch``) and remembered in
``build/.cache/history.json`` by HEAD: a warm check costs one ``git rev-parse``. After a new
commit only the new commits are read. No git, no repository, no commits: no history check.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bulletin.model import Issue, Newsroom
from bulletin.problems import Problem
from bulletin.write import atomic_write

FORMAT = 1
CACHE = "history.json"
_ISSUE_FILE = re.compile(r"^issues/[^/]+/\d{4}/\d{3,}\.yaml$")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Record:
    """What the history says about one issue file."""

    commit: str  # the first commit whose version is published with a lock
    lock: dict[str, Any]  # that lock, as plain JSON values
    corrected: dict[str, list] = field(default_factory=dict)  # id -> [highest count, commit]


def plain(lock: Any) -> Any:
    """A lock as JSON values (dates as ISO strings), so a loaded and a stored one compare equal."""
    return json.loads(json.dumps(lock, default=str, sort_keys=True, ensure_ascii=False))


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=root, input=stdin,
                              capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_head(root: Path) -> str | None:
    """The commit checked out, or None outside a repository (or without git)."""
    out = _git(root, "rev-parse", "--verify", "-q", "HEAD")
    return out.decode().strip() if out else None


def _changes(root: Path, since: str | None) -> list[tuple[str, str]]:
    """``(commit, path)`` of every issue file version, oldest first (after ``since``, if given)."""
    span = [f"{since}..HEAD"] if since else ["HEAD"]
    out = _git(root, "log", "--reverse", "--format=%x01%H", "-z", "--name-only", "--no-renames", "--relative",
               *span, "--", "issues/")
    if out is None:
        return []
    found, commit = [], ""
    for token in out.decode("utf-8", "replace").split("\0"):
        token = token.strip("\n")
        if token.startswith("\x01"):
            commit = token[1:]
        elif token and _ISSUE_FILE.match(token):
            found.append((commit, token))
    return found


def _versions(root: Path, changes: list[tuple[str, str]]) -> list[bytes | None]:
    """The bytes of each ``(commit, path)``, None where the commit deleted the file."""
    if not changes:
        return []
    request = "".join(f"{commit}:./{path}\n" for commit, path in changes).encode()
    out = _git(root, "cat-file", "--batch", stdin=request)
    if out is None:
        return [None] * len(changes)
    found: list[bytes | None] = []
    at = 0
    for _ in changes:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found.append(out[at:at + size])
            at += size + 1
        else:
            found.append(None)
    return found


def _locked(raw: bytes | None) -> dict | None:
    """The lock of a published version, or None (a draft, no lock, not YAML)."""
    if raw is None or b"lock:" not in raw:
        return None
    try:
        data = yaml.load(raw, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or data.get("status") not in ("published", "已发布"):
        return None
    lock = data.get("lock")
    return plain(lock) if isinstance(lock, dict) else None


def _record(records: dict[str, Record], changes: list[tuple[str, str]], versions: list[bytes | None]) -> None:
    for (commit, path), raw in zip(changes, versions, strict=True):
        lock = _locked(raw)
        if lock is None:
            continue
        record = records.setdefault(path, Record(commit, lock))
        corrected = lock.get("corrected")
        for rid, count in (corrected.items() if isinstance(corrected, dict) else ()):
            if isinstance(count, int) and count > record.corrected.get(rid, [0, ""])[0]:
                record.corrected[rid] = [count, commit]


def published_history(root: Path, cache_dir: Path | None) -> dict[str, Record] | None:
    """Each issue file's publication record in git, or None when there is no git history."""
    head = git_head(root)
    if head is None:
        return None
    saved = cache_dir / CACHE if cache_dir is not None else None
    stored = _load(saved)
    if stored is not None and stored["head"] == head:
        return stored["records"]
    since = None
    records: dict[str, Record] = {}
    if stored is not None and _git(root, "merge-base", "--is-ancestor", stored["head"], head) is not None:
        since, records = stored["head"], stored["records"]  # only the commits since
    changes = _changes(root, since)
    _record(records, changes, _versions(root, changes))
    if saved is not None and saved.parent.is_dir():
        try:
            atomic_write(saved, json.dumps({"format": FORMAT, "head": head, "records": {
                path: [r.commit, r.lock, r.corrected] for path, r in records.items()}}, ensure_ascii=False))
        except OSError:
            pass  # only slower next time
    return records


def _load(saved: Path | None) -> dict | None:
    if saved is None:
        return None
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        return {"head": data["head"], "records": {p: Record(c, lk, co) for p, (c, lk, co) in data["records"].items()}}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _rewritten(record: Record, lock: dict) -> list[str]:
    """What of the first lock the current one no longer says."""
    first = record.lock
    differ = [key for key in ("date", "algorithm", "version", "issue", "names") if first.get(key) != lock.get(key)]
    items, before = lock.get("items") or {}, first.get("items") or {}
    if not isinstance(items, dict) or set(items) != set(before):
        return [*differ, "items"]
    now, then = lock.get("corrected") or {}, first.get("corrected") or {}
    for rid, value in sorted(items.items()):
        if value != before[rid] and not _count(now, rid) > _count(then, rid):
            differ.append(f"items.{rid}")
    return differ


def _count(corrected: Any, rid: str) -> int:
    value = corrected.get(rid, 0) if isinstance(corrected, dict) else 0
    return value if isinstance(value, int) else 0


def _short(commit: str) -> str:
    return commit[:10]


def history_problems(newsroom: Newsroom, cache_dir: Path | None, store_absent: bool = False) -> list[Problem]:
    """Every published issue whose record in the working tree departs from its git history.

    An issue moved into the classified store (``bulletin move-classified``) keeps its path there
    and is compared with its record like any other. ``store_absent``: a store is configured but not
    on this machine, so a published issue gone from the newsroom may have moved there; what is
    wrong then is that git still holds it, and the message says how to purge it.
    """
    records = published_history(newsroom.root, cache_dir)
    if not records:
        return []
    issues: dict[str, Issue] = {}
    for issue in sorted(newsroom.issues, key=lambda i: i.src.stored):  # the newsroom's copy first
        issues.setdefault(issue.src.rel, issue)
    found: list[Problem] = []
    for path, record in sorted(records.items()):
        issue = issues.get(path)
        restore = f"请用 git checkout {_short(record.commit)} -- {path} 恢复"
        if issue is None:
            if (newsroom.root / path).exists():
                continue
            if store_absent:
                found.append(Problem(path, 1, "E255", f"本期已在提交 {_short(record.commit)} 发布，现在期刊文件已不在新闻室；"
                                                      "如已用 bulletin move-classified 移入涉密库，git 历史中仍有它：请按 "
                                                      "docs/workflow.md 从 git 历史中清除；否则" + restore))
            else:
                found.append(Problem(path, 1, "E255", f"本期已在提交 {_short(record.commit)} 发布，现在期刊文件已被删除；"
                                                      f"已发布的期刊不能删除，{restore}"))
            continue
        found += _issue_against(issue, record, restore)
    return found


def _issue_against(issue: Issue, record: Record, restore: str) -> list[Problem]:
    path, commit = issue.src.path, _short(record.commit)
    lock = plain(issue.lock) if isinstance(issue.lock, dict) else None
    if not issue.published or lock is None:
        what = "改回了草稿" if not issue.published else "删去了锁定摘要（lock）"
        line = issue.src.line("status") if not issue.published or "lock" not in issue.src.lines else issue.src.line("lock")
        return [Problem(path, line, "E255", f"本期已在提交 {commit} 发布并锁定，现在{what}；发布记录不能抹去，{restore}，"
                                            "改动写在稿件的 corrections 中")]
    found = []
    differ = _rewritten(record, lock)
    if differ:
        found.append(Problem(path, issue.src.line("lock"), "E255",
                             f"本期的锁定摘要与首次发布它的提交 {commit} 中的不同（{'、'.join(differ)}）；"
                             f"lock 只能由 bulletin publish 按更正记录重新锁定，{restore}"))
    now = lock.get("corrected") or {}
    for rid, (count, where) in sorted(record.corrected.items()):
        if _count(now, rid) < count:
            found.append(Problem(path, issue.src.line("lock"), "E255",
                                 f"稿件 {rid} 在提交 {_short(where)} 中已计入 {count} 条更正记录，现在 lock.corrected 只有 "
                                 f"{_count(now, rid)} 条；更正记录不能撤回，请用 git show {_short(where)} 找回删去的更正和锁定摘要"))
    return found
