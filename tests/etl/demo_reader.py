"""An independent reader of the demo's exports: what a careful clerk would count in each file (for the
tests of the demo generator, tests/etl/test_demo*.py)."""

from __future__ import annotations

import functools
import io
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine

from etl.demo.rules import place_keys, valid_ids

AS_OF = date(2026, 10, 20)
BOM = b"\xef\xbb\xbf"
MAPPINGS = Path(__file__).resolve().parents[2] / "etl" / "mappings"
DAY = re.compile(r"(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?(?: \d{1,2}:\d{2}(?::\d{2})?)?")


# --- An independent reader: what a careful clerk would count in each file ------------------


# The mapping files read once (a district's year is 150 files, a city's 350, each asking for its fields)
@functools.cache
def _aliases() -> pd.DataFrame:
    return pd.read_csv(MAPPINGS / "headers.csv", dtype=str)


@functools.cache
def _synonyms(field: str) -> dict[str, str]:
    values = pd.read_csv(MAPPINGS / "values.csv", dtype=str, keep_default_na=False)
    values = values[values["field"] == field]
    return dict(zip(values["synonym"], values["value"], strict=True))


@functools.cache
def _field_of(kind: str) -> dict[str, str]:
    aliases = _aliases()
    aliases = aliases[aliases["kind"].isin([kind, "*"])]
    return dict(zip(aliases["alias"], aliases["field"], strict=True))


def _kind_of(path: Path) -> str:
    if "底册" in path.name:
        return "roster"
    return "contacts" if "联系人" in path.name else "visits"


def _decode(raw: bytes) -> str:
    if raw.startswith(BOM):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def _grid(path: Path) -> pd.DataFrame:
    """Every cell of the first sheet as text, title rows included."""
    if path.suffix == ".csv":
        return pd.read_csv(io.StringIO(_decode(path.read_bytes())), header=None, dtype=object, na_filter=False)
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    width = max(len(row) for row in rows)
    cells = [["" if v is None else str(v) for v in row] + [""] * (width - len(row)) for row in rows]
    return pd.DataFrame(cells, dtype=object)  # an ID stored as a number reads 1.2e+17


def _header_row(grid: pd.DataFrame, fields: dict[str, str]) -> int:
    return next(i for i in range(len(grid)) if grid.iloc[i].isin(list(fields)).sum() >= 3)


# A contact list writing its contact people side by side numbers the columns of each (联系人2电话, 第二联系人姓名);
# a column it does not number (关系, 是否有钥匙) is of the person before it
CONTACT_FIELDS = ("contact_name", "relation", "contact_phone", "has_key")
NUMERALS = "一二三四五六七八九"
PERSON_NUMBER = re.compile(rf"^第([{NUMERALS}])|(?<=联系人)([1-9])")
PERSON_COLUMN = re.compile(rf"(?:{'|'.join(CONTACT_FIELDS)})_(\d+)")  # a later contact person's field


def _unnumbered(cell: str, kind: str) -> tuple[int | None, str]:
    """The contact person a contact list's header cell numbers, and the cell without its number (None and the
    cell where it numbers none)."""
    match = PERSON_NUMBER.search(cell) if kind == "contacts" else None
    if match is None:
        return None, cell
    number = NUMERALS.index(match.group(1)) + 1 if match.group(1) else int(match.group(2))
    return number, cell[:match.start()] + cell[match.end():]


def _column_names(header: list[str], kind: str) -> list[str]:
    """Each header cell's canonical field, a contact person's after the first suffixed with its number
    (contact_phone_2); a cell no alias names keeps its text."""
    fields = _field_of(kind)
    names, person = [], 1
    for cell in header:
        number, rest = _unnumbered(cell, kind)
        field = fields.get(rest, cell)
        if field in CONTACT_FIELDS:
            person = number or person
            names.append(field if person == 1 else f"{field}_{person}")
        else:
            names.append(fields.get(cell, cell))
    return names


@functools.cache
def _table(path: Path) -> pd.DataFrame:
    """Data rows under the header, columns named by canonical field; blank and 合计 rows dropped."""
    fields = _field_of(_kind_of(path))
    grid = _grid(path)
    header = _header_row(grid, fields)
    frame = grid.iloc[header + 1:].copy()
    frame.columns = _column_names(list(grid.iloc[header]), _kind_of(path))
    # a blank row: every cell "" (a cell is text, or NaN past the end of a short CSV line: not blank); truth
    # tested in one numpy pass (comparing the frame with "" cost 3.6 of the 19 CPU-s of reading the district)
    filled = frame.to_numpy().astype(bool).any(axis=1)
    frame = frame[filled & (frame.iloc[:, 0] != "合计").to_numpy()]
    for place in ("street", "community"):  # merged cells: the value sits in the first row only
        if place in frame:
            frame[place] = frame[place].replace("", None).ffill()
    return frame.reset_index(drop=True)


def _each_distinct(rule, cells: pd.Series) -> pd.Series:
    """`rule` (a function of one cell, asked of many at once) for each cell, asked once per distinct cell: a
    year of a district's files repeats the same IDs and places a million times."""
    codes, distinct = pd.factorize(cells.astype(object), use_na_sentinel=False)
    answers = np.asarray(rule(list(distinct)), dtype=object)
    return pd.Series(answers[codes], index=cells.index, dtype=object)


def _id18(cells: pd.Series) -> pd.Series:
    """The valid 18-digit form of each ID cell (spaces, lowercase x and 15 digits allowed), as the
    macros check it; None where it is unusable."""
    return _each_distinct(valid_ids, cells)


