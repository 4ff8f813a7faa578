"""Commands write only in a newsroom, and a closed output pipe ends them quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.newsroom import report_text

from bulletin.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_not_a_newsroom_writes_nothing(tmp_path, capsys):
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "passwd").write_text("root:x:0:0\n", encoding="utf-8")
    for argv in (["check"], ["build"], ["scores", "--period", "2026-03"], ["verify"],
                 ["new", "--unit", "nyj", "--title", "标题"], ["issue", "--series", "zwxx"]):
        assert main(["--root", str(folder), *argv]) == 1
        err = capsys.readouterr().err
        assert err == (f"bulletin: 这里不是新闻室：{folder} 中既没有 units.yaml 也没有 content/；"
                       "请用 --root 指向新闻室目录，或先从示例新闻室复制一份（见 README.md）\n")
    assert sorted(p.name for p in folder.rglob("*")) == ["passwd"]  # no build/.cache, no content/


def test_a_folder_with_units_yaml_is_a_newsroom(newsroom):
    newsroom.remove("content/2026/03/2026-03-nyj-001.md")
    os.rmdir(newsroom.root / "content/2026/03")
    assert main(["--root", str(newsroom.root), "--today", "2026-03-20", "check"]) in (0, 1)
    assert (newsroom.root / "build").is_dir()


def test_closed_pipe_ends_quietly(newsroom):
    for n in range(2, 400):  # enough problems that the JSON outgrows the pipe's buffer
        rid = f"2026-03-nyj-{n:03d}"
        newsroom.write(f"content/2026/03/{rid}.md", report_text(rid, unit="nosuch"))
    command = [sys.executable, "-m", "bulletin", "--root", str(newsroom.root), "--today", "2026-03-20",
               "check", "--format", "json"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}) as process:
        assert process.stdout.readline() == b"{\n"
        process.stdout.close()  # as `| head -1` does
        err = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert err == ""
    assert code == 0  # for the reader's sake: the pipe's reader decided to stop


def test_every_command_ends_quietly_on_a_closed_pipe(newsroom):
    """stdout closed before the command writes: no traceback from any command, exit 0."""
    for rid in (f"2026-03-nyj-{n:03d}" for n in range(2, 60)):
        newsroom.write(f"content/2026/03/{rid}.md", report_text(rid))
    for argv in (["check", "--format", "json"], ["scores", "--period", "2026-03", "--format", "json", "--explain"],
                 ["scores", "--period", "2026-03"], ["instructions", "--format", "json"], ["verify"],
                 ["schema", "report"], ["doctor"], ["new", "--unit", "nyj", "--title", "标题"]):
        command = [sys.executable, "-m", "bulletin", "--root", str(newsroom.root), "--today", "2026-03-20", *argv]
        read_end, write_end = os.pipe()
        os.close(read_end)  # nobody will ever read: every write to stdout fails at once
        with subprocess.Popen(command, stdout=write_end, stderr=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}) as process:
            os.close(write_end)
            err = process.stderr.read().decode()
            code = process.wait(timeout=60)
        assert "Traceback" not in err and "BrokenPipe" not in err, argv
        assert code == 0, (argv, err)


def test_every_listed_command_has_its_module():
    """The command line has no fallback for a missing command module: each one listed must exist."""
    from bulletin.cli import COMMANDS, command_module

    for name in COMMANDS:
        module = command_module(name)
        assert callable(module.add_arguments) and callable(module.run), name
