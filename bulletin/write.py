"""Write: outputs appear whole or not at all.

A build writes into a staging folder inside ``build/``; only when every part succeeded are the
finished folders swapped in. A failed or killed build leaves the previous outputs as they were.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

STAGING = ".staging"


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()  # mkstemp makes 0600 files; outputs must be readable like any other file
RETIRED = ".retired"


def ensure_build_dir(build_dir: Path) -> None:
    """Create build/ with a ``.gitignore`` of ``*``: outputs are never committed, even in a
    newsroom whose own .gitignore forgot them."""
    build_dir.mkdir(parents=True, exist_ok=True)
    ignore = build_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# 构建输出，不提交 (bulletin)\n*\n", encoding="utf-8")


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


def recover(build_dir: Path) -> None:
    """Undo the traces of a build killed mid-swap: put back any output that was retired but
    not yet replaced, then drop the leftovers. Without this a kill between two renames would
    lose an output folder."""
    retired = build_dir / RETIRED
    if retired.is_dir():
        for old in retired.iterdir():
            if not (build_dir / old.name).exists():
                os.replace(old, build_dir / old.name)
        shutil.rmtree(retired)
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
    """Replace ``build/<name>`` by ``staging/<name>`` for each finished part."""
    retired = build_dir / RETIRED
    retired.mkdir(exist_ok=True)
    for name in names:
        new, current = staging / name, build_dir / name
        if not new.exists():
            continue
        if current.exists():
            os.replace(current, retired / name)
        os.replace(new, current)
    shutil.rmtree(retired, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
