"""Excel workbooks of assessment tables: Chinese headers, set column widths, frozen header row.

openpyxl stamps the save time into docProps/core.xml and into every zip entry; both are replaced
by the day of the build so that the same newsroom gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from bulletin.scoring import ScoreTable

_THIN = Side(style="thin", color="808080")
_HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


@dataclass
class Sheet:
    """One worksheet: a title (sheet name), header row, rows and column widths in characters."""

    title: str
    headers: list[str]
    rows: list[list[object]]
    widths: list[float]
    number_formats: dict[int, str] | None = None  # column index -> Excel number format


def workbook_bytes(sheets: list[Sheet], day: date) -> bytes:
    """An .xlsx of the sheets, identical for identical input."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _fill(wb.create_sheet(sheet.title[:31]), sheet)
    stamp = datetime(day.year, day.month, day.day)
    wb.properties.creator = "bulletin"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    raw = io.BytesIO()
    wb.save(raw)
    return _reproducible(raw.getvalue(), stamp)


def _fill(ws, sheet: Sheet) -> None:
    ws.append(sheet.headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    for row in sheet.rows:
        ws.append(row)
    for index, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for index, fmt in (sheet.number_formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = fmt
    ws.freeze_panes = "A2"


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
ENTRY_HEADERS = ["单位", "日期", "计分项", "稿件", "分值", "说明", "来源", "计分依据"]


def score_sheet(table: ScoreTable, title: str = "得分排名") -> Sheet:
    """The score table; inactive units are listed with 停用 instead of a rank."""
    rows: list[list[object]] = [
        [r.rank if r.rank is not None else "停用", r.name, r.submitted, r.adopted, float(r.adoption_rate),
         r.instructions, float(r.points)]
        for r in table.rows
    ]
    return Sheet(title, SCORE_HEADERS, rows, [8, 34, 10, 10, 10, 10, 10], {4: "0.00%", 6: "0.00"})


def entries_sheet(table: ScoreTable, unit: str | None = None, title: str = "得分明细") -> Sheet:
    """Every entry of the period (or of one unit): where each point came from."""
    names = {r.unit: r.name for r in table.rows}
    entries = table.entries_of(unit) if unit else table.entries
    rows: list[list[object]] = [
        [names.get(e.unit, e.unit), e.day.isoformat(), e.rule_name, e.report or "", float(e.points),
         e.explained, e.source, e.basis]
        for e in entries
    ]
    return Sheet(title, ENTRY_HEADERS, rows, [30, 12, 14, 24, 10, 46, 36, 16], {4: "0.00"})
