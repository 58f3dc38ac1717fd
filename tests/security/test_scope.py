"""Every callback and export, for every role of 劝业场, with every place outside its scope and malformed input:
refused (4xx) or without a trace of another street. Analysts get no person lists; leaders no person files."""

import re
from urllib.parse import quote, urlencode

import duckdb
import pytest

from dashboard import tables
from tests.security.conftest import (
    BAIHUO,
    BINXI,
    DISTRICT,
    HUAYUANLU,
    IN_SCOPE_PEOPLE,
    MONTH,
    NANSHI,
    OTHER_STREET_MARKERS,
    QUANYECHANG,
    ROLES,
    XIAOBAILOU,
    dep_with_input,
    downloads,
    export,
    file_rows,
    payload,
    post_callback,
    readable,
    show_page,
)

# Input that is not a place at all, or a place spelled to slip past a careless check.
MALFORMED_PLACES = [
    None, [NANSHI], [QUANYECHANG, NANSHI], {"code": NANSHI}, 120101006000, "%", "_", "' OR 1=1 --",
    f"{QUANYECHANG}' OR '1'='1", "all", "ALL", "*", "", " ", f" {NANSHI}", f"{NANSHI}\x00", "12010100",
    "120101006", "1201010060", "12010100600", "120101", "1201010010", "12010100101", f"{QUANYECHANG}%",
    "../" + NANSHI, "120101006000;", "１２０１０１００６０００",
]
BAD_MONTHS = ["2999-12", "x", "2026-13", "' OR 1=1 --", ["2026-10", "2026-09"], None]
BAD_AS_OF = ["2999-12-31", "0001-01-01", "x", "2026-09-30", "' OR 1=1 --", ["2026-10-05"]]
PLACE_PAGES = ("/", "/community", "/overdue", "/risk", "/changes", "/supervision")
PERSON_EXPORTS = ("people", "changes", "findings", "rejects")
# a person of the in-scope street in a list: a masked name (王**)
MASKED_PERSON = re.compile(r"王\*+")


@pytest.fixture(scope="module")
def outside(settings) -> list[str]:
    """Every division in the warehouse that 劝业场 is not: the district above it, the other streets and their
    communities."""
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        codes = [c for (c,) in con.execute(
            "select code from place_tree where coalesce(street_code, '') <> ? and code <> ? order by code",
            [QUANYECHANG, QUANYECHANG]).fetchall()]
    finally:
        con.close()
    assert DISTRICT in codes and NANSHI in codes and XIAOBAILOU in codes and HUAYUANLU not in codes
    return codes


@pytest.fixture(scope="module")
def attacks(outside) -> list:
    """The district, every other street, one community of each, and every malformed place (for each role)."""
    streets = [c for c in outside if c.endswith("000")]
    communities = {c[:9]: c for c in reversed(outside) if not c.endswith("000")}
    return streets + sorted(communities.values()) + MALFORMED_PLACES


@pytest.fixture(scope="module")
def every_outside(outside) -> list:
    return outside


def search(place=QUANYECHANG, month=MONTH, **more) -> str:
    query = [("place", p) for p in (place if isinstance(place, list) else [place]) if p is not None]
    query += [("month", m) for m in (month if isinstance(month, list) else [month]) if m is not None]
    query += [(k, x) for k, v in more.items() for x in (v if isinstance(v, list) else [v]) if v is not None]
    return "?" + urlencode([(k, str(v)) for k, v in query])


def echoes(value) -> list[str]:
    """How a value the attacker sent may come back in a URL built from it (not a leak: their own input)."""
    text = str(value)
    return sorted({text, quote(text), quote(text, safe=""), quote(text).replace("%20", "+")}, key=len, reverse=True)


def leaks(status: int, text: str, sent=None) -> list[str]:
    """Why an answer is not acceptable: a server error, or a mark of another street in it."""
    if 400 <= status < 500 and status != 429:  # 429 would hide the answer: the limits are reset before each call
        return []
    if status != 200:
        return [f"status {status}"]
    shown = readable(text)
    for value in ([] if sent is None else sent if isinstance(sent, list) else [sent]):
        for echo in echoes(value):
            if echo.strip():
                shown = shown.replace(echo, "")
    return [marker for marker in OTHER_STREET_MARKERS if marker in shown]


