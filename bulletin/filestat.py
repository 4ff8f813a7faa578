"""Which of the newsroom's files changed since the last run, told from their stat records.

An editor runs ``check`` and ``build`` after every edit. On a five-year archive (46,000 files)
reading every file and building the model again costs seconds even when one file, or none,
changed. A file's stat record — type, size, modification time, change time, inode — changes
whenever its bytes do: the change time (``ctime``) is set by the kernel on every write and on
every ``utime``, and no editor or tool can set it back, so a file restored with an old mtime
(``cp -p``, ``touch -d``, an archive unpacked over the checkout) is still seen. git's index
relies on the same fields.

One rule is git's "racy" rule: a record whose times fall within ``RACY_NS`` of the moment the
previous run took its records is not trusted, because a write in the same clock tick right after
that moment would have left every field equal. Such a file is read again (and the next run, which
took its records later, trusts it).

``Tree`` is one scan of the files a run reads; ``StatIndex`` maps a file's record to the digest of
its bytes (so the loader need not read unchanged files); ``RunMemo`` replays what a run found
while the tree it read is unchanged.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.write import atomic_write

RACY_NS = 2_000_000_000  # 2 s: wider than any file system's timestamp granularity (FAT: 2 s)
FORMAT = 1
# Never inputs: what bulletin writes itself, and git's own store (its HEAD is part of a run's key).
SKIPPED_NAMES = frozenset({".git", "__pycache__"})

StatRecord = tuple[int, int, int, int, int]  # mode, size, mtime_ns, ctime_ns, inode


def stat_record(st: os.stat_result) -> StatRecord:
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _followed(path: str, own: StatRecord) -> tuple[int, ...]:
    """A symbolic link's record followed by its target's: retargeting the link or editing the
    target both show. The times stay in places 2 and 3 (the newest of the two) for the racy rule."""
    try:
        target = stat_record(os.stat(path))
    except OSError:
        return own
    return (own[0], target[1], max(own[2], target[2]), max(own[3], target[3]), own[4], target[0], target[4])


@dataclass
class Tree:
    """The stat records of every file under some folders, taken at ``taken_ns``."""

    taken_ns: int
    records: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def digest(self) -> bytes:
        """One digest of every path and record (the scan visits folders in sorted order).

        marshal format 2: from 3 on, marshal writes a number or string met again as a reference
        when other objects hold it too, so equal records could give two digests."""
        return hashlib.blake2b(marshal.dumps(self.records, 2), digest_size=16).digest()

    def newest_ns(self) -> int:
        return max((max(r[2], r[3]) for r in self.records.values()), default=0)


def scan(folders: list[tuple[Path, str]], skip: set[Path]) -> Tree:
    """Records of every entry under each ``(folder, prefix)`` (paths named ``prefix + rel``),
    except the folders in ``skip`` (a newsroom's ``build/``) and ``SKIPPED_NAMES``."""
    tree = Tree(time.time_ns())
    skipped = {os.path.normpath(p) for p in skip}
    for folder, prefix in folders:
        _scan_folder(os.path.normpath(folder), prefix, skipped, tree.records)
    return tree


def _scan_folder(path: str, rel: str, skipped: set[str], out: dict[str, tuple[int, ...]]) -> None:
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return  # missing or unreadable: the loader reports it where it matters
    for entry in entries:
        if entry.name in SKIPPED_NAMES or entry.path in skipped:
            continue
        name = rel + entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan_folder(entry.path, name + "/", skipped, out)
                continue
            own = stat_record(entry.stat(follow_symlinks=False))
        except OSError:
            continue  # vanished while scanning: the run itself will say so if it matters
        out[name] = _followed(entry.path, own) if stat.S_ISLNK(own[0]) else own


class StatIndex:
    """``path -> (stat record, digest of the bytes)`` from the last run, so that a file whose
    record is unchanged (and not racy) is known by its digest without being read."""

    def __init__(self, path: Path | None):
        self.path = path
        self.old: dict[str, tuple[StatRecord, bytes]] = {}
        self.new: dict[str, tuple[StatRecord, bytes]] = {}
        self.trusted_before = 0  # records newer than this (the last run's time minus RACY_NS) are re-read
        self.taken_ns = time.time_ns()
        # The records of the run's own scan (``RunMemo.tree``), when it took one before loading.
        self.scanned: dict[str, tuple[int, ...]] = {}
        if path is not None:
            stored = _load(path)
            if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == FORMAT:
                self.trusted_before = stored[1] - RACY_NS
                self.old = stored[2]

    def record_of(self, full: str, rel: str) -> tuple[int, ...] | None:
        """``rel``'s stat record: the one the run's scan took, else a fresh ``lstat`` of ``full``.

        Why the scan's: it was taken a moment earlier for the run's memo, and looking at 45,000
        files again costs half a second of an editor's check. A file edited since is then read
        as scanned or afresh; either way the memo, stored with that scan, makes the next run
        look again."""
        record = self.scanned.get(rel)
        if record is not None:
            return record
        try:
            return stat_record(os.lstat(full))
        except OSError:
            return None

    def is_link(self, full: str, rel: str) -> bool:
        """Whether ``rel`` is a symbolic link, from the run's scan when it holds the file."""
        record = self.scanned.get(rel)
        return stat.S_ISLNK(record[0]) if record is not None else os.path.islink(full)

    def known(self, rel: str, record: tuple[int, ...]) -> bytes | None:
        """The digest of ``rel``'s bytes when its record is the one stored and is not racy."""
        entry = self.old.get(rel)
        if entry is None or entry[0] != record or max(record[2], record[3]) >= self.trusted_before:
            return None
        self.new[rel] = entry
        return entry[1]

    def learn(self, rel: str, record: StatRecord, digest: bytes) -> None:
        self.new[rel] = (record, digest)

    def save(self) -> None:
        if self.path is None or self.new == self.old:
            return
        try:
            atomic_write(self.path, marshal.dumps((FORMAT, self.taken_ns, self.new)))
        except (OSError, ValueError):
            pass  # a read-only newsroom still checks, only slower


class RunMemo:
    """What a run found (``payload``: plain data), replayed while nothing it read has changed.

    ``key`` names everything besides the files that the result depends on (the program, the day,
    the options, git's HEAD); ``tree`` is the scan taken *before* the run, so a file edited while
    the run was going on makes the next scan differ.
    """

    def __init__(self, path: Path | None, key: str, tree: Tree):
        self.path, self.key, self.tree = path, key, tree

    def recall(self) -> Any | None:
        if self.path is None:
            return None
        stored = _load(self.path)
        if not (isinstance(stored, tuple) and len(stored) == 5 and stored[0] == FORMAT):
            return None
        _format, key, tree_digest, taken_ns, payload = stored
        if key != self.key or tree_digest != self.tree.digest() or self.tree.newest_ns() >= taken_ns - RACY_NS:
            return None
        return payload

    def remember(self, payload: Any) -> None:
        if self.path is None:
            return
        try:
            atomic_write(self.path, marshal.dumps((FORMAT, self.key, self.tree.digest(), self.tree.taken_ns, payload)))
        except (OSError, ValueError):
            pass  # unwritable: the next run does the work again


def _load(path: Path) -> Any:
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
