"""Loads are atomic: a killed load leaves the previous warehouse intact, readers are never blocked."""

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import make_id
from tests.etl.exports import ALICE, ROSTER_HEADER, VISIT_HEADER, Warehouse, roster_row, write_csv

BIG_VISIT_ROWS = 400_000


@pytest.fixture
def loaded(tmp_path) -> Warehouse:
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    warehouse.ingest(write_csv(tmp_path / "r.csv", [ROSTER_HEADER, roster_row(1, ALICE)]))
    return warehouse


def big_visits_file(path: Path) -> Path:
    """Many distinct phone contacts, so that loading takes a few seconds."""
    lines = [",".join(VISIT_HEADER)]
    elders = [make_id("19500101", n) for n in range(100)]
    for i in range(BIG_VISIT_ROWS):
        minute = i // 100
        lines.append(f"{elders[i % 100]},张三,花园路,2026-10-{1 + minute // 1440 % 28:02d} "
                     f"{minute // 60 % 24:02d}:{minute % 60:02d},电话,正常,网格员甲")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def big_visits(tmp_path_factory) -> Path:
    """The big visits file, written once for the module (the loads only read it)."""
    return big_visits_file(tmp_path_factory.mktemp("big") / "visits.csv")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_for_work_file(db_path: Path, loads: "ForkedLoads", pid: int) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and loads.poll(pid) is None:
        if work := list(db_path.parent.glob(f".{db_path.name}.cv-tmp-*")):
            return work[0]
        time.sleep(0.02)
    raise AssertionError("the load finished or never started")


def test_a_load_killed_midway_leaves_the_previous_warehouse_intact(loaded, big_visits, forked_loads):
    db_path = loaded.settings.db_path
    before = digest(db_path)
    pid = forked_loads.start(loaded, big_visits)
    wait_for_work_file(db_path, forked_loads, pid)
    time.sleep(0.5)  # well inside reading and validating 400,000 rows
    assert forked_loads.poll(pid) is None, "load finished before it could be killed"
    os.kill(pid, signal.SIGKILL)
    assert forked_loads.wait(pid) == -signal.SIGKILL

    assert digest(db_path) == before
    assert loaded.rows("select count(*), min(file_name) from loads") == [(1, "r.csv")]
    assert loaded.one("select count(*) from visit_rows") == 0


def test_the_next_load_after_a_killed_one_cleans_up_and_succeeds(loaded, tmp_path, big_visits, forked_loads):
    db_path = loaded.settings.db_path
    pid = forked_loads.start(loaded, big_visits)
    wait_for_work_file(db_path, forked_loads, pid)
    os.kill(pid, signal.SIGKILL)
    assert forked_loads.wait(pid) == -signal.SIGKILL

    [result] = loaded.ingest(write_csv(tmp_path / "v.csv", [VISIT_HEADER, [ALICE, "张三", "花园路", "2026-10-05",
                                                                           "入户", "正常", "网格员甲"]]))
    assert result.rows_loaded == 1
    assert list(db_path.parent.glob(f".{db_path.name}.cv-tmp-*")) == []


def test_a_reader_keeps_working_during_a_load_and_sees_the_new_data_after_reopening(loaded, big_visits,
                                                                                     forked_loads):
    db_path = loaded.settings.db_path
    reader = duckdb.connect(str(db_path), read_only=True)
    pid = forked_loads.start(loaded, big_visits)
    answers = set()
    while (code := forked_loads.poll(pid)) is None:
        answers.add(reader.execute("select count(*) from visit_rows").fetchall()[0][0])
        time.sleep(0.05)
    assert code == 0
    assert answers == {0}  # never blocked, never half a load
    assert reader.execute("select count(*) from visit_rows").fetchall()[0][0] == 0  # its snapshot
    reader.close()

    reopened = duckdb.connect(str(db_path), read_only=True)
    assert reopened.execute("select count(*) from visit_rows").fetchall()[0][0] == BIG_VISIT_ROWS
    reopened.close()


KILL_POINTS = 20
AT_ONCE = 5  # loads killed side by side, each on its own copy of the warehouse

