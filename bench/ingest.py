"""Ingest rows/s (CSV UTF-8, CSV GB18030, .xlsx) and mart build time, against pandas + openpyxl."""

from __future__ import annotations

import argparse
import codecs
import csv
import dataclasses
import datetime as dt
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
from rich.console import Console
from rich.table import Table

from etl import mappings
from etl.demo import write_demo_exports
from etl.geography import city_divisions, division_aliases
from etl.ingest import FIELDS, ingest, load_file
from etl.readers import read_export, release
from etl.settings import Config, Settings, default_config_text, parse_config
from etl.sqlfiles import prepare
from etl.warehouse import build_marts, open_for_writing, run_checks, write_divisions

CSV_TARGET_ROWS_PER_S = 500_000
XLSX_TARGET_ROWS_PER_S = 80_000
CITY_MART_TARGET_S = 60.0
TRANSCODE_CHUNK = 4 << 20
SERIAL_HEADER = "序号"  # a column every bureau export has and the loader ignores
# "open": the file's size, and a look for a load of that size; the SHA-256 is computed alongside the rest
STAGES = {"checking": "open", "reading": "read", "validating": "validate+stage"}
OUTSIDE_SQL = "Python outside SQL"
PACKAGES = ("duckdb", "pandas", "pyarrow", "openpyxl", "python-calamine", "fastexcel")


class BenchError(Exception):
    """The benchmark cannot run on these inputs; the message says what to do."""


@dataclass(frozen=True)
class Plan:
    """How much to measure at one scale."""

    scale: str  # district | city
    csv_rows: int
    xlsx_rows: int
    ingest_runs: int
    mart_runs: int


PLANS = {
    "district": Plan("district", csv_rows=300_000, xlsx_rows=100_000, ingest_runs=5, mart_runs=3),
    "city": Plan("city", csv_rows=1_500_000, xlsx_rows=100_000, ingest_runs=5, mart_runs=2),
}
QUICK_PLAN = Plan("district", csv_rows=20_000, xlsx_rows=5_000, ingest_runs=1, mart_runs=1)


@dataclass(frozen=True)
class Inputs:
    """The files one scale is measured on; the cached ones are remade when the warehouse changes."""

    exports: Path  # the demo exports the warehouse was loaded from
    warehouse: Path  # a loaded demo warehouse: the mart build is timed on it
    base: Path  # the warehouse without the visit files the inputs were made from
    csv_utf8: Path
    csv_gb18030: Path
    xlsx: Path  # every cell text, as systems export them
    xlsx_typed: Path  # 序号 as numbers and visit dates as date cells, as clerks type them

    @classmethod
    def under(cls, out: Path, plan: Plan) -> Inputs:
        visits = f"{plan.scale}-visits-{plan.csv_rows}"
        return cls(
            exports=out / f"{plan.scale}-exports",
            warehouse=out / f"{plan.scale}.duckdb",
            base=out / f"{plan.scale}-base-{plan.csv_rows}.duckdb",
            csv_utf8=out / f"{visits}-utf8.csv",
            csv_gb18030=out / f"{visits}-gb18030.csv",
            xlsx=out / f"{plan.scale}-visits-{plan.xlsx_rows}.xlsx",
            xlsx_typed=out / f"{plan.scale}-visits-{plan.xlsx_rows}-typed.xlsx",
        )


@dataclass(frozen=True)
class LoadRun:
    seconds: float
    stages_s: dict[str, float]  # open, read, validate+stage
    statements_s: dict[str, float]  # SQL statements by what they create or insert into
    rows_read: int
    rows_rejected: int


@dataclass(frozen=True)
class IngestFigure:
    input: str
    rows_read: int
    rows_rejected: int
    runs_s: list[float]
    median_s: float
    rows_per_s: float
    stages_s: dict[str, float]  # medians over the runs, as are the statements
    statements_s: dict[str, float]
    target_rows_per_s: int
    target_met: bool
    baseline: str
    baseline_rows: int
    baseline_runs_s: list[float]
    baseline_rows_per_s: float
    ratio: float  # ours / baseline


