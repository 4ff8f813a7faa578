"""The check cache is keyed by content: an edit is never hidden by a stale entry."""

from __future__ import annotations

from datetime import date

from helpers.newsroom import ISSUE

from bulletin.check import run_check

TODAY = date(2026, 11, 27)
SHARDS = "build/.cache/check-*.marshal"  # bulletin.cache.SHARDS files


def test_edit_after_cached_check_is_seen(newsroom):
    assert run_check(newsroom.root, TODAY).problems == []
    assert list(newsroom.root.glob(SHARDS))
    newsroom.report(category="新闻")
    assert [p.code for p in run_check(newsroom.root, TODAY).problems] == ["E103"]
    newsroom.report()
    assert run_check(newsroom.root, TODAY).problems == []


def test_corrupt_or_foreign_cache_is_ignored(newsroom):
    run_check(newsroom.root, TODAY)
    for shard in (newsroom.root / "build/.cache").glob("check-*.marshal"):
        shard.write_bytes(b"\x00garbage")
    newsroom.report(unit="zzz")
    assert [p.code for p in run_check(newsroom.root, TODAY).problems] == ["E203"]


def test_a_first_check_whose_shards_cannot_be_written_still_ends_with_its_problems(newsroom, monkeypatch):
    """Folders where the cache's shard files go (the child writing the loader's entries fails
    on them, and so does the end's save): the check says what it found, and the next one too."""
    from bulletin import forked

    monkeypatch.setattr(forked, "MIN_ITEMS", 2)  # the loader's halves and the early writing
    background, joined = forked.background, []

    def recorded(work, count):
        join = background(work, count)
        return lambda: joined.append(join()) or joined[-1]

    monkeypatch.setattr(forked, "background", recorded)
    for n in range(2, 6):
        newsroom.report(f"2026-03-nyj-{n:03d}", title=f"第{n}篇", body=f"正文第{n}篇。")
    newsroom.report("2026-03-nyj-009", unit="zzz", title="第九篇")
    for kind in ("check", "anchors", "rules"):
        for n in range(16):
            (newsroom.root / f"build/.cache/{kind}-{n:02d}.marshal").mkdir(parents=True)
    for _ in range(2):
        assert [(p.path, p.code) for p in run_check(newsroom.root, TODAY).problems] == [
            ("content/2026/03/2026-03-nyj-009.md", "E203")]
    assert joined == [False, False]  # each first check's child tried, and failed


def test_check_works_without_cache(newsroom):
    newsroom.report(unit="zzz")
    assert [p.code for p in run_check(newsroom.root, TODAY, use_cache=False).problems] == ["E203"]
    assert list((newsroom.root / "build/.cache").glob("check*")) == []


def test_a_kept_report_judgement_is_judged_again_when_a_setting_file_changes(newsroom):
    from helpers.newsroom import UNITS

    newsroom.report(unit="jyj", author="赵敏")
    assert run_check(newsroom.root, TODAY).problems == []
    newsroom.write("units.yaml", UNITS.replace("id: jyj", "id: jyj2"))  # the report is unchanged
    assert [p.code for p in run_check(newsroom.root, TODAY).problems] == ["E203"]


def test_a_follows_target_removed_is_seen_though_the_follower_is_unchanged(newsroom):
    from helpers.newsroom import report_text

    newsroom.report()
    newsroom.write("content/2026/03/2026-03-nyj-002.md", report_text("2026-03-nyj-002", follows="2026-03-nyj-001"))
    assert run_check(newsroom.root, TODAY).problems == []
    newsroom.remove("content/2026/03/2026-03-nyj-001.md")
    found = run_check(newsroom.root, TODAY).problems
    assert sorted((p.path, p.code) for p in found) == [("content/2026/03/2026-03-nyj-002.md", "E205"),
                                                       ("issues/zwxx/2026/018.yaml", "E207")]  # the issue's item too


def test_a_report_moved_to_another_path_is_judged_at_its_new_path(newsroom):
    newsroom.report(unit="zzz")
    assert [p.path for p in run_check(newsroom.root, TODAY).problems] == ["content/2026/03/2026-03-nyj-001.md"]
    text = (newsroom.root / "content/2026/03/2026-03-nyj-001.md").read_bytes()
    newsroom.remove("content/2026/03/2026-03-nyj-001.md")
    newsroom.write("content/2026/04/2026-03-nyj-001.md", text)
    assert sorted((p.path, p.code) for p in run_check(newsroom.root, TODAY).problems) == [
        ("content/2026/04/2026-03-nyj-001.md", "E203"), ("content/2026/04/2026-03-nyj-001.md", "E217")]


