"""Write: outputs appear whole or not at all, even when the process is killed mid-swap.

A build writes into a staging folder inside ``build/``; only when every part succeeded are the
finished folders swapped in. Each part the user sees (``build/site``, ``build/intranet``,
``build/pdf``, ``build/notices``) is a symlink to a generation folder ``build/.gen/<part>-<n>``;
a swap moves the staged folder to a new generation and then replaces the symlink with one
``rename`` — the only atomic step POSIX offers for replacing a whole folder. At every moment each
part resolves to a complete set of outputs, previous or new; a killed build leaves only
leftovers (staging, unreferenced generations, temporary links) that :func:`recover` removes.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from pathlib import Path

STAGING = ".staging"
GENERATIONS = ".gen"
TRASH = ".trash-"  # a generation being deleted: renamed first, so it is never taken for an output
LEGACY = "-legacy"  # a part folder from before generations, kept as the previous output
RETIRED = ".retired"  # the swap of earlier versions: recovered once, then never written


_REASONS = {
    errno.ENOSPC: ("磁盘空间已满", "腾出磁盘空间"),
    errno.EDQUOT: ("超出磁盘配额", "腾出磁盘空间"),
    errno.EROFS: ("文件系统是只读的", "换到可写的位置或重新挂载为可写"),
    errno.EACCES: ("没有写入权限", "检查该目录的权限"),
    errno.EPERM: ("没有写入权限", "检查该目录的权限"),
}
WRITE_ERRORS = frozenset(_REASONS)


def write_failure(exc: OSError, root: Path | None = None) -> str:
    """One Chinese line for a write that the file system refused (disk full, read-only, denied)."""
    reason, fix = _REASONS.get(exc.errno or 0, (exc.strerror or "写入失败", "检查磁盘和权限"))
    where = str(exc.filename) if exc.filename else "文件"
    if root is not None and exc.filename:
        try:
            where = Path(exc.filename).resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return f"无法写入 {where}：{reason}；请{fix}后重试。已有的输出和新闻室文件保持原样"


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()  # mkstemp makes 0600 files; outputs must be readable like any other file


def ensure_build_dir(build_dir: Path) -> None:
    """Create build/ with a ``.gitignore`` of ``*``: outputs are never committed, even in a
    newsroom whose own .gitignore forgot them."""
    build_dir.mkdir(parents=True, exist_ok=True)
    ignore = build_dir / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, "# 构建输出，不提交 (bulletin)\n*\n")


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write a file through a temporary sibling and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _target(build_dir: Path, name: str) -> str | None:
    """The generation ``build/<name>`` points to, or None (absent, or not one of ours)."""
    try:
        target = os.readlink(build_dir / name)
    except OSError:
        return None
    prefix = GENERATIONS + "/"
    return target[len(prefix):] if target.startswith(prefix) and "/" not in target[len(prefix):] else None


def _link_name(name: str) -> str:
    return f".{name}.link"


def _point(build_dir: Path, name: str, generation: str) -> None:
    """Make ``build/<name>`` point to ``.gen/<generation>`` in one rename."""
    link = build_dir / _link_name(name)
    link.unlink(missing_ok=True)
    os.symlink(f"{GENERATIONS}/{generation}", link, target_is_directory=True)
    os.replace(link, build_dir / name)


def _new_generation(name: str) -> str:
    return f"{name}-{time.time_ns():x}"


def _adopt_legacy(build_dir: Path, name: str) -> None:
    """A real folder ``build/<name>`` (written before generations) becomes the previous generation.

    The only step that leaves ``build/<name>`` absent for a moment: recover links it back.
    """
    current = build_dir / name
    if current.is_dir() and not current.is_symlink():
        os.replace(current, build_dir / GENERATIONS / f"{name}{LEGACY}")


def _parts(build_dir: Path) -> set[str]:
    """Part names that have generations (a part's generations are ``<name>-<hex>``)."""
    gens = build_dir / GENERATIONS
    names = os.listdir(gens) if gens.is_dir() else []
    return {g.rsplit("-", 1)[0] for g in names if not g.startswith(TRASH) and "-" in g}


def _collect(build_dir: Path) -> None:
    """Delete generations no part points to, renamed to trash first (never half a generation)."""
    gens = build_dir / GENERATIONS
    if not gens.is_dir():
        return
    live = {_target(build_dir, name) for name in _parts(build_dir)}
    try:
        for generation in os.listdir(gens):
            if generation in live:
                continue
            path = gens / generation
            if not generation.startswith(TRASH):
                trashed = gens / f"{TRASH}{generation}"
                os.replace(path, trashed)
                path = trashed
            shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass  # leftovers only: the next build's recovery removes them


def recover(build_dir: Path) -> None:
    """Undo the traces of a build killed at any point: a part whose folder was being turned into
    a generation gets its previous output back; staging, temporary links and unreferenced
    generations go. Runs at the start of every build (under the writer lock)."""
    retired = build_dir / RETIRED
    if retired.is_dir():  # a swap of an earlier version, killed between its two renames
        for old in retired.iterdir():
            if not os.path.lexists(build_dir / old.name):
                os.replace(old, build_dir / old.name)
        shutil.rmtree(retired)
    gens = build_dir / GENERATIONS
    for name in sorted(_parts(build_dir)):
        if not os.path.lexists(build_dir / name) and (gens / f"{name}{LEGACY}").is_dir():
            _point(build_dir, name, f"{name}{LEGACY}")
        (build_dir / _link_name(name)).unlink(missing_ok=True)
    _collect(build_dir)
    staging = build_dir / STAGING
    if staging.exists():
        shutil.rmtree(staging)


def fresh_staging(build_dir: Path) -> Path:
    """An empty staging folder; leftovers of a killed build are recovered or removed first."""
    ensure_build_dir(build_dir)
    recover(build_dir)
    staging = build_dir / STAGING
    staging.mkdir(parents=True)
    return staging


def swap_in(build_dir: Path, staging: Path, names: list[str]) -> None:
    """Replace ``build/<name>`` by ``staging/<name>`` for each finished part.

    First every staged part becomes a generation (renames inside build/, which a kill or a full
    disk leaves as mere leftovers); then each link is switched. Should a switch fail, the links
    already switched are put back, so the outputs are the previous ones, all of them.
    """
    gens = build_dir / GENERATIONS
    gens.mkdir(exist_ok=True)
    ready: list[tuple[str, str]] = []
    for name in names:
        if (staging / name).exists():
            generation = _new_generation(name)
            os.replace(staging / name, gens / generation)
            ready.append((name, generation))
    switched: list[tuple[str, str | None]] = []
    try:
        for name, generation in ready:
            _adopt_legacy(build_dir, name)
            previous = _target(build_dir, name) or (f"{name}{LEGACY}" if (gens / f"{name}{LEGACY}").is_dir() else None)
            switched.append((name, previous))
            _point(build_dir, name, generation)
    except OSError:
        for name, previous in reversed(switched):
            if previous is not None:
                _point(build_dir, name, previous)
            else:
                (build_dir / name).unlink(missing_ok=True)
        raise
    finally:
        _collect(build_dir)
        shutil.rmtree(staging, ignore_errors=True)
