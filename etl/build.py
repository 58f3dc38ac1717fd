"""The marts built from the stored rows, the checks that must pass before a swap, one month at another as-of date."""

from __future__ import annotations

import functools
import hashlib

import duckdb

from etl.sqlfiles import prepare, sql

# Built in this order after every load; views are cheap to keep, tables are what readers query.
MARTS: tuple[tuple[str, str], ...] = (
    ("place_tree", "table"),
    ("current_snapshots", "table"),
    ("roster_snapshots", "table"),
    ("roster_listings", "view"),
    ("elder_periods", "table"),
    ("elders", "table"),
    ("elder_name_keys", "table"),
    ("visits", "view"),
    ("problems", "table"),
    ("designated_contacts", "table"),
    ("month_frame", "table"),
    ("elder_months", "table"),
    ("elder_contact_months", "table"),
    ("place_months", "table"),
    ("category_months", "table"),
    ("risk_months", "table"),
    ("elder_changes", "table"),
    ("place_changes", "table"),
    ("street_freshness", "table"),
    ("roster_findings", "table"),
    ("roster_alerts", "table"),
    ("load_places", "table"),
    ("load_history", "view"),
    ("rejected_rows", "view"),
    ("visit_signals", "table"),
)
# The marts that depend on the month frame: recomputed for a month at another as-of date.
MONTH_MARTS = ("elder_months", "elder_contact_months", "place_months", "category_months", "risk_months",
               "elder_changes", "place_changes")
# Built from every stored month of the month marts: not without them (build_marts(months=False)).
WHOLE_HISTORY_MARTS = ("visit_signals",)
CHECKS = ("load_conservation", "rates_in_range", "rollup_consistency", "elder_month_unique", "change_balance")


@functools.cache
def marts_version() -> str:
    """What the marts are built by: a digest of the macros, the marts' and the checks' SQL. A warehouse
    whose marts another version of CareVisit built is rebuilt before it is read (warehouse.refresh)."""
    texts = [sql("macros"), *(sql(f"marts/{name}") for name, _ in MARTS), *(sql(f"checks/{c}") for c in CHECKS)]
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]


def build_marts(con: duckdb.DuckDBPyConnection, *, months: bool = True) -> None:
    """Rebuild every mart from the stored rows; without the month marts for a caller that then
    computes one month with build_month."""
    for name, kind in MARTS:
        if months or name not in (*MONTH_MARTS, *WHOLE_HISTORY_MARTS):
            con.execute(f"create or replace {kind} {name} as {sql(f'marts/{name}')}")
    if months:
        con.execute("insert or replace into settings values ('marts_version', $v)", {"v": marts_version()})


def build_month(con: duckdb.DuckDBPyConnection, month_start, as_of, schema: str | None = None) -> None:
    """The month marts for one month at any as-of date, shadowing the stored ones: as temp tables,
    or in `schema` (an attached in-memory database that comes first on the search path). The month
    before is computed beside it, whole, so that what changed since then can be told.

    Works on a read-only warehouse: both live in memory.
    """
    def target(name: str) -> str:
        return f"temp table {name}" if schema is None else f"table {schema}.{name}"

    con.execute(
        f"""create or replace {target('month_frame')} as
        select strftime(m, '%Y-%m') as month, m as month_start, last_day(m) as month_end, d as as_of
        from (values (cast($m::date - interval 1 month as date), last_day(cast($m::date - interval 1 month as date))),
                     ($m::date, $d::date)) as months(m, d)""",
        {"m": month_start, "d": as_of},
    )
    for name in MONTH_MARTS:
        con.execute(f"create or replace {target(name)} as {sql(f'marts/{name}')}")


def run_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names and first offending rows of the checks that returned rows."""
    failures = []
    for name in CHECKS:
        rows = con.execute(sql(f"checks/{name}")).fetchall()
        if rows:
            failures.append(f"{name}: {rows[:3]}")
    return failures


def recompute_month(con: duckdb.DuckDBPyConnection, month_start, as_of, schema: str | None = None) -> None:
    """The month marts for `month_start` as of `as_of`, on any connection (a read-only cursor
    included): the session's macros, then build_month. The dashboard's as-of views call this."""
    prepare(con)
    build_month(con, month_start, as_of, schema)
