"""The corrections round-trip (退回修改): the rows of a load still to fix, sent out and taken back.

A load's rejected rows wait for a correction. `workbook` writes them in the file's own columns and
order, with 原行号 and 问题 in front and the cell at fault highlighted, under a title naming the load
(批次). Sent back, the workbook is recognised by that title and its 原行号 column (`claim`); its rows
are validated like any file of the load's kind, matched to the rows waiting (staging/corrections.sql),
and the fixed ones join the original load's rows under their original row numbers, so that the
roster or list they belong to is whole again (a corrections workbook never replaces a roster). Rows
rejected again wait in place of the old ones, with their new reason.

Counts stay balanced for each file: the original load keeps what it read, loaded and rejected; the
corrections load has its own; the original's rows stored are its own plus its corrections' loaded
(checks/load_conservation.sql).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from etl import mappings
from etl.readers import RawSheet, masked_name
from etl.sqlfiles import first_row, scalar
from etl.workbooks import display_width

ROW_COLUMN, PROBLEM_COLUMN = "原行号", "问题"
TITLE = "退回修改 · 批次 {load_id} · 原文件 {file_name}"
MARK = re.compile(r"退回修改\s*·?\s*批次\s*(\d+)")
# the original file TITLE names, up to the hint written after it (HINT)
NAMED_FILE = re.compile(r"退回修改\s*·?\s*批次\s*\d+\s*·?\s*原文件\s*(.+?)(?:\s+请直接在本表中修改.*)?$")
UNNAMED_SHEET = "退回修改"  # the sheet of a CSV file's rows
HINT = ("请直接在本表中修改标黄的单元格 (问题列说明了原因), 保存后在「导入」页上传或用 carevisit ingest 导入。"
        "改好的行将并入原文件; 请勿删除第一行和原行号列。")
FAULT = PatternFill("solid", fgColor="FFF2A8")
WARNINGS_SHEET = "已导入但需核实"
WARNINGS_TITLE = "以下行已导入, 但有需要核实的内容 (在原文件中按行号查找; 核实后在下月的表中更正即可)"


# A row of rejects or load_warnings (as r) placed within the place {place} names: its own place, its community else
# its street (a community's rows in its street's file, a street's in its district's)
ROW_WITHIN = """exists (select 1 from place_tree t where t.code = coalesce(r.community_code, r.street_code)
                        and {place} in (t.code, t.street_code, t.district_code))"""
# The loads whose rows waiting a place's staff may correct ($scope, a place's code): every row of a file of the place
# (load_places), and the rows placed in the place themselves (ROW_WITHIN), as the Data screen lists them
# (dashboard/sql/waiting_corrections.sql)
LOADS_WITHIN = f"""(select p.load_id from load_places p join place_tree t on t.code = p.place_code
                   where $scope in (t.code, t.street_code, t.district_code)
                   union all
                   select r.origin_load_id from rejects r
                   where r.resolved_by is null and {ROW_WITHIN.format(place="$scope")})"""


# A rejected row (as r) whose correction is loaded: taken over by a later load that stored it, not rejected again
# there. The rejected_rows mart's status 'corrected', said again for a load (the marts are built after it).
CORRECTED = """(r.resolved_by <> r.load_id and not exists (
    select 1 from rejects again where again.load_id = r.resolved_by and again.origin_row = r.origin_row
        and (again.sheet_name is not distinct from r.sheet_name or again.origin_load_id = again.load_id)))"""


class CorrectionError(ValueError):
    """A corrections workbook that cannot be taken back; the message is for the clerk."""


@dataclass(frozen=True)
class Correction:
    """A file recognised as a corrections workbook of `origin_load_id`."""

    origin_load_id: int
    origin_file: str
    kind: str
    # per sheet of the file: the positions of 原行号 and 问题, and the origin sheet its rows belong to
    row_columns: tuple[int | None, ...]
    problem_columns: tuple[int | None, ...]
    origin_sheets: tuple[str | None, ...]
    # a file without 原行号 whose rows are all rows waiting, fixed (`reappearing`): each row's, from its cells
    matched: pa.Table | None = None

    def own_sheet(self, index: int, sheet: RawSheet) -> RawSheet:
        """The sheet as the original file had it: the two added columns' headers blanked, so that they
        are neither mapped (问题 is also a visit record's column) nor warned about."""
        header = list(sheet.header)
        for position in (self.row_columns[index], self.problem_columns[index]):
            if position is not None:
                header[position] = ""
        return replace(sheet, header=header)


def _position(header: list[str], name: str) -> int | None:
    return next((i for i, cell in enumerate(header) if cell.strip() == name), None)


def claim(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet], kind: str | None,
          place_scope: str | None, file_name: str) -> Correction | None:
    """The load a file corrects, when it is a corrections workbook; None for any other file."""
    marks = {int(m.group(1)) for sheet in sheets if (m := MARK.search(sheet.preamble))}
    row_columns = [_position(sheet.header, ROW_COLUMN) for sheet in sheets]
    problem_columns = [_position(sheet.header, PROBLEM_COLUMN) for sheet in sheets]
    if not marks:
        if any(r is not None and p is not None for r, p in zip(row_columns, problem_columns, strict=True)):
            raise CorrectionError("这像是退回修改表, 但第一行的批次信息被删除了: 请在下载的表格上直接修改后再导入")
        return _claim_by_cells(con, sheets, kind, place_scope, problem_columns, file_name)
    if len(marks) > 1:
        raise CorrectionError("一个文件中有多个批次的退回修改表: 请分开导入")
    if any(column is None for column in row_columns):
        raise CorrectionError(f"退回修改表缺少「{ROW_COLUMN}」列: 请在下载的表格上直接修改, 不要删除列")
    (load_id,) = marks
    found = first_row(con, """select coalesce(c.origin_load_id, l.load_id), o.kind, o.file_name
                           from loads l left join corrections c using (load_id)
                           join loads o on o.load_id = coalesce(c.origin_load_id, l.load_id)
                           where l.load_id = ?""", [load_id])
    if found is None:
        raise CorrectionError(f"退回修改表对应的批次 {load_id} 不存在 (是否导入到了别的数据库?)")
    origin, origin_kind, origin_file = found
    named = {" ".join(m.group(1).split()) for sheet in sheets if (m := NAMED_FILE.search(sheet.preamble))}
    if named and " ".join(origin_file.split()) not in named:
        said = masked_name(con, "cv_mask_file_name", min(named))  # as typed in the workbook: masked
        raise CorrectionError(f"这是批次 {load_id} 的退回修改表 (原文件 {said}), "
                              f"但本数据库的批次 {load_id} 是另一个文件 ({origin_file}): 是否导入到了别的数据库?")
    if kind and kind != origin_kind:
        raise CorrectionError(f"这是批次 {load_id} 的退回修改表, 只能按原文件的类型导入")
    if place_scope not in (None, "all") and not first_row(
            con, f"select 1 where $origin in {LOADS_WITHIN}", {"origin": origin, "scope": place_scope}):
        raise CorrectionError(f"批次 {load_id} 的文件不在您的辖区内, 不能导入它的退回修改表")
    waiting = [name for (name,) in con.execute(
        "select distinct sheet_name from rejects where origin_load_id = ? and resolved_by is null", [origin]
    ).fetchall()]
    origin_sheets = tuple(_origin_sheet(sheet.sheet_name, waiting) for sheet in sheets)
    return Correction(origin, origin_file, origin_kind, tuple(row_columns), tuple(problem_columns), origin_sheets)


