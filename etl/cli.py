"""The carevisit command: ingest, metrics, changes, loads, rejects, demo, geo import, rebuild, serve."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import duckdb
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from dashboard.accounts import ALL as ALL_PLACES
from dashboard.accounts import BEIJING, ROLES, AccountError, AccountStore, accounts_path, beijing_time, new_password
from etl import checklist, corrections, diskspace, metrics
from etl.formulas import spreadsheet_csv
from etl.ingest import FileResult, ingest
from etl.readers import digits_masked, display_name, display_text, file_head, is_export, not_an_export
from etl.settings import (
    CONTACTS_UNREPORTED,
    DEFAULT_DB,
    ROSTER_UNREPORTED,
    ConfigError,
    Settings,
    contacts_unreported,
    load_settings,
    percent,
    roster_left_out,
    use_beijing_time,
)
from etl.sqlfiles import scalar
from etl.warehouse import (
    WarehouseError,
    open_for_reading,
    open_for_writing,
    refresh,
    require_remembered_config,
    require_warehouse,
    write_divisions,
)

STAGES = {"checking": "校验", "reading": "读取", "validating": "校验并入库", "building": "计算指标"}
STATUS_LABELS = {"loaded": "已导入", "skipped": "已跳过", "failed": "失败"}


def main(argv: Sequence[str] | None = None) -> int:
    # Warehouses, accounts, keys and exports hold personal data: readable by their owner only.
    os.umask(0o077)
    use_beijing_time()
    args = _parser().parse_args(argv)
    out, err = Console(), Console(stderr=True)
    if not out.is_terminal:
        out.width = 160  # piped to a file: no reason to wrap at 80 columns
    try:
        settings = load_settings(args.db)
        return args.run(args, settings, out, err)
    except (ConfigError, WarehouseError, metrics.MetricsError) as error:
        err.print(f"[bold red]错误[/]: {_shown(str(error))}", soft_wrap=True)
        return 2
    except (OSError, duckdb.Error) as error:
        kind = diskspace.cause(error)
        if kind is None and isinstance(error, OSError):
            raise
        if kind is not None:  # a load says so itself (DiskFull, above); a rebuild, an export, a report here
            err.print(f"[bold red]错误[/]: {_shown(diskspace.message(kind, _written_folder(error, args)))}",
                      soft_wrap=True)
        elif isinstance(error, duckdb.OutOfMemoryException):  # the marts, past the load's memory limit
            err.print("[bold red]错误[/]: 内存不足, 数据库未改动: 请关闭其他程序后重试", soft_wrap=True)
        else:  # --db names a file that is not a warehouse, or one being written
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            err.print(f"[bold red]错误[/]: 数据库文件无法打开 ({_shown(str(args.db or '默认位置'))}): {_shown(reason)}",
                      soft_wrap=True)
        return 2


def _written_folder(error: OSError | duckdb.Error, args) -> Path:
    """The folder a write failed in: the file's the error names, else the warehouse's."""
    if isinstance(error, OSError) and error.filename:
        return Path(os.fsdecode(error.filename)).resolve().parent
    return Path(args.db or os.environ.get("CAREVISIT_DB") or DEFAULT_DB).resolve().parent


# argparse's messages for a command typed wrong, in the clerk's words (they reached clerks in English: review 23); a
# message none of these matches is said as argparse words it
ARGUMENT_MESSAGES = (
    (r"the following arguments are required: (.+)", "缺少参数: {0}"),
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)", "参数 {0} 的值 {1} 无效, 可选: {2}"),
    (r"argument (\S+): invalid int value: (.+)", "参数 {0} 应为整数: {1}"),
    (r"argument (\S+): invalid float value: (.+)", "参数 {0} 应为数字: {1}"),
    (r"argument (\S+): expected one argument", "参数 {0} 后面需要写一个值"),
    (r"argument (\S+): expected at least one argument", "参数 {0} 后面至少需要写一个值"),
    (r"argument (\S+): not allowed with argument (\S+)", "参数 {0} 不能与 {1} 同时使用"),
    (r"one of the arguments (.+) is required", "需要以下参数之一: {0}"),
    (r"unrecognized arguments: (.+)", "无法识别的参数: {0}"),
    (r"ambiguous option: (\S+) could match (.+)", "参数 {0} 不明确, 可能是: {1}"),
)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, its errors said in Chinese (ARGUMENT_MESSAGES); its subcommands' parsers are of this class."""

    def error(self, message: str) -> NoReturn:
        for pattern, said in ARGUMENT_MESSAGES:
            if match := re.fullmatch(pattern, message):
                message = said.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误: {message} (用 {self.prog} -h 查看用法)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="carevisit", description="探访关爱看板 CareVisit")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, run, help_text: str, under=sub) -> argparse.ArgumentParser:
        """A command (or a subcommand `under` another's parsers) that works on the --db warehouse."""
        p = under.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help="warehouse file (default: $CAREVISIT_DB or data/warehouse.duckdb; "
                                    "its accounts live beside it)")
        p.set_defaults(run=run)
        return p

    p = command("ingest", _ingest, "load roster, visit and contact exports (.xlsx .xls .csv)")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--kind", choices=("roster", "visits", "contacts"))

    p = command("watch", _watch, "load new or changed exports dropped into a folder, as they settle")
    p.add_argument("folder", type=Path)
    p.add_argument("--settle", type=float, default=3.0, help="seconds a file must stay unchanged (default 3)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the folder (default 1)")

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

    p = command("corrections", _corrections,
                "write a load's corrections workbook (退回修改): its rows still to fix, as sent, to load back")
    p.add_argument("--load", type=int, dest="load_id", required=True, help="the load (see carevisit loads)")
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")

    p = command("demo", _demo, "write synthetic demo exports for Heping and load them")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--scale", choices=("small", "district", "city", "province"), default="district",
                   help="small: three streets, four months, for a quick look; city: 25 districts; province: 50")
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

    p = command("serve", _serve, "run the dashboard (users sign in; see `carevisit user`)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--no-auth", action="store_true",
                   help="single-user local mode: no sign-in, you are admin of everything (loopback addresses only)")
    p.add_argument("--prod", action="store_true", help="production server (gunicorn), to run behind HTTPS")
    p.add_argument("--workers", type=int, default=2, help="--prod: worker processes (default 2)")
    p.add_argument("--threads", type=int, default=8, help="--prod: threads per worker (default 8)")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="--prod: a host name users reach the server by (repeatable; required off loopback)")
    p.add_argument("--behind-proxy", action="store_true",
                   help="--prod: trust X-Forwarded-For/-Proto/-Host from one reverse proxy (nginx, Caddy)")
    p.add_argument("--plain-http", action="store_true",
                   help="--prod without HTTPS (cookies not marked Secure): only on a closed network")

    users = sub.add_parser("user", help="accounts: add, list, disable, enable, passwd")
    users_sub = users.add_subparsers(dest="user_command", required=True)

    p = command("add", _user_add, "add an account", users_sub)
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--place", required=True,
                   help="the user's jurisdiction: its division code or name (劝业场街道), or 'all'")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p = command("list", _user_list, "list accounts", users_sub)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p = command("disable", _user_disable, "disable an account (ends its sessions)", users_sub)
    p.add_argument("username")
    p = command("enable", _user_enable, "enable an account again", users_sub)
    p.add_argument("username")
    p = command("passwd", _user_passwd, "set a new password (ends the account's sessions, lifts a lock)", users_sub)
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    report = sub.add_parser("report", help="reports: the monthly 汇总表, the 通报, the inspector's check list")
    report_sub = report.add_subparsers(dest="report_command", required=True)
    p = command("monthly", _report_monthly, "the monthly 汇总表: one row per street (or per community of a street), "
                "as Excel in the official layout", report_sub)
    p.add_argument("--month", help="YYYY-MM (default: the latest month with data)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: month end or data date)")
    p.add_argument("--place", help="a district (a row per street) or a street (a row per community): its code or"
                                   " name")
    p.add_argument("--reporter", default="", help="填报人")
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    p = command("bulletin", _report_bulletin, "the monthly 通报: headline rates, a written summary, the ranking "
                "with traffic lights, lagging communities, map and trend, as Word", report_sub)
    p.add_argument("--month", help="YYYY-MM (default: the latest month with data)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: month end or data date)")
    p.add_argument("--place", help="a district (streets ranked) or a street (communities ranked): its code or"
                                   " name")
    p.add_argument("--out", type=Path, required=True, help="the .docx file to write")

    p = command("checklist", _report_checklist, "an inspector's check list: per community, the elders to verify "
                "at home, as Excel to print", report_sub)
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: month end or data date)")
    p.add_argument("--place", required=True, help="a district, street or community: its code or name")
    p.add_argument("--sample", type=int, help="draw this many communities (stratified by street, weighted by "
                                              "people still to visit and visit-quality leads); default: all")
    p.add_argument("--seed", type=int, help=f"the draw's random seed (default {checklist.DEFAULT_SEED}): "
                                            "the same seed draws the same list")
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")

    export = sub.add_parser("export", help="exports of the whole warehouse for a bureau's own systems")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    p = command("parquet", _export_parquet,
                "the cleaned tables and the marts as Hive-partitioned Parquet (a folder per table, "
                "month=YYYY-MM/district=CODE), for the bureau's own cluster (Spark, a BI tool). "
                "The files hold UNMASKED personal data (names, ID numbers, phones, addresses): they are "
                "readable by their owner only (0600, folders 0700), the export is recorded in the audit log, "
                "and they must stay on the bureau's systems", export_sub)
    p.add_argument("--out", type=Path, required=True, help="an empty folder (created if missing)")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier export in --out")

    p = command("backup", _backup, "copy the warehouse, its accounts and audit log, session key and uploaded files "
                                   "into a new folder under --out, whole, while the server and loads run")
    p.add_argument("--out", type=Path, required=True, help="the folder backups are kept in")

    p = command("audit", _audit, "the audit log: sign-ins, views and exports of person lists, unmasking")
    p.add_argument("--since", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    return parser


# A table's column by the name a screen's column of it has (i18n's col_…), where it is not its own key
COLUMN_WORDS = {"file": "col_file_name", "sha256": "col_file_sha256", "sheet": "col_sheet_name"}
# Of a table's columns of codes, the i18n prefix that says each code in words
VALUE_WORDS = {"kind": "kind_", "role": "role_", "event": "event_"}
# The account store's times (ISO text in UTC), said in Beijing time as the 审计 page says them
ACCOUNT_TIMES = ("at", "locked_until", "created_at", "last_sign_in")


def _in_words(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for people to read (the table format; CSV and JSON keep the keys and codes): its columns named and
    its codes said as the screens say them (roster 底册, admin 管理员, sign_in 登录, loaded 已导入, a flag 是/否), the
    account store's times in Beijing time."""
    from dashboard.i18n import STRINGS, t

    frame = frame.copy()
    for column in frame.columns:
        prefix = VALUE_WORDS.get(column)
        if prefix:
            frame[column] = [_word(prefix, v) for v in frame[column]]
        elif column == "status":
            frame[column] = [STATUS_LABELS.get(v, v) for v in frame[column]]
        elif pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = frame[column].map({True: "是", False: "否"})
        elif column in ACCOUNT_TIMES:
            frame[column] = [beijing_time(v) if isinstance(v, str) else v for v in frame[column]]
    names = {column: t(key) for column in frame.columns
             if (key := COLUMN_WORDS.get(column, f"col_{column}")) in STRINGS}
    return frame.rename(columns=names)


def _word(prefix: str, code):
    """A code as the screens say it (kind_roster: 底册), or as it is where i18n has no word for it."""
    from dashboard.i18n import STRINGS, t

    return t(f"{prefix}{code}") if f"{prefix}{code}" in STRINGS else code


def _print_frame(frame: pd.DataFrame, fmt: str, out: Console, title: str | None = None) -> None:
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            dates_only = (frame[column].dropna().dt.normalize() == frame[column].dropna()).all()
            frame[column] = frame[column].dt.strftime("%Y-%m-%d" if dates_only else "%Y-%m-%d %H:%M:%S")
    if fmt == "table":
        frame = _in_words(frame)
    if fmt == "csv":  # redirected to a file and opened in Excel or WPS, as the README tells a bureau user to
        out.file.write(spreadsheet_csv(frame))
    elif fmt == "json":
        out.file.write(frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=1) + "\n")
    else:
        table = Table(title=title, show_lines=False)
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in row))
        out.print(table)


