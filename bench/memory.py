"""A load's peak memory against its file's row count: visits CSVs of 1 M, 3 M and 10 M rows.

Each file is loaded by `carevisit ingest` (process start to published warehouse, the marts rebuilt) into
a copy of the same warehouse; the figure is the process's peak resident memory, as the kernel counts it
for that child (wait4). The baseline, measured in the same run, is the smallest file's peak: a load's
memory should grow with its file's width and distinct values, not its rows. The files have the same
seven columns and the same distinct values (the base warehouse's elders, visitors and words; a month's
minutes as date-times), so only their row counts differ. Target: the 10 M-row file within 2 GiB.

    python bench/memory.py [--db BASE.duckdb] [--rows 1000000,3000000,10000000]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.upload import write_visits  # noqa: E402

CAREVISIT = str(Path(sys.executable).with_name("carevisit"))
BOUND = 2 * 2**30  # bytes


def waited(command: list[str]) -> tuple[float, resource.struct_rusage]:
    """The wall time of `command`, which must succeed, and what the kernel counted for it (wait4: its peak memory,
    its CPU and its children's)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command[1:3])} failed: {process.stderr.read().decode(errors='replace')[-500:]}")
    return seconds, usage


def peak_of(command: list[str]) -> tuple[int, float]:
    """The peak resident memory (bytes) and the wall time of `command`, which must succeed."""
    seconds, usage = waited(command)
    return usage.ru_maxrss * 1024, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/upload-base.duckdb",
                        help="the warehouse each load starts from (default: the small demo, built if missing)")
    parser.add_argument("--rows", default="1000000,3000000,10000000", help="row counts, comma-separated")
    args = parser.parse_args(argv)
    counts = sorted(int(n) for n in args.rows.split(","))
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([CAREVISIT, "demo", "--scale", "small", "--db", str(args.db)], check=True, capture_output=True)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")
    print(f"{'rows':>12} {'CSV':>8} {'peak':>10} {'vs first':>9} {'time':>8} {'rows/s':>9}")
    results = []
    with tempfile.TemporaryDirectory(prefix="cv-memory-") as temp:
        folder = Path(temp)
        for rows in counts:
            csv = folder / f"探访记录{rows}行.csv"
            write_visits(args.db, rows, csv)
            db = folder / "load.duckdb"
            shutil.copyfile(args.db, db)
            peak, seconds = peak_of([CAREVISIT, "ingest", "--db", str(db), str(csv)])
            results.append((rows, peak))
            print(f"{rows:>12,} {csv.stat().st_size / 2**20:>6.0f}MB {peak / 2**30:>8.2f}GiB "
                  f"{peak / results[0][1]:>8.2f}× {seconds:>7.1f}s {rows / seconds:>9,.0f}", flush=True)
            csv.unlink()
            db.unlink()
    rows, peak = results[-1]
    verdict = "met" if peak <= BOUND else "NOT met"
    print(f"{rows:,} rows: peak {peak / 2**30:.2f} GiB (bound 2 GiB): {verdict}; "
          f"{rows / results[0][0]:.0f}× the rows of the first file took {peak / results[0][1]:.2f}× its memory")


if __name__ == "__main__":
    main()
