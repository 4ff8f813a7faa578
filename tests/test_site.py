"""The public and intranet websites built from the canary newsroom: pages, links, escaping, search index.

Both sites are built once per module (mkdocs takes a few seconds).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers.newsroom import Newsroom
from helpers.site import PNG, SEARCH_WORD, TODAY, XSS_ID, fragments, plant

from bulletin.check import run_check
from bulletin.errors import IncompleteBundle, SearchIndexError
from bulletin.site import build_site, pairs, stage_dir
from bulletin.views import INTRANET, PUBLIC, site_view


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site") / "newsroom"
    plant(Newsroom(root))
    result = run_check(root, TODAY)
    assert result.ok, [p.format() for p in result.errors]
    for part, name in (("site", PUBLIC), ("intranet", INTRANET)):
        build_site(site_view(result.newsroom, name), root / "build" / part, root / "build" / ".cache", {})
    return root / "build"


def page(built: Path, part: str, url: str) -> str:
    return (built / part / url / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's own content, without the theme's header, navigation and footer."""
    inner = re.split(r'<div class="bl [^"]*">', html, maxsplit=1)[1].split("</article>", 1)[0]
    return inner.rsplit("</div>", 1)[0]


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def test_public_pages_are_exactly_those_of_public_items_and_issues(built):
    site = built / "site"
    assert sorted(p.name for p in (site / "items").iterdir()) == ["2026-03-jyj-002", "2026-03-nyj-001", XSS_ID]
    issues = sorted(p.relative_to(site / "issues").as_posix() for p in (site / "issues").glob("*/*/*"))
    assert issues == ["zwxx/2026/018", "zwxx/2026/019"]  # 021 holds only an internal item: no page


def test_intranet_pages_add_internal_items_and_every_series(built):
    site = built / "intranet"
    assert sorted(p.name for p in (site / "items").iterdir()) == [
        "2026-03-jyj-002", "2026-03-jyj-012", "2026-03-jyj-013", "2026-03-jyj-014", "2026-03-jyj-015",  # 015: withdrawn
        "2026-03-nyj-001", "2026-03-nyj-003", "2026-03-nyj-004", XSS_ID,
    ]
    issues = sorted(p.relative_to(site / "issues").as_posix() for p in (site / "issues").glob("*/*/*"))
    assert issues == ["ldcy/2026/001", "xxzb/2026/002", "zwxx/2026/018", "zwxx/2026/019", "zwxx/2026/021",
                      "zwxx/2026/022"]


def test_issue_page_lists_items_in_order_with_number_and_date(built):
    body = text_of(article(page(built, "site", "issues/zwxx/2026/018")))
    assert body == ("《政务信息》第18期 江城市人民政府办公室 2026年3月12日 "
                    "市农业农村局春耕备耕物资储备充足 市农业农村局 "
                    "测试<b onmouseover=alert(2)>标题</b> 市农业农村局")
    inner = text_of(article(page(built, "intranet", "issues/zwxx/2026/018")))
    assert inner.index("市农业农村局春耕备耕物资储备充足") < inner.index("内部金丝雀工作情况汇报") \
        < inner.index("缺少密级标注的稿件标题") < inner.index("测试")


def test_issue_page_shows_the_printed_headline(built):
    html = article(page(built, "site", "issues/zwxx/2026/019"))
    assert '<a href="../../../../items/2026-03-jyj-002/">续报：全市化肥到位率达到九成</a>' in html


def test_public_item_page(built):
    html = article(page(built, "site", "items/2026-03-nyj-001"))
    assert text_of(html) == (
        "市农业农村局春耕备耕物资储备充足 报送单位 市农业农村局 报送日期 2026年3月9日 "
        "刊发 《政务信息》第18期 （2026年3月12日） 类别 动态 标签 春耕 农资 "
        f"3月8日，全市春耕备耕工作全面展开，{SEARCH_WORD}基地完成施肥。PUBLICBODYONE1111 参见 前期情况 。 下一步 抓好农资供应，咨询电话0571-87052110。 "
        "续报 全市春耕备耕续报：化肥到位率九成 2026年3月10日 更正说明 2026年3月14日：第二段数字已更正"
    )
    assert '<a href="../../issues/zwxx/2026/018/">《政务信息》第18期</a>' in html
    assert '<a href="../../units/nyj/">市农业农村局</a>' in html
    assert '<a href="../../archive/2026-03/">2026年3月9日</a>' in html
    assert '<a href="../../categories/dynamic/">动态</a>' in html
    assert '<li><a href="../2026-03-jyj-002/">全市春耕备耕续报：化肥到位率九成</a>' in html


