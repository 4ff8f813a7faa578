"""A content-addressed cache of per-file work (parsing, schema validation) under build/.cache.

Keys are digests of a file's bytes, so an edited file is simply a miss; the whole cache is
dropped when the program version or the schemas change. Stored with ``marshal`` (plain data
only: loading it can never run code), written atomically, and pruned to the entries used in
the last run so it never grows without bound. An unwritable folder just means no cache.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path
from typing import Any

from bulletin import __version__
from bulletin.write import atomic_write

_FORMAT = 2  # 2: a report's entry also holds its YAML warnings


def digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


class DigestCache:
    def __init__(self, path: Path | None, salt: str):
        self.path = path
        self.salt = f"{_FORMAT}:{__version__}:{salt}"
        self.old: dict[bytes, Any] = {}
        self.new: dict[bytes, Any] = {}
        self.changed = False
        if path is not None and path.is_file():
            try:
                stored = marshal.loads(path.read_bytes())
                if isinstance(stored, tuple) and stored[0] == self.salt:
                    self.old = stored[1]
            except (ValueError, EOFError, TypeError, OSError):
                self.old = {}

    def get(self, key: bytes) -> Any | None:
        value = self.old.get(key)
        if value is not None:
            self.new[key] = value
        return value

    def put(self, key: bytes, value: Any) -> None:
        self.new[key] = value
        self.changed = True

    def save(self) -> None:
        if self.path is None or not (self.changed or len(self.new) != len(self.old)):
            return
        try:
            atomic_write(self.path, marshal.dumps((self.salt, self.new)))
        except (OSError, ValueError):
            pass  # a read-only newsroom still checks, only slower
