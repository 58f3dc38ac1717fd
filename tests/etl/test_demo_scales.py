"""The demo at full size: the district (DESIGN §7: about 130,000 elders, 0.7 M visits), the city and the
province; a module of its own, so that its minutes run beside the small demo's tests."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from etl.demo import write_demo_exports
from etl.geography import city_divisions, reference_divisions
from tests.conftest import DEMO_AS_OF
from tests.etl.demo_reader import (
    AS_OF,
    BOM,
    _counted_rejects,
    _day,
    _good_roster_rows,
    _good_rows,
    _is_utf8,
    _kind_of,
    _latest_rosters,
    _place_key,
    _special,
    _synonyms,
    _table,
)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """The full district's exports (DESIGN §7: about 130,000 elders, 0.7 M visits), written, not loaded."""
    return write_demo_exports(tmp_path_factory.mktemp("district"), as_of=DEMO_AS_OF)


@pytest.fixture(scope="module")
def district_roster(district):
    """The streets' current rosters."""
    return _good_roster_rows(district, _latest_rosters(district), reference_divisions())


@pytest.fixture(scope="module")
def divisions():
    return reference_divisions()


@pytest.mark.slow  # rare changes (moves between streets) need the whole district
def test_district_history_has_every_kind_of_change(district):
    totals = district.roster_history.sum(numeric_only=True)
    for column in ("joined_registered", "joined_marked", "joined_turned_80", "joined_moved_in",
                   "left_died", "left_moved_out", "left_institution", "left_away",
                   "left_unmarked", "left_unexplained", "left_moved_to"):
        assert totals[column] > 0, column
    months = district.roster_history.groupby("month").sum(numeric_only=True)
    balance = (months["special_before"] + months.filter(like="joined_").sum(axis=1)
               - months.filter(like="left_").sum(axis=1))
    assert (balance == months["special_now"]).all()
    assert (months["special_before"].iloc[1:].to_numpy()
            == months["special_now"].iloc[:-1].to_numpy()).all()


def test_city_scale_writes_csv_per_district(tmp_path):
    exports = write_demo_exports(tmp_path, scale="city", as_of=AS_OF, _elder_count=25 * 300)
    districts = city_divisions(district_count=25).query("level == 'district'")
    rosters = [p for p in exports.files if _kind_of(p) == "roster"]
    assert len(rosters) == len(districts) == 25
    assert {p.suffix for p in exports.files} == {".csv"}
    encodings = {"utf-8" if _is_utf8(p.read_bytes()) else "gb18030" for p in exports.files}
    assert encodings == {"utf-8", "gb18030"}
    assert not any(p.read_bytes().startswith(BOM) for p in exports.files)
    assert _counted_rejects(exports, city_divisions(district_count=25)) == exports.expected_rejects


# --- The district at full scale (DESIGN §7) ---------------------------------------------------


@pytest.mark.slow
def test_district_roster_has_about_130_000_elders(district_roster):
    assert 120_000 <= len(district_roster) <= 140_000


@pytest.mark.slow
def test_district_has_about_6_000_special_difficulty_elders(district_roster):
    active = district_roster["status"].map(_synonyms("status")) == "在册"
    special = _special(district_roster, DEMO_AS_OF) & active
    assert 5_000 <= special.sum() <= 7_000


@pytest.mark.slow
def test_district_has_1_200_to_1_800_elders_living_alone(district_roster):
    lone = district_roster["living"].map(_synonyms("living")) == "独居"
    assert 1_200 <= lone.sum() <= 1_800


@pytest.mark.slow
def test_district_visit_rows_per_year_are_about_0_7_million(district):
    rows = sum(len(_table(p)) for p in district.files if _kind_of(p) == "visits")
    assert 500_000 <= rows <= 900_000


@pytest.mark.slow
def test_district_expected_rejects_match_the_bad_rows_in_the_files(district, divisions):
    assert _counted_rejects(district, divisions) == district.expected_rejects


@pytest.mark.slow
def test_district_files_per_street(district):
    kinds = pd.Series([_kind_of(p) for p in district.files]).value_counts().to_dict()
    assert kinds == {"roster": 72, "contacts": 6, "visits": 72}
    xlsx_rows = sum(len(_table(p)) for p in district.files if p.suffix == ".xlsx")
    assert xlsx_rows <= 60_000


@pytest.mark.slow
def test_district_visits_most_special_elders_and_two_or_three_communities_lag(
        district, district_roster, divisions):
    september, october = date(2026, 9, 1), date(2026, 10, 1)
    roster = district_roster
    registered = roster["reg_date"].map(lambda s: s == "" or _day(s.split(" ")[0]) < september)
    eligible = roster[_special(roster, DEMO_AS_OF) & registered
                      & (roster["status"].map(_synonyms("status")) == "在册")
                      & (roster["consent"].map(_synonyms("consent")) != "不同意")]
    visits = _good_rows(district, "visits", divisions)
    day = visits["visit_date"].map(lambda s: _day(s.split(" ")[0]) or _day(s))
    home = visits[(visits["method"].map(_synonyms("method")) == "上门")
                  & ~visits["outcome"].map(_synonyms("outcome")).isin(["未遇", "拒访"])
                  & (day >= september) & (day < october)]

    def elder_key(frame: pd.DataFrame) -> pd.Series:  # names are unique within a community
        return _place_key(frame["community"]) + "/" + frame["name"]

    visited = elder_key(eligible).isin(set(elder_key(home)))
    by_community = visited.groupby(elder_key(eligible).str.split("/").str[0]).mean()
    assert 0.95 <= visited.mean() <= 0.99
    assert by_community.median() >= 0.96
    assert 2 <= (by_community < 0.85).sum() <= 3


def test_province_scale_writes_fifty_districts_as_the_city_does(tmp_path):
    from etl.demo.build import demo_divisions

    exports = write_demo_exports(tmp_path, scale="province", as_of=AS_OF, _elder_count=50 * 100)
    districts = demo_divisions("province").query("level == 'district'")
    rosters = [p for p in exports.files if _kind_of(p) == "roster"]
    assert len(districts) == districts["code"].nunique() == 50
    assert sorted(p.name.removesuffix("居家老年人情况底册.csv") for p in rosters) == sorted(districts["name"])
    assert {p.suffix for p in exports.files} == {".csv"}
    assert len(exports.files) == 50 * (1 + 1 + 12)  # a roster, a contacts file and twelve months of visits
