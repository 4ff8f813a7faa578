"""Views: an issue's own classification governs the sites, in the views and again in the leak gate."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.newsroom import ISSUE, seal_published

from bulletin import views
from bulletin.build import run_build
from bulletin.check import run_check
from bulletin.site import LeakError, build_site
from bulletin.site.leakgate import forbidden_strings
from bulletin.views import INTRANET, PUBLIC, site_view

DAY = date(2026, 4, 1)
TITLE = "市农业农村局春耕备耕物资储备充足"


def _issue(newsroom, number: int, classification: str | None, items: list[str]) -> None:
    text = ISSUE.replace("number: 18", f"number: {number}").replace("status: draft", "status: published")
    text = text.replace("  - 2026-03-nyj-001\n", "".join(f"  - {i}\n" for i in items))
    if classification:
        text += f"classification: {classification}\n"
    newsroom.write(f"issues/zwxx/2026/{number:03d}.yaml", text)


def _views(newsroom):
    seal_published(newsroom.root)
    result = run_check(newsroom.root, DAY)
    assert result.ok, [p.format() for p in result.errors]
    return result.newsroom, {name: site_view(result.newsroom, name) for name in (PUBLIC, INTRANET)}


@pytest.mark.parametrize(("classification", "on_public", "on_intranet"), [
    (None, True, True), ("公开", True, True), ("内部", False, True), ("秘密", False, False), ("绝密", False, False)])
def test_an_issue_raised_above_a_site_takes_its_public_items_off_it(newsroom, classification, on_public, on_intranet):
    _issue(newsroom, 18, classification, ["2026-03-nyj-001"])
    newsroom_, seen = _views(newsroom)
    assert ("2026-03-nyj-001" in seen[PUBLIC].items, "2026-03-nyj-001" in seen[INTRANET].items) == (on_public, on_intranet)
    assert ([i.key for i in seen[PUBLIC].issues], [i.key for i in seen[INTRANET].issues]) == (
        ["zwxx/2026/018"] if on_public else [], ["zwxx/2026/018"] if on_intranet else [])
    assert (TITLE in forbidden_strings(newsroom_, "public"), TITLE in forbidden_strings(newsroom_, "intranet")) == (
        not on_public, not on_intranet)


def test_an_item_also_in_an_unraised_issue_stays(newsroom):
    _issue(newsroom, 18, "秘密", ["2026-03-nyj-001"])
    _issue(newsroom, 19, None, ["2026-03-nyj-001"])
    newsroom_, seen = _views(newsroom)
    assert [r.key for r in seen[PUBLIC].items["2026-03-nyj-001"].issues] == ["zwxx/2026/019"]
    assert [i.key for i in seen[PUBLIC].issues] == ["zwxx/2026/019"]
    assert TITLE not in forbidden_strings(newsroom_, "public")


def test_a_secret_issue_with_public_items_is_not_built_into_either_site(newsroom):
    """The attack: an issue with ``classification: 秘密`` and public items was on the public site."""
    _issue(newsroom, 18, "秘密", ["2026-03-nyj-001"])
    seal_published(newsroom.root)
    assert run_build(newsroom.root, DAY, parts=("site", "intranet"), quiet=True) == 0
    for part in ("site", "intranet"):
        built = newsroom.root / "build" / part
        assert not (built / "items").exists() and not (built / "issues" / "zwxx").exists()
        text = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in built.rglob("*") if p.is_file())
        assert TITLE not in text and "\\u5e02\\u519c\\u4e1a" not in text


def test_the_gate_catches_a_view_that_ignores_the_issue_classification(newsroom, tmp_path, monkeypatch):
    _issue(newsroom, 18, "秘密", ["2026-03-nyj-001"])
    newsroom_, _ = _views(newsroom)
    monkeypatch.setattr(views, "_issue_allowed", lambda n, issue, view: True)  # a bug in the view
    leaky = site_view(newsroom_, PUBLIC)
    assert "2026-03-nyj-001" in leaky.items
    with pytest.raises(LeakError) as caught:
        build_site(leaky, tmp_path / "site", tmp_path / "cache", {}, root=newsroom.root,
                   forbidden=forbidden_strings(newsroom_, "public"))
    assert (str(tmp_path / "cache/site-stage/public/docs/items/2026-03-nyj-001.md"), TITLE) in caught.value.leaks


def test_a_co_unit_is_linked_by_its_id_even_when_two_units_share_a_name(newsroom):
    from bulletin.site.pages import stage_pages
    from bulletin.site.settings import SiteSettings

    units = (newsroom.root / "units.yaml").read_text(encoding="utf-8")
    newsroom.write("units.yaml", units.replace("name: 原市物价局", "name: 市教育局"))  # old, listed after jyj, now shares its name
    newsroom.report(co_units="[jyj]")
    _issue(newsroom, 18, None, ["2026-03-nyj-001"])
    _, seen = _views(newsroom)
    item = seen[PUBLIC].items["2026-03-nyj-001"]
    assert (item.co_unit_ids, item.co_unit_names) == (["jyj"], ["市教育局"])
    pages = stage_pages(seen[PUBLIC], SiteSettings(), {}).pages
    listed = {doc: "2026-03-nyj-001" in text for doc, text in pages.items() if doc.startswith("units/")}
    assert listed == {"units/nyj.md": True, "units/jyj.md": True, "units/index.md": False}


def _model_objects(value, seen=None) -> list[str]:
    """Names of model objects and sets anywhere inside a view (a view must be plain data copied
    out, and hold no set: its bytes are content keys, ``cache.value_bytes``)."""
    import dataclasses

    from bulletin import model

    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if type(value).__module__ == model.__name__ or isinstance(value, set | frozenset):
        return [type(value).__name__]
    if dataclasses.is_dataclass(value):
        value = [getattr(value, f.name) for f in dataclasses.fields(value)]
    elif isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return [name for v in value for name in _model_objects(v, seen)]
    return []


def test_every_view_is_plain_data_copied_out_of_the_model(newsroom):
    newsroom.report(adopted="[{level: city, publication: 江城信息, date: 2026-03-15}]",
                    instructions="[{leader: 市长 周文彬, level: city, date: 2026-03-12, text: 请抓好落实, "
                                 "follow_up: {owner: 市农业农村局, due: 2026-03-30, done: false}}]")
    _issue(newsroom, 18, None, ["2026-03-nyj-001"])
    model_, seen = _views(newsroom)
    assert seen[INTRANET].items["2026-03-nyj-001"].adopted and seen[INTRANET].items["2026-03-nyj-001"].instructions
    prints = [views.print_view(model_, issue) for issue in model_.issues]
    assert [_model_objects(v) for v in (*seen.values(), *prints)] == [[], [], []]
