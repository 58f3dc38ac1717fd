"""The audit log keeps a connection per thread and process: no record is lost when a process is killed right
after writing it, a forked child never uses its parent's connection, and threads write side by side."""

import os
import signal
import sqlite3
import threading

import pytest

from dashboard.accounts import AccountStore, User

STAFF = User("d-staff", "staff", "120101001000")


@pytest.fixture
def store(tmp_path) -> AccountStore:
    return AccountStore(tmp_path / "w.accounts.sqlite")


def count_in_a_new_connection(store: AccountStore, event: str) -> int:
    """Counted as another process would: a connection of its own, opened after the writer is gone."""
    con = sqlite3.connect(store.path)
    try:
        return con.execute("select count(*) from audit_log where event = ?", (event,)).fetchone()[0]
    finally:
        con.close()


def in_a_child(work) -> int:
    """Fork, run `work` in the child and wait for it; the child's way of ending as its status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            work()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return status


def test_records_written_just_before_a_kill_are_all_kept(store):
    store.record("view", STAFF)  # the parent's connection is open when it forks

    def write_then_die():
        for n in range(50):
            store.record("killed_view", STAFF, detail={"n": n})
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or `kill -9` would, nothing flushed after

    status = in_a_child(write_then_die)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert count_in_a_new_connection(store, "killed_view") == 50


def test_a_forked_child_opens_its_own_connection_and_the_parent_keeps_working(store):
    store.record("before_fork", STAFF)
    parent_connection = store._local.held[1]  # noqa: SLF001

    def child_work():
        store.record("in_child", STAFF)
        assert store._local.held[1] is not parent_connection  # noqa: SLF001
        assert store._local.held[0] == os.getpid()  # noqa: SLF001

    status = in_a_child(child_work)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    store.record("after_fork", STAFF)
    assert store._local.held[1] is parent_connection  # noqa: SLF001
    assert [e["event"] for e in store.events()] == ["after_fork", "in_child", "before_fork"]
    assert store.path.with_name(store.path.name + "-wal").exists()  # the child did not close the parent's log


def test_threads_write_side_by_side_on_connections_of_their_own(store):
    connections = []  # the connections themselves: an ended thread's could be freed and its id() reused

    def write():
        for n in range(40):
            store.record("thread_view", STAFF, detail={"n": n})
        connections.append(store._local.held[1])  # noqa: SLF001

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(connection) for connection in connections}) == 8
    assert count_in_a_new_connection(store, "thread_view") == 8 * 40


def test_a_kept_connection_still_refuses_to_change_the_log(store):
    store.record("view", STAFF)
    with store._connect() as con, pytest.raises(sqlite3.IntegrityError, match="append-only"):  # noqa: SLF001
        con.execute("delete from audit_log")
    assert len(store.events()) == 1
    assert store.users() == []  # rows by name on a cursor of their own: the kept connection is left as it was
