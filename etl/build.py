"""The marts built from the stored rows, the checks that must pass before a swap, one month at another as-of date."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.months import in_progress, month_before, same_day_last_month
from etl.settings import engine_config
from etl.sqlfiles import first_row, prepare, remove_database, scalar, set_search_path, sql

# Built in this order after every load; views are cheap to keep, tables are what readers query.
MARTS: tuple[tuple[str, str], ...] = (
    ("place_tree", "table"),
    ("contact_snapshots", "table"),
    ("roster_snapshots", "table"),
    ("roster_listings", "view"),
    ("elder_periods", "table"),
    ("elders", "table"),
    ("elder_name_keys", "table"),
    ("visits", "view"),
    ("elder_visit_spans", "table"),
    ("elder_incident_days", "table"),
    ("street_records", "table"),
    ("problems", "table"),
    ("elder_visit_months", "table"),
    ("designated_contacts", "table"),
    ("month_frame", "table"),
    ("elder_months", "table"),
    ("elder_contact_months", "table"),
    ("place_months", "table"),
    ("category_months", "table"),
    ("risk_months", "table"),
    ("elder_changes", "table"),
    ("place_changes", "table"),
    ("street_freshness", "table"),
    ("roster_findings", "table"),
    ("roster_alerts", "table"),
    ("load_places", "table"),
    ("load_history", "view"),
    ("rejected_rows", "table"),
    ("signal_note_visitors", "table"),
    ("signal_notes", "table"),
    ("signal_busy_days", "table"),
    ("signal_visits", "table"),
    ("visit_signals", "table"),
    # after signal_visits, whose scope (cv_scope_signal_rows) holds every visit whose link a load can change
    ("unlinked_visits", "table"),
    ("unlinked_contacts", "table"),
    # after unlinked_visits, whose rows of each file it tells of
    ("load_alerts", "view"),
)
# Marts an earlier CareVisit built, dropped by a whole build (current_snapshots: the contact lists in force, now
# contact_snapshots, every list with its stretch in force)
RETIRED_MARTS = ("current_snapshots",)
# The marts that depend on the month frame: recomputed for a month at another as-of date.
MONTH_MARTS = ("elder_months", "elder_contact_months", "place_months", "category_months", "risk_months",
               "elder_changes", "place_changes")
# The month marts whose rows of a month depend on that month's row of the frame alone (not on the other
# months'): a month counted whole is the same rows in any frame (build_month takes them as stored)
MONTH_BY_MONTH = ("elder_months", "elder_contact_months")
# Built from every stored month of the month marts: not without them (build_marts(months=False)).
WHOLE_HISTORY_MARTS = ("visit_signals",)
# The same-day comparison of a month in progress (build_same_day_comparison): the month before counted to the same
# day, alone, which is all that any screen or report compares a month in progress with (its place_months: the
# overview's 上月同期, the 督查 screen's, the 通报's), and the per-elder month marts those rows are counted from, which
# a later load of the same day recomputes for its scope. Each month's rows of them depend on its row of the frame
# alone (MONTH_BY_MONTH; place_months counts a month from those rows). Not the other month marts, nor the month before
# it (a province's day's first publish: 17 CPU-s and 9.7 s for the whole as-of view, 8.8 CPU-s and 4.7 s for these).
SAME_DAY_MARTS = ("elder_months", "elder_contact_months", "place_months")
# What recomputing one month at another as-of date may hold (a province's month: about 1.5 GB, 35 CPU-s):
# a load storing the same-day comparison, or a server process asked for another date (CAREVISIT_AS_OF_MEMORY)
AS_OF_MEMORY_LIMIT = "2GB"
# The rollups an as-of view takes as stored for the months it does not recompute
# The marts with a row per place (and month), counted from the per-elder month marts
ROLLUPS = ("place_months", "category_months", "risk_months", "place_changes")
AS_OF_ROLLUPS = ("month_frame", *ROLLUPS)
CHECKS = ("load_conservation", "rates_in_range", "rollup_consistency", "elder_month_unique", "change_balance")


# After a load, the marts that hold a row per elder (or per community) are rebuilt only for the elders
# the load can have changed: its scope (etl/sql/scope/seed.sql), which holds everything a figure of one of
# its elders is computed from beyond their own rows and the marts built whole; the rollups (a row per place),
# only for the districts those elders are placed in. A scoped mart is computed through views, named as the
# stored rows and the scoped marts it reads, that show only the scope's rows; its result replaces the
# scope's stored rows. Every other mart is built whole.
IN_SCOPE = "elder_id in (select elder_id from cv_scope_elders)"
# The stored rows a scoped mart is computed from: the elders' in scope (and the visits without an ID number
# that name them where they are listed, linked by name there), or a community's. A filter given as a tuple is
# of disjoint parts, each read by a scan of its own that reads only the loads holding its rows (a province's
# elders in scope have their visits by ID in some 30 of 600 loads, those by name in others)
# (a name as marts/elder_name_keys.sql keys it)
IN_SCOPE_LISTINGS = ("(cv_name_undotted(elder_name), community_code) in "
                     "(select elder_name, community_code from cv_scope_listings)")
ELDER_ROWS = {
    "roster_rows": "id_number in (select elder_id from cv_scope_elders)",
    "visit_rows": ("id_number in (select elder_id from cv_scope_elders)", f"id_number is null and {IN_SCOPE_LISTINGS}"),
}
COMMUNITY_ROWS = {"roster_rows": "community_code in (select community_code from cv_scope_communities)"}
IN_SCOPE_STREETS = "street_code in (select street_code from cv_scope_streets)"
# The rows of the loads just made (or corrected); rows are only ever added to a load, never taken from one
IN_CHANGED_LOADS = "load_id in (select load_id from cv_changed_loads)"
# The visitors' days (by name) of the loads' home visits (cv_scope_visitor_days): counted again over every street
IN_SCOPE_VISITOR_DAYS = "(visitor_name, visit_date) in (select visitor_name, visit_date from cv_scope_visitor_days)"
# The stored rows elders is computed from, through the marts it reads (tests/etl/test_scoped_build.py): the rosters
# (their lists of no one too) and their loads
ELDERS_FROM = ("roster_rows", "roster_nobody", "loads")
# The visits of the elders whose row of elders a scoped build changed (cv_scope_changed_elders): by ID number, or
# linked by name (marts/visits.sql)
VISITS_OF_CHANGED_ELDERS = (
    "id_number in (select elder_id from cv_scope_changed_elders) or (id_number is null and "
    "(cv_name_undotted(elder_name), community_code)"
    " in (select elder_name, community_code from elder_name_keys where elder_id in (select elder_id from"
    " cv_scope_changed_elders)))")
# The visits whose row of signal_visits the loads can change (cv_scope_signal_rows, _scope_signal_visits)
IN_SCOPE_SIGNAL_ROWS = "(load_id, row_number) in (select load_id, row_number from cv_scope_signal_rows)"
IN_SCOPE_SIGNAL_VISITS = (f"{IN_CHANGED_LOADS} or (load_id, source_row_number) in "
                          "(select load_id, row_number from cv_scope_signal_rows)")


# A rollup (a row per place) counts the elders placed in the place: its rows of the districts where an elder
# in scope is placed, or was before this build (cv_scope_districts, noted as their rows are replaced: PLACED_BY),
# are computed from those districts' rows alone. A district is the top of the place tree.
IN_SCOPE_DISTRICTS = "district_code in (select district_code from cv_scope_districts)"
IN_SCOPE_PLACES = ("code in (select code from place_tree where district_code in "
                   "(select district_code from cv_scope_districts))")
# the per-elder marts the rollups read, with the columns that place their rows in a district
PLACED_BY = {"elders": "[district_code]", "elder_months": "[district_code, start_district_code]"}
IN_SCOPE_DISTRICT_ROWS = {"elders": IN_SCOPE_DISTRICTS, "elder_months": IN_SCOPE_DISTRICTS,
                          "elder_contact_months": IN_SCOPE_DISTRICTS, "elder_changes": IN_SCOPE_PLACES}


@dataclass(frozen=True)
class Scoped:
    rows: dict[str, str | tuple[str, ...]]  # the stored rows it is computed from
    computed: str  # its rows the scope replaces
    read: str = IN_SCOPE  # its rows the scoped marts after it read
    # what it reads of the scoped marts built before it, when not each one's `read` (the rest it reads whole)
    reads: dict[str, str] | None = None


SCOPED_MARTS = {
    "elder_periods": Scoped(ELDER_ROWS, IN_SCOPE),
    "elders": Scoped(ELDER_ROWS, IN_SCOPE),
    # the communities with a new roster; read for the names the elders in scope are listed under
    "elder_name_keys": Scoped(COMMUNITY_ROWS, "community_code in (select community_code from cv_scope_communities)",
                              IN_SCOPE_LISTINGS),
    "elder_visit_spans": Scoped(ELDER_ROWS, IN_SCOPE),
    "elder_incident_days": Scoped(ELDER_ROWS, IN_SCOPE),
    "problems": Scoped(ELDER_ROWS, IN_SCOPE),
    "elder_visit_months": Scoped(ELDER_ROWS, IN_SCOPE),
    "elder_months": Scoped(ELDER_ROWS, IN_SCOPE),
    "elder_contact_months": Scoped(ELDER_ROWS, IN_SCOPE),
    "elder_changes": Scoped(ELDER_ROWS, IN_SCOPE),
    # the streets with a new roster, from their rows
    "roster_alerts": Scoped({"roster_rows": IN_SCOPE_STREETS}, IN_SCOPE_STREETS, IN_SCOPE_STREETS),
    **{rollup: Scoped({}, IN_SCOPE_PLACES, IN_SCOPE_PLACES, IN_SCOPE_DISTRICT_ROWS)
       for rollup in ROLLUPS},
    # kept by load: a load's rows, from its visits
    "signal_note_visitors": Scoped({"visit_rows": IN_CHANGED_LOADS}, IN_CHANGED_LOADS, IN_CHANGED_LOADS, {}),
    # the loads' visitors' days, from every visit of theirs
    "signal_busy_days": Scoped({"visit_rows": IN_SCOPE_VISITOR_DAYS}, IN_SCOPE_VISITOR_DAYS, IN_SCOPE_VISITOR_DAYS, {}),
    # the visits a load can change (_scope_signal_visits), with everything else it reads whole: a visit's
    # row depends on its elder's row, its note's (signal_notes) and its visitor's day's (signal_busy_days)
    "signal_visits": Scoped({"visit_rows": IN_SCOPE_SIGNAL_ROWS}, IN_SCOPE_SIGNAL_VISITS, IN_SCOPE_SIGNAL_VISITS, {}),
    # the visits linked to no elder: a visit's link changes with its elder's row of elders or its community's names,
    # as its row of signal_visits does (a province's whole mart: 9.6 CPU-s, which each server process paid on its first
    # Data page after every publish while it was a view)
    "unlinked_visits": Scoped({"visit_rows": IN_SCOPE_SIGNAL_ROWS}, IN_SCOPE_SIGNAL_VISITS, IN_SCOPE_SIGNAL_VISITS, {}),
}
# Marts a whole build stores in the order of a column, whose scoped reads (their `read`) select rows of the values
# of that column in a temp table: a read names those values as constants too, so that DuckDB reads only the parts
# of the mart that hold them (elder_name_keys, read for a few communities by every mart that links visits by name:
# a province's 6 M rows scanned for each, 0.5-0.7 CPU-s a mart). Rows a scoped build replaces go to the end.
CLUSTERED_BY = {"elder_name_keys": ("community_code", "cv_scope_listings")}
# The marts computed from rosters and contact lists alone (and the loads that sent them): a scoped build of loads
# that hold neither (visit files) keeps them as they are (1 CPU-s of a province's publish; elders, 6 CPU-s of a
# province's month of visits, whose kept rows still place the scope in its districts: _keep_elders)
ROSTER_MARTS = ("contact_snapshots", "roster_snapshots", "elders", "designated_contacts", "roster_findings",
                "unlinked_contacts")
# And those computed from the rosters and the day (who is 80 by it: cv_today): kept too by such a build on the day
# of the last build (7 CPU-s of a province's month of visits)
ROSTER_DAY_MARTS = ("elder_periods",)
# A month mart's rows of the months whose frame a load changed are recomputed for everyone, from the
# months they are computed from (etl/sql/scope/months.sql)
IN_SCOPE_MONTHS = "month_start in (select month_start from cv_scope_months)"
IN_SCOPE_FRAME = "month_start in (select month_start from cv_scope_frame)"
# the month marts whose rows compare a month with the month before (or say there is none): computed from both
COMPARES_MONTH_BEFORE = ("elder_changes", "place_changes")
# The per-elder month marts, whose rows of a month are counted from what happened by its as-of date: a scoped
# build of visit files recomputes the scope's rows from the earliest month the loads can change
# (scope/floor.sql), not every month (a province's month of visits: every elder's twelve months)
FLOORED_MARTS = ("elder_months", "elder_contact_months", "elder_changes")
# And the rollups (ROLLUPS), counted from those and (place_months) from the problems found, closed and referred in a
# month: from the floor too, or from the month of the earliest problem whose row the build changes, if earlier (a
# visit that closes a problem found a month before, referring it, changes that month's count: _note_rollup_floor).
# A province's file: twelve months of the rollups of the 17 districts it reaches, 3 of 27 s, before.
# Past this share of the elders in scope, building whole is cheaper
WHOLE_FROM_SHARE = 0.5
# The marts with a row per special-difficulty elder (and month) are built whole, in a scoped build, when the
# scope holds more than this share of the elders they count (a month's visits of every street): computing
# the scope's rows through views and replacing them cost more than building them whole (a province's month
# of visits: elder_months 77 against 58 CPU-s, elder_contact_months 41 against 29, elder_changes 47 against 34)
COUNTED_MARTS = ("elder_visit_months", "elder_months", "elder_contact_months", "elder_changes")
COUNTED_WHOLE_FROM_SHARE = 0.5
# A small warehouse (a pilot's, a test's), below this many elders on record, is built the plain way, which costs
# it less: whole after a load, since finding a load's scope and reading the stored rows through views cost a
# fixed 0.15 CPU-s or so, what a whole build of some 4,000 elders' marts costs (the same as a scoped build at
# the small demo's 6,000; measured on 2026-11-30); and without storing the same-day comparison, which a server
# recomputes for it in a blink while storing it would add 0.2 CPU-s to every load (a province's: 8.8 CPU-s).
SMALL_BELOW_ELDERS = 2_000


@functools.cache
def marts_version() -> str:
    """What the marts are built by: a digest of the macros, the marts' and the checks' SQL. A warehouse
    whose marts another version of CareVisit built is rebuilt before it is read (warehouse.refresh)."""
    texts = [sql("macros"), *(sql(f"marts/{name}") for name, _ in MARTS), *(sql(f"checks/{c}") for c in CHECKS)]
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]


def build_marts(con: duckdb.DuckDBPyConnection, *, months: bool = True, since_load: int | None = None) -> bool:
    """Rebuild the marts from the stored rows; without the month marts for a caller that then computes
    one month with build_month. With `since_load` (the newest load before the loads just made), only
    for the elders those loads can have changed, when nothing else changed since the last build.
    Whether the build was scoped."""
    # what the marts are built with and for which day, read before they are (a build that spans midnight then
    # builds for the day after next time)
    inputs, today = (first_row(con, f"select ({sql('scope/fingerprint')}), cv_today()::varchar") if months
                     else (None, None))
    scoped = months and since_load is not None and _scope(con, since_load, inputs, today)
    loads: dict[tuple[str, str], str] = {}  # the loads that hold the scope's rows, by table and filter
    database = scalar(con, "select current_database()")
    counted_whole = scoped and _most_counted_in_scope(con)
    visits_alone = scoped and not scalar(con, "select count(*) from loads where kind <> 'visits' "
                                              "and load_id in (select load_id from cv_changed_loads)")
    same_day = visits_alone and scalar(con, "select value from settings where key = 'marts_date'") == today
    other_kind = _marts_of_other_kind(con)
    for name, kind in MARTS:
        if not months and name in (*MONTH_MARTS, *WHOLE_HISTORY_MARTS):
            continue
        if visits_alone and (name in ROSTER_MARTS or (same_day and name in ROSTER_DAY_MARTS)):
            if name == "elders":
                _keep_elders(con, database)
            continue
        if scoped and counted_whole and name == "elder_visit_months" and (floor := _floor(con)):
            _build_visit_months_from(con, database, floor)
            continue
        if scoped and counted_whole and name in COUNTED_MARTS and not (name in FLOORED_MARTS and _floor(con)):
            _build_whole_in_scoped(con, name, database)
            continue
        if scoped and name == "signal_notes":
            _signal_notes_noting_changes(con)
            continue
        if scoped and name == "signal_busy_days":
            _scope_visitor_days(con, database, loads)
        if scoped and name == "signal_visits":
            _scope_signal_visits(con, database, loads)
        if scoped and name in SCOPED_MARTS:
            _build_scoped(con, name, database, loads)
            continue
        if scoped and name == "street_records":
            scoped = _street_records_widening_scope(con, loads)
            continue
        if name in other_kind:
            con.execute(f"drop {other_kind[name]} {name}")
        con.execute(f"create or replace {kind} {name} as {_whole(name)}")
    if not scoped:
        for name in RETIRED_MARTS:
            con.execute(f"drop table if exists {name}")
    if months:
        build_same_day_comparison(con, loads if scoped else None)
        # marts_built: how the last build went (whole or scoped), for whoever asks why a publish took long
        con.execute("insert or replace into settings values ('marts_version', $version), ('marts_inputs', $inputs), "
                    "('marts_date', $today), ('marts_built', $built)",
                    {"version": marts_version(), "inputs": inputs, "today": today,
                     "built": "whole" if not scoped else "scoped, counted marts whole" if counted_whole else "scoped"})
    return scoped


def _scope(con: duckdb.DuckDBPyConnection, since_load: int, inputs: str, today: str) -> bool:
    """Find the scope of the loads after `since_load` (temp tables cv_scope_*: its elders, communities,
    streets, and the months whose frame changed), and of the days since the marts were last built
    (scope/new_day.sql: the first load of a day is scoped too); whether to build scoped: the marts were last
    built with the same configuration and geography (`inputs`, scope/fingerprint.sql) on `today` or a day
    before, the warehouse is not small and the scope is not most of it."""
    built_with, built_on = first_row(con, "select (select value from settings where key = 'marts_inputs'), "
                                          "(select value from settings where key = 'marts_date')")
    if built_with != inputs or built_on is None or built_on > today or _small(con):
        return False
    con.execute(f"create or replace temp table cv_new_frame as {sql('marts/month_frame')}")
    con.execute(sql("scope/months"))
    # a corrections workbook's rows are stored under the load it corrects
    con.execute("""create or replace temp table cv_changed_loads as
        select load_id from loads where load_id > $since
        union select origin_load_id from corrections where load_id > $since""", {"since": since_load})
    con.execute(sql("scope/seed"))
    if built_on < today:
        con.execute(sql("scope/new_day"), {"built_on": built_on})
    con.execute(sql("scope/floor"), {"built_on": built_on, "since": since_load})
    con.execute(sql("scope/listed"))
    con.execute("create or replace temp table cv_scope_districts (district_code varchar)")
    con.execute("create or replace temp table cv_scope_rollup_floor (month_start date)")  # _note_rollup_floor
    in_scope, everyone = first_row(con, "select (select count(*) from cv_scope_elders), count(*) from elders")
    return in_scope <= WHOLE_FROM_SHARE * everyone


def _most_counted_in_scope(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the scope holds more than COUNTED_WHOLE_FROM_SHARE of the elders elder_months counts."""
    share = scalar(con, "select count(*) filter (where elder_id in (select elder_id from cv_scope_elders)) "
                        "/ greatest(count(*), 1) from (select distinct elder_id from elder_months)")
    return share > COUNTED_WHOLE_FROM_SHARE


