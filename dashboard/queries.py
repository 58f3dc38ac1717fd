"""The dashboard's one door to DuckDB: read-only, marts only, every query scoped to a place."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import os
import re
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.accounts import ALL  # the scope and place of a user who may see every district
from dashboard.measures import help_as_said, in_progress, same_day_last_month
from etl import reasons, reports
from etl.build import AS_OF_MEMORY_LIMIT, as_of_name, build_as_of_file, same_day_name
from etl.settings import HIDDEN_TOO, engine_config, small_count
from etl.sqlfiles import remove_database
from etl.sqlfiles import sql as etl_sql
from etl.temporary import temporary_folder

ROOT_LEVEL = "root"
# The work list's "this week": those due within this many days of the as-of date, the overdue included
DUE_WITHIN = 7

# Every query's scope condition, `in_scope($scope, …)` on the place it is about, and the other rules on
# places are macros of dashboard/sql/macros.sql, made in each session's in-memory catalog and found
# through the search path, after the marts.
SEARCH_PATH = "warehouse.main,memory.main"

# What each server process's DuckDB may hold in memory (the blocks of the warehouse it has read, the
# as-of months it recomputed, a query's working set): past it, blocks are dropped and re-read, and
# working sets spill to a private temporary folder. Without a limit DuckDB keeps up to 80 % of the
# machine's memory, and a province's server grew to 7 GiB. CAREVISIT_READER_MEMORY sets it
# (DuckDB's units: "1GB"); a gunicorn worker's Python, Dash and kept answers come on top (about 250 MB).
READER_MEMORY_LIMIT = "500MB"

METRIC_COLUMNS = (
    "special_count", "eligible_home", "visited_home", "eligible_any", "visited_any", "declined_count",
    "contact_days_eligible", "contact_days_covered", "alone_count", "fully_covered_count", "disabled_count",
    "disabled_with_contact", "disabled_unreported_count", "overdue_count", "not_visited_count", "open_problem_count",
    "multi_category_count", "problem_visit_count", "emergency_visit_count",
)


class Queries:
    """The queries a process runs at once on its DuckDB instance, which share its memory: beside each other, or one
    alone, which waits for those running and lets none start until it is done."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._running = 0
        self._alone = False

    @contextlib.contextmanager
    def beside(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._alone)
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    @contextlib.contextmanager
    def alone(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._alone)
            self._alone = True
            self._changed.wait_for(lambda: self._running == 0)
        try:
            yield
        finally:
            with self._changed:
                self._alone = False
                self._changed.notify_all()


# A server process's queries (every Reader's: they share the process's DuckDB instance)
QUERIES = Queries()


class OutOfScope(LookupError):
    """A place the user may not see, or that does not exist."""


@dataclass(frozen=True)
class Place:
    code: str
    level: str  # root | district | street | community
    name: str
    short_name: str
    parent_code: str | None


class Reader:
    """Runs queries; `cursor()` decides which data they see.

    `cache=True` keeps the answer for as long as the data it was read from (see Warehouse.remember):
    for the small, aggregate answers that many requests ask again. DuckDB plans each query anew, and
    planning one of these takes longer than running it (5-10 ms of CPU for a few hundred rows).
    """

    def cursor(self) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
        raise NotImplementedError

    def remember(self, key: tuple, compute: Callable[[], object],
                 weight: Callable[[object], int] | None = None) -> object:
        """`compute()`, or its answer kept from an earlier call with the same key on the same data;
        `weight(answer)`: the rows it holds (default: a frame's or a list's length, else 1)."""
        return compute()

    def frame(self, query: str, params: dict | None = None, *, cache: bool = False) -> pd.DataFrame:
        used = _used(query, params)
        if not cache:
            return self._frame(query, used)
        # copy-on-write (pandas 3): a caller that changes its copy does not change the one kept
        return self.remember(("frame", query, _key(used)), lambda: self._frame(query, used)).copy(deep=False)

    def rows(self, query: str, params: dict | None = None, *, cache: bool = False) -> list[tuple]:
        used = _used(query, params)
        if not cache:
            return self._rows(query, used)
        return list(self.remember(("rows", query, _key(used)), lambda: tuple(self._rows(query, used))))

    def _frame(self, query: str, used: dict) -> pd.DataFrame:
        return self._run(lambda cursor: cursor.execute(query, used).df())

    def _rows(self, query: str, used: dict) -> list[tuple]:
        return self._run(lambda cursor: cursor.execute(query, used).fetchall())

    def _run(self, fetch: Callable[[duckdb.DuckDBPyConnection], object]) -> object:
        """`fetch(cursor)` beside the process's other queries; when they leave it too little of the reader's memory
        (READER_MEMORY_LIMIT), again alone (QUERIES): 50 users' work lists at a province ran out of it, 46 of 3,414
        requests, before."""
        try:
            with QUERIES.beside(), self.cursor() as cursor:
                return fetch(cursor)
        except duckdb.OutOfMemoryException:
            pass
        with QUERIES.alone(), self.cursor() as cursor:
            return fetch(cursor)

    def compared(self, month_start: dt.date, as_of: dt.date) -> AsOfView:
        """What a month in progress is compared with: a view whose place_months holds the month `month_start` (the
        month before) counted to `as_of` (the same day), see Warehouse.compared."""
        raise NotImplementedError


