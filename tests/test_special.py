"""Special files (FIFOs, devices, sockets, links to them): one E010 line, never a blocking read."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.newsroom import report_text

from bulletin.errors import SpecialFile
from bulletin.fingerprint import assets_digest
from bulletin.mkdocs_yml import read_mkdocs
from bulletin.special import read_regular

ROOT = Path(__file__).resolve().parent.parent
LINE = "这个文件{via}{kind}，不是普通文件，读取它会卡住或耗尽内存；请删除它，放入普通文件"


def check(newsroom) -> tuple[subprocess.CompletedProcess, float]:
    """``bulletin check`` in a real process: a blocking read would hang it, and the timeout says so."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bulletin", "--root", str(newsroom.root), "--today", "2026-03-20",
                           "check"], capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return done, time.monotonic() - started


def errors(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stdout.splitlines() if ": error[" in line]


@pytest.mark.parametrize("rel", ["content/2026/03/2026-03-nyj-002.md", "content/2026/03/图.png", "units.yaml",
                                 "issues/zwxx/2026/019.yaml", "mkdocs.yml", "fonts/仿宋.ttf"])
def test_fifo_anywhere_read_is_one_line(newsroom, rel):
    path = newsroom.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    done, seconds = check(newsroom)
    assert seconds < 30
    assert done.returncode == 1
    kind = LINE.format(via="是", kind="命名管道（FIFO）")
    wanted = [f"{rel}:1: error[E010]: {kind}"]
    if rel == "units.yaml":  # without units, the report's unit is unknown too
        assert wanted[0] in errors(done)
    else:
        assert errors(done) == wanted


def test_link_to_dev_zero_is_one_line(newsroom):
    (newsroom.root / "content/2026/03/2026-03-nyj-002.md").symlink_to("/dev/zero")
    (newsroom.root / "content/2026/03/零.png").symlink_to("/dev/zero")
    done, seconds = check(newsroom)
    assert seconds < 30
    kind = LINE.format(via="指向", kind="字符设备")
    assert errors(done) == [f"content/2026/03/2026-03-nyj-002.md:1: error[E010]: {kind}",
                            f"content/2026/03/零.png:1: error[E010]: {kind}"]


def test_socket_is_one_line(newsroom, tmp_path):
    path = newsroom.root / "content/2026/03/s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        done, _ = check(newsroom)
    finally:
        server.close()
    assert errors(done) == [f"content/2026/03/s.sock:1: error[E010]: {LINE.format(via='是', kind='套接字')}"]


def test_readers_never_block_or_read_a_device(newsroom):
    os.mkfifo(newsroom.root / "content/2026/03/管道.png")
    (newsroom.root / "fonts").mkdir()
    (newsroom.root / "fonts/零.ttf").symlink_to("/dev/zero")
    os.mkfifo(newsroom.root / "mkdocs.yml")
    started = time.monotonic()
    assets_digest(newsroom.root)  # the build's image and font digest
    assert read_mkdocs(newsroom.root) is None  # site name and print settings fall back to defaults
    assert time.monotonic() - started < 2
    with pytest.raises(SpecialFile):
        read_regular(newsroom.root / "fonts/零.ttf")


def test_regular_files_and_folders_still_load(newsroom):
    newsroom.write("content/2026/03/2026-03-nyj-002.md", report_text("2026-03-nyj-002"))
    (newsroom.root / "content/2026/03/2026-03-nyj-003.md").mkdir()
    done, _ = check(newsroom)
    assert errors(done) == ["content/2026/03/2026-03-nyj-003.md:1: error[E001]: 这里应是文件，实际是文件夹；请把文件夹改名或移走"]
