"""What a page costs the browser: Chromium's CPU and the bytes of script from navigation to the page drawn,
with plotly.js's basic bundle (assets/vendor) against the full bundle dcc.Graph fetches without it.

    python bench/page_load.py [--db bench/out/district.duckdb] [--month 2026-10] [--loads 5]

Two servers on the same warehouse in this process: the dashboard as it is, and the baseline, the same app
with an assets folder that lacks plotly_bundle.js (so dcc.Graph loads plotly's full bundle, as Dash
does by default). Each load is a fresh browser context (no cache), as a user's first visit of the day;
the pages are loaded in turns, ours then the baseline's. The CPU is every Chromium process's (psutil),
measured from before the context opens to the page's last chart or grid row drawn and the network idle.
Needs the test and bench extras (Playwright, psutil) and Debian's chromium (--chromium). Without --db the district demo
is built under bench/out/ the first time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import psutil
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
sys.path.insert(0, str(ROOT))

# a browser as a user runs it: the screenshots' flags, not the tests' (which turn V8's optimising compilers off)
from screenshots import CHROMIUM_ARGS  # noqa: E402 (bench/screenshots.py)

from dashboard import app as dashboard_app  # noqa: E402
from dashboard.accounts import User  # noqa: E402
from etl.settings import Settings, default_config_text, parse_config  # noqa: E402

# (name, path, what shows the page drawn)
PAGES = (("overview", "/?month={month}", "#overview-map .textpoint"),
         ("risk", "/risk?month={month}", "#risk-open-problems .ag-row"),
         ("work list", "/overdue?month={month}", "#overdue-people .ag-row"),
         ("data", "/data", "#data-loads .ag-row"))


def serve(settings: Settings, assets: Path) -> str:
    """The dashboard with `assets` as its assets folder, on a loopback port of its own."""
    dashboard_app.ASSETS = assets
    app = dashboard_app.create_app(settings, User("本机", "admin", "all"))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def browser_cpu() -> dict[int, float]:
    """CPU seconds so far of every process under this one (Chromium's, Playwright's driver)."""
    seconds = {}
    for process in psutil.Process().children(recursive=True):
        try:
            times = process.cpu_times()
            seconds[process.pid] = times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return seconds


def load(browser, url: str, ready: str) -> tuple[float, int, int]:
    """One page load in a fresh context: Chromium's CPU seconds, the bytes of script it ran and the bytes of
    every answer (scripts, stylesheets, callbacks) as they came over the wire (compressed)."""
    before = browser_cpu()
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    script, wire = page.evaluate("() => { const all = performance.getEntriesByType('resource');"
                                 " const sum = (list, key) => list.reduce((n, e) => n + (e[key] || 0), 0);"
                                 " const scripts = all.filter(e => e.name.split('?')[0].endsWith('.js'));"
                                 " return [sum(scripts, 'decodedBodySize'), sum(all, 'encodedBodySize')]; }")
    after = browser_cpu()  # before the context closes: its renderer ends with it
    context.close()
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items()), int(script), int(wire)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=OUT / "district.duckdb")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not args.db.exists():
        OUT.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "etl.cli", "demo", "--db", str(args.db), "--as-of", "2026-10-31",
                        "--out", str(OUT / "district-exports")], check=True, capture_output=True)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    settings = Settings(db_path=args.db, config=parse_config(default_config_text()))
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        full = Path(folder) / "assets"
        shutil.copytree(dashboard_app.ASSETS, full, ignore=shutil.ignore_patterns("plotly_bundle.js"))
        ours, baseline = serve(settings, dashboard_app.ASSETS), serve(settings, full)
        from playwright.sync_api import sync_playwright

        results = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            for name, path, ready in PAGES:
                path = path.format(month=args.month)
                load(browser, ours + path, ready)  # the servers' first answers (their queries) out of the figures
                load(browser, baseline + path, ready)
                runs = {"basic bundle": [], "full bundle": []}
                for _ in range(args.loads):
                    runs["basic bundle"].append(load(browser, ours + path, ready))
                    runs["full bundle"].append(load(browser, baseline + path, ready))
                results[name] = {kind: {"browser_cpu_seconds_median": round(statistics.median(c for c, _, _ in r), 2),
                                        "script_bytes": r[-1][1], "wire_bytes": r[-1][2]} for kind, r in runs.items()}
            browser.close()
    result = {
        "command": " ".join(sys.argv),
        "machine": {"cores": len(os.sched_getaffinity(0)), "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version()},
        "warehouse": args.db.name, "month": args.month, "loads": args.loads, "pages": results,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "page_load.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Chromium's CPU per page load, median of {args.loads} ({args.db.name}, {args.month}); script run"
          " (all answers as sent)")
    for name, kinds in results.items():
        ours_, full_ = kinds["basic bundle"], kinds["full bundle"]
        print(f"  {name:10s} {ours_['browser_cpu_seconds_median']:5.2f} s, {ours_['script_bytes'] / 2**20:4.1f} MiB"
              f" ({ours_['wire_bytes'] / 2**20:4.2f} on the wire)   baseline (full plotly.js)"
              f" {full_['browser_cpu_seconds_median']:5.2f} s, {full_['script_bytes'] / 2**20:4.1f} MiB"
              f" ({full_['wire_bytes'] / 2**20:4.2f})")
    print(f"machine: {result['machine']}")


if __name__ == "__main__":
    main()
