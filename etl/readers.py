"""Read bureau exports (.xlsx, .xls, .csv in any common encoding) into DuckDB as text cells."""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import dataclasses
import datetime as dt
import functools
import io
import os
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from etl import mappings, workbooks
from etl.sqlfiles import text_macro
from etl.temporary import temporary_file

HEADER_SEARCH_ROWS = 30
SAMPLE_BYTES = 1 << 20
# What a text export puts between its cells: the one written most often in the first lines is taken. A comma or a tab
# as Excel and WPS save, a semicolon as a European locale does, a vertical bar as a database client exports
DELIMITERS = (",", "\t", ";", "|")
TRANSCODE_CHUNK = 4 << 20
SPARE_COLUMNS = 8  # cells past the header are kept (and warned about), up to this many
MAX_COLUMNS = workbooks.MAX_COLUMNS  # a CSV wider than a sheet may be is refused, as the sheet is
MAX_LINE_CHARS = 16 << 20  # a CSV line (a record) of 16 M characters is not an export
REPEATED_TEXT = pa.dictionary(pa.int32(), pa.string())
REPEATED_BYTES = pa.dictionary(pa.int32(), pa.binary())
# A month named in a title, a sheet's name or a file's name: 2026年10月, 2026.10, 2026-10, and that of a day's date
# (2026年10月5日) where no month is named alone (a 填报日期 2026年11月1日 under 2026年10月探访记录 names none)
NAMED_MONTH = re.compile(r"((?:19|20)\d\d)\s*(?:年\s*(\d{1,2})\s*月|[-./]\s*(\d{1,2})(?!\d))")
# what follows a month that is a day's (10月5日, 2026.10.5; not the month ending a range, 2026年10月-11月: probe 26 L5)
ALONE = re.compile(r"\s*(?:[-./]\s*)?\d(?!\d*\s*月)")
# A year and a month named apart (2026年度探访记录（10月）, a workbook's sheet 10月 under a title of 2026年): the year,
# and a month that is neither a day's (10月3日) nor the end of a range (1-9月)
YEAR_ALONE = re.compile(r"((?:19|20)\d\d)\s*年(?!\s*\d)")
MONTH_ALONE = re.compile(r"(?<![\d\-~至到—–])(\d{1,2})\s*月(?!\s*\d)")
REPORT_UNIT = re.compile(r"填报单位\s*[:：]\s*([^\s,，:：]+)")


class ReadError(Exception):
    """A file that cannot be read at all; the message is for the bureau clerk."""


@dataclass(frozen=True)
class RawSheet:
    """One sheet's cells as text: row_number, c0, c1, ... (the rows below the header).

    `cells` is registered in the connection under the name `table`, where DuckDB scans it in place,
    until `release` is called.
    """

    table: str
    cells: pa.Table
    sheet_name: str | None
    header: list[str]
    header_row: int  # spreadsheet row number of the header
    report_date: dt.date | None
    report_unit: str | None
    column_count: int
    preamble: str = ""  # the text of the rows above the header (a title, 填报单位 …)
    hidden: bool = False  # a sheet hidden in Excel (ingest decides whether it is read)
    hidden_columns: frozenset[int] = frozenset()  # its columns hidden in Excel, 0 = A (c0)
    uncomputed_formulas: int = 0  # its cells holding a formula without its result, read as empty
    struck_rows: frozenset[int] = frozenset()  # spreadsheet rows whose every cell written is struck through (删除线)
    hidden_rows: frozenset[int] = frozenset()  # spreadsheet rows hidden in Excel
    short_days: frozenset[tuple[int, int]] = frozenset()  # number cells like 10.1 (workbooks.Grid), (row, 0 = c0)
    rows_above: frozenset[int] = frozenset()  # rows of people written above the header, read with the rows below it
    # rows (their first line) that a line break no quote encloses broke over several lines, joined again, and the
    # column (0 = c0) whose cell held it
    joined_rows: dict[int, int] = dataclasses.field(default_factory=dict)
    # the text of its workbook's sheets that are no table of people (代码说明, 填表说明), a line a row: where its
    # columns' codes may be explained (set by ingest, which tells those sheets)
    elsewhere: str = ""


@dataclass(frozen=True)
class UnreadSheet:
    """A sheet that holds text but no header in its first HEADER_SEARCH_ROWS rows: not read, and said so."""

    sheet_name: str
    rows: int  # rows holding some text
    text: str = ""  # its first LEGEND_ROWS rows, a line each (sheet_lines): where a legend of codes may be (代码说明)


HeaderScore = Callable[[list[str]], int]


# What Excel, WPS or a Mac leave beside a file, never an export: the owner file of a workbook open (~$花园路.xlsx) and
# a Mac's AppleDouble file (._花园路.csv), which a glob or a zip picks up with the exports
LEFTOVER = re.compile(r"^(~\$|\._)")
# Spreadsheets of other programs: read by their content where it is a workbook the readers know (WPS's .et is often
# an Excel 97-2003 workbook inside, an .ods LibreOffice's and WPS's OpenDocument, an .xlsb Excel's binary workbook),
# else refused asking for them saved as .xlsx (OTHER_SPREADSHEETS: a Mac's Numbers, a WPS document)
READ_BY_CONTENT = (".et", ".ett", ".ods", ".xlsb")
OTHER_SPREADSHEETS = (*READ_BY_CONTENT, ".numbers", ".wps")
SAVE_AS_XLSX = "请用 WPS 或 Excel 打开后另存为 .xlsx 再{verb}"


# The files loaded from a folder (carevisit ingest, watch) or a zip (the 导入 page): the folder's or the zip's other
# files are named, not loaded, with why (not_an_export). A .txt is loaded when it holds a table (is_export): Excel's
# 「Unicode 文本」 is saved so (probe 25 L3), where a 说明.txt beside the exports is a note
EXPORT_SUFFIXES = (".xlsx", ".xls", ".csv")
TEXT_SUFFIX = ".txt"
ARCHIVES = (".zip", ".rar", ".7z", ".tar", ".gz")


def is_export(name: str, head: Callable[[], bytes]) -> bool:
    """Whether a file of a folder or a zip is loaded: a workbook or a CSV by its name, a .txt when `head()` (its first
    SAMPLE_BYTES) is a table's text, another program's spreadsheet (READ_BY_CONTENT) when it is a workbook inside."""
    suffix = Path(name).suffix.lower()
    return (suffix in EXPORT_SUFFIXES or (suffix == TEXT_SUFFIX and delimited_text(head()))
            or (suffix in READ_BY_CONTENT and head().startswith((workbooks.ZIP_MAGIC, workbooks.OLE_MAGIC))))


def file_head(path: Path) -> bytes:
    """A file's first SAMPLE_BYTES; none of an unreadable one (it is then not an export)."""
    try:
        with path.open("rb") as f:
            return f.read(SAMPLE_BYTES)
    except OSError:
        return b""


def not_an_export(name: str, verb: str = "导入") -> str:
    """Why a file beside the exports of a folder or a zip is not loaded, to a clerk who would `verb` (导入, 上传)."""
    suffix = Path(name).suffix.lower()
    if suffix in ARCHIVES:
        return f"压缩包: 请解压后{verb}其中的文件"
    if suffix in OTHER_SPREADSHEETS:
        return SAVE_AS_XLSX.format(verb=verb)
    if suffix == TEXT_SUFFIX:
        return "文本文件中没有表格"
    return "不是 xlsx、xls 或 csv 文件"


def digits_masked(name: str) -> str:
    """A file's name without the runs of digits an ID number or a phone would be (补录120101194001010012.xlsx)."""
    return re.sub(r"\d{7,}", lambda m: "*" * len(m.group()), name)


