"""An attacker's fixtures: a real warehouse of three streets, real accounts, real sign-in through /login."""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json
import re
from dataclasses import dataclass

import openpyxl
import pytest

from dashboard.accounts import AccountStore, accounts_path
from dashboard.app import create_app
from etl.ingest import ingest
from etl.settings import Settings, default_config_text, parse_config
from tests.conftest import built_once, make_id
from tests.etl.exports import ROSTER_HEADER, roster_row, write_csv, write_xlsx

DISTRICT = "120101000000"
QUANYECHANG = "120101001000"  # the street every role-tested user works in
HUAYUANLU, BINXI, BAIHUO = "120101001001", "120101001002", "120101001010"  # its communities
NANSHI, QINGYOU = "120101006000", "120101006001"  # another street and one of its communities
XIAOBAILOU, TAIANDAO = "120101002000", "120101002002"  # a third street
MONTH = "2026-10"
PASSWORD = "correct-horse-battery"
ROLES = ("leader", "inspector", "staff", "analyst", "admin")

# A payload that would run script if a page ever rendered it as HTML.
XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
# Cells an attacker types so that a spreadsheet runs them; one for each dangerous first character.
FORMULA_STARTS = {"=": FORMULA, "+": "+1+2", "-": "-1+2", "@": "@SUM(1+1)", "\t": "\t=1+2", "\r": "\r=1+2"}

ID_PATTERN = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE_PATTERN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

VISIT_HEADER = ["身份证号", "老人姓名", "社区", "探访日期", "探访方式", "探访结果", "探访人", "探访情况"]


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    community: str
    street: str
    phone: str


def _people() -> dict[str, list[Person]]:
    """Ten people: the in-scope street's first, surnames that tell the streets apart (王 in scope)."""
    in_scope = [
        Person(make_id("19400101", 11), "王春花", "花园路", "劝业场街道", "13811112222"),
        Person(make_id("19560101", 12), "王夏雨", "花园路", "劝业场街道", "13911113333"),
        Person(make_id("19560101", 13), "王秋月", "滨西", "劝业场街道", "13711114444"),
        Person(make_id("19500505", 14), XSS, "百货大楼", "劝业场街道", "13611115555"),
        Person(make_id("19500606", 15), FORMULA, "百货大楼", "劝业场街道", "13511116666"),
    ] + [Person(make_id("19480101", 16 + n), value, "滨西", "劝业场街道", f"1501111{n:04d}")
         for n, value in enumerate(v for k, v in FORMULA_STARTS.items() if k != "=")]
    nanshi = [Person(make_id("19450101", 31 + n, area="120101"), f"鲍{n}号", "庆有西里", "南市街道",
                     f"1871234{n:04d}") for n in range(3)]
    xiaobailou = [Person(make_id("19470101", 41 + n), f"薛{n}号", "泰安道", "小白楼街道", f"1891234{n:04d}")
                  for n in range(2)]
    return {"劝业场": in_scope, "南市": nanshi, "小白楼": xiaobailou}


PEOPLE = _people()
IN_SCOPE_PEOPLE = PEOPLE["劝业场"]
OTHER_PEOPLE = PEOPLE["南市"] + PEOPLE["小白楼"]

# Sensitive values typed in the wrong columns: they must come out masked (or not at all) everywhere.
STRAY_PHONE = "13698765432"  # in a roster's 状态 column
STRAY_ID = make_id("19390909", 77)  # in a roster's 特殊困难类别 column
STRAY_PHONE_COMMUNITY = "15898765432"  # in a roster's 社区 column: the row is rejected
STRAY_ID_VISIT = make_id("19380808", 78)  # in a visit's 探访结果 column
STRAY_PHONE_FINDINGS = "13598765432"  # in a visit's 探访情况 text
STRAY_PHONE_VISIT_COMMUNITY = "18698765432"  # in a visit's 社区 column: the row is rejected
STRAY_VALUES = (STRAY_PHONE, STRAY_ID, STRAY_PHONE_COMMUNITY, STRAY_ID_VISIT, STRAY_PHONE_FINDINGS,
                STRAY_PHONE_VISIT_COMMUNITY)
