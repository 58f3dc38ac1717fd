"""A full disk (or a file-size limit) recognised in any error that reached us, and said in the clerk's words."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import sqlite3
from pathlib import Path

import duckdb

# The system's words for the conditions (also inside DuckDB's messages, which quote strerror) and SQLite's
FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
TOO_LARGE_ERRNOS = (errno.EFBIG,)
FULL_WORDS = (os.strerror(errno.ENOSPC), os.strerror(errno.EDQUOT), "database or disk is full",
              # DuckDB's spill past its max_temp_directory_size: by default 90 % of the disk's free space
              "max_temp_directory_size")
TOO_LARGE_WORDS = (os.strerror(errno.EFBIG),)


def _chain(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def cause(error: BaseException) -> str | None:
    """'full' for a full disk (ENOSPC, a quota, DuckDB's spill that does not fit), 'too_large' for a file past the
    process's file-size limit (EFBIG, `ulimit -f`), None for anything else; the error or any error behind it."""
    for link in _chain(error):
        if isinstance(link, OSError) and link.errno in FULL_ERRNOS:
            return "full"
        if isinstance(link, OSError) and link.errno in TOO_LARGE_ERRNOS:
            return "too_large"
        if isinstance(link, duckdb.Error | sqlite3.Error):
            text = str(link)
            if any(words in text for words in FULL_WORDS):
                return "full"
            if any(words in text for words in TOO_LARGE_WORDS):
                return "too_large"
    return None


def size_text(size: float) -> str:
    for unit in ("字节", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "字节" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError  # unreachable: the loop returns at GB


def free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def file_size_limit() -> int | None:
    """This process's limit on the size of a file it writes (`ulimit -f`), None without one."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def load_message(kind: str, folder: Path, copy_bytes: int, *, on_the_server: bool = False) -> str:
    """One line for a load stopped by the disk, said once what it wrote is removed: what happened, that nothing
    changed, the space it needs (the copy of the warehouse it writes first, then the new rows), what to do.
    `on_the_server`: for someone who loaded through the browser, who neither sees nor may learn the server's
    folders and cannot free its disk: the folder unnamed, the administrator asked."""
    copy = size_text(copy_bytes)
    disk = "服务器存放数据库的磁盘" if on_the_server else f"数据库所在磁盘 ({folder})"
    if kind == "too_large":
        limit = file_size_limit()
        if limit is not None and copy_bytes >= limit:
            need = f"导入要先复制一份数据库 ({copy}), 它已超过本机允许的单个文件大小上限 ({size_text(limit)})"
        else:
            need = (f"导入要先复制一份数据库 ({copy}) 再写入新数据, 写出的文件超过了本机允许的单个文件大小上限"
                    + (f" ({size_text(limit)})" if limit is not None else ""))
        todo = "请联系管理员取消这个限制后重新上传" if on_the_server else "请信息科取消这个限制 (ulimit -f) 后重新导入"
        return f"文件大小超过上限, 本次导入未完成, 数据库未改动: {need}。{todo}"
    free = free_bytes(folder)
    if free is None:
        need = f"导入要先复制一份数据库 ({copy}) 再写入新数据, {disk}没有足够的空间"
    elif free < copy_bytes:
        need = (f"导入要先复制一份数据库, 至少需要 {copy} 可用空间 (另加新数据所需), "
                f"{disk}只有 {size_text(free)}")
    else:
        need = (f"导入要先复制一份数据库 ({copy}) 再写入新数据和计算用的临时文件, 需要的空间超过了"
                f"{disk}上可用的 {size_text(free)}")
    todo = "请联系管理员清理服务器磁盘或扩容后重新上传" if on_the_server else "请清理该磁盘或扩容后重新导入"
    return f"磁盘已满, 本次导入未完成, 数据库未改动: {need}。{todo}"


def message(kind: str, folder: Path) -> str:
    """One line for any other work stopped by the disk (an export, a report, the dashboard's records)."""
    if kind == "too_large":
        limit = file_size_limit()
        limit_text = f" ({size_text(limit)})" if limit is not None else ""
        return f"文件超过了本机允许的单个文件大小上限{limit_text}, 未能写完: 请信息科取消这个限制 (ulimit -f) 后重试"
    free = free_bytes(folder)
    free_text = f", 现在只剩 {size_text(free)}" if free is not None else ""
    return f"磁盘已满 ({folder}{free_text}), 未能写完: 请清理该磁盘或扩容后重试"
