"""风险 Risk: risk levels and categories by place (people counted once), open problems, emergencies."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html

from dashboard import context, figures, queries, tables
from dashboard.components import (
    chart_caption,
    level_name,
    make_breadcrumbs,
    make_chart,
    make_message,
    make_month_select,
    make_no_people,
    make_table,
    month_inputs,
    month_moved,
)
from dashboard.i18n import t
from dashboard.urls import carried, href, parse

dash.register_page(__name__, path="/risk", title="探访关爱看板 · 风险")

MONTH = "risk-month"
AS_OF = f"{MONTH}-as-of"
BARS = "risk-bars"
PROBLEMS = "risk-open-problems"
PROBLEMS_AREA = "risk-open-problems-area"
PROBLEMS_SPEC = "risk-open-problems-spec"
PROBLEMS_SHOWN = 200  # an overview of risk: the most urgent; the export has everyone


def layout(place: str | None = None, month: str | None = None, lang: str = "zh", as_of: str | None = None,
           **_query) -> html.Div:
    query = {"place": place, "month": month, "lang": lang, "as_of": as_of}
    try:
        state = context.page_state(place, month, lang, as_of)
    except context.PageProblem as problem:
        return make_message(problem.message, problem.color)
    wh, scope, target, month = state.wh, state.scope, state.target, state.month
    current = queries.place_months(wh, target, scope, until=month, last=1).iloc[-1]
    problem_count = int(current["open_problem_count"])
    # the person list comes in its own callback once the page shows: the aggregates do not wait for it
    problems_spec = {"place": target.code, "month": month, "as_of": state.chosen_as_of, "lang": lang,
                     "count": problem_count}
    # by place below (a community: its own, as one bar: the chart the page's clicks listen to is always there)
    risk = queries.risk_by_child(wh, target, month, scope)
    below = target.level != "community"
    title = (t("risk_by_place", lang, level=level_name(queries.children(wh, target, scope)[0].level, lang)
               if len(risk) else "") if below else t("risk_of_place", lang, name=target.short_name))
    charts = [dbc.Col(make_chart(BARS, figures.risk_bars(risk, title, lang),
                                 f"{target.short_name}_{month}_风险", lang,
                                 note=t("drill_hint_chart", lang) if below else None, caption=chart_caption(state)),
                      lg=7)]
    note = t("categories_note", lang, total=int(current["special_count"]), multi=int(current["multi_category_count"]))
    charts.append(dbc.Col(make_chart("risk-categories", figures.category_bars(
        context.categories(state), t("categories_title", lang), lang),
        f"{target.short_name}_{month}_类别", lang, note=note, caption=chart_caption(state)), lg=5))
    return html.Div([
        html.Div([
            make_breadcrumbs(queries.ancestors(wh, target, scope), query, lang),
            make_month_select(state, MONTH),
        ], className="d-flex justify-content-between align-items-center flex-wrap mb-2"),
        html.H4(t("risk_title", lang)),
        html.Div(t("incidents", lang, problems=int(current["problem_visit_count"]),
                   emergencies=int(current["emergency_visit_count"])), className="mb-2", id="risk-incidents"),
        dbc.Row(charts, className="g-3"),
        make_problems(queries.problem_months(wh, target, month, scope), lang),
        html.H5(t("open_problems_title", lang, count=problem_count), className="mt-4"),
        dcc.Store(id=PROBLEMS_SPEC, data=problems_spec),
        dcc.Loading(html.Div(id=PROBLEMS_AREA), type="dot"),
    ])


PROBLEM_COLUMNS = ("problem_found_count", "problem_closed_count", "problem_referred_count", "open_problem_count",
                   "open_problem_long_count", "median_days_to_close")
PROBLEM_HEADERS = ("col_found", "col_closed", "col_referred", "col_open", "col_open_long", "col_median_days")


def make_problems(problems, lang: str) -> html.Div:
    """Problems followed to closure: the place's figures in a sentence, then a row per place below it."""
    if problems.empty:
        return html.Div()
    rows = problems[~problems["is_target"]]

    def cell(record: dict, column: str) -> str:
        value = record[column]
        return "—" if record["unreported"] else "" if value is None or value != value else f"{value:,g}"

    # a place that sent no roster says so, as the overview and the 汇总表 do, rather than 0 (review 23 M5)
    children = [html.Tr([html.Th(f"{record['short_name']} ({t('unreported', lang)})" if record["unreported"]
                                 else record["short_name"]),
                         *(html.Td(cell(record, c)) for c in PROBLEM_COLUMNS)])
                for record in rows.to_dict("records")]
    parts = [html.H5(t("problems_title", lang), className="mt-4")]
    if problems["is_target"].any():
        place = problems[problems["is_target"]].iloc[0]
        median = place["median_days_to_close"]
        parts.append(html.Div(t("problems_summary", lang, found=int(place["problem_found_count"]),
                                closed=int(place["problem_closed_count"]),
                                referred=int(place["problem_referred_count"]), open=int(place["open_problem_count"]),
                                long=int(place["open_problem_long_count"]),
                                median="—" if median != median else t("problems_days", lang, days=median)),
                              id="risk-problems-summary", className="mb-2"))
    if children:
        head = html.Thead(html.Tr([html.Th(t("col_place", lang)), *(html.Th(t(h, lang)) for h in PROBLEM_HEADERS)]))
        parts.append(html.Div(html.Table([head, html.Tbody(children)], className="report-table",
                                         id="risk-problems"), className="report-scroll"))
    parts.append(html.Div(t("problems_rule", lang), className="chart-note mt-1"))
    return html.Div(parts)


def show_open_problems(spec: dict):
    """The most urgent people whose last visit found a problem or an emergency."""
    lang = spec["lang"]
    try:
        state = context.page_state(spec["place"], spec["month"], lang, spec["as_of"])
    except context.PageProblem as problem:
        return make_message(problem.message, problem.color)
    if not context.may("people"):
        return make_no_people(lang)
    problems = tables.people_table(queries.people(state.wh, state.target, state.month, state.scope,
                                                  open_problems=True, limit=PROBLEMS_SHOWN), lang,
                                   context.unshown_categories(), tables.PROBLEM_COLUMNS)
    context.record_view("open_problems", state.target.code, len(problems), month=state.month,
                        as_of=state.chosen_as_of)
    if not len(problems):
        return make_message(t("no_rows", lang), "light")
    export = {"table": "people", "place": state.target.code, "month": state.month, "as_of": state.chosen_as_of,
              "open_problems": True, "lang": lang}
    return make_table(PROBLEMS, problems, tables.headers(tables.PROBLEM_COLUMNS, lang), export, lang, height=420,
                      total=spec["count"], limit=PROBLEMS_SHOWN)


def navigate(month, as_of, shown, click, search):
    query = parse(search)
    if ctx.triggered_id == BARS and click:
        return href("/risk", carried(query), place=click["points"][0]["customdata"])
    moved = month_moved(MONTH, month, as_of, shown, query)
    return href("/risk", query, **moved) if moved else dash.no_update


def register(app) -> None:
    """This page's callbacks, on `app` (each app registers its own: see create_app)."""
    app.callback(
        Output("url", "href", allow_duplicate=True),
        *month_inputs(MONTH),
        Input(BARS, "clickData"),
        State("url", "search"),
        prevent_initial_call=True,
    )(navigate)
    app.callback(Output(PROBLEMS_AREA, "children"), Input(PROBLEMS_SPEC, "data"))(show_open_problems)
