"""The content-addressed caches under build/.cache: work is keyed by the digest of its inputs.

``FileStore`` holds rendered files (issue PDFs and Word files, notice PDFs and workbooks), each
named by the digest of the inputs its renderer declares; ``DigestCache`` holds per-file work of
``check`` (parsing, schema validation, kept judgements) keyed by a file's bytes, in ``marshal``
shards (plain data only: loading it can never run code) salted with the program's digest. Both
are written atomically and pruned to the entries the last run used, so they never grow without
bound; an edited input is simply a new key. An unwritable folder just means no cache.
"""

from __future__ import annotations

import hashlib
import io
import marshal
import pickle
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from bulletin import __version__, anchors, forked
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


def value_bytes(value: object) -> bytes:
    """Bytes that are equal exactly when the values are (views, plain data), for content keys.

    ``pickle.dumps`` writes a string or number the value shares twice as a reference the second
    time and an equal copy in full, so the same view made from a fresh parse or from the check's
    cache gave two keys, and a build in a new process found no stored PDF by its print view.
    Without its memo (``fast``) the pickler writes an object met twice as it writes an equal
    copy. A value must hold no set: a set's order follows the process's string hashing (the
    views hold none, ``tests/test_views.py``).
    """
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=4)
    pickler.fast = True
    pickler.dump(value)
    return out.getvalue()


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


_MARSHAL = 2  # the shards' marshal version (``_Shards.save``)
SHARDS = 16  # files the check cache is kept in: a run that changed a few entries rewrites a few
# Kinds of entry kept in shards of their own, read only when a run asks for one: the sentence
# anchors (a third of a five-year cache) are needed only when the duplicate search runs again.
LAZY_KINDS = (anchors.KIND,)
# Kinds of entry the rules make once the newsroom is loaded, kept in shards of their own: what
# the loader made (the parses, most of the cache) is then complete before they run, and a first
# check writes it in a child beside them (``DigestCache.save_loaded``). A kind not named here
# lives with the loader's; it is still kept, only its shards are written again at the end.
RULE_KINDS = (b"report:", b"personal:", b"lints:", b"duplicates:", b"lock:")


def shard_of(key: bytes) -> int:
    return zlib.crc32(key) % SHARDS


class _Shards:
    """One set of ``SHARDS`` marshal files: the entries the last run kept, and those this run
    used or made (``new``), which are what ``save`` keeps."""

    def __init__(self, path: Path | None, salt: str):
        self.path, self.salt = path, salt
        self.loaded = path is None
        self.old: dict[bytes, Any] = {}
        self.new: dict[bytes, Any] = {}
        self.kept: list[dict[bytes, Any]] = [{} for _ in range(SHARDS)]  # each shard as loaded
        self.made: list[dict[bytes, Any]] = [{} for _ in range(SHARDS)]  # entries put in this run
        self.puts = [0] * SHARDS  # entries put in each shard so far
        self.written: list[int] | None = None  # ``puts`` of each shard when a child wrote them

    def shard_path(self, n: int) -> Path:
        assert self.path is not None
        return self.path.with_name(f"{self.path.stem}-{n:02d}{self.path.suffix}")

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        for n in range(SHARDS):
            self.kept[n] = self._read(self.shard_path(n))
            self.old.update(self.kept[n])

    def _read(self, path: Path) -> dict[bytes, Any]:
        try:
            stored = marshal.loads(path.read_bytes())
        except (ValueError, EOFError, TypeError, OSError):
            return {}
        ok = isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.salt and isinstance(stored[1], dict)
        return stored[1] if ok else {}

    def put(self, key: bytes, value: Any) -> None:
        self.load()  # a shard written later must still hold what it held
        self.new[key] = value
        n = shard_of(key)
        self.made[n][key] = value
        self.puts[n] += 1

    def save(self) -> None:
        """Rewrite a shard only when an entry was made in it or some of its entries went unused.

        Unused entries are those of files edited or deleted since: pruning them keeps the cache
        the size of the newsroom. A store never loaded in this run is left as it is."""
        if self.path is None or not self.loaded:
            return
        new = self.new
        for n in range(SHARDS):
            kept, made = self.kept[n], self.made[n]
            if not made and kept.keys() <= new.keys():
                continue  # every entry used again, none made: the file on disk is this shard
            if self.written is not None and self.written[n] == self.puts[n]:
                continue  # a child wrote this shard as it is (``fresh``, ``DigestCache.save_loaded``)
            entries = made  # a shard with nothing kept is what was made: no copy referencing each value
            if kept:
                entries = {k: new[k] for k in kept if k in new}
                entries.update(made)
            # Version 2, without references: writing adds nothing to the values' reference
            # counts, so the child of ``save_loaded`` copies none of their pages from this
            # process (its page faults on a city-year: 22,600 with version 4 and a copy of each
            # shard's entries, 880 without either); it loads as fast, and is 5 % larger.
            atomic_write(self.shard_path(n), marshal.dumps((self.salt, entries), _MARSHAL))

    @property
    def fresh(self) -> bool:
        """Loaded, and nothing kept from a last run: every entry was made in this one, so no
        entry can still be used later and change what a shard keeps (only more be made)."""
        return self.path is not None and self.loaded and not any(self.kept)


@dataclass
class Journal:
    """The entries a piece of work used (kept from the last run) and made, in a cache's copy."""

    used: list[bytes] = field(default_factory=list)
    made: dict[bytes, Any] = field(default_factory=dict)