def leftover(name: str) -> bool:
    """Whether a file's name is that of a file Excel, WPS or a Mac leave beside an export (LEFTOVER)."""
    return bool(LEFTOVER.match(Path(name).name))


def read_export(
    path: Path, con: duckdb.DuckDBPyConnection, table_prefix: str, header_score: HeaderScore
) -> tuple[list[RawSheet], list[UnreadSheet]]:
    """Every sheet of `path` that has a recognisable header, and the sheets that hold text but no header
    (a workbook's blank Sheet2 is neither); raise ReadError when no sheet has a header."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".xls", ".csv", ".txt", *READ_BY_CONTENT):
        save_as = (SAVE_AS_XLSX.format(verb="导入") if suffix in OTHER_SPREADSHEETS
                   else "请提供 .xlsx、.xls 或 .csv 文件")
        raise ReadError(f"不支持的文件类型 {suffix or '(无扩展名)'}: {save_as}")
    if suffix in READ_BY_CONTENT and not workbooks.is_workbook(path):  # (a WPS .et of its own format)
        raise ReadError(f"无法读取此 {suffix} 文件 (不是 Excel 兼容的格式): {SAVE_AS_XLSX.format(verb='导入')}")
    with _utf8_named(path) as readable:
        if kind := _not_a_table(readable):
            raise ReadError(f"这不是表格文件 (内容是{kind}, 只是改了扩展名): 请发送 Excel 或 CSV 格式的名单或记录")
        if not workbooks.is_workbook(readable) and (suffix in (".csv", ".txt") or _is_delimited_text(readable)):
            return [_read_csv(readable, con, table_prefix, header_score)], []
        return _read_workbook(readable, con, table_prefix, header_score)


def _is_delimited_text(path: Path) -> bool:
    """Whether a file named as a workbook is text with tabs or commas between its cells: what a system's 导出Excel
    often writes (a .xls that Excel opens as text). Read as a .csv is."""
    with path.open("rb") as f:
        return delimited_text(f.read(SAMPLE_BYTES))


def delimited_text(head: bytes) -> bool:
    """Whether a file's first SAMPLE_BYTES are text with tabs or commas between its cells, on most of its lines."""
    # Excel's 「Unicode 文本」 (UTF-16 with its byte-order mark), as some web systems send their .xls (review 12 M3)
    utf16 = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else _utf16_without_mark(head)
    if not head or (b"\x00" in head and not utf16):
        return False
    for encoding in (utf16,) if utf16 else ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # not a character cut at the sample's end
                continue
            text = head[:error.start].decode(encoding)
        lines = [line for line in text.splitlines()[:40] if line.strip()]
        return len(lines) >= 2 and sum(any(d in line for d in DELIMITERS) for line in lines) >= len(lines) // 2 + 1
    return False


@contextlib.contextmanager
def _utf8_named(path: Path) -> Iterator[Path]:
    """`path`, or a link to it whose name is UTF-8: Arrow, DuckDB and the Excel readers open only such
    names, and a name in GBK bytes (from a Windows share or a zip) is not."""
    try:
        os.fsdecode(path).encode("utf-8")
    except UnicodeEncodeError:
        link = temporary_file(path.suffix.encode("utf-8", "replace").decode("utf-8"))
        link.unlink()
        link.symlink_to(path.absolute())
        try:
            yield link
        finally:
            link.unlink(missing_ok=True)
        return
    yield path


def display_name(path: Path) -> str:
    """A file's name as its sender typed it, safe to show on one line (display_text)."""
    return display_text(path.name)


def display_text(name: str) -> str:
    """A name as its sender typed it, safe to show on one line: a name in GBK bytes (from a Windows
    share or a zip) decoded; control characters and bidi overrides (which make 底册\u202eslx.csv show
    as 底册csv.xls) written as their codes."""
    if any("\udc80" <= c <= "\udcff" for c in name):
        raw = name.encode("utf-8", "surrogateescape")
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = raw.decode("gb18030", "replace")
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in name)


def release(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet]) -> None:
    """Free the cells of sheets read by read_export."""
    for sheet in sheets:
        con.unregister(sheet.table)


# A group's title in the row above a header (探访情况, 被探访老人, 联系人1): a few words, no number but the one that
# numbers it, no label
GROUP_TITLE = re.compile(r"[^\d:：]{2,8}[1-9]?")


def find_header(records: list[list[str]], header_score: HeaderScore) -> int | None:
    """Index of the record that looks most like a header (at least two known column names), read with
    the names above its blank cells (header_record). A record that names no column itself (a title, a
    data row below the header) is none, whatever it would take from above."""
    best_index, best_score = None, 1
    for index in range(min(len(records), HEADER_SEARCH_ROWS)):
        if not header_score(records[index]):
            continue
        score = header_score(header_record(records, index, header_score))
        if score > best_score:
            best_index, best_score = index, score
    return best_index


def header_record(records: list[list[str]], index: int, header_score: HeaderScore) -> list[str]:
    """Record `index` as a header: a blank cell takes the cell above it when that is a known column
    name. In a two-row header the top row names the columns that the second row leaves blank (or
    spans them, merged down), and the second row names the ones under a group title (基本信息,
    探访情况)."""
    record = list(records[index])
    if index == 0:
        return record
    above = _header_cells(records[index - 1])
    record += [""] * (len(above) - len(record))
    for col, name in enumerate(above):
        if name and not (record[col] or "").strip() and header_score([name]) > 0:
            record[col] = name
    # a group's title over the columns from it to the next (探访情况 over 日期 方式 结果, merged across them): a short
    # cell under it that names no column by itself (日期), or one that two groups have (姓名 of 被探访老人 and of
    # 探访人员), is read with it (探访情况日期, 探访人员姓名), where the header then names more columns; a cell
    # that names its column (方式, 所在社区) is left as it is, and so are the values a title's columns tick (探访方式
    # over 入户 电话 视频). Under a title that names a column itself (联系人 over 姓名 关系 联系电话, the contact list's
    # template: review 2026-12-04), a cell read with it that names a column too is its part (联系人姓名), where the
    # header names no fewer columns: 姓名 alone had been the elder's twice, and the file refused
    if sum(1 for name in above if name) >= 2:
        def over(col: int) -> str:  # the cell above column `col` (a merged title is repeated over its columns)
            return above[col] if 0 <= col < len(above) else ""
        def ticked(col: int, name: str) -> bool:
            """Whether the cells under the title `name` from column `col` on are values it ticks (入户 电话 视频 under
            探访方式, 正常 未遇 拒访 under 探访结果): together they name more columns than each does alone."""
            under, end = [], col
            while end < len(record) and (end == col or over(end) in ("", name)):
                under.append((record[end] or "").strip())
                end += 1
            return header_score(under) > sum(header_score([cell]) for cell in under)

        grouped, group, titled = list(record), None, False
        twice = {cell for cell in record if cell and record.count(cell) > 1}
        for col, cell in enumerate(record):
            if (name := over(col)) and name != over(col - 1):
                spans = over(col - 1) == name or (col + 1 < len(record) and over(col + 1) in ("", name))
                group = name if GROUP_TITLE.fullmatch(name) and spans and not ticked(col, name) else None
            cell = (cell or "").strip()
            if not (group and cell and cell != group and len(cell) <= 4):
                continue
            if not header_score([cell]) or cell in twice:
                grouped[col] = group + cell
            elif header_score([group]) and header_score([group + cell]):
                grouped[col], titled = group + cell, True
        if header_score(grouped) > header_score(record) or (titled and header_score(grouped) >= header_score(record)):
            return grouped
    return record


def _header_cells(record: list) -> list[str]:
    """The header row's cells, without the empty cells Excel and CSV pad it with on the right."""
    cells = [(cell or "").strip() for cell in record]
    while cells and not cells[-1]:
        cells.pop()
    return cells


