"""Each check rule on a minimal newsroom: the exact code, file and line."""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers.newsroom import ISSUE, report_text

from bulletin import schema
from bulletin.check import run_check
from bulletin.cli import main

TODAY = date(2026, 11, 27)
REPORT = "content/2026/03/2026-03-nyj-001.md"


def found(newsroom) -> list[str]:
    return [p.format() for p in run_check(newsroom.root, TODAY).problems]


def codes(newsroom) -> list[tuple[str, int, str]]:
    return [(p.path, p.line, p.code) for p in run_check(newsroom.root, TODAY).problems]


def test_minimal_newsroom_is_clean(newsroom):
    assert found(newsroom) == []


def test_cli_check_exit_codes_and_output(newsroom, capsys):
    assert main(["check", "--root", str(newsroom.root), "--today", "2026-11-27"]) == 0
    newsroom.report(unit="nope")
    assert main(["--root", str(newsroom.root), "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{REPORT}:4: error[E203]: 单位 nope 不在 units.yaml 中；可用的单位有 nyj、jyj、old"]


def test_cli_check_json(newsroom, capsys):
    newsroom.report(classification=None)
    assert main(["check", "--format", "json", "--root", str(newsroom.root)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 0 and data["warnings"] == 1
    assert data["problems"][0] == {
        "path": REPORT, "line": 2, "severity": "warning", "code": "W001",
        "message": "没有写密级，按内部处理，不会上公众网站；请写 classification: 公开 或 内部",
    }


def test_usage_errors_exit_2(newsroom, capsys):
    assert main(["check", "--root", str(newsroom.root), "--today", "2026-13-01"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert main(["check", "--root", str(newsroom.root / "missing")]) == 2


def test_required_key(newsroom):
    newsroom.report(author=None)
    assert found(newsroom) == [f"{REPORT}:2: error[E101]: 缺少必填项 author，请补上，例如 \"王小红\""]


def test_unknown_key_suggests(newsroom):
    newsroom.report(catgory="动态")
    assert f"{REPORT}:10: error[E104]: 未知的键 catgory：您是否想写 category？" in found(newsroom)


def test_enum_accepts_alias_and_rejects_unknown(newsroom):
    newsroom.report(category="research", classification="public")
    assert found(newsroom) == []
    newsroom.report(category="新闻")
    assert codes(newsroom) == [(REPORT, 8, "E103")]


def test_type_and_date(newsroom):
    newsroom.report(submitted="2026-02-30T10:00:00+08:00", folder="2026/02", rid="2026-03-nyj-001")
    newsroom.remove(REPORT)
    lines = found(newsroom)
    assert lines[0].startswith("content/2026/02/2026-03-nyj-001.md:7: error[E106]: submitted 的值 2026-02-30T10:00:00+08:00 不是有效的日期或时间")
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE.replace("copies: 120", "copies: 很多"))
    assert ("issues/zwxx/2026/018.yaml", 13, "E102") in codes(newsroom)


def test_id_pattern_and_stem(newsroom):
    newsroom.write(REPORT, report_text("other-id"))
    assert codes(newsroom) == [(REPORT, 2, "E201"), ("issues/zwxx/2026/018.yaml", 9, "E207")]


def test_duplicate_ids(newsroom):
    newsroom.write("content/2026/03/copy.md", report_text("2026-03-nyj-001"))
    assert ("content/2026/03/copy.md", 2, "E202") in codes(newsroom)


def test_folder_matches_submission_month(newsroom):
    newsroom.report(submitted="2026-04-01T09:00:00+08:00")
    assert found(newsroom)[0] == f"{REPORT}:7: error[E217]: 收稿时间在 2026-04，稿件应放在 content/2026/04/ 目录下"


def test_time_without_zone_is_shanghai(newsroom):
    # 17:00 UTC on 28 February is already 1 March in Shanghai, so the March folder is right.
    newsroom.report(submitted="2026-02-28T17:00:00Z")
    assert found(newsroom) == []
    newsroom.report(submitted="2026-02-28T15:00:00Z")  # 23:00 on 28 February: 王小红 was still the officer
    assert codes(newsroom) == [(REPORT, 5, "W002"), (REPORT, 7, "E217")]
    newsroom.report(submitted="'2026-03-10 23:30'")
    assert found(newsroom) == []


def test_references(newsroom):
    newsroom.report(co_units="[nyj, zzz]", follows="nothing", assignment="yg-9")
    assert codes(newsroom) == [
        (REPORT, 10, "E204"), (REPORT, 10, "E204"), (REPORT, 11, "E205"), (REPORT, 12, "E206"),
    ]


def test_secrecy_event_time_reject_reason(newsroom):
    newsroom.report(classification="秘密", category="紧急", status="不采用", closed="true")
    assert codes(newsroom) == [
        (REPORT, 8, "E213"), (REPORT, 9, "E212"), (REPORT, 10, "E214"),
        ("issues/zwxx/2026/018.yaml", 9, "E220"),
    ]


def test_adoption_and_instruction_levels(newsroom):
    body = "3月8日，开展检查。"
    text = report_text(body=body).replace(
        "---\n\n",
        "adopted:\n  - {level: county, publication: 县简报, date: 2026-03-20}\n"
        "instructions:\n  - {leader: 市长 张三, level: mayor, date: 2026-03-21, text: 阅}\n---\n\n",
    )
    newsroom.write(REPORT, text)
    assert codes(newsroom) == [(REPORT, 11, "E215"), (REPORT, 13, "E215")]


def test_issue_path_and_duplicates(newsroom):
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE)
    lines = found(newsroom)
    assert "issues/zwxx/2026/019.yaml:3: error[E209]: number 写的是 18，但文件路径表示 19；请使两者一致" in lines
    assert any(line.startswith("issues/zwxx/2026/019.yaml:3: error[E210]: 第18期与 issues/zwxx/2026/018.yaml 重号") for line in lines)
    assert "bulletin renumber issues/zwxx/2026/019.yaml 19" in lines[-1]


def test_issue_misplaced_and_unknown_series(newsroom):
    newsroom.write("issues/zwxx/18.yaml", ISSUE)
    newsroom.write("issues/abc/2026/001.yaml", ISSUE.replace("series: zwxx", "series: abc").replace("number: 18", "number: 1"))
    got = codes(newsroom)
    assert ("issues/zwxx/18.yaml", 1, "E223") in got
    assert ("issues/abc/2026/001.yaml", 1, "E208") in got


def test_issue_items_and_classification(newsroom):
    newsroom.report(classification="秘密", secrecy_term="1年")
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE.replace("copies: 120", "copies: 120\nclassification: 内部")
                   .replace("  - 2026-03-nyj-001", "  - 2026-03-nyj-001\n  - 2026-03-nyj-001\n  - {id: ghost, title: 标题}"))
    assert codes(newsroom) == [
        ("issues/zwxx/2026/018.yaml", 10, "E219"),
        ("issues/zwxx/2026/018.yaml", 11, "E207"),
        ("issues/zwxx/2026/018.yaml", 16, "E211"),
    ]


def test_follow_cycle(newsroom):
    newsroom.report(follows="2026-03-nyj-002")
    newsroom.report("2026-03-nyj-002", follows="2026-03-nyj-001")
    assert [c for c in codes(newsroom) if c[2] == "E221"] == [
        (REPORT, 10, "E221"), ("content/2026/03/2026-03-nyj-002.md", 10, "E221"),
    ]


def test_units_and_assignments(newsroom):
    newsroom.write("units.yaml", "units:\n  - {id: nyj, name: 甲}\n  - {id: nyj, name: 乙}\n")
    newsroom.write("issues/assignments.yaml", "- {id: a, topic: t, issued: 2026-03-05, due: 2026-03-01, units: [nope]}\n")
    got = codes(newsroom)
    assert ("units.yaml", 3, "E218") in got
    assert ("issues/assignments.yaml", 1, "E222") in got
    assert ("issues/assignments.yaml", 1, "E107") in got


def test_scoring_rules(newsroom):
    from helpers.newsroom import SCORING

    newsroom.write("scoring.yaml", SCORING.replace("bulletin: 1, special", "bulletn: 1, special")
                   .replace("city:     {default: 3}", "city:     {special: 3}").replace("调研: 2", "调查: 2"))
    got = codes(newsroom)
    assert ("scoring.yaml", 3, "E216") in got  # unknown kind bulletn, and own lacks bulletin
    assert ("scoring.yaml", 4, "E216") in got  # city without default
    assert ("scoring.yaml", 9, "E216") in got  # unknown category


def test_warnings(newsroom):
    newsroom.report(author="张三", unit="old", body="近日，全市开展检查。")
    assert found(newsroom) == [
        f"{REPORT}:4: warning[W003]: 原市物价局已停用；请确认报送单位是否正确",
        f"{REPORT}:5: warning[W002]: 作者 张三 不是原市物价局在 2026-03-09 的备案信息员（钱进）；请核对作者或更新备案",
        f"{REPORT}:12: warning[W004]: 首段使用了模糊时间词“近日”；请写明具体日期，如“3月8日”",
    ]


def test_officer_history_uses_date(newsroom):
    newsroom.report(author="王小红")  # 王小红 handed over to 李明 on 2026-03-01
    assert codes(newsroom) == [(REPORT, 5, "W002")]
    newsroom.report(author="王小红", submitted="2026-02-27T09:00:00+08:00", folder="2026/02")
    newsroom.remove(REPORT)
    assert found(newsroom) == []


def test_urgent_late(newsroom):
    newsroom.report(category="紧急", event_time="2026-03-09T10:00:00+08:00", closed="true")
    assert found(newsroom) == [f"{REPORT}:7: warning[W005]: 紧急信息在事件发生 6.3 小时后才报送，超过 4 小时时限"]
    newsroom.report(category="紧急", event_time="2026-03-09T13:00:00+08:00", closed="true")
    assert found(newsroom) == []


def test_issue_date_before_item(newsroom):
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE.replace("date: 2026-03-12", "date: 2026-03-01"))
    assert codes(newsroom) == [("issues/zwxx/2026/018.yaml", 9, "W006")]


def test_vague_time_words_but_not_dates(newsroom):
    newsroom.report(body="全市将于3月15日前完成春播，二十日前完成检查。")
    assert found(newsroom) == []
    newsroom.report(body="## 一、总体情况\n\n全市日前召开春耕会议。\n\n近期还将开展检查。")
    assert found(newsroom) == [f"{REPORT}:14: warning[W004]: 首段使用了模糊时间词“日前”；请写明具体日期，如“3月8日”"]


def test_cycle_collection_pauses_while_loading_and_resumes(newsroom, monkeypatch):
    import gc

    from bulletin import check

    seen = []
    real = check.load_sources
    monkeypatch.setattr(check, "load_sources", lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    assert gc.isenabled()
    assert run_check(newsroom.root, date(2026, 11, 27)).ok
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a caller that had it off keeps it off
    try:
        run_check(newsroom.root, date(2026, 11, 27))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_cold_check_parsed_in_two_processes_finds_what_one_finds(newsroom, monkeypatch):
    """On a cold cache the reports are parsed, and their bodies' sentence anchors made, half in a
    child (bulletin.forked): the same problems at the same lines, the duplicate search never
    makes an anchor again, and the warm check after it parses nothing again."""
    from bulletin import filestat, forked, lints

    long_body = "。".join(f"第{n}段内容写得很长很长很长很长很长" for n in range(200)) + "。"
    newsroom.report("2026-03-nyj-002", unit="nosuch", body="联系人电话13912345678。")
    newsroom.report("2026-03-nyj-003", title="第三篇", body=long_body)
    newsroom.report("2026-03-nyj-004", title="第四篇", body=long_body)  # a near-copy of 003
    newsroom.report("2026-03-nyj-005", title="第五篇", category="紧急")
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19").replace("copies: 120", "copies: 很多"))
    expected = [p.format() for p in run_check(newsroom.root, TODAY, use_cache=False).problems]
    assert {p.split("[")[1][:4] for p in expected} >= {"E203", "W060", "W105", "E213"}
    assert [p.split(":")[0] for p in expected if "[E102]" in p] == ["issues/zwxx/2026/019.yaml"]
    monkeypatch.setattr(forked, "MIN_ITEMS", 2)
    assert forked.can_fork(5)  # two cores, and no other thread left in this process
    monkeypatch.setattr(filestat, "RACY_NS", 0)  # files written just now are trusted at the next run
    split, splits = forked.split_iter, []
    monkeypatch.setattr(forked, "split_iter", lambda work, items, share: splits.append(len(items)) or split(work, items, share))

    def made_again(body):
        raise AssertionError(f"anchors made again for {body[:10]}")

    monkeypatch.setattr(lints, "comparable", made_again)
    validate, issues_validated = schema.validate, []
    monkeypatch.setattr(schema, "validate", lambda kind, *a: (kind == "issue" and issues_validated.append(a[1])) or validate(kind, *a))
    assert [p.format() for p in run_check(newsroom.root, TODAY).problems] == expected
    assert splits == [7]  # the files parsed, with their anchors and the issues' schema
    assert issues_validated == ["issues/zwxx/2026/018.yaml"]  # this process's half; the child did 019
    splits.clear()
    assert [p.format() for p in run_check(newsroom.root, TODAY).problems] == expected
    assert splits == []  # warm: nothing left to parse


def _report_fields(report) -> dict:
    """A report's own fields, its links by key (the linked objects link back)."""
    from dataclasses import fields

    own = {f.name: getattr(report, f.name) for f in fields(report) if f.name not in ("issues", "followed_by")}
    return own | {"issues": [i.key for i in report.issues], "followed_by": [r.id for r in report.followed_by]}


def test_a_cold_check_makes_the_models_reports_as_it_loads_them(newsroom, monkeypatch):
    """A cold check parsed in two processes makes each report of the model as this process
    takes its document from the loader (``check._made_with_load``), not afterwards: the model
    build makes none again, and the newsroom is the one a check without the cache resolves."""
    from bulletin import filestat, forked, model

    newsroom.report("2026-03-nyj-002", title="第二篇", follows="2026-03-nyj-001")
    newsroom.report("2026-03-nyj-003", title="第三篇", category="紧急")
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19").replace(
        "  - 2026-03-nyj-001\n", "  - 2026-03-nyj-002\n  - 2026-03-nyj-003\n"))
    alone = run_check(newsroom.root, TODAY, use_cache=False).newsroom
    monkeypatch.setattr(forked, "MIN_ITEMS", 2)
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    made_again, report_of = [], model.report_of
    monkeypatch.setattr(model, "report_of", lambda doc: made_again.append(doc.path) or report_of(doc))
    cold = run_check(newsroom.root, TODAY).newsroom
    assert made_again == []
    assert sorted(cold.reports) == ["2026-03-nyj-001", "2026-03-nyj-002", "2026-03-nyj-003"]
    assert {rid: _report_fields(r) for rid, r in cold.reports.items()} == {
        rid: _report_fields(r) for rid, r in alone.reports.items()}
    assert cold.reports["2026-03-nyj-001"].followed_by == [cold.reports["2026-03-nyj-002"]]
    warm = run_check(newsroom.root, TODAY).newsroom  # from the cache: made in the model build
    assert sorted(made_again) == sorted(f"content/2026/03/{rid}.md" for rid in cold.reports)
    assert {rid: _report_fields(r) for rid, r in warm.reports.items()} == {
        rid: _report_fields(r) for rid, r in alone.reports.items()}


