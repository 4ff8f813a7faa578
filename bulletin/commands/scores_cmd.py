"""``bulletin scores``: the assessment table for a period, as text, JSON, Excel or CSV.

``--unit U --explain`` lists every point of one unit with its report, rule, date and source line,
so that any figure in a notice can be traced back to the file an editor wrote.
"""

from __future__ import annotations

import json
from pathlib import Path

from bulletin import textwidth
from bulletin.check import run_check
from bulletin.commands._common import refused
from bulletin.errors import UsageError
from bulletin.scoring import (
    Entry,
    Ledger,
    Period,
    PeriodError,
    Row,
    ScoreTable,
    parse_period,
    round_half_up,
    score_table,
)
from bulletin.suggest import nearest
from bulletin.write import atomic_write


def add_arguments(parser) -> None:
    """This command's own options (the global ones are added by ``bulletin.cli``)."""
    parser.add_argument("--period", required=True, help="YYYY-MM、YYYY-Qn 或 YYYY")
    parser.add_argument("--format", choices=["table", "json", "xlsx", "csv"], default="table")
    parser.add_argument("--unit", default=None)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--output", default=None, help="xlsx 或 csv 输出文件")
    parser.add_argument("--export-classified", action="store_true",
                        help="在涉密库所在的计算机上写出涉密信息汇总 <涉密库>/classified-summary/<期间>.yaml")


def run(ctx, args) -> int:
    try:
        period = parse_period(args.period)
    except PeriodError as exc:
        raise UsageError(str(exc)) from None
    result = run_check(ctx.root, ctx.today, lints=False, classified=ctx.classified)  # scores read data; style lints are check's job
    if refused(result, f"有 {len(result.errors)} 个错误，未计算得分；请先按上面的提示修改（bulletin check 可查看全部问题）"):
        return 1
    newsroom = result.newsroom
    if args.export_classified:
        return _export_classified(ctx, result, period)
    if args.unit is not None and args.unit not in newsroom.units:
        raise UsageError(f"单位 {args.unit} 不在 units.yaml 中；{nearest(args.unit, newsroom.units)}可写：{'、'.join(newsroom.units)}")
    table = score_table(Ledger(newsroom), period)
    if args.format in ("xlsx", "csv"):
        return _sheet_file(ctx, args, table, newsroom)
    if args.explain:
        print(_explain_json(table, args.unit) if args.format == "json" else _explain_text(table, args.unit))
    elif args.format == "json":
        shown = table.as_json()
        if args.unit is not None:
            shown["units"] = [u for u in shown["units"] if u["unit"] == args.unit]
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    else:
        print(_table_text(table, args.unit))
    return 0


def _export_classified(ctx, result, period: Period) -> int:
    """Write the store's per-unit figures for the period: the one file that crosses to the network."""
    from bulletin.classified_summary import FOLDER, summary_text
    from bulletin.store import networked

    store = result.store
    if store is None or not store.present:
        where = f"涉密库 {store.path} 不在本机" if store is not None else "没有配置涉密库"
        raise UsageError(f"--export-classified 须在涉密库所在的计算机上运行（{where}）；请用 --classified 指定涉密库")
    alone = networked(result.sources, result.newsroom, store)
    figures = alone.classified.figures(period)
    out = store.path / FOLDER / f"{period.key}.yaml"
    atomic_write(out, summary_text(figures, list(result.newsroom.units)))
    ctx.say(f"已写入 {out}：{len(figures)} 个单位的涉密信息数字（只有单位、报送、采用、批示、得分，没有标题、id、日期或正文）")
    ctx.say(f"请只把这一个文件复制到联网新闻室的 {FOLDER}/ 文件夹并提交；那里的得分、通报和排名即计入涉密信息")
    print(out)
    return 0


def _sheet_file(ctx, args, table: ScoreTable, newsroom) -> int:
    """The table as a workbook (ranking and entries, ready to print), or as CSV with a BOM: the
    ranking, or with ``--explain`` every entry."""
    from bulletin.notice_view import issue_labels, score_view
    from bulletin.sheets import csv_bytes, entries_sheet, score_sheet, workbook_bytes  # openpyxl loads slowly
    from bulletin.site.settings import read_settings

    suffix = args.format
    output = Path(args.output) if args.output else ctx.root / "build" / f"scores-{table.period.key}.{suffix}"
    view = score_view(table, issue_labels(newsroom))
    unit = view.for_unit(args.unit) if args.unit is not None else view
    entries = entries_sheet(unit.entries)
    if suffix == "csv":
        data = csv_bytes(entries if args.explain else score_sheet(unit.rows))
    else:
        publishers = [s.publisher for s in newsroom.series.values() if s.publisher]
        office = read_settings(ctx.root).office or (publishers[0] if publishers else "")
        data = workbook_bytes([score_sheet(view.rows), entries], ctx.today, f"{office}　{table.period.cn}".strip("　"))
    try:
        atomic_write(output, data)
    except OSError as exc:
        raise UsageError(f"无法写入 {output}（{exc.strerror}）；请用 --output 指定可写的文件") from None
    ctx.say(f"已写入 {output}")
    return 0


# -- text ----------------------------------------------------------------------------------------


def _columns(rows: list[list[str]], right: set[int]) -> str:
    return textwidth.table(rows, right)


def _row_cells(row: Row) -> list[str]:
    return [
        str(row.rank) if row.rank is not None else "停用",
        row.name,
        str(row.submitted),
        str(row.adopted),
        f"{row.adoption_rate * 100:.2f}%",
        str(row.instructions),
        f"{row.points:.2f}",
    ]


def _table_text(table: ScoreTable, unit: str | None) -> str:
    rows = [r for r in table.rows if unit is None or r.unit == unit]
    lines = [["名次", "单位", "报送", "采用", "采用率", "批示", "得分"], *(_row_cells(r) for r in rows)]
    return f"{table.period.cn}政务信息报送考核得分\n\n" + _columns(lines, {0, 2, 3, 4, 5, 6})


def _signed(entry: Entry) -> str:
    return f"{round_half_up(entry.points, 2):+.2f}"


def _explain_text(table: ScoreTable, unit: str | None) -> str:
    blocks = []
    for row in table.rows:
        if unit is not None and row.unit != unit:
            continue
        entries = table.entries_of(row.unit)
        head = f"{row.name}（{row.unit}）{table.period.cn}得分 {row.points:.2f}，共 {len(entries)} 项"
        if not entries:
            blocks.append(head + "\n  （本期没有计分项）")
            continue
        lines = [["日期", "计分项", "分值", "稿件", "说明", "来源", "依据"]]
        for e in entries:
            lines.append([e.day.isoformat(), e.rule_name, _signed(e), e.report or "—", e.explained, e.source, e.basis])
        blocks.append(head + "\n" + _columns(lines, {2}))
    return "\n\n".join(blocks)


def _explain_json(table: ScoreTable, unit: str | None) -> str:
    units = []
    for row in table.rows:
        if unit is not None and row.unit != unit:
            continue
        units.append({
            **row.as_json(),
            "entries": [
                {"date": e.day.isoformat(), "rule": e.rule, "rule_name": e.rule_name, "report": e.report,
                 "points": float(e.points), "split": e.split, "note": e.note, "source": e.source, "basis": e.basis}
                for e in table.entries_of(row.unit)
            ],
        })
    return json.dumps({"period": table.period.key, "units": units}, ensure_ascii=False, indent=2)
