"""Calendar rules of the figures, without a database: a month in progress, the same day a month before."""

from __future__ import annotations

import datetime as dt


def in_progress(month_start: dt.date, as_of: dt.date) -> bool:
    """A month counted to a day before its last: its changes are compared like for like."""
    next_month = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return as_of < next_month - dt.timedelta(days=1)


def month_title(month: str, as_of: dt.date) -> str:
    """A report's month as its title says it, "2026年11月", with the day its data end when short of the month's last
    ("2026年11月, 数据截至11月29日, 未满整月"): 本月未上门 on the 7th is no finding yet, and a month whose streets'
    records stop on the 29th is counted to the 29th, whether or not the calendar month is over."""
    year, number = (int(part) for part in month.split("-")[:2])
    short = in_progress(dt.date(year, number, 1), as_of)
    return chinese_month(month) + (f", 数据截至{chinese_month_day(as_of)}, 未满整月" if short else "")


def chinese_month(month: str) -> str:
    """A month ("2026-11") as the reports' text writes it: 2026年11月."""
    year, number = (int(part) for part in month.split("-")[:2])
    return f"{year}年{number}月"


def chinese_month_day(day: dt.date) -> str:
    """A day within its year as every report and list writes it: 12月4日, never 12月04日."""
    return f"{day.month}月{day.day}日"


def chinese_date(day: dt.date) -> str:
    """A date as official documents write it: 2026年12月4日, never 2026年12月04日."""
    return f"{day.year}年{chinese_month_day(day)}"


def same_day_last_month(as_of: dt.date) -> dt.date:
    """The same day of the month before, clamped to its length (30 March -> 28 February)."""
    previous_end = as_of.replace(day=1) - dt.timedelta(days=1)
    return previous_end.replace(day=min(as_of.day, previous_end.day))


def month_before(month_start: dt.date) -> dt.date:
    return (month_start - dt.timedelta(days=1)).replace(day=1)
