"""Load test: Locust users of four roles against `carevisit serve --prod`, optionally while a month's files load.

    python bench/load.py --db bench/out/district.duckdb --users 50 --duration 300
    python bench/load.py --db BASE.duckdb --users 50 --duration 300 --publish EXPORTS/*2026年11月*

The server (gunicorn) and Locust (headless, loopback) run as processes of their own; this script signs
in once per role (leader, staff, inspector, analyst; accounts load-<role> are made or reset in the
warehouse's accounts file), captures the callback requests each role's pages send, then lets Locust
replay them for the given users and duration, a few seconds of reading between pages. With --publish,
the warehouse is copied first (the given one is left as it was) and `carevisit ingest` loads the files
from another process halfway through; the run then also checks that the ingest succeeded and that the
server answers with the new figures afterwards. Figures (Locust's per-request statistics, the server's
peak memory: RSS of the gunicorn master and workers) go to bench/out/load.json.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import queries  # noqa: E402
from dashboard.accounts import AccountError, AccountStore, accounts_path  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_server", ROOT / "bench/server.py")
bench_server = sys.modules["bench_server"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_server)
bench_dashboard = sys.modules["bench_dashboard"]

P95_TARGET_MS = 500.0
# role -> (how many of the users have it, the pages they open); places as in `carevisit demo`: staff at
# a street (bench/dashboard.py's 五大道 when present), everyone else at the top
ROLES = {
    "leader": (2, ("overview_top", "overview_street", "risk_top", "overdue_top", "supervision_top")),
    "staff": (4, ("overview_street", "community", "overdue_street")),
    "inspector": (1, ("supervision_top", "supervision_street_draw", "overdue_top")),
    "analyst": (1, ("overview_top", "risk_top", "data")),
}


def ensure_accounts(db: Path, places, roles) -> None:
    """An account load-<role> per role, made or given the benchmark's password: staff at the street,
    everyone else at the top."""
    store = AccountStore(accounts_path(db))
    for role in roles:
        place = places.street.code if role == "staff" else places.top.code
        try:
            store.add(f"load-{role}", role, place, bench_server.PASSWORD)
        except AccountError:
            store.set_password(f"load-{role}", bench_server.PASSWORD)


def capture(base: str, username: str, case_names: tuple[str, ...], places) -> tuple[dict, list[dict]]:
    """Signs in as the user and sends each page's router callback once, as the browser would: the
    session cookies and the request bodies, checked to render the page (and the risk page's second
    callback, which its layout triggers)."""
    every = {case.name: case for case in bench_dashboard.cases(places)}
    with requests.Session() as session:
        bench_server.sign_in(session, base, username)
        deps = bench_dashboard.dependencies(session, base)
        router = bench_dashboard.router_dependency(deps)
        captured = []
        for name in case_names:
            case = every[name]
            body = bench_dashboard.router_body(router, case.path, case.query)
            _, response = bench_dashboard.post(session, f"{base}/_dash-update-component", json.dumps(body).encode())
            layout = bench_dashboard.page_layout(response.json(), router)
            if bench_dashboard.find(layout, case.expect) is None:
                raise RuntimeError(f"{username}: {bench_dashboard.url_of(case)} did not render {case.expect}")
            captured.append({"name": name, "body": body})
            spec = bench_dashboard.find(layout, bench_dashboard.RISK_PROBLEMS_SPEC)
            if spec is not None:
                dep = next(d for d in deps if d["output"] == bench_dashboard.RISK_PROBLEMS_OUTPUT)
                captured.append({"name": "risk_open_problems", "body": bench_dashboard.store_callback_body(
                    dep, bench_dashboard.RISK_PROBLEMS_SPEC, spec["props"]["data"])})
        return dict(session.cookies.get_dict()), captured


def texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for item in node for text in texts(item)]
    if isinstance(node, dict):
        return texts(node.get("props", {}).get("children"))
    return []


def overview_figures(base: str, cookies: dict, body: dict) -> str:
    """The overview's first KPI card (月探访率, its counts) as the server answers now."""
    response = requests.post(f"{base}/_dash-update-component", json=body, cookies=cookies, timeout=60)
    response.raise_for_status()
    cards = [c for c in bench_dashboard.components(response.json()) if str(c["props"].get("id", "")).startswith("kpi-")]
    if not cards:
        raise RuntimeError("the overview has no KPI card")
    return " ".join(texts(cards[0]))


class MemoryWatch:
    """Peak RSS of a process and its children (gunicorn's master and workers), sampled every 0.5 s."""

    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.peak = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped.wait(0.5):
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:  # a worker that just exited
                continue

    def stop(self) -> int:
        self.stopped.set()
        self.thread.join()
        return self.peak