# A process that imports the command line once, then forks a `carevisit ingest` for each "run" line it reads and
# answers its pid; "wait <pid>" answers its exit code (negative: killed by that signal). The loads killed then
# start at the load itself, not at the second of imports before it, and 25 loads do not import 25 times.
FORK_SERVER = """
import os, sys
from etl.cli import main
for line in sys.stdin:
    command, *words = line.rstrip("\\n").split("\\t")
    if command == "run":
        pid = os.fork()
        if pid == 0:
            code = 70  # an exception in the load: never the loop again, never 0
            try:
                quiet = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(quiet, fd)
                code = main(words)
            finally:
                os._exit(code)
        print(pid, flush=True)
    elif command in ("wait", "poll"):  # poll: "running" while the load runs
        done, status = os.waitpid(int(words[0]), os.WNOHANG if command == "poll" else 0)
        print(os.waitstatus_to_exitcode(status) if done else "running", flush=True)
"""


class ForkedLoads:
    """`carevisit ingest` in processes forked from one that has imported the ETL (see FORK_SERVER)."""

    def __init__(self):
        self.server = subprocess.Popen([sys.executable, "-c", FORK_SERVER], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True,
                                       env=os.environ | {"PYTHONPATH": str(Path(__file__).parents[2])})

    def _ask(self, *words: str) -> int | None:
        self.server.stdin.write("\t".join(words) + "\n")
        self.server.stdin.flush()
        answer = self.server.stdout.readline().strip()
        return None if answer == "running" else int(answer)

    def start(self, warehouse: Warehouse, path: Path) -> int:
        return self._ask("run", "ingest", str(path), "--db", str(warehouse.settings.db_path))

    def wait(self, pid: int) -> int:
        return self._ask("wait", str(pid))

    def poll(self, pid: int) -> int | None:
        """The load's exit code once it has ended (it is then waited for), None while it runs."""
        return self._ask("poll", str(pid))

    def close(self) -> None:
        self.server.stdin.close()
        self.server.wait(timeout=60)
        self.server.stdout.close()


@pytest.fixture(scope="module")
def forked_loads():
    """One fork server for the module's loads."""
    loads = ForkedLoads()
    yield loads
    loads.close()


def test_loads_killed_at_twenty_points_from_start_to_swap_leave_a_whole_warehouse(loaded, tmp_path, forked_loads):
    """SIGKILL at 20 points spread over a whole load (start, reading, staging, the mart build, the swap):
    each warehouse is the one before, byte for byte, or the one after, whole; the next load succeeds and
    leaves no temporary file behind."""
    rows = 10_000
    lines = [",".join(VISIT_HEADER)] + [
        f"{ALICE},张三,花园路,2026-10-{1 + i // 1440 % 28:02d} {i // 60 % 24:02d}:{i % 60:02d},电话,正常,网格员甲"
        for i in range(rows)]
    visits = tmp_path / "visits.csv"
    visits.write_text("\n".join(lines), encoding="utf-8")
    base = loaded.settings.db_path
    before = digest(base)

    def copies(count: int, name: str) -> list[Warehouse]:
        made = []
        for n in range(count):
            folder = tmp_path / f"{name}{n}"
            folder.mkdir()
            (folder / base.name).write_bytes(base.read_bytes())
            made.append(Warehouse(folder / base.name))
        return made

    # how long a whole load takes here, with as many side by side as will be killed at once
    started = time.monotonic()
    for pid in [forked_loads.start(w, visits) for w in copies(AT_ONCE, "whole")]:
        assert forked_loads.wait(pid) == 0
    whole = time.monotonic() - started

    outcomes, next_loaded = [], set()
    points = [whole * (n + 0.5) / KILL_POINTS for n in range(KILL_POINTS)]
    for batch in range(0, KILL_POINTS, AT_ONCE):
        warehouses = copies(AT_ONCE, f"killed{batch}-")
        started = time.monotonic()
        pids = [forked_loads.start(w, visits) for w in warehouses]
        for pid, at in sorted(zip(pids, points[batch:batch + AT_ONCE], strict=True), key=lambda p: p[1]):
            time.sleep(max(0.0, started + at - time.monotonic()))
            os.kill(pid, signal.SIGKILL)  # a load that has ended is a zombie until waited for: no other pid
            forked_loads.wait(pid)
        for warehouse in warehouses:
            db_path = warehouse.settings.db_path
            if digest(db_path) == before:
                outcome = "before"
            else:  # published before the kill: the load whole
                assert warehouse.rows("select file_name, rows_loaded from loads order by load_id") == [
                    ("r.csv", 1), ("visits.csv", rows)]
                assert warehouse.one("select count(*) from visit_rows") == rows
                outcome = "after"
            outcomes.append(outcome)
            # what the killed load left beside the warehouse: its lock, and its copy (a file, DuckDB's .wal or
            # spill folder) until the next writer removes it
            left = sorted(re.sub(r"\.cv-tmp-\d+", ".cv-tmp-PID", p.name) for p in db_path.parent.iterdir()
                          if p.name.startswith("."))
            assert set(left) <= {f".{db_path.name}.{end}" for end in ("lock", "cv-tmp-PID", "cv-tmp-PID.wal",
                                                                      "cv-tmp-PID.tmp")}, left
            if (outcome, tuple(left)) in next_loaded:
                continue  # the next load into a warehouse left so is checked once (a second of CPU each)
            next_loaded.add((outcome, tuple(left)))
            [result] = warehouse.ingest(write_csv(db_path.with_name("next.csv"), [
                VISIT_HEADER, [ALICE, "张三", "花园路", "2026-11-05", "入户", "正常", "网格员甲"]]))
            assert (result.status, result.rows_loaded) == ("loaded", 1)
            assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".")) == [
                f".{db_path.name}.lock"]
    # killed before the swap, the warehouse is the one before (about half of the 20 here; later points fall after it)
    assert len(outcomes) == KILL_POINTS and "before" in outcomes, outcomes


