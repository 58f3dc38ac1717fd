"""Vectorised helpers of the generator: days counted from 1970-01-01, text built column-wise."""

from __future__ import annotations

from datetime import date

import numpy as np


def add_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def epoch_day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def year_month_day(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of days counted from 1970-01-01."""
    as_date = np.asarray(days, dtype="int64").astype("datetime64[D]")
    months = as_date.astype("datetime64[M]")
    year = as_date.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (as_date - months).astype(np.int64) + 1
    return year, month, day


def strcat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars."""
    out = parts[0]
    for part in parts[1:]:
        out = np.strings.add(out, part)
    return np.asarray(out)


def as_text(numbers: np.ndarray, width: int = 0) -> np.ndarray:
    text = np.asarray(numbers).astype(np.int64).astype(str)
    return np.strings.zfill(text, width) if width and len(text) else text


def format_days(days: np.ndarray, fmt: str, minutes: np.ndarray | None = None) -> np.ndarray:
    """Days (and minutes of the day) written the way a street writes them."""
    y, m, d = year_month_day(days)
    ys, ms, ds = as_text(y), as_text(m), as_text(d)
    if fmt == "dot":
        return strcat(ys, ".", ms, ".", ds)
    if fmt == "cn":
        return strcat(ys, "年", ms, "月", ds, "日")
    if fmt == "slash":
        return strcat(ys, "/", ms, "/", ds)
    if fmt == "compact":
        return strcat(ys, as_text(m, 2), as_text(d, 2))
    iso = strcat(ys, "-", as_text(m, 2), "-", as_text(d, 2))
    if fmt == "iso_time" and minutes is not None:
        return strcat(iso, " ", as_text(minutes // 60, 2), ":", as_text(minutes % 60, 2))
    return iso


def impossible_day(day: int, fmt: str, minute: int) -> str:
    """A date a clerk mistyped: month 13 or 30 February, in the street's own format."""
    y, m, d = (int(x[0]) for x in year_month_day(np.array([day])))
    m, d = (13, d) if d % 2 else (2, 30)
    if fmt in ("cn",):
        return f"{y}年{m}月{d}日"
    if fmt == "slash":
        return f"{y}/{m}/{d}"
    if fmt == "compact":
        return f"{y}{m:02d}{d:02d}"
    if fmt == "iso_time":
        return f"{y}-{m:02d}-{d:02d} {minute // 60:02d}:{minute % 60:02d}"
    if fmt == "iso":
        return f"{y}-{m:02d}-{d:02d}"
    return f"{y}.{m}.{d}"


def pick(rng: np.random.Generator, options, n: int, p=None) -> np.ndarray:
    options = np.asarray(options)
    if p is not None:
        p = np.asarray(p, dtype=float) / np.sum(p)
    return options[rng.choice(len(options), size=n, p=p)]


def age_on(birth: np.ndarray, day) -> np.ndarray:
    """Age in whole years on day (both counted from 1970-01-01)."""
    by, bm, bd = year_month_day(birth)
    y, m, d = year_month_day(np.broadcast_to(day, np.shape(birth)))
    return y - by - ((m * 100 + d) < (bm * 100 + bd))
