"""Notices (通报) rendered: for every period ``<period>.pdf`` in the official-document style
(through the print engine's worker pool) and ``<period>.xlsx`` with the same tables, and the
intranet pages (``notices/index.md``, ``notices/<period>.md``) with a bar chart of points by unit
and the monthly trend as SVG. Everything comes from the notice view (``bulletin.notice_view``),
which has already decided what each output may show.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from bulletin import templating
from bulletin.cache import FileStore
from bulletin.charts import bar_chart, trend_chart
from bulletin.dates import cn_date
from bulletin.escape import md_text
from bulletin.notice_view import Notice, NoticeView, Period, notice_title
from bulletin.printing.fonts import resolve_fonts
from bulletin.printing.pdf import Meta, page_html, print_css
from bulletin.printing.queue import PrintQueue
from bulletin.printing.worker import RenderJob, cache_key
from bulletin.sheets import Sheet, entries_sheet, score_sheet, workbook_bytes

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九: for （一）（二）… headings."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The notice templates: HTML and Markdown pages are escaped, the stylesheet is not."""
    return templating.environment("notice", ("html", "md"), {
        "cn_number": cn_number,
        "md": lambda text: Markup(md_text(text)),  # names on Markdown lines: text, never links
    })



def build_notices(view: NoticeView, out_dir: Path, cache: Path, queue: PrintQueue | None = None) -> dict[str, str]:
    """Write every notice's PDF and workbook into ``out_dir``; return the intranet pages.

    With a ``queue`` the PDFs are rendered by the build's shared worker pool (see
    ``bulletin.printing.queue``) and land in ``out_dir`` when the build finishes the queue.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    store = FileStore(cache / "notices", (".pdf", ".xlsx"))
    pdf = _PdfWriter(view.root, store, queue)
    pages: dict[str, str] = {}
    for period in view.periods:
        notice = view.printed[period.key]
        _workbook(notice_sheets(notice), view.today, out_dir / f"{period.key}.xlsx", store)
        pdf.write(notice_html(notice), out_dir / f"{period.key}.pdf", notice)
        pages[f"notices/{period.key}.md"] = notice_page(view.intranet[period.key])
    store.prune()
    pdf.finish()
    pages["notices/index.md"] = index_page(view.periods, view.issuer, view.latest_trend)  # counts only
    return pages


def _workbook(sheets: list[Sheet], day: date, out: Path, store: FileStore) -> None:
    """Write a notice's workbook, reusing the stored file while its tables are unchanged
    (openpyxl takes about a third of a second per workbook of a city-year)."""
    key = hashlib.sha256(repr((sheets, day, version("openpyxl"))).encode()).hexdigest()[:32]
    cached = store.get_or_make(key, ".xlsx", lambda: workbook_bytes(sheets, day))
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, out)


def notice_html(notice: Notice) -> str:
    """The notice as an HTML fragment for the print stylesheet."""
    return environment().get_template("notice.html").render(n=notice, cn_date=cn_date, title_line=_title_lines, printed=True)


def _title_lines(title: str) -> list[str]:
    """Break a long title before 政务信息 so the second line is not a lone fragment (GB/T 9704 7.3.3)."""
    cut = title.find("政务信息")
    return [title[:cut], title[cut:]] if len(title) > 18 and cut > 0 else [title]


def notice_page(notice: Notice) -> str:
    """An intranet page (Markdown with HTML tables and inline SVG charts)."""
    bars = bar_chart(f"各单位得分（{notice.period.cn}）",
                     [(r.name, float(r.points)) for r in notice.table.rows if r.rank is not None])
    trend = trend_chart("全市政务信息报送、采用月度趋势",
                        [label for label, _, _ in notice.trend],
                        [("报送", [s for _, s, _ in notice.trend]), ("采用", [a for _, _, a in notice.trend])])
    return environment().get_template("page.md").render(
        n=notice, cn_date=cn_date, bars=_inline(bars), trend=_inline(trend), printed=False)


def _inline(svg: str) -> str:
    """One line, so Markdown keeps the SVG as a single raw HTML block."""
    return "".join(line.strip() for line in svg.splitlines())


def index_page(periods: list[Period], issuer: str, trend_months: list[tuple[str, int, int]]) -> str:
    years = sorted({p.start.year for p in periods}, reverse=True)
    groups = [
        (year, [p for p in periods if p.start.year == year and p.kind == "year"]
         + sorted((p for p in periods if p.start.year == year and p.kind == "quarter"), key=lambda p: p.start, reverse=True)
         + sorted((p for p in periods if p.start.year == year and p.kind == "month"), key=lambda p: p.start, reverse=True))
        for year in years
    ]
    trend = ""
    if any(p.kind == "month" for p in periods):
        trend = _inline(trend_chart("全市政务信息报送、采用月度趋势", [t[0] for t in trend_months],
                                    [("报送", [t[1] for t in trend_months]), ("采用", [t[2] for t in trend_months])]))
    return environment().get_template("index.md").render(
        groups=groups, issuer=issuer, title=notice_title, trend=trend)


def notice_sheets(notice: Notice) -> list[Sheet]:
    """The notice's tables as worksheets: ranking, items and point sources, and the named lists."""
    items = [
        [s.name, i.report, i.title, line.day.isoformat(), line.rule, float(line.points), line.note, line.source, line.basis]
        for s in notice.sections for i in s.items for line in i.lines
    ]
    c = notice.concentration
    return [
        score_sheet(notice.table),
        Sheet("采用条目", ["单位", "稿件", "标题", "日期", "计分项", "分值", "说明", "来源", "计分依据"], items,
              [30, 24, 48, 12, 14, 10, 46, 36, 16], {5: "0.00"}),
        entries_sheet(notice.table, title="得分明细"),
        Sheet("连续无采用单位", ["单位", "连续无采用月数", "最近一次采用"],
              [[d.name, d.months, d.last.isoformat() if d.last else "无"] for d in notice.dormant], [34, 16, 16]),
        Sheet("紧急信息迟报", ["稿件", "标题", "报送单位", "事件时间", "收稿时间", "间隔（小时）", "扣分"],
              [[x.report, x.title, x.units, x.event.strftime("%Y-%m-%d %H:%M"), x.submitted.strftime("%Y-%m-%d %H:%M"),
                float(x.hours), float(x.points)] for x in notice.late],
              [24, 48, 34, 18, 18, 14, 10], {6: "0.00"}),
        Sheet("约稿未报", ["约稿选题", "截止日期", "单位", "情况", "扣分"],
              [[m.topic, m.due.isoformat(), m.unit, m.state, float(m.points)] for m in notice.missed],
              [48, 14, 34, 12, 10], {4: "0.00"}),
        Sheet("报送集中度", ["参评单位数", "前五分之一单位数", "前五分之一单位", "其报送条数", "全部报送条数", "占比"],
              [[c.active, c.top, "、".join(c.names), c.top_count, c.total, float(c.share) / 100]],
              [12, 18, 60, 12, 14, 10], {5: "0.00%"}),
    ]


