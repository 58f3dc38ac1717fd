"""Rate limits: sign-in POSTs per address, exports per user, and as-of recomputations per user."""

import datetime as dt
import json

import pytest

from dashboard.app import create_app
from dashboard.auth import LIMITS
from tests.security.conftest import (
    QUANYECHANG,
    csrf_token,
    export,
    new_client,
    payload,
    post_callback,
    show_page,
    signed_in,
)

SIGN_IN_PER_MINUTE = 10  # dashboard.auth.SIGN_IN_LIMIT
EXPORTS_PER_MINUTE = 30
AS_OF_PER_MINUTE = 20


@pytest.fixture(scope="module")
def limited_app(settings, store):
    """An app of its own. Its limiter counts in the accounts database, as every app and server process on this
    warehouse does: the other modules' counts are forgotten first, so that it counts only this module's requests."""
    app = create_app(settings)
    app.server.extensions["carevisit_limiter"].reset()
    return app


def test_too_many_sign_in_posts_from_one_address_get_429(limited_app):
    client = new_client(limited_app, address="192.0.2.50")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    # a wrong token costs the server nothing to refuse; the attempts still count
    statuses = [client.post("/login", data={"csrf_token": token + "x", "username": "q-staff",
                                            "password": f"guess-number-{n}"}).status_code
                for n in range(SIGN_IN_PER_MINUTE + 2)]
    assert 429 not in statuses[:SIGN_IN_PER_MINUTE], statuses
    assert statuses[-1] == 429, statuses
    # the sign-in form again, saying why in the user's language, not the web framework's English page
    refused = client.post("/login", data={"csrf_token": token, "username": "q-staff", "password": "x"})
    assert refused.status_code == 429 and 'name="password"' in refused.get_data(as_text=True)
    assert "操作过于频繁, 请一分钟后再试" in refused.get_data(as_text=True)
    english = client.post("/login?lang=en", data={"csrf_token": token, "username": "q-staff", "password": "x"})
    assert "Too many requests: try again in a minute" in english.get_data(as_text=True)


def test_the_right_password_is_also_refused_once_an_address_is_over_the_limit(limited_app):
    client = new_client(limited_app, address="192.0.2.51")
    for n in range(SIGN_IN_PER_MINUTE):
        client.post("/login", data={"csrf_token": "forged", "username": "q-staff", "password": f"guess-{n}"})
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"csrf_token": token, "username": "q-staff", "password": "whatever-else"})
    assert answer.status_code == 429


def test_another_address_is_not_blocked(limited_app):
    client = new_client(limited_app, address="192.0.2.52")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"csrf_token": token + "x", "username": "q-staff", "password": "x"})
    assert answer.status_code == 400


def test_the_sign_in_limit_does_not_trust_a_forwarded_for_header(limited_app):
    """Without --behind-proxy, X-Forwarded-For is the attacker's to write: it must not buy new attempts."""
    client = new_client(limited_app, address="192.0.2.53")
    statuses = [client.post("/login", data={"csrf_token": "forged", "username": "q-staff", "password": f"g{n}"},
                            headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
                for n in range(SIGN_IN_PER_MINUTE + 2)]
    assert statuses[-1] == 429, statuses


def test_too_many_exports_per_minute_get_429(limited_app, deps):
    client = signed_in(limited_app, "q-inspector")
    spec = {"table": "freshness", "lang": "zh"}
    statuses = [export(client, deps, spec, "csv", fresh_limits=False)[0] for _ in range(EXPORTS_PER_MINUTE + 2)]
    assert statuses[:EXPORTS_PER_MINUTE] == [200] * EXPORTS_PER_MINUTE, statuses
    assert statuses[-1] == 429, statuses


def as_of_dates(count: int) -> list[str]:
    start = dt.date(2026, 9, 1)
    return [(start + dt.timedelta(days=n)).isoformat() for n in range(count)]


def test_as_of_recomputations_are_bounded_per_user(limited_app, deps):
    """Each new as-of date rebuilds a month (up to 2 s on a district): exports and pages, alternately, with a new
    date each time; past the bound the answer is 429 (or the page's 操作过于频繁). The user's first rebuilds of
    the minute are counted on the server's own limiter beforehand, so that the last few, and the refusal, are
    sent well inside the minute however slow the machine: exactly as many as remain are served."""
    remaining = 4
    limiter = limited_app.server.extensions["carevisit_limiter"].limiter
    for _ in range(AS_OF_PER_MINUTE - remaining):
        assert limiter.hit(LIMITS["as_of"], "as_of", "q-staff")
    client = signed_in(limited_app, "q-staff")
    answers = []
    for n, day in enumerate(as_of_dates(remaining + 2)):
        if n % 2:
            status, text = show_page(client, deps, "/", f"?place={QUANYECHANG}&month=2026-09&as_of={day}",
                                     fresh_limits=False)
        else:
            status, text = export(client, deps, {"table": "people", "place": QUANYECHANG, "month": "2026-09",
                                                 "as_of": day, "lang": "zh"}, "csv", fresh_limits=False)
        answers.append(429 if "操作过于频繁" in text else status)
    assert answers == [200] * remaining + [429, 429], answers


def test_the_limits_are_per_user_not_global(limited_app, deps):
    client = signed_in(limited_app, "q-admin")
    status, _text = export(client, deps, {"table": "freshness", "lang": "zh"}, "csv", fresh_limits=False)
    assert status == 200, "one user's exports used up another's"


def test_a_click_past_the_unmask_limit_says_so_in_the_dialog_and_is_audited(limited_app, deps, store):
    # review 16 M1: past 30 people an hour a click on a name did nothing on screen, a 429 in the console only
    limiter = limited_app.server.extensions["carevisit_limiter"].limiter
    for _ in range(LIMITS["unmask"].amount):
        assert limiter.hit(LIMITS["unmask"], "unmask", "q-staff")
    client = signed_in(limited_app, "q-staff")
    dep = next(d for d in deps.values() if "unmask-modal.is_open" in d["output"])
    grid = dep["inputs"][0]["id"]
    body = payload(dep, {f"{grid}.cellClicked": {"colId": "name", "rowId": "0", "rowIndex": 0}},
                   {"table-query.data": {"table": "people", "place": QUANYECHANG, "month": "2026-09", "lang": "zh"},
                    "__id__": {"table": grid}})
    body["state"] = [entry for entries in body["state"] for entry in entries]  # the table's own store, no pattern
    status, text = post_callback(client, body, fresh_limits=False)
    assert status == 200, text
    assert f"一小时内最多查看 {LIMITS['unmask'].amount} 位老人的完整信息: 已达上限, 本次未显示" in json.dumps(
        json.loads(text), ensure_ascii=False)
    assert '"is_open":true' in text.replace(" ", "")
    [newest] = [r for r in store.events() if r["username"] == "q-staff"][:1]  # newest first
    assert newest["event"] == "refused" and json.loads(newest["detail"])["permission"] == "unmask_limit"
