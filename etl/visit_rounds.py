"""A visit record with a group of columns per visit (a row per elder: 第一次探访日期, 第一次探访方式, 第二次探访日期,
第二次探访方式 …; 探访日期1, 探访方式1, 探访日期2 …; 探访日期（第一次）), read as the record it stands for, as a
register with a column per day is (etl/day_registers.py): one sheet per visit, a row per elder whose group of that
visit is written. Each visit's rows keep the record's row numbers, so a rejected visit names the row and the visit the
clerk fills in (探访记录 (第2次) 第 7 行).

A column is a visit's when its header names a number of the visit (第2次, 2次, a number at its end) and, without it,
one of a visit's own fields (ROUND_FIELDS: the date, method, outcome, visitor …). Every other column is the elder's and
the row's (姓名, 身份证号, 社区): each visit's sheet has it, where it names a field (the note lists once those that name
none). Two numbers of visits with a date each make such a record; a group written without its date (第二次探访方式
alone) is a visit rejected for want of one, as a record's row without a date is (DESIGN §3). A record numbering only
two months' dates (9月探访日期 | 10月探访日期) is none: it is refused, saying to write a row per visit.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl import mappings
from etl.day_registers import BLANKS, DayRegister, part_sheet
from etl.readers import RawSheet, sheet_said

# The fields of one visit (etl/ingest.py FIELDS["visits"] without the elder's and the place's)
ROUND_FIELDS = frozenset({"visit_date", "visit_time", "method", "outcome", "visitor", "visitor_role", "findings",
                          "problem", "action", "referral", "emergency", "resolution", "latitude", "longitude",
                          "position", "entered_at", "notes", "duration"})
# The number of a visit in a header: 第2次, 第二次, 2次 anywhere (in brackets or not), or a number at its end
# (探访日期2, 探访日期(2)); what is left names the column
NUMBERED = re.compile(rf"[(\[]?第?([{mappings.NUMERALS}\d]{{1,3}})次[)\]]?")
NUMBER_AT_END = re.compile(r"(?<!\d)[(\[]?(\d{1,2})[)\]]?$")


def _numbered(cell: str) -> tuple[int, str] | None:
    """A header cell's number of a visit and the header without it, else None."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell)).replace("【", "[").replace("】", "]")
    for pattern in (NUMBERED, NUMBER_AT_END):
        if (match := pattern.search(key)) and (number := mappings.numeral_value(match[1])) and (
                rest := key[:match.start()] + key[match.end():]):
            return number, rest
    return None


def visit_columns(header: list[str], words_dir: Path | None = None) -> dict[int, tuple[int, str]]:
    """Column index -> (number of the visit, header without it), of the columns of a visit's own fields, where the
    header numbers two visits or more with a date each; else {}."""
    found = {index: parsed for index, cell in enumerate(header)
             if cell and (parsed := _numbered(cell))
             and mappings.field_for(parsed[1], "visits", words_dir) in ROUND_FIELDS}
    dated = {number for number, rest in found.values() if mappings.field_for(rest, "visits", words_dir) == "visit_date"}
    return found if len(dated) >= 2 else {}


def as_visits(con: duckdb.DuckDBPyConnection, sheet: RawSheet, words_dir: Path | None = None) -> DayRegister | None:
    """The sheet read as a visit record per visit, or None when its header numbers no visits (visit_columns)."""
    numbered = visit_columns(sheet.header, words_dir)
    if not numbered:
        return None
    # the elder's and the row's columns each visit's sheet has: those that name a field (序号 and the like none)
    fields = {index: mappings.field_for(cell, "visits", words_dir) if cell else None
              for index, cell in enumerate(sheet.header) if index not in numbered}
    shared = [index for index, field in fields.items() if field not in (None, mappings.IGNORED)]
    unread = [sheet.header[index] for index, field in fields.items() if field is None and sheet.header[index]]
    sheets = []
    for number in sorted({number for number, _ in numbered.values()}):
        own = [index for index, (n, _) in numbered.items() if n == number]
        cells = [pc.utf8_trim_whitespace(sheet.cells[f"c{index}"].cast(pa.string())) for index in own]
        written = [pc.and_(pc.is_valid(c), pc.invert(pc.is_in(c, pa.array([*BLANKS, ""])))) for c in cells]
        any_written = written[0]
        for flags in written[1:]:
            any_written = pc.or_(any_written, flags)
        if not pc.any(any_written).as_py():
            continue
        rows = sheet.cells.filter(any_written)
        columns = sorted([*shared, *own])
        header = [numbered[index][1] if index in numbered else sheet.header[index] for index in columns]
        table = {"row_number": rows["row_number"], **{f"c{n}": rows[f"c{index}"] for n, index in enumerate(columns)}}
        sheets.append(part_sheet(con, sheet, f"visit{number}", table, header, f"第{number}次"))
    if not sheets:
        return None
    visits = sum(s.cells.num_rows for s in sheets)
    numbers = {number for number, _ in numbered.values()}
    note = (f"{sheet_said(con, sheet.sheet_name) or '本表'}每行写了几次探访 "
            f"(第 {min(numbers)} 次至第 {max(numbers)} 次, 每次几列): 按每次探访一行导入, 共 {visits:,} 次"
            + (f"; 未导入的列: {'、'.join(unread)}" if unread else ""))
    return DayRegister(sheets, note)
