"""Screenshots of every screen at desktop and phone size, and the first page of each report as printed,
for review and for the README."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

# Run as `python bench/screenshots.py`, bench/ comes first on sys.path and bench/dashboard.py would
# shadow the dashboard package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402 - after the path fix above
from werkzeug.serving import make_server  # noqa: E402

from dashboard.accounts import User  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from etl.cli import main as carevisit  # noqa: E402
from etl.settings import load_settings  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking"]
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


def screens(month: str) -> dict[str, tuple[str, str]]:
    """name -> (path with query, selector that shows the page is ready)"""
    return {
        "overview": (f"/?month={month}", "#overview-map .textpoint"),
        "drilldown-street": (f"/?month={month}&place=120101003000", "#overview-map .textpoint"),
        "community": (f"/community?month={month}&place=120101003009", "#community-people .ag-row"),
        "overdue": (f"/overdue?month={month}", "#overdue-people .ag-row"),
        "risk": (f"/risk?month={month}", "#risk-open-problems .ag-row"),
        "data": ("/data", "#data-loads .ag-row"),
        "reports": (f"/reports?month={month}", "#reports-table"),
        "supervision": (f"/supervision?month={month}", "#supervision-lagging-street"),
        "overview-en": (f"/?month={month}&lang=en", "#overview-map .textpoint"),
    }


@dataclass(frozen=True)
class Printed:
    """A report as the bureau prints it: one page of its PDF, the part of the page with the table."""

    arguments: list[str]  # of `carevisit`, its --db and --out added
    suffix: str
    page: int = 1
    dpi: int = 80
    rows: tuple[float, float] = (0.0, 1.0)  # the band of the page's height shown


def reports(month: str, street: str) -> dict[str, Printed]:
    return {
        # the whole district's table on one A3 landscape page: its band at a resolution that can be read
        "report-monthly": Printed(["report", "monthly", "--month", month], "xlsx", dpi=160, rows=(0.06, 0.3)),
        "report-bulletin": Printed(["report", "bulletin", "--month", month], "docx"),
        # page 1 lists the communities drawn; page 2 the first community's elders to verify
        "report-checklist": Printed(["report", "checklist", "--month", month, "--place", street, "--sample", "2",
                                     "--seed", "1"], "xlsx", page=2, dpi=110, rows=(0.08, 0.8)),
    }


def print_pages(db: str, month: str, street: str, out: Path, names: list[str] | None) -> None:
    """Each report written by the CLI, printed by LibreOffice (headless) to PDF, a page as PNG."""
    with tempfile.TemporaryDirectory() as work:
        for name, printed in reports(month, street).items():
            if names and name not in names:
                continue
            document = Path(work) / f"{name}.{printed.suffix}"
            if carevisit([*printed.arguments, "--db", db, "--out", str(document)]) != 0:
                raise SystemExit(f"carevisit {' '.join(printed.arguments)} failed")
            subprocess.run([shutil.which("soffice") or "soffice", "--headless", "--convert-to", "pdf",
                            "--outdir", work, str(document)], check=True, capture_output=True, timeout=180)
            pdf = document.with_suffix(".pdf")
            width, height = (round(float(x) / 72 * printed.dpi) for x in re.search(
                r"Page size:\s+([\d.]+) x ([\d.]+)", subprocess.run(["pdfinfo", str(pdf)], check=True,
                                                                    capture_output=True, text=True).stdout).groups())
            top, bottom = (round(height * share) for share in printed.rows)
            subprocess.run(["pdftoppm", "-png", "-r", str(printed.dpi), "-f", str(printed.page), "-l",
                            str(printed.page), "-x", "0", "-y", str(top), "-W", str(width), "-H", str(bottom - top),
                            "-singlefile", str(pdf), str(out / name)], check=True, timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="warehouse (default: $CAREVISIT_DB or data/warehouse.duckdb)")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--out", type=Path, default=Path("bench/out/screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--street", default="120101005000", help="the street of the check list (南营门)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="just these screens or reports (overview, report-monthly …)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    settings = load_settings(args.db)
    print_pages(str(settings.db_path), args.month, args.street, args.out, args.only)
    chosen = {name: view for name, view in screens(args.month).items() if not args.only or name in args.only}
    if chosen:
        take_screenshots(settings, chosen, args.out, args.chromium)
    print(f"screenshots written to {args.out}")


def take_screenshots(settings, chosen: dict[str, tuple[str, str]], out: Path, chromium: str) -> None:
    app = create_app(settings, User("本机", "admin", "all"))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            for name, (path, ready) in chosen.items():
                page.goto(base + path)
                page.wait_for_selector(ready, timeout=30_000)
                page.wait_for_timeout(1000)  # let the charts finish drawing
                page.screenshot(path=out / f"{name}-{size}.png", full_page=True)
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
