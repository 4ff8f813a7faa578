"""Site search: a Pagefind index of the item and issue pages, written beside the built site.

Why Pagefind: mkdocs' search makes every visitor download the whole index (6 MB on a city-year
public site, 78 MB on a 5-year intranet) before the first result; Pagefind's index is split into
chunks, and a query fetches only the chunks of its words and the fragments of the results shown.

Records are made from the view (never from the newsroom) and given to Pagefind as custom
records: ``content`` is the page's searchable text with Chinese split into overlapping pairs
(``bulletin.site.pairs``), ``meta`` the title, unit and date a result shows. The language is
``und`` so that Pagefind neither segments nor stems: the browser sends the same pairs.
List and archive pages are not indexed, so results go straight to items and issues.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from bulletin.dates import cn_date
from bulletin.errors import IncompleteBundle, SearchIndexError
from bulletin.markup import to_html
from bulletin.site import pairs, urls
from bulletin.views import IssueView, ItemView, SiteView

LANGUAGE = "und"  # no stemmer, no segmenter: the pairs are the words
BUNDLE = "pagefind"
# Files of the bundle the site's own script uses; Pagefind's UI scripts are not shipped.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")
_TAG = re.compile(r"<[^<>]*>")  # linear: a run never crosses the next "<"
_BLANK = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n\s*\n+")
FIELD = " ｜ "  # between the body and each other field: no pair spans two fields; excerpts stop at it


@dataclass(frozen=True)
class Record:
    """One search result's page: its URL (from the site root), searchable text and shown fields."""

    url: str
    text: str  # the real text; the index gets pairs.split(text)
    meta: dict[str, str]


def plain_text(body_html: str) -> str:
    """The words of a sanitised HTML body, one paragraph a line."""
    text = html.unescape(_TAG.sub("\n", body_html))
    return _LINES.sub("\n", "\n".join(_BLANK.sub(" ", line).strip() for line in text.split("\n"))).strip()


def item_record(item: ItemView) -> Record:
    """An item: body first (the excerpt falls back to its opening), then title, units, date,
    category and tags, so each of them finds the item."""
    units = "、".join([item.unit_name, *item.co_unit_names])
    day = cn_date(item.day)
    about = [item.title, units, day, item.day.isoformat(), item.category, *item.tags]
    text = FIELD.join([plain_text(to_html(item.body, item.source_path)), *about])
    return Record("/" + urls.url_of(urls.item(item.id)), text,
                  {"title": item.title, "unit": units, "date": day, "kind": "条目"})


def issue_record(issue: IssueView) -> Record:
    """An issue: the headlines it printed (its excerpt), then its name, date and publisher."""
    name = f"《{issue.series_name.strip('《》')}》{issue.year}年第{issue.number}期"
    day = cn_date(issue.date)
    text = FIELD.join(["；".join(headline for headline, _ in issue.items), name, day, issue.publisher])
    return Record("/" + urls.url_of(urls.issue(issue.key)), text,
                  {"title": name, "unit": issue.publisher, "date": day, "kind": "期刊"})


def records(view: SiteView) -> list[Record]:
    """Every page search finds on one site: its items and its issues, nothing else."""
    return [*(item_record(i) for i in view.items.values()), *(issue_record(i) for i in view.issues)]


BATCH = 256  # records in flight to the Pagefind service at once
SERVICE_EXIT = 120  # seconds the service may take to exit
RESPONSE_LIMIT = 2**30  # bytes one response may take (the bundle's files); the buffer grows only as needed


def _service_class():
    """Pagefind's service client, reading each response as soon as it arrives.

    The library's reader sleeps 0.1 s before reading every response, so it takes one record
    a tenth of a second: 15 minutes for a city-year. This reader is the library's loop without
    that sleep (responses are matched to requests by message id, as there), and one that fails
    every waiting request when the service dies instead of leaving it waiting for ever.
    """
    from pagefind.service import PagefindService

    class Service(PagefindService):
        async def launch(self) -> PagefindService:
            """The library's launch with a pipe limit large enough for the whole bundle in one
            response (``get_files``; a 5-year intranet's is about 10 MB once encoded)."""
            self._backend = await asyncio.create_subprocess_exec(
                self._bin, "--service", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, limit=RESPONSE_LIMIT)
            self._poll_task = self._loop.create_task(self._wait_for_responses())
            return self

        async def _wait_for_responses(self) -> None:
            assert self._backend.stdout is not None
            try:
                while True:
                    output = await self._backend.stdout.readuntil(b",")
                    self._answer(json.loads(base64.b64decode(output[:-1])))
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                # the service died or spoke nonsense: every request still waiting fails, none hangs
                why = LOST if isinstance(exc, asyncio.IncompleteReadError) else "pagefind 服务的回应无法解读"
                for future in self._responses.values():
                    if not future.done():
                        future.set_exception(SearchIndexError(why))
                        future.exception()  # the sender may have failed first: no "never retrieved" noise

        def _answer(self, response: dict | None) -> None:
            future = self._responses.pop(response.get("message_id"), None) if response else None
            if future is None or future.done():
                return
            payload = response["payload"]
            if payload["type"] == "Error":
                future.set_exception(SearchIndexError(payload.get("message", "")))
            else:
                future.set_result(payload)

        async def close(self) -> None:
            """End the service by closing its input and waiting for it to exit (the library sends
            SIGTERM at once; a service ended so has been seen to leave its output unfinished)."""
            assert self._backend.stdin is not None
            self._backend.stdin.close()
            try:
                await asyncio.wait_for(self._backend.wait(), timeout=SERVICE_EXIT)
            except TimeoutError:
                self._backend.kill()
                await self._backend.wait()
                raise SearchIndexError("pagefind 服务未能按时结束") from None
            finally:
                self._poll_task.cancel()

    return Service


