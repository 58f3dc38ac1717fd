"""督查 sections kept per warehouse file: sent as built, renewed by a load, every view audited."""

import json
import sys

import dash
import pytest
from dash.development.base_component import Component
from plotly.io.json import to_json_plotly

from dashboard.accounts import AccountStore, User, accounts_path
from dashboard.app import create_app
from etl.ingest import ingest
from etl.settings import Settings, default_config_text, parse_config
from tests.conftest import make_id
from tests.dashboard.test_pages import find, render, texts
from tests.etl.exports import ROSTER_HEADER, VISIT_HEADER, roster_row, visit_row, write_csv

MONTH = "2026-10"
PEOPLE = [make_id("19400101", n) for n in range(1, 41)]


@pytest.fixture
def page(settings):
    create_app(settings, User("demo-inspector", "inspector", "all"))  # registers the pages
    return sys.modules[next(p["module"] for p in dash.page_registry.values() if p["path"] == "/supervision")]


@pytest.fixture
def settings(tmp_path):
    """40 elders of 花园路; visitor 甲 at 20 of their homes on 5 October (the limit is 12 a day)."""
    roster = write_csv(tmp_path / "roster.csv", [ROSTER_HEADER] + [roster_row(n, p) for n, p in enumerate(PEOPLE, 1)])
    visits = write_csv(tmp_path / "visits.csv", [VISIT_HEADER] + [visit_row(p, "2026-10-05") for p in PEOPLE[:20]])
    settings = Settings(db_path=tmp_path / "w.duckdb", config=parse_config(default_config_text()))
    ingest([roster, visits], settings)
    return settings


def plain_json(component) -> str:
    """The layout's JSON as Dash makes it of a tree built afresh: each component's own to_plotly_json."""
    def walk(node):
        if isinstance(node, Component):
            return walk(type(node).to_plotly_json(node))
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list | tuple):
            return [walk(value) for value in node]
        return node
    return to_json_plotly(walk(component))


def test_the_page_sent_again_is_the_page_built(settings, page):
    app = create_app(settings, User("demo-inspector", "inspector", "all"))
    for query in ({}, {"place": "120101001000"}, {"sample": "1", "seed": "3"}, {"lang": "en"}):
        first = render(app, page.layout, month=MONTH, **query)
        again = render(app, page.layout, month=MONTH, **query)
        assert to_json_plotly(again) == to_json_plotly(first) == plain_json(first) == plain_json(again)
        assert "网格员" not in to_json_plotly(again)  # masked, as built


def test_a_load_shows_its_new_leads_on_a_page_seen_before(settings, page, tmp_path):
    app = create_app(settings, User("demo-inspector", "inspector", "all"))

    def daily() -> str:
        layout = render(app, page.layout, month=MONTH, place="120101001000")
        return " ".join(texts(find(layout, "signal-daily_home_visits")))

    assert "当日上门 20 次" in daily() and "当日上门 15 次" not in daily()
    more = write_csv(tmp_path / "more.csv", [VISIT_HEADER] + [visit_row(p, "2026-10-12", visitor="网格员乙")
                                                              for p in PEOPLE[20:35]])
    ingest([more], settings)
    assert "当日上门 20 次" in daily() and "当日上门 15 次" in daily()


def test_every_view_of_the_leads_is_audited_with_its_rows(settings, page):
    app = create_app(settings, User("demo-inspector", "inspector", "all"))
    for _ in range(3):
        render(app, page.layout, month=MONTH, sample="1")
    events = AccountStore(accounts_path(settings.db_path)).events()
    viewed = [(json.loads(e["detail"])["table"], e["row_count"]) for e in events if e["event"] == "view"]
    assert viewed.count(("visit_signals", 20)) == 3
    assert [table for table, _ in viewed].count("checklist") == 3
