"""The entry time (录入时间) of a visit record: read where an export has one, a bad value warns, never rejects."""

import duckdb
import pytest

from etl.warehouse import FORMAT_VERSION
from tests.etl.exports import ALICE, VISIT_HEADER, OneLoad, Warehouse, visit_row, write_csv

ENTRY_TIMES = [("录入时间", "2026-10-12 09:30", "2026-10-12 09:30:00"),
               ("填报时间", "2026年10月12日", "2026-10-12 00:00:00"),
               ("创建时间", "2026/10/12 9:30", "2026-10-12 09:30:00"), ("录入时间", "", None)]
loads = OneLoad()  # each file checked on its own load only, loaded in one command; each a visit of its own day
for _day, (_header, _cell, _entered) in enumerate(ENTRY_TIMES, 1):
    loads.file(f"{_header}: {_cell}")(lambda folder, header=_header, cell=_cell, day=_day: write_csv(
        folder / f"v{day}.csv", [[*VISIT_HEADER, header], [*visit_row(ALICE, when=f"2026-10-0{day}"), cell]]))
loads.file("no time")(lambda folder: write_csv(
    folder / "no-time.csv", [[*VISIT_HEADER, "录入时间"], [*visit_row(ALICE, when="2026-10-08"), "上周"]]))
loads.file("no column")(lambda folder: write_csv(folder / "no-column.csv",
                                                 [VISIT_HEADER, visit_row(ALICE, when="2026-10-09")]))


@pytest.fixture(scope="module")
def one_load(tmp_path_factory) -> tuple[Warehouse, dict]:
    return loads.load(tmp_path_factory.mktemp("entry-times"))


@pytest.mark.parametrize(("header", "cell", "entered"), ENTRY_TIMES)
def test_the_entry_time_column_is_read(one_load, header, cell, entered):
    warehouse, results = one_load
    result = results[f"{header}: {cell}"]
    load = [result.load_id]
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    assert warehouse.rows("select strftime(entered_at, '%Y-%m-%d %H:%M:%S') from visit_rows where load_id = ?",
                          load) == [(entered,)]
    assert warehouse.rows("select code from load_warnings where load_id = ?", load) == []


def test_an_entry_time_that_is_no_time_warns_and_the_visit_loads(one_load):
    warehouse, results = one_load
    result = results["no time"]
    load = [result.load_id]
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    assert warehouse.rows("select entered_at from visit_rows where load_id = ?", load) == [(None,)]
    assert warehouse.rows("select code, field, message from load_warnings where load_id = ?", load) == [
        ("bad_entry_time", "entered_at", "录入时间无法识别: 上周, 已忽略")]


def test_a_file_without_the_column_loads_its_visits_without_an_entry_time(one_load):
    warehouse, results = one_load
    result = results["no column"]
    assert result.rows_loaded == 1
    assert warehouse.one("select count(*) from visit_rows where entered_at is not null and load_id = ?",
                         [result.load_id]) == 0


def test_a_warehouse_written_before_entry_times_is_upgraded_by_the_next_load(tmp_path):
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.ingest(write_csv(tmp_path / "v1.csv", [VISIT_HEADER, visit_row(ALICE)]))
    con = duckdb.connect(str(warehouse.settings.db_path))
    con.execute("alter table visit_rows drop column entered_at")  # as CareVisit wrote it at format 5
    con.execute("update settings set value = '5' where key = 'format_version'")
    con.close()
    warehouse.ingest(write_csv(tmp_path / "v2.csv", [[*VISIT_HEADER, "录入时间"],
                                                     [*visit_row(ALICE, when="2026-10-06"), "2026-10-20 10:00"]]))
    assert warehouse.rows("select visit_date::varchar, entered_at::varchar from visit_rows order by visit_date") == [
        ("2026-10-05", None), ("2026-10-06", "2026-10-20 10:00:00")]
    assert warehouse.one("select value from settings where key = 'format_version'") == str(FORMAT_VERSION)
