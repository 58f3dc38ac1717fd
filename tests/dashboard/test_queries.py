"""The dashboard's queries as files: each names what it returns, and the column lists written out in
SQL agree with the constants the screens use."""

from importlib import resources

import numpy as np
import pytest

from dashboard import queries
from dashboard.measures import RATES

SQL_FILES = sorted(p.name for p in resources.files("dashboard").joinpath("sql").iterdir() if p.name.endswith(".sql"))


@pytest.fixture(scope="module")
def wh(demo_settings):
    return queries.Warehouse(demo_settings.db_path)


@pytest.mark.parametrize("name", SQL_FILES)
def test_each_query_file_starts_with_a_line_saying_what_it_returns(name):
    first = queries.sql(name.removesuffix(".sql")).splitlines()[0]
    assert first.startswith("-- ") and len(first) > 20, first


def test_place_months_sums_every_count_and_recounts_every_rate_from_its_sums(wh):
    frame = queries.place_months(wh, queries.root_place(wh))
    assert list(frame.columns) == ["month", "month_start", "as_of", *queries.METRIC_COLUMNS, *RATES, "max_gap_days",
                                   "contacts_unreported"]
    assert len(frame) == 4
    for rate, (numerator, denominator) in RATES.items():
        recounted = frame[numerator] / frame[denominator].where(frame[denominator] != 0)
        assert np.allclose(frame[rate].astype(float), recounted.astype(float), equal_nan=True), rate


def test_children_month_has_every_count_and_rate(wh):
    root = queries.root_place(wh)
    frame = queries.children_month(wh, root, "2026-10")
    assert list(frame.columns) == ["code", "name", "short_name", "level", "has_shape", "is_schematic",
                                   *queries.METRIC_COLUMNS, *RATES, "unreported", "contacts_unreported"]
    assert list(frame["code"]) == [child.code for child in queries.children(wh, root)]


def test_place_changes_sums_every_count_and_move(wh):
    row = queries.place_changes(wh, queries.root_place(wh), "2026-10")
    assert list(row.index) == ["month", "as_of", *queries.CHANGE_COUNTS, *queries.RATE_MOVES]
    assert row["joined_count"] == sum(row[f"joined_{r}"] for r in queries.JOINED_REASONS)
    assert row["left_count"] == sum(row[f"left_{r}"] for r in queries.LEFT_REASONS)


def test_an_unknown_group_of_changes_is_refused(wh):
    with pytest.raises(KeyError):
        queries.change_people(wh, queries.root_place(wh), "2026-10", queries.ALL, "everyone")


def test_the_work_list_puts_the_highest_risk_first_then_the_longest_overdue(wh):
    """DESIGN §5.3: the work list is sorted by risk, then days overdue; those who declined visits and those who left
    come after everyone staff can visit (review 20 M1: reversing either key failed no test)."""
    rank = {"高": 1, "中": 2, "低": 3}
    district = queries.root_place(wh)
    tried = 0
    for (month,) in wh.rows("select month from month_frame order by month_start"):
        frame = queries.people(wh, district, month, work_list=True)
        later = frame["has_left"] | (frame["consent"] == "不同意")
        assert not later.iloc[:(~later).sum()].any(), f"{month}: someone who left or declined heads the list"
        first = frame[~later]
        keys = [(rank[risk], -days if days == days and days is not None else float("inf"))
                for risk, days in zip(first["risk_level"], first["overdue_days"], strict=True)]
        assert keys == sorted(keys), f"{month}: the list is not sorted by risk, then days overdue"
        # a month whose list can fail both keys: several risks, and several overdue days within one
        tried += first["risk_level"].nunique() > 1 and first.groupby("risk_level")["overdue_days"].nunique().max() > 1
    assert tried, "no month of the demo has a work list of several risks and overdue days"


def test_the_work_list_of_this_week_keeps_those_due_within_seven_days(wh, demo_settings):
    """A street's staff plan the week's visits (review 2026-12-04: the list ran to people due on the 21st): the
    filter keeps those due within DUE_WITHIN days of the as-of date, the overdue included; its export the same."""
    import flask
    import pandas as pd

    from dashboard import tables

    district = queries.root_place(wh)

    # a month whose list holds both (most of a whole month's list is due by its end): the filter can fail
    for month, as_of in wh.rows("select month, as_of from month_frame order by month_start"):
        everyone = queries.people(wh, district, month, work_list=True)
        due = everyone["due_date"].notna() & (pd.to_datetime(everyone["due_date"]) <= pd.Timestamp(as_of)
                                              + pd.Timedelta(days=queries.DUE_WITHIN))
        if 0 < due.sum() < len(everyone):
            break
    else:
        pytest.fail("no month of the demo has people due later than a week on its work list")
    week = queries.people(wh, district, month, work_list=True, due_within=queries.DUE_WITHIN)
    assert sorted(week["id_number"]) == sorted(everyone[due]["id_number"])
    assert queries.people_counts(wh, district, month, work_list=True, due_within=queries.DUE_WITHIN)["people"] == len(
        week)
    server = flask.Flask(__name__)  # an export reads the server's configuration: which categories it masks
    server.config["CAREVISIT_CONFIG"] = demo_settings.config
    with server.app_context():
        frame = tables.build({"table": "people", "place": district.code, "month": month, "work_list": True,
                             "week": True, "lang": "zh"}, wh, queries.ALL).frame
    assert len(frame) == len(week)
