"""Sheets as a street writes them: columns of distinct values and codes, planted warnings and bad rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from etl.demo.arrays import add_month, format_days, impossible_day, strcat
from etl.demo.rules import check_character_cycle
from etl.demo.setting import Calendar, Places, Style
from etl.demo.signals import visit_points
from etl.demo.visits import note_table
from etl.demo.vocabulary import (
    ABILITY_BLANK,
    ABILITY_DISABLED,
    ABILITY_LABELS,
    ABILITY_SEMI,
    CATEGORY_LABELS,
    CATEGORY_NAMES,
    CONSENT_LABELS,
    CONTACT_HEADERS,
    DISABLED,
    HANDLING,
    ISSUES,
    LIVING_BLANK,
    LIVING_LABELS,
    LIVING_LONE,
    LONE,
    METHOD_LABELS,
    OUTCOME_LABELS,
    PLACE_HEADERS,
    REFERRALS,
    RELATION_NAMES,
    RISK_BLANK,
    RISK_LABELS,
    ROLE_NAMES,
    ROSTER_HEADERS,
    SEMI_DISABLED,
    SERIAL_HEADERS,
    STATUS_ACTIVE,
    STATUS_LABELS,
    UNKNOWN_METHOD,
    UNKNOWN_VALUES,
    VISIT_HEADERS,
    YES_NO_LABELS,
)
from etl.mappings import CONTACT_FIELDS


@dataclass
class Column:
    values: np.ndarray  # object array: str, None, or for xlsx a datetime or float
    codes: np.ndarray  # one index into values per row

    def __post_init__(self) -> None:
        self.codes = np.array(self.codes, dtype=np.int64)  # own, writable copy

    def append(self, value) -> int:
        self.values = np.append(self.values, np.array([value], dtype=object))
        return len(self.values) - 1


@dataclass
class Sheet:
    kind: str
    roles: list[str]
    headers: list[str]
    columns: list[Column]
    serial_header: str | None
    title: str | None
    report_line: str | None
    total_row: bool
    day: np.ndarray | None = None  # visits only: day and minute of each row, for bad dates
    minute: np.ndarray | None = None
    merged_roles: tuple[str, ...] = ()
    ids: np.ndarray | None = None  # canonical ID numbers, aligned with the ID column's values
    bad_rows: int = 0
    misnamed: int = 0  # visits only: rows under another elder's name beside the ID number (_misname)

    def column(self, role: str) -> Column | None:
        return self.columns[self.roles.index(role)] if role in self.roles else None

    @property
    def n_rows(self) -> int:
        return len(self.columns[0].codes)

    def take(self, rows: np.ndarray) -> None:
        for column in self.columns:
            column.codes = column.codes[rows]
        if self.day is not None:
            self.day, self.minute = self.day[rows], self.minute[rows]


def object_array(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values) if not isinstance(values, np.ndarray) else values
    return out


def by_variant(options: tuple, variant: int) -> str:
    return options[variant % len(options)]


def labelled(rng: np.random.Generator, table: tuple, variant: int, codes: np.ndarray,
             vary: float = 0.0) -> Column:
    """A column of canonical codes written with a street's synonyms, a few rows differently."""
    values, offsets = [], []
    for synonyms in table:
        offsets.append(len(values))
        values.extend(synonyms)
    offsets = np.array(offsets)
    sizes = np.array([len(s) for s in table])
    preferred = variant % sizes[codes]
    other = rng.integers(0, 1 << 30, size=len(codes)) % sizes[codes]
    chosen = np.where(rng.random(len(codes)) < vary, other, preferred)
    return Column(object_array(values), offsets[codes] + chosen)


def _place_columns(places: Places, style: Style, community: np.ndarray) -> list[Column]:
    form = style.place_form
    street = places.street_names if form == 0 else strcat(
        places.street_short, "街" if form == 1 else "")
    if form == 0:
        comm = places.community_names
    elif form == 1:
        comm = strcat(places.community_short, "社区")
    else:
        comm = places.community_short
    return [Column(object_array(street), places.community_street[community]),
            Column(object_array(comm), community)]