class _PdfWriter:
    """Queues notice PDFs for the print engine's worker pool, reusing cached PDFs by content key."""

    def __init__(self, root: Path, store: FileStore, queue: PrintQueue | None):
        self.root = root
        self.store = store
        self.fonts = resolve_fonts(root)
        notice_css = environment().get_template("notice.css").render(
            fonts={role: self.fonts.stack(role) for role in self.fonts.roles})
        self.css = print_css(self.fonts) + "\n" + notice_css
        self.own = queue is None
        self.queue = PrintQueue(self.fonts) if queue is None else queue

    def write(self, fragment: str, out: Path, notice: Notice) -> None:
        meta = Meta(notice.title, notice.issuer, f"{notice.period.cn}政务信息考核通报", notice.day)
        html = page_html(fragment, meta, css=self.css, body_class="notice")
        cached = self.store.path(cache_key(html, self.fonts, ""), ".pdf")  # the issue PDFs' key: same inputs
        allowed = (str(self.root / "fonts"), *sorted({str(Path(f).parent) for f in self.fonts.files()}))
        job = RenderJob(key=f"通报 {notice.period.key}", html=html, base_url=str(self.root) + "/", meta=meta,
                        allowed_dirs=allowed, cache_path=cached)
        self.queue.add(job, out)

    def finish(self) -> None:
        if self.own:
            self.queue.start()
            self.queue.finish()
