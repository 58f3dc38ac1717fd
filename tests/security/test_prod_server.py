"""`carevisit serve --prod` (gunicorn) in a subprocess: headers, cookies, the Host check, clean 400s without
tracebacks; `serve --no-auth` off loopback refused; files the CLI creates are readable by their owner only."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import argon2
import pytest

from dashboard.accounts import accounts_path
from tests.security.conftest import (
    IN_SCOPE_PEOPLE,
    MONTH,
    NANSHI,
    PASSWORD,
    PEOPLE,
    QUANYECHANG,
    VISIT_HEADER,
    payload,
    roster,
    visit,
    write_csv,
)

TRACEBACK = re.compile(r"Traceback|File \"|site-packages|\.py\"|duckdb\.|Werkzeug Debugger|ConversionException")


def carevisit(*args, db: Path, password: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """The CLI as an operator runs it, under the common umask 022 (the CLI must tighten it itself)."""
    return subprocess.run([sys.executable, "-m", "etl.cli", *args, "--db", str(db)], capture_output=True, text=True,
                          input=password + "\n" if password else None, timeout=timeout, check=False,
                          preexec_fn=lambda: os.umask(0o022))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Path:
    """A warehouse and an account made by the CLI in a fresh folder."""
    folder = tmp_path_factory.mktemp("prod")
    files = [roster(folder, "劝业场", IN_SCOPE_PEOPLE[:3]), roster(folder, "南市", PEOPLE["南市"]),
             write_csv(folder / "探访.csv", [VISIT_HEADER, visit(IN_SCOPE_PEOPLE[0], "2026-10-05"),
                                             visit(PEOPLE["南市"][0], "2026-10-04")])]
    db = folder / "data" / "warehouse.duckdb"
    done = carevisit("ingest", *map(str, files), db=db)
    assert done.returncode == 0, done.stderr[-2000:]
    done = carevisit("user", "add", "prod-staff", "--role", "staff", "--place", QUANYECHANG, "--password-stdin",
                     db=db, password=PASSWORD)
    assert done.returncode == 0, done.stderr[-2000:]
    return db


def test_the_command_line_hashes_passwords_at_argon2s_production_cost(deployment):
    """The test processes hash at argon2's lowest cost (tests/conftest.py); a real `carevisit user add` at
    argon2-cffi's defaults."""
    with sqlite3.connect(accounts_path(deployment)) as con:
        [(stored,)] = con.execute("select password_hash from users where username = 'prod-staff'").fetchall()
    production = argon2.PasswordHasher()
    parameters = argon2.extract_parameters(stored)
    assert (parameters.type, parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        argon2.Type.ID, production.memory_cost, production.time_cost, production.parallelism) == (
        argon2.Type.ID, 65536, 3, 4)


SERVED: dict[int, tuple[Path, Path]] = {}  # port -> the server's home and its log


@pytest.fixture(scope="module")
def server(deployment, tmp_path_factory):
    """`carevisit serve --prod` on a free loopback port; stopped (this process only) at the end."""
    port = free_port()
    log = (tmp_path_factory.mktemp("prod-log") / "server.log").open("w")
    home = tmp_path_factory.mktemp("service-home")  # the service user's home (test_no_control_socket)
    env = {key: value for key, value in os.environ.items() if key != "XDG_RUNTIME_DIR"} | {"HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "serve", "--prod", "--port", str(port), "--db", str(deployment),
         "--workers", "1", "--threads", "4"], stdout=log, stderr=subprocess.STDOUT, env=env,
        preexec_fn=lambda: os.umask(0o022))
    deadline = time.monotonic() + 90
    while True:
        try:
            status, _headers, _body = request(port, "GET", "/login")
            if status == 200:
                break
        except OSError:
            pass
        assert process.poll() is None, Path(log.name).read_text()[-3000:]
        assert time.monotonic() < deadline, "the production server did not start"
        time.sleep(0.3)
    SERVED[port] = home, Path(log.name)
    yield port
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def request(port: int, method: str, path: str, body: str | bytes | None = None, headers: dict | None = None,
            host: str | None = None) -> tuple[int, http.client.HTTPMessage, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        data = body.encode() if isinstance(body, str) else body
        for key, value in (headers or {}).items():
            connection.putheader(key, value)
        if data is not None:
            connection.putheader("Content-Length", str(len(data)))
        connection.endheaders(data)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


def session_cookie(headers: http.client.HTTPMessage) -> tuple[str, str]:
    """(value, the whole Set-Cookie line) of the session cookie: sent back by hand, as it is Secure and this is
    plain HTTP on loopback."""
    for line in headers.get_all("Set-Cookie") or []:
        if line.startswith("carevisit_session="):
            return line.split(";")[0].split("=", 1)[1], line
    raise AssertionError(f"no session cookie in {headers.get_all('Set-Cookie')}")


@pytest.fixture(scope="module")
def signed_in(server) -> dict:
    """Sign in through the form: the CSRF token from the page, the session cookie passed by hand."""
    status, headers, page = request(server, "GET", "/login")
    assert status == 200
    cookie, first_line = session_cookie(headers)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = f"csrf_token={token}&username=prod-staff&password={PASSWORD}"
    status, headers, _body = request(server, "POST", "/login", form, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"carevisit_session={cookie}"})
    assert status == 302, status
    cookie, line = session_cookie(headers)
    return {"headers": {"Cookie": f"carevisit_session={cookie}"}, "set_cookie": [first_line, line]}


