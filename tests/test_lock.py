"""Tamper evidence: the lock written by publish, checked on every check, reported by verify."""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers.workflow import lines, run_cli

ISSUE = "issues/zwxx/2026/018.yaml"
R = "content/2026/03/2026-03-nyj-001.md"
PUBLISHED = date(2026, 3, 12)
LATER = date(2026, 3, 20)
LOCK_CODES = ("E224", "E232", "E233", "E234", "E235", "E254", "E256", "W108", "W120")


@pytest.fixture
def published(newsroom):
    """The helpers.newsroom newsroom with issue 18 published on 2026-03-12."""
    result = run_cli(newsroom.root, "publish", ISSUE, today="2026-03-12")
    assert result.code == 0, result.err
    return newsroom


def lock_lines(newsroom, today=LATER):
    return lines(newsroom.root, today, *LOCK_CODES)


def edit(newsroom, rel, old, new):
    path = newsroom.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unchanged_issue_is_consistent(published):
    assert lock_lines(published) == []
    result = run_cli(published.root, "verify", today="2026-03-20")
    assert (result.code, result.out) == (0, "zwxx/2026/018  一致\n")


def test_rewriting_yaml_without_changing_values_is_not_a_change(published):
    edit(published, R, "title: 市农业农村局春耕备耕物资储备充足", 'title: "市农业农村局春耕备耕物资储备充足"')
    edit(published, R, "submitted: 2026-03-09T16:20:00+08:00", "submitted: 2026-03-09T08:20:00Z")
    edit(published, R, "category: 动态", "category: dynamic")
    edit(published, R, "全面展开。\n", "全面展开。   \n\n\n")
    assert lock_lines(published) == []


@pytest.mark.parametrize("addition", [
    "adopted:\n  - {level: city, publication: 市委《信息快报》, date: 2026-03-15}",
    "instructions:\n  - {leader: 市长 张国华, level: own, date: 2026-03-15, text: 请抓好落实。}",
    "tags: [春耕]",
    "status: 拟采用",
    "assignment: yg-1",
    "closed: true",
    "corrections:\n  - {date: 2026-03-15, note: 补记}",
])
def test_records_added_after_publication_are_not_changes(published, addition):
    edit(published, R, "classification: 公开\n", f"classification: 公开\n{addition}\n")
    assert lock_lines(published) == []


@pytest.mark.parametrize(("old", "new"), [
    ("submitted: 2026-03-09T16:20:00+08:00", "submitted: 2026-03-09T17:20:00+08:00"),
    ("signed_off_by: 副局长 陈立", "signed_off_by: 局长 李强"),
    ("author: 李明", "author: 王小红"),
])
def test_record_metadata_may_be_corrected_after_publication(published, old, new):
    """Issue 12.7: only what was published is locked; who signed it off and when it came in are records."""
    edit(published, R, old, new)
    assert lock_lines(published) == []


def test_the_lock_covers_exactly_the_published_fields(published):
    """An allowlist: a field added to reports later (withdrawn, contact, ...) is outside the lock."""
    from bulletin.check import run_check
    from bulletin.lock import PUBLISHED_FIELDS, report_fields

    newsroom = run_check(published.root, LATER).newsroom
    fields = report_fields(newsroom.reports["2026-03-nyj-001"], newsroom.root)
    assert tuple(fields) == PUBLISHED_FIELDS == (
        "title", "unit", "co_units", "category", "classification", "urgency", "body", "images")


@pytest.mark.parametrize(("old", "new"), [
    ("全面展开。", "全面展开，进展顺利。"),
    ("title: 市农业农村局春耕备耕物资储备充足", "title: 市农业农村局春耕物资储备充足"),
    ("classification: 公开", "classification: 内部"),
    ("category: 动态", "category: 经验"),
    ("category: 动态", "category: 动态\nurgency: 加急"),
    ("unit: nyj", "unit: jyj"),
    ("unit: nyj", "unit: nyj\nco_units: [jyj]"),
])
def test_any_change_of_the_published_text_is_an_error(published, old, new):
    edit(published, R, old, new)
    assert lock_lines(published) == [
        f"{R}:2: error[E224]: 本稿已在 zwxx/2026/018（2026-03-12）发布，此后内容被改动，但没有 2026-03-12 或之后的更正记录；"
        "请恢复原文，或在 corrections 中写明更正，例如 corrections: [{date: 2026-03-20, note: 更正第二段数字}]"
    ]
    result = run_cli(published.root, "verify", today="2026-03-20")
    assert (result.code, result.out) == (1, "zwxx/2026/018  已变更：2026-03-nyj-001（内容改动，无更正记录）\n")


