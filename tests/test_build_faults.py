"""A failed or killed build leaves build/ as it was, and the next build succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bulletin import build
from bulletin.write import RETIRED, STAGING, fresh_staging, swap_in

TODAY = date(2026, 11, 27)


def fake_parts(newsroom, staging: Path, cache: Path, parts, progress) -> build.Built:
    """Stands in for the renderers: one file per part, stamped with a counter."""
    fake_parts.runs += 1
    for part in ("site", "pdf"):
        (staging / part).mkdir()
        (staging / part / "index.html").write_text(f"run {fake_parts.runs}")
    return build.Built(written=["site", "pdf"])


fake_parts.runs = 0


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file as users see it (through the part links), without caches and generations."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        rel = Path(dirpath).relative_to(folder)
        if rel.parts[:1] in ((".gen",), (".cache",)):
            dirnames[:] = []
            continue
        for name in filenames:
            if name not in (".gitignore", ".lock", ".lock.pid"):
                found[(rel / name).as_posix()] = (Path(dirpath) / name).read_bytes()
    return dict(sorted(found.items()))


def test_write_error_leaves_previous_build(newsroom, monkeypatch, capsys):
    monkeypatch.setattr(build, "build_parts", fake_parts)
    assert build.run_build(newsroom.root, TODAY) == 0
    before = snapshot(newsroom.root / "build")
    assert before == {"pdf/index.html": b"run 1", "site/index.html": b"run 1"}

    def failing(newsroom_, staging, cache, parts, progress):
        (staging / "site").mkdir()
        (staging / "site" / "index.html").write_text("half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "build_parts", failing)
    assert build.run_build(newsroom.root, TODAY) == 1
    assert snapshot(newsroom.root / "build") == before
    assert capsys.readouterr().err.splitlines()[-1] == (
        "构建失败：无法写入 文件：磁盘空间已满；请腾出磁盘空间后重试。已有的输出和新闻室文件保持原样")
    monkeypatch.setattr(build, "build_parts", fake_parts)
    assert build.run_build(newsroom.root, TODAY) == 0
    assert snapshot(newsroom.root / "build") == {"pdf/index.html": b"run 2", "site/index.html": b"run 2"}


def test_check_errors_leave_previous_build(newsroom, monkeypatch):
    monkeypatch.setattr(build, "build_parts", fake_parts)
    assert build.run_build(newsroom.root, TODAY) == 0
    before = snapshot(newsroom.root / "build")
    newsroom.report(unit="zzz")
    assert build.run_build(newsroom.root, TODAY) == 1
    assert snapshot(newsroom.root / "build") == before


def test_a_swap_of_an_earlier_version_killed_mid_way_is_recovered(tmp_path):
    build_dir = tmp_path / "build"
    (build_dir / "site").mkdir(parents=True)
    (build_dir / "site" / "old.html").write_text("old")
    staging = fresh_staging(build_dir)
    (staging / "site").mkdir()
    (staging / "site" / "new.html").write_text("new")
    # Simulate a kill right after the old output was retired and before the new one moved in.
    (build_dir / RETIRED).mkdir()
    os.replace(build_dir / "site", build_dir / RETIRED / "site")
    fresh_staging(build_dir)  # the next build starts by recovering
    assert (build_dir / "site" / "old.html").read_text() == "old"
    assert not (build_dir / RETIRED).exists()
    swap_in(build_dir, build_dir / STAGING, ["site"])
    assert (build_dir / "site" / "old.html").read_text() == "old"  # nothing staged: untouched


SLOW_BUILD = """
import sys, time
from datetime import date
from pathlib import Path
from bulletin import build
def slow(newsroom, staging, cache, parts, progress):
    (staging / "site").mkdir()
    (staging / "site" / "index.html").write_text("new")
    print("staged", flush=True)
    time.sleep(60)
    return build.Built(written=["site"])
build.build_parts = slow
sys.exit(build.run_build(Path(sys.argv[1]), date(2026, 11, 27)))
"""


def test_sigkill_mid_build_leaves_previous_build(newsroom):
    site = newsroom.root / "build" / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("old")
    script = newsroom.root.parent / "slow_build.py"
    script.write_text(SLOW_BUILD)
    proc = subprocess.Popen([sys.executable, str(script), str(newsroom.root)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "staged"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert (site / "index.html").read_text() == "old"
    assert (newsroom.root / "build" / STAGING / "site" / "index.html").read_text() == "new"  # half-done work
    started = time.monotonic()
    fresh_staging(newsroom.root / "build")
    assert time.monotonic() - started < 5
    assert (site / "index.html").read_text() == "old" and not (newsroom.root / "build" / STAGING / "site").exists()


def test_build_folder_ignores_itself_in_git(newsroom):
    fresh_staging(newsroom.root / "build")
    assert (newsroom.root / "build" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_a_failing_site_stops_the_pdf_pool_and_ends_the_build(newsroom, monkeypatch, capsys):
    """A site failure while the PDF pool renders ends the build promptly with one line."""
    from helpers.newsroom import ISSUE

    from bulletin.site import SiteBuildError

    for n in (19, 20, 21):
        newsroom.write(f"issues/zwxx/2026/0{n}.yaml", ISSUE.replace("number: 18", f"number: {n}"))

    def broken(*args, **kwargs):
        raise SiteBuildError("mkdocs 构建失败（测试）")

    monkeypatch.setattr("bulletin.site.render_site", broken)
    started = time.monotonic()
    assert build.run_build(newsroom.root, TODAY, quiet=True) == 1
    assert time.monotonic() - started < 60
    assert capsys.readouterr().err.splitlines()[-2:] == ["mkdocs 构建失败（测试）", "构建失败；build/ 保持原样"]
    assert not (newsroom.root / "build" / "site").exists()