def callback(server, signed_in, body) -> tuple[int, http.client.HTTPMessage, str]:
    return request(server, "POST", "/_dash-update-component", body if isinstance(body, str) else json.dumps(body),
                   signed_in["headers"] | {"Content-Type": "application/json"})


# --- headers and cookies -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/", "/_dash-layout"])
def test_security_headers(server, signed_in, path):
    status, headers, _body = request(server, "GET", path, headers={} if path == "/login" else signed_in["headers"])
    assert status == 200, (path, status)
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, csp
    assert "'unsafe-eval'" not in csp and not re.search(r"script-src[^;]*'unsafe-inline'", csp), csp
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert "max-age=" in headers.get("Strict-Transport-Security", "")
    assert "no-store" in headers.get("Cache-Control", "")


def test_a_callback_answer_has_the_headers_too(server, signed_in):
    body = {"output": "navbar.children", "outputs": {"id": "navbar", "property": "children"},
            "inputs": [{"id": "url", "property": "pathname", "value": "/"},
                       {"id": "url", "property": "search", "value": ""}], "changedPropIds": ["url.pathname"],
            "state": []}
    status, headers, text = callback(server, signed_in, body)
    assert status == 200 and "prod-staff" in text
    assert headers.get("X-Content-Type-Options") == "nosniff" and "no-store" in headers.get("Cache-Control", "")
    assert "max-age=" in headers.get("Strict-Transport-Security", "")


def test_session_cookies_are_secure_httponly_and_samesite(signed_in):
    for line in signed_in["set_cookie"]:
        attributes = {part.strip().split("=")[0].lower(): part.strip() for part in line.split(";")[1:]}
        assert "secure" in attributes, line
        assert "httponly" in attributes, line
        assert attributes.get("samesite", "").lower() in ("samesite=strict", "samesite=lax"), line


def test_the_server_does_not_name_its_software_version(server):
    _status, headers, _body = request(server, "GET", "/login")
    assert not re.search(r"\d+\.\d+", headers.get("Server", "")), headers.get("Server")


# --- the Host header ---------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost.evil"])
def test_a_wrong_host_header_is_refused(server, host):
    status, _headers, body = request(server, "GET", "/login", host=host)
    assert status == 400, (host, status)
    assert not TRACEBACK.search(body)


def test_a_wrong_host_cannot_sign_in_or_call_back(server, signed_in):
    status, _headers, _body = request(server, "POST", "/_dash-update-component", "{}",
                                      signed_in["headers"] | {"Content-Type": "application/json"},
                                      host="evil.example")
    assert status == 400


# --- bad input -----------------------------------------------------------------------------------


ROUTER = {"output": ".._pages_content.children..._pages_store.data..",
          "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
          "changedPropIds": ["_pages_location.pathname"], "state": []}


