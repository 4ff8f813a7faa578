"""``bulletin withdraw``: one key added, nothing else in the file changed; scores and lock unaffected."""

from __future__ import annotations

from datetime import date

from helpers.workflow import run_cli

from bulletin.check import run_check
from bulletin.scoring import scores
from bulletin.views import INTRANET, PUBLIC, site_view

REPORT = "content/2026/03/2026-03-nyj-001.md"
TODAY = date(2026, 3, 20)


def published(newsroom) -> None:
    """The helpers.newsroom newsroom with its issue published and locked (bulletin publish)."""
    text = (newsroom.root / REPORT).read_text(encoding="utf-8").replace(
        "category: 动态\n", "category: 动态  # 类别\ntags: [春耕]\n")
    newsroom.write(REPORT, text)
    assert run_cli(newsroom.root, "publish", "issues/zwxx/2026/018.yaml").code == 0


def test_withdraw_adds_only_the_withdrawn_block(newsroom):
    published(newsroom)
    before = (newsroom.root / REPORT).read_bytes()
    result = run_cli(newsroom.root, "withdraw", REPORT, "--reason", "所涉事项已调整", today="2026-03-20")
    assert (result.code, result.out) == (0, f"{REPORT}\n")
    after = (newsroom.root / REPORT).read_bytes()
    head, body = before.split(b"\n---\n", 1)
    assert after == head + "\nwithdrawn:\n  date: 2026-03-20\n  reason: 所涉事项已调整".encode() + b"\n---\n" + body
    assert result.err.startswith(f"已撤稿：{REPORT}（市农业农村局春耕备耕物资储备充足）。")


def test_withdrawn_item_leaves_the_public_view_keeps_scores_and_lock(newsroom):
    published(newsroom)
    before = run_check(newsroom.root, TODAY)
    points = [(r.unit, r.points) for r in scores(before.newsroom, "2026-03").rows]
    assert "2026-03-nyj-001" in site_view(before.newsroom, PUBLIC).items
    assert run_cli(newsroom.root, "withdraw", REPORT, "--reason", "所涉事项已调整", today="2026-03-20").code == 0
    after = run_check(newsroom.root, TODAY)
    assert after.ok and [p.code for p in after.problems] == [p.code for p in before.problems]  # no E224: no correction
    assert [(r.unit, r.points) for r in scores(after.newsroom, "2026-03").rows] == points
    assert site_view(after.newsroom, PUBLIC).items == {} and site_view(after.newsroom, PUBLIC).issues == []
    item = site_view(after.newsroom, INTRANET).items["2026-03-nyj-001"]
    assert item.withdrawn == (date(2026, 3, 20), "所涉事项已调整")


def test_withdraw_refuses_what_need_not_or_cannot_be_withdrawn(newsroom):
    result = run_cli(newsroom.root, "withdraw", REPORT, "--reason", "x")
    assert (result.code, result.err) == (1, f"{REPORT} 尚未在任何已发布的期刊中刊发，不会上网站，不需要撤稿；可直接从草稿期刊中删去\n")
    published(newsroom)
    assert run_cli(newsroom.root, "withdraw", REPORT, "--reason", "x").code == 0
    again = run_cli(newsroom.root, "withdraw", REPORT, "--reason", "y")
    assert (again.code, again.err) == (1, f"{REPORT} 已撤稿；如要改原因，请直接编辑 front matter 中的 withdrawn.reason\n")
    blank = run_cli(newsroom.root, "withdraw", REPORT, "--reason", "  ")
    assert (blank.code, blank.err) == (2, "bulletin: 用法错误：请用 --reason 写明撤稿原因，例如 --reason 所涉事项已调整\n")
    missing = run_cli(newsroom.root, "withdraw", "content/none.md", "--reason", "x")
    assert (missing.code, missing.err) == (2, "bulletin: 用法错误：找不到稿件文件 content/none.md；请写 content/<年>/<月>/<id>.md\n")
