"""The people: elders aged 60+ with their roster history over the year, and the staff who visit them."""

from __future__ import annotations

import functools
from datetime import date

import numpy as np
import pandas as pd

from etl.demo.arrays import as_text, epoch_day, pick, strcat, year_month_day
from etl.demo.rules import id_check_characters, risk_levels
from etl.demo.setting import Calendar, Places
from etl.demo.vocabulary import (
    ABILITY_BLANK,
    ABILITY_DISABLED,
    ABILITY_SELF,
    ABILITY_SEMI,
    CATEGORY_COMBOS,
    CATEGORY_NAMES,
    CONSENT_BLANK,
    CONSENT_NO,
    CONSENT_YES,
    DISABLED,
    ELDER_CHARS,
    EMPTY_NEST,
    EVENT_MARK,
    EVENT_MOVE,
    EVENT_NONE,
    EVENT_UNMARK,
    EVENT_VANISH,
    LANDLINE_PREFIXES,
    LIVING_BLANK,
    LIVING_CHILDREN,
    LIVING_COUPLE,
    LIVING_LONE,
    LIVING_OTHER,
    LIVING_RELATIVES,
    LONE,
    MOBILE_PREFIXES,
    RISK_BLANK,
    RISK_HIGH,
    RISK_LOW,
    RISK_MEDIUM,
    SEMI_DISABLED,
    STATUS_ACTIVE,
    STATUS_AWAY,
    STATUS_DEAD,
    STATUS_INSTITUTION,
    STATUS_MOVED,
    SURNAMES,
    TIANJIN_AREA_CODES,
    WIDOWED,
    YOUNG_CHARS,
)

# 80+ elders all count as special (高龄). Real Heping has 12-15% of its 60+ aged 80+, which would
# make ~17,000 special elders; the design's ~6,000 (Tianjin's list, without 高龄) needs ~2.4%.
AGED_SHARE = 0.024
SPECIAL_SHARE_UNDER_80 = 0.0245  # elders under 80 with at least one roster category
SPECIAL_SHARE_80_PLUS = 0.45  # 80+ elders who also carry a roster category
# Roster history over the year (shares a year). Deaths come to about 0.5 % a month among
# special-difficulty elders; other exits are moves out of the district, institutions, living away.
DEATH_80_PLUS, DEATH_SPECIAL, DEATH_OTHER = 0.07, 0.035, 0.012
UNDATED_EXIT_SHARE = 0.04  # exits written with their status but no change date
NEWLY_REGISTERED_SHARE = 0.012  # elders of any age registered during the year
VANISH_SPECIAL, VANISH_OTHER = 0.02, 0.002  # missing from a newer roster without a status
MOVE_SPECIAL, MOVE_OTHER = 0.012, 0.006  # moves to another street of the district
UNMARK_SHARE = 0.03  # of elders marked only 独居/空巢/孤寡: the marking removed
MARK_SHARE = 0.001  # of unmarked elders under 79: newly marked
LONE_UNMARKED_SHARE = 0.0004  # of unmarked elders: 居住情况 独居, nothing marked (底数不清)
DISABLED_UNMARKED_SHARE = 0.015  # of marked elders: 完全失能 without 失能 marked (底数不清)


def make_names(rng: np.random.Generator, female: np.ndarray, chars, two_char_share: float = 0.7):
    n = len(female)
    surname_weights = 1.0 / (np.arange(len(SURNAMES)) + 6)
    surname = pick(rng, SURNAMES, n, surname_weights)
    male_chars, female_chars = (np.asarray(c) for c in chars)
    first = np.where(female, female_chars[rng.integers(len(female_chars), size=n)],
                     male_chars[rng.integers(len(male_chars), size=n)])
    second = np.where(female, female_chars[rng.integers(len(female_chars), size=n)],
                      male_chars[rng.integers(len(male_chars), size=n)])
    second = np.where(rng.random(n) < two_char_share, second, "")
    return strcat(surname, first, second).astype("<U4")


