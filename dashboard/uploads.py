"""Loading from the browser: POST /upload streams files to disk beside the warehouse and loads them.

Files arrive as multipart form data, which Werkzeug spools to disk past a few hundred kilobytes,
so a 100 MB export never sits in memory. They are kept, mode 0600, in `X.uploads/<batch>/` beside
the warehouse `X.duckdb` (the record of what was sent), then loaded by the same `ingest` as the
command line, within the user's place. A zip of exports is opened member by member, with bounds
on count, size and compression ratio, and only the members' own names (no paths) are used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import zipfile
import zlib
from pathlib import Path

import flask
from flask_wtf.csrf import validate_csrf
from werkzeug.datastructures import FileStorage
from wtforms import ValidationError

from dashboard import auth, context, queries
from etl import corrections, metrics, workbooks
from etl.ingest import FileResult, ingest
from etl.readers import (
    EXPORT_SUFFIXES,
    OTHER_SPREADSHEETS,
    SAMPLE_BYTES,
    TEXT_SUFFIX,
    digits_masked,
    file_head,
    is_export,
    leftover,
    not_an_export,
)
from etl.warehouse import DiskFull, WarehouseError

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # one request, all files together
MAX_FILES = 50
ZIP_MAX_MEMBERS = 200  # its size and compression ratio are bounded as an .xlsx's are (workbooks.check_packing)
BATCH = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}$")
# a name on disk, in UTF-8: Linux allows 255 bytes where Windows allows 255 characters (a Chinese one is 3 bytes)
NAME_MAX_BYTES = 200


class UploadError(ValueError):
    """An upload refused as a whole; the message says why, for the clerk."""


def uploads_dir(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).stem + ".uploads")


# An upload's files hold every cell unmasked, as sent; the warehouse keeps what was loaded of them (rows, rejected
# rows as sent for their corrections) and the audit log each file's SHA-256. They are deleted this many days after
# their upload (CAREVISIT_KEEP_UPLOADS_DAYS), the batch's results (results.json, names masked) kept.
KEEP_UPLOADS_DAYS = 30


def keep_uploads_days() -> int:
    try:
        return max(0, int(os.environ.get("CAREVISIT_KEEP_UPLOADS_DAYS", KEEP_UPLOADS_DAYS)))
    except ValueError:
        return KEEP_UPLOADS_DAYS


def prune_uploads(folder: Path, days: int, now: dt.datetime | None = None) -> int:
    """The files of the batches in `folder` uploaded more than `days` days before `now` deleted (their results.json
    kept); how many."""
    cutoff = (now or dt.datetime.now()) - dt.timedelta(days=days)
    deleted = 0
    for batch in folder.iterdir() if folder.is_dir() else ():
        if not (BATCH.match(batch.name) and dt.datetime.strptime(batch.name[:15], "%Y%m%d-%H%M%S") < cutoff):
            continue
        for path in batch.iterdir():
            if path.name != "results.json":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
                deleted += 1
    return deleted


def clean_name(name: str) -> str:
    """A file's own name as the clerk gave it (Chinese kept), without any folder, control character
    or leading dot: never a path that points elsewhere."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip().lstrip(".")
    return fitted(name) or "unnamed"


