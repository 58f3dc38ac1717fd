"""Load export files: read, recognise, validate in SQL, stage; every row loaded or rejected."""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import json
import logging
import re
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils import get_column_letter

from etl import corrections, day_registers, diskspace, mappings, month_registers, visit_rounds
from etl.readers import (
    EXAMPLE_FIRST_CELL,
    HEADER_SEARCH_ROWS,
    LEGEND_ROWS,
    NOT_DATA_FIRST_CELL,
    SIDEWAYS_REGISTER,
    YEAR_ALONE,
    RawSheet,
    ReadError,
    UnreadSheet,
    days_down,
    display_name,
    each_distinct,
    leftover,
    masked_name,
    named_months,
    named_text,
    read_export,
    release,
    rows_with_text,
    sheet_label,
    sheet_lines,
    sheet_said,
)
from etl.settings import Settings
from etl.sqlfiles import first_row, scalar, sql, text_macro
from etl.warehouse import WriteSession, open_for_writing

# What a load that failed in an unforeseen way says to whoever runs the server (_unreadable): where, never what
LOG = logging.getLogger("carevisit.ingest")
# Columns a file of each kind cannot do without (any one alias of each group).
REQUIRED = {
    "roster": (("id_number",), ("name",), ("community",)),
    "visits": (("visit_date",), ("method",), ("id_number", "name")),
    "contacts": (("id_number", "name"), ("contact_name",)),
}
FIELDS = {
    "roster": ("id_number", "name", "district", "street", "community", "sex", "birth_date", "address",
               "phone", "categories", "living", "disability", "consent", "status", "status_reason", "alive", "deceased",
               "in_roster", "cancelled", "moved_out",
               "exit_elsewhere", "change_date", "reg_date", "visitor", "risk_level", "report_date", "notes"),
    "visits": ("id_number", "name", "district", "street", "community", "visit_date", "visit_time", "method", "outcome",
               "visitor", "visitor_role", "findings", "problem", "action", "referral", "emergency", "resolution",
               "latitude", "longitude", "position", "entered_at", "notes", "record_status", "sheet_month", "duration"),
    "contacts": ("id_number", "name", "district", "street", "community", "contact_name", "relation",
                 "contact_phone", "has_key", "set_date"),
}
# Checks across rows, run on the staged rows once each row is validated on its own: SELECTs of the
# src_id and reason of the rows they reject.
LATER_STEPS = {"visits": ("staging/visit_repeats", "staging/visit_repeats_named")}
# The marts a later step reads: it runs where they are built (a warehouse that was loaded before)
STEP_READS = {"staging/visit_repeats_named": "elder_name_keys"}
TARGET_TABLE = {"roster": "roster_rows", "visits": "visit_rows", "contacts": "contact_rows"}
# What a staged row stores, where it is not one row of its table: a contact list's row, a row for each contact
# person it names (staging/contacts.sql), numbered from 1 (the row's first: what load_conservation counts)
STORED_ROWS = {"contacts": "(select s.* exclude (contacts), unnest(s.contacts, recursive := true) from {rows} s)"}
# How staging's reason for an exact repeat of a stored row begins (staging/visit_repeats.sql, contacts.sql,
# corrections_contacts.sql): such a row is kept aside, with nothing to correct
REPEAT = "重复记录"
# A roster none of whose columns is the category column: every elder counts by their age alone (review 2026-12-04:
# the same people under 特殊困难情况 left 独居日联系率 and 失能帮扶率 without a word)
NO_CATEGORY_COLUMN = ("没有找到特殊困难类别一列 (如 特殊困难类别、人员类别): 本表中只有按身份证号年满 {age} 岁的老人"
                      "计为特殊困难老年人; 如类别写在别的列名下, 请把列名改为 特殊困难类别 后重新导入")
# A file of a header and nothing under it
NO_ROWS = "表中只有表头, 没有数据行: 如发错了文件, 请重新报送"
# The kinds of cell a column's cells share (_cell_kind), tried in order
CELL_KINDS = (("id", re.compile(r"\d{17}[\dXx]|\d{15}")), ("mobile", re.compile(r"1\d{10}")),
              ("date", re.compile(r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]?\s*(\d{1,2}\s*[日号]?)?.*")),
              ("number", re.compile(r"\d{1,4}")), ("long number", re.compile(r"\d+")))
# A CSV row with more cells than its header (_reject_shifted_rows)
SHIFTED = "本行比表头多出几格, 其后各列错位 (可能某格中写了逗号, 如地址 南京路12号,3门201): 请核对这一行后重新报送"
# … and for a record its system marks cancelled or void (staging/visits.sql): no visit took place, nothing to fix
VOID = "记录未完成、已取消或作废"
# … and for a visit sent again as it was, still wrong, whose correction is loaded (_take_corrected_rows): its
# fixed version is stored, nothing to fix (probe 29 M1: it waited again, and its street was asked to fix it twice)
CORRECTED_BEFORE = "此行之前已退回修改并已改正"
# … and for a roster's or a contact list's, which take their corrected values instead (_take_corrected_rows)
LISTED_AS_CORRECTED = "按改正后的内容导入, 无需再改"
# The field a row is rejected for when it lies outside the place of the staff who sent it (_reject_out_of_scope): its
# street sends it, the sender has nothing to correct (review 14 L3: 待修改 in the sender's queue, for ever)
OUTSIDE_PLACE = "place_scope"
FIELD_LABELS = {"id_number": "身份证号", "name": "姓名", "community": "社区", "visit_date": "探访日期",
                "method": "探访方式", "contact_name": "联系人"}
SHEET_ROW_STRIDE = 10_000_000  # src_id = sheet index * stride + row number
# The temp tables a file's staging makes (stage, _stage_source): dropped once its rows are stored
STAGING_TABLES = ("staged", "stg_sheets", "stg_places", "stg_words", "stg_tries", "stg_claims", "stg_origin",
                  "sheet_rejects", "sheet_nobody", "stg_resent", "stg_refixable", "stg_refixed")
# A roster's row saying its community has nobody to list: every written cell but its place's either such words (无,
# 暂无, 本社区暂无特殊困难老年人, 暂无此类人员) or a row number or a dash (_set_aside_nobody)
NOBODY = (r"^[（(]?(本社区|本居委会|本村|该社区|本街道|辖区内?|本月|目前|现)?(暂无|无|没有|尚无|暂未有)"
          r"([^，,；;。]{0,16}(老人|老年人|人员|对象|人))?[)）]?[。.]?$")
NOBODY_FILLER = r"^(\d{1,3}|[/\-—－]+)$"
# Row order means nothing in staging (rows carry src_id and row_number): without it, DuckDB fills
# the staged rows and stores them on both cores (the insert takes half the time).
UNORDERED = {"preserve_insertion_order": "false"}
# The staging SELECTs join the file's rows to lookups of its distinct values, each lookup written on the
# right, as the side DuckDB builds its hash table on. Left to reorder, DuckDB estimates a distinct of
# 10 M rows at 10 M and builds on the file's rows instead, past the load's memory limit.
AS_WRITTEN = {"disabled_optimizers": "join_order,build_side_probe_side"}


class FileError(Exception):
    """A file that cannot be loaded at all; the message is for the bureau clerk."""


@dataclass(frozen=True)
class FileResult:
    file_name: str
    status: str  # loaded | skipped | failed
    kind: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    warning_count: int = 0
    load_id: int | None = None
    message: str | None = None
    parts: tuple[FileResult, ...] = ()  # a workbook of several kinds: one load per kind
    # of the rows rejected, the repeats of a row stored or of another row of the file (重复记录): counted once
    # already, nothing to fix
    rows_repeated: int = 0
    # of the rows rejected, those with nothing to fix (rejects.resolved_by its own load): the repeats, voided records
    # and rows of another's place (a staff member's upload of the street's file: 不属于您的辖区)
    rows_settled: int = 0

    @property
    def rows_to_fix(self) -> int:
        """The rows rejected that wait for a correction: not those with nothing to fix (a staff member whose rejected
        rows were all another's place's had been offered a corrections workbook of no row)."""
        return self.rows_rejected - self.rows_settled


Progress = Callable[[str, str], None]  # (file name, stage)
Done = Callable[[FileResult], None]  # a file's result, as soon as it is known


def ingest(paths: Sequence[Path], settings: Settings, kind: str | None = None,
           progress: Progress | None = None, place_scope: str | None = None,
           done: Done | None = None) -> list[FileResult]:
    """Load files into the warehouse in one swap; unreadable files are reported, not loaded.

    With `place_scope` (the place of a street's or a community's staff who sent them), rows outside
    that place are rejected, and a file with none inside it is refused."""
    results = []
    with open_for_writing(settings.db_path, settings.config) as session:
        for path in paths:
            result = load_file(session, Path(path), kind, progress or (lambda _file, _stage: None), place_scope)
            session.changed |= result.status == "loaded"
            results.append(result)
            if done:
                done(result)
        if progress and session.changed:
            progress("", "building")
    return results


def load_file(session: WriteSession, path: Path, kind: str | None, progress: Progress,
              place_scope: str | None = None) -> FileResult:
    """One file loaded, its result and progress under its name as stored and shown: masked where it names an elder
    (补录120101194204131377蒋志刚.xlsx: 补录1201**********1377蒋**.xlsx), as every message quotes it."""
    name = display_name(path)
    shown = masked_name(session.con, "cv_mask_file_name", name)
    result = _load_file(session, path, kind, lambda _file, stage: progress(shown, stage), place_scope, shown)
    if result.status == "loaded":  # a loaded file's result names it as stored (_people_unnamed)
        return result
    shown = _known_people_unnamed(session.con, shown)
    if shown == name:
        return result
    return dataclasses.replace(result, file_name=shown,
                               parts=tuple(dataclasses.replace(part, file_name=shown) for part in result.parts))


def _load_file(session: WriteSession, path: Path, kind: str | None, progress: Progress,
               place_scope: str | None, stored_name: str) -> FileResult:
    """`stored_name`: the file's name as stored and shown (load_file)."""
    con = session.con
    name = display_name(path)
    try:
        if not path.is_file():
            raise FileError(_not_a_file(path))
        if path.stat().st_size == 0:
            raise FileError("文件是空的 (0 字节): 请重新导出或重新发送")
        if leftover(path.name):
            return FileResult(name, "skipped",
                              message="是 Excel、WPS 或苹果电脑留下的临时或附属文件, 不是导出的表格, 已跳过")
        progress(name, "checking")
        version = _version(path)
        size = version[0]
        with ThreadPoolExecutor(max_workers=1) as hasher:  # hashlib lets go of the GIL: it runs alongside
            digest = hasher.submit(_sha256, path)
            # Only a file of the size of a loaded one can be that file again: compare hashes first
            # then. Any other file is read and staged while it is hashed.
            same_size = "select 1 from loads where size_bytes = ? or size_bytes is null"  # null: size unknown
            if first_row(con, same_size, [size]) and (
                already := first_row(con, "select file_name from loads where sha256 = ?", [digest.result()])
            ):
                # a street's staff is not told the name another street gave it
                said = f" (与 {already[0]} 内容相同)" if place_scope in (None, "all") else ""
                return FileResult(name, "skipped", message=f"已导入过{said}")
            progress(name, "reading")
            words_dir = session.config.words_dir
            sheets, unread = read_export(path, con, "raw_sheet",
                                         functools.partial(mappings.header_score, words_dir=words_dir))
            read = list(sheets)
            uncomputed = [sheet for sheet in sheets if sheet.uncomputed_formulas]
            try:
                cells = _cells_digest(con, sheets, unread)
                if already := first_row(con, "select l.file_name from load_contents c join loads l using (load_id) "
                                             "where c.cells = ?", [cells]):
                    said = f" (与 {already[0]} 的内容相同)" if place_scope in (None, "all") else ""
                    return FileResult(name, "skipped", message=f"已导入过{said}: 表格内容没有变化, 只是另存过")
                sheets, hidden = _shown_sheets(sheets, kind, words_dir)
                sheets, registers = _days_as_sheets(con, sheets, name, kind, words_dir)
                sheets = [_with_section_headings(con, sheet, kind, words_dir) for sheet in sheets]
                read += [sheet for sheet in sheets if all(sheet is not r for r in read)]
                correction = corrections.claim(con, sheets, kind, place_scope, name)
                if correction:  # a corrections workbook is read as the file it corrects was
                    own = [correction.own_sheet(i, s) for i, s in enumerate(sheets)]
                    context = corrections.origin_context(con, correction)
                    parts, lookups = [(sheets, *_recognise(con, own, correction.kind, words_dir, context=context))], []
                else:  # a workbook may hold a roster sheet and a visit sheet: each kind is a load of its own
                    sheets = [part for sheet in sheets for part in _months_as_sheets(con, sheet, kind, name, words_dir)]
                    read += [sheet for sheet in sheets if all(sheet is not r for r in read)]
                    lookups = _lookup_sheets(sheets, kind, words_dir)
                    people = [sheet for sheet in sheets if all(sheet is not lookup for lookup in lookups)]
                    if elsewhere := _legend_sheets_text(unread, lookups):
                        people = [dataclasses.replace(sheet, elsewhere=elsewhere) for sheet in people]
                    parts = [(group, *_recognise(con, group, group_kind, words_dir, name))
                             for group_kind, group in _sheets_by_kind(con, people, kind, words_dir)]
                stored_name = _people_unnamed(con, stored_name, parts)
                progress(name, "validating")
                con.execute("begin transaction")
                try:
                    legends = () if correction else parts  # a corrections workbook is read without them
                    notes = [*(("skipped_sheet", _legend_note(con, sheet.sheet_name, _lookup_text(sheet), legends)
                                or _skipped_sheet_note(con, sheet, words_dir)) for sheet in lookups),
                             *(("skipped_sheet", _hidden_sheet_note(con, sheet)) for sheet in hidden),
                             *(("skipped_sheet", _legend_note(con, sheet.sheet_name, sheet.text, legends)
                                or _unread_sheet_note(con, sheet)) for sheet in unread
                               # a corrections workbook's own list of rows to check: not read back, by design
                               if not (correction and sheet.sheet_name == corrections.WARNINGS_SHEET)),
                             *(("day_register", register.note) for register in registers),
                             *(("uncomputed_formulas", _uncomputed_note(con, sheet)) for sheet in uncomputed)]
                    result = _combined([_stage(con, name, stored_name, digest, size, file_kind, group,
                                               column_maps, words_dir, place_scope, correction,
                                               notes if index == 0 else [])
                                        for index, (group, file_kind, column_maps) in enumerate(parts)],
                                       [group for group, _, _ in parts], con)
                    con.executemany("insert into load_contents values (?, ?)",
                                    [[part.load_id, cells] for part in result.parts or (result,) if part.load_id])
                    # the file was hashed and read separately: both must have seen the same contents
                    if _version(path) != version:
                        raise FileError("文件在导入过程中被修改了: 请保存并关闭文件后重新导入")
                    con.execute("commit")
                except BaseException:
                    con.execute("rollback")
                    reset_settings(con)
                    raise
            finally:
                release(con, read)
        return result
    except (ReadError, FileError, mappings.MappingError, corrections.CorrectionError,
            day_registers.RegisterError) as error:
        return FileResult(name, "failed", message=str(error))
    except (OSError, duckdb.Error) as error:
        if diskspace.cause(error):  # the disk, not the file: the load stops as a whole (warehouse.DiskFull)
            raise
        return _unreadable(name, error)
    except (MemoryError, pa.ArrowException, UnicodeError, ValueError) as error:
        return _unreadable(name, error)


def _unreadable(name: str, error: BaseException) -> FileResult:
    """A file that could not be loaded, said in one line; the other files of the command still load."""
    if isinstance(error, OSError):
        return FileResult(name, "failed", message=f"文件无法读取: {error.strerror or error}")
    if isinstance(error, duckdb.OutOfMemoryException | MemoryError):
        return FileResult(name, "failed", message="文件太大, 超出了导入可用的内存, 未导入: 请把它分成几个文件再导入")
    # a file nothing above foresaw. Its error's words are the program's, not a clerk's, and may quote a cell (DuckDB's
    # 'Could not convert string …'): the clerk is told what to do, and the log says where it happened, never what
    # the file holds (review 11b L11: a CatalogException's text had been shown on the upload page)
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    LOG.error("a file could not be loaded: %s at %s", type(error).__name__,
              f"{Path(frame.filename).name}:{frame.lineno}" if frame else "?")
    return FileResult(name, "failed", message=f"文件无法读取 (程序未能处理其中的内容: {type(error).__name__}), 未导入: "
                                              "请把这个文件交给系统管理员查看")


def _not_a_file(path: Path) -> str:
    """Why a path given as a file is not one, in the clerk's words."""
    if path.is_dir():
        return "这是一个文件夹, 不是文件: 请选择其中的文件"
    if path.exists():
        return "这不是普通文件 (而是管道、设备等), 无法导入"
    return "文件不存在"


def _lookup_sheets(sheets: list[RawSheet], kind: str | None, words_dir: Path | None = None) -> list[RawSheet]:
    """The sheets of a workbook that name no person (no ID number or name column) beside sheets that do: the
    list its drop-downs offer (类别, 社区), a summary. They are no table of people: skipped, with a warning
    (_skipped_sheet_note), where a workbook of them alone is refused as before."""
    first_kind = kind or _first_kind(sheets, words_dir)
    lookups = [sheet for sheet in sheets if _names_no_person(sheet.header, kind, first_kind, words_dir)]
    return lookups if len(lookups) < len(sheets) else []


def _names_no_person(header: list[str], kind: str | None, fallback: str | None, words_dir: Path | None = None) -> bool:
    """Whether a sheet's header, of `kind` (else the kind it tells, else `fallback`), names no ID number or name
    column."""
    sheet_kind = kind or mappings.detect_kind(header, words_dir) or fallback
    fields = mappings.map_columns(header, sheet_kind, words_dir).fields if sheet_kind else {}
    return sheet_kind is not None and not any(field in fields for field in mappings.PERSON_FIELDS)


def _skipped_sheet_note(con: duckdb.DuckDBPyConnection, sheet: RawSheet, words_dir: Path | None = None) -> str:
    """The warning for a sheet that names no person. Its header is quoted by the cells that are column names
    (类别、社区) only: a sheet without a header row has a row of data there, which may be people's names."""
    named = [cell for cell in sheet.header
             if cell and any(mappings.field_for(cell, kind, words_dir) is not None for kind in mappings.KINDS)]
    header = f" (表头: {'、'.join(named)})" if named else ""
    return f"{sheet_said(con, sheet.sheet_name)}中没有身份证号或姓名列, 不是人员名单, 未导入{header}"


def _shown_sheets(sheets: list[RawSheet], kind: str | None,
                  words_dir: Path | None = None) -> tuple[list[RawSheet], list[RawSheet]]:
    """The sheets to read, and the hidden ones not read: a hidden sheet listing people (last month's list left in
    the workbook) is not what the clerk sends when a sheet shown lists people of its kind. Any other hidden sheet
    is read as the others are (a system that hid its table; a template's drop-down lists, skipped as lookups), and so
    is a hidden sheet of visits: visits accumulate, and a month's sheet hidden in the year's ledger holds that month's
    visits (review 2026-12-04: September's and October's had been lost), those loaded before rejected as repeats."""
    if not any(sheet.hidden for sheet in sheets):
        return sheets, []
    first_kind = kind or _first_kind(sheets, words_dir)

    def people_of(sheet: RawSheet) -> str | None:
        """The kind of a sheet that lists people, else None."""
        if _names_no_person(sheet.header, kind, first_kind, words_dir):
            return None
        return kind or _kind_of(sheet, words_dir) or first_kind

    shown = {people_of(sheet) for sheet in sheets if not sheet.hidden and rows_with_text(sheet.cells)} - {None}
    hidden = [sheet for sheet in sheets if sheet.hidden and people_of(sheet) in shown - {"visits"}]
    return [sheet for sheet in sheets if all(sheet is not h for h in hidden)], hidden


def _days_as_sheets(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet], file_name: str, kind: str | None = None,
                    words_dir: Path | None = None) -> tuple[list[RawSheet], list[day_registers.DayRegister]]:
    """The sheets to stage, a register with a column per day read as a sheet per day (etl/day_registers.py), a
    ledger with a column per month as a sheet per month (etl/month_registers.py), a record of several visits a row as
    a sheet per visit (etl/visit_rounds.py), and those registers."""
    staged, registers = [], []
    for sheet in sheets:
        register_rows, footer = _without_footer(sheet) if mappings.day_columns(sheet.header) else (sheet, "")
        if register := day_registers.as_visits(con, register_rows, file_name, words_dir, footer):
            staged += register.sheets
            registers.append(register)
        elif kind in (None, "visits") and (
                register := month_registers.as_visits(con, sheet, file_name, words_dir, with_roster=kind is None)):
            # a roster whose rows also date each month's visit (台账): the roster too, without the months
            staged += [*([register.roster] if register.roster else []), *register.sheets]
            registers.append(register)
        elif kind in (None, "visits") and (register := visit_rounds.as_visits(con, sheet, words_dir)):
            staged += register.sheets
            registers.append(register)
        else:
            staged.append(sheet)
    return staged, registers