ALL_PLAIN_SENSITIVE = STRAY_VALUES + tuple(p.id_number for p in IN_SCOPE_PEOPLE + OTHER_PEOPLE) + tuple(
    p.phone for p in IN_SCOPE_PEOPLE + OTHER_PEOPLE)

# What must never reach a user of 劝业场: the other streets' places, codes, people and files.
OTHER_STREET_MARKERS = ("南市", "庆有西里", "小白楼", "泰安道", NANSHI, QINGYOU, XIAOBAILOU, TAIANDAO, "鲍", "薛")


def roster(folder, street: str, people: list[Person], extra: list[list[str]] = ()) -> object:
    rows = [ROSTER_HEADER] + [
        roster_row(n, p.id_number, name=p.name, community=p.community, street=p.street, categories="独居",
                   联系电话=p.phone) for n, p in enumerate(people, 1)] + list(extra)
    return write_csv(folder / f"底册-{street}.csv", rows)


def visit(p: Person, when: str, outcome: str = "正常", findings: str = "身体尚可", community: str | None = None):
    return [p.id_number, p.name, community or p.community, when, "入户", outcome, "网格员甲", findings]


@pytest.fixture(scope="session")
def settings(tmp_path_factory, worker_id) -> Settings:
    """Three streets loaded through the real ingest; strays in wrong columns in 劝业场's files and 南市's.
    Built once per run; each xdist worker works on a copy of its own (see built_once)."""
    built, folder, result = built_once(tmp_path_factory, worker_id, "security", _load_streets)
    return dataclasses.replace(result, db_path=folder / result.db_path.relative_to(built))


def _load_streets(folder) -> Settings:
    q = IN_SCOPE_PEOPLE
    strays = [  # rows of 劝业场's roster with sensitive values where they do not belong
        roster_row(90, make_id("19410101", 90), name="王错位", community="滨西", 状态=STRAY_PHONE),
        roster_row(91, make_id("19410101", 91), name="王类别", community="滨西", categories=STRAY_ID),
        roster_row(92, make_id("19410101", 92), name="王社区", community=STRAY_PHONE_COMMUNITY),
        roster_row(93, make_id("19410101", 93), name="王状态", community="花园路", 状态=FORMULA),
        roster_row(94, make_id("19410101", 94), name="王居住", community="花园路", 居住情况=XSS),
        roster_row(95, make_id("19410101", 95), name="王负数", community="花园路", 居住情况="-12"),
        *[roster_row(96 + n, make_id("19410101", 96 + n), name=f"王式{n}", community="花园路", 居住情况=value)
          for n, value in enumerate(FORMULA_STARTS.values())],
    ]
    files = [
        roster(folder, "劝业场", q, strays),
        roster(folder, "南市", PEOPLE["南市"], [
            roster_row(80, make_id("19420101", 80), name="鲍错位", community="庆有西里", street="南市街道",
                       状态="18612340000"),
            roster_row(81, make_id("19420101", 81), name="鲍社区", community="南市无此社区", street="南市街道"),
        ]),
        write_xlsx(folder / "底册-小白楼.xlsx", [ROSTER_HEADER] + [
            roster_row(n, p.id_number, name=p.name, community=p.community, street=p.street, 联系电话=p.phone)
            for n, p in enumerate(PEOPLE["小白楼"], 1)]),
        write_csv(folder / "探访-劝业场.csv", [
            VISIT_HEADER, visit(q[0], "2026-10-05", outcome="发现问题"), visit(q[2], "2026-10-06"),
            visit(q[3], "2026-10-03", outcome="发现问题"), visit(q[4], "2026-09-20"),
            visit(q[1], "2026-10-07", outcome=STRAY_ID_VISIT),
            visit(q[2], "2026-10-08", findings=f"家属电话{STRAY_PHONE_FINDINGS}, 身份证 {STRAY_ID}"),
            visit(q[0], "2026-10-09", community=STRAY_PHONE_VISIT_COMMUNITY),
        ]),
        write_csv(folder / "探访-南市.csv", [
            VISIT_HEADER, *[visit(p, "2026-10-04", outcome="发现问题") for p in PEOPLE["南市"]],
            visit(PEOPLE["南市"][0], "2026-09-04"),
        ]),
        write_csv(folder / "探访-小白楼.csv", [VISIT_HEADER, visit(PEOPLE["小白楼"][0], "2026-10-02")]),
    ]
    result = Settings(db_path=folder / "warehouse.duckdb", config=parse_config(default_config_text()))
    results = ingest(files, result)
    assert all(r.status == "loaded" for r in results), results
    return result


