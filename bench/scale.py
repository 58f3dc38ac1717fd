"""What a user waits for at one scale: a month's file through `carevisit ingest`, one file's publish, a rebuild.

    python bench/scale.py --db bench/out/district.duckdb --exports bench/out/district-exports [--runs 3]

Each figure is a whole command, process start to exit (the warehouse published), on a fresh copy of a
warehouse (the copy is not timed), beside a baseline run in turns with it in the same run:

- a month's visits as one UTF-8 CSV (the latest month's visit files of every street under one header),
  `carevisit ingest` into the warehouse without them: rows/s, against `pandas.read_csv` of the same
  file in a fresh process (it only reads);
- one street's file of that month (a district's at city and province scale, where a district sends one
  file), `carevisit ingest`: the incremental publish, against copying the warehouse file (what a
  publish cannot go below: a load changes a copy and swaps it in). Twice: as the month's first file
  (its new month is computed for every elder), which is also the day's first load (the marts were counted
  the day before: those who turned 80 since join its scope), and as the month's last, the others of the
  month loaded before the same day;
- the same file cut to its visits up to the 15th (a street that sends its records weekly), as the month's first
  file and the day's first: a month in progress, so the publish also counts the month before to the same day
  for everyone (the comparison the overview shows beside it), which a whole month's file does not need;
- `carevisit rebuild` (every mart), against the same copy.

Wall seconds and, since the machine is shared, each command's CPU seconds (user + system, all cores).
Figures go to bench/out/scale-<name>.json. Inputs are cached in bench/out/scale-<name>/.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from etl.settings import default_config_text, parse_config
from etl.warehouse import refresh

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench/ingest.py")
bench_ingest = sys.modules["bench_ingest"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_ingest)

CAREVISIT = str(Path(sys.executable).with_name("carevisit"))
TARGETS = {"ingest_rows_per_s": 400_000, "publish_s": 20.0, "rebuild_s": 300.0}
PANDAS_READ = "import sys, pandas; print(len(pandas.read_csv(sys.argv[1], dtype=str)))"


def timed(command: list[str], cpu: list[float], env: dict[str, str] | None = None) -> float:
    """Wall seconds of the command (in `env`, else this process's environment); its CPU seconds (user + system, on
    every core) go to `cpu`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed: {(done.stderr or done.stdout).strip()[-500:]}")
    cpu.append(round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2))
    return elapsed


def timed_copy(source: Path, target: Path) -> float:
    started = time.perf_counter()
    shutil.copyfile(source, target)
    os.sync()
    return time.perf_counter() - started


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {table: con.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608 (fixed names)
                for table in ("roster_rows", "visit_rows", "contact_rows", "elder_months", "place_months")}
    finally:
        con.close()