WEEKDAY = r"^(星期|周)?[一二三四五六日天]$"


def _without_footer(sheet: RawSheet) -> tuple[RawSheet, str]:
    """A register's rows without its totals and signature lines (每日合计 3 3 3 …, 填表人：… 审核人：…: a row whose
    first written cell is NOT_DATA_FIRST_CELL's, as a sheet of visits leaves them out, _not_data) and the row of
    weekdays under its days (日 一 二 …). Else their marks under the days would be read as contacts of nobody. And
    the text of those lines (说明：√表示电话联系, ○表示未接通: the key to its marks)."""
    texts = [pc.utf8_trim_whitespace(sheet.cells[f"c{i}"].cast(pa.string())) for i in range(sheet.column_count)]
    written = [pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text) for text in texts]
    footer = pc.fill_null(pc.match_substring_regex(pc.coalesce(*written), NOT_DATA_FIRST_CELL), False)
    def count(flags):  # per row, how many of the cells are true
        return functools.reduce(pc.add, (pc.fill_null(flag, False).cast(pa.int32()) for flag in flags))
    weekdays = count(pc.match_substring_regex(cell, WEEKDAY) for cell in written)
    weekday_row = pc.and_(pc.greater(weekdays, 0), pc.equal(weekdays, count(pc.is_valid(c) for c in written)))
    dropped = pc.or_(footer, weekday_row)
    if not pc.any(dropped).as_py():
        return sheet, ""
    lines = pa.table({f"c{i}": cell for i, cell in enumerate(written)}).filter(footer)
    text = " ".join(cell for row in lines.to_pylist() for cell in row.values() if cell)
    return dataclasses.replace(sheet, cells=sheet.cells.filter(pc.invert(dropped))), text


# A row heading a community's block in a whole street's sheet: 一、花园路社区, 2. 滨西社区居委会（2人）
# (or labelled: 社区：花园路社区), and its note after it: （2人）, 共2人, 3人
SECTION_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+|\d{1,3}|社区|居委会|所属社区)\s*[、.．:：)）]\s*")
SECTION_NOTE = re.compile(r"\s*(?:[（(][^（）()]*[)）]|(?:共\s*)?\d+\s*[人名户])\s*$")


def _with_section_headings(con: duckdb.DuckDBPyConnection, sheet: RawSheet, kind: str | None,
                           words_dir: Path | None = None) -> RawSheet:
    """A whole street's sheet without a community column, each community's block under a row that names it alone
    (一、花园路社区, 滨西社区居委会（2人）), or a roster without a category column, each category's block under a row
    naming it (一、独居老人, （二）空巢老人（3人）), or without a status column, each status's block under a row naming
    it (一、在册人员, 二、本月减少人员（1人）): its rows with the column those rows stand for, the heading rows
    dropped as no data (as 小计 rows are). Any other sheet as it is: a visit record, which names its elders by ID, is
    not read for headings (its millions of rows are not scanned for them)."""
    sheet_kind = kind or _kind_of(sheet, words_dir)
    if sheet_kind not in ("roster", "contacts"):
        return sheet
    fields = mappings.map_columns(sheet.header, sheet_kind, words_dir, sheet.hidden_columns)
    if "community" not in fields.fields:
        sheet = _with_sections(con, sheet, "社区", _communities_named)
    if sheet_kind == "roster" and "categories" not in fields.fields and not fields.marks:
        sheet = _with_sections(con, sheet, "特殊困难类别", _categories_named, fields.fields.get("id_number"))
    if sheet_kind == "roster" and "status" not in fields.fields:  # 一、在册人员 … 二、本月减少人员 (review 25 H1)
        sheet = _with_sections(con, sheet, "状态", functools.partial(_statuses_named, words_dir=words_dir))
    return sheet


def _months_as_sheets(con: duckdb.DuckDBPyConnection, sheet: RawSheet, kind: str | None, file_name: str,
                      words_dir: Path | None = None) -> list[RawSheet]:
    """A roster with a month column (月份, 统计月份: a year's 动态管理台账, each elder once a month): a sheet a month,
    each dated by its month as a sheet named by it is (_dated_by_its_name), so that each month is a snapshot and the
    newest says who has died or left. Had it been one snapshot, the later months' rows would have been rejected as
    repeats of the first's, and their exits lost (review 2026-12-04, round 5). A month column naming one month dates a
    sheet that nothing else dates. Months written without their year (7月) take the one year its title, name or file's
    name gives. The sheet as it is where a row of data has no month that reads."""
    if (kind or _kind_of(sheet, words_dir)) != "roster":
        return [sheet]
    fields = mappings.map_columns(sheet.header, "roster", words_dir, sheet.hidden_columns).fields
    if (at := fields.get("report_month")) is None:
        return [sheet]
    years = {year for year, _ in named_months(sheet.preamble, sheet.sheet_name, Path(file_name).stem)} \
        | {int(m[1]) for m in YEAR_ALONE.finditer(named_text(sheet, file_name))}
    titled = f"{years.pop()}年" if len(years) == 1 else None

    def month_of(cell: str) -> str | None:
        months = named_months(cell) or (named_months(cell, titled) if titled else set())
        return "{}-{:02d}".format(*months.pop()) if len(months) == 1 else None

    months = each_distinct(sheet.cells[f"c{at}"], month_of)
    written = functools.reduce(pc.or_, (pc.fill_null(pc.not_equal(_trimmed(sheet, i), ""), False)
                                        for i in range(sheet.column_count) if i != at))
    if pc.any(pc.and_(written, pc.is_null(months))).as_py() or not (named := set(months.drop_null().to_pylist())):
        return [sheet]
    if len(named) == 1:
        if sheet.report_date is not None:
            return [sheet]
        year, month = map(int, named.pop().split("-"))
        return [dataclasses.replace(sheet, report_date=dt.date(year, month, 1))]
    parts = []
    for month in sorted(named):
        year, number = map(int, month.split("-"))
        cells = sheet.cells.filter(pc.fill_null(pc.equal(months, month), False))
        table = f"{sheet.table}_{year}{number:02d}"
        con.register(table, cells)
        own = sheet.report_date if sheet.report_date and (sheet.report_date.year, sheet.report_date.month) == (
            year, number) else dt.date(year, number, 1)  # a 填报日期 within the month says its day
        parts.append(dataclasses.replace(sheet, table=table, cells=cells, report_date=own))
    return parts


def _communities_named(con: duckdb.DuckDBPyConnection, names: dict[str, str]) -> dict[str, str]:
    """{heading as written: the community it names}, of the headings that name exactly one."""
    return dict(con.execute(
        "select c.raw, any_value(d.name) from (select unnest($raws) as raw, unnest($names) as name) c"
        " join place_keys k on k.level = 'community' and k.place_key <> '' and k.place_key = cv_place_key(c.name)"
        " join divisions d on d.code = k.code group by c.raw having count(distinct k.code) = 1",
        {"raws": list(names), "names": list(names.values())}).fetchall())


def _categories_named(_con: duckdb.DuckDBPyConnection, names: dict[str, str]) -> dict[str, str]:
    """{heading as written: the special-difficulty category it names} (独居老人, 失能: values.csv; 独居老年人,
    计生特殊家庭老年人名单: the category before the word for the elders and a list's)."""
    words = mappings.mark_names("category")
    keys = {raw: mappings.header_key(name) for raw, name in names.items()}
    keys = {raw: key if key in words else _LISTED_ELDERS.sub("", key) for raw, key in keys.items()}
    return {raw: words[key] for raw, key in keys.items() if key in words}


# The words after a category in a heading that names its elders (独居老年人名单: 独居)
_LISTED_ELDERS = re.compile(f"(?:{mappings.ELDER_WORD.pattern})?(?:名单|名册|花名册|人员)?$")


def _with_sections(con: duckdb.DuckDBPyConnection, sheet: RawSheet, column: str,
                   named: Callable[[duckdb.DuckDBPyConnection, dict[str, str]], dict[str, str]],
                   person_at: int | None = None) -> RawSheet:
    """The sheet with a column headed `column` for the blocks under rows naming its value alone (`named` reads the
    headings, numbered or noted as they are written: 一、…, …（2人）); the sheet as it is when no row is such a heading,
    or a row of data stands above the first (a community's name as a footer). With `person_at` (the ID number's
    column), values that add up: a person listed under several headings (独居, then 失能) has all of them on each of
    their rows, the later row then a repeat of the first (review 2026-12-04, round 5: the second had been rejected as
    a repeat, its category lost)."""
    texts = [pc.utf8_trim_whitespace(sheet.cells[f"c{i}"].cast(pa.string())) for i in range(sheet.column_count)]
    if not texts:
        return sheet
    written = [pc.fill_null(pc.not_equal(text, ""), False) for text in texts]
    counts = functools.reduce(pc.add, (pc.cast(w, pa.int32()) for w in written))
    text = pc.coalesce(*(pc.if_else(w, t, pa.scalar(None, pa.string())) for w, t in zip(written, texts, strict=True)))
    # a row holding one text: in one cell, or merged across the row (every cell written the same)
    other = functools.reduce(pc.or_, (pc.and_(w, pc.fill_null(pc.not_equal(t, text), False))
                                      for w, t in zip(written, texts, strict=True)))
    lone = pc.and_(pc.greater(counts, 0), pc.invert(other))
    candidates = {value for value in pc.unique(text.filter(lone)).to_pylist() if value}
    found = named(con, {raw: SECTION_NOTE.sub("", SECTION_NUMBER.sub("", raw)) for raw in candidates}) \
        if candidates else {}
    if not found:
        return sheet
    is_section = pc.fill_null(pc.and_(lone, pc.is_in(text, pa.array(list(found), pa.string()))), False)
    heading = pc.if_else(is_section, pc.take(pa.array(list(found.values()), pa.string()),
                                             pc.index_in(text, pa.array(list(found), pa.string()))),
                         pa.scalar(None, pa.string()))
    # (a blank row between blocks stays blank: dropped, not a row of the block without an ID number)
    value = pc.if_else(pc.greater(counts, 0), pc.fill_null_forward(heading), pa.scalar(None, pa.string()))
    if pc.any(pc.and_(pc.and_(pc.greater(counts, 0), pc.invert(lone)), pc.is_null(value))).as_py():
        return sheet  # a row of data above the first heading: no such layout (a community's name as a footer)
    if person_at is not None:
        value = _each_persons(texts[person_at], value)
    cells = sheet.cells.append_column(f"c{sheet.column_count}", value).filter(pc.invert(is_section))
    # registered once under one name, whichever passes read the sheet (release lets go of it)
    table = sheet.table if sheet.table.endswith("_sections") else f"{sheet.table}_sections"
    con.register(table, cells)
    header = [*sheet.header, *[""] * (sheet.column_count - len(sheet.header)), column]
    return dataclasses.replace(sheet, table=table, cells=cells, header=header, column_count=sheet.column_count + 1)


# said of a rejected row's empty cell on a sheet whose formulas were saved without their results (_uncomputed_note)
UNCOMPUTED_EMPTY = " (本表有公式没有保存计算结果, 按空白读取: 如这一格是公式, 请在 Excel 或 WPS 中打开并保存后重新导入)"


# The columns a clerk merges down the side of a sheet (a block of rows of one street, community, day or visitor). Merged
# cells are read into every row of the block; once unmerged, only the block's first row keeps the value, and its other
# rows are rejected as this cell empty (DESIGN §3: no place, no date). Not filled in (nothing guessed), but said
# (review 22 L1), and no value quoted: the row above's cell is the clerk's to check
BLOCK_FIELDS = ("district", "street", "community", "visit_date", "method", "visitor")
BLOCK_EMPTY = ", 上方第 {row} 行的这一格有值: 原表若是合并单元格, 取消合并后只有第一行有值, 请在每一行填写后重新导入"


def _filled_above(sheet: RawSheet, column_map: mappings.ColumnMap, empties: list[tuple[int, str]]) -> pa.Table:
    """Of the rejected rows whose cell of a field of BLOCK_FIELDS is empty ((row_number, field)), each one's nearest
    row above with that cell written: (row_number, above)."""
    rows, above = [], []
    for field, group in itertools.groupby(sorted(empties, key=lambda e: e[1]), key=lambda e: e[1]):
        if field not in BLOCK_FIELDS or (position := column_map.fields.get(field)) is None:
            continue
        cells = pc.cast(sheet.cells[f"c{position}"], pa.string())  # (a CSV's cells come dictionary-encoded)
        written = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(cells), ""), False)
        written_rows = np.sort(sheet.cells["row_number"].filter(written).to_numpy())
        for row, _ in group:
            at = int(np.searchsorted(written_rows, row))
            if at and (at == len(written_rows) or written_rows[at] != row):  # its own cell empty, one above written
                rows.append(row)
                above.append(int(written_rows[at - 1]))
    return pa.table({"row_number": pa.array(rows, pa.int32()), "above": pa.array(above, pa.int32())})


def _uncomputed_note(con: duckdb.DuckDBPyConnection, sheet: RawSheet) -> str:
    return (f"{sheet_said(con, sheet.sheet_name)}有 {sheet.uncomputed_formulas:,} 个公式单元格没有保存计算结果 "
            "(文件由程序生成, 未在 Excel 或 WPS 中保存过), 按空白读取: 请在 Excel 或 WPS 中打开并保存后重新导入")


def _hidden_sheet_note(con: duckdb.DuckDBPyConnection, sheet: RawSheet) -> str:
    return (f"{sheet_said(con, sheet.sheet_name)}是隐藏的工作表, 未导入 "
            f"(该表有 {rows_with_text(sheet.cells):,} 行内容); 如需导入, 请在 Excel 中取消隐藏后重新导入")


def _unread_sheet_note(con: duckdb.DuckDBPyConnection, sheet: UnreadSheet) -> str:
    """The warning for a sheet with text but no header: nothing of it is loaded, and the clerk is told how to
    send it if it is a list of people."""
    return (f"{sheet_said(con, sheet.sheet_name)}的前 {HEADER_SEARCH_ROWS} 行中没有找到表头 "
            f"(身份证号、姓名、社区 等列名), 未导入 (该表有 {sheet.rows:,} 行内容); "
            "如是人员名单, 请在数据上方加一行表头后重新导入")


# What a title or a sheet's name calls a table, for a header that can be read as more than one kind: 姓名 身份证号
# 联系电话 家庭住址 包联人 包联人联系方式 under 包联表 is a contact list (read as a roster, it replaced the community's;
# probe 26 H1: 包保责任人名单, 关爱责任人名单 too)
TITLE_KINDS = {"contacts": re.compile(r"联系人|包联|包保|帮扶|结对|责任人"),
               "visits": re.compile(r"探访|走访|探视|关爱服务|联系登记|联系记录"),
               "roster": re.compile(r"底册|花名册|名册|台账")}


def _kind_of(sheet: RawSheet, words_dir: Path | None = None) -> str | None:
    """The kind a sheet's header tells (mappings.detect_kind), unless its title or name calls it another kind, and
    one only, whose every required column the header has."""
    told = mappings.detect_kind(sheet.header, words_dir)
    called = [kind for kind, words in TITLE_KINDS.items() if words.search(f"{sheet.preamble} {sheet.sheet_name or ''}")]
    if len(called) == 1 and called[0] != told:
        fields = mappings.map_columns(sheet.header, called[0], words_dir, sheet.hidden_columns).fields
        if all(any(field in fields for field in group) for group in REQUIRED[called[0]]):
            return called[0]
    return told


def _first_kind(sheets: list[RawSheet], words_dir: Path | None = None) -> str | None:
    """The kind of the first sheet whose header tells one (a summary sheet before the tables tells none)."""
    return next((found for sheet in sheets if (found := _kind_of(sheet, words_dir))), None)


def _sheets_by_kind(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet], kind: str | None,
                    words_dir: Path | None = None) -> list[tuple[str | None, list[RawSheet]]]:
    """The sheets grouped by their kind, in the workbook's order; a sheet whose kind its header does
    not tell goes with the first kind told (and `kind`, when given, is every sheet's). Roster sheets that
    each give a report date of their own (9月, 10月 titled by their dates, or named 2026年9月, 2026年10月:
    _dated_by_its_name) are a snapshot each, oldest first."""
    first = kind or _first_kind(sheets, words_dir)
    groups: dict[str | None, list[RawSheet]] = {}
    for sheet in sheets:
        groups.setdefault(kind or _kind_of(sheet, words_dir) or first, []).append(sheet)
    parts: list[tuple[str | None, list[RawSheet]]] = []
    for group_kind, group in groups.items():
        if group_kind == "roster":
            group = [_dated_by_its_name(con, sheet) for sheet in group]
        dates = [sheet.report_date for sheet in group]
        if group_kind == "roster" and len(group) > 1 and None not in dates and len(set(dates)) > 1:
            parts += [(group_kind, [sheet for sheet in group if sheet.report_date == date])
                      for date in sorted(set(dates))]
        else:
            parts.append((group_kind, group))
    return parts


