"""A visit ledger with a column per month (探访台账: a row per elder, 1月 … 12月, each cell the date of that month's
visit), read as the visit record it stands for, as a register with a column per day is (etl/day_registers.py): one
sheet per month, a row per elder whose cell that month holds a date, written as a visit record's date with the year
the ledger's title, sheet or file name gives and the month its column gives (11.5 under 11月 is 2026-11-05; 5 or 5日
under 11月 too). Each month's rows keep the ledger's row numbers, so a rejected visit names the row and month the
clerk fills in (台账 (2026年11月) 第 7 行).

A tick without a date says a visit in the month but not its day: a visit without a usable date, rejected as DESIGN §3
says, its reason telling the clerk to write the date. Words without a number (住院, 外出) say why there was none: no
visit, and the note says how many such cells were read so. The method is the ledger's 探访方式 column where it has
one, else the one its title names, else 电话 (never a home visit the ledger does not say: DESIGN §4).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl import mappings
from etl.day_registers import (
    BLANKS,
    DATE_HEADER,
    DEFAULT_METHOD,
    KEPT_FIELDS,
    METHOD_HEADER,
    TICKS,
    DayRegister,
    RegisterError,
    named_methods,
    part_sheet,
)
from etl.readers import YEAR_ALONE, RawSheet, each_distinct, named_text, sheet_said

# A column of a month: 11月, 11月份, 11月探访日期, 十一月 is not (a template's months are written in digits)
MONTH_COLUMN = re.compile(r"(\d{1,2})月份?(?:探访|走访|入户|上门|服务)?(?:日期|时间|情况)?")
MIN_MONTHS = 3  # columns naming months that make a ledger (a quarter's at least)
# A year the ledger's title, sheet or file name gives (2026年探访台账, 2026年度)
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
# A cell naming a day of the month alone (5, 5日, 5号), or a month and a day (11.5, 11月5日, 11/5)
DAY_ALONE = re.compile(r"(\d{1,2})(?:\.0)?[日号]?")
MONTH_DAY = re.compile(r"(\d{1,2})[月./-](\d{1,2})[日号]?")
# The columns of a ledger read with its dates: those of a register's, and how each visit went where it says
LEDGER_FIELDS = KEPT_FIELDS | {"method", "outcome"}


def month_columns(header: list[str]) -> dict[int, int]:
    """Column index -> month, where a header names several months a column each (1月 … 12月), each once."""
    found = {index: int(match[1]) for index, cell in enumerate(header)
             if cell and (match := MONTH_COLUMN.fullmatch(mappings.header_key(cell))) and 1 <= int(match[1]) <= 12}
    months = set(found.values())
    return found if len(months) >= MIN_MONTHS and len(months) == len(found) else {}


def as_visits(con: duckdb.DuckDBPyConnection, sheet: RawSheet, file_name: str,
              words_dir: Path | None = None, with_roster: bool = True) -> DayRegister | None:
    """The sheet read as a visit record per month, or None when it is no ledger with a column per month (one whose
    cells under the months hold dates); with its roster where it marks categories, unless not `with_roster` (a file
    loaded as visits)."""
    months = month_columns(sheet.header)
    # (a roster ticking each month's visit, √ without a date, stays a roster: only dates make a ledger)
    if not months or not any(pc.any(pc.match_substring_regex(sheet.cells[f"c{index}"].cast(pa.string()),
                                                             r"\d")).as_py() for index in months):
        return None
    where = sheet_said(con, sheet.sheet_name) or "本表"
    named = named_text(sheet, file_name)
    # a year named alone (2025年探访台账) before one of a date (填报日期：2026年1月5日)
    years = ({int(match[1]) for match in YEAR_ALONE.finditer(named)}
             or {int(match[1]) for match in YEAR.finditer(named)})
    if len(years) != 1:
        said = "写了不止一个年份" if years else "都没有写明年份 (如「2026年」)"
        raise RegisterError(f"{where}是每月一列 (1月…12月) 的探访台账, 但标题、工作表名和文件名中{said}, "
                            "无法确定日期: 请在标题中写明年份后重新导入")
    [year] = years
    fields = {index: mappings.field_for(cell, "visits", words_dir) if cell else None
              for index, cell in enumerate(sheet.header) if index not in months}
    kept = [index for index, field in fields.items() if field in LEDGER_FIELDS]
    unread = [sheet.header[index] for index, field in fields.items()
              if field not in LEDGER_FIELDS and field != mappings.IGNORED and sheet.header[index]]
    has_method = any(fields[index] == "method" for index in kept)
    titled = {value for _, value in named_methods(named, words_dir)}
    method = next(iter(titled)) if len(titled) == 1 else DEFAULT_METHOD
    header = [DATE_HEADER, *([] if has_method else [METHOD_HEADER]), *(sheet.header[index] for index in kept)]
    sheets, worded = [], 0
    for index, month in sorted(months.items(), key=lambda item: item[1]):
        cells = pc.utf8_trim_whitespace(sheet.cells[f"c{index}"].cast(pa.string()))
        written = pc.and_(pc.is_valid(cells), pc.invert(pc.is_in(cells, pa.array([*BLANKS, ""]))))
        # words without a number (住院, 未探访) tell why there was no visit: none
        dated = pc.and_(written, pc.or_(pc.match_substring_regex(cells, r"\d"), pc.is_in(cells, pa.array(TICKS))))
        worded += pc.sum(pc.and_(written, pc.invert(dated)).cast(pa.int64())).as_py() or 0
        if not pc.any(dated).as_py():
            continue
        rows = sheet.cells.filter(dated)
        dates = each_distinct(cells.filter(dated), lambda text, m=month: _date(text, year, m))
        columns = {"row_number": rows["row_number"], "c0": dates,
                   **({} if has_method else {"c1": pa.array([method] * rows.num_rows, pa.string())})}
        columns |= {f"c{len(columns) - 1 + n}": rows[f"c{old}"] for n, old in enumerate(kept)}
        sheets.append(part_sheet(con, sheet, f"month{month}", columns, header, f"{year}年{month}月"))
    if not sheets:
        raise RegisterError(f"{where}是每月一列的探访台账 ({year}年), 但没有一个月写了探访日期: 没有可导入的探访记录")
    # a ledger that marks its elders' categories is their roster too: read as one, without the months' columns
    marked = mappings.map_columns(sheet.header, "roster", words_dir)
    roster = (dataclasses.replace(sheet, header=[cell if index not in months else "" for index, cell
                                                 in enumerate(sheet.header)])
              if with_roster and {"category", "categories"} & {*marked.fields, *(f for f, _ in marked.marks.values())}
              else None)
    visits = sum(s.cells.num_rows for s in sheets)
    note = (f"{where}是每月一列的探访台账 ({year}年): 按每次探访一行导入, 共 {visits:,} 次"
            + ("" if has_method else f"; 没有探访方式一列, 按「{method}」计"
               + ("" if len(titled) == 1 else " (标题中没有写明探访方式, 不计为上门探访)"))
            + (f"; {worded:,} 格写的是文字 (如住院、外出), 不计为探访" if worded else "")
            + ("; 同时作为底册导入" if roster else f"; 未导入的列: {'、'.join(unread)}" if unread else ""))
    return DayRegister(sheets, note, roster)


def _date(text: str, year: int, month: int) -> str:
    """A ledger's cell under a month as a visit record's date: a day alone in the column's month, a month and a day
    in the ledger's year, a whole date as it is; a tick the month alone (no day: rejected, its reason saying so)."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if match := DAY_ALONE.fullmatch(key):
        return f"{year}-{month:02d}-{int(match[1]):02d}"
    if match := MONTH_DAY.fullmatch(key):
        return f"{year}-{int(match[1]):02d}-{int(match[2]):02d}"
    return f"{year}年{month}月" if text in TICKS else text