@pytest.fixture(scope="session")
def store(settings) -> AccountStore:
    """One account per role in 劝业场, a staff member of one community, a user with no place, and an admin of all."""
    accounts = AccountStore(accounts_path(settings.db_path))
    for role in ROLES:
        accounts.add(f"q-{role}", role, QUANYECHANG, PASSWORD)
    accounts.add("c-staff", "staff", HUAYUANLU, PASSWORD)
    accounts.add("nowhere", "admin", "", PASSWORD)
    accounts.add("district-admin", "admin", DISTRICT, PASSWORD)
    return accounts


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


_addresses = iter(range(1, 60000))


def new_client(app, address: str | None = None):
    """A browser of its own (cookies), from an address of its own (the sign-in rate limit is per address)."""
    client = app.server.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = address or f"10.{n // 250 % 250}.{n % 250}.{n // 62500 + 1}"
    return client


def sign_in(client, username: str, password: str = PASSWORD, next_url: str | None = None):
    """The /login form as a browser fills it: the CSRF token from the form, then POST."""
    page = client.get("/login" + (f"?next={next_url}" if next_url else ""))
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/login", data=data)


def sign_out(client):
    """The navigation bar's sign-out as a browser sends it: the form's CSRF token, then POST."""
    return client.post("/logout", data={"csrf_token": csrf_token(client.get("/logout").get_data(as_text=True))})


def signed_in(app, username: str):
    client = new_client(app)
    answer = sign_in(client, username)
    assert answer.status_code == 302, (username, answer.status_code, answer.get_data(as_text=True)[:300])
    return client


# --- Dash callbacks as the browser sends them ----------------------------------------------------


def _parse_id(text: str):
    return json.loads(text) if text.startswith("{") else text


def dependencies(app) -> list[dict]:
    """The server-side callbacks, as /_dash-dependencies lists them for the browser."""
    return [d for d in app._callback_list if d.get("clientside_function") is None]  # noqa: SLF001


def payload(dep: dict, values: dict, states: dict, triggered: int = 0) -> dict:
    """The JSON body of /_dash-update-component for one callback.

    `values` and `states` map a property ("overdue-place.value", "url.search", or for pattern-matching
    ids the 'type' of the id, e.g. "table-query.data") to a value; a pattern-matching (ALL) input is
    sent as one matching component whose id gets the `table`/`format` given in values["__id__"].
    """
    def entry(item: dict, given: dict) -> dict | list:
        component_id = _parse_id(item["id"])
        prop = item["property"]
        if isinstance(component_id, dict):
            key = f"{component_id['type']}.{prop}"
            concrete = {k: (v if not isinstance(v, list) else given.get("__id__", {}).get(k))
                        for k, v in component_id.items()}
            concrete = {k: (given.get("__id__", {}).get(k, v) if v is None or isinstance(v, list) else v)
                        for k, v in concrete.items()}
            return [{"id": concrete, "property": prop, "value": given.get(key)}]
        return {"id": component_id, "property": prop, "value": given.get(f"{component_id}.{prop}")}

    inputs = [entry(i, values) for i in dep["inputs"]]
    state = [entry(s, states) for s in dep["state"]]
    first = inputs[triggered]
    if isinstance(first, list):
        changed = [json.dumps(first[0]["id"], sort_keys=True, separators=(",", ":")) + "." + first[0]["property"]]
    else:
        changed = [f"{first['id']}.{first['property']}"]
    output = dep["output"]
    outputs = [_output_entry(part) for part in _split_outputs(output)]
    return {"output": output, "outputs": outputs[0] if len(outputs) == 1 else outputs, "inputs": inputs,
            "changedPropIds": changed, "state": state}


def _split_outputs(output: str) -> list[str]:
    return output.strip(".").split("...") if output.startswith("..") else [output]


