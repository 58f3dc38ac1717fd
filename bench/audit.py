"""What one audit record costs: `AccountStore.record` timed over 1,000 records, wall clock and CPU.

The accounts database is made in a folder on the disk given (default: bench/out/, beside the other
benchmarks' warehouses, on the same disk a bureau's warehouse would be), never in /dev/shm: the cost
measured is the disk's. To compare two versions of the code, run it from each checkout in turns:

    python bench/audit.py [--records 1000] [--runs 3] [--folder bench/out]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.accounts import AccountStore, User  # noqa: E402


def run(folder: Path, records: int) -> tuple[float, float]:
    """Seconds of wall clock and of CPU per record, for `records` records in a fresh accounts database."""
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        store = AccountStore(Path(scratch) / "bench.accounts.sqlite")
        user = User("bench-staff", "staff", "120101001000")
        store.record("view", user, place="120101001000", detail={"table": "people"})  # the connection opened
        wall, cpu = time.perf_counter(), time.process_time()
        for n in range(records):
            store.record("view", user, place="120101001000", detail={"table": "people", "n": n}, row_count=n,
                         remote_addr="127.0.0.1")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert len(store.events()) == records + 1
    return wall / records, cpu / records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=ROOT / "bench/out")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    results = [run(args.folder, args.records) for _ in range(args.runs)]
    walls = [w * 1000 for w, _ in results]
    cpus = [c * 1000 for _, c in results]
    print(f"{args.records} records x {args.runs} runs from {ROOT}: per record "
          f"wall median {statistics.median(walls):.3f} ms (runs {', '.join(f'{w:.3f}' for w in walls)}), "
          f"CPU median {statistics.median(cpus):.3f} ms")


if __name__ == "__main__":
    main()