def _unique_within(rng: np.random.Generator, names: np.ndarray, group: np.ndarray,
                   female: np.ndarray) -> np.ndarray:
    """Redraw names until no two people of one group share one: visits may name people only."""
    names = names.copy()
    for _ in range(50):
        clash = np.flatnonzero(pd.DataFrame({"g": group, "n": names}).duplicated().to_numpy())
        if not len(clash):
            return names
        names[clash] = make_names(rng, female[clash], ELDER_CHARS, two_char_share=1.0)
    raise RuntimeError("could not make names unique")


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = np.asarray(MOBILE_PREFIXES)[rng.integers(len(MOBILE_PREFIXES), size=n)]
    return as_text(prefix * 10**8 + rng.integers(0, 10**8, size=n))


def landlines(rng: np.random.Generator, n: int, with_area: np.ndarray | bool = True):
    local = strcat(pick(rng, LANDLINE_PREFIXES, n), as_text(rng.integers(0, 10**4, size=n), 4))
    return np.where(with_area, strcat("022-", local), local)


def _living_of(categories: np.ndarray, plain: np.ndarray, widowed: np.ndarray) -> np.ndarray:
    """What the 居住情况 column says, following the categories; `plain` for unmarked elders."""
    return np.select(
        [categories & LONE > 0, categories & EMPTY_NEST > 0, categories & WIDOWED > 0],
        [LIVING_LONE, LIVING_COUPLE, widowed], plain)


def _ability_of(categories: np.ndarray, plain: np.ndarray) -> np.ndarray:
    return np.select([categories & DISABLED > 0, categories & SEMI_DISABLED > 0],
                     [ABILITY_DISABLED, ABILITY_SEMI], plain)


@functools.cache
def _risk_by_combination() -> np.ndarray:
    """The level (RISK_HIGH, RISK_MEDIUM or RISK_LOW) the configured risk rules give each combination
    of categories, without and then with 高龄."""
    lists = [[name for i, name in enumerate(CATEGORY_NAMES) if code >> i & 1] + ["高龄"] * aged
             for aged in (0, 1) for code in range(1 << len(CATEGORY_NAMES))]
    levels = risk_levels(lists)
    return np.select([levels == "高", levels == "中"], [RISK_HIGH, RISK_MEDIUM], RISK_LOW)


