"""总览 Overview: the three rates against 100%, a map and ranked bars of the places below, the trend."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html

from dashboard import context, figures, i18n, queries
from dashboard.components import (
    KPI_RATES,
    chart_caption,
    level_name,
    make_breadcrumbs,
    make_chart,
    make_kpis,
    make_message,
    make_month_select,
    month_inputs,
    month_moved,
)
from dashboard.components.changes import make_month_changes
from dashboard.i18n import t
from dashboard.measures import RATES
from dashboard.urls import carried, href, parse

dash.register_page(__name__, path="/", title="探访关爱看板 · 总览")

MAP = "overview-map"
BARS = "overview-bars"
MONTH = "overview-month"
AS_OF = f"{MONTH}-as-of"
RATE = "overview-rate"


def layout(place: str | None = None, month: str | None = None, rate: str = "visit_rate_home", lang: str = "zh",
           as_of: str | None = None, **_query) -> html.Div:
    query = {"place": place, "month": month, "rate": rate, "lang": lang, "as_of": as_of}
    try:
        state = context.page_state(place, month, lang, as_of)
    except context.PageProblem as problem:
        return make_message(problem.message, problem.color)
    wh, scope, target, month = state.wh, state.scope, state.target, state.month
    if target.level == "community":
        return dcc.Location(id="overview-to-community", href=href("/community", query), refresh=True)
    rate = rate if rate in RATES else "visit_rate_home"
    history = queries.place_months(wh, target, scope, until=month)
    previous = queries.previous_month(wh, target, scope, month, state.as_of, history)
    why, changes_panel = make_month_changes(state, query, queries.place_changes(wh, target, month, scope))
    why = why if len(previous) else None  # no month before to say why the rate moved from
    unsent = queries.visits_unsent(wh, month)
    # the places below whose street sent no visit record of the month: the map and the ranking say so by their rate
    kids = queries.children_month(wh, target, month, scope).assign(
        visits_unsent=lambda k: k["code"].isin(unsent["street_code"]) | (target.code in set(unsent["street_code"])))
    child_level = level_name(kids["level"].iloc[0], lang) if len(kids) else ""
    as_of = state.as_of
    return html.Div([
        html.Div([
            make_breadcrumbs(queries.ancestors(wh, target, scope), query, lang),
            html.Div([
                make_month_select(state, MONTH),
                html.Span(t("data_date", lang, date=as_of), className="data-date ms-3", id="data-date"),
            ], className="d-flex align-items-center"),
        ], className="d-flex justify-content-between align-items-center flex-wrap mb-2"),
        *make_coverage(kids, child_level, lang),
        *make_visits_unsent(unsent, target, kids, lang),
        make_kpis(history.iloc[-1], previous, lang, like_for_like=state.in_progress, why={"visit_rate_home": why},
                  unfinished=state.month_unfinished, aged_from=context.aged_from()),
        changes_panel,
        dbc.Row([
            dbc.Col(html.Div([
                dbc.Label(t("map_colour_by", lang), className="me-2 mb-0"),
                dbc.RadioItems(id=RATE, value=rate, inline=True,
                               options=[{"label": t(r, lang), "value": r} for r in KPI_RATES]),
            ], className="d-flex align-items-center flex-wrap"), width=12),
        ], className="mt-3 mb-2"),
        dbc.Row([
            dbc.Col(make_map(wh, target, kids, rate, child_level, lang, chart_caption(state), month), lg=7),
            dbc.Col(make_chart(BARS, figures.ranked_bars(
                kids, rate, t("ranked_title", lang, level=child_level, rate=t(rate, lang)), lang),
                f"{target.short_name}_{month}_{file_words(rate)}_排名", lang, note=t("drill_hint", lang),
                caption=chart_caption(state)), lg=5),
        ], className="g-3"),
        dbc.Row([
            dbc.Col(make_chart("overview-trend", figures.trend_figure(history, t("trend_title", lang), lang, previous),
                               f"{target.short_name}_{month}_趋势", lang, note=t(
                                   "trend_in_progress_note" if state.month_unfinished else "trend_as_of_note", lang,
                                   month=month, day=as_of.day)
                               if state.in_progress else None, caption=chart_caption(state)), lg=7),
            dbc.Col(make_categories(state, history), lg=5),
        ], className="g-3 mt-1"),
    ])


def make_coverage(kids: pd.DataFrame, child_level: str, lang: str) -> list:
    """Above the figures, the places that sent no roster, whose elders none of them counts: a district's rate over 3
    streets of 6 had read as the district's (review 7b), as the 汇总表's 合计 and the 通报 say it too."""
    missing = kids[kids["unreported"]]
    if missing.empty:
        return []
    if len(missing) == len(kids):  # nothing loaded yet: say where to start, not "the other 0 of 6" (review 23)
        where = ([" ", dcc.Link(t("coverage_none_upload", lang), href="/upload", id="overview-coverage-upload")]
                 if context.may("load") else [])
        return [dbc.Alert([t("coverage_none", lang, level=child_level), *where], color="warning",
                          className="py-2 mb-2", id="overview-coverage")]
    return [dbc.Alert(t("coverage_partial", lang, names="、".join(missing["name"]), count=len(kids) - len(missing),
                        total=len(kids), level=child_level), color="warning", className="py-2 mb-2",
                      id="overview-coverage")]


def make_visits_unsent(unsent: pd.DataFrame, target, kids: pd.DataFrame, lang: str) -> list:
    """Beside the figures, the streets whose visit records hold nothing of the month yet: their 0 % is for want of
    records, maybe not of visits (a street that had not uploaded its month showed red at 0.0 %, as the 通报 named it
    the lowest), as the 汇总表 and the 通报 say it."""
    def latest(day) -> str:
        return t("visits_latest", lang, day=i18n.day_label(day, lang)) if not pd.isna(day) else t("visits_none", lang)

    if target.code in set(unsent["street_code"]):
        row = unsent[unsent["street_code"] == target.code].iloc[0]
        text = t("visits_unsent_self", lang, latest=latest(row["latest_visit_date"]))
    else:
        shown = unsent[unsent["street_code"].isin(kids["code"])]
        if shown.empty:
            return []
        names = [f"{name} ({latest(day)})"
                 for name, day in zip(shown["street_name"], shown["latest_visit_date"], strict=True)]
        text = t("visits_unsent_kids", lang, names="、".join(names))
    return [dbc.Alert(text, color="warning", className="py-2 mb-2", id="overview-visits-unsent")]


def file_words(rate: str) -> str:
    """A rate as a downloaded chart's file name says it: its Chinese name without spaces (月探访率(上门)), not the
    key the code knows it by (review 7b: 和平区_visit_rate_home_地图.png)."""
    return t(rate, "zh").replace(" ", "")


def make_map(wh, target, kids: pd.DataFrame, rate: str, child_level: str, lang: str,
             caption: str | None = None, month: str = "") -> dbc.Card:
    shapes = queries.shapes(wh, list(kids["code"]))
    title = t("map_title", lang, place=target.short_name, level=child_level, rate=t(rate, lang))
    missing = kids[~kids["code"].isin(shapes["code"])]
    notes = []
    if shapes["is_schematic"].any():
        notes.append(t("schematic_note", lang))
    if len(missing):
        notes.append(t("map_missing_shapes", lang, count=len(missing), names="、".join(missing["short_name"])))
    figure = figures.map_figure(kids, shapes, rate, title, lang)
    # a downloaded map says it is schematic too (pasted into a report, it would pass for the real boundaries)
    schematic = t("schematic_note", lang) if shapes["is_schematic"].any() else None
    return make_chart(MAP, figure, f"{target.short_name}_{month}_{file_words(rate)}_地图", lang,
                      note=" · ".join(notes) or None,
                      caption=" · ".join(part for part in (caption, schematic) if part) or None)


def make_categories(state: context.PageState, history: pd.DataFrame) -> dbc.Card:
    target, month, lang = state.target, state.month, state.lang
    current = history.iloc[-1]
    note = t("categories_note", lang, total=int(current["special_count"]), multi=int(current["multi_category_count"]))
    figure = figures.category_bars(context.categories(state), t("categories_title", lang), lang)
    return make_chart("overview-categories", figure, f"{target.short_name}_{month}_类别", lang, note=note,
                      caption=chart_caption(state))


def navigate(map_click, bar_click, month, as_of, shown, rate, search):
    query = parse(search)
    if ctx.triggered_id in (MAP, BARS):
        click = map_click if ctx.triggered_id == MAP else bar_click
        code = click["points"][0].get("customdata") if click else None
        if isinstance(code, list) and len(code) == 1:  # a click on a place's fill carries its trace's [code]
            code = code[0]
        if not code:
            return dash.no_update
        if not isinstance(code, str):
            raise ValueError("a map click names one place")  # a malformed request: 400
        level = queries.place(context.warehouse(), code, context.scope()).level
        path = "/community" if level == "community" else "/"
        return href(path, carried(query), place=code, rate=query.get("rate"))
    if ctx.triggered_id in (MONTH, AS_OF):
        moved = month_moved(MONTH, month, as_of, shown, query)
        return href("/", query, **moved) if moved else dash.no_update
    if ctx.triggered_id == RATE and rate != query.get("rate", "visit_rate_home"):
        return href("/", query, rate=rate)
    return dash.no_update


def register(app) -> None:
    """This page's callbacks, on `app` (each app registers its own: see create_app)."""
    app.callback(
        Output("url", "href", allow_duplicate=True),
        Input(MAP, "clickData"),
        Input(BARS, "clickData"),
        *month_inputs(MONTH),
        Input(RATE, "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )(navigate)
