"""``bulletin deploy``: the target equals the build, withdrawn pages go, foreign files stay,
tampering is found, a stale or altered build is refused, and a killed deploy leaves the old set."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.newsroom import Newsroom
from helpers.site import TODAY, files_containing, plant
from helpers.workflow import run_cli

import bulletin
from bulletin.build import run_build
from bulletin.buildrecord import RECORD, sha256_of, write_record
from bulletin.deploy import MANIFEST, STAGING, is_remote

WITHDRAWN = "content/2026/03/2026-03-jyj-002.md"  # public, alone in issue 019, follows 2026-03-nyj-001
WITHDRAWN_TEXTS = ["2026-03-jyj-002", "PUBLICBODYTWO2222", "全市春耕备耕续报：化肥到位率九成", "续报：全市化肥到位率达到九成"]
DAY = TODAY.isoformat()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (bulletin's staging folder aside), by POSIX path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and STAGING not in p.relative_to(folder).parts}


def site_files(root: Path) -> dict[str, bytes]:
    built = snapshot((root / "build" / "site").resolve())
    del built[RECORD]
    return built


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    """The canary newsroom built (v1), and a copy after withdrawing 2026-03-jyj-002 and rebuilding (v2)."""
    base = tmp_path_factory.mktemp("deploy")
    v1 = base / "v1" / "newsroom"
    plant(Newsroom(v1))
    assert run_build(v1, TODAY, parts=("site",), quiet=True) == 0
    v2 = base / "v2" / "newsroom"
    shutil.copytree(v1, v2, symlinks=True)
    assert run_cli(v2, "withdraw", WITHDRAWN, "--reason", "所涉事项已调整", today=DAY).code == 0
    assert run_build(v2, TODAY, parts=("site",), quiet=True) == 0
    return v1, v2


@pytest.fixture
def own(builds, tmp_path) -> Path:
    """A copy of the built v1 newsroom that a test may alter."""
    root = tmp_path / "newsroom"
    shutil.copytree(builds[0], root, symlinks=True)
    return root


def deploy(root: Path, target: Path | str, *more: str):
    return run_cli(root, "deploy", str(target), *more, today="2026-12-01")  # any day: the build's day counts


def test_deploy_equals_the_build_and_writes_the_manifest(builds, tmp_path):
    v1, _ = builds
    target = tmp_path / "www"
    result = deploy(v1, target)
    assert result.code == 0
    built = site_files(v1)
    assert result.out == "".join(f"新增 {p}\n" for p in sorted(built))
    assert result.err == (f"已发布公众网站（{DAY} 的构建）→ {target}：新增 {len(built)}、更新 0、删除 0、未变 0 个文件；"
                          f"清单 {MANIFEST}\n")
    served = snapshot(target)
    manifest = json.loads(served.pop(MANIFEST))
    assert served == built
    record = json.loads((v1 / "build" / "site" / RECORD).read_text(encoding="utf-8"))
    assert manifest["site"] == "public" and manifest["build"] == {"digest": record["digest"], "date": DAY}
    assert manifest["files"] == [{"path": p, "size": len(b), "sha256": sha256_of(target / p)} for p, b in sorted(built.items())]
    assert (manifest["foreign"], manifest["removing"]) == ([], [])
    again = deploy(v1, target)
    assert (again.code, again.out) == (0, "")
    assert f"新增 0、更新 0、删除 0、未变 {len(built)} 个文件" in again.err
    quiet = deploy(v1, target, "--verify")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")


def test_withdrawal_and_rebuild_then_deploy_removes_the_item_and_keeps_foreign_files(builds, tmp_path):
    v1, v2 = builds
    target = tmp_path / "www"
    target.mkdir()
    (target / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")  # the server's own files
    (target / "uploads").mkdir()
    (target / "uploads" / "notice.pdf").write_bytes(b"%PDF-1.4 office upload")
    assert deploy(v1, target).code == 0
    assert files_containing(target, "PUBLICBODYTWO2222") != []  # the item was served
    assert json.loads((target / MANIFEST).read_text(encoding="utf-8"))["foreign"] == ["robots.txt", "uploads/notice.pdf"]
    result = deploy(v2, target)
    assert result.code == 0
    removed = [line.removeprefix("删除 ") for line in result.out.splitlines() if line.startswith("删除 ")]
    # its page, its issue's page, and the unit and category pages that listed only it
    assert removed == ["categories/experience/index.html", "issues/zwxx/2026/019/index.html",
                       "items/2026-03-jyj-002/index.html", "units/jyj/index.html"]
    assert "更新 search/search_index.json" in result.out.splitlines()
    for text in WITHDRAWN_TEXTS:  # page, issue page, links from other pages, search entries: all gone
        assert files_containing(target, text) == [], text
    assert not (target / "items" / "2026-03-jyj-002").exists() and not (target / "issues/zwxx/2026/019").exists()
    served = snapshot(target)
    assert served.pop("robots.txt") == b"User-agent: *\n" and served.pop("uploads/notice.pdf") == b"%PDF-1.4 office upload"
    served.pop(MANIFEST)
    assert served == site_files(v2)
    assert deploy(v2, target, "--verify").code == 0


def test_verify_names_each_file_changed_added_or_removed_on_the_server(builds, tmp_path):
    v1, _ = builds
    target = tmp_path / "www"
    assert deploy(v1, target).code == 0
    page = target / "items" / "2026-03-nyj-001" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("春耕", "已被篡改"), encoding="utf-8")
    result = deploy(v1, target, "--verify")
    assert (result.code, result.err) == (1, "")
    assert result.out == (f"{target}/items/2026-03-nyj-001/index.html: error[E360]: 与发布清单不符：网站上的文件被改动；"
                          "请重新运行 bulletin deploy 恢复\n")
    (target / "items" / "evil.html").write_text("<p>x</p>", encoding="utf-8")
    (target / "404.html").unlink()
    (target / "ops").mkdir()
    (target / "ops" / "status.txt").write_text("ok", encoding="utf-8")  # a folder bulletin never used: not its business
    as_json = deploy(v1, target, "--verify", "--format", "json")
    assert as_json.code == 1
    problems = json.loads(as_json.out)["problems"]
    assert [(p["path"], p["code"]) for p in problems] == [
        (f"{target}/404.html", "E362"), (f"{target}/items/2026-03-nyj-001/index.html", "E360"),
        (f"{target}/items/evil.html", "E361")]
    repaired = deploy(v1, target)
    assert repaired.out == "新增 404.html\n更新 items/2026-03-nyj-001/index.html\n"
    assert f"{target}/items/evil.html: warning[W350]: 不是 bulletin 发布的文件，保持原样（此后核对时不再报告）\n" in repaired.err
    assert deploy(v1, target, "--verify").code == 0


def test_verify_reports_a_target_behind_the_build_and_one_never_deployed(builds, tmp_path):
    v1, v2 = builds
    target = tmp_path / "www"
    assert deploy(v1, target).code == 0
    behind = deploy(v2, target, "--verify")
    assert behind.code == 1
    [line] = behind.out.splitlines()
    assert line.startswith(f"{target}/{MANIFEST}: error[E363]: 网站上是 {DAY} 的构建（")
    never = deploy(v1, tmp_path, "--verify")
    assert (never.code, never.out) == (1, f"{tmp_path}/{MANIFEST}: error[E365]: 网站目录中没有发布清单：这里从未用 "
                                          "bulletin deploy 发布过；请先运行 bulletin deploy 发布到这里\n")


def test_verify_runs_outside_a_newsroom_for_cron(builds, tmp_path):
    v1, _ = builds
    target = tmp_path / "www"
    assert deploy(v1, target).code == 0
    elsewhere = tmp_path / "cron"
    elsewhere.mkdir()
    assert deploy(elsewhere, target, "--verify").code == 0
    (target / "index.html").write_text("defaced", encoding="utf-8")
    assert deploy(elsewhere, target, "--verify").out.startswith(f"{target}/index.html: error[E360]")
    refused = deploy(elsewhere, target)
    assert refused.code == 1 and "这里不是新闻室" in refused.err


def test_a_build_altered_after_the_build_is_refused(own, tmp_path):
    target = tmp_path / "www"
    page = (own / "build" / "site" / "items" / "2026-03-nyj-001" / "index.html").resolve()
    page.write_text(page.read_text(encoding="utf-8") + "<p>秘密金丝雀仓库位置专报 SECRETCANARY5555</p>", encoding="utf-8")
    result = deploy(own, target)
    assert (result.code, result.out) == (1, "")
    assert result.err == ("build/site/items/2026-03-nyj-001/index.html: error[E352]: 构建后被改动；build/ 中的输出不能手改，"
                          "请重新运行 bulletin build\n未发布；网站上已有的文件保持原样\n")
    assert not target.exists()
    # Even with the record rewritten to match, the leak gate run again finds the planted string.
    folder = page.parents[2]
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    write_record(folder, "site", record["digest"], record["date"])
    gated = deploy(own, target)
    assert gated.code == 1
    assert "build/site/items/2026-03-nyj-001/index.html: error[E353]: 含有本网站不应收录的内容：SECRETCANARY5555" in gated.err
    assert not target.exists()


def test_a_stale_missing_or_failing_build_is_refused(own, tmp_path):
    target = tmp_path / "www"
    report = own / "content/2026/03/2026-03-nyj-001.md"
    report.write_text(report.read_text(encoding="utf-8").replace("PUBLICBODYONE1111", "PUBLICBODYONE1111 改"), encoding="utf-8")
    stale = deploy(own, target)
    assert stale.code == 1
    assert stale.err.startswith(f"build/site: error[E351]: build/site 不是新闻室现在的构建（构建于 {DAY}；")
    report.write_text(report.read_text(encoding="utf-8").replace("unit: nyj", "unit: nosuch"), encoding="utf-8")
    failing = deploy(own, target)
    assert failing.code == 1 and "error[E203]" in failing.err
    assert "build/site: error[E357]: 新闻室有 1 个错误，构建不会成功，未发布" in failing.err
    intranet = deploy(own, target, "--site", "intranet")
    assert intranet.err.startswith("build/intranet: error[E350]: 没有可发布的内网网站构建")
    assert not target.exists()


def test_a_target_inside_the_newsroom_or_build_is_refused(own):
    inside = deploy(own, own / "public_html")
    assert inside.code == 1 and inside.err.startswith(f"{own}/public_html: error[E354]: 发布目录在新闻室中；")
    in_build = deploy(own, own / "build" / "www")
    assert in_build.err.startswith(f"{own}/build/www: error[E354]: 发布目录在 build/ 中；")
    above = deploy(own, own.parent)
    assert above.err.startswith(f"{own.parent}: error[E354]: 发布目录包含了新闻室")
    assert not (own / "public_html").exists() and not (own / "build" / "www").exists()


def _killed_deploy(root: Path, target: Path, after: str) -> int:
    """Run ``bulletin deploy`` in a child process that SIGKILLs itself right after the first file
    is staged (``after='stage'``) or the first file is renamed into place (``after='switch'``)."""
    script = f"""
