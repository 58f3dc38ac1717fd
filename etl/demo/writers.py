"""File writers: a sheet as .xlsx (openpyxl, stable bytes), legacy .xls (xlwt) or .csv (Arrow)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from etl.demo.arrays import as_text
from etl.demo.setting import Style
from etl.demo.sheets import Sheet

_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _cells(sheet: Sheet) -> tuple[list[str], list[list]]:
    """Header and row values (top-left value only in merged runs), serial number first."""
    headers = list(sheet.headers)
    columns = []
    for role, column in zip(sheet.roles, sheet.columns, strict=True):
        values = column.values[column.codes]
        if role in sheet.merged_roles:
            starts = np.r_[True, column.codes[1:] != column.codes[:-1]]
            values = np.where(starts, values, None)
        columns.append(values.tolist())
    if sheet.serial_header:
        headers.insert(0, sheet.serial_header)
        columns.insert(0, list(range(1, sheet.n_rows + 1)))
    return headers, columns


def _trailer(sheet: Sheet, width: int) -> list[list]:
    if not sheet.total_row:
        return []
    unit = "人" if sheet.kind == "roster" else "条"
    total = [None] * width
    total[0] = "合计"
    total[min(3, width - 1)] = f"共{sheet.n_rows}{unit}"
    return [[None] * width, [None] * width, total]


class _StableZip(zipfile.ZipFile):
    """A zip whose entries carry one fixed timestamp, so equal workbooks give equal bytes. `rows`: the data rows'
    XML, added to the end of the sheet's rows (see write_xlsx)."""

    def __init__(self, *args, rows: bytes = b"", **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        data = Path(filename).read_bytes()
        if arcname == "xl/worksheets/sheet1.xml":
            data = data.replace(b"</sheetData>", self.rows + b"</sheetData>", 1)
        self.writestr(arcname, data, compress_type, compresslevel)


def _rows_xml(ws, columns: list[np.ndarray], first: int, trailer: list[list]) -> bytes:
    """Rows `first`, `first + 1` … of `columns` (object arrays of values, None for no cell), then the trailer, as
    openpyxl writes them: each distinct value of a column written once by openpyxl itself (cells of the same value
    differ only in their coordinate), in the order the rows meet them (the order openpyxl numbers styles in). A
    year of a district's workbooks holds 0.6 M cells: appended one by one, they took 10 of its 23 CPU-s."""
    factorized = [_factorize(values) for values in columns]
    fragments = [[b""] * len(distinct) for distinct, _, _ in factorized]
    meeting = sorted((row, index, code) for index, (_, first_rows, _) in enumerate(factorized)
                     for code, row in enumerate(first_rows))
    written = _after_coordinates(ws, [(index + 1, factorized[index][0][code]) for _row, index, code in meeting])
    for (_row, index, code), fragment in zip(meeting, written, strict=True):
        fragments[index][code] = fragment
    cells = [[fragment[code] for code in codes.tolist()]
             for fragment, (_, _, codes) in zip(fragments, factorized, strict=True)]
    rows = [_row_xml(first + r, row) for r, row in enumerate(zip(*cells, strict=True))]
    rows += [_row_xml(first + len(rows) + r, _after_coordinates(ws, [(c + 1, value) for c, value in enumerate(row)]))
             for r, row in enumerate(trailer)]
    return b"".join(rows)


def _row_xml(number: int, cells) -> bytes:
    r = str(number).encode()
    return b'<row r="' + r + b'">' + b"".join(
        b'<c r="' + _LETTERS[c] + r + b'"' + cell for c, cell in enumerate(cells) if cell) + b"</row>"


_LETTERS = [get_column_letter(i + 1).encode() for i in range(702)]  # A … ZZ


def _factorize(values: np.ndarray) -> tuple[list, list[int], np.ndarray]:
    """The distinct values (None kept apart, as no cell), the row each first appears in, a code per row."""
    index: dict = {}
    distinct, first_rows, codes = [], [], np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values.tolist()):
        key = (type(value), value)
        code = index.get(key)
        if code is None:
            code = index[key] = len(distinct)
            distinct.append(value)
            first_rows.append(row)
        codes[row] = code
    return distinct, first_rows, codes