def fitted(name: str) -> str:
    """The name within NAME_MAX_BYTES: a longer one keeps its beginning and end around "…", and its extension, so
    the clerk still knows it in the results."""
    if len(name.encode()) <= NAME_MAX_BYTES:
        return name
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(suffix.encode()) > 16:  # no extension, only a dot in a long name
        stem, suffix = name, ""
    room = NAME_MAX_BYTES - len(f"…{suffix}".encode())
    head = stem.encode()[:room - room // 3].decode(errors="ignore")  # a character cut in two is left out
    tail = stem.encode()[-(room // 3):].decode(errors="ignore")
    return f"{head}…{tail}{suffix}"


def _private_file(path: Path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _unique(folder: Path, name: str) -> Path:
    """A name in the batch's folder no other file of the batch has: name (2).csv, and so on, within the bound."""
    path, stem, suffix, n = folder / name, Path(name).stem, Path(name).suffix, 1
    while path.exists():
        n += 1
        path = folder / fitted(f"{stem} ({n}){suffix}")
    return path


def save(storage: FileStorage, folder: Path) -> tuple[list[Path], list[str]]:
    """The uploaded file (or the exports inside a zip) written into `folder`, and what is said of a zip's other files;
    others refused by name."""
    name = clean_name(storage.filename or "")
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        archive = _unique(folder, name)
        with _private_file(archive) as out:
            shutil.copyfileobj(storage.stream, out)
        return unzip(archive, folder)
    if suffix not in (*EXPORT_SUFFIXES, TEXT_SUFFIX, *OTHER_SPREADSHEETS):
        raise UploadError(f"{name}: 只能上传 xlsx、xls、csv 文件或它们的 zip 压缩包")
    path = _unique(folder, name)
    with _private_file(path) as out:
        shutil.copyfileobj(storage.stream, out)
    # a .txt that is not a table (Excel's 「Unicode 文本」 is one), an .et that is no workbook (readers.READ_BY_CONTENT)
    if not is_export(name, lambda: file_head(path)):
        path.unlink()
        raise UploadError(f"{name}: {not_an_export(name, '上传')}")
    return [path], []


def _member_name(info: zipfile.ZipInfo) -> str:
    """Windows zips name members in GBK without saying so; Python reads those names as CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unzip(archive: Path, folder: Path) -> tuple[list[Path], list[str]]:
    """The exports inside a zip written into `folder`, and a line for each other file in it, not loaded (DESIGN §3:
    nothing lost without a word): a zip inside, a WPS sheet. What a computer adds to a zip (a Mac's __MACOSX, the
    owner file of a workbook open) goes without one."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            files = [m for m in bundle.infolist() if not m.is_dir() and not _added_by_a_computer(m)]
            members = [m for m in files
                       if is_export(_member_name(m), lambda m=m: bundle.open(m).read(SAMPLE_BYTES))]
            others = [_member_name(m) for m in files if m not in members]
            if not members:
                raise UploadError(f"{archive.name}: 压缩包里没有 xlsx、xls 或 csv 文件"
                                  + (f" ({not_an_export(others[0], '上传')})" if others else ""))
            if len(members) > ZIP_MAX_MEMBERS:
                raise UploadError(f"{archive.name}: 压缩包里的文件太多 (超过 {ZIP_MAX_MEMBERS} 个), 请分开上传")
            workbooks.check_packing(members, "压缩包")
            paths = []
            for member in members:
                path = _unique(folder, clean_name(_member_name(member)))
                try:
                    with _private_file(path) as out:
                        for chunk in workbooks.unpacked(archive, member):
                            out.write(chunk)
                except BaseException:
                    path.unlink()  # no empty or part file left in the batch's folder as if it had been sent
                    raise
                paths.append(path)
            return paths, [f"{archive.name}: 其中的 {digits_masked(Path(name).name)} 未导入 "
                           f"({not_an_export(name, '上传')})" for name in others]
    except workbooks.ZipBomb as error:
        raise UploadError(f"{archive.name}: {error}") from error
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as error:  # corrupt, encrypted, unknown
        raise UploadError(f"{archive.name}: 压缩包无法打开 (文件损坏或已加密)") from error


COMPUTER_FILES = ("__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini")


def _added_by_a_computer(member: zipfile.ZipInfo) -> bool:
    return any(part in COMPUTER_FILES for part in Path(member.filename).parts) or leftover(_member_name(member))


def upload_view():
    """POST /upload: signed in, allowed to load, a valid form token; files saved, loaded, recorded."""
    user = context.user()
    context.require("load")
    flask.request.max_content_length = MAX_UPLOAD_BYTES
    try:
        validate_csrf(flask.request.form.get("csrf_token"))
    except ValidationError:
        return _next("/upload?problem=expired")
    auth.throttle("upload")
    files = [f for f in flask.request.files.getlist("files") if f and f.filename]
    if not files or len(files) > MAX_FILES:
        return _next("/upload?problem=count")
    db_path = flask.current_app.config["CAREVISIT_WAREHOUSE"].db_path
    prune_uploads(uploads_dir(db_path), keep_uploads_days())
    batch = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    folder = uploads_dir(db_path) / batch
    folder.mkdir(parents=True, mode=0o700)
    os.chmod(folder.parent, 0o700)
    refused, saved = [], []
    for storage in files:
        try:
            paths, notes = save(storage, folder)
            saved += paths
            refused += notes
        except UploadError as error:
            refused.append(str(error))
    try:
        results = ingest(saved, flask.current_app.config["CAREVISIT_SETTINGS"], place_scope=user.place) if saved else []
    except WarehouseError as error:  # the load was undone as a whole: say why (a full disk without its folder)
        refused.append(error.on_the_server if isinstance(error, DiskFull) else str(error))
        results, saved = [], []
    alerts = []
    if any(result.status == "loaded" for result in results):
        with flask.current_app.config["CAREVISIT_WAREHOUSE"].cursor() as cursor:
            alerts = metrics.alerts_after(cursor, results)  # a roster's people gone without a word …
    record = {"user": user.username, "at": dt.datetime.now().isoformat(timespec="seconds"), "refused": refused,
              "results": [_result(r) for r in results], "alerts": alerts}
    with _private_file(folder / "results.json") as out:
        out.write(json.dumps(record, ensure_ascii=False).encode())
    for path, result in zip(saved, results, strict=True):
        auth.audit("upload", place=user.place, row_count=result.rows_loaded,
                   file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                   facts={"file": digits_masked(result.file_name),
                          "status": result.status, "kind": result.kind, "rows_read": result.rows_read,
                          "rows_rejected": result.rows_rejected, "batch": batch})
    return _next(f"/upload?batch={batch}")


def _next(url: str):
    """Where the browser goes next: said in JSON to the page's script, a redirect to a plain form."""
    if flask.request.accept_mimetypes.best == "application/json":
        return flask.jsonify({"next": url})
    return flask.redirect(url)


def corrections_view(load_id: int):
    """GET /corrections/<load>: the corrections workbook (退回修改) of a load: its rows still to fix, as sent, those
    of the user's place (every row of a file the place holds whole; of another, such as a community's rows in its
    street's file, the rows placed there). For roles that may correct; every download is in the audit log."""
    user = context.user()
    context.require("correct")
    auth.throttle("export")
    wh = flask.current_app.config["CAREVISIT_WAREHOUSE"]
    within = None if queries.load_in_scope(wh, load_id, user.place) else user.place
    with wh.cursor() as cursor:
        waiting = corrections.waiting_rows(cursor, load_id, within)
    if waiting is None or (within is not None and not waiting.rows):  # none of its rows is the user's
        raise queries.OutOfScope(str(load_id))
    data = corrections.workbook(waiting)
    auth.audit("corrections", place=user.place, row_count=len(waiting.rows),
               file_sha256=hashlib.sha256(data).hexdigest(), facts={"load_id": waiting.origin_load_id})
    return flask.send_file(io.BytesIO(data), as_attachment=True, download_name=corrections_name(waiting.file_name),
                           mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def corrections_name(file_name: str) -> str:
    return f"{Path(file_name).stem}_退回修改.xlsx"


def _result(result: FileResult) -> dict:
    return {"file_name": result.file_name, "status": result.status, "kind": result.kind, "load_id": result.load_id,
            "rows_read": result.rows_read, "rows_loaded": result.rows_loaded, "rows_rejected": result.rows_rejected,
            "rows_to_fix": result.rows_to_fix, "warning_count": result.warning_count, "message": result.message,
            # every load the file made (a workbook of a roster sheet and a visits sheet makes two)
            "load_ids": [part.load_id for part in result.parts if part.load_id] or
                        ([result.load_id] if result.load_id else [])}


def batch_results(batch: str | None) -> dict | None:
    """What a batch of the current user's loaded (None for another user's, or for no such batch)."""
    user = auth.current()
    if not batch or not BATCH.match(batch) or user is None:
        return None
    path = uploads_dir(flask.current_app.config["CAREVISIT_WAREHOUSE"].db_path) / batch / "results.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if record.get("user") == user.username else None