class DigestCache:
    """Per-file work of ``check`` keyed by content, kept in ``SHARDS`` marshal files beside ``path``.

    Why shards: a five-year archive's cache is about 170 MB; an editor's run that changed one
    file (a new issue) would rewrite all of it (2 s). A shard is rewritten only when an entry in
    it was made this run, or when some of its entries were not used (so it is pruned). The
    ``LAZY_KINDS`` live in shards of their own beside them (``anchors-00.marshal`` …), read on
    first use: a run that never asks for one neither reads nor rewrites them.
    """

    def __init__(self, path: Path | None, salt: str):
        self.path = path
        self.salt = f"{_FORMAT}:{code_digest().hex()}:{salt}"  # another program parses every file again
        self._eager = _Shards(path, self.salt)
        self._lazy = _Shards(path.with_name("anchors" + path.suffix) if path is not None else None, self.salt)
        self._rules = _Shards(path.with_name("rules" + path.suffix) if path is not None else None, self.salt)
        self._writing: Callable[[], bool] | None = None  # the child writing the loader's entries
        self._written: list[tuple[_Shards, list[int]]] = []  # what it writes: each set's puts then
        # Which files are unchanged since the last run, so the loader need not read them.
        self.stat_index = StatIndex(path.with_name("stat-index.marshal")) if path is not None else None
        self._journal: Journal | None = None
        self._eager.load()
        self._rules.load()

    @property
    def old(self) -> dict[bytes, Any]:
        """What the last run kept (of the kinds read so far)."""
        return {**self._eager.old, **self._rules.old, **self._lazy.old}

    @property
    def new(self) -> dict[bytes, Any]:
        """What this run used or made: what the next run will find."""
        return {**self._eager.new, **self._rules.new, **self._lazy.new}

    def _shards(self, key: bytes, load: bool = True) -> _Shards:
        if key.startswith(LAZY_KINDS):
            if load:
                self._lazy.load()
            return self._lazy
        if key.startswith(RULE_KINDS):
            return self._rules
        return self._eager

    def shard_path(self, n: int) -> Path:
        return self._eager.shard_path(n)

    def get(self, key: bytes) -> Any | None:
        """The value kept under ``key`` by the last run or made in this one (and kept for the next)."""
        shards = self._shards(key)
        value = shards.old.get(key)
        if value is not None:
            shards.new[key] = value
            if self._journal is not None:
                self._journal.used.append(key)
            return value
        return shards.new.get(key)

    def keep(self, keys: Iterable[bytes]) -> None:
        """Keep these entries for the next run though this one did not ask for them (entries of
        a kind not read in this run stay where they are)."""
        for key in keys:
            shards = self._shards(key, load=False)
            value = shards.old.get(key)
            if value is not None:
                shards.new[key] = value
                if self._journal is not None:
                    self._journal.used.append(key)

    def holds(self, key: bytes) -> bool:
        """Whether a value is kept under ``key`` (without counting it as used)."""
        if not key:
            return False
        shards = self._shards(key)
        return key in shards.old or key in shards.new

    def put(self, key: bytes, value: Any) -> None:
        self._shards(key).put(key, value)
        if self._journal is not None:
            self._journal.made[key] = value

    @contextmanager
    def journal(self) -> Iterator[Journal]:
        """What the work inside the block used and made, for another copy of this cache to take
        over (``take``): the copy in a forked child is lost with the child."""
        self._journal = Journal()
        try:
            yield self._journal
        finally:
            self._journal = None

    def take(self, journal: Journal) -> None:
        """Keep what another copy of this cache used and made (its ``journal``)."""
        self.adopt(journal.made)
        self.keep(journal.used)

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

    def save_loaded(self, count: int) -> None:
        """On a first check, write what the loader made (the parses and the sentence anchors:
        nine tenths of the cache) now, in a child (``forked.background``), while this process
        builds the model and runs the rules; ``save`` then writes the rules' entries and any
        shard that got more since. ``count``: the files loaded (too few are not worth a child).

        Only shards with nothing kept from a last run (``_Shards.fresh``) are written this
        early: where entries were kept, the rules may still use some of them, and what a shard
        keeps is known only at the end. On a cold five-year check the cache is 172 MB and its
        writing took 1.1–1.5 s with one core idle for most of it."""
        sets = [shards for shards in (self._eager, self._lazy) if shards.fresh]
        if not sets or self._writing is not None:
            return
        self._writing = forked.background(lambda: self._write(sets), count)
        if self._writing is not None:
            self._written = [(shards, list(shards.puts)) for shards in sets]

    def _write(self, sets: list[_Shards]) -> None:
        for shards in sets:
            shards.save()

    def wait_for_writing(self) -> None:
        """Wait for the child of ``save_loaded``; what it wrote counts only if it succeeded."""
        if self._writing is None:
            return
        succeeded, self._writing = self._writing(), None
        if succeeded:
            for shards, written in self._written:
                shards.written = written

    def save(self) -> None:
        self.wait_for_writing()
        if self.stat_index is not None:
            self.stat_index.save()
        if self.path is None:
            return
        try:
            self._eager.save()
            self._rules.save()
            self._lazy.save()
            self.path.unlink(missing_ok=True)  # the one-file cache of earlier versions
        except (OSError, ValueError):
            pass  # a read-only newsroom still checks, only slower
