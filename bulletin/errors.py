"""The product's exception types: each one carries a message meant for the editor.

They live here, below every layer, so that the command line and the build can catch them
without importing the modules that raise them (a no-op build never imports the printing stack),
and commands need not import ``cli`` to refuse a wrong argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # for annotations only: problems.py is data, but errors.py imports nothing at run time
    from bulletin.problems import Problem


class UsageError(Exception):
    """A command was asked for something it cannot do; exit code 2, the message says what to write."""


class Busy(Exception):
    """Another bulletin command holds the lock; the message names its PID."""


class RoundTripError(Exception):
    """The file is not a YAML mapping we can edit."""


class PeriodError(ValueError):
    """A period written wrongly; the message says what to write instead."""


class RenderError(Exception):
    """A PDF that could not be rendered; the message names the issue."""


class SiteBuildError(RuntimeError):
    """mkdocs could not build the site; the message lists what it said."""


class SearchIndexError(SiteBuildError):
    """Pagefind could not index the site; the message says what it said."""


class IncompleteBundle(SearchIndexError):
    """A search bundle with a file missing or empty: Pagefind is asked once more before giving up."""


class LeakError(RuntimeError):
    """A built site holds a string it must not hold."""

    def __init__(self, leaks: list[tuple[str, str]]):
        self.leaks = leaks
        shown = "\n".join(f"  {path}: {text}" for path, text in leaks[:50])
        more = f"\n  ……另有 {len(leaks) - 50} 处" if len(leaks) > 50 else ""
        super().__init__(f"泄密检查未通过：以下文件含有本网站不应收录的内容，构建已中止\n{shown}{more}")


# -- reading the newsroom's files: each carries the problem line check prints ------------------


class SpecialFile(OSError):
    """A path that is not a regular file (or folder); ``problem`` is its E010 line.

    An OSError, so that a reader that already handles unreadable files refuses it the same way.
    """

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.message)


class LoadProblem(Exception):
    """A newsroom file that cannot be read as a record; ``problem`` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class YamlProblem(Exception):
    """A YAML text that cannot become data; carries the 1-based line and a problem code.

    Not a Problem yet: the text does not know its file (front matter starts lines into one).
    """

    def __init__(self, code: str, line: int, message: str):
        super().__init__(message)
        self.code = code
        self.line = line
        self.message = message


class Unreadable(Exception):
    """mkdocs.yml cannot be read or parsed; ``problem`` is the line check prints."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


# -- built parts, deploys and printed copies ------------------------------------------------


class RecordError(ValueError):
    """A built part's record is missing or not one bulletin wrote."""


class _Finding(Protocol):
    """A line of a deploy's refusal (``deploy.Finding``), described here so that errors.py need not
    import deploy, which imports the build."""

    path: str
    code: str
    message: str

    def format(self) -> str: ...


class DeployError(Exception):
    """The deploy was refused or failed; nothing of the served set was replaced unless said."""

    def __init__(self, findings: Sequence[_Finding]):
        super().__init__("\n".join(f.format() for f in findings))
        self.findings = findings


class CopiesError(ValueError):
    """A --copies value that names no run of copies; the message says what to write."""


# What a renderer raises when a part cannot be built: printed without a traceback, build/ kept.
BUILD_FAILURES: tuple[type[Exception], ...] = (LeakError, SiteBuildError, RenderError)
