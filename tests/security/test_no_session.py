"""Without a session every route and callback is refused (401) or sent to /login; sign-in never redirects off-site."""

from urllib.parse import parse_qs, urlsplit

import dash
import pytest

from tests.security.conftest import (
    MONTH,
    PASSWORD,
    QUANYECHANG,
    new_client,
    payload,
    post_callback,
    readable,
    sign_in,
    sign_out,
)


def assert_sent_to_sign_in(answer, path: str) -> None:
    assert answer.status_code in (302, 401), (path, answer.status_code)
    if answer.status_code == 302:
        location = urlsplit(answer.headers["Location"])
        assert location.netloc in ("", "localhost") and location.path == "/login", answer.headers["Location"]
        target = parse_qs(location.query).get("next", ["/"])[0]
        assert target.startswith("/") and not target.startswith("//"), target


def page_paths() -> list[str]:
    return sorted({page["path"] for page in dash.page_registry.values()})


def test_the_pages_are_known(deps):
    assert {"/", "/community", "/overdue", "/risk", "/data", "/changes", "/audit"} <= set(page_paths())


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/_dash-dependencies", "/logout", "/_reload-hash",
                                  f"/community?place={QUANYECHANG}&month={MONTH}", "/overdue?place=all",
                                  "/data", "/audit", "/risk", "/changes", "/nonexistent"])
def test_a_route_without_a_session_is_refused_or_sent_to_sign_in(app, deps, path):
    answer = new_client(app).get(path)
    assert_sent_to_sign_in(answer, path)
    assert "王" not in answer.get_data(as_text=True)


def test_every_page_of_the_registry_without_a_session_is_refused_or_sent_to_sign_in(app, deps):
    client = new_client(app)
    for path in page_paths():
        assert_sent_to_sign_in(client.get(path), path)
        assert_sent_to_sign_in(client.get(f"{path}?place={QUANYECHANG}&month={MONTH}"), path)


def realistic_values(dep: dict, path: str) -> tuple[dict, dict]:
    """Inputs and states as a signed-in browser would send them for this callback."""
    search = f"?place={QUANYECHANG}&month={MONTH}"
    values = {"_pages_location.pathname": path, "_pages_location.search": search, "url.pathname": path,
              "url.search": search, "overdue-place.value": QUANYECHANG, "overview-month.value": MONTH,
              "risk-open-problems-spec.data": {"place": QUANYECHANG, "month": MONTH, "as_of": None, "lang": "zh",
                                               "count": 2},
              "table-download.n_clicks": 1, "__id__": {"table": "t", "format": "csv"}}
    states = {"url.search": search, "__id__": {"table": "t"},
              "table-query.data": {"table": "people", "place": QUANYECHANG, "month": MONTH, "lang": "zh"}}
    return values, states


def test_every_callback_without_a_session_is_refused(app, deps):
    client = new_client(app)
    for output, dep in deps.items():
        for path in page_paths():
            values, states = realistic_values(dep, path)
            for triggered in range(len(dep["inputs"])):
                status, text = post_callback(client, payload(dep, values, states, triggered))
                assert status == 401, (output, path, status, text[:200])
                assert "王" not in readable(text) and "content" not in text, output


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_the_callback_route_with_other_methods_without_a_session_is_refused(app, deps, method):
    answer = new_client(app).open("/_dash-update-component", method=method, data="{}",
                                  content_type="application/json")
    assert answer.status_code in (302, 401, 405), answer.status_code
    assert answer.status_code != 200


def test_a_forged_session_cookie_is_refused(app, deps):
    client = new_client(app)
    client.set_cookie("carevisit_session", "eyJfdXNlcl9pZCI6InEtYWRtaW46MCJ9.forged.signature")
    assert_sent_to_sign_in(client.get("/"), "/")
    status, _text = post_callback(client, payload(
        deps["navbar.children"], {"url.pathname": "/", "url.search": ""}, {}))
    assert status == 401


def test_after_sign_out_the_old_cookie_opens_nothing(app, deps, store):
    # an account of its own: signing out ends every session of the account, the shared clients' too
    store.add("q-signs-out", "inspector", QUANYECHANG, PASSWORD)
    client = new_client(app)
    assert sign_in(client, "q-signs-out").status_code == 302
    cookie = client.get_cookie("carevisit_session")
    assert cookie is not None
    assert sign_out(client).status_code == 302
    replay = new_client(app)
    replay.set_cookie("carevisit_session", cookie.value)  # a copy kept by whoever saw the cookie
    status, _text = post_callback(replay, payload(
        deps["navbar.children"], {"url.pathname": "/", "url.search": ""}, {}))
    assert status == 401, "a session cookie still works after signing out"


def test_another_site_cannot_sign_a_user_out(app, deps, store):
    # an image or link of another site pointing at /logout (a GET), or a form posting there without the session's
    # token, had signed the user out: the session still opens the dashboard after both
    store.add("q-stays-in", "inspector", QUANYECHANG, PASSWORD)
    client = new_client(app)
    assert sign_in(client, "q-stays-in").status_code == 302
    assert client.get("/logout").status_code == 200  # the page with the button that signs out
    assert client.post("/logout", data={}).status_code == 400
    status, text = post_callback(client, payload(deps["navbar.children"], {"url.pathname": "/", "url.search": ""}, {}))
    assert status == 200, text
    assert [e["event"] for e in store.events() if e["username"] == "q-stays-in"] == ["sign_in"]


EVIL_TARGETS = [
    "https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "https:evil.example",
    "http:/evil.example", "javascript:alert(1)", "/%2F%2Fevil.example", "%2F%2Fevil.example",
    "/\t/evil.example", " //evil.example", "///evil.example", "\x00//evil.example", "/.//evil.example",
]


def assert_local(location: str) -> None:
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location
    assert parts.scheme in ("", "http", "https") and not location.lstrip().startswith("//"), location
    # what a browser would make of the Location header: backslashes count as slashes, tabs are dropped
    browser_view = location.replace("\\", "/").replace("\t", "").strip()
    assert not browser_view.startswith("//") and "evil.example" not in urlsplit(browser_view).netloc, location


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example"])
def test_signing_in_never_redirects_off_site(app, store, target):
    answer = sign_in(new_client(app), "q-staff", next_url=target)
    assert answer.status_code == 302
    assert_local(answer.headers["Location"])


@pytest.fixture(scope="module")
def signed_in_browser(app, store):
    client = new_client(app)
    assert sign_in(client, "q-analyst", next_url=f"/overdue?place={QUANYECHANG}").status_code == 302
    return client


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_the_sign_in_page_of_a_signed_in_user_never_redirects_off_site(signed_in_browser, target):
    answer = signed_in_browser.get("/login", query_string={"next": target})
    assert answer.status_code == 302
    assert_local(answer.headers["Location"])


def test_sign_in_keeps_a_local_next(signed_in_browser):
    answer = signed_in_browser.get("/login", query_string={"next": f"/overdue?place={QUANYECHANG}"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/overdue?place={QUANYECHANG}")


def test_the_callbacks_tried_are_every_server_callback_of_the_app(app, deps):
    """What /_dash-dependencies lists (and these tests call) covers app.callback_map, but its browser-only ones."""
    # clientside callbacks run in the browser (JavaScript): they never reach the server
    server_side = {output for output, callback in app.callback_map.items() if callback.get("callback") is not None}
    assert server_side <= set(deps), server_side - set(deps)
