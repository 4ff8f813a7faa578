"""Fonts: which family prints each role (title, body, heading, kai), and where it came from.

GB/T 9704 names the faces (小标宋 titles, 仿宋 body, 黑体 level-one headings, 楷体 level-two),
but those are licensed. An office drops its licensed files into the newsroom's ``fonts/``
folder and they win automatically; ``extra.bulletin.fonts`` in mkdocs.yml names a family per
role explicitly; otherwise the free Debian fonts print. Fonts are only ever read from disk.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bulletin.mkdocs_yml import bulletin_extra

ROLES = ("title", "body", "heading", "kai")
ROLE_NAMES = {"title": "标题（小标宋）", "body": "正文（仿宋）", "heading": "一级标题（黑体）", "kai": "二级标题（楷体）"}

# Free defaults from Debian (fonts-noto-cjk, fonts-arphic-ukai).
DEFAULTS = {
    "title": "Noto Serif CJK SC",
    "body": "Noto Serif CJK SC",
    "heading": "Noto Sans CJK SC",
    "kai": "AR PL UKai CN",
}
DEBIAN_PACKAGE = {"Noto Serif CJK SC": "fonts-noto-cjk", "Noto Sans CJK SC": "fonts-noto-cjk", "AR PL UKai CN": "fonts-arphic-ukai"}

# Licensed faces recognised in fonts/, best first; a font matches on any of its family names.
LICENSED = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05", "华文中宋", "STZhongsong"),
    "body": ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "方正仿宋_GBK", "方正仿宋简体", "华文仿宋", "STFangsong"),
    "heading": ("黑体", "SimHei", "方正黑体_GBK", "方正黑体简体", "华文黑体", "STHeiti"),
    "kai": ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "方正楷体_GBK", "方正楷体简体", "华文楷体", "STKaiti"),
}
# Fallback keywords for licensed files whose exact family name is not listed above.
KEYWORDS = {
    "title": ("小标宋", "xiaobiaosong", "中宋", "zhongsong"),
    "body": ("仿宋", "fangsong"),
    "heading": ("黑体", "simhei", "heiti"),
    "kai": ("楷体", "kaiti"),
}
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


@dataclass(frozen=True)
class RoleFont:
    """The face that prints one role. ``css_family`` is the name the stylesheet uses."""

    role: str
    family: str
    file: str | None
    index: int
    source: str  # "fonts/" | "mkdocs.yml" | "默认"
    note: str = ""  # why a wish could not be met, for ``bulletin doctor``

    @property
    def css_family(self) -> str:
        return f"bulletin-{self.role}" if self.source == "fonts/" else self.family


@dataclass(frozen=True)
class FontSet:
    """All four roles, plus what identifies them for the PDF cache."""

    roles: dict[str, RoleFont]

    def __getitem__(self, role: str) -> RoleFont:
        return self.roles[role]

    def stack(self, role: str) -> str:
        """A CSS font-family list: the chosen face, then the free default for missing glyphs."""
        names = [self.roles[role].css_family, DEFAULTS[role], DEFAULTS["body"]]
        unique = list(dict.fromkeys(names))
        generic = "sans-serif" if role == "heading" else "serif"
        return ", ".join(f'"{n}"' for n in unique) + f", {generic}"

    def face_rules(self) -> str:
        """@font-face rules for faces taken from the newsroom's fonts/ folder."""
        rules = []
        for font in self.roles.values():
            if font.source == "fonts/" and font.file:
                url = Path(font.file).as_uri()
                rules.append(f'@font-face {{ font-family: "{font.css_family}"; src: url("{url}"); }}')
        return "\n".join(rules)

    def fingerprint(self) -> str:
        """What changes the rendering: each face's file, size and modification time."""
        parts = []
        for role in ROLES:
            font = self.roles[role]
            stat = _stat(font.file)
            parts.append(f"{role}={font.family}|{font.file}|{font.index}|{font.source}|{stat}")
        return "\n".join(parts)

    def files(self) -> list[str]:
        return sorted({f.file for f in self.roles.values() if f.file and f.source == "fonts/"})


@lru_cache(maxsize=1)
def harfbuzz_subset_library() -> str | None:
    """The HarfBuzz subsetting library WeasyPrint uses for fast font subsets, if installed
    (it changes a PDF's bytes, so every PDF's cache key names it)."""
    return ctypes.util.find_library("harfbuzz-subset")


def rendering_fingerprint(root: Path) -> str:
    """What a PDF's look depends on besides its HTML: each role's face (file, size, time) and
    whether HarfBuzz subsets the fonts. A font installed or replaced changes it."""
    return resolve_fonts(root).fingerprint() + f"\nharfbuzz={bool(harfbuzz_subset_library())}"