def check_all(cases) -> None:
    """Run every case and report every one that fails, not only the first."""
    failures = []
    for label, (status, text), sent in cases:
        found = leaks(status, text, sent)
        if found:
            failures.append(f"{label}: {found[:4]} (status {status})")
    assert not failures, f"{len(failures)} answers leak or fail:\n" + "\n".join(failures[:25])


# --- pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PLACE_PAGES)
def test_a_page_for_a_place_outside_the_scope_shows_nothing_of_it(clients, deps, attacks, role, path):
    client = clients[role]
    check_all(((path, place), show_page(client, deps, path, search(place)), None) for place in attacks)


@pytest.mark.parametrize("role", ROLES)
def test_data_and_audit_pages_show_nothing_of_other_streets(clients, deps, role):
    client = clients[role]
    check_all(((path, place), show_page(client, deps, path, search(place)), None)
              for path in ("/data", "/audit") for place in (None, NANSHI))


@pytest.mark.parametrize("path", PLACE_PAGES)
def test_every_community_outside_the_scope_is_refused_on_pages(clients, deps, every_outside, path):
    """Scope does not depend on the role: every division outside 劝业场 once, for staff (who see people)."""
    client = clients["staff"]
    check_all(((path, place), show_page(client, deps, path, search(place)), None) for place in every_outside)


def test_every_community_outside_the_scope_is_refused_in_exports(clients, deps, every_outside):
    client = clients["staff"]
    check_all(((table, place), export(client, deps, specs(table, place), "csv"), None)
              for table in ("people", "changes") for place in every_outside)


@pytest.mark.parametrize("role", ["staff"])  # pages differ by role only in their person lists
def test_malformed_months_and_as_of_dates_on_pages_show_nothing_of_other_streets(clients, deps, role):
    client = clients[role]
    cases = [((path, "month", m), show_page(client, deps, path, search(month=m)), None)
             for path in PLACE_PAGES for m in BAD_MONTHS]
    cases += [((path, "as_of", a), show_page(client, deps, path, search(as_of=a)), None)
              for path in PLACE_PAGES for a in BAD_AS_OF]
    cases += [((path, "filters"), show_page(client, deps, path, search(
        category="' OR 1=1 --", risk="高,' OR 1=1 --", kind="%", reason="' OR 1=1 --", rate="x")), None)
        for path in PLACE_PAGES]
    check_all(cases)


# --- callbacks of the pages ------------------------------------------------------------------------


def click(place) -> dict:
    return {"points": [{"customdata": place}]}


@pytest.mark.parametrize("role", ROLES)
def test_navigation_callbacks_with_a_place_outside_the_scope_leak_nothing(clients, deps, attacks, role):
    client = clients[role]
    overview, overdue = dep_with_input(deps, "overview-map"), dep_with_input(deps, "overdue-place")
    risk, community = dep_with_input(deps, "risk-bars"), dep_with_input(deps, "community-month")
    cases = []
    for place in attacks:
        url = {"url.search": search(place)}
        for trigger in (0, 1):  # a click on the map, on the ranked bars
            body = payload(overview, {"overview-map.clickData": click(place), "overview-bars.clickData": click(place),
                                      "overview-month.value": MONTH, "overview-rate.value": "visit_rate_home"},
                           url, trigger)
            cases.append((("overview", trigger, place), post_callback(client, body), place))
        body = payload(overdue, {"overdue-place.value": place, "overdue-month.value": MONTH}, url, 0)
        cases.append((("overdue", place), post_callback(client, body), place))
        body = payload(risk, {"risk-bars.clickData": click(place), "risk-month.value": MONTH}, url, 2)
        cases.append((("risk", place), post_callback(client, body), place))
        body = payload(community, {"community-month.value": "2026-09"}, url, 0)
        cases.append((("community", place), post_callback(client, body), place))
        body = payload(deps["navbar.children"], {"url.pathname": "/", "url.search": search(place)}, {})
        cases.append((("navbar", place), post_callback(client, body), place))
    check_all(cases)


def problems_spec(place=QUANYECHANG, month=MONTH, as_of=None) -> dict:
    return {"place": place, "month": month, "as_of": as_of, "lang": "zh", "count": 99}


