"""No unmasked 18-digit ID number or 11-digit mobile in any page, callback, export or CLI output, even where
the roster had them typed in the wrong column (rejected rows, warnings, unknown values)."""

import json
import re

import pytest

from dashboard import tables
from tests.conftest import run_cli
from tests.security.conftest import (
    ALL_PLAIN_SENSITIVE,
    BAIHUO,
    BINXI,
    HUAYUANLU,
    ID_PATTERN,
    MOBILE_PATTERN,
    MONTH,
    QUANYECHANG,
    ROLES,
    STRAY_ID,
    STRAY_PHONE,
    dep_with_input,
    export,
    new_client,
    payload,
    post_callback,
    readable,
    show_page,
    sign_in,
)

PLACES = (QUANYECHANG, HUAYUANLU, BINXI, BAIHUO)
# every page, at the street and at its communities (where the people lists are), this month and last
PAGES = [("/", QUANYECHANG, {}), ("/", QUANYECHANG, {"month": "2026-09"}), ("/community", HUAYUANLU, {}),
         ("/community", BINXI, {}), ("/community", BAIHUO, {}), ("/community", HUAYUANLU, {"month": "2026-09"}),
         ("/overdue", QUANYECHANG, {}), ("/overdue", HUAYUANLU, {"risk": "高,中,低"}), ("/risk", QUANYECHANG, {}),
         ("/changes", QUANYECHANG, {"kind": "joined"}), ("/changes", QUANYECHANG, {"kind": "left"}),
         ("/changes", BINXI, {"kind": "stayed"}), ("/data", QUANYECHANG, {}), ("/audit", QUANYECHANG, {})]


# file hashes (sha256 hex, or its first 12 characters on screen) may hold a run of 11 digits by chance
HEX_HASH = re.compile(r"(?<![0-9a-f])(?=[0-9a-f]*[a-f])[0-9a-f]{12,64}(?![0-9a-f])")


def numbers(text: str) -> list[str]:
    shown = HEX_HASH.sub("", text)
    return sorted(set(ID_PATTERN.findall(shown)) | set(MOBILE_PATTERN.findall(shown)))


def unmasked(text: str) -> list[str]:
    return numbers(readable(text))


def scan(cases) -> None:
    failures = []
    for label, (status, text) in cases:
        found = unmasked(text)
        if found:
            failures.append(f"{label} (status {status}): {found[:4]}")
    assert not failures, f"{len(failures)} answers carry unmasked numbers:\n" + "\n".join(failures[:25])


def test_the_fixture_data_holds_the_numbers_the_scan_looks_for():
    assert all(ID_PATTERN.fullmatch(v) or MOBILE_PATTERN.fullmatch(v) for v in ALL_PLAIN_SENSITIVE)
    assert ID_PATTERN.search(STRAY_ID) and MOBILE_PATTERN.search(STRAY_PHONE)
    assert not ID_PATTERN.search("1201**********775X") and not MOBILE_PATTERN.search("138****5678")


def test_the_scan_finds_an_unmasked_number_when_there_is_one():
    assert unmasked(json.dumps({"x": f"电话 {STRAY_PHONE}"})) == [STRAY_PHONE]
    assert unmasked(json.dumps({"sha": "a15827979897b" + "0" * 51, "x": STRAY_ID})) == [STRAY_ID]


@pytest.mark.parametrize("role", ROLES)
def test_pages_show_no_unmasked_id_or_mobile(clients, deps, role):
    client = clients[role]
    scan(((path, place, query), show_page(client, deps, path, "?" + "&".join(
        f"{k}={v}" for k, v in ({"place": place, "month": MONTH} | query).items())))
        for path, place, query in PAGES)


@pytest.mark.parametrize("role", ROLES)
def test_the_html_and_layout_routes_show_no_unmasked_id_or_mobile(clients, role):
    client = clients[role]
    scan(((path,), (answer.status_code, answer.get_data(as_text=True))) for path in (
        "/", f"/community?place={HUAYUANLU}", "/overdue", "/data", "/audit", "/_dash-layout", "/_dash-dependencies")
        for answer in [client.get(path)])


@pytest.mark.parametrize("role", ROLES)
def test_callbacks_show_no_unmasked_id_or_mobile(clients, deps, role):
    client, dep = clients[role], dep_with_input(deps, "risk-open-problems-spec")
    cases = [(("open problems", place), post_callback(client, payload(dep, {"risk-open-problems-spec.data": {
        "place": place, "month": MONTH, "as_of": None, "lang": "zh", "count": 9}}, {}))) for place in PLACES]
    cases += [(("navbar", place), post_callback(client, payload(
        deps["navbar.children"], {"url.pathname": "/", "url.search": f"?place={place}"}, {}))) for place in PLACES]
    scan(cases)


def every_spec(place: str) -> list[dict]:
    base = {"place": place, "month": MONTH, "as_of": None, "lang": "zh"}
    found = [base | {"table": table} for table in sorted(tables.COLUMNS) + ["audit"]]
    found += [base | {"table": "people", "work_list": True}, base | {"table": "people", "open_problems": True}]
    found += [base | {"table": "changes", "group": group} for group in ("joined", "left", "stayed")]
    return found


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_exports_show_no_unmasked_id_or_mobile(clients, deps, role, file_format):
    client = clients[role]
    scan(((spec["table"], spec.get("group"), place, file_format), export(client, deps, spec, file_format))
         for place in (QUANYECHANG, HUAYUANLU) for spec in every_spec(place))


def cli(settings, *args) -> str:
    """What the command prints, run in this process (its output is tested, not its process)."""
    done = run_cli(*args, "--db", str(settings.db_path))
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout + done.stderr


@pytest.mark.parametrize("args", [("rejects", "--format", "csv"), ("rejects", "--format", "json")])
def test_the_cli_shows_no_unmasked_id_or_mobile(settings, args):
    output = cli(settings, *args)
    assert output.strip()
    found = numbers(output)
    assert not found, f"carevisit {' '.join(args)}: {found}"


def test_the_audit_log_stores_no_unmasked_id_or_mobile(app, deps, clients, settings, store):
    """What users type ends up in the audit log: a mobile as user name, an ID number in an export's filters."""
    client = new_client(app)
    sign_in(client, STRAY_ID, password="wrong-password-1")  # someone types their ID number as the user name
    sign_in(client, "q-staff", password=STRAY_PHONE)  # and their mobile as the password
    spec = {"table": "people", "place": QUANYECHANG, "month": MONTH, "lang": "zh", "category": STRAY_PHONE,
            "risk": [STRAY_ID]}
    export(clients["staff"], deps, spec, "csv")
    show_page(clients["staff"], deps, "/overdue", f"?place={QUANYECHANG}&month={MONTH}&category={STRAY_PHONE}")
    for args in (("audit", "--format", "json"),):
        output = cli(settings, *args)
        assert "sign_in_failed" in output
        found = numbers(output)
        assert not found, f"carevisit {' '.join(args)}: {found}"
    status, text = show_page(clients["admin"], deps, "/audit", "")
    assert status == 200 and not unmasked(text), unmasked(text)
