"""The DuckDB warehouse: one writer at a time, a new file swapped in, upgrades, reference tables."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from etl import diskspace, geography
from etl.build import build_marts, marts_version, run_checks
from etl.build import build_month as build_month  # re-exported: tests/conftest.py imports it from here
from etl.mappings import (
    NEGATION,
    NOT_NEGATION,
    OBJECT,
    SOMEONE_ELSE,
    UNDOING,
    WORD_RULES,
    reread_if_changed,
    value_keywords,
    value_synonyms,
)
from etl.settings import Config, engine_config
from etl.sqlfiles import first_row as first_row  # re-exported: etl/reports.py (on main) imports it from here
from etl.sqlfiles import prepare, remove_database, scalar, sql
from etl.temporary import remove_stale_temporary_files

# Raised when stored rows change meaning; _upgrade converts warehouses written before.
# 2: visit dedup keys combine a hash per part (cv_visit_key) instead of hashing the joined parts;
#    loads.size_bytes.
# 3: roster_rows.disability, roster_rows.status nullable; load_warnings code, field, value, street_code,
#    community_code (categories of rows loaded before still include what living/disability derived).
# 4: the corrections round-trip: rejects.column_name, origin_load_id, origin_row, resolved_by;
#    the corrections table (created with the schema).
# 5: visit_rows.resolution (处置结果) and is_referred, for problems followed to closure (visits loaded
#    before count as written without them: closed by a later home visit that finds nothing, not referred).
# 6: visit_rows.entered_at (录入时间), for visits entered long after their date (visits loaded before
#    have none: the signal cannot speak of them).
# 7: contact_rows.contact_index (a contact list's row may name several contact people); elder names stored
#    without a bracketed note (张三（已故） is 张三), the keys of the rows without an ID number made again.
# 8: elder names with a transliterated name's dot written · whatever input method typed it (阿不都.热合曼), the
#    keys of the rows without an ID number made again.
# 9: rejects.street_code and community_code, the rejected row's place where it is known (rows rejected before
#    have none: their files keep the place their stored rows give them).
# 10: roster_rows.elder_name may be null (a roster row without a name loads by its ID number and community).
# 11: elder names stored without an ID number or a phone typed after them with their labels (周淑华，身份证…，电话…),
#    the keys of the rows without an ID number made again.
FORMAT_VERSION = 11
# DuckDB's, for a whole load (staging, marts, checks): past it DuckDB spills to disk beside the copy, so
# that neither a file's rows nor the warehouse's decide how much memory a load takes. A file's cells are
# held beside it as Arrow (4 bytes a cell, plus its distinct values): a 10 M-row visits CSV loads within
# 2 GiB (bench/memory.py; the marts within 2 GB took it to 2.68 GiB). Marts that cannot be built within it
# (a city's history: DuckDB cannot spill every operator) are built again whole within DuckDB's default,
# 80 % of the machine's memory, and that warehouse's marts from then on, until a CareVisit with other marts
# (_build_within_memory).
LOAD_MEMORY_LIMIT = "1GB"


class WarehouseError(Exception):
    """A load that cannot complete; the warehouse is left as it was."""


def temporary_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.cv-tmp-{os.getpid()}")


@contextlib.contextmanager
def _writer_lock(db_path: Path) -> Iterator[None]:
    """One writer at a time; readers are never blocked since they read the previous file."""
    lock_path = db_path.with_name(f".{db_path.name}.lock")
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass
class WriteSession:
    con: duckdb.DuckDBPyConnection
    config: Config
    changed: bool = False
    # every mart built whole, not only for the elders the session's loads can have changed (build_marts):
    # an upgrade, marts another version built, a rebuild asked for
    whole: bool = False
    notes: list[str] = field(default_factory=list)


class DiskFull(WarehouseError):
    """A load stopped by a full disk or a file-size limit; what it wrote is removed, the warehouse untouched.
    Its message names the warehouse's folder, for whoever runs the command on the server; `on_the_server`
    is the same line for a browser's user (diskspace.load_message)."""

    def __init__(self, message: str, on_the_server: str):
        super().__init__(message)
        self.on_the_server = on_the_server


