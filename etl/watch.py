"""A watched folder: files that streets drop on a shared drive are loaded once they have settled.

A file is loaded when its size and modification time have not changed for `settle` seconds (a
copy still being written keeps changing), and again whenever it changes. Nothing is moved or
deleted. The warehouse knows every file it loaded by content (SHA-256), so after a restart the
folder's old files are recognised and skipped, not loaded twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from etl.ingest import FileResult, ingest
from etl.readers import file_head, is_export
from etl.settings import Settings


@dataclass
class _Seen:
    version: tuple[int, int]  # (size, mtime_ns)
    since: float  # monotonic time the version was first seen


def candidates(folder: Path) -> list[Path]:
    """Export files in the folder (not in subfolders), without Excel's lock files (~$) or hidden ones."""
    return sorted(path for path in folder.iterdir()
                  if not path.name.startswith(("~$", ".")) and path.is_file()
                  and is_export(path.name, lambda path=path: file_head(path)))


def watch(folder: Path, settings: Settings, report: Callable[[FileResult], None], settle: float = 3.0,
          interval: float = 1.0, stop: threading.Event | None = None) -> None:
    """Poll `folder` every `interval` seconds until `stop` is set; load each settled new or changed file."""
    stop = stop or threading.Event()
    seen: dict[Path, _Seen] = {}
    handled: dict[Path, tuple[int, int]] = {}
    while not stop.is_set():
        now = time.monotonic()
        ready = []
        for path in candidates(folder):
            try:
                status = path.stat()
            except FileNotFoundError:  # gone between the listing and now
                continue
            version = (status.st_size, status.st_mtime_ns)
            if handled.get(path) == version:
                continue
            if path not in seen or seen[path].version != version:
                seen[path] = _Seen(version, now)
            elif now - seen[path].since >= settle:
                ready.append((path, version))
        if ready:
            for result, (path, version) in zip(ingest([p for p, _ in ready], settings), ready, strict=True):
                handled[path] = version
                seen.pop(path, None)
                report(result)
        stop.wait(interval)
