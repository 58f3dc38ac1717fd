"""Roster history: each street's monthly snapshots, and what the warehouse should make of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.demo.arrays import age_on, epoch_day
from etl.demo.setting import Calendar, Style
from etl.demo.vocabulary import (
    EVENT_MARK,
    EVENT_MOVE,
    EVENT_UNMARK,
    EVENT_VANISH,
    STATUS_ACTIVE,
    STATUS_AWAY,
    STATUS_DEAD,
    STATUS_INSTITUTION,
    STATUS_MOVED,
)

HISTORY_COLUMNS = ("special_before", "special_now", "joined_registered", "joined_marked",
                   "joined_turned_80", "joined_moved_in", "left_died", "left_moved_out",
                   "left_institution", "left_away", "left_unmarked", "left_unexplained",
                   "left_moved_to")


def snapshot_days(calendar: Calendar, styles: list[Style], monthly: bool) -> np.ndarray:
    """填报日期 (epoch days) of each unit's rosters, oldest first: one a month, the last at as_of.

    A street reports each month on its own day: the month's last day or the 1st-5th of the next.
    """
    as_of = epoch_day(calendar.as_of)
    if not monthly:
        return np.full((len(styles), 1), as_of, dtype=np.int64)
    month_end = calendar.start_epoch + calendar.month_last[:-1]
    days = month_end[None, :] + np.array([s.report_day for s in styles])[:, None]
    return np.c_[np.minimum(days, as_of - 1), np.full(len(styles), as_of)].astype(np.int64)


@dataclass(frozen=True)
class Listings:
    """How each unit's snapshots list each elder: 0 not, 1 on the roster, 2 with an exit status.

    Side a is the elder's first unit; side b the unit a mover moves to (-1 for the rest).
    """

    unit_a: np.ndarray
    unit_b: np.ndarray
    code_a: np.ndarray  # elders x snapshots
    code_b: np.ndarray
    exit_a: np.ndarray  # the exit status written on side a (a mover's old street: 迁出)
    change_a: np.ndarray  # the change date written on side a, -1 when left blank
    snapshots: np.ndarray  # units x snapshots, epoch days


def _first_true(mask: np.ndarray) -> np.ndarray:
    return mask & ~np.c_[np.zeros(len(mask), bool), np.cumsum(mask, axis=1)[:, :-1] > 0]


def list_elders(elders: pd.DataFrame, unit_of_community: np.ndarray, snapshots: np.ndarray,
                keep_exits: np.ndarray) -> Listings:
    """Who each snapshot lists and how: exits with their status, kept on later rosters by streets
    that keep them (else listed once); movers listed 迁出 once by their old street, then by their
    new one from its first roster dated after that; the vanished dropped without a word."""
    unit_a = unit_of_community[elders["community"].to_numpy()]
    dest = elders["dest_community"].to_numpy()
    unit_b = np.where(dest >= 0, unit_of_community[np.maximum(dest, 0)], -1)
    event = elders["event"].to_numpy()
    event_day = elders["event_day"].to_numpy()
    registration = elders["registration"].to_numpy()
    mover = event == EVENT_MOVE

    day_a = snapshots[unit_a]
    registered = (registration[:, None] < 0) | (registration[:, None] <= day_a)
    exit_day = np.where(mover, event_day, elders["change"].to_numpy())
    exited = (exit_day[:, None] >= 0) & (exit_day[:, None] <= day_a)
    first_report = _first_true(exited)
    kept = exited & (keep_exits[unit_a][:, None] & ~mover[:, None])
    vanished = (event == EVENT_VANISH)[:, None] & (event_day[:, None] <= day_a)
    code_a = np.where(registered & ~vanished, np.where(exited, 2 * (first_report | kept), 1), 0)

    reported_on = np.where(first_report.any(axis=1), (day_a * first_report).max(axis=1), -1)
    day_b = snapshots[np.maximum(unit_b, 0)]
    code_b = (mover & (reported_on >= 0))[:, None] & (day_b > reported_on[:, None])
    exit_a = np.where(mover, STATUS_MOVED, elders["status"].to_numpy())
    undated = elders["undated_exit"].to_numpy() & ~mover
    change_a = np.where(undated, -1, exit_day)
    return Listings(unit_a, unit_b, code_a.astype(np.int8), code_b.astype(np.int8),
                    exit_a, change_a, snapshots)


def roster_history(elders: pd.DataFrame, listings: Listings, calendar: Calendar,
                   unit_names: list[str]) -> pd.DataFrame:
    """Per unit and month, what DESIGN §4 (roster history) makes of the snapshots as written:
    special-difficulty elders at the end of the month before and at its end, joiners and leavers
    by reason. Each day, a unit's newest snapshot dated by then is in force (its first, the
    baseline, before it); an elder counts where a snapshot in force lists them, from their
    registration until the change date written with an exit (the snapshot's date if none)."""
    lst, n = listings, len(elders)
    rows = np.arange(n)
    birth = elders["birth"].to_numpy()
    registration = elders["registration"].to_numpy()
    changed = elders["event"].isin([EVENT_UNMARK, EVENT_MARK]).to_numpy()
    event_day = elders["event_day"].to_numpy()
    before, after = elders["categories"].to_numpy(), elders["categories_after"].to_numpy()

    def state(day: int):
        in_force = np.maximum((lst.snapshots <= day).sum(axis=1) - 1, 0)
        k_a = in_force[lst.unit_a]
        code_a = lst.code_a[rows, k_a]
        dated_a = lst.snapshots[lst.unit_a, k_a]
        exit_on = np.where(lst.change_a < 0, dated_a, lst.change_a)
        registered = (registration < 0) | (registration <= day)
        on_a = registered & ((code_a == 1) | ((code_a == 2) & (day < exit_on)))
        k_b = in_force[np.maximum(lst.unit_b, 0)]
        on_b = (lst.unit_b >= 0) & (lst.code_b[rows, k_b] == 1)
        dated_b = lst.snapshots[np.maximum(lst.unit_b, 0), k_b]
        use_b = on_b & (~on_a | (dated_b > dated_a))
        marked_a = np.where(changed & (dated_a >= event_day), after, before) > 0
        marked = np.where(use_b, before > 0, marked_a)
        on = on_a | on_b
        unit = np.where(use_b, lst.unit_b, lst.unit_a)
        special = on & (marked | (age_on(birth, day) >= 80))
        previous = np.where(k_a > 0, lst.code_a[rows, np.maximum(k_a - 1, 0)], 0)
        reported = (code_a == 2) | ((code_a == 0) & (previous == 2))
        gone = np.where(reported, lst.exit_a, -1)  # why side a no longer lists the elder
        return on, unit, marked & on, special, gone

    n_units = len(unit_names)
    start = calendar.start_epoch
    ends = [start - 1, *(start + calendar.month_last).tolist()]
    states = [state(day) for day in ends]
    frames = []
    for m, month_start in enumerate(calendar.month_starts):
        was_on, was_unit, was_marked, was_special, _ = states[m]
        on, unit, marked, special, gone = states[m + 1]
        stayed = was_special & special & (was_unit == unit)
        joined = special & ~stayed
        left = was_special & ~stayed
        joined_reason = np.select(
            [was_special, ~was_on, marked & ~was_marked], [3, 0, 1], 2)  # as HISTORY_COLUMNS
        left_reason = np.select(
            [special, on, gone == STATUS_DEAD, gone == STATUS_MOVED, gone == STATUS_INSTITUTION,
             gone == STATUS_AWAY], [6, 4, 0, 1, 2, 3], 5)
        counts = {
            "special_before": np.bincount(was_unit[was_special], minlength=n_units),
            "special_now": np.bincount(unit[special], minlength=n_units),
        }
        for i, name in enumerate(HISTORY_COLUMNS[2:6]):
            counts[name] = np.bincount(unit[joined & (joined_reason == i)], minlength=n_units)
        for i, name in enumerate(HISTORY_COLUMNS[6:]):
            counts[name] = np.bincount(was_unit[left & (left_reason == i)], minlength=n_units)
        frames.append(pd.DataFrame({"place": unit_names,
                                    "month": f"{month_start.year}-{month_start.month:02d}",
                                    **counts}))
    return pd.concat(frames, ignore_index=True)


def listing_frame(elders: pd.DataFrame, lst: Listings, unit: int,
                  k: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The elders unit's snapshot k lists, as it lists them, in community order; and their rows."""
    side_a = np.flatnonzero((lst.unit_a == unit) & (lst.code_a[:, k] > 0))
    side_b = np.flatnonzero((lst.unit_b == unit) & (lst.code_b[:, k] > 0))
    rows = np.r_[side_a, side_b]
    on_b = np.arange(len(rows)) >= len(side_a)
    day = int(lst.snapshots[unit, k])
    e = elders.iloc[rows].copy()
    changed = e["event"].isin([EVENT_UNMARK, EVENT_MARK]).to_numpy() & (
        day >= e["event_day"].to_numpy())
    for column in ("categories", "living", "ability"):
        e[column] = np.where(changed, e[f"{column}_after"], e[column])
    code = np.where(on_b, 1, lst.code_a[rows, k])
    e["status"] = np.where(code == 2, lst.exit_a[rows], STATUS_ACTIVE)
    e["change"] = np.where(code == 2, lst.change_a[rows], -1)
    for column, moved in (("community", "dest_community"), ("address", "dest_address"),
                          ("visitor", "dest_visitor")):
        e[column] = np.where(on_b, e[moved], e[column])
    e["aged"] = age_on(e["birth"].to_numpy(), day) >= 80
    order = np.argsort(e["community"].to_numpy(), kind="stable")
    return e.iloc[order], rows[order]