def copy_kernel_stops(stop_after: int | None, error: int | None):
    """os.copy_file_range as a kernel that copies `stop_after` bytes and then nothing more, or fails at once
    with `error` (another file system, an old kernel)."""
    real = os.copy_file_range

    def copy_file_range(src, dst, count, *args):
        if error is not None:
            raise OSError(error, os.strerror(error))
        done = os.lseek(dst, 0, os.SEEK_CUR)
        return real(src, dst, max(0, min(count, stop_after - done)), *args)
    return copy_file_range


@pytest.mark.parametrize(("stop_after", "error"), [(None, None), (3 * 2**20 + 7, None), (None, 18), (None, 38)])
def test_the_warehouse_copy_is_the_file_byte_for_byte_however_the_kernel_copies(
        tmp_path, monkeypatch, stop_after, error):
    """A publish works on a copy of the warehouse (etl/warehouse.py _copy_file): made by the kernel, which may
    share the file's blocks, copy part of it, or not copy at all (EXDEV 18, ENOSYS 38); the rest is read and
    written. Either way the copy holds the same bytes."""
    from etl.warehouse import _copy_file

    source, target = tmp_path / "warehouse.duckdb", tmp_path / "copy.duckdb"
    source.write_bytes(os.urandom(9 * 2**20 + 12345))
    if stop_after is not None or error is not None:
        monkeypatch.setattr(os, "copy_file_range", copy_kernel_stops(stop_after, error))
    _copy_file(source, target)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()


def test_an_error_writing_the_copy_to_disk_meanwhile_reaches_the_publish(tmp_path):
    """The copy is written to disk by a thread of its own while the load works (etl/warehouse.py
    _fsync_meanwhile): what that fsync raised is raised where the publish waits for it, before the swap, since a
    later fsync on a new descriptor would not be told (here /dev/null, which cannot be synced); a file that syncs
    gives no error."""
    from etl.warehouse import _fsync_meanwhile

    with pytest.raises(OSError, match="Invalid argument"):
        _fsync_meanwhile(Path("/dev/null")).result(timeout=60)
    synced = tmp_path / "copy.duckdb"
    synced.write_bytes(os.urandom(2**20))
    assert _fsync_meanwhile(synced).result(timeout=60) is None