def test_only_the_shards_whose_entries_changed_are_rewritten(newsroom):
    """A five-year archive's cache is 170 MB: a run that changed one file rewrites a few shards,
    of the loader's set (check-NN) and of the rules' (rules-NN) alike."""
    from bulletin.cache import RULE_KINDS, DigestCache, shard_of
    from bulletin.cache import SHARDS as COUNT
    from bulletin.schema import fingerprint

    def mtimes(kind):
        return {p.name: p.stat().st_mtime_ns for p in newsroom.root.glob(f"build/.cache/{kind}-*.marshal")}

    for n in range(2, 30):
        newsroom.report(f"2026-03-nyj-{n:03d}", title=f"第{n}篇", body=f"正文第{n}篇。")
    run_check(newsroom.root, TODAY)
    written = {kind: mtimes(kind) for kind in ("check", "rules")}
    assert [len(files) for files in written.values()] == [COUNT, COUNT]  # 29 reports fill every shard
    run_check(newsroom.root, TODAY)
    assert {kind: mtimes(kind) for kind in ("check", "rules")} == written  # nothing made, nothing lost
    before = DigestCache(newsroom.root / "build/.cache/check.marshal", fingerprint())
    newsroom.report("2026-03-nyj-007", title="改过的标题", body="改过的正文。")
    run_check(newsroom.root, TODAY)
    after = DigestCache(newsroom.root / "build/.cache/check.marshal", fingerprint())
    made, dropped = after.old.keys() - before.old.keys(), before.old.keys() - after.old.keys()
    assert made and dropped  # the edited report's entries replaced its old ones
    for kind, ours in (("check", lambda k: not k.startswith(RULE_KINDS)), ("rules", lambda k: k.startswith(RULE_KINDS))):
        touched = {shard_of(k) for k in made | dropped if ours(k)}
        now = mtimes(kind)
        assert {n for n in range(COUNT) if now[f"{kind}-{n:02d}.marshal"] != written[kind][f"{kind}-{n:02d}.marshal"]} == touched
        assert 0 < len(touched) < COUNT


def test_a_new_program_parses_every_file_again(newsroom, monkeypatch):
    """Parsed YAML and its slips (yamlhints) are the program's work as much as its judgements
    are: an entry kept by another version of bulletin is never used."""
    from bulletin import cache as cache_module
    from bulletin.cache import DigestCache

    newsroom.report()
    path = newsroom.root / "build" / ".cache" / "check.marshal"
    run_check(newsroom.root, date(2026, 3, 12))
    kept = DigestCache(path, _check_salt())
    assert kept.old  # the check kept its parsed files
    monkeypatch.setattr(cache_module, "code_digest", lambda: b"another program")
    assert DigestCache(path, _check_salt()).old == {}


def _check_salt() -> str:
    from bulletin import schema

    return schema.fingerprint()


def test_sentence_anchors_are_read_only_when_the_duplicate_search_runs_again(newsroom, monkeypatch):
    """A third of a five-year cache is sentence anchors: a run after a new issue (the search
    replayed) neither reads nor rewrites them; an edited body reads them and prunes its old ones."""
    from bulletin import cache as cache_module
    from bulletin.cache import DigestCache
    from bulletin.schema import fingerprint

    for n in range(1, 6):
        newsroom.report(f"2026-03-nyj-{n:03d}", title=f"第{n}篇", body=f"第{n}篇正文说的是春耕备耕的进展情况。")
    run_check(newsroom.root, TODAY)
    anchors = sorted(newsroom.root.glob("build/.cache/anchors-*.marshal"))
    assert anchors and not {p.name for p in anchors} & {p.name for p in newsroom.root.glob(SHARDS)}
    written = {p: p.stat().st_mtime_ns for p in anchors}
    read: list[str] = []
    real = cache_module._Shards._read
    monkeypatch.setattr(cache_module._Shards, "_read", lambda self, path: read.append(path.name) or real(self, path))
    newsroom.write("issues/zwxx/2026/019.yaml", ISSUE.replace("number: 18", "number: 19"))
    run_check(newsroom.root, TODAY)
    assert not [name for name in read if name.startswith("anchors")]
    assert {p: p.stat().st_mtime_ns for p in anchors} == written
    cache = DigestCache(newsroom.root / "build/.cache/check.marshal", fingerprint())
    assert cache.holds(b"anchors:" + _key(newsroom, "2026-03-nyj-002"))
    old_key = _key(newsroom, "2026-03-nyj-002")
    newsroom.report("2026-03-nyj-002", title="第2篇", body="第2篇正文改写以后讲的是秋收冬种的安排。")
    read.clear()
    run_check(newsroom.root, TODAY)
    assert [name for name in read if name.startswith("anchors")]  # the search ran again with them
    cache = DigestCache(newsroom.root / "build/.cache/check.marshal", fingerprint())
    assert cache.holds(b"anchors:" + _key(newsroom, "2026-03-nyj-002"))
    assert not cache.holds(b"anchors:" + old_key)


