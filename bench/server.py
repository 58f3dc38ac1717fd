"""The production server, signed in: page callbacks as a district leader, a street's staff and an inspector
(the 督查 screen) through `carevisit serve --prod` (gunicorn), against the same server without sign-in,
and sign-in itself.

Both servers run as their own processes; this process is only the client, as a browser would be.
The baseline is the same gunicorn setup serving the same app to a fixed local user (no session, no
audit records), so the difference is what sign-in, the session check and the audit log cost.

    python bench/server.py [--db bench/out/district.duckdb] [--requests 60] [--roles inspector ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import queries  # noqa: E402
from dashboard.accounts import AccountError, AccountStore, accounts_path  # noqa: E402

# bench/dashboard.py holds the request builders (its name would shadow the dashboard package on import)
_spec = importlib.util.spec_from_file_location("bench_dashboard", ROOT / "bench/dashboard.py")
bench_dashboard = sys.modules["bench_dashboard"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_dashboard)

PASSWORD = "bench password 2026"
ROLES = ("leader", "staff", "inspector")
SIGN_INS = 8  # under the server's 10 sign-ins a minute per address
BASELINE_SERVER = """
import sys
from dashboard.accounts import User
from dashboard.auth import Security
from dashboard.server import Plan, run
from etl.settings import load_settings
run(Plan(load_settings(sys.argv[1]), "127.0.0.1", int(sys.argv[2]), True,
         Security(trusted_hosts=("127.0.0.1", "localhost")), User("bench", "admin", "all")))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], port: int) -> subprocess.Popen:
    # its output (gunicorn's log, a callback's traceback) kept for whoever asks why a request failed
    log = ROOT / "bench/out" / f"server-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return process
        except requests.RequestException:  # not listening yet, or still starting its workers
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"the server did not start: {' '.join(command)}")


def sign_in(session: requests.Session, base: str, username: str) -> float:
    page = session.get(f"{base}/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if found is None:
        raise RuntimeError(f"no sign-in form at {base}/login: {page.status_code} {page.text[:300]!r}")
    token = found.group(1)
    started = time.perf_counter()
    response = session.post(f"{base}/login", data={"csrf_token": token, "username": username, "password": PASSWORD,
                                                   "next": "/"}, allow_redirects=False)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {username} failed: {response.status_code}")
    return elapsed


def measure(base: str, session: requests.Session, case_list, count: int) -> dict[str, dict]:
    deps = bench_dashboard.dependencies(session, base)
    router = bench_dashboard.router_dependency(deps)
    return {case.name: bench_dashboard.measure_page(session, base, router, case, count)[0] for case in case_list}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/district.duckdb")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out")
    parser.add_argument("--roles", nargs="+", choices=ROLES, default=list(ROLES), help="whose pages to time")
    args = parser.parse_args(argv)
    if not args.db.exists():
        sys.exit(f"{args.db} is missing: `carevisit demo --db {args.db}` builds it")
    places = bench_dashboard.pick_places(queries.Warehouse(args.db))
    store = AccountStore(accounts_path(args.db))
    users = {"leader": ("bench-leader", places.top.code), "staff": ("bench-staff", places.street.code),
             "inspector": ("bench-inspector", places.top.code)}
    for role, (username, place) in users.items():
        try:
            store.add(username, role, place, PASSWORD)
        except AccountError:
            store.set_password(username, PASSWORD)
    every = {case.name: case for case in bench_dashboard.cases(places)}
    street_cases = [every[name] for name in ("overview_street", "community", "overdue_street")]
    top_cases = [every[name] for name in ("overview_top", "risk_top", "overdue_top", "data")]
    supervision_cases = [every[name] for name in ("supervision_top", "supervision_street", "supervision_street_draw")]
    by_role = {"leader": top_cases + street_cases, "staff": street_cases, "inspector": supervision_cases}

    baseline_port, signed_port = free_port(), free_port()
    baseline = start([sys.executable, "-c", BASELINE_SERVER, str(args.db), str(baseline_port)], baseline_port)
    signed = start([str(Path(sys.executable).with_name("carevisit")), "serve", "--prod", "--plain-http",
                    "--port", str(signed_port), "--db", str(args.db)], signed_port)
    results = {"requests": args.requests, "db": str(args.db), "cpu_count": os.cpu_count(), "cases": []}
    try:
        sign_in_ms = [sign_in(requests.Session(), f"http://127.0.0.1:{signed_port}", users["leader"][0])
                      for _ in range(SIGN_INS)]
        results["sign_in_ms"] = bench_dashboard.summary(sign_in_ms)
        for role, case_list in ((role, by_role[role]) for role in args.roles):
            with requests.Session() as plain, requests.Session() as session:
                base_figures = measure(f"http://127.0.0.1:{baseline_port}", plain, case_list, args.requests)
                sign_in(session, f"http://127.0.0.1:{signed_port}", users[role][0])
                signed_figures = measure(f"http://127.0.0.1:{signed_port}", session, case_list, args.requests)
            for case in case_list:
                before, after = base_figures[case.name], signed_figures[case.name]
                results["cases"].append({
                    "role": role, "case": case.name, "url": before["url"],
                    "baseline_median_ms": before["median_ms"], "baseline_p95_ms": before["p95_ms"],
                    "signed_in_median_ms": after["median_ms"], "signed_in_p95_ms": after["p95_ms"],
                    "p95_delta_ms": round(after["p95_ms"] - before["p95_ms"], 2),
                    "met": after["p95_ms"] - before["p95_ms"] <= 10.0,
                    "target_ms": before["target_ms"], "target_met": after["p95_ms"] <= before["target_ms"]})
    finally:
        for process in (baseline, signed):
            process.terminate()
            process.wait(timeout=30)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "server.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"sign-in (argon2id verify + session), n={SIGN_INS}: median {results['sign_in_ms']['median_ms']} ms, "
          f"p95 {results['sign_in_ms']['p95_ms']} ms (target ≤ 300 ms)")
    print(f"{'role':9} {'case':24} {'no sign-in med/p95':>20} {'signed in med/p95':>20} {'Δp95':>7}  ≤ +10 ms"
          f"  p95 ≤ target")
    for row in results["cases"]:
        print(f"{row['role']:9} {row['case']:24} {row['baseline_median_ms']:>9.1f} / {row['baseline_p95_ms']:<8.1f}"
              f" {row['signed_in_median_ms']:>9.1f} / {row['signed_in_p95_ms']:<8.1f} {row['p95_delta_ms']:>+7.1f}"
              f"  {'yes' if row['met'] else 'NO':8}  {'yes' if row['target_met'] else 'NO'} ({row['target_ms']:g} ms)")


if __name__ == "__main__":
    main()