@contextlib.contextmanager
def open_for_writing(db_path: Path, config: Config) -> Iterator[WriteSession]:
    """Copy the warehouse, let the caller change the copy, rebuild marts, check, then swap it in.

    If anything fails (or the process is killed) the original file is untouched; a copy left by
    a killed process is removed by the next writer. A full disk is said as such (DiskFull).
    """
    copy_bytes = db_path.stat().st_size if db_path.is_file() else 0
    try:
        with _open_for_writing(db_path, config) as session:
            yield session
    except Exception as error:
        kind = diskspace.cause(error)
        if kind is None:
            raise
        raise DiskFull(diskspace.load_message(kind, db_path.parent, copy_bytes),
                       diskspace.load_message(kind, db_path.parent, copy_bytes, on_the_server=True)) from error


@contextlib.contextmanager
def _open_for_writing(db_path: Path, config: Config) -> Iterator[WriteSession]:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(db_path):
        for stale in db_path.parent.glob(f".{db_path.name}.cv-tmp-*"):  # a copy, or DuckDB's spill folder
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        remove_stale_temporary_files()  # what a killed load left in the system's temporary folder
        work_path = temporary_path(db_path)
        syncing: Future[None] | None = None
        new = not db_path.exists()
        if not new:
            require_duckdb_file(db_path)
            try:
                _copy_file(db_path, work_path)
            except BaseException:  # a part-copy would keep a full disk full
                remove_database(work_path)
                raise
            syncing = _fsync_meanwhile(work_path)
        try:
            # The copy is thrown away if anything fails: no point checkpointing it, or syncing it to disk
            # after every file (that took 0.6 s a city-sized file), before it is complete.
            con = duckdb.connect(str(work_path), config=engine_config(
                checkpoint_threshold="4GB", fsync_mode="NONE", memory_limit=LOAD_MEMORY_LIMIT))
        except BaseException:
            remove_database(work_path)
            raise
        session = WriteSession(con, config)
        try:
            con.execute(sql("schema"))
            prepare(con)
            if new:  # the schema's tables are this version's: nothing to upgrade
                _set_format_version(con)
            session.changed = session.whole = _upgrade(con) or marts_stale(con)
            _write_reference_tables(con, config)
            since_load = scalar(con, "select coalesce(max(load_id), 0) from loads")
            yield session
            if session.changed:
                # the rows just stored to the file, out of the load's memory, before the marts are built in it
                con.execute("checkpoint")
                _build_within_memory(con, since_load=None if session.whole else since_load)
                failures = run_checks(con)
                if failures:
                    raise WarehouseError("数据检查未通过, 本次导入已撤销: " + "; ".join(failures))
                con.execute("checkpoint")
        except BaseException:
            con.close()
            remove_database(work_path)
            raise
        con.close()
        if session.changed:
            try:
                if syncing is not None:
                    syncing.result()  # the copied bytes, written while the load worked
                _fsync(work_path)  # on disk as a whole before it becomes the warehouse
            except BaseException:
                remove_database(work_path)
                raise
            os.replace(work_path, db_path)
            _fsync(db_path.parent)
        else:
            remove_database(work_path)


def _build_within_memory(con: duckdb.DuckDBPyConnection, since_load: int | None) -> None:
    """build_marts within the load's memory limit; marts that do not fit are built again whole within
    DuckDB's default, and so are this warehouse's from then on, while the marts' SQL stays the same (setting
    marts_memory names the marts_version that did not fit: another version of the marts tries the limit again,
    so one build that once ran out does not leave the warehouse unlimited for good)."""
    if first_row(con, "select 1 from settings where key = 'marts_memory' and value = $version",
                 {"version": marts_version()}):
        con.execute("reset memory_limit")
    try:
        build_marts(con, since_load=since_load)
    except duckdb.OutOfMemoryException:
        con.execute("reset memory_limit")
        build_marts(con)
        con.execute("insert or replace into settings values ('marts_memory', $version)", {"version": marts_version()})


