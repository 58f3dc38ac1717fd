"""The SQL files under etl/sql, the session's macros, and small helpers to read a result."""

from __future__ import annotations

import atexit
import functools
import itertools
import os
import shutil
import threading
from importlib import resources
from pathlib import Path

import duckdb

from etl.temporary import temporary_folder

# The attached database that holds macros.sql's macros (see prepare), and the schema put on the search path for them.
# A name no file's can be: a database opened from a file is named after it (cv_macros.duckdb would be "cv_macros").
MACROS = "carevisit/macros"
MACROS_SCHEMA = f"{MACROS}.main"
_macros_lock = threading.Lock()
_macros_database: dict[int, Path | None] = {}  # per process (a forked worker makes its own): None if it could not
_attach_numbers = itertools.count()


@functools.cache  # read once per process: a load asks for some fifty of them, a mart build for thirty more
def sql(name: str) -> str:
    """The text of etl/sql/<name>.sql."""
    return resources.files("etl").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8")


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """The macros of etl/sql/macros.sql (where every data rule lives) on `con`: every connection needs them.

    Creating them binds every body, 0.1 CPU-s a connection (a load, a report, an as-of month, each of the
    suite's hundreds). So a process creates them once, in a DuckDB file of a private temporary folder, and each
    connection attaches that read-only (about 10 ms) and puts it last on its search path. A temporary macro of
    the same name on a connection still comes first (a test's cv_today). A search path is set with
    set_search_path, which keeps the macros' schema on it; after `use`, which resets it, call this again.
    Where no such file can be written, the macros are made on the connection, as temporary macros."""
    if _macros_file() is None:
        con.execute(sql("macros"))
        return
    path, database = first_row(con, "select current_setting('search_path'), current_database()")
    if MACROS_SCHEMA not in path.split(","):
        # the default schema named with its database: an unqualified one would be resolved afresh by each `set`
        set_search_path(con, path or f'"{database}".main')


def set_search_path(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """Set the search path to `path` (comma-separated schemas) and, after them, the macros' (prepare)."""
    database = _macros_file()
    if database is not None:
        try:
            if first_row(con, "select 1 from duckdb_databases() where database_name = ?", [MACROS]) is None:
                _attach_macros(con, database)
            path = f"{path},{MACROS_SCHEMA}"
        except OSError:  # the file went between its check and the link: the macros on the connection instead
            con.execute(sql("macros"))
    con.execute(f"set search_path = '{path}'")


def _attach_macros(con: duckdb.DuckDBPyConnection, database: Path) -> None:
    """Attach the macros' database to `con`'s instance through a hard link of its own, removed once attached.
    DuckDB (2.0) keeps one entry per file for every instance of a process that attaches it; an instance closed
    while another still has the file attached leaves its address in that entry, and a new instance that gets the
    same address then loops forever attaching the file. A path of its own for each attach shares no entry."""
    link = database.with_name(f"attach-{next(_attach_numbers)}.duckdb")
    os.link(database, link)
    try:
        con.execute(f'attach if not exists $path as "{MACROS}" (read_only)', {"path": str(link)})
    finally:
        link.unlink()


def _macros_file() -> Path | None:
    """This process's database of macros.sql's macros (non-temporary there), written on first use (and again if
    something removed it: a long-running server's temporary folder may be cleaned), removed at exit; None where it
    cannot be written (a full or read-only temporary folder) or hard-linked."""
    pid = os.getpid()
    with _macros_lock:
        if pid not in _macros_database or not (_macros_database[pid] is None or _macros_database[pid].exists()):
            folder = None
            try:
                folder = temporary_folder("-macros")
                path = folder / "macros.duckdb"
                with duckdb.connect(str(path)) as con:
                    con.execute(sql("macros").replace("create or replace temp macro", "create or replace macro"))
                os.link(path, folder / "linked.duckdb")  # each attach needs a hard link (_attach_macros)
                os.unlink(folder / "linked.duckdb")
                atexit.register(_remove_macros, pid, folder)
            except (OSError, duckdb.Error):
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
                path = None
            _macros_database[pid] = path
        return _macros_database[pid]


def _remove_macros(pid: int, folder: Path) -> None:
    if os.getpid() == pid:  # not a forked child's exit: the parent goes on using it
        shutil.rmtree(folder, ignore_errors=True)


def first_row(con: duckdb.DuckDBPyConnection, query: str, params=None) -> tuple | None:
    """The first row of a query, with the result fully consumed (DuckDB 2 requires it)."""
    rows = con.execute(query, params).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, query: str, params=None):
    return first_row(con, query, params)[0]


# Answers of macros.sql's macros of one text that read no table and not the day (the masks of names,
# cv_report_date), by (macro, text): planning a query of one takes 10-20 ms, and a load asks of each file's name, each
# sheet's name and title (the suite's few thousand files). A long-running process starts again past TEXT_MACRO_KEPT.
_text_macro_answers: dict[tuple[str, str], object] = {}
TEXT_MACRO_KEPT = 4096


def text_macro(con: duckdb.DuckDBPyConnection, macro: str, text: str):
    """`macro(text)` (a macro that reads no table and not the day), asked of `con` once a process."""
    key = (macro, text)
    if key not in _text_macro_answers:
        if len(_text_macro_answers) >= TEXT_MACRO_KEPT:
            _text_macro_answers.clear()
        _text_macro_answers[key] = scalar(con, f"select {macro}(?)", [text])
    return _text_macro_answers[key]


def remove_database(path: Path) -> None:
    """Remove a DuckDB database file that will not be used, with its log (.wal) and spill folder (.tmp) beside it."""
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)
