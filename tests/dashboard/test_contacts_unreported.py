"""Review 6b M1 on screen: a street that sent no 联系人情况表 is said to have sent none, never a red 0.0 %."""

import duckdb
import pytest

from etl.settings import Settings, default_config_text, parse_config
from etl.warehouse import build_marts
from tests.conftest import HUAYUANLU, QUANYECHANG, make_id, new_mart_warehouse
from tests.dashboard.test_pages import find, render, texts

NANSHI, QINGYOU = "120101006000", "120101006001"  # 南市街道 and its 庆有西里社区
A, B, C, D = (make_id("19380101", n) for n in range(1, 5))


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    """Two 失能 elders in 劝业场 (its contact list names a person for A), two in 南市, which sent no list."""
    path = tmp_path_factory.mktemp("contacts_unreported") / "w.duckdb"
    con = duckdb.connect(str(path))
    mart = new_mart_warehouse(con)
    for id_number, community in ((A, HUAYUANLU), (B, HUAYUANLU), (C, QINGYOU), (D, QINGYOU)):
        mart.elder(id_number, "失能", community=community)
        mart.visit(id_number, "2026-10-05 09:00")
    mart.contact(A, street=QUANYECHANG)
    build_marts(con)
    con.close()
    return Settings(db_path=path, config=parse_config(default_config_text()))


def test_the_district_counts_both_streets_and_says_that_one_sent_no_list(app, pages):
    card = " ".join(texts(find(render(app, pages["/"].layout, month="2026-10"), "kpi-help_rate")))
    assert "25.0%" in card and "1 / 4" in card
    assert "其中 2 人所在社区未报送联系人情况表" in card


def test_the_street_that_sent_no_list_shows_no_rate_but_why(app, pages):
    card = texts(find(render(app, pages["/"].layout, month="2026-10", place=NANSHI), "kpi-help_rate"))
    assert "—" in card and "未报送联系人情况表 · 目标 100%" in card and "0.0%" not in card
    card = texts(find(render(app, pages["/"].layout, month="2026-10", place=QUANYECHANG), "kpi-help_rate"))
    assert "50.0%" in card and "未报送联系人情况表" not in " ".join(card)


def test_the_map_and_the_ranking_name_the_street_without_a_list(app, pages):
    page = render(app, pages["/"].layout, month="2026-10", rate="help_rate")
    bars = find(page, "overview-bars").figure["data"][0]
    ranked = dict(zip(bars["y"], bars["text"], strict=True))
    assert ranked["南市"] == "未报送联系人情况表" and ranked["劝业场"].startswith("50.0%")
    assert "<b>南市</b><br>未报送联系人情况表" in find(page, "overview-map").figure["data"][-1]["text"]