@pytest.mark.parametrize("role", ROLES)
def test_the_open_problems_list_for_a_place_outside_the_scope_shows_nothing_of_it(clients, deps, attacks, role):
    client, dep = clients[role], dep_with_input(deps, "risk-open-problems-spec")
    cases = [(("open problems", place), post_callback(client, payload(
        dep, {"risk-open-problems-spec.data": problems_spec(place)}, {})), None) for place in attacks]
    cases += [(("open problems month", m), post_callback(client, payload(
        dep, {"risk-open-problems-spec.data": problems_spec(month=m)}, {})), None) for m in BAD_MONTHS]
    cases += [(("open problems as_of", a), post_callback(client, payload(
        dep, {"risk-open-problems-spec.data": problems_spec(as_of=a)}, {})), None) for a in BAD_AS_OF]
    cases += [(("open problems spec", s), post_callback(client, payload(
        dep, {"risk-open-problems-spec.data": s}, {})), None)
        for s in (None, [], "x", {"place": NANSHI}, {}, [problems_spec(NANSHI)])]
    check_all(cases)


# --- exports -------------------------------------------------------------------------------------


def specs(table: str, place) -> dict:
    spec = {"table": table, "place": place, "month": MONTH, "as_of": None, "lang": "zh"}
    return spec | ({"group": "joined"} if table == "changes" else {})


@pytest.mark.parametrize("role", ROLES)
def test_person_exports_for_a_place_outside_the_scope_carry_nothing_of_it(clients, deps, attacks, role):
    client = clients[role]
    check_all(((table, place), export(client, deps, specs(table, place), "csv"), None)
              for table in ("people", "changes") for place in attacks)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("table", sorted(set(tables.COLUMNS) | {"audit"}))
def test_every_export_carries_nothing_of_other_streets(clients, deps, role, table):
    """Tables that take no place must still be cut to the user's scope (loads, rejects, audit ...)."""
    client = clients[role]
    check_all(((table, place, fmt), export(client, deps, specs(table, place), fmt), None)
              for place, fmt in ((NANSHI, "xlsx"), (NANSHI, "csv"), (None, "csv"), ("all", "csv")))


@pytest.mark.parametrize("role", ROLES)
def test_exports_with_malformed_months_and_as_of_dates_carry_nothing_of_other_streets(clients, deps, role):
    client = clients[role]
    cases = [(("month", table, m), export(client, deps, specs(table, QUANYECHANG) | {"month": m}, "csv"), None)
             for table in ("people", "changes") for m in BAD_MONTHS]
    cases += [(("as_of", table, a), export(client, deps, specs(table, QUANYECHANG) | {"as_of": a}, "csv"), None)
              for table in ("people", "changes") for a in BAD_AS_OF]
    cases += [(("spec", s), export(client, deps, s, "csv"), None) for s in (
        None, [], "people", {"table": "people"}, {"table": "../etc/passwd"}, {"table": ["people"], "place": NANSHI},
        specs("people", QUANYECHANG) | {"work_list": "' OR 1=1 --", "category": "' OR 1=1 --", "risk": ["%"]},
        specs("changes", QUANYECHANG) | {"group": "' OR 1=1 --", "reason": "%"})]
    check_all(cases)


def exported_rows(answer) -> list[list]:
    status, text = answer
    assert status == 200, (status, text[:200])
    import json
    files = downloads(json.loads(text))
    assert len(files) == 1
    return file_rows(files[0])


@pytest.mark.parametrize("as_of", ["2999-12-31", "2027-06-30", "0001-01-01", "x", "2026-10-32"])
def test_an_export_with_an_as_of_date_outside_the_data_is_refused_or_the_screens_rows(clients, deps, as_of):
    """As pages do: an as-of date outside the month and the data date is refused or ignored, never recomputed."""
    client = clients["staff"]
    spec = specs("people", QUANYECHANG) | {"work_list": True}
    screen = exported_rows(export(client, deps, spec, "csv"))
    status, text = export(client, deps, spec | {"as_of": as_of}, "csv")
    if 400 <= status < 500:
        return
    assert status == 200, (status, text[:200])
    assert exported_rows((status, text)) == screen, f"as_of={as_of} exported another list than the screen's"


@pytest.mark.parametrize("month", ["2999-12", "1900-01", "x"])
def test_an_export_for_a_month_without_data_is_refused_or_empty(clients, deps, month):
    status, text = export(clients["staff"], deps, specs("people", QUANYECHANG) | {"month": month}, "csv")
    if 400 <= status < 500:
        return
    assert status == 200, (status, text[:200])
    assert len(exported_rows((status, text))) <= 1, f"month={month} exported people"


