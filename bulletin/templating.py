"""The Jinja environments of every renderer, made one way: strict about undefined names,
escaped by file type, and whitespace-controlled so that generated files are tidy and stable."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def environment(folder: str, escaped: bool | Iterable[str], filters: dict[str, Callable] | None = None) -> Environment:
    """The templates under ``bulletin/templates/<folder>``; ``escaped``: True for every template,
    else the file extensions whose output is escaped (a stylesheet is not)."""
    env = Environment(
        loader=PackageLoader("bulletin", f"templates/{folder}"),
        autoescape=escaped if isinstance(escaped, bool) else select_autoescape(list(escaped)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(filters or {})
    return env
