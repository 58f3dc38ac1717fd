"""`carevisit backup`: everything a bureau must keep of a warehouse, copied whole while it is in use.

The warehouse (its file is replaced whole by each load, so a copy made under the writers' lock is a whole one), the
accounts and audit log (SQLite in WAL mode: its recent changes live in the -wal file until a checkpoint, so a plain
copy of the .sqlite file had lost most users and audit records; SQLite's online backup copies them all), the key that
signs sessions, and the files uploaded through the 导入 page. Restoring is copying the folder's files back beside
each other, with the server and the watch service stopped.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dashboard.accounts import accounts_path, secret_path
from dashboard.uploads import uploads_dir
from etl.warehouse import copy_whole, require_warehouse


@dataclass(frozen=True)
class Backup:
    folder: Path
    warehouse_bytes: int
    users: int | None  # None: no accounts yet
    audit_records: int | None
    uploads: int  # files uploaded through the 导入 page


def backup(db_path: Path, out_dir: Path, now: dt.datetime | None = None) -> Backup:
    """A folder of its own under out_dir (the warehouse's name and the time), owner-only: it holds personal data."""
    require_warehouse(db_path)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = Path(out_dir) / f"{db_path.stem}-{stamp}"
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)
    target = folder / db_path.name
    copy_whole(db_path, target)
    os.chmod(target, 0o600)
    users = audit_records = None
    accounts = accounts_path(db_path)
    if accounts.exists():
        copy = folder / accounts.name
        live, kept = sqlite3.connect(accounts), sqlite3.connect(copy)
        try:
            live.backup(kept)
            users = kept.execute("select count(*) from users").fetchone()[0]
            audit_records = kept.execute("select count(*) from audit_log").fetchone()[0]
        finally:
            live.close()
            kept.close()
        os.chmod(copy, 0o600)
    secret = secret_path(db_path)
    if secret.exists():
        shutil.copy2(secret, folder / secret.name)
    uploads = uploads_dir(db_path)
    kept_uploads = 0
    if uploads.is_dir():
        shutil.copytree(uploads, folder / uploads.name)
        kept_uploads = sum(1 for path in (folder / uploads.name).rglob("*") if path.is_file())
    return Backup(folder, target.stat().st_size, users, audit_records, kept_uploads)
