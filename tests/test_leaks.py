"""Nothing a site must not hold reaches any of its files; the independent leak gate catches it if it does.

Every file of the built sites is searched (HTML, search index, sitemap and its gzip, assets),
for canaries planted in internal, classified, draft, unpublished and rejected items, in officer
phone numbers and in intranet-only fields.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from helpers.newsroom import Newsroom, report_text, seal_published
from helpers.site import (
    HOTLINE,
    INTERNAL,
    INTERNAL_TITLES,
    MASKED,
    NEVER,
    NEVER_TITLES,
    PERSONAL,
    PHONES,
    PUBLIC_SHOWN,
    TODAY,
    UNMASKED,
    WITHDRAWN,
    files_containing,
    fragment_of,
    plant,
)
from hypothesis import given
from hypothesis import strategies as st

from bulletin import views
from bulletin.build import run_build
from bulletin.check import run_check
from bulletin.site import LeakError, assert_no_leaks, build_site, leakgate, pairs
from bulletin.site.leakgate import find_leaks, find_personal, forbidden_strings, personal_guard
from bulletin.views import PUBLIC, site_view


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("leaks") / "newsroom"
    plant(Newsroom(root))
    assert run_build(root, TODAY, parts=("site", "intranet"), quiet=True) == 0
    return root


WITHDRAWN_TEXTS = [WITHDRAWN["id"], WITHDRAWN["title"], WITHDRAWN["canary"], WITHDRAWN["tag"], WITHDRAWN["reason"]]
PUBLIC_FORBIDDEN = [*NEVER, *NEVER_TITLES, *INTERNAL, *INTERNAL_TITLES, *PHONES, *PERSONAL, *UNMASKED, *WITHDRAWN_TEXTS,
                    HOTLINE["internal_note"]]
INTRANET_FORBIDDEN = [*NEVER, *NEVER_TITLES, *PHONES, "REJECTREASON1616", *UNMASKED]


def test_every_kind_of_file_is_searched(root):
    suffixes = {p.suffix for p in (root / "build" / "site").rglob("*") if p.is_file()}
    assert {".html", ".json", ".xml", ".gz", ".js", ".css", ".png"} <= suffixes


@pytest.mark.parametrize("canary", PUBLIC_FORBIDDEN)
def test_public_site_holds_no_canary(root, canary):
    assert files_containing(root / "build" / "site", canary) == []


@pytest.mark.parametrize("canary", INTRANET_FORBIDDEN)
def test_intranet_holds_nothing_classified_unpublished_rejected_or_personal(root, canary):
    assert files_containing(root / "build" / "intranet", canary) == []


@pytest.mark.parametrize(("canary", "item"), sorted(INTERNAL.items()))
def test_intranet_holds_internal_items(root, canary, item):
    site = root / "build" / "intranet"
    assert files_containing(site, canary) == [f"items/{item}/index.html", fragment_of(site, item)]


@pytest.mark.parametrize(("canary", "item"), sorted(PUBLIC_SHOWN.items()))
def test_public_site_holds_public_items(root, canary, item):
    site = root / "build" / "site"
    assert files_containing(site, canary) == [f"items/{item}/index.html", fragment_of(site, item)]


def test_intranet_shows_intranet_only_fields(root):
    for text in ("甄撰稿", "甄审签", "INSTRUCTCANARY1515"):
        assert "items/2026-03-nyj-001/index.html" in files_containing(root / "build" / "intranet", text)


# -- the independent gate -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def newsroom(root):
    return run_check(root, TODAY).newsroom


def test_forbidden_strings_of_the_public_site(newsroom):
    strings = forbidden_strings(newsroom, "public")
    for expected in [*NEVER_TITLES, *INTERNAL_TITLES, *PHONES, "本稿正文写明了具体情况，请勿外传",
                     "请抓好落实INSTRUCTCANARY1515", "不采用金丝雀稿件标题"]:
        assert expected in strings
    assert "市农业农村局春耕备耕物资储备充足" not in strings  # a public item's title
    assert not [s for s in strings if "PUBLICBODY" in s]


def test_forbidden_strings_leave_out_what_a_held_item_also_says(newsroom):
    # Every canary item shares its first sentence; internal items hold it, so on the intranet it is
    # not distinctive — only each item's own canary sentence is.
    strings = forbidden_strings(newsroom, "intranet")
    assert "本稿正文写明了具体情况，请勿外传" not in strings
    assert "SECRETCANARY5555" in strings and "INTERNALCANARY3333" not in strings


@pytest.mark.parametrize(("part", "site"), [("site", "public"), ("intranet", "intranet")])
def test_gate_passes_honest_builds(root, newsroom, part, site):
    forbidden = forbidden_strings(newsroom, site)
    assert "SECRETCANARY5555" in forbidden  # a gate with nothing to forbid would pass anything
    assert_no_leaks(root / "build" / part, forbidden)


def test_gate_finds_injected_leaks_however_encoded(root, newsroom, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(root / "build" / "site", site)
    item = site / "items" / "2026-03-nyj-001" / "index.html"
    item.write_text(item.read_text(encoding="utf-8").replace(
        "</article>", "<p>秘密金丝雀&#20179;库\n位置<b>专报</b></p></article>"), encoding="utf-8")
    fragment = site / fragment_of(site, "2026-03-jyj-002")  # as Pagefind writes it: pairs, gzip, no .gz
    _add_to_fragment(fragment, pairs.split("绝密金丝雀行动方案报告"))
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(b"<loc>13800000001</loc>"))
    (site / "assets" / "%E5%86%85%E9%83%A8%E9%87%91%E4%B8%9D%E9%9B%80%E5%B7%A5%E4%BD%9C%E6%83%85%E5%86%B5%E6%B1%87%E6%8A%A5.txt").write_text("x")
    with pytest.raises(LeakError) as caught:
        assert_no_leaks(site, forbidden_strings(newsroom, "public"))
    assert caught.value.leaks == [
        (str(site / "assets/%E5%86%85%E9%83%A8%E9%87%91%E4%B8%9D%E9%9B%80%E5%B7%A5%E4%BD%9C%E6%83%85%E5%86%B5%E6%B1%87%E6%8A%A5.txt"),
         "内部金丝雀工作情况汇报"),
        (str(item), "秘密金丝雀仓库位置专报"),
        (str(fragment), "绝密金丝雀行动方案报告"),
        (str(site / "sitemap.xml.gz"), "13800000001"),
    ]
    assert str(caught.value).startswith("泄密检查未通过：以下文件含有本网站不应收录的内容，构建已中止\n  ")


def _add_to_fragment(path: Path, text: str) -> None:
    """Append ``text`` to the content of a Pagefind fragment, written back as Pagefind writes it."""
    data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
    data["content"] += " " + text
    path.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(data, ensure_ascii=False).encode("utf-8")))


def test_gate_refuses_a_search_file_it_cannot_open(root, newsroom, tmp_path):
    """Fail closed: a gzip stream that does not decode cannot be shown to be clean."""
    site = tmp_path / "site"
    shutil.copytree(root / "build" / "site", site)
    fragment = site / fragment_of(site, "2026-03-nyj-001")
    fragment.write_bytes(fragment.read_bytes()[:40])
    with pytest.raises(LeakError) as caught:
        assert_no_leaks(site, forbidden_strings(newsroom, "public"))
    assert [(path, text.split("（")[0]) for path, text in caught.value.leaks] == [(str(fragment), "压缩文件无法解开，无法检查")]


@pytest.mark.parametrize("text", ["秘密金丝雀仓库位置专报", "全市秘密金丝雀仓库位置专报工作", "secretcanary5555"])
def test_gate_finds_a_hidden_string_in_the_search_index_in_any_form(root, newsroom, tmp_path, text):
    """Pairs (also inside a longer run of hanzi), and lower case as Pagefind's words are."""
    site = tmp_path / "site"
    shutil.copytree(root / "build" / "site", site)
    fragment = site / fragment_of(site, "2026-03-nyj-001")
    _add_to_fragment(fragment, pairs.split(text))
    with pytest.raises(LeakError) as caught:
        assert_no_leaks(site, forbidden_strings(newsroom, "public"))
    assert [path for path, _ in caught.value.leaks] == [str(fragment)]


