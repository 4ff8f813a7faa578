"""``bulletin doctor``: one line per check, what to install where something is missing, exit 0."""

from __future__ import annotations

from datetime import date

from helpers.printing import licensed_font

from bulletin import cli
from bulletin.commands import doctor_cmd
from bulletin.printing import worker as pool

TODAY = date(2026, 3, 20)


def _doctor(root, capsys) -> list[str]:
    code = cli.main(["--root", str(root), "--today", "2026-03-20", "doctor"])
    assert code == 0
    return capsys.readouterr().out.splitlines()


def _line(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.startswith(start)]
    assert len(found) == 1, (start, lines)
    return found[0]


def test_everything_found_on_this_machine(newsroom, capsys):
    lines = _doctor(newsroom.root, capsys)
    chars = doctor_cmd.newsroom_characters(newsroom.root, TODAY)
    assert "市农业农村局春耕备耕物资储备充足" not in chars  # a set of characters, each once
    assert len(chars) == len(set(chars))
    assert _line(lines, "[正常] Python 包：").count("weasyprint ") == 1
    assert _line(lines, "[正常] WeasyPrint：").startswith("[正常] WeasyPrint：70.0，Pango 1.")
    assert _line(lines, "[正常] HarfBuzz") == "[正常] HarfBuzz 字体子集：libharfbuzz-subset.so.0：中文 PDF 嵌入字体子集很快"
    expected = {
        "标题（小标宋）": "Noto Serif CJK SC（免费默认字体，/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc）",
        "正文（仿宋）": "Noto Serif CJK SC（免费默认字体，/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc）",
        "一级标题（黑体）": "Noto Sans CJK SC（免费默认字体，/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc）",
        "二级标题（楷体）": "AR PL UKai CN（免费默认字体，/usr/share/fonts/truetype/arphic/ukai.ttc）",
    }
    for role, found in expected.items():
        assert _line(lines, f"[正常] 字体 {role}") == f"[正常] 字体 {role}：{found}；覆盖新闻室用到的全部 {len(chars)} 个字"
    assert _line(lines, "[正常] poppler：").startswith("[正常] poppler：pdftoppm version ")
    assert _line(lines, "[正常] Chromium") == "[正常] Chromium：/usr/bin/chromium（网站的浏览器测试用）"
    assert not [line for line in lines if line.startswith(("[缺少]", "[注意]"))]


def test_missing_subsetter_says_what_to_install(newsroom, capsys, monkeypatch):
    monkeypatch.setattr(pool, "harfbuzz_subset_library", lambda: None)
    lines = _doctor(newsroom.root, capsys)
    assert _line(lines, "[缺少] HarfBuzz") == (
        "[缺少] HarfBuzz 字体子集：未找到 libharfbuzz-subset，中文 PDF 会慢约 20 倍；请以 root 运行 apt-get install libharfbuzz-subset0"
    )
    assert pool.subsetter_problem() == (
        "未找到 HarfBuzz 字体子集库（libharfbuzz-subset0），中文 PDF 会慢约 20 倍；请以 root 运行 apt-get install libharfbuzz-subset0"
    )


def test_licensed_font_missing_characters_of_the_newsroom(newsroom, capsys):
    font = licensed_font(newsroom.root / "fonts" / "fs.ttf", "仿宋_GB2312", "市农业")
    chars = doctor_cmd.newsroom_characters(newsroom.root, TODAY)
    missing = [ch for ch in chars if ch not in "市农业"]
    lines = _doctor(newsroom.root, capsys)
    assert _line(lines, "[注意] 字体 正文（仿宋）") == (
        f"[注意] 字体 正文（仿宋）：仿宋_GB2312（新闻室 fonts/ 文件夹，{font.resolve()}）；缺 {len(missing)} 个新闻室用到的字"
        f"（{''.join(missing[:12])}…），这些字将用 Noto Serif CJK SC 印出"
    )


def test_configured_font_not_found(newsroom, capsys):
    newsroom.write("mkdocs.yml", "site_name: x\nextra:\n  bulletin:\n    fonts: {title: 方正小标宋简体}\n")
    line = _line(_doctor(newsroom.root, capsys), "[注意] 字体 标题（小标宋）")
    assert "mkdocs.yml 指定的字体“方正小标宋简体”未找到（既不在 fonts/ 文件夹，也未安装），已改用其他字体" in line


def test_missing_tools_and_packages(newsroom, capsys, monkeypatch):
    monkeypatch.setattr(doctor_cmd.shutil, "which", lambda name: None)
    real = doctor_cmd._requirements
    monkeypatch.setattr(doctor_cmd, "_requirements", lambda: [*real(), ("no-such-package-xyz", ">=1", True)])
    lines = _doctor(newsroom.root, capsys)
    assert _line(lines, "[缺少] poppler") == (
        "[缺少] poppler：未找到 pdftoppm/pdffonts/pdftotext（docs-images 与测试要用）；请以 root 运行 apt-get install poppler-utils"
    )
    assert _line(lines, "[缺少] Chromium") == "[缺少] Chromium：未找到（网站的浏览器测试要用）；请以 root 运行 apt-get install chromium"
    assert _line(lines, "[缺少] rsync") == ("[缺少] rsync：未找到（bulletin deploy 发布到 主机:路径 要用；发布到本机目录不需要）；"
                                          "请以 root 运行 apt-get install rsync")
    assert _line(lines, "[缺少] Python 包 no-such-package-xyz") == (
        "[缺少] Python 包 no-such-package-xyz（测试用）：未安装；请运行 .venv/bin/pip install -e '.[test]'"
    )


def test_a_broken_newsroom_still_gets_a_report(newsroom, capsys):
    newsroom.write("units.yaml", "units: [\n")
    lines = _doctor(newsroom.root, capsys)
    assert _line(lines, "[正常] 字体 正文（仿宋）").startswith("[正常] 字体 正文（仿宋）：Noto Serif CJK SC")