def _exports_given(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """The files to load: each file named, and of each folder named the exports in it and in its folders
    (readers.is_export; hidden ones left out); and the folders' other files, not loaded. A folder had been
    refused as 这是一个文件夹 (review 23), a glob of it leaving out .xls files or failing on a folder without .csv."""
    files, others = [], []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for found in sorted(path.rglob("*")):
            if found.is_file() and not any(part.startswith(".") for part in found.relative_to(path).parts):
                (files if is_export(found.name, lambda found=found: file_head(found)) else others).append(found)
    return files, others


def _ingest(args, settings: Settings, out: Console, err: Console) -> int:
    files, others = _exports_given(args.files)
    for other in others:
        err.print(f"未导入 {_shown(digits_masked(display_name(other)))}: {not_an_export(other.name)}", soft_wrap=True)
    if not files:
        folders = "、".join(digits_masked(display_text(str(path))) for path in args.files)
        err.print(f"[red]没有可导入的文件[/]: {_shown(folders)} 中没有 xlsx、xls 或 csv 文件", soft_wrap=True)
        return 1
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err,
                  transient=True) as progress:
        task = progress.add_task("导入", total=len(files))
        started = time.perf_counter()

        def report(file_name: str, stage: str) -> None:
            nonlocal started
            if stage == "checking":
                started = time.perf_counter()
            progress.update(task, description=f"{STAGES[stage]} {_shown(file_name)}".strip())

        def finished(result: FileResult) -> None:
            """Each file's line as soon as it is loaded, with its speed (of a file of a thousand rows or more: a few
            rows' speed says nothing, "0 行/秒"), above the bar of the whole batch."""
            progress.advance(task)
            seconds = time.perf_counter() - started
            if result.status == "loaded":  # a file not loaded is said once, at the end, with its reason
                speed = f", {result.rows_read / seconds:,.0f} 行/秒" if seconds > 0 and result.rows_read >= 1000 else ""
                progress.console.print(f"{STATUS_LABELS[result.status]} {_shown(result.file_name)}: "
                                       f"{result.rows_read:,} 行, {seconds:.1f} 秒{speed}", soft_wrap=True)

        results = ingest(files, settings, args.kind, report, done=finished)
    _print_results(results, out)
    if any(r.status == "loaded" for r in results):
        con = open_for_reading(settings.db_path)
        try:
            for message in metrics.alerts_after(con, results):
                err.print(f"[bold yellow]请注意[/]: {escape(message)}", soft_wrap=True)
        finally:
            con.close()
    failed = [r for r in results if r.status == "failed"]
    for result in failed:
        err.print(f"[red]无法导入 {_shown(result.file_name)}[/]: {_shown(result.message or '')}", soft_wrap=True)
    return 1 if failed else 0


