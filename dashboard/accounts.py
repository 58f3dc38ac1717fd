"""Accounts, roles and the audit log: a small SQLite database of their own beside the warehouse.

The warehouse is read-only while serving and replaced on every load, so who may sign in and who saw
what live apart from it: `data/warehouse.duckdb` has `data/warehouse.accounts.sqlite` (WAL mode, so
sign-ins and audit records from several server processes do not block readers). The audit log is
append-only: triggers refuse to update or delete a record, and nothing here deletes one.

Each thread of each process keeps one connection (opened on first use, never carried across a fork)
with `synchronous = NORMAL`: a record is committed to the write-ahead log when `record` returns, so a
worker killed the next instant loses nothing; what is not done at every commit is the wait for the disk
to confirm (fsync, about 20 ms here), which only a power cut or a crash of the machine itself could
make count, and then only for the last records, never leaving the file damaged (SQLite's WAL guarantee).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ALL = "all"  # the place of a user who may see every district of the warehouse

# What each role may do beyond seeing the aggregates of their place (DESIGN §6).
ROLES = ("leader", "inspector", "staff", "analyst", "admin")
PERMISSIONS = {
    "people": frozenset({"leader", "inspector", "staff", "admin"}),  # masked person lists on screen
    "export_people": frozenset({"inspector", "staff", "admin"}),  # work lists and check lists as files
    "supervise": frozenset({"leader", "inspector", "admin"}),  # the 督查 screen: lagging places, visit-quality leads
    "unmask": frozenset({"staff"}),  # one person at a time, logged
    # upload exports (staff: rows of their place only). Not the analyst (DESIGN §6: figures only): a district's
    # analyst could replace any community's roster in force with a file of one row (review 7c H1)
    "load": frozenset({"admin", "staff"}),
    # download a load's rejected rows as sent (unmasked, like the file itself) to fix and send back (退回修改)
    "correct": frozenset({"admin", "staff"}),
    "admin": frozenset({"admin"}),  # accounts, the audit log
}
MIN_PASSWORD_LENGTH = 10

SCHEMA = """
create table if not exists users (
    username text primary key,
    role text not null,
    place text not null,
    password_hash text not null,
    disabled integer not null default 0,
    -- bumped when the password changes or the account is disabled: signs out every session
    generation integer not null default 0,
    failed_count integer not null default 0,
    locked_until text,
    created_at text not null,
    last_sign_in text
);
create table if not exists audit_log (
    id integer primary key autoincrement,
    at text not null,
    username text,
    role text,
    user_place text,
    event text not null,
    place text,
    detail text,  -- JSON: table, filters, reason; never a sensitive value
    row_count integer,
    file_sha256 text,
    remote_addr text
);
create index if not exists audit_log_at on audit_log (at);
create trigger if not exists audit_log_no_update before update on audit_log
    begin select raise(abort, 'the audit log is append-only'); end;
create trigger if not exists audit_log_no_delete before delete on audit_log
    begin select raise(abort, 'the audit log is append-only'); end;
-- REPLACE deletes the old record without firing the delete trigger: an id may be written once only
create trigger if not exists audit_log_no_replace before insert on audit_log
    when new.id is not null and exists (select 1 from audit_log where id = new.id)
    begin select raise(abort, 'the audit log is append-only'); end;
