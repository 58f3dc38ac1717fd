"""A register with a column per day of a month (独居老人每日联系登记表: a row per elder, 1日 … 31日, a tick on the days
the elder was contacted), read as the visit record it stands for: one sheet per day, a row per elder marked that
day, with the date and the method as a visit record writes them. Each day's rows keep the register's row numbers,
so a rejected contact names the row and day the clerk fills in (工作表 10月 (5日) 第 7 行).

The month is the one the register's title, sheet name or file name gives (2026年10月), else the one its days' headers
give when each is a whole date (a date cell 2026-10-01 shown as 1日); a month written without its year (11月) is of
the year its 填报日期 (else today) gives it, said so; a register that names none is refused, saying so. A plain tick
is a contact by the method the title names (每日电话问候 is by phone), else by phone: never a home visit unless the
register says so (DESIGN §4: 上门 is the headline's qualifying method).
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl import mappings
from etl.readers import (
    ALONE,
    MONTH_ALONE,
    NAMED_MONTH,
    YEAR_ALONE,
    RawSheet,
    each_distinct,
    named_months,
    named_text,
    sheet_said,
)
from etl.sqlfiles import scalar

# Marks that say the elder was contacted that day by the register's method, and marks that say not
TICKS = frozenset(("√", "✓", "✔", "☑", "✅", "v", "V", "y", "Y", "1", "是", "有", "已", "已联系", "已探访", "已问候",
                   "联系", "问候", "●", "★", "☆", "◎", "对"))
BLANKS = frozenset(("×", "✗", "✘", "╳", "x", "X", "0", "否", "无", "未", "-", "—", "–", "/", "\\", "、", ".", "·", "…"))
DEFAULT_METHOD = "电话"
# A mark that is the time of the day's call, alone or after a tick (9:30, √ 9:30, Excel's time cell 09:30:00, 8点30): a
# contact by the register's method at that time (probe 26 H4: counted as an unknown outcome, no contact)
TIMED = re.compile(r"^(?:[√✓✔☑✅对]\s*)?(\d{1,2})\s*[:：点时]\s*(\d{1,2})?\s*分?(?::\d{2})?$")
# A register's key to its marks, above or under its table: 说明：√表示电话联系正常，○表示电话未接通，△上门探视
# (a mark: a symbol, or a character alone before 表示: 电表示电话, 访表示上门)
LEGEND = re.compile(r"([^\w\s，,。.；;：:、（）()“”\"'\-—~～/]"
                    r"|(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?=\s*(?:表示|代表|[:：=＝])))"
                    r"\s*(?:表示|代表|为|是|[:：=＝])?\s*([\u4e00-\u9fff]{2,12})")
DATE_HEADER, METHOD_HEADER, OUTCOME_HEADER = "探访日期", "探访方式", "探访结果"
# The columns of a register read with its marks: who and where (the elder's phone, 合计 and the like are not)
KEPT_FIELDS = frozenset({"id_number", "name", "district", "street", "community", "visitor", "visitor_role"})


class RegisterError(ValueError):
    """A register with a column per day that cannot be read as visits: the message says why, for the clerk."""


@dataclasses.dataclass(frozen=True)
class DayRegister:
    """A register sheet read as one sheet per day, and what the clerk is told about the reading."""

    sheets: list[RawSheet]
    note: str
    roster: RawSheet | None = None  # of a ledger that is a roster too (etl/month_registers.py): the roster's sheet


def as_visits(con: duckdb.DuckDBPyConnection, sheet: RawSheet, file_name: str,
              words_dir: Path | None = None, footer: str = "") -> DayRegister | None:
    """The sheet read as a visit record per day, or None when it is no register with a column per day. `footer`: the
    text of the lines under its table, where a key to its marks may be."""
    days = mappings.day_columns(sheet.header)
    if not days:
        return None
    where = sheet_said(con, sheet.sheet_name)
    named = named_text(sheet, file_name)
    # how the month was found, when no one named it: from a day's date above the table (its 填报日期: named_months
    # takes the month of the days' dates where no month is named alone), or the year (below)
    alone = [not ALONE.match(named, match.end()) for match in NAMED_MONTH.finditer(named)]
    guessed = ", 没有写明月份, 按所写日期 (如填报日期) 所在的月份推定" if alone and not any(alone) else ""
    months = named_months(named) or _headed_month(sheet.header, days)
    if not months and (month := _month_alone(sheet.header, days, named)):
        years = {int(match[1]) for match in YEAR_ALONE.finditer(named)}  # 11.1 … under 「…登记表（2026年）」
        if len(years) == 1:
            months = {(years.pop(), month)}
        else:  # 11月 without its year: the year that the register's 填报日期 (else today) gives it, as a visit
            # record's day written without its year is read (macros.sql's cv_day_before), said so
            listed = sheet.report_date or scalar(con, "select cv_today()")
            months = {(listed.year - (month > listed.month + 2), month)}
            guessed = f", 没有写年份, 按{'填报日期' if sheet.report_date else '导入日期'}推定"
    if len(months) != 1:
        said = "写了不止一个年月" if months else "都没有写明年月 (如「2026年10月」)"
        raise RegisterError(f"{where}是每天一列 (1日…31日) 的登记表, 但标题、工作表名和文件名中{said}, "
                            f"无法确定日期: 请在标题中写明是哪年哪月后重新导入")
    [(year, month)] = months
    dated = _column_months(sheet.header, days, year, month)
    # the method the title names; of a title naming several (联系登记表（电话问候或上门探视）), a tick says not which:
    # the register's default, never a home visit it does not say
    titled = {value for _, value in named_methods(named, words_dir)}
    method = titled.pop() if len(titled) == 1 else DEFAULT_METHOD
    legend = {mark: words for mark, words in LEGEND.findall(f"{sheet.preamble} {footer}")
              if mark not in TICKS and mark not in BLANKS or _named_method(words, words_dir)}
    fields = {index: mappings.field_for(cell, "visits", words_dir) if cell else None
              for index, cell in enumerate(sheet.header) if index not in days}
    kept = [index for index, field in fields.items() if field in KEPT_FIELDS]
    # a column giving each row's method (an 电话 row and an 上门 row per elder, 联系方式 beside the days): a tick on a
    # row is its method (probe 26 H5: every home visit had counted as the register's 电话); not a 联系方式 of phone
    # numbers (most of its cells written name no method)
    row_method = next((index for index, field in fields.items()
                       if field == "method" and _names_methods(sheet.cells[f"c{index}"], words_dir)), None)
    unread = [sheet.header[index] for index, field in fields.items()
              if field not in KEPT_FIELDS and field != mappings.IGNORED and sheet.header[index] and index != row_method]
    header = [DATE_HEADER, METHOD_HEADER, OUTCOME_HEADER, *(sheet.header[index] for index in kept)]
    sheets, unexplained = [], set()
    cycle = len(set(dated.values())) > 1
    for index, day in sorted(days.items(), key=lambda item: (dated[item[0]], item[1])):
        day_year, day_month = dated[index]
        marks = pc.utf8_trim_whitespace(sheet.cells[f"c{index}"].cast(pa.string()))  # a CSV's may be dictionaries
        marked = pc.and_(pc.is_valid(marks), pc.invert(pc.is_in(marks, pa.array([*BLANKS, ""]))))
        if not pc.any(marked).as_py():
            continue
        rows = sheet.cells.filter(marked)
        mark = marks.filter(marked)
        # a mark its key explains is the words it stands for (○表示电话未接通); a tick is the register's method; a mark
        # naming one is that one (上门, 电话未接通: staging reads the failure in it); any other words (未接通, 好, 失联,
        # 子女接走) are what came of the register's method, read as an outcome cell is: an outcome no mapping knows
        # counts for nothing and is warned of (DESIGN §3; review 25 H3: 失联, 休, 在医院 had counted as calls)
        explained = each_distinct(mark, lambda text: legend.get(text, text))
        methods = each_distinct(explained, lambda text: text if _named_method(text, words_dir) else method)
        if row_method is not None:  # a mark naming no method is its row's, where the row names one
            rows_method = each_distinct(rows[f"c{row_method}"], lambda text: _named_method(text, words_dir))
            unnamed = each_distinct(explained, lambda text: None if _named_method(text, words_dir) else text)
            methods = pc.if_else(pc.and_(pc.is_valid(unnamed), pc.is_valid(rows_method)), rows_method, methods)
        outcomes = each_distinct(explained, lambda text: _outcome(text, words_dir))
        # (a day its month has not, ticked in a template of 31 columns: rejected, the reason saying so; probe 26 L4)
        missing = "" if day <= calendar.monthrange(day_year, day_month)[1] else f"（{day_month}月没有{day}日）"
        date = pa.array([f"{day_year}-{day_month:02d}-{day:02d}{missing}"] * rows.num_rows, pa.string())
        times = each_distinct(explained, _time_of)  # its time, where a mark is one: the contact's time of day
        unexplained |= {text for text in mark.unique().to_pylist() if text not in legend and text not in TICKS
                        and not re.search(r"[\w]", text)}
        columns = {"row_number": rows["row_number"],
                   "c0": pc.coalesce(pc.binary_join_element_wise(date, times, " "), date),
                   "c1": methods, "c2": outcomes,
                   **{f"c{new}": rows[f"c{old}"] for new, old in enumerate(kept, start=3)}}
        said_day = f"{day_month}月{day}日" if cycle else f"{day}日"
        sheets.append(part_sheet(con, sheet, f"day{day_month}_{day}", columns, header, said_day))
    if not sheets:
        raise RegisterError(f"{where}是每天一列的登记表 ({year}年{month}月), 但没有一天打了勾: 没有可导入的联系记录")
    contacts = sum(s.cells.num_rows for s in sheets)
    why = (" (标题中写了几种联系方式, 打勾看不出是哪一种, 不计为上门探访)" if len(titled) > 1
           else " (标题中没有写明联系方式, 不计为上门探访)" if method == DEFAULT_METHOD and DEFAULT_METHOD not in named
           else "")
    if cycle:  # a 26th-to-25th cycle: each day in its own month
        (first_year, first_month), first_day = min((dated[i], d) for i, d in days.items())
        (last_year, last_month), last_day = max((dated[i], d) for i, d in days.items())
        span = (f"{first_year}年{first_month}月{first_day}日至{last_year}年{last_month}月{last_day}日{guessed}, "
                "每天按所在月份计")
    else:
        span = f"{year}年{month}月{guessed}"
    ticked = (f"打勾的日子按每行「{sheet.header[row_method]}」一栏所写的方式计, 该栏没写的按「{method}」计"
              if row_method is not None else f"只打勾的日子按「{method}」计")
    note = (f"{where}是每天一列的登记表 ({span}): 按每次联系一行导入, 共 {contacts:,} 次; {ticked}{why}"
            + (f"; 符号{'、'.join(f'「{m}」' for m in sorted(unexplained))}表中没有说明含义, 也按「{method}」联系计, "
               "请核实 (可在表下写明, 如「○表示未接通」)" if unexplained else "")
            + (f"; 未导入的列: {'、'.join(unread)}" if unread else ""))
    return DayRegister(sheets, note)


def part_sheet(con: duckdb.DuckDBPyConnection, sheet: RawSheet, part: str, columns: dict[str, pa.Array],
               header: list[str], said: str) -> RawSheet:
    """One part of a register (a day's, a month's) as a sheet of its own: its cells registered as a table, named
    after the register's sheet and the part (10月 (5日)), its row numbers the register's."""
    table, cells = f"{sheet.table}_{part}", pa.table(columns)
    con.register(table, cells)
    return dataclasses.replace(sheet, table=table, cells=cells, header=header, column_count=len(header),
                               sheet_name=f"{sheet.sheet_name or ''} ({said})".strip())


def _headed_month(header: list[str], days: dict[int, int]) -> set[tuple[int, int]]:
    """The register's month as its days' headers give it when each is a whole date (2026-10-01: a date cell shown as
    1日): their one month, or of a cycle (2026-10-26 … 2026-11-25) the month it ends in, as a title names it."""
    dated = [named_months(header[index]) for index in sorted(days)]
    if not all(len(months) == 1 for months in dated):
        return set()
    months = list(dict.fromkeys(month for [month] in dated))
    year, month = months[0]
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    in_turn = len(months) == 1 or (len(months) == 2 and months[1] == following)
    return {months[-1]} if in_turn else set()


def _month_alone(header: list[str], days: dict[int, int], named: str) -> int | None:
    """The month of a register that names it without its year: in its days' headers (11月1日, 11.1; of a cycle, 10月26日
    … 11月25日, the month it ends in: mappings.day_columns keeps days whose headers name one month, or two in turn),
    else in its title, sheet or file name (独居老人每日联系登记表（11月）)."""
    last = mappings.DAY_CELL.fullmatch(mappings.header_key(header[max(days)]))
    if last and last[1]:
        return int(last[1]) if 1 <= int(last[1]) <= 12 else None
    titled = {int(match[1]) for match in MONTH_ALONE.finditer(named) if 1 <= int(match[1]) <= 12}
    return titled.pop() if len(titled) == 1 else None


def _column_months(header: list[str], days: dict[int, int], year: int, month: int) -> dict[int, tuple[int, int]]:
    """Each day column's year and month: the register's (its title's), or where the days turn back in column order
    (26日 … 31日, 1日 … 25日: a 26th-to-25th cycle, named by the month it ends in) the month before for the days before
    the turn. Days whose headers name their month (10月26日 … 11月25日) are of that month, in the year next to the
    title's."""
    def year_of(named: int) -> int:
        return year + 1 if (month, named) == (12, 1) else year - 1 if (month, named) == (1, 12) else year

    before = (year - 1, 12) if month == 1 else (year, month - 1)
    ordered = sorted(days)
    # (no turn: 0, every day the register's month)
    turn = next((n for n in range(1, len(ordered)) if days[ordered[n]] < days[ordered[n - 1]]), 0)
    dated = {index: before if n < turn else (year, month) for n, index in enumerate(ordered)}
    for index in ordered:
        match = mappings.DAY_CELL.fullmatch(mappings.header_key(header[index]))
        if match and match[1] and turn:
            dated[index] = (year_of(int(match[1])), int(match[1]))
    return dated


def _outcome(text: str, words_dir: Path | None = None) -> str | None:
    """A day's mark as a visit record's outcome cell: None for a tick, a time (TIMED), a symbol (○, △: counted as the
    register's method, the register's note asks what it means) or words naming a method (the method cell says it
    all), else the words."""
    return (None if text in TICKS or TIMED.match(text) or not re.search(r"\w", text) or _named_method(text, words_dir)
            else text)


def _names_methods(column: pa.ChunkedArray, words_dir: Path | None = None) -> bool:
    """Whether most of a column's written cells name a method (上门, 电话问候), as a row's method does."""
    written = [text.strip() for text in pc.unique(column.cast(pa.string())).to_pylist() if text and text.strip()]
    return bool(written) and 2 * sum(_named_method(text, words_dir) is not None for text in written) > len(written)


def _time_of(text: str) -> str | None:
    """The time of day a mark gives (√ 9:30: 09:30), else None."""
    found = TIMED.match(text)
    return f"{int(found[1]):02d}:{int(found[2] or 0):02d}" if found and int(found[1]) < 24 else None


def named_methods(text: str, words_dir: Path | None = None) -> list[tuple[int, str]]:
    """The methods a text names (每日电话问候登记表, 上门探视登记表; a mark 入户), with their ranks."""
    return [(priority or 100, value) for field, value, keyword, priority, _ in _method_keywords(words_dir)
            if keyword in text]


def _named_method(text: str, words_dir: Path | None = None) -> str | None:
    """The method a text names: a method's name or synonym (values.csv: a mark 电, 访, √电 for 电话, 上门, 电话; probe
    31 M6, each an unknown outcome, no contact), else the strongest of the methods it holds."""
    if (value := mappings.mark_names("method", words_dir).get(mappings.header_key(text))) is not None:
        return value
    found = named_methods(text, words_dir)
    return min(found)[1] if found else None


@functools.cache
def _method_keywords(words_dir: Path | None = None) -> tuple[tuple[str, str, str, int | None, str | None], ...]:
    return tuple(row for row in mappings.value_keywords(words_dir) if row[0] == "method")