def _correct(newsroom, day: str, note: str = "更正数字") -> None:
    edit(newsroom, R, "classification: 公开\n", f"classification: 公开\ncorrections:\n  - {{date: {day}, note: {note}}}\n")


def test_a_correction_dated_before_publication_does_not_cover_a_change(published):
    edit(published, R, "全面展开。", "全面展开，进展顺利。")
    _correct(published, "2026-03-11")
    assert [p.split(": ")[1] for p in lock_lines(published)] == ["error[E224]"]


def test_a_correction_dated_on_or_after_publication_covers_the_change(published):
    edit(published, R, "全面展开。", "全面展开，进展顺利。")
    _correct(published, "2026-03-12")
    assert lock_lines(published) == [
        f"{R}:10: warning[W108]: 本稿已在 zwxx/2026/018 发布，发布后按 2026-03-12 的更正记录作了修改；"
        f"请运行 bulletin publish {ISSUE} 重新锁定，以便发现此后的改动"
    ]
    result = run_cli(published.root, "verify", today="2026-03-20")
    assert (result.code, result.out) == (0, "zwxx/2026/018  已变更：2026-03-nyj-001（内容改动，有 2026-03-12 的更正记录）\n")


def test_relock_after_a_correction_catches_the_next_change(published):
    edit(published, R, "全面展开。", "全面展开，进展顺利。")
    _correct(published, "2026-03-15")
    before = (published.root / ISSUE).read_text(encoding="utf-8").split("\n")
    result = run_cli(published.root, "publish", ISSUE, today="2026-03-16")
    assert result.code == 0
    assert result.err == "已按更正记录重新锁定 2026-03-nyj-001；此后再改动须另写更正记录\n"
    after = (published.root / ISSUE).read_text(encoding="utf-8").split("\n")
    assert after[:18] == before[:18]  # only the item's digest changes, and `corrected` is added
    assert after[18] != before[18] and after[18].startswith("    2026-03-nyj-001: ")
    assert after[19:] == [*before[19:-1], "  corrected:", "    2026-03-nyj-001: 1", ""]
    assert lock_lines(published) == []
    edit(published, R, "进展顺利", "进展很顺利")
    assert lock_lines(published) == [
        f"{R}:2: error[E224]: 本稿已在 zwxx/2026/018 发布，已有的 1 条更正记录在重新锁定时已计入，此后内容又被改动；"
        "请恢复原文，或在 corrections 中再写一条更正，例如 - {date: 2026-03-20, note: 更正第二段数字}"
    ]
    edit(published, R, "note: 更正数字}\n", "note: 更正数字}\n  - {date: 2026-03-18, note: 再次更正}\n")
    assert [p.split(": ")[1] for p in lock_lines(published)] == ["warning[W108]"]


def test_a_deleted_report_is_an_error(published):
    published.remove(R)
    assert lock_lines(published) == [
        f"{ISSUE}:9: error[E235]: 稿件 2026-03-nyj-001 已在本期发布，但 content/ 中已找不到它；请恢复该稿件文件"
    ]


def test_items_added_or_removed_after_publication_are_errors(published):
    published.report("2026-03-nyj-002")
    edit(published, ISSUE, "  - 2026-03-nyj-001\n", "  - 2026-03-nyj-001\n  - 2026-03-nyj-002\n")
    found = lock_lines(published)
    assert f"{ISSUE}:10: error[E233]: 稿件 2026-03-nyj-002 是本期 2026-03-12 发布后才加入的；已发布的期刊不能增加条目，请编入新的一期" in found
    edit(published, ISSUE, "  - 2026-03-nyj-001\n", "")
    assert f"{ISSUE}:19: error[E233]: 稿件 2026-03-nyj-001 是本期发布时的条目，现已从 items 中删去；请恢复该条目" in lock_lines(published)


@pytest.mark.parametrize(("old", "new"), [
    ("date: 2026-03-12\nstatus", "date: 2026-03-13\nstatus"),
    ("copies: 120", "copies: 100"),
    ("  - 2026-03-nyj-001\n", "  - {id: 2026-03-nyj-001, title: 春耕物资储备充足}\n"),
    ("signer: 张国华", "signer: 王明"),
])
def test_printed_fields_of_a_published_issue_cannot_change(published, old, new):
    edit(published, ISSUE, old, new)
    assert lock_lines(published) == [
        f"{ISSUE}:17: error[E233]: 本期于 2026-03-12 发布后，期刊文件中的期号、日期、条目标题、报送范围或印数等被改动；"
        "已发布的期刊不能修改，请用 git diff 找出改动并恢复原样"
    ]