def _claim_by_cells(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet], kind: str | None, place_scope: str | None,
                    problem_columns: list[int | None], file_name: str) -> Correction | None:
    """The load a file corrects that is no corrections workbook as sent, but holds only rows waiting for a correction,
    fixed: the clerk copied them into the street's own template, or deleted the workbook's first column (and its title
    with it). Read as a new file, its rows had replaced whole communities' rosters with the few rows fixed, and waited
    a second time. Each of its rows (of three cells or more) must be one row of one load waiting, cell for cell but the
    cell at fault (`reappearing`), and the file that load's file again (its 问题 column kept, no date of its own, or
    its 填报日期 or its name: a November roster whose one row is October's rejected row but for the ID number is
    November's roster); else it is no correction (None)."""
    data_rows = sum(scalar(con, f"select count(*) from {sheet.table} where {_written(sheet)} >= 3") for sheet in sheets)
    waiting = scalar(con, "select count(*) from rejects r join loads l on l.load_id = r.origin_load_id "
                          "where r.resolved_by is null and ($kind is null or l.kind = $kind)", {"kind": kind})
    if not data_rows or data_rows > waiting:  # (a month's file: more rows than all the rows waiting)
        return None
    kept = any(column is not None for column in problem_columns)
    undated = _report_date(sheets) is None  # (the workbook without its first two columns has lost its title)
    matched = reappearing(con, sheets, kind, place_scope, file_name=None if kept or undated else file_name)
    origins = set(matched["origin_load_id"].to_pylist())
    if len(origins) != 1 or matched.num_rows != data_rows:
        return None
    (origin,) = origins
    origin_kind, origin_file = first_row(con, "select kind, file_name from loads where load_id = ?", [origin])
    by_sheet = dict(zip(matched["sheet_index"].to_pylist(), matched["origin_sheet"].to_pylist(), strict=True))
    return Correction(origin, origin_file, origin_kind, (None,) * len(sheets), tuple(problem_columns),
                      tuple(by_sheet.get(index) for index in range(len(sheets))), matched)


