"""Accounts and the audit log (a real SQLite file beside the warehouse), and the commands that manage them."""

import datetime as dt
import io
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import stat
from pathlib import Path

import duckdb
import pytest

from dashboard.accounts import AccountError, AccountStore, Lockout, User, accounts_path, secret_key
from dashboard.uploads import uploads_dir
from etl.cli import main
from tests.etl.exports import ALICE, ROSTER_HEADER, roster_row, write_csv

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path) -> AccountStore:
    store = AccountStore(accounts_path(tmp_path / "w.duckdb"), Lockout(failures=3, minutes=15))
    store.add("wang", "staff", "120101001000", PASSWORD)
    return store


def test_the_accounts_live_beside_the_warehouse_readable_by_their_owner_only(tmp_path, store):
    assert store.path == tmp_path / "w.accounts.sqlite"
    key = secret_key(tmp_path / "w.duckdb")
    assert len(key) == 32 and secret_key(tmp_path / "w.duckdb") == key  # made once, then kept
    for path in (store.path, tmp_path / "w.secret"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


def test_the_servers_workers_starting_at_once_share_one_whole_key(tmp_path):
    """gunicorn's workers each read or make the key as they start: every one gets the same 32 bytes, never an
    empty key (a worker that read the file before its bytes were in it answered every page 500), and no file of
    the making is left beside it."""
    context = multiprocessing.get_context("fork")
    for round_number in range(5):
        db = tmp_path / f"w{round_number}.duckdb"
        with context.Pool(8) as pool:
            keys = pool.map(secret_key, [db] * 32)
        assert len(set(keys)) == 1 and len(keys[0]) == 32
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"w{n}.secret" for n in range(5)]


def test_a_password_is_stored_as_an_argon2_hash_never_as_typed(store):
    with sqlite3.connect(store.path) as con:
        (stored,) = con.execute("select password_hash from users where username = 'wang'").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_signing_in_checks_the_password_and_names_no_reason_to_the_caller_that_helps_guessing(store):
    assert store.sign_in("wang", PASSWORD).user == User("wang", "staff", "120101001000", 0)
    assert store.sign_in("wang", "wrong password").reason == "wrong_password"
    assert store.sign_in("nobody", PASSWORD).reason == "unknown"


def test_repeated_wrong_passwords_lock_the_account_until_a_new_password_is_set(store):
    for _ in range(3):
        assert store.sign_in("wang", "wrong password").user is None
    # locked: said to whoever gives the right password (which does not open it either), to anyone else a wrong password
    assert store.sign_in("wang", "wrong password").reason == "wrong_password"
    locked = store.sign_in("wang", PASSWORD)
    assert locked.user is None and locked.reason == "locked"
    store.set_password("wang", "another long password")
    assert store.sign_in("wang", "another long password").user is not None


def test_wrong_passwords_lock_the_account_from_their_address_and_from_everywhere_after_many_more(tmp_path):
    """Anyone who knew a user's name could keep them out with five wrong passwords (review 2026-12-04): the lock
    now holds where the guesses came from; guesses spread over many addresses lock the account everywhere but where
    its owner signed in before."""
    store = AccountStore(accounts_path(tmp_path / "w.duckdb"), Lockout(failures=3, minutes=15, account_failures=7))
    store.add("wang", "staff", "120101001000", PASSWORD)
    for _ in range(3):
        assert store.sign_in("wang", "wrong password", "10.0.0.9").user is None
    assert store.sign_in("wang", PASSWORD, "10.0.0.9").reason == "locked"
    assert store.sign_in("wang", PASSWORD, "10.0.0.1").user is not None  # the user's own desk
    for n in range(6):  # two from each address, under each one's lock
        assert store.sign_in("wang", "wrong password", f"10.0.1.{n // 2}").reason == "wrong_password"
    assert store.sign_in("wang", "wrong password", "10.0.1.3").reason == "locked_now"  # the 7th in a row
    assert store.sign_in("wang", PASSWORD, "10.0.0.2").reason == "locked"  # an address never signed in from
    # but not from the desk the user signed in from before (review 7c M2: four addresses kept anyone out), and
    # the lock stays for the others
    assert store.sign_in("wang", PASSWORD, "10.0.0.1").user is not None
    assert store.sign_in("wang", PASSWORD, "10.0.0.2").reason == "locked"
    assert store.sign_in("wang", "wrong password", "10.0.1.4").reason == "wrong_password"
    store.set_password("wang", "another long password")
    assert store.sign_in("wang", "another long password", "10.0.0.9").user is not None


