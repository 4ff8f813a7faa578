"""``python scripts/docs_images.py``: page images of the sample's PDFs for docs/print.md.

For each kind of publication (bulletin, special, brief, feature) it takes one built PDF from
build/pdf — a published issue, preferring one with markings and several items — and writes
page 1 as docs/images/<kind>.png (and, for the bulletin, a body page as bulletin-body.png)
with poppler's pdftoppm. It also shows the latest monthly notice (notice.png: its first page,
notice-annex.png: 附件1, notice-colophon.png: the last page with the 版记) and copy 000002 of the
special report's numbered print run (special-copy.png; made in memory, nothing is written to
build/print). Run ``make docs-images`` after ``make build``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bulletin.check import run_check
from bulletin.dates import build_day
from bulletin.store import printed_dir
from bulletin.views import print_view

KINDS = ("bulletin", "special", "brief", "feature")
RESOLUTION = 60


def choose(root: Path, pdf_dir: Path) -> dict[str, Path]:
    """One PDF per kind: published first, then most markings, then most items.

    A classified store's issues are read from the store's own build/ (bulletin.store.printed_dir).
    """
    result = run_check(root, build_day(None))
    newsroom = result.newsroom
    best: dict[str, tuple[tuple, Path]] = {}
    for issue in newsroom.issues:
        where = printed_dir(root, result.store, issue)
        pdf = (pdf_dir if where == root / "build" else where / "pdf") / f"{issue.key}.pdf"
        if not pdf.is_file():
            continue
        view = print_view(newsroom, issue)
        score = (not view.draft, view.classified + bool(view.urgency), len(view.items), issue.key)
        if view.kind not in best or score > best[view.kind][0]:
            best[view.kind] = (score, pdf)
    return {kind: best[kind][1] for kind in KINDS if kind in best}


def page_png(pdf: Path, page: int, out: Path) -> None:
    """One page of a PDF as a PNG, via pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-r", str(RESOLUTION), "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
            check=True, capture_output=True,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(stem.with_suffix(".png")), out)


def _pages(pdf: Path) -> int:
    """Page count from poppler's pdfinfo (0 when it cannot tell)."""
    try:
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
    except OSError:
        return 0
    match = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(match.group(1)) if match else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="把示例 PDF 的第 1 页转为 docs/images/*.png")
    parser.add_argument("--root", default=".", help="新闻室目录（默认：当前目录）")
    parser.add_argument("--out", default="docs/images", help="图片目录（默认：docs/images）")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if not shutil.which("pdftoppm"):
        print("docs-images：未找到 pdftoppm；请以 root 运行 apt-get install poppler-utils", file=sys.stderr)
        return 1
    chosen = choose(root, root / "build" / "pdf")
    if not chosen:
        print("docs-images：build/pdf 中没有 PDF；请先运行 make build", file=sys.stderr)
        return 1
    out = Path(args.out)
    for kind, pdf in chosen.items():
        page_png(pdf, 1, out / f"{kind}.png")
        print(f"{out / f'{kind}.png'} ← {pdf.relative_to(root)}", file=sys.stderr)
    if "bulletin" in chosen and _pages(chosen["bulletin"]) >= 2:
        page_png(chosen["bulletin"], 2, out / "bulletin-body.png")
        print(f"{out / 'bulletin-body.png'} ← {chosen['bulletin'].relative_to(root)} 第 2 页", file=sys.stderr)
    _notice_images(root, out)
    _copy_image(root, out)
    return 0


def _notice_images(root: Path, out: Path) -> None:
    """The latest month's notice: first page, 附件1, and the last page (版记)."""
    months = sorted(p for p in (root / "build" / "notices").glob("*.pdf") if re.fullmatch(r"\d{4}-\d{2}", p.stem))
    if not months:
        return
    pdf = months[-1]
    count = _pages(pdf)
    annex = next((n for n in range(1, count + 1) if _page_text(pdf, n).lstrip().startswith("附件1")), None)
    for name, page in (("notice", 1), ("notice-annex", annex), ("notice-colophon", count)):
        if page:
            page_png(pdf, page, out / f"{name}.png")
            print(f"{out / f'{name}.png'} ← {pdf.relative_to(root)} 第 {page} 页", file=sys.stderr)


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=False).stdout


def _copy_image(root: Path, out: Path) -> None:
    """Copy 000002 of the chosen special report, as ``bulletin print`` stamps it."""
    from bulletin.printing.stamp import numbered_copies

    result = run_check(root, build_day(None))
    specials = [i for i in result.newsroom.issues if i.published and print_view(result.newsroom, i).kind == "special"
                and print_view(result.newsroom, i).classified]
    if not specials:
        return
    issue = max(specials, key=lambda i: i.key)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "copies.pdf"
        pdf.write_bytes(numbered_copies(print_view(result.newsroom, issue), range(2, 3)))
        page_png(pdf, 1, out / "special-copy.png")
    print(f"{out / 'special-copy.png'} ← bulletin print {issue.src.path} 第 000002 份第 1 页", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