def routed(path: str, search: str) -> dict:
    return ROUTER | {"inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                                {"id": "_pages_location", "property": "search", "value": search}]}


def overview_click(deps: list[dict], place) -> str:
    """The overview map's click callback, as the server's /_dash-dependencies names it, on `place`."""
    dep = next(d for d in deps if any(i["id"] == "overview-map" for i in d["inputs"]))
    return json.dumps(payload(dep, {"overview-map.clickData": {"points": [{"customdata": place}]}},
                              {"url.search": ""}, 0))


@pytest.fixture(scope="module")
def server_deps(server, signed_in) -> list[dict]:
    request(server, "GET", "/", headers=signed_in["headers"])
    status, _headers, body = request(server, "GET", "/_dash-dependencies", headers=signed_in["headers"])
    assert status == 200
    return json.loads(body)


BAD_BODIES = {
    "not json": "{not json",
    "truncated": '{"output": "navbar.children", "inputs": [',
    "a list": "[1, 2, 3]",
    "a string": '"x"',
    "empty object": "{}",
    "no inputs": json.dumps({"output": "navbar.children", "outputs": {"id": "navbar", "property": "children"}}),
    "unknown output": json.dumps({"output": "nothing.here", "outputs": {"id": "nothing", "property": "here"},
                                  "inputs": [], "changedPropIds": [], "state": []}),
    "deep nesting": "[" * 5000 + "]" * 5000,
    "place list in the URL": json.dumps(routed("/", f"?place={QUANYECHANG}&place={NANSHI}&month={MONTH}")),
    "open problems with a list place": json.dumps({
        "output": "risk-open-problems-area.children",
        "outputs": {"id": "risk-open-problems-area", "property": "children"},
        "inputs": [{"id": "risk-open-problems-spec", "property": "data",
                    "value": {"place": [NANSHI], "month": MONTH, "as_of": None, "lang": "zh", "count": 1}}],
        "changedPropIds": ["risk-open-problems-spec.data"], "state": []}),
    "open problems with None": json.dumps({
        "output": "risk-open-problems-area.children",
        "outputs": {"id": "risk-open-problems-area", "property": "children"},
        "inputs": [{"id": "risk-open-problems-spec", "property": "data", "value": None}],
        "changedPropIds": ["risk-open-problems-spec.data"], "state": []}),
    "map click on a list": lambda deps: overview_click(deps, [NANSHI, NANSHI]),  # [code]: a click on a fill
    "map click on a dict": lambda deps: overview_click(deps, {"code": NANSHI}),
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_bad_input_is_a_400_without_a_traceback(server, signed_in, server_deps, name):
    bad = BAD_BODIES[name]
    status, _headers, body = callback(server, signed_in, bad(server_deps) if callable(bad) else bad)
    assert not TRACEBACK.search(body), body[:500]
    assert status == 400, (name, status, body[:200])


def test_no_debugger_or_traceback_on_unknown_routes(server, signed_in):
    for path in ("/console", "/_dash-update-component", "/does-not-exist", "/_dash-component-suites/../../etc/passwd"):
        status, _headers, body = request(server, "GET", path, headers=signed_in["headers"])
        assert status in (200, 302, 400, 401, 403, 404, 405), (path, status)
        assert not TRACEBACK.search(body) and "root:" not in body, (path, body[:300])


# --- refusals at start-up and file modes -------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_serve_no_auth_off_loopback_is_refused(deployment, host):
    done = carevisit("serve", "--no-auth", "--host", host, "--port", str(free_port()), db=deployment, timeout=60)
    assert done.returncode != 0
    assert "--no-auth" in done.stderr and "Traceback" not in done.stderr, done.stderr[-500:]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10"])
def test_serve_behind_a_proxy_off_loopback_is_refused(deployment, host):
    """(security review 2026-12-04: anyone reaching the port chose their address with X-Forwarded-For, past the
    sign-in limit, into the audit log)"""
    done = carevisit("serve", "--prod", "--behind-proxy", "--host", host, "--allowed-host", "carevisit.test",
                     "--port", str(free_port()), db=deployment, timeout=60)
    assert done.returncode != 0
    assert "--behind-proxy" in done.stderr and "Traceback" not in done.stderr, done.stderr[-500:]


def test_serve_prod_no_auth_is_refused(deployment):
    done = carevisit("serve", "--prod", "--no-auth", "--port", str(free_port()), db=deployment, timeout=60)
    assert done.returncode != 0 and "--no-auth" in done.stderr


def test_files_holding_personal_data_are_readable_by_their_owner_only(deployment, server):
    """Warehouse, accounts database (and its WAL), the secret key: made by the CLI under umask 022."""
    made = sorted(p for p in deployment.parent.iterdir() if p.is_file())
    names = {p.name for p in made}
    assert {"warehouse.duckdb", "warehouse.accounts.sqlite", "warehouse.secret"} <= names, names
    loose = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in made if stat.S_IMODE(p.stat().st_mode) & 0o077}
    assert not loose, loose


def test_no_control_socket(server):
    """gunicorn's runtime control socket is not opened: a second server on the machine (another district's
    warehouse) would have taken over the first's, under the service user's home, for anyone able to act as them."""
    home, log = SERVED[server]
    assert not (home / ".gunicorn").exists()
    assert "control socket" not in log.read_text().lower()


def test_the_data_folder_is_not_open_to_others(deployment, server):
    mode = stat.S_IMODE(deployment.parent.stat().st_mode)
    assert not mode & 0o007, oct(mode)


def test_local_single_user_mode_serves_says_where_in_chinese_and_stops_on_ctrl_c(deployment):
    # `make demo`'s way: the page on this computer, no English "development server" warning in red (review 23), and
    # Ctrl+C a clean stop
    port = free_port()
    # (Ctrl+C as a terminal sends it: the server starts with SIGINT's default action even where the suite itself was
    # started in the background by a shell that ignores it, which a child inherits)
    process = subprocess.Popen([sys.executable, "-m", "etl.cli", "serve", "--no-auth", "--port", str(port), "--db",
                                str(deployment)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if request(port, "GET", "/")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "the local server did not start"
            time.sleep(0.3)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0 and f"探访关爱看板: http://127.0.0.1:{port}/" in err
    assert "development server" not in out + err and not TRACEBACK.search(out + err)