-- the server's rate limits (sign-in attempts per address, exports per user ...): one count for every
-- server process, kept across restarts; a fixed window per key, from its first hit
create table if not exists rate_limits (
    key text primary key,
    hits integer not null,
    window_ends real not null  -- seconds since the epoch
);
create index if not exists rate_limits_window_ends on rate_limits (window_ends);
-- wrong passwords in a row for an account from one address, and the lock they set there: someone on the
-- network who knows a user's name locks the account from their own address, not from the user's desk
create table if not exists sign_in_failures (
    username text not null,
    address text not null,
    failed_count integer not null default 0,
    locked_until text,
    primary key (username, address)
);
-- the addresses an account last signed in from (Lockout.known_days): the lock set by guesses from many addresses
-- does not hold there, so that someone who knows a user's name cannot keep them out of their own desk by guessing
-- from a few addresses of their own (review 7c M2); each address's own lock still does
create table if not exists sign_in_known (
    username text not null,
    address text not null,
    last_sign_in text not null,
    primary key (username, address)
);
"""


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why, in Chinese."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    place: str
    generation: int = 0

    def may(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    @property
    def session_id(self) -> str:
        """What the session cookie names: a changed password or a disabled account ends old sessions."""
        return f"{self.username}:{self.generation}"


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    reason: str | None  # unknown | wrong_password | locked | disabled


@dataclass(frozen=True)
class Lockout:
    failures: int = 5  # wrong passwords in a row from one address that lock the account from that address
    minutes: int = 15
    # wrong passwords in a row from any addresses that lock the account from every address (guesses spread
    # over many addresses): more than one address's lock-out can reach. Not from an address the account signed
    # in from in the last known_days (its owner's desk), where only that address's own lock holds
    account_failures: int = 20
    known_days: int = 90


def accounts_path(db_path: Path) -> Path:
    """The accounts and audit database beside a warehouse: `x.duckdb` → `x.accounts.sqlite`."""
    return Path(db_path).with_name(Path(db_path).stem + ".accounts.sqlite")


def secret_path(db_path: Path) -> Path:
    """The file of the key that signs session cookies, beside a warehouse: `x.duckdb` → `x.secret`."""
    return Path(db_path).with_name(Path(db_path).stem + ".secret")


def secret_key(db_path: Path) -> bytes:
    """The key that signs session cookies: made on first use beside the warehouse, mode 0600. The server's workers
    start at once and each asks: the key is written whole under another name and linked into place, so that none
    reads the file before its bytes are in it (an empty key: that worker answered every page 500, 2026-12-05), and
    the first link wins for all."""
    path = secret_path(db_path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    fd, written = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(key)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(written, path)
        except FileExistsError:  # another process made it first
            return path.read_bytes()
        return key
    finally:
        os.unlink(written)


# The store writes its times in UTC (ISO text with the offset); people read them in Beijing time
BEIJING = dt.timezone(dt.timedelta(hours=8))


def beijing_time(at: str | None) -> str | None:
    """One of the store's times as people read it (2026-12-05 03:50:47); an empty one as it is."""
    return dt.datetime.fromisoformat(at).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") if at else at


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# Connections a process had when it forked: SQLite forbids using or closing them in the child (a close
# could checkpoint the parent's log), so the child keeps them here, untouched, and opens its own.
_INHERITED: list[sqlite3.Connection] = []