def _stat(file: str | None) -> str:
    if not file:
        return "-"
    try:
        st = os.stat(file)
    except OSError:
        return "missing"
    return f"{st.st_size}:{st.st_mtime_ns}"


def configured_families(root: Path) -> dict[str, str]:
    """``extra.bulletin.fonts`` from mkdocs.yml: {role: family}; unreadable means none."""
    fonts = bulletin_extra(root).get("fonts")
    if not isinstance(fonts, dict):
        return {}
    return {role: fam.strip() for role, fam in fonts.items() if role in ROLES and isinstance(fam, str) and fam.strip()}


@lru_cache(maxsize=256)
def font_names(file: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Every family name (all languages) of each face in a font file, via fontTools."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if file.lower().endswith((".ttc", ".otc")):
            faces = list(TTCollection(file, lazy=True).fonts)
        else:
            faces = [TTFont(file, lazy=True)]
    except (OSError, TTLibError, ValueError, AssertionError, KeyError):
        return ()
    found = []
    for index, face in enumerate(faces):
        try:
            names = {r.toUnicode().strip() for r in face["name"].names if r.nameID in (1, 4, 16)}
        except (KeyError, UnicodeDecodeError, ValueError, AssertionError):
            names = set()
        found.append((index, tuple(sorted(n for n in names if n))))
    return tuple(found)


def folder_fonts(root: Path) -> list[tuple[str, int, tuple[str, ...]]]:
    """(file, face index, names) of every font in the newsroom's fonts/ folder, sorted by path."""
    folder = root / "fonts"
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in FONT_SUFFIXES:
            for index, names in font_names(str(path.resolve())):
                found.append((str(path.resolve()), index, names))
    return found


def _matches(names: tuple[str, ...], wanted: str) -> bool:
    return any(n.casefold() == wanted.casefold() for n in names)


def _from_folder(role: str, faces: list[tuple[str, int, tuple[str, ...]]], wanted: str | None) -> RoleFont | None:
    candidates = [wanted] if wanted else list(LICENSED[role])
    for name in candidates:
        for file, index, names in faces:
            if _matches(names, name):
                return RoleFont(role, name, file, index, "fonts/")
    if wanted:
        return None
    for file, index, names in faces:
        if any(k in n.casefold() for n in names for k in KEYWORDS[role]):
            return RoleFont(role, names[0], file, index, "fonts/")
    return None


@lru_cache(maxsize=64)
def system_font(family: str) -> tuple[str, int] | None:
    """(file, index) of an installed family via fontconfig, or None when fontconfig has no such family."""
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{family}\n", family],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 3:
        return None
    families = [f.strip().casefold() for f in out[2].split(",")]
    if family.casefold() not in families:
        return None  # fontconfig substituted another family: the wanted one is not installed
    return out[0], int(out[1] or 0)


def resolve_fonts(root: Path) -> FontSet:
    """The face for each role: mkdocs.yml wish, else a licensed face in fonts/, else the free default."""
    wishes = configured_families(root)
    faces = folder_fonts(root)
    roles = {}
    for role in ROLES:
        roles[role] = _resolve_role(role, wishes.get(role), faces)
    return FontSet(roles)


def _resolve_role(role: str, wish: str | None, faces) -> RoleFont:
    note = ""
    if wish:
        found = _from_folder(role, faces, wish)
        if found:
            return RoleFont(role, wish, found.file, found.index, "fonts/")
        system = system_font(wish)
        if system:
            return RoleFont(role, wish, system[0], system[1], "mkdocs.yml")
        note = f"mkdocs.yml 指定的字体“{wish}”未找到（既不在 fonts/ 文件夹，也未安装），已改用其他字体"
    found = _from_folder(role, faces, None)
    if found:
        return RoleFont(found.role, found.family, found.file, found.index, found.source, note)
    default = DEFAULTS[role]
    system = system_font(default)
    if system is None:
        package = DEBIAN_PACKAGE[default]
        note = (note + "；" if note else "") + f"默认字体“{default}”未安装，请以 root 运行 apt-get install {package}"
    return RoleFont(role, default, system[0] if system else None, system[1] if system else 0, "默认", note)


def font_cmap(file: str, index: int) -> frozenset[int]:
    """The code points a face covers (for ``bulletin doctor``'s coverage check)."""
    return _cmap(file, index, _stat(file))


@lru_cache(maxsize=16)
def _cmap(file: str, index: int, _stamp: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        face = TTFont(file, fontNumber=index, lazy=True) if file.lower().endswith((".ttc", ".otc")) else TTFont(file, lazy=True)
        return frozenset(face.getBestCmap() or {})
    except (OSError, TTLibError, ValueError, AssertionError, KeyError):
        return frozenset()
