"""The monthly 通报 with its charts against the target (≤ 15 s), beside the same figures through `carevisit metrics`.

    python bench/bulletin.py [--db bench/out/district.duckdb] [--month 2026-10] [--runs 3]

Each run is a fresh `carevisit` process, as a clerk would start it: the bulletin (marts read, summary
written, map and trend drawn by the system Chromium, Word written), and, in turns with it, the
baseline `carevisit metrics --level street --format json` for the same month (the same marts, no
document, no charts). Without --db the district demo is built under bench/out/ the first time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
TARGET_SECONDS = 15.0


def carevisit(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "etl.cli", *args], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=OUT / "district.duckdb")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        OUT.mkdir(exist_ok=True)
        carevisit("demo", "--db", str(args.db), "--as-of", "2026-10-31", "--out", str(OUT / "district-exports"))
    load_before = os.getloadavg()
    bulletin_times, metrics_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "通报.docx"
        for _ in range(args.runs):
            metrics_times.append(carevisit("metrics", "--month", args.month, "--level", "street", "--format", "json",
                                           "--db", str(args.db)))
            bulletin_times.append(carevisit("report", "bulletin", "--month", args.month, "--db", str(args.db),
                                            "--out", str(out)))
        size = out.stat().st_size
    result = {
        "command": " ".join(sys.argv),
        "machine": {"cores": len(os.sched_getaffinity(0)), "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version()},
        "month": args.month,
        "bulletin_seconds": [round(t, 2) for t in bulletin_times],
        "metrics_seconds": [round(t, 2) for t in metrics_times],
        "bulletin_median": round(statistics.median(bulletin_times), 2),
        "metrics_median": round(statistics.median(metrics_times), 2),
        "bulletin_bytes": size,
        "target_seconds": TARGET_SECONDS,
    }
    result["met"] = result["bulletin_median"] <= TARGET_SECONDS
    OUT.mkdir(exist_ok=True)
    (OUT / "bulletin.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"通报 with charts ({args.db.name}, {args.month}): median {result['bulletin_median']:.2f} s "
          f"{result['bulletin_seconds']} (target ≤ {TARGET_SECONDS:.0f} s: {'met' if result['met'] else 'NOT met'}), "
          f"{size / 1024:.0f} KiB")
    print(f"the same figures through carevisit metrics: median {result['metrics_median']:.2f} s "
          f"{result['metrics_seconds']}")
    print(f"machine: {result['machine']}")


if __name__ == "__main__":
    main()