def _output_entry(part: str) -> dict:
    component_id, _, prop = part.rpartition(".")
    prop = prop.split("@")[0]
    return {"id": _parse_id(component_id), "property": prop}


def post_callback(client, body, fresh_limits: bool = True) -> tuple[int, str]:
    """POST a callback. The per-user bounds on exports and as-of rebuilds are reset first (unless asked not
    to): the scope tests send hundreds of requests and must see the answer, not a 429."""
    if fresh_limits:
        client.application.extensions["carevisit_limiter"].reset()
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    answer = client.post("/_dash-update-component", data=raw, content_type="application/json")
    return answer.status_code, answer.get_data(as_text=True)


def masked_id(id_number: str) -> str:
    return id_number[:4] + "*" * 10 + id_number[-4:]


def masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


OTHER_STREET_MARKERS += tuple(masked_id(p.id_number) for p in OTHER_PEOPLE) + tuple(
    masked_phone(p.phone) for p in OTHER_PEOPLE)
assert not {masked_id(p.id_number) for p in OTHER_PEOPLE} & {masked_id(p.id_number) for p in IN_SCOPE_PEOPLE}


def downloads(data) -> list[dict]:
    """Every file a callback answer hands the browser (dcc.send_bytes: base64 content and a file name)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "content" in node and "filename" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(data)
    return found


def file_rows(download: dict) -> list[list]:
    """The cells of an exported file, as a spreadsheet program would read them."""
    raw = base64.b64decode(download["content"]) if download.get("base64") else download["content"].encode()
    if download["filename"].endswith(".xlsx"):
        workbook = openpyxl.load_workbook(io.BytesIO(raw))
        return [[cell.value for cell in row] for sheet in workbook.worksheets for row in sheet.iter_rows()]
    text = raw.decode("utf-8-sig")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:  # a bare CR inside a field: read it as a spreadsheet would, a CR ends the row
        return [line.split(",") for line in re.split(r"\r\n|\r|\n", text)]


def readable(text: str) -> str:
    """An answer as a person would read it: JSON without \\u escapes, with every exported file's cells."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    parts = [json.dumps(data, ensure_ascii=False)]
    for download in downloads(data):
        parts.append(download["filename"])
        parts.extend("\t".join("" if v is None else str(v) for v in row) for row in file_rows(download))
    return "\n".join(parts)


@pytest.fixture(scope="session")
def app(settings, store):
    """The dashboard in sign-in mode (no local user), as `carevisit serve` builds it."""
    return create_app(settings)


@pytest.fixture(scope="session")
def deps(app, store) -> dict[str, dict]:
    """Server-side callbacks as the browser learns them from /_dash-dependencies, by output."""
    client = signed_in(app, "district-admin")
    assert client.get("/").status_code == 200  # Dash adds the pages' router on the first request
    answer = client.get("/_dash-dependencies")
    assert answer.status_code == 200
    found = {d["output"]: d for d in answer.get_json() if d["clientside_function"] is None}
    assert len(found) >= 8, sorted(found)
    return found


@pytest.fixture(scope="session")
def clients(app, store) -> dict[str, object]:
    """A signed-in browser for each role in 劝业场."""
    return {role: signed_in(app, f"q-{role}") for role in ROLES}


def router(deps) -> dict:
    return next(d for d in deps.values() if "_pages_content" in d["output"])


def dep_with_input(deps, component_id: str) -> dict:
    return next(d for d in deps.values() if any(i["id"] == component_id for i in d["inputs"]))


def show_page(client, deps, path: str, search: str = "", fresh_limits: bool = True) -> tuple[int, str]:
    """What the browser gets for a page: Dash's pages router called with the URL's path and query."""
    body = payload(router(deps), {"_pages_location.pathname": path, "_pages_location.search": search}, {})
    return post_callback(client, body, fresh_limits)


def export(client, deps, spec, file_format: str = "xlsx", table_id: str = "attack-table",
           fresh_limits: bool = True) -> tuple[int, str]:
    """Press a table's download button, with the spec stored beside the table."""
    body = payload(deps["table-file.data"],
                   {"table-download.n_clicks": 1, "__id__": {"table": table_id, "format": file_format}},
                   {"table-query.data": spec, "__id__": {"table": table_id}})
    return post_callback(client, body, fresh_limits)
