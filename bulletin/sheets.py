"""Excel workbooks of assessment tables, made for a clerk to read and print.

Every sheet opens with a title row (the office, the period and what the sheet holds), then the
header row, frozen and repeated on each printed page. Columns are as wide as their Chinese text
(full-width characters count two), numbers are numbers, days are date cells and rates are
percentages; each sheet prints landscape on A4, fitted to the page width.

openpyxl stamps the save time into docProps/core.xml and into every zip entry; both are replaced
by the day of the build so that the same newsroom gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from bulletin import textwidth

if TYPE_CHECKING:
    from bulletin.notice_view import EntryLine, Standing

_THIN = Side(style="thin", color="808080")
_HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
TIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
WIDEST = 60  # characters; longer text wraps
HEADER_ROW = 2  # row 1 is the title


@dataclass
class Sheet:
    """One worksheet: a name, header row, rows, and number formats by column.

    ``widths`` are the narrowest each column may be (the text decides the rest).
    """

    title: str
    headers: list[str]
    rows: list[list[object]]
    widths: list[float]
    number_formats: dict[int, str] | None = None  # column index -> Excel number format


def text_width(value: object) -> float:
    """Display width in Excel's character units: a full-width character counts two."""
    if isinstance(value, datetime):
        return 18
    if isinstance(value, date):
        return 12
    if isinstance(value, float):
        value = f"{value:.2f}"
    return textwidth.columns(str(value))


def workbook_bytes(sheets: list[Sheet], day: date, caption: str = "") -> bytes:
    """An .xlsx of the sheets, identical for identical input.

    ``caption`` (the office and period, ``江城市人民政府办公室　2026年11月``) opens each sheet's title row.
    """
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _fill(wb.create_sheet(sheet.title[:31]), sheet, caption)
    stamp = datetime(day.year, day.month, day.day)
    wb.properties.creator = "bulletin"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    raw = io.BytesIO()
    wb.save(raw)
    return _reproducible(raw.getvalue(), stamp)


def _fill(ws, sheet: Sheet, caption: str) -> None:
    columns = len(sheet.headers)
    ws.append([f"{caption}　{sheet.title}" if caption else sheet.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.append(sheet.headers)
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    for row in sheet.rows:
        ws.append(row)
    formats = sheet.number_formats or {}
    for index in range(columns):
        values = [sheet.headers[index], *(row[index] for row in sheet.rows if index < len(row))]
        widest = max(text_width(v) for v in values if v is not None)
        minimum = sheet.widths[index] if index < len(sheet.widths) else 6
        ws.column_dimensions[get_column_letter(index + 1)].width = min(WIDEST, max(minimum, widest + 2))
        for (cell,) in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=index + 1, max_col=index + 1):
            if index in formats:
                cell.number_format = formats[index]
            elif isinstance(cell.value, datetime):
                cell.number_format = TIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            if widest + 2 > WIDEST:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as CSV in UTF-8 with a byte-order mark, so Excel and WPS open it as Chinese."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow([_csv_value(v, sheet.number_formats or {}, i) for i, v in enumerate(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value: object, formats: dict[int, str], index: int) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and formats.get(index) == "0.00%":
        return f"{value * 100:.2f}%"
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def _reproducible(data: bytes, stamp: datetime) -> bytes:
    """Rewrite the archive with a fixed entry time and the fixed modification date."""
    fixed = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + fixed + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=(max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, content)
    return out.getvalue()


SCORE_HEADERS = ["名次", "单位", "报送条数", "采用条数", "采用率", "批示条数", "得分"]
ENTRY_HEADERS = ["单位", "日期", "计分项", "稿件", "分值", "来源", "说明", "文件位置", "计分依据"]


def score_sheet(rows: list[Standing], title: str = "得分排名") -> Sheet:
    """The ranking; inactive units are listed with 停用 instead of a rank."""
    cells: list[list[object]] = [
        [r.rank if r.rank is not None else "停用", r.name, r.submitted, r.adopted, float(r.adoption_rate),
         r.instructions, float(r.points)]
        for r in rows
    ]
    return Sheet(title, SCORE_HEADERS, cells, [6, 10, 8, 8, 8, 8, 8], {4: "0.00%", 6: "0.00"})


def entries_sheet(entries: list[EntryLine], title: str = "得分明细") -> Sheet:
    """Scoring entries (of a period, or of one unit): where each point came from."""
    cells: list[list[object]] = [
        [e.unit_name, e.day, e.rule, e.report, e.points, e.where, e.note, e.source, e.basis] for e in entries
    ]
    return Sheet(title, ENTRY_HEADERS, cells, [10, 12, 8, 10, 6, 12, 12, 12, 12], {4: "0.00"})
