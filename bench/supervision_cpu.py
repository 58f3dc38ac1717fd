"""The 督查 screen's layouts built in-process as an inspector: CPU time per page (DuckDB's threads included)
and wall time, with the JSON size. CPU time stays meaningful on a busy shared machine, where the wall
time of bench/server.py mostly measures the other work.

    python bench/supervision_cpu.py --db /tmp/city.duckdb [--street 120101003000] [--community 120101003001]
        [--month 2026-10] [--runs 8] [--cold]

Warm (the default): the page's sections are kept per warehouse file after the first view, as in a serving
process. --cold forgets every kept answer before each run: the first view after a load, or a new draw.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

# Run as `python bench/supervision_cpu.py`, bench/ comes first on sys.path and bench/dashboard.py would
# shadow the dashboard package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dash  # noqa: E402
import plotly.utils  # noqa: E402

from dashboard.accounts import User  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from etl.settings import load_settings  # noqa: E402

WARMUPS = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--street", default="120101003000", help="a street of the warehouse (五大道)")
    parser.add_argument("--community", default="120101003001", help="a community of the warehouse (五大道's first)")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--cold", action="store_true", help="forget the kept answers before each run")
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    app = create_app(load_settings(args.db), User("bench-inspector", "inspector", "all"))
    page = sys.modules[next(p["module"] for p in dash.page_registry.values() if p["path"] == "/supervision")]
    warehouse = app.server.config["CAREVISIT_WAREHOUSE"]
    cases = {"top": {}, "street": {"place": args.street}, "community": {"place": args.community},
             "street_draw_3": {"place": args.street, "sample": "3", "seed": "1"}}
    print(f"{'page':14} {'JSON':>9}  {'CPU median':>10}  {'CPU max':>8}  {'wall median':>11}")
    for name, query in cases.items():
        figures = []
        for run in range(WARMUPS + args.runs):
            if args.cold:
                warehouse.forget()
            with app.server.test_request_context("/supervision"):
                wall, cpu = time.perf_counter(), time.process_time()
                body = json.dumps(page.layout(month=args.month, **query), cls=plotly.utils.PlotlyJSONEncoder)
                if run >= WARMUPS:
                    figures.append(((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000))
        cpu_ms = [f[0] for f in figures]
        print(f"{name:14} {len(body):>9,}  {statistics.median(cpu_ms):>7.1f} ms  {max(cpu_ms):>5.1f} ms  "
              f"{statistics.median(f[1] for f in figures):>8.1f} ms")


if __name__ == "__main__":
    main()
