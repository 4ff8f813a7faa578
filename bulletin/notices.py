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
from bulletin.printing.balance import balanced_lines, width
from bulletin.printing.compose import colophon_height_mm
from bulletin.printing.fonts import resolve_fonts
from bulletin.printing.pdf import Meta, geometry_for, page_html, print_css
from bulletin.printing.queue import PrintQueue
from bulletin.printing.worker import RenderJob, cache_key
from bulletin.sheets import Sheet, entries_sheet, score_sheet, workbook_bytes

WORKBOOK_FORMAT = 2  # 2: title rows, print set-up, date cells (bulletin.sheets)

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
        _workbook(notice_sheets(notice), view.today, out_dir / f"{period.key}.xlsx", store,
                  f"{view.issuer}　{period.cn}")
        pdf.write(notice_html(notice), out_dir / f"{period.key}.pdf", notice)
        pages[f"notices/{period.key}.md"] = notice_page(view.intranet[period.key])
    store.prune()
    pdf.finish()
    pages["notices/index.md"] = index_page(view.periods, view.issuer, view.latest_trend)  # counts only
    return pages


def _workbook(sheets: list[Sheet], day: date, out: Path, store: FileStore, caption: str) -> None:
    """Write a notice's workbook, reusing the stored file while its tables are unchanged
    (openpyxl takes about a third of a second per workbook of a city-year)."""
    key = hashlib.sha256(repr((WORKBOOK_FORMAT, sheets, day, caption, version("openpyxl"))).encode()).hexdigest()[:32]
    cached = store.get_or_make(key, ".xlsx", lambda: workbook_bytes(sheets, day, caption))
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, out)


def notice_html(notice: Notice) -> str:
    """The notice as an HTML fragment for the print stylesheet."""
    cc = [f"抄送：{'，'.join(notice.cc)}。"] if notice.cc else []
    # GB/T 9704 7.3.5.2: the 成文日期 starts two characters right of the first character of the 署名
    indent = max(0.0, 2 + width(notice.issuer) - 2 - width(cn_date(notice.day)))
    return environment().get_template("notice.html").render(
        n=notice, cn_date=cn_date, title_line=balanced_lines, printed=True, date_indent=round(indent, 2),
        colophon_mm=colophon_height_mm(cc))


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
        [s.name, i.report, i.title, line.day, line.rule, float(line.points), line.where, line.note, line.source,
         line.basis]
        for s in notice.sections for i in s.items for line in i.lines
    ]
    c = notice.concentration
    return [
        score_sheet(notice.table.rows),
        Sheet("采用条目", ["单位", "稿件", "标题", "日期", "计分项", "分值", "来源", "说明", "文件位置", "计分依据"], items,
              [10, 10, 16, 12, 8, 6, 12, 12, 12, 12], {5: "0.00"}),
        entries_sheet(notice.table.entries, title="得分明细"),
        Sheet("连续无采用单位", ["单位", "连续无采用月数", "最近一次采用"],
              [[d.name, d.months, d.last if d.last else "无"] for d in notice.dormant], [10, 10, 12]),
        Sheet("紧急信息迟报", ["稿件", "标题", "报送单位", "事件时间", "收稿时间", "间隔（小时）", "扣分"],
              [[x.report, x.title, x.units, x.event.replace(tzinfo=None), x.submitted.replace(tzinfo=None),
                float(x.hours), float(x.points)] for x in notice.late],
              [10, 16, 10, 18, 18, 8, 6], {5: "0.0", 6: "0.00"}),
        Sheet("约稿未报", ["约稿选题", "截止日期", "单位", "情况", "扣分"],
              [[m.topic, m.due, m.unit, m.state, float(m.points)] for m in notice.missed],
              [16, 12, 10, 8, 6], {4: "0.00"}),
        Sheet("报送集中度", ["参评单位数", "前五分之一单位数", "前五分之一单位", "其报送条数", "全市报送总数", "占比"],
              [[c.active, c.top, "、".join(c.names), c.top_count, c.total, float(c.share) / 100]],
              [8, 8, 16, 8, 8, 8], {5: "0.00%"}),
    ]


class _PdfWriter:
    """Queues notice PDFs for the print engine's worker pool, reusing cached PDFs by content key."""

    def __init__(self, root: Path, store: FileStore, queue: PrintQueue | None):
        self.root = root
        self.store = store
        self.fonts = resolve_fonts(root)
        geometry = geometry_for(self.fonts)
        notice_css = environment().get_template("notice.css").render(
            fonts={role: self.fonts.stack(role) for role in self.fonts.roles}, pitch=geometry.pitch_pt,
            char=geometry.body_pt + geometry.tracking_pt)
        self.css = print_css(self.fonts, root) + "\n" + notice_css
        self.own = queue is None
        self.queue = PrintQueue(self.fonts) if queue is None else queue

    def write(self, fragment: str, out: Path, notice: Notice) -> None:
        meta = Meta(notice.title, notice.issuer, f"{notice.period.cn}政务信息考核通报", notice.day,
                    keywords=tuple(k for k in ("政务信息考核通报", notice.doc_number, notice.period.cn) if k))
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
