"""The content-addressed caches under build/.cache: work is keyed by the digest of its inputs.

``FileStore`` holds rendered files (issue PDFs and Word files, notice PDFs and workbooks), each
named by the digest of the inputs its renderer declares; ``DigestCache`` holds per-file work of
``check`` (parsing, schema validation, kept judgements) keyed by a file's bytes, in ``marshal``
shards (plain data only: loading it can never run code) salted with the program's digest. Both are written atomically and pruned to the entries the
last run used, so they never grow without bound; an edited input is simply a new key. An
unwritable folder just means no cache.
"""

from __future__ import annotations

import hashlib
import marshal
import zlib
from collections.abc import Callable, Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from bulletin import __version__
from bulletin.filestat import StatIndex
from bulletin.write import atomic_write

_FORMAT = 2  # 2: a report's entry also holds its YAML warnings
PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("mkdocs", "mkdocs-material", "pagefind", "pagefind-bin-extended", "weasyprint", "pydyf", "fonttools", "openpyxl", "python-docx", "Markdown", "nh3")


def digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


@cache
def code_digest() -> bytes:
    """The program: its version, every source and template file, and the libraries it renders with.

    Files are named by their path inside the package, so the digest is the same wherever the
    checkout lies (and a folder above it named like one of ours hides nothing)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".json", ".js", ".svg"):
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-".encode())
    return h.digest()


class FileStore:
    """A folder of files, each named ``<key><suffix>`` by the digest of what it is made from."""

    def __init__(self, folder: Path, suffixes: tuple[str, ...]):
        self.folder = folder
        self.suffixes = suffixes  # the kinds of file this store holds (only those are pruned)
        self.used: set[str] = set()

    def path(self, key: str, suffix: str) -> Path:
        """Where the file of ``key`` is (or is to be made); using it keeps it at ``prune``."""
        self.used.add(key + suffix)
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / (key + suffix)

    def get(self, key: str, suffix: str) -> Path | None:
        """The stored file of ``key`` (kept at ``prune``), or None when there is none."""
        path = self.path(key, suffix)
        return path if path.is_file() else None

    def get_or_make(self, key: str, suffix: str, make: Callable[[], bytes]) -> Path:
        """The file of ``key``, made (and written atomically) only when it is not stored yet."""
        path = self.path(key, suffix)
        if not path.exists():
            atomic_write(path, make())
        return path

    def prune(self, used: set[str] | None = None) -> None:
        """Drop every stored file not used in this run (``used``: file names, else those asked for)."""
        keep = self.used if used is None else used
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix in self.suffixes and path.name not in keep:
                path.unlink(missing_ok=True)


SHARDS = 16  # files the check cache is kept in: a run that changed a few entries rewrites a few


def shard_of(key: bytes) -> int:
    return zlib.crc32(key) % SHARDS


class DigestCache:
    """Per-file work of ``check`` keyed by content, kept in ``SHARDS`` marshal files beside ``path``.

    Why shards: a five-year archive's cache is about 170 MB; an editor's run that changed one
    file (a new issue) would rewrite all of it (2 s). A shard is rewritten only when an entry in
    it was made this run, or when some of its entries were not used (so it is pruned).
    """

    def __init__(self, path: Path | None, salt: str):
        self.path = path
        self.salt = f"{_FORMAT}:{code_digest().hex()}:{salt}"  # another program parses every file again
        self.old: dict[bytes, Any] = {}
        self.new: dict[bytes, Any] = {}
        self.dirty: set[int] = set()  # shards with an entry made in this run
        self.stored = [0] * SHARDS  # entries each shard held when loaded
        # Which files are unchanged since the last run, so the loader need not read them.
        self.stat_index = StatIndex(path.with_name("stat-index.marshal")) if path is not None else None
        if path is not None:
            for n in range(SHARDS):
                entries = self._load(self.shard_path(n))
                self.old.update(entries)
                self.stored[n] = len(entries)

    def shard_path(self, n: int) -> Path:
        assert self.path is not None
        return self.path.with_name(f"{self.path.stem}-{n:02d}{self.path.suffix}")

    def _load(self, path: Path) -> dict[bytes, Any]:
        try:
            stored = marshal.loads(path.read_bytes())
        except (ValueError, EOFError, TypeError, OSError):
            return {}
        ok = isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.salt and isinstance(stored[1], dict)
        return stored[1] if ok else {}

    def get(self, key: bytes) -> Any | None:
        """The value kept under ``key`` by the last run or made in this one (and kept for the next)."""
        value = self.old.get(key)
        if value is not None:
            self.new[key] = value
            return value
        return self.new.get(key)

    def keep(self, keys: Iterable[bytes]) -> None:
        """Keep these entries for the next run though this one did not ask for them."""
        for key in keys:
            value = self.old.get(key)
            if value is not None:
                self.new[key] = value

    def holds(self, key: bytes) -> bool:
        """Whether a value is kept under ``key`` (without counting it as used)."""
        return bool(key) and (key in self.old or key in self.new)

    def put(self, key: bytes, value: Any) -> None:
        self.new[key] = value
        self.dirty.add(shard_of(key))

    def adopt(self, made: dict[bytes, Any]) -> None:
        """Keep entries made elsewhere (another process's scratch cache: ``bulletin.forked``)."""
        for key, value in made.items():
            self.put(key, value)

    def get_or_make(self, key: bytes, make: Callable[[], Any]) -> Any:
        """The value kept under ``key``, made (and kept) when there is none."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def save(self) -> None:
        if self.stat_index is not None:
            self.stat_index.save()
        if self.path is None:
            return
        shards: list[dict[bytes, Any]] = [{} for _ in range(SHARDS)]
        for key, value in self.new.items():
            shards[shard_of(key)][key] = value
        try:
            for n, entries in enumerate(shards):
                if n in self.dirty or len(entries) != self.stored[n]:
                    atomic_write(self.shard_path(n), marshal.dumps((self.salt, entries)))
            self.path.unlink(missing_ok=True)  # the one-file cache of earlier versions
        except (OSError, ValueError):
            pass  # a read-only newsroom still checks, only slower