def _shown(text: str) -> str:
    """Text from a file or its name, safe to print: Rich markup such as [final] shown as typed, a name
    in GBK bytes decoded, control characters as codes (readers.display_text)."""
    return escape(display_text(text))


def _watch(args, settings: Settings, out: Console, err: Console) -> int:
    from etl.watch import watch

    if not args.folder.is_dir():
        err.print(f"[bold red]错误[/]: 文件夹不存在: {_shown(str(args.folder))}", soft_wrap=True)
        return 2

    def report(result: FileResult) -> None:
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        counts = (f"读取 {result.rows_read} 行, 导入 {result.rows_loaded} 行, 拒收 {result.rows_rejected} 行"
                  if result.status == "loaded" else _shown(result.message or ""))
        out.print(f"{stamp} {STATUS_LABELS[result.status]} {_shown(result.file_name)}: {counts}", soft_wrap=True)
        out.file.flush()

    err.print(f"正在监视 {_shown(str(args.folder))} (文件保持 {args.settle:g} 秒不变后导入; Ctrl+C 退出)",
              soft_wrap=True)
    try:
        watch(args.folder, settings, report, settle=args.settle, interval=args.interval)
    except KeyboardInterrupt:
        err.print("已停止监视")
    return 0


def _print_results(results: list[FileResult], out: Console) -> None:
    table = Table(title="导入结果")
    for column in ("文件", "批次", "类型", "状态", "读取行数", "导入", "拒收", "警告", "说明"):
        table.add_column(column, overflow="fold")  # a narrow terminal wraps a note, never cuts it (仍有 …)
    for r in results:
        table.add_row(_shown(r.file_name), str(r.load_id or ""), _word("kind_", r.kind or ""), STATUS_LABELS[r.status],
                      str(r.rows_read), str(r.rows_loaded), str(r.rows_rejected), str(r.warning_count),
                      _shown(r.message or ""))
    out.print(table)
    loaded = [r for r in results if r.status == "loaded"]
    out.print(
        f"共 {len(results)} 个文件: 导入 {len(loaded)}, 跳过 {sum(r.status == 'skipped' for r in results)}, "
        f"失败 {sum(r.status == 'failed' for r in results)}; 读取 {sum(r.rows_read for r in loaded)} 行, "
        f"导入 {sum(r.rows_loaded for r in loaded)} 行, 拒收 {sum(r.rows_rejected for r in loaded)} 行"
        + (" (用 carevisit rejects 查看拒收原因; carevisit corrections --load 批次 --out 文件.xlsx"
           " 导出退回修改表, 改好后再导入)" if any(r.rows_to_fix for r in loaded) else "")
    )