def test_a_bad_place_in_an_export_is_a_400_not_a_500(clients, deps):
    failures = []
    for place in (None, [NANSHI], {"code": NANSHI}, 120101006000):
        status, _text = export(clients["staff"], deps, specs("people", place), "csv")
        if status != 400 and not (400 <= status < 500):
            failures.append((place, status))
    assert not failures


# --- what each role may see ------------------------------------------------------------------------


def test_the_scope_check_can_fail(app, clients, deps):
    """The markers do find another street when it is there: the district admin sees 南市 on the overview."""
    from tests.security.conftest import signed_in
    status, text = show_page(signed_in(app, "district-admin"), deps, "/", search(DISTRICT))
    assert status == 200 and "南市" in leaks(status, text)
    status, text = show_page(clients["admin"], deps, "/", search(QUANYECHANG))
    assert status == 200 and not leaks(status, text) and "花园路" in readable(text)


def test_staff_see_and_export_their_own_street(clients, deps):
    status, text = show_page(clients["staff"], deps, "/community", search(HUAYUANLU))
    assert status == 200 and MASKED_PERSON.search(readable(text))
    rows = exported_rows(export(clients["staff"], deps, specs("people", QUANYECHANG), "csv"))
    assert len(rows) > len(IN_SCOPE_PEOPLE)
    assert {row[1] for row in rows[1:]} == {"劝业场"}, "the street column of a 劝业场 export"


@pytest.mark.parametrize("path,query", [
    ("/community", {"place": HUAYUANLU}), ("/community", {"place": BAIHUO}), ("/overdue", {"place": QUANYECHANG}),
    ("/risk", {"place": QUANYECHANG}), ("/changes", {"place": QUANYECHANG, "kind": "joined"}),
    ("/changes", {"place": HUAYUANLU, "kind": "stayed"}), ("/data", {}),
])
def test_an_analyst_sees_no_person_list_on_any_page(clients, deps, path, query):
    status, text = show_page(clients["analyst"], deps, path, search(**query))
    assert status in (200, 403)
    assert not MASKED_PERSON.search(readable(text)), f"{path}: a person list for an analyst"
    # the risk page's list comes in a callback of its own
    status, text = post_callback(clients["analyst"], payload(
        dep_with_input(deps, "risk-open-problems-spec"), {"risk-open-problems-spec.data": problems_spec()}, {}))
    assert not MASKED_PERSON.search(readable(text)), "open problems for an analyst"


@pytest.mark.parametrize("role", ["analyst", "leader"])
@pytest.mark.parametrize("table", PERSON_EXPORTS)
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_analysts_and_leaders_may_not_export_person_tables(clients, deps, role, table, file_format):
    status, text = export(clients[role], deps, specs(table, QUANYECHANG), file_format)
    assert status == 403, (status, readable(text)[:200])


@pytest.mark.parametrize("role", ["inspector", "staff", "admin"])
def test_roles_with_person_exports_get_their_street(clients, deps, role):
    rows = exported_rows(export(clients[role], deps, specs("people", QUANYECHANG), "xlsx"))[tables.HEADER_ROW - 1:]
    assert len(rows) > 1 and {row[1] for row in rows[1:]} == {"劝业场"}


def test_a_leader_sees_masked_lists(clients, deps):
    status, text = show_page(clients["leader"], deps, "/community", search(HUAYUANLU))
    assert status == 200 and MASKED_PERSON.search(readable(text))


@pytest.mark.parametrize("role", ["leader", "analyst"])
@pytest.mark.parametrize("table", ["freshness", "warnings", "snapshots"])
def test_aggregate_exports_stay_open_to_leaders_and_analysts(clients, deps, role, table):
    rows = exported_rows(export(clients[role], deps, specs(table, QUANYECHANG), "csv"))
    assert rows


def test_the_values_no_mapping_knows_are_for_the_roles_that_see_people_not_the_analyst(clients, deps):
    # free text typed about people (a diagnosis, a carer's name: review 2026-12-04), though no one's row
    assert exported_rows(export(clients["leader"], deps, specs("unknown_values", QUANYECHANG), "csv"))
    status, _text = export(clients["analyst"], deps, specs("unknown_values", QUANYECHANG), "csv")
    assert status == 403
    status, text = show_page(clients["analyst"], deps, "/data", search(QUANYECHANG))
    assert status == 200 and "data-unknown_values" not in text
    status, text = show_page(clients["leader"], deps, "/data", search(QUANYECHANG))
    assert status == 200 and "data-unknown_values" in text