def test_a_new_password_or_a_disabled_account_ends_every_session(store):
    session = store.sign_in("wang", PASSWORD).user.session_id
    assert store.user(session) is not None
    store.set_password("wang", "another long password")
    assert store.user(session) is None
    session = store.sign_in("wang", "another long password").user.session_id
    store.set_disabled("wang")
    assert store.user(session) is None
    assert store.sign_in("wang", "another long password").user is None


@pytest.mark.parametrize(("username", "role", "password", "message"), [
    ("wang", "staff", PASSWORD, "已存在"),
    ("li", "boss", PASSWORD, "角色只能是"),
    ("li", "staff", "short", "密码至少"),
    ("li wei", "staff", PASSWORD, "用户名只能"),
])
def test_an_account_that_cannot_be_added_says_why(store, username, role, password, message):
    with pytest.raises(AccountError, match=message):
        store.add(username, role, "120101001000", password)


def test_the_audit_log_is_append_only(store):
    store.record("sign_in", User("wang", "staff", "120101001000"), remote_addr="127.0.0.1")
    with sqlite3.connect(store.path) as con:
        for statement in ("update audit_log set username = 'x'", "delete from audit_log"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(statement)
    assert [e["event"] for e in store.events()] == ["sign_in"]


# --- the commands ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("accounts")
    roster = write_csv(folder / "r.csv", [ROSTER_HEADER, roster_row(1, ALICE)])
    assert main(["ingest", str(roster), "--db", str(folder / "w.duckdb")]) == 0
    return folder / "w.duckdb"


@pytest.fixture
def db(loaded, tmp_path, capsys):
    """A warehouse of one's own, without accounts."""
    capsys.readouterr()
    return Path(shutil.copy(loaded, tmp_path / "w.duckdb"))


def run(capsys, monkeypatch, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_user_add_list_disable_and_passwd(db, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "user", "add", "zhao", "--role", "leader", "--place", "120101000000",
                       "--password-stdin", "--db", str(db), stdin=PASSWORD + "\n")
    assert code == 0 and "已添加用户 zhao" in out and PASSWORD not in out
    code, out, _ = run(capsys, monkeypatch, "user", "add", "qian", "--role", "staff", "--place", "120101001000",
                       "--db", str(db), stdin="")  # no terminal: a password is made and shown once
    password = out.split("初始密码 (只显示这一次): ")[1].strip()
    assert code == 0 and AccountStore(accounts_path(db)).sign_in("qian", password).user is not None
    assert run(capsys, monkeypatch, "user", "disable", "qian", "--db", str(db))[0] == 0
    code, out, _ = run(capsys, monkeypatch, "user", "list", "--format", "json", "--db", str(db))
    assert [(u["username"], u["role"], u["place"], u["disabled"]) for u in json.loads(out)] == [
        ("qian", "staff", "120101001000", True), ("zhao", "leader", "120101000000", False)]
    assert run(capsys, monkeypatch, "user", "passwd", "zhao", "--password-stdin", "--db", str(db),
               stdin="a brand new password\n")[0] == 0
    assert AccountStore(accounts_path(db)).sign_in("zhao", "a brand new password").user is not None
    code, out, _ = run(capsys, monkeypatch, "audit", "--format", "json", "--db", str(db))
    events = json.loads(out)[::-1]  # printed newest first
    assert [e["event"] for e in events] == ["user_added", "user_added", "user_disabled", "password_changed"]
    assert events[0]["detail"] == {"role": "leader", "user": "zhao"} and events[0]["username"].startswith("cli")


def test_the_tables_an_admin_reads_on_the_command_line_are_in_words(db, capsys, monkeypatch):
    # (CSV and JSON keep the keys and codes, for other programs: above)
    monkeypatch.setenv("COLUMNS", "300")
    assert run(capsys, monkeypatch, "user", "add", "zhao", "--role", "leader", "--place", "120101001000",
               "--password-stdin", "--db", str(db), stdin=PASSWORD + "\n")[0] == 0
    _, users, _ = run(capsys, monkeypatch, "user", "list", "--db", str(db))
    assert re.search(r"用户\s.*角色\s.*地区\s.*已停用", users)
    assert re.search(r"zhao\s.*局领导\s.*劝业场街道\s.*否", users)
    _, events, _ = run(capsys, monkeypatch, "audit", "--db", str(db))
    assert re.search(r"新增用户\s.*劝业场街道\s.*角色 局领导; 用户 zhao", events)
    assert "时间 (北京时间)" in events and "user_added" not in events and '"role"' not in events
    _, loads, _ = run(capsys, monkeypatch, "loads", "--db", str(db))
    assert re.search(r"批次\s.*文件\s.*类型\s.*状态", loads) and re.search(r"r\.csv\s.*底册\s.*已导入", loads)
    assert "roster" not in loads and "loaded" not in loads


def test_a_place_is_given_by_its_code_or_its_name_where_one_place_has_it(db, capsys, monkeypatch):
    # (review 2026-12-04: nothing told an admin the 12-digit codes), its suffix spelled any way (review 7b: the
    # README's 花园路社区 was refused, the divisions writing 花园路社区居委会)
    places = (("li", "劝业场街道"), ("wu", "花园路"), ("he", "120101001001"), ("ma", "花园路社区"),
              ("xu", "花园路社区居委会"), ("lu", "劝业场街"), ("qi", "天津市和平区"))
    for user, place in places:
        assert run(capsys, monkeypatch, "user", "add", user, "--role", "staff", "--place", place,
                   "--password-stdin", "--db", str(db), stdin=PASSWORD + "\n")[0] == 0
    assert {(u["username"], u["place"]) for u in AccountStore(accounts_path(db)).users()} == {
        ("li", "120101001000"), ("wu", "120101001001"), ("he", "120101001001"), ("ma", "120101001001"),
        ("xu", "120101001001"), ("lu", "120101001000"), ("qi", "120101000000")}


def test_a_place_outside_the_geography_is_refused(db, capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "user", "add", "sun", "--role", "staff", "--place", "999999",
                       "--password-stdin", "--db", str(db), stdin=PASSWORD + "\n")
    assert code == 2 and "地区 999999 不在本库的区划中" in err
    assert AccountStore(accounts_path(db)).users() == []


def test_files_the_command_creates_are_readable_by_their_owner_only(tmp_path, capsys, monkeypatch):
    previous = os.umask(0o022)  # a shell's usual umask: the command must not rely on it
    try:
        db = tmp_path / "w.duckdb"
        roster = write_csv(tmp_path / "r.csv", [ROSTER_HEADER, roster_row(1, ALICE)])
        assert main(["ingest", str(roster), "--db", str(db)]) == 0
        os.umask(0o022)
        run(capsys, monkeypatch, "user", "add", "zhou", "--role", "admin", "--place", "all", "--db", str(db),
            stdin="")
    finally:
        os.umask(previous)
    for path in (db, accounts_path(db)):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


@pytest.mark.parametrize(("args", "message"), [
    (["--no-auth", "--host", "0.0.0.0"], "--no-auth (不登录) 只能在本机地址上使用"),
    (["--host", "0.0.0.0"], "请加 --prod"),
    (["--prod", "--host", "0.0.0.0"], "--allowed-host"),
    (["--prod", "--no-auth"], "正式服务必须登录"),
])
def test_serving_in_a_way_that_would_expose_the_data_is_refused(db, capsys, monkeypatch, args, message):
    code, _, err = run(capsys, monkeypatch, "serve", *args, "--db", str(db))
    assert code == 2 and message in err.replace("\n", "")


def test_an_audit_records_details_are_said_in_words_on_the_audit_page():
    from dashboard.tables import detail_words

    stored = json.dumps({"month": "2026-10", "table": "changes", "group": "joined", "week": True, "role": "staff",
                         "community": "120101001001", "later_key": 3})
    assert detail_words(stored, {"120101001001": "花园路社区居委会"}, "zh") == (
        "内容 底册变动名单; 月份 2026-10; 分组 新增; 本周 是; 角色 工作人员; 社区 花园路社区居委会; later_key 3")
    assert detail_words(stored, {}, "en").startswith("Content Roster changes; Month 2026-10; Group Joined")
    # a work list as that list; a refusal's permission and a page's language in words (review 7b L12)
    work_list = json.dumps({"table": "people", "work_list": True, "month": "2026-10", "lang": "zh"})
    assert detail_words(work_list, {}, "zh") == "内容 逾期名单; 月份 2026-10; 语言 中文"
    assert detail_words(json.dumps({"permission": "supervise"}), {}, "zh") == "所需权限 督查"
    assert detail_words(None, {}, "zh") == "" and detail_words("not json", {}, "zh") == "not json"
    # an upload's and an unmask's facts (review 6b L3: batch …; kind None; status failed)
    upload = json.dumps({"batch": "20261204-1", "file": "劝业场补报.csv", "kind": None, "rows_read": 0,
                         "rows_rejected": 0, "status": "failed"})
    assert detail_words(upload, {}, "zh") == (
        "上传批次 20261204-1; 文件 劝业场补报.csv; 类型 —; 读取行数 0; 拒收行数 0; 结果 失败")
    assert detail_words(json.dumps({"kind": "visits", "person_name": "王*"}), {}, "zh") == "类型 探访记录; 姓名 王*"


def test_a_backup_keeps_every_account_and_audit_record_while_the_server_holds_them(db, capsys, monkeypatch, tmp_path):
    # (review 2026-12-04: the accounts database keeps recent changes in its -wal file while the server runs, and a
    # plain copy of the .sqlite file had lost most users and audit records)
    key = secret_key(db)  # as the server makes it
    live = AccountStore(accounts_path(db))  # open, as the server's is: its changes may sit in the log
    for n in range(3):
        live.add(f"user{n}", "staff", "120101001000", PASSWORD)
        live.record("sign_in", username=f"user{n}", place="120101001000")
    uploads = uploads_dir(db) / "batch-1"
    uploads.mkdir(parents=True)
    (uploads / "花园路.csv").write_text("社区\n花园路\n", encoding="utf-8")
    code, out, _ = run(capsys, monkeypatch, "backup", "--out", str(tmp_path / "backups"), "--db", str(db))
    assert code == 0
    [folder] = (tmp_path / "backups").iterdir()
    assert f"已备份到 {folder}: 数据库" in out and "账号和审计记录 (3 个账号, 3 条审计记录)" in out
    assert "上传的文件 1 个" in out
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir() if path.is_file()} == {
        db.name: 0o600, accounts_path(db).name: 0o600, db.with_suffix(".secret").name: 0o600}
    kept = AccountStore(folder / accounts_path(db).name)
    assert [u["username"] for u in kept.users()] == [u["username"] for u in live.users()]
    assert [e["id"] for e in kept.events()] == [e["id"] for e in live.events()][1:]  # (the backup's own record after)
    assert live.events()[0]["event"] == "backup"
    with duckdb.connect(str(folder / db.name), read_only=True) as copy, \
            duckdb.connect(str(db), read_only=True) as original:
        assert copy.execute("from loads").fetchall() == original.execute("from loads").fetchall()
    assert (folder / uploads_dir(db).name / "batch-1" / "花园路.csv").read_text(encoding="utf-8") == "社区\n花园路\n"
    assert (folder / db.with_suffix(".secret").name).read_bytes() == key


def test_the_audit_records_since_a_day_are_those_of_that_day_in_beijing(store, monkeypatch):
    # review 23 M3: the records were kept in UTC and `--since 2026-12-07` compared with it: a Beijing day's first eight
    # hours fell into the day before, and the list of "today" was empty until 08:00
    import dashboard.accounts as accounts

    for at in ("2026-12-06T15:59:59+00:00", "2026-12-06T16:00:00+00:00", "2026-12-07T03:00:00+00:00"):
        monkeypatch.setattr(accounts, "_now", lambda at=at: dt.datetime.fromisoformat(at))
        store.record("sign_in", username=at)
    assert [accounts.beijing_time(e["at"]) for e in store.events(dt.date(2026, 12, 7))] == [
        "2026-12-07 11:00:00", "2026-12-07 00:00:00"]
    assert len(store.events(dt.date(2026, 12, 6))) == 3
