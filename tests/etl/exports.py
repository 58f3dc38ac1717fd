"""Write small export files the way bureaus send them, for loader tests."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl

from etl.ingest import ingest
from etl.settings import Settings, default_config_text, parse_config
from etl.warehouse import prepare
from tests.conftest import make_id

ROSTER_HEADER = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别", "居住情况", "是否同意探访", "状态",
                 "变动日期", "建档日期", "联系电话"]
VISIT_HEADER = ["身份证号", "老人姓名", "社区", "探访日期", "探访方式", "探访结果", "探访人"]
TITLE = [["和平区居家老年人情况底册"], ["填报单位：劝业场街道", "", "填报日期：2026年10月5日"]]

ALICE = make_id("19400101", 1)  # 86, 高龄
BOB = make_id("19560202", 2)  # 70
CAROL = make_id("19550303", 3, male=False)


def roster_row(n: int, id_number: str, name: str = "张三", community: str = "花园路", categories: str = "独居",
               street: str = "劝业场街道", **overrides: str) -> list[str]:
    row = dict(zip(ROSTER_HEADER, [str(n), street, community, name, id_number, categories, "", "", "在册", "",
                                   "", "13812345678"], strict=True))
    row.update(overrides)
    return list(row.values())


def visit_row(id_number: str, when: str = "2026-10-05", method: str = "入户", outcome: str = "正常",
              name: str = "张三", community: str = "花园路", visitor: str = "网格员甲") -> list[str]:
    return [id_number, name, community, when, method, outcome, visitor]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], merges: tuple[str, ...] = (), edit=None) -> Path:
    """The same rows make the same bytes: openpyxl stamps the time of saving into the document's properties
    and each zip entry, which are set to a fixed time here (so that Warehouse finds a first load it made).
    `edit(sheet)`, when given, changes the sheet before it is saved (number formats and the like)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    if edit:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    fixed = io.BytesIO()
    with zipfile.ZipFile(buffer) as saved, zipfile.ZipFile(fixed, "w") as out:
        for entry in saved.infolist():
            data = saved.read(entry)
            if entry.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-10-05T08:00:00Z", data)
            stamped = zipfile.ZipInfo(entry.filename, date_time=(2026, 10, 5, 8, 0, 0))
            stamped.compress_type, stamped.external_attr = entry.compress_type, entry.external_attr
            out.writestr(stamped, data)
    path.write_bytes(fixed.getvalue())
    return path


def write_xls(path: Path, rows: list[list]) -> Path:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("底册")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.save(str(path))
    return path


# What a first load into an empty warehouse made, by the files' names and bytes and the kind asked:
# many tests start with the same file (a one-row roster, a roster with bad rows), and the same bytes
# load into the same warehouse. Kept per process: (the warehouse's bytes, compressed (7.9 MB are 70 kB
# of mostly empty blocks), or None; the results).
_FIRST_LOADS: dict[tuple, tuple[bytes | None, list]] = {}


class Warehouse:
    """A warehouse file in a temporary folder, loaded through the real ingest path.

    The first load into a warehouse that does not exist yet is done once per process for the same
    files: a later test loading the same bytes gets a copy of the warehouse it made and its results.
    """

    def __init__(self, path: Path):
        self.settings = Settings(db_path=path, config=parse_config(default_config_text()))

    def ingest(self, *paths: Path, kind: str | None = None):
        db_path = self.settings.db_path
        if db_path.exists() or not all(path.is_file() for path in paths):
            return ingest(list(paths), self.settings, kind)
        key = (kind, tuple((path.name, path.read_bytes()) for path in paths))
        if key not in _FIRST_LOADS:
            results = ingest(list(paths), self.settings, kind)
            _FIRST_LOADS[key] = (zlib.compress(db_path.read_bytes(), 1) if db_path.exists() else None, results)
            return results
        stored, results = _FIRST_LOADS[key]
        db_path.with_name(f".{db_path.name}.lock").touch()  # as the load that made it left it
        if stored is not None:
            db_path.write_bytes(zlib.decompress(stored))
        return results

    def rows(self, query: str, params=None, macros: bool = False) -> list[tuple]:
        con = duckdb.connect(str(self.settings.db_path), read_only=True)
        try:
            if macros:
                prepare(con)
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def one(self, query: str, params=None):
        return self.rows(query, params)[0][0]

    def rejects(self, result=None) -> list[tuple[int, str]]:
        """The rejected rows as (row number, reason): of one load when its result is given."""
        if result is None:
            return self.rows("select row_number, reason from rejects order by row_number")
        return self.rows("select row_number, reason from rejects where load_id = ? order by row_number",
                         [result.load_id])


class OneLoad:
    """Files that tests each check on their own load only (its result, and the rows whose load_id is its):
    each written next to its test (`@loads.file(key)` on a `write(folder)` that returns the file, or a list of
    files), then all loaded together in one command into one warehouse, so that a module pays one warehouse and
    one mart build for them instead of one each. Their bytes must differ and their visits repeat none of the
    others', so that no file is skipped, or has rows rejected, because of another."""

    def __init__(self):
        self.writers: dict[str, Callable[[Path], Path | list[Path]]] = {}

    def file(self, key: str):
        def register(write):
            assert key not in self.writers, key
            self.writers[key] = write
            return write
        return register

    def load(self, folder: Path, then: tuple[Path, ...] = ()) -> tuple[Warehouse, dict[str, object]]:
        """The files written into `folder` and loaded in one command, `then` after them: the warehouse, and each
        key's result (a list where its writer wrote several files) and each of `then`'s, by its path."""
        written = {key: write(folder) for key, write in self.writers.items()}
        paths = [path for files in written.values() for path in (files if isinstance(files, list) else [files])]
        paths += then
        assert len({path.name for path in paths}) == len(paths), "two files of the shared load have one name"
        warehouse = Warehouse(folder / "warehouse.duckdb")
        by_name = dict(zip([path.name for path in paths], warehouse.ingest(*paths), strict=True))
        assert not [r for r in by_name.values() if r.status == "skipped"], "two files of the shared load are the same"
        results = {key: [by_name[p.name] for p in files] if isinstance(files, list) else by_name[files.name]
                   for key, files in written.items()}
        return warehouse, results | {path: by_name[path.name] for path in then}