def test_images_are_staged_and_links_resolve_only_to_items_the_site_holds(built):
    public = article(page(built, "site", "items/2026-03-nyj-001"))
    assert '<p><img alt="施肥现场" src="../../media/2026/03/images/field.png"></p>' in public
    assert "<p>参见<a>前期情况</a>。</p>" in public  # the internal item is not on the public site
    assert (built / "site" / "media" / "2026" / "03" / "images" / "field.png").read_bytes() == PNG
    intranet = article(page(built, "intranet", "items/2026-03-nyj-001"))
    assert '<p>参见<a href="../2026-03-nyj-003/">前期情况</a>。</p>' in intranet


def test_continuation_links_back(built):
    html = article(page(built, "site", "items/2026-03-jyj-002"))
    assert '<p class="bl-follow" data-search-exclude>本条是<a href="../2026-03-nyj-001/">市农业农村局春耕备耕物资储备充足</a>的续报。</p>' in html


def test_intranet_item_page_adds_author_signoff_instructions_adoptions(built):
    # the follow-up state is the register's (Instruction.state_text): due 03-30, built 04-01
    html = article(page(built, "intranet", "items/2026-03-nyj-001"))
    tail = text_of(html.split('<div class="bl-internal">', 1)[1])
    assert tail == ("内部信息 撰稿 甄撰稿 审签 副局长 甄审签 领导批示 "
                    "甄市长（本级）2026年3月13日：请抓好落实INSTRUCTCANARY1515 "
                    "查办：市农业农村局，限2026年3月30日，逾期 2 天 上级采用 市级：《江城信息》（2026年3月15日）")


def test_public_item_page_has_no_internal_section(built):
    for item in ("2026-03-nyj-001", "2026-03-jyj-002", XSS_ID):
        html = page(built, "site", f"items/{item}")
        assert "bl-internal" not in html and "撰稿" not in html and "审签" not in html and "批示" not in html


def test_markup_in_title_and_body_is_shown_as_text_never_run(built):
    html = page(built, "site", f"items/{XSS_ID}")
    assert "<title>测试&lt;b onmouseover=alert(2)&gt;标题&lt;/b&gt; - 政务信息</title>" in html
    assert "<p>&lt;script&gt;alert(\"XSSBODY\")&lt;/script&gt;</p>" in html
    assert "<p>正文&lt;img src=x onerror=alert(1)&gt;结束</p>" in html


