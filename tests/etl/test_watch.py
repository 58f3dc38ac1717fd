"""`carevisit watch`: a real process on a real folder, files dropped as a shared drive receives them."""

import concurrent.futures
import json
import subprocess
import sys
import time
from pathlib import Path

from etl.cli import main
from tests.conftest import make_id
from tests.etl.exports import ROSTER_HEADER, VISIT_HEADER, roster_row, visit_row, write_csv

CAREVISIT = str(Path(sys.executable).with_name("carevisit"))


def wait_for_lines(process: subprocess.Popen, lines: list[str], count: int, timeout: float = 90) -> None:
    """Until the command has printed `count` lines in all, `lines` holding them; fails after `timeout` seconds even
    when it prints nothing more (a line read in a thread: readline alone would wait for ever)."""
    deadline = time.monotonic() + timeout
    while len(lines) < count:
        reader = concurrent.futures.ThreadPoolExecutor(1)
        pending = reader.submit(process.stdout.readline)
        try:
            line = pending.result(timeout=max(0.0, deadline - time.monotonic()))
        except concurrent.futures.TimeoutError:
            raise AssertionError(f"only {lines} after {timeout} s") from None
        finally:
            reader.shutdown(wait=False)
        if not line and process.poll() is not None:
            raise AssertionError(f"the command ended after {lines}")
        if line.strip():
            lines.append(line.strip())


def test_watch_loads_each_settled_file_once_and_survives_a_restart(tmp_path, capsys):
    folder, db = tmp_path / "收件", tmp_path / "w.duckdb"
    folder.mkdir()
    alice, bob = make_id("19400101", 1), make_id("19560202", 2)
    roster = [ROSTER_HEADER, roster_row(1, alice), roster_row(2, bob, name="李四", categories="空巢")]
    command = [CAREVISIT, "watch", str(folder), "--db", str(db), "--settle", "1.5", "--interval", "0.2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    try:
        write_csv(folder / "底册.csv", roster)
        (folder / "坏文件.csv").write_text("没有表头\n", encoding="utf-8")
        (folder / "~$底册.xlsx").write_bytes(b"Excel's lock file")  # never a candidate
        # a visit file still being copied: half now, the rest a second later
        text = (folder.parent / "v.csv")
        write_csv(text, [VISIT_HEADER] + [visit_row(alice, f"2026-10-{d:02d}") for d in range(1, 21)])
        content = text.read_bytes()
        partial = folder / "探访记录.csv"
        partial.write_bytes(content[: len(content) // 2])
        time.sleep(1.0)
        partial.write_bytes(content)
        wait_for_lines(process, lines, 3)
        time.sleep(2.5)  # nothing more to load: no line for a file already handled
        assert len(lines) == 3, lines
        # the street saves its roster again under the same name, one more elder on it: loaded again (review 21 H2)
        write_csv(folder / "底册.csv", [*roster, roster_row(3, make_id("19450303", 3), name="王五")])
        wait_for_lines(process, lines, 4)
    finally:
        process.terminate()
        remaining, _ = process.communicate(timeout=30)
    lines += [line for line in remaining.splitlines() if line.strip()]
    assert len(lines) == 4, lines
    assert "已导入 底册.csv: 读取 3 行, 导入 3 行" in lines[3], lines
    assert any("已导入 底册.csv: 读取 2 行, 导入 2 行" in line for line in lines)
    assert any("已导入 探访记录.csv: 读取 20 行, 导入 20 行" in line for line in lines)  # whole, not half
    assert any("失败 坏文件.csv" in line and "表头" in line for line in lines)

    # a restart sees the same files: they are recognised by content, nothing loads twice
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = []
    try:
        wait_for_lines(process, lines, 3)
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert sum("已跳过" in line for line in lines) == 2 and sum("失败" in line for line in lines) == 1
    capsys.readouterr()
    assert main(["loads", "--format", "json", "--db", str(db)]) == 0
    loads = json.loads(capsys.readouterr().out)
    assert sorted(load["file"] for load in loads) == ["底册.csv", "底册.csv", "探访记录.csv"]
    # nothing is moved or deleted: the shared folder is the street's
    assert {path.name for path in folder.iterdir()} == {"底册.csv", "坏文件.csv", "~$底册.xlsx", "探访记录.csv"}
