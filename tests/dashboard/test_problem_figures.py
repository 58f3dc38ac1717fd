"""The risk screen's problems followed to closure: the marts' figures, for the user's place only."""

import duckdb
import pytest

from dashboard.accounts import User
from dashboard.app import create_app
from tests.dashboard.test_pages import find, render, texts

WUDADAO = "120101003000"


@pytest.fixture(scope="module")
def settings(demo_settings):
    return demo_settings  # the pages fixture builds its app on it


def marts(db_path, code: str) -> dict:
    with duckdb.connect(str(db_path), read_only=True) as con:
        cursor = con.execute("select * from place_months where code = ? and month = '2026-10'", [code])
        return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def test_the_risk_screen_shows_the_problem_figures_of_the_marts(demo_settings, pages):
    street = create_app(demo_settings, User("street", "leader", WUDADAO))
    page = render(street, pages["/risk"].layout, month="2026-10")
    figures = marts(demo_settings.db_path, WUDADAO)
    summary = " ".join(texts(find(page, "risk-problems-summary")))
    assert (f"本月发现问题 {figures['problem_found_count']:,} 件, 办结 {figures['problem_closed_count']:,} 件, "
            f"转介 {figures['problem_referred_count']:,} 件; 仍未解决 {figures['open_problem_count']:,} 人, "
            f"其中超过 30 天 {figures['open_problem_long_count']:,} 人") in summary
    rows = find(page, "risk-problems").children[1].children
    with duckdb.connect(str(demo_settings.db_path), read_only=True) as con:
        communities = con.execute("select short_name, problem_found_count from place_months where parent_code = ?"
                                  " and month = '2026-10' order by code", [WUDADAO]).fetchall()
    assert [(row.children[0].children, row.children[1].children) for row in rows] == [
        (name, f"{found:,}") for name, found in communities]
    assert sum(found for _, found in communities) == figures["problem_found_count"]


def test_a_street_user_sees_no_other_street_s_problems(demo_settings, pages):
    street = create_app(demo_settings, User("street", "leader", WUDADAO))
    page = render(street, pages["/risk"].layout, month="2026-10", place="120101001000")
    assert find(page, "risk-problems") is None and "无权查看" in " ".join(texts(page))


def test_the_open_problems_list_says_what_was_found_when_and_for_how_long_longest_first(demo_settings, pages):
    """Review 6b M4: the list had the work list's columns, so 其中超过 30 天 N 人 could not be found in it."""
    import pandas as pd

    from dashboard import queries, tables

    street = create_app(demo_settings, User("street", "inspector", WUDADAO))
    spec = find(render(street, pages["/risk"].layout, month="2026-10"), "risk-open-problems-spec").data
    with street.server.test_request_context("/"):
        grid = find(pages["/risk"].show_open_problems(spec), "risk-open-problems")
        export = {"table": "people", "place": WUDADAO, "month": "2026-10", "open_problems": True, "lang": "zh"}
        built = tables.build(export, queries.Warehouse(demo_settings.db_path), WUDADAO)
        frame = built.frame
    assert [column["field"] for column in grid.columnDefs][:6] == [
        "name", "street", "community", "problem", "problem_since", "problem_days"]
    rows = pd.DataFrame(grid.rowData)
    figures = marts(demo_settings.db_path, WUDADAO)
    assert len(rows) == len(frame) == figures["open_problem_count"] > 0
    assert (rows["problem_days"] > 30).sum() == figures["open_problem_long_count"] > 0
    assert list(rows["problem_days"]) == sorted(rows["problem_days"], reverse=True)
    assert set(rows["problem"]) <= {"发现问题", "紧急情况"}
    as_of = pd.Timestamp(figures["as_of"])
    assert all((as_of - pd.Timestamp(since)).days == days for since, days in zip(rows["problem_since"],
                                                                                 rows["problem_days"], strict=True))
    named = tables.to_file(built, tables.COLUMNS["people"], "zh", "csv").decode("utf-8-sig").splitlines()[0]
    assert named.startswith("姓名,街道,社区,问题,发现日期,已持续天数,风险")
