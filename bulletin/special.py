"""Special files: FIFOs, devices, sockets, and symlinks to them, wherever bulletin reads.

Opening a FIFO for reading waits for a writer that never comes; reading ``/dev/zero`` never
ends and fills the memory; a socket cannot be read at all. So nothing here reads a file before
knowing it is a regular file: ``open`` with ``O_NONBLOCK`` (a FIFO does not block), ``fstat`` on
what was opened, and a size cap before reading (``read_regular`` also ``stat``s first). ``check`` reports each special file under the folders a build reads
as one E010 line, so no build starts with one there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bulletin.errors import SpecialFile
from bulletin.problems import Problem

# Everything a build reads from a newsroom: every file under these folders, and these files.
FOLDERS = ("content", "issues", "fonts", "pages", "assets")
FILES = ("units.yaml", "scoring.yaml", "mkdocs.yml")
READ_CAP = 512 * 1024 * 1024  # far above any image or font; only a sanity bound


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISCHR(mode):
        return "字符设备"
    if stat.S_ISBLK(mode):
        return "块设备"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def special_problem(rel: str, mode: int, linked: bool) -> Problem:
    """The one line for a special file; the loader and the folder scan say it identically."""
    via = "指向" if linked else "是"
    return Problem(rel, 1, "E010", f"这个文件{via}{_kind(mode)}，不是普通文件，读取它会卡住或耗尽内存；"
                                   "请删除它，放入普通文件")


def open_regular(path: str | Path, rel: str = "") -> int:
    """A read-only descriptor of a regular file (or folder), never blocking; raise SpecialFile."""
    return open_looked_at(path, rel)[0]


_OPEN = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC


def open_looked_at(path: str | Path, rel: str = "") -> tuple[int, os.stat_result, bool]:
    """``open_regular``'s descriptor, with the ``fstat`` of what was opened and whether ``path``
    itself is a symbolic link (then the record is its target's, not the path's).

    The path is first opened without following a link: for the plain file every report is, the
    record of what was opened is the path's own, and the loader needs no ``lstat`` of it after
    reading (on a first check that is 9,000 a year). A link fails that open and is opened
    again, followed."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    linked = not nofollow and os.path.islink(path)
    try:
        fd = os.open(path, _OPEN | nofollow)
    except OSError:
        fd = os.open(path, _OPEN)  # a link (ELOOP), or the error this raises again
        linked = True
    record = os.fstat(fd)
    if not (stat.S_ISREG(record.st_mode) or stat.S_ISDIR(record.st_mode)):
        os.close(fd)
        raise SpecialFile(special_problem(rel or str(path), record.st_mode, linked))
    return fd, record, linked


def read_regular(path: str | Path, cap: int = READ_CAP, rel: str = "") -> bytes:
    """The bytes of a regular file, at most ``cap`` (larger raises OSError); never blocks."""
    st = os.stat(path)  # follows links: a link to /dev/zero is a device
    if not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(str(path))
        raise SpecialFile(special_problem(rel or str(path), st.st_mode, os.path.islink(path)))
    fd = open_regular(path, rel)
    with os.fdopen(fd, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > cap:
            raise OSError(f"{path} 超过 {cap} 字节")
        return handle.read(cap + 1)[:cap]


def _scan(root: Path, rel_dir: str, found: list[Problem]) -> None:
    try:
        entries = sorted(os.scandir(root / rel_dir), key=lambda e: e.name)
    except OSError:
        return  # missing or unreadable: the loader says so where it matters
    for entry in entries:
        rel = f"{rel_dir}/{entry.name}"
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan(root, rel, found)
                continue
            if entry.is_file(follow_symlinks=False):
                continue  # the common case: no stat at all
            mode = entry.stat(follow_symlinks=True).st_mode
        except OSError:
            continue  # a dangling or looping link: nothing can be read from it
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            found.append(special_problem(rel, mode, entry.is_symlink()))


def special_file_problems(root: Path) -> list[Problem]:
    """One E010 line per special file under content/, issues/, fonts/ or at a settings path."""
    found: list[Problem] = []
    for folder in FOLDERS:
        _scan(root, folder, found)
    for rel in FOLDERS + FILES:
        try:
            mode = os.stat(root / rel).st_mode
        except OSError:
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            found.append(special_problem(rel, mode, os.path.islink(root / rel)))
    return found