# How many rows of a sheet that is no table of people (代码说明, 填表说明) are kept as text: a legend of codes
LEGEND_ROWS = 200


def sheet_lines(records: list[list[str | None]]) -> str:
    """Rows as text, a line each, the cells written joined by a space: a legend of codes (人员类别代码 | 含义, then a
    row for each code) as one line per code."""
    lines = (" ".join(text for cell in record if cell is not None and (text := str(cell).strip()))
             for record in records)
    return "\n".join(line for line in lines if line)


def preamble_text(records: list[list[str]]) -> str:
    """The rows above the header as one line of text."""
    return " ".join(cell for record in records for cell in record if cell)


def named_text(sheet: RawSheet, file_name: str | None) -> str:
    """What names a sheet's table, as one text: the text above its header (its title), its name, its file's name."""
    return " ".join(text for text in (sheet.preamble, sheet.sheet_name, Path(file_name).stem if file_name else None)
                    if text)


def named_months(*texts: str | None) -> set[tuple[int, int]]:
    """The (year, month) pairs the texts name (a title, a sheet's name, a file's name): the months named alone, else
    those of the days' dates; else the one year and the one month they name apart (2026年度 … 10月)."""
    found = [(int(m[1]), int(m[2] or m[3]), not ALONE.match(text, m.end())) for text in texts if text
             for m in NAMED_MONTH.finditer(text) if 1 <= int(m[2] or m[3]) <= 12]
    alone = {(year, month) for year, month, is_alone in found if is_alone}
    if found:
        return alone or {(year, month) for year, month, _ in found}
    years = {int(m[1]) for text in texts if text for m in YEAR_ALONE.finditer(text)}
    months = {int(m[1]) for text in texts if text for m in MONTH_ALONE.finditer(text) if 1 <= int(m[1]) <= 12}
    return {(years.pop(), months.pop())} if len(years) == len(months) == 1 else set()


def _preamble_facts(con: duckdb.DuckDBPyConnection, records: list[list[str]]) -> tuple[dt.date | None, str | None]:
    """填报日期 (macros.sql's cv_report_date, dates read as any date cell is) and 填报单位 from the rows above the
    header, when given."""
    text = preamble_text(records)
    report_date = text_macro(con, "cv_report_date", text) if text else None
    unit = match.group(1) if (match := REPORT_UNIT.search(text)) else None
    return report_date, unit


# --- CSV -------------------------------------------------------------------------------------


ENCODING_LABELS = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16",
                   "gb18030": "GBK/GB18030"}
SAVE_AS_UTF8 = "请用 Excel 或 WPS 打开后另存为「CSV UTF-8」再导入"
# a file whose lines from `line` on are GB18030 under UTF-8 ones (a table, where a title may be either)
MIXED_ENCODINGS = "第 {line} 行起的文字是 GBK/GB18030 编码, 前面却是 UTF-8: 文件混用了两种编码, " + SAVE_AS_UTF8


def detect_encoding(path: Path) -> tuple[str, int, int]:
    """utf-8, utf-16 or gb18030, from the bytes; how many bytes of a UTF-8 byte-order mark to skip
    (Excel's "CSV UTF-8" writes one; some tools write it before GB18030 text too); and for GB18030
    under lines in UTF-8 (a title a tool or another editor added above the table Excel saved), the
    offset of the first GB18030 line, else 0. ReadError when the file is in none of them."""
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0, 0  # the codec reads its own mark
    if utf16 := _utf16_without_mark(sample):
        return utf16, 0, 0
    bom = len(codecs.BOM_UTF8) if sample.startswith(codecs.BOM_UTF8) else 0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample[bom:], final=False)
    except UnicodeDecodeError as error:
        utf8_end = _utf8_lines_end(sample, bom, bom + error.start)
    else:
        return "utf-8", bom, 0
    if utf8_end or _is_text(sample[bom:], "gb18030"):
        return "gb18030", bom, utf8_end
    # GB18030 text with a few bytes that are not (a cell pasted from elsewhere): the line, as past the sample
    bad = _first_bad_byte(path, "gb18030", bom)
    if bad is not None and not sample[bom:bad].isascii() and _is_text(sample[bom:bad], "gb18030"):
        raise ReadError(f"第 {_line_of(path, bad)} 行有无法识别的字符 (按 GBK/GB18030 编码读取): {SAVE_AS_UTF8}")
    raise ReadError(f"文件编码无法识别 (不是 UTF-8 也不是 GBK/GB18030): {SAVE_AS_UTF8}")


def _utf16_without_mark(head: bytes) -> str | None:
    """utf-16-le or utf-16-be for UTF-16 text without a byte-order mark (a tool's export; probe 28 L1: refused as
    GBK with the wrong advice), told by its zero bytes: a table's commas, digits and line breaks are ASCII, every one
    a zero byte beside it, on the same side of each pair. None for anything else."""
    pairs = len(head) // 2
    if pairs < 8:
        return None
    low, high = head[1:2 * pairs:2].count(0), head[0:2 * pairs:2].count(0)
    for zeros, others, encoding in ((low, high, "utf-16-le"), (high, low, "utf-16-be")):
        if zeros >= pairs * 0.3 and others <= pairs * 0.02:
            try:
                head[:2 * pairs].decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


# Files that are no table whatever their name says (a picture or a PDF renamed .csv): what they are, from their first
# bytes, for the refusal to say so rather than ask for the file to be saved again as CSV
NOT_TABLES = ((b"\x89PNG", " PNG 图片"), (b"\xff\xd8\xff", " JPEG 图片"), (b"GIF8", " GIF 图片"),
              (b"%PDF", " PDF 文档"), (b"\x1f\x8b", "一个 gzip 压缩包"), (b"Rar!", "一个 RAR 压缩包"),
              (b"7z\xbc\xaf", "一个 7z 压缩包"))
# ... and a zip that is no workbook, from its parts: a Word document or a presentation renamed .xlsx, a zip of files
NOT_TABLE_PACKAGES = (("word/", " Word 文档"), ("ppt/", " PowerPoint 演示文稿"))


def _not_a_table(path: Path) -> str | None:
    """What a file that is no table holds (NOT_TABLES, NOT_TABLE_PACKAGES), whatever its name says; None for anything
    that may be one."""
    with path.open("rb") as f:
        head = f.read(8)
    if kind := next((name for magic, name in NOT_TABLES if head.startswith(magic)), None):
        return kind
    if not head.startswith(workbooks.ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError):
        return None  # a broken workbook: reading it says so
    if any(name.startswith("xl/") for name in names) or workbooks.zip_kind(path):
        return None
    return next((kind for part, kind in NOT_TABLE_PACKAGES if any(name.startswith(part) for name in names)),
                "一个 zip 压缩包")


