"""Baselines for `make bench`: the same data through the bare libraries, without bulletin.

Each baseline runs as its own process (``python -m bench.baselines KIND ...``) so that
its wall time and peak memory are measured exactly like a ``bulletin`` command, process start
and imports included:

- ``yaml ROOT``: parse every report's front matter and every issue file with PyYAML's
  CSafeLoader, in one process — the floor under ``bulletin check``;
- ``print-html ROOT OUT``: (preparation, not timed) write each issue's print HTML exactly as
  ``bulletin.printing`` composes it, one ``.html`` file per issue;
- ``weasyprint OUT ROOT``: render those HTML files with plain ``weasyprint.HTML().write_pdf()``
  on as many worker processes as the product's PDF pool uses — the floor under the PDF part;
- ``mkdocs STAGE OUT``: ``mkdocs build`` of a docs tree the site part staged — the floor under
  the site parts.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def bare_yaml(root: Path) -> int:
    """Parse all front matter and issue files; return the number of documents parsed."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    count = 0
    for path in sorted((root / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---\n", 4)
        yaml.load(text[4:end], Loader=loader)
        count += 1
    for path in sorted((root / "issues").rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        count += 1
    for name in ("units.yaml", "scoring.yaml"):
        yaml.load((root / name).read_text(encoding="utf-8"), Loader=loader)
        count += 1
    return count


def print_html(root: Path, out: Path, today: str) -> int:
    """Write each issue's print HTML as bulletin composes it; return the number of issues."""
    from datetime import date

    from bulletin.check import run_check
    from bulletin.printing.compose import issue_html, printed
    from bulletin.printing.fonts import resolve_fonts
    from bulletin.printing.pdf import print_css
    from bulletin.views import print_view

    newsroom = run_check(root, date.fromisoformat(today)).newsroom
    css = print_css(resolve_fonts(root))
    out.mkdir(parents=True, exist_ok=True)
    for issue in newsroom.issues:
        doc = printed(print_view(newsroom, issue))
        (out / (issue.key.replace("/", "-") + ".html")).write_text(issue_html(doc, css), encoding="utf-8")
    return len(newsroom.issues)


def _render(args: tuple[str, str]) -> int:
    from weasyprint import HTML

    html_path, base_url = args
    document = HTML(string=Path(html_path).read_text(encoding="utf-8"), base_url=base_url).render()
    document.write_pdf(html_path[: -len(".html")] + ".pdf")
    return len(document.pages)


def _warm() -> None:
    import logging

    import weasyprint  # noqa: F401  (import once per worker, as the product's pool does)

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def bare_weasyprint(folder: Path, root: Path, workers: int) -> int:
    """Render every ``.html`` in ``folder`` to PDF, largest first, on ``workers`` processes."""
    jobs = sorted(folder.glob("*.html"), key=lambda p: p.stat().st_size, reverse=True)
    args = [(str(p), str(root) + "/") for p in jobs]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm) as pool:
        return sum(pool.map(_render, args, chunksize=1))


def bare_mkdocs(stage: Path, out: Path) -> int:
    """``mkdocs build`` of a staged site (its mkdocs.yml and docs/) into ``out``; return pages."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(stage / "mkdocs.yml"), site_dir=str(out))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return sum(1 for _ in out.rglob("*.html"))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    kind, args = argv[0], argv[1:]
    if kind == "yaml":
        count = bare_yaml(Path(args[0]))
    elif kind == "print-html":
        count = print_html(Path(args[0]), Path(args[1]), args[2])
    elif kind == "weasyprint":
        workers = int(os.environ.get("BENCH_PDF_WORKERS", "2"))
        count = bare_weasyprint(Path(args[0]), Path(args[1]), workers)
    elif kind == "mkdocs":
        count = bare_mkdocs(Path(args[0]), Path(args[1]))
    else:
        print(f"unknown baseline {kind}", file=sys.stderr)
        return 2
    print(count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
