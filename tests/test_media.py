"""Only real images travel: by extension and by first bytes; no image shared across a site's level."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from helpers.newsroom import ISSUE, report_text, seal_published
from helpers.workflow import lines

from bulletin import lints, media
from bulletin.build import run_build
from bulletin.check import run_check
from bulletin.site import build_site
from bulletin.views import PUBLIC, site_view

DAY = date(2026, 4, 1)
R = "content/2026/03/2026-03-nyj-001.md"
S = "content/2026/03/2026-03-nyj-501.md"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
HEADS = {"png": PNG, "jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 20, "gif": b"GIF89a" + b"\x00" * 20,
         "webp": b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8}
SECRET_SENTENCES = ["甲乙丙丁戊己", "庚辛壬癸子丑", "寅卯辰巳午未", "申酉戌亥天地"]
WHAT = "正文中只能插入图片。要提到另一篇稿件，请写成不带 ! 的链接 [说明]({url})；其他文件请另存为 PNG 或 JPEG 图片后再插入"
NOT_IMAGE = "不是图片文件（只接受 .png、.jpg、.jpeg、.gif、.webp）"


def _published(newsroom, *items: str) -> None:
    listed = "".join(f"  - {i}\n" for i in items)
    newsroom.write("issues/zwxx/2026/018.yaml",
                   ISSUE.replace("status: draft", "status: published").replace("  - 2026-03-nyj-001\n", listed))


def _secret(newsroom) -> None:
    newsroom.write(S, report_text("2026-03-nyj-501", title="绝密行动安排", classification="绝密", secrecy_term="长期",
                                  body="。".join(SECRET_SENTENCES) + "。"))


def test_a_public_report_embedding_a_top_secret_report_is_an_error_and_never_built(newsroom, capsys):
    """The attack: ``![附件](2026-03-nyj-501.md)`` published the 绝密 report as a page of the public site."""
    _secret(newsroom)
    newsroom.report(body="3月8日，全市春耕备耕工作全面展开。\n\n![附件](2026-03-nyj-501.md)")
    _published(newsroom, "2026-03-nyj-001")
    url = "2026-03-nyj-501.md"
    assert lines(newsroom.root, DAY, "E250") == [f"{R}:14: error[E250]: 图片 {url} {NOT_IMAGE}；{WHAT.format(url=url)}"]
    seal_published(newsroom.root)
    assert run_build(newsroom.root, DAY, parts=("site",), quiet=True) == 1
    assert "error[E250]" in capsys.readouterr().err
    assert not (newsroom.root / "build" / "site").exists()


@pytest.mark.parametrize(("name", "data", "why"), [
    ("evil.html", b"<script>alert(1)</script>", NOT_IMAGE),
    ("evil.markdown", b"# page\n\n<script>alert(1)</script>", NOT_IMAGE),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', NOT_IMAGE),
    ("file.pdf", b"%PDF-1.7\n", NOT_IMAGE),
    ("renamed.png", b"<html><script>alert(1)</script></html>",
     "扩展名是图片，但文件内容不是 .png、.jpg、.jpeg、.gif、.webp 图片（可能是改了扩展名的其他文件）"),
    ("photo.jpg", PNG, "扩展名是 .jpg，但文件内容是 png 图片"),
])
def test_anything_but_a_real_image_is_an_error_at_its_line(newsroom, name, data, why):
    newsroom.write(f"content/2026/03/{name}", data)
    newsroom.report(body=f"3月8日，全市春耕备耕工作全面展开。\n\n![现场]({name})")
    assert lines(newsroom.root, DAY, "E250") == [f"{R}:14: error[E250]: 图片 {name} {why}；{WHAT.format(url=name)}"]


@pytest.mark.parametrize(("name", "kind"), [("a.png", "png"), ("b.JPG", "jpeg"), ("c.jpeg", "jpeg"),
                                            ("d.gif", "gif"), ("e.webp", "webp")])
def test_real_images_pass(newsroom, name, kind):
    newsroom.write(f"content/2026/03/{name}", HEADS[kind])
    newsroom.report(body=f"3月8日，全市春耕备耕工作全面展开。\n\n![现场]({name})")
    assert lines(newsroom.root, DAY, "E250", "E251") == []
    assert media.is_image(newsroom.root / "content/2026/03" / name)


def test_a_fifo_named_png_is_not_an_image_and_is_never_opened(tmp_path):
    import os

    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    assert media.real_format(fifo) is None and not media.is_image(fifo)


def test_an_image_of_a_higher_report_may_not_be_used_on_a_lower_one(newsroom):
    newsroom.write("content/2026/03/map.png", PNG)
    newsroom.write(S, report_text("2026-03-nyj-501", title="秘密部署图说明", classification="秘密", secrecy_term="1年",
                                  body="部署图如下。\n\n![部署图](map.png)"))
    (newsroom.root / "content/2026/03/same.png").symlink_to("map.png")  # the same file by another name
    newsroom.report("2026-03-nyj-002", title="内部通报", classification="内部",
                    body="内部情况。\n\n![部署图](./map.png)")
    newsroom.report(body="3月8日，全市春耕备耕工作全面展开。\n\n![示意](same.png)")
    newsroom.report("2026-03-nyj-003", title="另一篇秘密稿件", classification="秘密", secrecy_term="1年",
                    body="同级可以共用。\n\n![部署图](map.png)")
    assert lines(newsroom.root, DAY, "E251") == [
        f"{R}:14: error[E251]: 图片 same.png 也被秘密稿件 2026-03-nyj-501（{S}）使用，"
        "不能出现在公开稿件 2026-03-nyj-001 中；请为本稿另配一张图片",
        "content/2026/03/2026-03-nyj-002.md:14: error[E251]: 图片 ./map.png 也被秘密稿件 "
        f"2026-03-nyj-501（{S}）使用，不能出现在内部稿件 2026-03-nyj-002 中；请为本稿另配一张图片",
    ]


def test_public_and_internal_may_not_share_but_internal_may_share_with_internal(newsroom):
    newsroom.write("content/2026/03/map.png", PNG)
    newsroom.report("2026-03-nyj-002", title="内部通报", classification="内部", body="内部。\n\n![图](map.png)")
    newsroom.report("2026-03-nyj-003", title="内部通报二", classification="内部", body="内部二。\n\n![图](map.png)")
    assert lines(newsroom.root, DAY, "E251") == []
    newsroom.report(body="公开。\n\n![图](map.png)")
    assert [line.split(": ")[0] for line in lines(newsroom.root, DAY, "E251")] == [f"{R}:14"]


def test_the_site_copies_only_real_images_even_when_check_is_bypassed(newsroom, tmp_path, monkeypatch):
    """Second line of defence: a missed check still cannot turn a report or .markdown file into a page."""
    _secret(newsroom)
    newsroom.write("content/2026/03/evil.markdown", "# 页面\n\n<script>alert(1)</script>\n")
    newsroom.write("content/2026/03/renamed.png", b"# not a png\n")
    newsroom.write("content/2026/03/ok.png", PNG)
    newsroom.report(body="正文。\n\n![附件](2026-03-nyj-501.md)\n\n![b](evil.markdown)\n\n![c](renamed.png)\n\n![d](ok.png)")
    _published(newsroom, "2026-03-nyj-001")
    monkeypatch.setattr(lints, "path_problems", lambda *a, **k: [])
    seal_published(newsroom.root)
    result = run_check(newsroom.root, DAY)
    # check names the .markdown file (E307); the build below goes on as if it had been missed
    assert [p.format() for p in result.errors] == ["content/2026/03/evil.markdown:1: error[E307]: 扩展名须为 .md（小写），"
                                                   "这个文件不会被当作稿件读取；请改名为 evil.md"]
    build_site(site_view(result.newsroom, PUBLIC), tmp_path / "site", tmp_path / "cache", {}, root=newsroom.root)
    media_files = sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site" / "media").rglob("*"))
    assert media_files == ["media/2026", "media/2026/03", "media/2026/03/ok.png"]
    built = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert not [s for s in SECRET_SENTENCES if s in built] and "alert(1)" not in built


def test_only_images_of_items_in_the_view_are_copied(newsroom, tmp_path):
    newsroom.write("content/2026/03/public.png", PNG)
    newsroom.write("content/2026/03/internal.gif", HEADS["gif"])
    newsroom.report(body="公开。\n\n![图](public.png)")
    newsroom.report("2026-03-nyj-002", title="内部通报", classification="内部", body="内部。\n\n![图](internal.gif)")
    _published(newsroom, "2026-03-nyj-001", "2026-03-nyj-002")
    seal_published(newsroom.root)
    assert run_build(newsroom.root, DAY, parts=("site", "intranet"), quiet=True) == 0
    copied = {part: sorted(p.name for p in (newsroom.root / "build" / part / "media").rglob("*.*"))
              for part in ("site", "intranet")}
    assert copied == {"site": ["public.png"], "intranet": ["internal.gif", "public.png"]}