def _is_text(data: bytes, encoding: str) -> bool:
    """Whether `data` (a file's first bytes: it may end inside a character) is text in `encoding`."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _utf8_lines_end(sample: bytes, bom: int, bad: int) -> int:
    """Where the UTF-8 lines at the top of `sample` give way to GB18030 ones, `bad` being the first
    byte that is not UTF-8: the start of its line, when the lines above it hold more than ASCII (which
    both encodings share) and the rest of the sample is GB18030; else 0.

    Lines that read as GB18030 too (UTF-8's three-byte Chinese characters often pair up as GB18030's
    two-byte ones) count as UTF-8 only when they read as Chinese that way: a GB18030 line that happens
    to be valid UTF-8 reads as Latin, Greek, Cyrillic … (characters below U+2000)."""
    end = max(sample.rfind(b"\n", bom, bad), sample.rfind(b"\r", bom, bad)) + 1
    lines = sample[bom:end]
    if lines.isascii() or not _is_text(sample[end:], "gb18030"):
        return 0
    if _is_text(lines, "gb18030") and any("\x80" <= char < "\u2000" for char in lines.decode("utf-8")):
        return 0
    return end


def _refuse_a_table_in_two_encodings(path: Path, utf8_end: int, header_start: int) -> None:
    """ReadError naming the line where a file's UTF-8 lines give way to GB18030 ones (detect_encoding),
    unless that is at or above the header's first line (`header_start`): a title in UTF-8 over a table
    in GB18030 is read, each part in its own encoding; a table in two encodings (two exports pasted
    together) is not for the reader to guess."""
    with path.open("rb") as f:
        line = len(f.read(utf8_end).splitlines()) + 1  # the line breaks of a CSV reader: LF, CR LF or CR
    if line > header_start:
        raise ReadError(MIXED_ENCODINGS.format(line=line))


def _line_of(path: Path, offset: int) -> int:
    """The line (from 1) that byte `offset` of the file is on."""
    lines, read = 1, 0
    with path.open("rb") as f:
        while read < offset and (chunk := f.read(min(TRANSCODE_CHUNK, offset - read))):
            lines += chunk.count(b"\n")
            read += len(chunk)
    return lines


def _first_bad_byte(path: Path, encoding: str, start: int = 0) -> int | None:
    """Offset of the first byte that is not text in `encoding`, from `start`; None when there is none."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = start
    with path.open("rb") as f:
        f.seek(start)
        while True:
            chunk = f.read(TRANSCODE_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                return offset + error.start - len(decoder.getstate()[0])
            if not chunk:
                return None
            offset += len(chunk)


def _encoding_past_the_sample(path: Path, bom: int) -> str:
    """The encoding of a file read as UTF-8 from its first megabyte, in which a later byte is not
    UTF-8: GB18030 when all before it was ASCII (which both share) and the whole file is GB18030;
    otherwise ReadError naming the line."""
    bad = _first_bad_byte(path, "utf-8", bom)
    if bad is None:
        return "utf-8"
    with path.open("rb") as f:
        f.seek(bom)
        ascii_before = (f.read(bad - bom) if bad - bom <= SAMPLE_BYTES * 64 else b"\x80").isascii()
    if ascii_before and _first_bad_byte(path, "gb18030", bom) is None:
        return "gb18030"
    line = _line_of(path, bad)
    if _first_bad_byte(path, "gb18030", bad) is None:
        raise ReadError(MIXED_ENCODINGS.format(line=line))
    raise ReadError(f"第 {line} 行有无法识别的字符 (不是 UTF-8 编码): {SAVE_AS_UTF8}")


def _transcode_to_utf8(path: Path, encoding: str, skip: int = 0, cr_only: bool = False, utf8_end: int = 0) -> Path:
    """Stream-convert a file to UTF-8 with line feeds, since DuckDB's reader takes UTF-8 (and UTF-16)
    only and the readers here count lines by their line feeds. Old Mac files end lines with CR alone.
    The lines up to `utf8_end` (a title above a GB18030 table, detect_encoding) are UTF-8 already."""
    target = temporary_file(".csv")
    decoder = codecs.getincrementaldecoder(encoding)()
    read = max(skip, utf8_end)
    try:
        with path.open("rb") as src, target.open("wb") as dst:
            src.seek(skip)
            title = src.read(read - skip)
            dst.write(title.replace(b"\r", b"\n") if cr_only else title)
            while chunk := src.read(TRANSCODE_CHUNK):
                text = decoder.decode(chunk)
                dst.write((text.replace("\r", "\n") if cr_only else text).encode("utf-8"))
                read += len(chunk)
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as error:
        target.unlink(missing_ok=True)
        line = _line_of(path, read + error.start - len(decoder.getstate()[0]))
        label = ENCODING_LABELS[encoding]
        raise ReadError(f"第 {line} 行有无法识别的字符 (按 {label} 编码读取): {SAVE_AS_UTF8}") from error
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _end_of_file_marks(path: Path) -> int:
    """How many bytes at a file's end are an old system's end-of-file mark (Ctrl-Z, 0x1A) or NUL padding: read as
    the last row's last cell, they had joined it as a line broken inside a cell and made its date unreadable (probe 28
    M1: 探访日期无法识别: 2026-10-20 / , the mark unseen by the clerk)."""
    with path.open("rb") as file:
        file.seek(max(path.stat().st_size - 65536, 0))
        tail = file.read()
    return len(tail) - len(tail.rstrip(b"\x1a\x00"))


def _without_tail(path: Path, length: int) -> Path:
    """A temporary copy of the file without its last `length` bytes."""
    target = temporary_file(".csv")
    try:
        shutil.copyfile(path, target)
        os.truncate(target, path.stat().st_size - length)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _head_records(path: Path, encoding: str, bom: int,
                  utf8_end: int = 0) -> tuple[list[list[str]], list[int], str, bool]:
    """The first records, the physical line each ends on, the delimiter, and whether lines end with
    CR alone (old Mac files). The lines up to `utf8_end` (a title above a GB18030 table) are UTF-8."""
    lines = []
    with path.open("rb") as raw:
        raw.seek(bom)
        title = io.StringIO(raw.read(max(utf8_end - bom, 0)).decode("utf-8"), newline="")
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        while len(lines) < HEADER_SEARCH_ROWS + 20 and (
                line := title.readline(MAX_LINE_CHARS) or text.readline(MAX_LINE_CHARS)):
            if len(line) == MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
                raise ReadError(f"第 {len(lines) + 1} 行超过 {MAX_LINE_CHARS:,} 个字符, 不是一份导出的表格")
            lines.append(line)
    cr_only = any(line.endswith("\r") for line in lines) and not any(line.endswith("\n") for line in lines)
    first_lines = lines[:HEADER_SEARCH_ROWS]
    delimiter = max(DELIMITERS, key=lambda d: sum(line.count(d) for line in first_lines))
    csv.field_size_limit(MAX_LINE_CHARS)  # the module's default (128 KB) is below what a long cell holds
    reader = csv.reader(lines, delimiter=delimiter)
    records, line_ends = [], []
    try:
        for record in reader:
            records.append(record)
            line_ends.append(reader.line_num)
    except csv.Error:  # a quote left open up to the end of the lines read: judged by the parse below
        pass
    return records, line_ends, delimiter, cr_only


LINE_BREAK = re.compile(rb"\r\n|\n|\r")


def _line_offset(data: BinaryIO | pa.NativeFile, lines: int) -> int:
    """Offset of the first byte after `lines` line breaks, read from the start of `data`: \r\n, \n or a lone \r,
    as _head_records counts the lines (a lone \r after the header had made the first person's row the header's)."""
    offset, after_cr = 0, False
    while lines and (chunk := data.read(SAMPLE_BYTES)):
        # a \r\n cut in two by the chunks: its \r was counted at the end of the chunk before
        for found in LINE_BREAK.finditer(chunk, 1 if after_cr and chunk.startswith(b"\n") else 0):
            lines -= 1
            if not lines:
                end = found.end()
                if found.group() == b"\r" and end == len(chunk) and data.read(1) == b"\n":
                    end += 1
                return offset + end
        after_cr = chunk.endswith(b"\r")
        offset += len(chunk)
    return offset


def _blank_line_thresholds(data: bytes, data_start: int, records: int) -> list[int]:
    """For each blank line below the header, the first data-record index it shifts by one more row.

    DuckDB's reader skips blank lines, but a clerk counts them: Excel shows them as rows.
    `data_start` is the offset of the first line below the header; `records` how many were read.
    """
    if data.count(b"\n", data_start) <= records:  # a line per record: no blank line (the usual case)
        return []
    blank_ends = []  # offsets of the line break that ends each blank line's predecessor
    for pattern in (b"\n\n", b"\n\r\n"):
        start = max(data_start - 1, 0)
        while (found := data.find(pattern, start)) != -1:
            blank_ends.append(found)
            start = found + 1
    thresholds: list[int] = []
    index, position = 0, data_start
    for offset in sorted(blank_ends):
        index += data.count(b"\n", position, offset + 1)  # the blank line's index below the header
        position = offset + 1
        thresholds.append(index - len(thresholds))
    return thresholds


def _row_numbers(first_row: int, count: int, blank_thresholds: list[int]) -> pa.Array:
    """Spreadsheet row of each data record: its index, plus the blank lines above it."""
    index = np.arange(count, dtype=np.int32)
    shift = np.searchsorted(np.asarray(blank_thresholds, np.int32), index, side="right")
    return pa.array(first_row + index + shift.astype(np.int32), pa.int32())


def _read_csv(path: Path, con: duckdb.DuckDBPyConnection, table: str, header_score: HeaderScore) -> RawSheet:
    encoding, bom, utf8_end = detect_encoding(path)
    records, line_ends, delimiter, cr_only = _head_records(path, encoding, bom, utf8_end)
    if encoding == "utf-8" and any("\ufffd" in cell for record in records for cell in record):
        # the first megabyte was UTF-8 (ASCII, say), the lines after it are not
        encoding = _encoding_past_the_sample(path, bom)
        records, line_ends, delimiter, cr_only = _head_records(path, encoding, bom)
    header_index = find_header(records, header_score)
    if header_index is None:
        raise ReadError("前 30 行中没有找到表头 (例如 身份证号、姓名、社区 等列名)")
    if utf8_end:
        _refuse_a_table_in_two_encodings(path, utf8_end, line_ends[header_index - 1] + 1 if header_index else 1)
    header = _header_cells(header_record(records, header_index, header_score))
    above = _people_above(records[:header_index], line_ends[:header_index])
    titles = [record for n, record in enumerate(records[:header_index]) if line_ends[n] not in above]
    report_date, unit = _preamble_facts(con, titles)
    # the widest record, not counting the empty cells a row may trail (Excel writes 16,383 commas
    # when something once touched column XFD)
    width = max(len(header), *(len(_header_cells(record)) for record in records[header_index:]))
    if width > MAX_COLUMNS:
        raise ReadError(f"表格有 {width:,} 列, 超过上限 {MAX_COLUMNS} 列: 请只保留需要导入的列")
    header_line = line_ends[header_index]

    source, temporary = path, None
    if encoding.startswith("utf-16") or cr_only:  # a line break byte can be half of a UTF-16 character: convert first
        temporary = source = _transcode_to_utf8(path, encoding, bom, cr_only, utf8_end)
        encoding, bom = "utf-8", 0
    elif junk := _end_of_file_marks(path):
        temporary = source = _without_tail(path, junk)
    try:
        cells = None
        while cells is None:
            try:
                # Arrow reads the file in blocks and parses each as it arrives: no copy of it is kept
                with pa.OSFile(str(source)) as body:
                    body.seek(_line_offset(body, header_line))
                    cells = _parse_with_arrow(body, encoding, delimiter, width)
                thresholds = []  # Arrow keeps blank lines, as rows of empty cells
            except (pa.ArrowInvalid, UnicodeDecodeError) as error:
                # not UTF-8 past the sampled megabyte: GB18030 throughout, or refused with its line
                if (encoding == "utf-8" and "utf8" in str(error).lower().replace("-", "")
                        and (encoding := _encoding_past_the_sample(source, bom)) != "utf-8"):
                    continue
                break
        joined: dict[int, int] = {}
        if cells is None:
            if encoding != "utf-8" and temporary is None:
                temporary = source = _transcode_to_utf8(path, encoding, bom, utf8_end=utf8_end)
            cells = _parse_with_duckdb(source, con, delimiter, header_line, width + SPARE_COLUMNS)
            data = source.read_bytes()
            data_start = _line_offset(io.BytesIO(data), header_line)
            thresholds = _blank_line_thresholds(data, data_start, cells.num_rows)
            # rows of uneven length: some may be one record broken over lines by a line break no quote encloses
            broken = _broken_records(data, data_start, delimiter, len(records[header_index]), cells.num_columns)
            if broken is not None:
                cells, row_numbers, joined = broken
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    cells = cells.add_column(0, "row_number", _row_numbers(header_line + 1, cells.num_rows, thresholds)
                             if not joined else pa.array([header_line + line for line in row_numbers], pa.int32()))
    _refuse_folded_rows(cells, delimiter, width)
    cells = _without_text_marks(_with_dittos_filled(_without_empty_rows(cells), header))
    cells = _with_rows_above(cells, above)
    con.register(table, cells)
    return RawSheet(table, cells, None, header, header_line, report_date, unit, cells.num_columns - 1,
                    preamble_text(titles), rows_above=frozenset(above),
                    joined_rows={header_line + line: column for line, column in joined.items()})


# The first cell of a row that is no data: a total, a subtotal named by its place, a signature, a note.
# a template's example row under its header (示例, 例：张三 …) or its instructions (填写说明：…, 填写户籍姓名 in the
# name's column): never a person,
# whatever valid-looking ID it shows (rejected if it loads, then dropped as no data)
EXAMPLE_FIRST_CELL = (r"^[\s　]*(填表|填写|填报)?[\s　]*(示例|样例|范例|举例)"
                      r"|^[\s　]*例[\s　]*([:：]|$)"
                      r"|^[\s　]*(填表|填写|填报)[\s　]*(说明|须知|要求)"
                      r"|^[\s　]*请?[\s　]*(填写|填入|选择)")
NOT_DATA_FIRST_CELL = (r"^[\s　]*(\S*?(社区|街道|居委会|村)|每日|每天|当日|本日|本月|全月)?[\s　]*(合|总|小)[\s　]*计"
                       r"|^[\s　]*\p{Han}{1,10}(合|总|小)计[\s　]*$"  # a place's subtotal by its name alone: 南京路小计
                       r"|^[\s　]*汇[\s　]*总[\s　]*行?[\s　]*([:：]|$)"  # an Excel table's total row (汇总)
                       # counts under the table without the word 合计: 总人数, 其中：独居 (review 2026-12-04, round 5)
                       r"|^[\s　]*(总人数|总户数|人数|其中[\s　]*[:：])"
                       r"|^[\s　]*(填表|制表|审核|复核|填报|统计|负责)[\s　]*人"
                       r"|^[\s　]*(填表|制表|审核|复核|审批|经办)[\s　]*[:：]"  # 制表：王红 审核：李明 (review 7)
                       r"|^[\s　]*(填表|制表|填报)[\s　]*(日期|时间|单位)"
                       r"|^[\s　]*(备注|说明|注)[\s　]*[:：]"
                       # the footer's lines: 联系电话：…, 日期：…, 报送单位（盖章）：…, a seal's place, page numbers
                       r"|^[\s　]*(联系电话|电话|日期|报送日期|报送单位|单位|单位负责人)[\s　]*[:：]"
                       r"|(盖章|公章|签章)|^[\s　]*(第[\s　]*\d+[\s　]*页|共[\s　]*\d+[\s　]*页)"
                       # a title again after a page break
                       r"|[（(][\s　]*续[\s　]*(表)?[\s　]*[)）][\s　]*$|续表[\s　]*$"
                       r"|" + EXAMPLE_FIRST_CELL)


# A cell holding an ID number and nothing else: on a row above the header, that row is a person's
PERSON_ID_CELL = re.compile(r"\s*'?\d{17}[\dXx]\s*")


def _people_above(records: list[list[str]], row_numbers: list[int]) -> dict[int, list[str]]:
    """{row number: its cells} of the rows above a header that are people's rows, not a title: an ID number alone in
    a cell and two more cells written (a person's row inserted at the top of a sheet, or sorted above its header).
    They had been neither loaded nor rejected, without a word (review 2026-12-04, round 5)."""
    return {number: record for number, record in zip(row_numbers, records, strict=True)
            if any(PERSON_ID_CELL.fullmatch(cell or "") for cell in record)
            and sum(bool((cell or "").strip()) for cell in record) >= 3}


def _with_rows_above(cells: pa.Table, above: dict[int, list[str]]) -> pa.Table:
    """The rows `above` the header (_people_above) put before the rows below it, each cell in its column."""
    if not above:
        return cells
    columns = {"row_number": pa.array(list(above), pa.int32())}
    for index, field in enumerate(cells.schema):
        if index:
            values = [record[index - 1] or None if index - 1 < len(record) else None for record in above.values()]
            columns[field.name] = pa.array(values, pa.string()).cast(field.type)
    return pa.concat_tables([pa.table(columns, schema=cells.schema), cells])


def _without_empty_rows(cells: pa.Table) -> pa.Table:
    """The rows that hold at least one cell: a file of a million blank lines (a clerk's Ctrl+Down), a sheet with a
    cell written far below its table (a stray 0 at AZ1048576: 15 s and 1.3 GB a sheet, when each empty row was
    staged), costs nothing past this point. They are not data, so no count changes; rows keep their numbers."""
    if cells.num_columns < 2:
        return cells
    holds_something = functools.reduce(pc.or_, (pc.is_valid(cells[name]) for name in cells.column_names[1:]))
    return cells if pc.all(holds_something).as_py() is not False else cells.filter(holds_something)


def _refuse_folded_rows(cells: pa.Table, delimiter: str, width: int) -> None:
    """ReadError when a cell holds whole lines of the file: a quote opened and never closed folds the
    lines after it into one cell, and rows a clerk sees would silently go missing.

    A cell may hold a line break (Alt+Enter in Excel), but not a line with as many delimiters as half
    a record: that is a record.
    """
    separators = max(2, (width - 1) // 2)
    pattern = f"[\\r\\n][^\\r\\n]*(?:{re.escape(delimiter)}[^\\r\\n]*){{{separators}}}"
    for name in cells.column_names[1:]:
        column = cells[name]
        distinct = [chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk for chunk in column.chunks]
        if not any(pc.any(pc.match_substring(values, "\n")).as_py() for values in distinct):
            continue  # no cell holds a line break: the usual case, decided on the distinct values
        folded = pc.match_substring_regex(column.cast(pa.string()), pattern)
        if pc.any(folded).as_py():
            at = pc.index(folded, True).as_py()
            row, cell = cells["row_number"][at].as_py(), column[at].as_py().rstrip("\r\n")
            lines = cell.count("\n") + cell.count("\r") - cell.count("\r\n")
            raise ReadError(f"第 {row} 行有一个引号 (\") 没有配对, 其后 {lines} 行被读进了同一个单元格: "
                            "请删去或配对这个引号后重新导入")


def _broken_records(data: bytes, start: int, delimiter: str, width: int,
                    columns: int) -> tuple[pa.Table, list[int], dict[int, int]] | None:
    """The records below the header (from byte `start` of the UTF-8 `data`), with each record that a line break no
    quote encloses broke over several lines joined again; None when no record is so broken (the cells DuckDB read
    stand). Also each record's line below the header, and, of each joined record, the column whose cell held the
    line break (0 = c0).

    A record is broken when its line holds fewer than the header's `width` cells, and the lines right below it, each
    short too, complete it: their cells and its own make `width` once the cell cut in two counts once (a note of
    several lines, typed by a system that does not quote it; review 11a L4: its tail had been a row of its own,
    rejected as a person without an ID, its words quoted as a street's name). Text on both sides of the break."""
    reader = csv.reader(io.StringIO(data[start:].decode("utf-8", "replace"), newline=""), delimiter=delimiter)
    lines: list[tuple[int, int, list[str]]] = []  # first line, last line, cells (none: a blank line)
    try:
        for record in reader:
            lines.append((lines[-1][1] + 1 if lines else 1, reader.line_num, record))
    except csv.Error:  # a quote left open: DuckDB's reading stands
        return None
    # a piece that starts a record of its own: its first cell as whole records' first cells are (a community, a
    # 序号), or an ID number in the column whole records hold theirs in
    whole = [cells for _, _, cells in lines if len(cells) == width]
    first_cells = {cells[0] for cells in whole}
    id_columns = collections.Counter(i for cells in whole for i, cell in enumerate(cells)
                                     if PERSON_ID_CELL.fullmatch(cell))
    id_column = id_columns.most_common(1)[0][0] if id_columns else None

    def continues(piece: list[str]) -> bool:
        return bool(piece[0].strip()) and piece[0] not in first_cells and not (
            id_column is not None and id_column < len(piece) and PERSON_ID_CELL.fullmatch(piece[id_column]))

    # A whole record whose last cell a line break cut is followed by its tail as lines of one cell, as a section's
    # heading (花园路社区), a 合计 or a signature are: a tail where no line of one cell stands above the first record
    # (a file of sections starts with its first heading), and the line is no total, signature or note
    # (NOT_DATA_FIRST_CELL). It had been a row of its own, rejected as 身份证号格式不对 and waiting for a correction.
    single = [index for index, (_, _, cells) in enumerate(lines) if len(cells) == 1 and cells[0].strip()]
    first_whole = next((index for index, (_, _, cells) in enumerate(lines) if len(cells) == width), len(lines))
    tails = width > 1 and all(index > first_whole for index in single)
    no_data = {index for index, matched in zip(single, pc.match_substring_regex(
        pa.array([lines[index][2][0] for index in single], pa.string()), NOT_DATA_FIRST_CELL).to_pylist(),
        strict=True) if matched} if tails and single else set()

    def tail(end: int) -> bool:
        return (tails and end < len(lines) and len(lines[end][2]) == 1 and end not in no_data
                and lines[end][0] == lines[end - 1][1] + 1 and continues(lines[end][2]))

    records, joined, index = [], {}, 0
    while index < len(lines):
        first, _, cells = lines[index]
        end, count = index + 1, len(cells)
        while (0 < count < width and end < len(lines) and 0 < len(lines[end][2]) < width
               and lines[end][0] == lines[end - 1][1] + 1):
            count += len(lines[end][2]) - 1
            end += 1
        if count == width and end == index + 1 and cells[-1].strip():
            while tail(end):
                end += 1
        pieces = [piece for _, _, piece in lines[index:end]]
        if end > index + 1 and count == width and all(p[-1].strip() for p in pieces[:-1]) and all(
                map(continues, pieces[1:])):
            merged = list(pieces[0])
            for piece in pieces[1:]:
                joined.setdefault(first, len(merged) - 1)
                merged[-1] += "\n" + piece[0]
                merged.extend(piece[1:])
            cells, index = merged, end
        else:
            index += 1
        if cells:
            records.append((first, cells))
    # an exporter that leaves out a row's empty cells at its end writes short rows, two of which may add up to a
    # record: joined only where every other row is whole (a line of one cell aside: a title, a 合计)
    if not joined or any(1 < len(cells) < width for _, cells in records):
        return None
    table = pa.table({name: pa.array([cells[i] or None if i < len(cells) else None for _, cells in records],
                                     pa.string()) for i, name in enumerate(_column_names(columns))})
    return table, [first for first, _ in records], joined


def _column_names(count: int) -> list[str]:
    return [f"c{i}" for i in range(count)]


def _parse_with_arrow(body: pa.NativeFile, encoding: str, delimiter: str, width: int) -> pa.Table:
    """The data lines below the header, every cell as text (empty: null), by Arrow's parallel parser.

    It is the fastest reader here (GB18030 included), but it wants every record to have `width`
    cells; anything else raises ArrowInvalid. A blank line is a record of empty cells, so records
    are numbered as Excel numbers rows. Cells come dictionary-encoded: an export repeats the same
    places, dates and words on thousands of rows, and DuckDB works on each distinct one once.
    """
    names = _column_names(width)
    cell_type = REPEATED_TEXT if encoding == "utf-8" else REPEATED_BYTES
    cells = pa_csv.read_csv(
        body,
        read_options=pa_csv.ReadOptions(column_names=names),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, cell_type),
                                              strings_can_be_null=True),
    )
    if encoding == "utf-8":
        return cells
    # GB18030 never uses the bytes of `,` `"` or a line break inside a character, so the file was
    # parsed as raw bytes (in parallel); now each distinct cell value is decoded once.
    return pa.table([pa.chunked_array([_decoded(chunk, encoding) for chunk in column.chunks], REPEATED_TEXT)
                     for column in cells.columns], names=names)