def _build_whole_in_scoped(con: duckdb.DuckDBPyConnection, name: str, database: str) -> None:
    """Scoped mart `name` built whole in a scoped build, from the stored rows and the marts built before it as
    they stand: the rows of the elders out of scope come out as they were (the scope holds every elder whose
    figures the loads can change), so the districts of the scope's rows are noted as _build_scoped notes them."""
    stored = f'"{database}".main.{name}'
    if name in PLACED_BY:
        _note_districts(con, name, IN_SCOPE, stored)
    con.execute(f"create or replace table {stored} as {sql(f'marts/{name}')}")
    if name in PLACED_BY:
        _note_districts(con, name, IN_SCOPE, stored)


def _build_visit_months_from(con: duckdb.DuckDBPyConnection, database: str, floor: dt.date) -> None:
    """elder_visit_months, in a scoped build of visit files alone that counts most elders (a month's visits of
    every street), from the floor's month on (scope/floor.sql): the loads add visits dated from it, so the rows
    of the months before stay as they are. Those from the floor are computed from the visits dated from it, and
    each elder's last home visit through a month (home_visit_through, the running latest of the model) carries
    on from the elder's last row before the floor. (A province's month of visits: 31 CPU-s built whole.)"""
    stored = f'"{database}".main'
    _compute(con, "elder_visit_months", "cv_scoped",
             [("visit_rows", f"{stored}.visit_rows", f"visit_date >= '{floor}'")])
    con.execute(f"delete from {stored}.elder_visit_months where visit_month >= $floor", {"floor": floor})
    con.execute(f"""insert into {stored}.elder_visit_months by name
        select n.* replace (greatest(n.home_visit_through, before.home_visit_through) as home_visit_through)
        from cv_scoped n
        left join (select elder_id, max(home_visit_through) as home_visit_through
                   from {stored}.elder_visit_months group by elder_id) before using (elder_id)""")
    con.execute("drop table cv_scoped")


