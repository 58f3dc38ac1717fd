"""A community: its rates and its special-difficulty elders (masked), last visit, overdue days, risk."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import context, queries, tables
from dashboard.components import (
    make_breadcrumbs,
    make_kpis,
    make_message,
    make_month_select,
    make_no_people,
    make_table,
    register_month_select,
)
from dashboard.components.changes import make_month_changes
from dashboard.i18n import t
from dashboard.urls import href

dash.register_page(__name__, path="/community", title="探访关爱看板 · 社区")

MONTH = "community-month"
PEOPLE = "community-people"


def layout(place: str | None = None, month: str | None = None, lang: str = "zh", as_of: str | None = None,
           **_query) -> html.Div:
    query = {"place": place, "month": month, "lang": lang, "as_of": as_of}
    try:
        state = context.page_state(place, month, lang, as_of)
    except context.PageProblem as problem:
        return make_message(problem.message, problem.color)
    wh, scope, target, month = state.wh, state.scope, state.target, state.month
    if target.level != "community":
        return dcc.Location(id="community-to-overview", href=href("/", query), refresh=True)
    history = queries.place_months(wh, target, scope, until=month)
    previous = queries.previous_month(wh, target, scope, month, state.as_of, history)
    why, changes_panel = make_month_changes(state, query, queries.place_changes(wh, target, month, scope))
    why = why if len(previous) else None  # no month before to say why the rate moved from
    return html.Div([
        html.Div([
            make_breadcrumbs(queries.ancestors(wh, target, scope), query, lang),
            html.Div([  # the data date beside the month, as the overview says it (review 6b, review 4 L9)
                make_month_select(state, MONTH),
                html.Span(t("data_date", lang, date=state.as_of), className="data-date ms-3", id="data-date"),
            ], className="d-flex align-items-center"),
        ], className="d-flex justify-content-between align-items-center flex-wrap mb-2"),
        make_kpis(history.iloc[-1], previous, lang, like_for_like=state.in_progress, why={"visit_rate_home": why},
                  unfinished=state.month_unfinished, aged_from=context.aged_from()),
        changes_panel,
        *(make_people(state, query) if context.may("people") else [make_no_people(lang)]),
    ])


def make_people(state: context.PageState, query: dict) -> list:
    """The community's special-difficulty elders, masked (the view is audited)."""
    target, month, lang = state.target, state.month, state.lang
    everyone = queries.people(state.wh, target, month, state.scope)
    context.record_view("people", target.code, len(everyone), month=month, as_of=state.chosen_as_of)
    # the community's own page: its street and community, the same on every row, not shown (review 7b: they had
    # pushed 年龄 and the rest off a 1440 px screen); its exported file's title names them
    columns = tuple(c for c in tables.PEOPLE_COLUMNS if c not in ("street", "community"))
    people = tables.people_table(everyone.head(tables.DISPLAY_LIMIT), lang, context.unshown_categories(), columns)
    export = {"table": "people", "place": target.code, "month": month, "as_of": state.chosen_as_of, "lang": lang}
    return [
        html.Div([
            html.H5(t("people_title", lang, place=target.short_name, count=len(everyone)), className="mb-0"),
            dcc.Link(t("open_work_list", lang), href=href("/overdue", query, month=month)),
        ], className="d-flex justify-content-between align-items-end mt-4 mb-2"),
        make_table(PEOPLE, people, tables.headers(columns, lang), export, lang, total=len(everyone)),
    ]


def register(app) -> None:
    """This page's callbacks, on `app` (each app registers its own: see create_app)."""
    register_month_select(app, "/community", MONTH)