def test_a_hand_edited_lock_is_an_error(published):
    text = (published.root / ISSUE).read_text(encoding="utf-8")
    digest = text.split("2026-03-nyj-001: ")[1].split("\n")[0]
    edit(published, ISSUE, f"2026-03-nyj-001: {digest}", "2026-03-nyj-001: 0000")
    assert lock_lines(published) == [
        f"{ISSUE}:14: error[E232]: lock.items 应是“稿件 id: 摘要”的映射；lock 由 bulletin publish 写入，请用 git 恢复原来的 lock，不要手改"
    ]


def test_turning_a_published_issue_back_into_a_draft_is_an_error(published):
    edit(published, ISSUE, "status: published", "status: draft")
    assert lock_lines(published) == [
        f"{ISSUE}:5: error[E234]: 本期带有锁定摘要，说明已经发布过；已发布的期刊不能改回草稿，请把 status 改回 published"
    ]


def test_published_without_lock_is_an_error_that_publish_cannot_paper_over(newsroom):
    """Deleting the lock and running publish must not write a fresh lock over edited text."""
    edit(newsroom, ISSUE, "status: draft", "status: published")
    assert lock_lines(newsroom) == [
        f"{ISSUE}:5: error[E254]: 本期标为已发布，但没有锁定摘要（lock），发布后的改动无法发现；若 lock 被删去，"
        f"请用 git 恢复原来的 lock；若本期从未用 bulletin publish 发布，请把 status 改为 draft 后运行 bulletin publish {ISSUE}"
    ]
    before = (newsroom.root / ISSUE).read_text(encoding="utf-8")
    result = run_cli(newsroom.root, "publish", ISSUE, today="2026-03-20")
    assert result.code == 1 and "error[E254]" in result.err
    assert (newsroom.root / ISSUE).read_text(encoding="utf-8") == before
    verify = run_cli(newsroom.root, "verify", today="2026-03-20")
    assert (verify.code, verify.out) == (1, "zwxx/2026/018  未锁定\n")
    edit(newsroom, ISSUE, "status: published", "status: draft")
    assert run_cli(newsroom.root, "publish", ISSUE, today="2026-03-20").code == 0
    assert lock_lines(newsroom) == []
    again = run_cli(newsroom.root, "publish", ISSUE, today="2026-03-21")
    assert (again.code, again.err) == (0, f"{ISSUE} 已发布，锁定摘要一致，无需重复发布\n")


def test_verify_json_lists_every_published_issue(published):
    published.write("issues/zwxx/2026/019.yaml", (published.root / ISSUE).read_text(encoding="utf-8")
                    .replace("number: 18", "number: 19").split("lock:")[0])
    edit(published, R, "全面展开。", "全面展开，进展顺利。")
    _correct(published, "2026-03-14")
    result = run_cli(published.root, "verify", "--format", "json", today="2026-03-20")
    assert result.code == 1
    assert json.loads(result.out) == {
        "issues": [
            {"issue": "zwxx/2026/018", "path": ISSUE, "state": "已变更", "locked": "2026-03-12", "malformed": None,
             "changes": [{"id": "2026-03-nyj-001", "change": "内容改动", "corrected": True, "corrections": ["2026-03-14"]}]},
            {"issue": "zwxx/2026/019", "path": "issues/zwxx/2026/019.yaml", "state": "未锁定", "locked": None,
             "malformed": None, "changes": []},
        ],
        "tampered": 1,
        "history": [],
    }
    assert result.err == "核对了 2 期已发布期刊：1 期已变更，其中 1 期有未经更正的改动\n"


def test_lock_is_checked_by_build_too(published):
    edit(published, R, "全面展开。", "全面展开，进展顺利。")
    result = run_cli(published.root, "build", "--only", "notices", today="2026-03-20")
    assert result.code == 1
    assert "error[E224]" in result.err
    assert not (published.root / "build" / "notices").exists()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)


def test_images_are_part_of_the_lock(newsroom):
    newsroom.write("content/2026/03/图1.png", PNG + b"first")
    newsroom.report(body="3月8日，全市春耕备耕工作全面展开。\n\n![田间作业](图1.png)")
    assert run_cli(newsroom.root, "publish", ISSUE, today="2026-03-12").code == 0
    assert lock_lines(newsroom) == []
    newsroom.write("content/2026/03/图1.png", PNG + b"other")  # same name, other picture
    assert [p.split(": ", 2)[1] for p in lock_lines(newsroom)] == ["error[E224]"]
    newsroom.write("content/2026/03/图1.png", PNG + b"first")
    assert lock_lines(newsroom) == []


