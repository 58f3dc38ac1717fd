"""报表 Reports: the monthly 汇总表 of a place and month, previewed as it prints, as Excel; the 通报 as Word."""

from __future__ import annotations

import hashlib

import dash
import flask
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboard import auth, context, queries
from dashboard.components import make_breadcrumbs, make_message, make_month_select, register_month_select
from dashboard.i18n import t
from dashboard.queries import ROOT_LEVEL, ancestors
from dashboard.urls import href
from etl import bulletin, reports
from etl.settings import percent

dash.register_page(__name__, path="/reports", title="探访关爱看板 · 报表")

MONTH = "reports-month"
DOWNLOAD = "reports-download"
FILE = "reports-file"
SPEC = "reports-spec"
BULLETIN_DOWNLOAD = "reports-bulletin-download"
BULLETIN_FILE = "reports-bulletin-file"
BULLETIN_MESSAGE = "reports-bulletin-message"


def summary_of(place: str | None, month: str | None, lang: str, as_of: str | None):
    """The page state and the 汇总表 of its place and month (the user's scope decides what may be asked)."""
    state = context.page_state(place, month, lang, as_of)
    target = state.target
    if target.level == "community":  # a community has no 汇总表 of its own: its street's counts it (its staff's page)
        raise reports.ReportError(t("reports_community", lang, name=target.short_name))
    code, level = ("all", "all") if target.level == ROOT_LEVEL else (target.code, target.level)
    config = flask.current_app.config["CAREVISIT_CONFIG"]
    with state.wh.cursor() as cursor:
        return state, reports.summarize(cursor, state.month_start, code, target.name, level,
                                        (config.sensitive_categories, config.small_count_threshold))


def layout(place: str | None = None, month: str | None = None, lang: str = "zh", as_of: str | None = None,
           **_query) -> html.Div:
    query = {"place": place, "month": month, "lang": lang, "as_of": as_of}
    try:
        state, summary = summary_of(place, month, lang, as_of)
    except context.PageProblem as problem:
        return make_message(problem.message, problem.color)
    except reports.ReportError as error:
        return make_message(str(error), "warning")
    return html.Div([
        html.Div([
            make_breadcrumbs(ancestors(state.wh, state.target, state.scope), query, lang),
            make_month_select(state, MONTH),
        ], className="d-flex justify-content-between align-items-center flex-wrap mb-2"),
        html.Div([
            html.H4(summary.title, className="mb-0", id="reports-title"),
            html.Div([
                html.Button(t("download_excel", lang), id=DOWNLOAD, className="btn btn-primary btn-sm me-2"),
                dcc.Loading(html.Button(t("download_bulletin", lang), id=BULLETIN_DOWNLOAD,
                                        className="btn btn-outline-primary btn-sm"), type="circle"),
            ], className="d-flex"),
        ], className="d-flex justify-content-between align-items-center mt-3 mb-1"),
        html.Div(id=BULLETIN_MESSAGE),
        # a street's rows are communities, which have no summary of their own to click through to
        html.Div(t("reports_hint_street" if summary.child_level == "community" else "reports_hint", lang,
                   as_of=f"{summary.as_of:%Y-%m-%d}"), className="chart-note mb-2"),
        make_preview(summary, lambda code: href("/reports", query, place=code)),
        html.Div(summary.footnote, className="chart-note mt-2"),
        dcc.Store(id=SPEC, data={"place": state.target.code, "month": state.month, "as_of": state.chosen_as_of,
                                 "lang": lang}),
        dcc.Download(id=FILE),
        dcc.Download(id=BULLETIN_FILE),
    ])


