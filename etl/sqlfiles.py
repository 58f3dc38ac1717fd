"""The SQL files under etl/sql, the session's macros, and small helpers to read a result."""

from __future__ import annotations

import functools
import shutil
from importlib import resources
from pathlib import Path

import duckdb


@functools.cache  # read once per process: a load asks for some fifty of them, a mart build for thirty more
def sql(name: str) -> str:
    """The text of etl/sql/<name>.sql."""
    return resources.files("etl").joinpath(f"sql/{name}.sql").read_text(encoding="utf-8")


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Create the session's macros (etl/sql/macros.sql, where every data rule lives); every connection needs them."""
    con.execute(sql("macros"))


def first_row(con: duckdb.DuckDBPyConnection, query: str, params=None) -> tuple | None:
    """The first row of a query, with the result fully consumed (DuckDB 2 requires it)."""
    rows = con.execute(query, params).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, query: str, params=None):
    return first_row(con, query, params)[0]


def remove_database(path: Path) -> None:
    """Remove a DuckDB database file that will not be used, with its log (.wal) and spill folder (.tmp) beside it."""
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)