def _decoded(chunk: pa.DictionaryArray, encoding: str) -> pa.DictionaryArray:
    """A dictionary-encoded column of raw bytes as text; UnicodeDecodeError on a byte `encoding` lacks."""
    values = chunk.dictionary
    offsets = np.frombuffer(values.buffers()[1], np.int32, len(values) + 1, values.offset * 4)
    data = np.frombuffer(values.buffers()[2] or b"", np.uint8)[offsets[0]:offsets[-1]]
    if data.size == 0 or data.max() < 0x80:  # ASCII only (IDs, dates, phones): already valid UTF-8
        text = values.cast(pa.string())
    else:
        text = pa.array([value.decode(encoding) for value in values.to_pylist()], pa.string())
    return pa.DictionaryArray.from_arrays(chunk.indices, text)


def _parse_with_duckdb(path: Path, con: duckdb.DuckDBPyConnection, delimiter: str, header_line: int,
                       column_count: int) -> pa.Table:
    """The lenient reader, for UTF-8 files Arrow refuses: rows of uneven length (padded, and cells past
    the header kept up to SPARE_COLUMNS), stray quotes."""
    scan = (
        "select * from read_csv($path, header=false, auto_detect=false, columns=$columns,"
        " delim=$delim, quote='\"', escape='\"', null_padding=true, strict_mode=false,"
        " skip=$skip, parallel=$parallel, max_line_size=$max_line)"
    )
    params = {"path": str(path), "columns": dict.fromkeys(_column_names(column_count), "VARCHAR"),
              "delim": delimiter, "skip": header_line, "max_line": MAX_LINE_CHARS}
    try:
        try:
            return con.sql(scan, params=params | {"parallel": True}).to_arrow_table()
        except duckdb.Error as error:
            if "parallel=false" not in str(error):
                raise
            # Quoted line breaks inside cells (Alt+Enter in Excel) need the serial reader.
            return con.sql(scan, params=params | {"parallel": False}).to_arrow_table()
    except duckdb.Error as error:
        # the first line only: the next ones quote the offending line, personal data included
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if "maximum line size" in reason.lower():
            raise ReadError(f"有一行超过 {MAX_LINE_CHARS:,} 字节, 不是一份导出的表格") from error
        raise ReadError(f"CSV 格式错误: {reason.removeprefix('Invalid Input Error: ')}") from error


