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
    assert list(frame.columns) == ["month", "month_start", "as_of", *queries.METRIC_COLUMNS, *RATES, "max_gap_days"]
    assert len(frame) == 4
    for rate, (numerator, denominator) in RATES.items():
        recounted = frame[numerator] / frame[denominator].where(frame[denominator] != 0)
        assert np.allclose(frame[rate].astype(float), recounted.astype(float), equal_nan=True), rate


def test_children_month_has_every_count_and_rate(wh):
    root = queries.root_place(wh)
    frame = queries.children_month(wh, root, "2026-10")
    assert list(frame.columns) == ["code", "name", "short_name", "level", "has_shape", "is_schematic",
                                   *queries.METRIC_COLUMNS, *RATES]
    assert list(frame["code"]) == [child.code for child in queries.children(wh, root)]


def test_place_changes_sums_every_count_and_move(wh):
    row = queries.place_changes(wh, queries.root_place(wh), "2026-10")
    assert list(row.index) == ["month", "as_of", *queries.CHANGE_COUNTS, *queries.RATE_MOVES]
    assert row["joined_count"] == sum(row[f"joined_{r}"] for r in queries.JOINED_REASONS)
    assert row["left_count"] == sum(row[f"left_{r}"] for r in queries.LEFT_REASONS)


def test_an_unknown_group_of_changes_is_refused(wh):
    with pytest.raises(KeyError):
        queries.change_people(wh, queries.root_place(wh), "2026-10", queries.ALL, "everyone")