def _marts_of_other_kind(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The marts an earlier CareVisit kept as the other kind (a view for a table, or the other way), which
    `create or replace` does not replace: name -> the kind to drop. One query a build (one per mart cost a
    whole build of a test's warehouse a tenth of its 0.3 CPU-s)."""
    return dict(con.execute(
        "select name, kind from (select table_name as name, 'table' as kind from duckdb_tables()"
        " where database_name = current_database() and schema_name = 'main'"
        " union all select view_name, 'view' from duckdb_views()"
        " where database_name = current_database() and schema_name = 'main' and not internal)"
        " join (select unnest($names) as name, unnest($kinds) as wanted) using (name) where kind <> wanted",
        {"names": [name for name, _ in MARTS], "kinds": [kind for _, kind in MARTS]}).fetchall())


def _whole(name: str) -> str:
    """Mart `name`'s query, in its order when it is kept in one (CLUSTERED_BY)."""
    if name in CLUSTERED_BY:
        return f"select * from ({sql(f'marts/{name}')}) order by {CLUSTERED_BY[name][0]}"
    return sql(f"marts/{name}")


def _small(con: duckdb.DuckDBPyConnection) -> bool:
    return scalar(con, "select count(*) from elders") < SMALL_BELOW_ELDERS


def _street_records_widening_scope(con: duckdb.DuckDBPyConnection, loads: dict[tuple[str, str], str]) -> bool:
    """street_records, built whole, in a scoped build: the elders of a street whose records now begin on
    another day join the scope (scope/street_records.sql). Whether the build can stay scoped: not when the
    first day of all records moved (a street without visits counts from it)."""
    con.execute("create or replace temp table previous_street_records as from street_records")
    con.execute(f"create or replace table street_records as {sql('marts/street_records')}")
    if scalar(con, "select (select min(first_visit_date) from street_records) is distinct from "
                   "(select min(first_visit_date) from previous_street_records)"):
        return False
    before = scalar(con, "select count(*) from cv_scope_elders")
    con.execute(sql("scope/street_records"))
    if scalar(con, "select count(*) from cv_scope_elders") == before:  # no street's records begin on another day
        return True
    con.execute(sql("scope/listed"))
    # their figures change from the first month on, whatever the loads' visits' dates
    con.execute("delete from cv_scope_floor")
    _note_districts(con, "elders", IN_SCOPE)  # of the elders who joined, whose rows of elders were built before
    loads.clear()  # the scope grew: the loads that hold its rows are found again
    return True


def _signal_notes_noting_changes(con: duckdb.DuckDBPyConnection) -> None:
    """signal_notes, built whole, in a scoped build: the notes that became or stopped being ones that may be
    copies (not surely a template) go to cv_scope_notes, whose every visit's row of signal_visits can change."""
    con.execute("create or replace temp table previous_signal_notes as from signal_notes")
    con.execute(f"create or replace table signal_notes as {sql('marts/signal_notes')}")
    con.execute("""create or replace temp table cv_scope_notes as
        (select findings from signal_notes where not is_surely_common
         except select findings from previous_signal_notes where not is_surely_common)
        union
        (select findings from previous_signal_notes where not is_surely_common
         except select findings from signal_notes where not is_surely_common)""")
    con.execute("drop table previous_signal_notes")


def _scope_visitor_days(con: duckdb.DuckDBPyConnection, database: str, loads: dict[tuple[str, str], str]) -> None:
    """The visitors' days (by name) of the changed loads' home visits (temp table cv_scope_visitor_days): the rows
    of signal_busy_days the loads can change (rows are only ever added to a load: a day's count only grows)."""
    changed = _in_loads(con, database, "visit_rows", IN_CHANGED_LOADS, loads)
    con.execute("create or replace temp table cv_scope_visitor_days as select distinct visitor_name, visit_date "
                f'from "{database}".main.visit_rows where {changed} and method = \'上门\' and visitor_name is not null')


def _scope_signal_visits(con: duckdb.DuckDBPyConnection, database: str, loads: dict[tuple[str, str], str]) -> None:
    """The visits whose row of signal_visits the loads can change (temp table cv_scope_signal_rows): those of the
    changed loads, the home visits of a day in cv_scope_visitor_days (whose row of signal_busy_days the loads
    can change), the visits of an elder whose row of elders changed (cv_scope_changed_elders), those without
    an ID number in a community with a new roster (linked by name there), and those of a note in
    cv_scope_notes. Any other visit's row is the same: its load, its elder's row, the names that link it, its
    day's count and its note's are. The loads that hold them are noted in `loads` as constants, as _in_loads
    notes them."""
    # each part its own scan, so that DuckDB reads only the parts of the table that hold its loads
    parts = [_in_loads(con, database, "visit_rows", IN_CHANGED_LOADS, loads),
             _in_loads(con, database, "visit_rows", IN_SCOPE_VISITOR_DAYS, loads) + " and method = '上门'"]
    if scalar(con, "select count(*) from cv_scope_changed_elders"):
        parts += [_in_loads(con, database, "visit_rows", VISITS_OF_CHANGED_ELDERS, loads)]
    if scalar(con, "select count(*) from cv_scope_communities"):
        parts += ["id_number is null and community_code in (select community_code from cv_scope_communities)"]
    if scalar(con, "select count(*) from cv_scope_notes"):
        parts += ["findings in (select findings from cv_scope_notes)"]
    con.execute("create or replace temp table cv_scope_signal_rows as "
                + " union ".join(f'select load_id, row_number from "{database}".main.visit_rows where {where}'
                                 for where in parts))
    found = scalar(con, "select list(distinct load_id order by load_id) from cv_scope_signal_rows")
    loads["visit_rows", IN_SCOPE_SIGNAL_ROWS] = (f"load_id in ({', '.join(map(str, found or [-1]))}) "
                                                 f"and ({IN_SCOPE_SIGNAL_ROWS})")


def _note_districts(con: duckdb.DuckDBPyConnection, mart: str, where: str, source: str | None = None) -> None:
    """The districts where the rows of `mart` (PLACED_BY) that `where` selects in `source` (the stored mart)
    place an elder join cv_scope_districts."""
    con.execute(f"insert into cv_scope_districts select distinct unnest({PLACED_BY[mart]}) "
                f"from {source or mart} where {where}")


def _build_scoped(con: duckdb.DuckDBPyConnection, name: str, database: str,
                  loads: dict[tuple[str, str], str]) -> None:
    """Mart `name` for the scope (and, for a month mart, for everyone in the months in scope): computed
    through views that show only the scope's rows of what it reads, then in place of the scope's rows."""
    mart = SCOPED_MARTS[name]
    computed, views = mart.computed, _scope_views(con, name, database, f'"{database}".main', loads)
    if floor := _floor_of(con, name):
        # the months from the floor but those in scope, computed for everyone below (a month that compares with
        # the month before is computed with it)
        computed = f"({computed}) and month_start >= '{floor}' and not {IN_SCOPE_MONTHS}"
        views = _from_month(views, floor, name, f'"{database}".main',
                            "true" if name in COMPARES_MONTH_BEFORE else f"not {IN_SCOPE_MONTHS}")
        if not scalar(con, f'select count(*) from "{database}".main.month_frame where month_start >= \'{floor}\' '
                           f"and not {IN_SCOPE_MONTHS}"):
            views = None  # no such month: the loads change only months in scope (a new month's visits)
    if views is None:
        con.execute(f'create or replace temp table cv_scoped as from "{database}".main.{name} limit 0')
    else:
        _compute(con, name, "cv_scoped", views)
    replaced = computed
    if name == "elders":
        _note_changed_elders(con, f'"{database}".main.elders', computed)
    if name == "problems":
        _note_rollup_floor(con, f'"{database}".main.problems', computed)
    if name in MONTH_MARTS and scalar(con, "select count(*) from cv_scope_months"):
        months = IN_SCOPE_FRAME if name in COMPARES_MONTH_BEFORE else IN_SCOPE_MONTHS
        frame = [(table, f'"{database}".main.{table}', months)
                 for table in ("month_frame", *MONTH_MARTS) if _built_before(table, name)]
        frame += _visits_within(con, f'"{database}".main', months)
        _compute(con, name, "cv_scoped_months", frame)
        replaced = f"({computed}) or {IN_SCOPE_MONTHS} or month_start not in (select month_start from month_frame)"
    _replace_scope_rows(con, name, f'"{database}".main.{name}', computed, replaced)
    if replaced != computed:
        con.execute(f'insert into "{database}".main.{name} '
                    f'select * from cv_scoped_months where {IN_SCOPE_MONTHS} and not ({computed})')
        con.execute("drop table cv_scoped_months")
    con.execute("drop table cv_scoped")


def _floor(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The first month a scoped build recomputes the scope's rows of FLOORED_MARTS from (scope/floor.sql), or None:
    every month."""
    return scalar(con, "select max(month_start) from cv_scope_floor")


def _floor_of(con: duckdb.DuckDBPyConnection, mart: str) -> dt.date | None:
    """The first month a scoped build recomputes the scope's rows of `mart` from, or None: every month (or not a
    month mart). The rollups' is noted as the problems are built (_note_rollup_floor), before them."""
    if mart in FLOORED_MARTS:
        return _floor(con)
    if mart in ROLLUPS:
        return scalar(con, "select max(month_start) from cv_scope_rollup_floor")
    return None


def _note_rollup_floor(con: duckdb.DuckDBPyConnection, stored: str, computed: str) -> None:
    """The first month whose rows of the rollups (ROLLUPS) the loads can change (temp table
    cv_scope_rollup_floor, one row, or none: any month): the floor of the per-elder month marts, or the month of
    the earliest problem (found then) whose row the scoped build changes, from the stored rows and those computed
    (cv_scoped), before they replace them."""
    con.execute(f"""create or replace temp table cv_scope_rollup_floor as
        select least(f.month_start, (
            select cast(date_trunc('month', min(opened_date)) as date) from ({_changed_rows(stored, computed)})))
            as month_start
        from cv_scope_floor f""")


def _from_month(views: list[tuple[str, str, str | tuple[str, ...]]], floor: dt.date, name: str,
                stored: str, frame: str = "true") -> list[tuple[str, str, str | tuple[str, ...]]]:
    """`views` (as _compute takes them) of month mart `name` showing only the months from `floor` on (and the
    month before, for a mart that compares the two): the month frame (from schema `stored` unless a view of it
    is given; only its months `frame` selects), the month marts it reads, and the visits dated in those months."""
    start = month_before(floor) if name in COMPARES_MONTH_BEFORE else floor
    by_table = {"month_frame": f"month_start >= '{start}' and {frame}", "visit_rows": f"visit_date >= '{start}'",
                **{mart: f"month_start >= '{start}'" for mart in MONTH_MARTS}}
    if all(table != "month_frame" for table, _, _ in views):
        views = [("month_frame", f"{stored}.month_frame", "true"), *views]
    return [(table, source, tuple(f"({part}) and {by_table[table]}" for part in _parts(where))
             if table in by_table else where) for table, source, where in views]


def _keep_elders(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """elders kept as it is by a scoped build of visit files: no elder's row changed (cv_scope_changed_elders is
    empty, as _note_changed_elders finds it then), and the districts its rows place the scope in are noted, as
    _replace_scope_rows notes them for rows computed again."""
    con.execute("create or replace temp table cv_scope_changed_elders (elder_id varchar)")
    _note_districts(con, "elders", IN_SCOPE, f'"{database}".main.elders')


def _note_changed_elders(con: duckdb.DuckDBPyConnection, stored: str, computed: str) -> None:
    """The elders in scope whose row of elders the scoped build changes (temp table cv_scope_changed_elders),
    from the stored rows and those computed (cv_scoped), before they replace them: the elders whose visits'
    rows of signal_visits (where they live, their status, exit) can change with them. None when the loads hold
    no roster rows: elders is computed from the rosters alone (ELDERS_FROM; comparing a scope's rows of a
    province's 6 M cost 1.3 CPU-s)."""
    if not scalar(con, "select count(*) from cv_scope_communities"):
        con.execute("create or replace temp table cv_scope_changed_elders (elder_id varchar)")
        return
    con.execute("create or replace temp table cv_scope_changed_elders as "
                f"select elder_id from ({_changed_rows(stored, computed)})")


def _changed_rows(stored: str, computed: str) -> str:
    """A query of the rows that `computed` selects in `stored` (a mart) or in cv_scoped (its rows a scoped build
    computed) and not in the other: those the build changes, as they were and as they are."""
    return (f"(from {stored} where {computed} except all from cv_scoped where {computed}) union all "
            f"(from cv_scoped where {computed} except all from {stored} where {computed})")


def _replace_scope_rows(con: duckdb.DuckDBPyConnection, name: str, target: str, computed: str, replaced: str) -> None:
    """The rows of cv_scoped that `computed` selects in place of those of `target` (mart `name`, stored or in a
    comparison's schema) that `replaced` selects; for a mart that places elders (PLACED_BY), where the scope's
    rows placed them before and place them now joins cv_scope_districts first."""
    if name in PLACED_BY:
        _note_districts(con, name, computed, target)
        _note_districts(con, name, computed, "cv_scoped")
    con.execute(f"delete from {target} where {replaced}")
    con.execute(f"insert into {target} select * from cv_scoped where {computed}")


def _scope_views(con: duckdb.DuckDBPyConnection, name: str, database: str, months_from: str,
                 loads: dict[tuple[str, str], str]) -> list[tuple[str, str, str | tuple[str, ...]]]:
    """What scoped mart `name` reads, as (view, source, filter): the scope's stored rows, and its rows of the
    scoped marts built before it, the month marts among them from `months_from` (a schema)."""
    stored, mart = f'"{database}".main', SCOPED_MARTS[name]
    every = {o: SCOPED_MARTS[o].read for o in SCOPED_MARTS}
    reads = {other: where for other, where in (every if mart.reads is None else mart.reads).items()
             if _built_before(other, name)}
    return [*((table, f"{stored}.{table}", tuple(_in_loads(con, database, table, p, loads) for p in _parts(where)))
              for table, where in mart.rows.items()),
            *((other, f"{months_from if other in MONTH_MARTS else stored}.{other}", _clustered(con, other, where))
              for other, where in reads.items())]


def _clustered(con: duckdb.DuckDBPyConnection, mart: str, where: str) -> str:
    """`where`, a scoped read of `mart`, with the values of its clustering column (CLUSTERED_BY) that the read
    selects named as constants when it selects by them."""
    if mart not in CLUSTERED_BY or where != SCOPED_MARTS[mart].read:
        return where
    column, temp = CLUSTERED_BY[mart]
    values = scalar(con, f"select list(distinct {column} order by {column}) from {temp}") or []
    constants = ", ".join("'" + str(value).replace("'", "''") + "'" for value in values) or "null"
    return f"{column} in ({constants}) and ({where})"


def _in_loads(con: duckdb.DuckDBPyConnection, database: str, table: str, where: str,
              loads: dict[tuple[str, str], str]) -> str:
    """`where`, with the loads that hold such rows named as constants: stored rows lie in the order they
    were loaded, so DuckDB then reads only the parts of the table that hold those loads (a load is one
    street's or one district's file), not every row to test each against the scope."""
    if (table, where) not in loads:
        found = scalar(con, f'select list(distinct load_id order by load_id) from "{database}".main.{table} '
                            f"where {where}")
        loads[table, where] = f"load_id in ({', '.join(map(str, found or [-1]))}) and ({where})"
    return loads[table, where]


def _compute(con: duckdb.DuckDBPyConnection, name: str, into: str,
             views: list[tuple[str, str, str | tuple[str, ...]]], kind: str = "temp table") -> None:
    """Mart `name` into temp table `into` (or a table of another `kind`), reading each (table, source, filter) of
    `views` through a view named `table` that shows only the rows of `source` the filter selects (a tuple: disjoint
    parts, each its own scan)."""
    for table, source, where in views:
        con.execute(f"create or replace temp view {table} as "
                    + " union all ".join(f"select * from {source} where {part}" for part in _parts(where)))
    try:
        con.execute(f"create or replace {kind} {into} as {sql(f'marts/{name}')}")
    finally:
        for table, _, _ in views:
            con.execute(f"drop view if exists temp.main.{table}")


def _parts(where: str | tuple[str, ...]) -> tuple[str, ...]:
    """A filter's disjoint parts (ELDER_ROWS): itself when it is one."""
    return where if isinstance(where, tuple) else (where,)


def _visits_within(con: duckdb.DuckDBPyConnection, stored: str, months: str,
                   frame: str | None = None) -> list[tuple[str, str, str]]:
    """A view of the visit rows stored in schema `stored` dated within the months of `frame` (the stored month
    frame unless given) that `months` selects, up to their as-of dates: all a month mart reads of the visits
    when it computes those months alone (elder_months and elder_contact_months read the visits of a month up
    to its as-of date), named by constant dates so that DuckDB reads only the parts of the table that hold
    them (visits are loaded a month's file at a time: the province's new month for everyone read and linked
    by name every visit without an ID number, 3.4 M of them, for 4 CPU-s, before keeping a month's)."""
    if "." not in stored:  # a schema of the current database's, named so (the temp views' schema is main too)
        stored = f'"{scalar(con, "select current_database()")}".{stored}'
    first, last = first_row(con, "select least(min(month_start), min(date_trunc('month', as_of)))::date, "
                                 f"greatest(max(month_end), max(as_of))::date from {frame or f'{stored}.month_frame'} "
                                 f"where {months}")
    if first is None:
        return []
    return [("visit_rows", f"{stored}.visit_rows", f"visit_date between '{first}' and '{last}'")]


def _built_before(mart: str, name: str) -> bool:
    order = [m for m, _ in MARTS]
    return mart in order and order.index(mart) < order.index(name)


def build_month(con: duckdb.DuckDBPyConnection, month_start, as_of, schema: str | None = None,
                stored: str | None = None) -> None:
    """The month marts for one month at any as-of date, shadowing the stored ones: as temp tables,
    or in `schema` (an attached in-memory database that comes first on the search path). The month
    before is computed beside it, whole, so that what changed since then can be told; in a schema, its
    rows of the marts whose months stand alone (MONTH_BY_MONTH) are taken from the store's (`stored`, a
    schema) when the store counts that month whole too.

    Works on a read-only warehouse: both live in memory.
    """
    def target(name: str) -> str:
        return f"temp table {name}" if schema is None else f"table {schema}.{name}"

    con.execute(
        f"""create or replace {target('month_frame')} as
        select strftime(m, '%Y-%m') as month, m as month_start, last_day(m) as month_end, d as as_of
        from (values (cast($m::date - interval 1 month as date), last_day(cast($m::date - interval 1 month as date))),
                     ($m::date, $d::date)) as months(m, d)""",
        {"m": month_start, "d": as_of},
    )
    # S608 below: the names are a schema of this module's or the caller's, and a mart's, from MONTH_MARTS
    whole_before = schema is not None and stored is not None and first_row(
        con, f"select 1 from {stored}.month_frame where as_of >= month_end and month_start = "  # noqa: S608
             f"(select min(month_start) from {schema}.month_frame)") is not None
    # the month itself: through views of the frame and of the month marts taken as stored that show its rows alone
    itself = f"month_start = (select max(month_start) from {schema}.month_frame)"
    for name in MONTH_MARTS:
        if whole_before and name in MONTH_BY_MONTH:
            con.execute(f"create or replace {target(name)} as from {stored}.{name} where month_start = "  # noqa: S608
                        f"(select min(month_start) from {schema}.month_frame)")
            views = [(table, f"{schema}.{table}", itself) for table in ("month_frame", *MONTH_BY_MONTH)
                     if table == "month_frame" or MONTH_MARTS.index(table) < MONTH_MARTS.index(name)]
            _compute(con, name, "cv_month", [*views, *_visits_within(con, stored, itself, f"{schema}.month_frame")])
            con.execute(f"insert into {schema}.{name} by name from cv_month")
            con.execute("drop table cv_month")
            continue
        con.execute(f"create or replace {target(name)} as {sql(f'marts/{name}')}")


def run_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names and first offending rows of the checks that returned rows."""
    failures = []
    for name in CHECKS:
        rows = con.execute(sql(f"checks/{name}")).fetchall()
        if rows:
            failures.append(f"{name}: {rows[:3]}")
    return failures


def recompute_month(con: duckdb.DuckDBPyConnection, month_start, as_of, schema: str | None = None,
                    stored: str | None = None) -> None:
    """The month marts for `month_start` as of `as_of`, on any connection (a read-only cursor
    included): the session's macros, then build_month."""
    prepare(con)
    build_month(con, month_start, as_of, schema, stored)


def as_of_name(month_start: dt.date, as_of: dt.date) -> str:
    """The schema (or attached database) that holds a month recomputed at another as-of date."""
    return f"as_of_{month_start:%Y%m}_{as_of:%Y%m%d}"


def build_as_of(con: duckdb.DuckDBPyConnection, month_start, as_of, schema: str, stored: str) -> None:
    """The store's marts with one month recomputed at `as_of`, in `schema` (first on the connection's
    search path, `stored` after it): the month marts of that month and the one before, and the other
    months' rollups as stored, for trends and month-on-month change. The dashboard's as-of views."""
    recompute_month(con, month_start, as_of, schema=schema, stored=stored)
    computed = [m for (m,) in con.execute(f"select month_start from {schema}.month_frame").fetchall()]
    _stored_rollups(con, schema, stored, computed)


def _stored_rollups(con: duckdb.DuckDBPyConnection, schema: str, stored: str, computed: list) -> None:
    """In `schema`, the rollups (AS_OF_ROLLUPS) of every month but the `computed` ones as `stored` holds them,
    in place of any it held."""
    for table in AS_OF_ROLLUPS:
        # S608: the names are a schema of this module's or the caller's, and a mart's, from AS_OF_ROLLUPS
        for statement in (f"delete from {schema}.{table} where not list_contains($computed, month_start)",  # noqa: S608
                          f"insert into {schema}.{table} by name select * from {stored}.{table}"  # noqa: S608
                          " where not list_contains($computed, month_start)"):
            con.execute(statement, {"computed": computed})


def build_as_of_file(warehouse: Path, path: Path, month_start, as_of, memory_limit: str = AS_OF_MEMORY_LIMIT) -> None:
    """build_as_of by a DuckDB instance of its own, within `memory_limit`, into the database file `path` (its
    main schema), reading the warehouse file read-only: what a server process attaches for another as-of date.
    Nothing of it is left if it fails."""
    remove_database(path)  # what an earlier build that failed left
    con = duckdb.connect(config=engine_config(memory_limit=memory_limit, temp_directory=f"{path}.tmp"))
    try:
        con.execute("attach $path as warehouse (read_only)", {"path": str(warehouse)})
        con.execute("attach $path as recomputed", {"path": str(path)})
        con.execute("use warehouse")
        set_search_path(con, "recomputed.main,warehouse.main")
        build_as_of(con, month_start, as_of, "recomputed.main", "warehouse.main")
    except BaseException:
        con.close()
        remove_database(path)
        raise
    con.close()


# The variable that names the warehouse's database on a connection whose search path starts elsewhere (a month
# recomputed at another as-of date for one command, metrics.month_marts): DuckDB's current database is then that one.
WAREHOUSE_VARIABLE = "cv_warehouse"


def warehouse_database(con: duckdb.DuckDBPyConnection) -> str:
    """The name of the warehouse's database on `con`."""
    return scalar(con, f"select coalesce(getvariable('{WAREHOUSE_VARIABLE}'), current_database())")


def same_day_name(month_start: dt.date, as_of: dt.date) -> str:
    """The schema that holds a month counted to another day alone (build_same_day): a month in progress's
    comparison, stored by the load (build_same_day_comparison)."""
    return f"same_day_{month_start:%Y%m}_{as_of:%Y%m%d}"


def build_same_day(con: duckdb.DuckDBPyConnection, month_start, as_of, schema: str, stored: str) -> None:
    """In `schema` (first on the connection's search path, the store's schema `stored` after it), the month
    `month_start` alone counted to `as_of`: its row of the month frame and its rows of SAME_DAY_MARTS, each
    computed from the visits dated in the month. On any connection (a read-only cursor included)."""
    prepare(con)
    con.execute(f"""create or replace table {schema}.month_frame as
        select strftime($m::date, '%Y-%m') as month, $m::date as month_start, last_day($m::date) as month_end,
               $d::date as as_of""", {"m": month_start, "d": as_of})
    visits = _visits_within(con, stored, "true", f"{schema}.month_frame")
    for name in SAME_DAY_MARTS:
        _compute(con, name, f"{schema}.{name}", visits, kind="table")


@contextlib.contextmanager
def same_day_marts(con: duckdb.DuckDBPyConnection, month_start: dt.date, as_of: dt.date) -> Iterator[None]:
    """Within it, place_months on `con` (a read-only connection included) holds the month `month_start` alone,
    counted to `as_of` (with the rest of SAME_DAY_MARTS), first on the search path: the same-day comparison the
    last publish stored (build_same_day_comparison), or else build_same_day in memory, dropped on leaving. What a
    report that compares a month in progress like for like reads the month before from."""
    database = warehouse_database(con)
    name = same_day_name(month_start, as_of)
    stored = first_row(con, "select 1 from duckdb_tables() where database_name = ? and schema_name = ?"
                            " and table_name = 'place_months'", [database, name]) is not None
    path = scalar(con, "select current_setting('search_path')")
    if not stored:
        con.execute("attach ':memory:' as cv_same_day (read_write)")  # on a read-only connection too
    try:
        if not stored:
            set_search_path(con, f'cv_same_day.main,"{database}".main')
            build_same_day(con, month_start, as_of, "cv_same_day.main", f'"{database}".main')
        set_search_path(con, (f'"{database}".{name}' if stored else "cv_same_day.main") + f',"{database}".main')
        yield
    finally:
        con.execute(f"set search_path = '{path}'")
        if not stored:
            con.execute("detach cv_same_day")


def build_same_day_comparison(con: duckdb.DuckDBPyConnection,
                              loads: dict[tuple[str, str], str] | None = None) -> str | None:
    """When the newest month is in progress (counted to the 20th, say), the month before counted to the same
    day (build_same_day), stored in its own schema (same_day_name): what the overview compares the month with.
    Built here, once a publish, rather than by each server process on its first view, unless the warehouse is
    small (SMALL_BELOW_ELDERS). After a scoped build (`loads`: the loads that hold its scope's rows, from
    _in_loads), the comparison the last build stored for the same day is kept with its rows of the scope
    recomputed. Any other comparison is dropped (and any whole as-of view an earlier CareVisit stored, as_of_*).
    Its schema's name, or None."""
    name = None
    newest = first_row(con, "select month_start, as_of from month_frame order by month_start desc limit 1")
    if newest is not None and in_progress(*newest) and not _small(con):
        previous, same_day = month_before(newest[0]), same_day_last_month(newest[1])
        # unless the month before is not stored past that day: it is then its own comparison
        if first_row(con, "select 1 from month_frame where month_start = $m and as_of > $d",
                     {"m": previous, "d": same_day}) is not None:
            name = same_day_name(previous, same_day)
    stored = [schema for (schema,) in con.execute(
        "select schema_name from duckdb_schemas() where database_name = current_database()"
        " and (starts_with(schema_name, 'same_day_') or starts_with(schema_name, 'as_of_'))").fetchall()]
    kept = loads is not None and name in stored
    for stale in stored:
        if not (kept and stale == name):
            con.execute(f'drop schema "{stale}" cascade')
    if name is None:
        return None
    path, limit = first_row(con, "select current_setting('search_path'), current_setting('memory_limit')")
    if not kept:
        con.execute(f"create schema {name}")
    try:
        set_search_path(con, f"{name},main")
        # the memory a server process would give it
        con.execute(f"set memory_limit = '{AS_OF_MEMORY_LIMIT}'")
        if kept:
            _comparison_in_scope(con, name, previous, loads)
        else:
            build_same_day(con, previous, same_day, name, "main")
    except duckdb.OutOfMemoryException:  # not stored: a server recomputes it when asked, within the same memory
        con.execute(f"drop schema if exists {name} cascade")
        return None
    finally:
        con.execute(f"set search_path = '{path}'")
        con.execute(f"set memory_limit = '{limit}'")
    return name


def _comparison_in_scope(con: duckdb.DuckDBPyConnection, name: str, month_start: dt.date,
                         loads: dict[tuple[str, str], str]) -> None:
    """The same-day comparison in schema `name` (build_same_day of `month_start`), after a scoped build of the
    same configuration, geography and date: its rows of the scope recomputed as _build_scoped recomputes the
    stored ones (its elders', then its place_months' of their districts, from the comparison's per-elder marts).
    The same rows as build_same_day (tests/etl/test_scoped_build.py)."""
    database = scalar(con, "select current_database()")
    schema = f'"{database}".{name}'
    frame = ("month_frame", f"{schema}.month_frame", "true")
    for mart in SAME_DAY_MARTS:
        computed = SCOPED_MARTS[mart].computed
        views = [frame, *_scope_views(con, mart, database, schema, loads)]
        if floor := _floor_of(con, mart):
            if floor > month_start:  # the loads change none of its rows of the month
                continue
            computed = f"({computed}) and month_start >= '{floor}'"
            views = _from_month(views, floor, mart, schema)
        _compute(con, mart, "cv_scoped", views)
        _replace_scope_rows(con, mart, f"{schema}.{mart}", computed, computed)
        con.execute("drop table cv_scoped")