def make_preview(summary: reports.MonthlySummary, link) -> html.Div:
    """The table as it prints: the two header rows with their groups, one row per place, 合计 last."""
    columns = summary.columns()
    groups = summary.header_groups()
    head = html.Thead([
        html.Tr([html.Th(summary.level_name, rowSpan=2),
                 *(html.Th(text, colSpan=len(headers or [text]), rowSpan=1 if headers else 2)
                   for text, headers in groups)]),
        html.Tr([html.Th(header) for _, headers in groups for header in headers or ()]),
    ])
    body = []
    for record in summary.rows.to_dict("records"):
        name = summary.row_name(record)
        # a street's name opens its own 汇总表, of its communities
        cells = [html.Th(dcc.Link(name, href=link(record["code"])) if record["level"] in ("district", "street")
                         else name)]
        for column, _, _ in columns:
            value = summary.cell(record, column)
            cells.append(html.Td(value if isinstance(value, str) else "" if value is None or pd.isna(value) else
                                 percent(value) if column in reports.RATES else f"{int(value):,}"))
        body.append(html.Tr(cells, className="report-total" if record["level"] == "total" else None))
    return html.Div(html.Table([head, html.Tbody(body)], className="report-table", id="reports-table"),
                    className="report-scroll")


def download(clicks, spec):
    if not clicks or not spec:
        return dash.no_update
    auth.throttle("export")
    try:
        _state, summary = summary_of(spec.get("place"), spec.get("month"), "zh", spec.get("as_of"))
    except reports.ReportError:  # no 汇总表 here (a community's): the page says why, beside the button
        return dash.no_update
    data = reports.to_workbook(summary)  # 填报人 left for the person who signs it (a sign-in name is none)
    auth.audit("export", place=spec.get("place"), row_count=len(summary.rows),
               file_sha256=hashlib.sha256(data).hexdigest(), detail={"table": "monthly_summary",
                                                                     "month": summary.month})
    return dcc.send_bytes(data, f"{summary.place_name}_{summary.month}_汇总表.xlsx")


def download_bulletin(clicks, spec):
    """The 通报 of the page's place and month as Word, its charts drawn on the server."""
    if not clicks or not spec:
        return dash.no_update, dash.no_update
    auth.throttle("export")
    lang = spec.get("lang") or "zh"
    state = context.page_state(spec.get("place"), spec.get("month"), lang, spec.get("as_of"))
    target = state.target
    code, level = ("all", "all") if target.level == ROOT_LEVEL else (target.code, target.level)
    try:
        # the month before as the overview compares with it (to the same day while this month is in progress)
        last_month = queries.previous_month(state.wh, target, state.scope, state.month, state.as_of)
        with state.wh.cursor() as cursor:
            made = bulletin.compose(cursor, state.month_start, code, target.name, level, last_month)
        config = flask.current_app.config["CAREVISIT_CONFIG"]
        data = bulletin.to_docx(made, bulletin.chart_images(made), unit=target.name,
                                issuer=config.bulletin_issuer(level, target.name),
                                fonts=bulletin.Fonts.configured(config))
    except (bulletin.BulletinError, reports.ReportError) as error:
        return dash.no_update, make_message(t("bulletin_failed", lang, reason=str(error)), "warning")
    auth.audit("export", place=spec.get("place"), row_count=len(made.summary.rows),
               file_sha256=hashlib.sha256(data).hexdigest(), detail={"table": "bulletin", "month": made.summary.month})
    return dcc.send_bytes(data, f"{made.summary.place_name}_{made.summary.month}_通报.docx"), None


def register(app) -> None:
    """This page's callbacks, on `app` (each app registers its own: see create_app)."""
    app.callback(Output(FILE, "data"), Input(DOWNLOAD, "n_clicks"), State(SPEC, "data"),
                 prevent_initial_call=True)(download)
    app.callback(Output(BULLETIN_FILE, "data"), Output(BULLETIN_MESSAGE, "children"),
                 Input(BULLETIN_DOWNLOAD, "n_clicks"), State(SPEC, "data"),
                 prevent_initial_call=True)(download_bulletin)
    register_month_select(app, "/reports", MONTH)