def _key(newsroom, rid: str) -> bytes:
    from bulletin.cache import digest

    return digest((newsroom.root / f"content/2026/03/{rid}.md").read_bytes())


def _shared_and_unshared():
    """Two equal print views: one whose items share one string object, one with equal copies
    (a fresh parse and a replayed cache share strings differently)."""
    from pathlib import Path

    from bulletin.views import PrintIssue, PrintItem

    unit = "市农业农村局"
    copy = "".join(["市农业农村局"[:3], "市农业农村局"[3:]])
    assert copy == unit and copy is not unit

    def issue(units: tuple[str, str]) -> PrintIssue:
        items = [PrintItem(f"标题{n}", "正文", u, [], f"content/{n}.md", f"{n}.md", "") for n, u in enumerate(units)]
        return PrintIssue("zwxx/2026/018", 18, date(2026, 3, 9), "张国华", "李静", {"报": ["市委办公室"]}, 150, True,
                          "政务信息", "issue", "市政府办公室", "公开", None, None, items, {"nyj": unit}, Path("/n"), 2026)

    return issue((unit, unit)), issue((unit, copy))


def test_value_bytes_are_the_same_for_equal_values_whatever_objects_they_share():
    """pickle's memo wrote a shared string once and equal copies twice, so a print view's key
    differed between a build from a fresh parse and one from the cache: every issue of a
    five-year archive was composed again on every build."""
    import pickle

    from bulletin.cache import value_bytes

    shared, unshared = _shared_and_unshared()
    assert shared == unshared and pickle.dumps(shared, protocol=4) != pickle.dumps(unshared, protocol=4)
    assert value_bytes(shared) == value_bytes(unshared)
    unshared.items[1].unit = "市教育局"
    assert value_bytes(shared) != value_bytes(unshared)


def test_a_stat_tree_digest_does_not_depend_on_shared_numbers():
    from bulletin.filestat import Tree

    size = 10**6 + 1
    other = int(str(size))
    assert other is not size
    one = Tree(0, {"a.md": (33188, size, 5, 5, 7), "b.md": (33188, size, 6, 6, 8)})
    two = Tree(0, {"a.md": (33188, size, 5, 5, 7), "b.md": (33188, other, 6, 6, 8)})
    assert one.digest() == two.digest()
    assert one.digest() != Tree(0, {"a.md": (33188, size, 5, 5, 7)}).digest()


def test_views_from_a_fresh_parse_and_from_the_cache_have_the_same_bytes(newsroom):
    """The content keys of a build's views (a print view's stored PDF, a site's digest) must not
    depend on whether the check parsed the files or replayed its cache."""
    from bulletin.cache import value_bytes
    from bulletin.views import INTRANET, PUBLIC, print_view, site_view

    newsroom.report(adopted="[{level: city, publication: 江城信息, date: 2026-03-15}]",
                    instructions="[{leader: 市长 周文彬, level: city, date: 2026-03-12, text: 请抓好落实, "
                                 "follow_up: {owner: 市农业农村局, due: 2026-03-30, done: false}}]")
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE)

    def keys(result) -> list[bytes]:
        made = result.newsroom
        assert made.issues and made.reports
        return [value_bytes(v) for v in (site_view(made, PUBLIC), site_view(made, INTRANET),
                                         *(print_view(made, i) for i in made.issues))]

    fresh = run_check(newsroom.root, TODAY)
    replayed = run_check(newsroom.root, TODAY)
    assert keys(fresh) == keys(replayed)


def _cold_cache(root, puts):
    """A first run's cache with ``puts`` (key, value) made, as the loader makes them."""
    from bulletin.cache import DigestCache
    from bulletin.schema import fingerprint

    cache = DigestCache(root / "build/.cache/check.marshal", fingerprint())
    for key, value in puts:
        cache.put(key, value)
    return cache


def _loader_entries(count=100):
    from bulletin import anchors
    from bulletin.cache import digest

    keys = [digest(f"report {n}".encode()) for n in range(count)]
    return [(k, ("data", n)) for n, k in enumerate(keys)] + [(anchors.key(k), (n, ["锚点"])) for n, k in enumerate(keys)]