def make_elders(rng: np.random.Generator, places: Places, calendar: Calendar,
                count: int, events_from: int | None = None) -> pd.DataFrame:
    """One row per elder aged 60+ on the district's roster during the year, with canonical codes.

    With events_from (a day, after the first monthly rosters), some elders also move between
    streets, vanish from the roster without a word, or have their marking removed or added on a
    day from then on; without it (one roster a year) nobody does.
    """
    n_communities = len(places.community_names)
    weights = rng.gamma(8.0, size=n_communities)
    community = np.repeat(np.arange(n_communities), rng.multinomial(count, weights / weights.sum()))

    aged = rng.random(count) < AGED_SHARE
    # Fewer 60-year-olds than 61-year-olds: some who turned 60 are not on the roster yet.
    young_weights = np.linspace(1.0, 0.55, 20) * np.r_[0.6, np.ones(19)]
    young_age = pick(rng, np.arange(60, 80), count, young_weights)
    old_age = pick(rng, np.arange(80, 103), count, 0.8 ** np.arange(23))
    target_age = np.where(aged, old_age, young_age)
    as_of = epoch_day(calendar.as_of)
    years = target_age + rng.uniform(0.02, 0.98, count)
    birth = as_of - np.floor(years * 365.2425).astype(np.int64)
    y, m, d = year_month_day(birth)
    before_birthday = (calendar.as_of.month * 100 + calendar.as_of.day) < m * 100 + d
    age = calendar.as_of.year - y - before_birthday
    female = rng.random(count) < np.select([age >= 80, age >= 70], [0.62, 0.56], 0.52)

    other_codes = [c for c in TIANJIN_AREA_CODES if c != places.area_code]
    area = np.where(rng.random(count) < 0.95, int(places.area_code),
                    pick(rng, other_codes, count).astype(np.int64))
    body = area * 10**11 + (y * 10000 + m * 100 + d) * 1000
    seq = 2 * rng.integers(0, 500, size=count) + ~female
    for _ in range(50):
        clash = np.flatnonzero(pd.Series(body + seq).duplicated().to_numpy())
        if not len(clash):
            break
        seq[clash] = 2 * rng.integers(0, 500, size=len(clash)) + ~female[clash]
    base17 = body + seq
    id_number = strcat(as_text(base17), id_check_characters(as_text(base17)))

    names = _unique_within(rng, make_names(rng, female, ELDER_CHARS), community, female)

    # Registration: at 60 (with a lag) when that falls inside the year, else before it; a few
    # elders of any age register during the year (moved into the district, registered late),
    # more often than others because they need looking after.
    start = calendar.start_epoch
    sixtieth = birth + np.round(60 * 365.2425).astype(np.int64)
    earliest = np.maximum(sixtieth, epoch_day(date(2016, 1, 1)))
    late = sixtieth + rng.integers(0, 60, size=count)
    newly = rng.random(count) < NEWLY_REGISTERED_SHARE
    registration = np.where(
        sixtieth >= start - 30,
        np.clip(late, start, as_of),
        earliest + (rng.random(count) * np.maximum(start - earliest, 1)).astype(np.int64),
    )
    registration = np.where(newly, start + (rng.random(count) * (as_of - start)).astype(np.int64),
                            registration)
    has_registration = (registration >= start) | (rng.random(count) >= 0.03)

    combo_bits = np.array([bits for bits, _ in CATEGORY_COMBOS])
    combo = combo_bits[rng.choice(len(combo_bits), size=count,
                                  p=np.array([w for _, w in CATEGORY_COMBOS]) / 100)]
    marked_share = np.where(age >= 80, SPECIAL_SHARE_80_PLUS,
                            np.where(newly, 0.2, SPECIAL_SHARE_UNDER_80))
    categories = np.where(rng.random(count) < marked_share, combo, 0).astype(np.int64)

    # Exits during the year, all with a change date after registration: deaths come to about
    # 0.5 % a month among special-difficulty elders, more among the oldest.
    special = (categories > 0) | (age >= 80)
    dies = np.select([age >= 80, special], [DEATH_80_PLUS, DEATH_SPECIAL], DEATH_OTHER)
    leaves = np.where(age >= 80, 0.02, 0.015)
    roll = rng.random(count)
    can_exit = registration < as_of
    exits = can_exit & (roll < dies + leaves)
    other_exit = np.where(
        age >= 80,
        pick(rng, [STATUS_MOVED, STATUS_INSTITUTION, STATUS_AWAY], count, [0.25, 0.5, 0.25]),
        pick(rng, [STATUS_MOVED, STATUS_INSTITUTION, STATUS_AWAY], count, [0.45, 0.25, 0.3]),
    )
    status = np.where(exits, np.where(roll < dies, STATUS_DEAD, other_exit), STATUS_ACTIVE)
    change_from = np.maximum(start, registration + 1)
    change = np.where(
        exits,
        change_from + (rng.random(count) * (as_of - change_from + 1)).astype(np.int64),
        -1,
    )
    # A few clerks write the status but not the day it changed.
    undated = exits & (rng.random(count) < UNDATED_EXIT_SHARE)

    # What else happens during the year, one thing per elder at most, to elders on the roster
    # since before it: moves to another street, vanishing, marking removed or added.
    n_streets = len(places.street_names)
    event_day = np.full(count, -1, dtype=np.int64)
    event = np.full(count, EVENT_NONE)
    if events_from is not None and n_streets > 1:
        settled = ~exits & (registration < start)
        unmarkable = (categories > 0) & (categories & ~(LONE | EMPTY_NEST | WIDOWED) == 0) \
            & (age < 79)
        chance = rng.random(count)
        shares = np.stack([
            np.where(special, VANISH_SPECIAL, VANISH_OTHER),
            np.where(special, MOVE_SPECIAL, MOVE_OTHER),
            np.where(unmarkable, UNMARK_SHARE, 0.0),
            np.where(special | (age >= 79), 0.0, MARK_SHARE),
        ])
        bounds = np.cumsum(shares, axis=0)
        drawn = settled & (chance < bounds[-1])
        event = np.where(drawn, (chance[None, :] >= bounds).sum(axis=0) + EVENT_VANISH, EVENT_NONE)
        event_day = np.where(drawn, events_from + (rng.random(count) * (as_of - events_from))
                             .astype(np.int64), -1)
    categories_after = np.select([event == EVENT_UNMARK, event == EVENT_MARK], [0, combo],
                                 categories).astype(np.int64)

    # Movers go to a community of another street.
    per_street = np.bincount(places.community_street, minlength=n_streets)
    first_of = np.cumsum(per_street) - per_street
    street = places.community_street[community]
    to_street = (street + rng.integers(1, max(n_streets, 2), size=count)) % max(n_streets, 1)
    dest = np.where(event == EVENT_MOVE, first_of[to_street] + (rng.random(count)
                    * per_street[to_street]).astype(np.int64), -1)
    movers = np.flatnonzero(dest >= 0)
    for _ in range(50):  # names stay unique within the community they move to
        owners = np.r_[np.arange(count), movers]
        places_of = np.r_[community, dest[movers]]
        clash = pd.DataFrame({"g": places_of, "n": names[owners]}).duplicated().to_numpy()
        if not clash.any():
            break
        redo = np.unique(owners[clash])
        names[redo] = make_names(rng, female[redo], ELDER_CHARS, two_char_share=1.0)

    widowed_living = pick(rng, [LIVING_RELATIVES, LIVING_OTHER], count)
    plain_living = pick(rng, [LIVING_COUPLE, LIVING_CHILDREN, LIVING_RELATIVES, LIVING_OTHER,
                              LIVING_BLANK], count, [0.56, 0.2, 0.05, 0.03, 0.16])
    plain_ability = np.where(rng.random(count) < 0.7, ABILITY_SELF, ABILITY_BLANK)
    # The 居住情况 or 失能程度 of a few elders contradicts their marking (底数不清): living alone
    # with nothing marked, or 完全失能 without 失能 among the categories.
    plain = (event == EVENT_NONE) & ~exits
    roll = rng.random(count)
    lone_unmarked = plain & (categories == 0) & (age < 79) & (roll < LONE_UNMARKED_SHARE)
    disabled_unmarked = plain & (categories > 0) & (categories & (DISABLED | SEMI_DISABLED) == 0) \
        & (roll < DISABLED_UNMARKED_SHARE)
    plain_living = np.where(lone_unmarked, LIVING_LONE, plain_living)
    plain_ability = np.where(disabled_unmarked, ABILITY_DISABLED, plain_ability)
    living = _living_of(categories, plain_living, widowed_living)
    ability = _ability_of(categories, plain_ability)
    ability = np.where(disabled_unmarked, ABILITY_DISABLED, ability)
    # Whose marking is removed has moved in with the children.
    after_living = np.where(event == EVENT_UNMARK, LIVING_CHILDREN,
                            _living_of(categories_after, plain_living, widowed_living))
    after_ability = np.where(disabled_unmarked, ABILITY_DISABLED,
                             _ability_of(categories_after, plain_ability))

    ever_special = special | (categories_after > 0)
    consent = np.where(ever_special, np.where(rng.random(count) < 0.02, CONSENT_NO, CONSENT_YES),
                       CONSENT_BLANK)

    # What a street that writes a 风险等级 column writes: the configured rules, 高龄 at as_of.
    risk = np.where(special, _risk_by_combination()[categories + (age >= 80) * (1 << len(CATEGORY_NAMES))],
                    RISK_BLANK)
    high = risk == RISK_HIGH
    birth_cell = np.where(rng.random(count) < 0.003, birth + rng.integers(1, 40, size=count), birth)
    address = _addresses(rng, places, community)
    dest_address = address.copy()
    if len(movers):
        dest_address[movers] = _addresses(rng, places, dest[movers])

    return pd.DataFrame({
        "community": community,
        "street": street,
        "name": names,
        "female": female,
        "birth": birth,
        "birth_cell": birth_cell,
        "age": age,
        "id_number": id_number,
        "categories": categories,
        "categories_after": categories_after,
        "special": special,
        "ever_special": ever_special,
        "living": living,
        "living_after": after_living,
        "ability": ability,
        "ability_after": after_ability,
        "consent": consent,
        "status": status,
        "change": change,
        "undated_exit": undated,
        "event": event,
        "event_day": event_day,
        "dest_community": dest,
        "registration": np.where(has_registration, registration, -1),
        "risk": risk,
        "high_risk": high,
        "address": address,
        "dest_address": dest_address,
        "phone": _elder_phones(rng, count),
    })