def _upgrade(con: duckdb.DuckDBPyConnection) -> bool:
    """Bring a warehouse written by an earlier CareVisit to FORMAT_VERSION; whether it had data to change."""
    version = int(scalar(con, "select coalesce(max(value), '1') from settings where key = 'format_version'"))
    if version >= FORMAT_VERSION:
        return False
    has_data = scalar(con, "select count(*) from loads") > 0
    if version < 2:  # visit keys were an md5 of the parts joined by '|'; loads had no size
        con.execute("update visit_rows set dedup_key = "
                    "cv_visit_key(id_number, elder_name, community_code, visit_at, method, visitor_name, outcome)")
        con.execute("alter table loads add column if not exists size_bytes bigint")
    if version < 3:  # attributes and unknown statuses; structured warnings
        con.execute("alter table roster_rows add column if not exists disability varchar")
        con.execute("alter table roster_rows alter column status drop not null")
        for column in ("code", "field", "value", "street_code", "community_code"):
            con.execute(f"alter table load_warnings add column if not exists {column} varchar")
    if version < 4:  # rejects remember their origin, and which correction took them over
        con.execute("alter table rejects add column if not exists column_name varchar")
        for column in ("origin_load_id", "origin_row", "resolved_by"):
            con.execute(f"alter table rejects add column if not exists {column} integer")
        con.execute("update rejects set origin_load_id = load_id, origin_row = row_number where origin_load_id is null")
    if version < 5:  # problems followed to closure: the 处置结果 and whether the visit referred
        con.execute("alter table visit_rows add column if not exists resolution varchar")
        con.execute("alter table visit_rows add column if not exists is_referred boolean")
    if version < 6:  # visits entered long after their date: the entry time
        con.execute("alter table visit_rows add column if not exists entered_at timestamp")
    if version < 7:  # a contact list's row may name several contact people: which one a stored row is
        con.execute("alter table contact_rows add column if not exists contact_index smallint default 1")
    if version < 11:
        # names stored as cv_person_name writes them now (7: without the note after them; 8: a transliterated
        # name's dot as ·; 11: without an ID number or phone typed after them with their labels), and the keys of
        # the rows without an ID number that name them so: re-sent, such a visit or contact is still a repeat
        for statement in (
            """update visit_rows set dedup_key = xor(xor(dedup_key,
                   cv_key_part('elder', elder_name || '@' || community_code)),
                   cv_key_part('elder', cv_person_name(elder_name) || '@' || community_code))
               where elder_name <> cv_person_name(elder_name) and id_number is null""",
            """update contact_rows set dedup_key = cv_person_name(elder_name) || '@' || community_code
                   || substr(dedup_key, length(elder_name || '@' || community_code) + 1)
               where elder_name <> cv_person_name(elder_name) and id_number is null""",
            "update roster_rows set elder_name = cv_person_name(elder_name)"
            " where elder_name <> cv_person_name(elder_name)",
            "update visit_rows set elder_name = cv_person_name(elder_name)"
            " where elder_name <> cv_person_name(elder_name)",
            "update contact_rows set elder_name = cv_person_name(elder_name)"
            " where elder_name <> cv_person_name(elder_name)",
        ):
            con.execute(statement)
    if version < 9:  # a rejected row's place, so that a file whose every row is rejected is still its street's
        for column in ("street_code", "community_code"):
            con.execute(f"alter table rejects add column if not exists {column} varchar")
    if version < 10:  # a roster row without a name loads by its ID number (DESIGN §3), where it had been rejected
        con.execute("alter table roster_rows alter column elder_name drop not null")
    _set_format_version(con)
    return has_data


