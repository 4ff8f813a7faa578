"""The build record: what a built site part was made from, and what it holds.

``build/parts.json`` in the cache says which input digest a part was last built from, but it is
written beside the outputs, not with them, and says nothing of the files. A deploy must know
that the folder it copies is exactly what the build wrote and gated, and from which inputs. So
each site part carries ``.bulletin-build`` (JSON) inside its own generation folder: the input
digest, the day of the build, and the size and sha256 of every other file. It is written into
staging just before the swap, so it switches in with the part in the same rename, and it never
claims files that are not there.

No ``.json`` suffix: the leak gate's personal-data scan reads text files by suffix, and a long
run of hex digits must not be taken for a phone or ID number. The record holds no content.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from bulletin.errors import RecordError
from bulletin.write import atomic_write

RECORD = ".bulletin-build"
FORMAT = 1
CHUNK = 1 << 20


@dataclass(frozen=True)
class FileEntry:
    """One file of a site: its path relative to the site (POSIX), size in bytes, sha256 hex."""

    path: str
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class BuildRecord:
    """A built site part: its input digest, day of the build, and every file."""

    part: str
    digest: str
    day: str
    files: dict[str, FileEntry]

    def as_json(self) -> str:
        return json.dumps({"format": FORMAT, "part": self.part, "digest": self.digest, "date": self.day,
                           "files": [f.as_dict() for f in self.files.values()]}, ensure_ascii=False, indent=1)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def site_files(folder: Path, skip: frozenset[str] = frozenset({RECORD})) -> list[str]:
    """Every file under ``folder`` (symlinks included, as the leak gate sees them), sorted, POSIX."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        rel = Path(dirpath).relative_to(folder)
        for name in filenames:
            path = (rel / name).as_posix()
            if path not in skip:
                found.append(path)
        found.extend((rel / d).as_posix() for d in dirnames if (Path(dirpath) / d).is_symlink())
    return sorted(found)


def entries(folder: Path, paths: list[str]) -> dict[str, FileEntry]:
    out: dict[str, FileEntry] = {}
    for path in paths:
        full = folder / path
        out[path] = FileEntry(path, full.lstat().st_size, sha256_of(full))
    return out


def write_record(folder: Path, part: str, digest: str, day: str) -> BuildRecord:
    """Record a finished part (called on the staged folder, before it is swapped in)."""
    record = BuildRecord(part, digest, day, entries(folder, site_files(folder)))
    atomic_write(folder / RECORD, record.as_json() + "\n")
    return record


def read_record(folder: Path) -> BuildRecord:
    """The record of a built part; ``RecordError`` when there is none or it is malformed."""
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        files = {f["path"]: FileEntry(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in data["files"]}
        return BuildRecord(str(data["part"]), str(data["digest"]), str(data["date"]), files)
    except FileNotFoundError:
        raise RecordError("missing") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RecordError(str(exc)) from None


def has_record(folder: Path) -> bool:
    return (folder / RECORD).is_file()


@dataclass(frozen=True)
class Difference:
    """A file that differs from a list of entries: 'changed', 'added' or 'removed'."""

    path: str
    kind: str


def compare(folder: Path, expected: dict[str, FileEntry], present: list[str] | None = None) -> list[Difference]:
    """How ``folder`` differs from ``expected``: changed (size or sha256), added, removed."""
    present = site_files(folder) if present is None else present
    differences: list[Difference] = []
    for path in present:
        entry = expected.get(path)
        if entry is None:
            differences.append(Difference(path, "added"))
            continue
        full = folder / path
        if full.is_symlink() or full.stat().st_size != entry.size or sha256_of(full) != entry.sha256:
            differences.append(Difference(path, "changed"))
    seen = set(present)
    differences.extend(Difference(p, "removed") for p in expected if p not in seen)
    return sorted(differences, key=lambda d: d.path)
