"""The public preview rebuilt in place (``bulletin.site.preview``): only what an edit changed,
never an unchecked byte served.

In-process and sample-sized: the public part of a ``Preview`` rebuild (check, views, the
PreviewSite), without the server, the intranet or the PDFs (tests/test_serve.py has those).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from helpers.newsroom import ISSUE, Newsroom

from bulletin.check import run_check
from bulletin.commands.serve_cmd import Preview, State, as_published
from bulletin.errors import LeakError
from bulletin.site.leakgate import find_leaks
from bulletin.site.preview import PreviewSite, covers, gate_key
from bulletin.store import networked

DAY = date(2026, 4, 1)
ONE, TWO = "2026-03-nyj-001", "2026-03-nyj-002"
TITLE_TWO = "市农业农村局高标准农田建设稳步推进"


def newsroom(tmp_path: Path) -> Newsroom:
    """The helper newsroom with a second report in its draft issue."""
    room = Newsroom(tmp_path / "newsroom")
    room.report(TWO, title=TITLE_TWO, body="3月9日，全市新建高标准农田一万亩。")
    room.write("issues/zwxx/2026/018.yaml", ISSUE.replace(f"  - {ONE}\n", f"  - {ONE}\n  - {TWO}\n"))
    return room


def public_part(preview: Preview) -> bool:
    """One rebuild of the public preview, as ``Preview._rebuild`` makes it."""
    result = run_check(preview.root, DAY)
    assert result.ok, [p.format() for p in result.errors]
    room = networked(result.sources, result.newsroom, result.store)
    as_published([room])
    done = preview._part("site", room, {})
    preview.public_site().start_search()
    return done


def served(root: Path) -> Path:
    return Path(os.path.realpath(root / "build/preview/site"))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and "pagefind" not in p.parts}


def every_byte(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def texts(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "ignore") for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def started(tmp_path):
    room = newsroom(tmp_path)
    preview = Preview(room.root, DAY, None, State(), lambda message: None)
    assert public_part(preview)
    assert preview.public_site().last["mode"] == "full"
    assert preview.public_site().wait_search() is None
    yield room, preview
    preview.close()


def test_an_edit_renders_its_page_and_the_lists_showing_it_and_nothing_else(started):
    room, preview = started
    before = snapshot(served(room.root))
    stage = preview.public_site().docs
    staged_two = (stage / f"items/{TWO}.md").stat().st_mtime_ns
    room.report(ONE, title="市农业农村局春耕物资储备再创新高")
    assert public_part(preview)
    site = preview.public_site()
    assert site.last["mode"] == "dirty" and not site.last["whole_gate"]
    after = snapshot(served(room.root))
    changed = sorted(rel for rel in after if before.get(rel) != after[rel])
    # The item, the lists that show its title (home, issue, month, year, unit, category), and
    # what mkdocs writes on every build (404, sitemap); the other item, indexes and assets untouched.
    lists = ["archive/2026-03/index.html", "archive/2026/index.html", "categories/dynamic/index.html", "index.html",
             "issues/zwxx/2026/018/index.html", f"items/{ONE}/index.html", "units/nyj/index.html"]
    assert changed == sorted([*lists, "404.html", "sitemap.xml", "sitemap.xml.gz"])
    for rel in lists:
        assert "市农业农村局春耕物资储备再创新高" in after[rel][0].decode("utf-8"), rel
    assert after[f"items/{TWO}/index.html"] == before[f"items/{TWO}/index.html"]  # same bytes, same mtime
    assert (stage / f"items/{TWO}.md").stat().st_mtime_ns == staged_two  # its staged page was not rewritten
    assert sorted(after) == sorted(before)


def test_a_dirty_rebuild_equals_a_full_one(started, tmp_path):
    room, preview = started
    room.report(ONE, title="市农业农村局春耕物资储备再创新高", body="3月8日，春耕备耕全面展开。\n\n新增一段。")
    room.remove(f"content/2026/03/{TWO}.md")
    room.write("issues/zwxx/2026/018.yaml", ISSUE)
    assert public_part(preview)
    assert preview.public_site().wait_search() is None
    dirty = every_byte(served(room.root))
    assert "pagefind/pagefind-entry.json" in dirty
    fresh = Preview(room.root, DAY, None, State(), lambda message: None)  # a new server: a full build
    assert public_part(fresh) and fresh.public_site().last["mode"] == "full"
    assert fresh.public_site().wait_search() is None
    assert dirty == every_byte(served(room.root))  # the search index too
    assert not (served(room.root) / f"items/{TWO}").exists()  # a page gone leaves no folder naming it


def test_a_report_made_secret_leaves_the_preview_everywhere(started):
    room, preview = started
    room.report(ONE, classification="秘密", secrecy_term="1年")
    room.write("issues/zwxx/2026/018.yaml", ISSUE.replace(f"  - {ONE}\n", f"  - {TWO}\n"))
    room.report(TWO, title=TITLE_TWO, body="3月9日，全市新建高标准农田一万亩。")
    assert public_part(preview)
    site = preview.public_site()
    assert site.last["whole_gate"]  # more is forbidden now: everything served was searched again
    # the old search index went with it (the new one, if already in place, was gated)
    assert find_leaks(served(room.root), ["市农业农村局春耕备耕物资储备充足"]) == []
    assert "春耕备耕物资储备充足" not in texts(served(room.root))
    assert not (served(room.root) / f"items/{ONE}").exists()
    assert site.wait_search() is None
    assert (served(room.root) / "pagefind").is_dir()  # the index caught up, without the item
    # read as the leak gate reads (gzip opened, the index's pair form): the title is nowhere
    assert find_leaks(served(room.root), ["市农业农村局春耕备耕物资储备充足"]) == []
    assert find_leaks(served(room.root), [TITLE_TWO]) != []  # (the other item is found so)


def direct_update(room: Newsroom, site: PreviewSite, forbidden_extra=(), planted: str | None = None) -> None:
    """``site.update`` with this rebuild's own gate, and more: extra forbidden strings, or a
    personal-data guard that also takes ``planted`` for a registered number (check refuses real
    ones before any build, E260)."""
    from bulletin import personal
    from bulletin.build import site_gate
    from bulletin.fingerprint import assets_digest
    from bulletin.site.settings import read_settings
    from bulletin.views import PUBLIC, site_view

    result = run_check(room.root, DAY)
    assert result.ok
    room_view = networked(result.sources, result.newsroom, result.store)
    as_published([room_view])
    forbidden, guard = site_gate(room_view, PUBLIC)
    if planted is not None:
        real = guard.findings
        guard.findings = lambda text: real(text) + ([personal.Finding(0, 1, personal.MOBILE, "planted", "139****5678")]
                                                    if planted in text else [])
    staging = room.root / "build/preview/.staging-test"
    staging.mkdir(exist_ok=True)
    site.update(site_view(room_view, PUBLIC), read_settings(room.root), {}, room.root, [*forbidden, *forbidden_extra],
                guard, assets_digest(room.root), staging)


def test_a_leak_in_a_changed_page_is_never_served(started):
    """The gate over changed files: a forbidden string in the edited page stops the rebuild."""
    room, preview = started
    before = snapshot(served(room.root))
    site = preview.public_site()
    secret = "市农业农村局秘密储备计划曝光"
    room.report(ONE, title=secret)
    with pytest.raises(LeakError) as raised:
        direct_update(room, site, forbidden_extra=[secret])
    assert f"docs/items/{ONE}.md" in str(raised.value)  # found in the stage, before mkdocs saw it
    assert snapshot(served(room.root)) == before
    assert site.files is None  # the next rebuild is a full one


def test_personal_data_in_a_changed_page_is_never_served(started):
    room, preview = started
    before = snapshot(served(room.root))
    site = preview.public_site()
    room.report(ONE, title="市农业农村局春耕物资储备再创新高")
    with pytest.raises(LeakError) as raised:
        direct_update(room, site, planted="春耕物资储备再创新高")
    assert "手机号 139****5678 出现在网站页面" in str(raised.value)
    assert snapshot(served(room.root)) == before


def test_a_registered_phone_added_to_a_report_is_refused_and_the_preview_kept(started):
    room, preview = started
    before = snapshot(served(room.root))
    room.report(ONE, body="3月8日，全市春耕备耕工作全面展开。联系人李明，电话13800000001。")
    with pytest.raises(AssertionError, match=r"error\[E260\]: 手机号 138\*\*\*\*0001"):
        public_part(preview)  # check refuses it (Preview shows the error on every page)
    assert snapshot(served(room.root)) == before
    assert "13800000001" not in texts(served(room.root))


def test_a_string_newly_forbidden_in_an_unchanged_page_is_found(started):
    """More forbidden than when the served pages were searched: every page is searched again."""
    room, preview = started
    site = preview.public_site()
    room.report(ONE, title="市农业农村局春耕物资储备再创新高")
    with pytest.raises(LeakError) as raised:
        direct_update(room, site, forbidden_extra=[TITLE_TWO])
    assert f"docs/items/{TWO}.md" in str(raised.value)  # not edited, yet searched


def test_covers_is_strict():
    class Guard:
        def __init__(self, registry: str, allowed: set[str], public: bool = True):
            self.registry = type("R", (), {"fingerprint": registry})()
            self.allowed, self.public = frozenset(allowed), public

    was = gate_key(["a", "b"], Guard("1", {"x"}))
    assert covers(was, gate_key(["a"], Guard("1", {"x", "y"})))
    assert not covers(was, gate_key(["a", "c"], Guard("1", {"x"})))  # a string forbidden now
    assert not covers(was, gate_key(["a"], Guard("2", {"x"})))  # a phone registered
    assert not covers(was, gate_key(["a"], Guard("1", set())))  # a public contact withdrawn
    assert not covers(None, was)
    assert PreviewSite("site", Path("/nowhere")).files is None