# --- Excel -----------------------------------------------------------------------------------


def _read_workbook(
    path: Path, con: duckdb.DuckDBPyConnection, table_prefix: str, header_score: HeaderScore
) -> tuple[list[RawSheet], list[UnreadSheet]]:
    sheets, unread, sideways = [], [], []
    for grid in _each_grid(path):
        header_index = _header_index(grid, header_score)
        if header_index is None:
            if not grid.hidden and (rows := rows_with_text(grid.cells)):  # a hidden one: a drop-down's words
                unread.append(UnreadSheet(grid.name, rows, sheet_lines(_grid_rows(grid.cells.slice(0, LEGEND_ROWS)))))
                if days_down(grid.cells):
                    sideways.append(grid.name)
            continue
        top, data = _fill_merged_cells(grid, header_index + 1)
        # the header's cells merged down over rows under it (序号 姓名 身份证号 over a row of days and one of weekdays):
        # those rows are the header's too, not people called 姓名
        continued = _header_rows_below(grid, header_index)
        header = _header_cells(header_record([[cell or "" for cell in row] for row in top], header_index,
                                             header_score))
        data = _with_dittos_filled(data.slice(continued), header)
        above_rows = [[cell or "" for cell in row] for row in top[:header_index]]
        above = _people_above(above_rows, list(range(grid.first_row, grid.first_row + header_index)))
        titles = [row for n, row in enumerate(above_rows) if grid.first_row + n not in above]
        report_date, unit = _preamble_facts(con, titles)
        first_row = grid.first_row + header_index + 1 + continued  # spreadsheet row of the first data row
        cells = _without_empty_rows(data.add_column(0, "row_number",
                                                    pa.array(range(first_row, first_row + data.num_rows), pa.int32())))
        cells = _with_rows_above(cells, above)
        preamble = preamble_text(titles)
        sheets.append(RawSheet(f"{table_prefix}_{len(sheets)}", cells, grid.name, header, first_row - 1, report_date,
                               unit, data.num_columns, preamble, grid.hidden, grid.hidden_columns,
                               grid.uncomputed_formulas, grid.struck_rows, grid.hidden_rows,
                               rows_above=frozenset(above), short_days=grid.short_days))
    if not sheets:
        if sideways:
            raise ReadError(f"工作表 {sideways[0]} {SIDEWAYS_REGISTER}")
        raise ReadError("所有工作表的前 30 行中都没有找到表头 (例如 身份证号、姓名、社区 等列名)")
    for sheet in sheets:  # once every sheet is read: a sheet that fails to read leaves none registered
        con.register(sheet.table, sheet.cells)
    return sheets, unread


