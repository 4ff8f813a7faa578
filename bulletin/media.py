"""Media: which files may travel as images, and which images a report may share.

Only real raster images leave the newsroom: the name must end in an image extension AND the
file's first bytes must say the same format. Anything else referenced as an image — another
report (``.md``), a ``.markdown`` or ``.html`` page, an ``.svg`` with script, a PDF, a renamed
file — would be copied into a site's docs folder, where mkdocs turns Markdown into pages and a
browser runs what an HTML or SVG file holds. ``check`` reports such references; the site stager
copies only files this module accepts, so a missed check still cannot publish them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Extension -> format; the magic bytes of each format below.
EXTENSIONS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp"}
ALLOWED = "、".join(EXTENSIONS)
_HEAD = 16


def _format_of(head: bytes) -> str | None:
    """The image format the first bytes announce, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def declared_format(name: str) -> str | None:
    """The format a file name claims by its extension (case-insensitive), or None."""
    return EXTENSIONS.get(os.path.splitext(name)[1].lower())


def real_format(path: Path) -> str | None:
    """The format of a regular file's first bytes; None for anything else (never blocks on a FIFO)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None
        with open(path, "rb") as handle:
            return _format_of(handle.read(_HEAD))
    except (OSError, ValueError):
        return None


def image_problem(path: Path, name: str) -> str | None:
    """Why the file at ``path`` (referenced as ``name``) may not be used as an image, or None."""
    declared = declared_format(name)
    if declared is None:
        return f"不是图片文件（只接受 {ALLOWED}）"
    actual = real_format(path)
    if actual is None:
        return f"扩展名是图片，但文件内容不是 {ALLOWED} 图片（可能是改了扩展名的其他文件）"
    if actual != declared:
        return f"扩展名是 {os.path.splitext(name)[1]}，但文件内容是 {actual} 图片"
    return None


def is_image(path: Path) -> bool:
    """True only for a regular file whose extension and first bytes agree on an allowed format."""
    return image_problem(path, path.name) is None


def site_levels_crossed(low_rank: int, high_rank: int, site_ranks: tuple[int, ...]) -> bool:
    """Whether some site may show the ``low_rank`` report but not the ``high_rank`` one.

    Such a pair may not share an image: the site would carry a picture of the higher item.
    """
    return any(low_rank <= site < high_rank for site in site_ranks)
