"""create_app(settings): the Dash app, its frame and the callbacks shared by every page."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
import duckdb
import flask
from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html
from flask_compress import Compress

from dashboard import auth, context, queries, tables, uploads
from dashboard.accounts import User
from dashboard.auth import Security
from dashboard.components import UNMASKABLE, make_message
from dashboard.i18n import listed, t, value_label
from dashboard.queries import Warehouse
from dashboard.urls import carried, href, parse
from etl.settings import Settings

# The pages' stylesheets and scripts: the repository's top-level assets/ folder, which a wheel installs as
# dashboard/assets (setup.py). Among them plotly.js's basic bundle (scatter and bar, all the charts draw), which
# assets/plotly_bundle.js has dcc.Graph load in place of the full one, four times the size, when a page first
# shows a chart; it is not among the scripts every page loads (PLOTLY_BUNDLE).
INSTALLED_ASSETS = Path(__file__).resolve().parent / "assets"
ASSETS = INSTALLED_ASSETS if INSTALLED_ASSETS.is_dir() else Path(__file__).resolve().parents[1] / "assets"
PLOTLY_BUNDLE = r"plotly-basic\.min\.js$"
COMPRESSED = ["application/javascript", "text/javascript", "text/css", "application/json"]
PAGES = Path(__file__).resolve().parent / "pages"
PAGE_SPINNER_DELAY_MS = 600  # a page made slower than this shows a spinner over it (make_page_loading)
# (label, path, the permission the page needs beyond signing in)
NAV = (("nav_overview", "/", None), ("nav_overdue", "/overdue", "people"), ("nav_risk", "/risk", None),
       ("nav_supervision", "/supervision", "supervise"), ("nav_reports", "/reports", None), ("nav_data", "/data", None),
       ("nav_upload", "/upload", "load"), ("nav_audit", "/audit", "admin"))

DOWNLOAD_IMAGE = """
function(clicks, filename, caption) {
    const triggered = window.dash_clientside.callback_context.triggered;
    if (!triggered.length || !clicks.some(Boolean)) { return window.dash_clientside.no_update; }
    const id = JSON.parse(triggered[0].prop_id.split('.')[0]);
    const graph = document.getElementById(id.chart).querySelector('.js-plotly-plot');
    const options = {format: id.format, filename: filename, scale: id.format === 'png' ? 2 : 1};
    let image = graph;
    if (caption) {  // the caption line under the title, in the image only: place, month, data date
        const layout = Object.assign({}, graph.layout);
        layout.title = Object.assign({}, layout.title, {subtitle: {text: caption, font: {size: 12, color: '#555555'}}});
        layout.margin = Object.assign({}, layout.margin, {t: ((layout.margin || {}).t || 40) + 22});
        image = {data: graph.data, layout: layout};
        options.width = graph._fullLayout.width;
        options.height = graph._fullLayout.height + 22;
    }
    Plotly.downloadImage(image, options);
    return Date.now();
}
"""


def create_app(settings: Settings, local_user: User | None = None, security: Security | None = None) -> Dash:
    """The dashboard. Users sign in with their accounts; with `local_user`, every request is that user's
    (single-user local mode: `carevisit serve --no-auth`, loopback only, and the tests)."""
    app = Dash(
        __name__, use_pages=True, pages_folder=str(PAGES), assets_folder=str(ASSETS), title="探访关爱看板",
        update_title=None, serve_locally=True, assets_ignore=PLOTLY_BUNDLE,
        # Every page's callbacks are registered at once, and their components exist only on their page.
        # (It also keeps Dash from calling every page's layout, unasked, on the first request.)
        suppress_callback_exceptions=True,
    )
    # Scripts, stylesheets and callback answers are compressed (Flask-Compress: zstd, brotli or gzip, as the
    # browser accepts), for a district office at the end of a slow line. Not HTML: the sign-in page carries its
    # CSRF token and the index its signed page token, which a page compressed together with text another site
    # chose could leak by its size (BREACH); a callback answer needs a JSON POST that no other site can send.
    app.server.config.update(COMPRESS_MIMETYPES=COMPRESSED, COMPRESS_STREAMS=False)
    Compress(app.server)
    app.server.after_request(_read_whole)  # runs before Compress's: Flask runs them last registered first
    app.server.config["CAREVISIT_WAREHOUSE"] = Warehouse(settings.db_path)
    app.server.config["CAREVISIT_CONFIG"] = settings.config
    app.server.config["CAREVISIT_SETTINGS"] = settings
    auth.install(app.server, settings.db_path, security or Security(), local_user)
    app.server.before_request(_community_to_its_page)
    app.server.add_url_rule("/upload/files", "upload", uploads.upload_view, methods=["POST"])
    app.server.add_url_rule("/corrections/<int:load_id>", "corrections", uploads.corrections_view)
    app.layout = html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        html.Div(id="navbar"),
        dbc.Container(make_page_loading(dash.page_container), fluid=True, className="page"),
        dcc.Download(id="table-file"),
        dbc.Modal([dbc.ModalHeader(dbc.ModalTitle(t("unmask_title"), id="unmask-title")),
                   dbc.ModalBody(id="unmask-body")], id="unmask-modal", is_open=False),
    ])
    # Callbacks are registered on this app, not through Dash's global @callback list: Dash hands
    # that list to the first app created in a process and empties it, so a second app would have none.
    app.callback(Output("navbar", "children"), Input("url", "pathname"), Input("url", "search"))(update_navbar)
    app.callback(
        Output("table-file", "data"),
        Input({"type": "table-download", "table": ALL, "format": ALL}, "n_clicks"),
        State({"type": "table-query", "table": ALL}, "data"),
        prevent_initial_call=True,
    )(download_table)
    for grid in UNMASKABLE:
        app.callback(
            Output("unmask-modal", "is_open", allow_duplicate=True),
            Output("unmask-body", "children", allow_duplicate=True),
            Output("unmask-title", "children", allow_duplicate=True),
            Input(grid, "cellClicked"),
            State({"type": "table-query", "table": grid}, "data"),
            prevent_initial_call=True,
        )(unmask_person)
    for page in dash.page_registry.values():
        sys.modules[page["module"]].register(app)
    app.clientside_callback(
        DOWNLOAD_IMAGE,
        Output({"type": "image-done", "chart": MATCH}, "data"),
        Input({"type": "image-download", "chart": MATCH, "format": ALL}, "n_clicks"),
        State({"type": "image-filename", "chart": MATCH}, "data"),
        State({"type": "image-caption", "chart": MATCH}, "data"),
        prevent_initial_call=True,
    )
    app.server.config["CAREVISIT_CSP"] = lambda: content_security_policy(app)
    return app


def make_page_loading(page_container: html.Div) -> dcc.Loading:
    """The page, dimmed under a spinner while a page that takes a while is made: a month counted to another 截至
    date is computed anew (5-7 s at a province's scale), and the page had stayed as it was, without a sign of work
    (review 11b M5). Only the page's own making (Dash's _pages_content), not a table or a chart updating inside it;
    and only past PAGE_SPINNER_DELAY_MS, so the usual page (tens of milliseconds) never flickers."""
    return dcc.Loading(page_container, target_components={"_pages_content": "children"},
                       delay_show=PAGE_SPINNER_DELAY_MS, show_initially=False,
                       custom_spinner=html.Div(dbc.Spinner(color="primary"), className="page-spinner"),
                       overlay_style={"visibility": "visible", "opacity": 0.4})


def _community_to_its_page():
    """The overview opened for a community (a community's staff, whose place it is, or ?place= a community's code):
    its page, by the server's redirect. The overview's own (a location that reloads the page) broke off the
    navigation bar's request still on its way: a failed request in the browser's log, and a second page load."""
    request, user = flask.request, auth.current()
    if request.method != "GET" or request.path != "/" or user is None or not user.place:
        return None
    try:  # the place as the overview resolves it, its level the warehouse's
        target = context.resolve(context.warehouse(), user.place, request.args.get("place"), None, "zh").target
    except context.PageProblem:
        return None  # no data yet, or a place not the user's: the overview says so (and records a refusal)
    if target.level != "community":
        return None
    return flask.redirect(href("/community", {**request.args.to_dict(), "place": target.code}))


def content_security_policy(app: Dash) -> str:
    """Scripts only from this server and Dash's own inline ones, by hash (Dash adds one on the first
    request, so this is asked each time); styles inline, as Plotly writes them."""
    return "; ".join((
        "default-src 'self'", f"script-src 'self' {' '.join(app.csp_hashes())}",
        "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "font-src 'self' data:",
        "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def make_navbar(pathname: str, query: dict) -> html.Div:
    lang = query.get("lang", "zh")
    user = context.user()
    links = [dbc.NavLink(t(key, lang), href=href(path, carried(query)), active=pathname == path,
                         id=f"nav-{path.strip('/') or 'overview'}")
             for key, path, permission in NAV if permission is None or user.may(permission)]
    other = "en" if lang == "zh" else "zh"
    switch = dbc.NavLink(t("language_switch", lang), href=href(pathname, query, lang=other), id="language-switch")
    local = flask.current_app.config.get("CAREVISIT_LOCAL_USER") is not None
    who = html.Span([
        # the local mode's one user is this computer, said in the page's language
        html.Span(t("local_user", lang) if local else user.username, className="navbar-user-name"), " · ",
        t(f"role_{user.role}", lang), " · ",
        _place_name(user.place, lang),
    ], className="navbar-user", id="navbar-user")
    account = [who] if local else [who, auth.sign_out_form(lang)]
    navbar = dbc.Navbar(dbc.Container([
        dbc.NavbarBrand(t("app_title", lang), href=href("/", carried(query))),
        dbc.Nav(links, className="me-auto flex-row gap-2"),
        dbc.Nav([*account, switch], className="flex-row align-items-center gap-2"),
    ], fluid=True), color="#1f4e79", dark=True, className="mb-3" if not local else "mb-0")
    if not local:
        return navbar
    return html.Div([navbar, html.Div(t("local_mode", lang), className="local-mode-banner mb-3", id="local-mode")])


def unmask_person(cell: dict | None, spec: dict | None):
    """Staff: a click on a masked name shows that one person's details, and the audit log records it."""
    if not isinstance(cell, dict) or cell.get("colId") != "name" or not isinstance(spec, dict) or not spec:
        return dash.no_update, dash.no_update, dash.no_update
    lang = spec.get("lang", "zh") if isinstance(spec.get("lang"), str) else "zh"
    if not context.may("unmask"):
        context.record_refusal("unmask")
        return dash.no_update, dash.no_update, dash.no_update
    try:
        auth.throttle("unmask")
    except auth.TooManyRequests:  # said in the dialog, where the click asked (review 16 M1: a console line only)
        context.record_refusal("unmask_limit", spec.get("place") if isinstance(spec.get("place"), str) else None)
        return True, make_message(t("unmask_limit", lang, limit=auth.LIMITS["unmask"].amount), "warning"), \
            t("unmask_title", lang)
    try:
        position = _row_position(cell.get("rowId"))
        person = tables.person_at(spec, position, context.warehouse(), context.scope())
    except queries.OutOfScope:  # a place outside the user's scope, written by hand into the request
        context.record_refusal("unmask", spec.get("place") if isinstance(spec.get("place"), str) else None)
        return True, make_message(t("no_rows", lang), "light"), t("unmask_title", lang)
    except (ValueError, TypeError):  # a list or row no page sends: nobody to show
        person = None
    if person is None:
        return True, make_message(t("no_rows", lang), "light"), t("unmask_title", lang)
    # whose details were shown (masked, as the list shows them) and in which list: a row's position alone named
    # another person in another list, month or load (security review 2026-12-04)
    shown_in = {key: spec.get(key) for key in ("table", "month", "as_of", "work_list", "category", "risk",
                                               "open_problems") if spec.get(key) not in (None, False, [], "")}
    auth.audit("unmask", place=spec.get("place"), row_count=1,
               detail=shown_in | {"row": position, "community": person["community"]},
               facts={f"person_{key}": value for key, value in person["shown"].items()})
    rows = [(t("col_name", lang), person["name"] or t("name_not_written", lang)),
            (t("col_id_number", lang), person["id_number"]),
            (t("col_phone", lang), person["phone"] or ""), (t("col_address", lang), person["address"] or ""),
            (t("col_community", lang), person["community"]),
            # in full here: a list masks health and disability (tables.people_table)
            (t("col_categories", lang), listed((value_label(c, lang) for c in person["categories"]), lang))]
    return True, html.Div([
        html.Dl([item for label, value in rows for item in (html.Dt(label), html.Dd(value))],
                className="unmask-details mb-2"),
        html.Div(t("unmask_logged", lang), className="chart-note"),
    ]), t("unmask_title", lang)


