"""The 督查 screen's queries (dashboard/sql/supervision_*.sql): scoped to the user's place, masked."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.measures import in_progress, same_day_last_month
from dashboard.queries import ROOT_LEVEL, Place, Reader, sql, unbegun
from etl.months import month_before
from etl.settings import AMBER_FROM, GREEN_FROM
from etl.sqlfiles import sql as etl_sql

SIGNAL_ROWS = 5000  # evidence rows a screen shows at most


def _place_code(target: Place) -> str:
    return "all" if target.level == ROOT_LEVEL else target.code


def lagging(wh: Reader, target: Place, month: str, scope: str, level: str,
            as_of: dt.date | None = None) -> pd.DataFrame:
    """Places of `level` within `target`, lowest 月探访率 (上门) first, with the people still to visit (the ranking the
    通报 names its lagging communities by: etl/sql/reports/lagging_places.sql). Of a month
    counted to `as_of`, a day before its end (in progress): rate_same_day, each place's rate the month before as of
    the same day, to compare like for like (DESIGN §5; queries.previous_month for one place)."""
    if level not in ("street", "community"):
        raise ValueError(level)

    def places(reader: Reader, month: str) -> pd.DataFrame:
        return reader.frame(etl_sql("reports/lagging_places"), {
            "place": _place_code(target), "scope": scope, "month_start": dt.date.fromisoformat(month + "-01"),
            "level": level, "amber_from": AMBER_FROM, "green_from": GREEN_FROM}, cache=True)

    frame = places(wh, month)
    month_start = dt.date.fromisoformat(month + "-01")
    if as_of is None or not in_progress(month_start, as_of):
        return frame
    previous = month_before(month_start)
    if f"{previous:%Y-%m}" not in set(wh.frame(sql("months"), cache=True)["month"]):  # the records' first month
        return frame.assign(rate_same_day=None)
    before = places(wh.compared(previous, same_day_last_month(as_of)), f"{previous:%Y-%m}")
    # (a place whose street's visit records begin this month has no month before: etl/sql/reports/records_unbegun.sql,
    # probe 33 M1, its 0.0 % of no record beside it)
    before = before[~before["code"].isin(unbegun(wh, list(frame["code"]), month_start))]
    return frame.merge(before[["code", "visit_rate_home"]].rename(columns={"visit_rate_home": "rate_same_day"}),
                       on="code", how="left")


def signals(wh: Reader, target: Place, month: str, scope: str, limit: int = SIGNAL_ROWS) -> pd.DataFrame:
    """The evidence rows of the month's visit-quality leads within `target`."""
    return wh.frame(sql("supervision_signals"), {"place": _place_code(target), "scope": scope, "month": month,
                                                 "limit": limit}, cache=True)


def can_tell(wh: Reader, target: Place, month: str, scope: str) -> tuple[bool, bool]:
    """Whether the month's visits within `target` carry GPS points, and entry times: else the distance and the
    late-entry signals cannot speak for it."""
    has_points, has_entry_times = wh.rows(sql("supervision_can_tell"), {"place": _place_code(target), "scope": scope,
                                                                         "month": month}, cache=True)[0]
    return bool(has_points), bool(has_entry_times)
