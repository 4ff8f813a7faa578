"""Every issue as an A4 PDF in the official 简报 style, plus a Word file for final layout.

``render_all`` is the build's entry point. HTML is composed here (cheap); PDFs are rendered by
a pool of long-lived worker processes (WeasyPrint costs about a second to import, so each
worker pays it once per batch), and a content-hash cache skips every PDF whose inputs did
not change: the issue and its items (through the composed HTML), images, templates, fonts and
package versions.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bulletin.cache import FileStore
from bulletin.printing.compose import Printed, images_digest, issue_html, printed
from bulletin.printing.docx_out import write_docx
from bulletin.printing.fonts import FontSet, resolve_fonts
from bulletin.printing.pdf import Meta, print_css
from bulletin.printing.queue import PrintQueue
from bulletin.printing.worker import RenderError, RenderJob, cache_key
from bulletin.views import PrintIssue

__all__ = ["render_all"]


@dataclass
class _Planned:
    doc: Printed
    job: RenderJob
    target: Path


def render_all(prints: list[PrintIssue], out_dir: Path, cache_dir: Path, progress: Callable[[str], None],
               queue: PrintQueue | None = None) -> None:
    """Write ``<series>/<YYYY>/<NNN>.pdf`` and ``.docx`` for every issue under ``out_dir``.

    With a ``queue`` the PDFs are only queued: the build renders them together with the
    notices while it builds the sites, and copies them into place at ``queue.finish()``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    if not prints:
        return
    root = prints[0].root
    fonts = resolve_fonts(root)
    css = print_css(fonts, root)
    store = FileStore(cache_dir / "pdf", (".pdf", ".docx"))
    own = queue is None
    queue = PrintQueue(fonts, progress) if queue is None else queue
    planned = [_plan(p, root, fonts, css, store, out_dir) for p in prints]
    for item in planned:
        queue.add(item.job, item.target)
    queue.defer(lambda: _word_files(planned, root, fonts))
    reused = sum(item.job.cache_path.exists() for item in planned)
    if reused:
        progress(f"  {reused} 份 PDF 内容未变，沿用缓存")
    store.prune()
    if own:  # a RenderError propagates: the build prints its one line and keeps build/ as it was
        queue.start()
        queue.finish()


def _word_files(planned: list[_Planned], root: Path, fonts: FontSet) -> None:
    """Each issue's Word file, stored under the same content key as its PDF."""
    for item in planned:
        docx = item.job.cache_path.with_suffix(".docx")
        if not docx.exists():
            try:
                write_docx(item.doc, root, fonts, docx)
            except (ValueError, OSError, KeyError) as exc:  # one line naming the issue, not a traceback
                raise RenderError(f"{item.doc.key} 的 Word 文件生成失败（{type(exc).__name__}: {exc}）") from exc
        item.target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(docx, item.target.with_suffix(".docx"))


def _plan(p: PrintIssue, root: Path, fonts: FontSet, css: str, store: FileStore, out_dir: Path) -> _Planned:
    doc = printed(p)
    html = issue_html(doc, css)
    key = cache_key(html, fonts, images_digest(root, doc.images))
    job = RenderJob(
        key=doc.key,
        html=html,
        base_url=str(root) + "/",
        meta=doc.meta if isinstance(doc.meta, Meta) else Meta(doc.key),
        allowed_dirs=(*(str(root / folder) for folder in doc.content_dirs), str(root / "fonts")),
        cache_path=store.path(key, ".pdf"),
    )
    store.path(key, ".docx")  # its Word file, made by _word_files once the pool runs
    return _Planned(doc, job, out_dir / f"{doc.key}.pdf")

