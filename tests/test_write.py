"""Swapping outputs in: killed at any rename, or refused by the disk, each part stays whole."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bulletin import write
from bulletin.write import GENERATIONS, STAGING, fresh_staging, recover, swap_in

PARTS = ["site", "pdf", "intranet"]

# Runs swap_in in a child that SIGKILLs itself at its Nth rename (os.replace or os.rename).
KILL_AT = """
import os, signal, sys
from pathlib import Path
from bulletin.write import swap_in
PARTS = ["site", "pdf", "intranet"]
limit, calls = int(sys.argv[2]), [0]
def killing(real):
    def rename(*args, **kwargs):
        calls[0] += 1
        if calls[0] == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return rename
os.replace, os.rename = killing(os.replace), killing(os.rename)
build = Path(sys.argv[1])
swap_in(build, build / ".staging", PARTS)
"""


def outputs(build: Path, run: str) -> None:
    """Stage a complete output for each part: three files stamped with ``run``."""
    for part in PARTS:
        for name in ("index.html", "a/page.html", "b/c/search.json"):
            path = build / STAGING / part / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{part} {run}")


def seen(build: Path, part: str) -> dict[str, str] | None:
    """What a reader of ``build/<part>`` sees, or None when it is absent."""
    root = build / part
    if not root.exists():
        return None
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}


def whole(run: str, part: str) -> dict[str, str]:
    return {name: f"{part} {run}" for name in ("index.html", "a/page.html", "b/c/search.json")}


def leftovers(build: Path) -> list[str]:
    gens = sorted(os.listdir(build / GENERATIONS)) if (build / GENERATIONS).exists() else []
    live = sorted(os.readlink(build / p).split("/")[-1] for p in PARTS if (build / p).is_symlink())
    stray = [n for n in os.listdir(build) if n.startswith(".") and n not in (GENERATIONS, ".gitignore")]
    return stray + [g for g in gens if g not in live]


def previous_build(build: Path, legacy: bool) -> None:
    """A finished earlier build: generations, or plain folders as written before them."""
    if legacy:
        for part in PARTS:
            for name, text in whole("old", part).items():
                (build / part / name).parent.mkdir(parents=True, exist_ok=True)
                (build / part / name).write_text(text)
    else:
        fresh_staging(build)
        outputs(build, "old")
        swap_in(build, build / STAGING, PARTS)
    fresh_staging(build)
    outputs(build, "new")


def kill_at(build: Path, n: int) -> int:
    env = {**os.environ, "PYTHONPATH": str(Path(write.__file__).parents[1])}
    return subprocess.run([sys.executable, "-c", KILL_AT, str(build), str(n)], env=env).returncode


@pytest.mark.parametrize("legacy", [False, True], ids=["generations", "plain-folders"])
def test_sigkill_at_every_rename_of_the_swap_leaves_each_part_whole(tmp_path, legacy):
    n, finished = 0, False
    while not finished:
        n += 1
        assert n < 40, "the swap never finished"
        build = tmp_path / f"kill-{n}" / "build"
        build.mkdir(parents=True)
        previous_build(build, legacy)
        code = kill_at(build, n)
        finished = code == 0
        assert code in (0, -9)
        for part in PARTS:
            now = seen(build, part)
            # At any moment each part is whole, old or new; only the one-time move of a plain
            # folder into its generation leaves it absent, until recovery links it back.
            assert now in (whole("old", part), whole("new", part)) or (legacy and now is None), (n, part, now)
        recover(build)
        for part in PARTS:
            assert seen(build, part) in (whole("old", part), whole("new", part)), (n, part)
            assert (build / part).is_symlink() or legacy
        assert leftovers(build) == []
    assert n > 2 * len(PARTS)  # every staged part, every link, every retired generation was a kill point
    assert all(seen(build, part) == whole("new", part) for part in PARTS)


def test_a_failed_switch_puts_every_part_back(tmp_path, monkeypatch):
    build = tmp_path / "build"
    build.mkdir()
    previous_build(build, legacy=False)
    calls, real = [0], os.symlink

    def full_disk(*args, **kwargs):
        calls[0] += 1
        if calls[0] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(os, "symlink", full_disk)
    with pytest.raises(OSError):
        swap_in(build, build / STAGING, PARTS)
    assert [seen(build, p) for p in PARTS] == [whole("old", p) for p in PARTS]
    assert leftovers(build) == []


def test_a_first_build_killed_before_its_links_leaves_nothing_half(tmp_path):
    build = tmp_path / "build"
    fresh_staging(build)
    outputs(build, "new")
    assert kill_at(build, 2) == -9  # the first part is a generation, no link yet
    assert [seen(build, p) for p in PARTS] == [None, None, None]
    recover(build)
    assert [seen(build, p) for p in PARTS] == [None, None, None]
    assert leftovers(build) == [] and os.listdir(build / GENERATIONS) == []


def test_write_failure_names_the_file_and_the_cause(tmp_path):
    exc = OSError(errno.EROFS, "Read-only file system", str(tmp_path / "build" / ".staging"))
    assert write.write_failure(exc, tmp_path) == (
        "无法写入 build/.staging：文件系统是只读的；请换到可写的位置或重新挂载为可写后重试。已有的输出和新闻室文件保持原样")
