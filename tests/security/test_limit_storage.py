"""The rate limits' counters in the accounts database: every process adds to one count, a window ends, a reset
forgets; what Flask-Limiter reads back (remaining tries, when the window ends) comes from the same rows."""

import os
import time

import pytest
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from dashboard.accounts import AccountStore
from dashboard.auth import AccountsLimitStorage


@pytest.fixture
def store(tmp_path) -> AccountStore:
    return AccountStore(tmp_path / "w.accounts.sqlite")


def test_hits_from_several_processes_add_up_to_one_count(store):
    store.limit_hit("login/10.0.0.1", 60)
    children = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:  # a worker of its own: its own connection, the same file
            code = 1
            try:
                for _ in range(50):
                    store.limit_hit("login/10.0.0.1", 60)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    assert all(os.waitpid(pid, 0)[1] == 0 for pid in children)
    assert store.limit_count("login/10.0.0.1") == 1 + 4 * 50


def test_a_store_opened_later_sees_the_count_as_after_a_restart(store):
    for _ in range(3):
        store.limit_hit("export/q-staff", 60)
    assert AccountStore(store.path).limit_count("export/q-staff") == 3


def test_a_window_ends_and_the_next_hit_starts_a_new_one(store):
    assert store.limit_hit("k", 0.3) == 1
    assert store.limit_hit("k", 0.3) == 2
    ends = store.limit_window_ends("k")
    time.sleep(0.4)
    assert store.limit_count("k") == 0
    assert store.limit_hit("k", 0.3) == 1
    assert store.limit_window_ends("k") > ends


def test_keys_count_apart_and_clear_forgets_one_or_all(store):
    store.limit_hit("a", 60, amount=2)
    store.limit_hit("b", 60)
    store.limit_clear("a")
    assert (store.limit_count("a"), store.limit_count("b")) == (0, 1)
    assert store.limit_clear() == 1
    assert store.limit_count("b") == 0


def test_flask_limiters_fixed_window_on_the_storage(store):
    limiter = FixedWindowRateLimiter(AccountsLimitStorage("carevisit-accounts://", store=store))
    bound = parse("3 per minute")
    assert [limiter.hit(bound, "login", "192.0.2.9") for _ in range(4)] == [True, True, True, False]
    stats = limiter.get_window_stats(bound, "login", "192.0.2.9")
    assert stats.remaining == 0 and 0 < stats.reset_time - time.time() <= 60
    assert limiter.hit(bound, "login", "192.0.2.10")  # another address
    limiter.clear(bound, "login", "192.0.2.9")
    assert limiter.hit(bound, "login", "192.0.2.9")
