"""The small demo through the real load path: every planted bad row rejected, nothing else, sensible rates."""

import duckdb
import pytest

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
