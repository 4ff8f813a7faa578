"""Sentence anchors: what the duplicate search (``bulletin.lints``) compares of two bodies.

Text only, with no other part of bulletin, so that the loader's second process can make them
while it parses a cold newsroom's reports (``bulletin.load``): on a first check after a clone
they are a third of the per-report work, and making them there keeps both cores busy.
"""

from __future__ import annotations

import re

_NOT_TEXT = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_SENTENCE_TEXT = re.compile(r"[^\w。！？；!?;\n]+|_")
KIND = b"anchors:"  # the check cache's kind of entry (``bulletin.cache.LAZY_KINDS``)


def letters(text: str) -> str:
    """Letters and digits only: what two copies of one item share whatever the punctuation."""
    return _NOT_TEXT.sub("", text)


def comparable(body: str) -> tuple[int, list[str]]:
    """The body's length in letters and its sentence anchors (sorted): the first and last 8
    letters of each sentence, which an edit inside a sentence keeps.

    One pass strips everything but letters and sentence ends; the length is that of the
    sentences between the ends (the same as ``len(letters(body))``, without a second pass).
    """
    text = _SENTENCE_TEXT.sub("", body)
    keys: set[str] = set()
    length = 0
    for sentence in _SENTENCE_END.split(text):
        size = len(sentence)
        length += size
        if size >= 8:
            keys.add(sentence[:8])
            keys.add(sentence[-8:])
    return length, sorted(keys)


def key(file_digest: bytes) -> bytes:
    """The check cache's key for the anchors of the report file with this digest."""
    return KIND + file_digest