def _written(sheet: RawSheet) -> str:
    """How many cells of a row of `sheet` hold text, as SQL."""
    return " + ".join(f"(nullif(trim(c{i}), '') is not null)::int" for i in range(sheet.column_count)) or "0"


def reappearing(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet], kind: str | None, place_scope: str | None,
                same_rows: bool = False, file_name: str | None = None, corrected: bool = False) -> pa.Table:
    """The rows of `sheets` that are rows waiting for a correction (of a load of `kind`, in `place_scope`) sent again:
    under the same headers, every cell the same as sent but the cell at fault (a header the mappings ignore, 序号,
    aside), and, with `same_rows`, on the same row of a sheet of the same name. With `file_name`, only of a load whose
    file this one is again (`_again`). With `corrected`, rows whose correction is loaded (CORRECTED) instead of rows
    waiting, sent again still as they were: the cell at fault the same too. Rows and rows waiting that match more than
    once are left out. A table of sheet_index, row_number, origin_load_id, origin_sheet, origin_row and resolved_by
    (the load that took the row over: null for a row waiting)."""
    scope = "" if place_scope in (None, "all") else f"and r.origin_load_id in {LOADS_WITHIN}"
    which = CORRECTED if corrected else "r.resolved_by is null"
    groups = con.execute(
        f"""select r.origin_load_id, r.sheet_name, any_value(l.kind), json_keys(any_value(r.raw_values)),
                list(distinct r.column_name)
        from rejects r join loads l on l.load_id = r.origin_load_id
        where {which} and ($kind is null or l.kind = $kind) {scope}
            and ($name is null or {_again("l")})
        group by all""", {"kind": kind, "name": file_name, "report_date": _report_date(sheets)}
        | ({"scope": place_scope} if scope else {})).fetchall()
    # the rows waiting to compare, by the columns compared (a street's files of one template: one scan of a sheet for
    # all its loads, a scan per cell at fault)
    compare: dict[tuple[int, tuple[str, ...], str | None], list[tuple[int, str | None]]] = {}
    for index, sheet in enumerate(sheets):
        positions = {label: i for i, label in enumerate(sheet.header) if label and sheet.header.count(label) == 1}
        for origin, origin_sheet, origin_kind, keys, faults in groups:
            if same_rows and origin_sheet != sheet.sheet_name and len(sheets) > 1:
                continue
            compared = [key for key in keys if key not in (ROW_COLUMN, PROBLEM_COLUMN)
                        and mappings.field_for(key, origin_kind) != mappings.IGNORED]
            if len(compared) < 3 or not all(key in positions for key in compared):
                continue  # not the headers of its file
            for fault in faults:
                cells = tuple(compared) if corrected else tuple(key for key in compared if key != fault)
                compare.setdefault((index, cells, fault), []).append((origin, origin_sheet))
    found = []
    for (index, cells, fault), origins in compare.items():
        positions = {label: i for i, label in enumerate(sheets[index].header)}
        ours = ", ".join(f"nullif(trim(c{positions[key]}), '')" for key in cells)
        theirs = ", ".join(f"nullif(trim(json_extract_string(r.raw_values, $p{i})), '')" for i in range(len(cells)))
        con.register("origin_sheets", pa.table({"origin_load_id": pa.array([o for o, _ in origins], pa.int32()),
                                                "sheet_name": pa.array([n for _, n in origins], pa.string())}))
        try:
            found += con.execute(
                f"""select $index, s.row_number, r.origin_load_id, r.sheet_name, r.origin_row, r.resolved_by
                from (select row_number, hash({ours}) as key from {sheets[index].table}) s
                join (select r.origin_load_id, r.sheet_name, r.origin_row, r.resolved_by, hash({theirs}) as key
                      from rejects r join origin_sheets o on o.origin_load_id = r.origin_load_id
                          and o.sheet_name is not distinct from r.sheet_name
                      where {which} and r.column_name is not distinct from $fault
                     ) r on r.key = s.key {"and r.origin_row = s.row_number" if same_rows else ""}""",
                {"index": index, "fault": fault} | {f"p{i}": _json_path(key) for i, key in enumerate(cells)}
            ).fetchall()
        finally:
            con.unregister("origin_sheets")
    matched = pa.table(list(zip(*found, strict=True)) if found else [[]] * 6,
                    schema=pa.schema([("sheet_index", pa.int32()), ("row_number", pa.int32()),
                                      ("origin_load_id", pa.int32()), ("origin_sheet", pa.string()),
                                      ("origin_row", pa.int32()), ("resolved_by", pa.int32())]))
    # each row and each row waiting matched once, else neither is taken (two rows alike, two rows waiting alike)
    con.register("matched_rows", matched)
    try:
        return con.sql("""select * from matched_rows
                       qualify count(*) over (partition by sheet_index, row_number) = 1
                           and count(*) over (partition by origin_load_id, origin_sheet, origin_row) = 1
                       """).to_arrow_table()
    finally:
        con.unregister("matched_rows")