def _each_persons(person: pa.Array, value: pa.Array) -> pa.Array:
    """`value` on each row joined (、) with the other values of its person's rows, in the order first written; rows
    naming no one as they are."""
    rows = pa.table({"person": person, "value": value}).filter(pc.fill_null(pc.not_equal(person, ""), False))
    people = rows.group_by("person", use_threads=False).aggregate([("value", "distinct")])
    joined = pc.binary_join(people["value_distinct"], "、")
    return pc.coalesce(pc.take(joined, pc.index_in(person, people["person"])), value)


def _dated_by_its_name(con: duckdb.DuckDBPyConnection, sheet: RawSheet) -> RawSheet:
    """A roster sheet that no row above its header dates (填报日期, 2026年8月份底册), named by one month (a workbook
    of a sheet a month: 2026年9月, 2026年10月): dated by its name as a file's name dates a file (cv_report_date: the
    day it names, 2026.11.15, else its month's first day). Such a workbook's sheets had been one snapshot, the later
    sheet's rows rejected as repeats of the earlier's; a sheet named by a day had been dated its month's first."""
    months = named_months(sheet.sheet_name) if sheet.report_date is None else set()
    if len(months) != 1:
        return sheet
    [(year, month)] = months
    named = text_macro(con, "cv_report_date", sheet.sheet_name)
    within = named is not None and (named.year, named.month) == (year, month)
    return dataclasses.replace(sheet, report_date=named if within else dt.date(year, month, 1))


def _combined(results: list[FileResult], sheets: list[list[RawSheet]], con: duckdb.DuckDBPyConnection) -> FileResult:
    """One file's result from the loads of its parts (a workbook with a roster and a visit sheet, a roster sheet
    a month), each of `sheets`; the sheets' names masked (cv_mask_sheet_name)."""
    if len(results) == 1:
        return results[0]
    first = results[0]
    # the first sheet's kind stands for the file (what shows it knows three kinds); the note says all, parts of
    # one kind (a roster sheet a month) by their sheets' names
    kinds = [r.kind for r in results]
    labels = ["、".join(sheet_label(con, sheet.sheet_name) for sheet in part if sheet.sheet_name) for part in sheets]
    # one sheet's months (a month column: _months_as_sheets) are said by their months
    by_month = len(set(labels)) < len(labels) and all(part[0].report_date for part in sheets)
    if by_month:
        labels = [f"{part[0].report_date.year}年{part[0].report_date.month}月" for part in sheets]
    said = []
    for result, names in zip(results, labels, strict=True):
        names = f" ({names})" if kinds.count(result.kind) > 1 and names else ""
        said.append(f"{mappings.KIND_LABELS[result.kind]}{names} {result.rows_read} 行")
    note = ("按月份分别导入: " if by_month else "按工作表分别导入: ") + "、".join(said)
    return FileResult(first.file_name, "loaded", first.kind, sum(r.rows_read for r in results),
                      sum(r.rows_loaded for r in results), sum(r.rows_rejected for r in results),
                      sum(r.warning_count for r in results), first.load_id, note, parts=tuple(results),
                      rows_repeated=sum(r.rows_repeated for r in results),
                      rows_settled=sum(r.rows_settled for r in results))


# The fields whose cells name a person: a file's name may name one too (a file of one elder's visits: 程霞补录10月.csv),
# and a cell of another column (李德明代签 as consent, 托冯建国带话 as method) that a message quotes
NAMED_PEOPLE = ("name", "contact_name", "visitor")
_HAN_PAIR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2}")
_NAMES_APART = re.compile(r"[、,，;；/\s]+")


def _file_people(sheets: list[RawSheet], column_maps: list[mappings.ColumnMap]) -> set[str]:
    """The names of the people the sheets' rows name (NAMED_PEOPLE), each of two characters or more: a cell of two
    (王秀英、张明) gives both."""
    people: set[str] = set()
    for sheet, column_map in zip(sheets, column_maps, strict=True):
        for field in NAMED_PEOPLE:
            if (index := column_map.fields.get(field)) is not None and f"c{index}" in sheet.cells.column_names:
                for cell in pc.unique(sheet.cells[f"c{index}"].cast(pa.string())).to_pylist():
                    people.update(p for p in _NAMES_APART.split(cell or "") if len(p) >= 2)
    return people


def _people_unnamed(con: duckdb.DuckDBPyConnection, name: str,
                    parts: list[tuple[list[RawSheet], str, list[mappings.ColumnMap]]]) -> str:
    """`name` (a file's, masked as cv_mask_file_name masks it) with every name of a person its rows give (an elder, a
    contact person) masked as a name is wherever it stands: cv_mask_file_name masks a name only when it is the whole
    name of the file, as a person's shape; these are known to be people."""
    if not _HAN_PAIR.search(name):
        return name
    return _names_masked(con, name, {person for sheets, _kind, column_maps in parts
                                     for person in _file_people(sheets, column_maps) if person in name})


def _mask_file_people(con: duckdb.DuckDBPyConnection, load_id: int, sheets: list[RawSheet],
                      column_maps: list[mappings.ColumnMap], warned: bool, rejected: bool) -> None:
    """Mask, in the load's warnings and reasons for rejecting, every name of a person the file's rows name wherever it
    stands (DESIGN §6: whatever column it was typed in): a cell quoted about its row masks that row's elder only
    (cv_mask_name_in), not another's typed into it (consent 李德明代签, method 托冯建国带话: review 8)."""
    texts = [("load_warnings", "message"), ("load_warnings", "value")] * warned + [("rejects", "reason")] * rejected
    people = _file_people(sheets, column_maps) if texts else None
    if not people:
        return
    # a person's name by its shape (a surname, then one to three characters), not a post or a relative written as a
    # contact person (村委会, 女儿, 孙子: a word values.csv knows) nor a sheet's words
    con.execute("""create or replace temp table file_people as
                   select person from unnest($people::varchar[]) as p(person)
                   where regexp_full_match(person, cv_surname() || '\\p{Han}{1,3}')
                       and person not in (select synonym from value_map)""", {"people": sorted(people)})
    for table, column in texts:
        # the names each text holds (cv_name_pieces), the longer first
        con.execute(f"""
            update {table} t set {column} = cv_mask_people(t.{column}, found.people)
            from (
                select rid, list(person order by length(person) desc, person) as people
                from (
                    select distinct rid, person
                    from (select rowid as rid, unnest(cv_name_pieces({column})) as piece from {table}
                          where load_id = $load_id and {column} is not null)
                    join file_people on person = piece)
                group by rid) found
            where t.rowid = found.rid""", {"load_id": load_id})  # noqa: S608 (fixed tables and columns)
    con.execute("drop table file_people")


def _names_masked(con: duckdb.DuckDBPyConnection, name: str, people) -> str:
    """`name` with each of `people` masked as a name wherever it stands (cv_mask_name_in), the longer first."""
    for person in sorted(people, key=len, reverse=True):  # 王秀英 before 王秀
        name = scalar(con, "select cv_mask_name_in(?, ?)", [name, person])
    return name


