"""Search in a real browser: both sites of the canary newsroom served by a plain static file server.

Debian's chromium, driven by Playwright. Typed Chinese arrives as text input, so a key is
pressed afterwards (End) for the search box to react, as after an input method commits.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from helpers.newsroom import Newsroom
from helpers.site import INTERNAL, INTERNAL_TITLES, NEVER, NEVER_TITLES, SEARCH_WORD, TODAY, XSS_ID, plant
from playwright.sync_api import expect, sync_playwright

from bulletin.check import run_check
from bulletin.site import build_site
from bulletin.site.leakgate import forbidden_strings
from bulletin.views import INTRANET, PUBLIC, site_view

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Every URL a query finds: each of Pagefind's results loaded and kept if its text holds the query,
# as the search page does page by page.
FIND = "async (q) => (await window.bulletinSearch.findAll(q)).map(d => d.url)"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


def serve(folder):
    """A static file server on a free port; returns (base URL, server)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser") / "newsroom"
    plant(Newsroom(root))
    newsroom = run_check(root, TODAY).newsroom
    served, servers = {}, []
    for part, name in (("site", PUBLIC), ("intranet", INTRANET)):
        out = root / "build" / part
        build_site(site_view(newsroom, name), out, root / "build" / ".cache", {}, root=root,
                   forbidden=forbidden_strings(newsroom, name))
        served[part], server = serve(out)
        servers.append(server)
    yield served
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(sites):
    return sites["site"]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _type(page, text):
    box = page.locator("input.bl-search__input")
    box.click()
    page.keyboard.insert_text(text)
    page.keyboard.press("End")


def test_chinese_word_finds_the_one_item_and_opens_it(served, browser):
    page = browser.new_page()
    remote: list[str] = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(served) else None)
    page.goto(served)
    _type(page, SEARCH_WORD)
    results = page.locator(".bl-search__output li.bl-result")
    expect(results).to_have_count(1, timeout=15000)
    expect(page.locator(".bl-search__count")).to_have_text("找到 1 条结果")
    expect(results.first.locator(".bl-result__title")).to_have_text("市农业农村局春耕备耕物资储备充足")
    expect(results.first.locator(".bl-result__meta")).to_have_text("市农业农村局 · 2026年3月9日")
    # the real text, never the pairs; the match marked
    expect(results.first.locator(".bl-result__excerpt")).to_have_text(
        "3月8日，全市春耕备耕工作全面展开，猕猴桃基地完成施肥。PUBLICBODYONE1111参见前期情况。下一步抓好农资供应，咨询电话0571-87052110。")
    expect(results.first.locator("mark")).to_have_text(SEARCH_WORD)
    results.first.locator("a").first.click()
    page.wait_for_url("**/items/2026-03-nyj-001/")
    expect(page.locator("article h1")).to_have_text("市农业农村局春耕备耕物资储备充足")
    assert remote == []  # nothing fetched from anywhere but the local server
    page.close()


def test_a_word_in_no_item_finds_nothing(served, browser):
    page = browser.new_page()
    page.goto(served)
    _type(page, "火星探测")
    expect(page.locator(".bl-search__count")).to_have_text("没有找到符合条件的结果", timeout=15000)
    expect(page.locator("li.bl-result")).to_have_count(0)
    page.close()


def test_search_page_reads_q_and_lists_items_and_issues(served, browser):
    page = browser.new_page()
    page.goto(served + "search/?q=" + quote("春耕备耕"))
    titles = page.locator("#bl-search-page li.bl-result .bl-result__title")
    expect(page.locator("#bl-search-page .bl-search__count")).to_have_text("“春耕备耕”：找到 3 条结果", timeout=15000)
    expect(titles).to_have_count(3)
    assert sorted(titles.all_inner_texts()) == ["《政务信息》2026年第18期", "全市春耕备耕续报：化肥到位率九成",
                                                "市农业农村局春耕备耕物资储备充足"]
    expect(page.locator("#bl-search-page input")).to_have_value("春耕备耕")
    links = page.locator("#bl-search-page li.bl-result a")
    assert sorted(links.evaluate_all("els => els.map(e => new URL(e.href).pathname)")) == [
        "/issues/zwxx/2026/018/", "/items/2026-03-jyj-002/", "/items/2026-03-nyj-001/"]
    page.close()