def _again(load: str) -> str:
    """SQL: whether the file named $name with the report date $report_date is the file of `load` (an alias of
    loads) sent again: its 填报日期 the same, or its name that file's, as it was or with words added but no number
    (底册（改）.xlsx, not 底册11月.xlsx: next month's file)."""
    stem = "regexp_replace({}, '\\.[^.]*$', '')"
    ours, theirs = stem.format("$name"), stem.format(f"{load}.file_name")
    return (f"({load}.report_date = $report_date or (starts_with({ours}, {theirs}) "
            f"and not regexp_matches(substr({ours}, length({theirs}) + 1), '[0-9０-９一二三四五六七八九十]')))")


def _report_date(sheets: list[RawSheet]):
    return next((sheet.report_date for sheet in sheets if sheet.report_date), None)


def _json_path(key: str) -> str:
    """The JSON path of a key of a reject's raw_values (a header: any text)."""
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def name_paths(con: duckdb.DuckDBPyConnection, correction: Correction, words_dir: Path | None = None) -> list[str]:
    """The JSON paths of the cells that name the elder (姓名, 老人姓名 …) in the original's rows waiting, by each
    sheet's header as it was sent: a row of the workbook written without a name takes over only a row sent without
    one (staging/corrections.sql)."""
    headers = con.execute("select any_value(json_keys(raw_values)) from rejects where origin_load_id = ? "
                          "and resolved_by is null group by sheet_name", [correction.origin_load_id]).fetchall()
    fields = [mappings.map_columns(header, correction.kind, words_dir).fields for (header,) in headers]
    found = {header[of["name"]] for (header,), of in zip(headers, fields, strict=True) if "name" in of}
    return [_json_path(name) for name in sorted(found)]


