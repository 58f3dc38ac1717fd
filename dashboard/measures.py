"""What the screens measure, without a database: the rates and their counts, months in progress."""

from __future__ import annotations

import datetime as dt

RATES = {  # rate -> (numerator, denominator)
    "visit_rate_home": ("visited_home", "eligible_home"),
    "visit_rate_any": ("visited_any", "eligible_any"),
    "daily_contact_rate": ("contact_days_covered", "contact_days_eligible"),
    "help_rate": ("disabled_with_contact", "disabled_count"),
}


def in_progress(month_start: dt.date, as_of: dt.date) -> bool:
    """A month counted to a day before its last: its changes are compared like for like."""
    next_month = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return as_of < next_month - dt.timedelta(days=1)


def same_day_last_month(as_of: dt.date) -> dt.date:
    """The same day of the month before, clamped to its length (30 March -> 28 February)."""
    previous_end = as_of.replace(day=1) - dt.timedelta(days=1)
    return previous_end.replace(day=min(as_of.day, previous_end.day))