def test_the_commands_newsroom_is_frozen_for_the_collector_and_others_are_not(newsroom):
    """check and build keep their newsroom until the process ends: the collector is told to
    leave it (every full collection walked it again); serve and the tests check again and again."""
    import gc

    run_check(newsroom.root, TODAY)
    assert gc.get_freeze_count() == 0
    run_check(newsroom.root, TODAY, until_exit=True)
    assert gc.get_freeze_count() > 1000


def test_a_commands_check_keeps_its_result_and_cache_until_the_process_ends(newsroom, monkeypatch):
    """Freeing a five-year cache and newsroom object by object took 0.25-0.5 s at the end of a
    cold check: a command that ends with its process keeps them; serve and the tests do not."""
    import weakref

    from bulletin import check

    made = []
    init = check.DigestCache.__init__

    def recording(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(check.DigestCache, "__init__", recording)
    result = weakref.ref(run_check(newsroom.root, TODAY))
    assert (made[0](), result(), check._UNTIL_EXIT) == (None, None, [])
    kept = run_check(newsroom.root, TODAY, until_exit=True)
    assert check._UNTIL_EXIT == [made[1](), kept] and made[1]() is not None


def test_the_lints_run_in_a_child_beside_the_other_rules_and_find_what_one_process_finds(newsroom, monkeypatch):
    """On a warm check the lints (duplicate search, paths, headlines) take a second of five
    years' check: they run in a child (bulletin.forked.beside) while this process judges the
    rest. The same problems, and the entries the child used or made are kept for the next run.
    The locks' verification runs there too: the published issue's item digests come back."""
    from helpers.newsroom import seal_published

    from bulletin import filestat, forked
    from bulletin.cache import DigestCache
    from bulletin.schema import fingerprint

    long_body = "。".join(f"第{n}段内容写得很长很长很长很长很长" for n in range(200)) + "。"
    newsroom.report("2026-03-nyj-002", title="第二篇" + "长" * 40, body="联系人电话13912345678。")
    newsroom.report("2026-03-nyj-003", title="第三篇", body=long_body)
    newsroom.report("2026-03-nyj-004", title="第四篇", body=long_body)  # a near-copy of 003
    issue = newsroom.root / "issues/zwxx/2026/018.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("status: draft", "status: published"), encoding="utf-8")
    seal_published(newsroom.root)
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    run_check(newsroom.root, TODAY)  # 4 reports: no child; every entry kept
    kept = set(DigestCache(newsroom.root / "build/.cache/check.marshal", fingerprint()).old)
    newsroom.write("issues/zwxx/2026/019.yaml", (newsroom.root / "issues/zwxx/2026/018.yaml").read_text(
        encoding="utf-8").replace("number: 18", "number: 19"))
    alone = [p.format() for p in run_check(newsroom.root, TODAY, use_cache=False).problems]
    assert {p.split("[")[1][:4] for p in alone} >= {"W060", "W100", "W105"}
    monkeypatch.setattr(forked, "MIN_ITEMS", 2)
    real, children = forked.beside, []

    def counted(theirs, mine, count):
        children.append(count)
        return real(theirs, mine, count)

    monkeypatch.setattr(forked, "beside", counted)
    assert [p.format() for p in run_check(newsroom.root, TODAY).problems] == alone
    assert children == [4]
    after = set(DigestCache(newsroom.root / "build/.cache/check.marshal", fingerprint()).old)
    assert kept - after == set()  # nothing the child used was dropped
    assert [k[:7] for k in after if k.startswith(b"lock:")] == [b"lock:2:"]


def test_the_child_takes_the_last_part_of_the_reports_own_lints(newsroom, monkeypatch):
    """The reports' own lints (length, Markdown bounds) are shared: the child of the rules takes
    the last ``CHILD_SHARE`` of the reports beside the newsroom's lints, so both processes end
    together (0.45 s of a cold five-year check). This process lints only the first part, and
    the problems, those the child found included, are what one process finds."""
    import os

    from bulletin import check, forked, lints

    for n in range(2, 11):
        newsroom.report(f"2026-03-nyj-{n:03d}", title=f"第{n}篇", category="动态", body="长" * 1600)
    alone = [p.format() for p in run_check(newsroom.root, TODAY, use_cache=False).problems]
    assert sum("W101" in line for line in alone) == 9  # 002-010, the last three found in the child
    here = os.getpid()
    linted: list[str] = []
    real = lints._own_lints
    monkeypatch.setattr(lints, "_own_lints", lambda r, memo: (os.getpid() == here and linted.append(r.id)) or real(r, memo))
    monkeypatch.setattr(forked, "MIN_ITEMS", 2)
    assert [p.format() for p in run_check(newsroom.root, TODAY, use_cache=False).problems] == alone
    assert check.CHILD_SHARE == 0.3 and linted == [f"2026-03-nyj-{n:03d}" for n in range(1, 8)]  # 7 of 10 here


def test_an_unchanged_issue_file_is_not_validated_again(newsroom, monkeypatch):
    """Its schema problems are kept by the file's bytes, as a report's are: validating a
    five-year archive's 1,150 issue files took 0.2 s of every check after an edit."""
    from bulletin import schema

    newsroom.write("issues/zwxx/2026/019.yaml", "series: zwxx\nyear: 2026\nnumber: 19\ndate: 2026-03-19\nstatus: draft\ncopies: 很多\nitems: []\n")
    first = [p.format() for p in run_check(newsroom.root, TODAY).problems if p.path.startswith("issues/zwxx")]
    validated: list[str] = []
    real = schema.validate
    monkeypatch.setattr(schema, "validate", lambda kind, data, path, lines: validated.append(path) or real(kind, data, path, lines))
    assert [p.format() for p in run_check(newsroom.root, TODAY).problems if p.path.startswith("issues/zwxx")] == first
    assert any("copies" in line for line in first) and not [p for p in validated if p.startswith("issues/zwxx")]
    newsroom.write("issues/zwxx/2026/019.yaml", "series: zwxx\nyear: 2026\nnumber: 19\ndate: 2026-03-19\nstatus: draft\ncopies: 120\nitems: []\n")
    again = [p.format() for p in run_check(newsroom.root, TODAY).problems if p.path.startswith("issues/zwxx")]
    assert not any("copies" in line for line in again) and [p for p in validated if p.startswith("issues/zwxx")] == ["issues/zwxx/2026/019.yaml"]
