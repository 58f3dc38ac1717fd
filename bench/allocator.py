"""A load with jemalloc in place of the C library's malloc (LD_PRELOAD), against the same load without it.

DuckDB plans and runs every staging and mart statement with many small allocations: for a small file most of a
statement's time is setting up its expressions' states, not reading rows, and glibc's malloc and free were a fifth
of it (perf, 2026-12-06). Debian's libjemalloc2 preloaded makes the same work cheaper without a line of ours
changing. The command measured is `carevisit demo --scale small` (exports written, 16 files loaded, every mart built)
into a new folder each run; the baseline is the same command without the preload, in turns with it. `make test`
preloads it where the machine has it, and the README shows how a service does.

    python bench/allocator.py [--runs 5] [--jemalloc /usr/lib/x86_64-linux-gnu/libjemalloc.so.2]
"""

from __future__ import annotations

import argparse
import glob
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.memory import waited  # noqa: E402

CAREVISIT = str(Path(sys.executable).with_name("carevisit"))
SEARCHED = ("/usr/lib/*-linux-gnu/libjemalloc.so.2", "/usr/lib64/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2")


def found_jemalloc() -> str | None:
    return next((path for pattern in SEARCHED for path in sorted(glob.glob(pattern))), None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jemalloc", default=found_jemalloc(), help="the library to preload (default: Debian's)")
    args = parser.parse_args(argv)
    if not args.jemalloc or not Path(args.jemalloc).exists():
        sys.exit("no libjemalloc.so.2 on this machine: apt-get install libjemalloc2, or give --jemalloc PATH")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")
    runs: dict[str, list[tuple[float, float, int]]] = {"jemalloc": [], "baseline": []}
    with tempfile.TemporaryDirectory(prefix="cv-allocator-") as temp:
        for n in range(args.runs):  # in turns, so a busy moment of the machine falls on both
            for name, preload in (("jemalloc", args.jemalloc), ("baseline", "")):
                folder = Path(temp) / f"{name}-{n}"
                command = ["env", f"LD_PRELOAD={preload}", CAREVISIT, "demo", "--scale", "small",
                           "--db", str(folder / "w.duckdb"), "--out", str(folder / "exports")]
                seconds, usage = waited(command)
                runs[name].append((seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024))
    print(f"carevisit demo --scale small, {args.runs} runs each in turns, medians:")
    for name, label in (("jemalloc", f"LD_PRELOAD={args.jemalloc}"), ("baseline", "baseline: glibc malloc")):
        wall, cpu, peak = (statistics.median(run[i] for run in runs[name]) for i in range(3))
        print(f"  {label:60s} {wall:6.2f} s wall {cpu:6.2f} CPU-s  peak RSS {peak / 2**20:5.0f} MiB")
    ratio = statistics.median(r[1] for r in runs["jemalloc"]) / statistics.median(r[1] for r in runs["baseline"])
    print(f"  CPU with jemalloc: {ratio:.2f} of the baseline's")
    print("  command: " + " ".join(sys.argv))


if __name__ == "__main__":
    main()