def _set_format_version(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("insert or replace into settings values ('format_version', $version)",
                {"version": str(FORMAT_VERSION)})


# copy_file_range's answers when the kernel cannot copy between these files (another file system, an old kernel)
_NO_KERNEL_COPY = (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL)


def copy_whole(db_path: Path, target: Path) -> None:
    """The warehouse copied to `target` while it may be in use: under the writers' lock, since a load replaces the
    file whole (open_for_writing), and readers never change it."""
    require_warehouse(db_path)
    with _writer_lock(db_path):
        _copy_file(db_path, target)


def _copy_file(source: Path, target: Path) -> None:
    """`source` copied to `target` by the kernel (copy_file_range): on a file system whose files can share
    blocks (XFS with reflink, the default of current mkfs.xfs; Btrfs) the copy shares them, and a publish
    then writes only the blocks it changes (a province's 3.6 GB warehouse: 0.00 s against 0.8-1.4 s to copy
    and 1.0-1.7 s to sync it, measured on XFS); elsewhere the kernel copies the bytes (ext4: 1.5-1.9 s against
    shutil's 1.6-2.6 s). What it does not copy is read and written."""
    with source.open("rb", buffering=0) as reader, target.open("wb", buffering=0) as writer:
        left = os.fstat(reader.fileno()).st_size
        try:
            while left > 0:
                copied = os.copy_file_range(reader.fileno(), writer.fileno(), left)
                if copied == 0:
                    break
                left -= copied
        except OSError as error:
            if error.errno not in _NO_KERNEL_COPY:
                raise
        shutil.copyfileobj(reader, writer, 16 * 2**20)  # from where the kernel stopped: usually nothing left


def _fsync_meanwhile(path: Path) -> Future[None]:
    """`path` written to disk (_fsync) by a thread of its own while the caller goes on; the future's result is
    what the fsync raised, if anything (an fsync error is told once, to the descriptor that was open: a later
    fsync of a new one would not see it). A copy of the warehouse is on disk by the time the load is done with
    it (without, ext4 wrote a province's 2 GB copy at the publish's final fsync: 2.8-3.2 s of it, and 0.00 s
    after this, measured on 2026-12-03); the blocks the load changes meanwhile are written again by that fsync."""
    done: Future[None] = Future()

    def run() -> None:
        try:
            _fsync(path)
        except BaseException as error:  # noqa: BLE001 - handed to the caller through the future
            done.set_exception(error)
        else:
            done.set_result(None)

    threading.Thread(target=run, name=f"fsync {path.name}", daemon=True).start()
    return done


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def marts_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse holds data whose marts another version of CareVisit built."""
    stored = first_row(con, "select value from settings where key = 'marts_version'")
    return (stored is None or stored[0] != marts_version()) and scalar(con, "select count(*) from loads") > 0


def refresh(db_path: Path, config: Config) -> bool:
    """Rebuild the marts of a warehouse that an earlier CareVisit built (a new mart, a changed rule),
    before anything reads them; whether it did."""
    require_warehouse(db_path)
    con = duckdb.connect(str(db_path), read_only=True, config=engine_config())
    try:
        stale = marts_stale(con)
    finally:
        con.close()
    if stale:
        with open_for_writing(db_path, config):
            pass  # the session finds the marts stale and rebuilds them on the way out
    return stale


def require_warehouse(db_path: Path) -> None:
    if not db_path.exists():
        raise WarehouseError(
            f"数据库 {db_path} 不存在: 请先导入本区区划 (carevisit geo import 区划.csv; 和平区可直接导入数据, "
            "carevisit ingest) 或生成演示数据 (carevisit demo)")
    require_duckdb_file(db_path)


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def require_duckdb_file(db_path: Path) -> None:
    """WarehouseError when the --db file is not a DuckDB database (a folder, a spreadsheet, a typo)."""
    if db_path.is_dir():
        raise WarehouseError(f"数据库 {db_path} 是一个文件夹: --db 应指向数据库文件 (例如 data/warehouse.duckdb)")
    try:
        with db_path.open("rb") as f:
            header = f.read(12)
    except OSError as error:
        raise WarehouseError(f"数据库 {db_path} 无法读取: {error.strerror or error}") from error
    if header and header[8:12] != DUCKDB_MAGIC:  # an empty file becomes a new warehouse
        raise WarehouseError(f"{db_path} 不是 CareVisit 的数据库文件 (不是 DuckDB 格式): 请检查 --db 指向的文件")


def open_for_reading(db_path: Path) -> duckdb.DuckDBPyConnection:
    require_warehouse(db_path)
    con = duckdb.connect(str(db_path), read_only=True, config=engine_config())
    prepare(con)
    return con


def _write_reference_tables(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Value words, configuration, place-name keys and (on a new warehouse) the built-in geography."""
    _require_remembered_config(con, config)
    write_words(con, config.words_dir)
    write_config(con, config)
    if scalar(con, "select count(*) from divisions") == 0:
        write_divisions(con, geography.reference_divisions(), geography.division_aliases())
    else:
        _write_place_keys(con)


def _require_remembered_config(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """A warehouse built with a bureau's configuration file (CAREVISIT_CONFIG) is not changed under the built-in one:
    a load, an upload or a server started without the variable would have counted every figure by the built-in rules
    again, and said nothing (review 2026-12-04). Remembers the file the warehouse is now built with."""
    _refuse_without_remembered_config(con, config)
    con.execute("insert or replace into settings values ('config_file', $file)",
                {"file": str(config.source) if config.source else ""})


def require_remembered_config(db_path: Path, config: Config) -> None:
    """What a load requires of its configuration, asked by a process that only reads: the server, whose uploads would
    be refused and whose sensitive categories and 落款 would be the built-in ones (review 14 M3: it started without a
    word)."""
    con = duckdb.connect(str(db_path), read_only=True, config=engine_config())
    try:
        _refuse_without_remembered_config(con, config)
    finally:
        con.close()


def _refuse_without_remembered_config(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    remembered = first_row(con, "select value from settings where key = 'config_file'")
    if config.source is None and remembered and remembered[0]:
        raise WarehouseError(
            f"本库的指标按配置文件 {remembered[0]} 计算, 但这次没有设置 CAREVISIT_CONFIG, 未作任何改动: 请设置 "
            f"CAREVISIT_CONFIG={remembered[0]} 后重新运行 (导入、上传和服务都需要设置); 如确要改回内置的默认配置, "
            "请把 CAREVISIT_CONFIG 指向默认配置的一份副本 (etl/carevisit.toml) 运行 carevisit rebuild")


def write_words(con: duckdb.DuckDBPyConnection, words_dir: Path | None = None) -> None:
    """The value synonyms and keywords (the package's and the bureau's), keyed as cells are compared.

    value_map: field, value, synonym (a bureau's line wins over the package's for the same synonym);
    keyword_map: field, value, keyword, keyword_pattern, negated_value; value_rank: field, value,
    rank (a cell naming several values counts as the lowest rank's; a keyword's own priority ranks it, in
    keyword_map); negation: per field, the pattern of the words that negate a keyword after them, of the words that
    hold one without negating (unless), of the words that undo a keyword written before them (undoing: 从养老院接回
    is no 入住机构), of the relatives a keyword beside them is about (someone_else: 老伴住进养老院), and of what the
    keywords of one value (object_of: 拒访) must be about where words follow them (objects: 拒绝探访, not 拒绝安装).

    Every load writes them on its connection: they are computed once a process for the same words (80 ms of
    DuckDB's planning a load, the suite's tiny loads a tenth of their CPU) and kept as Arrow tables.
    """
    reread_if_changed(words_dir)
    synonyms = tuple(value_synonyms(words_dir))
    keywords = tuple(value_keywords(words_dir))
    for name, rows in _word_tables(synonyms, keywords).items():
        con.register("cv_word_rows", rows)
        try:
            con.execute(f"create or replace temp table {name} as select * from cv_word_rows")  # noqa: S608 (its own tables)
        finally:
            con.unregister("cv_word_rows")


@functools.lru_cache(maxsize=4)
def _word_tables(synonyms: tuple[tuple, ...], keywords: tuple[tuple, ...]) -> dict[str, pa.Table]:
    """write_words' tables for these synonyms and keywords, computed on a connection of their own."""
    con = duckdb.connect(config=engine_config())
    try:
        prepare(con)
        con.register("synonyms", pd.DataFrame(list(synonyms), columns=["field", "value", "synonym"]))
        con.register("keywords", pd.DataFrame(list(keywords),
                                              columns=["field", "value", "keyword", "priority", "negated_value"]))
        return {name: con.sql(query, params=params).to_arrow_table() for name, query, params in (
            ("value_map", """select field, value, synonym from (
                select field, value, cv_word_core(synonym) as synonym, row_number() over () as line from synonyms)
            where synonym is not null
            qualify row_number() over (partition by field, synonym order by line desc) = 1""", None),
            ("keyword_map", """select field, value, cv_word_key(keyword) as keyword,
                   cv_regex_escape(cv_word_key(keyword)) as keyword_pattern,
                   priority, negated_value
            from keywords where field <> '*' and value not in $rules
                and cv_word_key(keyword) is not null""", {"rules": list(WORD_RULES)}),
            ("value_rank", """select field, value, min(priority)::integer as rank from keywords
            where field <> '*' and priority is not null group by field, value""", None),
            # per field: the words of every field (*) and the field's own (a plan, 约定下周上门, is no home visit)
            ("negation", """select field,
                   coalesce(max(words) filter (where value = $negation), '($^)') as pattern,
                   coalesce(max(words) filter (where value = $not_negation), '($^)') as unless,
                   coalesce(max(words) filter (where value = $undoing), '($^)') as undoing,
                   -- no one else in a field whose values name relatives (living: 与子女同住)
                   coalesce(max(words) filter (where value = $someone_else and not names_relatives), '($^)')
                       as someone_else,
                   coalesce(max(words) filter (where value = $object), '($^)') as objects,
                   max(about) filter (where value = $object) as object_of
            from (
                -- each rule's words as one pattern, the longest first
                select f.field, k.value, f.names_relatives,
                       '(' || string_agg(cv_regex_escape(cv_word_key(k.keyword)), '|' order by length(k.keyword) desc)
                           || ')' as words,
                       max(k.negated_value) as about
                from (select field, bool_or(value not in $rules and keyword in (
                                                select keyword from keywords where value = $someone_else))
                                        as names_relatives
                      from keywords where field <> '*' group by field) f
                left join keywords k on k.field in ('*', f.field) and k.value in $rules
                group by f.field, k.value, f.names_relatives)
            group by field""",
             {"negation": NEGATION, "not_negation": NOT_NEGATION, "undoing": UNDOING,
              "someone_else": SOMEONE_ELSE, "object": OBJECT, "rules": list(WORD_RULES)}),
        )}
    finally:
        con.close()


def write_divisions(con: duckdb.DuckDBPyConnection, divisions: pd.DataFrame, aliases: pd.DataFrame) -> None:
    """Replace the geography with `divisions` (and their aliases) and schematic shapes for them."""
    con.register("incoming_divisions", divisions)
    con.register("incoming_aliases", aliases)
    con.register("incoming_shapes", geography.schematic_shapes(divisions))
    try:
        con.execute("""delete from divisions;
            insert into divisions by name select * from incoming_divisions;
            delete from division_aliases;
            insert into division_aliases by name select * from incoming_aliases;
            delete from division_shapes;
            insert into division_shapes by name select * from incoming_shapes""")
    finally:
        for name in ("incoming_divisions", "incoming_aliases", "incoming_shapes"):
            con.unregister(name)
    _write_place_keys(con)


# place_keys of the geographies this process wrote them for, by a digest of the divisions and their aliases (a load
# computed them again each time: 17 ms of DuckDB's planning, for the same places)
_place_keys: dict[str, pa.Table] = {}


def _write_place_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Every spelling of every division's name, keyed as ingest matches the names in a file."""
    digest = scalar(con, """
        select md5(coalesce((select string_agg(concat_ws('|', code, coalesce(parent_code, ''), level, name, short_name),
                                               '|' order by code) from divisions), '')
                   || '#' || coalesce((select string_agg(concat_ws('|', code, alias), '|' order by code, alias)
                                       from division_aliases), ''))""")
    if (keys := _place_keys.get(digest)) is None:
        if len(_place_keys) >= 4:
            _place_keys.clear()
        keys = _place_keys[digest] = con.sql(sql("staging/place_keys")).to_arrow_table()
    con.register("cv_place_keys", keys)
    try:
        con.execute("create or replace temp table place_keys as select * from cv_place_keys")
    finally:
        con.unregister("cv_place_keys")


def write_config(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """The configuration as tables, so that marts are computed with it in SQL."""
    con.execute(
        "create or replace table cfg_settings as select $aged_from as aged_from,"
        " $semi::boolean as semi_disabled_counts_as_disabled, $open::boolean as high_on_open_problem,"
        " $categories::varchar[] as special_categories, $derive::boolean as derive_categories_from_attributes,"
        " $removal::double as removal_alert_share",
        {"aged_from": config.aged_from, "semi": config.semi_disabled_counts_as_disabled,
         "open": config.high_on_open_problem, "categories": list(config.special_categories),
         "derive": config.derive_categories_from_attributes, "removal": config.removal_alert_share},
    )
    # the visit-quality thresholds (sql/marts/visit_signals.sql), one row
    con.register("visit_quality", pd.DataFrame([dataclasses.asdict(config.visit_quality)]))
    try:
        con.execute("create or replace table cfg_visit_quality as select * from visit_quality")
    finally:
        con.unregister("visit_quality")
    con.execute("create or replace table cfg_intervals (risk_level varchar, days integer)")
    con.executemany("insert into cfg_intervals values (?, ?)", list(config.visit_interval_days))
    con.execute("create or replace table cfg_risk_rules (level varchar, categories varchar[])")
    con.executemany("insert into cfg_risk_rules values (?, ?)",
                    [(level, list(categories)) for level, categories in config.risk_rules])
