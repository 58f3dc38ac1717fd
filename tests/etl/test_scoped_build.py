"""A load's marts rebuilt only for the elders it can change (etl/build.py, etl/sql/scope/) are exactly the
marts a whole build makes: every stored mart, row for row, after each kind of load a street sends."""

import copy
import datetime as dt
import itertools
import os

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from etl import build, geography
from etl.build import MARTS, build_marts
from etl.settings import engine_config
from etl.sqlfiles import prepare, scalar
from etl.warehouse import _write_place_keys, write_divisions
from tests.conftest import BINXI, HEPING, HUAYUANLU, QUANYECHANG, MartWarehouse, make_id, new_mart_warehouse

XIAOBAILOU_COMMUNITY = "120101002002"  # another street's community
# a second district (a city's), of one street and one community: rollups are rebuilt by district
HEXI, HEXI_STREET, HEXI_COMMUNITY = "120103000000", "120103001000", "120103001001"
SEVENTY = "19560101"


def with_a_second_district(con) -> None:
    divisions = geography.reference_divisions()
    parent = divisions.loc[divisions["code"] == HEPING, "parent_code"].iloc[0]
    more = pd.DataFrame({"code": [HEXI, HEXI_STREET, HEXI_COMMUNITY], "parent_code": [parent, HEXI, HEXI_STREET],
                         "level": ["district", "street", "community"], "name": ["河西区", "测试街道", "测试社区"],
                         "short_name": ["河西区", "测试", "测试"]})
    write_divisions(con, pd.concat([divisions, more], ignore_index=True), geography.division_aliases())


def stored_marts(con) -> dict[str, list]:
    """Every stored mart's rows, and the same-day comparison's (build_same_day_comparison) by schema."""
    comparison = con.execute("select schema_name || '.' || table_name from duckdb_tables() where "
                             "database_name = current_database() and starts_with(schema_name, 'same_day_')").fetchall()
    return {name: sorted(con.execute(f"from {name}").fetchall(), key=repr)  # noqa: S608 (the marts' names)
            for name in [*(name for name, kind in MARTS if kind == "table"), *(name for (name,) in comparison)]}


@pytest.fixture(autouse=True)
def scoped_at_any_size(monkeypatch):
    """The warehouses here are a few dozen elders, which build whole (SMALL_BELOW_ELDERS) unless told not to;
    and a scope of a few of them is a large share, whose counted marts would be built whole
    (COUNTED_WHOLE_FROM_SHARE) unless told not to: here, only where a test says so."""
    monkeypatch.setattr(build, "SMALL_BELOW_ELDERS", 0)
    monkeypatch.setattr(build, "COUNTED_WHOLE_FROM_SHARE", 1.0)


def street_built() -> MartWarehouse:
    """Two streets: 劝业场 (花园路, 滨西) with elders, visits, a problem and a contact list, and 小白楼's
    community with as many elders again, whom a load of 劝业场's leaves alone; and a second district's
    community with a few elders, one of whom moved there from 花园路. Its marts built whole."""
    w = new_mart_warehouse(duckdb.connect(config=engine_config()))
    with_a_second_district(w.con)
    people = {}
    for i, (community, category) in enumerate([(HUAYUANLU, "独居")] * 4 + [(BINXI, "失能")] * 3 + [(BINXI, "空巢")]):
        people[f"e{i}"] = w.elder(make_id(SEVENTY, i + 1), category, community=community, name=f"居民{i}")
    # on both streets' lists: moved to 小白楼 in August
    people["dotted"] = w.elder(make_id(SEVENTY, 42), "独居", community=HUAYUANLU, name="阿依古丽·买买提")
    people["undotted"] = w.elder(make_id(SEVENTY, 43), "独居", community=BINXI, name="艾尔肯吐尔逊")
    people["mover"] = w.elder(make_id(SEVENTY, 40), "独居", community=BINXI, name="两地")
    later = w.load("roster", "2026-08-01")
    w.elder(people["mover"], "独居", community=XIAOBAILOU_COMMUNITY, name="两地", load_id=later)
    for i in range(12):
        w.elder(make_id(SEVENTY, 60 + i), "空巢", community=XIAOBAILOU_COMMUNITY, name=f"邻街{i}", load_id=later)
    # on both districts' lists: moved to 河西 in August
    people["far_mover"] = w.elder(make_id(SEVENTY, 41), "独居", community=HUAYUANLU, name="远迁")
    w.elder(people["far_mover"], "独居", community=HEXI_COMMUNITY, name="远迁", load_id=later)
    for i in range(3):
        people[f"x{i}"] = w.elder(make_id(SEVENTY, 80 + i), "失能", community=HEXI_COMMUNITY, name=f"河西{i}",
                                  load_id=later)
    w.visit(people["x0"], "2026-10-08 10:00", outcome="发现问题")
    w.visit(people["far_mover"], "2026-07-20 10:00")
    w.visit(people["e0"], "2026-09-03 10:00")
    w.visit(people["e1"], "2026-10-02 09:00", outcome="发现问题")
    w.visit(None, "2026-10-04 09:00", name="居民5", community=BINXI)  # no ID: linked by name
    w.visit(make_id(SEVENTY, 61), "2026-08-20 15:00")
    w.visit(make_id(SEVENTY, 62), "2026-10-31 15:00")
    for person in ("e4", "e5"):
        w.contact(people[person])
    w.contact(people["e3"], street=HEXI_STREET, load_id=w.load("contacts", "2026-08-01"))  # on another street's list
    build_marts(w.con)
    w.people = people
    return w


