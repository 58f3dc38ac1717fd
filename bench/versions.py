"""One `carevisit ingest`, by two versions of CareVisit in turns: what a change to the load or the marts buys.

    git archive BASE | tar -x -C /tmp/before      # the version to compare with, as a tree of files
    python bench/versions.py --before /tmp/before --db bench/out/scale-p/base.duckdb \\
        --file EXPORTS/和平区探访关爱服务记录2026年11月.csv [--day-before] [--runs 2]

Each run copies the warehouse (not timed), loads the file into the copy with the command, process start to
exit, once by this tree and once by `--before` (its etl package first on PYTHONPATH), alternating which goes
first, and prints wall and CPU seconds (user + system, all cores). `--day-before`: the copy's marts as if
counted yesterday, so that the load is the day's first (bench/scale.py's first-file case). After each pair the
two warehouses' marts are compared, every table of the marts and a stored comparison's place_months of the
month it counts (what its readers read), by row count and a hash of all rows: a change that makes the load faster
must leave the same rows. `--same-marts`, for a change to the marts' SQL that leaves their rows as they were (a
first pair without it, each a whole build by the new version, says so): the copy's marts are taken as the loading
version's (settings marts_version), so that neither version rebuilds them whole before the load.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import duckdb

from etl.build import MARTS

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench/scale.py")
bench_scale = sys.modules["bench_scale"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_scale)


def digest(db: Path) -> dict[str, tuple]:
    """Each stored mart table: its row count and the xor of its rows' hashes; of a stored same-day comparison
    (whatever its schema: a version stores what it needs, as_of_* or same_day_*), the rows its readers read, those
    of place_months of the month it counts; and how the marts were built."""
    names = [name for name, kind in MARTS if kind == "table"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = {table: con.execute(f'select count(*), bit_xor(hash(t)) from main."{table}" t').fetchone()  # noqa: S608
                 for (table,) in con.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                                             "and list_contains($names, table_name)", {"names": names}).fetchall()}
        for (schema,) in con.execute("select distinct schema_name from duckdb_tables() where table_name = "
                                     "'place_months' and schema_name <> 'main'").fetchall():
            month = f"{schema.split('_')[-2][:4]}-{schema.split('_')[-2][4:]}-01"  # as_of_202610_20261015: October
            found[f"comparison of {month}: place_months"] = con.execute(
                f'select count(*), bit_xor(hash(t)) from "{schema}".place_months t '  # noqa: S608 (catalog names)
                "where month_start = $month", {"month": month}).fetchone()
        return found | {"built": con.execute("select value from settings where key = 'marts_built'").fetchone()}
    finally:
        con.close()


@functools.cache
def marts_version(tree: Path | None) -> str:
    """The marts_version of `tree` (this one when None), asked once a version."""
    done = subprocess.run([sys.executable, "-c", "from etl.build import marts_version; print(marts_version())"],
                          capture_output=True, text=True, check=True,
                          env=os.environ | ({"PYTHONPATH": str(tree)} if tree else {}), cwd=tree or ROOT)
    return done.stdout.strip()


def load(tree: Path | None, db: Path, file: Path, work: Path, day_before: bool,
         same_marts: bool = False) -> tuple[float, float, dict]:
    """The file loaded into a copy of `db` by `tree` (this one when None): wall s, CPU s, the copy's digest."""
    copy = work / f"versions-{'before' if tree else 'this'}.duckdb"
    shutil.copyfile(db, copy)
    if day_before:
        bench_scale.counted_the_day_before(copy)
    if same_marts:
        con = duckdb.connect(str(copy))
        try:
            con.execute("update settings set value = $v where key = 'marts_version'", {"v": marts_version(tree)})
        finally:
            con.close()
    os.sync()
    cpu: list[float] = []
    try:
        wall = bench_scale.timed([bench_scale.CAREVISIT, "ingest", str(file), "--db", str(copy)], cpu,
                                 os.environ | ({"PYTHONPATH": str(tree)} if tree else {}))
        return wall, cpu[0], digest(copy)
    finally:
        copy.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="a tree of the version to compare with")
    parser.add_argument("--db", type=Path, required=True, help="the warehouse the file is loaded into (copied)")
    parser.add_argument("--file", type=Path, required=True, help="the file to load")
    parser.add_argument("--day-before", action="store_true", help="the marts counted yesterday: the day's first load")
    parser.add_argument("--same-marts", action="store_true",
                        help="the warehouse's marts taken as either version's (a change that leaves their rows)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--work", type=Path, help="where the copies go (default: beside the warehouse)")
    args = parser.parse_args(argv)
    work = args.work or args.db.parent
    figures: dict[str, list[tuple[float, float]]] = {"this": [], "before": []}
    for run in range(args.runs):
        order = ["before", "this"] if run % 2 else ["this", "before"]
        digests = {}
        for version in order:
            wall, cpu, digests[version] = load(args.before if version == "before" else None, args.db, args.file,
                                               work, args.day_before, args.same_marts)
            figures[version].append((wall, cpu))
            print(f"run {run + 1} {version:6}: {wall:7.2f} s, {cpu:7.2f} CPU-s, built {digests[version]['built'][0]}, "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
        different = sorted(k for k in digests["this"].keys() | digests["before"].keys()
                           if k != "built" and digests["this"].get(k) != digests["before"].get(k))
        print(f"      the same rows: {'yes' if not different else 'NO: ' + ', '.join(different)}", flush=True)
        if different:
            return 1
    for version, runs in figures.items():
        print(f"{version:6}: median {statistics.median(w for w, _ in runs):.2f} s, "
              f"{statistics.median(c for _, c in runs):.2f} CPU-s ({args.runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
