"""Temporary files and folders, named for their process: a later run removes what a killed one left."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

TEMPORARY_PREFIX = "carevisit-"


def temporary_file(suffix: str) -> Path:
    """A new file in the system's temporary folder, named for the process that made it, so that the
    next load can remove what a killed one left (remove_stale_temporary_files)."""
    return Path(tempfile.mkstemp(suffix=suffix, prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-")[1])


def temporary_folder(suffix: str) -> Path:
    """A new private (0700) folder in the system's temporary folder, named like temporary_file's."""
    return Path(tempfile.mkdtemp(suffix=suffix, prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-"))


def remove_stale_temporary_files() -> None:
    """Remove the temporary files and folders of CareVisit processes that are no longer running."""
    for stale in Path(tempfile.gettempdir()).glob(f"{TEMPORARY_PREFIX}*-*"):
        pid = stale.name.removeprefix(TEMPORARY_PREFIX).split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)