@pytest.fixture(scope="module")
def street_template(tmp_path_factory):
    """The street warehouse built once for the module (0.6 CPU-s a build) under the settings of
    scoped_at_any_size, written to a file: each test's street is a copy. Returns the file and the
    warehouse's Python state, its next row number in place of its counter."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "SMALL_BELOW_ELDERS", 0)
        patch.setattr(build, "COUNTED_WHOLE_FROM_SHARE", 1.0)
        w = street_built()
    path = tmp_path_factory.mktemp("street") / "street.duckdb"
    w.con.execute("attach ? as template", [str(path)])
    w.con.execute("copy from database memory to template")
    w.con.execute("detach template")
    w.con.close()
    state = {k: v for k, v in vars(w).items() if k not in ("con", "_rows")} | {"next_row": next(w._rows)}
    return path, state


@pytest.fixture
def street(street_template):
    """street_built's warehouse, in memory on a connection of its own (copied from street_template:
    the same tables, rows and constraints; the session's macros and place-name keys made again as
    new_mart_warehouse makes them)."""
    path, state = street_template
    con = duckdb.connect(config=engine_config())
    prepare(con)
    con.execute("attach ? as template (read_only)", [str(path)])
    con.execute("copy from database template to memory")
    con.execute("detach template")
    _write_place_keys(con)
    w = MartWarehouse.__new__(MartWarehouse)
    state = copy.deepcopy(state)
    w.__dict__.update({k: v for k, v in state.items() if k != "next_row"})
    w.con, w._rows = con, itertools.count(state["next_row"])
    yield w
    con.close()


def visits_within_the_months(w):
    load = w.load("visits")
    w.visit(w.people["e0"], "2026-10-12 10:00", load_id=load)
    w.visit(w.people["e1"], "2026-10-20 10:00", load_id=load)  # closes e1's problem
    w.visit(None, "2026-10-21 10:00", name="居民6", community=BINXI, load_id=load)


def a_visit_naming_an_elder_without_the_dot_of_their_name(w):
    w.visit(None, "2026-10-22 10:00", name="阿依古丽买买提", community=HUAYUANLU, load_id=w.load("visits"))


def a_visit_naming_with_a_dot_an_elder_listed_without_it(w):
    w.visit(None, "2026-10-23 10:00", name="艾尔肯·吐尔逊", community=BINXI, load_id=w.load("visits"))


def a_phone_call_after_a_home_visit(w):
    """e0, visited at home in September, called in October: October's row carries September's home visit."""
    w.visit(w.people["e0"], "2026-10-14 10:00", method="电话", load_id=w.load("visits"))


def visits_of_a_new_month(w):
    load = w.load("visits")
    w.visit(w.people["e2"], "2026-11-05 10:00", outcome="紧急", load_id=load)
    w.visit(w.people["mover"], "2026-11-06 10:00", load_id=load)


def a_later_visit_that_closes_an_earlier_months_problem_referring_it(w):
    """e1's problem, found on 2 October, handled on 4 November by a referral: October's count of problems referred
    changes though the visit is of November (the rollups' floor: _note_rollup_floor)."""
    w.visit(w.people["e1"], "2026-11-04 10:00", resolution="已解决", referred=True, load_id=w.load("visits"))


def a_newer_roster_of_one_community(w):
    load = w.load("roster", "2026-10-15")
    for person in ("e0", "e2"):  # e1 and e3 are not on it: they leave on its date
        w.elder(w.people[person], "独居", community=HUAYUANLU, name=f"居民{person[1:]}", load_id=load)
    w.elder(make_id(SEVENTY, 20), "孤寡", community=HUAYUANLU, name="新人", load_id=load)
    w.elder(make_id(SEVENTY, 70), "空巢", community=HUAYUANLU, name="邻街0", load_id=load)  # 小白楼's name, here


def a_roster_of_no_one_of_one_community(w):
    """滨西's list of 15 October says it has nobody to list (本社区暂无特殊困难老年人): its elders leave on that day."""
    load = w.load("roster", "2026-10-15")
    w.con.execute("insert into roster_nobody values (?, null, 4, ?, ?, ?)", [load, HEPING, QUANYECHANG, BINXI])


def a_roster_that_makes_a_name_ambiguous(w):
    load = w.load("roster", "2026-10-15")
    for i in (4, 5, 6, 7):
        w.elder(w.people[f"e{i}"], "失能", community=BINXI, name=f"居民{i}", load_id=load)
    w.elder(make_id(SEVENTY, 21), "失能", community=BINXI, name="居民5", load_id=load)  # a second 居民5


def a_new_contact_list(w):
    load = w.load("contacts", "2026-10-10")
    w.contact(w.people["e4"], contact_name="新联系人", load_id=load)  # e5's contact is not on it


def a_new_contact_list_of_a_street_whose_older_one_named_another_streets_elder(w):
    w.contact(w.people["x0"], street=HEXI_STREET, load_id=w.load("contacts", "2026-10-10"))  # e3 is not on it


def visits_earlier_than_a_streets_records(w):
    load = w.load("visits")
    w.visit(w.people["e3"], "2026-08-25 10:00", load_id=load)  # 劝业场's records now begin in August


def an_elder_moving_to_another_district(w):
    load = w.load("roster", "2026-10-10")  # 河西's community lists 花园路's e0: the rollups of both districts change
    for person in ("x0", "x1", "x2", "far_mover"):
        w.elder(w.people[person], "失能", community=HEXI_COMMUNITY, name=f"河西{person[1:]}", load_id=load)
    w.elder(w.people["e0"], "独居", community=HEXI_COMMUNITY, name="居民0", load_id=load)


def a_roster_that_places_an_elder_in_another_district_all_along(w):
    """花园路's list of the day 河西's listed x0, with x0 on it too: the newer listing places x0 in 和平区 from
    then on, and 河西区's rollups change though no other elder of 河西区's is in scope."""
    load = w.load("roster", "2026-08-01")
    for i in range(4):
        w.elder(w.people[f"e{i}"], "独居", community=HUAYUANLU, name=f"居民{i}", load_id=load)
    w.elder(w.people["x0"], "失能", community=HUAYUANLU, name="河西0", load_id=load)


COPIED_NOTE = "老人精神状态良好饮食起居正常无异常情况"  # long enough to compare (identical_notes_min_chars)


def a_note_copied_onto_five_elders(w):
    load = w.load("visits")
    for person in ("e0", "e1", "e2", "e3", "e4"):
        w.visit(w.people[person], "2026-10-16 10:00", load_id=load, visitor="王五", findings=COPIED_NOTE)


@pytest.mark.parametrize(("load", "changes"), [
    (a_note_copied_onto_five_elders, ("visit_signals",)),
    (visits_within_the_months, ("problems", "elder_months")),
    (a_visit_naming_an_elder_without_the_dot_of_their_name, ("elder_months", "elder_visit_spans")),
    (a_visit_naming_with_a_dot_an_elder_listed_without_it, ("elder_months", "elder_visit_spans")),
    (visits_of_a_new_month, ("month_frame", "elder_months", "elder_changes", "elder_incident_days")),
    (a_later_visit_that_closes_an_earlier_months_problem_referring_it, ("problems", "place_months")),
    (a_newer_roster_of_one_community, ("elder_periods", "roster_alerts", "elder_changes")),
    (a_roster_of_no_one_of_one_community, ("elder_periods", "roster_snapshots", "elder_changes", "place_months")),
    (a_roster_that_makes_a_name_ambiguous, ("elder_name_keys", "elder_months")),
    (a_new_contact_list, ("designated_contacts", "elder_months")),
    (a_new_contact_list_of_a_street_whose_older_one_named_another_streets_elder,
     ("designated_contacts", "elder_months")),
    (visits_earlier_than_a_streets_records, ("street_records", "elder_months")),
    (an_elder_moving_to_another_district, ("elder_periods", "place_months", "place_changes")),
    (a_roster_that_places_an_elder_in_another_district_all_along, ("elders", "place_months", "risk_months")),
])
def test_a_scoped_build_makes_every_mart_row_a_whole_build_makes(street, load, changes):
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    before = stored_marts(street.con)
    load(street)
    assert build_marts(street.con, since_load=since)  # scoped, not whole
    scoped = stored_marts(street.con)
    build_marts(street.con)
    whole = stored_marts(street.con)
    assert all(scoped[name] != before[name] for name in changes)  # the load reached what it should
    for name in whole:
        assert scoped[name] == whole[name], name


def test_a_note_that_becomes_a_template_drops_another_streets_lead_in_a_scoped_build(street):
    """小白楼's visitor copied a note onto five elders (a lead); three visitors of 劝业场 then write it too, so
    four visitors write it: a template, and 小白楼's lead goes, though no row of 小白楼 changed."""
    for i in range(5):
        street.visit(make_id(SEVENTY, 60 + i), "2026-10-09 10:00", load_id=street.load("visits"), visitor="赵六",
                     findings=COPIED_NOTE)
    build_marts(street.con)
    lead_streets = "select distinct street_code from visit_signals where signal = 'identical_notes'"
    assert street.con.execute(lead_streets).fetchall() == [(street.street_of(XIAOBAILOU_COMMUNITY),)]
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    load = street.load("visits")
    for person, visitor in (("e0", "甲"), ("e1", "乙"), ("e5", "丙")):
        street.visit(street.people[person], "2026-10-20 10:00", load_id=load, visitor=visitor, findings=COPIED_NOTE)
    assert build_marts(street.con, since_load=since)  # scoped
    scoped = stored_marts(street.con)
    assert street.con.execute(lead_streets).fetchall() == []
    build_marts(street.con)
    assert stored_marts(street.con) == scoped


def signal_visits_of(con, elders: list[str]) -> list[tuple]:
    return con.execute("select elder_id, visitor_name, visit_date from signal_visits where list_contains(?, elder_id) "
                       "order by all", [elders]).fetchall()


def test_a_note_that_becomes_surely_a_template_drops_another_streets_candidates_in_a_scoped_build(street):
    """小白楼's visitor copied a note onto five elders, on visits whose file names their community: candidates of
    signal_visits. Three visitors of 劝业场 then write it on visits whose file names theirs: more visitors than
    common_note_visitors, surely a template, and 小白楼's visits stop being candidates, though none of their rows
    changed (signal_notes says which notes changed; their every visit's row is computed again)."""
    xiaobailou = [make_id(SEVENTY, 60 + i) for i in range(5)]
    load = street.load("visits")
    for elder in xiaobailou:
        street.visit(elder, "2026-10-09 10:00", load_id=load, visitor="赵六", findings=COPIED_NOTE,
                     community=XIAOBAILOU_COMMUNITY)
    build_marts(street.con)
    assert len(signal_visits_of(street.con, xiaobailou)) == 5
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    load = street.load("visits")
    for person, visitor in (("e0", "甲"), ("e1", "乙"), ("e5", "丙")):
        street.visit(street.people[person], "2026-10-20 10:00", load_id=load, visitor=visitor, findings=COPIED_NOTE,
                     community=BINXI if person == "e5" else HUAYUANLU)
    assert build_marts(street.con, since_load=since)  # scoped
    scoped = stored_marts(street.con)
    assert signal_visits_of(street.con, xiaobailou) == []
    build_marts(street.con)
    assert stored_marts(street.con) == scoped


def test_a_visitors_day_counted_over_two_streets_makes_the_other_streets_visits_candidates_in_a_scoped_build(street):
    """A visitor's seven home visits of a day on 小白楼 are no candidates (the limit is 12); six more that day on
    劝业场, in another load, make the day busy over both streets, and 小白楼's seven visits candidates, though
    none of their rows changed (every visit of a day that a load's home visit counts in is computed again)."""
    xiaobailou = [make_id(SEVENTY, 60 + i) for i in range(7)]
    load = street.load("visits")
    for hour, elder in enumerate(xiaobailou):
        street.visit(elder, f"2026-10-14 {8 + hour:02d}:00", load_id=load, visitor="钱七",
                     community=XIAOBAILOU_COMMUNITY)
    build_marts(street.con)
    assert signal_visits_of(street.con, xiaobailou) == []
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    load = street.load("visits")
    for hour, person in enumerate(("e0", "e1", "e2", "e3", "e4", "e5")):
        street.visit(street.people[person], f"2026-10-14 {15 + hour:02d}:00", load_id=load, visitor="钱七")
    assert build_marts(street.con, since_load=since)  # scoped
    scoped = stored_marts(street.con)
    assert len(signal_visits_of(street.con, xiaobailou)) == 7
    build_marts(street.con)
    assert stored_marts(street.con) == scoped


def test_a_roster_that_says_an_elder_died_makes_their_earlier_visit_a_candidate_in_a_scoped_build(street):
    """e1's visit of 2 October, in a load built before, is a candidate of signal_visits once a newer roster says
    e1 died on 20 September (a visit after the exit), though the visit's row did not change: the visits of an
    elder whose row of elders changed are computed again."""
    e1 = street.people["e1"]
    assert signal_visits_of(street.con, [e1]) == []
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    load = street.load("roster", "2026-10-15")
    for person in ("e0", "e1", "e2", "e3"):
        died = person == "e1"
        street.elder(street.people[person], "独居", community=HUAYUANLU, name=f"居民{person[1:]}", load_id=load,
                     status="死亡" if died else "在册", change_date="2026-09-20" if died else None)
    assert build_marts(street.con, since_load=since)  # scoped
    scoped = stored_marts(street.con)
    assert signal_visits_of(street.con, [e1]) == [(e1, None, dt.date(2026, 10, 2))]
    build_marts(street.con)
    assert stored_marts(street.con) == scoped


def test_a_roster_that_makes_a_name_ambiguous_unlinks_a_candidate_visit_in_a_scoped_build(street):
    """The visit without an ID number of 居民5 in 滨西, on 4 October, is linked by name to e5, who died on
    30 September: a candidate. A newer roster of 滨西, of 1 October, lists a second 居民5, and the visit is
    nobody's, no candidate, though neither its row nor e5's exit changed: the visits without an ID number in a
    community with a new roster are computed again."""
    def roster(day: str) -> int:
        load = street.load("roster", day)
        for i in (4, 5, 6, 7):
            street.elder(street.people[f"e{i}"], "失能", community=BINXI, name=f"居民{i}", load_id=load,
                         status="死亡" if i == 5 else "在册", change_date="2026-09-30" if i == 5 else None)
        return load

    e5 = street.people["e5"]
    roster("2026-09-15")
    build_marts(street.con)
    assert signal_visits_of(street.con, [e5]) == [(e5, None, dt.date(2026, 10, 4))]
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    street.elder(make_id(SEVENTY, 21), "失能", community=BINXI, name="居民5", load_id=roster("2026-10-01"))
    assert build_marts(street.con, since_load=since)  # scoped
    scoped = stored_marts(street.con)
    assert signal_visits_of(street.con, [e5]) == []
    build_marts(street.con)
    assert stored_marts(street.con) == scoped


def test_a_roster_that_moves_an_elder_places_their_candidate_visit_linked_by_name_anew_in_a_scoped_build(street):
    """The visit without an ID number of 居民5 in 滨西 is linked by name to e5, who died before it: a candidate,
    placed in 劝业场. A newer roster of 河西's community lists e5 there, and the candidate is placed in 河西,
    though no row of 滨西 changed: the visits linked by name to an elder whose row of elders changed are
    computed again, the name written with a transliteration dot too (居·民5, keyed as 居民5)."""
    e5 = street.people["e5"]
    load = street.load("roster", "2026-10-01")
    for i in (4, 5, 6, 7):
        street.elder(street.people[f"e{i}"], "失能", community=BINXI, name=f"居民{i}", load_id=load,
                     status="死亡" if i == 5 else "在册", change_date="2026-09-30" if i == 5 else None)
    street.visit(None, "2026-10-05 09:00", name="居·民5", community=BINXI)
    build_marts(street.con)
    placed = "select street_code from signal_visits where elder_id = ?"
    assert street.con.execute(placed, [e5]).fetchall() == [(street.street_of(BINXI),)] * 2
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    street.elder(e5, "失能", community=HEXI_COMMUNITY, name="居民5", load_id=street.load("roster", "2026-10-15"),
                 status="死亡", change_date="2026-09-30")
    assert build_marts(street.con, since_load=since)  # scoped
    scoped = stored_marts(street.con)
    assert street.con.execute(placed, [e5]).fetchall() == [(HEXI_STREET,)] * 2
    build_marts(street.con)
    assert stored_marts(street.con) == scoped


def test_elders_is_computed_from_the_rosters_alone():
    """A scoped build takes no row of elders as changed when its loads hold no roster rows (ELDERS_FROM): true only
    while elders reads no other stored rows, through any mart it reads."""
    import sqlglot

    from etl.sqlfiles import sql

    marts, read, stack = {name for name, _ in MARTS}, set(), ["elders"]
    while stack:
        tree = sqlglot.parse_one(sql(f"marts/{stack.pop()}"), read="duckdb")
        ctes = {cte.alias for cte in tree.find_all(sqlglot.exp.CTE)}
        for table in {t.name for t in tree.find_all(sqlglot.exp.Table)} - ctes:
            if table in marts:
                stack.append(table)
            else:
                read.add(table)
    assert read == set(build.ELDERS_FROM)


def test_a_scoped_build_keeps_the_same_day_comparison_with_its_scopes_rows_recomputed(street):
    """With November counted to the 10th, the stored comparison is October to the 10th. A load that does not
    move the 10th keeps it, recomputed for the scope: a visit of 5 October and a new roster change it."""
    street.visit(street.people["e5"], "2026-11-10 10:00", load_id=street.load("visits"))
    build_marts(street.con)
    comparison = "same_day_202610_20261010"
    before = stored_marts(street.con)
    assert f"{comparison}.elder_months" in before
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    street.visit(street.people["e3"], "2026-10-05 10:00", load_id=street.load("visits"))
    a_newer_roster_of_one_community(street)
    assert build_marts(street.con, since_load=since)  # scoped
    scoped = stored_marts(street.con)
    assert [name for name in scoped if name.startswith("same_day_")] == [
        name for name in before if name.startswith("same_day_")]
    assert all(scoped[f"{comparison}.{mart}"] != before[f"{comparison}.{mart}"]
               for mart in ("elder_months", "place_months"))
    build_marts(street.con)
    whole = stored_marts(street.con)
    for name in whole:
        assert scoped[name] == whole[name], name


@pytest.mark.parametrize("load", [visits_within_the_months, a_phone_call_after_a_home_visit, visits_of_a_new_month,
                                  a_newer_roster_of_one_community,
                                  a_roster_that_places_an_elder_in_another_district_all_along])
def test_a_scope_of_most_counted_elders_builds_their_marts_whole_in_a_scoped_build(street, monkeypatch, load):
    """Past COUNTED_WHOLE_FROM_SHARE, elder_months and the marts beside it are built whole (of visit files alone:
    from their earliest month on), the rest scoped: the same rows as a whole build."""
    monkeypatch.setattr(build, "COUNTED_WHOLE_FROM_SHARE", 0.0)
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    load(street)
    assert build_marts(street.con, since_load=since)  # scoped
    built = street.con.execute("select value from settings where key = 'marts_built'").fetchall()
    assert built == [("scoped, counted marts whole",)]
    scoped = stored_marts(street.con)
    build_marts(street.con)
    whole = stored_marts(street.con)
    for name in whole:
        assert scoped[name] == whole[name], name


def test_the_scope_leaves_out_the_elders_of_other_streets(street):
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    visits_within_the_months(street)
    assert build_marts(street.con, since_load=since)
    in_scope = {row[0] for row in street.con.execute("from cv_scope_elders").fetchall()}
    # the elders its visits name: by ID, and 居民6 by name in 滨西 (a visit without an ID is linked there)
    assert {street.people[p] for p in ("e0", "e1", "e6")} <= in_scope
    # not 滨西's other elders, whom a visit linked by name to somebody else cannot change, nor 小白楼's
    assert not in_scope & {street.people[p] for p in ("e4", "e5", "e7", "mover")}
    assert not in_scope & {make_id(SEVENTY, 60 + i) for i in range(12)}


def test_a_visit_file_that_keeps_elders_still_rebuilds_the_rollups_of_their_districts(street):
    """A build of visit files keeps elders (computed from the rosters alone), and still rebuilds the rollups of the
    districts its elders live in: a problem found at a visit of an elder who is not special counts there."""
    con = street.con
    hexi_roster = scalar(con, "select max(load_id) from roster_rows where community_code = ?", [HEXI_COMMUNITY])
    ordinary = street.elder(make_id(SEVENTY, 90), community=HEXI_COMMUNITY, name="河西普通", load_id=hexi_roster)
    build_marts(con)
    since = scalar(con, "select max(load_id) from loads")
    street.visit(ordinary, "2026-10-15 10:00", outcome="发现问题", load_id=street.load("visits"))
    assert build_marts(con, since_load=since)  # scoped
    assert_a_whole_build_makes_the_same_rows(con)


def test_the_rollups_are_rebuilt_for_the_districts_where_the_scope_places_an_elder(street):
    """A visit of 劝业场's rebuilds 和平区's rollups and keeps 河西区's; one of the elder who moved from 花园路 to
    河西 in August rebuilds 河西's when it is dated after the move (their months from then on are 河西's) and
    both when dated before it, as do rows of 花园路's that a new roster moves there."""
    def districts_rebuilt_by(load) -> set[str]:
        since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
        load(street)
        assert build_marts(street.con, since_load=since)
        return {code for (code,) in street.con.execute("select district_code from cv_scope_districts").fetchall()}

    assert districts_rebuilt_by(visits_within_the_months) == {HEPING}
    assert districts_rebuilt_by(lambda w: w.visit(w.people["x1"], "2026-10-09 10:00",
                                                  load_id=w.load("visits"))) == {HEXI}
    assert districts_rebuilt_by(lambda w: w.visit(w.people["far_mover"], "2026-10-09 10:00",
                                                  load_id=w.load("visits"))) == {HEXI}
    assert districts_rebuilt_by(lambda w: w.visit(w.people["far_mover"], "2026-07-25 10:00",
                                                  load_id=w.load("visits"))) == {HEPING, HEXI}
    assert districts_rebuilt_by(an_elder_moving_to_another_district) == {HEPING, HEXI}


def test_visits_older_than_every_record_and_a_new_configuration_build_whole(street):
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    load = street.load("visits")
    street.visit(street.people["e3"], "2026-05-10 10:00", load_id=load)  # before every street's records
    assert not build_marts(street.con, since_load=since)
    whole_after_fallback = stored_marts(street.con)
    build_marts(street.con)
    assert stored_marts(street.con) == whole_after_fallback

    street.con.execute("update cfg_settings set aged_from = 75")
    assert not build_marts(street.con, since_load=since)


def on_day(con, day: str) -> None:
    """The marts counted for `day` (cv_today, etl/sql/macros.sql), as on a machine whose clock says so."""
    con.execute(f"create or replace temp macro cv_today() as date '{day}'")


def test_the_first_load_of_a_day_builds_scoped_and_counts_who_turned_80_since(street):
    """The marts were built yesterday. Today an elder on 花园路's roster with no category is 80, whom the figures
    count from today (高龄): the day's first load builds scoped, with them, as a whole build today does. With the
    clock set back to a day before the last build, a load builds whole."""
    turned_80 = street.elder(make_id("19461130", 90), community=HUAYUANLU, name="寿星")
    periods_of = "select count(*) from elder_periods where elder_id = ?"
    on_day(street.con, "2026-11-29")
    build_marts(street.con)
    assert street.con.execute(periods_of, [turned_80]).fetchall() == [(0,)]
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    on_day(street.con, "2026-11-30")
    visits_of_a_new_month(street)
    assert build_marts(street.con, since_load=since)  # scoped, not whole
    scoped = stored_marts(street.con)
    assert street.con.execute(periods_of, [turned_80]).fetchall() == [(1,)]
    build_marts(street.con)
    assert stored_marts(street.con) == scoped

    on_day(street.con, "2026-11-28")
    visits_within_the_months(street)
    assert not build_marts(street.con, since_load=since + 1)


def test_a_warehouse_of_few_elders_builds_whole(street, monkeypatch):
    since = street.con.execute("select max(load_id) from loads").fetchall()[0][0]
    visits_within_the_months(street)
    monkeypatch.undo()  # SMALL_BELOW_ELDERS as it is
    assert street.con.execute("select count(*) from elders").fetchall()[0][0] < build.SMALL_BELOW_ELDERS
    assert not build_marts(street.con, since_load=since)
    monkeypatch.setattr(build, "SMALL_BELOW_ELDERS", 0)
    assert build_marts(street.con, since_load=since)  # the same load in a warehouse that is not small: scoped


def test_a_streets_visits_file_is_published_through_a_scoped_build_that_equals_a_rebuild(demo_settings, tmp_path):
    """End to end on the demo: `ingest` of one community's visits builds scoped; `rebuild` changes nothing."""
    import dataclasses
    import shutil

    from etl.ingest import ingest
    from etl.warehouse import open_for_writing
    from tests.etl.exports import VISIT_HEADER, write_csv

    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_settings.db_path, db)
    settings = dataclasses.replace(demo_settings, db_path=db)
    with duckdb.connect(str(db), read_only=True) as con:
        community, names = con.execute(
            """select d.short_name, list(e.elder_id order by e.elder_id)[1:5] from elders e
               join divisions d on d.code = e.community_code
               group by d.short_name order by d.short_name limit 1""").fetchall()[0]
    rows = [[elder_id, "", community, "2026-10-30", "入户", "正常", "网格员甲"] for elder_id in names]
    results = ingest([write_csv(tmp_path / "本月探访.csv", [VISIT_HEADER, *rows])], settings)
    assert [r.status for r in results] == ["loaded"] and results[0].rows_loaded == len(rows)

    def marts_and_build():
        with duckdb.connect(str(db), read_only=True) as con:
            built = con.execute("select value from settings where key = 'marts_built'").fetchall()[0][0]
            return built, stored_marts(con)

    built, scoped = marts_and_build()
    assert built == "scoped"
    with open_for_writing(db, settings.config) as session:
        session.changed = session.whole = True
    built, whole = marts_and_build()
    assert built == "whole" and scoped == whole


