"""Shared test helpers: synthetic ID numbers and a small in-memory warehouse."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import fcntl
import functools
import io
import itertools
import os
import pickle
import shutil
import subprocess
import sys

import argon2
import duckdb
import pytest

from dashboard import accounts
from etl import geography
from etl.demo.rules import id_check_characters
from etl.settings import default_config_text, engine_config, parse_config, use_beijing_time
from etl.warehouse import build_marts, build_month, prepare, sql, write_config, write_divisions

# Passwords hashed at argon2's lowest cost in the test processes: a hash at the production cost (argon2-cffi's
# defaults, 64 MiB and 3 passes) takes 0.3 CPU-s, and the sign-in, lock-out, scope and browser tests hash or
# check a password a few hundred times. Hashing, checking and rehashing stay argon2's own; the CLI and the
# server started as processes keep the production cost, which tests/security/test_prod_server.py checks in
# the hashes they store.
accounts.PasswordHasher = functools.partial(argon2.PasswordHasher, time_cost=1, memory_cost=8, parallelism=1)

# The tests count days as the product does, in Beijing time, whatever the machine's clock (etl.cli.main sets it too)
use_beijing_time()

HUAYUANLU = "120101001001"  # 花园路社区, 劝业场街道
BINXI = "120101001002"  # 滨西社区, 劝业场街道
QUANYECHANG = "120101001000"
HEPING = "120101000000"


def excel_percent(rate: float) -> str:
    """A rate as Excel shows a cell of it in the 汇总表's format, rounded half up from its shortest decimal form, but
    99.9% short of 100%: every screen and report prints a rate so (77/80: 96.3%; 5998/6000: 99.9%)."""
    tenths = (decimal.Decimal(repr(float(rate))) * 100).quantize(decimal.Decimal('0.1'), decimal.ROUND_HALF_UP)
    return f"{min(tenths, decimal.Decimal('99.9')) if rate < 1 else tenths}%"


def make_id(birth: str = "19500101", serial: int = 1, area: str = "120101", male: bool = True) -> str:
    """A synthetic, valid GB 11643 ID number (fake person), its check character from cv_id_check_digit."""
    sequence = f"{serial % 100:02d}{(serial * 2 + (1 if male else 0)) % 10}"
    return f"{area}{birth}{sequence}" + _check_characters(f"{area}{birth}")[int(sequence)]


@functools.cache
def _check_characters(prefix: str) -> tuple[str, ...]:
    """The check characters of the 1,000 ID bodies that start with prefix (area and birth date), asked of
    the macro at once: a query costs milliseconds, and some tests make 20,000 IDs."""
    return tuple(id_check_characters([f"{prefix}{sequence:03d}" for sequence in range(1000)]))


class MartWarehouse:
    """Rows written straight into the stored tables, then the marts built: for metric tests."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self._rows = itertools.count(1)
        self.roster_row_numbers: dict[tuple[int, str], int] = {}
        for load_id, kind in ((1, "roster"), (2, "visits"), (3, "contacts")):
            con.execute(
                "insert into loads values (?, ?, ?, ?, null, 1, '2026-01-01', 'loaded', 0, 0, 0, 0, now(), 0)",
                [load_id, f"{kind}.csv", f"sha-{kind}", kind],
            )

    def load(self, kind: str = "roster", report_date: str | None = None, file_name: str | None = None) -> int:
        """Another loaded file; returns its load_id."""
        load_id = self.con.execute("select max(load_id) + 1 from loads").fetchall()[0][0]
        self.con.execute(
            "insert into loads values (?, ?, ?, ?, null, 1, ?, 'loaded', 0, 0, 0, 0, now(), 0)",
            [load_id, file_name or f"{kind}-{load_id}.csv", f"sha-{load_id}", kind, report_date],
        )
        return load_id

    def elder(self, id_number: str, *categories: str, community: str = HUAYUANLU, consent: str | None = None,
              status: str = "在册", change_date: str | None = None, reg_date: str | None = None,
              risk_level: str | None = None, name: str = "测试", load_id: int = 1) -> str:
        street = self.street_of(community)
        district = self.street_of(street)  # the street's parent
        row_number = next(self._rows)
        self.roster_row_numbers[load_id, id_number] = row_number
        self.con.execute(
            """insert into roster_rows (load_id, row_number, id_number, elder_name, sex, birth_date, district_code,
                   street_code, community_code, categories, consent, status, change_date, reg_date, risk_level)
               values (?, ?, ?, ?, '男', cv_id_birth_date(?), ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [load_id, row_number, id_number, name, id_number, district, street, community, list(categories),
             consent, status, change_date, reg_date, risk_level],
        )
        return id_number

    def street_of(self, community: str) -> str:
        """The place `community` lies in (a street's: its district)."""
        return self.con.execute("select parent_code from divisions where code = ?", [community]).fetchall()[0][0]

    def warning(self, code: str, message: str, *, id_number: str | None = None, load_id: int = 1,
                field: str | None = None, value: str | None = None, community: str | None = HUAYUANLU) -> None:
        """A load warning; about the roster row of `id_number` when given."""
        row_number = self.roster_row_numbers[load_id, id_number] if id_number else next(self._rows)
        file_name = self.con.execute("select file_name from loads where load_id = ?", [load_id]).fetchall()[0][0]
        self.con.execute(
            "insert into load_warnings values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [load_id, file_name, row_number, message, code, field, value,
             self.street_of(community) if community else None, community],
        )

    def visit(self, id_number: str | None, when: str, method: str = "上门", outcome: str = "正常",
              name: str | None = None, community: str | None = None, resolution: str | None = None,
              referred: bool | None = None, load_id: int = 2, visitor: str | None = None,
              findings: str | None = None) -> None:
        self.con.execute(
            """insert into visit_rows (load_id, row_number, id_number, elder_name, community_code, visit_at,
                   visit_date, method, outcome, resolution, is_referred, visitor_name, findings, dedup_key)
               values (?, ?, ?, ?, ?, ?::timestamp, ?::date, ?, ?, ?, ?, ?, ?, ?)""",
            [load_id, next(self._rows), id_number, name, community, when, when, method, outcome, resolution, referred,
             visitor, findings, next(self._rows)],
        )

    def contact(self, id_number: str | None, contact_name: str | None = "联系人", phone: str | None = "13800000000",
                set_date: str | None = None, street: str = QUANYECHANG, load_id: int = 3, name: str | None = None,
                community: str | None = None) -> None:
        self.con.execute(
            """insert into contact_rows (load_id, row_number, id_number, elder_name, community_code, street_code,
                   contact_name, contact_phone, set_date, dedup_key)
               values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [load_id, next(self._rows), id_number, name, community, street, contact_name, phone, set_date,
             str(next(self._rows))],
        )

    def build(self, month: str, as_of: str) -> None:
        """The marts, then `month` at `as_of` with the month before it, whole (temp tables)."""
        self.month = month
        build_marts(self.con, months=False)  # the month's marts come from build_month, as temp tables
        build_month(self.con, dt.date.fromisoformat(month + "-01"), dt.date.fromisoformat(as_of))

    def place(self, month: str, as_of: str, code: str = HEPING) -> dict:
        self.build(month, as_of)
        cursor = self.con.execute("select * from place_months where code = ? and month = ?", [code, month])
        columns = [d[0] for d in cursor.description]
        return dict(zip(columns, cursor.fetchall()[0], strict=True))

    def elder_month(self, id_number: str) -> dict:
        cursor = self.con.execute("select * from elder_months where elder_id = ? and month = ?",
                                  [id_number, self.month])
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        return dict(zip(columns, rows[0], strict=True)) if rows else {}


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`carevisit *args` run in this process, as `subprocess.run(..., capture_output=True, text=True)` would report
    it: for tests of a command's logic and output (a new Python process pays a second or two of imports each
    time). `stdin` is what is typed (no terminal). The process's umask (main sets its own) is put back after.
    A few tests still run the real process, for exit codes and never a traceback (tests/etl/test_hostile.py,
    tests/security/test_prod_server.py)."""
    from etl.cli import main

    out, err = io.StringIO(), io.StringIO()
    umask = os.umask(0o022)
    os.umask(umask)
    typed = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as error:  # argparse refusing the arguments
                code = error.code if isinstance(error.code, int) else 0 if error.code is None else 1
    finally:
        sys.stdin = typed
        os.umask(umask)
    return subprocess.CompletedProcess(["carevisit", *args], code, out.getvalue(), err.getvalue())


DEMO_AS_OF = dt.date(2026, 10, 31)


def build_demo(folder, scale: str):
    """A demo's exports written into folder, then loaded into folder/warehouse.duckdb."""
    from etl.demo import write_demo_exports
    from etl.ingest import ingest
    from etl.settings import Settings

    exports = write_demo_exports(folder / "exports", as_of=DEMO_AS_OF, scale=scale)
    settings = Settings(db_path=folder / "warehouse.duckdb", config=parse_config(default_config_text()))
    results = ingest(exports.files, settings)
    assert all(result.status == "loaded" for result in results), [r for r in results if r.status != "loaded"]
    return settings, exports, results


def built_once(tmp_path_factory, worker_id: str, name: str, build):
    """`build(folder)` run once for the whole run, even under xdist: the first worker that asks builds in
    the run's shared temp folder, under a lock, and every worker gets a copy of its own of the folder.
    Returns (the built folder, this worker's copy, what build returned, unpickled: paths in it still
    name the built folder)."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    built, saved = shared / name, shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not saved.exists():
            built.mkdir(exist_ok=True)
            saved.write_bytes(pickle.dumps(build(built)))
    copy = tmp_path_factory.mktemp(name)
    shutil.copytree(built, copy, dirs_exist_ok=True)
    return built, copy, pickle.loads(saved.read_bytes())


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory, worker_id):
    """The small demo (three of Heping's streets, four months, about 300 special-difficulty elders, 泰来里
    lagging), generated and loaded once per run: what most tests of the demo and the browser tests need.
    Each xdist worker works on a copy of its own (see built_once)."""
    built, folder, (settings, exports, results) = built_once(
        tmp_path_factory, worker_id, "small-demo", lambda folder: build_demo(folder, "small"))
    exports = dataclasses.replace(exports, files=[folder / path.relative_to(built) for path in exports.files])
    settings = dataclasses.replace(settings, db_path=folder / settings.db_path.relative_to(built))
    return settings, exports, results


@pytest.fixture(scope="session")
def demo_settings(demo_build):
    return demo_build[0]


# The modules that take longest, longest first (wall seconds of the module, its subprocesses, a JVM's and a
# browser's waiting included, under `make test` on 2026-11-30, beside other work, load 3-8). The CPU-s: of the
# module's whole process tree (Python, DuckDB, the JVM, Chromium, servers and subprocesses), the module run alone
# in a cgroup of its own on 2026-11-30, the small demo it reads built for it (about 7 CPU-s; a run builds it
# once). They start the run. Under `--dist loadscope` a module runs whole on one worker, and a long one started
# last decides when the run ends (xdist's own order, by number of tests, started the Spark module last). The
# browser modules wait more than they compute: started early, their waiting overlaps the others' work. The other
# modules follow in collection order.
LONGEST_MODULES = (
    "tests/etl/test_spark.py",  # a JVM and the small demo it is compared on: 42 CPU-s
    "tests/etl/test_demo_scales.py",  # the full district written and read back, a city and a province: 35 CPU-s
    "tests/browser/test_dashboard.py",  # a browser and the small demo: 52 CPU-s (60 with plotly.js's full bundle)
    "tests/etl/test_scoped_build.py",  # each case built scoped and whole, a property test: 42 CPU-s
    "tests/etl/test_street_files_4.py",  # 91 files in one shared load: its setup 120-126 s of a CI run (2026-12-05)
    "tests/etl/test_marts.py",  # 85 tests, a whole build each: 25 CPU-s
    "tests/etl/test_contact_people.py",  # a contact list loaded per test onto a shared roster: 42-44 CPU-s (2026-12-06)
    "tests/etl/test_atomic_loads.py",  # 30 loads forked and killed, a 400,000-row file: 29 CPU-s
    "tests/security/test_scope.py",  # 183 tests, a few thousand callbacks: 17 CPU-s
    "tests/browser/test_sign_in.py",  # a browser: 30 CPU-s
    "tests/etl/test_ingest.py",  # real files, 43 of them in one command: 21 CPU-s
    "tests/etl/test_street_layouts.py",  # 55 files in one shared load, five warehouses of their own: 33 CPU-s
    "tests/security/test_prod_server.py",  # gunicorn and the CLI in subprocesses: 12 CPU-s
    "tests/etl/test_hostile_generated.py",  # 17 CPU-s
    "tests/etl/test_demo.py",  # 11 CPU-s
    "tests/etl/test_hostile.py",  # 11 CPU-s
    "tests/etl/test_street_files_2.py",  # 47 files in shared loads: 10 CPU-s
    "tests/security/test_disk_full.py",  # the CLI in five processes, a file-size limit or a small tmpfs: 13 CPU-s
    "tests/etl/test_visit_signals.py",  # 13 CPU-s
    "tests/etl/test_staging.py",  # 77 tests, 12 CPU-s
    "tests/security/test_no_unmasked.py",  # 10 CPU-s
    "tests/etl/test_cli.py",  # 11 CPU-s
    "tests/etl/test_corrections.py",  # 8 CPU-s
)


# What the run's folders can hold at once (district demos, exports, copies): a container's 64 MB /dev/shm
# does not, and the run then keeps its folders on disk
SHM_NEEDED = 8 * 2**30


def pytest_configure(config):
    """The run's temporary folders in memory (/dev/shm) where the machine has it, unless a --basetemp is given:
    the tests write warehouses, accounts and audit logs, and each commit waits for its fsync on a disk (on this
    machine's virtual disk the scope tests took 41 s there, 20 s in memory, for the same CPU). xdist's workers
    are given folders inside the main process's."""
    if (config.option.basetemp is None and "PYTEST_DEBUG_TEMPROOT" not in os.environ
            and os.access("/dev/shm", os.W_OK | os.X_OK) and shutil.disk_usage("/dev/shm").free >= SHM_NEEDED):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = "/dev/shm"
    # DuckDB with one thread in each test process and the processes it starts (etl.settings.engine_config): the
    # workers are the suite's parallelism, and three workers of DuckDBs with a thread per core each spent a
    # fifth more CPU on the same tests (tests/etl/test_marts.py: 54 CPU-s against 43, 2026-12-01)
    os.environ.setdefault("CAREVISIT_THREADS", "1")


def pytest_collection_modifyitems(config, items):
    """The longest modules first (LONGEST_MODULES; `make test` keeps this order with
    --no-loadscope-reorder). Tests marked slow write the full district demo (DESIGN §7 sizes): they run in CI,
    with CAREVISIT_FULL_DEMO=1 or with -m slow; a local run skips them and says so."""
    rank = {module: n for n, module in enumerate(LONGEST_MODULES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: the rest as collected
    if os.environ.get("CI") or os.environ.get("CAREVISIT_FULL_DEMO") or config.option.markexpr == "slow":
        return
    skip = pytest.mark.skip(reason="writes the full district demo: runs in CI, with CAREVISIT_FULL_DEMO=1 or -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def new_mart_warehouse(con: duckdb.DuckDBPyConnection, config_text: str | None = None) -> MartWarehouse:
    """An empty warehouse on `con` (in memory, or a file that screens can then open) with Heping's geography."""
    con.execute(sql("schema"))
    prepare(con)
    write_config(con, parse_config(config_text or default_config_text()))
    write_divisions(con, geography.reference_divisions(), geography.division_aliases())
    return MartWarehouse(con)


@pytest.fixture
def mart_warehouse(request) -> MartWarehouse:
    con = duckdb.connect(config=engine_config())
    yield new_mart_warehouse(con, getattr(request, "param", None))
    con.close()