class Warehouse(Reader):
    """Read-only access that follows the file: a load swaps in a new file, readers re-attach to it.

    Each re-attach is a fresh in-memory DuckDB instance, because duckdb.connect(path) would hand
    back the old, cached database while any connection to it is open.
    """

    MAX_AS_OF_VIEWS = 16
    # Answers kept: aggregates are a few rows each; a list of masked evidence (督查) a few thousand, so
    # the rows are bounded too (about 100 MB a worker at 300 bytes a row).
    MAX_REMEMBERED = 4096
    MAX_REMEMBERED_ROWS = 300_000

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._lock = threading.Lock()
        self._root: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int] | None = None
        self._as_of_views: dict[tuple, str] = {}
        self._as_of_building: dict[tuple, threading.Lock] = {}
        self._same_day_stored: set[str] = set()
        self._remembered: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._remembered_rows = 0
        self._spill_parent: Path | None = None

    def _current(self) -> duckdb.DuckDBPyConnection:
        stat = os.stat(self.db_path)
        identity = (stat.st_ino, stat.st_mtime_ns)
        with self._lock:
            if identity != self._identity:
                root = duckdb.connect(config=engine_config(
                    memory_limit=os.environ.get("CAREVISIT_READER_MEMORY", READER_MEMORY_LIMIT),
                    temp_directory=str(self._spill_folder(identity))))
                root.execute("attach $path as warehouse (read_only)", {"path": str(self.db_path)})
                root.execute(sql("macros"))
                self._root, self._identity, self._as_of_views, self._as_of_building = root, identity, {}, {}
                # the month-on-month comparison of a month in progress, built by the load (build_same_day_comparison)
                self._same_day_stored = {name for (name,) in root.execute(
                    "select schema_name from duckdb_schemas() where database_name = 'warehouse'"
                    " and starts_with(schema_name, 'same_day_')").fetchall()}
                for stale in self._spill_parent.glob("as-of-*.duckdb"):  # the previous file's (readable while open)
                    if not stale.name.startswith(f"as-of-{identity[0]}-{identity[1]}-"):
                        remove_database(stale)
                self._remembered, self._remembered_rows = OrderedDict(), 0  # a new file: no old answer holds
            return self._root

    def _spill_folder(self, identity: tuple[int, int]) -> Path:
        """Where this file's DuckDB instance spills: its own folder (an instance still serving the previous
        file may spill beside it), made by DuckDB and removed with the instance, in a private folder
        of this process, removed at exit (or by the next load, if the process was killed)."""
        if self._spill_parent is None:
            self._spill_parent = temporary_folder("-reader")
            atexit.register(shutil.rmtree, self._spill_parent, ignore_errors=True)
        return self._spill_parent / f"{identity[0]}-{identity[1]}"

    def remember(self, key: tuple, compute: Callable[[], object],
                 weight: Callable[[object], int] | None = None) -> object:
        """Answers are kept per file (its inode and mtime), so a load that swaps in a new file is seen
        by the next request, and least recently used answers make room for new ones."""
        self._current()
        with self._lock:
            key = (self._identity, *key)
            if key in self._remembered:
                self._remembered.move_to_end(key)
                return self._remembered[key][0]
        value = compute()  # outside the lock: other requests go on meanwhile
        with self._lock:
            if key[0] == self._identity:  # not if a new file came in meanwhile
                if key not in self._remembered:
                    self._remembered[key] = (value, (weight or _row_count)(value))
                    self._remembered_rows += self._remembered[key][1]
                while (len(self._remembered) > self.MAX_REMEMBERED
                       or self._remembered_rows > self.MAX_REMEMBERED_ROWS):
                    self._remembered_rows -= self._remembered.popitem(last=False)[1][1]
        return value

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self._current().cursor()
        try:
            cursor.execute("use warehouse")
            cursor.execute(f"set search_path = '{SEARCH_PATH}'")
            yield cursor
        finally:
            cursor.close()

    def forget(self) -> None:
        """Drop the answers kept so far (a benchmark's first request after a load)."""
        with self._lock:
            self._remembered, self._remembered_rows = OrderedDict(), 0

    def has_as_of(self, month_start: dt.date, as_of: dt.date) -> bool:
        """Whether that recomputed month is built already (asking for it again costs nothing)."""
        self._current()
        return (self._identity, month_start, as_of) in self._as_of_views

    def as_of(self, month_start: dt.date, as_of: dt.date) -> AsOfView:
        """This warehouse with one month recomputed at another as-of date: built once, then cached.

        The recomputed marts live in a database attached beside the warehouse and put first on the search
        path, so every query in this module works on them unchanged. It is a file in the process's private
        folder, not memory: its tables leave the reader's memory to the queries (at a province's size a
        recomputed month is some 150 MB). It is built outside the lock (at a province it takes half a
        minute): this worker's other requests go on meanwhile, and a second request for it waits for it.
        """
        root = self._current()
        with self._lock:
            identity = self._identity
            key = (identity, month_start, as_of)
            name = self._as_of_views.get(key)
            if name is not None:
                return AsOfView(self, f"{name}.main")
            building = self._as_of_building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                name = self._as_of_views.get(key)
            if name is None:
                name = as_of_name(month_start, as_of)
                self._build_as_of(root, name, self._as_of_file(identity, name), month_start, as_of)
                with self._lock:
                    self._as_of_building.pop(key, None)
                    if identity != self._identity:  # a load swapped the file meanwhile: recompute on the new one
                        return self.as_of(month_start, as_of)
                    if len(self._as_of_views) >= self.MAX_AS_OF_VIEWS:
                        oldest = self._as_of_views.pop(next(iter(self._as_of_views)))
                        root.execute(f"detach {oldest}")
                        remove_database(self._as_of_file(identity, oldest))
                    self._as_of_views[key] = name
        return AsOfView(self, f"{name}.main")

    def _as_of_file(self, identity: tuple[int, int], name: str) -> Path:
        return self._spill_parent / f"as-of-{identity[0]}-{identity[1]}-{name}.duckdb"

    def _build_as_of(self, root: duckdb.DuckDBPyConnection, name: str, path: Path, month_start: dt.date,
                     as_of: dt.date) -> None:
        """The recomputed month written to `path` by an instance of its own (the reader's memory is for answering
        pages; a province's month needs more, for 7-8 s and 12 CPU-s), then attached read-only to the reader."""
        build_as_of_file(self.db_path, path, month_start, as_of,
                         os.environ.get("CAREVISIT_AS_OF_MEMORY", AS_OF_MEMORY_LIMIT))
        try:
            root.execute(f"attach $path as {name} (read_only)", {"path": str(path)})
        except BaseException:
            remove_database(path)
            raise

    def compared(self, month_start: dt.date, as_of: dt.date) -> AsOfView:
        """The month before a month in progress counted to the same day: the comparison the load stored
        (build_same_day_comparison: that month's place_months alone), or else this warehouse with the month
        recomputed (as_of)."""
        self._current()
        with self._lock:
            if same_day_name(month_start, as_of) in self._same_day_stored:
                return AsOfView(self, f"warehouse.{same_day_name(month_start, as_of)}")
        return self.as_of(month_start, as_of)


