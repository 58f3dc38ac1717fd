"""A few cases of each visit-quality signal (督查线索), planted in the demo's records so the 督查 screen shows some."""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.demo.setting import Calendar
from etl.demo.vocabulary import CONSENT_NO, HOME, LONE, NORMAL, NOTES, PHONE

# A note one visitor pastes into the records of many elders (a template everybody writes is no lead)
COPIED_NOTE = "老人身体状况良好，居家环境整洁，生活用品齐全，已宣传防范电信诈骗知识"
BUSY_VISITS = 18  # home visits one visitor records in one day (the limit is 12)
COPIES = 7  # elders whose visits carry the copied note in one month
PHONE_ONLY_ELDERS = 3  # elders only phoned for the last three months
FAR_VISITS = 2  # home visits per street recorded kilometres from where the elder is usually visited
HEPING = (39.1170, 117.2000)  # about the middle of 和平区 (WGS-84)


def plant_signals(rng: np.random.Generator, visits: pd.DataFrame, elders: pd.DataFrame, staff: pd.DataFrame,
                  calendar: Calendar, first: np.ndarray, last: np.ndarray, note_start: dict,
                  community_street: np.ndarray) -> pd.DataFrame:
    """`visits` with a busy day and a copied note by a visitor of each of two streets, and
    phone-only months for a few elders of other communities.

    Visits after death are planted with the other records (make_visits). The draws come from `rng`,
    a generator of their own, so the rest of the demo stays as it was without them.
    """
    special = elders["special"].to_numpy()
    community = elders["community"].to_numpy()
    last_month, month_before = calendar.n_months - 1, max(calendar.n_months - 2, 0)
    home_notes = note_start[(HOME, NORMAL)] + np.arange(len(NOTES[(HOME, NORMAL)]))
    rows = []
    communities = rng.permutation(np.unique(community[special]))
    # two communities of different streets
    places = communities[np.unique(community_street[communities], return_index=True)[1][:2]]
    for case, place in enumerate(places):
        carers = np.flatnonzero((staff["community"].to_numpy() == place) & (staff["role"].to_numpy() < 2))
        visitor = int(carers[case % len(carers)])
        month = last_month if case == 0 else month_before
        # a busy day: more home visits than anyone can make, on a weekday of the month
        day = int(calendar.month_first[month]) + 9 + case
        # a 网格员 who covers the street's elders, not only their own community's
        street = community_street[community] == community_street[place]
        here = np.flatnonzero(special & street & (first <= day) & (last >= day))
        busy = rng.permutation(here)[:BUSY_VISITS]
        rows.append(pd.DataFrame({
            "elder": busy, "day": day, "minute": np.sort(480 + rng.integers(0, 600, size=len(busy))),
            "method": HOME, "outcome": NORMAL, "visitor": visitor,
            "note": rng.choice(home_notes, size=len(busy)), "issue": -1, "community": community[busy]}))
        # one note pasted into the visits of several elders over the month
        lo, hi = int(calendar.month_first[month]), int(calendar.month_last[month])
        here = np.flatnonzero(special & street & (first <= lo) & (last >= hi))
        copied = rng.permutation(np.setdiff1d(here, busy))[:COPIES]
        rows.append(pd.DataFrame({
            "elder": copied, "day": lo + rng.integers(0, hi - lo + 1, size=len(copied)),
            "minute": 540 + rng.integers(0, 300, size=len(copied)), "method": HOME, "outcome": NORMAL,
            "visitor": visitor, "note": note_start["copied"], "issue": -1, "community": community[copied]}))
    visits = _added(visits, rows)
    visits = _phone_only(rng, visits, elders, calendar, first, last, np.setdiff1d(communities, places), note_start)
    return _far(rng, visits, calendar, community_street)


def _far(rng: np.random.Generator, visits: pd.DataFrame, calendar: Calendar,
         community_street: np.ndarray) -> pd.DataFrame:
    """A few home visits of the last two months per street marked to be written far from the elder's home
    (where files carry points), of elders with other home visits to compare with."""
    home = (visits["method"].to_numpy() == HOME) & (visits["outcome"].to_numpy() == NORMAL)
    visited = np.bincount(visits["elder"].to_numpy()[home], minlength=visits["elder"].max() + 1)
    recent = calendar.day_month[np.minimum(visits["day"].to_numpy(), calendar.n_days - 1)] >= calendar.n_months - 2
    candidates = np.flatnonzero(home & recent & (visited[visits["elder"].to_numpy()] >= 4))
    street = community_street[visits["community"].to_numpy()[candidates]]
    far = np.zeros(len(visits), dtype=bool)
    for s in np.unique(street):
        far[rng.permutation(candidates[street == s])[:FAR_VISITS]] = True
    return visits.assign(far=far)


