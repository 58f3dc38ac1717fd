"""A community: its rates and its special-difficulty elders (masked), last visit, overdue days, risk."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import context, queries, tables
from dashboard.components import (
    make_breadcrumbs,
    make_kpis,
    make_message,
    make_month_select,
    make_table,
)
from dashboard.i18n import t
from dashboard.urls import href, parse

dash.register_page(__name__, path="/community", title="探访关爱看板 · 社区")

MONTH = "community-month"
PEOPLE = "community-people"


def skeleton() -> html.Div:
    """The components this page's callbacks use (for callback validation)."""
    return html.Div([dbc.Select(id=MONTH)])


def layout(place: str | None = None, month: str | None = None, lang: str = "zh", **_query) -> html.Div:
    query = {"place": place, "month": month, "lang": lang}
    try:
        state = context.page_state(place, month, lang)
    except context.PageProblem as problem:
        return make_message(problem.message, problem.color)
    wh, scope, months, target, month = state.wh, state.scope, state.months, state.target, state.month
    if target.level != "community":
        return dcc.Location(id="community-to-overview", href=href("/", query), refresh="callback-nav")
    history = queries.place_months(wh, target, scope, until=month)
    people = tables.people_table(queries.people(wh, target, month, scope), lang)
    export = {"table": "people", "place": target.code, "month": month, "lang": lang}
    return html.Div([
        html.Div([
            make_breadcrumbs(queries.ancestors(wh, target, scope), query, lang),
            make_month_select(months, month, lang, MONTH),
        ], className="d-flex justify-content-between align-items-center flex-wrap mb-2"),
        make_kpis(history, lang),
        html.Div([
            html.H5(t("people_title", lang, place=target.short_name, count=len(people)), className="mb-0"),
            dcc.Link(t("open_work_list", lang), href=href("/overdue", query, month=month)),
        ], className="d-flex justify-content-between align-items-end mt-4 mb-2"),
        make_table(PEOPLE, people, tables.headers(tables.PEOPLE_COLUMNS, lang), export, lang),
    ])


@callback(
    Output("url", "href", allow_duplicate=True),
    Input(MONTH, "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def change_month(month, search):
    query = parse(search)
    return href("/community", query, month=month) if month != query.get("month") else dash.no_update
