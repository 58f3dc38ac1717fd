"""Unmasking (DESIGN §6): only staff, one person at a time, of their own place, each view logged. The callback is sent
as the browser sends it, as every role and with what a hostile client could write in its place."""

import json

import duckdb
import pytest

from tests.security.conftest import (
    ID_PATTERN,
    MOBILE_PATTERN,
    MONTH,
    NANSHI,
    OTHER_PEOPLE,
    QINGYOU,
    QUANYECHANG,
    ROLES,
    masked_id,
    payload,
    post_callback,
)


@pytest.fixture(scope="module")
def unmask(deps):
    """Send a click on the name cell of row `row` of the people list `spec`: (status, answer text)."""
    dep = next(d for d in deps.values() if "unmask-modal.is_open" in d["output"])
    grid = dep["inputs"][0]["id"]

    def send(client, spec: dict | None, row="0", column: str = "name") -> tuple[int, str]:
        body = payload(dep, {f"{grid}.cellClicked": {"colId": column, "rowId": row, "rowIndex": 0}},
                       {"table-query.data": spec, "__id__": {"table": grid}})
        body["state"] = [entry for entries in body["state"] for entry in entries]  # the table's own store
        return post_callback(client, body)
    return send


def people_list(place: str = QUANYECHANG, **more) -> dict:
    return {"table": "people", "place": place, "month": MONTH, "lang": "zh"} | more


def full_values(text: str) -> list[str]:
    """The ID numbers and mobile numbers an answer carries unmasked."""
    return ID_PATTERN.findall(text) + MOBILE_PATTERN.findall(text)


def newest_event(store, username: str) -> dict:
    return next(event for event in store.events() if event["username"] == username)  # newest first


def test_staff_see_one_person_of_their_street_in_full_and_the_view_is_logged(clients, unmask, store, settings):
    status, text = unmask(clients["staff"], people_list())
    assert status == 200, text[:300]
    [id_number] = ID_PATTERN.findall(text)  # one person
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        [(street, phone)] = con.execute("select street_code, phone from elders where elder_id = ?",
                                        [id_number]).fetchall()
    assert street == QUANYECHANG  # of the staff's own street
    assert MOBILE_PATTERN.findall(text) == [phone]
    event = newest_event(store, "q-staff")
    assert (event["event"], event["row_count"]) == ("unmask", 1)
    # the log says whom, masked as the list shows them, and never the number itself
    assert masked_id(id_number) in json.dumps(event, ensure_ascii=False, default=str)
    assert id_number not in json.dumps(event, ensure_ascii=False, default=str)


@pytest.mark.parametrize("role", [role for role in ROLES if role != "staff"])
def test_other_roles_are_refused_and_the_refusal_is_logged(clients, unmask, store, role):
    status, text = unmask(clients[role], people_list())
    assert status in (200, 204), text[:300]
    assert not full_values(text), full_values(text)
    assert '"is_open":true' not in text.replace(" ", "")
    event = newest_event(store, f"q-{role}")
    assert event["event"] == "refused" and json.loads(event["detail"])["permission"] == "unmask"


@pytest.mark.parametrize("spec", [
    people_list(NANSHI),  # another street
    people_list(QINGYOU),  # a community of another street
    people_list("120101000000"),  # the district above the staff's street
    people_list("/../120101006000"),
    people_list(None),
    people_list([NANSHI]),
    people_list(month="2099-01"),
    people_list(month=["2026-09"]),
    people_list(table="overdue_export"),
    people_list(table=None),
    {"place": NANSHI},
    None,
], ids=lambda spec: json.dumps(spec, ensure_ascii=False))
def test_staff_asking_for_a_person_outside_their_street_or_with_a_forged_list_see_nobody(clients, unmask, spec):
    status, text = unmask(clients["staff"], spec)
    assert status in (200, 204), (status, text[:300])  # refused in words or not at all, never a server error
    assert not full_values(text), full_values(text)
    assert not [p for p in OTHER_PEOPLE if masked_id(p.id_number) in text]


@pytest.mark.parametrize("row", ["-1", "1e9", "abc", "", None, "0; drop table elders", "[0]", "99999"])
def test_a_forged_row_shows_nobody_and_is_not_a_server_error(clients, unmask, row):
    status, text = unmask(clients["staff"], people_list(), row=row)
    assert status in (200, 204), (status, text[:300])
    assert not full_values(text), full_values(text)


def test_a_click_on_another_column_unmasks_nothing(clients, unmask):
    status, text = unmask(clients["staff"], people_list(), column="id_number")
    assert status in (200, 204) and not full_values(text), (status, full_values(text))
