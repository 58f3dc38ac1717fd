"""Demo exports read back from disk: formats, planted bad rows, determinism, district size."""

from __future__ import annotations

import re
from datetime import date

import openpyxl
import pandas as pd
import pytest

from etl.demo import UNKNOWN_VALUES, write_demo_exports
from etl.geography import reference_divisions
from tests.etl.demo_reader import (
    AS_OF,
    BOM,
    _counted_rejects,
    _day,
    _decode,
    _field_of,
    _good_roster_rows,
    _good_rows,
    _grid,
    _header_row,
    _id18,
    _ids,
    _is_utf8,
    _kind_of,
    _latest_rosters,
    _marked,
    _place_key,
    _place_keys,
    _reject_mask,
    _rosters,
    _special,
    _synonyms,
    _table,
    _unnumbered,
)

# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return write_demo_exports(tmp_path_factory.mktemp("small"), seed=7, as_of=AS_OF,
                              _elder_count=6000)


@pytest.fixture(scope="module")
def small_roster(small):
    return _good_roster_rows(small, _latest_rosters(small), reference_divisions())


@pytest.fixture(scope="module")
def divisions():
    return reference_divisions()


# --- Formats -------------------------------------------------------------------------------------


def test_files_come_in_every_promised_format(small):
    assert {p.suffix for p in small.files} == {".csv", ".xlsx", ".xls"}


def test_some_csv_files_start_with_a_bom(small):
    assert any(p.read_bytes().startswith(BOM) for p in small.files if p.suffix == ".csv")


def test_some_csv_files_are_plain_utf8(small):
    plain = [p for p in small.files if p.suffix == ".csv" and not p.read_bytes().startswith(BOM)]
    assert any(_is_utf8(p.read_bytes()) for p in plain)


def test_some_csv_files_are_gb18030_and_not_utf8(small):
    gb = [p for p in small.files if p.suffix == ".csv" and not _is_utf8(p.read_bytes())]
    assert gb
    for path in gb:
        assert "街道" in path.read_bytes().decode("gb18030")


def test_one_street_sends_its_rosters_in_gb18030(small):
    roster = next(p for p in small.files if "五大道" in p.name and "底册" in p.name)
    assert not _is_utf8(roster.read_bytes())
    assert "身份" in roster.read_bytes().decode("gb18030")


def test_xlsx_roster_has_title_rows_above_the_header(small):
    path = next(p for p in small.files if p.suffix == ".xlsx" and "底册" in p.name)
    grid = _grid(path)
    assert grid.iloc[0, 0] == "和平区居家老年人情况底册"
    assert grid.iloc[1, 0].startswith("填报单位：") and "填报日期：" in grid.iloc[1, 0]
    assert _header_row(grid, _field_of("roster")) == 2


def test_one_roster_merges_community_cells_down_the_rows(small):
    merged = []
    for path in (p for p in small.files if p.suffix == ".xlsx" and "底册" in p.name):
        sheet = openpyxl.load_workbook(path).active
        merged += [r for r in sheet.merged_cells.ranges
                   if r.min_col == r.max_col and r.max_row > r.min_row]
    assert len(merged) > 5


def test_xlsx_id_cells_are_text_except_planted_numbers(small):
    for path in (p for p in small.files if p.suffix == ".xlsx"):
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        header = next(i for i, row in enumerate(rows) if "身份证号" in row or "身份证号码" in row
                      or "公民身份号码" in row or "证件号码" in row or "身份证" in row)
        column = next(i for i, h in enumerate(rows[header]) if h and "身份" in h or h == "证件号码")
        numbers = sum(isinstance(row[column], float) for row in rows[header + 1:])
        texts = sum(isinstance(row[column], str) for row in rows[header + 1:])
        assert texts > 0
        assert numbers <= small.expected_rejects[path.name]


def test_some_visit_files_carry_excel_date_cells(small):
    path = next(p for p in small.files if p.suffix == ".xlsx" and "探访" in p.name)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert any(hasattr(cell, "year") for row in rows for cell in row)


