"""create_app(settings): the Dash app, its frame and the callbacks shared by every page."""

from __future__ import annotations

import sys
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html

from dashboard import context, tables
from dashboard.i18n import t
from dashboard.queries import ALL as ALL_PLACES
from dashboard.queries import Warehouse
from dashboard.urls import carried, href, parse
from etl.settings import Settings

ASSETS = Path(__file__).resolve().parents[1] / "assets"
PAGES = Path(__file__).resolve().parent / "pages"
NAV = (("nav_overview", "/"), ("nav_overdue", "/overdue"), ("nav_risk", "/risk"), ("nav_data", "/data"))

DOWNLOAD_IMAGE = """
function(clicks, filename) {
    const triggered = window.dash_clientside.callback_context.triggered;
    if (!triggered.length || !clicks.some(Boolean)) { return window.dash_clientside.no_update; }
    const id = JSON.parse(triggered[0].prop_id.split('.')[0]);
    const graph = document.getElementById(id.chart).querySelector('.js-plotly-plot');
    Plotly.downloadImage(graph, {format: id.format, filename: filename, scale: id.format === 'png' ? 2 : 1});
    return Date.now();
}
"""


def create_app(settings: Settings, scope: str = ALL_PLACES) -> Dash:
    app = Dash(
        __name__, use_pages=True, pages_folder=str(PAGES), assets_folder=str(ASSETS), title="探访关爱看板",
        update_title=None, serve_locally=True,
    )
    app.server.config["CAREVISIT_WAREHOUSE"] = Warehouse(settings.db_path)
    app.server.config["CAREVISIT_SCOPE"] = scope
    app.layout = html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        html.Div(id="navbar"),
        dbc.Container(dash.page_container, fluid=True, className="page"),
        dcc.Download(id="table-file"),
    ])
    # Callbacks of every page are registered at once; their components exist only on their page.
    # Dash builds a validation layout on the first request from each page's layout(), which lacks
    # the controls of a page shown without a place; each page declares them in skeleton() instead.
    validation_layout = html.Div(
        [app.layout, *(sys.modules[page["module"]].skeleton() for page in dash.page_registry.values())]
    )

    def use_page_skeletons() -> None:
        app.validation_layout = validation_layout

    app.server.before_request(use_page_skeletons)  # runs after Dash's own page-router setup
    # Callbacks are registered on this app, not through Dash's global @callback list: Dash hands
    # that list to the first app created in a process and empties it, so a second app would have none.
    app.callback(Output("navbar", "children"), Input("url", "pathname"), Input("url", "search"))(update_navbar)
    app.callback(
        Output("table-file", "data"),
        Input({"type": "table-download", "table": ALL, "format": ALL}, "n_clicks"),
        State({"type": "table-query", "table": ALL}, "data"),
        prevent_initial_call=True,
    )(download_table)
    for page in dash.page_registry.values():
        sys.modules[page["module"]].register(app)
    app.clientside_callback(
        DOWNLOAD_IMAGE,
        Output({"type": "image-done", "chart": MATCH}, "data"),
        Input({"type": "image-download", "chart": MATCH, "format": ALL}, "n_clicks"),
        State({"type": "image-filename", "chart": MATCH}, "data"),
        prevent_initial_call=True,
    )
    return app


def make_navbar(pathname: str, query: dict) -> dbc.Navbar:
    lang = query.get("lang", "zh")
    links = [dbc.NavLink(t(key, lang), href=href(path, carried(query)), active=pathname == path,
                         id=f"nav-{path.strip('/') or 'overview'}") for key, path in NAV]
    other = "en" if lang == "zh" else "zh"
    switch = dbc.NavLink(t("language_switch", lang), href=href(pathname, query, lang=other), id="language-switch")
    return dbc.Navbar(dbc.Container([
        dbc.NavbarBrand(t("app_title", lang), href=href("/", carried(query))),
        dbc.Nav(links, className="me-auto flex-row gap-2"),
        dbc.Nav([switch], className="flex-row"),
    ], fluid=True), color="#1f4e79", dark=True, className="mb-3")


def update_navbar(pathname: str, search: str):
    return make_navbar(pathname or "/", parse(search))


def download_table(clicks: list, specs: list):
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    table_id, file_format = ctx.triggered_id["table"], ctx.triggered_id["format"]
    spec = next(s for s, state in zip(specs, ctx.states_list[0], strict=True) if state["id"]["table"] == table_id)
    frame, name = tables.build(spec, context.warehouse(), context.scope())
    data = tables.to_file(frame, tables.COLUMNS[spec["table"]], spec.get("lang", "zh"), file_format)
    return dcc.send_bytes(data, f"{name}.{file_format}")