def _addresses(rng: np.random.Generator, places: Places, community: np.ndarray) -> np.ndarray:
    n = len(community)
    short = places.community_short[community].astype(str)
    road = np.strings.endswith(short, "路") | np.strings.endswith(short, "道")
    unit = as_text(rng.integers(1, 7, size=n))
    room = as_text(rng.integers(1, 7, size=n) * 100 + rng.integers(1, 4, size=n))
    on_road = strcat(short, as_text(rng.integers(1, 200, size=n)), "号", unit, "门", room)
    in_estate = strcat(short, as_text(rng.integers(1, 40, size=n)), "号楼", unit, "门", room)
    prefix = np.where(rng.random(n) < 0.5, f"天津市{places.district_name}", places.district_name)
    return strcat(prefix, np.where(road, on_road, in_estate))


def _elder_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    kind = rng.choice(5, size=n, p=[0.75, 0.08, 0.04, 0.09, 0.04])
    mobile = mobiles(rng, n)
    landline = landlines(rng, n, rng.random(n) < 0.8)
    separator = pick(rng, ["、", "，", "/", " "], n)
    return np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3],
        [mobile, strcat(mobile, separator, mobiles(rng, n)), strcat(landline, separator, mobile),
         landline],
        "",
    )


def make_staff(rng: np.random.Generator, n_communities: int) -> pd.DataFrame:
    """Visitors of each community: two 网格员, two 社工, then volunteers."""
    per_community = rng.integers(5, 9, size=n_communities)
    community = np.repeat(np.arange(n_communities), per_community)
    rank = np.arange(len(community)) - np.repeat(np.cumsum(per_community) - per_community,
                                                 per_community)
    female = rng.random(len(community)) < 0.65
    return pd.DataFrame({
        "community": community,
        "name": make_names(rng, female, YOUNG_CHARS, 0.5),
        "role": np.minimum(rank // 2, 2),
        "phone": mobiles(rng, len(community)),
    })


def assign_visitors(rng: np.random.Generator, elders: pd.DataFrame, staff: pd.DataFrame):
    """Each elder's 包联人: one of the community's 网格员 or 社工."""
    carers = staff[staff["role"] < 2]
    per_community = np.bincount(carers["community"], minlength=elders["community"].max() + 1)
    first_of = np.cumsum(per_community) - per_community
    community = elders["community"].to_numpy()
    chosen = first_of[community] + (rng.random(len(elders)) * per_community[community]).astype(int)
    return carers.index.to_numpy()[chosen]
