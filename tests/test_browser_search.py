"""Chinese search in a real browser: the public site served by a plain static file server.

Debian's chromium, driven by Playwright. Typed Chinese arrives as text input, so a key is
pressed afterwards (End) for the search box to react, as after an input method commits.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers.newsroom import Newsroom
from helpers.site import SEARCH_WORD, TODAY, plant
from playwright.sync_api import expect, sync_playwright

from bulletin.check import run_check
from bulletin.site import build_site
from bulletin.views import PUBLIC, site_view

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser") / "newsroom"
    plant(Newsroom(root))
    result = run_check(root, TODAY)
    out = root / "build" / "site"
    build_site(site_view(result.newsroom, PUBLIC), out, root / "build" / ".cache", {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def test_chinese_word_finds_the_one_item_and_opens_it(served, browser):
    page = browser.new_page()
    remote: list[str] = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(served) else None)
    page.goto(served)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.focus()
    page.keyboard.insert_text(SEARCH_WORD)
    page.keyboard.press("End")
    results = page.locator("li.md-search-result__item")
    expect(results).to_have_count(1, timeout=15000)
    expect(results.first).to_contain_text("市农业农村局春耕备耕物资储备充足")
    results.first.locator("a").first.click()
    page.wait_for_url("**/items/2026-03-nyj-001/**")
    expect(page.locator("article h1")).to_have_text("市农业农村局春耕备耕物资储备充足")
    assert remote == []  # nothing fetched from anywhere but the local server
    page.close()


def test_a_word_in_no_item_finds_nothing(served, browser):
    page = browser.new_page()
    page.goto(served)
    page.locator("input.md-search__input").focus()
    page.keyboard.insert_text("火星探测")
    page.keyboard.press("End")
    expect(page.locator(".md-search-result__meta")).to_have_text("没有找到符合条件的结果", timeout=15000)
    expect(page.locator("li.md-search-result__item")).to_have_count(0)
    page.close()


def test_served_pages_need_no_internet(served, browser):
    page = browser.new_page()
    remote: list[str] = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(served) else None)
    for path in ("", "issues/zwxx/2026/018/", "items/2026-03-nyj-001/", "tags/"):
        page.goto(served + path)
        page.wait_for_load_state("networkidle")
    assert remote == []
    page.close()

