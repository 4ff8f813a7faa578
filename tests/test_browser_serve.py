"""``bulletin serve`` in a real browser: an open preview page reloads itself after an edit.

Debian's chromium, driven by Playwright, as in test_browser_search.py. The server runs in a
subprocess on a free port and is always killed in a finally.
"""

from __future__ import annotations

from helpers.newsroom import Newsroom, report_text
from playwright.sync_api import expect, sync_playwright
from test_serve import ITEM, TITLE, free_port, start, stop, wait_for

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_an_open_preview_page_shows_the_edit_by_itself(tmp_path):
    newsroom = Newsroom(tmp_path / "newsroom")
    port = free_port()
    server = start(newsroom.root, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(port, ITEM, TITLE, 90)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            remote: list[str] = []
            page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(base) else None)
            page.goto(base + ITEM)
            expect(page.locator("article h1")).to_have_text(TITLE)
            expect(page.locator(".bl-preview")).to_have_text("预览")
            newsroom.write("content/2026/03/2026-03-nyj-001.md", report_text(title="春耕物资储备预览刷新"))
            expect(page.locator("article h1")).to_have_text("春耕物资储备预览刷新", timeout=30000)  # no goto
            newsroom.write("units.yaml", "units: 5\n")
            expect(page.locator("#bl-preview-problems")).to_contain_text("units.yaml:1: error[E102]", timeout=30000)
            assert remote == []  # the reload script asks the local server only
            browser.close()
    finally:
        stop(server)
