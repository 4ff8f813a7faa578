"""Personal data (个人信息): every pattern both ways, masks exact, the check rule's codes and lines."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.workflow import lines, run_cli
from hypothesis import given
from hypothesis import strategies as st

from bulletin import personal
from bulletin.check import run_check
from bulletin.personal import BANK_CARD, EMAIL, ID_NUMBER, LANDLINE, MOBILE, Registry
from bulletin.views import INTRANET, PUBLIC, site_view

TODAY = date(2026, 3, 12)
REGISTRY = Registry(["0571-86001234", "13800000001", "0571-86005678"])  # helpers.newsroom's units.yaml
FIX = ("可能是个人信息，不能上网站；请删去，或移到 front matter 的 contact（只存档，不上任何网站），"
       "如是单位对外公开的号码或邮箱，请把它列入 public_contacts")


@pytest.mark.parametrize(("text", "kind", "masked"), [
    ("联系人：张三  电话：13912345678）", MOBILE, "139****5678"),
    ("手机 139 1234 5678", MOBILE, "139****5678"),
    ("手机139-1234-5678", MOBILE, "139****5678"),
    ("+86 13912345678", MOBILE, "139****5678"),
    ("手机：１３９１２３４５６７８", MOBILE, "139****5678"),
    ("电话0571-86085527", LANDLINE, "0571-****5527"),
    ("电话 0571 8608 5527", LANDLINE, "0571-****5527"),
    ("电话0571－86085527", LANDLINE, "0571-****5527"),
    ("电话0571—86085527", LANDLINE, "0571-****5527"),
    ("电话（0571）86012345", LANDLINE, "0571-****2345"),
    ("电话(0571) 8601 2345", LANDLINE, "0571-****2345"),
    ("电话０５７１－８６０８５５２７", LANDLINE, "0571-****5527"),
    ("北京010-65123456", LANDLINE, "010-****3456"),
    ("邮箱 zhang.san@jc.gov.cn。", EMAIL, "z***@jc.gov.cn"),
    ("邮箱ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ", None, None),  # full-width letters are not an address
    ("邮箱li＠example．com", EMAIL, "l***@example.com"),
    ("身份证号11010519491231002X，", ID_NUMBER, "110105********002X"),
    ("身份证号11010519491231002x", ID_NUMBER, "110105********002X"),
    ("旧身份证号110105491231002", ID_NUMBER, "110105*****1002"),
    ("卡号6222021234567890128", BANK_CARD, "6222***********0128"),
    ("卡号 6222 0212 3456 7890 128", BANK_CARD, "6222***********0128"),
    ("卡号4111 1111 1111 1111", BANK_CARD, "4111********1111"),
])
def test_each_pattern_finds_and_masks(text, kind, masked):
    found = personal.find(text)
    assert [(f.kind, f.masked) for f in found] == ([(kind, masked)] if kind else [])


@pytest.mark.parametrize("text", [
    "3月8日16:20，全市春耕备耕全面展开", "2026-03-09T16:20:00+08:00", "2026年3月8日", "2026年",
    "收购13.8万吨", "全年1380起", "邮编310000", "邮政编码 310012", "拨打12345热线", "报警110、火警119、急救120",
    "〔2026〕12号", "江政办发〔2026〕123号", "增长8.5%，占比62%", "第12345678号文件编号",
    "身份证号330106199001011234（校验位不对）", "卡号6222021234567890123（Luhn 不对）", "截至2026年12月31日24时",
    "面积12.6万亩，产量4,500吨", "![现场](image@2x.png)", "共有138万人、1391户", "时间20260309至20260315",
    "人数 1 380 000", "电话 86012345（未备案的本地号码）",
])
def test_no_false_alarms_on_what_bulletins_are_full_of(text):
    assert personal.find(text, REGISTRY) == []


@pytest.mark.parametrize(("text", "masked"), [
    ("信息员电话0571-86001234", "0571-****1234"),
    ("信息员电话 0571 8600 1234", "0571-****1234"),
    ("信息员电话（0571）8600-1234", "0571-****1234"),
    ("信息员电话０５７１８６００１２３４", "0571-****1234"),
    ("信息员电话86001234", "0571-****1234"),  # the local number alone
    ("手机138 0000 0001", "138****0001"),
    ("手机+86-138-0000-0001", "138****0001"),
])
def test_registered_officer_phones_in_any_form(text, masked):
    assert [f.masked for f in personal.find(text, REGISTRY)] == [masked]


def test_id_check_digit_and_luhn():
    assert personal.id_check_digit_ok("11010519491231002X") and not personal.id_check_digit_ok("110105194912310021")
    assert personal.luhn_ok("4111111111111111") and not personal.luhn_ok("4111111111111112")


def test_mask_keeps_the_rest_and_listed_values():
    text = "热线0571-87052110，联系人手机13912345678，邮箱ab@x.cn。"
    allowed = personal.allowed_keys(["0571 8705 2110", "AB@X.CN"])
    assert personal.mask(text, REGISTRY, allowed) == "热线0571-87052110，联系人手机139****5678，邮箱ab@x.cn。"
    assert personal.mask(text, REGISTRY, allowed, markdown=True) == "热线0571-87052110，联系人手机139\\*\\*\\*\\*5678，邮箱ab@x.cn。"


def test_patterns_have_no_nested_quantifiers():
    """A quantified group holding a quantifier is how regexes go super-linear; none here."""
    import re

    for name in dir(personal):
        value = getattr(personal, name)
        if isinstance(value, re.Pattern):
            assert not re.search(r"\((?:\?:)?[^()]*[+*?}]\)[+*{]", value.pattern), name


# -- the check rule -----------------------------------------------------------------------------


def test_public_item_of_a_public_series_is_an_error_at_the_line(newsroom):
    newsroom.report(body="3月8日，春耕全面展开。\n\n| 联系人 | 电话 |\n|---|---|\n| 张三 | 139 1234 5678 |\n\n"
                         "![联系邮箱 zs@example.com](a.png)", tags="[春耕, '13912345670']")
    assert lines(newsroom.root, TODAY, "E260", "W060") == [
        f"content/2026/03/2026-03-nyj-001.md:10: error[E260]: 手机号 139****5670 {FIX}",
        f"content/2026/03/2026-03-nyj-001.md:17: error[E260]: 手机号 139****5678 {FIX}",
        f"content/2026/03/2026-03-nyj-001.md:19: error[E260]: 电子邮箱 z***@example.com {FIX}",
    ]


def test_publish_refuses_an_item_with_personal_data(newsroom):
    newsroom.report(body="3月8日，春耕全面展开。联系电话：0571 8600 1234。")
    result = run_cli(newsroom.root, "publish", "issues/zwxx/2026/018.yaml")
    assert result.code == 1 and "error[E260]: 固定电话 0571-****1234" in result.err
    assert "status: draft" in (newsroom.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")


def test_title_headline_and_correction_note_are_checked(newsroom):
    newsroom.report(title="市民王某（身份证号11010519491231002X）获表彰",
                    corrections="[{date: 2026-03-10, note: 删去联系人邮箱 wang@example.com}]")
    newsroom.write("issues/zwxx/2026/018.yaml", (newsroom.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
                   .replace("  - 2026-03-nyj-001", "  - {id: 2026-03-nyj-001, title: 热线13912345678开通}"))
    assert lines(newsroom.root, TODAY, "E260", "W060") == [
        f"content/2026/03/2026-03-nyj-001.md:3: error[E260]: 身份证号 110105********002X {FIX}",
        f"content/2026/03/2026-03-nyj-001.md:10: error[E260]: 电子邮箱 w***@example.com {FIX}",
        f"issues/zwxx/2026/018.yaml:9: error[E260]: 手机号 139****5678 {FIX}",
    ]


@pytest.mark.parametrize(("fields", "series", "line"), [
    ({"classification": "内部"}, "zwxx", 12),
    ({}, "xxzb", 12),  # a non-public series
    ({"classification": None}, "zwxx", 11),  # no marking: internal
])
def test_other_reports_get_a_warning(newsroom, fields, series, line):
    newsroom.report(body="3月8日，春耕全面展开。反映人手机13912345678。", **fields)
    newsroom.write(f"issues/{series}/2026/018.yaml", (newsroom.root / "issues/zwxx/2026/018.yaml")
                   .read_text(encoding="utf-8").replace("series: zwxx", f"series: {series}"))
    if series != "zwxx":
        newsroom.remove("issues/zwxx/2026/018.yaml")
    assert lines(newsroom.root, TODAY, "E260", "W060") == [
        f"content/2026/03/2026-03-nyj-001.md:{line}: warning[W060]: 手机号 139****5678 {FIX}"]


def test_an_item_in_no_issue_gets_a_warning(newsroom):
    newsroom.remove("issues/zwxx/2026/018.yaml")
    newsroom.report(body="3月8日，邮箱 a@b.cn")
    assert [p.code for p in run_check(newsroom.root, TODAY).problems if p.code in ("E260", "W060")] == ["W060"]


def test_public_contacts_and_contact_pass(newsroom):
    newsroom.report(body="3月8日，市农技服务热线（0571）87052110开通，邮箱 nj@jc.gov.cn。",
                    public_contacts="[0571-87052110, NJ@jc.gov.cn]", contact="{name: 张三, phone: '13912345678'}")
    assert lines(newsroom.root, TODAY, "E260", "W060") == []


def test_registered_number_in_public_contacts_passes(newsroom):
    newsroom.report(body="3月8日，咨询电话0571 8600 1234。", public_contacts="['0571-86001234']")
    assert lines(newsroom.root, TODAY, "E260", "W060") == []


def test_schema_of_the_new_fields(newsroom):
    newsroom.report(public_contacts="0571-87052110", contact="{name: 张三, mobile: 1}",
                    withdrawn="{date: 2026-03-20}", corrections="[{date: 2026-03-10, note: x, internal: 是}]")
    assert [p.code for p in run_check(newsroom.root, TODAY).problems if p.code.startswith("E1")] == [
        "E102", "E104", "E101", "E102"]


def test_findings_are_cached_by_content_digest(newsroom, monkeypatch):
    newsroom.report(body="3月8日，手机13912345678。")
    first = lines(newsroom.root, TODAY, "E260")
    calls = []
    real = personal.report_findings
    monkeypatch.setattr(personal, "report_findings", lambda *a: calls.append(a) or real(*a))
    assert lines(newsroom.root, TODAY, "E260") == first and calls == []
    newsroom.report(body="3月8日，手机13912345679。")
    assert lines(newsroom.root, TODAY, "E260") == [first[0].replace("5678", "5679")] and len(calls) == 1


# -- the intranet view masks; the public view and print keep the text --------------------------


def test_intranet_view_masks_and_public_view_keeps(newsroom):
    newsroom.report(classification="内部", title="反映人13912345678来信", tags="[来信]",
                    body="3月8日，来信人邮箱 zs@example.com，热线 0571-87052110。",
                    public_contacts="[0571-87052110]",
                    instructions="[{leader: 市长, level: own, date: 2026-03-13, text: 请联系 13912345678}]")
    newsroom.write("issues/zwxx/2026/018.yaml", (newsroom.root / "issues/zwxx/2026/018.yaml").read_text(encoding="utf-8")
                   .replace("status: draft", "status: published"))
    newsroom_ = run_check(newsroom.root, TODAY).newsroom
    item = site_view(newsroom_, INTRANET).items["2026-03-nyj-001"]
    assert item.title == "反映人139****5678来信"
    assert item.body.strip() == "3月8日，来信人邮箱 z\\*\\*\\*@example.com，热线 0571-87052110。"
    assert item.instructions[0].text == "请联系 139****5678"
    assert newsroom_.reports["2026-03-nyj-001"].body.strip() == "3月8日，来信人邮箱 zs@example.com，热线 0571-87052110。"
    assert "2026-03-nyj-001" not in site_view(newsroom_, PUBLIC).items  # internal


@given(st.lists(st.sampled_from(["13800000001", "0571-86001234", "86001234", "13912345678", "021-5555 1234", "1380000"]),
                max_size=5),
       st.text(alphabet="0123456789", max_size=40))
def test_the_registry_finds_the_first_registered_number_a_run_holds(phones, digits):
    """The automaton agrees with trying each registered number in order."""
    registry = personal.Registry(phones)
    naive = next((n for n in registry.numbers if any(key in digits for key in n.keys)), None)
    assert registry.match(digits) == naive
