"""`carevisit export parquet`: the cleaned tables and the marts as Hive-partitioned Parquet."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import stat

import duckdb
import pytest

from dashboard.accounts import AccountStore, accounts_path
from etl.cli import main
from etl.export import MANIFEST, MART_TABLES, PARTITIONS, STORED
from etl.settings import engine_config


@pytest.fixture
def db(demo_settings, tmp_path):
    """A copy of the small demo's warehouse in the test's own folder (an accounts store may be added)."""
    path = tmp_path / "w.duckdb"
    shutil.copyfile(demo_settings.db_path, path)
    return path


@pytest.fixture(scope="module")
def exported(demo_settings, tmp_path_factory):
    """One export of a copy of the small demo's warehouse (no accounts store), run as a user runs it: the
    tests that only read what it wrote share it. Returns (exit code, what it printed, warehouse, folder)."""
    folder = tmp_path_factory.mktemp("exported")
    db, out = folder / "w.duckdb", folder / "export"
    shutil.copyfile(demo_settings.db_path, db)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        code = main(["export", "parquet", "--out", str(out), "--db", str(db)])
    return code, printed.getvalue(), db, out


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_back(folder, table: str) -> duckdb.DuckDBPyRelation:
    con = duckdb.connect(config=engine_config())
    return con.sql("select * from read_parquet($path, hive_partitioning = true)",
                   params={"path": f"{folder / table}/**/*.parquet"})


def test_every_table_is_a_folder_partitioned_by_month_and_district(exported):
    code, printed, db, out = exported
    assert code == 0 and "未打码" in printed
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted((*STORED, *MART_TABLES))
    assert list((out / "place_months" / "month=2026-10" / "district=120101").glob("*.parquet"))
    assert list((out / "visit_rows" / "month=2026-07" / "district=120101").glob("*.parquet"))
    assert list((out / "roster_rows" / "district=120101").glob("*.parquet"))
    assert (out / "divisions" / "data.parquet").is_file()
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"]["place_months"]["partition_by"] == ["month", "district"]
    assert set(PARTITIONS) <= set(manifest["tables"])
    # the day the marts were counted for, which a cluster counting them again counts for (etl/spark.py)
    with duckdb.connect(str(db), read_only=True) as con:
        assert manifest["counted_for"] == con.execute(
            "select value from settings where key = 'marts_date'").fetchone()[0]


@pytest.mark.parametrize("table", ["place_months", "elder_months", "visit_rows", "roster_rows", "cfg_settings"])
def test_a_table_reads_back_as_the_warehouse_holds_it(exported, table):
    code, _printed, db, out = exported
    assert code == 0
    warehouse = duckdb.connect(str(db), read_only=True)
    columns = [name for name, _ in json.loads((out / MANIFEST).read_text())["tables"][table]["columns"]]
    exported = read_back(out, table).select(", ".join(f'"{c}"' for c in columns)).fetchall()
    stored = warehouse.table(table).fetchall()
    as_text = [tuple(str(v) if isinstance(v, int) and v > 2**63 else v for v in row) for row in stored]
    assert len(exported) == len(stored) > 0
    assert sorted(map(repr, exported)) == sorted(map(repr, as_text))


def test_files_are_readable_by_their_owner_only(exported):
    code, _printed, _db, out = exported
    assert code == 0
    modes = {path: stat.S_IMODE(path.stat().st_mode) for path in [out, *out.rglob("*")]}
    assert {mode for path, mode in modes.items() if path.is_dir()} == {0o700}
    assert {mode for path, mode in modes.items() if path.is_file()} == {0o600}


def test_a_folder_that_is_not_empty_is_refused(db, tmp_path, capsys):
    out = tmp_path / "export"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    for extra in ([], ["--overwrite"]):  # --overwrite replaces an export only, never someone's folder
        code, _, err = run(capsys, "export", "parquet", "--out", str(out), "--db", str(db), *extra)
        assert code == 1 and len(err.strip().splitlines()) == 1 and "不是空的" in err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_overwrite_replaces_an_earlier_export(db, tmp_path, capsys):
    out = tmp_path / "export"
    assert run(capsys, "export", "parquet", "--out", str(out), "--db", str(db))[0] == 0
    stale = out / "place_months" / "month=1999-01"
    stale.mkdir()
    code, _, err = run(capsys, "export", "parquet", "--out", str(out), "--db", str(db))
    assert code == 1 and "--overwrite" in err
    assert run(capsys, "export", "parquet", "--out", str(out), "--db", str(db), "--overwrite")[0] == 0
    assert not stale.exists() and (out / "place_months" / "month=2026-10").is_dir()


def test_a_file_in_place_of_the_folder_is_refused_in_one_line(db, tmp_path, capsys):
    out = tmp_path / "export.parquet"
    out.write_text("")
    code, _, err = run(capsys, "export", "parquet", "--out", str(out), "--db", str(db))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "不是文件夹" in err


def test_the_export_is_recorded_in_the_audit_log(db, tmp_path, capsys):
    AccountStore(accounts_path(db))
    out = tmp_path / "export"
    assert run(capsys, "export", "parquet", "--out", str(out), "--db", str(db))[0] == 0
    events = [e for e in AccountStore(accounts_path(db)).events() if e["event"] == "export_parquet"]
    assert len(events) == 1 and str(out) in events[0]["detail"]
    # every row written out, unmasked, counted in the record (review 21 L2: any count above 0 passed)
    tables = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["tables"]
    assert events[0]["row_count"] == sum(table["rows"] for table in tables.values()) > 0
    assert json.loads(events[0]["detail"])["tables"] == len(tables)


def test_without_an_accounts_store_none_is_made(exported):
    code, _printed, db, _out = exported
    assert code == 0
    assert not accounts_path(db).exists()


def test_help_says_the_files_hold_unmasked_personal_data(capsys):
    with pytest.raises(SystemExit):
        main(["export", "parquet", "--help"])
    assert "UNMASKED personal data" in " ".join(capsys.readouterr().out.split())