# Any loads, not only the ones above: people on two communities of one street and a third of another,
# rosters, visits with and without an ID number, contact lists, in any order and month
# the last is 80 on 30 November 2026: counted from that day (next_day)
PEOPLE = [*(make_id(SEVENTY, 100 + i) for i in range(8)), make_id("19461130", 108)]
COMMUNITIES = (HUAYUANLU, BINXI, XIAOBAILOU_COMMUNITY, HEXI_COMMUNITY)
DAYS = ("2026-08-15", "2026-09-01", "2026-09-20", "2026-10-05", "2026-10-31", "2026-11-03")
roster_lists = st.tuples(st.just("roster"), st.sampled_from(COMMUNITIES), st.sampled_from(DAYS[1:5]),
                         st.lists(st.tuples(st.integers(0, 8), st.sampled_from(["独居", "失能", "空巢", ""]),
                                            st.sampled_from(["在册", "死亡", "迁出"])), max_size=6))
# visitors and notes (one long enough to compare, one not) for the visit-quality signals, whose thresholds the
# property test lowers so that a few visits reach them
VISITORS = (None, "甲", "乙")
NOTES = (None, COPIED_NOTE, "正常")


def visits_on(days: tuple[str, ...]):
    """Visit files' rows (person, day, method, outcome, named only, visitor, note), on `days`."""
    return st.tuples(st.just("visits"), st.lists(st.tuples(
        st.integers(0, 8), st.sampled_from(days), st.sampled_from(["上门", "电话"]),
        st.sampled_from(["正常", "发现问题", "未遇"]), st.booleans(), st.sampled_from(VISITORS),
        st.sampled_from(NOTES)), min_size=1, max_size=5))