def _id_values(rng: np.random.Generator, ids: np.ndarray, style: Style) -> np.ndarray:
    """The elders' ID numbers as one file writes them: spaces, lowercase x, legacy 15 digits."""
    n = len(ids)
    if not n:
        return object_array([])
    out = ids.astype("<U22")
    spaced = rng.random(n) < style.spaced_ids
    gaps = strcat(np.strings.slice(ids, 0, 6), " ", np.strings.slice(ids, 6, 14), " ",
                  np.strings.slice(ids, 14, 18))
    out = np.where(spaced, np.where(rng.random(n) < 0.5, gaps, strcat(ids, " ")), out)
    if style.lower_x:
        out = np.where(rng.random(n) < 0.6, np.strings.replace(out, "X", "x"), out)
    legacy = rng.random(n) < style.legacy_ids
    out = np.where(legacy, strcat(np.strings.slice(ids, 0, 6), np.strings.slice(ids, 8, 17)), out)
    return object_array(out)


def _dates(days: np.ndarray, fmt: str, minutes: np.ndarray | None = None,
           blank: np.ndarray | None = None) -> Column:
    """A date column of distinct values; excel gives datetime cells, blank rows stay empty."""
    key = days * 1440 + (minutes if minutes is not None and fmt in ("iso_time", "excel") else 0)
    unique, codes = np.unique(key, return_inverse=True)
    if fmt == "excel":
        values = object_array([datetime(1970, 1, 1) + timedelta(minutes=int(k)) for k in unique])
        if minutes is None:
            values = object_array([v.date() for v in values])
    else:
        values = object_array(format_days(unique // 1440, fmt, unique % 1440))
    column = Column(values, codes)
    return column if blank is None else _optional(column, blank)


def _title_lines(style: Style, title: str, unit: str,
                 reported: date) -> tuple[str | None, str | None]:
    if not style.title_rows:
        return None, None
    return title, f"填报单位：{unit}  填报日期：{reported.year}年{reported.month}月{reported.day}日"


def roster_sheet(rng: np.random.Generator, e: pd.DataFrame, ids: np.ndarray,
                 staff: pd.DataFrame, places: Places, style: Style, reported: date,
                 unit: str) -> Sheet:
    """One roster snapshot: e holds the elders it lists, as it lists them (one row each)."""
    v = style.variant
    n = len(e)
    fmt = style.roster_date
    text_fmt = "slash" if fmt == "excel" else fmt
    roles, headers, columns = ["street", "community"], [
        by_variant(PLACE_HEADERS["street"], v), by_variant(PLACE_HEADERS["community"], v)], []
    columns += _place_columns(places, style, e["community"].to_numpy())

    def put(role, column, table=ROSTER_HEADERS):
        roles.append(role)
        headers.append(by_variant(table[role] if role in table else PLACE_HEADERS[role], v))
        columns.append(column)

    per_row = np.arange(n)
    put("name", Column(object_array(e["name"].to_numpy()), per_row))
    put("sex", Column(object_array(["男", "女"]), e["female"].to_numpy().astype(int)))
    put("id_number", Column(_id_values(rng, ids, style), per_row))
    put("birth_date", _dates(e["birth_cell"].to_numpy(), fmt))
    put("address", Column(object_array(e["address"].to_numpy()), per_row))
    phone = e["phone"].to_numpy()
    put("phone", Column(object_array(np.where(phone == "", None, phone)), per_row))
    put("categories", _category_column(style, e))
    living = e["living"].to_numpy()
    put("living", _optional(labelled(rng, LIVING_LABELS, v, np.minimum(living, 4)),
                            living == LIVING_BLANK))
    if style.disability_column:
        ability = e["ability"].to_numpy()
        put("disability", _optional(labelled(rng, ABILITY_LABELS, v, np.minimum(ability, 2)),
                                    ability == ABILITY_BLANK))
    consent = e["consent"].to_numpy()
    pair = CONSENT_LABELS[v % len(CONSENT_LABELS)]
    consent_values = object_array([pair[0], pair[1], pair[0] if style.ordinary_consent else None])
    put("consent", Column(consent_values, consent))
    status = e["status"].to_numpy()
    put("status", labelled(rng, STATUS_LABELS, v, status))
    change = e["change"].to_numpy()
    put("change_date", _dates(np.maximum(change, 0), text_fmt, blank=change < 0))
    registration = e["registration"].to_numpy()
    put("reg_date", _dates(np.maximum(registration, 0), fmt, blank=registration < 0))
    put("visitor", Column(object_array(staff["name"].to_numpy()), e["visitor"].to_numpy()))
    if style.risk != "absent":
        labels = RISK_LABELS[v % 2]
        risk = e["risk"].to_numpy() if style.risk == "given" else np.full(n, RISK_BLANK)
        put("risk_level", Column(object_array([*labels, None]), risk))
    # A roster always says when it was drawn up: its 填报日期 dates the snapshot.
    title, report = _title_lines(replace(style, title_rows=True),
                                 f"{places.district_name}居家老年人情况底册", unit, reported)
    return Sheet("roster", roles, headers, columns, by_variant(SERIAL_HEADERS, v), title, report,
                 style.total_row,
                 merged_roles=("street", "community") if style.merged_places else (),
                 ids=ids)


def _optional(column: Column, blank: np.ndarray) -> Column:
    if blank.any():
        column.codes = np.where(blank, column.append(None), column.codes)
    return column


def _category_column(style: Style, elders: pd.DataFrame) -> Column:
    family = style.variant % 3
    values = []
    for code in range(256):
        labels = [CATEGORY_LABELS[i][family] for i in range(len(CATEGORY_NAMES)) if code >> i & 1]
        if code & 128:
            labels.append(CATEGORY_LABELS[-1][family])
        values.append("、".join(labels) if labels else style.ordinary_category)
    aged = elders["aged"].to_numpy() & style.aged_in_categories
    return Column(object_array(values), elders["categories"].to_numpy() + 128 * aged)


def visits_sheet(rng: np.random.Generator, visits: pd.DataFrame, elders: pd.DataFrame,
                 ids: np.ndarray, staff: pd.DataFrame, places: Places, style: Style,
                 calendar: Calendar, unit: str, month: int, xlsx: bool) -> Sheet:
    v = style.variant
    elder = visits["elder"].to_numpy()
    used, local = np.unique(elder, return_inverse=True)
    roles = ["street", "community", "name"]
    headers = [by_variant(PLACE_HEADERS["street"], v), by_variant(PLACE_HEADERS["community"], v),
               by_variant(VISIT_HEADERS["name"], v)]
    columns = _place_columns(places, style, visits["community"].to_numpy())
    names = Column(object_array(elders["name"].to_numpy()[used]), local)
    columns.append(names)
    day = visits["day"].to_numpy() + calendar.start_epoch
    minute = visits["minute"].to_numpy()
    misnamed = 0
    if style.visits_have_id:
        roles.append("id_number")
        headers.append(by_variant(PLACE_HEADERS["id_number"], v))
        columns.append(Column(_id_values(rng, ids[used], style), local))
        misnamed = _misname(names, visits, day, minute)
    notes, _ = note_table()
    issue = visits["issue"].to_numpy()
    problems = [p for issues in ISSUES.values() for _, p, _ in issues]
    actions = [a for issues in ISSUES.values() for _, _, a in issues]
    visitor = visits["visitor"].to_numpy()
    more = [
        ("visit_date", _dates(day, "excel" if xlsx else style.visit_date, minute)),
        ("method", labelled(rng, METHOD_LABELS, v, visits["method"].to_numpy(), vary=0.06)),
        ("outcome", labelled(rng, OUTCOME_LABELS, v, visits["outcome"].to_numpy(), vary=0.06)),
        ("visitor", Column(object_array(staff["name"].to_numpy()), visitor)),
        ("visitor_role", Column(object_array(ROLE_NAMES), staff["role"].to_numpy()[visitor])),
        ("findings", Column(object_array(notes), visits["note"].to_numpy())),
        ("problem", Column(object_array([*problems, None]), np.where(issue < 0, len(problems),
                                                                     issue))),
        ("action", Column(object_array([*actions, None]), np.where(issue < 0, len(actions), issue))),
    ]
    if style.visits_have_gps:
        latitude, longitude = visit_points(visits, len(elders), len(places.community_names))
        more += [(role, Column(object_array([*(f"{x:.6f}" for x in values), None]),
                               np.where(np.isnan(values), len(values), np.arange(len(values)))))
                 for role, values in (("latitude", latitude), ("longitude", longitude))]
    if style.handling_columns:
        more += [
            ("resolution", Column(object_array([None, *(by_variant(words, v) for words in HANDLING[1:])]),
                                  visits["handling"].to_numpy())),
            ("referral", Column(object_array([None, *REFERRALS]), visits["referral"].to_numpy() + 1)),
        ]
    if style.entry_times:
        entered_day, entered_minute = entry_times(visits, day, minute, calendar)
        more.append(("entered_at", _dates(entered_day, "iso_time", entered_minute)))
    for role, column in more:
        roles.append(role)
        headers.append(by_variant(VISIT_HEADERS[role], v))
        columns.append(column)
    first = calendar.month_starts[month]
    reported = min(add_month(first) + timedelta(days=2), calendar.as_of)
    title = f"{places.district_name}探访关爱服务记录（{first.year}年{first.month}月）"
    title, report = _title_lines(style, title, unit, reported)
    return Sheet("visits", roles, headers, columns, by_variant(SERIAL_HEADERS, v + 1), title, report,
                 style.total_row, day=day, minute=minute, ids=ids[used], misnamed=misnamed)


# About 3 in 10,000 visits with an ID number written under the name of the elder on the line below (a clerk's
# slip): counted to the ID number's elder, the load asks the clerk to check the rows (name_differs). A hash of
# the visit, not the random generator, so that no other demo figure moves.
MISNAMED_PER_10000 = 3


def _misname(names: Column, visits: pd.DataFrame, day: np.ndarray, minute: np.ndarray) -> int:
    """Write a few rows' names as the next elder's of the file (names: one value per elder, its codes per row),
    where the two names differ; returns how many."""
    mix = (visits["elder"].to_numpy().astype(np.int64) * 40503 + day * 2654435761 + minute * 97) % 1000003
    neighbour = (names.codes + 1) % max(len(names.values), 1)
    slip = (mix % 10000 < MISNAMED_PER_10000) & (names.values[neighbour] != names.values[names.codes])
    names.codes = np.where(slip, neighbour, names.codes)
    return int(slip.sum())


# About 2 in 1,000 visits and calls typed into the system weeks after the visit (督查: visits entered
# late); the rest within two days. A hash of the visit, not the random generator, so that no other demo
# figure moves.
LATE_ENTRY_PER_1000 = 2


def entry_times(visits: pd.DataFrame, day: np.ndarray, minute: np.ndarray,
                calendar: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """(day, minute) each visit was entered, never after the demo's last day."""
    mix = (visits["elder"].to_numpy().astype(np.int64) * 2654435761 + day * 40503 + minute) % 1000003
    late = mix % 1000 < LATE_ENTRY_PER_1000
    lag = np.where(late, 10 + mix % 25, mix % 3)
    last = calendar.start_epoch + calendar.n_days - 1
    return np.minimum(day + lag, last), np.minimum(minute + 30 + mix % 120, 1439)


def contacts_sheet(rng: np.random.Generator, contacts: pd.DataFrame, elders: pd.DataFrame,
                   ids: np.ndarray, places: Places, style: Style, calendar: Calendar,
                   unit: str, fmt: str) -> Sheet:
    v = style.variant
    elder = contacts["elder"].to_numpy()
    used, local = np.unique(elder, return_inverse=True)
    n = len(contacts)
    roles = ["street", "community", "name", "id_number"]
    headers = [by_variant(PLACE_HEADERS["street"], v), by_variant(PLACE_HEADERS["community"], v),
               by_variant(CONTACT_HEADERS["name"], v), by_variant(PLACE_HEADERS["id_number"], v)]
    columns = _place_columns(places, style, contacts["community"].to_numpy())
    columns.append(Column(object_array(elders["name"].to_numpy()[used]), local))
    columns.append(Column(_id_values(rng, ids[used], style), local))
    yes, no = YES_NO_LABELS[v % 2]
    date_fmt = "excel" if fmt == "xlsx" else ("slash" if style.roster_date == "excel"
                                               else style.roster_date)
    more = [
        ("contact_name", Column(object_array(contacts["name"].to_numpy()), np.arange(n))),
        ("relation", Column(object_array(RELATION_NAMES), contacts["relation"].to_numpy())),
        ("contact_phone", Column(object_array(contacts["phone"].to_numpy()), np.arange(n))),
        ("has_key", Column(object_array([no, yes]), contacts["has_key"].to_numpy().astype(int))),
        ("set_date", _dates(contacts["set_day"].to_numpy(), date_fmt)),
    ]
    for role, column in more:
        roles.append(role)
        headers.append(by_variant(CONTACT_HEADERS[role], v))
        columns.append(column)
    title, report = _title_lines(style, f"{places.district_name}失能老年人联系人情况表", unit,
                                 calendar.as_of)
    return Sheet("contacts", roles, headers, columns, by_variant(SERIAL_HEADERS, v), title, report,
                 False, ids=ids[used])


# A contact person's columns, where a contact list writes its people side by side (Style.contact_people): the
# fields the loader reads of each person
PERSON_ROLES = CONTACT_FIELDS
# Elders on such a list whose first contact person has no usable phone and whose second has one: at least these
# many where the list has the people for it (the second is who the community calls: 失能帮扶率 counts them)
SECOND_ONLY_ELDERS = 3
USABLE_PHONE = r"1[3-9]\d{9}|022-\d{8}"


def numbered(header: str, person: int, variant: int) -> str:
    """A contact person's name or phone header numbered as a street numbers its groups of columns: 联系人2电话
    (even variants) or 第二联系人电话 (odd)."""
    if variant % 2:
        return f"第{'一二三四五六七八九'[person - 1]}{header}"
    return header.replace("联系人", f"联系人{person}", 1)


def _elder_runs(sheet: Sheet) -> tuple[np.ndarray, np.ndarray]:
    """The first row and the number of rows of each elder's run of a contact list (a row whose ID was spoilt is
    a run of its own)."""
    name, id_number = sheet.column("name"), sheet.column("id_number")
    key = name.codes * len(id_number.values) + id_number.codes  # an elder's rows follow one another
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    return starts, np.diff(np.r_[starts, len(key)])


def _lend_second_people(sheet: Sheet) -> None:
    """Give a few elders whose one contact person has no usable phone the second person of an elder with two
    usable ones, until SECOND_ONLY_ELDERS elders have a second person only to call: a person moves, so the list
    keeps its people, its unusable phones and its elders with two people."""
    starts, size = _elder_runs(sheet)
    phone = sheet.column("contact_phone")
    usable = pd.Series(phone.values[phone.codes], dtype=object).str.fullmatch(USABLE_PHONE, na=False).to_numpy(bool)
    second = np.minimum(starts + 1, max(sheet.n_rows - 1, 0))
    natural = (size == 2) & ~usable[starts] & usable[second]
    lenders = second[(size == 2) & usable[starts] & usable[second]]
    spoilt = sheet.column("id_number").codes[starts] >= len(sheet.ids)  # a planted bad ID: the row is rejected
    borrowers = starts[(size == 1) & ~usable[starts] & ~spoilt]
    count = max(0, min(SECOND_ONLY_ELDERS - int(natural.sum()), len(lenders), len(borrowers)))
    lenders, borrowers = lenders[:count], borrowers[:count]
    for role, column in zip(sheet.roles, sheet.columns, strict=True):
        if role not in PERSON_ROLES:  # the elder's cells, 确定日期 too
            column.codes[lenders] = column.codes[borrowers]
    position = np.arange(sheet.n_rows, dtype=np.float64)
    position[lenders] = borrowers + 0.5
    sheet.take(np.argsort(position, kind="stable"))


def side_by_side(sheet: Sheet, people: int, variant: int) -> Sheet:
    """A contact list (contacts_sheet's, bad rows planted) as a street writes it a row per elder: the elder's
    contact people side by side, a group of columns each (its name and phone headers numbered, 关系 and 钥匙
    taken as the person's before them), the groups an elder lacks empty, the row's 确定日期 its first
    person's. A row whose ID was spoilt stays a row of its own, so the planted bad rows still count."""
    sheet = replace(sheet, columns=[Column(column.values, column.codes) for column in sheet.columns])
    _lend_second_people(sheet)
    starts, size = _elder_runs(sheet)
    if size.max(initial=0) > people:
        raise ValueError(f"an elder has {size.max()} contact people, the list has room for {people}")
    roles, headers, columns = [], [], []
    for role, header, column in zip(sheet.roles, sheet.headers, sheet.columns, strict=True):
        if role not in PERSON_ROLES:
            roles.append(role)
            headers.append(header)
            columns.append(Column(column.values, column.codes[starts]))
        elif role == PERSON_ROLES[0]:
            for person in range(1, people + 1):
                rows = np.minimum(starts + person - 1, max(sheet.n_rows - 1, 0))
                for each in PERSON_ROLES:
                    of_all, heading = sheet.column(each), sheet.headers[sheet.roles.index(each)]
                    roles.append(each if person == 1 else f"{each}_{person}")
                    headers.append(numbered(heading, person, variant) if each in ("contact_name", "contact_phone")
                                   else heading)
                    columns.append(_optional(Column(of_all.values, of_all.codes[rows]), size < person))
    return Sheet(sheet.kind, roles, headers, columns, sheet.serial_header, sheet.title, sheet.report_line,
                 sheet.total_row, ids=sheet.ids, bad_rows=sheet.bad_rows)


def roster_warnings(e: pd.DataFrame, style: Style) -> dict[str, np.ndarray]:
    """Rows that load with a warning by design: exits without a date, attributes contradicting
    the marking (底数不清)."""
    categories = e["categories"].to_numpy()
    ability = e["ability"].to_numpy()
    contradiction = (e["living"].to_numpy() == LIVING_LONE) & (categories & LONE == 0)
    if style.disability_column:
        contradiction |= (ability == ABILITY_DISABLED) & (categories & DISABLED == 0)
        contradiction |= (ability == ABILITY_SEMI) & (categories & SEMI_DISABLED == 0)
    return {"exit_without_date": (e["status"].to_numpy() != STATUS_ACTIVE)
            & (e["change"].to_numpy() < 0),
            "contradiction": contradiction}


def plant_unknown_values(rng: np.random.Generator, sheet: Sheet, candidates: np.ndarray,
                         share: float) -> np.ndarray:
    """Write a few attributes in words no mapping knows: the rows load, with a warning."""
    rows = np.flatnonzero(candidates)
    count = min(int(rng.binomial(sheet.n_rows, share)), len(rows))
    rows = np.sort(rng.choice(rows, size=count, replace=False))
    roles = [role for role in UNKNOWN_VALUES if sheet.column(role) is not None]
    if not count:
        return rows
    which = np.asarray(roles)[rng.integers(len(roles), size=count)]
    for role in roles:
        column = sheet.column(role)
        mine = rows[which == role]
        column.codes[mine] = column.append(UNKNOWN_VALUES[role])
    return rows


# --- Deliberately bad rows ------------------------------------------------------------------


def plant_bad_rows(rng: np.random.Generator, sheet: Sheet, share: float, fmt: str,
                   date_fmt: str, unknown_community: str,
                   candidates: np.ndarray | None = None) -> None:
    """Corrupt a few rows the way real exports are corrupt (only candidates, when given);
    sheet.bad_rows counts them."""
    kinds = []
    id_column = sheet.column("id_number")
    if id_column is not None:
        kinds += ["check_digit", "id_as_number"]
    if sheet.kind == "roster" and not sheet.merged_roles:
        kinds.append("unknown_community")
    if sheet.kind == "visits":
        kinds += ["impossible_date", "unknown_method", "duplicate"]
    if sheet.kind == "contacts":
        kinds = ["check_digit"]
    pool = np.arange(sheet.n_rows) if candidates is None else np.flatnonzero(candidates)
    count = min(int(rng.binomial(sheet.n_rows, share)), sheet.n_rows // 2, len(pool))
    if not kinds or not count:
        return
    rows = rng.choice(pool, size=count, replace=False)
    kind = np.asarray(kinds)[rng.integers(len(kinds), size=count)]
    for row, what in zip(rows.tolist(), kind.tolist(), strict=True):
        if what in ("check_digit", "id_as_number"):
            good = str(sheet.ids[id_column.codes[row]])
            if what == "check_digit":
                cycle = check_character_cycle()
                wrong = cycle[(cycle.index(good[17]) + 1 + int(rng.integers(10))) % 11]
                bad = good[:17] + wrong
            else:
                number = float(good[:17] + ("0" if good[17] == "X" else good[17]))
                bad = number if fmt == "xlsx" else f"{number:.5E}"
            id_column.codes[row] = id_column.append(bad)
        elif what == "unknown_community":
            column = sheet.column("community")
            column.codes[row] = column.append(unknown_community)
        elif what == "impossible_date":
            column = sheet.column("visit_date")
            column.codes[row] = column.append(
                impossible_day(int(sheet.day[row]), date_fmt, int(sheet.minute[row])))
        elif what == "unknown_method":
            column = sheet.column("method")
            column.codes[row] = column.append(UNKNOWN_METHOD)
    duplicated = np.sort(rows[kind == "duplicate"])
    if len(duplicated):
        sheet.take(np.sort(np.concatenate([np.arange(sheet.n_rows), duplicated]), kind="stable"))
    sheet.bad_rows = count
