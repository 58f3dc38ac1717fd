"""`carevisit export parquet`: the cleaned tables and the marts as Hive-partitioned Parquet, for a bureau's cluster."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.build import MARTS, marts_version
from etl.sqlfiles import scalar

# The manifest beside the table folders: what was exported, each table's columns (as DuckDB typed
# them) and partition keys. Its presence is also what lets --overwrite empty a folder.
MANIFEST = "_carevisit_export.json"
FORMAT = 1

# The stored tables a mart is computed from (the cleaned rows, the geography, the configuration).
# Not exported: rejects and load_warnings (rows as sent, for the bureau's clerks), settings, corrections.
STORED = ("loads", "roster_rows", "roster_nobody", "visit_rows", "contact_rows", "divisions", "division_aliases",
          "division_shapes", "cfg_settings", "cfg_intervals", "cfg_risk_rules", "cfg_visit_quality")
# Every mart stored as a table; views (roster_listings, visits, unlinked_visits, load_history) are one
# SELECT over exported tables and are recomputed where they are read.
MART_TABLES = tuple(name for name, kind in MARTS if kind == "table")

# Partition keys: `month` (YYYY-MM) and `district` (the 6-digit county code) where a table has them,
# as SQL over the table's own columns. Person-, visit- and month-grained tables only: the small
# tables (divisions, configuration, load history, snapshots) are one file each.
_MONTH_OF_START = "strftime(month_start, '%Y-%m')"
PARTITIONS: dict[str, dict[str, str]] = {
    "roster_rows": {"district": "left(district_code, 6)"},
    "visit_rows": {"month": "strftime(visit_date, '%Y-%m')", "district": "left(community_code, 6)"},
    "contact_rows": {"district": "left(street_code, 6)"},
    "elder_periods": {"district": "left(district_code, 6)"},
    "elders": {"district": "left(district_code, 6)"},
    "elder_months": {"month": "month", "district": "left(district_code, 6)"},
    "elder_contact_months": {"month": "month", "district": "left(district_code, 6)"},
    "place_months": {"month": "month", "district": "left(code, 6)"},
    "place_changes": {"month": "month", "district": "left(code, 6)"},
    "category_months": {"month": _MONTH_OF_START, "district": "left(code, 6)"},
    "risk_months": {"month": _MONTH_OF_START, "district": "left(code, 6)"},
    "elder_changes": {"month": _MONTH_OF_START, "district": "left(code, 6)"},
    "visit_signals": {"month": _MONTH_OF_START, "district": "left(district_code, 6)"},
}
# Parquet has no unsigned 128-bit integer: visit_rows.dedup_key (cv_visit_key) travels as its decimal text.
_AS_TEXT = ("UHUGEINT", "HUGEINT")


class ExportError(Exception):
    """A request the export cannot carry out, said in one line for the clerk."""


@dataclass(frozen=True)
class Exported:
    out_dir: Path
    tables: dict[str, int]  # table -> rows

    @property
    def row_count(self) -> int:
        return sum(self.tables.values())


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path, *, overwrite: bool = False) -> Exported:
    """Write every table of STORED and MART_TABLES into out_dir/<table>/ (Hive partitions as PARTITIONS
    says), then the manifest. Files are readable by their owner only (0600, folders 0700): they hold
    unmasked personal data."""
    out_dir = Path(out_dir)
    _prepare_folder(out_dir, overwrite)
    # counted_for: the day the marts were counted for (who is 80 by then, which visits are not in the future),
    # so that a cluster counting them again from the stored tables counts for the same day
    manifest = {"format": FORMAT, "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "marts_version": marts_version(),
                "counted_for": scalar(con, "select value from settings where key = 'marts_date'"), "tables": {}}
    tables = {}
    for name in (*STORED, *MART_TABLES):
        columns = con.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'main' and table_name = $name order by ordinal_position", {"name": name},
        ).fetchall()
        if not columns:
            raise ExportError(f"数据库中没有表 {name}: 请先用 carevisit rebuild 更新数据库")
        keys = PARTITIONS.get(name, {})
        select = ", ".join(
            [f'cast("{c}" as varchar) as "{c}"' if t in _AS_TEXT else f'"{c}"' for c, t in columns]
            + [f'{expr} as "{key}"' for key, expr in keys.items() if key not in {c for c, _ in columns}]
        )
        target = out_dir / name
        if keys:
            destination, options = target, f", partition_by ({', '.join(keys)})"
        else:  # one file in the table's folder, so that every table is read the same way
            target.mkdir(mode=0o700, exist_ok=True)
            destination, options = target / "data.parquet", ""
        try:
            con.execute(f"copy (select {select} from main.{name}) to '{_quoted(destination)}'"
                        f" (format parquet, compression zstd{options})")
        except duckdb.IOException as error:  # a full disk, a folder taken away
            raise ExportError(f"无法写入 {destination}: {str(error).splitlines()[0]}") from error
        tables[name] = con.execute(f"select count(*) from main.{name}").fetchone()[0]
        manifest["tables"][name] = {
            "rows": tables[name],
            "columns": [[c, "VARCHAR" if t in _AS_TEXT else t] for c, t in columns],
            "partition_by": list(keys),
        }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _owner_only(out_dir)
    return Exported(out_dir, tables)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _prepare_folder(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} 是一个文件, 不是文件夹")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not overwrite:
            raise ExportError(f"文件夹 {out_dir} 不是空的: 换一个空文件夹, 或加 --overwrite 覆盖上次的导出")
        if not (out_dir / MANIFEST).is_file():
            raise ExportError(f"文件夹 {out_dir} 不是空的, 也不是 carevisit 导出的文件夹, 不能覆盖: 请换一个空文件夹")
        for child in out_dir.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    try:
        out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise ExportError(f"无法创建文件夹 {out_dir}: {error.strerror or error}") from error
    if not os.access(out_dir, os.W_OK):
        raise ExportError(f"文件夹 {out_dir} 不可写")


def _owner_only(out_dir: Path) -> None:
    """0700 folders and 0600 files, whatever the umask of the process that called this."""
    out_dir.chmod(0o700)
    for root, dirs, files in os.walk(out_dir):
        for name in dirs:
            Path(root, name).chmod(0o700)
        for name in files:
            Path(root, name).chmod(0o600)
