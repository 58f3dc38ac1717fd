"""Screenshots of every screen at desktop and phone size, for review and for the README."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

# Run as `python bench/screenshots.py`, bench/ comes first on sys.path and bench/dashboard.py would
# shadow the dashboard package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402 - after the path fix above
from werkzeug.serving import make_server  # noqa: E402

from dashboard.accounts import User  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from etl.settings import load_settings  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking"]
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


def screens(month: str) -> dict[str, tuple[str, str]]:
    """name -> (path with query, selector that shows the page is ready)"""
    return {
        "overview": (f"/?month={month}", "#overview-map canvas"),
        "drilldown-street": (f"/?month={month}&place=120101003000", "#overview-map canvas"),
        "community": (f"/community?month={month}&place=120101003009", "#community-people .ag-row"),
        "overdue": (f"/overdue?month={month}", "#overdue-people .ag-row"),
        "risk": (f"/risk?month={month}", "#risk-open-problems .ag-row"),
        "data": ("/data", "#data-loads .ag-row"),
        "reports": (f"/reports?month={month}", "#reports-table"),
        "overview-en": (f"/?month={month}&lang=en", "#overview-map canvas"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="warehouse (default: $CAREVISIT_DB or data/warehouse.duckdb)")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--out", type=Path, default=Path("bench/out/screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_app(load_settings(args.db), User("本机", "admin", "all"))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            for name, (path, ready) in screens(args.month).items():
                page.goto(base + path)
                page.wait_for_selector(ready, timeout=30_000)
                page.wait_for_timeout(1500)  # let MapLibre finish painting
                page.screenshot(path=args.out / f"{name}-{size}.png", full_page=True)
            page.close()
        browser.close()
    server.shutdown()
    print(f"screenshots written to {args.out}")


if __name__ == "__main__":
    main()