async def _index(found: list[Record]) -> list[dict]:
    """The bundle's files as the service holds them in memory.

    Not ``write_files``: the service answers that request before its writes have reached the
    disk, and files were seen empty or cut short (a truncated ``wasm.unknown.pagefind`` failed a
    build's leak gate). Files taken from memory are written here, whole, before the build goes on.
    """
    async with _service_class()() as service:
        index = await service.create_index({})
        for start in range(0, len(found), BATCH):
            await asyncio.gather(*(
                index.add_custom_record(url=r.url, content=pairs.split(r.text), language=LANGUAGE, meta=r.meta)
                for r in found[start:start + BATCH]))
        return await index.get_files()


def write_index(view: SiteView, out: Path) -> None:
    """Write the Pagefind bundle of ``view`` into ``out/pagefind`` (none when it has no page to find)."""
    write_records(records(view), out)


def write_records(found: list[Record], out: Path) -> None:
    """Write the Pagefind bundle of these records into ``out/pagefind`` (none when there are none).

    Apart from ``write_index`` so that ``bulletin serve`` makes the records (Markdown, not
    thread-safe) in its own thread and indexes them in another.
    """
    with _ONE_AT_A_TIME:
        try:
            _write_records(found, out)
        except IncompleteBundle:
            # Not seen since the files are taken from the service's memory (``_index``); kept so
            # that a bundle found incomplete is made once more before the build stops.
            _write_records(found, out)


# One Pagefind service at a time in a process: bulletin serve writes its public search index in a
# thread while the intranet builds (with its own), and two at once were seen leaving a bundle file
# empty or cut short (also, rarely, one alone under load: the preview tries again once).
_ONE_AT_A_TIME = threading.Lock()


def _write_records(found: list[Record], out: Path) -> None:
    bundle = out / BUNDLE
    if bundle.exists():
        shutil.rmtree(bundle)
    if not found:
        return  # a site with no item: no bundle (Pagefind would write one without an index); nothing is found
    try:
        files = asyncio.run(_index(found))
    except (ConnectionError, SearchIndexError) as exc:
        raise SearchIndexError(f"网站搜索索引生成失败（pagefind）：{_said(exc)}；{FIX}") from exc
    except Exception as exc:  # the service reports its own failures as plain exceptions
        raise SearchIndexError(f"网站搜索索引生成失败（pagefind）：{exc}；{FIX}") from exc
    _write_bundle(files, bundle)
    _check_bundle(bundle)


def _write_bundle(files: list[dict], bundle: Path) -> None:
    """Write the service's files under ``bundle``, leaving out the UI scripts the site does not use;
    a path that would leave the bundle is refused (the service is a separate program)."""
    root = bundle.resolve(strict=False)
    for file in files:
        relative = Path(file["path"])
        if relative.as_posix() in UNUSED:
            continue
        target = (bundle / relative).resolve(strict=False)
        if relative.is_absolute() or root not in target.parents:
            raise SearchIndexError(f"网站搜索索引生成失败（pagefind）：文件路径越界：{file['path']}；{FIX}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file["content"])


class Indexing:
    """The search index of a view, built in a thread while the site build goes on (mkdocs).

    Pagefind runs in its own process, so on two cores the index costs the site build little
    wall time. The bundle is written under ``folder`` (outside the staged tree the leak gate
    reads, and outside mkdocs' site folder, which mkdocs empties) and moved into the site by
    ``place`` once mkdocs is done.
    """

    def __init__(self, view: SiteView, folder: Path):
        self.folder = folder
        self.error: BaseException | None = None
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        self.thread = threading.Thread(target=self._run, args=(view,), name="pagefind", daemon=True)
        self.thread.start()

    def _run(self, view: SiteView) -> None:
        try:
            write_index(view, self.folder)
        except BaseException as exc:  # handed to the build's own thread by place()
            self.error = exc

    def wait(self) -> None:
        self.thread.join()

    def place(self, out: Path) -> None:
        """Wait for the index, then move it into ``out/pagefind``; raise what indexing raised."""
        self.wait()
        if self.error is not None:
            raise self.error
        if (out / BUNDLE).exists():
            shutil.rmtree(out / BUNDLE)
        if (self.folder / BUNDLE).exists():
            shutil.move(self.folder / BUNDLE, out / BUNDLE)


LOST = "pagefind 服务意外结束（连接中断）"
FIX = "请用 make build 重新安装依赖（pagefind[extended]），或运行 make doctor 查看原因"


def _said(exc: Exception) -> str:
    return LOST if isinstance(exc, ConnectionError) else str(exc)


NEEDED = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.unknown.pagefind")


def _check_bundle(bundle: Path) -> None:
    """Every file the browser needs is there and not empty, or the build stops: a half-written
    bundle would be a site whose search silently finds nothing."""
    empty = sorted({*(n for n in NEEDED if not (bundle / n).is_file()),
                    *(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file() and not p.stat().st_size)})
    if empty or not list(bundle.glob("pagefind.*.pf_meta")):
        raise IncompleteBundle(f"网站搜索索引不完整（pagefind）：缺少或为空：{'、'.join(empty) or 'pf_meta'}")