def origin_context(con: duckdb.DuckDBPyConnection, correction: Correction) -> list[dict[str, str]]:
    """Per sheet of a corrections workbook, what its original sheet's title or name told of its rows (the month of
    dates written without their year, the street of a list naming it only in its title: load_contexts), which the
    workbook's own title does not: its rows, fixed, had been refused again for want of it."""
    told = {sheet: json.loads(implied) for sheet, implied in con.execute(
        "select sheet_name, implied from load_contexts where load_id = ?", [correction.origin_load_id]).fetchall()}
    return [told.get(sheet, {}) for sheet in correction.origin_sheets]


def _origin_sheet(name: str | None, waiting: list[str | None]) -> str | None:
    """The original file's sheet whose rows a corrections sheet holds: its namesake, or the only one."""
    if name in waiting:
        return name
    if len(waiting) == 1:
        return waiting[0]
    return name if name != UNNAMED_SHEET else None


def origin_rows(sheets: list[RawSheet], correction: Correction, stride: int) -> pa.Table:
    """For every row of the file: its src_id, the row of the original file it claims to be (the 原行号
    cell as a whole number, else null) and that file's sheet."""
    if correction.matched is not None:  # rows told by their cells
        return pa.table({
            "src_id": pc.add(correction.matched["row_number"],
                             pc.multiply(correction.matched["sheet_index"], pa.scalar(stride, pa.int32()))),
            "origin_row": correction.matched["origin_row"],
            "origin_sheet": correction.matched["origin_sheet"],
        })
    tables = []
    for index, sheet in enumerate(sheets):
        cells = sheet.cells
        text = pc.utf8_trim_whitespace(cells[f"c{correction.row_columns[index]}"].cast(pa.string()))
        numbered = pc.match_substring_regex(text, r"^\d{1,9}(\.0+)?$")
        number = pc.if_else(numbered, pc.replace_substring_regex(text, r"\.0+$", ""), pa.scalar(None, pa.string()))
        tables.append(pa.table({
            "src_id": pc.add(cells["row_number"], pa.scalar(index * stride, pa.int32())),
            "origin_row": number.cast(pa.int32()),
            "origin_sheet": pa.array([correction.origin_sheets[index]] * cells.num_rows, pa.string()),
        }))
    return pa.concat_tables(tables)


# --- the workbook ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """What a load's corrections workbook holds."""

    origin_load_id: int
    file_name: str
    rows: list[tuple]  # rows waiting for a correction: (sheet, original row, reason, column at fault, cells JSON)
    warnings: list[tuple]  # rows loaded with a warning to check: (row, message with values masked)


def waiting_rows(con: duckdb.DuckDBPyConnection, load_id: int, within: str | None = None) -> Waiting | None:
    """The rows of a load (or of the load a corrections load corrects) still waiting for a correction,
    and the rows it loaded with a warning; None for no such load. `within` (a place's code): only the rows
    placed there (a community's staff's rows of their street's file); None: all of them."""
    found = first_row(con, """select o.load_id, o.file_name from loads l left join corrections c using (load_id)
                           join loads o on o.load_id = coalesce(c.origin_load_id, l.load_id)
                           where l.load_id = ?""", [load_id])
    if found is None:
        return None
    origin, file_name = found
    placed = f"($within is null or {ROW_WITHIN.format(place='$within')})"
    # waiting as the rejected_rows mart says: not those of a roster a newer one replaced
    rows = con.execute(
        f"""select r.sheet_name, r.origin_row, r.reason, r.column_name, r.raw_values from rejects r
        join rejected_rows m on m.load_id = r.load_id and m.row_number = r.row_number
                                and m.sheet_key = hash(r.sheet_name)
        where r.origin_load_id = $origin and m.is_waiting and {placed}
        order by r.sheet_name nulls first, r.origin_row""", {"origin": origin, "within": within}).fetchall()
    warnings = con.execute(f"""select row_number, message from load_warnings r
                           where load_id = $origin and row_number is not null and {placed}
                           order by row_number, message""", {"origin": origin, "within": within}).fetchall()
    return Waiting(origin, file_name, rows, warnings)


