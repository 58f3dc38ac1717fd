"""File writers: a sheet as .xlsx (openpyxl, stable bytes), legacy .xls (xlwt) or .csv (Arrow)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
from openpyxl import Workbook
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
    """A zip whose entries carry one fixed timestamp, so equal workbooks give equal bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        self.writestr(arcname, Path(filename).read_bytes(), compress_type, compresslevel)


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
    for row in zip(*columns, strict=True):
        ws.append(row)
    for row in _trailer(sheet, width):
        ws.append(row)
    with _StableZip(path, "w", zipfile.ZIP_DEFLATED) as archive:
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
