"""The carevisit command: ingest, metrics, changes, loads, rejects, demo, geo import, rebuild, serve."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from etl import metrics
from etl.ingest import FileResult, ingest
from etl.settings import ConfigError, Settings, load_settings
from etl.warehouse import WarehouseError, open_for_reading, open_for_writing, require_warehouse, write_divisions

STAGES = {"checking": "校验", "reading": "读取", "validating": "校验并入库", "building": "计算指标"}
STATUS_LABELS = {"loaded": "已导入", "skipped": "已跳过", "failed": "失败"}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out, err = Console(), Console(stderr=True)
    if not out.is_terminal:
        out.width = 160  # piped to a file: no reason to wrap at 80 columns
    try:
        settings = load_settings(args.db)
        return args.run(args, settings, out, err)
    except (ConfigError, WarehouseError, metrics.MetricsError) as error:
        err.print(f"[bold red]错误[/]: {error}")
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="carevisit", description="探访关爱看板 CareVisit")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, run, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help="warehouse file (default: $CAREVISIT_DB or data/warehouse.duckdb)")
        p.set_defaults(run=run)
        return p

    p = command("ingest", _ingest, "load roster, visit and contact exports (.xlsx .xls .csv)")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--kind", choices=("roster", "visits", "contacts"))

    p = command("metrics", _metrics, "monthly visit, daily contact and community-help rates per place")
    p.add_argument("--month", help="YYYY-MM (default: the latest month with data)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: month end or data date)")
    p.add_argument("--level", choices=metrics.LEVELS)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = command("changes", _changes, "roster changes (底册变动): who joined and left, and why the visit rate moved")
    p.add_argument("--month", help="YYYY-MM (default: the latest month with data)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: month end or data date)")
    p.add_argument("--level", choices=metrics.LEVELS)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = command("loads", _loads, "load history")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = command("rejects", _rejects, "rejected rows with their reasons (personal data masked)")
    p.add_argument("--load", type=int, dest="load_id")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = command("demo", _demo, "write synthetic demo exports for Heping and load them")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--scale", choices=("district", "city"), default="district")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="last day of demo data (default: yesterday)")
    p.add_argument("--out", type=Path, help="folder for the exports (default: beside the warehouse)")

    geo = sub.add_parser("geo", help="geography: division lists and boundaries")
    geo_sub = geo.add_subparsers(dest="geo_command", required=True)
    p = geo_sub.add_parser("import", help="load a division list (CSV) or boundaries (GeoJSON, Shapefile, GeoPackage)")
    p.add_argument("file", type=Path)
    p.add_argument("--coords", choices=("wgs84", "gcj02"), default="wgs84",
                   help="coordinate system of the file: gcj02 for AMap/Gaode or Tencent exports")
    p.add_argument("--db")
    p.set_defaults(run=_geo_import)

    command("rebuild", _rebuild, "recompute the marts (after changing the configuration)")

    p = command("serve", _serve, "run the dashboard")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    return parser


def _print_frame(frame: pd.DataFrame, fmt: str, out: Console, title: str | None = None) -> None:
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            dates_only = (frame[column].dropna().dt.normalize() == frame[column].dropna()).all()
            frame[column] = frame[column].dt.strftime("%Y-%m-%d" if dates_only else "%Y-%m-%d %H:%M:%S")
    if fmt == "csv":
        out.file.write(frame.to_csv(index=False))
    elif fmt == "json":
        out.file.write(frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=1) + "\n")
    else:
        table = Table(title=title, show_lines=False)
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in row))
        out.print(table)


def _ingest(args, settings: Settings, out: Console, err: Console) -> int:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err,
                  transient=True) as progress:
        task = progress.add_task("导入", total=len(args.files))
        done: set[str] = set()

        def report(file_name: str, stage: str) -> None:
            if file_name and file_name not in done and stage == "checking" and done:
                progress.advance(task)
            done.add(file_name)
            progress.update(task, description=f"{STAGES[stage]} {file_name}".strip())

        results = ingest(args.files, settings, args.kind, report)
    _print_results(results, out)
    rosters = [r.load_id for r in results if r.status == "loaded" and r.kind == "roster"]
    if rosters:
        con = open_for_reading(settings.db_path)
        try:
            for message in metrics.roster_alerts(con, rosters):
                err.print(f"[bold yellow]请注意[/]: {escape(message)}", soft_wrap=True)
        finally:
            con.close()
    failed = [r for r in results if r.status == "failed"]
    for result in failed:
        err.print(f"[red]无法导入 {result.file_name}[/]: {result.message}")
    return 1 if failed else 0


def _print_results(results: list[FileResult], out: Console) -> None:
    table = Table(title="导入结果")
    for column in ("文件", "类型", "状态", "读取行数", "导入", "拒收", "警告", "说明"):
        table.add_column(column)
    for r in results:
        table.add_row(r.file_name, r.kind or "", STATUS_LABELS[r.status], str(r.rows_read), str(r.rows_loaded),
                      str(r.rows_rejected), str(r.warning_count), r.message or "")
    out.print(table)
    loaded = [r for r in results if r.status == "loaded"]
    out.print(
        f"共 {len(results)} 个文件: 导入 {len(loaded)}, 跳过 {sum(r.status == 'skipped' for r in results)}, "
        f"失败 {sum(r.status == 'failed' for r in results)}; 读取 {sum(r.rows_read for r in loaded)} 行, "
        f"导入 {sum(r.rows_loaded for r in loaded)} 行, 拒收 {sum(r.rows_rejected for r in loaded)} 行"
        + (" (用 carevisit rejects 查看拒收原因)" if any(r.rows_rejected for r in loaded) else "")
    )


def _per_place(args, settings: Settings, read) -> pd.DataFrame:
    """One row per place for --month, --as-of and --level, as `read` (a metrics function) gives them."""
    con = open_for_reading(settings.db_path)
    try:
        return read(con, args.month, args.as_of, args.level)
    finally:
        con.close()


def _month_title(frame: pd.DataFrame, args, what: str) -> str:
    as_of = pd.Timestamp(frame["as_of"].iloc[0]).date() if len(frame) else args.as_of
    month = frame["month"].iloc[0] if len(frame) else args.month
    return f"{month} {what} (数据截至 {as_of})"


def _metrics(args, settings: Settings, out: Console, err: Console) -> int:
    frame = _per_place(args, settings, metrics.place_metrics)
    if args.format == "table":
        _print_frame(_metrics_for_people(frame), "table", out, title=_month_title(frame, args, "指标"))
    else:
        _print_frame(frame, args.format, out)
    return 0


def _rate_cell(numerator: int, denominator: int, rate: float) -> str:
    return "—" if pd.isna(rate) else f"{rate:.1%} ({numerator}/{denominator})"


def _metrics_for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures a bureau reader scans: each rate with its numerator and denominator."""
    def cells(numerator: str, denominator: str, rate: str) -> list[str]:
        return [_rate_cell(*row) for row in frame[[numerator, denominator, rate]].itertuples(index=False)]

    return pd.DataFrame({
        "地区": frame["name"],
        "特殊困难老人": frame["special_count"],
        "月探访率(上门)": cells("visited_home", "eligible_home", "visit_rate_home"),
        "月探访率(任意方式)": cells("visited_any", "eligible_any", "visit_rate_any"),
        "不同意探访": frame["declined_count"],
        "独居日联系率": cells("contact_days_covered", "contact_days_eligible", "daily_contact_rate"),
        "失能帮扶率": cells("disabled_with_contact", "disabled_count", "help_rate"),
        "逾期": frame["overdue_count"],
    })