def _each_grid(path: Path) -> Iterator[workbooks.Grid]:
    """The workbook's sheets one at a time (workbooks.each_grid), its errors told as the clerk reads them."""
    try:
        yield from workbooks.each_grid(path)
    except (workbooks.SheetTooLarge, workbooks.Encrypted) as error:
        raise ReadError(str(error)) from error
    except workbooks.WorkbookError as error:
        detail = f": {error}" if str(error) else ""
        raise ReadError(f"Excel 文件无法打开 (文件损坏或不是 Excel 格式){detail}") from error


# a register turned on its side, which no header search finds or finds no required column in (probe 26 L1: refused
# as having no header)
SIDEWAYS_REGISTER = ("是每行一天、每列一位老人的登记表 (行和列与常用的登记表颠倒), 未导入: 请在 Excel 中复制整个表, "
                     "用「选择性粘贴 → 转置」改为每行一位老人、每列一天 (1日…31日) 后重新导入")


def days_down(cells: pa.Table) -> bool:
    """Whether one of a sheet's first three columns (c0 …) holds most days of a month down its rows, each once (1日 …
    31日, 2026-10-01 …), as a register's header holds them across: a row per day, a column per elder. (A visit record's
    dates repeat.)"""
    head = cells.slice(0, HEADER_SEARCH_ROWS + 31)
    for name in [f"c{i}" for i in range(3) if f"c{i}" in head.column_names]:
        days = mappings.day_columns(["" if cell is None else str(cell) for cell in head.column(name).to_pylist()])
        if days and len(set(days.values())) == len(days):
            return True
    return False


