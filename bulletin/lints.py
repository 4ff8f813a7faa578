"""Lints from editorial practice (warnings). Filled in by the workflow work; see check.py."""

from __future__ import annotations

from bulletin.model import Newsroom
from bulletin.problems import Problem


def lint_newsroom(newsroom: Newsroom) -> list[Problem]:
    return []
