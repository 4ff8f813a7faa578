"""Chinese recall and precision of the public site's search, measured in Chromium.

On a generated newsroom (``search_corpus``: the bench generator's year at 4,000 reports, ≈ 480
public items): for each term, the items and issues whose text holds it (title, units, date,
category, tags, body; case ignored) against what the browser's search finds. Pagefind's own
Chinese (jieba at build, Intl.Segmenter in the browser) gave 0.01–0.08 recall on 信访, 招商引资,
营商环境, 一网通办; the overlapping pairs must give at least 0.99 for every term.
"""

from __future__ import annotations

import pytest
import search_corpus
from playwright.sync_api import sync_playwright
from test_browser_search import ARGS, CHROMIUM, FIND, serve

from bulletin.check import run_check
from bulletin.site import build_site
from bulletin.site.search import records
from bulletin.views import PUBLIC, site_view

TERMS = ["信访", "招商引资", "高质量发展", "营商环境", "一网通办", "专项债", "秸秆禁烧", "防汛", "安全生产", "乡村振兴",
         "春耕",   # a 2-character word inside sentences
         "5G",     # a Latin token, written against hanzi (依托5G网络)
         "73519"]  # a number, also against hanzi (累计受理群众诉求73519件)
LEAST = 0.99


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    root = search_corpus.make(tmp_path_factory.mktemp("recall") / "newsroom")
    view = site_view(run_check(root, search_corpus.TODAY).newsroom, PUBLIC)
    out = root / "build" / "site"
    build_site(view, out, root / "build" / ".cache", {}, root=root)
    relevant = {t: {r.url for r in records(view) if t.lower() in r.text.lower()} for t in TERMS}
    base, server = serve(out)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(base)
            found = {t: set(page.evaluate(FIND, t)) for t in TERMS}
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return relevant, found


@pytest.mark.parametrize("term", TERMS)
def test_recall_and_precision(measured, term):
    relevant, found = measured
    assert len(relevant[term]) >= 5  # the corpus holds the term: a measure, not a vacuous pass
    hits = len(relevant[term] & found[term])
    recall = hits / len(relevant[term])
    precision = hits / len(found[term]) if found[term] else 0.0
    assert (recall >= LEAST, precision >= LEAST) == (True, True), (term, recall, precision,
                                                                   sorted(relevant[term] ^ found[term])[:5])
