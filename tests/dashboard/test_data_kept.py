"""数据 sections kept per warehouse file (components.kept): sent as built, renewed by a load, fit to the
role of whoever asks, and every view of a person table audited with its rows."""

import json
import sys

import dash
import pytest
from plotly.io.json import to_json_plotly

from dashboard.accounts import AccountStore, User, accounts_path
from dashboard.app import create_app
from etl.ingest import ingest
from etl.settings import Settings, default_config_text, parse_config
from tests.conftest import make_id
from tests.dashboard.test_pages import find, render, texts
from tests.dashboard.test_supervision_kept import plain_json
from tests.etl.exports import ROSTER_HEADER, roster_row, write_csv

ADMIN, LEADER, ANALYST = (User(f"test-{role}", role, "all") for role in ("admin", "leader", "analyst"))


@pytest.fixture
def settings(tmp_path):
    """花园路's roster: one elder, and two rows without an ID number (rejected, waiting for a correction)."""
    rows = [roster_row(1, make_id("19400101", 1)), roster_row(2, "123"), roster_row(3, "456")]
    settings = Settings(db_path=tmp_path / "w.duckdb", config=parse_config(default_config_text()))
    ingest([write_csv(tmp_path / "花园路底册.csv", [ROSTER_HEADER, *rows])], settings)
    return settings


@pytest.fixture
def page(settings):
    create_app(settings, ADMIN)  # registers the pages
    return sys.modules[next(p["module"] for p in dash.page_registry.values() if p["path"] == "/data")]


def test_the_page_sent_again_is_the_page_built(settings, page):
    app = create_app(settings, ADMIN)
    for lang in ("zh", "en"):
        first, again = render(app, page.layout, lang=lang), render(app, page.layout, lang=lang)
        assert to_json_plotly(again) == to_json_plotly(first) == plain_json(first) == plain_json(again)
    assert "Rejected rows" in " ".join(texts(render(app, page.layout, lang="en")))


def test_a_load_shows_its_rows_on_a_page_seen_before(settings, page, tmp_path):
    app = create_app(settings, ADMIN)

    def rejects() -> int:
        return len(find(render(app, page.layout), "data-rejects").rowData)

    assert rejects() == 2
    rows = [roster_row(1, make_id("19400101", 1), community="滨西"), roster_row(2, "789", community="滨西")]
    ingest([write_csv(tmp_path / "滨西底册.csv", [ROSTER_HEADER, *rows])], settings)
    assert rejects() == 3


def test_a_role_sees_its_own_page_after_another_role_was_shown_it(settings, page):
    """One server process serves every user: after an admin, a leader gets the rejected rows (masked) but
    neither a link to correct them nor their export, and an analyst no table of people at all; the
    admin after them gets everything back."""
    app = create_app(settings, ADMIN)

    def seen(user: User) -> str:
        app.server.config["CAREVISIT_LOCAL_USER"] = user
        return to_json_plotly(render(app, page.layout))

    exported = '"table":"data-rejects","format":"xlsx"'
    for _ in range(2):
        admin, leader, analyst = seen(ADMIN), seen(LEADER), seen(ANALYST)
        assert "corrections-download" in admin and exported in admin and '"id":"data-rejects"' in admin
        assert '"id":"data-rejects"' in leader and "corrections-download" not in leader and exported not in leader
        assert '"id":"data-rejects"' not in analyst and '"id":"data-loads"' in analyst


def test_every_view_of_a_person_table_is_audited_with_its_rows(settings, page):
    app = create_app(settings, ADMIN)
    for _ in range(3):
        render(app, page.layout)
    events = AccountStore(accounts_path(settings.db_path)).events()
    viewed = [(json.loads(e["detail"])["table"], e["row_count"]) for e in events if e["event"] == "view"]
    assert viewed.count(("rejects", 2)) == 3
