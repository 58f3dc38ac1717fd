"""Excel sheets as grids of text cells, read as fast as the sheet allows (fastexcel, else python-calamine;
lxml for the HTML tables and XML Spreadsheet 2003 files that systems save as .xls)."""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import datetime as dt
import functools
import math
import os
import re
import struct
import tempfile
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree, html
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

# A cell whose type is not text (a number, a date, a true/false): its column letters, row number,
# type and stored value, whatever the order of its attributes.
TYPED_CELL = re.compile(
    rb'<c\b(?![^>]*\bt="(?:s|str|inlineStr)")(?:(?=[^>]*\br="([A-Z]+)(\d+)"))?(?:(?=[^>]*\bt="(\w+)"))?'
    rb'[^>]*(?<!/)>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>([^<]*)</v>'
)
# A cell that holds something: its column letters and row number.
VALUED_CELL = re.compile(rb'<c\b[^>]*\br="([A-Z]+)(\d+)"[^>]*(?<!/)>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<(?:v|is)>')
# a column hidden in Excel: <col min="3" max="4" width="0" hidden="1"/>, its attributes in any order
HIDDEN_COLUMN = re.compile(rb'<(?:\w+:)?col\b(?=[^>]*\bhidden="(?:1|true)")'
                           rb'(?=[^>]*\bmin="(\d+)")(?=[^>]*\bmax="(\d+)")')
# a formula whose result was never computed: a program wrote the workbook (a Java exporter's template) and no
# spreadsheet saved it since; every reader sees the cell empty
UNCOMPUTED_FORMULA = re.compile(rb'<c\b[^>]*(?<!/)>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
# a cell tag written without a space after its name (<c>, <c/>, <c\tr=…>): one search for them all
CELL_OTHERWISE = re.compile(rb"[<:]c[>/\t\n\r]")
# a row hidden in Excel: <row r="7" spans="1:9" hidden="1" …>, its attributes in any order
HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b(?=[^>]*\bhidden="(?:1|true)")[^>]*?\br="(\d+)"')
HIDDEN_COLUMNS_SEARCH_BYTES = 1 << 20  # a sheet's column widths come first, within its first kilobytes
# Struck-through text (删除线), how a clerk crosses a person off a ledger: the fonts of styles.xml, the cell formats
# (cellXfs) that use one, a sheet's cells by format (s="3")
STYLE_FONTS = re.compile(rb"<(?:\w+:)?fonts\b.*?</(?:\w+:)?fonts>", re.S)
STYLE_FONT = re.compile(rb"<(?:\w+:)?font\b(?:[^>]*/>|.*?</(?:\w+:)?font>)", re.S)
STRIKE = re.compile(rb"<(?:\w+:)?strike\b(?![^>]*\bval\s*=\s*[\"'](?:0|false)[\"'])")
CELL_FORMATS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
CELL_FORMAT = re.compile(rb"<(?:\w+:)?xf\b[^>]*>")
FONT_ID = re.compile(rb"\bfontId\s*=\s*[\"'](\d+)")
STYLED_CELL = re.compile(rb'<c\b(?=[^>]*\br="[A-Z]+(\d+)")(?:(?=[^>]*\bs="(\d+)"))?[^>]*(?<!/)>'
                         rb'(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<(?:v|is)>')
STYLES_BYTES = 8 << 20  # of styles.xml read at most (a workbook's formats: kilobytes)
# Excel's error values (#N/A of a VLOOKUP that found nothing), which python-calamine reads as empty cells: in an
# .xlsx, a cell of type e; in an .xls (BIFF8), a BOOLERR record holding an error, or a FORMULA record whose kept
# result is one (its result's first byte 2, its last two 0xFFFF). The records' patterns only say that there may be
# one: xlrd then reads the cells.
XLSX_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b(?=[^>]*\bt="e")(?=[^>]*\br="([A-Z]+)(\d+)")[^>]*(?<!/)>'
                             rb'(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)?<(?:\w+:)?v>([^<]*)<')
_XLS_ERROR_CODES = rb"[\x00\x07\x0f\x17\x1d\x24\x2a]"
XLS_ERROR_RECORDS = (  # searched one at a time: each pattern's leading bytes make its search five times faster
    re.compile(rb"\x05\x02\x08\x00.{6}" + _XLS_ERROR_CODES + rb"\x01", re.DOTALL),
    re.compile(rb"\x06\x00.{8}\x02." + _XLS_ERROR_CODES + rb".{3}\xff\xff", re.DOTALL))
# a legacy .xls's ROW record (0x0208, 16 bytes) whose options say the row is hidden (fDyZero, 0x20 of its grbit)
XLS_HIDDEN_ROW = re.compile(rb"\x08\x02\x10\x00.{12}["
                            + b"".join(re.escape(bytes([byte])) for byte in range(256) if byte & 0x20) + rb"]",
                            re.DOTALL)
# a legacy .xls's COLINFO record (0x007D, 12 bytes) whose options say its columns are hidden (fHidden, 0x01 of grbit)
XLS_HIDDEN_COLUMNS = re.compile(rb"\x7d\x00\x0c\x00.{8}["
                                + b"".join(re.escape(bytes([byte])) for byte in range(256) if byte & 0x01) + rb"]",
                                re.DOTALL)