visit_lists = visits_on(DAYS)
contact_lists = st.tuples(st.just("contacts"), st.lists(st.integers(0, 8), max_size=3))


def apply(w, load) -> None:
    kind, *rest = load
    if kind == "roster":
        community, day, rows = rest
        load_id = w.load("roster", day)
        for person, category, status in {row[0]: row for row in rows}.values():
            w.elder(PEOPLE[person], *[c for c in [category] if c], community=community, name=f"随机{person}",
                    status=status, load_id=load_id)
    elif kind == "visits":
        load_id = w.load("visits")
        for person, day, method, outcome, named, visitor, note in rest[0]:
            community = COMMUNITIES[person % len(COMMUNITIES)]
            w.visit(None if named else PEOPLE[person], f"{day} 10:00", method, outcome, name=f"随机{person}",
                    community=community, load_id=load_id, visitor=visitor, findings=note)
    else:
        load_id = w.load("contacts")
        for person in rest[0]:
            w.contact(PEOPLE[person], street=w.street_of(COMMUNITIES[person % len(COMMUNITIES)]), load_id=load_id)


def built_after(street, base, loads, next_day: bool) -> bool:
    """`base` applied and the marts built whole, then `loads` applied and built from there: whether scoped. On
    the day before the loads when `next_day` (PEOPLE's last turns 80 in between); a visitor's day busy past
    one home visit, a note a template past one visitor, a copy on two elders."""
    con = street.con
    con.execute("update cfg_visit_quality set home_visits_per_day_limit = 1, common_note_visitors = 1, "
                "identical_notes_min_visits = 2")
    for load in base:
        apply(street, load)
    if next_day:
        on_day(con, "2026-11-29")
    build_marts(con)
    since = con.execute("select max(load_id) from loads").fetchall()[0][0]
    if next_day:
        on_day(con, "2026-11-30")
    for load in loads:
        apply(street, load)
    return build_marts(con, since_load=since)


