"""A roster value like <img src=x onerror=alert(1)> stays data: escaped in HTML, a plain string in JSON, never in
a component that renders HTML; the sign-in page escapes what it echoes (next, the user name)."""

import json

import pytest

from dashboard import tables
from tests.security.conftest import (
    HUAYUANLU,
    MONTH,
    QUANYECHANG,
    XSS,
    csrf_token,
    dep_with_input,
    export,
    new_client,
    payload,
    post_callback,
    readable,
    show_page,
)

MARK = "onerror=alert(1)"
PAGES = [("/", QUANYECHANG), ("/community", "120101001010"), ("/community", HUAYUANLU), ("/overdue", QUANYECHANG),
         ("/risk", QUANYECHANG), ("/data", QUANYECHANG), ("/changes", QUANYECHANG), ("/audit", QUANYECHANG)]
# props through which Dash components put HTML (not text) into the page
HTML_PROPS = ("dangerously_allow_html", "dangerously_allow_code", "srcDoc", "dangerouslySetInnerHTML")


def dangerous_places(node, path="") -> list[str]:
    """Where a JSON answer could make a browser run something: HTML-rendering props, javascript: links,
    grid columns rendered as markdown or HTML."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key in HTML_PROPS and value:
                found.append(here)
            if key in ("href", "src", "action") and isinstance(value, str) and \
                    value.strip().lower().startswith(("javascript:", "data:text/html", "vbscript:")):
                found.append(f"{here}={value!r}")
            if key == "cellRenderer" and isinstance(value, str) and value.lower() in ("markdown", "html"):
                found.append(here)
            found += dangerous_places(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += dangerous_places(value, f"{path}[{index}]")
    return found


def payload_paths(node, path="") -> list[str]:
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in payload_paths(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [p for index, value in enumerate(node) for p in payload_paths(value, f"{path}[{index}]")]
    return [path] if isinstance(node, str) and MARK in node else []


@pytest.fixture(scope="module")
def answers(clients, deps) -> list[tuple[str, int, str, str]]:
    """Every page and callback answer for every role: (label, status, content type, body)."""
    found = []
    for role in ("leader", "staff", "analyst"):  # what a page shows differs by role only in its person lists
        client = clients[role]
        for path, place in PAGES:
            body = payload(next(d for d in deps.values() if "_pages_content" in d["output"]),
                           {"_pages_location.pathname": path,
                            "_pages_location.search": f"?place={place}&month={MONTH}"}, {})
            answer = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
            found.append((f"{role} {path} {place}", answer.status_code, answer.content_type,
                          answer.get_data(as_text=True)))
        spec = {"place": QUANYECHANG, "month": MONTH, "as_of": None, "lang": "zh", "count": 9}
        status, text = post_callback(client, payload(dep_with_input(deps, "risk-open-problems-spec"),
                                                     {"risk-open-problems-spec.data": spec}, {}))
        found.append((f"{role} open problems", status, "application/json", text))
    return found


def test_the_payload_reaches_the_screens(answers):
    """Unmasked in the unknown values of the Data page (the 居住情况 cell), so the checks below are not vacuous."""
    assert any(MARK in readable(text) for _label, _status, _type, text in answers)


def test_json_answers_are_json(answers):
    for label, status, content_type, text in answers:
        if status == 200:
            assert content_type.startswith("application/json"), (label, content_type)
            json.loads(text)


def test_no_answer_puts_html_into_the_page(answers):
    failures = []
    for label, status, _type, text in answers:
        if status == 200:
            found = dangerous_places(json.loads(text))
            if found:
                failures.append((label, found[:3]))
    assert not failures, failures[:10]


def test_the_payload_is_only_ever_grid_data_or_text(answers):
    """Where the payload sits: a grid's rowData or the text children of a component, nothing that parses HTML."""
    failures = []
    for label, status, _type, text in answers:
        if status != 200:
            continue
        for path in payload_paths(json.loads(text)):
            if ".rowData[" in path or path.endswith(".children"):
                continue
            failures.append((label, path))
    assert not failures, failures[:10]


@pytest.mark.parametrize("path", ["/", "/data", f"/community?place={HUAYUANLU}", "/overdue", "/_dash-layout"])
def test_html_and_layout_routes_carry_no_live_payload(clients, path):
    answer = clients["staff"].get(path)
    assert answer.status_code == 200
    assert XSS not in answer.get_data(as_text=True)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize("table", sorted(set(tables.COLUMNS) - {"people", "changes"}))
def test_exports_are_files_not_html(clients, deps, table, file_format):
    status, text = export(clients["staff"], deps, {"table": table, "lang": "zh"}, file_format)
    assert status == 200
    answer = json.loads(text)
    download = answer["response"]["table-file"]["data"]
    assert download["filename"].endswith(f".{file_format}") and "<" not in download["filename"]


NEXTS = ['/"><script>alert(1)</script>', "/x' onmouseover='alert(1)", '/"onfocus="alert(1)"autofocus="',
         "/</form><form action=//evil.example>", "/?a=<svg/onload=alert(1)>"]


@pytest.mark.parametrize("target", NEXTS)
def test_the_sign_in_page_escapes_next(app, target):
    answer = new_client(app).get("/login", query_string={"next": target})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    for raw in ("<script>", "onmouseover='", '"onfocus="', "<form action=//evil", "<svg/onload"):
        assert raw not in html, (raw, html[html.find("next"):][:300])


def test_the_sign_in_page_does_not_echo_a_typed_user_name_as_html(app, store):
    client = new_client(app)
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/login", data={"csrf_token": csrf_token(page), "username": XSS, "password": "x" * 12})
    assert answer.status_code == 401
    assert XSS not in answer.get_data(as_text=True)


def test_a_redirect_to_sign_in_cannot_inject_headers(app):
    answer = new_client(app).get("/overdue?x=%0d%0aSet-Cookie:%20evil=1")
    assert answer.status_code in (302, 401)
    assert "evil" not in answer.headers.get("Set-Cookie", "")
    assert "\r" not in answer.headers.get("Location", "") and "\n" not in answer.headers.get("Location", "")


def test_the_page_router_ignores_a_script_in_the_query(clients, deps):
    status, text = show_page(clients["staff"], deps, "/overdue", f"?place={QUANYECHANG}&category={XSS}")
    assert status in (200, 400)
    if status == 200:
        assert not dangerous_places(json.loads(text))