class AsOfView(Reader):
    """`schema`: where the recomputed marts are, first on the search path (`database.schema`)."""

    def __init__(self, warehouse: Warehouse, schema: str):
        self.warehouse, self.schema = warehouse, schema

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.warehouse.cursor() as cursor:
            cursor.execute(f"set search_path = '{self.schema},{SEARCH_PATH}'")
            yield cursor

    def compared(self, month_start: dt.date, as_of: dt.date) -> AsOfView:
        """From the stored data, not from this view's month."""
        return self.warehouse.compared(month_start, as_of)

    def remember(self, key: tuple, compute: Callable[[], object],
                 weight: Callable[[object], int] | None = None) -> object:
        return self.warehouse.remember((self.schema, *key), compute, weight)


@functools.cache
def sql(name: str) -> str:
    """The text of dashboard/sql/<name>.sql: a query whose values are `$parameters`."""
    return resources.files("dashboard").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8")


def _used(query: str, params: dict | None) -> dict:
    """The parameters a query refers to: DuckDB rejects unused ones, and filters come and go."""
    names = set(re.findall(r"\$(\w+)", query))
    return {key: value for key, value in (params or {}).items() if key in names}


def _row_count(value: object) -> int:
    return len(value) if isinstance(value, pd.DataFrame | tuple | list) else 1