class _Live(HTMLParser):
    """Collects what a browser would run: event-handler attributes, javascript: URLs, inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")
        self.in_script = tag == "script"

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert" in data:
            self.found.append(f"script {data[:60]}")


@pytest.mark.parametrize("part", ["site", "intranet"])
def test_no_live_script_or_handler_anywhere(built, part):
    found = {}
    for path in sorted((built / part).rglob("*.html")):
        parser = _Live()
        parser.feed(path.read_text(encoding="utf-8"))
        if parser.found:
            found[path.name] = parser.found
    assert found == {}


def test_archives_by_month_unit_category_tag(built):
    month = text_of(article(page(built, "site", "archive/2026-03")))
    assert month.startswith("2026年3月 共3条 2026年 2026年3月 ")
    assert text_of(article(page(built, "site", "archive"))) == "按年月 2026年 2026年（全年） 3条 2026年3月 3条"
    assert text_of(article(page(built, "site", "units"))) == "按单位 市农业农村局 2条 市教育局 1条"
    assert text_of(article(page(built, "site", "categories"))) == "按类别 动态 2条 经验 1条"
    assert text_of(article(page(built, "site", "tags"))) == "按标签 农资 1条 春耕 1条"
    unit = article(page(built, "site", "units/jyj"))
    assert text_of(unit) == "市教育局 共1条 按单位 2026年3月 全市春耕备耕续报：化肥到位率九成 市教育局 · 2026年3月10日"


def test_home_lists_latest_issues_and_items(built):
    home = text_of(article(page(built, "site", "")))
    assert home.startswith("政务信息 最新期刊 《政务信息》第19期 2026年3月16日 · 1条 《政务信息》第18期 2026年3月12日 · 2条 全部期刊 "
                           "最新信息 全市春耕备耕续报：化肥到位率九成 市教育局 · 2026年3月10日 ")
    assert home.endswith("浏览 按年月 按单位 按类别 按标签")


def test_search_index_holds_items_and_issues_as_pairs(built):
    """Pagefind's records: item and issue pages only, Chinese as pairs, the shown fields in meta."""
    public = fragments(built / "site")
    assert sorted(public) == ["/issues/zwxx/2026/018/", "/issues/zwxx/2026/019/", "/items/2026-03-jyj-002/",
                              "/items/2026-03-nyj-001/", f"/items/{XSS_ID}/"]
    item = public["/items/2026-03-nyj-001/"]
    assert item["meta"] == {"title": "市农业农村局春耕备耕物资储备充足", "unit": "市农业农村局", "date": "2026年3月9日", "kind": "条目"}
    assert " 猕猴 猴桃 桃基 " in item["content"] and SEARCH_WORD not in item["content"]
    assert pairs.join(item["content"]) == (
        "3月8日，全市春耕备耕工作全面展开，猕猴桃基地完成施肥。PUBLICBODYONE1111参见前期情况。下一步抓好农资供应，咨询电话0571-87052110。"
        " ｜市农业农村局春耕备耕物资储备充足｜市农业农村局｜ 2026年3月9日｜ 2026-03-09 ｜动态｜春耕｜农资")
    issue = public["/issues/zwxx/2026/018/"]
    assert issue["meta"]["title"] == "《政务信息》2026年第18期"
    assert pairs.join(issue["content"]) == ("市农业农村局春耕备耕物资储备充足；测试<b onmouseover=alert(2)>标题</b>"
                                            " ｜ 《政务信息》2026年第18期｜ 2026年3月12日｜江城市人民政府办公室")
    assert len(fragments(built / "intranet")) > len(public)
    assert not (built / "site" / "search" / "search_index.json").exists()  # no lunr index any more
    assert sorted(p.name for p in (built / "site" / "pagefind").iterdir() if p.is_file())[:3] == [
        "pagefind-entry.json", "pagefind-worker.js", "pagefind.js"]
    assert [p for p in (built / "site" / "pagefind").rglob("*") if p.is_file() and not p.stat().st_size] == []


def test_an_incomplete_search_bundle_stops_the_build(tmp_path):
    """What the library's service did when killed mid-write: an empty file. The build refuses it."""
    from bulletin.site import search

    bundle = tmp_path / "pagefind"
    bundle.mkdir()
    for name in search.NEEDED:
        (bundle / name).write_text("x")
    (bundle / "pagefind.und_1.pf_meta").write_text("x")
    search._check_bundle(bundle)
    (bundle / "wasm.unknown.pagefind").write_bytes(b"")
    with pytest.raises(SearchIndexError, match="网站搜索索引不完整（pagefind）：缺少或为空：wasm.unknown.pagefind"):
        search._check_bundle(bundle)


def test_offline_no_remote_assets(built):
    for part in ("site", "intranet"):
        for path in (built / part).rglob("*.html"):
            html = path.read_text(encoding="utf-8")
            remote = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html)
            assert remote == [], (path, remote)
            assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_intranet_banner_and_name(built):
    html = page(built, "intranet", "")
    assert "内网网站：内部资料，不得转发、截屏或对外公开" in html
    assert "<title>政务信息（内网）</title>" in html
    assert "<title>政务信息</title>" in page(built, "site", "")
    assert "md-banner" not in page(built, "site", "")


def test_stage_holds_only_the_view(built):
    docs = stage_dir(built / ".cache", PUBLIC) / "docs"
    assert sorted(p.name for p in (docs / "items").iterdir()) == ["2026-03-jyj-002.md", "2026-03-nyj-001.md", f"{XSS_ID}.md"]