def test_a_user_without_a_place_sees_nothing(app, deps):
    from tests.security.conftest import signed_in
    client = signed_in(app, "nowhere")
    for path in ("/", "/community", "/overdue", "/data", "/audit"):
        status, text = show_page(client, deps, path, search(HUAYUANLU))
        shown = readable(text)
        assert 400 <= status < 500 or not (MASKED_PERSON.search(shown) or "花园路" in shown), path
    status, text = export(client, deps, specs("people", HUAYUANLU), "csv")
    assert 400 <= status < 500, status


# --- a community's staff member: the street and the sibling communities are outside --------------

SIBLING_MARKERS = ("滨西", "百货大楼", BINXI, BAIHUO)


def sibling_leaks(status: int, text: str) -> list[str]:
    if 400 <= status < 500 and status != 429:
        return []
    if status != 200:
        return [f"status {status}"]
    shown = readable(text)
    return [m for m in SIBLING_MARKERS + OTHER_STREET_MARKERS if m in shown]


@pytest.fixture(scope="module")
def community_staff(app, store):
    from tests.security.conftest import signed_in
    return signed_in(app, "c-staff")


COMMUNITY_ATTACKS = [QUANYECHANG, BINXI, BAIHUO, DISTRICT, NANSHI, "12010100101", "120101001", "1201010010",
                     f"{HUAYUANLU}%", "all"]


def test_a_community_user_sees_their_community(community_staff, deps):
    status, text = show_page(community_staff, deps, "/community", search(HUAYUANLU))
    assert status == 200 and MASKED_PERSON.search(readable(text)) and not sibling_leaks(status, text)


@pytest.mark.parametrize("path", PLACE_PAGES + ("/data",))
def test_a_community_user_sees_nothing_of_the_street_or_its_other_communities(community_staff, deps, path):
    failures = []
    for place in COMMUNITY_ATTACKS:
        status, text = show_page(community_staff, deps, path, search(place))
        if found := sibling_leaks(status, text):
            failures.append((place, found[:4]))
    assert not failures, failures


def test_a_community_user_sees_how_recent_their_communitys_data_is(community_staff, deps):
    """Their street's row would tell of its other communities: the table was empty (review 4 M9). Now their
    community's own: its latest visit and its roster in force."""
    rows = exported_rows(export(community_staff, deps, specs("freshness", None), "csv"))
    assert rows[0][:3] == ["地区", "最新探访记录", "探访记录数"] and len(rows) == 2
    assert rows[1][0].startswith("花园路") and rows[1][1] and int(rows[1][2]) > 0 and rows[1][4]
    status, text = show_page(community_staff, deps, "/data")
    assert status == 200 and "本社区数据新鲜度" in readable(text) and not sibling_leaks(status, text)
    assert "本社区导入警告" in readable(text) and "各街道" not in readable(text)  # (review 7b L11)


@pytest.mark.parametrize("table", ["people", "changes", "rejects", "findings", "warnings", "unknown_values",
                                   "loads", "snapshots", "freshness", "alerts"])
def test_a_community_users_exports_hold_only_their_community(community_staff, deps, table):
    failures = []
    for place in COMMUNITY_ATTACKS[:4] + [None]:
        status, text = export(community_staff, deps, specs(table, place), "csv")
        if found := sibling_leaks(status, text):
            failures.append((place, found[:4]))
    assert not failures, failures


@pytest.mark.parametrize("button", ["reports-download", "reports-bulletin-download"])
def test_a_report_of_a_place_outside_the_scope_is_refused_not_a_server_error(clients, deps, button):
    """(review 2026-12-04: the 汇总表 and 通报 downloads answered 500, a traceback in the server's log each time)"""
    dep = dep_with_input(deps, button)
    spec = {"place": NANSHI, "month": MONTH, "lang": "zh", "as_of": None}
    status, text = post_callback(clients["staff"], payload(dep, {f"{button}.n_clicks": 1}, {"reports-spec.data": spec}))
    assert status == 403 and "南市" not in readable(text)