def _known_people_unnamed(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """`name` (a file's that did not load: skipped or refused, no rows of its own to tell who it names) with every
    elder's name the warehouse knows masked wherever it stands (朱玉兰底册.xlsx: 朱**底册.xlsx)."""
    if not _HAN_PAIR.search(name):
        return name
    # the rosters' rows, this session's too (the marts are built after its loads)
    try:
        people = [person for (person,) in con.execute(
            "select distinct elder_name from roster_rows where length(elder_name) >= 2 and contains($name, elder_name)",
            {"name": name}).fetchall()]
    except duckdb.Error:  # a session a failure left unable to answer: the name as its shape is masked
        return name
    return _names_masked(con, name, people)


def _version(path: Path) -> tuple[int, int]:
    """Size and modification time: a file whose version changes during its load is not loaded."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _cells_digest(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet], unread: list[UnreadSheet]) -> str:
    """A digest of what a file holds as read: each sheet's name, the text above its header, its header and its rows
    (in order), and the text of the sheets without a header. The same for a file saved again without a change."""
    digest = hashlib.sha256()
    for sheet in sheets:
        cells = ", ".join(f"c{i}" for i in range(sheet.column_count))
        rows = first_row(con, f"select count(*), sum(hash(row_number{', ' if cells else ''}{cells})::hugeint) "
                              f"from {sheet.table}")
        digest.update(json.dumps([sheet.sheet_name, sheet.preamble, sheet.header, sheet.header_row, str(rows)],
                                 ensure_ascii=False).encode())
    for sheet in unread:
        digest.update(json.dumps([sheet.sheet_name, sheet.rows, sheet.text], ensure_ascii=False).encode())
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


# A list of a month's changes only (增减变动表, 新增和减少人员名单; or of one side, 新纳入特殊困难老年人名单, 去世老人
#名单: probe 31 M2, each loaded as the roster, every other elder an exit), by its title, sheet or file name: no roster
CHANGE_LIST = re.compile(r"增减|变动(情况)?(表|名单|明细|花名册)|新增[和与及、,，/]?减少|减少[和与及、,，/]?新增|新纳入"
                         r"|(新增|减少|去世|死亡|亡故|退出|迁出|注销)的?(特殊困难)?(老年人|老人|人员|对象)?(名单|花名册|明细)")


def _recognise(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet], kind: str | None,
               words_dir: Path | None = None, file_name: str | None = None,
               context: list[dict[str, str]] | None = None) -> tuple[str, list[mappings.ColumnMap]]:
    """The kind of `sheets` and each one's columns. `context`: of a corrections workbook, per sheet, what the
    original file's title or name told of its rows (corrections.origin_context), which its own title does not."""
    file_kind = kind or _kind_of(sheets[0], words_dir)
    if file_kind is None and (counts := mappings.count_columns(sheets[0].header, words_dir)):
        raise FileError(f"表头中有统计次数的列: {'、'.join(counts)}; 这是汇总表, 不是底册、探访记录或联系人情况表, "
                        "未导入: 请导入原始的记录")
    if file_kind is None:
        raise FileError("无法判断这是底册、探访记录还是联系人情况表: 请检查表头, 或用 --kind 指定")
    column_maps = [mappings.map_columns(sheet.header, file_kind, words_dir, sheet.hidden_columns) for sheet in sheets]
    column_maps = [_with_parts_under_one_header(con, sheet, _with_named_community(con, sheet, column_map, file_name))
                   for sheet, column_map in zip(sheets, column_maps, strict=True)]
    column_maps = [_with_id_numbers_found(con, sheet, column_map, words_dir)
                   for sheet, column_map in zip(sheets, column_maps, strict=True)]
    if file_kind == "roster":
        column_maps = [_with_named_categories(sheet, column_map, words_dir)
                       for sheet, column_map in zip(sheets, column_maps, strict=True)]
    if file_kind == "visits":
        column_maps = [_with_named_visitor(con, sheet, _with_named_month(sheet, column_map, file_name), len(sheets))
                       for sheet, column_map in zip(sheets, column_maps, strict=True)]
        column_maps = [_with_titled_method(con, sheet, column_map, file_name, words_dir)
                       for sheet, column_map in zip(sheets, column_maps, strict=True)]
    if context:
        column_maps = [dataclasses.replace(column_map, implied={**column_map.implied, **told})
                       for column_map, told in zip(column_maps, context, strict=True)]
    for sheet, column_map in zip(sheets, column_maps, strict=True):
        where = sheet_said(con, sheet.sheet_name)
        visit_columns = mappings.visit_columns(sheet.header, words_dir, file_kind)
        if file_kind != "visits" and visit_columns:
            # a visit record read as a roster would make every visit a person
            raise FileError(f"{where}表头中有探访记录的列: {'、'.join(visit_columns)}; "
                            f"这是探访记录, 不能作为{mappings.KIND_LABELS[file_kind]}导入 "
                            f"(底册和探访记录请分开导出, 或用 --kind visits 导入)")
        if kind is not None:
            _refuse_another_kind(where, sheet, kind, words_dir)
        if (again := _header_moved(sheet)) is not None:
            # a second table under the first whose header names its columns in another order: read by the first's
            # columns, one block's figures had been another field's (review 25 H4: categories from the living
            # arrangement, the entry time as the visit date), without a word
            raise FileError(f"{where}第 {again} 行是另一个表的表头, 列的顺序与第 {sheet.header_row} 行的表头不同, "
                            "无法按同一表头读取, 未导入: 请把两个表分开 (各放一个工作表, 或按同一列顺序排列) "
                            "后重新导入")
        named = [sheet.preamble, sheet.sheet_name or "", Path(file_name).stem if file_name and len(sheets) == 1 else ""]
        if file_kind == "roster" and CHANGE_LIST.search(" ".join(named)):
            # read as the roster, it had made an exit of everyone it does not list (review 2026-12-04, round 5)
            raise FileError(f"{where}这是增减变动表或新增、减少人员的名单, 不是完整的底册: 作为底册导入, "
                            "没有列出的老人都将计为退出, 未导入。请导入完整的底册 (全部在册老人), 离开的老人在状态"
                            "一栏写明死亡、迁出等和变动日期")
        # (one count beside a record's visit date: the visit's running number, 第几次 or 本年累计探访次数, not a
        # summary: the record had been refused, review 25 M1)
        numbered = file_kind == "visits" and len(column_map.counts) == 1 and "visit_date" in column_map.fields
        if file_kind != "roster" and column_map.counts and not numbered and not mappings.day_columns(sheet.header):
            # a summary of each elder's month (探访次数, 其中上门, 包联人) read as a record or a list had made a visit
            # of each row, or replaced a contact list with its 包联人 and their count of calls as the phone
            raise FileError(f"{where}表头中有统计次数的列: {'、'.join(column_map.counts)}; 这是汇总表, 不是"
                            f"{mappings.KIND_LABELS[file_kind]} (探访记录一次探访一行, 联系人情况表一位联系人一行), "
                            "未导入: 请导入原始的记录")
        missing = [group for group in REQUIRED[file_kind]
                   if not any(f in column_map.fields or f in column_map.implied or _in_parts(f, column_map)
                              or f in {field for field, _ in column_map.marks.values()} for f in group)]
        if missing and not {"name", "id_number"} & set(column_map.fields) and days_down(sheet.cells):
            raise FileError(f"{where}{SIDEWAYS_REGISTER}")
        if missing:
            names = "、".join("或".join(FIELD_LABELS[f] for f in group) for group in missing)
            raise FileError(f"{where}缺少必需的列: {names} (作为{mappings.KIND_LABELS[file_kind]}导入)")
        _refuse_rows_of_several(where, sheet.header, column_map, file_kind, words_dir)
    return file_kind, column_maps


def _refuse_another_kind(where: str, sheet: RawSheet, kind: str, words_dir: Path | None = None) -> None:
    """FileError for a sheet loaded as `kind` (--kind) that its header and title show to be
    another kind, whose columns outnumber those of `kind`'s it has and would be dropped: a contact list loaded as a
    roster had replaced its communities' roster with one of no special-difficulty elder; a roster as a contact
    list had made each elder's 包联人 their contact person. A header that tells no kind clearly is loaded as told."""
    told = _kind_of(sheet, words_dir)
    if told is None or told == kind:
        return
    own = mappings.marker_columns(sheet.header, kind, words_dir)
    lost = [cell for cell in mappings.marker_columns(sheet.header, told, words_dir)
            if mappings.field_for(cell, kind, words_dir) in (None, mappings.UNKNOWN)]
    if len(lost) > len(own):
        raise FileError(f"{where}表头中有{mappings.KIND_LABELS[told]}的列: {'、'.join(lost)}; "
                        f"这是{mappings.KIND_LABELS[told]}, 不能作为{mappings.KIND_LABELS[kind]}导入 "
                        f"(请用 --kind {told} 导入, 或不指定 --kind)")


def _refuse_rows_of_several(where: str, header: list[str], column_map: mappings.ColumnMap, kind: str,
                            words_dir: Path | None = None) -> None:
    """FileError for a sheet whose rows each hold several people or visits (DESIGN §3: one row per elder, per visit):
    a second 姓名 and 身份证号 (two tables side by side, a couple on one row) or a second visit date (9月探访日期 |
    10月探访日期; numbered visits, 探访日期1 | 探访日期2, are read as a visit each: etl/visit_rounds.py). Only the first
    of each had been read: the rest lost, said to be repeats."""
    twice = {mappings.field_for(cell, kind, words_dir) for cell in column_map.duplicates}
    if {"name", "id_number"} <= twice:
        raise FileError(f"{where}表头中姓名、身份证号出现了不止一次: 一行只能写一位老人; "
                        "两份表格左右并排的, 请上下排列 (只留一行表头) 后重新导入")
    if kind == "visits" and "visit_date" in twice:
        dates = [cell for cell in header if cell and mappings.field_for(cell, kind, words_dir) == "visit_date"]
        raise FileError(f"{where}表头中有几列探访日期 ({'、'.join(dates)}): 每次探访请写一行 "
                        "(一行一个探访日期、一种探访方式) 后重新导入")


COMMUNITY_WORD = re.compile(r"社区居委会|社区居民委员会|社区|居委会")


def _with_named_community(con: duckdb.DuckDBPyConnection, sheet: RawSheet, column_map: mappings.ColumnMap,
                          file_name: str | None = None) -> mappings.ColumnMap:
    """A sheet without a community column is the community its sheet name (花园路社区, one sheet per community)
    or its 填报单位 names, else the one its title or the file's name names (花园路社区10月探访记录.xlsx), when that
    names exactly one known community; its rows are read as if a column said so. Otherwise the sheet has no
    community, as before."""
    if "community" in column_map.fields:
        return column_map
    if (at := _community_column(con, sheet, column_map)) is not None:
        fields = {field: index for field, index in column_map.fields.items() if index != at} | {"community": at}
        return dataclasses.replace(column_map, fields=fields,
                                   unknown=[cell for cell in column_map.unknown if cell != sheet.header[at]])
    if code := _named_community(con, sheet, file_name):
        return dataclasses.replace(column_map, implied={
            "community": scalar(con, "select name from divisions where code = ?", [code])})
    return _with_named_street(con, sheet, column_map, file_name)


def _named_community(con: duckdb.DuckDBPyConnection, sheet: RawSheet, file_name: str | None) -> str | None:
    """The code of the one known community a sheet's name (花园路社区, one sheet per community) or its 填报单位 names,
    else its title or the file's name (花园路社区10月探访记录.xlsx); None where none or several."""
    for text in (_without_notes(sheet.sheet_name), sheet.report_unit):
        codes = con.execute("select distinct code from place_keys where level = 'community' and place_key <> ''"
                            " and place_key = cv_place_key(?)", [text]).fetchall() if text else []
        if len(codes) == 1:
            return codes[0][0]
    for text in (sheet.preamble, file_name):
        if code := _division_code(con, text, "community", COMMUNITY_WORD, 8):
            return code
    return None


# A header of a place column under another name (户籍地, 居住地, 所在地) and the word a community's name ends with
PLACE_HEADER = re.compile(r"居住|现住|户籍|所在|住址|地址|村居|居委")
COMMUNITY_ENDING = r"(社区|居委会|居民委员会|社居委|居委|村委会)\s*$"

# What a column's cells hold, as staging reads them (macros.sql): a place ending with a community's word that names a
# known community, a time of day (visit_time, read on a day), a phone number, an ID number (_read_as: nine in ten of
# its distinct cells)
COMMUNITY_NAMED = ("regexp_matches(cell, $ending) and exists (select 1 from place_keys k where k.level = 'community'"
                   " and k.place_key <> '' and ends_with(cv_place_key(cell), k.place_key))")
TIME_OF_DAY = "cv_parse_timestamp('2000-01-01 ' || cell) is not null"
PHONE = "len(cv_phone_list(cell)) > 0"
ID_NUMBER = "cv_id_problem(cv_id_normalize(cell)) is null"


def _community_column(con: duckdb.DuckDBPyConnection, sheet: RawSheet, column_map: mappings.ColumnMap) -> int | None:
    """Of a roster without a community column, a column that names places (户籍地 | 居住地 holding 劝业场街道花园路
    社区: the file had been refused for a missing 社区, review 2026-12-04): its address column or one its header calls
    a place, whose every distinct cell ends with a community's word and names a known community (nine in ten, a typo
    being the row's to reject). Where several do, one of where the elder lives rather than of their 户籍 (as
    现居住社区 is read before 户籍所在社区)."""
    if column_map.kind != "roster":
        return None
    taken = {*column_map.fields.values(), *column_map.marks}
    candidates = [index for index, cell in enumerate(sheet.header)
                  if (index == column_map.fields.get("address") or index not in taken) and PLACE_HEADER.search(cell)]
    for index in sorted(candidates, key=lambda index: "户籍" in sheet.header[index]):
        if _read_as(con, sheet, index, COMMUNITY_NAMED, {"ending": COMMUNITY_ENDING}):
            return index
    return None


def _with_parts_under_one_header(con: duckdb.DuckDBPyConnection, sheet: RawSheet,
                                 column_map: mappings.ColumnMap) -> mappings.ColumnMap:
    """A header cell merged over two columns that it names together, no row under it naming each (探访时间 over the
    day and the time of day; 联系人 over the contact person's name and phone): the second column is read as its cells
    show it to be, when nine in ten of its distinct cells are written so. The header, repeated over both as Excel
    shows a merged cell, had read as a second visit date (the file refused as one of several visits a row) or a
    second contact person (a name without a phone and a phone without a name: no one helped)."""
    header = sheet.header
    fields, more = dict(column_map.fields), [dict(person) for person in column_map.more_contacts]

    first = fields.get("visit_date")
    if (column_map.kind == "visits" and first is not None and "visit_time" not in fields
            and first + 1 < len(header) and header[first + 1] == header[first] and first + 1 not in fields.values()
            and _read_as(con, sheet, first + 1, TIME_OF_DAY)):
        duplicates = list(column_map.duplicates)
        if header[first + 1] in duplicates:
            duplicates.remove(header[first + 1])
        return dataclasses.replace(column_map, fields=fields | {"visit_time": first + 1}, duplicates=duplicates)
    name = fields.get("contact_name")
    if (column_map.kind == "contacts" and name is not None and "contact_phone" not in fields and more
            and more[0].get("contact_name") == name + 1 and "contact_phone" not in more[0]
            and header[name + 1] == header[name] and _read_as(con, sheet, name + 1, PHONE)):
        # the columns after it (关系, 是否留有钥匙) had been the second person's: they are the one person's
        person = {field: index for field, index in more[0].items() if field != "contact_name" and field not in fields}
        return dataclasses.replace(column_map, fields=fields | person | {"contact_phone": name + 1},
                                   more_contacts=more[1:])
    return column_map


def _with_id_numbers_found(con: duckdb.DuckDBPyConnection, sheet: RawSheet, column_map: mappings.ColumnMap,
                           words_dir: Path | None = None) -> mappings.ColumnMap:
    """A sheet whose header names no ID number column (编号, 公民身份号, a blank header cell over them) but one
    column of which holds them, nine in ten of its distinct cells an ID number written alone: that column's cells
    are the ID numbers of its rows. A roster had been refused for a missing 身份证号 column; a visit record linked
    its visits by name alone, two of one name in a community unlinked. A column its header says to be someone
    else's (探访人身份证号) is never taken; nor any when two such columns are found."""
    if "id_number" in column_map.fields or column_map.kind not in ("roster", "visits", "contacts"):
        return column_map
    taken = {*column_map.fields.values(), *column_map.marks,
             *(index for person in column_map.more_contacts for index in person.values()),
             *(index for indexes in column_map.also.values() for index in indexes)}
    found = [index for index, cell in enumerate(sheet.header)
             if index not in taken and mappings.says_nothing(cell, column_map.kind, words_dir)
             and _read_as(con, sheet, index, ID_NUMBER)]
    if len(found) != 1:
        return column_map
    cell = sheet.header[found[0]]
    return dataclasses.replace(column_map, fields=column_map.fields | {"id_number": found[0]},
                               unknown=[unknown for unknown in column_map.unknown if unknown != cell])


def _read_as(con: duckdb.DuckDBPyConnection, sheet: RawSheet, index: int, condition: str,
             params: dict | None = None) -> bool:
    """Whether nine in ten of a column's distinct cells written (the first 500) meet `condition`, of `cell` (one of the
    above), a typo being the row's to reject."""
    cells = [cell for cell in pc.unique(_trimmed(sheet, index)).to_pylist() if cell][:500]
    return bool(cells) and scalar(con, f"select count(*) from unnest($cells) c(cell) where {condition}",
                                  {"cells": cells, **(params or {})}) >= 0.9 * len(cells)


# A sheet name's serial number and bracketed note around a place's name: 1.花园路（5人）, 03-滨西社区(已核)
SHEET_NAME_NOTES = re.compile(r"^\s*[\d一二三四五六七八九十]{1,3}\s*[.、．\-_]\s*|[（(\[【][^）)\]】]*[）)\]】]")


def _without_notes(name: str | None) -> str | None:
    """A sheet's name without its serial number and bracketed notes (a workbook of a sheet per community names them
    so): the whole workbook had been refused for a missing 社区 column (review 2026-12-04)."""
    return SHEET_NAME_NOTES.sub("", name).strip() if name else name


def _division_named(con: duckdb.DuckDBPyConnection, text: str | None, level: str, word: re.Pattern[str],
                    longest: int) -> str | None:
    """The name of the one known division of `level` a text names (_division_code)."""
    code = _division_code(con, text, level, word, longest)
    return scalar(con, "select name from divisions where code = ?", [code]) if code else None


def _division_code(con: duckdb.DuckDBPyConnection, text: str | None, level: str, word: re.Pattern[str],
                   longest: int) -> str | None:
    """The code of the one known division of `level` a text names (花园路社区10月探访记录, 五大道街道…联系人情况表): the
    words before each `word` in it (社区, 街道), two to `longest` characters of them, are the names it may give."""
    names = list({text[max(0, found.start() - n):found.end()]
                  for found in word.finditer(text or "") for n in range(2, longest + 1)})
    codes = [code for (code,) in con.execute(
        "select distinct code from place_keys where level = $level and place_key <> ''"
        " and place_key in (select cv_place_key(unnest($names)))", {"names": names, "level": level}).fetchall()
    ] if names else []
    return codes[0] if len(codes) == 1 else None


STREET_WORD = re.compile(r"街道办事处|街道|镇|乡")


def _with_named_street(con: duckdb.DuckDBPyConnection, sheet: RawSheet, column_map: mappings.ColumnMap,
                       file_name: str | None = None) -> mappings.ColumnMap:
    """A contact list naming neither community nor street in a column, whose title or file's name names exactly one
    known street (五大道街道失能老年人联系人情况表): that street's list, as if a column said so (its elders are named by
    ID number). It had been refused as 街道和社区都为空."""
    if column_map.kind != "contacts" or "street" in column_map.fields:
        return column_map
    for text in (sheet.preamble, file_name):
        if name := _division_named(con, text, "street", STREET_WORD, 6):
            return dataclasses.replace(column_map, implied={**column_map.implied, "street": name})
    return column_map


def _with_named_visitor(con: duckdb.DuckDBPyConnection, sheet: RawSheet, column_map: mappings.ColumnMap,
                        sheets: int) -> mappings.ColumnMap:
    """A visit workbook's sheet per visitor (王洁, 陆勇强: no visitor column, its rows naming their elders): the sheet
    name is the visitor of its rows, as if a column said so. A sheet named by a person whose rows name that person
    is the elder's (a sheet per elder), not a visitor's."""
    if sheets < 2 or "visitor" in column_map.fields or not sheet.sheet_name or not any(
            field in column_map.fields for field in mappings.PERSON_FIELDS):
        return column_map
    if text_macro(con, "cv_mask_sheet_name", sheet.sheet_name) != text_macro(con, "cv_mask_name", sheet.sheet_name):
        return column_map  # no person's name (10月, 花园路社区, Sheet1)
    if "name" in column_map.fields and scalar(
            con, f"select count(*) from {sheet.table} where cv_person_name(c{column_map.fields['name']}) = "
                 f"cv_person_name(?)", [sheet.sheet_name]):
        return column_map
    return dataclasses.replace(column_map, implied={**column_map.implied, "visitor": sheet.sheet_name.strip()})


def _with_titled_method(con: duckdb.DuckDBPyConnection, sheet: RawSheet, column_map: mappings.ColumnMap,
                        file_name: str | None, words_dir: Path | None = None) -> mappings.ColumnMap:
    """A visit record without a method column whose title, sheet or file name names one method (入户探访登记表: the
    ledger of home visits; it had been refused for a missing 探访方式 column): that method, for its rows, as a daily
    register's title names its own (day_registers), said so in a warning (titled_method). A title naming several
    names none. A 联系方式 column of phone numbers (the number dialled) is no method column (probe 26 M2: a call log
    under 每日电话联系记录 had every row rejected as 未知的探访方式: 138****0010)."""
    if (at := column_map.fields.get("method")) is not None and _read_as(con, sheet, at, PHONE):
        column_map = dataclasses.replace(column_map, fields={f: i for f, i in column_map.fields.items() if i != at},
                                         unknown=[*column_map.unknown, sheet.header[at]])
    if "method" in column_map.fields or any(field == "method" for field, _ in column_map.marks.values()):
        return column_map
    methods = {value for _, value in day_registers.named_methods(named_text(sheet, file_name), words_dir)}
    if len(methods) != 1:
        return column_map
    return dataclasses.replace(column_map, implied={**column_map.implied, "method": methods.pop()})


def _header_moved(sheet: RawSheet) -> int | None:
    """The row number of the first row of a sheet that writes three or more of its header's cells, two of them under
    other columns than the header's (a second table stacked under the first, its columns in another order); None
    where no row does. (A row repeating the header as it is, a page's header printed again, is no data: _not_data.)
    One pass of each column over a set of the header's words; only the few rows holding three are looked at."""
    # (words: a register's days, 1 … 31, and numbers in its rows are no header)
    named = [cell for cell in sheet.header if cell and len(cell.strip()) > 1 and re.search(r"[^\d\s.]", cell)]
    if len(named) < 3 or not sheet.cells.num_rows:
        return None
    words = pa.array(sorted({*named, *(cell.strip() for cell in named)}), pa.string())
    columns = [sheet.cells[f"c{i}"] for i in range(sheet.column_count)]
    count = functools.reduce(pc.add, (pc.cast(pc.fill_null(pc.is_in(column, value_set=words), False), pa.int32())
                                      for column in columns))
    header = [(cell or "").strip() for cell in sheet.header] + [""] * (len(columns) - len(sheet.header))
    written = {cell.strip() for cell in named}
    for row in pc.indices_nonzero(pc.greater_equal(count, 3)).to_pylist():
        cells = [(column[row].as_py() or "").strip() if column[row].is_valid else "" for column in columns]
        # two different words moved at least: one word under two columns is a cell merged across them (姓名 over 姓名 |
        # 身份证号 in a header printed again), no other order
        if len({cell for cell, own in zip(cells, header, strict=False) if cell in written and cell != own}) >= 2:
            return sheet.cells["row_number"][row].as_py()
    return None


def _with_named_categories(sheet: RawSheet, column_map: mappings.ColumnMap,
                           words_dir: Path | None = None) -> mappings.ColumnMap:
    """A roster sheet without a category column (nor a tick column of one) whose name, else title, names one category
    (a workbook of a sheet per category, 独居老人 | 失能老人; 花园路社区独居老人名单): that category, for its rows, as a
    column would say it (review 25 H5: every elder but the 80-year-olds had been left out of the figures). A title
    naming several names none."""
    if "categories" in column_map.fields or any(field == "categories" for field, _ in column_map.marks.values()):
        return column_map
    named = _categories_named(None, {sheet.sheet_name or "": _without_notes(sheet.sheet_name or "")})
    if not named:
        title = mappings.header_key(sheet.preamble or "")
        in_title = {value for key, value in mappings.mark_names("category", words_dir).items()
                    if len(key) > 1 and key in title}
        named = {"": in_title.pop()} if len(in_title) == 1 else {}
    if not named:
        return column_map
    return dataclasses.replace(column_map, implied={**column_map.implied, "categories": next(iter(named.values()))})


def _with_named_month(sheet: RawSheet, column_map: mappings.ColumnMap, file_name: str | None) -> mappings.ColumnMap:
    """A visit sheet whose title, name or file's name names one month (2026年10月探访记录): that month, for the dates
    written without their year (10月5日) or month (5日) in it (cv_date_in_month); one naming months within a year
    (2026年10月1日—2026年11月30日): the first and the last, 2026-10..2026-11, for the dates without their year."""
    months = sorted(named_months(sheet.preamble, sheet.sheet_name, Path(file_name).stem if file_name else None))
    if not months or (months[-1][0] - months[0][0]) * 12 + months[-1][1] - months[0][1] >= 12:
        return column_map
    first, last = (f"{year}-{month:02d}" for year, month in (months[0], months[-1]))
    return dataclasses.replace(column_map, implied={**column_map.implied,
                                                    "sheet_month": first if first == last else f"{first}..{last}"})


def source_cells(sheets: list[RawSheet], column_maps: list[mappings.ColumnMap], kind: str,
                 words_dir: Path | None = None) -> pa.Table:
    """Staging's input: the rows of every sheet with canonical field names (src_id, row_number, then
    FIELDS[kind], null where a sheet has no such column), picked from the read cells without a copy. `words_dir`: the
    bureau's own words, beside the package's (an exit named by a sheet or a date column)."""
    tables = []
    for index, (sheet, column_map) in enumerate(zip(sheets, column_maps, strict=True)):
        row_numbers = sheet.cells["row_number"]
        columns = {"src_id": pc.add(row_numbers, pa.scalar(index * SHEET_ROW_STRIDE, pa.int32())),
                   "row_number": row_numbers}
        for field in FIELDS[kind]:
            if field in column_map.fields and (asked := _asked_value(sheet.header[column_map.fields[field]], field)):
                columns[field] = _read_ticks(sheet, column_map.fields[field], asked, None)
            elif field == "contact_phone" and "contact_phone_also" in column_map.fields:
                columns[field] = _phones(sheet, column_map.fields)
            elif field in column_map.also and field in mappings.JOINED_FIELDS.get(kind, ()):
                columns[field] = _joined_words(_field_cells(sheet, column_map, field))
            elif field in column_map.also:
                columns[field] = _first_written(sheet, [column_map.fields[field], *column_map.also[field]])
            elif field in column_map.fields:
                header_cell = sheet.header[column_map.fields[field]]
                columns[field] = _with_legend_read(sheet.cells[f"c{column_map.fields[field]}"],
                                                   header_cell if field not in CODED_FIELDS
                                                   else _legend_text(header_cell, sheet.preamble, sheet.elsewhere))
            elif _in_parts(field, column_map):
                columns[field] = _joined_date(sheet, {part: column_map.fields[part]
                                                      for part in mappings.date_parts(column_map.fields, field)})
            elif field == "consent" and "declines" in column_map.fields:
                columns[field] = _consent_of_declines(sheet, column_map.fields["declines"])
            elif field in column_map.implied:  # one value for the whole sheet, stored once
                columns[field] = pa.DictionaryArray.from_arrays(pa.nulls(sheet.cells.num_rows, pa.int32()).fill_null(0),
                                                                pa.array([column_map.implied[field]], pa.string()))
            else:
                columns[field] = pa.nulls(sheet.cells.num_rows, pa.null())  # no memory, whatever the rows
        for field in {field for field, _ in column_map.marks.values()}:
            columns[field] = _ticked_values(sheet, column_map, field)
        if kind == "roster" and "status_reason" not in column_map.fields and (
                exits := _exits_not_written(sheet, column_map, words_dir)) is not None:
            columns["status_reason"], columns["exit_elsewhere"] = exits
        if kind == "contacts":
            columns["more_contacts"] = _more_contacts(sheet, column_map)
        tables.append(pa.table(columns))
    if len(tables) == 1:
        return tables[0]
    # sheets may hold a column as dictionary-encoded text or plain text: one type for each, to concatenate
    return pa.concat_tables([table.cast(_common_schema(tables)) for table in tables])


# A legend of codes in a header (类别（1独居 2空巢 3失能）, 是否同意探访（1是 0否）, 类别: 1.独居 2.空巢): code, word
LEGEND_PAIR = re.compile(r"(?<!\d)(\d{1,2})\s*[.．、:：=为\-]?\s*([^\d\s,，;；、/()（）.．:：=]+)")
CODE = re.compile(r"(?<![\d.])\d{1,2}(?![\d.])")


# Columns of words a template may ask for as codes, with the legend above the table (说明：人员类别填代码 1-独居 2-空巢)
CODED_FIELDS = frozenset({"categories", "living", "disability", "consent", "status", "method", "outcome",
                          "relation"})


# A row of a table of codes (1 | 独居, 1. 独居 独自居住的老人): a code and its word first
LEGEND_ROW = re.compile(r"\s*" + LEGEND_PAIR.pattern)


def _legend_sheets_text(unread: list[UnreadSheet], lookups: list[RawSheet]) -> str:
    """The text of a workbook's sheets that are no table of people, a line a row (sheet_lines): a sheet without a
    header (代码说明, 填表说明) and one whose header names no person (代码 | 人员类别)."""
    return "\n".join([*(sheet.text for sheet in unread if sheet.text), *(_lookup_text(sheet) for sheet in lookups)])


def _lookup_text(sheet: RawSheet) -> str:
    """A sheet whose header names no person as text, a line a row: the text above its header (one line), its
    header, its first LEGEND_ROWS rows."""
    rows = sheet.cells.drop_columns(["row_number"]).slice(0, LEGEND_ROWS).to_pylist()
    return sheet_lines([[sheet.preamble], sheet.header, *(list(row.values()) for row in rows)])


def _legend_note(con: duckdb.DuckDBPyConnection, sheet_name: str | None, text: str,
                 parts: Sequence[tuple[list[RawSheet], str, list[mappings.ColumnMap]]]) -> str | None:
    """The warning for a sheet that is no table of people but explains the codes of columns of the file's `parts`
    (sheets, kind, column maps; _legend_text): that it was read for them. None when it explains none."""
    explained = list(dict.fromkeys(
        cell for sheets, _, column_maps in parts for people, column_map in zip(sheets, column_maps, strict=True)
        for field, index in column_map.fields.items()
        # the sheet changed the column's legend: a legend in its header or above its table comes first
        if field in CODED_FIELDS and (cell := people.header[index])
        and _legend_text(cell, people.preamble, text) != _legend_text(cell, people.preamble)))
    if not explained:
        return None
    return (f"{sheet_said(con, sheet_name)}是代码说明, 不是人员名单, 未作为名单导入; "
            f"其中的代码说明已用于读取 {'、'.join(explained)} 列")


def _legend_text(header_cell: str, preamble: str, elsewhere: str = "") -> str:
    """The text of a column's legend of codes: its header's (类别（1独居 2空巢）), else the words after its name in the
    text above the table, to the end of their sentence (说明：人员类别填代码 1-独居 2-空巢…。), else in a sheet of the
    workbook that is no table of people (`elsewhere`, a line a row): the sentence after its name, or the rows of
    codes below it (人员类别代码 | 含义, then 1 | 独居 …)."""
    if len(LEGEND_PAIR.findall(header_cell or "")) >= 2 or not header_cell:
        return header_cell
    if header_cell in preamble:
        return re.split(r"[。；;\n]", preamble[preamble.index(header_cell) + len(header_cell):])[0]
    for mention in re.finditer(re.escape(header_cell), elsewhere):
        lines = elsewhere[mention.end():].split("\n")
        said = re.split(r"[。；;]", lines[0])[0]
        if len(LEGEND_PAIR.findall(said)) < 2:  # a table: the rows of codes right below
            rows = itertools.takewhile(bool, (LEGEND_ROW.match(line) for line in lines[1:]))
            said = " ".join([said, *(row[0] for row in rows)])
        if len(LEGEND_PAIR.findall(said)) >= 2:
            return said
    return header_cell


def _with_legend_read(column: pa.ChunkedArray, header_cell: str) -> pa.ChunkedArray | pa.Array:
    """A column whose header gives a legend of codes (类别（1独居 2空巢 3失能）), its cells' codes as the words they
    stand for (1、3: 独居、失能), read by staging as if written so; any other column as it is."""
    legend = dict(LEGEND_PAIR.findall(header_cell or ""))
    if len(legend) < 2 or not (pa.types.is_string(column.type) or pa.types.is_dictionary(column.type)):
        return column
    return each_distinct(column, lambda value: CODE.sub(lambda code: legend.get(code[0], code[0]), value))


# Attributes a roster may ask as a question (是否失能 是/否, beside the categories that mark the elder): a tick is the
# value the header names, a cross none
QUESTION_FIELDS = ("disability", "referral")  # 是否失能, 是否转介: a tick or 是 is the word asked


def _asked_value(header_cell: str, field: str) -> str | None:
    """The value of `field` a header asks about (是否失能: 失能), for QUESTION_FIELDS; else None."""
    asked = mappings.asked_word(header_cell)
    return mappings.mark_names(field).get(asked) if field in QUESTION_FIELDS and asked else None


def _in_parts(field: str, column_map: mappings.ColumnMap) -> bool:
    """Whether the sheet writes `field`, a date, in a column for each of its parts (mappings.DATE_PARTS), not whole:
    read as the one date "<年>年<月>月<日>日", which staging parses and rejects as any date it is given."""
    return field not in column_map.fields and mappings.date_parts(column_map.fields, field) is not None


def _joined_date(sheet: RawSheet, indexes: dict[str, int]) -> pa.Array:
    """A date's year, month and day columns (by part field, mappings.DATE_PARTS) as one text, 2026年10月5日, or
    10月5日 without a year column; null where all are empty, and with a part left empty where it is (a date staging
    cannot read, rejected naming what the row says)."""
    cells = {part[len("visit_"):]: _trimmed(sheet, index) for part, index in indexes.items()}
    words = {"year": "年", "month": "月", "day": "日"}
    parts = [value for part, cell in cells.items() for value in (cell, words[part])]
    joined = pc.binary_join_element_wise(*parts, "", null_handling="replace", null_replacement="")
    return pc.if_else(pc.equal(joined, "".join(words[part] for part in cells)), pa.scalar(None, pa.string()), joined)


# A contact list's other contact people on a row (mappings.ColumnMap.more_contacts), as staging reads them
MORE_CONTACTS = pa.list_(pa.struct([(field, pa.string()) for field in mappings.CONTACT_FIELDS]))


def _more_contacts(sheet: RawSheet, column_map: mappings.ColumnMap) -> pa.Array:
    """The contact people a row names after its first (联系人2 …), a list of MORE_CONTACTS's structs; null where the
    sheet names one only."""
    rows = sheet.cells.num_rows
    if not column_map.more_contacts:
        return pa.nulls(rows, MORE_CONTACTS)
    people = [pa.StructArray.from_arrays(
        [_phones(sheet, person) if field == "contact_phone" and "contact_phone_also" in person
         else sheet.cells[f"c{person[field]}"].cast(pa.string()).combine_chunks() if field in person
         else pa.nulls(rows, pa.string()) for field in mappings.CONTACT_FIELDS], names=list(mappings.CONTACT_FIELDS))
        for person in column_map.more_contacts]
    count = len(people)
    # row i's people are i, i + rows, i + 2 * rows … of the people one after another
    order = (np.arange(rows)[:, None] + np.arange(count)[None, :] * rows).ravel()
    return pa.ListArray.from_arrays(pa.array(np.arange(0, rows * count + 1, count), pa.int32()),
                                    pa.concat_arrays(people).take(order), type=MORE_CONTACTS)


def _phones(sheet: RawSheet, person: dict[str, int]) -> pa.Array:
    """A contact person's phones from their two columns (手机, 座机) as one text, 13812345678、022-27654321, which
    staging reads as it reads several numbers in one cell (cv_phone_list)."""
    phones = [sheet.cells[f"c{person[field]}"].cast(pa.string()).combine_chunks()
              for field in ("contact_phone", "contact_phone_also")]
    joined = pc.binary_join_element_wise(*phones, "、", null_handling="replace", null_replacement="")
    joined = pc.utf8_trim(joined, "、 ")
    return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)