def _after_coordinates(ws, cells: list[tuple[int, object]]) -> list[bytes]:
    """Cells (column, value) as openpyxl's write-only sheet writes them, each from after its coordinate
    (`<c r="A1" t="n"><v>1</v></c>` gives b' t="n"><v>1</v></c>'); b"" for a value of None, no cell. Written
    in one go, each in a row of its own, then cut where a cell starts (a cell's text is escaped: no `<` in it)."""
    out = io.BytesIO()
    with etree.xmlfile(out) as xf, xf.element("sheetData"):
        for row, (column, value) in enumerate(cells, 1):
            if value is not None:
                cell = WriteOnlyCell(ws, value)
                cell.row, cell.column = row, column
                write_cell(xf, ws, cell, cell.has_style)
    pieces = iter(out.getvalue().removesuffix(b"</sheetData>").split(b'<c r="')[1:])
    return [b"" if value is None else (piece := next(pieces))[piece.index(b'"') + 1:] for _, value in cells]


def write_xlsx(path: Path, sheet: Sheet, stamp: datetime) -> None:
    headers, columns = _cells(sheet)
    width = len(headers)
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "探访关爱"
    workbook.properties.created = workbook.properties.modified = stamp
    ws = workbook.create_sheet("Sheet1")
    top = 1
    if sheet.title:
        last = get_column_letter(width)
        ws.append([sheet.title])
        ws.append([sheet.report_line])
        ws.merged_cells.add(f"A1:{last}1")
        ws.merged_cells.add(f"A2:{last}2")
        top = 3
    ws.append(headers)
    for role in sheet.merged_roles:
        column = sheet.column(role)
        letter = get_column_letter(headers.index(sheet.headers[sheet.roles.index(role)]) + 1)
        starts = np.flatnonzero(np.r_[True, column.codes[1:] != column.codes[:-1]])
        ends = np.r_[starts[1:], sheet.n_rows] - 1
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end > start:
                ws.merged_cells.add(f"{letter}{top + 1 + start}:{letter}{top + 1 + end}")
    rows = _rows_xml(ws, [np.array(column, dtype=object) for column in columns], top + 1, _trailer(sheet, width))
    with _StableZip(path, "w", zipfile.ZIP_DEFLATED, rows=rows) as archive:
        ExcelWriter(workbook, archive).write_data()


def write_xls(path: Path, sheet: Sheet) -> None:
    import xlwt

    headers, columns = _cells(sheet)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    rows = [[h] for h in (sheet.title, sheet.report_line) if h] + [headers]
    rows += [list(r) for r in zip(*columns, strict=True)] + _trailer(sheet, len(headers))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.save(str(path))


def write_csv(path: Path, sheet: Sheet, style: Style) -> None:
    width = len(sheet.headers) + (1 if sheet.serial_header else 0)
    eol = style.eol
    arrays = [pa.array(c.values, type=pa.string()).take(pa.array(c.codes)) for c in sheet.columns]
    names = list(sheet.headers)
    if sheet.serial_header:
        arrays.insert(0, pa.array(as_text(np.arange(1, sheet.n_rows + 1))))
        names.insert(0, sheet.serial_header)
    body = io.BytesIO()
    pa_csv.write_csv(pa.table(arrays, names=names), body, pa_csv.WriteOptions(
        quoting_style="none", quoting_header="none", eol=eol))
    head = "".join(line + "," * (width - 1) + eol
                   for line in (sheet.title, sheet.report_line) if line)
    tail = "".join(",".join("" if v is None else v for v in row) + eol
                   for row in _trailer(sheet, width))
    text = body.getvalue()
    if style.encoding == "gb18030":
        data = (head + text.decode("utf-8") + tail).encode("gb18030")
    else:
        data = head.encode() + text + tail.encode()
        if style.encoding == "utf-8-sig":
            data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
