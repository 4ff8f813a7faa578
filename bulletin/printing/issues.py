"""Every issue as an A4 PDF in the official 简报 style, plus a Word file for final layout.

``render_all`` is the build's entry point. HTML is composed here (cheap); PDFs are rendered by
a pool of long-lived worker processes (WeasyPrint costs about a second to import, so each
worker pays it once per batch), and a content-hash cache skips every PDF whose inputs did
not change: the issue and its items (through the composed HTML), images, templates, fonts and
package versions.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from bulletin.cache import FileStore, code_digest, value_bytes
from bulletin.printing.compose import Printed, images_digest, issue_html, printed
from bulletin.printing.docx_out import write_docx
from bulletin.printing.fonts import FontSet, resolve_fonts
from bulletin.printing.pdf import Meta, print_css
from bulletin.printing.queue import PrintQueue, place
from bulletin.printing.worker import RenderError, RenderJob, cache_key
from bulletin.views import PrintIssue
from bulletin.write import atomic_write

__all__ = ["render_all"]


@dataclass
class _Planned:
    doc: Printed | None  # None when the stored PDF and Word file are reused without composing
    job: RenderJob
    target: Path
    view: PrintIssue


class _Plans:
    """``digest of an issue's print view -> content key of its PDF``, remembered between builds.

    Composing an issue's HTML (every item's Markdown, the template) is what the content key is
    made from, and on a five-year archive composing all 1,150 issues took seconds on every build
    although one issue was new. An issue whose print view, fonts, style sheet, images and
    program are those of a remembered plan reuses the stored files under that plan's key; any
    other is composed and keyed by its HTML as before (so an unchanged HTML still finds its PDF).
    """

    def __init__(self, path: Path, base: bytes):
        self.path, self.base = path, base
        try:
            self.old = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            self.old = {}
        self.new: dict[bytes, str] = {}

    def view_key(self, view: PrintIssue) -> bytes:
        return hashlib.blake2b(self.base + value_bytes(view), digest_size=16).digest()

    def save(self) -> None:
        if self.new != self.old:
            try:
                atomic_write(self.path, marshal.dumps(self.new))
            except OSError:
                pass  # unremembered plans are composed again next time


def render_all(prints: Iterable[PrintIssue], out_dir: Path, cache_dir: Path, progress: Callable[[str], None],
               queue: PrintQueue | None = None, assets: bytes | None = None) -> None:
    """Write ``<series>/<YYYY>/<NNN>.pdf`` and ``.docx`` for every issue under ``out_dir``.

    With a ``queue`` the PDFs are only queued: the build renders them together with the
    notices while it builds the sites, and copies them into place at ``queue.finish()``.

    ``prints`` are planned as they come: a build hands them newest first, so an editor's new
    issue goes to the warmed worker while the other 1,150 of a five-year archive are planned
    (``PrintQueue.add``), instead of after them.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    views = iter(prints)
    first = next(views, None)
    if first is None:
        return
    root = first.root
    fonts = resolve_fonts(root)
    css = print_css(fonts, root)
    store = FileStore(cache_dir / "pdf", (".pdf", ".docx"))
    own = queue is None
    queue = PrintQueue(fonts, progress) if queue is None else queue
    # ``assets``: the build's digest of the newsroom's images, fonts and settings (fingerprint.py).
    # Without it every issue is composed, as plans can only be trusted while those are unchanged.
    plans = None
    if assets is not None:
        plans = _Plans(cache_dir / "pdf" / "plans.marshal", code_digest() + assets + f"{css}\0{fonts.fingerprint()}".encode())
    planned, reused = [], 0
    for p in chain([first], views):
        item = _plan(p, root, fonts, css, store, out_dir, plans)
        reused += item.job.cache_path.exists()  # counted before the pool may have rendered it
        queue.add(item.job, item.target)
        planned.append(item)
    if plans is not None:
        plans.save()
    queue.defer(lambda: _word_files(planned, root, fonts))
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
            doc = item.doc or printed(item.view)
            try:
                write_docx(doc, root, fonts, docx)
            except (ValueError, OSError, KeyError) as exc:  # one line naming the issue, not a traceback
                raise RenderError(f"{doc.key} 的 Word 文件生成失败（{type(exc).__name__}: {exc}）") from exc
        place(docx, item.target.with_suffix(".docx"))


def _plan(p: PrintIssue, root: Path, fonts: FontSet, css: str, store: FileStore, out_dir: Path,
          plans: _Plans | None) -> _Planned:
    view_key = plans.view_key(p) if plans is not None else b""
    known = plans.old.get(view_key) if plans is not None else None
    pdf = store.get(known, ".pdf") if known is not None else None
    if pdf is not None and store.get(known, ".docx") is not None:
        plans.new[view_key] = known
        job = RenderJob(key=p.key, html="", base_url=str(root) + "/", meta=Meta(p.key), allowed_dirs=(), cache_path=pdf)
        return _Planned(None, job, out_dir / f"{p.key}.pdf", p)
    doc = printed(p)
    html = issue_html(doc, css)
    key = cache_key(html, fonts, images_digest(root, doc.images))
    if plans is not None:
        plans.new[view_key] = key
    job = RenderJob(
        key=doc.key,
        html=html,
        base_url=str(root) + "/",
        meta=doc.meta if isinstance(doc.meta, Meta) else Meta(doc.key),
        allowed_dirs=(*(str(root / folder) for folder in doc.content_dirs), str(root / "fonts")),
        cache_path=store.path(key, ".pdf"),
    )
    store.path(key, ".docx")  # its Word file, made by _word_files once the pool runs
    return _Planned(doc, job, out_dir / f"{doc.key}.pdf", p)