def _changes(args, settings: Settings, out: Console, err: Console) -> int:
    frame = _per_place(args, settings, metrics.place_changes)
    if args.format == "json":
        _print_frame(_nested_changes(frame), "json", out)
    elif args.format == "csv":
        _print_frame(frame, "csv", out)
    else:
        _print_frame(_changes_for_people(frame), "table", out, title=_month_title(frame, args, "底册变动"))
    return 0


def _nested_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """joined_<reason> and left_<reason> columns as two objects of reason -> count."""
    nested = frame[["code", "name", "month", "special_before", "special_now"]].copy()
    nested["joined"] = frame[[f"joined_{r}" for r in metrics.JOINED_REASONS]].rename(
        columns=lambda c: c.removeprefix("joined_")).to_dict("records")
    nested["left"] = frame[[f"left_{r}" for r in metrics.LEFT_REASONS]].rename(
        columns=lambda c: c.removeprefix("left_")).to_dict("records")
    for column in metrics.RATE_MOVES:
        nested[column] = frame[column].astype("Int64")
    return nested


def _changes_for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """Before, joined and left with their reasons, now: what a bureau reader checks."""
    def reasons(row, labels: dict[str, str], prefix: str) -> str:
        parts = [f"{label} {row[f'{prefix}_{code}']}" for code, label in labels.items() if row[f"{prefix}_{code}"]]
        return f"{row[f'{prefix}_count']} ({'、'.join(parts)})" if parts else "0"

    rows = frame.to_dict("records")
    return pd.DataFrame({
        "地区": frame["name"],
        "上月末": frame["special_before"],
        "新增": [reasons(row, metrics.JOINED_REASONS, "joined") for row in rows],
        "减少": [reasons(row, metrics.LEFT_REASONS, "left") for row in rows],
        "本月末": frame["special_now"],
        "两月均在 (上月已访/本月已访)": [
            "—" if pd.isna(row["stayed_count"])
            else f"{row['stayed_count']} ({row['stayed_visited_before']}/{row['stayed_visited_now']})"
            for row in rows],
        "新进入本月应访 (已访)": [
            "—" if pd.isna(row["joined_eligible"]) else f"{row['joined_eligible']} ({row['joined_visited']})"
            for row in rows],
        "退出本月应访 (上月已访)": [
            "—" if pd.isna(row["left_eligible"]) else f"{row['left_eligible']} ({row['left_visited_before']})"
            for row in rows],
    })