@dataclass(frozen=True)
class MartFigure:
    elders: int
    visit_rows: int
    contact_rows: int
    months: int
    runs_s: list[float]
    median_s: float
    by_mart_s: dict[str, float]  # median seconds per mart
    checks_s: float
    checks_failed: int
    target_s: float | None
    target_met: bool | None


# --- Inputs ----------------------------------------------------------------------------------


def ensure_warehouse(inputs: Inputs, scale: str, config: Config, err: Console) -> None:
    """Write and load the demo exports of this scale, unless a loaded warehouse is already there."""
    if inputs.warehouse.exists():
        return
    err.log(f"building the {scale} demo warehouse {inputs.warehouse} (once; minutes at city scale)")
    exports = write_demo_exports(inputs.exports, scale=scale)
    if scale == "city":
        with open_for_writing(inputs.warehouse, config) as session:
            write_divisions(session.con, city_divisions(), division_aliases())
            session.changed = True
    results = ingest(exports.files, Settings(inputs.warehouse, config))
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise BenchError(f"a demo export did not load: {failed[0].file_name}: {failed[0].message}")


def ensure_inputs(inputs: Inputs, plan: Plan, err: Console) -> None:
    """The visit files and the base warehouse, made once from the latest months of the demo."""
    source = inputs.warehouse
    if not (_is_fresh(inputs.csv_utf8, source) and _is_fresh(inputs.base, source)):
        err.log(f"writing {inputs.csv_utf8.name} and {inputs.base.name}")
        file_names = latest_visit_files(source, plan.csv_rows)
        write_visit_csv(inputs.exports, file_names, plan.csv_rows, inputs.csv_utf8)
        write_base_warehouse(source, file_names, inputs.base)
    if not _is_fresh(inputs.csv_gb18030, inputs.csv_utf8):
        err.log(f"writing {inputs.csv_gb18030.name}")
        transcode(inputs.csv_utf8, inputs.csv_gb18030, "gb18030")
    for target, typed in ((inputs.xlsx, False), (inputs.xlsx_typed, True)):
        if not _is_fresh(target, inputs.csv_utf8):
            err.log(f"writing {target.name} (openpyxl, once)")
            write_xlsx(inputs.csv_utf8, plan.xlsx_rows, target, typed)


def _is_fresh(path: Path, source: Path) -> bool:
    return path.exists() and path.stat().st_mtime >= source.stat().st_mtime


def _part(path: Path) -> Path:
    """Where a cached file is written before it replaces the old one: a killed run leaves none."""
    return path.with_name(f".{path.name}.part")


def latest_visit_files(warehouse: Path, rows: int) -> list[str]:
    """The visit files of the latest whole months that hold `rows` rows or more, oldest first."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        files = con.execute(
            """select l.file_name, l.rows_read, max(date_trunc('month', v.visit_date)) as month
            from loads l join visit_rows v using (load_id)
            where l.kind = 'visits'
            group by all
            order by month desc, l.file_name"""
        ).fetchall()
    finally:
        con.close()
    if not files:
        raise BenchError(f"{warehouse} holds no visit files: is a build of it still running?")
    months, total = [], 0
    for _, rows_read, month in files:
        if month not in months:
            if total >= rows:
                break
            months.append(month)
        total += rows_read
    if total < rows:
        raise BenchError(f"{warehouse} holds {total} visit rows, fewer than the {rows} asked for")
    chosen = sorted((month, name) for name, _, month in files if month in months)
    return [name for _, name in chosen]


def write_visit_csv(exports: Path, file_names: Sequence[str], rows: int, target: Path) -> None:
    """The first `rows` rows of the demo's visit files under one header, as one UTF-8 export."""
    con = duckdb.connect()
    prepare(con)  # the readers read a title's 填报日期 with the ETL's macros
    try:
        fields = FIELDS["visits"]
        con.execute("create table visit_export (file_index integer, row_number integer, "
                    + ", ".join(f"{field} varchar" for field in fields) + ")")
        present: set[str] = set()
        for index, name in enumerate(file_names):
            present |= _append_visit_file(con, exports / name, index)
        labels = _header_labels()
        columns = ", ".join(f'{field} as "{labels[field]}"' for field in fields if field in present)
        relation = con.sql(
            f"""select row_number() over (order by file_index, row_number) as "{SERIAL_HEADER}",
                       {columns}
            from visit_export order by file_index, row_number limit $rows""",
            params={"rows": rows},
        )
        relation.write_csv(str(_part(target)), header=True)
    finally:
        con.close()
    os.replace(_part(target), target)


