"""``bulletin serve``: the preview of the sites as after publish, rebuilt on an edit (issue 17).

One server process per test module, on a free port, always killed in a finally. The newsroom's
one issue is a draft: its item is on no published site, only on the preview.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from helpers.newsroom import Newsroom, report_text

from bulletin.commands.serve_cmd import Preview, State, Superseded, decorate

ITEM = "/items/2026-03-nyj-001/"
TITLE = "市农业农村局春耕备耕物资储备充足"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_bytes(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def fetch(port: int, path: str) -> tuple[int, str]:
    status, body = fetch_bytes(port, path)
    return status, body.decode("utf-8")


def wait_for(port: int, path: str, text: str, seconds: float, without: str | None = None) -> tuple[str, float]:
    """The page once it holds ``text`` (and not ``without``), and how long that took."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        try:
            status, page = fetch(port, path)
        except OSError:
            status, page = 0, ""
        if status == 200 and text in page and (without is None or without not in page):
            return page, time.perf_counter() - started
        time.sleep(0.1)
    raise AssertionError(f"{path} did not show {text!r} within {seconds} s")


def start(root: Path, port: int) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}
    # Its own process group, as a terminal's foreground job: Ctrl-C reaches the PDF workers too,
    # and stop() kills every process of it (a worker left alive would hold the output pipes open).
    return subprocess.Popen([sys.executable, "-m", "bulletin", "serve", "--port", str(port), "--root", str(root),
                             "--today", "2026-04-01"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                            start_new_session=True)


def stop(server: subprocess.Popen) -> None:
    """Kill the server's whole process group (if anything of it is left), then reap it."""
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if server.returncode is None:  # not reaped yet (a test that stopped it itself has read its output)
        server.communicate(timeout=30)


def test_serve_previews_a_draft_and_follows_an_edit(tmp_path):
    newsroom = Newsroom(tmp_path / "newsroom")
    # What `bulletin build` made earlier: serve must leave it exactly as it was.
    newsroom.write("build/site/index.html", "旧的公众网站\n")
    newsroom.write("build/intranet/index.html", "旧的内网网站\n")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (newsroom.root / "build").rglob("*") if p.is_file()}
    port = free_port()
    server = start(newsroom.root, port)
    try:
        page, _took = wait_for(port, ITEM, TITLE, 90)
        assert '<strong class="bl-preview">预览</strong>' in page  # the banner, on the public preview
        assert "公众网站发布后将是这个样子" in page
        assert "/__bulletin__/reload?epoch=" in page  # open pages reload after a rebuild
        intranet, _ = wait_for(port, "/intranet" + ITEM, TITLE, 30)
        assert "内网网站：内部资料" in intranet and "李明" in intranet  # the intranet preview, with its author
        assert "李明" not in page
        wait_for(port, "/pdf/", "zwxx/2026/018.pdf", 90)
        status, pdf = fetch_bytes(port, "/pdf/zwxx/2026/018.pdf")
        assert status == 200 and pdf.startswith(b"%PDF-")
        assert fetch(port, "/%2e%2e/%2e%2e/units.yaml")[0] == 404  # nothing outside build/preview

        newsroom.write("content/2026/03/2026-03-nyj-001.md", report_text(title="市农业农村局春耕物资储备再创新高"))
        page, took = wait_for(port, ITEM, "市农业农村局春耕物资储备再创新高", 30)
        assert TITLE not in page

        newsroom.write("units.yaml", "units: 5\n")  # a check error: shown on the page, the server keeps going
        page, _ = wait_for(port, ITEM, 'id="bl-preview-problems"', 30)
        assert "units.yaml:1: error[E102]: units 应为列表" in page
        assert "市农业农村局春耕物资储备再创新高" in page  # the last good preview is still served

        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole foreground group
        _out, err = server.communicate(timeout=30)
        assert server.returncode == 0
        assert err.rstrip().endswith("预览已停止")
        assert "Traceback" not in err
    finally:
        stop(server)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (newsroom.root / "build").rglob("*")
             if p.is_file() and "preview" not in p.relative_to(newsroom.root / "build").parts and p.name != ".gitignore"
             and ".cache" not in p.parts}
    assert after == before
    assert not (newsroom.root / "build/preview/.staging").exists()


def test_a_newsroom_with_errors_from_the_start_shows_them_then_its_preview(tmp_path):
    newsroom = Newsroom(tmp_path / "newsroom")
    newsroom.write("units.yaml", "units: 5\n")
    port = free_port()
    server = start(newsroom.root, port)
    try:
        page, _ = wait_for(port, ITEM, 'id="bl-preview-problems"', 60)
        assert "预览尚未生成：正在构建，或新闻室有错误（见下方）。" in page
        assert "units.yaml:1: error[E102]: units 应为列表" in page
        newsroom = Newsroom(tmp_path / "newsroom")  # every file written again, units.yaml correct
        # A rebuild may start while the files are half rewritten (an error for a moment): the last one is clean.
        page, _ = wait_for(port, ITEM, TITLE, 60, without="bl-preview-problems")
        assert "bl-preview-problems" not in page
    finally:
        stop(server)


def test_problems_on_the_page_are_text():
    page = decorate(b"<html><body><p>x</p></body></html>", 3, ["content/a.md:2: error[E101]: <script>alert(1)</script>"])
    text = page.decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert(1)" not in text
    assert text.index('id="bl-preview-problems"') < text.index("</body>")
    assert 'fetch("/__bulletin__/reload?epoch="+e' in text and "var e=3;" in text


def test_a_change_during_a_rebuild_stops_the_intranet_and_pdfs_not_the_public_site(tmp_path):
    """The edit an editor just saved goes to the public preview first; the slow parts start again."""
    preview = Preview(tmp_path, date(2026, 4, 1), None, State(), lambda message: None)
    preview.pending.set()
    for part in ("intranet", "pdf"):
        with pytest.raises(Superseded):
            preview._part(part, None, {})  # before it reads the newsroom at all
    assert not preview.interruptible
    assert not (tmp_path / "build/preview/intranet").exists()