def _per_place(args, settings: Settings, read) -> pd.DataFrame:
    """One row per place for --month, --as-of and --level, as `read` (a metrics function) gives them."""
    _refreshed(settings, Console(stderr=True))
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
        _print_frame(_metrics_for_machines(frame), args.format, out)
    return 0


def _metrics_for_machines(frame: pd.DataFrame) -> pd.DataFrame:
    """CSV and JSON: a place no roster lists has no figures, null rather than 0 (a count of nobody, summed or charted
    downstream as "no elders", "0 % visited"), nor a 失能帮扶率 a place whose streets sent no contact list;
    roster_reported and disabled_unreported_count say why, as the table and the 汇总表 say 未报送 (review 19 M5)."""
    shown = _unreported_as_null(frame, metrics.METRIC_COLUMNS)
    return shown.assign(help_rate=shown["help_rate"].where(~contacts_unreported(frame)))


def _unreported_as_null(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The figures among `columns` null for a place no roster lists (roster_reported), a count a whole number still."""
    figures = [column for column in columns if column not in ("level", "code", "name", "parent_code")]
    listed = frame["roster_reported"]
    nullable = {column: frame[column] if frame[column].dtype.kind == "f" else frame[column].astype("Int64")
                for column in figures}
    return frame.assign(**{column: values.where(listed) for column, values in nullable.items()})


def _names_as_reported(frame: pd.DataFrame) -> list[str]:
    """Each place's name, saying so where no roster lists it (its counts none, as the 汇总表 says them, not 0: review
    14 L6), or where some of the streets (communities) under it sent none, whose counts it leaves out, as the 汇总表's
    合计 says (review 15 L3: 和平区 32 beside 1 street of 6 that had sent its roster)."""
    under = {"district": "街道", "street": "社区"}
    return [f"{name} ({ROSTER_UNREPORTED})" if not reported
            else f"{name} ({roster_left_out(missing, under[level])})" if missing and level in under else name
            for name, level, reported, missing in frame[["name", "level", "roster_reported", "unreported_children"]]
            .itertuples(index=False)]


def _rate_cell(numerator: int, denominator: int, rate: float) -> str:
    return "—" if pd.isna(rate) else f"{percent(rate)} ({numerator}/{denominator})"


def _metrics_for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures a bureau reader scans: each rate with its numerator and denominator."""
    def cells(numerator: str, denominator: str, rate: str) -> list[str]:
        return [_rate_cell(*row) for row in frame[[numerator, denominator, rate]].itertuples(index=False)]

    listed = frame["roster_reported"]

    def counts(column: str) -> pd.Series:
        return frame[column].astype(object).where(listed, "—")

    return pd.DataFrame({
        "地区": _names_as_reported(frame),
        "特殊困难老人": counts("special_count"),
        "月探访率(上门)": cells("visited_home", "eligible_home", "visit_rate_home"),
        "月探访率(任意方式)": cells("visited_any", "eligible_any", "visit_rate_any"),
        "不同意探访": counts("declined_count"),
        "独居日联系率": cells("contact_days_covered", "contact_days_eligible", "daily_contact_rate"),
        # where no street sent its contact list, no 0.0 % (settings.contacts_unreported)
        "失能帮扶率": [CONTACTS_UNREPORTED if unlisted else cell for cell, unlisted in
                  zip(cells("disabled_with_contact", "disabled_count", "help_rate"), contacts_unreported(frame),
                      strict=True)],
        "逾期": counts("overdue_count"),
    })


def _changes(args, settings: Settings, out: Console, err: Console) -> int:
    frame = _per_place(args, settings, metrics.place_changes)
    if args.format == "json":
        _print_frame(_nested_changes(frame), "json", out)
    elif args.format == "csv":
        _print_frame(_unreported_as_null(frame, metrics.CHANGE_COLUMNS), "csv", out)
    else:
        _print_frame(_changes_for_people(frame), "table", out, title=_month_title(frame, args, "底册变动"))
    return 0


def _nested_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """joined_<reason> and left_<reason> columns as two objects of reason -> count; a place no roster lists with
    null figures (roster_reported false), as `metrics` gives them."""
    listed = frame["roster_reported"]
    shown = _unreported_as_null(frame, metrics.CHANGE_COLUMNS)
    nested = shown[["code", "name", "month", "special_before", "special_now"]].copy()
    for side, reasons in (("joined", metrics.JOINED_REASONS), ("left", metrics.LEFT_REASONS)):
        counts = frame[[f"{side}_{r}" for r in reasons]].rename(columns=lambda c, side=side: c.removeprefix(f"{side}_"))
        nested[side] = [record if reported else None
                        for record, reported in zip(counts.to_dict("records"), listed, strict=True)]
    for column in (*metrics.RATE_MOVES, "roster_reported", "unreported_children"):
        nested[column] = shown[column]
    return nested