def test_a_renamed_unit_keeps_its_printed_name_with_a_warning(published):
    """机构改革: units.yaml renames nyj; the published issue's pages and PDF keep the old name."""
    from bulletin.check import run_check
    from bulletin.views import INTRANET, print_view, site_view

    edit(published, "units.yaml", "name: 市农业农村局", "name: 市农业农村委员会")
    edit(published, "issues/series.yaml", "name: 政务信息", "name: 江城政务信息")
    assert lock_lines(published) == [
        "issues/series.yaml:1: warning[W120]: 刊物 zwxx 现名“江城政务信息”，但有 1 期已发布的期刊印的是“政务信息”；"
        "这些期刊的网页和 PDF 仍按发布时的名称显示，新的期刊用新名称",
        "units.yaml:3: warning[W120]: 单位 nyj 现名“市农业农村委员会”，但有 1 期已发布的期刊印的是“市农业农村局”；"
        "这些期刊的网页和 PDF 仍按发布时的名称显示，新的期刊用新名称",
    ]
    newsroom = run_check(published.root, LATER).newsroom
    issue = newsroom.issues[0]
    printed = print_view(newsroom, issue)
    assert (printed.series_name, printed.unit_names["nyj"]) == ("政务信息", "市农业农村局")
    view = site_view(newsroom, INTRANET)
    assert view.items["2026-03-nyj-001"].unit_name == "市农业农村局"
    assert [i.series_name for i in view.issues] == ["政务信息"]
    assert view.units["nyj"] == "市农业农村委员会"  # the unit itself goes by its new name


def test_locks_written_before_version_2_still_verify(published):
    """The sample's locks have no version: verified over the fields they covered, images not among them."""
    from bulletin import lock as locks
    from bulletin.check import run_check

    newsroom = run_check(published.root, LATER).newsroom
    issue = newsroom.issues[0]
    report = newsroom.reports["2026-03-nyj-001"]
    text = (published.root / ISSUE).read_text(encoding="utf-8").split("lock:")[0]
    (published.root / ISSUE).write_text(
        text + f"lock:\n  date: 2026-03-12\n  algorithm: sha256\n  issue: {locks.issue_digest(issue)}\n  items:\n"
        f"    2026-03-nyj-001: {locks.digest(locks._report_fields_v1(report))}\n", encoding="utf-8")
    assert lock_lines(published) == []
    edit(published, R, "signed_off_by: 副局长 陈立", "signed_off_by: 局长 李强")  # covered by version 1
    assert [p.split(": ", 2)[1] for p in lock_lines(published)] == ["error[E224]"]
    _correct(published, "2026-03-15")
    assert run_cli(published.root, "publish", ISSUE, today="2026-03-16").code == 0
    after = (published.root / ISSUE).read_text(encoding="utf-8")
    assert "version" not in after and "names" not in after  # a re-lock keeps the lock's version
    assert lock_lines(published) == []


def test_a_second_check_finds_each_locked_items_digest_in_the_cache(published, monkeypatch):
    """Re-checking a five-year archive must not digest its 8,400 published items again: the
    digest is kept by the report's bytes; an edited report is digested afresh (and caught)."""
    from bulletin import lock as locks
    from bulletin.check import run_check

    run_check(published.root, LATER)
    digested: list[str] = []
    real = locks.report_fields
    monkeypatch.setattr(locks, "report_fields", lambda report, root: digested.append(report.id) or real(report, root))
    assert [p for p in run_check(published.root, LATER).problems if p.code in LOCK_CODES] == []
    assert digested == []
    edit(published, R, "全面展开。", "全面展开，进展顺利。")
    assert [p.split(": ")[1] for p in lock_lines(published)] == ["error[E224]"]
    assert digested == ["2026-03-nyj-001"]


def test_an_items_images_are_digested_on_every_check(newsroom, monkeypatch):
    """An image's bytes are not in the report's key, so a report with images is never taken
    from the cache: a picture replaced under the same name is still caught."""
    from bulletin import lock as locks
    from bulletin.check import run_check

    newsroom.write("content/2026/03/图1.png", PNG + b"first")
    newsroom.report(body="3月8日，全市春耕备耕工作全面展开。\n\n![田间作业](图1.png)")
    assert run_cli(newsroom.root, "publish", ISSUE, today="2026-03-12").code == 0
    run_check(newsroom.root, LATER)
    digested: list[str] = []
    real = locks.report_fields
    monkeypatch.setattr(locks, "report_fields", lambda report, root: digested.append(report.id) or real(report, root))
    assert lock_lines(newsroom) == []
    assert digested == ["2026-03-nyj-001"]
