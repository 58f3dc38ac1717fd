"""The dashboard's one door to DuckDB: read-only, marts only, every query scoped to a place."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.accounts import ALL  # the scope and place of a user who may see every district
from dashboard.measures import RATES, in_progress, same_day_last_month
from etl import reasons
from etl.build import recompute_month

ROOT_LEVEL = "root"

# In every query: the place (aliased t, from place_tree) lies within the scope.
IN_SCOPE = "($scope = 'all' or $scope in (t.district_code, t.street_code, t.code))"

METRIC_COLUMNS = (
    "special_count", "eligible_home", "visited_home", "eligible_any", "visited_any", "declined_count",
    "contact_days_eligible", "contact_days_covered", "alone_count", "fully_covered_count", "disabled_count",
    "disabled_with_contact", "overdue_count", "not_visited_count", "open_problem_count",
    "multi_category_count", "problem_visit_count", "emergency_visit_count",
)
# small: one row per place-month
ROLLUPS = ("month_frame", "place_months", "category_months", "risk_months", "place_changes")


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
    """Runs queries; `cursor()` decides which data they see."""

    def cursor(self) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
        raise NotImplementedError

    def frame(self, query: str, params: dict | None = None) -> pd.DataFrame:
        with self.cursor() as cursor:
            return cursor.execute(query, _used(query, params)).df()

    def rows(self, query: str, params: dict | None = None) -> list[tuple]:
        with self.cursor() as cursor:
            return cursor.execute(query, _used(query, params)).fetchall()

    def recomputed(self, month_start: dt.date, as_of: dt.date) -> AsOfView:
        """The stored data with one month recomputed at `as_of` (see Warehouse.as_of)."""
        raise NotImplementedError


class Warehouse(Reader):
    """Read-only access that follows the file: a load swaps in a new file, readers re-attach to it.

    Each re-attach is a fresh in-memory DuckDB instance, because duckdb.connect(path) would hand
    back the old, cached database while any connection to it is open.
    """

    MAX_AS_OF_VIEWS = 16

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._lock = threading.Lock()
        self._root: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int] | None = None
        self._as_of_views: dict[tuple, str] = {}

    def _current(self) -> duckdb.DuckDBPyConnection:
        stat = os.stat(self.db_path)
        identity = (stat.st_ino, stat.st_mtime_ns)
        with self._lock:
            if identity != self._identity:
                root = duckdb.connect()
                quoted = str(self.db_path).replace("'", "''")
                root.execute(f"attach '{quoted}' as warehouse (read_only)")
                self._root, self._identity, self._as_of_views = root, identity, {}
            return self._root

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self._current().cursor()
        try:
            cursor.execute("use warehouse")
            yield cursor
        finally:
            cursor.close()

    def has_as_of(self, month_start: dt.date, as_of: dt.date) -> bool:
        """Whether that recomputed month is built already (asking for it again costs nothing)."""
        self._current()
        return (self._identity, month_start, as_of) in self._as_of_views

    def as_of(self, month_start: dt.date, as_of: dt.date) -> AsOfView:
        """This warehouse with one month recomputed at another as-of date: built once, then cached.

        The recomputed marts live in an in-memory database attached beside the warehouse and put
        first on the search path, so every query in this module works on them unchanged.
        """
        root = self._current()
        with self._lock:
            key = (self._identity, month_start, as_of)
            if key not in self._as_of_views:
                if len(self._as_of_views) >= self.MAX_AS_OF_VIEWS:
                    root.execute(f"detach {self._as_of_views.pop(next(iter(self._as_of_views)))}")
                name = f"as_of_{month_start:%Y%m}_{as_of:%Y%m%d}"
                builder = root.cursor()
                try:
                    builder.execute(f"attach ':memory:' as {name}")
                    builder.execute("use warehouse")
                    builder.execute(f"set search_path = '{name}.main,warehouse.main'")
                    recompute_month(builder, month_start, as_of, schema=f"{name}.main")
                    computed = [m for (m,) in builder.execute(f"select month_start from {name}.main.month_frame")
                                .fetchall()]
                    for table in ROLLUPS:  # other months as stored, for trends and month-on-month change
                        builder.execute(f"insert into {name}.main.{table} by name select * from warehouse.main.{table}"
                                        " where not list_contains($computed, month_start)", {"computed": computed})
                finally:
                    builder.close()
                self._as_of_views[key] = name
            return AsOfView(self, self._as_of_views[key])

    def recomputed(self, month_start: dt.date, as_of: dt.date) -> AsOfView:
        return self.as_of(month_start, as_of)


class AsOfView(Reader):
    def __init__(self, warehouse: Warehouse, schema: str):
        self.warehouse, self.schema = warehouse, schema

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.warehouse.cursor() as cursor:
            cursor.execute(f"set search_path = '{self.schema}.main,warehouse.main'")
            yield cursor

    def recomputed(self, month_start: dt.date, as_of: dt.date) -> AsOfView:
        """Another month recomputed: from the stored data, not from this view's month."""
        return self.warehouse.as_of(month_start, as_of)