def assert_a_whole_build_makes_the_same_rows(con) -> None:
    scoped = stored_marts(con)
    build_marts(con)
    assert stored_marts(con) == scoped


@settings(max_examples=25 if os.environ.get("CAREVISIT_THOROUGH") else 8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.lists(st.one_of(roster_lists, visit_lists, contact_lists), min_size=1, max_size=3),
       loads=st.lists(st.one_of(roster_lists, visit_lists, contact_lists), min_size=1, max_size=2),
       counted_whole=st.booleans(), next_day=st.booleans())
def test_any_loads_built_scoped_make_every_mart_row_a_whole_build_makes(street, base, loads, counted_whole, next_day):
    build.COUNTED_WHOLE_FROM_SHARE = 0.0 if counted_whole else 1.0  # the fixture's monkeypatch restores it
    con = street.con
    con.execute("begin")  # each example on the fixture's warehouse, undone after
    try:
        event("scoped" if built_after(street, base, loads, next_day) else "whole")
        assert_a_whole_build_makes_the_same_rows(con)
    finally:
        con.execute("rollback")  # the day too
    assert con.execute("select cv_today() = current_date").fetchall() == [(True,)]


# 4 examples in a run (3 CPU-s each; the suite's 10 minutes), 25 with CAREVISIT_THOROUGH
@settings(max_examples=25 if os.environ.get("CAREVISIT_THOROUGH") else 4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.lists(st.one_of(roster_lists, visit_lists, contact_lists), max_size=3),
       loads=st.integers(0, len(DAYS) - 1).flatmap(lambda first: st.lists(visits_on(DAYS[first:]), min_size=1,
                                                                           max_size=2)),
       next_day=st.booleans(), counted_whole=st.booleans())
