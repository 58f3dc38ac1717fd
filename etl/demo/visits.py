"""The records: visits and daily contacts, by community diligence, and 失能 elders' contact persons."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from etl.demo.arrays import age_on, as_text, epoch_day, pick
from etl.demo.people import landlines, make_names, mobiles
from etl.demo.setting import Calendar, Diligence
from etl.demo.signals import COPIED_NOTE, plant_signals
from etl.demo.vocabulary import (
    CONSENT_NO,
    DISABLED,
    EMERGENCY,
    EVENT_MARK,
    EVENT_UNMARK,
    EVENT_VANISH,
    HOME,
    ISSUES,
    LONE,
    NORMAL,
    NOT_MET,
    NOTES,
    ONLINE,
    PHONE,
    PROBLEM,
    REFERRALS,
    REFUSED,
    RELATION_NAMES,
    STATUS_DEAD,
    STREET,
    VIDEO,
    YOUNG_CHARS,
)


def _active_days(elders: pd.DataFrame, calendar: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """First and last day (offsets) on which each elder is there to visit: after registration,
    before exit or vanishing."""
    start = calendar.start_epoch
    registration = elders["registration"].to_numpy()
    first = np.where(registration < 0, 0, np.maximum(registration + 1 - start, 0))
    change = elders["change"].to_numpy()
    vanished = elders["event"].to_numpy() == EVENT_VANISH
    gone = np.where(vanished, elders["event_day"].to_numpy(), change)
    last = np.where(gone < 0, calendar.n_days - 1, gone - 1 - start)
    return first, last


def _categories_on(elders: pd.DataFrame, day) -> np.ndarray:
    """Each elder's categories on a day (epoch), the marking removed or added by then."""
    changed = elders["event"].isin([EVENT_UNMARK, EVENT_MARK]).to_numpy()
    after = changed & (np.asarray(day) >= elders["event_day"].to_numpy())
    return np.where(after, elders["categories_after"].to_numpy(), elders["categories"].to_numpy())


