"""Calendar rules of the figures, without a database: a month in progress, the same day a month before."""

from __future__ import annotations

import datetime as dt


def in_progress(month_start: dt.date, as_of: dt.date) -> bool:
    """A month counted to a day before its last: its changes are compared like for like."""
    next_month = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return as_of < next_month - dt.timedelta(days=1)


def same_day_last_month(as_of: dt.date) -> dt.date:
    """The same day of the month before, clamped to its length (30 March -> 28 February)."""
    previous_end = as_of.replace(day=1) - dt.timedelta(days=1)
    return previous_end.replace(day=min(as_of.day, previous_end.day))


def month_before(month_start: dt.date) -> dt.date:
    return (month_start - dt.timedelta(days=1)).replace(day=1)
