"""Hostile files, written the way broken software and hurried clerks produce them, for the robustness tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl

from tests.conftest import make_id
from tests.etl.exports import (
    ROSTER_HEADER,
    TITLE,
    VISIT_HEADER,
    roster_row,
    visit_row,
    write_csv,
    write_xls,
    write_xlsx,
)

BIDI_OVERRIDE = "\u202e"  # right-to-left override: 底册\u202eslx.csv shows as 底册csv.xls


def person(n: int) -> str:
    """A distinct valid ID number for every n (birth days apart, serials within a day)."""
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=n // 90)
    return make_id(birth.strftime("%Y%m%d"), n % 90 + 1)


def roster_rows(count: int, start: int = 1, **overrides: str) -> list[list[str]]:
    return [roster_row(n, person(n), **overrides) for n in range(start, start + count)]


def csv_text(rows: list[list[str]], line_end: str = "\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


def rewrite_sheet(path: Path, change: Callable[[bytes], bytes], part: str = "xl/worksheets/sheet1.xml") -> Path:
    """Rewrite one part of an .xlsx package, the others copied as they are."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def declaring(data: bytes, member: str, size: int) -> bytes:
    """A zip's bytes with `member` declaring only its first `size` bytes, and their checksum, in its local header and
    its central directory entry; its packed bytes as they were. A reader that stops where the header says finds
    nothing wrong; one that inflates the packed bytes to their end reads on."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        local, crc = package.getinfo(member).header_offset, zlib.crc32(package.read(member)[:size])
    central = data.rindex(member.encode()) - 46  # the directory, after every member's bytes, names it last
    assert data[central:central + 4] == b"PK\x01\x02"
    lying = bytearray(data)
    for crc_at, size_at in ((local + 14, local + 22), (central + 16, central + 24)):
        struct.pack_into("<I", lying, crc_at, crc)
        struct.pack_into("<I", lying, size_at, size)
    return bytes(lying)


def far_cell_xlsx(path: Path, cell: str = "XFD1048576", honest_dimension: bool = True) -> Path:
    """A tiny roster with one stray cell far away; `honest_dimension=False` declares A1:L3 all the same."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [ROSTER_HEADER, *roster_rows(2)]:
        sheet.append(row)
    sheet[cell] = "x"
    workbook.save(path)
    if not honest_dimension:
        rewrite_sheet(path, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:L3"', xml))
    return path


def html_xls(path: Path, rows: list[list[str]], encoding: str = "gbk") -> Path:
    """A ".xls" as government systems export it: an HTML table, a title row spanning the columns, the
    community cell spanning its rows, GBK with a <meta charset>."""
    width = len(rows[0])
    body = [f'<tr><td colspan="{width}"><b>和平区居家老年人情况底册</b></td></tr>',
            "<tr>" + "".join(f"<th>{cell}</th>" for cell in rows[0]) + "</tr>"]
    community = ROSTER_HEADER.index("社区")
    for index, row in enumerate(rows[1:]):
        cells = []
        for c, cell in enumerate(row):
            if c == community and index == 0:
                cells.append(f'<td rowspan="{len(rows) - 1}">{cell}</td>')
            elif c != community:
                cells.append(f'<td style="mso-number-format:\'\\@\'">{cell}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
            f"<title>底册</title></head><body><table border=1>{''.join(body)}</table></body></html>")
    path.write_bytes(page.encode(encoding))
    return path


def xml2003_xls(path: Path, rows: list[list[str]], skip_rows: int = 0, number_columns: tuple[int, ...] = ()) -> Path:
    """A ".xls" in XML Spreadsheet 2003: a merged title (MergeAcross), the header `skip_rows` rows lower
    (ss:Index), cells of `number_columns` stored as numbers."""
    def cell(value: str, c: int) -> str:
        kind = "Number" if c in number_columns and value.isdigit() else "String"
        return f'<Cell><Data ss:Type="{kind}">{value}</Data></Cell>'

    lines = [f'<Row><Cell ss:MergeAcross="{len(rows[0]) - 1}"><Data ss:Type="String">底册</Data></Cell></Row>']
    lines.append(f'<Row ss:Index="{2 + skip_rows}">' + "".join(cell(v, c) for c, v in enumerate(rows[0])) + "</Row>")
    lines += ["<Row>" + "".join(cell(v, c) for c, v in enumerate(row)) + "</Row>" for row in rows[1:]]
    path.write_text(
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="底册"><Table>{"".join(lines)}</Table></Worksheet></Workbook>', encoding="utf-8")
    return path


def mixed_workbook(path: Path, roster_count: int = 3, visit_count: int = 4) -> Path:
    workbook = openpyxl.Workbook()
    roster = workbook.active
    roster.title = "底册"
    for row in [ROSTER_HEADER, *roster_rows(roster_count)]:
        roster.append(row)
    visits = workbook.create_sheet("探访记录")
    visits.append(VISIT_HEADER)
    for n in range(1, visit_count + 1):
        visits.append(visit_row(person(n), name=f"访{n}"))
    workbook.save(path)
    return path


# --- the generator: every hostile file the robustness tests run through ingest ---------------------------


def _truncated_xlsx(folder: Path) -> Path:
    path = write_xlsx(folder / "truncated.xlsx", [ROSTER_HEADER, *roster_rows(50)])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def _zip_that_is_no_workbook(folder: Path) -> Path:
    path = folder / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "not a workbook")
    return path


def _xlsx_saved_as_xls(folder: Path) -> Path:
    path = write_xlsx(folder / "renamed.xlsx", [ROSTER_HEADER, *roster_rows(3, 300)])
    return path.rename(folder / "really-xlsx.xls")


def _xls_saved_as_xlsx(folder: Path) -> Path:
    path = write_xls(folder / "legacy.xls", [ROSTER_HEADER, *roster_rows(3, 310)])
    return path.rename(folder / "really-xls.xlsx")


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return write


def _text(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    return _bytes(name, text.encode(encoding))


def _mixed_encodings(folder: Path) -> Path:
    utf8 = csv_text([ROSTER_HEADER, *roster_rows(3, 400, name="张三")]).encode("utf-8")
    return _bytes("mixed-encodings.csv", utf8 + csv_text(roster_rows(3, 410, name="李四")).encode("gb18030"))(folder)


def _late_gb18030(folder: Path) -> Path:
    title = "Heping District " * 70_000  # ASCII past the megabyte the encoding is guessed from
    return _bytes("late-gb18030.csv", f"{title}\r\n{csv_text([ROSTER_HEADER, *roster_rows(3, 1000)])}"
                  .encode("gb18030"))(folder)


def _formulas(folder: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(ROSTER_HEADER)
    for row in roster_rows(5, 500):
        sheet.append(row)
    sheet.append(["=1+1", "=A2&\"街道\"", "花园路", "=UPPER(\"x\")", "=1/0", "独居"])
    sheet["M2"] = "=SUM(A2:A6)"
    workbook.save(folder / "formulas.xlsx")
    return folder / "formulas.xlsx"


def _merged_maze(folder: Path) -> Path:
    rows = [*TITLE, ROSTER_HEADER, *roster_rows(12, 600)]
    merges = ("A1:L1", "A2:B2", "B4:B9", "C4:C15", "A10:A15", "K5:L8", "D14:E15", "A3:A3")
    return write_xlsx(folder / "merged-maze.xlsx", rows, merges=merges)


def _header_low(folder: Path) -> Path:
    rows = [[f"说明第{n}行"] for n in range(24)] + [ROSTER_HEADER, *roster_rows(3, 700)]
    return write_csv(folder / "header-row-25.csv", rows)


def _header_too_low(folder: Path) -> Path:
    rows = [[f"说明第{n}行"] for n in range(40)] + [ROSTER_HEADER, *roster_rows(3, 710)]
    return write_csv(folder / "header-row-41.csv", rows)


def _duplicated_headers(folder: Path) -> Path:
    header = [*ROSTER_HEADER, "身份证号", "姓名"]
    rows = [[*row, "120101190001011234", "别人"] for row in roster_rows(3, 800)]
    return write_csv(folder / "duplicated-headers.csv", [header, *rows])


def _every_field_empty(folder: Path) -> Path:
    return write_csv(folder / "all-empty.csv", [ROSTER_HEADER] + [[""] * len(ROSTER_HEADER)] * 200)


def _blank_line_flood(folder: Path) -> Path:
    text = csv_text([ROSTER_HEADER]) + "\r\n" * 50_000 + csv_text(roster_rows(3, 900))
    return _text("blank-flood.csv", text)(folder)


def _very_long(folder: Path) -> Path:
    """100,000 rows, the same 1,000 people over and over (repeats are rejected): long, cheap to write."""
    people = roster_rows(1000, 10_000)
    rows = [[str(n), *people[n % 1000][1:]] for n in range(100_000)]
    return _text("very-long.csv", csv_text([ROSTER_HEADER, *rows]))(folder)


def _very_wide(folder: Path) -> Path:
    header = ROSTER_HEADER + [f"备注{n}" for n in range(300)]
    return write_csv(folder / "very-wide.csv", [header, *(row + ["x"] * 300 for row in roster_rows(3, 1100))])


def _wide_enough(folder: Path) -> Path:
    header = ROSTER_HEADER + [f"备注{n}" for n in range(200)]
    return write_csv(folder / "wide-200.csv", [header, *(row + ["x"] * 200 for row in roster_rows(3, 1200))])


def _huge_cells(folder: Path) -> Path:
    rows = roster_rows(5, 1300)
    rows[0][-1] = "1" * 300_000
    rows[2][3] = "长" * 200_000
    return write_csv(folder / "huge-cells.csv", [ROSTER_HEADER, *rows])


def _control_and_bidi(folder: Path) -> Path:
    rows = roster_rows(4, 1400)
    rows[0][3] = f"张{BIDI_OVERRIDE}三"
    rows[1][3] = "李\x00四"
    rows[2][3] = "王\x07\x1b[31m五"
    rows[3][2] = "花园路\u200b"
    return write_csv(folder / "control-chars.csv", [ROSTER_HEADER, *rows])


def _odd_name(name: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        return write_csv(folder / name, [ROSTER_HEADER, *roster_rows(2, 1500 + len(name))])
    return write


def _gbk_bytes_name(folder: Path) -> Path:
    path = Path(os.fsdecode(os.fsencode(folder) + b"/" + "底册".encode("gbk") + b".csv"))
    return write_csv(path, [ROSTER_HEADER, *roster_rows(2, 1600)])


def _html_table(folder: Path) -> Path:
    return html_xls(folder / "html-table.xls", [ROSTER_HEADER, *roster_rows(4, 1700)])


def _xml_spreadsheet(folder: Path) -> Path:
    return xml2003_xls(folder / "xml-2003.xls", [ROSTER_HEADER, *roster_rows(4, 1800)], skip_rows=2)


def _mixed_kinds(folder: Path) -> Path:
    return mixed_workbook(folder / "mixed-kinds.xlsx")


def _unbalanced_quote(folder: Path) -> Path:
    lines = csv_text([ROSTER_HEADER, *roster_rows(20, 1900)]).split("\r\n")
    lines[4] = lines[4].replace("张三", '"张三')
    return _text("unbalanced-quote.csv", "\r\n".join(lines))(folder)


def _cr_only(folder: Path) -> Path:
    return _text("cr-only.csv", csv_text([ROSTER_HEADER, *roster_rows(5, 2000)], line_end="\r"))(folder)


def _trailing_commas(folder: Path) -> Path:
    rows = [row + [""] * 16_383 for row in [ROSTER_HEADER, *roster_rows(5, 2100)]]
    return write_csv(folder / "trailing-commas.csv", rows)


HOSTILE_FILES: dict[str, Callable[[Path], Path]] = {
    "truncated xlsx": _truncated_xlsx,
    "fake xlsx": _text("fake.xlsx", "this is not a workbook"),
    "fake xls": _bytes("fake.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4),
    "empty xlsx": _bytes("empty.xlsx", b""),
    "zip that is no workbook": _zip_that_is_no_workbook,
    "xlsx saved as .xls": _xlsx_saved_as_xls,
    "xls saved as .xlsx": _xls_saved_as_xlsx,
    "neither utf-8 nor gb18030": _bytes("latin.csv",
                                        ",".join(ROSTER_HEADER).encode() + b"\r\n\xff\xfe\x80\x81" * 50),
    "utf-16 without a mark": _text("utf16.csv", csv_text([ROSTER_HEADER, *roster_rows(2, 2200)]), "utf-16-le"),
    "mixed encodings": _mixed_encodings,
    "gb18030 past the first megabyte": _late_gb18030,
    "huge cells": _huge_cells,
    "far-away cell": lambda folder: far_cell_xlsx(folder / "far-cell.xlsx"),
    "far-away cell behind a small dimension": lambda folder: far_cell_xlsx(folder / "far-cell-hidden.xlsx",
                                                                          honest_dimension=False),
    "very wide": _very_wide,
    "wide but within bounds": _wide_enough,
    "very long": _very_long,
    "blank-line flood": _blank_line_flood,
    "formulas": _formulas,
    "merged-cell maze": _merged_maze,
    "header in row 25": _header_low,
    "header below row 30": _header_too_low,
    "duplicated headers": _duplicated_headers,
    "every field empty": _every_field_empty,
    "mixed kinds in one workbook": _mixed_kinds,
    "control characters and bidi overrides": _control_and_bidi,
    "unbalanced quote": _unbalanced_quote,
    "cr-only line endings": _cr_only,
    "16,383 trailing commas": _trailing_commas,
    "html table saved as .xls": _html_table,
    "xml spreadsheet 2003": _xml_spreadsheet,
    "name with rich markup": _odd_name("底册[final][bold].csv"),
    "name with a bidi override": _odd_name(f"底册{BIDI_OVERRIDE}vsc.csv"),
    "name with spaces and a leading dash": _odd_name("-底册 最终 版 (2).csv"),
    "very long name": _odd_name("底册" * 40 + ".csv"),  # 244 bytes: near the 255 a name may have
    "name in gbk bytes": _gbk_bytes_name,
    "a folder named .csv": lambda folder: (folder / "folder.csv").mkdir() or folder / "folder.csv",
    "a fifo": lambda folder: os.mkfifo(folder / "pipe.csv") or folder / "pipe.csv",
}