def _place_key(names: pd.Series) -> pd.Series:
    """Street or community names without their suffix (cv_place_key)."""
    return _each_distinct(place_keys, names)


@functools.cache  # a year of visits repeats the same few thousand date cells 0.7 M times
def _day(text: str) -> date | None:
    match = DAY.fullmatch(text.strip())
    if match is None and re.fullmatch(r"(19|20)\d{6}", text.strip()):
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text.strip())
    if match is None:
        return None
    try:
        return date(*(int(g) for g in match.groups()[:3]))
    except ValueError:
        return None


def _place_keys(divisions: pd.DataFrame) -> frozenset[str]:
    return frozenset(place_keys([*divisions["name"], *divisions["short_name"]]))


_IDS: dict[Path, pd.Series] = {}


def _ids(path: Path) -> pd.Series:
    """The valid 18-digit form of each row's ID number (None where unusable)."""
    if path not in _IDS:
        _read_ids([path])
    return _IDS[path]


def _read_ids(paths: list[Path]) -> None:
    """The IDs of many files checked in one query: planning the macros costs more than the rows."""
    todo = [p for p in paths if p not in _IDS and "id_number" in _table(p)]
    if todo:
        checked = _id18(pd.concat([_table(p)["id_number"] for p in todo], ignore_index=True))
        ends = np.cumsum([len(_table(p)) for p in todo])
        for path, end in zip(todo, ends, strict=True):
            _IDS[path] = checked.iloc[end - len(_table(path)):end].set_axis(_table(path).index)


@functools.cache
def _reject_mask(path: Path, places: frozenset[str]) -> pd.Series:
    frame = _table(path)
    bad = pd.Series(False, index=frame.index)
    if "id_number" in frame:
        bad |= _ids(path).isna()
    if _kind_of(path) == "roster":
        bad |= ~_place_key(frame["community"]).isin(places)
    if _kind_of(path) == "visits":
        methods = _synonyms("method")
        bad |= frame["visit_date"].map(_day).isna()
        bad |= ~frame["method"].isin(methods)
        elder = ["id_number"] if "id_number" in frame else ["name", "community"]
        bad |= frame.duplicated(elder + ["visit_date", "method", "visitor", "outcome"])
    if _kind_of(path) == "contacts":  # a repeat names the same elder and the same contact people
        people = [c for c in frame if c.startswith(("contact_name", "contact_phone"))]
        bad |= frame.duplicated(["id_number", *people])
    return bad


def _contact_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A contact list's rows as a row per contact person they name (contact_index from 1, each person's cells
    under the plain field names): a person of whom nothing is written is no one, but a row's first is kept."""
    numbers = sorted({int(match.group(1)) for c in frame if (match := PERSON_COLUMN.fullmatch(c))})
    own = [c for c in CONTACT_FIELDS if c in frame]
    shared = frame.drop(columns=[c for c in frame if c.startswith(CONTACT_FIELDS)])
    people = [shared.assign(contact_index=1, **{c: frame[c] for c in own})]
    for number in numbers:
        person = frame[[f"{c}_{number}" for c in own]].set_axis(own, axis=1)
        named = (person != "").any(axis=1)
        people.append(shared[named].assign(contact_index=number, **{c: person.loc[named, c] for c in own}))
    return pd.concat(people).sort_index(kind="stable").reset_index(drop=True)


def _counted_rejects(exports, divisions: pd.DataFrame) -> dict[str, int]:
    places = _place_keys(divisions)
    _read_ids(exports.files)
    return {p.name: int(_reject_mask(p, places).sum()) for p in exports.files}


def _good_rows(exports, kind: str, divisions: pd.DataFrame) -> pd.DataFrame:
    """The rows of every file of a kind that load; of contact lists, a row per contact person."""
    places = _place_keys(divisions)
    _read_ids([path for path in exports.files if _kind_of(path) == kind])
    frames = []
    for path in exports.files:
        if _kind_of(path) == kind:
            frame = _table(path)
            good = frame[~_reject_mask(path, places)].assign(file=path.name)
            frames.append(_contact_people(good) if kind == "contacts" else good)
    return pd.concat(frames, ignore_index=True)


def _age(id18: str, on: date) -> int:
    born = date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _marked(roster: pd.DataFrame, category: str | None = None) -> pd.Series:
    """The category cell lists a special-difficulty category (that one, when given)."""
    categories = {k for k, v in _synonyms("category").items()
                  if v and v != "高龄" and (category is None or v == category)}
    return roster["categories"].map(
        lambda cell: any(part in categories for part in re.split(r"[、，,]", cell)))


def _special(roster: pd.DataFrame, as_of: date) -> pd.Series:
    """Special-difficulty per DESIGN §4: a category in the category cell, or 80+ (the living
    arrangement and disability columns are attributes, never categories)."""
    aged = roster["id18"].map(lambda s: _age(s, as_of) >= 80)
    return _marked(roster) | aged


def _rosters(exports, street: str | None = None) -> list[Path]:
    """Roster files oldest first (of one street, when given)."""
    return [p for p in exports.files if _kind_of(p) == "roster" and (street is None
            or p.name.startswith(street))]


def _latest_rosters(exports) -> list[Path]:
    last = max(exports.report_dates.values())
    return [p for p in _rosters(exports) if exports.report_dates[p.name] == last]


def _good_roster_rows(exports, paths: list[Path], divisions: pd.DataFrame) -> pd.DataFrame:
    places = _place_keys(divisions)
    _read_ids(paths)
    frames = []
    for path in paths:
        good = ~_reject_mask(path, places)
        frames.append(_table(path)[good].assign(file=path.name, id18=_ids(path)[good]))
    return pd.concat(frames, ignore_index=True)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