def test_a_first_run_writes_the_loaders_entries_in_a_child_and_then_only_what_came_since(newsroom, monkeypatch):
    """On a first check the loader's entries (most of a cache) are written by a child beside the
    rules (``save_loaded``); the end's ``save`` writes the rules' shards, and of the loader's
    only a shard that got an entry since. The next run finds every entry."""
    from bulletin.cache import DigestCache, shard_of
    from bulletin.schema import fingerprint

    cache = _cold_cache(newsroom.root, _loader_entries())
    cache.save_loaded(forked_items())
    cache.wait_for_writing()
    folder = newsroom.root / "build/.cache"
    early = {p.name: p.stat().st_ino for p in folder.glob("*.marshal")}
    assert len([n for n in early if n.startswith("check-")]) == 16 and len([n for n in early if n.startswith("anchors-")]) == 16
    late = b"yaml:" + b"x" * 16  # one more of the loader's kinds, after the child wrote them
    cache.put(late, ("issue", 1))
    cache.put(b"report:" + b"y" * 16, [("p", 1, "W001", "m")])
    cache.save()
    after = {p.name: p.stat().st_ino for p in folder.glob("*.marshal")}
    rewritten = {n for n in early if after[n] != early[n]}
    assert rewritten == {f"check-{shard_of(late):02d}.marshal"}
    assert [n for n in after if n.startswith("rules-")] == [f"rules-{shard_of(b'report:' + b'y' * 16):02d}.marshal"]
    kept = DigestCache(folder / "check.marshal", fingerprint())
    kept.get(_loader_entries()[-1][0])  # the anchors are read when asked for
    assert kept.old == dict(_loader_entries() + [(late, ("issue", 1)), (b"report:" + b"y" * 16, [("p", 1, "W001", "m")])])


def forked_items():
    from bulletin import forked

    return forked.MIN_ITEMS


def test_a_child_that_fails_to_write_leaves_the_writing_to_the_end(newsroom, monkeypatch):
    """A failed child (a full disk, a signal) means the end's ``save`` writes every shard."""
    import os

    from bulletin import cache as cache_module
    from bulletin.cache import DigestCache
    from bulletin.schema import fingerprint

    parent, write = os.getpid(), cache_module.atomic_write

    def fails_in_a_child(path, data):
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        write(path, data)

    monkeypatch.setattr(cache_module, "atomic_write", fails_in_a_child)
    cache = _cold_cache(newsroom.root, _loader_entries())
    cache.save_loaded(forked_items())
    cache.wait_for_writing()
    assert not list((newsroom.root / "build/.cache").glob("check-*.marshal"))
    cache.save()
    kept = DigestCache(newsroom.root / "build/.cache/check.marshal", fingerprint())
    kept.get(_loader_entries()[-1][0])
    assert kept.old == dict(_loader_entries())


def test_a_run_that_kept_entries_writes_nothing_early(newsroom, monkeypatch):
    """Where a last run's entries were kept, the rules may still use some: what a shard keeps is
    known only at the end, so no child writes early (and nothing is pruned too soon)."""
    from bulletin import forked

    first = _cold_cache(newsroom.root, _loader_entries())
    first.save()
    children = []
    monkeypatch.setattr(forked, "background", lambda work, count: children.append(count))
    second = _cold_cache(newsroom.root, _loader_entries(101)[100:101])
    second.save_loaded(forked_items())
    assert children == []


def test_a_child_writing_the_shards_copies_no_page_of_the_values_it_writes(tmp_path):
    """The child of ``save_loaded`` writes what this process holds. A marshal with references
    adds one to the count of each value it meets, and a dict of a shard's entries to each
    entry's, so the child copied every page of them (22,600 page faults on a city-year; 880
    now). The shards' marshal version counts none, and a shard with nothing kept is written
    as it was made: here the child's faults are a quarter of a version 4 writer's at most."""
    import marshal
    import os

    from bulletin import cache as cache_module
    from bulletin.cache import _Shards
    shards = _Shards(tmp_path / "check.marshal", "salt")
    # Parsed reports as the loader keeps them: a document's dicts, lists and strings, which
    # this process's model holds too.
    held = [[f"标题{n}", f"单位{n % 100}", [f"标签{n % 7}"]] for n in range(100_000)]
    for n, value in enumerate(held):
        shards.put(n.to_bytes(4, "little"), {"title": value[0], "unit": value[1], "tags": value[2]})

    def faults_of(version: int) -> int:
        pid = os.fork()
        if pid == 0:
            try:
                cache_module._MARSHAL = version
                shards.save()
            finally:
                os._exit(0)
        _, _, usage = os.wait4(pid, 0)
        return usage.ru_minflt

    with_references, written = faults_of(4), faults_of(cache_module._MARSHAL)
    assert written < with_references / 4, (written, with_references)
    assert len(held) == sum(len(marshal.loads(p.read_bytes())[1]) for p in tmp_path.glob("check-*.marshal"))
