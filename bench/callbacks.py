"""Page callbacks through `carevisit serve --prod` from this separate client process, the server's memory,
and the pandas baseline over the raw tables in the same run.

    python bench/callbacks.py --db bench/out/district.duckdb [--requests 60] [--no-baseline]

The server (gunicorn, 2 workers × 8 threads) runs as its own process; this script signs in as a
district (or city, province) leader, an inspector and a street's staff (accounts load-leader,
load-inspector, load-staff, made or reset as bench/load.py does) and times each page's router
callback, its median, p95, response bytes and the server's CPU time a request, while the RSS of the
gunicorn master and workers is sampled. The baseline is bench/dashboard.py's: pandas over roster_rows
and visit_rows loaded once, computing the overview and the work lists per request (compute only, no
HTTP). Figures go to bench/out/callbacks-<name>.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import queries  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench/load.py")
bench_load = sys.modules["bench_load"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_load)
bench_server, bench_dashboard = bench_load.bench_server, bench_load.bench_dashboard

ROLE_CASES = {
    "leader": ("overview_top", "overview_street", "risk_top", "overdue_top", "community", "overdue_street", "data",
               "supervision_top"),
    "staff": ("overview_street", "community", "overdue_street"),
    # the 督查 screen as its user sees it (with the check list: a leader may not print one)
    "inspector": ("supervision_top", "supervision_street", "supervision_community", "supervision_street_draw"),
}
MEMORY_TARGET_BYTES = 2 * 2**30


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of the gunicorn master and its workers so far: per request, what the
    server spends whatever else loads the machine."""
    tree = [bench_load.psutil.Process(pid)]
    tree += tree[0].children(recursive=True)
    return sum(t.user + t.system for t in (p.cpu_times() for p in tree))


def supervision_cases(places) -> list:
    """督查 cases beside bench/dashboard.py's: a community's (its leads and no ranking below it)."""
    community = places.community.code
    return [bench_dashboard.Case("supervision_community", "supervision", "/supervision", {"place": community},
                                 "signal-daily_home_visits", f"督查 of community {community}: its leads with evidence")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/district.duckdb")
    parser.add_argument("--name", help="names the output (default: the warehouse's file name)")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--no-baseline", action="store_true", help="skip pandas (it loads the raw tables in memory)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out")
    parser.add_argument("--roles", help="comma-separated roles to sign in as (default: all: "
                        + ", ".join(ROLE_CASES) + ")")
    args = parser.parse_args(argv)
    roles = {role: ROLE_CASES[role] for role in (args.roles.split(",") if args.roles else ROLE_CASES)}
    name = args.name or args.db.stem
    wh = queries.Warehouse(args.db)
    places = bench_dashboard.pick_places(wh)
    bench_load.ensure_accounts(args.db, places, roles)
    port = bench_server.free_port()
    base = f"http://127.0.0.1:{port}"
    server = bench_server.start([str(Path(sys.executable).with_name("carevisit")), "serve", "--prod", "--plain-http",
                                 "--port", str(port), "--db", str(args.db)], port)
    memory = bench_load.MemoryWatch(server.pid)
    every = {case.name: case for case in [*bench_dashboard.cases(places), *supervision_cases(places)]}
    results = []
    try:
        for role, case_names in roles.items():
            with requests.Session() as session:
                bench_server.sign_in(session, base, f"load-{role}")
                router = bench_dashboard.router_dependency(bench_dashboard.dependencies(session, base))
                for case_name in case_names:
                    cpu = server_cpu_seconds(server.pid)
                    figure, _ = bench_dashboard.measure_page(session, base, router, every[case_name], args.requests)
                    sent = 1 + bench_dashboard.WARMUPS + args.requests
                    figure["server_cpu_ms"] = round((server_cpu_seconds(server.pid) - cpu) / sent * 1000, 1)
                    results.append({"role": role, **figure, "met": figure["p95_ms"] <= figure["target_ms"]})
    finally:
        peak = memory.stop()
        server.terminate()
        server.wait(timeout=60)
    run = {"db": str(args.db), "requests": args.requests, "cpu_count": os.cpu_count(),
           "load_average": [round(x, 2) for x in os.getloadavg()], "cases": results,
           "server_peak_rss_bytes": peak, "memory_target_bytes": MEMORY_TARGET_BYTES}
    if not args.no_baseline:
        baseline = bench_dashboard.measure_baseline(wh, places, max(args.requests // 4, 5))
        leader = [r for r in results if r["role"] == "leader"]
        run["baseline"] = {"load": baseline.load, "cases": baseline.cases,
                           "speedups": bench_dashboard.speedups(leader, baseline.cases)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"callbacks-{name}.json").write_text(json.dumps(run, ensure_ascii=False, indent=1))
    print(f"{name}: {args.requests} requests a case, {os.cpu_count()} cores, load average {run['load_average']}")
    print(f"{'role':9} {'case':23} {'median':>8} {'p95':>8} {'bytes':>9} {'server CPU':>10} {'target':>7}")
    for r in results:
        print(f"{r['role']:9} {r['case']:23} {r['median_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['response_bytes']:>9,}"
              f" {r['server_cpu_ms']:>10.1f} {r['target_ms']:>7.0f} {'yes' if r['met'] else 'NO'}")
    print("server CPU: ms a request (gunicorn master and workers, user + system), over each case's requests"
          " including its first view and warm-ups")
    print(f"server peak memory (gunicorn master + 2 workers, RSS): {peak / 2**20:,.0f} MiB (target ≤ 2 GiB)")
    for s in run.get("baseline", {}).get("speedups", []):
        print(f"pandas baseline {s['case']:16} {s['baseline_median_ms']:>8.1f} / {s['baseline_p95_ms']:.1f} ms:"
              f" ours {s['speedup_median']}× faster (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