def _trimmed(sheet: RawSheet, index: int) -> pa.Array:
    """A column's cells as text, without the spaces around them."""
    return pc.utf8_trim_whitespace(sheet.cells[f"c{index}"].cast(pa.string()).combine_chunks())


def _exits_not_written(sheet: RawSheet, column_map: mappings.ColumnMap,
                       words_dir: Path | None = None) -> tuple[pa.Array, pa.Array] | None:
    """A roster's exits said elsewhere than in a status cell, where that cell is empty or there is none (a status
    written says more): by the sheet's name (已去世, 迁出人员: a workbook keeping its exits on sheets of their own),
    else by a date column that names one (死亡日期, 去世时间, 迁出日期, 注销日期) where the row's first such cell is
    filled.
    Status words as values.csv spells them, and the bureau's own; read beside the status cell as a reason column is
    (cv_status_cell). Both had left the elder 在册 without a word (review 2026-12-04, round 5). Returned with the
    exits a date column names where the status cell is written (exit_elsewhere: staging warns where it says 在册); None
    where nothing names an exit."""
    statuses = mappings.mark_names("status", words_dir)
    unwritten = pa.scalar(True)
    if (status_at := column_map.fields.get("status")) is not None:
        unwritten = pc.fill_null(pc.equal(pc.utf8_length(_trimmed(sheet, status_at)), 0), True)
    nothing = pa.scalar(None, pa.string())
    by_sheet = pa.nulls(sheet.cells.num_rows, pa.string())
    if (status := _status_named(sheet.sheet_name or "", words_dir)) not in (None, "在册"):
        by_sheet = pa.repeat(pa.scalar(status), sheet.cells.num_rows)
    dated = []
    for index in [column_map.fields.get("change_date"), *column_map.also.get("change_date", [])]:
        word = re.sub(r"(日期|时间)$", "", mappings.header_key(sheet.header[index])) if index is not None else ""
        if status := statuses.get(word):
            dated.append(pc.if_else(pc.fill_null(pc.greater(pc.utf8_length(_trimmed(sheet, index)), 0), False),
                                    pa.scalar(status), nothing))
    if not dated and by_sheet.null_count == len(by_sheet):
        return None
    by_date = pc.coalesce(*dated) if dated else pa.nulls(sheet.cells.num_rows, pa.string())
    return pc.if_else(unwritten, pc.coalesce(by_sheet, by_date), nothing), pc.if_else(unwritten, nothing, by_date)


# A roster's sheet or block named by the status of its people: the words around the status (本月减少人员, 已故老人名单)
_STATUS_LISTED = re.compile(r"^(?:本月|本期|当月|本年)|(?:人员|老人|老年人|名单|名册|花名册|情况)+$")


def _status_named(text: str, words_dir: Path | None = None) -> str | None:
    """The status a roster's sheet name or a block's heading names its people by (死亡人员, 已故, 已故老人, 死亡注销,
    本月减少人员, 在册人员: values.csv's words, with or without 已, else the status keyword of a short name), or None
    (review 25 H1: 已故 and 死亡注销 had named no one's exit, the dead counted)."""
    key = _STATUS_LISTED.sub("", mappings.header_key(text))
    statuses = mappings.mark_names("status", words_dir)
    for word in (key, key.removeprefix("已")):
        if word in statuses:
            return statuses[word]
    return mappings.value_named(key, "status", words_dir) if 0 < len(key) <= 8 else None


def _statuses_named(_con: duckdb.DuckDBPyConnection, names: dict[str, str], words_dir: Path | None = None
                    ) -> dict[str, str]:
    """{heading as written: the status it names its block's people by} (一、在册人员, 二、本月减少人员（1人）)."""
    return {raw: status for raw, name in names.items() if (status := _status_named(name, words_dir))}


def _first_written(sheet: RawSheet, indexes: list[int]) -> pa.Array:
    """A field written in a column of each kind (死亡日期, 迁出日期: mappings.SPREAD_FIELDS): the row's first cell
    with something in it, in the columns' order."""
    cells = [sheet.cells[f"c{index}"].cast(pa.string()).combine_chunks() for index in indexes]
    return pc.coalesce(*(pc.if_else(pc.equal(pc.utf8_trim_whitespace(column), ""), pa.scalar(None, pa.string()),
                                    column) for column in cells))


def _consent_of_declines(sheet: RawSheet, index: int) -> pa.Array:
    """A roster's consent from a column that asks the other way round (是否拒绝探访, 不同意探访（打√）): a tick or 是
    there is 不同意, a cross or 否 is 同意; other words are read as consent words themselves (staging warns of those
    it does not know)."""
    return _read_ticks(sheet, index, "不同意", "同意")


def _ticked_values(sheet: RawSheet, column_map: mappings.ColumnMap, field: str) -> pa.Array:
    """The column `field` of a sheet that ticks its values in a column each (a roster's categories: 独居 √, 是否失能
    是; a visit's method: 入户 | 电话 | 视频), with the field's own column's words when it has one too: a tick (是, √,
    1) names the column's value, a cross or a blank none, other words (半失能 under 失能) are read as values
    themselves (staging reads 入户、电话 as its strongest)."""
    return _joined_words([*_field_cells(sheet, column_map, field),
                          *(_read_ticks(sheet, index, value, _crossed(sheet.header[index], field))
                            for index, (ticked, value) in column_map.marks.items() if ticked == field)])


def _field_cells(sheet: RawSheet, column_map: mappings.ColumnMap, field: str) -> list[pa.Array]:
    """The cells of `field`'s own column and of every further column of it (ColumnMap.also), as text."""
    indexes = [column_map.fields[field]] if field in column_map.fields else []
    return [sheet.cells[f"c{index}"].cast(pa.string()).combine_chunks()
            for index in [*indexes, *column_map.also.get(field, [])]]


def _joined_words(parts: list[pa.Array]) -> pa.Array:
    """Each row's cells of `parts` as one cell of words joined with 、 (blank cells left out; empty when all are)."""
    # (null_handling="skip" drops the rows where every part is null, in pyarrow 26: joined in full, then trimmed)
    joined = pc.binary_join_element_wise(*parts, "、", null_handling="replace", null_replacement="")
    return pc.replace_substring_regex(joined, "^、+|、+$|(、)、+", r"\1")


def _crossed(header_cell: str, field: str) -> str | None:
    """What a cross says under a column asking a visit's outcome or method: the asked word denied (是否见到本人 否:
    未见到本人, which staging reads as 未遇; 是否入户 否: 未入户, met but not at home, 路遇, where its 探访方式 says
    走访 and no other way); under any other tick column, nothing."""
    asked = mappings.asked_word(header_cell)
    return f"未{asked}" if field in mappings.ASKED_MARKS and asked else None


# 问卷星's mark, in a column per option (numbers: 1 chosen, 0 not), for a question its logic skipped
SKIPPED_OPTION = "-3"


def _read_ticks(sheet: RawSheet, index: int, ticked: str, crossed: str | None) -> pa.Array:
    """Column `index` with a tick in it (是, √, 1: mappings.yes_no_words) read as `ticked`, a cross (否, ×, 0) as
    `crossed`, a blank (or a form's skipped mark) as null and any other words as they are; each distinct cell looked
    up once."""
    yes_no = mappings.yes_no_words()
    return each_distinct(sheet.cells[f"c{index}"], lambda value: {"是": ticked, "否": crossed}.get(
        yes_no.get(key := mappings.header_key(value)), value if key and key != SKIPPED_OPTION else None))


def _common_schema(tables: list[pa.Table]) -> pa.Schema:
    first = tables[0].schema
    return pa.schema([field if all(t.schema.field(field.name).type == field.type for t in tables)
                      else pa.field(field.name, pa.string()) for field in first])


def _not_data(sheet: RawSheet, words_dir: Path | None = None) -> str:
    """Condition on a sheet's raw cells `r` for a row that is not data: blank; a row whose first written cell,
    wherever it stands, is a 合计/总计/小计/汇总 (花园路社区小计 too), the signature, notes and seal below a
    table (填表人：…, 审核人：…, 备注：…, （盖章）, 联系电话：…), a page number or a title again (…记录表（续）); or the
    header again in half its columns or more, two at least (blocks pasted one under another, each with its header; a
    two-row header's upper row after a page break: $repeated_header is _repeated_header's). A person's row that writes
    the words of two tick columns under them (独居 under 独居) is no header. And a row whose cells all hold one text:
    a heading merged across the table (网格员：张三 above the visits of each visitor); a row numbering the columns (1 2
    3 …, A B C …).

    Staging validates every row; only rejected rows are tested against this (a blank or total row
    is never valid), so the test costs nothing on the rows that load.
    """
    content = [f"r.c{i}" for i, cell in enumerate(sheet.header) if cell and not mappings.is_ignored(cell, words_dir)]
    content += [f"r.c{i}" for i in range(len(sheet.header), sheet.column_count)]
    cells = [f"r.c{i}" for i in range(sheet.column_count)]
    named = [f"coalesce(trim(r.c{i}), '')" for i, cell in enumerate(sheet.header) if cell]
    written = f"list_filter([{', '.join(f'trim({c})' for c in cells)}]::varchar[], lambda cell: cell <> '')"
    return f"""(not regexp_matches(concat_ws('', {", ".join(content)}), '[^\\s　]')
            or regexp_matches(coalesce({", ".join(f"nullif(trim({c}), '')" for c in cells)}, ''),
                              '{NOT_DATA_FIRST_CELL}')
            -- one text merged across the row (a heading band: 网格员：张三, 花园路社区): every cell written the same
            or (len({written}) > 1 and len(list_distinct({written})) = 1)
            -- a subtotal in any cell, the cells before it filled from cells merged down the block (社区, 探访日期 over
            -- 小计：10人次 in the name's column: review 12 H2)
            or coalesce(list_bool_or(list_transform({written}, lambda cell: cv_subtotal(cell))), false)
            -- the header's notes on a row of their own under it ((18位) | (手机或座机) | (同意/不同意)): every cell
            -- written a note in brackets
            or (len({written}) > 1
                and len(list_filter({written}, lambda cell: not regexp_full_match(cell, '[(（][^()（）]*[)）]'))) = 0)
            -- the columns' numbers or letters on a row of their own under the header (1 2 3 …, A B C …: probe 28
            -- M2, a person rejected for good)
            or (len({written}) > 2
                and ({written} = list_transform(range(1, len({written}) + 1), lambda n: n::varchar)
                     or {written} = list_transform(range(0, len({written})), lambda n: chr(65 + n::integer))))
            or len(list_filter(list_zip([{", ".join(named)}]::varchar[], $repeated_header::varchar[]),
                               lambda pair: pair[1] = pair[2]))
               >= greatest(1, least(2, len($repeated_header::varchar[])), len($repeated_header::varchar[]) // 2))"""


def _repeated_header(sheet: RawSheet) -> dict[str, list[str]]:
    """_not_data's parameter: the header's named cells, as a row repeating it holds them."""
    return {"repeated_header": [cell for cell in sheet.header if cell]}