def test_gate_catches_a_view_that_lets_everything_through(root, newsroom, tmp_path, monkeypatch):
    monkeypatch.setattr(views, "_report_allowed", lambda report, view: True)  # a bug in the view
    leaky = site_view(newsroom, PUBLIC)
    assert "2026-03-nyj-006" in leaky.items
    with pytest.raises(LeakError) as caught:
        build_site(leaky, tmp_path / "site", tmp_path / "cache", {}, root=root,
                   forbidden=forbidden_strings(newsroom, "public"))
    files = {Path(path).name for path, _ in caught.value.leaks}
    assert {"2026-03-nyj-006.md", "2026-03-nyj-003.md", "2026-03-nyj-004.md"} <= files  # caught in the stage
    assert not (tmp_path / "site").exists()  # before mkdocs ever ran


def test_build_stops_when_a_view_leaks(tmp_path, monkeypatch, capsys):
    """The second gate: a view that lets everything through fails the build, build/ untouched."""
    root = tmp_path / "n"
    plant(Newsroom(root))
    assert run_build(root, TODAY, parts=("site",), quiet=True) == 0
    before = sorted(p.name for p in (root / "build/site/items").iterdir())
    monkeypatch.setattr(views, "_report_allowed", lambda report, view: True)
    for module in ("bulletin.fingerprint", "bulletin.check"):  # as any change of the program would
        monkeypatch.setattr(f"{module}.code_digest", lambda: b"the program with the bug")
    assert run_build(root, TODAY, parts=("site",), quiet=True) == 1
    assert "泄密检查未通过" in capsys.readouterr().err
    assert sorted(p.name for p in (root / "build/site/items").iterdir()) == before