def _append_visit_file(con: duckdb.DuckDBPyConnection, path: Path, index: int) -> set[str]:
    """Add one file's data rows to visit_export by field; the fields it has."""
    if not path.is_file():
        raise BenchError(f"{path} is missing: the demo exports no longer match the warehouse"
                         " (delete both to rebuild them)")
    present: set[str] = set()
    sheets, _ = read_export(path, con, "raw", mappings.header_score)
    for sheet in sheets:
        column_map = mappings.map_columns(sheet.header, "visits")
        present |= column_map.fields.keys()
        cells = ", ".join(f"c{column_map.fields[f]}" if f in column_map.fields else "null"
                          for f in FIELDS["visits"])
        # blank lines and the 合计 row under the data are not visits
        con.execute(
            f"""insert into visit_export select $index, row_number, {cells}
            from {sheet.table}
            where not regexp_matches(coalesce(c0, ''), '^\\s*(合|总|小)\\s*计')
              and coalesce({cells}) is not null""",
            {"index": index},
        )
    release(con, sheets)
    return present


def _header_labels() -> dict[str, str]:
    """The first spelling in etl/mappings/headers.csv of each visit field: what a clerk writes."""
    labels: dict[str, str] = {}
    for kind in ("visits", "*"):
        for key, field in mappings.header_aliases().get(kind, {}).items():
            labels.setdefault(field, key)
    return labels


def write_base_warehouse(warehouse: Path, file_names: Sequence[str], target: Path) -> None:
    """A copy of the warehouse without the given visit files: the roster and earlier months stay."""
    shutil.copyfile(warehouse, _part(target))
    con = duckdb.connect(str(_part(target)))
    try:
        load_ids = [row[0] for row in con.execute(
            "select load_id from loads where list_contains($names, file_name)",
            {"names": list(file_names)},
        ).fetchall()]
        for table in ("visit_rows", "rejects", "load_warnings", "loads"):
            con.execute(f"delete from {table} where list_contains($ids, load_id)",
                        {"ids": load_ids})
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(_part(target), target)


def transcode(source: Path, target: Path, encoding: str) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with source.open("rb") as src, _part(target).open("wb") as dst:
        while chunk := src.read(TRANSCODE_CHUNK):
            dst.write(decoder.decode(chunk).encode(encoding))
        dst.write(decoder.decode(b"", final=True).encode(encoding))
    os.replace(_part(target), target)


def write_xlsx(source: Path, rows: int, target: Path, typed: bool) -> None:
    """The header and first `rows` rows of a CSV as a workbook (IDs stay text).

    `typed`: 序号 as numbers and the visit dates that are plain dates as date cells.
    """
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("探访记录")
    with source.open(encoding="utf-8", newline="") as f:
        records = csv.reader(f)
        header = next(records)
        sheet.append(header)
        date_column = header.index("探访日期")
        for record in itertools.islice(records, rows):
            cells: list[object] = [cell or None for cell in record]
            if typed:
                cells[0] = int(record[0]) if record[0].isdigit() else cells[0]
                cells[date_column] = _plain_date(record[date_column]) or cells[date_column]
            sheet.append(cells)
    workbook.save(_part(target))
    os.replace(_part(target), target)


def _plain_date(text: str) -> dt.date | None:
    for spelling in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, spelling).date()
        except ValueError:
            continue
    return None


