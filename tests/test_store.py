"""The classified store (涉密库): check, new, issue, publish and build with and without it."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from helpers.newsroom import Newsroom, report_text, seal_published
from helpers.printing import PNG
from helpers.site import files_containing

from bulletin.build import run_build
from bulletin.check import run_check
from bulletin.cli import main
from bulletin.model import Issue, Src
from bulletin.store import locate, printed_dir

TODAY = date(2026, 3, 20)
SECRET = "2026-03-nyj-002"
SECRET_PATH = f"content/2026/03/{SECRET}.md"
CANARY = "STORECANARY7070"
MKDOCS = "site_name: 测试\nextra:\n  bulletin:\n    classified_store: classified\n"
SPECIAL = """\
series: xxzb
year: 2026
number: 3
date: 2026-03-12
status: draft
editor: 李静
signer: 张国华
items:
  - 2026-03-nyj-002
"""


def secret_report(**fields) -> str:
    return report_text(SECRET, body=f"3月9日，{CANARY}涉密内容。", title="涉密专报标题", classification="秘密",
                       secrecy_term="1年", status="拟采用", **fields)


@pytest.fixture
def office(newsroom: Newsroom) -> Newsroom:
    """A newsroom whose mkdocs.yml names the store classified/, with a 秘密 report and its 专报
    still in the newsroom (before bulletin move-classified)."""
    newsroom.write("mkdocs.yml", MKDOCS)
    newsroom.write(SECRET_PATH, secret_report())
    newsroom.write("issues/xxzb/2026/003.yaml", SPECIAL)
    return newsroom


def run(root: Path, *args: str) -> int:
    return main(["--root", str(root), "--today", TODAY.isoformat(), *args])


def formatted(root: Path, **options) -> list[str]:
    return [p.format() for p in run_check(root, TODAY, **options).problems]


def test_check_errors_before_the_move_and_passes_after(office, capsys):
    move = ("请在涉密库所在的计算机上运行 bulletin move-classified 把它移入涉密库 classified/，"
            "再按提示用 git rm --cached 和 git filter-repo 从 git 历史中清除")
    assert formatted(office.root) == [
        f"{SECRET_PATH}:9: error[E237]: 密级为秘密的稿件不能留在联网的新闻室中；{move}",
        f"issues/xxzb/2026/003.yaml:1: error[E237]: 密级为秘密的期刊不能留在联网的新闻室中；{move}",
    ]
    assert run(office.root, "move-classified") == 0
    out = capsys.readouterr().out
    assert f"git rm --cached --ignore-unmatch -- '{SECRET_PATH}' 'issues/xxzb/2026/003.yaml'" in out
    assert f"git filter-repo --invert-paths --path '{SECRET_PATH}' --path 'issues/xxzb/2026/003.yaml'" in out
    assert not (office.root / SECRET_PATH).exists()
    assert (office.root / "classified" / SECRET_PATH).read_text(encoding="utf-8") == secret_report()
    assert formatted(office.root) == []
    stored = run_check(office.root, TODAY).newsroom
    assert stored.reports[SECRET].src.path == f"classified/{SECRET_PATH}" and stored.reports[SECRET].src.stored


def test_an_absent_store_means_the_newsroom_alone(newsroom):
    newsroom.write("mkdocs.yml", MKDOCS)
    result = run_check(newsroom.root, TODAY)
    assert result.ok and result.problems == [] and result.store is not None and not result.store.present
    assert run(newsroom.root, "check") == 0


def test_the_option_wins_over_mkdocs_and_may_point_outside(office, tmp_path, capsys):
    outside = tmp_path / "涉密库"
    assert run(office.root, "--classified", str(outside), "move-classified") == 0
    capsys.readouterr()
    assert (outside / SECRET_PATH).is_file() and not (office.root / "classified").exists()
    assert formatted(office.root, classified=outside) == []
    (outside / SECRET_PATH).write_text(secret_report(unit="nobody"), encoding="utf-8")
    assert [p for p in formatted(office.root, classified=outside) if "E203" in p] == [
        f"{outside.as_posix()}/{SECRET_PATH}:4: error[E203]: 单位 nobody 不在 units.yaml 中；可用的单位有 nyj、jyj、old"
    ]


def test_ids_are_unique_across_newsroom_and_store(office):
    office.write(f"classified/{SECRET_PATH}", secret_report())
    office.remove("issues/xxzb/2026/003.yaml")
    office.write(SECRET_PATH, report_text(SECRET))
    assert [p for p in formatted(office.root) if "E202" in p] == [
        f"classified/{SECRET_PATH}:2: error[E202]: id {SECRET} 已被 {SECRET_PATH} 使用；请换一个不重复的 id 并同时改文件名"
    ]


def test_a_newsroom_issue_may_not_list_a_stored_item(office):
    office.write(f"classified/{SECRET_PATH}", secret_report())
    office.remove(SECRET_PATH)
    assert [p for p in formatted(office.root) if "E238" in p] == [
        "issues/xxzb/2026/003.yaml:9: error[E238]: 稿件 2026-03-nyj-002 在涉密库中，联网新闻室的期刊不能编入它；"
        "请删去该条目，或运行 bulletin move-classified 把本期移入涉密库"
    ]


def test_the_store_holds_only_classified_records(newsroom):
    newsroom.write("mkdocs.yml", MKDOCS)
    newsroom.write("classified/content/2026/03/2026-03-nyj-003.md", report_text("2026-03-nyj-003", title="另一标题"))
    assert formatted(newsroom.root) == [
        "classified/content/2026/03/2026-03-nyj-003.md:9: warning[W008]: 涉密库只放秘密及以上的稿件，本稿密级为公开；"
        "请移回新闻室的 content/2026/03/2026-03-nyj-003.md"
    ]


def test_a_store_inside_the_git_work_tree_is_a_warning(office):
    run(office.root, "move-classified")
    (office.root / ".git").mkdir()
    assert formatted(office.root) == [
        "mkdocs.yml:4: warning[W007]: 涉密库 classified/ 在新闻室的 git 工作区内，会随仓库推送到联网的服务器；"
        "实际工作中涉密库须放在不联网的计算机上、不进 git（示例新闻室有意如此，见 docs/security.md）"
    ]


def test_the_store_may_not_be_the_newsroom_itself(newsroom):
    newsroom.write("mkdocs.yml", "extra:\n  bulletin:\n    classified_store: .\n")
    assert formatted(newsroom.root) == [
        f"mkdocs.yml:3: error[E240]: 涉密库 {newsroom.root} 不能是新闻室本身或其上级文件夹；请另建一个文件夹作涉密库"
    ]


def test_new_with_a_secret_classification_writes_into_the_store(newsroom, capsys):
    newsroom.write("mkdocs.yml", MKDOCS)
    (newsroom.root / "classified").mkdir()
    assert run(newsroom.root, "new", "--unit", "nyj", "--title", "涉密情况", "--classification", "秘密") == 0
    written = newsroom.root / "classified" / "content" / "2026" / "03" / "2026-03-nyj-002.md"
    assert capsys.readouterr().out.strip().endswith("classified/content/2026/03/2026-03-nyj-002.md")
    assert "classification: 秘密\n" in written.read_text(encoding="utf-8")
    assert run(newsroom.root, "new", "--unit", "nyj", "--title", "一般情况") == 0  # 内部: the newsroom
    assert (newsroom.root / "content" / "2026" / "03" / "2026-03-nyj-003.md").is_file()  # ids across both


def test_new_secret_is_refused_where_the_store_is_absent(newsroom, capsys):
    newsroom.write("mkdocs.yml", MKDOCS)
    assert run(newsroom.root, "new", "--unit", "nyj", "--title", "涉密情况", "--classification", "机密") == 2
    assert "只能写入涉密库" in capsys.readouterr().err
    assert not list((newsroom.root / "content").rglob("*-002.md")) and not (newsroom.root / "classified").exists()


def test_issue_and_publish_write_classified_issues_only_in_the_store(office, capsys):
    run(office.root, "move-classified")
    office.remove("classified/issues/xxzb/2026/003.yaml")
    capsys.readouterr()
    assert run(office.root, "issue", "--series", "xxzb", "--items", SECRET, "--date", "2026-03-18") == 0
    assert capsys.readouterr().out.strip().endswith("classified/issues/xxzb/2026/001.yaml")
    draft = office.root / "classified" / "issues" / "xxzb" / "2026" / "001.yaml"
    text = draft.read_text(encoding="utf-8").replace("editor: ''", "editor: 李静").replace("signer: ''", "signer: 张国华")
    draft.write_text(text, encoding="utf-8")
    before = sorted(p.relative_to(office.root) for p in office.root.rglob("*") if "classified" not in p.parts)
    assert run(office.root, "publish", "classified/issues/xxzb/2026/001.yaml") == 0
    assert "status: published" in draft.read_text(encoding="utf-8")
    after = sorted(p.relative_to(office.root) for p in office.root.rglob("*") if "classified" not in p.parts)
    assert after == before  # nothing new in the newsroom (the check cache lives in the store's build/)
    assert run(office.root, "verify") == 0


def test_printed_outputs_are_routed_to_the_store(office):
    store, _ = locate(office.root)
    plain = Issue("zwxx", 2026, 1, None, "draft", None, None, [], {}, None, None, None, Src("issues/zwxx/2026/001.yaml", {}))
    marked = Issue("xxzb", 2026, 1, None, "draft", None, None, [], {}, None, "秘密", None, Src("issues/xxzb/2026/001.yaml", {}))
    stored = Issue("xxzb", 2026, 2, None, "draft", None, None, [], {}, None, None, None,
                   Src("classified/issues/xxzb/2026/002.yaml", {}, "classified/"))
    assert printed_dir(office.root, store, plain) == office.root / "build"
    assert printed_dir(office.root, store, marked) == office.root / "classified" / "build"
    assert printed_dir(office.root, store, stored) == office.root / "classified" / "build"
    assert printed_dir(office.root, None, marked) == office.root / "build"


def test_build_prints_classified_issues_in_the_store_and_sites_never_see_it(office, capsys):
    office.write(SECRET_PATH, secret_report().replace("涉密内容。", "涉密内容。\n\n![现场](images/site.png)"))
    office.write("content/2026/03/images/site.png", PNG)
    run(office.root, "move-classified")
    assert (office.root / "classified/content/2026/03/images/site.png").read_bytes() == PNG
    published = SPECIAL.replace("status: draft", "status: published")
    office.write("classified/issues/xxzb/2026/003.yaml", published)
    office.write("issues/zwxx/2026/018.yaml", office.root.joinpath("issues/zwxx/2026/018.yaml").read_text(
        encoding="utf-8").replace("status: draft", "status: published"))
    seal_published(office.root)
    assert run_build(office.root, TODAY, quiet=True) == 0
    store_pdf = office.root / "classified" / "build" / "pdf"
    assert sorted(p.relative_to(store_pdf).as_posix() for p in store_pdf.rglob("*.*")) == [
        "xxzb/2026/003.docx", "xxzb/2026/003.pdf"]
    newsroom_pdf = office.root / "build" / "pdf"
    assert sorted(p.relative_to(newsroom_pdf).as_posix() for p in newsroom_pdf.rglob("*.*")) == [
        "zwxx/2026/018.docx", "zwxx/2026/018.pdf"]
    with zipfile.ZipFile(store_pdf / "xxzb/2026/003.docx") as word:  # the stored report's image prints
        assert [n for n in word.namelist() if n.startswith("word/media/")] != []
    assert "/Image" in (store_pdf / "xxzb/2026/003.pdf").read_bytes().decode("latin-1")
    for part in ("site", "intranet"):
        assert files_containing(office.root / "build" / part, CANARY) == []
        assert files_containing(office.root / "build" / part, "涉密专报标题") == []
    assert files_containing(office.root / "build", CANARY) == []
    assert files_containing(office.root / "build", SECRET) == []  # not even its id, in notices or caches


def test_the_leak_gate_also_forbids_the_stores_strings(office, monkeypatch, capsys):
    """Were a broken view ever handed a stored record, the gate (given the store's strings) fails the build."""
    from bulletin import build, views

    run(office.root, "move-classified")
    office.write("classified/issues/xxzb/2026/003.yaml", SPECIAL.replace("status: draft", "status: published"))
    seal_published(office.root)
    complete = run_check(office.root, TODAY).newsroom
    monkeypatch.setattr(views, "_report_allowed", lambda report, view: True)
    monkeypatch.setattr(build, "site_view", lambda newsroom, name: views.site_view(complete, name))
    capsys.readouterr()
    assert run_build(office.root, TODAY, parts=("intranet",), quiet=True) == 1
    assert "构建失败；build/ 保持原样" in capsys.readouterr().err
    assert not (office.root / "build" / "intranet").exists()


def test_renumber_keeps_a_stored_draft_in_the_store(office, capsys):
    run(office.root, "move-classified")
    capsys.readouterr()
    assert run(office.root, "renumber", "classified/issues/xxzb/2026/003.yaml", "4") == 0
    assert (office.root / "classified/issues/xxzb/2026/004.yaml").is_file()
    assert not (office.root / "issues/xxzb").exists() and formatted(office.root) == []