MERGED_RANGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")  # how fastexcel shows a date cell
PLAIN_WHOLE_NUMBER = r"^(-?[1-9]\d{0,14}|0)$"  # under 1e15: Excel keeps every digit
UNPREFIXED_SHEET = re.compile(rb"<worksheet\b")
TAIL_BYTES = 1 << 16
OOXML = {"main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
         "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}

# Bounds on a sheet, checked before the readers allocate its grid of (rows x columns) cells: a single
# cell at XFD1048576 would make that grid 17 G cells (the process aborts asking for 512 GB).
MAX_COLUMNS = 256  # an export has tens of columns; .xls itself stops at 256 (IV)
MAX_CELLS = 64 << 20  # 67 M cells: about 2 GB in the readers' grids
MAX_SHEETS = 500  # a workbook of a sheet per community, per month, for years: a few hundred at most
MAX_SHARED_STRINGS = MAX_CELLS // 4  # distinct texts: a table's are far fewer than its cells
# an attribute r written as XML allows it: r="A1", r='A1', r = "A1"
_R = rb"""\sr\s*=\s*["']"""
ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?" + _R + rb"(\d+)")
# A cell holding a value (<v>, an inline string <is>, a formula <f>) at or past a column, for the widths a sheet is
# tested against: AA (27), BA (53), DA (105), IW (257). One search each, which stops at the first match. A cell that
# holds only a format (<c r="KN7" s="3"/>: borders drawn past the table) is none: the readers skip it.
_HOLDS_VALUE = rb"""\d+["'][^>]*>\s*<(?:\w+:)?(?:v|is|f)\b"""
CELL_PAST_COLUMN = {past: re.compile(_R + columns + _HOLDS_VALUE) for past, columns in (
    (26, rb"[A-Z]{2,3}"), (52, rb"(?:[B-Z][A-Z]|[A-Z]{3})"), (104, rb"(?:[D-Z][A-Z]|[A-Z]{3})"),
    (256, rb"(?:I[W-Z]|[J-Z][A-Z]|[A-Z]{3})"))}
# Bounds on a zip (an .xlsx is one), checked on its directory before a part is unpacked. Measured: a 100,000-row sheet
# of 20 columns written by openpyxl unpacks to 123 MB, 9.8 times its packed size; rows formatted and empty (the most
# compressible part a real file holds) to 30 times. A byte repeated, deflated, unpacks to 1,000 times.
MAX_UNPACKED_BYTES = 1 << 30  # all the parts (or exports) of one zip together: eight such sheets
MAX_PACKING_RATIO = 100
RATIO_FLOOR_BYTES = 1 << 20  # a smaller part costs nothing to unpack, whatever its ratio (a printer's settings: zeros)
SPREADSHEET_2003 = "urn:schemas-microsoft-com:office:spreadsheet"
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MergedRange = tuple[tuple[int, int], tuple[int, int]]  # (first row, first column), (last row, last column)


@dataclass(frozen=True)
class Grid:
    """A sheet's cells as text, columns c0, c1, ... from column A; merged cells not filled in yet."""

    name: str
    cells: pa.Table
    first_row: int  # spreadsheet row of the grid's first row (rows above it are empty)
    merged: list[MergedRange]  # 0-based, counted from A1
    reader: str  # "fastexcel" or "python-calamine"
    hidden: bool = False  # hidden in Excel (or very hidden): a clerk sending the file does not see it
    hidden_columns: frozenset[int] = frozenset()  # columns hidden in Excel, 0 = A (of an .xlsx or .xls)
    struck_rows: frozenset[int] = frozenset()  # spreadsheet rows whose every cell written is struck through
    hidden_rows: frozenset[int] = frozenset()  # spreadsheet rows hidden in Excel
    uncomputed_formulas: int = 0  # cells holding a formula but no result (UNCOMPUTED_FORMULA), read as empty
    # number cells whose number reads as a month and a day of 1 to 3 (10.1): what Excel keeps of 10.10, 10.20, 10.30
    # typed into a cell of the General format; (spreadsheet row, column 0 = A)
    short_days: frozenset[tuple[int, int]] = frozenset()


class WorkbookError(Exception):
    """The file is not a workbook that can be opened."""


class SheetTooLarge(WorkbookError):
    """A sheet past MAX_COLUMNS or MAX_CELLS; the message, for the clerk, names it and the bound."""


class ZipBomb(SheetTooLarge):
    """A zip that unpacks to more than any export does, or to more than it declares; the message is for the clerk."""


class Encrypted(WorkbookError):
    """A workbook saved with a password to open it; the message, for the clerk, says how to send it."""


class _NeedsCalamine(Exception):
    """The sheet holds something only python-calamine's reading is trusted with."""


def display_width(value: object) -> int:
    """Columns a cell takes in a spreadsheet, for sizing a column to its text: a Chinese character two (its
    GB18030 length: one encode, not a loop over the characters), a date or time as formatted."""
    if isinstance(value, str):
        return len(value.encode("gb18030", "replace"))
    if isinstance(value, dt.datetime):
        return len("2026-01-01 00:00:00")
    if isinstance(value, dt.date):
        return len("2026-01-01")
    return 0 if value is None else len(str(value))


def excel_text(value: object) -> str | None:
    """A cell as the clerk sees it in Excel: a whole number as its digits while Excel keeps them all (a 12-digit
    place code typed as a number is intact), one of 16+ digits as Excel shows it (1.20101E+17: an ID whose last
    digits Excel has already lost)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            if abs(value) < 1e15:
                return str(int(value))
            mantissa, exponent = f"{value:.5E}".split("E")
            return f"{mantissa.rstrip('0').rstrip('.')}E{exponent[0]}{int(exponent[1:]):02d}"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_grids(path: Path, fast: bool = True) -> list[Grid]:
    """Every sheet, in the workbook's order; WorkbookError when the file cannot be opened.

    `fast=False` reads every sheet with python-calamine: the reference the fast reading is tested against.
    """
    return list(each_grid(path, fast))


def each_grid(path: Path, fast: bool = True) -> Iterator[Grid]:
    """read_grids' sheets one at a time, each read when the one before is done with: a reader keeps of a sheet
    only what it needs (four sheets of a million empty rows each had been held at once, 2.9 GB)."""
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(ZIP_MAGIC):
        suffix = zip_kind(path) or (path.suffix.lower() if path.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx")
    elif head.startswith(OLE_MAGIC):
        suffix = ".xls"
    elif (markup := _markup_kind(head)) is not None:
        yield from _markup_grids(path, markup)
        return
    else:
        raise WorkbookError("文件内容不是 Excel 格式")
    with _named_with_suffix(path, suffix) as path:
        hidden_rows = _check_sheet_sizes(path) if suffix != ".xls" else {}
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except Exception as error:  # calamine raises several private error types
            if suffix == ".xls" and _is_encrypted_package(path):
                raise Encrypted("文件设置了打开密码, 无法读取: 请在 Excel 或 WPS 中取消密码 (文件 → 信息 → "
                                "保护工作簿 → 用密码进行加密, 清空密码) 后保存, 再导入") from error
            raise WorkbookError("") from error  # calamine's words (File not found '_rels/.rels') are no clerk's
        try:
            yield from _grids(path, workbook, fast, hidden_rows)
        except CalamineError as error:  # a sheet's XML broken or written as no spreadsheet program writes it
            raise WorkbookError("工作表的内容无法读取 (文件已损坏, 或不是由 Excel、WPS 保存的): "
                                "请用 Excel 或 WPS 打开后另存为新的 .xlsx") from error
        finally:
            workbook.close()


# Workbooks of other programs in a zip, which python-calamine reads too: LibreOffice's and WPS's OpenDocument (.ods),
# by its mimetype part; Excel's binary workbook (.xlsb), by its workbook part
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
XLSB_WORKBOOK = "xl/workbook.bin"


def zip_kind(path: Path) -> str | None:
    """".ods" or ".xlsb" for a zip that is one (ODS_MIMETYPE, XLSB_WORKBOOK), whatever its name says; else None."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.getinfo("mimetype").file_size < 256:
                with package.open("mimetype") as stream:
                    if stream.read(256).strip().startswith(ODS_MIMETYPE):
                        return ".ods"
            return ".xlsb" if XLSB_WORKBOOK in names else None
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
        return None  # the size check says what is wrong with it


def _is_encrypted_package(path: Path) -> bool:
    """Whether a compound file holds an EncryptedPackage stream: an .xlsx saved with a password to open it (its
    directory names the stream in UTF-16, within the file's bytes; read a megabyte at a time)."""
    name, tail = "EncryptedPackage".encode("utf-16-le"), b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            if name in tail + chunk:
                return True
            tail = chunk[-len(name):]
    return False


def is_workbook(path: Path) -> bool:
    """Whether the file's bytes are a workbook (.xlsx, .xls, or an HTML or XML table a system saves as one),
    whatever its name says: a workbook renamed .csv opens in Excel and WPS all the same."""
    with path.open("rb") as f:
        head = f.read(4096)
    return head.startswith((ZIP_MAGIC, OLE_MAGIC)) or _markup_kind(head) is not None


@contextlib.contextmanager
def _named_with_suffix(path: Path, suffix: str) -> Iterator[Path]:
    """`path`, or a link to it ending in `suffix`: the readers go by the name, and an .xlsx saved as
    .xls (or the other way round) opens in Excel all the same."""
    if path.suffix.lower() == suffix:
        yield path
        return
    link = Path(tempfile.mkstemp(suffix=suffix, prefix=f"carevisit-{os.getpid()}-")[1])
    link.unlink()
    link.symlink_to(path.absolute())
    try:
        yield link
    finally:
        link.unlink(missing_ok=True)


# --- bounds: a sheet's size from its XML, before any reader allocates its grid --------------


def _check_sheet_sizes(path: Path) -> dict[str, frozenset[int]]:
    """SheetTooLarge when the cells a sheet really holds span more than MAX_COLUMNS columns or MAX_CELLS cells.
    Its declared range (<dimension>) is not the measure: Excel stretches it over every cell ever formatted (borders
    drawn to column KN), which the readers skip, as they do the range itself. The XML is streamed, never held
    whole. Before it, ZipBomb for a package past the bounds of check_packing; and every part is unpacked once here,
    so that none a reader reads holds more than it declares. Returns each sheet part's hidden rows."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            check_packing(members, "工作簿")
            names = {info.filename: info for info in members}
            parts = _sheet_parts(path) or sorted(n for n in names
                                                 if n.startswith("xl/worksheets/") and n.endswith(".xml"))
            if len(parts) > MAX_SHEETS:
                raise SheetTooLarge(f"工作簿有 {len(parts):,} 个工作表, 超过上限 {MAX_SHEETS} 个: "
                                    "请只保留需要导入的工作表后重新保存")
            sheet_names = _sheet_names(package) or parts
            measured, hidden = set(), {}
            for name, part in zip(sheet_names, parts, strict=False):
                if part in names:
                    hidden[part] = _check_sheet_size(path, names[part], name)
                    measured.add(names[part])
            if "xl/sharedStrings.xml" in names:
                _check_shared_strings(path, names["xl/sharedStrings.xml"])
                measured.add(names["xl/sharedStrings.xml"])
            for member in members:  # the others (workbook, styles, a second entry of a sheet's name): only unpacked
                if member not in measured:
                    for _chunk in unpacked(path, member):
                        pass
            return hidden
    # a part packed as zipfile cannot unpack (NotImplementedError) or encrypted (RuntimeError): no export is
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        # (the library's own words, "File is not a zip file", are no clerk's: said in theirs)
        raise WorkbookError("内容不完整, 可能没有传完或没有保存完: 请重新保存、导出或发送") from error


def check_packing(members: list[zipfile.ZipInfo], what: str) -> None:
    """ZipBomb when the members of a zip (`what`: 工作簿, 压缩包) declare more than MAX_UNPACKED_BYTES together, or
    one of them, or all together, past RATIO_FLOOR_BYTES more than MAX_PACKING_RATIO times its packed size: a bomb,
    not an export."""
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise ZipBomb(f"{what}解压后有 {total / 2**20:,.0f} MB, 超过上限 ({MAX_UNPACKED_BYTES >> 20:,} MB), 未导入: "
                      "请分成几个文件再导入")
    packed = sum(member.compress_size for member in members)
    # each part past the floor, and all of them together (many small parts, each under it: probe28b)
    for unpacked_size, packed_size in [(m.file_size, m.compress_size) for m in members] + [(total, packed)]:
        if unpacked_size > max(RATIO_FLOOR_BYTES, MAX_PACKING_RATIO * packed_size):
            ratio = unpacked_size / max(packed_size, 1)
            raise ZipBomb(f"{what}异常 (压缩比过高: 解压后是压缩时的 {ratio:,.0f} 倍), 不是导出的表格, 未导入")


def unpacked(path: Path, member: zipfile.ZipInfo, size: int = 4 << 20) -> Iterator[bytes]:
    """A member of the zip at `path`, in chunks of `size` bytes or more, unpacked as far as its packed bytes go:
    ZipBomb as soon as that is past the size it declares. Python's zipfile stops there without a word, where a
    reader that trusts the stream (fastexcel's) reads on, unbounded. BadZipFile for a member cut short or damaged."""
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or member.flag_bits & 0x1:
        # packed as no spreadsheet program packs (bzip2, LZMA; encrypted): our readers do not unpack them, and
        # Python's own reading stops at the declared size
        with zipfile.ZipFile(path) as package, package.open(member) as stream:
            while chunk := stream.read(size):
                yield chunk
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if member.compress_type == zipfile.ZIP_DEFLATED else None
    buffer, produced, crc = bytearray(), 0, 0
    for piece in _unpacked_pieces(path, member, inflater, size):
        produced += len(piece)
        if produced > member.file_size:
            raise ZipBomb("文件异常 (解压后的内容比文件中记录的大小更大: 文件已损坏或被改动过), 未导入")
        crc = zlib.crc32(piece, crc)
        if not buffer and len(piece) >= size:
            yield piece
            continue
        buffer += piece
        if len(buffer) >= size:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)
    if produced != member.file_size or crc != member.CRC:
        raise zipfile.BadZipFile(f"{member.filename} 的内容与记录的不符")


def _unpacked_pieces(path: Path, member: zipfile.ZipInfo, inflater, size: int) -> Iterator[bytes]:
    """The member's packed bytes, as stored after its local header, inflated (or as they are, when stored)."""
    with path.open("rb") as raw:
        raw.seek(member.header_offset)
        local = raw.read(30)
        if len(local) < 30 or not local.startswith(ZIP_MAGIC):
            raise zipfile.BadZipFile(f"{member.filename} 的位置不对")
        raw.seek(member.header_offset + 30 + sum(struct.unpack("<HH", local[26:30])))  # past its name and extra
        left = member.compress_size
        while left > 0 and not (inflater and inflater.eof):
            packed = raw.read(min(left, 1 << 20))
            if not packed:
                raise zipfile.BadZipFile(f"{member.filename} 不完整")
            left -= len(packed)
            if inflater is None:
                yield packed
                continue
            while packed and not inflater.eof:  # a megabyte packed may be a gigabyte unpacked: `size` at a time
                yield inflater.decompress(packed, size)
                packed = inflater.unconsumed_tail
        if inflater:
            yield inflater.flush()


def _check_shared_strings(path: Path, part: zipfile.ZipInfo) -> None:
    """SheetTooLarge when the workbook's table of texts holds more than MAX_SHARED_STRINGS: the readers load it whole
    (a few megabytes can unpack to a hundred million texts that no cell uses)."""
    count = 0
    for chunk in unpacked(path, part):
        count += chunk.count(b"<si") + chunk.count(b":si")  # each text's tag, of any namespace, counted fast
        if count > MAX_SHARED_STRINGS:
            raise SheetTooLarge(f"工作簿中的文字有 {count:,} 条以上, 超过上限 ({MAX_SHARED_STRINGS:,} 条): "
                                "请用 Excel 或 WPS 打开后另存为新的 .xlsx")


def _sheet_names(package: zipfile.ZipFile) -> list[str] | None:
    try:
        book = ET.fromstring(package.read("xl/workbook.xml"))
    except (KeyError, ET.ParseError):
        return None
    return [sheet.get("name", "") for sheet in book.iterfind("main:sheets/main:sheet", OOXML)]


def _check_sheet_size(path: Path, part: zipfile.ZipInfo, name: str) -> frozenset[int]:
    """The cells: their last row (of any row written, formatted only or not), which of the widths in
    CELL_PAST_COLUMN the cells holding a value pass, and how many cells are written at all (formatted ones
    too: the XML of MAX_CELLS of them is gigabytes to read, whatever they hold). Returns the rows the sheet hides
    (<row r= hidden="1">: a person who left, hidden rather than deleted), seen in the same pass."""
    width, last_row, written, tail = 26, 0, 0, b""
    hidden: set[int] = set()
    for chunk in unpacked(path, part):
        window = tail + chunk
        for past, pattern in CELL_PAST_COLUMN.items():  # widths in order: a cell past BA is past AA too
            if past < width:
                continue
            if not pattern.search(window):
                break
            width = 2 * past if past < 104 else (MAX_COLUMNS if past == 104 else MAX_COLUMNS + 1)
        if _cells_without_reference(chunk):  # no reference to read the column from: the row's cells counted
            rows = window.replace(b":row", b"<row").split(b"<row")
            width = max(width, *(row.count(b"<c") + row.count(b":c") for row in rows))
        # every tag starting <c (<col> too: a few), of any namespace: cells written, counted fast
        written += chunk.count(b"<c") + chunk.count(b":c")
        if width > MAX_COLUMNS or written > MAX_CELLS:
            break
        last_row = max(last_row, *map(int, ROW_NUMBER.findall(window)), 0)
        if b"hidden=" in window:
            hidden.update(int(row) for row in HIDDEN_ROW.findall(window))
        tail = window[-512:]  # a reference (a row's tag) cut in two by the chunks is whole in the next window
    _refuse_size(name, width, last_row, written)
    return frozenset(hidden)


def _cells_without_reference(chunk: bytes) -> bool:
    """Whether a chunk of a sheet's XML may hold cells without a reference (r="B7"), which a reader places by their
    order in the row. Told by counting, as fast as a scan of the bytes: every program writes r first (<c r="A1" …);
    a cell written otherwise (<c s="1" r="A1">, <c\tr=…>) only takes the slower count of each row's cells."""
    return (chunk.count(b"<c ") > chunk.count(b'<c r="') or chunk.count(b":c ") > chunk.count(b':c r="')
            or CELL_OTHERWISE.search(chunk) is not None)


def _refuse_size(sheet: str, columns: int, rows: int, written: int = 0) -> None:
    if columns <= MAX_COLUMNS and columns * rows <= MAX_CELLS and written <= MAX_CELLS:
        return
    if columns > MAX_COLUMNS:
        what = f"有单元格在第 {MAX_COLUMNS} 列以外"
    elif written > MAX_CELLS:
        what = f"写有 {written:,} 个以上的单元格 (含只设了格式的)"
    else:
        what = f"有 {rows:,} 行、{columns} 列以上"
    raise SheetTooLarge(f"工作表 {sheet} {what}, 超过上限 ({MAX_COLUMNS} 列, {MAX_CELLS:,} 个单元格): "
                        "请删除表格以外远处的单元格 (按 Ctrl+End 可以找到) 后重新保存")


def _grids(path: Path, workbook: CalamineWorkbook, fast: bool,
           hidden_rows: dict[str, frozenset[int]] | None = None) -> Iterator[Grid]:
    """The sheets as grids; `hidden_rows`: each sheet part's, as the size check saw them (_check_sheet_size)."""
    parts = _sheet_parts(path) if path.suffix.lower() in (".xlsx", ".xlsm") else None
    if parts is None or len(parts) != len(workbook.sheet_names):
        parts = [None] * len(workbook.sheet_names)
    visible = [sheet.visible == SheetVisibleEnum.Visible for sheet in workbook.sheets_metadata]
    if len(visible) != len(workbook.sheet_names):
        visible = [True] * len(workbook.sheet_names)
    struck_formats = _struck_formats(path) if any(parts) else frozenset()
    xls_struck = _xls_struck_rows(path, len(workbook.sheet_names)) if path.suffix.lower() == ".xls" else None
    xls_errors = _xls_error_cells(path, len(workbook.sheet_names)) if path.suffix.lower() == ".xls" else None
    xls_hidden = _xls_hidden_rows(path, len(workbook.sheet_names)) if path.suffix.lower() == ".xls" else None
    xls_hidden_columns = (_xls_hidden_columns(path, len(workbook.sheet_names)) if path.suffix.lower() == ".xls"
                          else None)
    for index, (name, part) in enumerate(zip(workbook.sheet_names, parts, strict=True)):
        try:
            if part is None or not fast:
                raise _NeedsCalamine
            grid = _fast_grid(path, index, name, part)
        except _NeedsCalamine:
            grid = _calamine_grid(workbook, index, name)
            errors = (_xlsx_error_cells(path, part) if part else xls_errors[index] if xls_errors else {})
            if errors:
                grid = dataclasses.replace(grid, cells=_with_cells(grid.cells, errors))
        yield dataclasses.replace(grid, hidden=not visible[index],
                                  hidden_columns=_hidden_columns(path, part) if part
                                  else xls_hidden_columns[index] if xls_hidden_columns else frozenset(),
                                  hidden_rows=(hidden_rows or {}).get(part, frozenset()) if part
                                  else xls_hidden[index] if xls_hidden else frozenset(),
                                  struck_rows=_struck_rows(path, part, struck_formats) if part and struck_formats
                                  else xls_struck[index] if xls_struck else frozenset(),
                                  uncomputed_formulas=grid.uncomputed_formulas if grid.reader == "fastexcel"
                                  else _uncomputed_formulas(path, part) if part else 0, short_days=grid.short_days)


def _uncomputed_formulas(path: Path, part: str) -> int:
    """How many cells of a sheet hold a formula without its result (UNCOMPUTED_FORMULA)."""
    with zipfile.ZipFile(path) as package:
        xml = package.read(part)
    return len(UNCOMPUTED_FORMULA.findall(xml)) if b"<f" in xml else 0


def _struck_formats(path: Path) -> frozenset[int]:
    """The cell formats (their index in cellXfs, a cell's s="…") whose font is struck through; none when the package
    has no styles.xml where Excel and WPS put it."""
    try:
        with zipfile.ZipFile(path) as package, package.open("xl/styles.xml") as stream:
            xml = stream.read(STYLES_BYTES)
    except (KeyError, zipfile.BadZipFile):
        return frozenset()
    fonts, formats = STYLE_FONTS.search(xml), CELL_FORMATS.search(xml)
    if fonts is None or formats is None:
        return frozenset()
    struck = {index for index, font in enumerate(STYLE_FONT.findall(fonts[0])) if STRIKE.search(font)}
    return frozenset(index for index, cell_format in enumerate(CELL_FORMAT.findall(formats[0]))
                     if (font := FONT_ID.search(cell_format)) and int(font[1]) in struck)


def _xls_sheets(path: Path, sheet_count: int, read_sheet, formatting_info: bool = False,
                worth_reading=lambda book: True) -> list | None:
    """Of a legacy .xls, `read_sheet(sheet)` of each sheet as xlrd reads it: what python-calamine, which reads its
    cells, does not tell (formats, error values). None when `worth_reading(book)` finds nothing to look for (most
    files are read no further), or xlrd cannot read the file (its cells were read: the load goes on without)."""
    import xlrd  # imported here: only .xls files need it

    try:
        book = xlrd.open_workbook(str(path), formatting_info=formatting_info, on_demand=True)
    except Exception:  # xlrd raises many kinds on a file it cannot read (calamine read it)
        return None
    try:
        if book.nsheets != sheet_count or not worth_reading(book):
            return None
        sheets = []
        for index in range(sheet_count):
            sheets.append(read_sheet(book.sheet_by_index(index)))
            book.unload_sheet(index)
        return sheets
    except Exception:  # (a sheet's records broken where calamine did not look)
        return None
    finally:
        book.release_resources()


def _xls_struck_rows(path: Path, sheet_count: int) -> list[frozenset[int]] | None:
    """Of a legacy .xls, each sheet's _struck_rows; None when none of its fonts is struck through."""
    import xlrd

    struck: set[int] = set()  # the cell formats whose font is struck through

    def any_struck(book) -> bool:
        fonts = {index for index, font in enumerate(book.font_list) if font.struck_out}
        struck.update(index for index, xf in enumerate(book.xf_list) if xf.font_index in fonts)
        return bool(struck)

    def struck_rows(sheet) -> frozenset[int]:
        rows: dict[int, bool] = {}
        for r in range(sheet.nrows):
            for c, cell in enumerate(sheet.row(r)):
                if cell.ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    rows[r + 1] = rows.get(r + 1, True) and sheet.cell_xf_index(r, c) in struck
        return frozenset(number for number, is_struck in rows.items() if is_struck)

    return _xls_sheets(path, sheet_count, struck_rows, formatting_info=True, worth_reading=any_struck)


def _xls_hidden_rows(path: Path, sheet_count: int) -> list[frozenset[int]] | None:
    """Of a legacy .xls, each sheet's rows hidden in Excel (from 1), as an .xlsx's (_check_sheet_size); None when no
    row record says hidden (XLS_HIDDEN_ROW: most files are read no further)."""
    def hidden_rows(sheet) -> frozenset[int]:
        return frozenset(row + 1 for row, info in sheet.rowinfo_map.items() if info.hidden)

    return _xls_sheets(path, sheet_count, hidden_rows, formatting_info=True,
                       worth_reading=lambda book: XLS_HIDDEN_ROW.search(book.mem) is not None)


def _xls_hidden_columns(path: Path, sheet_count: int) -> list[frozenset[int]] | None:
    """Of a legacy .xls, each sheet's columns hidden in Excel (0 = A), as an .xlsx's (_hidden_columns): an outdated
    column hidden beside the new one had been read in its place (probe 28 H1: last year's categories, 4 of 5 elders);
    None when no column record says hidden (XLS_HIDDEN_COLUMNS: most files are read no further)."""
    def hidden_columns(sheet) -> frozenset[int]:
        return frozenset(column for column, info in sheet.colinfo_map.items() if info.hidden)

    return _xls_sheets(path, sheet_count, hidden_columns, formatting_info=True,
                       worth_reading=lambda book: XLS_HIDDEN_COLUMNS.search(book.mem) is not None)


def _xls_error_cells(path: Path, sheet_count: int) -> list[dict[tuple[int, int], str]] | None:
    """Of a legacy .xls, each sheet's cells holding an error value, as Excel shows it (#N/A), by (row, column) from
    A1 = (0, 0); None when its records hold none (XLS_ERROR_RECORDS: the errors then read as empty cells)."""
    import xlrd

    def error_cells(sheet) -> dict[tuple[int, int], str]:
        return {(r, c): xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#N/A")
                for r in range(sheet.nrows)
                for c, cell_type in enumerate(sheet.row_types(r)) if cell_type == xlrd.XL_CELL_ERROR}

    return _xls_sheets(path, sheet_count, error_cells,
                       worth_reading=lambda book: any(record.search(book.mem) for record in XLS_ERROR_RECORDS))


def _xlsx_error_cells(path: Path, part: str) -> dict[tuple[int, int], str]:
    """Of a sheet python-calamine reads, its cells holding an error value (#N/A), by (row, column) from A1 = (0, 0)."""
    with zipfile.ZipFile(path) as package:
        xml = package.read(part)
    if b't="e"' not in xml:
        return {}
    return {(int(row) - 1, _column_index(letters)): value.decode("utf-8", "replace") or "#N/A"
            for letters, row, value in XLSX_ERROR_CELL.findall(xml)}


def _with_cells(cells: pa.Table, written: dict[tuple[int, int], str]) -> pa.Table:
    """`cells` (columns c0, c1 …, a row per spreadsheet row from row 1) with the cells `written` put in."""
    for col in sorted({c for _, c in written}):
        name = f"c{col}"
        if name not in cells.column_names:
            continue
        column = cells.column(name).to_numpy(zero_copy_only=False).copy()
        for (row, c), text in written.items():
            if c == col and row < len(column):
                column[row] = text
        cells = cells.set_column(cells.column_names.index(name), name, pa.array(column, pa.string()))
    return cells


def _struck_rows(path: Path, part: str, struck_formats: frozenset[int]) -> frozenset[int]:
    """The spreadsheet rows of a sheet whose every cell that holds something is struck through (a person or a record
    crossed off rather than deleted)."""
    with zipfile.ZipFile(path) as package:
        xml = package.read(part)
    # a template may define a struck format and never use it: the cells are looked at only when one does
    if not re.search(rb'\ss="(?:' + b"|".join(b"%d" % index for index in sorted(struck_formats)) + rb')"', xml):
        return frozenset()
    rows: dict[int, bool] = {}
    for row, cell_format in STYLED_CELL.findall(xml):
        number = int(row)
        rows[number] = rows.get(number, True) and cell_format != b"" and int(cell_format) in struck_formats
    return frozenset(number for number, struck in rows.items() if struck)


def _hidden_columns(path: Path, part: str) -> frozenset[int]:
    """The columns a sheet hides in Excel (its <col min= max= hidden=> before the cells; 1 = A), 0 = A: an outdated
    column a street hid rather than deleted. None are when the sheet's head is not within its first megabyte."""
    with zipfile.ZipFile(path) as package, package.open(part) as stream:
        head = b""
        while b"<sheetData" not in head and len(head) < HIDDEN_COLUMNS_SEARCH_BYTES and (chunk := stream.read(1 << 16)):
            head += chunk
    head = head[:head.find(b"<sheetData")] if b"<sheetData" in head else b""
    hidden = set()
    for first, last in HIDDEN_COLUMN.findall(head):
        hidden.update(range(int(first) - 1, min(int(last), MAX_COLUMNS)))
    return frozenset(hidden)


# --- python-calamine: every workbook, cell by cell in Python ---------------------------------


def _short_days(numbers: np.ndarray) -> np.ndarray:
    """Which numbers read as a month and a day of 1 to 3 (10.1, stored 10.1 or 10.100000000000001): Grid.short_days."""
    tenths = np.round(numbers * 10)
    return ((numbers >= 1) & (numbers < 13) & (np.abs(numbers * 10 - tenths) < 1e-6)
            & np.isin(np.mod(tenths, 10), (1, 2, 3)))


def _calamine_grid(workbook: CalamineWorkbook, index: int, name: str) -> Grid:
    sheet = workbook.get_sheet_by_index(index)
    rows = sheet.to_python(skip_empty_area=False)
    # column by column: the transpose and the type check run in C, Python only touches the cells
    # of columns that hold numbers or dates
    columns = list(zip(*rows, strict=True))
    cells = pa.table({f"c{i}": pa.array(_text_column(column), pa.string()) for i, column in enumerate(columns)})
    merged = [tuple(map(tuple, cell_range)) for cell_range in sheet.merged_cell_ranges or []]
    floats = [(col, row, cell) for col, column in enumerate(columns) if not set(map(type, column)) <= {str}
              for row, cell in enumerate(column) if type(cell) is float]
    shorts = _short_days(np.array([cell for *_, cell in floats], float))
    short_days = frozenset((row + 1, col) for (col, row, _), short in zip(floats, shorts, strict=True) if short)
    return Grid(name, cells, 1, merged, "python-calamine", short_days=short_days)


def _text_column(values: tuple) -> list:
    """A column's cells as text; all-text columns (most of an export) pass through untouched.

    Always a list: pyarrow converts a list of str four times faster than a tuple.
    """
    if set(map(type, values)) <= {str}:
        return list(values)
    return [cell if type(cell) is str and cell else excel_text(cell) for cell in values]


# --- fastexcel: the sheet's text in Rust, straight into Arrow --------------------------------
# fastexcel shows numbers and dates its own way (120101199001011200, 2024-03-05 00:00:00), so the
# cells that are not text are found in the sheet's XML, alongside, and shown as Excel shows them.


def _sheet_parts(path: Path) -> list[str] | None:
    """The XML part of each sheet, in the workbook's order; None when the package is unusual."""
    try:
        with zipfile.ZipFile(path) as package:
            book = ET.fromstring(package.read("xl/workbook.xml"))
            relations = ET.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        targets = {relation.get("Id"): relation.get("Target", "") for relation in relations}
        sheet_ids = [sheet.get(f"{{{OOXML['rel']}}}id") for sheet in book.iterfind("main:sheets/main:sheet", OOXML)]
        parts = [targets[sheet_id].removeprefix("/") for sheet_id in sheet_ids]
    except (KeyError, ET.ParseError, zipfile.BadZipFile):
        return None
    parts = [part if part.startswith("xl/") else f"xl/{part}" for part in parts]
    return parts if all(part.startswith("xl/worksheets/") for part in parts) else None


@dataclass(frozen=True)
class _TypedCells:
    """Every number, date and true/false cell of a sheet, as numpy arrays."""

    rows: np.ndarray  # spreadsheet row numbers
    cols: np.ndarray  # 0 = A
    cell_types: np.ndarray  # b"n" (or b"", the same), b"b" or b"e" (an error: #N/A, #REF! …)
    values: np.ndarray  # as stored

    @classmethod
    def of(cls, found: list[tuple[bytes, bytes, bytes, bytes]]) -> _TypedCells:
        """From TYPED_CELL's groups; _NeedsCalamine for a cell without its reference, or an error or ISO date."""
        letters, row_numbers, cell_types, values = (
            (np.array(part) for part in zip(*found, strict=True)) if found else (np.array([], "S1"),) * 4
        )
        if (letters == b"").any() or not np.isin(cell_types, (b"", b"n", b"b", b"e")).all():
            raise _NeedsCalamine
        column_letters, column_of_cell = np.unique(letters, return_inverse=True)
        cols = np.array([_column_index(letter) for letter in column_letters.tolist()], np.int64)[column_of_cell]
        return cls(row_numbers.astype(np.int64), cols, cell_types, values)


@dataclass(frozen=True)
class _SheetXml:
    typed: _TypedCells
    merged: list[MergedRange]
    uncomputed: int  # cells of a formula without its result
    first: re.Match | None  # the first and last cells that hold something
    last: re.Match | None


def _fast_grid(path: Path, index: int, name: str, part: str) -> Grid:
    with ThreadPoolExecutor(1) as pool:  # fastexcel and zlib release the GIL: the two run side by side
        text = pool.submit(_fastexcel_text, path, index)
        sheet = _scan_sheet_xml(path, part)
        try:
            table = text.result()
        except Exception as error:  # fastexcel's own error types
            raise _NeedsCalamine from error
    columns = [table.column(i).cast(pa.string()) for i in range(table.num_columns)]
    first_row, offset = _grid_origin(sheet, columns)
    _show_typed_cells(sheet.typed, columns, first_row, offset)
    empty = pa.nulls(table.num_rows, pa.string())
    cells = pa.table({f"c{i}": empty for i in range(offset)}
                     | {f"c{offset + i}": column for i, column in enumerate(columns)})
    typed = sheet.typed  # (in numpy: a sheet may hold millions of numbers)
    numeric = np.flatnonzero(np.isin(typed.cell_types, (b"", b"n")))
    try:
        short = numeric[_short_days(typed.values[numeric].astype(float))]
    except ValueError:  # a number cell whose value is no number: nothing to say of it here
        short = numeric[:0]
    return Grid(name, cells, first_row, sheet.merged, "fastexcel", uncomputed_formulas=sheet.uncomputed,
                short_days=frozenset(zip(typed.rows[short].tolist(), typed.cols[short].tolist(), strict=True)))


def _scan_sheet_xml(path: Path, part: str) -> _SheetXml:
    with zipfile.ZipFile(path) as package:
        xml = package.read(part)
    if not UNPREFIXED_SHEET.search(xml, 0, 4096):
        raise _NeedsCalamine  # namespace prefixes (x:c): the patterns would see nothing
    data_end = xml.rfind(b"</sheetData>")
    return _SheetXml(
        typed=_TypedCells.of(TYPED_CELL.findall(xml)),
        merged=[_merged_range(*found) for found in MERGED_RANGE.findall(xml, max(data_end, 0))],
        uncomputed=len(UNCOMPUTED_FORMULA.findall(xml)) if b"<f" in xml else 0,
        first=VALUED_CELL.search(xml),
        last=_last_valued_cell(xml, data_end if data_end >= 0 else len(xml)),
    )


def _grid_origin(sheet: _SheetXml, columns: list[pa.Array]) -> tuple[int, int]:
    """The spreadsheet row of fastexcel's first row, and the column its first column is (0 = A).

    fastexcel starts at the first row and column that hold something, without saying where that is:
    the sheet's first and last cells that hold something must sit where fastexcel shows them.
    """
    if sheet.first is None or sheet.last is None or not columns or len(columns[0]) == 0:
        raise _NeedsCalamine
    first_row, first_col = int(sheet.first.group(2)), _column_index(sheet.first.group(1))
    last_row, last_col = int(sheet.last.group(2)), _column_index(sheet.last.group(1))
    first_shown = min((i for i, column in enumerate(columns) if column[0].is_valid), default=-1)
    last_shown = max((i for i, column in enumerate(columns) if column[-1].is_valid), default=-1)
    offset = first_col - first_shown
    if first_shown < 0 or offset < 0 or last_col - offset != last_shown or last_row - first_row + 1 != len(columns[0]):
        raise _NeedsCalamine
    return first_row, offset


def _show_typed_cells(typed: _TypedCells, columns: list[pa.Array], first_row: int, offset: int) -> None:
    """Replace fastexcel's text of every number, date and true/false cell with Excel's.

    Column by column in Arrow: whole numbers as stored, dates cut to the day when that is all they
    hold. Only true/false, huge or fractional numbers and dates with seconds' fractions are shown
    one by one, in Python.
    """
    if len(typed.rows) == 0:
        return
    rows, cols, cell_types, values = typed.rows - first_row, typed.cols - offset, typed.cell_types, typed.values
    if rows.min() < 0 or rows.max() >= len(columns[0]) or cols.min() < 0 or cols.max() >= len(columns):
        raise _NeedsCalamine
    for col in np.unique(cols).tolist():
        in_column = cols == col
        at = rows[in_column]
        stored = pa.array(values[in_column], pa.binary()).cast(pa.string())
        # an error cell (a lookup that found nothing: #N/A) as Excel shows it, which fastexcel reads as empty: a value
        # nobody wrote, that staging quotes as it does any it cannot read (review 11a M1: a category or a consent read
        # as blank, without a word; an outcome #DIV/0! as 正常)
        shown = pc.if_else(pa.array(cell_types[in_column] == b"e"), stored, columns[col].take(pa.array(at)))
        if shown.null_count:
            raise _NeedsCalamine  # a cell fastexcel saw as empty
        is_bool = pa.array(cell_types[in_column] == b"b")
        is_date = pc.match_substring_regex(shown, "^" + ISO_DATETIME.pattern)  # a number formatted as a date
        is_day_or_moment = pc.and_(pc.match_substring_regex(shown, "^" + ISO_DATETIME.pattern + "$"),
                                   pc.greater(pc.utf8_slice_codeunits(shown, 0, 4), "1900"))
        is_whole = pc.and_not(pc.match_substring_regex(stored, PLAIN_WHOLE_NUMBER), pc.or_(is_bool, is_date))
        day = pc.if_else(pc.ends_with(shown, " 00:00:00"), pc.utf8_slice_codeunits(shown, 0, 10), shown)
        text = pc.if_else(is_day_or_moment, day, pc.if_else(is_whole, stored, None)).to_numpy(zero_copy_only=False)
        one_by_one = np.flatnonzero(~pc.or_(is_day_or_moment, is_whole).to_numpy(zero_copy_only=False))
        for i in one_by_one.tolist():
            text[i] = _typed_text(cell_types[in_column][i], stored[i].as_py(), shown[i].as_py())
        cells = columns[col].to_numpy(zero_copy_only=False)
        cells[at] = text
        columns[col] = pa.array(cells, pa.string())


def _fastexcel_text(path: Path, index: int) -> pa.RecordBatch:
    import fastexcel  # imported here: only .xlsx files need it

    return fastexcel.read_excel(str(path)).load_sheet(index, header_row=None, dtypes="string").to_arrow()


def _typed_text(cell_type: bytes, value: str, shown: str) -> str | None:
    """A number, date or true/false cell as excel_text shows it, from its stored value and fastexcel's text."""
    if cell_type == b"b":
        return excel_text(value == "1")
    if cell_type == b"e":
        return value
    if ISO_DATETIME.match(shown):  # a number formatted as a date
        moment = dt.datetime.fromisoformat(shown)
        if moment.year <= 1900:  # a time of day or a duration: only the number format tells which
            raise _NeedsCalamine
        return excel_text(moment)
    return excel_text(float(value))


def _last_valued_cell(xml: bytes, end: int) -> re.Match | None:
    size = TAIL_BYTES
    while True:
        start = max(end - size, 0)
        matches = list(VALUED_CELL.finditer(xml, start, end))
        if matches or start == 0:
            return matches[-1] if matches else None
        size *= 16


def _merged_range(first_col: bytes, first_row: bytes, last_col: bytes, last_row: bytes) -> MergedRange:
    last_col, last_row = last_col or first_col, last_row or first_row
    return ((int(first_row) - 1, _column_index(first_col)), (int(last_row) - 1, _column_index(last_col)))


@functools.cache
def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


# --- markup: .xls files that are HTML tables or XML Spreadsheet 2003 -------------------------
# Government systems often save these as .xls; Excel and WPS open them without a word. Cells are
# read with lxml, rows and merged ranges placed as Excel places them.


def _markup_kind(head: bytes) -> str | None:
    """"xml2003", "html" or None, from the file's first bytes."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if not text.startswith(b"<"):
        return None
    if SPREADSHEET_2003.encode() in text or b'progid="excel.sheet"' in text:
        return "xml2003"
    if any(tag in text for tag in (b"<html", b"<table", b"<!doctype html", b"<meta", b"<head", b"<body")):
        return "html"
    return None


def _markup_grids(path: Path, kind: str) -> list[Grid]:
    data = path.read_bytes()
    try:
        return _xml2003_grids(data) if kind == "xml2003" else [_html_grid(data, path.stem)]
    except (etree.LxmlError, ValueError) as error:
        raise WorkbookError(f"{'XML' if kind == 'xml2003' else 'HTML'} 表格无法解析: {error}") from error


class _GridBuilder:
    """Cells placed by (row, column) from 0, with merged ranges; bounded by MAX_COLUMNS and MAX_CELLS."""

    def __init__(self, name: str):
        self.name = name
        self.cells: dict[tuple[int, int], str] = {}
        self.merged: list[MergedRange] = []
        self.height = self.width = 0

    def put(self, row: int, col: int, value: str | None, down: int = 0, across: int = 0) -> None:
        self.height, self.width = max(self.height, row + down + 1), max(self.width, col + across + 1)
        _refuse_size(self.name, self.width, self.height)
        if value is not None and value != "":
            self.cells[row, col] = value
        if down or across:
            self.merged.append(((row, col), (row + down, col + across)))

    def grid(self) -> Grid:
        columns: list[list[str | None]] = [[None] * self.height for _ in range(self.width)]
        for (row, col), value in self.cells.items():
            columns[col][row] = value
        cells = pa.table({f"c{i}": pa.array(column, pa.string()) for i, column in enumerate(columns)})
        return Grid(self.name, cells, 1, self.merged, "lxml")


def _xml2003_grids(data: bytes) -> list[Grid]:
    """XML Spreadsheet 2003: Worksheet > Table > Row > Cell > Data, with ss:Index to skip ahead and
    ss:MergeAcross / ss:MergeDown for merged cells."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=False)
    root = etree.fromstring(data, parser)
    ss = f"{{{SPREADSHEET_2003}}}"
    grids = []
    for sheet in root.iter(f"{ss}Worksheet"):
        builder = _GridBuilder(sheet.get(f"{ss}Name") or f"Sheet{len(grids) + 1}")
        row = -1
        for row_element in sheet.iterfind(f"{ss}Table/{ss}Row"):
            row = _index(row_element, ss, row)
            col = -1
            for cell in row_element.iterfind(f"{ss}Cell"):
                col = _index(cell, ss, col)
                value = cell.find(f"{ss}Data")
                text = _xml2003_text(value.get(f"{ss}Type"), "".join(value.itertext())) if value is not None else None
                across, down = int(cell.get(f"{ss}MergeAcross", 0)), int(cell.get(f"{ss}MergeDown", 0))
                if across < 0 or down < 0:
                    raise WorkbookError("XML 表格中的合并范围 (ss:MergeAcross, ss:MergeDown) 是负数: 文件已损坏")
                builder.put(row, col, text, down, across)
                col += across
        grids.append(builder.grid())
    if not grids:
        raise WorkbookError("XML 表格中没有工作表")
    return grids


def _index(element, ss: str, previous: int) -> int:
    """An element's 0-based position: its ss:Index (from 1) when given, else the one after the previous."""
    given = element.get(f"{ss}Index")
    if given and int(given) < 1:  # a place before the first row or column: no program writes it
        raise WorkbookError(f"XML 表格中的位置 ss:Index={int(given)} 不是正整数: 文件已损坏")
    return int(given) - 1 if given else previous + 1


def _xml2003_text(cell_type: str | None, value: str) -> str | None:
    """A cell as Excel shows it: numbers and dates as excel_text shows them."""
    try:
        if cell_type == "Number":
            return excel_text(float(value))
        if cell_type == "DateTime":
            return excel_text(dt.datetime.fromisoformat(value.removesuffix("Z")))
        if cell_type == "Boolean":
            return excel_text(value.strip() == "1")
    except ValueError:
        pass
    return value


HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
HTML_ROW_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "caption"}