def publish(db: Path, files: list[Path], delay: float, outcome: dict) -> None:
    """`carevisit ingest` of the files from a process of its own, after `delay` seconds."""
    time.sleep(delay)
    started = time.monotonic()
    command = [str(Path(sys.executable).with_name("carevisit")), "ingest", *map(str, files), "--db", str(db)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    outcome.update({"exit_code": done.returncode, "seconds": round(time.monotonic() - started, 1),
                    "started_after_s": delay, "last_line": (done.stdout.strip().splitlines() or [""])[-1]})


def locust_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return [{"name": row["Name"], "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                 "median_ms": float(row["Median Response Time"]), "p95_ms": float(row["95%"]),
                 "max_ms": float(row["Max Response Time"]), "rps": round(float(row["Requests/s"]), 2),
                 "avg_bytes": round(float(row["Average Content Size"]))}
                for row in csv.DictReader(handle)]


def locust_failures(prefix: Path) -> list[dict]:
    with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
        return [{"name": row["Name"], "error": row["Error"][:300], "occurrences": int(row["Occurrences"])}
                for row in csv.DictReader(handle)]


def run(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="carevisit-load-"))
    db = args.db
    if args.publish:  # the given warehouse stays as it was: the month loads into a copy
        db = work / args.db.name
        shutil.copyfile(args.db, db)
        if accounts_path(args.db).exists():
            shutil.copyfile(accounts_path(args.db), accounts_path(db))
    places = bench_dashboard.pick_places(queries.Warehouse(db))
    ensure_accounts(db, places, ROLES)
    port = bench_server.free_port()
    base = f"http://127.0.0.1:{port}"
    server = bench_server.start([str(Path(sys.executable).with_name("carevisit")), "serve", "--prod", "--plain-http",
                                 "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads),
                                 "--db", str(db)], port)
    memory = MemoryWatch(server.pid)
    outcome: dict = {}
    try:
        plan = {"wait_seconds": args.wait, "roles": {}}
        for role, (weight, case_names) in ROLES.items():
            cookies, captured = capture(base, f"load-{role}", case_names, places)
            plan["roles"][role] = {"weight": weight, "cookies": cookies, "requests": captured}
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        overview = next(r["body"] for r in plan["roles"]["leader"]["requests"] if r["name"] == "overview_top")
        leader_cookies = plan["roles"]["leader"]["cookies"]
        before = overview_figures(base, leader_cookies, overview)
        publisher = None
        if args.publish:
            publisher = threading.Thread(target=publish, args=(db, args.publish, args.duration / 2, outcome))
            publisher.start()
        load_before = os.getloadavg()
        prefix = work / "locust"
        started = time.monotonic()
        locust = subprocess.run(
            [str(Path(sys.executable).with_name("locust")), "-f", str(ROOT / "bench/locustfile.py"), "--headless",
             "--host", base, "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
             "--run-time", f"{args.duration}s", "--stop-timeout", "30", "--csv", str(prefix), "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "CAREVISIT_LOAD_PLAN": str(plan_path)}, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        if publisher:
            publisher.join()
        after = overview_figures(base, leader_cookies, overview)
        stats, failures = locust_stats(prefix), locust_failures(prefix)
    finally:
        peak = memory.stop()
        server.terminate()
        server.wait(timeout=60)
    total = next(row for row in stats if row["name"] == "Aggregated")
    result = {
        "db": str(args.db), "users": args.users, "duration_s": args.duration, "wait_seconds": args.wait,
        "workers": args.workers, "threads": args.threads, "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before], "load_average_after":
        [round(x, 2) for x in os.getloadavg()], "python": platform.python_version(), "elapsed_s": round(elapsed, 1),
        "locust_exit_code": locust.returncode, "requests": stats, "total": total, "failures": failures,
        "server_peak_rss_bytes": peak, "p95_target_ms": P95_TARGET_MS,
        "met": total["failures"] == 0 and total["p95_ms"] <= P95_TARGET_MS and total["requests"] > 0,
    }
    if args.publish:
        result["publish"] = outcome | {"files": len(args.publish), "figures_changed": before != after,
                                       "kpi_before": before, "kpi_after": after}
        result["met"] = result["met"] and outcome.get("exit_code") == 0 and before != after
    if locust.returncode not in (0, 1):  # 1: Locust saw failed requests (counted above)
        result["met"] = False
        result["locust_error"] = locust.stderr[-2000:]
    shutil.rmtree(work, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/district.duckdb")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=300, help="seconds")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started a second")
    parser.add_argument("--wait", type=float, nargs=2, default=(1.0, 5.0), metavar=("MIN", "MAX"),
                        help="seconds a user reads a page before the next (default 1 5)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--publish", type=Path, nargs="+", help="files `carevisit ingest` loads halfway through")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out/load.json")
    args = parser.parse_args(argv)
    if not args.db.exists():
        sys.exit(f"{args.db} is missing: `carevisit demo --db {args.db}` builds it")
    result = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"{args.users} users, {args.duration} s, wait {args.wait[0]:g}–{args.wait[1]:g} s, gunicorn "
          f"{args.workers} × {args.threads}, {os.cpu_count()} cores, load average {result['load_average_before']}"
          f" → {result['load_average_after']}")
    print(f"{'request':36} {'n':>6} {'fail':>5} {'median':>7} {'p95':>7} {'max':>7} {'bytes':>9}")
    for row in result["requests"]:
        print(f"{row['name'][:36]:36} {row['requests']:>6} {row['failures']:>5} {row['median_ms']:>7.0f}"
              f" {row['p95_ms']:>7.0f} {row['max_ms']:>7.0f} {row['avg_bytes']:>9}")
    for failure in result["failures"]:
        print(f"failed: {failure['name']}: {failure['error']} ({failure['occurrences']}×)")
    print(f"server peak memory (gunicorn master + workers, RSS): {result['server_peak_rss_bytes'] / 2**20:,.0f} MiB")
    if "publish" in result:
        p = result["publish"]
        print(f"published {p['files']} files from {p.get('started_after_s')} s: carevisit ingest exit "
              f"{p.get('exit_code')} in {p.get('seconds')} s; the overview's first card changed: {p['figures_changed']}"
              f" ({p['kpi_before']} → {p['kpi_after']})")
    total = result["total"]
    print(f"p95 {total['p95_ms']:.0f} ms (target ≤ {P95_TARGET_MS:.0f}), failures {total['failures']} (target 0)"
          f": {'met' if result['met'] else 'NOT met'}")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