def test_a_title_is_found_as_text_never_as_markup(served, browser):
    page = browser.new_page()
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    page.goto(served + "search/?q=" + quote("测试"))
    title = page.locator("#bl-search-page li.bl-result .bl-result__title").first
    expect(title).to_have_text("测试<b onmouseover=alert(2)>标题</b>", timeout=15000)
    title.hover()
    assert page.locator("#bl-search-page b").count() == 0 and alerts == []
    assert page.evaluate(FIND, "XSSBODY") == [f"/items/{XSS_ID}/"]
    page.close()


def test_known_items_are_found_by_their_titles(served, browser):
    page = browser.new_page()
    page.goto(served)
    for title, item in (("市农业农村局春耕备耕物资储备充足", "2026-03-nyj-001"), ("全市春耕备耕续报：化肥到位率九成", "2026-03-jyj-002")):
        assert f"/items/{item}/" in page.evaluate(FIND, title)[:10]
    page.close()


CANARIES = [*INTERNAL, *NEVER, *INTERNAL_TITLES, *NEVER_TITLES]


def test_public_search_finds_no_canary_of_a_non_public_item(sites, browser):
    """Planted in internal, classified, draft, unpublished and rejected items: the public site's
    search finds none of them; the intranet's finds the internal ones (so the query works)."""
    page = browser.new_page()
    page.goto(sites["site"])
    assert {c: page.evaluate(FIND, c) for c in CANARIES} == {c: [] for c in CANARIES}
    page.goto(sites["intranet"])
    found = {c: page.evaluate(FIND, c) for c in [*INTERNAL, *INTERNAL_TITLES, *NEVER, *NEVER_TITLES]}
    assert found == {**{c: [f"/items/{i}/"] for c, i in INTERNAL.items()}, INTERNAL_TITLES[0]: ["/items/2026-03-nyj-003/", "/issues/zwxx/2026/018/"],
                     **{c: [] for c in [*NEVER, *NEVER_TITLES]}}
    page.close()


def test_pages_load_no_index_and_need_no_internet(served, browser):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in ("", "issues/zwxx/2026/018/", "items/2026-03-nyj-001/", "tags/"):
        page.goto(served + path)
        page.wait_for_load_state("networkidle")
    assert [u for u in requests if not u.startswith(served)] == []
    assert [u for u in requests if "/pagefind/" in u] == []  # nothing of the index until a query
    page.close()


SPLITS = ["信访工作", "营商环境持续优化", "5G网络建设，PM2.5下降。", "一", "哈哈哈哈", "使用 5G 网络", "第一、二条",
          "ＡＢＣ：全角，半角", "𠀀𠀁中", "", "行\n行"]


def test_the_browser_splits_and_joins_as_python_does(served, browser):
    from bulletin.site import pairs

    page = browser.new_page()
    page.goto(served)
    got = page.evaluate("texts => texts.map(t => [bulletinSearch.split(t), bulletinSearch.join(bulletinSearch.split(t)),"
                        " bulletinSearch.queryTerms(t)])", SPLITS)
    assert got == [[pairs.split(t), pairs.join(pairs.split(t)), pairs.query_terms(t)] for t in SPLITS]
    page.close()


def test_a_site_with_no_item_has_no_index_and_finds_nothing(tmp_path, browser):
    root = tmp_path / "newsroom"
    Newsroom(root)
    newsroom = run_check(root, TODAY).newsroom
    view = site_view(newsroom, PUBLIC)
    assert view.items == {} and view.issues == []
    out = root / "build" / "site"
    build_site(view, out, root / "build" / ".cache", {}, root=root)
    assert not (out / "pagefind").exists()
    base, server = serve(out)
    try:
        page = browser.new_page()
        page.goto(base)
        _type(page, SEARCH_WORD)
        expect(page.locator(".bl-search__count")).to_have_text("没有找到符合条件的结果", timeout=15000)
        page.close()
    finally:
        server.shutdown()
        server.server_close()


def test_the_header_box_offers_all_results_only_when_there_are_more(served, browser):
    page = browser.new_page()
    page.goto(served)
    _type(page, "春耕备耕")
    expect(page.locator(".bl-search__count")).to_have_text("找到 3 条结果", timeout=15000)
    expect(page.locator(".bl-search__output li.bl-result")).to_have_count(3)
    expect(page.locator(".bl-search__all")).to_be_hidden()
    page.click("main")  # a click elsewhere closes the results
    expect(page.locator(".bl-search__output")).to_be_hidden()
    page.close()