def _row_position(row_id) -> int:
    """The position of a clicked row in its list: the grid keys rows 0, 1, 2 … as text (no getRowId)."""
    if isinstance(row_id, str) and row_id.isascii() and row_id.isdigit():
        return int(row_id)
    raise ValueError("not a row of a list")


def _place_name(code: str, lang: str) -> str:
    try:
        return queries.place(context.warehouse(), code, code).short_name
    except (queries.OutOfScope, duckdb.Error):  # a place no longer in the geography, or no warehouse yet
        return code


def _read_whole(response: flask.Response) -> flask.Response:
    """A file of assets/ read whole into its answer, so that Flask-Compress compresses it as it does every other
    answer. (Flask sends a file as a stream, and Flask-Compress 1.25 compressing a stream leaves the file open.)"""
    if response.is_streamed and response.mimetype in COMPRESSED:
        response.direct_passthrough = False
        response.make_sequence()
    return response


def update_navbar(pathname: str, search: str):
    return make_navbar(pathname or "/", parse(search))


def download_table(clicks: list, specs: list):
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    table_id, file_format = ctx.triggered_id["table"], ctx.triggered_id["format"]
    if file_format not in ("xlsx", "csv"):
        raise ValueError(file_format)
    spec = next(s for s, state in zip(specs, ctx.states_list[0], strict=True) if state["id"]["table"] == table_id)
    if spec["table"] in tables.PERSON_TABLES:
        context.require("export_people")
    if spec["table"] in tables.TEXT_TABLES:
        context.require("people")
    auth.throttle("export")
    built = tables.build(spec, context.warehouse(), context.scope(), lambda: auth.throttle("as_of"))
    data = tables.to_file(built, tables.COLUMNS[spec["table"]], spec.get("lang", "zh"), file_format,
                          personal=spec["table"] in tables.PERSON_TABLES | tables.TEXT_TABLES)
    # the place exported: the list's own (checked by build), else the user's whole place
    place = spec["place"] if spec["table"] in ("people", "changes") else context.scope()
    auth.audit("export", place=place, row_count=len(built.frame), file_sha256=hashlib.sha256(data).hexdigest(),
               detail={k: v for k, v in spec.items() if v not in (None, "", [], False)} | {"format": file_format})
    return dcc.send_bytes(data, f"{built.name}.{file_format}")