def _header_index(grid: workbooks.Grid, header_score: HeaderScore) -> int | None:
    """The grid row of the sheet's header, looked for in its first 30 rows as a clerk would."""
    head = _grid_rows(grid.cells.slice(0, max(HEADER_SEARCH_ROWS - grid.first_row + 1, 0)))
    return find_header([[cell or "" for cell in row] for row in head], header_score)


# what a clerk writes for "the same as the cell above" (a merged cell by hand)
DITTOS = pa.array(["同上", "〃", "″", "〞", '"', "同前"], pa.string())


def _with_dittos_filled(cells: pa.Table, header: list[str]) -> pa.Table:
    """Each cell that says "the same as above" (同上, 〃) given the value of the nearest cell above it that says
    something, as a merged cell is (_fill_merged_cells); the row numbers and every other cell as they are. Not in an
    ID number's column (as the mappings name one: 身份证号, 公民身份号码, id_card …): 〃 there under another elder's
    name had made the visit that elder's, or a repeat of the row above, dropped (review 11a H1); left as written, the
    row is linked by its name and community, or kept aside showing the 同上 the clerk wrote (DESIGN §3: linked, never
    guessed)."""
    for index, name in enumerate(cells.column_names):
        column = cells.column(name)
        if name == "row_number" or not pa.types.is_string(column.type) and not pa.types.is_dictionary(column.type):
            continue
        if name.startswith("c") and name[1:].isdigit() and int(name[1:]) < len(header) and any(
                mappings.field_for(header[int(name[1:])] or "", kind) == "id_number" for kind in mappings.KIND_LABELS):
            continue
        if pa.types.is_dictionary(column.type):
            if not any(pc.any(pc.is_in(pc.utf8_trim_whitespace(chunk.dictionary), DITTOS)).as_py()
                       for chunk in column.chunks):
                continue
            column = column.cast(pa.string())
        ditto = pc.fill_null(pc.is_in(pc.utf8_trim_whitespace(column), DITTOS), False)
        if not pc.any(ditto).as_py():
            continue
        above = pc.fill_null_forward(pc.if_else(ditto, pa.scalar(None, pa.string()), column))
        cells = cells.set_column(index, name, pc.if_else(ditto, above, column))
    return cells


# How a CSV keeps a cell as text (an ID, a date) from Excel's conversions, which Excel itself does not show: a
# leading apostrophe, or a formula giving the text (="120101…")
TEXT_MARK = r"^'|^=\"(.*)\"$"


def _without_text_marks(cells: pa.Table) -> pa.Table:
    """Each cell of a CSV as Excel shows it: without the apostrophe or the ="…" that keeps it text."""
    for index, name in enumerate(cells.column_names):
        column = cells.column(name)
        if name == "row_number" or not pa.types.is_string(column.type) and not pa.types.is_dictionary(column.type):
            continue
        values = [chunk.dictionary for chunk in column.chunks] if pa.types.is_dictionary(column.type) else [column]
        if not any(pc.any(pc.match_substring_regex(value, TEXT_MARK)).as_py() for value in values):
            continue
        cells = cells.set_column(index, name, pc.replace_substring_regex(column.cast(pa.string()), TEXT_MARK, r"\1"))
    return cells


def each_distinct(column: pa.Array | pa.ChunkedArray, read: Callable[[str], str | None]) -> pa.Array:
    """A column of text with each distinct cell read once by `read` (a file repeats the same few words thousands of
    times); an empty cell stays empty."""
    encoded = pc.dictionary_encode(column.cast(pa.string()).combine_chunks()
                                   if isinstance(column, pa.ChunkedArray) else column.cast(pa.string()))
    return pa.array([None if value is None else read(value) for value in encoded.dictionary.to_pylist()],
                    pa.string()).take(encoded.indices)


# What macros.sql's masks of names (cv_mask_sheet_name, cv_mask_file_name) can change: a run of seven digits, or a
# name of Han characters alone (a person's shape). A name holding neither is said as it is, without planning a
# query of those macros (some ten milliseconds, for every file loaded).
_SEVEN_DIGITS = re.compile(r"\d(?:[-_\s]?\d){6}")
_HAN_ALONE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{1,8}(?:[·•・．.][\u3400-\u9fff\uf900-\ufaff]{1,8})?")


def maskable(name: str) -> bool:
    """Whether the masks of names could change `name` (a sheet's, or a file's before its extension)."""
    plain = unicodedata.normalize("NFKC", name)
    return bool(_SEVEN_DIGITS.search(plain) or _HAN_ALONE.fullmatch(Path(plain).stem or plain))


def masked_name(con: duckdb.DuckDBPyConnection, macro: str, name: str) -> str:
    """`name` as `macro` (cv_mask_file_name or cv_mask_sheet_name) masks it."""
    return text_macro(con, macro, name) if maskable(name) else name


def sheet_label(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """A sheet's name as a message says it: a workbook may keep a sheet per elder named by the elder, so the name is
    masked as macros.sql's cv_mask_sheet_name says."""
    return masked_name(con, "cv_mask_sheet_name", name)


def sheet_said(con: duckdb.DuckDBPyConnection, name: str | None, after: str = " ") -> str:
    """How a message names a sheet (工作表 X, its name masked: sheet_label); '' for a file without sheets (a CSV)."""
    return f"工作表 {sheet_label(con, name)}{after}" if name else ""


def rows_with_text(cells: pa.Table) -> int:
    """How many rows hold a cell of text with something other than spaces."""
    columns = [column for column in cells.columns if pa.types.is_string(column.type)]
    if not columns or cells.num_rows == 0:
        return 0
    texts = (pc.and_kleene(pc.is_valid(column), pc.match_substring_regex(column, r"[^\s]")) for column in columns)
    return pc.sum(functools.reduce(pc.or_kleene, texts).cast(pa.int64())).as_py() or 0


def _grid_rows(cells: pa.Table) -> list[list[str | None]]:
    return [list(row.values()) for row in cells.to_pylist()]


def _header_rows_below(grid: workbooks.Grid, header_index: int) -> int:
    """How many rows under the header a cell of the header row is merged down over (0 mostly): a header of two or
    three rows whose named cells span them all, the rows of day numbers, weekdays or 上午/下午 beside them."""
    below = [min(last_row - grid.first_row + 1, grid.cells.num_rows - 1) - header_index
             for (first_row, _), (last_row, _) in grid.merged if first_row - grid.first_row + 1 <= header_index]
    return max([0, *below])


def _fill_merged_cells(grid: workbooks.Grid, split: int) -> tuple[list[list[str | None]], pa.Table]:
    """Give every cell of a merged range the value Excel shows in its top-left cell.

    Returns the grid's first `split` rows as lists and the rest as columns.
    """
    top, data = _grid_rows(grid.cells.slice(0, split)), grid.cells.slice(split)
    patched: dict[int, list[str | None]] = {}

    def cell(row: int, col: int) -> str | None:
        if row < 0:
            return None
        if row < split:
            return top[row][col]
        return patched[col][row - split] if col in patched else data.column(col)[row - split].as_py()

    width, height = grid.cells.num_columns, grid.cells.num_rows
    for (first_row, first_col), (last_row, last_col) in grid.merged:
        first_row, last_row = first_row - grid.first_row + 1, min(last_row - grid.first_row + 1, height - 1)
        if first_row >= height or first_col >= width:
            continue
        value = cell(first_row, first_col)
        for col in range(first_col, min(last_col, width - 1) + 1):
            for row in range(max(first_row, 0), min(last_row, split - 1) + 1):
                top[row][col] = value
            below = max(first_row, split)  # the range's first row among the data rows
            if last_row >= below:
                values = patched.setdefault(col, data.column(col).to_pylist())
                values[below - split:last_row - split + 1] = [value] * (last_row - below + 1)
    for col, values in patched.items():
        data = data.set_column(col, data.column_names[col], pa.array(values, pa.string()))
    return top, data