def stage(con: duckdb.DuckDBPyConnection, kind: str, report_unit: str | None = None,
          sheet_names: Sequence[str | None] = (), report_date: dt.date | None = None) -> None:
    """Validate the rows of `src` (src_id, row_number and FIELDS[kind], as text; a contact list's more_contacts too,
    MORE_CONTACTS) into the temp table
    `staged`: typed values, warnings and a reject_reason per row, repeats of other rows rejected
    too. Staging is SQL only: `src` may as well be a handful of literal rows. `sheet_names`: of a workbook's
    sheets, in src_id order (SHEET_ROW_STRIDE), as a message says them (sheet_label), that a reason naming a row of
    another sheet names (cv_same_row). `report_date`: the list's 填报日期 (_report_date), the day its clerk's days
    written without a year are read near (cv_day_before; else today)."""
    con.execute("create or replace temp table stg_sheets as select $names::varchar[] as sheet_names, $stride as stride,"
                " coalesce($listed::date, cv_today()) as listed, $listed is not null as dated",
                {"names": list(sheet_names), "stride": SHEET_ROW_STRIDE, "listed": report_date})
    con.execute("create or replace temp table stg_places as " + sql("staging/places"), {"report_unit": report_unit})
    # each distinct word cell (category, method …) is recognised once
    con.execute(f"create or replace temp view word_cells as {sql(f'staging/{kind}_word_cells')}")
    con.execute("create or replace temp table stg_words as " + sql("staging/words"))
    if kind == "visits":  # the method and outcome cells that tell of several tries, read from their words
        con.execute("create or replace temp table stg_tries as " + sql("staging/visit_tries"))
    with _settings(con, UNORDERED | AS_WRITTEN):
        con.execute(f"create or replace temp table staged as {sql(f'staging/{kind}')}")
    with _settings(con, UNORDERED):
        for step in LATER_STEPS.get(kind, ()):
            if step in STEP_READS and not first_row(con, "select 1 from duckdb_tables() where table_name = ?"
                                                         " and database_name = current_database()", [STEP_READS[step]]):
                continue
            con.execute(f"""update staged set reject_reason = later.reason, reject_field = null
                        from ({sql(step)}) later where staged.src_id = later.src_id""")


@contextlib.contextmanager
def _settings(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> Iterator[None]:
    """DuckDB settings for the statements inside, reset afterwards (after an error too)."""
    for name, value in values.items():
        con.execute(f"set {name} = '{value}'")
    try:
        yield
    finally:
        reset_settings(con)


def reset_settings(con: duckdb.DuckDBPyConnection) -> None:
    """Staging's settings back to DuckDB's defaults. After an error DuckDB refuses any statement until the
    rollback (the error is what the caller must see): load_file resets them again after its rollback."""
    with contextlib.suppress(duckdb.TransactionException):
        for name in UNORDERED | AS_WRITTEN:
            con.execute(f"reset {name}")


def _stage(con: duckdb.DuckDBPyConnection, file_name: str, stored_name: str, digest: Future[str], size: int,
           kind: str, sheets: list[RawSheet], column_maps: list[mappings.ColumnMap], words_dir: Path | None = None,
           place_scope: str | None = None, correction: corrections.Correction | None = None,
           notes: list[tuple[str, str]] | None = None) -> FileResult:
    """Validate and store one read file (`stored_name`: its name masked, as stored and shown); `digest` (its SHA-256,
    still being computed) is needed last.
    `notes`: warnings about the whole file (sheets skipped, a register read as a sheet per day): (code, message)."""
    con.register("src", source_cells(sheets, column_maps, kind, words_dir))
    try:
        return _stage_source(con, file_name, stored_name, digest, size, kind, sheets, column_maps, words_dir,
                             place_scope, correction, notes or [])
    finally:
        # after a DuckDB error the transaction is aborted and src goes with its rollback; the
        # error itself is what the caller must see
        with contextlib.suppress(duckdb.TransactionException):
            con.unregister("src")


def _stage_source(con: duckdb.DuckDBPyConnection, file_name: str, stored_name: str, digest: Future[str], size: int,
                  kind: str, sheets: list[RawSheet], column_maps: list[mappings.ColumnMap],
                  words_dir: Path | None = None, place_scope: str | None = None,
                  correction: corrections.Correction | None = None,
                  notes: list[tuple[str, str]] | None = None) -> FileResult:
    load_id = scalar(con, "select coalesce(max(load_id), 0) + 1 from loads")
    # a corrections workbook's rows are its original file's: dated by that file's 填报日期 (its own title names none;
    # the 导入 list had shown it without one, and its days written without a year were read near today)
    report_date = (scalar(con, "select report_date from loads where load_id = ?", [correction.origin_load_id])
                   if correction else _report_date(con, kind, sheets, file_name))
    # the sheets' names as messages say them, where a message can name one: in a workbook of several
    labels = [sheet_label(con, s.sheet_name) if s.sheet_name and len(sheets) > 1 else None for s in sheets]
    stage(con, kind, next((s.report_unit for s in sheets if s.report_unit), None), labels, report_date)
    # each staged row's street where it has a place, its own else its community's: warnings and rejects are placed by it
    con.execute("""create or replace temp view stg_streets as
        select s.src_id, coalesce(s.street_code, d.parent_code) as street_code
        from staged s left join divisions d on d.code = s.community_code""")
    con.execute("create or replace temp table stg_claims (src_id integer, origin_row integer, origin_sheet varchar,"
                " takes_over boolean, reason varchar)")  # rows of a corrections workbook (_claim_rows)
    if correction:
        _claim_rows(con, load_id, kind, sheets, correction, words_dir)
    resent = 0 if correction else _take_over_resent_rows(con, load_id, file_name, kind, sheets, place_scope)
    if not correction:
        _take_corrected_rows(con, file_name, kind, sheets, place_scope)
    if place_scope not in (None, "all"):  # a staff's file of another district is none of theirs, said so first
        _reject_out_of_scope(con, kind, place_scope)
    _refuse_unknown_places(con)
    _reject_examples(con, sheets)
    _reject_shifted_rows(con, sheets)
    with _settings(con, UNORDERED):
        # Three counts measured apart, so that the load_conservation check can catch a row lost
        # on the way: the rows the reader saw that are data, the rows stored, the rows set aside.
        rows_read, rows_rejected = 0, 0
        for index, sheet in enumerate(sheets):
            not_data, rejected = _set_aside_rejects(con, load_id, stored_name, index, sheet, column_maps[index],
                                                    words_dir, correction)
            rows_read += sheet.cells.num_rows - not_data
            rows_rejected += rejected
        # a corrections workbook's fixed rows join the load they correct, under their original row numbers
        rows = ("(select s.* replace (c.origin_row as row_number) from staged s join stg_claims c using (src_id))"
                if correction else "staged")
        # (and a roster's rows saying its community has nobody to list, stored in roster_nobody)
        rows_loaded = scalar(con, f"select count(*) from {rows} where reject_reason is null") + scalar(
            con, "select count(*) from roster_nobody where load_id = ?", [load_id])
        stored_rows = STORED_ROWS.get(kind, "{rows}").format(rows=rows)
        # the staged columns that the stored table has (staging also keeps what warnings need), in staged's
        # order: read from two empty results (duckdb_columns() lists every column of every table)
        stored = set(_column_names(con, TARGET_TABLE[kind]))
        columns = ", ".join(column for column in _column_names(con, stored_rows) if column in stored)
        con.execute(f"""
            insert into {TARGET_TABLE[kind]} by name
            select {columns}, $load_id as load_id
            from {stored_rows} where reject_reason is null""",
                    {"load_id": correction.origin_load_id if correction else load_id})
    # rejected rows whose elders the new roster would take off the list
    if kind == "roster" and not correction:
        con.execute(f"create or replace temp table rosters_in_force as {sql('staging/rosters_in_force')}",
                    {"load_id": load_id})
        _nobody_notes(con, load_id, stored_name,
                      {sheet.sheet_name: label for sheet, label in zip(sheets, labels, strict=True)})
        listed, first_rows = first_row(con, sql("staging/rejected_listed"))
        if listed:
            said = _rows_said(first_rows, listed)
            who = "此人" if listed == 1 else "这些人"
            notes = [*(notes or []), ("rejected_listed", f"第 {said}被拒收, 而现行底册中有同名的人: 不改正的话, "
                                                         f"{who}将按去向未说明计为退出")]
    if kind == "visits" and not correction:
        notes = [*(notes or []), *_names_differ(con), *_sent_before(con, load_id)]
    if kind == "contacts" and not correction:
        notes = [*(notes or []), *_contacts_dropped(con, load_id), *_names_differ(con, kind),
                 *_set_after(con, report_date)]
    refixed = 0 if correction or kind == "visits" else scalar(
        con, "select count(*) from stg_refixed join staged using (src_id) where reject_reason is null")
    if refixed:
        notes = [*(notes or []), *_corrected_before_notes(con)]
    notes = [*(notes or []), *_struck_notes(sheets, labels, kind), *_rows_above_notes(sheets, labels),
             *_short_day_notes(sheets, labels, column_maps, kind),
             *_joined_rows_notes(sheets, labels),
             *_formatting_notes(sheets, labels, kind), *_other_people_notes(sheets, labels, kind, words_dir),
             *_formula_error_notes(con, sheets, labels)]
    if not rows_read and not correction:  # the wrong file sent, maybe (probe 28 L2: a load of 0 rows, not a word)
        notes.append(("no_rows", NO_ROWS))
    if kind == "roster" and not correction:
        notes = [*(notes or []), *_dated_after(con, report_date)]
        marked = {field for column_map in column_maps for field in [*column_map.fields, *column_map.implied, *(
            f for f, _ in column_map.marks.values())]}
        derive, aged_from = first_row(con, "select any_value(derive_categories_from_attributes), any_value(aged_from)"
                                           " from cfg_settings")
        if not marked & {"categories", "category"} and not derive:
            notes.append(("no_category_column", NO_CATEGORY_COLUMN.format(age=aged_from)))
    warning_count = _store_warnings(con, load_id, stored_name, sheets, labels, column_maps, notes, words_dir)
    _mask_file_people(con, load_id, sheets, column_maps, warning_count > 0, rows_rejected > 0)
    con.execute(
        "insert into loads values ($id, $file, $sha, $kind, $sheet, $header_row, $report_date, 'loaded',"
        " $read, $loaded, $rejected, $warnings, $at, $size)",
        {"id": load_id, "file": stored_name, "sha": digest.result(), "size": size, "kind": kind,
         "sheet": "、".join(s.sheet_name for s in sheets if s.sheet_name) or None,
         "header_row": sheets[0].header_row, "report_date": report_date, "read": rows_read,
         "loaded": rows_loaded, "rejected": rows_rejected, "warnings": warning_count,
         "at": dt.datetime.now()},
    )
    told = [[load_id, sheet.sheet_name, json.dumps(column_map.implied, ensure_ascii=False)]
            for sheet, column_map in zip(sheets, column_maps, strict=True) if column_map.implied]
    if told and not correction:  # what the sheets' titles or names told, for a corrections workbook of this load
        con.executemany("insert into load_contexts values (?, ?, ?)", told)
    # the staged rows are stored: their temp tables go, rather than hold memory until the next file or the end
    for table in STAGING_TABLES:
        con.execute(f"drop table if exists {table}")
    message = None
    repeated = scalar(con, "select count(*) from rejects where load_id = ? and starts_with(reason, ?)",
                      [load_id, REPEAT])
    fixed_before = scalar(con, "select count(*) from rejects where load_id = ? and starts_with(reason, ?)",
                          [load_id, CORRECTED_BEFORE])
    if repeated or fixed_before:  # rejected, as DESIGN §3 says a repeat is, but nothing for the clerk to do
        said = [f"{repeated:,} 行是重复记录 (同一条记录或同一人已导入, 只计一次)"] if repeated else []
        said += [f"{fixed_before:,} 行之前已退回修改并已改正 (改好的已导入)"] if fixed_before else []
        if repeated == rows_rejected:
            message = f"拒收的 {rows_rejected:,} 行都是重复记录 (同一条记录或同一人已导入, 只计一次), 无需修改"
        elif fixed_before == rows_rejected:
            message = f"拒收的 {rows_rejected:,} 行都是之前已退回修改并已改正的行 (改好的已导入), 无需修改"
        else:
            message = f"拒收的 {rows_rejected:,} 行中 {', '.join(said)}, 无需修改"
    if refixed:
        said = f"之前已退回修改并已改正的 {refixed:,} 行随本文件按原样重新报来: {LISTED_AS_CORRECTED}"
        message = f"{message}; {said}" if message else said
    if resent:
        said = f"之前待修改的 {resent:,} 行随本文件重新报来: 改好的已导入, 仍有问题的在本文件中待修改"
        message = f"{message}; {said}" if message else said
    if correction:
        con.execute("insert into corrections values (?, ?)", [load_id, correction.origin_load_id])
        waiting = scalar(con, "select count(*) from rejects where origin_load_id = ? and resolved_by is null",
                         [correction.origin_load_id])
        message = f"退回修改: {rows_loaded} 行改好并入 {correction.origin_file}, 仍有 {waiting} 行待修改"
    settled = scalar(con, "select count(*) from rejects where load_id = ? and resolved_by = load_id", [load_id])
    return FileResult(stored_name, "loaded", kind, rows_read, rows_loaded, rows_rejected, warning_count, load_id,
                      message, rows_repeated=repeated, rows_settled=settled)


def _dated_after(con: duckdb.DuckDBPyConnection, report_date: dt.date | None) -> list[tuple[str, str]]:
    """The notes of a roster whose exits or registrations are dated after its own 填报日期 (else today): 死亡 2026.12.3
    or 建档 2062.10.5 on a list of 11-15 is most likely a mistyped day, and counted as written the elder stays on the
    list until then, or is off it until then (staging/dated_after.sql)."""
    listed_on, said = _listed_on(con, report_date)
    notes = {"exit": ("exit_after_report", "变动日期", "按所填日期计为离开, 在此之前仍计入"),
             "registration": ("registered_after_report", "建档日期", "在此之前不计入本底册的人数和各项比率")}
    return [(notes[kind][0], f"第 {_rows_said(first_rows, count)}的{notes[kind][1]}晚于本底册的{said}: "
                             f"{notes[kind][2]}, 请核对日期")
            for kind, count, first_rows in con.execute(sql("staging/dated_after"), {"listed_on": listed_on}).fetchall()]


def _listed_on(con: duckdb.DuckDBPyConnection, report_date: dt.date | None) -> tuple[dt.date, str]:
    """The day a list is dated (its 填报日期, else today), and how a note says it."""
    listed_on = report_date or scalar(con, "select cv_today()")
    return listed_on, f"{'填报日期' if report_date else '导入日期'} {listed_on:%Y-%m-%d}"


def _set_after(con: duckdb.DuckDBPyConnection, report_date: dt.date | None) -> list[tuple[str, str]]:
    """The note of a contact list whose 确定日期 are after its own 填报日期 (else today), as _dated_after says a
    roster's (staging/set_after.sql): most likely a mistyped day, and the contact person counts only from then."""
    listed_on, said = _listed_on(con, report_date)
    return [("set_after_report", f"第 {_rows_said(first_rows, count)}的确定日期晚于本名单的{said}: 在此之前不计为"
                                 "有指定联系人, 请核对日期")
            for count, first_rows in con.execute(sql("staging/set_after"), {"listed_on": listed_on}).fetchall()]


def _names_differ(con: duckdb.DuckDBPyConnection, kind: str = "visits") -> list[tuple[str, str]]:
    """The notes of a visit record (or a contact list) whose rows name, beside a roster elder's ID number, someone
    else, or the elder and their spouse (staging/names_differ.sql): counted to the ID's elder, the other may have gone
    without their visit (or their contact people)."""
    what = "探访" if kind == "visits" else "联系人"
    return [("name_differs", f"第 {_rows_said(first_rows, count)}的姓名写的是两位老人 (如夫妻二人), 只有一个身份证号: "
                             f"按身份证号计为该老人的{what}, 另一位请另写一行 (写明其身份证号)")
            if couple else
            ("name_differs", f"第 {_rows_said(first_rows, count)}的姓名与底册中该身份证号的老人姓名不同: 按身份证号"
                             f"计为该老人的{what}, 请核对是身份证号还是姓名写错")
            for couple, count, first_rows in con.execute(sql("staging/names_differ")).fetchall()]


def _sent_before(con: duckdb.DuckDBPyConnection, load_id: int) -> list[tuple[str, str]]:
    """The note of a visit record whose rows repeat visits already loaded from another file, but for a time or a
    visitor one of the two leaves out (staging/sent_before.sql): counted twice unless the clerk says otherwise."""
    count, first_rows, file_name, files = first_row(con, sql("staging/sent_before"), {"load_id": load_id})
    if not count:
        return []
    where = f" ({file_name}{' 等' if files > 1 else ''}) " if file_name else ""
    return [("sent_before", f"第 {_rows_said(first_rows, count)}与已导入的探访记录{where}是同一老人、同一天、同一方式, "
                            "只是一份没有写时间或探访人: 如是同一次探访重复报送 (如社区已报、街道汇总又报), 探访人次"
                            "会多计, 请核实")]


def _contacts_dropped(con: duckdb.DuckDBPyConnection, load_id: int) -> list[tuple[str, str]]:
    """The note of a contact list that leaves out more of the elders the list it replaces named than a roster may
    leave out of its people before it is flagged (roster_removal_alert_share): staging/contacts_dropped.sql."""
    before, dropped, previous = first_row(con, sql("staging/contacts_dropped"), {"load_id": load_id})
    share = scalar(con, "select removal_alert_share from cfg_settings")
    if not dropped or dropped <= share * before:
        return []
    return [("contacts_dropped", f"上一份联系人名单 ({previous}) 中的 {before:,} 位老人有 {dropped:,} 位 "
                                 f"(占 {round(100 * dropped / before)}%) 本名单没有列出: 新名单替换上一份, "
                                 "这些老人按没有指定联系人计算: 如只报了变更的老人, 请连同其他老人报送完整名单")]


# A label of the date a form was filled in (填报日期：, 制表时间：), as cv_report_date reads one
REPORT_DATE_LABEL = r"(填报|报送|上报|制表|统计)[\s　]*(日期|时间)"


# How many rows a note lists by number before it says how many more
NOTED_ROWS = 10


def _rows_said(first_rows: Sequence[int], count: int) -> str:
    """Rows as a note names them: 3、5 行, or the first few and how many: 3、5、8 等 12 行."""
    return "、".join(map(str, first_rows)) + (f" 等 {count:,} 行" if count > len(first_rows) else " 行")


def _struck_notes(sheets: list[RawSheet], labels: list[str | None], kind: str) -> list[tuple[str, str]]:
    """A note for each sheet with data rows struck through (删除线) or hidden: a person crossed off a ledger, or a
    record, rather than deleted. They load as written: a format is not a status (an exit is written in the status
    column, DESIGN §3: nothing guessed), and the street is asked to write it."""
    notes = []
    advice = ("如这些老人已不在册, 请在状态一栏写明 (如死亡、迁出) 和变动日期后重新导入" if kind == "roster"
              else "请核实这些记录是否作废")
    for sheet, label in zip(sheets, labels, strict=True):
        for code, rows_of, what in (("struck_rows", sheet.struck_rows, "整行划了删除线"),
                                    ("hidden_rows", sheet.hidden_rows, "在 Excel 中被隐藏")):
            data_rows = sheet.cells["row_number"].to_pylist() if rows_of else ()
            rows = sorted(rows_of.intersection(data_rows))
            if rows:
                said = _rows_said(rows[:NOTED_ROWS], len(rows))
                where = f"工作表 {label} " if label else ""
                notes.append((code, f"{where}第 {said}{what}, 仍按表中所写导入: {advice}"))
    return notes


def _short_day_notes(sheets: list[RawSheet], labels: list[str | None], column_maps: list[mappings.ColumnMap],
                     kind: str) -> list[tuple[str, str]]:
    """A note for each sheet whose visit dates include number cells like 10.1 (RawSheet.short_days): typed 10.10 into
    a cell of Excel's General format, a date is kept as the number 10.1, read as 10月1日 (probe 24 M1: 10.10, 10.20
    and 10.30 loaded as the 1st, 2nd and 3rd without a word). They load as they read; the clerk is asked to check."""
    notes = []
    for sheet, label, column_map in zip(sheets, labels, column_maps, strict=True):
        at = column_map.fields.get("visit_date")
        rows = sorted(row for row, column in sheet.short_days if column == at) if kind == "visits" else []
        if not rows:
            continue
        cells = sheet.cells.filter(pc.is_in(sheet.cells["row_number"], pa.array(rows, pa.int32())))
        written = dict(zip(cells["row_number"].to_pylist(), pc.cast(cells[f"c{at}"], pa.string()).to_pylist(),
                           strict=True))
        rows = [row for row in rows if written.get(row)]  # (rows of the data, the cell as read)
        if rows:
            where = f"工作表 {label} " if label else ""
            examples = "、".join(dict.fromkeys(written[row] for row in rows[:NOTED_ROWS]))
            notes.append(("short_day_dates", f"{where}第 {_rows_said(rows[:NOTED_ROWS], len(rows))}的探访日期 "
                          f"({examples}) 在 Excel 中存的是数字, 按 1日、2日、3日 计: 在常规格式的单元格中输入 10.10、"
                          "10.20、10.30, Excel 会存成 10.1、10.2、10.3; 如是这样, 请把探访日期一列设为文本格式、"
                          "改正后重新导入"))
    return notes


# A title's legend of a roster's changes told by formatting (红色标注为已去世，划线为已迁出; 标黄的是新增): a colour
# or a line and a change in one clause
FORMAT_LEGEND = re.compile(r"(红色|黄色|蓝色|绿色|灰色|标红|标黄|标蓝|标绿|标灰|颜色|底色|填充|加粗|斜体|划线|删除线"
                           r"|横线)[^，,;；。)）]{0,10}?(去世|死亡|病故|迁出|迁走|注销|离开|入住|外出|减少|新增|取消|不再)")


def _formatting_notes(sheets: list[RawSheet], labels: list[str | None], kind: str) -> list[tuple[str, str]]:
    """A note for each roster sheet whose title tells changes by formatting (红色标注为已去世): a format is not read
    (nor, in an .xls, a line through a row), so its people load as their cells say, and the street is asked to write
    the status (review 2026-12-04, round 5: deceased elders counted, without a word). The legend said by its two words
    only (红色…去世): a name may stand between them."""
    if kind != "roster":
        return []
    return [("formatting_legend", f"{'工作表 ' + label + ' ' if label else ''}标题说明了用颜色或划线标注的变动 "
                                  f"({match.group(1)}…{match.group(2)}), 格式不能导入, 这些老人按表中所写导入: "
                                  "请在状态一栏写明 (如死亡、迁出) 和变动日期后重新导入")
            for sheet, label in zip(sheets, labels, strict=True)
            if (match := FORMAT_LEGEND.search(f"{sheet.preamble} {sheet.sheet_name or ''}"))]


def _other_people_notes(sheets: list[RawSheet], labels: list[str | None], kind: str,
                        words_dir: Path | None = None) -> list[tuple[str, str]]:
    """A note for each roster sheet whose rows give a second person (配偶姓名, 配偶身份证号: a household's row of a
    couple): only the row's elder is loaded, and the street is told how many were not and how to send them (they had
    been an unknown column's warning alone, left out of every denominator without a word)."""
    notes = []
    for sheet, label in zip(sheets, labels, strict=True):
        if not (columns := mappings.other_person_columns(sheet.header, kind, words_dir)):
            continue
        written = [pc.not_equal(pc.utf8_trim_whitespace(sheet.cells[f"c{i}"].cast(pa.string())), "") for i in columns]
        people = pc.sum(functools.reduce(pc.or_kleene, written).fill_null(False).cast(pa.int64())).as_py() or 0
        if people:
            notes.append(("other_people", f"{'工作表 ' + label + ' ' if label else ''}"
                                          f"「{'、'.join(sheet.header[i] for i in columns)}」写的是同一行的另一位老人, "
                                          f"这 {people:,} 人没有作为底册人员导入: 他们如也是特殊困难老年人, "
                                          "请每人单独写一行 (各自标注类别) 后重新导入"))
    return notes


def _formula_error_notes(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet],
                         labels: list[str | None]) -> list[tuple[str, str]]:
    """A note for each sheet whose named columns hold Excel error values (#N/A of a VLOOKUP that found nothing:
    cv_excel_error), naming the rows and the columns: no one wrote them, and a cell read so (a category unknown, a
    name or a problem empty) had been read as blank without a word, or as a problem found (review 11a M1)."""
    notes = []
    for sheet, label in zip(sheets, labels, strict=True):
        named = [index for index, cell in enumerate(sheet.header) if cell]
        if not named or sheet.cells.num_rows == 0:
            continue
        # one cheap scan for the columns with a '#' anywhere (most files have none), then
        # of those the columns that hold an error, then their rows
        hashes = first_row(con, "select " + ", ".join(f"bool_or(contains(c{i}::varchar, '#'))" for i in named)
                                + f" from {sheet.table}")
        candidates = [index for index, any_hash in zip(named, hashes, strict=True) if any_hash]
        if not candidates:
            continue
        counts = first_row(con, "select " + ", ".join(f"count(*) filter (where cv_excel_error(trim(c{i}::varchar)))"
                                                      for i in candidates) + f" from {sheet.table}")
        columns = [index for index, count in zip(candidates, counts, strict=True) if count]
        if not columns:
            continue
        count, rows = first_row(con, f"select count(*), list(row_number order by row_number)[1:{NOTED_ROWS}]"
                                     f" from {sheet.table} where "
                                     + " or ".join(f"cv_excel_error(trim(c{i}::varchar))" for i in columns))
        notes.append(("formula_error", f"{'工作表 ' + label + ' ' if label else ''}第 {_rows_said(rows, count)}的"
                                       f"「{'、'.join(sheet.header[i] for i in columns)}」是公式的错误值 (如 #N/A), "
                                       "不是填写的内容: 请在 Excel 中检查公式 (如 VLOOKUP 没有找到) 或填写后重新导入"))
    return notes


