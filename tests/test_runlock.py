"""One writer at a time, and writes the file system refuses: tested with real processes."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

from helpers.newsroom import ISSUE
from helpers.workflow import run_cli

from bulletin import write

# A build that holds the lock: stages its site, says so, then sleeps argv[2] seconds.
HOLDING_BUILD = """
import sys, time
from bulletin import build, cli
def slow(newsroom, staging, cache, parts, progress):
    (staging / "site").mkdir()
    (staging / "site" / "index.html").write_text("first")
    print("staged", flush=True)
    time.sleep(float(sys.argv[2]))
    return build.Built(written=["site"], digests={"site": "x"})
build.build_parts = slow
sys.exit(cli.main(["--root", sys.argv[1], "--today", "2026-03-12", "build"]))
"""

ENV = {**os.environ, "PYTHONPATH": str(Path(write.__file__).parents[1])}


def holder(root: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDING_BUILD, str(root), str(seconds)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "staged"
    return proc


def bulletin(root: Path, *args: str, wait: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bulletin", "--root", str(root), "--today", "2026-03-12", *args],
                          env={**ENV, "BULLETIN_LOCK_WAIT": wait}, capture_output=True, text=True, timeout=120)


def test_a_second_writer_waits_then_gives_up_naming_the_holder(newsroom):
    first = holder(newsroom.root, 60)
    try:
        for args in (["build"], ["publish", "issues/zwxx/2026/018.yaml"], ["new", "--unit", "nyj", "--title", "测试"],
                     ["withdraw", "content/2026/03/2026-03-nyj-001.md", "--reason", "测试"], ["move-classified"]):
            second = bulletin(newsroom.root, *args, wait="0.3")
            assert second.returncode == 1
            assert second.stderr.splitlines() == [
                f"另一个 bulletin 命令正在运行（PID {first.pid}），等待它结束（最多 0.3 秒）……",
                f"bulletin: 另一个 bulletin 命令正在运行（PID {first.pid}）；请等它结束后再试",
            ]
        assert "lock" not in (newsroom.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
        assert not (newsroom.root / "build" / "site").exists()  # the first build's staging is untouched
        assert (newsroom.root / "build" / ".staging" / "site" / "index.html").read_text() == "first"
    finally:
        first.kill()
        first.wait(timeout=10)
    # The kernel releases a killed holder's lock; the next writer recovers build/ and runs.
    after = bulletin(newsroom.root, "publish", "issues/zwxx/2026/018.yaml", wait="0")
    assert after.returncode == 0, after.stderr
    assert not (newsroom.root / "build" / ".staging").exists()


def test_a_second_writer_waits_for_the_first_to_finish(newsroom):
    first = holder(newsroom.root, 3)
    waiting = subprocess.Popen([sys.executable, "-m", "bulletin", "--root", str(newsroom.root), "--today", "2026-03-12",
                                "publish", "issues/zwxx/2026/018.yaml"], env={**ENV, "BULLETIN_LOCK_WAIT": "60"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader = bulletin(newsroom.root, "check", wait="0")
    assert reader.returncode == 0 and first.poll() is None  # readers do not wait
    assert waiting.wait(timeout=60) == 0
    assert first.wait(timeout=10) == 0
    err = waiting.stderr.read().splitlines()
    assert err[0] == f"另一个 bulletin 命令正在运行（PID {first.pid}），等待它结束（最多 60 秒）……"
    assert err[1].startswith("已发布 政务信息2026年第18期")
    assert (newsroom.root / "build" / "site" / "index.html").read_text() == "first"


def _refuse(monkeypatch, code: int, target: str) -> None:
    """Make every write to a path containing ``target`` fail as the file system would."""
    real = os.replace

    def refused(src, dst, *args, **kwargs):
        if target in str(dst):
            raise OSError(code, os.strerror(code), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refused)


def test_publish_on_a_full_disk_leaves_the_issue_file_as_it_was(newsroom, monkeypatch):
    before = (newsroom.root / "issues/zwxx/2026/018.yaml").read_bytes()
    _refuse(monkeypatch, errno.ENOSPC, "018.yaml")
    result = run_cli(newsroom.root, "publish", "issues/zwxx/2026/018.yaml")
    assert result.code == 1
    assert result.err.splitlines()[-1] == (
        "bulletin: 无法写入 issues/zwxx/2026/018.yaml：磁盘空间已满；请腾出磁盘空间后重试。已有的输出和新闻室文件保持原样")
    assert (newsroom.root / "issues/zwxx/2026/018.yaml").read_bytes() == before
    assert sorted(p.name for p in (newsroom.root / "issues/zwxx/2026").iterdir()) == ["018.yaml"]


def test_a_read_only_build_folder_gives_one_line(newsroom, monkeypatch):
    real = os.mkdir

    def read_only(path, *args, **kwargs):
        if Path(path).name == "build":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only)
    for args in (["build"], ["publish", "issues/zwxx/2026/018.yaml"]):
        result = run_cli(newsroom.root, *args)
        assert result.code == 1
        assert result.err.splitlines() == [
            "bulletin: 无法写入 build：文件系统是只读的；请换到可写的位置或重新挂载为可写后重试。已有的输出和新闻室文件保持原样"]
    assert ISSUE.encode() == (newsroom.root / "issues/zwxx/2026/018.yaml").read_bytes()


def test_permission_denied_mid_build_keeps_the_previous_outputs(newsroom, monkeypatch):
    from test_build_faults import fake_parts, snapshot

    from bulletin import build

    monkeypatch.setattr(build, "build_parts", fake_parts)
    assert run_cli(newsroom.root, "build").code == 0
    before = snapshot(newsroom.root / "build")
    _refuse(monkeypatch, errno.EACCES, "/.gen/")
    result = run_cli(newsroom.root, "build")
    assert result.code == 1
    assert result.err.splitlines()[-1].startswith("构建失败：无法写入 build/.gen/")
    assert result.err.splitlines()[-1].endswith("：没有写入权限；请检查该目录的权限后重试。已有的输出和新闻室文件保持原样")
    assert snapshot(newsroom.root / "build") == before
    assert not (newsroom.root / "build" / ".staging").exists()
