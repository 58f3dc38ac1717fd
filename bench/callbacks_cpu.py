"""Each page's router callback in-process, through Flask's test client: CPU time per request (DuckDB's
threads included) and wall time, with the response size; optionally a cProfile of one case.

    python bench/callbacks_cpu.py --db /tmp/district.duckdb [--runs 20] [--role leader] [--cold]
        [--profile overview_top]

The request is the one bench/callbacks.py sends over HTTP (the renderer's POST to /_dash-update-component),
as a local user of the role at the warehouse's top (staff: at the street), so everything but the socket
and gunicorn is measured: Flask, the sign-in check, Dash's dispatch, the queries, the figures, the JSON.
CPU time stays meaningful on a busy shared machine, where wall time mostly measures the other work.
`--cold` drops the answers the dashboard keeps per warehouse file before each request, as after a load.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

# Run as `python bench/callbacks_cpu.py`, bench/ comes first on sys.path and bench/dashboard.py would
# shadow the dashboard package.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import importlib.util  # noqa: E402

from dashboard import queries  # noqa: E402
from dashboard.accounts import User  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from etl.settings import load_settings  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_dashboard", ROOT / "bench/dashboard.py")
bench_dashboard = sys.modules["bench_dashboard"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_dashboard)

WARMUPS = 3
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--role", default="leader")
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--cold", action="store_true", help="forget kept answers before each request")
    parser.add_argument("--profile", help="a case to profile with cProfile (its top functions are printed)")
    parser.add_argument("--profile-out", type=Path, help="where to write the profile's stats")
    args = parser.parse_args(argv)
    places = bench_dashboard.pick_places(queries.Warehouse(args.db))
    place = places.street.code if args.role == "staff" else places.top.code
    app = create_app(load_settings(args.db), User(f"bench-{args.role}", args.role, place))
    warehouse = app.server.config["CAREVISIT_WAREHOUSE"]
    client = app.server.test_client()
    client.get("/").close()
    deps = client.get("/_dash-dependencies").get_json()
    router = bench_dashboard.router_dependency(deps)
    wanted = set(args.cases.split(",")) if args.cases else None
    print(f"{'case':24} {'bytes':>9}  {'CPU median':>10}  {'CPU p95':>8}  {'wall median':>11}  {'wall p95':>8}")
    for case in bench_dashboard.cases(places):
        if wanted is not None and case.name not in wanted:
            continue
        body = json.dumps(bench_dashboard.router_body(router, case.path, case.query))

        def send(body=body) -> bytes:
            if args.cold:
                warehouse.forget()
            response = client.post("/_dash-update-component", data=body, headers=JSON_HEADERS)
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)[:200]}")
            return response.get_data()

        for _ in range(WARMUPS):
            size = len(send())
        cpu_ms, wall_ms = [], []
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            send()
            cpu_ms.append((time.process_time() - cpu) * 1000)
            wall_ms.append((time.perf_counter() - wall) * 1000)
        print(f"{case.name:24} {size:>9,}  {statistics.median(cpu_ms):>7.1f} ms  {_p95(cpu_ms):>5.1f} ms  "
              f"{statistics.median(wall_ms):>8.1f} ms  {_p95(wall_ms):>5.1f} ms")
        if case.name == args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.runs):
                send()
            profiler.disable()
            if args.profile_out:
                profiler.dump_stats(args.profile_out)
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(45)
    return 0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(-(-95 * len(ordered) // 100) - 1, 0)]


if __name__ == "__main__":
    sys.exit(main())