def _key(params: dict) -> tuple:
    """Parameters as a key: lists become tuples, and a value's type counts ('1' is not 1)."""
    return tuple((name, type(value).__name__, tuple(value) if isinstance(value, list) else value)
                 for name, value in sorted(params.items()))


# --- places ------------------------------------------------------------------------------------


def root_place(wh: Reader, scope: str = ALL) -> Place:
    """Where the overview starts: the scope itself, or the only district, or all districts."""
    if scope != ALL:
        return place(wh, scope, scope)
    districts = wh.rows(sql("districts"), cache=True)
    if len(districts) == 1:
        return place(wh, districts[0][0], scope)
    return Place(ALL, ROOT_LEVEL, "全部辖区", "全部", None)


def place(wh: Reader, code: str, scope: str = ALL) -> Place:
    if not isinstance(code, str):  # the browser sent a list, a number, an object …: a bad request
        raise TypeError("a place is a code")
    if code == ALL and scope == ALL:
        return root_place(wh, scope)
    rows = wh.rows(sql("place"), {"code": code, "scope": scope}, cache=True)
    if not rows:
        raise OutOfScope(code)
    return Place(*rows[0])


def ancestors(wh: Reader, target: Place, scope: str = ALL) -> list[Place]:
    """From the top the user may see down to `target` (for breadcrumbs)."""
    top = root_place(wh, scope)
    chain = [target]
    while chain[0].code != top.code and chain[0].parent_code:
        try:
            chain.insert(0, place(wh, chain[0].parent_code, scope))
        except OutOfScope:
            break
    if chain[0].code != top.code:
        chain.insert(0, top)
    return chain


def children(wh: Reader, parent: Place, scope: str = ALL) -> list[Place]:
    rows = wh.rows(sql("children"), {"level": parent.level, "parent": parent.code, "scope": scope}, cache=True)
    return [Place(*row) for row in rows]