def marts_built(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select value from settings where key = 'marts_built'").fetchone()[0]
    finally:
        con.close()


def prepare(db: Path, exports: Path, work: Path) -> tuple[Path, Path, Path, Path, int]:
    """The month's CSV, one file of that month, the warehouse without the month's visit files and the
    warehouse without that one file (the others of the month came in first)."""
    work.mkdir(parents=True, exist_ok=True)
    month_csv, base, later = work / "month-visits-utf8.csv", work / "base.duckdb", work / "base-later.duckdb"
    names = bench_ingest.latest_visit_files(db, 1)  # the latest month's files, whichever their rows
    for target, left_out in ((base, names), (later, names[:1])):
        if not (target.exists() and target.stat().st_mtime >= db.stat().st_mtime):
            bench_ingest.write_base_warehouse(db, left_out, target)
            # its marts still count the visits left out: rebuilt, it is what a bureau has before them
            subprocess.run([CAREVISIT, "rebuild", "--db", str(target)], cwd=ROOT, check=True, capture_output=True)
        # marts another version of CareVisit built are rebuilt here, not in the first timed command
        refresh(target, parse_config(default_config_text()))
    if not month_csv.exists():
        bench_ingest.write_visit_csv(exports, names, 10**9, month_csv)
    with month_csv.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    return month_csv, exports / names[0], base, later, rows


def cut_to_mid_month(one_file: Path, base: Path, work: Path) -> Path:
    """`one_file` without its visits dated after the 15th of its month, in its own encoding and layout: the
    file is loaded into a copy of `base` (not timed) to learn each line's visit date the way a load reads it,
    and again after the cut (a row set aside as the repeat of one cut loads in its place), until none is left."""
    target = work / f"mid-month-{one_file.name}"
    if target.exists() and target.stat().st_mtime >= one_file.stat().st_mtime:
        return target
    source, scratch = one_file, work / "cut.duckdb"
    for _ in range(5):
        shutil.copyfile(base, scratch)
        try:
            subprocess.run([CAREVISIT, "ingest", str(source), "--db", str(scratch)], cwd=ROOT, check=True,
                           capture_output=True)
            con = duckdb.connect(str(scratch), read_only=True)
            try:
                read, later = con.execute(
                    """select l.rows_read, (select list(v.row_number) from visit_rows v where v.load_id = l.load_id
                           and v.visit_date > date_trunc('month', v.visit_date) + interval 14 day)
                       from loads l where l.load_id = (select max(load_id) from loads)""").fetchone()
            finally:
                con.close()
        finally:
            scratch.unlink(missing_ok=True)
        if not later:
            return source
        lines = source.read_bytes().splitlines(keepends=True)
        # row_number is the row's line in the file, counted from 1 (title lines and the header included): a file
        # with a line for each row at least, and no row past its last line (no cell holding a line break)
        if len(lines) < read + 1 or max(later) > len(lines):
            raise RuntimeError(f"{source.name}: {len(lines)} lines for {read} rows")
        dropped = {number - 1 for number in later}
        target.with_suffix(".part").write_bytes(b"".join(line for i, line in enumerate(lines) if i not in dropped))
        target.with_suffix(".part").replace(target)
        source = target
    raise RuntimeError(f"{one_file.name}: visits after the 15th left after 5 cuts")


def counted_the_day_before(db: Path) -> None:
    """The warehouse as if its marts were counted yesterday (settings marts_date): a load then counts the day
    that passed, as the day's first load does."""
    con = duckdb.connect(str(db))
    try:
        con.execute("update settings set value = cast(current_date - 1 as varchar) where key = 'marts_date'")
    finally:
        con.close()


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def run(args: argparse.Namespace) -> dict:
    work = args.out / f"scale-{args.name}"
    month_csv, one_file, base, later, rows = prepare(args.db, args.exports, work)
    mid_month = cut_to_mid_month(one_file, base, work)
    copy = work / "run.duckdb"
    names = ("ingest", "pandas", "publish", "publish_later", "publish_in_progress", "rebuild", "copy")
    figures: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    built: list[str] = []  # how each publish built the marts: scoped (the elders it changes) or whole
    ingest_built: list[str] = []  # and each month's CSV
    for _ in range(args.runs):  # in turns, so a busy minute of the machine falls on both
        figures["pandas"].append(timed([sys.executable, "-c", PANDAS_READ, str(month_csv)], cpu["pandas"]))
        shutil.copyfile(base, copy)
        figures["ingest"].append(timed([CAREVISIT, "ingest", str(month_csv), "--db", str(copy)], cpu["ingest"]))
        ingest_built.append(marts_built(copy))
        shutil.copyfile(base, copy)
        counted_the_day_before(copy)
        figures["publish"].append(timed([CAREVISIT, "ingest", str(one_file), "--db", str(copy)], cpu["publish"]))
        built.append(marts_built(copy))
        shutil.copyfile(later, copy)
        figures["publish_later"].append(timed([CAREVISIT, "ingest", str(one_file), "--db", str(copy)],
                                              cpu["publish_later"]))
        built.append(marts_built(copy))
        shutil.copyfile(base, copy)
        counted_the_day_before(copy)
        figures["publish_in_progress"].append(timed([CAREVISIT, "ingest", str(mid_month), "--db", str(copy)],
                                                    cpu["publish_in_progress"]))
        built.append(marts_built(copy))
        figures["copy"].append(timed_copy(base, copy))
        figures["rebuild"].append(timed([CAREVISIT, "rebuild", "--db", str(copy)], cpu["rebuild"]))
    copy.unlink(missing_ok=True)
    ingest_s, pandas_s = median(figures["ingest"]), median(figures["pandas"])
    return {
        "name": args.name, "db": str(args.db), "runs": args.runs, "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()], "warehouse_bytes": args.db.stat().st_size,
        "counts": counts(args.db), "month_file_rows": rows, "one_file": one_file.name, "runs_s": figures,
        "cpu_s": {k: median(v) for k, v in cpu.items() if v},
        "ingest_s": ingest_s, "ingest_rows_per_s": round(rows / ingest_s),
        "pandas_read_s": pandas_s, "pandas_rows_per_s": round(rows / pandas_s),
        "publish_s": median(figures["publish"]), "publish_later_s": median(figures["publish_later"]),
        "publish_in_progress_s": median(figures["publish_in_progress"]),
        "publish_built": built, "ingest_built": ingest_built, "rebuild_s": median(figures["rebuild"]),
        "copy_s": median(figures["copy"]), "targets": TARGETS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a loaded demo warehouse")
    parser.add_argument("--exports", type=Path, required=True, help="the exports it was loaded from")
    parser.add_argument("--name", help="names the outputs (default: the warehouse's file name)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out")
    args = parser.parse_args(argv)
    args.name = args.name or args.db.stem
    result = run(args)
    (args.out / f"scale-{args.name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    c = result["counts"]
    print(f"{args.name}: {c['roster_rows']:,} roster rows, {c['visit_rows']:,} visit rows, {c['contact_rows']:,}"
          f" contact rows, {result['warehouse_bytes'] / 2**20:,.0f} MiB; {args.runs} runs, {os.cpu_count()} cores,"
          f" load average {result['load_average']}")
    print(f"a month's visits ({result['month_file_rows']:,} rows), carevisit ingest end to end: {result['ingest_s']} s"
          f" = {result['ingest_rows_per_s']:,} rows/s (target ≥ {TARGETS['ingest_rows_per_s']:,}); pandas.read_csv"
          f" alone {result['pandas_read_s']} s = {result['pandas_rows_per_s']:,} rows/s; CPU s ingest"
          f" {result['cpu_s']['ingest']}, pandas {result['cpu_s']['pandas']}; marts built"
          f" {', '.join(result['ingest_built'])}")
    print(f"one file ({result['one_file']}), carevisit ingest: {result['publish_s']} s"
          f" (target ≤ {TARGETS['publish_s']:g} s), CPU {result['cpu_s']['publish']} s; copying the warehouse"
          f" {result['copy_s']} s; as the month's last file {result['publish_later_s']} s, CPU"
          f" {result['cpu_s']['publish_later']} s; cut to the 15th (a month in progress) as the month's first"
          f" {result['publish_in_progress_s']} s, CPU {result['cpu_s']['publish_in_progress']} s;"
          f" marts built {', '.join(result['publish_built'])}")
    print(f"carevisit rebuild: {result['rebuild_s']} s (target ≤ {TARGETS['rebuild_s']:g} s),"
          f" CPU {result['cpu_s']['rebuild']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
