"""File writers: a sheet as .xlsx (XlsxWriter, stable bytes), legacy .xls (xlwt) or .csv (Arrow)."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import xlsxwriter

from etl.demo.arrays import as_text
from etl.demo.setting import Style
from etl.demo.sheets import Sheet
from etl.workbooks import display_width


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


# How date cells are shown: openpyxl's formats for a datetime and a date, which the demo's workbooks were first
# written with
DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd h:mm:ss", "yyyy-mm-dd"


def _column_widths(sheet: Sheet) -> list[int]:
    """Each column as wide as its header and its widest value (a clerk's workbook is laid out so; at the
    default width a date cell shows ###), between 6 and 40 characters."""
    widths = [display_width(h) for h in sheet.headers]
    for n, column in enumerate(sheet.columns):
        widths[n] = max([widths[n], *(display_width(v) for v in column.values)])
    if sheet.serial_header:
        widths.insert(0, max(display_width(sheet.serial_header), len(str(sheet.n_rows))))
    return [min(max(w + 2, 6), 40) for w in widths]


def write_xlsx(path: Path, sheet: Sheet, stamp: datetime) -> None:
    """The sheet as an .xlsx workbook, row by row (XlsxWriter's constant_memory mode: its strings inline, as
    openpyxl's write-only mode stored them). Stable bytes: every zip entry carries XlsxWriter's fixed 1980
    timestamp and the document's dates are `stamp`. Text stays text (no formulas, no links)."""
    headers, columns = _cells(sheet)
    width = len(headers)
    workbook = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "default_date_format": DATETIME_FORMAT})
    workbook.set_properties({"author": "探访关爱", "created": stamp})
    ws = workbook.add_worksheet("Sheet1")
    for col, column_width in enumerate(_column_widths(sheet)):
        ws.set_column(col, col, column_width)
    day = workbook.add_format({"num_format": DATE_FORMAT})
    ws.add_write_handler(date, lambda ws, row, col, value, *_: ws.write_datetime(row, col, value, day))
    top = 0
    if sheet.title:
        ws.merge_range(0, 0, 0, width - 1, sheet.title)
        ws.merge_range(1, 0, 1, width - 1, sheet.report_line)
        top = 2
    ws.write_row(top, 0, headers)
    # merged runs of a column, by their first row (written before the rest of that row: constant_memory
    # mode writes rows in order)
    runs: dict[int, list[tuple[int, int]]] = {}
    for role in sheet.merged_roles:
        column = sheet.column(role)
        col = headers.index(sheet.headers[sheet.roles.index(role)])
        starts = np.flatnonzero(np.r_[True, column.codes[1:] != column.codes[:-1]])
        ends = np.r_[starts[1:], sheet.n_rows] - 1
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end > start:
                runs.setdefault(start, []).append((col, end))
    first = top + 1
    for r, row in enumerate(zip(*columns, strict=True)):
        for col, end in runs.get(r, ()):
            ws.merge_range(first + r, col, first + end, col, row[col])
        ws.write_row(first + r, 0, row)
    for r, row in enumerate(_trailer(sheet, width), start=first + sheet.n_rows):
        ws.write_row(r, 0, row)
    workbook.close()


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
