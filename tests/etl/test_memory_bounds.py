"""A load's memory grows with its file's distinct values, not its rows: staging within a small memory limit.

Staging joins the file's rows to lookups of their distinct values (DESIGN §3's checks, once per value). If
DuckDB built its hash tables on the file's rows instead, staging a long file would need memory in
proportion to its rows; here 300,000 visit rows (as a month's export repeats its elders, places,
staff and words; each row its own visit) must stage within 64 MB, spilling what it stores.
"""

import duckdb
import pyarrow as pa
import pytest

from etl.ingest import FIELDS, stage
from etl.warehouse import write_words
from tests.conftest import make_id, new_mart_warehouse

ROWS = 300_000
PEOPLE = [make_id(f"19{40 + n % 30:02d}0101", n) for n in range(50)]
CELLS = {  # a few distinct values per field, as a long export repeats its elders, places, dates and words
    "id_number": PEOPLE, "name": ["张三", "李四", "王五"], "street": ["劝业场街道"], "community": ["花园路", "福安"],
    "visit_date": [f"2026-10-{1 + n // 600:02d} {8 + n // 60 % 10:02d}:{n % 60:02d}" for n in range(ROWS // 50)],
    "method": ["入户", "电话"],
    "outcome": ["正常"], "visitor": ["网格员甲", "网格员乙"],
}


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "load.duckdb"), config={"memory_limit": "64MB"})  # spills beside it
    new_mart_warehouse(con)
    write_words(con)
    yield con
    con.close()


def long_visits_file() -> pa.Table:
    numbers = pa.array(range(2, ROWS + 2), pa.int32())
    columns = {"src_id": numbers, "row_number": numbers}
    for field in FIELDS["visits"]:
        if field not in CELLS:
            columns[field] = pa.nulls(ROWS, pa.null())  # as a file without such a column is read
            continue
        values = CELLS[field]
        # row n is person n % 50's visit at the (n // 50)th time, so that no row repeats another
        indices = [n // len(PEOPLE) if field == "visit_date" else n % len(values) for n in range(ROWS)]
        columns[field] = pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(values, pa.string()))
    return pa.table(columns)


def test_a_long_visits_file_stages_within_a_small_memory_limit(con):
    con.register("src", long_visits_file())
    stage(con, "visits")
    assert con.execute("select count(*), count(reject_reason) from staged").fetchone() == (ROWS, 0)


def test_marts_past_the_loads_memory_limit_are_built_within_the_machines(demo_settings, tmp_path, monkeypatch):
    """A warehouse whose history the marts cannot be built from within the load's limit (a city's, here
    the demo's within 24 MB) is still published, with the marts a whole build makes."""
    import shutil

    from etl import warehouse
    from tests.etl.test_scoped_build import on_day, stored_marts

    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_settings.db_path, db)
    with duckdb.connect(str(db), read_only=True) as con:
        before = stored_marts(con)
    monkeypatch.setattr(warehouse, "LOAD_MEMORY_LIMIT", "24MB")
    with warehouse.open_for_writing(db, demo_settings.config) as session:
        session.changed = session.whole = True
        # counted for the day the demo's marts were (a run that crosses midnight would count who turned 80 since)
        on_day(session.con, session.con.execute("select value from settings where key = 'marts_date'").fetchone()[0])
        with pytest.raises(duckdb.OutOfMemoryException):  # what the first build meets
            warehouse.build_marts(session.con)
    with duckdb.connect(str(db), read_only=True) as con:
        assert stored_marts(con) == before
        # and from then on, without meeting the limit first, while the marts' SQL is this version's
        assert con.execute("select value from settings where key = 'marts_memory'").fetchall() == [
            (warehouse.marts_version(),)]


@pytest.mark.parametrize(("ran_out", "within_the_limit"), [("this version", False), ("an earlier version", True)])
def test_marts_that_once_ran_out_try_the_limit_again_when_their_sql_changes(demo_settings, tmp_path, ran_out,
                                                                            within_the_limit):
    """A warehouse built without a limit since its marts once ran out of it stays so while the marts are the
    same; marts of another version (a new CareVisit, its SQL changed) are built within the load's limit again."""
    import shutil

    from etl import warehouse

    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_settings.db_path, db)
    version = warehouse.marts_version() if ran_out == "this version" else "an earlier version"
    with warehouse.open_for_writing(db, demo_settings.config) as session:
        limit = session.con.execute("select current_setting('memory_limit')").fetchone()
        session.con.execute("insert or replace into settings values ('marts_memory', $v)", {"v": version})
        warehouse._build_within_memory(session.con, since_load=None)
        assert (session.con.execute("select current_setting('memory_limit')").fetchone() == limit) is within_the_limit


def test_a_files_staged_rows_are_let_go_before_the_marts_are_built(tmp_path):
    """The marts are built within the load's memory after its files are stored: by then a file's staging tables
    are gone. (That the rows stored are checkpointed first, warehouse._open_for_writing, has no test: at the
    demo's size no memory limit tells it apart; a province's month of visits did.)"""
    from etl import warehouse
    from etl.ingest import STAGING_TABLES, load_file
    from etl.settings import default_config_text, parse_config
    from tests.etl.exports import VISIT_HEADER, write_csv

    visits = write_csv(tmp_path / "探访.csv", [VISIT_HEADER, *([person, "张三", "花园路", f"2026-10-{day:02d}", "入户",
                                                                "正常", "网格员甲"] for day in (1, 2, 3)
                                                               for person in PEOPLE[:5])])
    with warehouse.open_for_writing(tmp_path / "w.duckdb", parse_config(default_config_text())) as session:
        result = load_file(session, visits, None, lambda _file, _stage: None)
        temporary = {name for (name,) in session.con.execute(
            "select table_name from duckdb_tables() where temporary").fetchall()}
    assert (result.status, result.rows_read) == ("loaded", 15)
    assert temporary.isdisjoint(STAGING_TABLES), temporary