# --- Measurements ----------------------------------------------------------------------------


class TimedConnection:
    """Stands in for a DuckDB connection: runs everything on it, timing each kind of statement."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.seconds: dict[str, float] = {}

    def execute(self, query: str, params=None):
        start = time.perf_counter()
        try:
            return self._con.execute(query, params)
        finally:
            label = statement_label(query)
            self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def statement_label(query: str) -> str:
    """What a statement creates (a mart, a staging table), inserts into, updates or deletes from; else
    its first word."""
    text = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("--"))
    if changed := re.search(r"^\s*(update|delete from) (\w+)", text, re.MULTILINE | re.IGNORECASE):
        return f"{changed[1].split()[0].lower()} {changed[2]}"
    words = text.lower().split(maxsplit=6)
    if words[:3] == ["create", "or", "replace"]:
        return words[5] if words[3] == "temp" else words[4]
    if words[:2] == ["insert", "into"]:
        return f"insert {words[2]}"
    return words[0]


def time_load(base: Path, path: Path, config: Config) -> LoadRun:
    """load_file (read, recognise, validate, stage) on a fresh copy of `base`.

    open_for_writing makes the copy and, as nothing is marked changed, throws it away: marts are
    neither built nor swapped in.
    """
    marks: list[tuple[str, float]] = []

    def progress(_file: str, stage: str) -> None:
        marks.append((stage, time.perf_counter()))

    with open_for_writing(base, config) as session:
        timed = TimedConnection(session.con)
        start = time.perf_counter()
        result = load_file(dataclasses.replace(session, con=timed), path, None, progress)
        end = time.perf_counter()
        session.changed = False
    if result.status != "loaded":
        raise BenchError(f"{path.name} was {result.status}: {result.message}")
    ends = [at for _, at in marks[1:]] + [end]
    stages = {STAGES[stage]: stop - at for (stage, at), stop in zip(marks, ends, strict=True)}
    statements = timed.seconds | {OUTSIDE_SQL: end - start - sum(timed.seconds.values())}
    return LoadRun(end - start, stages, statements, result.rows_read, result.rows_rejected)


def time_baseline(read: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    rows = read()
    return time.perf_counter() - start, rows


def _medians(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    return {name: statistics.median(run.get(name, 0.0) for run in runs) for name in runs[0]}


def measure_ingest(label: str, path: Path, base: Path, config: Config, runs: int, target: int,
                   baseline: str, read_baseline: Callable[[], int]) -> IngestFigure:
    """Ours and the baseline in turns, so that both see the same background load."""
    ours: list[LoadRun] = []
    theirs: list[tuple[float, int]] = []
    for _ in range(runs):
        ours.append(time_load(base, path, config))
        theirs.append(time_baseline(read_baseline))
    median = statistics.median(run.seconds for run in ours)
    baseline_median = statistics.median(seconds for seconds, _ in theirs)
    rows_read, baseline_rows = ours[-1].rows_read, theirs[-1][1]
    rate, baseline_rate = rows_read / median, baseline_rows / baseline_median
    return IngestFigure(
        input=label, rows_read=rows_read, rows_rejected=ours[-1].rows_rejected,
        runs_s=[run.seconds for run in ours], median_s=median, rows_per_s=rate,
        stages_s=_medians([run.stages_s for run in ours]),
        statements_s=_medians([run.statements_s for run in ours]),
        target_rows_per_s=target, target_met=rate >= target, baseline=baseline,
        baseline_rows=baseline_rows, baseline_runs_s=[seconds for seconds, _ in theirs],
        baseline_rows_per_s=baseline_rate, ratio=rate / baseline_rate,
    )


def ingest_figures(inputs: Inputs, plan: Plan, config: Config) -> list[IngestFigure]:
    def read_csv(path: Path, encoding: str) -> Callable[[], int]:
        return lambda: len(pd.read_csv(path, encoding=encoding, dtype=str))

    def read_excel(path: Path) -> Callable[[], int]:
        return lambda: len(pd.read_excel(path, engine="openpyxl", dtype=str))

    inputs_measured = [
        ("CSV UTF-8", inputs.csv_utf8, CSV_TARGET_ROWS_PER_S, "pandas.read_csv",
         read_csv(inputs.csv_utf8, "utf-8")),
        ("CSV GB18030", inputs.csv_gb18030, CSV_TARGET_ROWS_PER_S, "pandas.read_csv",
         read_csv(inputs.csv_gb18030, "gb18030")),
        (".xlsx", inputs.xlsx, XLSX_TARGET_ROWS_PER_S, "pandas.read_excel(openpyxl)", read_excel(inputs.xlsx)),
        (".xlsx, numbers and dates", inputs.xlsx_typed, XLSX_TARGET_ROWS_PER_S, "pandas.read_excel(openpyxl)",
         read_excel(inputs.xlsx_typed)),
    ]
    return [measure_ingest(label, path, inputs.base, config, plan.ingest_runs, target, baseline, read_baseline)
            for label, path, target, baseline, read_baseline in inputs_measured]


def mart_figures(warehouse: Path, config: Config, runs: int, scale: str) -> MartFigure:
    """build_marts, then the checks, on a copy of a loaded warehouse that is thrown away."""
    totals, by_mart, checks = [], [], []
    failed = 0
    for _ in range(runs):
        with open_for_writing(warehouse, config) as session:
            timed = TimedConnection(session.con)
            start = time.perf_counter()
            build_marts(timed)
            built = time.perf_counter()
            failed = len(run_checks(session.con))
            checks.append(time.perf_counter() - built)
            totals.append(built - start)
            by_mart.append(timed.seconds)
            session.changed = False
    median = statistics.median(totals)
    target = CITY_MART_TARGET_S if scale == "city" else None
    return MartFigure(
        **warehouse_sizes(warehouse), runs_s=totals, median_s=median, by_mart_s=_medians(by_mart),
        checks_s=statistics.median(checks), checks_failed=failed, target_s=target,
        target_met=None if target is None else median <= target,
    )


def warehouse_sizes(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(
            """select (select count(*) from elders), (select count(*) from visit_rows),
                      (select count(*) from contact_rows), (select count(*) from month_frame)"""
        ).fetchall()[0]
    finally:
        con.close()
    return dict(zip(("elders", "visit_rows", "contact_rows", "months"), row, strict=True))


# --- Report ----------------------------------------------------------------------------------


def machine_facts() -> dict[str, object]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def _met(flag: bool | None) -> str:
    return "—" if flag is None else ("[green]yes[/]" if flag else "[bold red]NO[/]")


def _top(seconds: dict[str, float], count: int) -> str:
    slowest = sorted(seconds.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{name} {s:.2f}" for name, s in slowest)


def ingest_table(results: dict[str, dict]) -> Table:
    table = Table(title="ingest through load_file: read, validate, stage (median of runs)")
    for column in ("scale", "input", "rows", "rejected", "ours rows/s", "each run, k rows/s", "baseline",
                   "baseline rows/s", "ours/baseline", "target rows/s", "met",
                   "s: open / read / validate+stage"):
        left = column in ("scale", "input", "baseline")
        table.add_column(column, justify="left" if left else "right")
    for scale, result in results.items():
        for f in result["ingest"]:
            stages = " / ".join(f"{f.stages_s[name]:.2f}" for name in STAGES.values())
            runs = " ".join(f"{f.rows_read / seconds / 1000:.0f}" for seconds in f.runs_s)
            table.add_row(scale, f.input, f"{f.rows_read:,}", f"{f.rows_rejected:,}",
                          f"{f.rows_per_s:,.0f}", runs, f.baseline, f"{f.baseline_rows_per_s:,.0f}",
                          f"{f.ratio:.2f}×", f"≥ {f.target_rows_per_s:,}", _met(f.target_met),
                          stages)
    return table


def slowest_steps(results: dict[str, dict]) -> list[str]:
    """Where our ingest time goes: SQL statements by what they create, and Python between them."""
    return [f"  {scale} {f.input}: {_top(f.statements_s, 5)}"
            for scale, result in results.items() for f in result["ingest"]]


def mart_table(results: dict[str, dict]) -> Table:
    table = Table(title="mart build: build_marts (median of runs), then the checks")
    for column in ("scale", "elders", "visit rows", "contact rows", "months", "build_marts s",
                   "runs s", "target s", "met", "checks s", "slowest marts s"):
        left = column in ("scale", "slowest marts s")
        table.add_column(column, justify="left" if left else "right")
    for scale, result in results.items():
        m = result["marts"]
        checks = f"{m.checks_s:.2f}" + (f" ({m.checks_failed} failed)" if m.checks_failed else "")
        table.add_row(scale, f"{m.elders:,}", f"{m.visit_rows:,}", f"{m.contact_rows:,}",
                      str(m.months), f"{m.median_s:.1f}", " ".join(f"{s:.1f}" for s in m.runs_s),
                      "—" if m.target_s is None else f"≤ {m.target_s:.0f}", _met(m.target_met),
                      checks, _top(m.by_mart_s, 3))
    return table


def write_json(path: Path, command: str, machine: dict, results: dict[str, dict]) -> None:
    scales = {scale: {"ingest": [asdict(f) for f in result["ingest"]],
                      "marts": asdict(result["marts"])}
              for scale, result in results.items()}
    document = {"command": command, "machine": machine, "scales": scales}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --- Command line ----------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=("district", "city", "both"),
                        help="default: both (district with --quick)")
    parser.add_argument("--out", type=Path, default=Path("bench/out"),
                        help="demo warehouses, cached inputs and ingest.json (default: bench/out)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run on small files, one run each (writes ingest-quick.json)")
    args = parser.parse_args(argv)
    args.scale = args.scale or ("district" if args.quick else "both")
    if args.quick and args.scale != "district":
        parser.error("--quick runs at district scale only")
    return args


def chosen_plans(scale: str, quick: bool) -> list[Plan]:
    if quick:
        return [QUICK_PLAN]
    return [PLANS[s] for s in ("district", "city") if scale in (s, "both")]


def measure(plan: Plan, out_dir: Path, config: Config, err: Console) -> dict:
    inputs = Inputs.under(out_dir, plan)
    ensure_warehouse(inputs, plan.scale, config, err)
    ensure_inputs(inputs, plan, err)
    err.log(f"{plan.scale}: timing ingest, {plan.ingest_runs} run(s) per input and baseline")
    figures = ingest_figures(inputs, plan, config)
    err.log(f"{plan.scale}: timing the mart build, {plan.mart_runs} run(s)")
    return {"ingest": figures,
            "marts": mart_figures(inputs.warehouse, config, plan.mart_runs, plan.scale)}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out, err = Console(), Console(stderr=True)
    if not out.is_terminal:
        out.width = 220  # piped to a file: keep each table row on one line
    command = " ".join([Path(sys.executable).name, *sys.argv])
    config = parse_config(default_config_text())
    plans = chosen_plans(args.scale, args.quick)
    args.out.mkdir(parents=True, exist_ok=True)
    machine = machine_facts()
    try:
        results = {plan.scale: measure(plan, args.out, config, err) for plan in plans}
    except BenchError as error:
        err.print(f"[bold red]error[/]: {error}")
        return 2
    machine["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    out.print(ingest_table(results))
    out.print("slowest steps of our ingest (median s):", *slowest_steps(results), sep="\n")
    out.print(mart_table(results))
    out.print(f"machine: {machine['nproc']} cores, load average {machine['load_average_before']}"
              f" before and {machine['load_average_after']} after; python {machine['python']}; "
              + ", ".join(f"{name} {version}" for name, version in machine["versions"].items()))
    out.print(f"command: {command}")
    json_path = args.out / ("ingest-quick.json" if args.quick else "ingest.json")
    write_json(json_path, command, machine, results)
    out.print(f"figures: {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