def test_visit_files_built_from_their_earliest_month_make_every_mart_row_a_whole_build_makes(street, base, loads,
                                                                                              next_day, counted_whole):
    """Visit files alone can change an elder's month figures only from the month of their earliest visit on (and
    from the month after the last build, for who turned 80 since): a scoped build of them recomputes the scope's
    rows of those months alone (scope/floor.sql). Every street's records begin in July here, before any of these
    visits, so that none of them moves a street's first day (which changes every month): each person an example may
    place on a street is visited on 1 July (a roster placing one in 小白楼 had made its 15 August visit the street's
    first, and the floor rightly went)."""
    build.COUNTED_WHOLE_FROM_SHARE = 0.0 if counted_whole else 1.0  # the fixture's monkeypatch restores it
    con = street.con
    con.execute("begin")
    try:
        first = street.load("visits")
        for person in (street.people["e0"], make_id(SEVENTY, 60), street.people["x0"], *PEOPLE):
            street.visit(person, "2026-07-01 10:00", load_id=first)
        assert built_after(street, base, loads, next_day)
        [(floor,)] = con.execute("select max(month_start) from cv_scope_floor").fetchall()
        earliest = min(dt.date.fromisoformat(day) for _, visits in loads for _, day, *_ in visits)
        assert floor == min([earliest.replace(day=1), *([dt.date(2026, 11, 1)] if next_day else [])])
        event(f"from {floor:%Y-%m}")
        assert_a_whole_build_makes_the_same_rows(con)
    finally:
        con.execute("rollback")
