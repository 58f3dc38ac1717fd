"""逾期 Overdue: the work list of overdue and not-yet-visited elders, by risk then days overdue."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, html

from dashboard import context, queries, tables
from dashboard.components import (
    make_message,
    make_month_select,
    make_no_people,
    make_table,
    month_inputs,
    month_moved,
)
from dashboard.i18n import t, value_label
from dashboard.urls import href, parse
from etl.settings import RISK_LEVELS

dash.register_page(__name__, path="/overdue", title="探访关爱看板 · 逾期")

PLACE = "overdue-place"
MONTH = "overdue-month"
AS_OF = f"{MONTH}-as-of"
CATEGORY = "overdue-category"
RISK = "overdue-risk"
WEEK = "overdue-week"
TABLE = "overdue-people"
ALL_CATEGORIES = "all"
INDENT = {"root": "", "district": "", "street": "\u3000", "community": "\u3000\u3000"}
# Places the place filter lists at most before it lists only those along the way to the chosen one
PLACE_OPTIONS = 300


def layout(place: str | None = None, month: str | None = None, category: str | None = None,
           risk: str | None = None, lang: str = "zh", as_of: str | None = None, week: str | None = None,
           **_query) -> html.Div:
    try:
        state = context.page_state(place, month, lang, as_of)
    except context.PageProblem as problem:
        return make_message(problem.message, problem.color)
    if not context.may("people"):
        return make_no_people(lang)
    wh, scope, target, month = state.wh, state.scope, state.target, state.month
    risks = tuple(r for r in (risk or "").split(",") if r in RISK_LEVELS)
    category = category if isinstance(category, str) and category not in ("", ALL_CATEGORIES) else None
    week = week == "1"  # this week's visits: due within DUE_WITHIN days, the overdue included
    due_within = queries.DUE_WITHIN if week else None
    # the rows shown, and the counts of all (a province's list holds tens of thousands)
    people = queries.people(wh, target, month, scope, work_list=True, category=category, risk=risks,
                            due_within=due_within, limit=tables.DISPLAY_LIMIT)
    counts = (queries.people_counts(wh, target, month, scope, work_list=True, category=category, risk=risks,
                                    due_within=due_within)
              if len(people) == tables.DISPLAY_LIMIT else
              {"people": len(people), "overdue": int(people["is_overdue"].sum()),
               "not_visited": int(people["is_not_visited_this_month"].sum())})
    context.record_view("work_list", target.code, counts["people"], month=month, as_of=state.chosen_as_of,
                        category=category, risk=list(risks), week=week)
    shown = tables.people_table(people, lang, context.unshown_categories())
    export = {"table": "people", "place": target.code, "month": month, "as_of": state.chosen_as_of,
              "work_list": True, "category": category, "risk": list(risks), "week": week, "lang": lang}
    summary = t("overdue_summary", lang, count=counts["people"], overdue=counts["overdue"],
                not_visited=counts["not_visited"])
    return html.Div([
        html.H4(t("overdue_title", lang), className="mb-3"),
        make_filters(state, category, risks, week),
        html.Div(summary, className="my-2", id="overdue-summary"),
        make_table(TABLE, shown, tables.headers(tables.PEOPLE_COLUMNS, lang), export, lang, height=620,
                   total=counts["people"])
        if len(shown) else make_message(t("empty_work_list", lang), "success"),
    ])


def places_along(places: pd.DataFrame, target_code: str) -> pd.DataFrame:
    """Of a long list of places (a city's thousands), those one moves to from the target: the top ones
    (districts), the target and the places above it, and the places right below each of them."""
    parents = dict(zip(places["code"], places["parent_code"], strict=True))
    chain, code = set(), target_code
    while code in parents and code not in chain:
        chain.add(code)
        code = parents[code]
    top = ~places["parent_code"].isin(places["code"])
    return places[top | places["code"].isin(chain) | places["parent_code"].isin(chain)]


def make_filters(state, category, risks, week: bool = False) -> dbc.Row:
    wh, scope, target, lang = state.wh, state.scope, state.target, state.lang
    places = queries.all_places(wh, scope)
    if len(places) > PLACE_OPTIONS:
        places = places_along(places, target.code)
    place_options = [{"label": f"{INDENT[row.level]}{row.name}", "value": row.code}
                     for row in places.itertuples(index=False)]
    root = queries.root_place(wh, scope)
    if root.level == queries.ROOT_LEVEL:
        place_options.insert(0, {"label": root.name, "value": root.code})
    category_options = [{"label": t("all_categories", lang), "value": ALL_CATEGORIES}] + [
        {"label": value_label(c, lang), "value": c} for c in queries.configured_categories(wh)]
    return dbc.Row([
        dbc.Col([dbc.Label(t("place", lang), html_for=PLACE),
                 dbc.Select(id=PLACE, value=target.code, options=place_options, size="sm")], md=4),
        dbc.Col([dbc.Label(t("filter_category", lang), html_for=CATEGORY),
                 dbc.Select(id=CATEGORY, value=category or ALL_CATEGORIES, options=category_options, size="sm")], md=3),
        dbc.Col([dbc.Label(t("filter_risk", lang)),
                 dbc.Checklist(id=RISK, value=list(risks), inline=True,
                               options=[{"label": value_label(r, lang), "value": r} for r in RISK_LEVELS])], md=3),
        dbc.Col([dbc.Label(t("filter_due", lang)),
                 dbc.Checklist(id=WEEK, value=["1"] if week else [], inline=True,
                               options=[{"label": t("filter_due_week", lang, days=queries.DUE_WITHIN),
                                         "value": "1"}])], md=2),
        dbc.Col([make_month_select(state, MONTH)], xs=12, className="mt-2"),
    ], className="g-2 align-items-end")


def filter_list(place, month, as_of, shown, category, risk, week, search):
    if len(ctx.triggered) > 1:
        # the filters reporting their values as they mount (a user changes one at a time): the page shows them.
        # A first visit names no place: moved to ?place=<the top>, the page was built and its list audited twice.
        return dash.no_update
    query = parse(search)
    category = None if category == ALL_CATEGORIES else category
    if ctx.triggered_id in (MONTH, AS_OF):
        moved = month_moved(MONTH, month, as_of, shown, query)
        return href("/overdue", query, **moved) if moved else dash.no_update
    changes = {PLACE: {"place": place}, CATEGORY: {"category": category},
               RISK: {"risk": ",".join(r for r in RISK_LEVELS if r in (risk or []))},
               WEEK: {"week": "1" if week else None}}[ctx.triggered_id]
    if all(query.get(key, "") == (value or "") for key, value in changes.items()):
        return dash.no_update
    return href("/overdue", query, **changes)


def register(app) -> None:
    """This page's callbacks, on `app` (each app registers its own: see create_app)."""
    app.callback(
        Output("url", "href", allow_duplicate=True),
        Input(PLACE, "value"),
        *month_inputs(MONTH),
        Input(CATEGORY, "value"),
        Input(RISK, "value"),
        Input(WEEK, "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )(filter_list)
