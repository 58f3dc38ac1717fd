"""Loading from the browser against the command line: the same 300,000-row visits CSV, the same warehouse.

The page's figure is the upload as a browser sends it (multipart POST /upload/files to `carevisit serve
--prod`, signed in) until the server answers with the load published; the baseline, measured in the same
run and interleaved with it, is `carevisit ingest` from process start to exit. Each run starts from a
copy of the same warehouse. Target: the page takes at most 1.5× the command line's time.

    python bench/upload.py [--db BASE.duckdb] [--rows 300000] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.server import free_port, sign_in, start  # noqa: E402
from dashboard.accounts import AccountStore, accounts_path  # noqa: E402

CAREVISIT = str(Path(sys.executable).with_name("carevisit"))
PASSWORD = "bench password 2026"
TARGET_RATIO = 1.5


def write_visits(base: Path, rows: int, target: Path) -> None:
    """`rows` home visits to the base warehouse's elders this month, none repeating another: each elder in
    turn, then the next round at another minute of the month (a prime stride spreads the rounds over it;
    a month's export holds at most its minutes as date-times)."""
    con = duckdb.connect(str(base), read_only=True)
    try:
        days = max(dt.date.today().day - 1, 1)
        con.sql("""
            with people as (
                select e.elder_id, e.elder_name, c.short_name as community, row_number() over () - 1 as n
                from elders e join place_tree c on c.code = e.community_code
            ),
            slot as (select i, i % (select count(*) from people) as n,
                            (i // (select count(*) from people)) * 7919 % (1440 * $days) as minute
                     from range($rows) r(i))
            select p.elder_id as "身份证号", p.elder_name as "老人姓名", p.community as "社区",
                strftime(date_trunc('month', current_date) + s.minute * interval 1 minute, '%Y-%m-%d %H:%M')
                    as "探访日期",
                '入户' as "探访方式", '正常' as "探访结果", '网格员' || (s.i % 97) as "探访人"
            from slot s join people p using (n)""", params={"rows": rows, "days": days}).write_csv(str(target))
    finally:
        con.close()


def time_cli(base: Path, csv: Path, folder: Path) -> float:
    db = folder / "cli.duckdb"
    shutil.copyfile(base, db)
    started = time.perf_counter()
    subprocess.run([CAREVISIT, "ingest", "--db", str(db), str(csv)], check=True, capture_output=True)
    return time.perf_counter() - started


def upload_token(session: requests.Session, base_url: str) -> str:
    """The form token the 导入 page gives the browser, from the page's content as Dash sends it."""
    answer = session.post(f"{base_url}/_dash-update-component", json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/upload"},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})
    return re.search(r'"id":\s*"upload-token",\s*"data":\s*"([^"]+)"', answer.text).group(1)


def time_page(base: Path, csv: Path, folder: Path) -> tuple[float, dict]:
    db = Path(tempfile.mkdtemp(dir=folder)) / "web.duckdb"  # with its own accounts and uploads
    shutil.copyfile(base, db)
    AccountStore(accounts_path(db)).add("bench-admin", "admin", "all", PASSWORD)
    port = free_port()
    server = start([CAREVISIT, "serve", "--prod", "--plain-http", "--port", str(port), "--db", str(db)], port)
    try:
        url = f"http://127.0.0.1:{port}"
        with requests.Session() as session:
            sign_in(session, url, "bench-admin")
            token = upload_token(session, url)
            with csv.open("rb") as body:
                started = time.perf_counter()
                answer = session.post(f"{url}/upload/files", data={"csrf_token": token},
                                      files={"files": (csv.name, body, "text/csv")},
                                      headers={"Accept": "application/json"}, timeout=600)
                elapsed = time.perf_counter() - started
        batch = answer.json()["next"].split("batch=")[1]
        record = json.loads((db.with_name("web.uploads") / batch / "results.json").read_text(encoding="utf-8"))
        return elapsed, record["results"][0]
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/upload-base.duckdb",
                        help="the warehouse each run starts from (default: the small demo, built if missing)")
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([CAREVISIT, "demo", "--scale", "small", "--db", str(args.db)], check=True, capture_output=True)
    with tempfile.TemporaryDirectory(prefix="cv-upload-") as temp:
        folder = Path(temp)
        csv = folder / f"探访记录{args.rows}行.csv"
        write_visits(args.db, args.rows, csv)
        cli, page = [], []
        for _ in range(args.runs):
            cli.append(time_cli(args.db, csv, folder))
            seconds, result = time_page(args.db, csv, folder)
            page.append(seconds)
            if result["rows_loaded"] != args.rows:
                sys.exit(f"the page loaded {result['rows_loaded']} of {args.rows} rows: {result}")
        size = csv.stat().st_size / 2**20
    cli_median, page_median = statistics.median(cli), statistics.median(page)
    ratio = page_median / cli_median
    print(f"{args.rows:,}-row visits CSV ({size:.0f} MB), {args.runs} runs each, interleaved; medians:")
    print(f"  carevisit ingest (process start to exit):        {cli_median:6.2f} s  "
          f"({args.rows / cli_median:,.0f} rows/s)  runs {', '.join(f'{s:.2f}' for s in cli)}")
    print(f"  upload page (POST /upload/files until published): {page_median:6.2f} s  "
          f"({args.rows / page_median:,.0f} rows/s)  runs {', '.join(f'{s:.2f}' for s in page)}")
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"  page / command line: {ratio:.2f}× (target ≤ {TARGET_RATIO}×): {verdict}")


if __name__ == "__main__":
    main()