@functools.cache
def sql(name: str) -> str:
    """The text of dashboard/sql/<name>.sql: a query whose values are `$parameters`."""
    return resources.files("dashboard").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8")


def _used(query: str, params: dict | None) -> dict:
    """The parameters a query refers to: DuckDB rejects unused ones, and filters come and go."""
    names = set(re.findall(r"\$(\w+)", query))
    return {key: value for key, value in (params or {}).items() if key in names}


# --- places ------------------------------------------------------------------------------------


def root_place(wh: Reader, scope: str = ALL) -> Place:
    """Where the overview starts: the scope itself, or the only district, or all districts."""
    if scope != ALL:
        return place(wh, scope, scope)
    districts = wh.rows("select code from place_tree where level = 'district' order by code")
    if len(districts) == 1:
        return place(wh, districts[0][0], scope)
    return Place(ALL, ROOT_LEVEL, "全部辖区", "全部", None)


def place(wh: Reader, code: str, scope: str = ALL) -> Place:
    if not isinstance(code, str):  # the browser sent a list, a number, an object …: a bad request
        raise TypeError("a place is a code")
    if code == ALL and scope == ALL:
        return root_place(wh, scope)
    rows = wh.rows(
        f"select code, level, name, short_name, parent_code from place_tree t where code = $code and {IN_SCOPE}",
        {"code": code, "scope": scope},
    )
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
    condition = "t.level = 'district'" if parent.level == ROOT_LEVEL else "t.parent_code = $parent"
    rows = wh.rows(
        f"""select code, level, name, short_name, parent_code from place_tree t
        where {condition} and {IN_SCOPE} order by code""",
        {"parent": parent.code, "scope": scope},
    )
    return [Place(*row) for row in rows]


