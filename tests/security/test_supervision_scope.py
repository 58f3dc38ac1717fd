"""督查 for a 劝业场 inspector: the page, the draw and the check-list file hold nothing of another street."""

import json

import pytest

from tests.security.conftest import (
    DISTRICT,
    HUAYUANLU,
    MONTH,
    NANSHI,
    QINGYOU,
    QUANYECHANG,
    ROLES,
    TAIANDAO,
    dep_with_input,
    downloads,
    file_rows,
    payload,
    post_callback,
    show_page,
)
from tests.security.test_scope import MALFORMED_PLACES, check_all, search


def download(client, deps, spec) -> tuple[int, str]:
    body = payload(dep_with_input(deps, "supervision-download"), {"supervision-download.n_clicks": 1},
                   {"supervision-spec.data": spec})
    return post_callback(client, body)


def spec(place=QUANYECHANG, **more) -> dict:
    return {"place": place, "month": MONTH, "as_of": None, "pick": None, "sample": None, "seed": None} | more


@pytest.mark.parametrize("role", ROLES)
def test_draws_and_picks_of_other_places_show_nothing_of_them(clients, deps, role):
    client = clients[role]
    queries = [{"sample": "50", "seed": "1"}, {"sample": "-1"}, {"seed": "-5", "sample": "1"},
               {"pick": f"{QINGYOU},{TAIANDAO}"}, {"pick": f"{HUAYUANLU},{QINGYOU}"}, {"pick": "' OR 1=1 --"},
               {"pick": ["a", "b"]}, {"sample": "99999999999999999999999"}]
    check_all((("query", q), show_page(client, deps, "/supervision", search(QUANYECHANG, **q)), None)
              for q in queries)


@pytest.mark.parametrize("role", ["inspector", "admin"])
def test_check_list_files_of_other_places_are_refused(clients, deps, role):
    client = clients[role]
    specs = [spec(p, sample="1") for p in (DISTRICT, NANSHI, QINGYOU, "all", *MALFORMED_PLACES)]
    specs += [spec(pick=f"{QINGYOU}"), spec(pick=f"{HUAYUANLU},{TAIANDAO}"), spec(sample="1", seed="-1"),
              spec(month="2999-12", sample="1"), None, [], {"place": [QUANYECHANG, NANSHI]}]
    check_all((("spec", s), download(client, deps, s), None) for s in specs)


def test_an_inspectors_check_list_is_their_street_and_is_audited(clients, deps, store):
    status, text = download(clients["inspector"], deps, spec(pick=HUAYUANLU))
    assert status == 200
    files = downloads(json.loads(text))
    rows = file_rows(files[0])
    assert any("花园路" in str(cell) for row in rows for cell in row)
    record = store.events(limit=5)
    exported = next(r for r in record if r["event"] == "export" and r["username"] == "q-inspector")
    assert json.loads(exported["detail"])["table"] == "checklist" and exported["file_sha256"]


@pytest.mark.parametrize("role", ["leader", "staff", "analyst"])
def test_roles_that_may_not_export_check_lists_are_refused(clients, deps, role):
    status, _ = download(clients[role], deps, spec(sample="1"))
    assert status == 403