def test_xlsx_columns_are_wide_enough_to_show_their_dates_and_id_numbers(small):
    """Opened in a spreadsheet, a date cell narrower than its text shows ### (LibreOffice, Excel)."""
    for path in (p for p in small.files if p.suffix == ".xlsx"):
        sheet = openpyxl.load_workbook(path).active
        rows = list(sheet.iter_rows())
        header = next(n for n, row in enumerate(rows) if sum(cell.value is not None for cell in row) >= 3)
        for n, title in enumerate(rows[header]):
            cells = [row[n] for row in rows[header + 1:] if row[n].value is not None]
            if any(cell.is_date and "h" in cell.number_format for cell in cells):
                needed = len("2026-10-05 14:30:00")
            elif any(cell.is_date for cell in cells):
                needed = len("2026-10-05")
            else:
                needed = 18 if any(re.fullmatch(r"\d{17}[\dX]", str(cell.value)) for cell in cells) else 0
            width = sheet.column_dimensions[title.column_letter].width
            assert width >= needed, (path.name, title.value, width)


def test_one_street_names_elders_without_id_numbers_in_its_visits(small):
    without = [p for p in small.files if _kind_of(p) == "visits" and "id_number" not in _table(p)]
    assert len(without) == 12
    assert len({p.name[:4] for p in without}) == 1


def test_headers_all_come_from_the_mapping_file(small):
    for path in small.files:
        kind = _kind_of(path)
        fields = _field_of(kind)
        grid = _grid(path)
        # a contact list writing its people side by side numbers their columns (第二联系人姓名): without the number
        header = {_unnumbered(cell, kind)[1] for cell in grid.iloc[_header_row(grid, fields)]}
        assert header <= set(fields), path.name


@pytest.mark.parametrize(("kind", "column", "field"), [
    ("visits", "outcome", "outcome"),
    ("roster", "status", "status"),
    ("roster", "consent", "consent"),
    ("roster", "living", "living"),
    ("roster", "disability", "disability"),
    ("roster", "risk_level", "risk_level"),
    ("contacts", "has_key", "yes_no"),
])
def test_values_all_come_from_the_mapping_file(small, divisions, kind, column, field):
    rows = _good_rows(small, kind, divisions)
    values = set(rows[column].dropna()) - {""} - set(UNKNOWN_VALUES.values())
    assert values
    assert values <= set(_synonyms(field))


def test_categories_cells_list_known_categories(small, divisions):
    roster = _good_rows(small, "roster", divisions)
    parts = {part for cell in roster["categories"] if cell for part in cell.split("、")}
    assert parts <= set(_synonyms("category"))
    assert "独居" in parts or "独居老人" in parts


def test_files_are_listed_rosters_first_then_contacts_then_visits_by_month(small):
    kinds = [_kind_of(p) for p in small.files]
    assert kinds == sorted(kinds, key=["roster", "contacts", "visits"].index)
    months = [re.search(r"(\d{4})年(\d{2})月", p.name).groups() for p in small.files
              if _kind_of(p) == "visits"]
    assert months == sorted(months)
    assert len(set(months)) == 12


# --- Bad rows ------------------------------------------------------------------------------


def test_expected_rejects_match_the_bad_rows_in_the_files(small, divisions):
    assert _counted_rejects(small, divisions) == small.expected_rejects
    assert sum(small.expected_rejects.values()) > 0


def test_every_kind_of_bad_row_is_planted(small, divisions):
    texts = "".join(_decode(p.read_bytes()) for p in small.files
                    if p.suffix == ".csv")
    assert "托人带话" in texts
    assert ".13." in texts or "年13月" in texts or "/13/" in texts or "-13-" in texts
    assert re.search(r"1\.\d{5}E\+17", texts)
    assert any(name in texts for name in ("幸福里社区", "光明里社区"))


def test_bad_rows_are_a_small_share_of_all_rows(small):
    rows = sum(len(_table(p)) for p in small.files)
    share = sum(small.expected_rejects.values()) / rows
    assert 0.001 <= share <= 0.003


def test_without_bad_rows_every_id_passes_its_check_digit(tmp_path, divisions):
    exports = write_demo_exports(tmp_path, seed=3, as_of=AS_OF, scale="small", _elder_count=3000,
                                 _bad_row_share=0.0)
    assert set(exports.expected_rejects.values()) == {0}
    for path in exports.files:
        frame = _table(path)
        if "id_number" in frame:
            assert _id18(frame["id_number"]).notna().all(), path.name
    assert set(_counted_rejects(exports, divisions).values()) == {0}