def test_a_large_search_index_is_scanned_not_refused(tmp_path):
    """A 5-year intranet's search index is ~80 MB: the gate must read it, and still find a leak."""
    index = tmp_path / "search" / "search_index.json"
    index.parent.mkdir()
    index.write_text('{"docs": ["' + "春耕备耕" * (70 * 1024 * 1024 // 12) + '泄露的独有句子"]}', encoding="utf-8")
    with pytest.raises(LeakError) as caught:
        assert_no_leaks(tmp_path, ["泄露的独有句子"])
    assert "文件过大" not in str(caught.value) and "泄露的独有句子" in str(caught.value)


def test_escaped_text_is_found_in_ascii_and_in_mixed_files(tmp_path):
    """JSON as mkdocs writes it (all ASCII, every hanzi escaped), with quotes and backslashes in the
    secret, next to an invalid escape; and a UTF-8 script that escapes only some characters."""
    secret = '内部"金丝雀"目录C:\\文件\\汇报'
    (tmp_path / "index.json").write_text(json.dumps({"a": "\\d+ \\x \\N", "t": "前文\n" + secret}), encoding="utf-8")
    (tmp_path / "app.js").write_text('var s = "全市\\u79d8\\u5bc6\\u91d1\\u4e1d\\u96c0\\u884c\\u52a8";', encoding="utf-8")
    (tmp_path / "plain.json").write_text(json.dumps({"phone": "\n13800000002"}), encoding="utf-8")
    assert find_leaks(tmp_path, [secret, "秘密金丝雀行动", "13800000002"]) == [
        ("app.js", "秘密金丝雀行动"), ("index.json", secret), ("plain.json", "13800000002")]


# -- personal data and withdrawal -----------------------------------------------------------------


def test_intranet_shows_personal_data_masked(root):
    for masked in MASKED:
        site = root / "build" / "intranet"
        assert files_containing(site, masked) == ["items/2026-03-nyj-003/index.html", fragment_of(site, "2026-03-nyj-003")]


def test_withdrawn_item_stays_on_the_intranet_marked_with_its_reason(root):
    page = (root / "build" / "intranet" / "items" / WITHDRAWN["id"] / "index.html").read_text(encoding="utf-8")
    assert "<strong>已撤稿</strong>（2026年3月28日）：所涉事项已调整WITHDRAWREASON1717。本条已从公众网站撤下。" in page
    assert WITHDRAWN["canary"] in page


def test_issue_holding_only_a_withdrawn_item_has_no_public_page(root):
    assert not (root / "build" / "site" / "issues" / "zwxx" / "2026" / "022").exists()
    assert (root / "build" / "intranet" / "issues" / "zwxx" / "2026" / "022" / "index.html").is_file()


def test_listed_public_contact_is_shown_and_internal_correction_is_intranet_only(root):
    public = (root / "build" / "site" / "items" / HOTLINE["id"] / "index.html").read_text(encoding="utf-8")
    assert f"咨询电话{HOTLINE['phone']}。" in public and "第二段数字已更正" in public
    intranet = (root / "build" / "intranet" / "items" / HOTLINE["id"] / "index.html").read_text(encoding="utf-8")
    assert f"咨询电话{HOTLINE['phone']}。" in intranet
    assert f"<li>2026年3月15日：（内部更正）{HOTLINE['internal_note']}</li>" in intranet


def test_gate_catches_reformatted_registered_numbers_in_a_built_page(root, newsroom, tmp_path):
    for part, site in (("site", "public"), ("intranet", "intranet")):
        copy = tmp_path / part
        shutil.copytree(root / "build" / part, copy)
        page = copy / "items" / "2026-03-nyj-001" / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace(
            "</article>", "<p>电话：（0571）8600&nbsp;5678，手机 １３８－００００－０００１</p></article>"), encoding="utf-8")
        assert find_personal(copy, personal_guard(newsroom, site)) == [
            ("items/2026-03-nyj-001/index.html", f"固定电话 0571-****5678 出现在网站页面 items/2026-03-nyj-001/index.html；{FIX}"),
            ("items/2026-03-nyj-001/index.html", f"手机号 138****0001 出现在网站页面 items/2026-03-nyj-001/index.html；{FIX}"),
        ]


FIX = "个人信息不能上网站：请在稿件中删去，或移到 contact，如是单位对外公开的号码或邮箱请列入 public_contacts，然后运行 bulletin check 再构建"


def test_gate_refuses_unlisted_personal_data_on_the_public_site_only(root, newsroom, tmp_path):
    for part, site, expected in (("site", "public", 1), ("intranet", "intranet", 0)):
        copy = tmp_path / part
        shutil.copytree(root / "build" / part, copy)
        fragment = fragment_of(copy, "2026-03-nyj-001")
        _add_to_fragment(copy / fragment, pairs.split("来信人 lisi@example.org"))
        assert [m for _, m in find_personal(copy, personal_guard(newsroom, site))] == [
            f"电子邮箱 l***@example.org 出现在网站页面 {fragment}；{FIX}"][:expected]


def test_gate_names_the_content_line_a_leaked_number_came_from(tmp_path):
    """A view that lets a reformatted officer number through: refused in the stage, before mkdocs,
    at the report's file and line (check would have refused it first: E260)."""
    n = Newsroom(tmp_path / "n")
    n.write("content/2026/03/2026-03-nyj-001.md", report_text(body="3月8日，春耕全面展开。\n\n联系电话：０５７１　８６００　１２３４"))
    n.write("issues/zwxx/2026/018.yaml", (n.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
            .replace("status: draft", "status: published"))
    seal_published(n.root)
    result = run_check(n.root, TODAY)
    assert [p.code for p in result.errors] == ["E260"]
    with pytest.raises(LeakError) as caught:
        build_site(site_view(result.newsroom, PUBLIC), tmp_path / "out", tmp_path / "cache", {}, root=n.root,
                   forbidden=forbidden_strings(result.newsroom, "public"), personal=personal_guard(result.newsroom, "public"))
    assert caught.value.leaks == [
        ("content/2026/03/2026-03-nyj-001.md:14", f"固定电话 0571-****1234 出现在网站页面 items/2026-03-nyj-001.md；{FIX}")]
    assert not (tmp_path / "out").exists()


# -- every text field, short ones too -------------------------------------------------------------

SIX = ["甲乙丙丁戊己", "庚辛壬癸子丑", "寅卯辰巳午未", "申酉戌亥天地"]  # four 6-character sentences


@pytest.fixture
def short_newsroom(tmp_path):
    n = Newsroom(tmp_path / "short")
    n.write("issues/zwxx/2026/018.yaml", (n.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
            .replace("status: draft", "status: published"))
    n.report(body="3月8日，全市春耕备耕工作全面展开。抓好落实。加强领导。")
    n.report("2026-03-nyj-501", title="绝密行动安排", classification="绝密", secrecy_term="长期",
             body="。".join(SIX) + "。抓好落实。加强领导。", tags="[金丝雀标签]",
             adopted="[{level: city, publication: 《金丝雀刊物》, date: 2026-03-15}]",
             instructions="[{leader: 金丝雀领导, level: own, date: 2026-03-13, text: 金丝雀批示, "
                          "follow_up: {owner: 金丝雀承办, due: 2026-03-30}}]",
             corrections="[{date: 2026-03-14, note: 金丝雀更正}]")
    n.report("2026-03-nyj-502", title="不采用稿件", status="不采用", reject_reason="金丝雀理由", body="正文。")
    n.write("issues/zwxx/2026/019.yaml", (n.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
            .replace("number: 18", "number: 19").replace("status: published", "status: draft")
            .replace("  - 2026-03-nyj-001", "  - {id: 2026-03-nyj-501, title: 金丝雀印发}"))
    seal_published(n.root)
    result = run_check(n.root, TODAY)
    assert result.ok, [p.format() for p in result.errors]
    return result.newsroom


def _parts(strings) -> set[str]:
    return {p for s in strings for p in (s if isinstance(s, tuple) else (s,))}


def test_every_text_field_of_a_hidden_report_is_forbidden(short_newsroom):
    for site in ("public", "intranet"):
        strings = forbidden_strings(short_newsroom, site)
        assert {"2026-03-nyj-501", "绝密行动安排", "2026-03-nyj-502"} <= {s for s in strings if isinstance(s, str)}
        assert {*SIX, "金丝雀印发", "金丝雀标签", "《金丝雀刊物》", "金丝雀领导", "金丝雀批示", "金丝雀承办", "金丝雀更正",
                "金丝雀理由"} <= _parts(strings)
        # what a held item also says is no leak, however short
        assert not {"抓好落实", "加强领导"} & _parts(strings)


def test_a_short_sentence_body_is_caught_and_a_single_short_phrase_is_not(short_newsroom, tmp_path):
    """The attack: a 绝密 body of four 6-character sentences slipped past a gate that matched 8 or more."""
    forbidden = forbidden_strings(short_newsroom, "public")
    site = tmp_path / "site"
    (site / "media").mkdir(parents=True)
    (site / "media" / "page.html").write_text(f"<p>{'。'.join(SIX)}。</p>", encoding="utf-8")
    (site / "one.html").write_text(f"<p>{SIX[2]}</p><p>金丝雀领导</p>", encoding="utf-8")
    (site / "alone.html").write_text(f"<p>本页只有一句：{SIX[0]}。抓好落实。加强领导。</p>", encoding="utf-8")
    assert find_leaks(site, forbidden) == [
        ("media/page.html", "、".join(SIX)),
        ("one.html", f"{SIX[2]}、金丝雀领导"),
    ]


def test_the_embedded_secret_report_is_caught_in_the_stage_when_every_other_defence_fails(tmp_path, monkeypatch):
    """``![附件](2026-03-nyj-501.md)`` with check and the image filter both bypassed: the gate stops it."""
    from bulletin import lints, media

    n = Newsroom(tmp_path / "n")
    n.write("issues/zwxx/2026/018.yaml", (n.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
            .replace("status: draft", "status: published"))
    n.report("2026-03-nyj-501", title="绝密行动安排", classification="绝密", secrecy_term="长期", body="。".join(SIX) + "。")
    n.report(body="正文。\n\n![附件](2026-03-nyj-501.md)")
    monkeypatch.setattr(lints, "path_problems", lambda *a, **k: [])
    monkeypatch.setattr(media, "is_image", lambda path: True)
    monkeypatch.setattr(media, "declared_format", lambda name: "png")
    seal_published(n.root)
    newsroom = run_check(n.root, TODAY).newsroom
    with pytest.raises(LeakError) as caught:
        build_site(site_view(newsroom, PUBLIC), tmp_path / "site", tmp_path / "cache", {}, root=n.root,
                   forbidden=forbidden_strings(newsroom, "public"))
    staged = str(tmp_path / "cache/site-stage/public/docs/media/2026/03/2026-03-nyj-501.md")
    assert (staged, "2026-03-nyj-501") in caught.value.leaks and (staged, "绝密行动安排") in caught.value.leaks
    assert (staged, "、".join(["副局长 陈立", *SIX])) in caught.value.leaks  # in the order the file has them
    assert not (tmp_path / "site").exists()


def test_a_forbidden_list_changed_in_place_is_never_searched_with_a_stale_automaton(tmp_path):
    from bulletin.site.leakgate import find_leaks

    (tmp_path / "page.html").write_text("<p>另一个不得公开的句子七八九</p>", encoding="utf-8")
    forbidden = ["金丝雀一二三四五六七"]
    assert find_leaks(tmp_path, forbidden) == []
    forbidden[0] = "另一个不得公开的句子七八九"  # the same list object, the same length
    assert find_leaks(tmp_path, forbidden) == [("page.html", "另一个不得公开的句子七八九")]


_GATE_TEXT = st.text(alphabet=st.sampled_from("营商环境一网通办信访 \n\u3000\u200bab5G，。、%&<>\U00020001"), max_size=30)


@given(_GATE_TEXT)
def test_the_gates_pair_form_is_the_search_index_pairs_without_spaces(text):
    """The gate looks for a string in the search index's form (营商环境 → 营商商环环境) as one
    regular expression: the same as pairing it the index's way, then dropping the spaces."""
    plain = leakgate.normalise(text)
    assert leakgate.pair_form(plain) == leakgate._SPACE.sub("", pairs.split(plain))
    assert leakgate.pair_form("营商环境") == "营商商环环境" and leakgate.pair_form("用5G办") == "用5G办"