def all_places(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Every place the user may pick: code, level, name, parent name."""
    return wh.frame(sql("all_places"), {"scope": scope}, cache=True)


@dataclass(frozen=True)
class CountingRules:
    """The rules the warehouse's figures were counted by (counting_rules.sql)."""
    special_categories: tuple[str, ...]
    aged_from: int
    visit_intervals: tuple[tuple[str, int], ...]  # (risk level, days between home visits)


def counting_rules(wh: Reader) -> CountingRules:
    [(categories, aged_from, intervals)] = wh.rows(sql("counting_rules"), cache=True)
    return CountingRules(tuple(categories), int(aged_from),
                         tuple((level, int(days)) for level, days in intervals or ()))


def configured_categories(wh: Reader) -> list[str]:
    return list(counting_rules(wh).special_categories)


# --- months ------------------------------------------------------------------------------------


def months(wh: Reader) -> pd.DataFrame:
    """Reported months, newest first, with the as-of date of each."""
    return wh.frame(sql("months"), cache=True)


# --- figures per place -----------------------------------------------------------------------


def place_months(wh: Reader, target: Place, scope: str = ALL, until: str | None = None,
                 last: int = 13) -> pd.DataFrame:
    """The place's counts and rates for `last` months up to `until` (default: the latest), oldest first."""
    frame = wh.frame(sql("place_months"), {"level": target.level, "code": target.code, "scope": scope,
                                            "until": until, "last": last}, cache=True)
    return help_as_said(frame.iloc[::-1].reset_index(drop=True))


def problem_months(wh: Reader, target: Place, month: str, scope: str = ALL) -> pd.DataFrame:
    """Problems followed to closure in `month`: the place first (is_target), then the places below it."""
    code = None if target.level == ROOT_LEVEL else target.code
    return wh.frame(sql("problem_months"), {"code": code, "month": month, "scope": scope}, cache=True)


def previous_month(wh: Reader, target: Place, scope: str, month: str, as_of: dt.date,
                   history: pd.DataFrame | None = None) -> pd.DataFrame:
    """The month before `month` to compare it with (one row; none before the records begin).

    For a month in progress it is recomputed as of the same day, so that 28 days of November are
    compared with the first 28 days of October, not with all of it. `history`: the place's
    place_months up to `month`, which holds the stored month before it (one query fewer).
    """
    month_start = dt.date.fromisoformat(month + "-01")
    previous_start = (month_start - dt.timedelta(days=1)).replace(day=1)
    previous = f"{previous_start:%Y-%m}"
    if history is None:
        stored = place_months(wh, target, scope, until=previous, last=1)
    else:
        stored = history[history["month"] == previous].reset_index(drop=True)
    if stored.empty or stored["month"].iloc[-1] != previous or unrecorded(wh, target, month_start):
        return stored.iloc[0:0]
    same_day = same_day_last_month(as_of)
    if not in_progress(month_start, as_of) or same_day >= pd.Timestamp(stored["as_of"].iloc[-1]).date():
        return stored
    return place_months(wh.compared(previous_start, same_day), target, scope, until=previous, last=1)


def unbegun(wh: Reader, codes: list[str], month_start: dt.date) -> set[str]:
    """Of the places `codes`, those whose street's visit records begin only in the month of `month_start` or later
    (etl/sql/reports/records_unbegun.sql, as the 通报 reads it): no month before to compare with."""
    return {code for (code,) in wh.rows(etl_sql("reports/records_unbegun"),
                                        {"codes": list(codes), "month_start": month_start}, cache=True)}


def unrecorded(wh: Reader, target: Place, month_start: dt.date) -> bool:
    """Whether `target` has no month before `month_start` to compare with (unbegun)."""
    return bool(unbegun(wh, [target.code], month_start))


def children_month(wh: Reader, parent: Place, month: str, scope: str = ALL) -> pd.DataFrame:
    """One row per child place for the month, with shapes flags; every child, data or not."""
    return help_as_said(wh.frame(sql("children_month"), {"level": parent.level, "parent": parent.code,
                                                          "month": month, "scope": scope}, cache=True))


def visits_unsent(wh: Reader, month: str) -> pd.DataFrame:
    """The streets with no visit record of `month` yet, with the day of their latest (etl/sql/reports/visits_unsent.sql,
    as the 汇总表 and the 通报 say it)."""
    return wh.frame(etl_sql("reports/visits_unsent"), {"month_start": dt.date.fromisoformat(f"{month}-01")}, cache=True)


def shapes(wh: Reader, codes: list[str]) -> pd.DataFrame:
    return wh.frame(sql("shapes"), {"codes": codes}, cache=True)


def categories(wh: Reader, target: Place, month: str, scope: str = ALL, sensitive: tuple[str, ...] = (),
               threshold: int = 0) -> pd.DataFrame:
    """People per category (each person once per category), largest first. A small count of a sensitive
    category (etl.settings.small_count) is suppressed: null, with `suppressed` set and '<threshold' as its
    text, after the others; so is one its parent's 汇总表 hides (_hidden_beside_a_sibling), HIDDEN_TOO its text."""
    counts = wh.frame(sql("categories"), {"level": target.level, "code": target.code, "month": month,
                                          "scope": scope}, cache=True)
    small = [small_count(c, n, sensitive, threshold) for c, n in zip(counts["category"], counts["people_count"],
                                                                    strict=True)]
    beside = _hidden_beside_a_sibling(wh, target, month, sensitive, threshold)
    suppressed = [s or c in beside for s, c in zip(small, counts["category"], strict=True)]
    counts = counts.assign(suppressed=suppressed, count_text=[
        HIDDEN_TOO if c in beside else f"<{threshold}" if s else f"{n:,}"
        for c, n, s in zip(counts["category"], counts["people_count"], small, strict=True)])
    counts["people_count"] = counts["people_count"].where(~counts["suppressed"])
    return counts.sort_values("suppressed", kind="stable").reset_index(drop=True)


def _hidden_beside_a_sibling(wh: Reader, target: Place, month: str, sensitive: tuple[str, ...],
                             threshold: int) -> set[str]:
    """The sensitive categories whose count in `target` shows HIDDEN_TOO, as its parent's 汇总表 shows it
    (etl.reports.hidden_beside_siblings)."""
    if target.level == "root":
        return set()
    with wh.cursor() as cursor:
        return reports.hidden_beside_siblings(cursor, target.code, dt.date.fromisoformat(f"{month}-01"),
                                              (sensitive, threshold))


def risk_by_child(wh: Reader, parent: Place, month: str, scope: str = ALL) -> pd.DataFrame:
    return wh.frame(sql("risk_by_child"), {"level": parent.level, "parent": parent.code, "month": month,
                                            "scope": scope}, cache=True)


# --- people (masked) ---------------------------------------------------------------------------


def people(wh: Reader, target: Place, month: str, scope: str = ALL, *, work_list: bool = False,
           category: str | None = None, risk: tuple[str, ...] = (), open_problems: bool = False,
           due_within: int | None = None, limit: int | None = None) -> pd.DataFrame:
    """Special-difficulty elders of a place in a month, masked; the work list keeps overdue and 本月未访, and
    `due_within` days those due by then (the week's visits: DUE_WITHIN)."""
    return wh.frame(sql("people"), {
        "level": target.level, "code": target.code, "month": month, "scope": scope, "work_list": work_list,
        "category": category or None, "risk": list(risk) or None, "open_problems": open_problems,
        "due_within": due_within, "limit": limit if limit is not None else 2**62})


def people_counts(wh: Reader, target: Place, month: str, scope: str = ALL, *, work_list: bool = False,
                  category: str | None = None, risk: tuple[str, ...] = (),
                  due_within: int | None = None) -> dict[str, int]:
    """How many people() finds, how many of them are overdue and how many 本月未访: a list that shows its
    first rows only counts them all without fetching them (a province's work list holds tens of thousands)."""
    # S608: people.sql, a file of this package, counted whole
    query = ("select count(*) as people, count_if(is_overdue) as overdue,"  # noqa: S608
             f" count_if(is_not_visited_this_month) as not_visited from ({sql('people')})")
    [(total, overdue, not_visited)] = wh.rows(query, {
        "level": target.level, "code": target.code, "month": month, "scope": scope, "work_list": work_list,
        "category": category or None, "risk": list(risk) or None, "open_problems": False,
        "due_within": due_within, "limit": 2**62})
    return {"people": total, "overdue": overdue, "not_visited": not_visited}


def unmasked(wh: Reader, elder_id: str, scope: str) -> dict | None:
    """One person's name, ID number, phone and address as the roster has them (for staff, logged)."""
    frame = wh.frame(sql("unmasked"), {"elder_id": elder_id, "scope": scope})
    return frame.iloc[0].to_dict() if len(frame) else None


# --- data ----------------------------------------------------------------------------------------


def loads(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    return wh.frame(sql("loads"), {"scope": scope}, cache=True)


def load_in_scope(wh: Reader, load_id: int, scope: str) -> bool:
    """Whether a load's file is held whole by the user's place (so its rows are the user's to see)."""
    return bool(wh.rows(sql("load_in_scope"), {"load_id": load_id, "scope": scope}))


def waiting_corrections(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Files with rows still waiting for a correction (退回修改), per street, the longest waiting first.
    Kept for the day: the days waited are counted to today."""
    query = sql("waiting_corrections")
    return wh.remember(("waiting_corrections", scope, dt.date.today()),
                       lambda: wh.frame(query, {"scope": scope})).copy(deep=False)


def rejects(wh: Reader, scope: str = ALL, limit: int = 2000) -> pd.DataFrame:
    return wh.frame(sql("rejects"), {"scope": scope, "limit": limit}, cache=True)


def batch_rows(wh: Reader, loads: list[int], limit: int = 500) -> pd.DataFrame:
    """The rejected and warned rows of an upload's loads, and its files' notes (batch_rows.sql)."""
    return wh.frame(sql("batch_rows"), {"loads": loads, "limit": limit})


def freshness(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """How recent each street's data is (its latest visit, roster in force, contact list); a community's own for
    a user whose place is a community."""
    return wh.frame(sql("freshness"), {"scope": scope}, cache=True)


def warning_counts(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Warnings per street and kind, streets in code order, the commonest kind first."""
    return wh.frame(sql("warning_counts"), {"scope": scope}, cache=True)


def unlinked_counts(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Visits that belong to no elder on any roster, per street and reason (底册中无此人, 同名无法区分)."""
    return wh.frame(sql("unlinked_counts"), {"scope": scope}, cache=True)


def unknown_values(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Values no mapping recognised, the most frequent first: each is one line to add to a mappings file."""
    return wh.frame(sql("unknown_values"), {"scope": scope, "unknown_method": reasons.UNKNOWN_METHOD}, cache=True)


def roster_findings(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """底数不清: elders on current rosters whose attributes contradict their marking (masked). Kept, like
    the other tables of the Data page: a province's 4,000 rows took 170 ms a view."""
    return wh.frame(sql("roster_findings"), {"scope": scope}, cache=True)


# --- roster changes (底册变动) ------------------------------------------------------------------

JOINED_REASONS = tuple(reasons.JOINED_REASONS)
LEFT_REASONS = tuple(reasons.LEFT_REASONS)
CHANGE_COUNTS = ("special_before", "special_now", *(f"joined_{r}" for r in JOINED_REASONS),
                 *(f"left_{r}" for r in LEFT_REASONS), "joined_count", "left_count")
# Null for the first month computed (no month before it to compare with): summed, they stay null.
RATE_MOVES = (*reasons.RATE_MOVES, "stayed_visited_before_only", "stayed_visited_now_only")
# The groups of people behind the counts of place_changes, each a condition in change_people.sql.
CHANGE_GROUPS = ("joined", "left", "joined_not_visited", "joined_visited", "stayed_lost", "stayed_gained",
                 "left_visited", "left_not_visited")


def place_changes(wh: Reader, target: Place, month: str, scope: str = ALL) -> pd.Series | None:
    """The place's 底册变动 in the month (the districts' summed at the root); None without a row."""
    frame = wh.frame(sql("place_changes"), {"level": target.level, "code": target.code, "month": month,
                                             "scope": scope}, cache=True)
    return frame.iloc[0] if len(frame) else None


def change_people(wh: Reader, target: Place, month: str, scope: str, group: str,
                  reason: str | None = None) -> pd.DataFrame:
    """The people behind one count of place_changes (masked), in the community where they counted."""
    if group not in CHANGE_GROUPS:
        raise KeyError(group)
    return wh.frame(sql("change_people"), {"level": target.level, "code": target.code, "month": month,
                                            "scope": scope, "group": group, "reason": reason or None})


def roster_alerts(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Roster loads that need a look (a community left out, many people gone without a status)."""
    return wh.frame(sql("roster_alerts"), {"scope": scope}, cache=True)


def roster_snapshots(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """The rosters in force: per street and file, the communities it is current for and how many elders
    they list (a community's own newer file is a row of its own)."""
    return wh.frame(sql("roster_snapshots"), {"scope": scope}, cache=True)
