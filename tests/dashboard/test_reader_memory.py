"""A server process's DuckDB keeps within its memory limit, spilling to a private folder that goes with it:
a province's server grew to 7 GiB without one (DuckDB's default is 80 % of the machine)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import queries
from etl.temporary import remove_stale_temporary_files


def limit_seen(wh: queries.Warehouse) -> float:
    """The reader's memory limit in MiB, as DuckDB shows it ('476.8 MiB')."""
    with wh.cursor() as cursor:
        number, unit = cursor.execute("select current_setting('memory_limit')").fetchone()[0].split()
    return float(number) * {"MiB": 1, "GiB": 1024}[unit]


@pytest.mark.parametrize(("asked", "expected"), [(None, queries.READER_MEMORY_LIMIT), ("300MB", "300MB")])
def test_the_reader_is_limited_to_its_memory(demo_settings, monkeypatch, asked, expected):
    if asked is None:
        monkeypatch.delenv("CAREVISIT_READER_MEMORY", raising=False)
    else:
        monkeypatch.setenv("CAREVISIT_READER_MEMORY", asked)
    assert limit_seen(queries.Warehouse(demo_settings.db_path)) == pytest.approx(
        int(expected.removesuffix("MB")) * 1e6 / 2**20, abs=0.1)


def test_the_spill_folder_is_private_to_the_process_and_gone_when_it_ends(demo_settings):
    script = (
        "import sys; from dashboard import queries\n"
        "wh = queries.Warehouse(sys.argv[1])\n"
        "with wh.cursor() as c: folder = c.execute(\"select current_setting('temp_directory')\").fetchone()[0]\n"
        "import os, stat; parent = os.path.dirname(folder); mode = oct(stat.S_IMODE(os.stat(parent).st_mode))\n"
        "print(parent, mode, os.path.basename(parent).split('-')[1] == str(os.getpid()))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(demo_settings.db_path)], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    parent, mode, named_for_process = done.stdout.split()
    assert mode == "0o700" and named_for_process == "True"
    assert not Path(parent).exists()


def test_the_spill_folder_of_a_killed_server_process_is_removed_by_the_next_load(tmp_path):
    import tempfile

    from etl.temporary import TEMPORARY_PREFIX

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = Path(tempfile.gettempdir()) / f"{TEMPORARY_PREFIX}{dead.stdout.strip()}-abc-reader"
    (left / "1-2").mkdir(parents=True)
    (left / "1-2" / "duckdb_temp_storage-0.tmp").write_bytes(b"x" * 100)
    try:
        remove_stale_temporary_files()
        assert not left.exists()
    finally:
        shutil.rmtree(left, ignore_errors=True)


def test_answers_are_the_same_within_a_small_limit(demo_settings, monkeypatch):
    """The demo's as-of month within a limit a tenth of the default: the same figures."""
    import datetime as dt

    def figures():
        wh = queries.Warehouse(demo_settings.db_path)
        view = wh.as_of(dt.date(2026, 10, 1), dt.date(2026, 10, 12))
        return queries.place_months(view, queries.root_place(view)).to_dict("records")

    monkeypatch.delenv("CAREVISIT_READER_MEMORY", raising=False)
    expected = figures()
    monkeypatch.setenv("CAREVISIT_READER_MEMORY", "120MB")
    assert figures() == expected


def test_a_recomputed_month_is_a_file_of_the_process_replaced_when_a_load_swaps_the_warehouse(demo_settings, tmp_path):
    """Its tables on disk, not in the reader's memory; a publish (a new file) makes it afresh and drops the old."""
    import datetime as dt

    path = tmp_path / "w.duckdb"
    shutil.copyfile(demo_settings.db_path, path)
    wh = queries.Warehouse(path)
    with wh.cursor() as cursor:
        private = Path(cursor.execute("select current_setting('temp_directory')").fetchone()[0]).parent
    month, day = dt.date(2026, 10, 1), dt.date(2026, 10, 12)
    before = queries.place_months(wh.as_of(month, day), queries.root_place(wh)).to_dict("records")
    [first] = private.glob("as-of-*.duckdb")
    assert wh.has_as_of(month, day)

    shutil.copyfile(path, tmp_path / "published.duckdb")
    os.replace(tmp_path / "published.duckdb", path)  # as a load publishes: a new file under the same name
    assert not wh.has_as_of(month, day)
    after = queries.place_months(wh.as_of(month, day), queries.root_place(wh)).to_dict("records")
    assert after == before
    assert [p.name for p in private.glob("as-of-*.duckdb")] != [first.name] and not first.exists()


def october_to_the_20th(folder: Path) -> Path:
    """A warehouse whose visits end on 20 October: October is in progress."""
    from etl.ingest import ingest
    from etl.settings import Settings, default_config_text, parse_config
    from tests.conftest import make_id
    from tests.etl.exports import ROSTER_HEADER, VISIT_HEADER, roster_row, visit_row, write_csv

    people = [make_id("19400101", n) for n in range(1, 5)]
    roster = write_csv(folder / "底册.csv", [ROSTER_HEADER] + [
        roster_row(n, person, name=f"王{n}号", community="花园路" if n < 3 else "滨西")
        for n, person in enumerate(people, 1)])
    visits = write_csv(folder / "探访.csv", [VISIT_HEADER] + [
        visit_row(people[0], "2026-09-05", community="花园路"), visit_row(people[1], "2026-09-25", community="花园路"),
        visit_row(people[2], "2026-09-12", community="滨西"), visit_row(people[0], "2026-10-20", community="花园路")])
    settings = Settings(db_path=folder / "w.duckdb", config=parse_config(default_config_text()))
    ingest([roster, visits], settings)
    return settings.db_path


@pytest.fixture
def stores_comparisons(monkeypatch):
    """The warehouses here are a few elders, for which the load leaves the comparison to the server."""
    from etl import build

    monkeypatch.setattr(build, "SMALL_BELOW_ELDERS", 0)


def test_a_small_warehouse_leaves_the_same_day_comparison_to_the_server(tmp_path):
    import datetime as dt

    wh = queries.Warehouse(october_to_the_20th(tmp_path))
    assert not wh.has_as_of(dt.date(2026, 9, 1), dt.date(2026, 9, 20))
    view = wh.as_of(dt.date(2026, 9, 1), dt.date(2026, 9, 20))
    assert queries.place_months(view, queries.root_place(wh), until="2026-09", last=1)["visited_home"].tolist() == [2]


@pytest.mark.usefixtures("stores_comparisons")
def test_the_load_stores_the_same_day_comparison_the_overview_would_recompute(tmp_path):
    """October is in progress: the load stores September to the 20th; the server compares October with it (no
    recompute, no file of its own), with the figures its own recompute gives."""
    import datetime as dt

    import duckdb

    from etl.build import same_day_name

    db_path = october_to_the_20th(tmp_path)
    month, day = dt.date(2026, 9, 1), dt.date(2026, 9, 20)
    stored = queries.Warehouse(db_path)
    view = stored.compared(month, day)
    assert view.schema == f"warehouse.{same_day_name(month, day)}"
    with stored.cursor() as cursor:
        private = Path(cursor.execute("select current_setting('temp_directory')").fetchone()[0]).parent
    assert list(private.glob("as-of-*")) == []

    bare = tmp_path / "bare.duckdb"  # the same warehouse without it: the server recomputes it
    shutil.copyfile(db_path, bare)
    with duckdb.connect(str(bare)) as con:
        con.execute(f"drop schema {same_day_name(month, day)} cascade")
    recomputing = queries.Warehouse(bare)
    assert not recomputing.has_as_of(month, day)
    root = queries.root_place(stored)
    september = queries.place_months(view, root, until="2026-09", last=1)
    pd.testing.assert_frame_equal(
        september, queries.place_months(recomputing.compared(month, day), root, until="2026-09", last=1))
    assert recomputing.has_as_of(month, day)
    assert september["visited_home"].tolist() == [2] and str(september["as_of"].iloc[0])[:10] == "2026-09-20"


@pytest.mark.usefixtures("stores_comparisons")
def test_a_whole_as_of_view_an_earlier_carevisit_stored_is_not_read_and_the_next_load_drops_it(tmp_path):
    """Until 2026-12-03 the load stored the comparison as a whole as-of view, as_of_<month>_<day>. A warehouse that
    still holds one (here with a count no recompute gives) and not the same-day one: the server recomputes the
    comparison; the next load stores the same-day one and drops the other."""
    import datetime as dt

    import duckdb

    from etl.build import as_of_name, same_day_name
    from etl.ingest import ingest
    from etl.settings import Settings, default_config_text, parse_config
    from tests.conftest import make_id
    from tests.etl.exports import VISIT_HEADER, visit_row, write_csv

    db_path = october_to_the_20th(tmp_path)
    month, day = dt.date(2026, 9, 1), dt.date(2026, 9, 20)
    earlier, now = as_of_name(month, day), same_day_name(month, day)
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"create schema {earlier}")
        con.execute(f"create table {earlier}.place_months as select * replace (99 as visited_home) from "  # noqa: S608
                    f"{now}.place_months")  # (schema names of CareVisit's)
        con.execute(f"create table {earlier}.month_frame as from {now}.month_frame")
        con.execute(f"drop schema {now} cascade")
    wh = queries.Warehouse(db_path)
    september = queries.place_months(wh.compared(month, day), queries.root_place(wh), until="2026-09", last=1)
    assert september["visited_home"].tolist() == [2]

    later = write_csv(tmp_path / "探访2.csv", [VISIT_HEADER, visit_row(make_id("19400101", 4), "2026-10-20",
                                                                         community="滨西")])
    ingest([later], Settings(db_path=db_path, config=parse_config(default_config_text())))
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select schema_name from duckdb_schemas() where starts_with(schema_name, 'as_of_') or "
                           "starts_with(schema_name, 'same_day_')").fetchall() == [(now,)]