def test_ids_agree_with_sex_and_mostly_with_birth_date(small, divisions):
    roster = _good_rows(small, "roster", divisions)
    ids = _id18(roster["id_number"])
    assert ((ids.str[16].astype(int) % 2 == 1) == (roster["sex"] == "男")).all()
    written = roster["birth_date"].map(lambda s: _day(s.split(" ")[0]) or _day(s))
    from_id = ids.map(lambda s: date(int(s[6:10]), int(s[10:12]), int(s[12:14])))
    agree = (written == from_id).mean()
    assert 0.99 < agree < 1.0


def test_legacy_15_digit_ids_appear(small, divisions):
    roster = _good_rows(small, "roster", divisions)
    assert (roster["id_number"].str.strip().str.len() == 15).sum() > 5


# --- Content -----------------------------------------------------------------------------


def test_same_seed_writes_the_same_bytes(tmp_path):
    first = write_demo_exports(tmp_path / "a", seed=11, as_of=AS_OF, scale="small", _elder_count=2000)
    second = write_demo_exports(tmp_path / "b", seed=11, as_of=AS_OF, scale="small", _elder_count=2000)
    assert [p.name for p in first.files] == [p.name for p in second.files]
    for a, b in zip(first.files, second.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert first.expected_rejects == second.expected_rejects
    assert first.expected_warnings == second.expected_warnings
    pd.testing.assert_frame_equal(first.roster_history, second.roster_history)


def test_another_seed_writes_other_people(tmp_path):
    first = write_demo_exports(tmp_path / "a", seed=11, as_of=AS_OF, scale="small", _elder_count=1000)
    second = write_demo_exports(tmp_path / "b", seed=12, as_of=AS_OF, scale="small", _elder_count=1000)
    assert first.files[0].read_bytes() != second.files[0].read_bytes()


def test_as_of_defaults_to_yesterday(tmp_path):
    from datetime import timedelta

    exports = write_demo_exports(tmp_path, scale="small", _elder_count=500)
    assert exports.as_of == date.today() - timedelta(days=1)


def test_visits_cover_the_twelve_months_ending_at_as_of(small, divisions):
    visits = _good_rows(small, "visits", divisions)
    days = visits["visit_date"].map(_day)
    assert days.min() == date(2025, 11, 1)
    assert days.max() == AS_OF


def test_exits_have_a_change_date_inside_the_year_but_a_few(small, divisions):
    roster = _good_rows(small, "roster", divisions)
    exited = roster[roster["status"].map(_synonyms("status")) != "在册"]
    assert len(exited) > 0
    changed = exited["change_date"].map(_day)
    assert 0 < changed.isna().mean() < 0.1
    assert changed.dropna().between(date(2025, 11, 1), AS_OF).all()


def test_contacts_include_a_few_unusable_phones(small, divisions):
    contacts = _good_rows(small, "contacts", divisions)
    phone = contacts["contact_phone"]
    unusable = ~phone.str.fullmatch(r"1[3-9]\d{9}|022-\d{8}")
    assert 0 < unusable.mean() < 0.06
    assert (phone == "无").any()


# --- A contact list with its contact people side by side --------------------------------------


def test_one_street_writes_its_contact_people_side_by_side_a_row_per_elder(small):
    contact_lists = {p.name[:3]: p for p in small.files if _kind_of(p) == "contacts"}
    path = contact_lists.pop("小白楼")
    frame = _table(path)
    assert {"contact_name_2", "relation_2", "contact_phone_2", "has_key_2"} <= set(frame.columns)
    grid = _grid(path)
    header = set(grid.iloc[_header_row(grid, _field_of("contacts"))])
    assert {"第一联系人姓名", "第二联系人姓名", "第二联系人手机"} <= header
    assert not frame["id_number"].duplicated().any()  # a row per elder
    second = frame["contact_name_2"] != ""
    assert second.any() and (~second).any()  # an elder with one contact person leaves the second group empty
    assert (frame.loc[~second, ["relation_2", "contact_phone_2", "has_key_2"]] == "").all().all()
    # the first person's phone unusable, the second's usable: the second is who the community calls
    usable = r"1[3-9]\d{9}|022-\d{8}"
    assert (~frame["contact_phone"].str.fullmatch(usable) & frame["contact_phone_2"].str.fullmatch(usable)).any()
    for other in contact_lists.values():  # the other streets write a row per contact person
        assert not any(column.endswith("_2") for column in _table(other).columns), other.name


@pytest.mark.parametrize(("variant", "name", "phone"), [
    (0, "联系人2", "联系人2电话"),
    (1, "第二联系人姓名", "第二联系人手机"),
])
def test_the_numbered_contact_headers_of_each_variant_name_the_second_person(variant, name, phone):
    from etl.demo.sheets import numbered
    from etl.demo.vocabulary import CONTACT_HEADERS
    from etl.mappings import map_columns

    headers = ["老人姓名", "身份证号"]
    for person in (1, 2):
        headers += [numbered(CONTACT_HEADERS["contact_name"][variant], person, variant),
                    CONTACT_HEADERS["relation"][variant],
                    numbered(CONTACT_HEADERS["contact_phone"][variant], person, variant),
                    CONTACT_HEADERS["has_key"][variant]]
    assert (headers[6], headers[8]) == (name, phone)
    column_map = map_columns(headers, "contacts")
    assert column_map.more_contacts == [{"contact_name": 6, "relation": 7, "contact_phone": 8, "has_key": 9}]
    assert ({k: column_map.fields[k] for k in ("contact_name", "relation", "contact_phone", "has_key")},
            column_map.unknown, column_map.duplicates) == ({"contact_name": 2, "relation": 3, "contact_phone": 4,
                                                            "has_key": 5}, [], [])


def test_bad_rows_planted_in_a_side_by_side_contact_list_are_counted_and_rejected(tmp_path, divisions):
    from etl.ingest import ingest
    from tests.etl.exports import Warehouse

    exports = write_demo_exports(tmp_path / "exports", seed=2, as_of=AS_OF, scale="small", _elder_count=6000,
                                 _bad_row_share=0.2)
    assert _counted_rejects(exports, divisions) == exports.expected_rejects
    path = next(p for p in exports.files if _kind_of(p) == "contacts" and p.name.startswith("小白楼"))
    assert exports.expected_rejects[path.name] > 0
    # an elder one of whose contact people's rows had its ID spoilt is written on two rows, one of them rejected
    frame = _table(path).assign(valid=_ids(path).notna())
    split = frame[frame.duplicated(["name", "community"], keep=False)]
    assert split["valid"].any() and not split["valid"].all()
    [result] = ingest([path], Warehouse(tmp_path / "w.duckdb").settings)
    assert (result.rows_read, result.rows_rejected) == (len(_table(path)), exports.expected_rejects[path.name])


# --- Roster history: a snapshot per street and month (DESIGN §4) ----------------------------


STREETS = ("劝业场街道", "小白楼街道", "五大道街道", "新兴街道", "南营门街道", "南市街道")
REPORT_DATE = re.compile(r"填报日期：(\d{4})年(\d{1,2})月(\d{1,2})日")


@pytest.mark.parametrize("street", STREETS)
def test_each_street_sends_twelve_rosters_each_dated_in_its_title_rows(small, street):
    rosters = _rosters(small, street)
    assert len(rosters) == 12
    dates = []
    for path in rosters:
        match = REPORT_DATE.search(" ".join(_grid(path).iloc[:2, 0]))
        assert match, path.name
        dates.append(date(*(int(g) for g in match.groups())))
        assert dates[-1] == small.report_dates[path.name]
    assert dates == sorted(set(dates))
    assert dates[-1] == AS_OF
    for path, day in zip(rosters[:-1], dates[:-1], strict=True):  # month end or early next month
        month = int(re.search(r"(\d{2})月", path.name).group(1))
        assert (day.month == month and day.day >= 28) or (day.month == month % 12 + 1
                                                          and day.day <= 5), path.name
    assert {p.suffix for p in rosters[:-1]} == {".csv"}


def test_current_rosters_keep_each_streets_format(small):
    assert sorted(p.suffix for p in _latest_rosters(small)) == [".csv"] * 4 + [".xlsx"] * 2


def test_deaths_are_about_half_a_percent_a_month_among_special_elders(small):
    history = small.roster_history.groupby("month").sum(numeric_only=True)
    rate = history["left_died"].sum() / history["special_before"].sum()
    assert 0.003 <= rate <= 0.008


@pytest.fixture(scope="module")
def small_rosters(small, divisions):
    return _good_roster_rows(small, _rosters(small), divisions).assign(
        status_value=lambda f: f["status"].map(_synonyms("status")),
        street_key=lambda f: _place_key(f["street"]),
        reported=lambda f: f["file"].map(small.report_dates))


def test_deaths_are_written_in_the_month_they_happen(small_rosters):
    dead = small_rosters[small_rosters["status_value"] == "死亡"]
    changed = dead["change_date"].map(_day)
    dated = dead[changed.notna()]
    assert len(dated) > 0
    assert (changed[changed.notna()] <= dated["reported"]).all()
    first = dated.sort_values("reported").drop_duplicates("id18")
    lag = first["reported"] - first["change_date"].map(_day)
    assert (lag.map(lambda d: d.days) <= 40).all()  # reported on the first roster after the death


def test_movers_appear_on_another_streets_later_roster(small_rosters):
    left = small_rosters[small_rosters["status_value"] == "迁出"]
    active = small_rosters[small_rosters["status_value"] == "在册"]
    pairs = left.merge(active, on="id18", suffixes=("_old", "_new"))
    moved = pairs[(pairs["street_key_old"] != pairs["street_key_new"])
                  & (pairs["reported_new"] > pairs["reported_old"])]
    assert moved["id18"].nunique() >= 3
    never_back = pairs[(pairs["street_key_old"] == pairs["street_key_new"])
                       & (pairs["reported_new"] > pairs["reported_old"])]
    assert never_back.empty


def test_a_few_vanish_from_the_roster_without_a_status(small, small_rosters):
    last = max(small.report_dates.values())
    seen = small_rosters.groupby("id18").agg(last_seen=("reported", "max"),
                                              status=("status_value", "last"))
    registered_gone = seen[(seen["last_seen"] < last) & (seen["status"] == "在册")]
    # planted bad rows also drop a person from one roster; the vanished never come back
    assert 3 <= len(registered_gone) <= 0.01 * len(seen)


def test_some_rows_contradict_their_marking(small, small_rosters):
    living = small_rosters["living"].map(_synonyms("living"))
    disability = small_rosters["disability"].map(_synonyms("disability"))
    contradicts = ((living == "独居") & ~_marked(small_rosters, "独居")) | (
        (disability == "失能") & ~_marked(small_rosters, "失能"))
    written = sum(w.get("contradiction", 0) for w in small.expected_warnings.values())
    assert contradicts.sum() == written
    special = _special(small_rosters, AS_OF) & (small_rosters["status_value"] == "在册")
    assert 0.005 <= contradicts.sum() / special.sum() <= 0.03
    assert (contradicts & ~_marked(small_rosters) & (living == "独居")).any()


def test_expected_warnings_count_unknown_words_and_exits_without_a_date(small, divisions):
    places = _place_keys(divisions)
    for path in _rosters(small):
        frame = _table(path)
        frame = frame[~_reject_mask(path, places)]
        unknown = sum(frame[column].isin(UNKNOWN_VALUES.values()).sum()
                      for column in ("living", "disability", "consent") if column in frame)
        undated = (frame["status"].map(_synonyms("status")) != "在册") & (
            frame["change_date"] == "")
        expected = small.expected_warnings[path.name]
        assert (unknown, undated.sum()) == (expected["unknown_value"],
                                            expected["exit_without_date"]), path.name
    totals = pd.DataFrame(small.expected_warnings).T.sum()
    assert (totals > 0).all()


def test_most_unmarked_elders_live_with_a_spouse_and_are_not_special(small_roster):
    unmarked = small_roster[~_marked(small_roster)]
    spouse = {k for k, v in _synonyms("living").items() if v == "空巢"}
    assert unmarked["living"].isin(spouse).mean() > 0.5