def all_places(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Every place the user may pick: code, level, name, parent name."""
    return wh.frame(
        f"""select t.code, t.level, t.name, t.short_name, p.short_name as parent_short_name
        from place_tree t left join place_tree p on p.code = t.parent_code
        where {IN_SCOPE} order by t.code""",
        {"scope": scope},
    )


def configured_categories(wh: Reader) -> list[str]:
    return wh.rows("select special_categories from cfg_settings")[0][0]


# --- months ------------------------------------------------------------------------------------


def months(wh: Reader) -> pd.DataFrame:
    """Reported months, newest first, with the as-of date of each."""
    return wh.frame(sql("months"))


# --- figures per place -----------------------------------------------------------------------


# Each rate recounted from its summed numerator and denominator (never averaged), null without people.
SUMMED_RATES = ", ".join(f"sum(m.{numerator}) / nullif(sum(m.{denominator}), 0) as {rate}"
                         for rate, (numerator, denominator) in RATES.items())


def place_months(wh: Reader, target: Place, scope: str = ALL, until: str | None = None,
                 last: int = 13) -> pd.DataFrame:
    """The place's counts and rates for `last` months up to `until` (default: the latest), oldest first."""
    sums = ", ".join(f"sum(m.{c})::bigint as {c}" for c in METRIC_COLUMNS)
    if target.level == ROOT_LEVEL:
        where, params = "t.level = 'district'", {}
    else:
        where, params = "t.code = $code", {"code": target.code}
    frame = wh.frame(
        f"""select m.month, m.month_start, any_value(m.as_of) as as_of, {sums}, {SUMMED_RATES},
               max(m.max_gap_days) as max_gap_days
        from place_months m join place_tree t using (code)
        where {where} and {IN_SCOPE} and ($until is null or m.month <= $until)
        group by m.month, m.month_start
        order by m.month_start desc limit $last""",
        params | {"scope": scope, "last": last, "until": until},
    )
    return frame.iloc[::-1].reset_index(drop=True)


def problem_months(wh: Reader, target: Place, month: str, scope: str = ALL) -> pd.DataFrame:
    """Problems followed to closure in `month`: the place first (is_target), then the places below it."""
    code = None if target.level == ROOT_LEVEL else target.code
    return wh.frame(sql("problem_months"), {"code": code, "month": month, "scope": scope})


def previous_month(wh: Reader, target: Place, scope: str, month: str, as_of: dt.date) -> pd.DataFrame:
    """The month before `month` to compare it with (one row; none before the records begin).

    For a month in progress it is recomputed as of the same day, so that 28 days of November are
    compared with the first 28 days of October, not with all of it.
    """
    month_start = dt.date.fromisoformat(month + "-01")
    previous_start = (month_start - dt.timedelta(days=1)).replace(day=1)
    previous = f"{previous_start:%Y-%m}"
    stored = place_months(wh, target, scope, until=previous, last=1)
    if stored.empty or stored["month"].iloc[-1] != previous:
        return stored.iloc[0:0]
    same_day = same_day_last_month(as_of)
    if not in_progress(month_start, as_of) or same_day >= pd.Timestamp(stored["as_of"].iloc[-1]).date():
        return stored
    return place_months(wh.recomputed(previous_start, same_day), target, scope, until=previous, last=1)


def children_month(wh: Reader, parent: Place, month: str, scope: str = ALL) -> pd.DataFrame:
    """One row per child place for the month, with shapes flags; every child, data or not."""
    condition = "t.level = 'district'" if parent.level == ROOT_LEVEL else "t.parent_code = $parent"
    columns = ", ".join(f"m.{c}" for c in (*METRIC_COLUMNS, *RATES))
    return wh.frame(
        f"""select t.code, t.name, t.short_name, t.level, t.has_shape, t.is_schematic, {columns}
        from place_tree t join place_months m on m.code = t.code and m.month = $month
        where {condition} and {IN_SCOPE}
        order by t.code""",
        {"parent": parent.code, "month": month, "scope": scope},
    )


def shapes(wh: Reader, codes: list[str]) -> pd.DataFrame:
    return wh.frame(
        "select code, geometry, is_schematic, centroid_lon, centroid_lat from division_shapes where code in $codes",
        {"codes": codes},
    )


def categories(wh: Reader, target: Place, month: str, scope: str = ALL, sensitive: tuple[str, ...] = (),
               threshold: int = 0) -> pd.DataFrame:
    """People per category (each person once per category), largest first. A small count (1 to
    threshold - 1) of a sensitive category is suppressed: null, with `suppressed` set."""
    where = "t.level = 'district'" if target.level == ROOT_LEVEL else "t.code = $code"
    return wh.frame(
        f"""with counts as (
            select c.category, sum(c.people_count)::bigint as people_count,
                list_contains($sensitive, c.category) and sum(c.people_count) between 1 and $threshold - 1
                    as suppressed
            from category_months c join place_tree t using (code)
            join month_frame f on f.month_start = c.month_start
            where f.month = $month and {where} and {IN_SCOPE}
            group by c.category
        )
        select category, case when suppressed then null else people_count end as people_count, suppressed,
            case when suppressed then '<' || $threshold else format('{{:,}}', people_count) end as count_text
        from counts order by suppressed, people_count desc, category""",
        {"code": target.code, "month": month, "scope": scope, "sensitive": list(sensitive),
         "threshold": threshold},
    )


def risk_by_child(wh: Reader, parent: Place, month: str, scope: str = ALL) -> pd.DataFrame:
    condition = "t.level = 'district'" if parent.level == ROOT_LEVEL else "t.parent_code = $parent"
    return wh.frame(
        f"""select t.code, t.short_name, r.risk_level, r.people_count, r.overdue_count, r.open_problem_count
        from risk_months r join place_tree t using (code)
        join month_frame f on f.month_start = r.month_start
        where f.month = $month and {condition} and {IN_SCOPE}
        order by t.code, r.risk_level""",
        {"parent": parent.code, "month": month, "scope": scope},
    )


# --- people (masked) ---------------------------------------------------------------------------

PEOPLE_COLUMNS = """
    m.elder_name_masked as name, m.id_number_masked as id_number, m.phone_masked as phone,
    s.short_name as street, c.short_name as community, m.age,
    m.categories, m.risk_level,
    m.last_visit_date, m.last_visit_method, m.last_home_visit_date,
    -- someone who left is due for nothing: no due date, no overdue days
    case when m.is_active_at_as_of then m.due_date end as due_date,
    case when m.is_active_at_as_of then m.overdue_days end as overdue_days,
    m.is_overdue, m.is_not_visited_this_month, m.has_open_problem, m.last_visit_outcome, m.consent,
    m.is_eligible_home, m.visited_home, m.exited_in_month as has_left, m.exit_date, m.is_never_home_visited,
    m.elder_id  -- never shown or sent to the browser: it is the ID number (for `unmasked`, on the server)"""
# The column of elder_months that holds a place of each level: one column compared, so that
# DuckDB can skip the row groups of other places (elder_months is stored sorted by place).
PLACE_COLUMN = {"district": "m.district_code", "street": "m.street_code", "community": "m.community_code"}


def people(wh: Reader, target: Place, month: str, scope: str = ALL, *, work_list: bool = False,
           category: str | None = None, risk: tuple[str, ...] = (), open_problems: bool = False,
           limit: int | None = None) -> pd.DataFrame:
    """Special-difficulty elders of a place in a month, masked; the work list keeps overdue and 本月未访."""
    where = ["m.is_special_in_month or (m.is_special and m.is_active_at_as_of)"]
    if target.level != ROOT_LEVEL:
        where.append(f"{PLACE_COLUMN[target.level]} = $code")
    if work_list:
        where.append("(m.is_overdue or m.is_not_visited_this_month)")
    if category:
        where.append("list_contains(m.categories, $category)")
    if risk:
        where.append("list_contains($risk, m.risk_level)")
    if open_problems:
        where.append("m.is_open_problem")
    return wh.frame(
        f"""select {PEOPLE_COLUMNS}
        from elder_months m
        join month_frame f on f.month_start = m.month_start
        join place_tree t on t.code = m.community_code
        join place_tree s on s.code = m.street_code
        join place_tree c on c.code = m.community_code
        where f.month = $month and {IN_SCOPE} and {" and ".join(f"({w})" for w in where)}
        order by m.exited_in_month, case m.risk_level when '高' then 1 when '中' then 2 else 3 end,
                 m.overdue_days desc,
                 m.is_not_visited_this_month desc, s.code, c.code, m.elder_name_masked, m.elder_id
        limit $limit""",
        {"code": target.code, "month": month, "scope": scope, "category": category, "risk": list(risk),
         "limit": limit if limit is not None else 2**62},
    )


def unmasked(wh: Reader, elder_id: str, scope: str) -> dict | None:
    """One person's name, ID number, phone and address as the roster has them (for staff, logged)."""
    frame = wh.frame(
        f"""select e.elder_name as name, e.elder_id as id_number, e.phone, e.address, c.short_name as community
        from elders e
        join place_tree t on t.code = e.community_code
        join place_tree c on c.code = e.community_code
        where e.elder_id = $elder_id and {IN_SCOPE}""",
        {"elder_id": elder_id, "scope": scope},
    )
    return frame.iloc[0].to_dict() if len(frame) else None


# --- data ----------------------------------------------------------------------------------------


# A file's history and rejected rows are shown to users whose place holds the whole file (load_places);
# a file no single district holds, only to a user who may see everything.
LOAD_IN_SCOPE = f"($scope = 'all' or exists (select 1 from place_tree t where t.code = place_code and {IN_SCOPE}))"


def loads(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    return wh.frame(f"select * from load_history where {LOAD_IN_SCOPE} order by load_id desc", {"scope": scope})


def load_in_scope(wh: Reader, load_id: int, scope: str) -> bool:
    """Whether a load's file is held whole by the user's place (so its rows are the user's to see)."""
    return bool(wh.rows(f"select 1 from load_history where load_id = $load_id and {LOAD_IN_SCOPE}",
                        {"load_id": load_id, "scope": scope}))


def waiting_corrections(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Files with rows still waiting for a correction (退回修改), per street, the longest waiting first."""
    return wh.frame(sql("waiting_corrections"), {"scope": scope})


def rejects(wh: Reader, scope: str = ALL, limit: int = 2000) -> pd.DataFrame:
    return wh.frame(
        f"""select * from rejected_rows where {LOAD_IN_SCOPE}
        order by load_id desc, sheet_name, row_number limit $limit""",
        {"scope": scope, "limit": limit},
    )


def freshness(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    return wh.frame(
        f"""select f.street_name, f.latest_visit_date, f.visit_count, f.roster_file, f.roster_date,
                   f.contacts_file, f.contacts_date
        from street_freshness f join place_tree t on t.code = f.street_code
        where {IN_SCOPE} order by f.street_code""",
        {"scope": scope},
    )


# Load warnings are placed by their community, else their street; those about a whole file have
# neither and are shown only to a user who may see everything.
WARNING_PLACES = """
        from load_warnings w
        left join place_tree t on t.code = coalesce(w.community_code, w.street_code)
        left join place_tree s on s.code = t.street_code"""


def warning_counts(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Warnings per street and kind, streets in code order, the commonest kind first."""
    return wh.frame(
        f"""select s.name as street_name, w.code, count(*) as warning_count,
                   count(distinct w.load_id) as file_count
        {WARNING_PLACES}
        where {IN_SCOPE}
        group by s.code, s.name, w.code
        order by s.code nulls last, warning_count desc, w.code nulls last""",
        {"scope": scope},
    )


def unknown_values(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Values no mapping recognised, the most frequent first: each is one line to add to a mappings file."""
    return wh.frame(
        f"""select w.field, w.value, count(*) as occurrence_count, count(distinct w.load_id) as file_count,
                   array_to_string(list_sort(list_distinct(list(s.name))), '、') as streets
        {WARNING_PLACES}
        where w.code = 'unknown_value' and {IN_SCOPE}
        group by w.field, w.value
        order by occurrence_count desc, w.field, w.value""",
        {"scope": scope},
    )


def roster_findings(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """底数不清: elders on current rosters whose attributes contradict their marking (masked)."""
    return wh.frame(
        f"""select s.name as street_name, c.short_name as community, f.elder_name_masked as name,
                   f.id_number_masked as id_number, f.finding, f.file_name, f.row_number
        from roster_findings f
        join place_tree t on t.code = f.community_code
        join place_tree s on s.code = f.street_code
        join place_tree c on c.code = f.community_code
        where {IN_SCOPE}
        order by f.street_code, f.community_code, f.row_number""",
        {"scope": scope},
    )


# --- roster changes (底册变动) ------------------------------------------------------------------

JOINED_REASONS = tuple(reasons.JOINED_REASONS)
LEFT_REASONS = tuple(reasons.LEFT_REASONS)
CHANGE_COUNTS = ("special_before", "special_now", *(f"joined_{r}" for r in JOINED_REASONS),
                 *(f"left_{r}" for r in LEFT_REASONS), "joined_count", "left_count")
# Null for the first month computed (no month before it to compare with): summed, they stay null.
RATE_MOVES = (*reasons.RATE_MOVES, "stayed_visited_before_only", "stayed_visited_now_only")
# The people behind each count of place_changes: its condition on elder_changes (aliased c).
CHANGE_GROUPS = {
    "joined": "c.joined_reason is not null",
    "left": "c.left_reason is not null",
    "joined_not_visited": "c.is_eligible and not c.was_eligible and not c.visited_now",
    "joined_visited": "c.is_eligible and not c.was_eligible and c.visited_now",
    "stayed_lost": "c.was_eligible and c.is_eligible and c.visited_before and not c.visited_now",
    "stayed_gained": "c.was_eligible and c.is_eligible and c.visited_now and not c.visited_before",
    "left_visited": "c.was_eligible and not c.is_eligible and c.visited_before",
    "left_not_visited": "c.was_eligible and not c.is_eligible and not c.visited_before",
}


def place_changes(wh: Reader, target: Place, month: str, scope: str = ALL) -> pd.Series | None:
    """The place's 底册变动 in the month (the districts' summed at the root); None without a row."""
    where = "t.level = 'district'" if target.level == ROOT_LEVEL else "t.code = $code"
    sums = ", ".join(f"sum(c.{column})::bigint as {column}" for column in (*CHANGE_COUNTS, *RATE_MOVES))
    frame = wh.frame(
        f"""select c.month, any_value(c.as_of) as as_of, {sums}
        from place_changes c join place_tree t using (code)
        where c.month = $month and {where} and {IN_SCOPE}
        group by c.month""",
        {"code": target.code, "month": month, "scope": scope},
    )
    return frame.iloc[0] if len(frame) else None


def change_people(wh: Reader, target: Place, month: str, scope: str, group: str,
                  reason: str | None = None) -> pd.DataFrame:
    """The people behind one count of place_changes (masked), in the community where they counted."""
    where = ["t.level = 'district'" if target.level == ROOT_LEVEL else "c.code = $code", CHANGE_GROUPS[group]]
    if reason and group in ("joined", "left"):
        where.append(f"c.{group}_reason = $reason")
    return wh.frame(
        f"""select m.elder_name_masked as name, m.id_number_masked as id_number, p.short_name as community,
               c.joined_reason, c.left_reason,
               case when c.left_reason is not null or (c.was_eligible and not c.is_eligible) then m.exit_date
                    when c.joined_reason = 'registered' then m.joined_on end as change_date,
               case when c.was_eligible then c.visited_before end as visited_before,
               case when c.is_eligible then c.visited_now end as visited_now
        from elder_changes c
        join month_frame f on f.month_start = c.month_start
        join place_tree t on t.code = c.code
        join elder_months m on m.month_start = c.month_start and m.elder_id = c.elder_id
        -- who left counted where they were at the month's start
        left join place_tree p on p.code = case when c.was_counted and not c.is_counted
                                                then m.start_community_code else m.community_code end
        where f.month = $month and {IN_SCOPE} and {" and ".join(f"({w})" for w in where)}
        order by p.code, m.elder_name_masked, m.id_number_masked""",
        {"code": target.code, "month": month, "scope": scope, "reason": reason},
    )


def roster_alerts(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """Roster loads that need a look (a community left out, many people gone without a status)."""
    return wh.frame(
        f"""select a.load_id, l.file_name, l.report_date, s.name as street_name, c.short_name as community,
               a.code, a.message
        from roster_alerts a
        join place_tree t on t.code = coalesce(a.community_code, a.street_code)
        left join place_tree s on s.code = a.street_code
        left join place_tree c on c.code = a.community_code
        join loads l on l.load_id = a.load_id
        where {IN_SCOPE}
        order by a.load_id desc, a.street_code, a.community_code""",
        {"scope": scope},
    )


def roster_snapshots(wh: Reader, scope: str = ALL) -> pd.DataFrame:
    """The rosters in force: per street and file, the communities it is current for and how many elders
    they list (a community's own newer file is a row of its own)."""
    return wh.frame(
        f"""select s.name as street_name, r.file_name, r.snapshot_date, count(*) as community_count,
               string_agg(c.short_name, '、' order by r.community_code) as communities,
               sum(r.elder_count)::bigint as elder_count
        from roster_snapshots r
        join place_tree t on t.code = r.community_code
        join place_tree s on s.code = r.street_code
        join place_tree c on c.code = r.community_code
        where r.next_snapshot_date is null and {IN_SCOPE}
        group by r.street_code, s.name, r.load_id, r.file_name, r.snapshot_date
        order by r.street_code, r.snapshot_date desc, r.load_id desc""",
        {"scope": scope},
    )