def _rows_above_notes(sheets: list[RawSheet], labels: list[str | None]) -> list[tuple[str, str]]:
    """A note for each sheet with a person's row above its header (readers._people_above): read with the rows below
    it, as the header's columns say, and the street told, since a row there may as well be a leftover."""
    notes = []
    for sheet, label in zip(sheets, labels, strict=True):
        # (of a sheet read as a sheet a month, the rows of each month's)
        rows = sorted(sheet.rows_above.intersection(sheet.cells["row_number"].to_pylist())) if sheet.rows_above else []
        if rows:
            notes.append(("rows_above_header", f"{'工作表 ' + label + ' ' if label else ''}第 "
                                               f"{_rows_said(rows[:NOTED_ROWS], len(rows))}写在表头上方, "
                                               "已按表头各列导入: 请核对后把这些行移到表头下方"))
    return notes


def _joined_rows_notes(sheets: list[RawSheet], labels: list[str | None]) -> list[tuple[str, str]]:
    """A note for each sheet with rows that a line break no quote encloses broke over several lines of its CSV
    (readers._broken_records), joined again: the street is told which, since only the cells' count joined them."""
    notes = []
    for sheet, label in zip(sheets, labels, strict=True):
        rows = sorted(set(sheet.joined_rows).intersection(sheet.cells["row_number"].to_pylist())) \
            if sheet.joined_rows else []
        if rows:
            indexes = dict.fromkeys(sheet.joined_rows[row] for row in rows)
            columns = "、".join((sheet.header[i] if i < len(sheet.header) else "") or f"第 {i + 1} 列" for i in indexes)
            notes.append(("joined_rows", f"{'工作表 ' + label + ' ' if label else ''}第 "
                                         f"{_rows_said(rows[:NOTED_ROWS], len(rows))}的「{columns}」一格中有换行 "
                                         "(没有用引号括起来), 文件把一行拆成了几行: 已合并为一行导入, 请核对"))
    return notes


def _report_date(con: duckdb.DuckDBPyConnection, kind: str, sheets: list[RawSheet], file_name: str) -> dt.date | None:
    """A list's 填报日期 (DESIGN §3): its title's, else (a roster's) one below its table or in a column on every row,
    else the day or month its file is named by (…底册2026年10月.xlsx: the month's first day). Refused in the future."""
    report_date = next((s.report_date for s in sheets if s.report_date), None)
    if kind == "roster":  # a 填报日期 below the table, read with the title (its labelled date first)
        report_date = _footer_report_date(con, sheets) or report_date
    # else a 填报日期 column on every row
    if report_date is None and kind == "roster":
        report_date = scalar(con, "select max(cv_parse_date(cv_clean(report_date))) from src")
    if report_date is None and kind != "visits":
        report_date = text_macro(con, "cv_report_date", Path(file_name).stem)
    if report_date is not None and report_date > scalar(con, "select cv_today()"):
        # a list dated in the future would be the list in force until then, whatever came after it
        raise FileError(f"填报日期 {report_date:%Y-%m-%d} 在今天之后: 请核对标题或表中的填报日期后重新导入")
    return report_date


def _footer_report_date(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet]) -> dt.date | None:
    """A roster's 填报日期 written in the lines below its table (填表人：… 填报日期：2026年11月27日), read with the
    text above the header as cv_report_date reads a title (a date after a label first, the title's first): None where
    no line below names one."""
    for sheet in sheets:
        text = f"concat_ws(' ', {', '.join(f'c{i}' for i in range(sheet.column_count))})"
        footer = scalar(con, f"select string_agg({text}, ' ') from {sheet.table} "
                             f"where regexp_matches({text}, '{REPORT_DATE_LABEL}')")
        if footer and (found := text_macro(con, "cv_report_date", f"{sheet.preamble} {footer}")):
            return found
    return None


