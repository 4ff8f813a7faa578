"""``bulletin doctor``: what was found for printing and testing, and what to install where not.

One line per check, each starting with 正常 / 注意 / 缺少, and every problem line says the
command that fixes it. Always exits 0: it informs, it does not judge the newsroom.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from bulletin import __version__

OK, WARN, MISSING = "正常", "注意", "缺少"
PIP = ".venv/bin/pip install -e '.[test]'"
SHOWN_MISSING = 12


def _line(status: str, what: str, detail: str) -> str:
    return f"[{status}] {what}：{detail}"


def _requirements() -> list[tuple[str, str, bool]]:
    """(distribution name, lower bound text, for tests only) for each declared dependency."""
    try:
        declared = metadata.requires("bulletin") or []
    except metadata.PackageNotFoundError:
        declared = []
    found = []
    for spec in declared:
        test_only = "extra ==" in spec
        name = re.split(r"[<>=!~; \[]", spec, maxsplit=1)[0]
        bound = spec.split(";")[0][len(name):].strip()
        found.append((name, bound, test_only))
    return found


def _satisfies(version: str, bound: str) -> bool:
    try:
        from packaging.specifiers import SpecifierSet

        return not bound or SpecifierSet(bound).contains(version, prereleases=True)
    except Exception:  # noqa: BLE001 - without packaging, presence is what we can tell
        return True


def check_packages() -> list[str]:
    lines = []
    present, problems = [], []
    for name, bound, test_only in _requirements():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            use = "（测试用）" if test_only else ""
            problems.append(_line(MISSING, f"Python 包 {name}{use}", f"未安装；请运行 {PIP}"))
            continue
        if not _satisfies(version, bound):
            problems.append(_line(WARN, f"Python 包 {name}", f"版本 {version} 不满足 {bound}；请运行 {PIP}"))
        else:
            present.append(f"{name} {version}")
    lines.append(_line(OK, "Python", f"{platform.python_version()}（{sys.executable}），bulletin {__version__}"))
    if present:
        lines.append(_line(OK, "Python 包", "、".join(present)))
    return lines + problems


def check_weasyprint() -> list[str]:
    """WeasyPrint, Pango, and the HarfBuzz subsetter that makes Chinese PDFs fast."""
    from bulletin.printing.worker import harfbuzz_subset_library

    try:
        import weasyprint
        from weasyprint.text.ffi import harfbuzz, pango
    except Exception as exc:  # noqa: BLE001 - any import failure is reported, never raised
        return [_line(MISSING, "WeasyPrint", f"无法加载（{exc}）；请以 root 运行 apt-get install "
                      f"libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0，再运行 {PIP}")]
    raw = pango.pango_version()
    pango_version = f"{raw // 10000}.{raw // 100 % 100}.{raw % 100}"
    lines = [_line(OK, "WeasyPrint", f"{weasyprint.__version__}，Pango {pango_version}")]
    library = harfbuzz_subset_library()
    if library and harfbuzz.hb_version_atleast(4, 1, 0):
        lines.append(_line(OK, "HarfBuzz 字体子集", f"{library}：中文 PDF 嵌入字体子集很快"))
    elif library:
        lines.append(_line(WARN, "HarfBuzz 字体子集", f"{library} 版本低于 4.1，WeasyPrint 将用慢约 20 倍的 fontTools；"
                           "请升级系统：apt-get install libharfbuzz-subset0"))
    else:
        lines.append(_line(MISSING, "HarfBuzz 字体子集", "未找到 libharfbuzz-subset，中文 PDF 会慢约 20 倍；"
                           "请以 root 运行 apt-get install libharfbuzz-subset0"))
    return lines


def newsroom_characters(root: Path, today) -> str | None:
    """Every character the newsroom prints (reports, headlines, units, series, distribution)."""
    from bulletin.check import run_check

    try:
        newsroom = run_check(root, today).newsroom
    except Exception:  # noqa: BLE001 - doctor never fails because of the newsroom
        return None
    parts: list[str] = []
    for report in newsroom.reports.values():
        parts += [report.title, report.body]
    for issue in newsroom.issues:
        parts += [item.title or "" for item in issue.items]
        parts += [name for names in issue.distribution.values() for name in names]
        parts += [issue.editor or "", issue.signer or ""]
    parts += [u.name for u in newsroom.units.values()]
    parts += [f"{s.name}{s.publisher}" for s in newsroom.series.values()]
    # what the templates themselves print
    parts.append("本期要目第期报送发共印份编辑签发人领导批示草稿年月日秘密机密绝密★特急加急—0123456789")
    return "".join(sorted({ch for ch in "".join(parts) if not ch.isspace() and ch.isprintable()}))


def check_fonts(root: Path, today) -> list[str]:
    from bulletin.printing.fonts import DEFAULTS, ROLE_NAMES, ROLES, font_cmap, resolve_fonts

    fonts = resolve_fonts(root)
    chars = newsroom_characters(root, today)
    lines = []
    for role in ROLES:
        font = fonts[role]
        what = f"字体 {ROLE_NAMES[role]}"
        if not font.file:
            lines.append(_line(MISSING, what, font.note))
            continue
        where = {"fonts/": "新闻室 fonts/ 文件夹", "mkdocs.yml": "mkdocs.yml 指定", "默认": "免费默认字体"}[font.source]
        detail = f"{font.family}（{where}，{font.file}）"
        status = OK
        if font.note:
            detail += f"；{font.note}"
            status = WARN
        if chars is None:
            detail += "；新闻室无法读取，未检查缺字"
            lines.append(_line(WARN, what, detail))
            continue
        missing = [ch for ch in chars if ord(ch) not in font_cmap(font.file, font.index)]
        if missing:
            status = WARN
            sample = "".join(missing[:SHOWN_MISSING]) + ("…" if len(missing) > SHOWN_MISSING else "")
            fallback = DEFAULTS[role] if font.family != DEFAULTS[role] else DEFAULTS["body"]
            detail += f"；缺 {len(missing)} 个新闻室用到的字（{sample}），这些字将用 {fallback} 印出"
            if font.source == "默认":
                detail += "；可把含这些字的授权字体放进 fonts/ 文件夹"
        else:
            detail += f"；覆盖新闻室用到的全部 {len(chars)} 个字"
        lines.append(_line(status, what, detail))
    return lines


def _version_of(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else ""


def check_tools() -> list[str]:
    lines = []
    poppler = [shutil.which(t) for t in ("pdftoppm", "pdffonts", "pdftotext")]
    if all(poppler):
        version = _version_of(["pdftoppm", "-v"])
        lines.append(_line(OK, "poppler", f"{version}（PDF 转图片、测试检查字体和文字）"))
    else:
        lines.append(_line(MISSING, "poppler", "未找到 pdftoppm/pdffonts/pdftotext（docs-images 与测试要用）；"
                           "请以 root 运行 apt-get install poppler-utils"))
    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if browser:
        lines.append(_line(OK, "Chromium", f"{browser}（网站的浏览器测试用）"))
    else:
        lines.append(_line(MISSING, "Chromium", "未找到（网站的浏览器测试要用）；请以 root 运行 apt-get install chromium"))
    rsync = shutil.which("rsync")
    if rsync:
        lines.append(_line(OK, "rsync", f"{rsync}（bulletin deploy 发布到 主机:路径 用）"))
    else:
        lines.append(_line(MISSING, "rsync", "未找到（bulletin deploy 发布到 主机:路径 要用；发布到本机目录不需要）；"
                           "请以 root 运行 apt-get install rsync"))
    return lines


def add_arguments(parser) -> None:
    """No options of its own."""


def run(ctx, args) -> int:
    for section in (check_packages, check_weasyprint):
        for line in section():
            print(line)
    for line in check_fonts(ctx.root, ctx.today):
        print(line)
    for line in check_tools():
        print(line)
    return 0
