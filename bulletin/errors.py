"""The product's exception types: each one carries a message meant for the editor.

They live here, below every layer, so that the command line and the build can catch them
without importing the modules that raise them (a no-op build never imports the printing stack),
and commands need not import ``cli`` to refuse a wrong argument.
"""

from __future__ import annotations


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


class LeakError(RuntimeError):
    """A built site holds a string it must not hold."""

    def __init__(self, leaks: list[tuple[str, str]]):
        self.leaks = leaks
        shown = "\n".join(f"  {path}: {text}" for path, text in leaks[:50])
        more = f"\n  ……另有 {len(leaks) - 50} 处" if len(leaks) > 50 else ""
        super().__init__(f"泄密检查未通过：以下文件含有本网站不应收录的内容，构建已中止\n{shown}{more}")


# What a renderer raises when a part cannot be built: printed without a traceback, build/ kept.
BUILD_FAILURES: tuple[type[Exception], ...] = (LeakError, SiteBuildError, RenderError)