def _loads(args, settings: Settings, out: Console, err: Console) -> int:
    con = open_for_reading(settings.db_path)
    try:
        history = metrics.load_history(con)
        if args.format == "table":
            history["sha256"] = history["sha256"].str[:12]
        if args.format != "json":  # the counts by code are a nested object: JSON only
            history = history.drop(columns="warnings_by_code")
        _print_frame(history, args.format, out, title="导入记录")
    finally:
        con.close()
    return 0


def _rejects(args, settings: Settings, out: Console, err: Console) -> int:
    con = open_for_reading(settings.db_path)
    try:
        _print_frame(metrics.rejected_rows(con, args.load_id), args.format, out, title="拒收的行")
    finally:
        con.close()
    return 0


def _demo(args, settings: Settings, out: Console, err: Console) -> int:
    from etl.demo import write_demo_exports  # the generator is only needed here
    from etl.geography import city_divisions, division_aliases

    out_dir = args.out or settings.db_path.parent / f"demo-{args.scale}"
    with err.status("生成演示数据 …"):
        exports = write_demo_exports(out_dir, seed=args.seed, scale=args.scale, as_of=args.as_of)
    if args.scale == "city":
        with open_for_writing(settings.db_path, settings.config) as session:
            write_divisions(session.con, city_divisions(), division_aliases())
            session.changed = True
    err.print(f"演示数据已写入 {out_dir} ({len(exports.files)} 个文件), 开始导入")
    args.files, args.kind = exports.files, None
    return _ingest(args, settings, out, err)


def _geo_import(args, settings: Settings, out: Console, err: Console) -> int:
    from etl.geography import GeoImportError, read_geo_file, write_geography

    try:
        geo = read_geo_file(args.file, args.coords)
    except GeoImportError as error:
        err.print(f"[bold red]无法导入 {args.file.name}[/]: {error}")
        return 1
    with open_for_writing(settings.db_path, settings.config) as session:
        summary = write_geography(session.con, geo)
        session.changed = True
    out.print(f"区划: 更新 {summary.divisions_upserted} 条; 边界: 匹配 {summary.shapes_matched} 个")
    for unmatched in summary.shapes_unmatched:
        err.print(f"[yellow]未匹配的边界[/]: {unmatched}")
    return 0


def _rebuild(args, settings: Settings, out: Console, err: Console) -> int:
    with open_for_writing(settings.db_path, settings.config) as session:
        session.changed = True  # marts are rebuilt with the current configuration on the way out
    out.print("指标已按当前配置重新计算")
    return 0


def _serve(args, settings: Settings, out: Console, err: Console) -> int:
    from dashboard.app import create_app  # the web stack is only needed here

    require_warehouse(settings.db_path)
    app = create_app(settings)
    err.print(f"探访关爱看板: http://{args.host}:{args.port}/  (Ctrl+C 退出)")
    app.run(host=args.host, port=args.port, debug=False, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