def workbook(waiting: Waiting) -> bytes:
    """The corrections workbook: one sheet per sheet of the original file, its rows still to fix with
    their cells as sent (text, never formulas), 原行号 and 问题 in front, the cell at fault highlighted;
    then a sheet of the rows loaded with a warning, to check in the original file (not read back)."""
    origin, file_name = waiting.origin_load_id, waiting.file_name
    book = Workbook(write_only=True)
    by_sheet: dict[str | None, list[tuple]] = {}
    for row in waiting.rows:
        by_sheet.setdefault(row[0], []).append(row)
    for sheet_name, sheet_rows in by_sheet.items() or {None: []}.items():
        sheet = book.create_sheet((sheet_name or UNNAMED_SHEET)[:31])
        cells = [_cells(raw) for *_, raw in sheet_rows]
        # (a header and which of its columns: each as the file wrote it)
        headers = list(dict.fromkeys(h for row in cells for h, _ in row if h[0] not in (ROW_COLUMN, PROBLEM_COLUMN)))
        names = [name for name, _ in headers]
        _lay_out(sheet, [[str(origin_row), reason, *(dict(row).get(h) for h in headers)]
                         for (_s, origin_row, reason, _f, _r), row in zip(sheet_rows, cells, strict=True)],
                 [ROW_COLUMN, PROBLEM_COLUMN, *names])
        sheet.append([_styled(sheet, TITLE.format(load_id=origin, file_name=file_name), Font(bold=True, size=13))])
        sheet.append([_styled(sheet, HINT, Font(color="666666"))])
        sheet.append([_styled(sheet, h, Font(bold=True)) for h in (ROW_COLUMN, PROBLEM_COLUMN, *names)])
        for (_sheet, origin_row, reason, fault, _raw), row in zip(sheet_rows, cells, strict=True):
            values = dict(row)
            sheet.append([origin_row, _styled(sheet, reason, fill=None if fault in names else FAULT, wrap=True)]
                         + [_styled(sheet, values.get(h), fill=FAULT if h == (fault, 1) else None, typed_as_text=True)
                            for h in headers])
        sheet.freeze_panes = "C4"
    if waiting.warnings:
        # its header is no export's: a workbook sent back is read without this sheet
        sheet = book.create_sheet(WARNINGS_SHEET)
        sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 10, 80
        sheet.append([_styled(sheet, WARNINGS_TITLE, Font(bold=True, size=13))])
        sheet.append([_styled(sheet, h, Font(bold=True)) for h in ("行号", "提示")])
        for row_number, message in waiting.warnings:
            sheet.append([row_number, _styled(sheet, message)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _lay_out(sheet, rows: list[list], header: list[str]) -> None:
    """Columns as wide as their text (a Chinese character counts two), 问题 wrapped; printed landscape
    with the header on every page (a roster is wider than a page: it is a sheet to fix on screen)."""
    for index, name in enumerate(header):
        widest = max((display_width(row[index]) for row in rows[:500]), default=0)
        limit = 50 if name == PROBLEM_COLUMN else 30
        width = max(widest, display_width(name), 6) + 2
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width, limit)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.print_title_rows = "3:3"


def _cells(raw: str) -> list[tuple[tuple[str, int], str | None]]:
    """A reject's cells in the file's order, each under its header and which of the columns of that header it is (a
    header written twice, 联系电话 the elder's and the contact person's, keeps both cells under its own name: read back,
    the columns mean what they meant in the file, mappings.map_columns)."""
    seen: dict[str, int] = {}
    cells = []
    for header, value in json.loads(raw, object_pairs_hook=list):
        seen[header] = seen.get(header, 0) + 1
        cells.append(((header, seen[header]), value))
    return cells


def _styled(sheet, value, font: Font | None = None, fill: PatternFill | None = None, wrap: bool = False,
            typed_as_text: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # as sent: an ID number stays text, a cell starting with = is no formula
    if typed_as_text:
        # formatted as text (@): what the clerk types in is kept as typed, an 18-digit ID number too (in a General
        # cell Excel makes it 1.20101E+17, and the row was refused again)
        cell.number_format = "@"
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    cell.alignment = Alignment(vertical="top", wrap_text=wrap)
    return cell