@pytest.mark.parametrize(("part", "name"), [("site", PUBLIC), ("intranet", INTRANET)])
def test_build_is_reproducible(built, tmp_path, part, name):
    root = built.parent
    newsroom = run_check(root, TODAY).newsroom
    again = tmp_path / "again"
    build_site(site_view(newsroom, name), again, tmp_path / "cache", {}, root=root)
    first = {p.relative_to(built / part): p.read_bytes() for p in (built / part).rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [str(k) for k in first if first[k] != second[k]] == []


def test_finished_html_pages_skip_markdown_and_give_the_same_bytes(built, tmp_path, monkeypatch):
    """Pages rendered from the templates bypass Markdown (bulletin.site.mkdocs_hooks); built
    without the hook, through Markdown, every file of the intranet is the same, extra pages too."""
    from bulletin.site import mkdocs_run

    root = built.parent
    newsroom = run_check(root, TODAY).newsroom
    extra = {"notices/2026-03.md": "# 2026年3月通报\n\n| 单位 | 得分 |\n|---|---|\n| 农业农村局 | 3 |\n"}
    docs = stage_dir(built / ".cache", INTRANET) / "docs"
    marked = [p for p in docs.rglob("*.md") if "\nbulletin_html: true\n" in p.read_text(encoding="utf-8").split("\n---", 1)[0]]
    assert len(marked) == len(list(docs.rglob("*.md"))) and len(marked) > 20  # every templated page
    outputs = {}
    unhooked = lambda *a, **k: {**mkdocs_run.site_config(*a, **k), "hooks": []}  # noqa: E731
    for hooked in (True, False):
        if not hooked:
            monkeypatch.setattr("bulletin.site.site_config", unhooked)
        out = tmp_path / f"hooked-{hooked}"
        build_site(site_view(newsroom, INTRANET), out, tmp_path / f"cache-{hooked}", extra, root=root)
        outputs[hooked] = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert outputs[True].keys() == outputs[False].keys()
    assert [str(k) for k in outputs[True] if outputs[True][k] != outputs[False][k]] == []
    assert "<td>农业农村局</td>" in (tmp_path / "hooked-True" / "notices" / "2026-03" / "index.html").read_text(encoding="utf-8")


def test_sitemap_dates_are_the_build_day(built):
    import gzip

    raw = gzip.decompress((built / "site" / "sitemap.xml.gz").read_bytes()).decode()
    assert raw == (built / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert int.from_bytes((built / "site" / "sitemap.xml.gz").read_bytes()[4:8], "little") == 1775001600  # 2026-04-01 UTC


def test_extra_pages_reach_the_intranet_only(tmp_path, built):
    root = built.parent
    newsroom = run_check(root, TODAY).newsroom
    extra = {"notices/2026-03.md": "# 2026年3月信息工作通报\n\n各单位得分见下表。EXTRACANARY1717\n"}
    out = tmp_path / "intranet"
    build_site(site_view(newsroom, INTRANET), out, tmp_path / "cache", extra, root=root)
    assert "EXTRACANARY1717" in (out / "notices" / "2026-03" / "index.html").read_text(encoding="utf-8")
    index = text_of(article_any((out / "notices" / "index.html").read_text(encoding="utf-8")))
    assert index == "考核通报 2026年3月信息工作通报"
    assert ">考核通报<" in (out / "index.html").read_text(encoding="utf-8")
    public = tmp_path / "public"
    build_site(site_view(newsroom, PUBLIC), public, tmp_path / "cache", extra, root=root)
    assert not (public / "notices").exists()


def article_any(html: str) -> str:
    return html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]


def test_only_regular_files_inside_content_are_copied(tmp_path):
    from bulletin.site import _image_files
    from bulletin.site.pages import Stage

    root = tmp_path / "newsroom"
    (root / "content" / "2026").mkdir(parents=True)
    png = b"\x89PNG\r\n\x1a\n"  # real images by their first bytes: only the place keeps secret.png out
    (root / "secret.png").write_bytes(png + b"outside")
    (root / "content" / "2026" / "ok.png").write_bytes(png + b"inside")
    (root / "content" / "2026" / "link.png").symlink_to(root / "secret.png")
    stage = Stage(files={"media/2026/ok.png": "content/2026/ok.png", "media/2026/link.png": "content/2026/link.png",
                         "media/x.png": "content/../secret.png"})
    assert _image_files(stage, root) == {"media/2026/ok.png": png + b"inside"}


def test_mkdocs_warnings_fail_the_build_with_its_words(tmp_path, built):
    from bulletin.site import SiteBuildError

    newsroom = run_check(built.parent, TODAY).newsroom
    with pytest.raises(SiteBuildError) as caught:
        build_site(site_view(newsroom, INTRANET), tmp_path / "out", tmp_path / "cache",
                   {"notices/x.md": "# 通报\n\n[坏链接](nope.md)\n"}, root=built.parent)
    assert str(caught.value).startswith("网站构建失败（mkdocs）：\n  ")
    assert "'nope.md'" in str(caught.value)


@pytest.mark.parametrize("doc", ["index.md", "items/2026-03-nyj-001.md", "../x.md", "/abs.md", "notices/x.html"])
def test_extra_pages_cannot_replace_or_escape(built, doc):
    from bulletin.site.pages import stage_pages
    from bulletin.site.settings import SiteSettings

    newsroom = run_check(built.parent, TODAY).newsroom
    with pytest.raises(ValueError, match="内网附加页面路径无效或与网站页面重复"):
        stage_pages(site_view(newsroom, INTRANET), SiteSettings(), {doc: "# x\n"})


def test_a_search_service_that_dies_fails_the_build_and_does_not_hang(built, tmp_path, monkeypatch):
    from bulletin.site import SiteBuildError

    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # starts, reads nothing, exits at once
    newsroom = run_check(built.parent, TODAY).newsroom
    with pytest.raises(SiteBuildError, match=r"^网站搜索索引生成失败（pagefind）：pagefind 服务意外结束（连接中断）；"
                                             r"请用 make build 重新安装依赖（pagefind\[extended\]），或运行 make doctor 查看原因$"):
        build_site(site_view(newsroom, PUBLIC), tmp_path / "site", tmp_path / "cache", {}, root=built.parent)


def test_an_incomplete_search_bundle_is_written_once_more_then_refused(tmp_path, monkeypatch):
    from bulletin.site import search

    calls = []

    def flaky(found, out):
        calls.append(out)
        raise IncompleteBundle("网站搜索索引不完整（pagefind）：缺少或为空：pagefind-entry.json")

    monkeypatch.setattr(search, "_write_records", flaky)
    with pytest.raises(SearchIndexError, match="pagefind-entry.json"):
        search.write_records([], tmp_path)
    assert calls == [tmp_path, tmp_path]  # tried twice, then the build stops
    calls.clear()
    monkeypatch.setattr(search, "_write_records", lambda found, out: calls.append(out) if calls else flaky(found, out))
    search.write_records([], tmp_path)
    assert calls == [tmp_path, tmp_path]  # the second try succeeded


def test_the_bundle_is_taken_from_the_service_and_written_whole(tmp_path, monkeypatch):
    """The service's own write answered before its files reached the disk (a truncated
    wasm.unknown.pagefind failed a clone's CI): the bundle must not come from it."""
    import gzip

    from pagefind.index import PagefindIndex

    from bulletin.site import search

    async def refused(self, output_path=None):
        raise AssertionError("write_files used")

    monkeypatch.setattr(PagefindIndex, "write_files", refused)
    found = [search.Record(url=f"/items/{n}/", text=f"营商环境第{n}条", meta={"title": f"条目{n}"}) for n in range(300)]
    search.write_records(found, tmp_path)
    bundle = tmp_path / "pagefind"
    names = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assert set(search.NEEDED) <= set(names)
    assert not set(search.UNUSED) & set(names)
    packed = [p for p in bundle.rglob("*") if p.is_file() and p.read_bytes()[:2] == b"\x1f\x8b"]
    assert len(packed) >= 4  # the wasm, the meta, an index chunk and fragments
    for path in packed:
        gzip.decompress(path.read_bytes())  # whole: a file cut short raises here


def test_a_bundle_path_outside_the_bundle_is_refused(tmp_path):
    from bulletin.site import search

    with pytest.raises(SearchIndexError, match=r"文件路径越界：\.\./escape\.js"):
        search._write_bundle([{"path": "../escape.js", "content": b"x"}], tmp_path / "pagefind")
    assert not (tmp_path / "escape.js").exists()
