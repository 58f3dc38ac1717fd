"""A street's small files, from process start to published warehouse: what a clerk waits for after a correction.

`carevisit ingest` loads two streets' October visits files cut to about their first 20 rows (the small demo's own rows,
from its CSV exports) into a copy of a warehouse that holds the rest of the small demo: new rows, stored, and the
marts rebuilt for them. With so few rows the time is the
command's fixed cost: starting Python, planning the staging statements (DuckDB binds every macro a statement uses,
for each file) and publishing. A change that makes a statement bind a macro's argument many times over shows here
first (2026-12-05: one masking step doubled every file's planning; bench/ingest.py, on large files, did not see
it). The baseline, measured in the same run in turns, is the same process importing the command and exiting: the
floor of every command. Target: the whole command within 5 s on the 2-core machine.

    python bench/small_load.py [--db BASE.duckdb] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.memory import waited  # noqa: E402

CAREVISIT = str(Path(sys.executable).with_name("carevisit"))
ROWS = 20
TARGET_S = 5.0
SENT = "探访关爱服务记录2026年10月"  # the demo's October visits files: the base is loaded without them


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and its children) of `command`, which must succeed."""
    seconds, usage = waited(command)
    return seconds, usage.ru_utime + usage.ru_stime


def base(db: Path) -> Path:
    """The small demo (as of 2026-10-31) loaded without its October visits files, made once; its exports folder."""
    exports = db.parent / "demo-small"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        demo = db.with_name("demo.duckdb")
        subprocess.run([CAREVISIT, "demo", "--scale", "small", "--db", str(demo), "--as-of", "2026-10-31"],
                       check=True, capture_output=True)
        files = sorted(str(path) for path in exports.iterdir() if SENT not in path.name)
        subprocess.run([CAREVISIT, "ingest", "--db", str(db), *files], check=True, capture_output=True)
    return exports


def small_files(exports: Path, folder: Path) -> list[Path]:
    """Two streets' October visits CSVs, each cut to its first ROWS rows under the lines above them (title, unit,
    header: the first 3)."""
    found = sorted(exports.glob(f"*{SENT}*.csv"))[:2]
    if len(found) < 2:
        sys.exit(f"fewer than two CSVs named *{SENT}* in {exports}: remove {exports.parent} to make them again")
    for path in found:
        (folder / path.name).write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:3 + ROWS]))
    return [folder / path.name for path in found]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/small-load/base.duckdb",
                        help="the warehouse each load starts from, made if missing (the small demo but its October "
                             "visits), its exports beside it in demo-small/")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    exports = base(args.db)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")
    loads, floors = [], []
    with tempfile.TemporaryDirectory(prefix="cv-small-load-") as temp:
        folder = Path(temp)
        files = small_files(exports, folder)
        for _ in range(args.runs):  # in turns, so a busy moment of the machine falls on both
            db = folder / "w.duckdb"
            shutil.copyfile(args.db, db)
            loads.append(timed([CAREVISIT, "ingest", "--db", str(db), *map(str, files)]))
            floors.append(timed([sys.executable, "-c", "import etl.cli"]))
            for leftover in folder.glob("*w.duckdb*"):
                leftover.unlink()
    load_wall, load_cpu = (statistics.median(run[i] for run in loads) for i in (0, 1))
    floor_wall, floor_cpu = (statistics.median(run[i] for run in floors) for i in (0, 1))
    print(f"{len(files)} files of about {ROWS} rows into a copy of {args.db.name}, {args.runs} runs in turns, medians:")
    print(f"  carevisit ingest            {load_wall:6.2f} s wall {load_cpu:6.2f} CPU-s")
    print(f"  baseline: import etl.cli    {floor_wall:6.2f} s wall {floor_cpu:6.2f} CPU-s")
    print(f"  the load beyond the floor   {load_wall - floor_wall:6.2f} s wall {load_cpu - floor_cpu:6.2f} CPU-s")
    print(f"  target: whole command <= {TARGET_S:.0f} s: {'met' if load_wall <= TARGET_S else 'NOT met'}")
    print("  command: " + " ".join(sys.argv))


if __name__ == "__main__":
    main()
