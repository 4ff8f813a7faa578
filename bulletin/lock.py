"""Publication locks: the digest of every item of a published issue (see ``bulletin publish``)."""

from __future__ import annotations

from bulletin.model import Newsroom
from bulletin.problems import Problem


def lock_problems(newsroom: Newsroom) -> list[Problem]:
    return []
