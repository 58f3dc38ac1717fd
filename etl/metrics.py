"""Read the monthly figures, load history and rejected rows from the warehouse (marts only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from etl import mappings
from etl.build import WAREHOUSE_VARIABLE, build_as_of
from etl.reasons import JOINED_REASONS, LEFT_REASONS, RATE_MOVES
from etl.sqlfiles import first_row, prepare, scalar, sql

if TYPE_CHECKING:
    from etl.ingest import FileResult

LEVELS = ("district", "street", "community")
METRIC_COLUMNS = (
    "level", "code", "name", "parent_code", "special_count", "special_end_count", "eligible_home", "visited_home",
    "visit_rate_home", "eligible_any", "visited_any", "visit_rate_any", "declined_count",
    "contact_days_eligible", "contact_days_covered", "daily_contact_rate", "disabled_count",
    "disabled_with_contact", "help_rate", "disabled_unreported_count", "overdue_count",
)
CHANGE_COLUMNS = ("level", "code", "name", "special_before", "special_now",
                  *(f"joined_{reason}" for reason in JOINED_REASONS), *(f"left_{reason}" for reason in LEFT_REASONS),
                  "joined_count", "left_count", *RATE_MOVES)


class MetricsError(Exception):
    """A question the warehouse cannot answer; the message says why."""


def parse_month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as error:
        raise MetricsError(f"月份格式应为 YYYY-MM, 例如 2026-10: {text}") from error


def month_end(month_start: dt.date) -> dt.date:
    next_month = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return next_month - dt.timedelta(days=1)




# The in-memory database that holds a month recomputed at another as-of date (month_marts), first on the search path
RECOMPUTED = "cv_as_of"


def month_marts(con: duckdb.DuckDBPyConnection, month: str | None, as_of: dt.date | None,
                level: str | None) -> dt.date:
    """Make the month marts hold `month` as of `as_of` (default: the month's end, or the data date): the stored
    ones, or that month (and the one before) recomputed at that date beside the other months as stored
    (build.build_as_of, as the dashboard's as-of views), in an in-memory database first on `con`'s search path."""
    stored_months(con)
    if month is None:
        month = scalar(con, "select max(month) from month_frame")
    month_start = parse_month(month)
    if as_of is not None and as_of < month_start:
        raise MetricsError(f"截至日期 {as_of} 早于 {month} 的第一天")
    if level is not None and level not in LEVELS:
        raise MetricsError(f"层级应为 {'/'.join(LEVELS)}: {level}")
    stored = first_row(con, "select as_of from month_frame where month_start = ?", [month_start])
    first_month = scalar(con, "select min(month) from month_frame")
    if stored is None and first_month is not None and month_start < parse_month(first_month):
        # a report of a month before the records begin had said 0.0 % everywhere and ranked every street last; a
        # roster or contact list of that month is not data lost, and is said to be there (probe 27 M1)
        listed = scalar(con, "select count(*) from (select snapshot_date from roster_snapshots union all select"
                             " snapshot_date from contact_snapshots) where snapshot_date <= ?",
                        [month_end(month_start)])
        why = (f" (探访记录从 {first_month} 起才有, 此前的月份不统计; 已导入的底册和联系人情况表没有丢失,"
               f" 计入 {first_month} 起的各月)" if listed else "")
        raise MetricsError(f"{month} 没有数据: 数据从 {first_month} 开始{why}")
    data_date = scalar(con, "select max(as_of) from month_frame")
    if as_of is None:
        as_of = stored[0] if stored else min(month_end(month_start), data_date)
        if month_start > data_date:
            raise MetricsError(f"{month} 还没有数据: 数据截至 {data_date}")
    if stored is None or stored[0] != as_of:
        prepare(con)
        path, database = first_row(con, "select current_setting('search_path'), current_database()")
        con.execute(f"attach ':memory:' as {RECOMPUTED} (read_write)")  # on a read-only connection too
        con.execute(f"set variable {WAREHOUSE_VARIABLE} = $database", {"database": database})
        con.execute(f"set search_path = '{RECOMPUTED}.main,{path}'")
        build_as_of(con, month_start, as_of, f"{RECOMPUTED}.main", f'"{database}".main')
    return month_start


def stored_months(con: duckdb.DuckDBPyConnection) -> None:
    """Read the month marts as stored again, without what an earlier month_marts on this connection recomputed at
    another as-of date. (It had shadowed them with temporary tables of its two months: a second report on the same
    connection was counted to the first one's date, and a trend knew two months.)"""
    if first_row(con, "select 1 from duckdb_databases() where database_name = ?", [RECOMPUTED]) is not None:
        path = scalar(con, "select current_setting('search_path')")
        con.execute(f"set search_path = '{path.removeprefix(f'{RECOMPUTED}.main,')}'")
        con.execute(f"detach {RECOMPUTED}")
        con.execute(f"reset variable {WAREHOUSE_VARIABLE}")


def _per_place(con: duckdb.DuckDBPyConnection, mart: str, columns: str, month_start: dt.date,
               level: str | None) -> pd.DataFrame:
    return con.execute(
        f"""select {columns}, month, as_of from {mart}
        where month_start = $month and ($level is null or level = $level)
        order by case level when 'district' then 1 when 'street' then 2 else 3 end, code""",
        {"month": month_start, "level": level},
    ).df()


def place_metrics(con: duckdb.DuckDBPyConnection, month: str | None, as_of: dt.date | None = None,
                  level: str | None = None) -> pd.DataFrame:
    """One row per place for `month`, as of `as_of` (default: the month's end, or the data date), whether any
    roster lists it (roster_reported: a place none lists has sent none, not 0 people), and how many of the places
    directly under it none lists (unreported_children: its counts leave them out)."""
    month_start = month_marts(con, month, as_of, level)
    return _with_rosters_reported(con, _per_place(con, "place_months", ", ".join(METRIC_COLUMNS), month_start, level))


def _with_rosters_reported(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """Each place's row saying whether any roster lists the place (roster_reported) and how many of the places directly
    under it none lists (unreported_children): its figures are of the others only, as the 汇总表's 合计 says."""
    unlisted = _unlisted(con)
    unreported = unlisted["parent_code"].value_counts()
    return frame.assign(roster_reported=~frame["code"].isin(unlisted["code"]),
                        unreported_children=frame["code"].map(unreported).fillna(0).astype(int))


def listed_places(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The places a roster snapshot lists (its district, street, community): the others have sent no roster
    (未报送底册), which the 汇总表, the 通报 and `carevisit metrics` say rather than count them 0."""
    return {code for (code,) in con.execute(
        "select distinct unnest([district_code, street_code, community_code]) from roster_snapshots").fetchall()}


def visits_unsent(con: duckdb.DuckDBPyConnection, month_start: dt.date) -> dict[str, dt.date | None]:
    """The streets whose visit records hold nothing of the month yet (sql/reports/visits_unsent.sql), by code, with the
    day of their latest record (None: none at all)."""
    return dict(con.execute(f"select street_code, latest_visit_date from ({sql('reports/visits_unsent')})",
                            {"month_start": month_start}).fetchall())


def _unlisted(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The places no roster lists (listed_places), with the place each lies in and their names."""
    places = con.execute("select code, parent_code, name, level from place_tree order by code").df()
    return places[~places["code"].isin(listed_places(con))]


def unreported_under(con: duckdb.DuckDBPyConnection, code: str) -> list[str]:
    """The names of the places directly under `code` (a district's streets, a street's communities; of "all", the
    districts) that no roster lists: what a figure or a draw of `code` leaves out."""
    unlisted = _unlisted(con)
    under = unlisted["level"] == "district" if code == "all" else unlisted["parent_code"] == code
    return list(unlisted.loc[under, "name"])


def place_changes(con: duckdb.DuckDBPyConnection, month: str | None, as_of: dt.date | None = None,
                  level: str | None = None) -> pd.DataFrame:
    """One row per place: special-difficulty elders at the end of the month before and now, who
    joined and left by reason (joined_<reason>, left_<reason>), and why 月探访率 (上门) moved; whether a roster lists
    the place, as place_metrics says (a place none lists changed by nobody: it sent nothing to compare)."""
    month_start = month_marts(con, month, as_of, level)
    return _with_rosters_reported(con, _per_place(con, "place_changes", ", ".join(CHANGE_COLUMNS), month_start, level))


def roster_alerts(con: duckdb.DuckDBPyConnection, load_ids: list[int] | None = None) -> list[str]:
    """What the loads (all, or `load_ids`) changed that needs a look (marts/load_alerts.sql), each file's in turn."""
    rows = con.execute("select message from load_alerts where $ids is null or list_contains($ids, load_id)"
                       " order by load_id, code, message", {"ids": load_ids}).fetchall()
    return [message for (message,) in rows]


def alerts_after(con: duckdb.DuckDBPyConnection, results: Sequence[FileResult]) -> list[str]:
    """The alerts (roster_alerts) of the files that a load's `results` loaded: what the clerk is told right after
    loading, by the command line and the 导入 page alike."""
    loaded = [part.load_id for result in results if result.status == "loaded" for part in result.parts or (result,)]
    return roster_alerts(con, loaded) if loaded else []


def load_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per load; warnings_by_code: {code: count} of its warnings (code "other" before format 3)."""
    history = con.execute(
        """select load_id, file_name as file, sha256, kind, status, rows_read, rows_loaded, rows_rejected,
                  warning_count, report_date, loaded_at
        from loads order by load_id"""
    ).df()
    counts: dict[int, dict[str, int]] = {}
    for load_id, code, count in con.execute(
        "select load_id, coalesce(code, 'other'), count(*) from load_warnings group by all order by all"
    ).fetchall():
        counts.setdefault(load_id, {})[code] = count
    history["warnings_by_code"] = [counts.get(load_id, {}) for load_id in history.load_id]
    return history


def rejected_rows(con: duckdb.DuckDBPyConnection, load_id: int | None = None) -> pd.DataFrame:
    """Rejected rows with their reasons; raw values masked (cv_mask_field), since they hold IDs, names and phones."""
    # which field each header names is the mappings' call; how a field's value is masked is SQL's
    headers = con.execute(
        """select distinct l.kind, unnest(json_keys(r.raw_values)) as header
        from rejects r join loads l using (load_id) where $load_id is null or r.load_id = $load_id""",
        {"load_id": load_id},
    ).fetchall()
    fields = pd.DataFrame([(kind, header, mappings.field_for(header, kind)) for kind, header in headers],
                          columns=["kind", "header", "field"], dtype=object)
    con.register("reject_header_fields", fields)
    try:
        return con.execute(sql("exports/rejected_rows"), {"load_id": load_id}).df()
    finally:
        con.unregister("reject_header_fields")
