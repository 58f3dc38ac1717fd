"""The sign-in limit (10 POSTs a minute per address) through `carevisit serve --prod` with two gunicorn workers:
the tries of both workers add up to one bound, and a restart of the server forgets none of them."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.accounts import AccountStore, accounts_path
from dashboard.i18n import t
from tests.security.conftest import IN_SCOPE_PEOPLE, QUANYECHANG, VISIT_HEADER, roster, visit, write_csv
from tests.security.test_prod_server import carevisit, free_port

SIGN_IN_PER_MINUTE = 10  # dashboard.auth.SIGN_IN_LIMIT
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/1\.1" (?P<status>\d{3}) .* <(?P<pid>\d+)>$')


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("limit-workers")
    files = [roster(folder, "劝业场", IN_SCOPE_PEOPLE[:2]),
             write_csv(folder / "探访.csv", [VISIT_HEADER, visit(IN_SCOPE_PEOPLE[0], "2026-10-05")])]
    db = folder / "warehouse.duckdb"
    done = carevisit("ingest", *map(str, files), db=db)
    assert done.returncode == 0, done.stderr[-2000:]
    AccountStore(accounts_path(db)).add("w-staff", "staff", QUANYECHANG, "correct-horse-battery")
    return db


class Server:
    """`carevisit serve --prod --workers 2` on a free loopback port, its access log in a file (a line per request,
    ending with the worker's <pid>)."""

    def __init__(self, db: Path, log: Path):
        self.port, self.log = free_port(), log
        self.connections: list[http.client.HTTPConnection] = []  # closed when the server stops
        self.log_file = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "etl.cli", "serve", "--prod", "--port", str(self.port), "--db", str(db),
             "--workers", "2", "--threads", "2"], stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while not self._answers():
            assert self.process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the production server did not start"
            time.sleep(0.3)

    def _answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request("GET", "/_favicon.ico", headers={"Host": f"127.0.0.1:{self.port}"})
            connection.getresponse().read()
            connection.close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        for connection in self.connections:
            connection.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()

    def worker_of(self, method: str, path: str) -> tuple[int, int]:
        """(worker pid, status) of the request whose method and path (unique per request here) the log shows."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for line in self.log.read_text().splitlines():
                match = ACCESS_LINE.search(line)
                if match and match["method"] == method and match["path"] == path:
                    return int(match["pid"]), int(match["status"])
            time.sleep(0.05)
        raise AssertionError(f"{method} {path} not in the access log:\n{self.log.read_text()[-2000:]}")


class Browser:
    """One kept-alive connection (so one worker answers all its requests) with its session cookie and form token."""

    def __init__(self, server: Server, name: str):
        self.server, self.name, self.sent = server, name, 0
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        server.connections.append(self.connection)
        status, headers, page = self.send("GET", "")
        assert status == 200, status
        cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("carevisit_session="))
        self.cookie = cookie.split(";")[0]
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.worker = server.worker_of("GET", f"/login?b={name}&n=0")[0]

    def send(self, method: str, form: str) -> tuple[int, http.client.HTTPMessage, str]:
        path = f"/login?b={self.name}&n={self.sent}"
        self.sent += 1
        headers = {"Host": f"127.0.0.1:{self.server.port}"}
        if method == "POST":
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        self.connection.request(method, path, body=form or None, headers=headers)
        answer = self.connection.getresponse()
        return answer.status, answer.headers, answer.read().decode("utf-8", "replace")

    def try_password(self) -> tuple[int, str, int]:
        """A real sign-in attempt, a wrong password for a real account: (status, page, worker that answered)."""
        status, _headers, page = self.send(
            "POST", f"csrf_token={self.token}&username=w-staff&password=guess-{self.name}-{self.sent}")
        pid, logged = self.server.worker_of("POST", f"/login?b={self.name}&n={self.sent - 1}")
        assert logged == status
        return status, page, pid


def browsers_on_two_workers(server: Server) -> tuple[Browser, Browser]:
    """Connections opened until two of them are answered by different workers (the kernel hands each new
    connection to whichever worker accepts it first). The server answers once one worker has loaded the app;
    on a busy machine the other may take many seconds more, so the connections come a little apart, for up
    to a minute."""
    browsers: list[Browser] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        browsers.append(Browser(server, f"c{len(browsers)}"))
        other = next((b for b in browsers if b.worker != browsers[-1].worker), None)
        if other is not None:
            return other, browsers[-1]
        time.sleep(0.2)
    raise AssertionError("in a minute, every connection went to the same worker: the test cannot tell the "
                         "workers apart")


def test_the_sign_in_limit_counts_every_workers_tries_and_outlives_a_restart(db, tmp_path):
    server = Server(db, tmp_path / "first.log")
    try:
        first, second = browsers_on_two_workers(server)
        started = time.monotonic()
        answered = []
        for browser in (first, second):  # half the bound on each worker: each of them alone is under it
            for _ in range(SIGN_IN_PER_MINUTE // 2):
                answered.append(browser.try_password())
        assert [status for status, _page, _pid in answered] == [401] * SIGN_IN_PER_MINUTE
        # the messages as before: every wrong password is answered as one (a locked account too: the lock is told
        # only to whoever gives the right password), and the account locks from this address at its 5th, in the
        # accounts database (the other worker's tries find it locked)
        shown = ["failed" if t("sign_in_failed") in page else "locked" if "锁定" in page else page
                 for _status, page, _pid in answered]
        assert shown == ["failed"] * 10, shown
        assert AccountStore(accounts_path(db)).sign_in("w-staff", "correct-horse-battery", "127.0.0.1").reason == (
            "locked")
        assert len({pid for _status, _page, pid in answered}) == 2  # both workers answered tries
        # the next try is over the bound on either worker, whichever it reaches
        assert first.try_password()[0] == 429
        assert second.try_password()[0] == 429
        workers = {first.worker, second.worker}
    finally:
        server.stop()
    server = Server(db, tmp_path / "restarted.log")
    try:
        browser = Browser(server, "after-restart")
        assert browser.worker not in workers
        status, _page, _pid = browser.try_password()
        assert time.monotonic() - started < 60, "the restart took longer than the limit's minute: nothing was tested"
        assert status == 429, "a restart forgot the tries of the minute"
    finally:
        server.stop()
    failures = [e for e in AccountStore(accounts_path(db)).events() if e["event"] == "sign_in_failed"]
    assert len(failures) == SIGN_IN_PER_MINUTE  # every try served was audited, from both workers; none refused


def test_the_limit_is_counted_in_the_accounts_database(db):
    """What the workers share: the counter of this machine's address (127.0.0.1) for /login."""
    store = AccountStore(accounts_path(db))
    with store._connect() as con:  # noqa: SLF001
        keys = [key for (key,) in con.execute("select key from rate_limits")]
    assert any("127.0.0.1" in key and "login" in key for key in keys), keys
    assert os.stat(accounts_path(db)).st_mode & 0o077 == 0  # still readable by its owner only
