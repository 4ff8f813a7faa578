"""``bulletin move-classified``: classified files leave the newsroom byte for byte, with their images."""

from __future__ import annotations

from pathlib import Path

from helpers.newsroom import Newsroom, report_text

from bulletin.cli import main

SECRET = "content/2026/03/2026-03-nyj-002.md"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def run(root: Path, *args: str) -> int:
    return main(["--root", str(root), "--today", "2026-03-20", *args])


def secret(newsroom: Newsroom) -> str:
    text = report_text("2026-03-nyj-002", body="3月9日，情况如下。\n\n![涉密图](secret.png)\n\n![共用图](shared.png)",
                       title="涉密情况", classification="机密", secrecy_term="10年")
    newsroom.write(SECRET, text)
    newsroom.write("content/2026/03/secret.png", PNG)
    newsroom.write("content/2026/03/shared.png", PNG[::-1])
    newsroom.write("content/2026/03/2026-03-nyj-001.md", report_text(body="3月8日，春耕。\n\n![共用图](shared.png)"))
    newsroom.write("mkdocs.yml", "extra:\n  bulletin:\n    classified_store: 涉密库\n")
    return text


def test_moves_reports_and_the_images_only_they_use(newsroom, capsys):
    text = secret(newsroom)
    assert run(newsroom.root, "move-classified") == 0
    out = capsys.readouterr().out
    store = newsroom.root / "涉密库"
    assert (store / SECRET).read_bytes() == text.encode("utf-8")
    assert (store / "content/2026/03/secret.png").read_bytes() == PNG
    assert not (newsroom.root / SECRET).exists() and not (newsroom.root / "content/2026/03/secret.png").exists()
    assert (newsroom.root / "content/2026/03/shared.png").is_file() and not (store / "content/2026/03/shared.png").exists()
    assert out.splitlines()[:3] == [
        f"已把 2 个文件移入涉密库 {store}（相对路径和内容不变）：",
        "  content/2026/03/2026-03-nyj-002.md",
        "  content/2026/03/secret.png",
    ]
    assert "git rm --cached --ignore-unmatch -- 'content/2026/03/2026-03-nyj-002.md' 'content/2026/03/secret.png'" in out
    assert "git filter-repo --invert-paths --path 'content/2026/03/2026-03-nyj-002.md' --path 'content/2026/03/secret.png'" in out
    assert run(newsroom.root, "move-classified") == 0
    assert "无需移动" in capsys.readouterr().err


def test_a_different_file_in_the_store_stops_the_move(newsroom, capsys):
    text = secret(newsroom)
    (newsroom.root / "涉密库" / SECRET).parent.mkdir(parents=True)
    (newsroom.root / "涉密库" / SECRET).write_text("别的内容", encoding="utf-8")
    assert run(newsroom.root, "move-classified") == 1
    err = capsys.readouterr().err
    assert f"{SECRET}: 涉密库中已有同名但内容不同的文件" in err and "未移动任何文件" in err
    assert (newsroom.root / SECRET).read_text(encoding="utf-8") == text
    assert (newsroom.root / "content/2026/03/secret.png").is_file()


def test_without_a_configured_store_it_says_how_to_name_one(newsroom, capsys):
    assert run(newsroom.root, "move-classified") == 2
    assert "没有配置涉密库；请用 --classified DIR 指定" in capsys.readouterr().err