def _html_encoding(data: bytes) -> str:
    """The encoding a browser (and Excel) would read the page in: the byte-order mark, else the
    <meta charset>, else UTF-8 when it decodes as such, else GB18030. GB2312 and GBK are read as
    GB18030, which holds them both."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if found := HTML_CHARSET.search(data, 0, 4096):
        declared = found.group(1).decode("ascii").lower()
        if declared in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
            return "gb18030"
        with contextlib.suppress(LookupError):
            return codecs.lookup(declared).name
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _html_grid(data: bytes, title: str) -> Grid:
    """Excel's view of a page: each table row a row, with rowspan and colspan as merged cells, and a
    heading or paragraph outside the tables a row of its own."""
    parser = html.HTMLParser(encoding=_html_encoding(data).removesuffix("-sig"), no_network=True)
    document = html.document_fromstring(data, parser=parser)
    name = (document.findtext(".//title") or "").strip() or title
    builder = _GridBuilder(name)
    row = 0
    for element in document.body.iter() if document.body is not None else ():
        if element.tag in HTML_ROW_BLOCKS and not element.xpath(".//table|ancestor::table"):
            if text := _html_text(element):
                builder.put(row, 0, text)
                row += 1
        elif element.tag == "table" and not element.xpath("ancestor::table"):
            row = _html_table(element, builder, row)
    return builder.grid()


def _html_table(table, builder: _GridBuilder, row: int) -> int:
    """Place a table's rows from `row`; the row after it."""
    covered_to: dict[int, int] = {}  # column -> last row a rowspan from above covers it to
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        col = 0
        for td in tr.xpath("./td|./th"):
            while covered_to.get(col, -1) >= row:
                col += 1
            across = min(_span(td.get("colspan")), 1000) - 1  # the limits browsers apply
            down = min(_span(td.get("rowspan")), 65534) - 1
            builder.put(row, col, _html_text(td), down, across)
            for covered in range(col, col + across + 1):
                covered_to[covered] = row + down
            col += across + 1
        row += 1
    return row


def _span(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def _html_text(element) -> str:
    """A cell's text as Excel shows it: line breaks at <br>, runs of spaces (and &nbsp;) as one."""
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    lines = "".join(element.itertext()).replace("\xa0", " ").split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip()