import os, signal, sys
import bulletin.deploy as d
def kill():
    os.kill(os.getpid(), signal.SIGKILL)
if {after!r} == "stage":
    real = d._copy_checked
    def copy(*args):
        real(*args)
        kill()
    d._copy_checked = copy
else:
    class Os:
        def __getattr__(self, name):
            return getattr(os, name)
        def replace(self, a, b):
            os.replace(a, b)
            kill()
    d.os = Os()
from bulletin.cli import main
sys.exit(main(sys.argv[1:]))
"""
    env = {**os.environ, "PYTHONPATH": str(Path(bulletin.__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", script, "deploy", str(target), "--root", str(root)],
                          env=env, capture_output=True, timeout=300)
    return done.returncode


@pytest.mark.parametrize("after", ["stage", "switch"])
def test_a_killed_deploy_leaves_a_complete_set_and_the_next_one_completes(builds, tmp_path, after):
    v1, v2 = builds
    target = tmp_path / "www"
    assert deploy(v1, target).code == 0
    before = snapshot(target)
    assert _killed_deploy(v2, target, after) == -9
    if after == "stage":  # nothing renamed yet: readers still get the previous complete set
        assert snapshot(target) == before
        assert (target / STAGING).is_dir()
    else:  # one file switched: --verify says so, and the manifest still names everything to take down
        assert snapshot(target) != before
        assert deploy(v1, target, "--verify").code == 1
    result = deploy(v2, target)
    assert result.code == 0
    assert "删除 items/2026-03-jyj-002/index.html" in result.out.splitlines()
    served = snapshot(target)
    served.pop(MANIFEST)
    assert served == site_files(v2) and not (target / STAGING).exists()
    assert deploy(v2, target, "--verify").code == 0


@pytest.fixture
def rsh(tmp_path, monkeypatch) -> str:
    """An ssh stand-in for rsync (``RSYNC_RSH``): drops the host and runs the command here."""
    shim = tmp_path / "rsh"
    shim.write_text('#!/bin/sh\nshift\nexec "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    monkeypatch.setenv("RSYNC_RSH", str(shim))
    return "webhost"


def test_an_rsync_destination_gets_the_same_deploy(builds, tmp_path, rsh):
    v1, v2 = builds
    served = tmp_path / "remote-www"
    served.mkdir()
    (served / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    target = f"{rsh}:{served}"
    first = deploy(v1, target)
    assert first.code == 0 and first.out == "".join(f"新增 {p}\n" for p in sorted(site_files(v1)))
    assert f"{target}/robots.txt: warning[W350]" in first.err
    assert deploy(v1, target, "--verify").code == 0
    page = served / "index.html"
    page.write_text("defaced", encoding="utf-8")
    tampered = deploy(v1, target, "--verify")
    assert (tampered.code, tampered.out.split(": ")[0]) == (1, f"{target}/index.html")
    second = deploy(v2, target)
    assert second.code == 0
    lines = second.out.splitlines()
    assert "更新 index.html" in lines and "删除 items/2026-03-jyj-002/index.html" in lines
    files = snapshot(served)
    assert files.pop("robots.txt") == b"User-agent: *\n"
    files.pop(MANIFEST)
    assert files == site_files(v2)
    assert deploy(v2, target, "--verify").code == 0


def test_rsync_failure_leaves_the_target_and_says_so(builds, tmp_path, monkeypatch):
    shim = tmp_path / "rsh"
    shim.write_text("#!/bin/sh\necho 'ssh: connect to host webhost port 22: Connection refused' >&2\nexit 255\n",
                    encoding="utf-8")
    shim.chmod(0o755)
    monkeypatch.setenv("RSYNC_RSH", str(shim))
    result = deploy(builds[0], "webhost:/srv/www")
    assert result.code == 1
    assert result.err.startswith("webhost:/srv/www: error[E356]: rsync 失败：")


def test_which_targets_are_rsync_destinations():
    assert [is_remote(t) for t in ("host:/srv/www", "user@host:www", "host:", "rsync://host/www")] == [True] * 4
    assert [is_remote(t) for t in ("/srv/a:b", "./a:b", "www", "a/b:c")] == [False] * 4


def test_a_manifest_naming_paths_outside_the_target_is_refused(builds, tmp_path):
    v1, v2 = builds
    target = tmp_path / "www"
    assert deploy(v1, target).code == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("not the site's", encoding="utf-8")
    manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    manifest["removing"] = ["../outside.txt"]
    (target / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = deploy(v2, target)
    assert result.code == 1
    assert result.err.startswith(f"{target}/{MANIFEST}: error[E355]: 发布清单无法读取（路径 '../outside.txt' 不在网站目录之内）")
    assert outside.read_text(encoding="utf-8") == "not the site's"
    assert deploy(v2, target, "--verify").out.startswith(f"{target}/{MANIFEST}: error[E355]")


def test_a_folder_linked_out_of_the_target_is_refused(builds, tmp_path):
    v1, v2 = builds
    target = tmp_path / "www"
    assert deploy(v1, target).code == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.move(target / "items", elsewhere)
    (target / "items").symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(elsewhere)
    result = deploy(v2, target)
    assert result.code == 1
    assert result.err.startswith(f"{target}/items: error[E354]: 网站目录中的这个文件夹是指向网站目录之外的符号链接")
    assert snapshot(elsewhere) == before


def test_deploy_waits_for_a_running_writer_and_verify_does_not(builds, tmp_path, monkeypatch):
    from filelock import FileLock

    v1, _ = builds
    target = tmp_path / "www"
    assert deploy(v1, target).code == 0
    monkeypatch.setenv("BULLETIN_LOCK_WAIT", "0")
    (v1 / "build" / ".lock.pid").write_text("4242\n", encoding="ascii")
    with FileLock(v1 / "build" / ".lock"):  # a build holds build/ (in this process: the lock is per open file)
        busy = deploy(v1, target)
        verified = deploy(v1, target, "--verify")
    assert (busy.code, busy.err.splitlines()[-1]) == (1, "bulletin: 另一个 bulletin 命令正在运行（PID 4242）；请等它结束后再试")
    assert (verified.code, verified.out) == (0, "")


def test_verify_in_the_newsroom_finds_a_file_hidden_by_an_edited_manifest(builds, tmp_path):
    v1, _ = builds
    target = tmp_path / "www"
    assert deploy(v1, target).code == 0
    page = target / "index.html"
    page.write_text("defaced", encoding="utf-8")
    manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == "index.html":
            entry.update(size=7, sha256=sha256_of(page))
    (target / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    elsewhere = tmp_path / "cron"
    elsewhere.mkdir()
    assert deploy(elsewhere, target, "--verify").code == 0  # the target agrees with itself
    found = deploy(v1, target, "--verify")
    assert (found.code, found.out) == (1, f"{target}/index.html: error[E363]: 发布清单中这个文件与 build/ 中同一次构建的记录"
                                          "不符（清单被改动）；请核对网站目录，重新运行 bulletin deploy\n")


def test_a_full_disk_while_copying_leaves_the_served_set_and_no_staging(builds, tmp_path, monkeypatch):
    import bulletin.deploy as deploy_module

    v1, v2 = builds
    target = tmp_path / "www"
    assert deploy(v1, target).code == 0
    before = snapshot(target)
    real = deploy_module._copy_checked
    calls = []

    def full(source, staged, entry):
        calls.append(source)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(staged))
        real(source, staged, entry)

    monkeypatch.setattr(deploy_module, "_copy_checked", full)
    result = deploy(v2, target)
    assert result.code == 1
    assert result.err.startswith(f"bulletin: 无法写入 {target}/{STAGING}/000001：磁盘空间已满；请腾出磁盘空间后重试。")
    assert snapshot(target) == before and not (target / STAGING).exists()