def _column_names(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [column[0] for column in con.execute(f"select * from {table} limit 0").description]


def _claim_rows(con: duckdb.DuckDBPyConnection, load_id: int, kind: str, sheets: list[RawSheet],
                correction: corrections.Correction, words_dir: Path | None = None) -> None:
    """Match a corrections workbook's rows to the rows of the original load waiting for a correction:
    rows that claim none are rejected, and the waiting rows taken over (fixed here, or rejected again
    here, where they wait in their place) stop waiting."""
    con.register("origin_cells", corrections.origin_rows(sheets, correction, SHEET_ROW_STRIDE))
    try:
        con.execute("create or replace temp table stg_origin as select * from origin_cells")
    finally:
        con.unregister("origin_cells")
    params = {"origin": correction.origin_load_id}
    con.execute(f"create or replace temp table stg_claims as {sql('staging/corrections')}",
                params | {"name_paths": corrections.name_paths(con, correction, words_dir)})
    con.execute("""update staged set reject_reason = c.reason, reject_field = null from stg_claims c
                where staged.src_id = c.src_id and c.reason is not null""")
    if kind in ("roster", "contacts"):  # visits repeating any stored visit are rejected by staging already
        con.execute(f"""update staged set reject_reason = r.reason, reject_field = null
                    from ({sql(f'staging/corrections_{kind}')}) r where staged.src_id = r.src_id""", params)
    con.execute(
        """update rejects set resolved_by = $load_id
        where origin_load_id = $origin and resolved_by is null
            and exists (select 1 from stg_claims c where c.takes_over and c.origin_row = rejects.origin_row
                        and c.origin_sheet is not distinct from rejects.sheet_name)""",
        params | {"load_id": load_id})


def _take_over_resent_rows(con: duckdb.DuckDBPyConnection, load_id: int, file_name: str, kind: str,
                           sheets: list[RawSheet], place_scope: str | None) -> int:
    """Rows waiting for a correction in an earlier load that this file sends again on the same rows, fixed or not
    (the street corrected its original file and sent it whole, under its name or 填报日期): taken over by this load, so
    that each waits once, here, if it is still wrong (they had waited twice, the fixed ones too). How many; this file's
    rows that took one over are kept in stg_resent."""
    resent = corrections.reappearing(con, sheets, kind, place_scope, same_rows=True, file_name=file_name)
    con.register("resent_rows", resent)
    try:
        con.execute("create or replace temp table stg_resent as select * from resent_rows")
    finally:
        con.unregister("resent_rows")
    if not resent.num_rows:
        return 0
    return scalar(con, """update rejects set resolved_by = $load_id
                  where resolved_by is null and (origin_load_id, coalesce(sheet_name, ''), origin_row) in (
                      select origin_load_id, coalesce(origin_sheet, ''), origin_row from stg_resent)""",
                  {"load_id": load_id}) or 0


def _take_corrected_rows(con: duckdb.DuckDBPyConnection, file_name: str, kind: str, sheets: list[RawSheet],
                         place_scope: str | None) -> None:
    """Rows rejected of a file that is an earlier one sent again (as _take_over_resent_rows tells it) which are rows of
    that file whose correction is loaded, sent again as they were (probe 29 M1: the same rows sent again as a CSV
    waited again, and the street was asked to fix rows it had fixed): found once (stg_refixable, with the corrections
    load, resolved_by), then
    - of a visit record, set aside as nothing to fix, their reason saying so: their fixed version is stored;
    - of a roster or a contact list, given the values of their corrected row (staging/corrected_before_*.sql, kept in
      stg_refixed) and loaded: such a list replaces the one the fixed rows joined, and set aside they would take their
      people off it, as 去向未说明 from its 填报日期. A list's row is taken only where a corrections workbook fixed it:
      that row is stored under the load it corrects, on its row.
    A row that took over a row waiting (stg_resent) waits in its place when still wrong; a repeat is a repeat."""
    fixed = corrections.reappearing(con, sheets, kind, place_scope, same_rows=True, file_name=file_name,
                                    corrected=True)
    con.register("fixed_rows", fixed)
    try:
        con.execute(
            """create or replace temp table stg_refixable as
            select s.src_id, f.origin_load_id, f.origin_row, f.resolved_by
            from fixed_rows f join staged s on s.src_id = f.sheet_index * $stride + f.row_number
            where s.reject_reason is not null and not starts_with(s.reject_reason, $repeat)
                and not exists (select 1 from stg_resent t
                                where t.sheet_index = f.sheet_index and t.row_number = f.row_number)""",
            {"stride": SHEET_ROW_STRIDE, "repeat": REPEAT})
    finally:
        con.unregister("fixed_rows")
    if kind == "visits":
        con.execute("""update staged set reject_field = null,
                           reject_reason = $said || ' (批次 ' || f.resolved_by || '), 无需再改'
                       from stg_refixable f
                       where staged.src_id = f.src_id and not starts_with(staged.reject_reason, $void)""",
                    {"said": CORRECTED_BEFORE, "void": VOID})
        return
    con.execute("delete from stg_refixable where resolved_by not in (select load_id from corrections)")
    con.execute(f"create or replace temp table stg_refixed as {sql(f'staging/corrected_before_{kind}')}")
    taken = ", ".join(f"{column} = v.{column}" for column in _column_names(con, "stg_refixed")
                      if column not in ("src_id", "resolved_by"))
    con.execute(f"""update staged set reject_reason = null, reject_field = null, {taken}
                from stg_refixed v where staged.src_id = v.src_id""")


def _corrected_before_notes(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The notes of a roster's or a contact list's rows that took their corrected values (_take_corrected_rows): one
    for each corrections load, naming it."""
    return [("corrected_before", f"第 {_rows_said(first_rows, count)}之前已退回修改并已改正 (批次 {batch}): "
                                 f"{LISTED_AS_CORRECTED}")
            for batch, count, first_rows in con.execute(
                """select v.resolved_by, count(*), list(s.row_number order by s.row_number)[1:$shown]
                from stg_refixed v join staged s using (src_id) where s.reject_reason is null
                group by all order by all""", {"shown": NOTED_ROWS}).fetchall()]


def _reject_examples(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet]) -> None:
    """A template's example or instruction row (EXAMPLE_FIRST_CELL in one of its first three cells) is rejected,
    so that _set_aside_rejects drops it as no data, however valid its cells."""
    for index, sheet in enumerate(sheets):
        first_cells = ", ".join(f"nullif(r.c{i}, '')" for i in range(min(3, sheet.column_count)))
        con.execute(f"""update staged set reject_reason = '填表示例', reject_field = null
                    where reject_reason is null and src_id in (
                        select {index * SHEET_ROW_STRIDE} + row_number from {sheet.table} r
                        where regexp_matches(coalesce({first_cells}, ''), $example))""",
                    {"example": EXAMPLE_FIRST_CELL})


def _past_the_header(sheet: RawSheet) -> str | None:
    """The condition that a row of `sheet` has cells past its header's last column, or None when none can."""
    extra = [f"c{i}" for i in range(len(sheet.header), sheet.column_count)]
    return f"regexp_matches(concat_ws('', {', '.join(extra)}), '[^\\s]')" if extra else None


def _shifted(con: duckdb.DuckDBPyConnection, sheet: RawSheet) -> str | None:
    """The condition that a row of a CSV `sheet` is shifted: its cells reach further right than most rows' (a comma
    typed in a cell, 和平区南京路12号,3门201 without quotes, moves every cell after it a column to the right: its
    category read as its consent, review 2026-12-04), past the header, and its cells fit their columns better moved
    back left than where they are (_fits_moved_back). Cells past the header on most rows are a column without a
    header, and a row whose cells fit where they are has a note typed past its last column (probe 28 M3: rejected,
    its person left out of every count, where a workbook's row only warned): both warned of as extra_cells. None when
    no row is shifted, and in a workbook's sheet, where a cell is a cell."""
    if sheet.sheet_name is not None or len(sheet.header) >= sheet.column_count:
        return None
    last = ("coalesce(list_max([" + ", ".join(f"case when regexp_matches(c{i}, '[^\\s]') then {i} end"
                                              for i in range(len(sheet.header), sheet.column_count)) + "]), -1)")
    usual, shifted, rows = first_row(con, f"""
        with rows as (select {last} as last from {sheet.table}), usual as (select mode(last) as usual from rows)
        select usual, count(*) filter (where last > usual), count(*) from rows, usual group by usual""") or (0, 0, 0)
    if not shifted or shifted * 2 >= rows:
        return None
    cells = ", ".join(f"c{i}" for i in range(sheet.column_count))
    # (how many cells too many: past the usual row's last, or past the header where most rows stop short of it)
    suspects = con.execute(f"""select row_number, {last} - greatest({usual}, {len(sheet.header) - 1}), {cells}
                           from {sheet.table} where {last} > {usual}""").fetchall()
    # each column's usual kinds of cell, from rows that reach no further than most
    usual_rows = con.execute(f"select {cells} from {sheet.table} where {last} <= {usual} limit 1000").fetchall()
    width = len(sheet.header)
    kinds = [collections.Counter(_cell_kind(row[i]) for row in usual_rows) for i in range(width)]
    moved = [row[0] for row in suspects if _fits_moved_back(row[2:], row[1], kinds)]
    return f"row_number in ({', '.join(map(str, moved))})" if moved else None


def _cell_kind(cell: str | None) -> str:
    """A cell's kind, as a column's cells are alike (_fits_moved_back): an ID number, a mobile, a date, a number by
    its length, a short word as itself (独居, 上门, 正常: a column's few values), or longer text."""
    text = (cell or "").strip()
    if not text:
        return "empty"
    for kind, pattern in CELL_KINDS:
        if pattern.fullmatch(text):
            return kind
    return f"word:{text}" if len(text) <= 6 else "text"


def _fits_moved_back(cells: tuple, by: int, kinds: list[collections.Counter]) -> bool:
    """Whether a row's cells, `by` cells too many, fit their columns' usual `kinds` better with those after some
    column moved back left (a comma typed in that column's cell) than where they are (a note past the last column)."""
    width = len(kinds)

    def fit(column: int, cell: str | None) -> float:
        return kinds[column][_cell_kind(cell)] / (sum(kinds[column].values()) or 1)

    in_place = [fit(i, cells[i]) for i in range(width)]
    moved_back = [fit(i, cells[i + by]) if i + by < len(cells) else 0.0 for i in range(width)]
    return max(sum(in_place[:split]) + sum(moved_back[split:]) for split in range(width)) > sum(in_place)


def _reject_shifted_rows(con: duckdb.DuckDBPyConnection, sheets: list[RawSheet]) -> None:
    """A shifted CSV row (_shifted) is rejected for the street to correct (SHIFTED), whatever else its misplaced
    cells said, rather than loaded misread."""
    for index, sheet in enumerate(sheets):
        if (shifted := _shifted(con, sheet)) is not None:
            con.execute(f"""update staged set reject_reason = $reason, reject_field = null
                        where src_id in (select {index * SHEET_ROW_STRIDE} + row_number from {sheet.table}
                                         where {shifted})""", {"reason": SHIFTED})


def _refuse_unknown_places(con: duckdb.DuckDBPyConnection) -> None:
    """A file that names places, none of which the warehouse's division list knows as written (a community of the
    same name in a known district under an unknown street is not known), is refused: it is another district's,
    or the district's own list (街道、社区名单) has not been imported yet. Loaded, its rows would all be set aside
    as 未知街道 (visits would belong to no place), and once the list is imported the same file would be skipped as
    loaded before."""
    named, known, examples = first_row(con, """
        select count(*), count(*) filter (where place_problem is null
                                          and (street_code is not null or community_code is not null)),
               list(distinct cv_mask_place(left(name, 20)) order by cv_mask_place(left(name, 20)))[:3]  -- any length
        from (select *, regexp_replace(coalesce(cv_squeeze(street_raw), cv_squeeze(community_raw),
                                                cv_squeeze(district_raw)), '[[:cntrl:]]', '', 'g') as name
              from stg_places)
        where name <> ''""")
    if named and not known:
        names = scalar(con, "select cv_mask_free_text(?)", ["、".join(examples)])
        raise FileError(f"文件中的街道、社区都不在区划表中 (如 {names}): 如是本区的街道社区, "
                        "请先导入本区的区划表 (街道、社区名单: carevisit geo import), 再导入此文件")


def _reject_out_of_scope(con: duckdb.DuckDBPyConnection, kind: str, place_scope: str) -> None:
    """Rows outside the sender's place are rejected; a file with no row inside it (a file of another district,
    whose rows no known street holds) is refused: its people's rows are not kept."""
    name = first_row(con, "select name from divisions where code = ?", [place_scope])
    name = name[0] if name else place_scope
    # the day each row's person is placed on by the rosters: a visit's date, else today (staging/out_of_scope)
    con.execute("create or replace temp view stg_days as "
                + ("select src_id, id_number, visit_date as on_day from staged" if kind == "visits"
                   else "select src_id, id_number, cv_today() as on_day from staged"))
    con.execute(f"create or replace temp table stg_out_of_scope as {sql('staging/out_of_scope')}",
                {"scope": place_scope, "scope_name": name, "kind": kind})
    inside, listed_elsewhere = first_row(con, "select count(*) filter (where reason is null),"
                                              " count(*) filter (where starts_with(reason, '此人'))"
                                              " from stg_out_of_scope")
    if not inside:
        # rows written in one's own community whose people the rosters list in another street's (review 16 L2:
        # "none of your place's rows" puzzled a clerk whose every row named a community of theirs)
        elsewhere = (f": 其中 {listed_elsewhere} 行写的是本辖区的街道或社区, 但按身份证号, 底册中这些老人属于其他街道 "
                     "(请核对身份证号, 或由其所在街道导入)" if listed_elsewhere else "")
        raise FileError(f"文件中没有属于您辖区 ({name}) 的行, 未导入{elsewhere}")
    # such a row places nothing, whatever else is wrong with it (its file is the sender's: load_places); refused for
    # its place alone, it waits for no correction of the sender's, who cannot make one (OUTSIDE_PLACE)
    con.execute("""update staged set reject_reason = coalesce(staged.reject_reason, o.reason),
                    reject_field = if(staged.reject_reason is null, $outside, staged.reject_field),
                    street_code = null, community_code = null
                from stg_out_of_scope o
                where staged.src_id = o.src_id and o.reason is not null""", {"outside": OUTSIDE_PLACE})


def _set_aside_rejects(con: duckdb.DuckDBPyConnection, load_id: int, file_name: str, index: int,
                       sheet: RawSheet, column_map: mappings.ColumnMap, words_dir: Path | None = None,
                       correction: corrections.Correction | None = None) -> tuple[int, int]:
    """Rejected rows of one sheet: blank and total rows are dropped (they are not data), the others
    are kept in `rejects` with their raw cells, keyed by the header the clerk sees. Returns how many
    rows were not data and how many were kept as rejects."""
    first_id = index * SHEET_ROW_STRIDE
    con.execute("create or replace temp table sheet_rejects as select src_id, row_number, reject_reason, reject_field,"
                " t.street_code, community_code"
                " from staged join stg_streets t using (src_id)"
                " where reject_reason is not null and src_id between $first and $last",
                {"first": first_id, "last": first_id + SHEET_ROW_STRIDE - 1})
    found = con.execute("select row_number, if(ends_with(reject_reason, '为空'), reject_field, null)"
                        " from sheet_rejects").fetchall()
    if not found:  # most sheets: nothing to set aside
        return 0, 0
    row_numbers = pa.array([row for row, _ in found], pa.int32())
    # the few rejected rows' cells, picked out in Arrow: a join in DuckDB would scan every cell
    con.register("rejected_cells", sheet.cells.filter(pc.is_in(sheet.cells["row_number"], row_numbers)))
    con.register("filled_above", _filled_above(sheet, column_map, [(row, field) for row, field in found if field]))
    try:
        if column_map.kind == "roster" and correction is None:
            _set_aside_nobody(con, load_id, sheet, column_map, file_name)
        not_data = scalar(con, f"delete from staged where src_id in (select {first_id} + row_number "
                               f"from rejected_cells r where {_not_data(sheet, words_dir)})", _repeated_header(sheet))
        labels = [cell or f"第{i + 1}列" for i, cell in enumerate(sheet.header)]
        labels += [f"第{i + 1}列" for i in range(len(sheet.header), sheet.column_count)]
        pairs = ", ".join(f"$k{i}, r.c{i}" for i in range(len(labels)))
        # the header of the cell at fault, for the corrections workbook to highlight
        faults = {field: labels[position] for field, position in column_map.fields.items()}
        # a row waits for a correction in its own load; a corrections workbook's row in the load it
        # corrects, when it takes over a waiting row (one that claims none cannot be corrected: not waiting)
        rejected = scalar(
            con,
            f"""insert into rejects by name
            select $load_id as load_id, $file as file_name,
                case when $correction then c.origin_sheet else $sheet end as sheet_name,
                r.row_number,
                -- a cell read empty of a sheet with formulas saved without their results: the clerk sees a value
                -- in it (review 17 L1: 探访日期为空 of a date Excel shows)
                s.reject_reason || coalesce(replace($block, '{{row}}', a.above::varchar), '')
                    || case when ends_with(s.reject_reason, '为空') then $formulas else '' end as reason,
                json_object({pairs})::varchar as raw_values,
                list_extract($fault_labels::varchar[], list_position($fault_fields::varchar[], s.reject_field))
                    as column_name,
                $origin_load as origin_load_id,
                case when not $correction then r.row_number when c.takes_over then c.origin_row end as origin_row,
                -- an exact repeat of a row stored (重复记录), a voided record, a row of another's place or a row
                -- whose correction is loaded has nothing to fix: kept, not waiting
                case when ($correction and not c.takes_over) or starts_with(s.reject_reason, $repeat)
                          or starts_with(s.reject_reason, $void) or s.reject_field = $outside
                          or starts_with(s.reject_reason, $corrected_before)
                     then $load_id end as resolved_by,
                -- its place, where staging found one: a file is its street's even when every row is rejected
                s.street_code, s.community_code
            from sheet_rejects s join rejected_cells r using (row_number)
            left join stg_claims c using (src_id)
            left join filled_above a using (row_number)
            where not {_not_data(sheet, words_dir)}
            order by r.row_number""",
            {"load_id": load_id, "file": file_name, "sheet": sheet.sheet_name,
             "fault_fields": list(faults), "fault_labels": list(faults.values()),
             "correction": correction is not None, "repeat": REPEAT, "void": VOID, "outside": OUTSIDE_PLACE,
             "corrected_before": CORRECTED_BEFORE,
             # (not of a corrections workbook: its rows above are other rows of the file, probe 29 M3)
             "block": BLOCK_EMPTY if correction is None else None,
             "formulas": UNCOMPUTED_EMPTY if sheet.uncomputed_formulas else "",
             "origin_load": correction.origin_load_id if correction else load_id}
            | {f"k{i}": label for i, label in enumerate(labels)} | _repeated_header(sheet),
        )
    finally:
        con.unregister("rejected_cells")
        con.unregister("filled_above")
    return not_data, rejected


def _set_aside_nobody(con: duckdb.DuckDBPyConnection, load_id: int, sheet: RawSheet, column_map: mappings.ColumnMap,
                      file_name: str) -> int:
    """A roster sheet's rejected rows that say their community has nobody to list (本社区暂无特殊困难老年人 under the
    title of 滨西社区's roster, 无 under 姓名 beside 滨西): stored in roster_nobody with their place (the row's, else
    the community the sheet's name, title or file's name names), not as rejects (no person is missing an ID number)
    nor dropped as no data: rows read and loaded. How many."""
    places = {column_map.fields.get(field) for field in ("district", "street", "community")}
    cells = [f"trim(r.c{i})" for i in range(sheet.column_count) if i not in places]
    written = f"list_filter([{', '.join(cells)}]::varchar[], lambda cell: cell <> '')"
    con.execute(f"""create or replace temp table sheet_nobody as
        select s.src_id, r.row_number, s.street_code, s.community_code
        from sheet_rejects s join rejected_cells r using (row_number)
        where len(list_filter({written}, lambda cell: regexp_matches(cell, $nobody))) > 0
            and len(list_filter({written}, lambda cell: not regexp_matches(cell, $nobody)
                                                        and not regexp_matches(cell, $filler))) = 0""",
                {"nobody": NOBODY, "filler": NOBODY_FILLER})
    said = scalar(con, "select count(*) from sheet_nobody")
    if said and scalar(con, "select count(*) from sheet_nobody where community_code is null"):
        con.execute("""update sheet_nobody set community_code = d.code, street_code = d.parent_code
            from divisions d where d.code = $code and sheet_nobody.community_code is null""",
                    {"code": _named_community(con, sheet, file_name)})
    if said:
        con.execute("""insert into roster_nobody
            select $load_id, $sheet, n.row_number, d.parent_code, n.street_code, n.community_code
            from sheet_nobody n left join divisions d on d.code = n.street_code""",
                    {"load_id": load_id, "sheet": sheet.sheet_name})
        for table in ("staged", "sheet_rejects"):
            con.execute(f"delete from {table} where src_id in (select src_id from sheet_nobody)")  # noqa: S608
    return said


def _nobody_notes(con: duckdb.DuckDBPyConnection, load_id: int, file_name: str, labels: dict[str | None, str]) -> None:
    """A warning for each roster row that said its community has nobody to list (roster_nobody): counted as that
    community's list of no one, the people its roster in force lists leaving it as 去向未说明 (DESIGN §4); or, where
    the file names no community for it, or lists people there too, not counted (marts/roster_snapshots counts the
    others: one a community)."""
    for row_number, sheet_name, street, community, name, in_force, listed in con.execute(
            sql("staging/said_nobody"), {"load_id": load_id}).fetchall():
        where = f"工作表 {labels[sheet_name]}: " if labels.get(sheet_name) else ""
        said = f"{where}第 {row_number} 行写明暂无特殊困难老年人"
        if community is None:
            code, message = "nobody_unplaced", (f"{said}, 但看不出是哪个社区的, 未计入:"
                                                " 请在标题或社区一列写明社区后重新导入")
        elif listed:
            code, message = "nobody_listed", f"{said}, 而本文件列有{name}的老人: 按所列的人计"
        else:
            leaving = f"; 现行底册中该社区的 {in_force} 人将按去向未说明计为退出" if in_force else ""
            code, message = "nobody_listed", f"{said}: 计为{name}的底册, 0 人{leaving}"
        con.execute("insert into load_warnings (load_id, file_name, row_number, message, code, street_code,"
                    " community_code) values (?, ?, ?, ?, ?, ?, ?)",
                    [load_id, file_name, row_number, message, code, street, community])


def _duplicate_said(con: duckdb.DuckDBPyConnection, sheet: RawSheet, column_map: mappings.ColumnMap, cell: str,
                    words_dir: Path | None) -> str:
    """A column not read beside another of its field, as a warning names it: with the column read in its place, where
    one is (户籍所在社区 beside 实际居住社区 is no copy of it); or as a column of phone numbers, where its header only
    seemed to name the field (联系方式 beside 探访方式: the elder's phone, not a second method; probe 24 L1)."""
    field = mappings.field_for(cell, column_map.kind, words_dir)
    used = column_map.fields.get(field)
    if field not in ("phone", "contact_phone") and any(
            _read_as(con, sheet, index, PHONE) for index, header in enumerate(sheet.header)
            if header == cell and index != used):
        return f"{cell} (写的是电话号码)"
    return f"{cell} (已按「{sheet.header[used]}」一列导入)" if used is not None and sheet.header[used] != cell else cell


def _store_warnings(con: duckdb.DuckDBPyConnection, load_id: int, file_name: str,
                    sheets: list[RawSheet], labels: list[str | None], column_maps: list[mappings.ColumnMap],
                    notes: list[tuple[str, str]], words_dir: Path | None = None) -> int:
    file_warnings = [(code, None, note) for code, note in notes]  # (code, value, message)
    for sheet, label, column_map in zip(sheets, labels, column_maps, strict=True):
        where = f"工作表 {label}: " if label else ""
        if column_map.unknown:
            names = "、".join(column_map.unknown)
            file_warnings.append(("unknown_column", names, f"{where}未识别的列, 未导入: {names}"))
        if column_map.duplicates:
            said = "、".join(_duplicate_said(con, sheet, column_map, cell, words_dir) for cell in column_map.duplicates)
            file_warnings.append(("duplicate_column", "、".join(column_map.duplicates),
                                  f"{where}重复的列, 未导入: {said}"))
        if (method := column_map.implied.get("method")) and column_map.kind == "visits":
            file_warnings.append(("titled_method", method, f"{where}没有探访方式一列: 按标题所写, 每行计为{method}, "
                                                           "如有别的方式, 请加一列探访方式后重新导入"))
        dated_by = column_map.fields.get("visit_date")
        if dated_by is not None and mappings.field_for(cell := sheet.header[dated_by], column_map.kind,
                                                       words_dir) == mappings.SUBMITTED:
            file_warnings.append(("entry_as_visit_date", cell, f"{where}没有探访日期列, 探访日期取自 {cell} 列 "
                                                               "(在线表单提交的时间): 如不是当场填写, "
                                                               "请补上探访日期列"))
        past = _past_the_header(sheet)
        if past is not None:  # (not the shifted rows: they are rejected as such)
            shifted = _shifted(con, sheet)
            extra = range(len(sheet.header), sheet.column_count)
            count, first_rows, *written = first_row(
                con, "select count(*), list(row_number order by row_number)[1:5], "
                     + ", ".join(f"count(*) filter (where regexp_matches(c{i}, '[^\\s]'))" for i in extra)
                     + f" from {sheet.table} where {past}" + (f" and not ({shifted})" if shifted else ""))
            if count:
                # which rows and columns, for the clerk to find them (a note typed beside the table, 已去世（10月8
                #日）, had been said as a count alone: review 2026-12-04, round 5); the cells are not quoted
                letters = "、".join(get_column_letter(i + 1) for i, n in zip(extra, written, strict=True) if n)
                file_warnings.append(("extra_cells", None, f"{where}第 {_rows_said(first_rows, count)}在表头以外的"
                                                           f"列 ({letters} 列) 中还有内容, 未导入: 如是备注或状态, "
                                                           "请给这一列加上表头 (如 备注) 后重新导入"))
    # header cells are quoted like any cell: masked where they look like a phone or an ID number. A warning about the
    # whole file is the street's whose rows it holds, when they are of one street (the 数据 page counts per street)
    if file_warnings:
        street = scalar(con, "select case when count(distinct street_code) = 1 then min(street_code) end"
                             " from stg_streets")
        con.executemany(
            "insert into load_warnings (load_id, file_name, message, code, value, street_code)"
            " values (?, ?, cv_mask_free_text(?), ?, cv_mask_free_text(?), ?)",
            [(load_id, file_name, message, code, value, street) for code, value, message in file_warnings],
        )
    # a row's warning in a load of several sheets names its sheet (row 4 of which?), as messages say it (labels)
    con.execute(
        """insert into load_warnings by name
        select $load_id as load_id, $file as file_name, row_number,
               coalesce('工作表 ' || $sheets[src_id // $stride + 1] || ': ', '') || w.message as message,
               w.code, w.field, w.value, t.street_code, s.community_code
        from (select *, unnest(warnings) as w from staged s where reject_reason is null and len(warnings) > 0) s
        join stg_streets t using (src_id)""",
        {"load_id": load_id, "file": file_name, "stride": SHEET_ROW_STRIDE,
         "sheets": labels},
    )
    return scalar(con, "select count(*) from load_warnings where load_id = ?", [load_id])
