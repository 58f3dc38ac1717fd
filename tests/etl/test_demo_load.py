"""The small demo through the real load path: every planted bad row rejected, nothing else, sensible rates."""

import re

import duckdb
import pytest

from etl.metrics import roster_alerts
from tests.etl.demo_reader import _ids, _kind_of, _table

COMPLETE_MONTH = "2026-09"


@pytest.fixture(scope="module")
def demo(demo_build):
    settings, exports, results = demo_build
    con = duckdb.connect(str(settings.db_path), read_only=True)
    yield con, exports, results
    con.close()


def test_every_planted_bad_row_is_rejected_and_nothing_else(demo):
    con, exports, results = demo
    # a visit whose ID is unusable but that names the elder and the community loads, linked by
    # name, with a warning (DESIGN §3): the demo still counts it among its planted bad rows
    linked_by_name = dict(con.execute(
        "select file_name, count(*) from load_warnings where code = 'unusable_id' group by file_name").fetchall())
    assert {r.file_name: r.rows_rejected + linked_by_name.get(r.file_name, 0) for r in results} == \
        exports.expected_rejects


def test_rows_read_are_rows_loaded_plus_rejected_for_every_file(demo):
    con, _exports, _results = demo
    assert con.execute("select count(*) from loads where rows_read <> rows_loaded + rows_rejected").fetchall() == [(0,)]


def test_the_demo_district_looks_like_a_real_one(demo):
    con, exports, _results = demo
    truth = exports.roster_history.query("month == @COMPLETE_MONTH").sum(numeric_only=True)
    special, special_end, rate, lowest = con.execute(
        """select special_count, special_end_count, visit_rate_home,
                  (select min(visit_rate_home) from place_months where level = 'community' and month = $month)
           from place_months where level = 'district' and month = $month""", {"month": COMPLETE_MONTH}
    ).fetchall()[0]
    # as many special-difficulty elders as the generator made: on the roster when the month began (高龄 at
    # the as-of date, so those who turned 80 in the month too) and at its end; planted bad rows drop a few
    tolerance = 2 + 0.02 * truth["special_now"]
    assert truth["special_before"] - tolerance <= special <= truth["special_before"] + truth["joined_turned_80"] \
        + tolerance
    assert abs(special_end - truth["special_now"]) <= tolerance
    assert 0.95 <= rate < 1.0  # most communities near the target...
    assert lowest < 0.85  # ...and a few clearly lagging


def test_roster_changes_balance_at_every_place(demo):
    con, _exports, _results = demo
    unbalanced, places, changed = con.execute(
        """select count(*) filter (where special_now <> special_before + joined_count - left_count),
                  count(*), sum(joined_count + left_count)
           from place_changes where month = $month""", {"month": COMPLETE_MONTH}).fetchall()[0]
    assert unbalanced == 0
    assert places > 60
    assert changed > 0


def test_street_changes_agree_with_the_generators_roster_history(demo):
    con, exports, _results = demo
    truth = exports.roster_history.query("month == @COMPLETE_MONTH").set_index("place")
    columns = ["special_before", "special_now", "left_died", "left_unexplained",
               "joined_registered"]
    found = con.execute(
        f"""select name, {', '.join(columns)} from place_changes
            where level = 'street' and month = $month""",  # noqa: S608 (column names are literals)
        {"month": COMPLETE_MONTH}).df().set_index("name")
    assert set(truth.index) <= set(found.index)
    assert (found.drop(truth.index)[columns] == 0).all().all()  # streets the demo does not cover stay empty
    for column in columns:
        expected = truth[column]
        difference = (found[column].reindex(expected.index) - expected).abs()
        assert (difference <= 2 + 0.02 * expected).all(), (column, difference.to_dict())


def test_a_side_by_side_contact_list_stores_each_person_and_the_second_ones_phone_helps(demo):
    con, exports, results = demo
    path = next(p for p in exports.files if _kind_of(p) == "contacts" and p.name.startswith("小白楼"))
    [result] = [r for r in results if r.file_name == path.name]
    frame = _table(path)
    assert (result.rows_read, result.rows_loaded) == (len(frame), len(frame))  # a row per elder, read once
    people = dict(con.execute("select contact_index, count(*) from contact_rows where load_id = ? group by all",
                              [result.load_id]).fetchall())
    assert people == {1: len(frame), 2: int((frame["contact_name_2"] != "").sum())}
    assert people[2] > 0
    # an elder whose first contact person has no usable phone and whose second has one is helped (失能帮扶率)
    usable = r"1[3-9]\d{9}|022-\d{8}"
    second_only = frame["contact_phone_2"].str.fullmatch(usable) & ~frame["contact_phone"].str.fullmatch(usable)
    elders = list(_ids(path)[second_only])
    assert elders
    assert con.execute("select elder_id, count(*), count(*) filter (where is_usable) from designated_contacts"
                       " where elder_id in (select unnest($elders)) group by all order by all",
                       {"elders": elders}).fetchall() == [(elder, 2, 1) for elder in sorted(elders)]
    helped = con.execute("""select elder_id, is_help_eligible, is_helped from elder_months
                            where month = (select max(month) from elder_months) and elder_id in (select unnest($elders))
                            order by all""", {"elders": elders}).fetchall()
    assert helped == [(elder, True, True) for elder in sorted(elders)]


def test_visits_written_under_another_elders_name_are_the_alerts_the_clerk_is_asked_to_check(demo):
    # the demo writes a few visits under the next elder's name beside the ID number (a clerk's slip): counted to
    # the ID number's elder, each file's load names the rows to check (name_differs), among the load's alerts
    con, exports, _results = demo
    planted = {name: w["name_differs"] for name, w in exports.expected_warnings.items() if "name_differs" in w}
    flagged = dict(con.execute("select file_name, message from load_warnings where code = 'name_differs'").fetchall())
    assert planted
    assert set(flagged) == set(planted)
    for name, message in flagged.items():
        said = re.match(r"第 ([\d、]+?)(?: 等 ([\d,]+))? 行的姓名与底册中该身份证号的老人姓名不同", message)
        count = int(said.group(2).replace(",", "")) if said.group(2) else len(said.group(1).split("、"))
        # a planted bad row (a mistyped ID's check digit, a repeat) may fall on one of them: it is rejected
        assert planted[name] - exports.expected_rejects[name] <= count <= planted[name], name
    alerts = roster_alerts(con)
    assert {name for name in planted if any(alert.startswith(f"{name}: 第 ") for alert in alerts)} == set(planted)
