"""The 督查 screen's queries (dashboard/sql/supervision_*.sql): scoped to the user's place, masked."""

from __future__ import annotations

import pandas as pd

from dashboard.queries import ROOT_LEVEL, Place, Reader, sql
from etl.settings import AMBER_FROM, GREEN_FROM

SIGNAL_ROWS = 5000  # evidence rows a screen shows at most


def _place_code(target: Place) -> str:
    return "all" if target.level == ROOT_LEVEL else target.code


def lagging(wh: Reader, target: Place, month: str, scope: str, level: str) -> pd.DataFrame:
    """Places of `level` within `target`, lowest 月探访率 (上门) first, with the people still to visit."""
    if level not in ("street", "community"):
        raise ValueError(level)
    return wh.frame(sql("supervision_lagging"), {"place": _place_code(target), "scope": scope, "month": month,
                                                 "level": level, "amber_from": AMBER_FROM,
                                                 "green_from": GREEN_FROM}, cache=True)


def signals(wh: Reader, target: Place, month: str, scope: str, limit: int = SIGNAL_ROWS) -> pd.DataFrame:
    """The evidence rows of the month's visit-quality leads within `target`."""
    return wh.frame(sql("supervision_signals"), {"place": _place_code(target), "scope": scope, "month": month,
                                                 "limit": limit}, cache=True)


def has_entry_times(wh: Reader) -> bool:
    """Whether any loaded visit carries an entry time (else the late-entry signal cannot speak)."""
    return bool(wh.rows(sql("supervision_entry_times"), cache=True)[0][0])


def has_points(wh: Reader) -> bool:
    """Whether any loaded visit carries a GPS point (else the distance signal cannot speak)."""
    return bool(wh.rows(sql("supervision_points"), cache=True)[0][0])