def _changes_for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """Before, joined and left with their reasons, now: what a bureau reader checks."""
    def reasons(row, labels: dict[str, str], prefix: str) -> str:
        parts = [f"{label} {row[f'{prefix}_{code}']}" for code, label in labels.items() if row[f"{prefix}_{code}"]]
        return f"{row[f'{prefix}_count']} ({'、'.join(parts)})" if parts else "0"

    rows = frame.to_dict("records")
    # a place no roster lists changed by nobody: it sent nothing (review 23 M5: 0 people beside 未报送底册 elsewhere)
    listed = frame["roster_reported"]
    table = pd.DataFrame({
        "地区": _names_as_reported(frame),
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
    table = table.astype(object)
    table.loc[~listed.to_numpy(), table.columns[1:]] = "—"
    return table


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
    _refreshed(settings, err)
    con = open_for_reading(settings.db_path)
    try:
        rejected = metrics.rejected_rows(con, args.load_id)
    finally:
        con.close()
    # the row as sent: its cells read one after another in the table (a JSON text had been shown there: review 23), an
    # object of header -> cell in JSON, the JSON text in one cell of a CSV
    cells = [json.loads(values) for values in rejected["raw_values"]]
    if args.format == "table":
        rejected["raw_values"] = ["; ".join(f"{header}: {cell}" for header, cell in row.items() if cell)
                                  for row in cells]
    elif args.format == "json":
        rejected["raw_values"] = cells
    _print_frame(rejected, args.format, out, title="拒收的行")
    return 0


def _corrections(args, settings: Settings, out: Console, err: Console) -> int:
    _refreshed(settings, err)
    con = open_for_reading(settings.db_path)
    try:
        found = corrections.waiting_rows(con, args.load_id)
        place = found and scalar(con, "select place_code from load_places where load_id = ?", [found.origin_load_id])
    finally:
        con.close()
    if found is None:
        err.print(f"没有批次 {args.load_id} (用 carevisit loads 查看导入记录)", markup=False)
        return 1
    if not found.rows and not found.warnings:  # nothing to send back: no workbook that asks to fix nothing
        out.print(f"{found.file_name}: 没有待修改的行 (用 carevisit rejects --load {found.origin_load_id} 查看"
                  "拒收的行及其状态), 未生成文件", markup=False)
        return 0
    data = corrections.workbook(found)
    try:
        args.out.write_bytes(data)
    except OSError as error:
        err.print(f"无法写入 {args.out}: {error.strerror}", markup=False)
        return 1
    if accounts_path(settings.db_path).exists():  # rows as sent, unmasked: audited as a download from the page is
        AccountStore(accounts_path(settings.db_path)).record(
            "corrections", username=_operator(), place=place, row_count=len(found.rows),
            file_sha256=hashlib.sha256(data).hexdigest(), detail={"load_id": found.origin_load_id})
    out.print(f"{found.file_name}: {len(found.rows)} 行待修改, {len(found.warnings)} 条提示需核实, 已写入 {args.out};"
              " 改好后用 carevisit ingest 导入", markup=False)
    return 0


def _demo(args, settings: Settings, out: Console, err: Console) -> int:
    from etl.demo import write_demo_exports  # the generator is only needed here
    from etl.demo.build import demo_divisions
    from etl.geography import division_aliases

    out_dir = args.out or settings.db_path.parent / f"demo-{args.scale}"
    with err.status("生成演示数据 …"):
        exports = write_demo_exports(out_dir, seed=args.seed, scale=args.scale, as_of=args.as_of)
    if args.scale in ("city", "province"):
        with open_for_writing(settings.db_path, settings.config) as session:
            write_divisions(session.con, demo_divisions(args.scale), division_aliases())
            session.changed = session.whole = True
    err.print(f"演示数据已写入 {out_dir} ({len(exports.files)} 个文件), 开始导入")
    args.files, args.kind = exports.files, None
    status = _ingest(args, settings, out, err)
    if status == 0:
        _demo_accounts(settings, out)
    return status


def _demo_accounts(settings: Settings, out: Console) -> None:
    """One account per role: the staff member at the first street, everyone else at the top."""
    con = open_for_reading(settings.db_path)
    try:
        districts = [c for (c,) in con.execute("select code from divisions where level = 'district' order by code")
                     .fetchall()]
        # the staff member works at the first street the demo has data for
        street = con.execute("select min(street_code) from roster_rows").fetchall()[0][0]
    finally:
        con.close()
    top = districts[0] if len(districts) == 1 else ALL_PLACES
    store = AccountStore(accounts_path(settings.db_path))
    existing = {u["username"] for u in store.users()}
    created = []
    for role in ROLES:
        username, place = f"demo-{role}", street if role == "staff" else top
        if username in existing:
            continue
        password = new_password()
        store.add(username, role, place, password)
        store.record("user_added", username=_operator(), place=place, detail={"user": username, "role": role})
        created.append((username, role, place, password))
    if created:
        # the note on a line of its own: as the table's title it was wrapped to the table's width
        out.print("演示账号 (密码只显示这一次; 改密码: carevisit user passwd 用户名)")
        table = Table()
        for column in ("用户名", "角色", "地区", "密码"):
            table.add_column(column)
        for row in created:
            table.add_row(*row)
        out.print(table)


def _geo_import(args, settings: Settings, out: Console, err: Console) -> int:
    from etl.geography import GeoImportError, read_geo_file, write_geography

    try:
        geo = read_geo_file(args.file, args.coords)
    except GeoImportError as error:
        err.print(f"[bold red]无法导入 {args.file.name}[/]: {error}")
        return 1
    try:
        with open_for_writing(settings.db_path, settings.config) as session:  # refused: the warehouse as it was
            summary = write_geography(session.con, geo)
            session.changed = session.whole = True
    except GeoImportError as error:
        err.print(f"[bold red]无法导入 {args.file.name}[/]: {error}")
        return 1
    out.print(f"区划: 更新 {summary.divisions_upserted} 条; 边界: 匹配 {summary.shapes_matched} 个")
    if summary.built_in_removed:
        out.print(f"已移除内置的示例区划 (没有数据): {'、'.join(summary.built_in_removed)}")
    if summary.schematic:
        out.print(f"没有边界的区在地图上画作示意图: {'、'.join(summary.schematic)} (导入边界文件后显示实际边界)")
    if summary.unbounded:
        err.print(f"[yellow]这些街道还没有边界, 地图上不显示[/]: {'、'.join(summary.unbounded)} (请导入它们的边界)",
                  soft_wrap=True)
    for unmatched in summary.shapes_unmatched:
        err.print(f"[yellow]未匹配的边界[/]: {unmatched}")
    return 0


def _rebuild(args, settings: Settings, out: Console, err: Console) -> int:
    with open_for_writing(settings.db_path, settings.config) as session:
        session.changed = session.whole = True  # marts are rebuilt with the current configuration on the way out
    out.print("指标已按当前配置重新计算")
    return 0


def _refreshed(settings: Settings, err: Console) -> None:
    """A warehouse an earlier CareVisit built gets this version's marts before it is read."""
    with err.status("数据库由旧版本生成, 正在按当前版本重新计算指标 …"):
        if refresh(settings.db_path, settings.config):
            err.print("已按当前版本重新计算指标")


def _serve(args, settings: Settings, out: Console, err: Console) -> int:
    from dashboard import server  # the web stack is only needed here

    require_warehouse(settings.db_path)
    require_remembered_config(settings.db_path, settings.config)
    _refreshed(settings, err)
    try:
        plan = server.plan(settings, host=args.host, port=args.port, no_auth=args.no_auth, prod=args.prod,
                           allowed_hosts=args.allowed_host, behind_proxy=args.behind_proxy,
                           plain_http=args.plain_http, workers=args.workers, threads=args.threads)
    except server.ServeError as error:
        err.print(f"[bold red]无法启动[/]: {escape(str(error))}")
        return 2
    if not AccountStore(accounts_path(settings.db_path)).users() and not args.no_auth:
        err.print("[yellow]还没有账号[/]: 用 carevisit user add 用户名 --role admin --place 区划代码 添加")
    err.print(f"探访关爱看板: http://{args.host}:{args.port}/  (Ctrl+C 退出)")
    server.run(plan)
    return 0


def _report(args, settings: Settings, out: Console, err: Console, what: str, suffix: str, make, write,
            problem: type[Exception], audited):
    """A report command: `make(con)` from the warehouse, `write(made)` into --out (of `suffix`), recorded in the
    audit log as the same export from the page is (`audited(made)`: its place, rows and detail), and what was made;
    None when a bad request (`problem`), a wrong suffix or a folder that cannot be written was said in one line (the
    command then exits 1)."""
    if args.out.suffix.lower() != suffix:
        err.print(f"[bold red]无法生成{what}[/]: 输出文件应为 {suffix}: {escape(str(args.out))}", soft_wrap=True)
        return None
    if not args.out.parent.is_dir() or not os.access(args.out.parent, os.W_OK):
        err.print(f"[bold red]无法写入 {escape(str(args.out))}[/]: 文件夹不存在或不可写", soft_wrap=True)
        return None
    _refreshed(settings, err)
    try:
        if getattr(args, "place", None):
            args.place = _known_place(settings, args.place, problem)
    except problem as error:
        err.print(f"[bold red]无法生成{what}[/]: {escape(str(error))}", soft_wrap=True)
        return None
    con = open_for_reading(settings.db_path)
    try:
        made = make(con)
    except problem as error:
        err.print(f"[bold red]无法生成{what}[/]: {escape(str(error))}", soft_wrap=True)
        return None
    finally:
        con.close()
    data = write(made)
    try:
        args.out.write_bytes(data)
    except OSError as error:
        err.print(f"[bold red]无法写入 {escape(str(args.out))}[/]: {escape(error.strerror or str(error))}",
                  soft_wrap=True)
        return None
    if accounts_path(settings.db_path).exists():  # a check list names people (masked): its export is audited
        AccountStore(accounts_path(settings.db_path)).record(
            "export", username=_operator(), file_sha256=hashlib.sha256(data).hexdigest(), **audited(made))
    return made


def _report_monthly(args, settings: Settings, out: Console, err: Console) -> int:
    from etl import reports  # plotly and python-docx: imported by the reports alone (0.3 s of every command's start)

    made = _report(args, settings, out, err, "汇总表", ".xlsx",
                   lambda con: reports.monthly_summary(con, args.month, args.as_of, args.place, (
                       settings.config.sensitive_categories, settings.config.small_count_threshold)),
                   lambda summary: reports.to_workbook(summary, reporter=args.reporter), reports.ReportError,
                   lambda summary: {"place": summary.place_code, "row_count": len(summary.rows),
                                    "detail": {"table": "monthly_summary", "month": summary.month}})
    if made is None:
        return 1
    out.print(f"已生成 {escape(made.title)}: {escape(str(args.out))} ({len(made.rows) - 1} 行 + 合计)")
    # a table of places that sent no roster, said (probe 30 L4: twelve rows of — and exit 0, not a word)
    if missing := int(made.rows["unreported"].sum()):
        whole = "均" if missing == len(made.rows) - 1 else ""
        out.print(f"[yellow]请注意[/]: {escape(made.place_name)} 有 {missing} 个{made.level_name}{whole}未报送底册, "
                  f"表中这些{made.level_name}各项记为「{reports.NOT_LISTED}」, 合计不含它们", soft_wrap=True)
    return 0


def _report_bulletin(args, settings: Settings, out: Console, err: Console) -> int:
    from etl import bulletin  # as reports, above

    def make(con):
        bulletin_made = bulletin.make_bulletin(con, args.month, args.place, args.as_of)
        return bulletin_made, bulletin.chart_images(bulletin_made)

    def write(pair):
        made_bulletin, images = pair
        return bulletin.to_docx(made_bulletin, images, issuer=settings.config.bulletin_issuer(
            made_bulletin.place_level, made_bulletin.summary.place_name),
            fonts=bulletin.Fonts.configured(settings.config))

    made = _report(args, settings, out, err, "通报", ".docx", make, write,
                   bulletin.BulletinError,
                   lambda pair: {"place": pair[0].summary.place_code, "row_count": len(pair[0].summary.rows),
                                 "detail": {"table": "bulletin", "month": pair[0].summary.month}})
    if made is None:
        return 1
    out.print(f"已生成 {escape(made[0].title)}: {escape(str(args.out))}")
    return 0


def _report_checklist(args, settings: Settings, out: Console, err: Console) -> int:
    visited = settings.config.visit_quality.checklist_visited_per_community
    made = _report(args, settings, out, err, "督查清单", ".xlsx",
                   lambda con: checklist.check_list(con, args.month, args.place, sample=args.sample, seed=args.seed,
                                                    as_of=args.as_of, visited_per_community=visited,
                                                    unshown=settings.config.unshown_categories),
                   checklist.to_workbook, checklist.CheckListError,
                   lambda made: {"place": made.place_code, "row_count": len(made.people),
                                 "detail": {"table": "checklist", "month": made.month, "sample": made.sample,
                                            "seed": made.seed, "communities": list(made.communities["code"])}})
    if made is None:
        return 1
    out.print(f"已生成 {escape(made.title)}: {escape(str(args.out))} ({len(made.communities)} 个社区, "
              f"{len(made.people)} 位老人待核实; {escape(made.how_drawn)})")
    return 0


def _export_parquet(args, settings: Settings, out: Console, err: Console) -> int:
    from etl.export import ExportError, export_parquet

    _refreshed(settings, err)
    con = open_for_reading(settings.db_path)
    try:
        with err.status("导出 Parquet …"):
            exported = export_parquet(con, args.out, overwrite=args.overwrite)
    except ExportError as error:
        err.print(f"[bold red]无法导出[/]: {escape(str(error))}", soft_wrap=True)
        return 1
    finally:
        con.close()
    if accounts_path(settings.db_path).exists():
        AccountStore(accounts_path(settings.db_path)).record(
            "export_parquet", username=_operator(), place=ALL_PLACES, row_count=exported.row_count,
            detail={"out": str(args.out.resolve()), "tables": len(exported.tables)})
    out.print(f"已导出 {len(exported.tables)} 张表 ({exported.row_count} 行) 到 {escape(str(args.out))};"
              " 其中含未打码的个人信息, 只能存放在本单位的系统中", soft_wrap=True)
    return 0


def _backup(args, settings: Settings, out: Console, err: Console) -> int:
    from etl.backup import backup

    with err.status("备份 …"):
        made = backup(settings.db_path, args.out)
    if made.users is not None:
        AccountStore(accounts_path(settings.db_path)).record(
            "backup", username=_operator(), place=ALL_PLACES, detail={"out": str(made.folder.resolve())})
    kept = [f"数据库 ({made.warehouse_bytes / 1e6:,.1f} MB)"]
    if made.users is not None:
        kept.append(f"账号和审计记录 ({made.users} 个账号, {made.audit_records} 条审计记录)")
    if made.uploads:
        kept.append(f"上传的文件 {made.uploads} 个")
    out.print(f"已备份到 {escape(str(made.folder))}: {'、'.join(kept)}; 其中含未打码的个人信息, 请存放在本单位的"
              "系统中。恢复: 停止服务后把其中的文件复制回数据库所在的文件夹", soft_wrap=True)
    return 0


# --- accounts and audit ------------------------------------------------------------------------


def _accounts(settings: Settings) -> AccountStore:
    require_warehouse(settings.db_path)
    return AccountStore(accounts_path(settings.db_path))


def _operator() -> str:
    """Who ran an account command, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read_password(args, err: Console) -> tuple[str, bool]:
    """(password, generated): from stdin, typed twice at a terminal, or made up and printed once."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        first, second = getpass.getpass("密码: "), getpass.getpass("再输入一次: ")
        if first != second:
            raise AccountError("两次输入的密码不一致")
        return first, False
    return new_password(), True


def _known_place(settings: Settings, place: str, error: type[Exception] = AccountError) -> str:
    """The code of a place a command is given (an account's, a report's): its code, or its name however its suffix is
    spelled (劝业场街道, 劝业场街, 花园路社区, 花园路社区居委会, 花园路: DESIGN §2) where one place has it; an admin
    need not know the 12-digit codes (review 14 L4: a report took codes only). Raises `error`, its example a street
    of the warehouse's own."""
    if place == ALL_PLACES and error is AccountError:
        return place
    con = open_for_reading(settings.db_path)
    try:
        found = con.execute(
            """select d.code, d.name, p.name from divisions d left join divisions p on p.code = d.parent_code
               where d.code = $place or d.name = $place or d.short_name = $place
                   or (d.level = 'district' and cv_district_key(d.name) = cv_district_key($place))
                   or (d.level <> 'district' and cv_place_key(d.name) = cv_place_key($place))
               order by d.code = $place desc, d.name = $place desc, d.code""",
            {"place": place.strip()}).fetchall()
        example = scalar(con, "select min(name) from divisions where level = 'street'") or "街道名称"
    finally:
        con.close()
    if not found:
        raise error(f"地区 {place} 不在本库的区划中 (写区划代码或名称, 如 {example}"
                    + ("; 可用 all 表示全部)" if error is AccountError else ")"))
    if len(found) > 1 and found[0][0] != place.strip():
        raise error(f"有 {len(found)} 个地区叫 {place}: "
                    + "、".join(f"{code} ({parent or ''}{name})" for code, name, parent in found)
                    + ": 请写其中一个的区划代码")
    return found[0][0]


def _user_add(args, settings: Settings, out: Console, err: Console) -> int:
    store = _accounts(settings)
    try:
        args.place = _known_place(settings, args.place)
        password, generated = _read_password(args, err)
        store.add(args.username, args.role, args.place, password)
    except AccountError as error:
        err.print(f"[bold red]错误[/]: {escape(str(error))}")
        return 2
    store.record("user_added", username=_operator(), place=args.place,
                 detail={"user": args.username, "role": args.role})
    out.print(f"已添加用户 {escape(args.username)} ({args.role}, {args.place})")
    if generated:
        out.print(f"初始密码 (只显示这一次): {password}")
    return 0


def _user_list(args, settings: Settings, out: Console, err: Console) -> int:
    users = pd.DataFrame(_accounts(settings).users(),
                         columns=["username", "role", "place", "disabled", "locked_until", "created_at",
                                  "last_sign_in"])
    if args.format == "json":
        out.file.write(users.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        names = _place_names(settings)
        users["place"] = [names.get(code, code) for code in users["place"]]
        _print_frame(users, "table", out, title="用户")
    return 0


def _user_disable(args, settings: Settings, out: Console, err: Console) -> int:
    return _user_change(args, settings, out, err, "user_disabled", "已停用", disabled=True)


def _user_enable(args, settings: Settings, out: Console, err: Console) -> int:
    return _user_change(args, settings, out, err, "user_enabled", "已启用", disabled=False)


def _user_change(args, settings, out, err, event: str, done: str, disabled: bool) -> int:
    store = _accounts(settings)
    try:
        store.set_disabled(args.username, disabled)
    except AccountError as error:
        err.print(f"[bold red]错误[/]: {escape(str(error))}")
        return 2
    store.record(event, username=_operator(), place=_place_of(store, args.username), detail={"user": args.username})
    out.print(f"{done}用户 {escape(args.username)}")
    return 0


def _place_of(store: AccountStore, username: str) -> str | None:
    """An account's place, which the record of a change to it carries: the 审计 page shows an admin the records of
    their place's accounts (a password changed on the command line had been shown to no district's admin)."""
    return next((user["place"] for user in store.users() if user["username"] == username), None)


def _user_passwd(args, settings: Settings, out: Console, err: Console) -> int:
    store = _accounts(settings)
    try:
        password, generated = _read_password(args, err)
        store.set_password(args.username, password)
    except AccountError as error:
        err.print(f"[bold red]错误[/]: {escape(str(error))}")
        return 2
    store.record("password_changed", username=_operator(), place=_place_of(store, args.username),
                 detail={"user": args.username})
    out.print(f"已修改用户 {escape(args.username)} 的密码")
    if generated:
        out.print(f"新密码 (只显示这一次): {password}")
    return 0


def _place_names(settings: Settings) -> dict[str, str]:
    """Each place code's name (全部地区 for all), from the warehouse's divisions; none before there is one."""
    names = {ALL_PLACES: "全部地区"}
    if settings.db_path.exists():
        con = open_for_reading(settings.db_path)
        try:
            names.update(con.execute("select code, name from divisions").fetchall())
        finally:
            con.close()
    return names


def _audit(args, settings: Settings, out: Console, err: Console) -> int:
    events = pd.DataFrame(_accounts(settings).events(args.since),
                          columns=["id", "at", "username", "role", "user_place", "event", "place", "detail",
                                   "row_count", "file_sha256", "remote_addr"])
    events["row_count"] = events["row_count"].astype("Int64")
    # the times in Beijing (with their offset), as the 审计 page and the table show them and --since reads its day;
    # the store keeps them in UTC
    events["at"] = [dt.datetime.fromisoformat(at).astimezone(BEIJING).isoformat() for at in events["at"]]
    if args.format == "json":  # detail as the object it is
        events["detail"] = [json.loads(d) if isinstance(d, str) else None for d in events["detail"]]
        out.file.write(events.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        if args.format == "table":  # places by their names and the details in words, as the 审计 page says them
            from dashboard.tables import detail_words

            names = _place_names(settings)
            events["file_sha256"] = events["file_sha256"].str[:12]
            events["detail"] = [detail_words(detail, names, "zh") for detail in events["detail"]]
            for column in ("user_place", "place"):
                events[column] = [names.get(code, code) for code in events[column]]
        _print_frame(events, args.format, out, title="审计记录")
    return 0


if __name__ == "__main__":
    sys.exit(main())