@pytest.mark.usefixtures("stores_comparisons")
def test_a_comparison_that_does_not_fit_its_memory_is_left_to_the_server_and_the_load_goes_on(tmp_path, monkeypatch):
    """Not stored, and the marts still built within the load's memory (not again whole, without a limit)."""
    import datetime as dt

    import duckdb

    from etl import build

    monkeypatch.setattr(build, "AS_OF_MEMORY_LIMIT", "2MB")
    db_path = october_to_the_20th(tmp_path)
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select count(*) from duckdb_schemas() where starts_with(schema_name, 'same_day_')"
                           ).fetchone() == (0,)
        assert con.execute("select count(*) from settings where key = 'marts_memory'").fetchone() == (0,)
    wh = queries.Warehouse(db_path)
    assert not wh.has_as_of(dt.date(2026, 9, 1), dt.date(2026, 9, 20))
    view = wh.as_of(dt.date(2026, 9, 1), dt.date(2026, 9, 20))  # the server recomputes it
    assert queries.place_months(view, queries.root_place(wh), until="2026-09", last=1)["visited_home"].tolist() == [2]


def test_a_query_run_alone_waits_for_those_running_and_holds_back_new_ones():
    """What a query that ran out of the reader's memory beside others does (Reader._run): it runs again alone, once
    the queries running have finished, and none starts before it is done."""
    import threading

    slots, order = queries.Queries(), []
    running, release = threading.Event(), threading.Event()

    def beside(name: str, hold: bool = False) -> None:
        with slots.beside():
            order.append(f"{name} starts")
            if hold:
                running.set()
                release.wait(5)
            order.append(f"{name} ends")

    def alone() -> None:
        with slots.alone():
            order.append("alone starts")
            order.append("alone ends")

    first = threading.Thread(target=beside, args=("first", True))
    first.start()
    assert running.wait(5)
    waiting = threading.Thread(target=alone)
    waiting.start()
    while not slots._alone:  # it has asked, and waits for the first
        threading.Event().wait(0.01)
    later = threading.Thread(target=beside, args=("later",))
    later.start()
    threading.Event().wait(0.2)
    assert order == ["first starts"]
    release.set()
    for thread in (first, waiting, later):
        thread.join(5)
    assert order == ["first starts", "first ends", "alone starts", "alone ends", "later starts", "later ends"]