def visit_points(visits: pd.DataFrame, n_elders: int, n_communities: int) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of each home visit as a visiting app records them: at the elder's home
    (the same for every visit, from a generator of its own), give or take 20 m; those marked far 2-3 km
    away. Calls and unfinished visits have none (NaN)."""
    rng = np.random.default_rng(11)
    centre = np.array(HEPING) + rng.uniform(-0.012, 0.012, size=(n_communities, 2))
    elder = visits["elder"].to_numpy()
    homes = np.random.default_rng(12).normal(0, 0.0015, size=(n_elders, 2))
    points = centre[visits["community"].to_numpy()] + homes[elder]
    noise = np.random.default_rng(len(visits)).normal(0, 0.0002, size=points.shape)
    angle = np.random.default_rng(len(visits) + 1).uniform(0, 2 * np.pi, size=len(visits))
    away = np.where(visits["far"].to_numpy(), 0.02 + 0.01 * np.abs(np.sin(angle)), 0.0)
    points = points + noise + away[:, None] * np.stack([np.sin(angle), np.cos(angle)], axis=1)
    recorded = visits["method"].to_numpy() == HOME
    return np.where(recorded, points[:, 0], np.nan), np.where(recorded, points[:, 1], np.nan)


def _phone_only(rng: np.random.Generator, visits: pd.DataFrame, elders: pd.DataFrame, calendar: Calendar,
                first: np.ndarray, last: np.ndarray, communities: np.ndarray, note_start: dict) -> pd.DataFrame:
    """A few elders not living alone, on the roster all year, whose home visits of the last three
    months give way to one phone call a month."""
    months = np.arange(max(calendar.n_months - 3, 0), calendar.n_months)
    lo, hi = calendar.month_first[months[0]], calendar.n_days - 1
    community = elders["community"].to_numpy()
    candidates = np.flatnonzero(elders["special"].to_numpy() & (elders["categories"].to_numpy() & LONE == 0)
                                & (elders["categories_after"].to_numpy() & LONE == 0)
                                & np.isin(community, communities) & (first <= lo) & (last >= hi)
                                & (elders["consent"].to_numpy() != CONSENT_NO))
    chosen = rng.permutation(candidates)[:PHONE_ONLY_ELDERS]
    in_months = np.isin(calendar.day_month[np.minimum(visits["day"].to_numpy(), calendar.n_days - 1)], months)
    dropped = np.isin(visits["elder"].to_numpy(), chosen) & in_months & (visits["method"].to_numpy() == HOME)
    phone_notes = note_start[(PHONE, NORMAL)] + np.arange(len(NOTES[(PHONE, NORMAL)]))
    elder = np.repeat(chosen, len(months))
    month = np.tile(months, len(chosen))
    calls = pd.DataFrame({
        "elder": elder, "day": calendar.month_first[month] + rng.integers(3, 25, size=len(elder)),
        "minute": 480 + rng.integers(0, 600, size=len(elder)), "method": PHONE, "outcome": NORMAL,
        "visitor": elders["visitor"].to_numpy()[elder], "note": rng.choice(phone_notes, size=len(elder)),
        "issue": -1, "community": community[elder]})
    calls = calls[calls["day"] <= calendar.n_days - 1]
    return _added(visits[~dropped], [calls])


def _added(visits: pd.DataFrame, rows: list[pd.DataFrame]) -> pd.DataFrame:
    """`visits` and the planted `rows`, without a planted row that repeats a visit (same elder, day, method,
    outcome, visitor): a file whose dates carry no time would hold it twice, and the repeat is rejected."""
    combined = pd.concat([visits, *rows], ignore_index=True)
    planted = np.arange(len(combined)) >= len(visits)
    repeats = combined.duplicated(["elder", "day", "method", "outcome", "visitor"]).to_numpy()
    return combined[~(planted & repeats)].reset_index(drop=True)