class AccountStore:
    """Users and the audit log. A SQLite connection per thread and process (see the module's docstring)."""

    def __init__(self, path: Path, lockout: Lockout = Lockout()):
        self.path = Path(path)
        self.lockout = lockout
        self._hasher = PasswordHasher()
        self._dummy_hash: str | None = None
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        with self._connect() as con:
            con.execute("pragma journal_mode = wal")
            con.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection in this process, opened on first use; autocommit, as before."""
        held = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid():
            if held is not None:  # opened before this process was forked from its parent
                _INHERITED.append(held[1])
            con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            con.execute("pragma busy_timeout = 10000")
            con.execute("pragma synchronous = normal")
            held = self._local.held = (os.getpid(), con)
        yield held[1]

    # --- accounts ------------------------------------------------------------------------------

    def add(self, username: str, role: str, place: str, password: str) -> User:
        _check_username(username)
        if role not in ROLES:
            raise AccountError(f"角色只能是 {', '.join(ROLES)}")
        _check_password(password)
        with self._connect() as con:
            try:
                con.execute(
                    "insert into users (username, role, place, password_hash, created_at) values (?, ?, ?, ?, ?)",
                    (username, role, place, self._hasher.hash(password), _now().isoformat()),
                )
            except sqlite3.IntegrityError as error:
                raise AccountError(f"用户 {username} 已存在") from error
        return User(username, role, place)

    def set_password(self, username: str, password: str) -> None:
        _check_password(password)
        with self._connect() as con:
            changed = con.execute(
                """update users set password_hash = ?, generation = generation + 1, failed_count = 0,
                       locked_until = null where username = ?""",
                (self._hasher.hash(password), username),
            ).rowcount
            con.execute("delete from sign_in_failures where username = ?", (username,))
        if not changed:
            raise AccountError(f"没有用户 {username}")

    def end_sessions(self, username: str) -> None:
        """Sign the account out everywhere: every session cookie issued so far stops working."""
        with self._connect() as con:
            con.execute("update users set generation = generation + 1 where username = ?", (username,))

    def set_disabled(self, username: str, disabled: bool = True) -> None:
        with self._connect() as con:
            changed = con.execute(
                "update users set disabled = ?, generation = generation + 1 where username = ?",
                (int(disabled), username),
            ).rowcount
        if not changed:
            raise AccountError(f"没有用户 {username}")

    def users(self) -> list[dict]:
        with self._connect() as con:
            rows = _rows(con,
                """select username, role, place, disabled, locked_until, created_at, last_sign_in
                from users order by username""")
        return [dict(row) | {"disabled": bool(row["disabled"])} for row in rows]

    def user(self, session_id: str) -> User | None:
        """The signed-in user a session names, if the account is still enabled and unchanged."""
        username, _, generation = session_id.rpartition(":")
        with self._connect() as con:
            row = con.execute(
                "select role, place, generation from users where username = ? and not disabled", (username,)
            ).fetchone()
        if row is None or str(row[2]) != generation:
            return None
        return User(username, row[0], row[1], row[2])

    def sign_in(self, username: str, password: str, address: str | None = None) -> SignInResult:
        """Check a password; count failures and lock the account after too many in a row: from the address they
        came from (`address`, the request's; None: one for every caller), and from everywhere after many more."""
        address = address or ""
        with self._connect() as con:
            row = con.execute(
                "select role, place, generation, password_hash, disabled, locked_until from users where username = ?",
                (username,),
            ).fetchone()
            if row is None:
                # a wrong name takes as long as a wrong password: nothing tells which names exist
                self._dummy_hash = self._dummy_hash or self._hasher.hash(secrets.token_hex(16))
                self._verify(self._dummy_hash, password)
                return SignInResult(None, "unknown")
            role, place, generation, password_hash, disabled, locked_until = row
            now = _now()
            here = con.execute("select locked_until from sign_in_failures where username = ? and address = ?",
                               (username, address)).fetchone()
            known = con.execute("select 1 from sign_in_known where username = ? and address = ? and last_sign_in > ?",
                                (username, address, (now - dt.timedelta(days=self.lockout.known_days)).isoformat()))
            if known.fetchone():
                locked_until = None  # the owner's desk: only its own lock holds
            if any(until and dt.datetime.fromisoformat(until) > now for until in (locked_until, here and here[0])):
                # said only to whoever gives the password: to anyone else a locked account answers as a wrong
                # password does, as slowly (the lock, its speed, had told which names exist: review 2026-12-04)
                return SignInResult(None, "locked" if self._verify(password_hash, password) else "wrong_password")
            if not self._verify(password_hash, password):
                return self._failed(con, username, address, now)
            if disabled:
                return SignInResult(None, "disabled")
            # (a lock from every address stays for the others: the owner signing in at their desk does not open
            # the account to more guesses from elsewhere)
            con.execute("update users set failed_count = 0, last_sign_in = $now, locked_until = case when"
                        " locked_until > $now then locked_until end where username = $username",
                        {"now": now.isoformat(), "username": username})
            con.execute("delete from sign_in_failures where username = ? and address = ?", (username, address))
            con.execute("""insert into sign_in_known values (?, ?, ?)
                           on conflict (username, address) do update set last_sign_in = excluded.last_sign_in""",
                        (username, address, now.isoformat()))
            if self._hasher.check_needs_rehash(password_hash):
                con.execute("update users set password_hash = ? where username = ?",
                            (self._hasher.hash(password), username))
        return SignInResult(User(username, role, place, generation), None)

    def _failed(self, con: sqlite3.Connection, username: str, address: str, now: dt.datetime) -> SignInResult:
        """A wrong password counted from its address and for the account; the lock it sets, if any."""
        until = (now + dt.timedelta(minutes=self.lockout.minutes)).isoformat()
        here = con.execute(
            """insert into sign_in_failures (username, address, failed_count) values (?, ?, 1)
               on conflict (username, address) do update set failed_count = failed_count + 1
               returning failed_count""", (username, address)).fetchone()[0]
        everywhere = con.execute("update users set failed_count = failed_count + 1 where username = ? "
                                 "returning failed_count", (username,)).fetchone()[0]
        if everywhere >= self.lockout.account_failures:
            con.execute("update users set locked_until = ?, failed_count = 0 where username = ?", (until, username))
        elif here >= self.lockout.failures:
            con.execute("update sign_in_failures set locked_until = ?, failed_count = 0 where username = ? "
                        "and address = ?", (until, username, address))
        else:
            return SignInResult(None, "wrong_password")
        return SignInResult(None, "locked_now")  # (answered as a wrong password; the audit log says it)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    # --- audit log -----------------------------------------------------------------------------

    def record(self, event: str, user: User | None = None, *, username: str | None = None, place: str | None = None,
               detail: dict | None = None, row_count: int | None = None, file_sha256: str | None = None,
               remote_addr: str | None = None) -> None:
        """Append one event. `detail` holds what was asked (table, filters), never a sensitive value."""
        with self._connect() as con:
            con.execute(
                """insert into audit_log (at, username, role, user_place, event, place, detail, row_count,
                       file_sha256, remote_addr) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (_now().isoformat(), user.username if user else username, user.role if user else None,
                 user.place if user else None, event, place,
                 json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None,
                 row_count, file_sha256, remote_addr),
            )

    # --- rate limits (dashboard.auth.AccountsLimitStorage: Flask-Limiter's counters) -------------

    def limit_hit(self, key: str, seconds: float, amount: int = 1) -> int:
        """Count `amount` hits of a key; a window of `seconds` starts with the first hit after the last one ended.
        One statement: hits from every thread and process add up, none lost between a read and a write."""
        now = time.time()
        with self._connect() as con:
            con.execute("delete from rate_limits where window_ends <= ?", (now,))
            return con.execute(
                """insert into rate_limits (key, hits, window_ends) values (?, ?, ?)
                on conflict (key) do update set
                    hits = case when window_ends <= ? then excluded.hits else hits + excluded.hits end,
                    window_ends = case when window_ends <= ? then excluded.window_ends else window_ends end
                returning hits""",
                (key, amount, now + seconds, now, now),
            ).fetchone()[0]

    def limit_count(self, key: str) -> int:
        with self._connect() as con:
            row = con.execute("select hits from rate_limits where key = ? and window_ends > ?",
                              (key, time.time())).fetchone()
        return row[0] if row else 0

    def limit_window_ends(self, key: str) -> float:
        """When the key's window ends (now, for a key without hits)."""
        now = time.time()
        with self._connect() as con:
            row = con.execute("select window_ends from rate_limits where key = ? and window_ends > ?",
                              (key, now)).fetchone()
        return row[0] if row else now

    def limit_clear(self, key: str | None = None) -> int:
        """Forget a key's hits, or every key's (None); how many keys were forgotten."""
        with self._connect() as con:
            if key is None:
                return con.execute("delete from rate_limits").rowcount
            return con.execute("delete from rate_limits where key = ?", (key,)).rowcount

    def events(self, since: dt.date | None = None, limit: int | None = None) -> list[dict]:
        """Audit records, newest first; `since`: from that day on, a day in Beijing as the records are shown (its
        records stored in UTC: the first eight hours of a day had been left out of it, and put in the day before)."""
        start = (dt.datetime.combine(since, dt.time.min, tzinfo=BEIJING).astimezone(dt.UTC).isoformat()
                 if since else "")
        with self._connect() as con:
            rows = _rows(con,
                """select id, at, username, role, user_place, event, place, detail, row_count, file_sha256,
                       remote_addr from audit_log where at >= ? order by id desc limit ?""",
                (start, -1 if limit is None else limit))
        return [dict(row) for row in rows]


def _rows(con: sqlite3.Connection, query: str, parameters: tuple = ()) -> list[sqlite3.Row]:
    """Rows by column name, on a cursor of their own: the connection is kept and shared by the store's calls."""
    cursor = con.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(query, parameters).fetchall()


def new_password() -> str:
    """A random password for a new account (printed once, to be changed with `user passwd`)."""
    return secrets.token_urlsafe(12)


def _check_username(username: str) -> None:
    if not (1 <= len(username) <= 64) or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError("用户名只能由字母、数字和 . _ - 组成, 不超过 64 个字符")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符")
