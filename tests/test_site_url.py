"""site_url gives the public sitemap its addresses; the intranet never gets one."""

from __future__ import annotations

from datetime import date

from helpers.newsroom import ISSUE, seal_published

from bulletin.build import run_build
from bulletin.site.settings import read_settings


def test_public_sitemap_lists_items_under_site_url(newsroom):
    newsroom.write("mkdocs.yml", "site_name: 江城市政务信息\nsite_url: https://zwxx.jiangcheng.example\n")
    newsroom.write("issues/zwxx/2026/018.yaml", ISSUE.replace("status: draft", "status: published"))
    seal_published(newsroom.root)
    assert run_build(newsroom.root, date(2026, 11, 27), parts=("site", "intranet"), quiet=True) == 0
    public = (newsroom.root / "build/site/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://zwxx.jiangcheng.example/items/2026-03-nyj-001/</loc>" in public
    assert "jiangcheng.example" not in (newsroom.root / "build/intranet/sitemap.xml").read_text(encoding="utf-8")


def test_only_web_addresses_are_taken(newsroom):
    for bad in ("file:///etc/", "javascript:alert(1)", "https://x.example/\"><script>"):
        newsroom.write("mkdocs.yml", f"site_name: 站\nsite_url: '{bad}'\n")
        assert read_settings(newsroom.root).site_url == ""