def community_on(elders: pd.DataFrame, elder: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Where each elder lives on a day (epoch): movers in their new community from the move."""
    dest = elders["dest_community"].to_numpy()[elder]
    moved = (dest >= 0) & (day >= elders["event_day"].to_numpy()[elder])
    return np.where(moved, dest, elders["community"].to_numpy()[elder])


def _pick_visitors(rng: np.random.Generator, elder: np.ndarray, elders: pd.DataFrame,
                   staff: pd.DataFrame, own_share: float) -> np.ndarray:
    per_community = np.bincount(staff["community"], minlength=elders["community"].max() + 1)
    first_of = np.cumsum(per_community) - per_community
    community = elders["community"].to_numpy()[elder]
    anyone = first_of[community] + (rng.random(len(elder)) * per_community[community]).astype(int)
    return np.where(rng.random(len(elder)) < own_share, elders["visitor"].to_numpy()[elder], anyone)


def _spread(rng: np.random.Generator, first: np.ndarray, last: np.ndarray, counts: np.ndarray):
    """counts[i] distinct days in [first[i], last[i]], one in each equal slice; counts <= span."""
    group = np.repeat(np.arange(len(first)), counts)
    slot = np.arange(len(group)) - np.repeat(np.cumsum(counts) - counts, counts)
    span = (last - first + 1)[group]
    n = counts[group]
    lo = first[group] + span * slot // n
    hi = first[group] + span * (slot + 1) // n
    return group, slot, lo + (rng.random(len(group)) * (hi - lo)).astype(np.int64)


def _home_minutes(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.where(rng.random(n) < 0.55, 540 + rng.integers(0, 150, size=n),
                    840 + rng.integers(0, 180, size=n))


def _call_minutes(rng: np.random.Generator, n: int) -> np.ndarray:
    return 480 + rng.integers(0, 720, size=n)


def make_visits(rng: np.random.Generator, elders: pd.DataFrame, staff: pd.DataFrame,
                diligence: Diligence, calendar: Calendar, community_street: np.ndarray) -> pd.DataFrame:
    """One row per visit or contact attempt, with canonical codes, by community and time."""
    first, last = _active_days(elders, calendar)
    community = elders["community"].to_numpy()
    categories = elders["categories"].to_numpy()
    declined = elders["consent"].to_numpy() == CONSENT_NO
    parts: list[dict[str, np.ndarray]] = []

    def add(elder, day, minute, method, outcome, own_share=0.85):
        n = len(elder)
        parts.append({
            "elder": elder, "day": day, "minute": minute,
            "method": np.broadcast_to(method, n), "outcome": np.broadcast_to(outcome, n),
            "visitor": _pick_visitors(rng, elder, elders, staff, own_share),
        })

    # Elder-months in which a special-difficulty elder is on the roster: marked at the month's
    # start or end, or 80 by its end.
    start = calendar.start_epoch
    month_first, month_last = start + calendar.month_first, start + calendar.month_last
    birth = elders["birth"].to_numpy()
    special_months = np.stack([
        (_categories_on(elders, first_day) | _categories_on(elders, last_day) > 0)
        | (age_on(birth, last_day) >= 80)
        for first_day, last_day in zip(month_first, month_last, strict=True)], axis=1)
    elder, month = np.nonzero(special_months)
    lo = np.maximum(calendar.month_first[month], first[elder])
    hi = np.minimum(calendar.month_last[month], last[elder])
    keep = lo <= hi
    elder, month, lo, hi = elder[keep], month[keep], lo[keep], hi[keep]
    span = hi - lo + 1
    home_share = diligence.home[community[elder], month]
    willing = ~declined[elder]

    visited = willing & (rng.random(len(elder)) < home_share * span / calendar.month_len[month])
    v = np.flatnonzero(visited)
    extra = np.where(elders["high_risk"].to_numpy()[elder[v]],
                     rng.binomial(3, home_share[v]), rng.random(len(v)) < 0.08)
    counts = np.minimum(1 + extra, span[v])
    group, slot, day = _spread(rng, lo[v], hi[v], counts)
    roll = rng.random(len(group))
    outcome = np.select([roll < 0.0005, roll < 0.0305], [EMERGENCY, PROBLEM], NORMAL)
    add(elder[v][group], day, _home_minutes(rng, len(group)), HOME, outcome)

    # 未遇 before the first successful visit of the month, and for some elders never found.
    first_day = day[slot == 0]
    retry = rng.random(len(v)) < 0.07
    missed_day = first_day - rng.integers(1, 5, size=len(v))
    retry &= missed_day >= lo[v]
    add(elder[v][retry], missed_day[retry], _home_minutes(rng, int(retry.sum())), HOME, NOT_MET)
    unfound = np.flatnonzero(willing & ~visited & (rng.random(len(elder)) < 0.3))
    unfound_day = lo[unfound] + (rng.random(len(unfound)) * span[unfound]).astype(np.int64)
    add(elder[unfound], unfound_day, _home_minutes(rng, len(unfound)), HOME, NOT_MET)

    # Elders who decline visits: now and then a refused knock.
    refused = np.flatnonzero(~willing & (rng.random(len(elder)) < 0.15))
    refused_day = lo[refused] + (rng.random(len(refused)) * span[refused]).astype(np.int64)
    add(elder[refused], refused_day, _home_minutes(rng, len(refused)), HOME, REFUSED)

    # Phone and video calls for special elders not living alone, and the odd street encounter.
    ever_lone = (categories | elders["categories_after"].to_numpy()) & LONE > 0
    not_lone = willing & ~ever_lone[elder]
    called = np.flatnonzero(not_lone & (rng.random(len(elder)) < 0.35))
    call_day = lo[called] + (rng.random(len(called)) * span[called]).astype(np.int64)
    add(elder[called], call_day, _call_minutes(rng, len(called)),
        np.where(rng.random(len(called)) < 0.8, PHONE, VIDEO),
        np.where(rng.random(len(called)) < 0.96, NORMAL, NOT_MET))
    met = np.flatnonzero(willing & (rng.random(len(elder)) < 0.03))
    met_day = lo[met] + (rng.random(len(met)) * span[met]).astype(np.int64)
    add(elder[met], met_day, _home_minutes(rng, len(met)), STREET, NORMAL)

    # Daily contacts for elders living alone, while they are on the roster and marked 独居.
    after = elders["categories_after"].to_numpy()
    lone = np.flatnonzero(((categories | after) & LONE > 0) & ~declined)
    days = np.arange(calendar.n_days)
    marked_day = elders["event_day"].to_numpy()[lone, None] - start
    lone_then = np.where(days >= np.where(marked_day < 0, calendar.n_days, marked_day),
                         after[lone, None], categories[lone, None]) & LONE > 0
    active = (days >= first[lone, None]) & (days <= last[lone, None]) & lone_then
    share = diligence.daily[community[lone]][:, calendar.day_month]
    reached = active & (rng.random(active.shape) < share)
    preferred = pick(rng, [PHONE, ONLINE, VIDEO], len(lone), [0.55, 0.3, 0.15])
    row, day = np.nonzero(reached)
    method = np.where(rng.random(len(row)) < 0.9, preferred[row],
                      pick(rng, [PHONE, ONLINE, VIDEO], len(row)))
    minute = _call_minutes(rng, len(row))
    add(lone[row], day, minute, method, NORMAL, own_share=0.9)
    again = rng.random(len(row)) < 0.015  # an unanswered call, then a successful one
    add(lone[row[again]], day[again], np.maximum(480, minute[again] - rng.integers(20, 120,
        size=int(again.sum()))), method[again], NOT_MET, own_share=1.0)
    unanswered_row, unanswered_day = np.nonzero(active & ~reached
                                                & (rng.random(active.shape) < 0.25))
    add(lone[unanswered_row], unanswered_day, _call_minutes(rng, len(unanswered_row)),
        preferred[unanswered_row], NOT_MET, own_share=0.9)

    # An inspector's signal: one or two home visits dated after the elder's death.
    change_day = elders["change"].to_numpy() - calendar.start_epoch
    dead = np.flatnonzero(elders["special"].to_numpy()
                          & (elders["status"].to_numpy() == STATUS_DEAD)
                          & (change_day >= 0) & (change_day <= calendar.n_days - 4))
    ghosts = dead[rng.permutation(len(dead))[:2]]
    room = np.minimum(10, calendar.n_days - 1 - change_day[ghosts])
    ghost_day = change_day[ghosts] + 2 + (rng.random(len(ghosts)) * (room - 1)).astype(np.int64)
    add(ghosts, ghost_day, _home_minutes(rng, len(ghosts)), HOME, NORMAL, own_share=1.0)

    visits = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})
    _describe(rng, visits)
    # Movers are visited by their new community's staff from the day they move.
    elder = visits["elder"].to_numpy()
    where = community_on(elders, elder, visits["day"].to_numpy() + start)
    moved = np.flatnonzero(where != community[elder])
    if len(moved):
        per_community = np.bincount(staff["community"], minlength=len(diligence.contact))
        first_of = np.cumsum(per_community) - per_community
        own = elders["dest_visitor"].to_numpy()[elder[moved]]
        anyone = first_of[where[moved]] + (rng.random(len(moved))
                                           * per_community[where[moved]]).astype(int)
        visitor = visits["visitor"].to_numpy().copy()
        visitor[moved] = np.where(rng.random(len(moved)) < 0.85, own, anyone)
        visits["visitor"] = visitor
    visits["community"] = where
    # ...without writing one visit twice (a second visitor drawn the same as the first)
    twice = visits.duplicated(["elder", "day", "method", "outcome", "visitor"]).to_numpy()
    kept = ~(twice & (where != community[elder]))
    visits, where = visits[kept], where[kept]
    visits = visits.assign(community=where)
    # what an inspector should find (a generator of their own: the rest of the demo stays as it was)
    first_day, last_day = _active_days(elders, calendar)
    visits = plant_signals(np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0]), visits, elders, staff,
                           calendar, first_day, last_day, note_table()[1], community_street)
    order = np.lexsort((visits["minute"].to_numpy(), visits["day"].to_numpy(), visits["community"].to_numpy()))
    visits = visits.iloc[order].reset_index(drop=True)
    _follow_up(rng, visits)
    return visits


def _follow_up(rng: np.random.Generator, visits: pd.DataFrame) -> None:
    """What 处置结果 says at each visit (0 nothing, 1 handled, 2 not yet) and the referral (-1 nothing
    written, 0 无, 1.. a referral): a problem is now and then handled on the spot, else followed up at
    the elder's next successful visits until one says it was handled."""
    order = np.lexsort((visits["minute"].to_numpy(), visits["day"].to_numpy(), visits["elder"].to_numpy()))
    elder = visits["elder"].to_numpy()[order]
    outcome = visits["outcome"].to_numpy()[order]
    method = visits["method"].to_numpy()[order]
    n = len(order)
    found = np.isin(outcome, [PROBLEM, EMERGENCY])
    handling = np.zeros(n, dtype=np.int64)
    handling[found] = np.where(rng.random(int(found.sum())) < 0.4, 1, 2)
    successful = np.flatnonzero(np.isin(outcome, [NORMAL, PROBLEM, EMERGENCY]))
    following = np.searchsorted(successful, np.arange(n), side="right")
    has_next = following < len(successful)
    next_visit = np.where(has_next, successful[np.minimum(following, len(successful) - 1)], -1)
    has_next &= elder[np.maximum(next_visit, 0)] == elder
    still_open = np.flatnonzero(handling == 2)
    while len(still_open):
        later = next_visit[still_open[has_next[still_open]]]
        later = later[handling[later] == 0]  # a visit that finds the problem again says so itself
        handled = rng.random(len(later)) < np.where(method[later] == HOME, 0.6, 0.25)
        handling[later] = np.where(handled, 1, 2)
        still_open = later[~handled]
    referral = np.full(n, -1, dtype=np.int64)
    referral[found] = np.where(rng.random(int(found.sum())) < 0.3,
                               rng.integers(1, len(REFERRALS), size=int(found.sum())), 0)
    back = np.empty(n, dtype=np.int64)
    back[order] = np.arange(n)
    visits["handling"] = handling[back]
    visits["referral"] = referral[back]


def _describe(rng: np.random.Generator, visits: pd.DataFrame) -> None:
    """Fill in what the visitor wrote: a note, and a problem and action when one was found."""
    notes, note_start = note_table()
    method = visits["method"].to_numpy()
    outcome = visits["outcome"].to_numpy()
    note = np.zeros(len(visits), dtype=np.int64)
    issue = np.full(len(visits), -1, dtype=np.int64)
    for (m, o), phrases in NOTES.items():
        mask = (method == m) & (outcome == o)
        note[mask] = note_start[(m, o)] + rng.integers(len(phrases), size=int(mask.sum()))
    issue_offset = 0
    for o, issues in ISSUES.items():
        mask = outcome == o
        chosen = rng.integers(len(issues), size=int(mask.sum()))
        issue[mask] = issue_offset + chosen
        note[mask] = note_start[o] + chosen
        issue_offset += len(issues)
    visits["note"] = note
    visits["issue"] = issue


def note_table() -> tuple[list[str], dict]:
    notes: list[str] = []
    start: dict = {}
    for key, phrases in NOTES.items():
        start[key] = len(notes)
        notes.extend(phrases)
    for o, issues in ISSUES.items():
        start[o] = len(notes)
        notes.extend(found for found, _, _ in issues)
    start["copied"] = len(notes)
    notes.append(COPIED_NOTE)
    return notes, start


def make_contacts(rng: np.random.Generator, elders: pd.DataFrame, staff: pd.DataFrame,
                  diligence: Diligence, calendar: Calendar) -> pd.DataFrame:
    """Designated contact persons of 失能 elders: one row per elder and contact."""
    community = elders["community"].to_numpy()
    disabled = np.flatnonzero(elders["categories"].to_numpy() & DISABLED > 0)
    covered = disabled[rng.random(len(disabled)) < diligence.contact[community[disabled]]]
    elder = np.repeat(covered, np.where(rng.random(len(covered)) < 0.1, 2, 1))
    n = len(elder)
    relation = rng.choice(len(RELATION_NAMES), size=n, p=[0.55, 0.2, 0.15, 0.1])
    second = np.r_[False, elder[1:] == elder[:-1]]  # a second contact is someone else
    relation = np.where(second, (np.roll(relation, 1) + 1 + rng.integers(3, size=n)) % 4, relation)
    name = make_names(rng, rng.random(n) < 0.5, YOUNG_CHARS, 0.6)
    phone = mobiles(rng, n)

    # Staff contacts are the community's own 网格员 or volunteers, with their own phones.
    staff_community = staff["community"].to_numpy()
    role = staff["role"].to_numpy()
    for relation_code, role_code in ((2, 0), (3, 2)):
        pool = np.flatnonzero(role == role_code)
        first = np.searchsorted(staff_community[pool], community[elder], side="left")
        width = np.searchsorted(staff_community[pool], community[elder], side="right") - first
        chosen = pool[np.minimum(first + (rng.random(n) * np.maximum(width, 1)).astype(int),
                                 len(pool) - 1)]
        use = (relation == relation_code) & (width > 0)
        name = np.where(use, staff["name"].to_numpy()[chosen], name)
        phone = np.where(use, staff["phone"].to_numpy()[chosen], phone)

    kind = rng.choice(4, size=n, p=[0.94, 0.03, 0.015, 0.015])
    phone = np.select([kind == 1, kind == 2, kind == 3],
                      [landlines(rng, n), np.full(n, "无"), as_text(rng.integers(10**4, 10**5, n))],
                      phone)
    key_share = np.array([0.85, 0.4, 0.2, 0.1])[relation]
    registration = elders["registration"].to_numpy()[elder]
    since = np.maximum(np.where(registration < 0, 0, registration), epoch_day(date(2022, 7, 1)))
    until = np.where(rng.random(n) < 0.85, np.maximum(calendar.start_epoch, since + 1),
                     epoch_day(calendar.as_of))
    until = np.maximum(until, since + 1)
    return pd.DataFrame({
        "elder": elder,
        "name": name,
        "relation": relation,
        "phone": phone,
        "has_key": rng.random(n) < key_share,
        "set_day": since + (rng.random(n) * (until - since)).astype(np.int64),
    })
