"""督查 Supervision: lagging places ranked, visit-quality leads with their evidence, a check list to take out."""

from __future__ import annotations

import hashlib

import dash
import dash_bootstrap_components as dbc
import flask
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboard import auth, context
from dashboard import supervision_queries as queries
from dashboard.components import kept, make_breadcrumbs, make_message, make_month_select, register_month_select
from dashboard.i18n import day_label, t, value_label
from dashboard.measures import same_day_last_month
from dashboard.queries import ROOT_LEVEL, OutOfScope, ancestors, visits_unsent
from dashboard.urls import href, parse
from etl import checklist
from etl.settings import percent

dash.register_page(__name__, path="/supervision", title="探访关爱看板 · 督查")

MONTH = "supervision-month"
PICK = "supervision-pick"
SAMPLE = "supervision-sample"
SEED = "supervision-seed"
DRAW = "supervision-draw"
SHOW = "supervision-show"
DOWNLOAD = "supervision-download"
PRINT = "supervision-print"
PRINTED = "supervision-printed"
FILE = "supervision-file"
SPEC = "supervision-spec"
SIGNALS = ("daily_home_visits", "after_exit", "identical_notes", "gps_far", "phone_only", "late_entry")
SIGNAL_ROWS_SHOWN = 200  # evidence rows per signal on screen, of a street or a community
# … of a district or a whole city, whose leads run to thousands of rows (at the top of a city 200 rows a
# signal were 230 kB of a 317 kB page): the ranking's links open a street with all of its own
SIGNAL_ROWS_SHOWN_ABOVE = 50
PLACES_SHOWN = 30  # lagging places ranked on screen
# Communities the pick list offers at once: a city has thousands, so past this many the list starts
# with those a draw favours most and the rest are found by typing (each keystroke asks the server).
PICK_OPTIONS = 100


def layout(place: str | None = None, month: str | None = None, lang: str = "zh", as_of: str | None = None,
           pick: str | None = None, sample: str | None = None, seed: str | None = None, **_query) -> html.Div:
    query = {"place": place, "month": month, "lang": lang, "as_of": as_of,
             **{key: value if isinstance(value, str) else None  # a repeated key arrives as a list
                for key, value in (("pick", pick), ("sample", sample), ("seed", seed))}}
    try:
        state = context.page_state(place, month, lang, as_of)
    except context.PageProblem as problem:
        return make_message(problem.message, problem.color)
    if not context.may("supervise"):
        context.record_refusal("supervise", state.target.code)
        return make_message(t("supervision_not_allowed", lang, role=t(f"role_{context.user().role}", lang)),
                            "secondary")
    return html.Div([
        html.Div([
            make_breadcrumbs(ancestors(state.wh, state.target, state.scope), query, lang),
            make_month_select(state, MONTH),
        ], className="d-flex justify-content-between align-items-center flex-wrap mb-2 no-print"),
        html.H4(t("supervision_title", lang, place=state.target.name), className="mb-2 no-print"),
        dbc.Alert(t("supervision_leads_note", lang), color="info", className="py-2 no-print",
                  id="supervision-note"),
        # a month in progress is red everywhere early on (DESIGN §5: every page says so; probe P)
        *([dbc.Alert(t("supervision_in_progress" if state.month_unfinished else "supervision_as_of", lang,
                       day=day_label(state.as_of, lang), same_day=day_label(same_day_last_month(state.as_of), lang)),
                     color="warning", className="py-2 no-print",
                     id="supervision-in-progress")] if state.in_progress else []),
        html.Div(make_lagging(state, query), className="no-print"),
        html.Div(make_signals(state), className="no-print"),
        make_checklist_section(state, query),
    ])


# --- sections kept ---------------------------------------------------------------------------------


def _kept(state: context.PageState, key: tuple, build):
    """`build()`, kept per warehouse file and `key` with its components serialised once (components.kept)."""
    return kept(state.wh, ("supervision", *key), build)


# --- lagging places ------------------------------------------------------------------------------


def make_lagging(state: context.PageState, query: dict) -> html.Div:
    """The lagging places, kept per warehouse file, place, month and the query its links carry."""
    links = tuple(sorted((key, value if isinstance(value, str | None) else repr(value))
                         for key, value in query.items()))
    return _kept(state, ("lagging", state.target.code, state.month, state.scope, state.lang, links),
                 lambda: _make_lagging(state, query))


def _make_lagging(state: context.PageState, query: dict) -> html.Div:
    lang = state.lang
    levels = {"district": ("street", "community"), "street": ("community",)}.get(
        state.target.level, ("street", "community") if state.target.level == ROOT_LEVEL else ())
    if not levels:
        return html.Div()
    parts = [html.H5(t("supervision_lagging", lang), className="mt-3")]
    unsent = set(visits_unsent(state.wh, state.month)["street_code"])
    for level in levels:
        places = queries.lagging(state.wh, state.target, state.month, state.scope, level, state.as_of)
        parts.append(html.H6(t(f"supervision_rank_{level}", lang), className="mt-2"))
        parts.append(make_lagging_table(places, lambda code: href("/supervision", query, place=code, pick=None),
                                        lang, f"supervision-lagging-{level}", unsent))
    return html.Div(parts)


def _rate(value) -> str:
    return percent(value)


def make_lagging_table(places: pd.DataFrame, link, lang: str, table_id: str, unsent: set[str] = frozenset()
                       ) -> html.Div:
    """The lagging places, lowest first; a place of a street with no visit record of the month yet (`unsent`) says
    so beside its rate, which is of records not sent, as the overview and the 通报 say it (the 通报 leaves them out of
    its lagging communities: probe 30 H1)."""
    if places.empty:
        return make_message(t("no_rows", lang), "light")
    # a month in progress beside the month before at the same day (lagging: rate_same_day), like for like
    same_day = "rate_same_day" in places.columns
    head = html.Thead(html.Tr([html.Th(t(key, lang)) for key in (
        "supervision_col_light", "col_place", "supervision_col_rate", "supervision_col_gap",
        *(["supervision_col_same_day"] if same_day else []), "supervision_col_trend", "supervision_col_leads")]))
    lagging = places[places["light"] != "green"]
    rows = []
    for p in lagging.head(PLACES_SHOWN).itertuples(index=False):
        name = p.short_name if p.level == "street" else f"{p.parent_short_name} · {p.short_name}"
        rows.append(html.Tr([
            html.Td(html.Span(className=f"light light-{p.light}", title=t(f"light_{p.light}", lang))
                    if p.light else ""),
            html.Td(dcc.Link(name, href=link(p.code))),
            html.Td(f"{_rate(p.visit_rate_home)} ({int(p.visited_home):,}/{int(p.eligible_home):,})"
                    + (f" · {t('visits_unsent_short', lang)}" if p.street_code in unsent else "")),
            html.Td(t("supervision_gap", lang, count=int(p.to_visit_count)) if p.to_visit_count else "—"),
            *([html.Td(_rate(p.rate_same_day))] if same_day else []),
            html.Td(" → ".join(_rate(r) for r in (p.rate_2_months_ago, p.rate_1_month_ago, p.visit_rate_home))),
            html.Td(f"{int(p.lead_count)}" if p.lead_count else ""),
        ], className=f"light-{p.light}"))
    note = [html.Div(t("supervision_more_places", lang, shown=PLACES_SHOWN, count=len(lagging)),
                     className="chart-note")] if len(lagging) > PLACES_SHOWN else []
    if len(places) > len(lagging):
        note.append(html.Div(t("supervision_all_visited", lang, count=len(places) - len(lagging)),
                             className="chart-note"))
    if lagging.empty:
        return html.Div(note)
    return html.Div([dbc.Table([head, html.Tbody(rows)], size="sm", bordered=True, hover=True, id=table_id,
                               className="supervision-table"), *note])


# --- visit-quality leads ---------------------------------------------------------------------------


def make_signals(state: context.PageState) -> html.Div:
    """The leads and their evidence, kept per warehouse file, place and month; each view is audited."""
    config = flask.current_app.config["CAREVISIT_CONFIG"].visit_quality
    cards, evidence_rows = _kept(state, ("signals", state.target.code, state.month, state.scope, state.lang,
                                         tuple(sorted(_thresholds(config).items()))),
                                 lambda: _make_signals(state, config))
    context.record_view("visit_signals", state.target.code, evidence_rows, month=state.month)
    return cards


def _make_signals(state: context.PageState, config) -> tuple[html.Div, int]:
    """The cards, and how many evidence rows they were made from (the audit record's count)."""
    lang = state.lang
    evidence = queries.signals(state.wh, state.target, state.month, state.scope)
    street_or_below = state.target.level in ("street", "community")
    shown = SIGNAL_ROWS_SHOWN if street_or_below else SIGNAL_ROWS_SHOWN_ABOVE
    # each signal's rows by position, found in one pass (a mask per signal copied every column six times)
    positions = evidence.groupby("signal", sort=False).indices
    leads_of = evidence.groupby("signal", sort=False)["lead_key"].nunique()
    has_points, has_entry_times = queries.can_tell(state.wh, state.target, state.month, state.scope)
    cards = []
    for signal in SIGNALS:
        found = positions.get(signal, [])
        rows = evidence.iloc[list(found[:shown])]
        leads = int(leads_of.get(signal, 0))
        if signal == "gps_far" and not has_points:
            body = [html.Div(t("signal_gps_far_no_points", lang), className="chart-note")]
        elif signal == "late_entry" and not has_entry_times:
            body = [html.Div(t("signal_late_entry_missing", lang), className="chart-note")]
        elif rows.empty:
            body = [html.Div(t("signal_none", lang), className="chart-note")]
        else:
            body = [make_evidence(rows, signal, lang)]
            if len(found) > shown:
                body.append(html.Div(t("display_limit_rows" if street_or_below else "evidence_limit_above", lang,
                                       shown=shown, count=len(found)), className="chart-note"))
        cards.append(dbc.Card(dbc.CardBody([
            html.Div([html.Strong(t(f"signal_{signal}", lang)),
                      dbc.Badge(t("signal_lead_count", lang, count=leads), color="warning" if leads else "light",
                                text_color="dark", className="ms-2")]),
            html.Div(t(f"signal_{signal}_rule", lang, **_thresholds(config)), className="chart-note mb-2"),
            *body,
        ]), className="mb-2", id=f"signal-{signal}"))
    return html.Div([html.H5(t("supervision_signals", lang), className="mt-4"), *cards]), len(evidence)


def _thresholds(config) -> dict:
    return {"limit": config.home_visits_per_day_limit, "visits": config.identical_notes_min_visits,
            "chars": config.identical_notes_min_chars, "km": config.gps_distance_km,
            "months": config.phone_only_months, "days": config.late_entry_days}


def _day(value) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def _time(value) -> str:
    """A visit's date and time of day; its date alone where the record gave no time (stored at midnight; probe P:
    2026-11-11 00:00 read as a visit at midnight)."""
    if value is None or pd.isna(value):
        return ""
    at = pd.Timestamp(value)
    return _day(at) if at == at.normalize() else f"{at:%Y-%m-%d %H:%M}"


def _what(row, signal: str, lang: str) -> str:
    """The evidence of one row, in words."""
    measure = row.measure
    if signal == "daily_home_visits":
        return t("evidence_daily", lang, count=int(measure))
    if signal == "after_exit":
        return t("evidence_after_exit", lang, status=value_label(row.elder_status, lang), date=_day(row.exit_date),
                 days=int(measure))
    if signal == "identical_notes":
        return t("evidence_notes", lang, count=int(measure), note=row.note or "")
    if signal == "gps_far":
        return t("evidence_gps", lang, km=measure)
    if signal == "late_entry":
        return t("evidence_late_entry", lang, days=int(measure), entered=_time(row.entered_at))
    return t("evidence_phone_only", lang, months=int(measure))


def make_evidence(rows: pd.DataFrame, signal: str, lang: str) -> dbc.Table:
    visit_columns = signal != "phone_only"
    keys = ["col_community", "col_name", *(["evidence_col_when", "evidence_col_method", "evidence_col_visitor"]
                                           if visit_columns else []), "evidence_col_what",
            *(["evidence_col_source"] if visit_columns else [])]
    head = html.Thead(html.Tr([html.Th(t(key, lang)) for key in keys]))
    body, previous = [], None
    for row in rows.itertuples(index=False):
        cells = [f"{row.street} · {row.community}", row.name or t("evidence_unlinked", lang)]
        if visit_columns:
            cells += [_time(row.visit_at), f"{value_label(row.method, lang)} · {value_label(row.outcome, lang)}",
                      row.visitor or ""]
        cells.append(_what(row, signal, lang))
        if visit_columns:
            cells.append(t("evidence_source", lang, file=row.file_name or "", row=row.row_number)
                         if row.file_name else "")
        # the rows of one lead together, a line between leads
        body.append(html.Tr([html.Td(c) for c in cells],
                            className="lead-start" if row.lead_key != previous else None))
        previous = row.lead_key
    return dbc.Table([head, html.Tbody(body)], size="sm", bordered=True, className="supervision-table mb-0",
                     id=f"evidence-{signal}")


# --- the check list ---------------------------------------------------------------------------------


def _number(text: str | None) -> int | None:
    try:
        number = int(text) if text not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is None or 0 <= number < 2**63 else None


def _state(spec: dict) -> context.PageState:
    """The page state of a spec (from the browser): a place outside the user's scope is refused."""
    try:
        return context.page_state(spec.get("place"), spec.get("month"), "zh", spec.get("as_of"))
    except context.PageProblem as problem:
        raise OutOfScope(spec.get("place")) from problem


def _seed(text: str | None) -> int:
    seed = _number(text)
    return checklist.DEFAULT_SEED if seed is None else seed


def checklist_of(spec: dict) -> checklist.CheckList:
    """The check list a page state and its choices ask for, within the user's scope."""
    return _checklist(spec)[0]


def _checklist(spec: dict, state: context.PageState | None = None) -> tuple[checklist.CheckList, tuple]:
    """The check list of checklist_of, and the key it is kept by; `state`: the spec's, resolved already."""
    state = state or _state(spec)
    picked = [c for c in (spec.get("pick") or "").split(",") if c] or None
    config = flask.current_app.config["CAREVISIT_CONFIG"]
    place = None if state.target.level == ROOT_LEVEL else state.target.code
    sample, seed = None if picked else _number(spec.get("sample")), _number(spec.get("seed"))

    def make() -> checklist.CheckList:
        with state.wh.cursor() as cursor:
            return checklist.from_marts(cursor, state.month_start, place, sample=sample, seed=seed, picked=picked,
                                        scope=state.scope, unshown=config.unshown_categories,
                                        visited_per_community=config.visit_quality.checklist_visited_per_community)

    # the same list for the same data and choices (the draw is by seed): the page and its download share it
    key = ("checklist", state.month_start, place, tuple(picked or ()), sample, seed, state.scope,
           config.visit_quality.checklist_visited_per_community, config.unshown_categories)
    return state.wh.remember(key, make, weight=lambda made: len(made.people) + len(made.pool)), key


def make_checklist_section(state: context.PageState, query: dict) -> html.Div:
    lang = state.lang
    heading = html.H5(t("checklist_title", lang), className="mt-4 no-print")
    if not context.may("export_people"):
        return html.Div([heading, make_message(t("checklist_not_allowed", lang), "secondary")])
    spec = {"place": state.target.code, "month": state.month, "as_of": state.chosen_as_of,
            "pick": query.get("pick"), "sample": query.get("sample"), "seed": query.get("seed")}
    asked = bool(spec["pick"] or spec["sample"])
    pool = checklist_pool(state)
    if pool.empty:
        return html.Div([heading, make_message(t("checklist_no_communities", lang), "light")])
    picked = [c for c in (spec["pick"] or "").split(",") if c in set(pool["code"])]
    many = len(pool) > PICK_OPTIONS
    options = _kept(state, ("pick", state.month_start, state.target.code, state.scope, tuple(picked), lang),
                    lambda: pick_options(pool, picked, None, lang))
    controls = dbc.Row([
        dbc.Col([dbc.Label(t("checklist_pick", lang), html_for=PICK),
                 dcc.Dropdown(id=PICK, options=options, multi=True, value=picked,
                              placeholder=t("checklist_pick_search", lang, count=len(pool)) if many
                              else t("checklist_pick_placeholder", lang))], md=5),
        dbc.Col(dbc.Button(t("checklist_show", lang), id=SHOW, size="sm", color="secondary"), md="auto"),
        dbc.Col([dbc.Label(t("checklist_sample", lang), html_for=SAMPLE),
                 dbc.Input(id=SAMPLE, type="number", min=1, max=len(pool), size="sm",
                           value=_number(spec["sample"]) or min(3, len(pool)))], md=2),
        dbc.Col([dbc.Label(t("checklist_seed", lang), html_for=SEED),
                 dbc.Input(id=SEED, type="number", size="sm", value=_seed(spec["seed"]))], md=2),
        dbc.Col(dbc.Button(t("checklist_draw", lang), id=DRAW, size="sm", color="primary"), md="auto"),
    ], className="g-2 align-items-end no-print")
    parts = [heading, html.Div(t("checklist_hint", lang), className="chart-note mb-2 no-print"), controls]
    if not asked:
        return html.Div(parts)
    try:
        made, key = _checklist(spec, state)
    except checklist.CheckListError as error:
        return html.Div([*parts, make_message(str(error), "warning")])
    context.record_view("checklist", state.target.code, len(made.people), month=state.month,
                        sample=made.sample, seed=made.seed, communities=list(made.communities["code"]))
    parts += [
        html.Div([
            html.Button(t("download_excel", lang), id=DOWNLOAD, className="btn btn-primary btn-sm me-2"),
            html.Button(t("checklist_print", lang), id=PRINT, className="btn btn-outline-secondary btn-sm"),
        ], className="mt-3 mb-2 no-print"),
        html.Div(made.how_drawn, id="checklist-how", className="mb-2"),
        _kept(state, ("lists", *key), lambda: make_printed_lists(made)),
        dcc.Store(id=SPEC, data=spec),
        dcc.Store(id=PRINTED),
        dcc.Download(id=FILE),
    ]
    return html.Div(parts)


def checklist_pool(state: context.PageState) -> pd.DataFrame:
    """The communities a check list of the page's place and month may take (kept per warehouse file)."""
    target = "all" if state.target.level == ROOT_LEVEL else state.target.code

    def read() -> pd.DataFrame:
        with state.wh.cursor() as cursor:
            return checklist.communities(cursor, state.month_start, target, state.scope)

    return state.wh.remember(("checklist_pool", state.month_start, target, state.scope), read).copy(deep=False)


def pick_options(pool: pd.DataFrame, picked: list[str], search: str | None, lang: str) -> list[dict]:
    """The pick list's options: every community of a small pool; of a large one those whose street or
    name contains `search` (else those a draw favours most), at most PICK_OPTIONS, and the picked ones."""
    if len(pool) > PICK_OPTIONS:
        label = pool["street_name"].fillna("") + " " + pool["short_name"].fillna("")
        matches = label.str.contains(search, regex=False) if search else pd.Series(True, index=pool.index)
        offered = set(pool[matches].sort_values("draw_weight", ascending=False, kind="stable")
                      .head(PICK_OPTIONS)["code"]) | set(picked)
        pool = pool[pool["code"].isin(offered)]
    return [{"label": f"{c.street_name} · {c.short_name} ({_rate(c.visit_rate_home)}"
                      + (f", {t('signal_lead_count', lang, count=int(c.lead_count))}" if c.lead_count else "")
                      + ")", "value": c.code} for c in pool.itertuples(index=False)]


def search_pick(search, picked, search_query):
    """Typing in the pick list of a large place: the communities whose name matches, from the server."""
    query = parse(search_query)
    if not search:
        return dash.no_update
    try:
        state = context.page_state(query.get("place"), query.get("month"), query.get("lang", "zh"),
                                   query.get("as_of"))
    except context.PageProblem:
        return dash.no_update
    if not context.may("supervise"):
        return dash.no_update
    pool = checklist_pool(state)
    if len(pool) <= PICK_OPTIONS:
        return dash.no_update  # every community is offered already
    return pick_options(pool, [c for c in picked or [] if isinstance(c, str)], str(search), state.lang)


def make_printed_lists(made: checklist.CheckList) -> html.Div:
    return html.Div([make_printed_list(made, c) for c in made.communities.itertuples(index=False)],
                    id="checklist-lists")


def make_printed_list(made: checklist.CheckList, community) -> html.Div:
    """One community's list as it prints: a page of its own, tick boxes to fill in by hand."""
    rows = checklist.rows_of(made, community.code)
    head = html.Thead(html.Tr([html.Th(h) for h in checklist.HEADERS]))
    body = html.Tbody([html.Tr([html.Td(v, className="tick" if checklist.HEADERS[i] in checklist.TICKS else None)
                                for i, v in enumerate(values)]) for values in rows])
    return html.Div([
        html.H6(made.community_title(community)),
        html.Div(made.community_summary(community), className="chart-note"),
        html.Div("核实人: ____________   核实日期: ____年__月__日   社区陪同人员: ____________", className="my-1"),
        html.Table([head, body], className="report-table checklist-table"),
    ], className="checklist-page mb-4")


def change_list(show, draw, pick, sample, seed, search):
    """Show the picked communities, or draw a sample by seed: the choice goes into the URL."""
    query = parse(search)
    if dash.ctx.triggered_id == SHOW and pick:
        return href("/supervision", query, pick=",".join(pick), sample=None, seed=None)
    if dash.ctx.triggered_id == DRAW and sample:
        return href("/supervision", query, pick=None, sample=str(sample), seed=str(seed if seed is not None else
                                                                                    checklist.DEFAULT_SEED))
    return dash.no_update


def download(clicks, spec):
    if not clicks or not spec:
        return dash.no_update
    context.require("supervise")
    context.require("export_people")
    auth.throttle("export")
    try:
        made = checklist_of(spec)
    except checklist.CheckListError as error:  # communities no longer drawable: the page says why
        raise ValueError("no such check list") from error
    data = checklist.to_workbook(made)
    auth.audit("export", place=spec.get("place"), row_count=len(made.people),
               file_sha256=hashlib.sha256(data).hexdigest(),
               detail={"table": "checklist", "month": made.month, "sample": made.sample, "seed": made.seed,
                       "communities": list(made.communities["code"])})
    return dcc.send_bytes(data, f"{made.place_name}_{made.month}_督查核实清单.xlsx")


def register(app) -> None:
    """This page's callbacks, on `app` (each app registers its own: see create_app)."""
    app.callback(Output("url", "href", allow_duplicate=True), Input(SHOW, "n_clicks"), Input(DRAW, "n_clicks"),
                 State(PICK, "value"), State(SAMPLE, "value"), State(SEED, "value"), State("url", "search"),
                 prevent_initial_call=True)(change_list)
    app.callback(Output(FILE, "data"), Input(DOWNLOAD, "n_clicks"), State(SPEC, "data"),
                 prevent_initial_call=True)(download)
    app.callback(Output(PICK, "options"), Input(PICK, "search_value"), State(PICK, "value"),
                 State("url", "search"), prevent_initial_call=True)(search_pick)
    # one print a click: the first click had fired the callback twice, 90 ms apart (probe 33 M5), the second with
    # the same count, which the store already holds
    app.clientside_callback("function(clicks, printed) { if (clicks && clicks !== printed) { window.print(); } "
                            "return clicks; }",
                            Output(PRINTED, "data"), Input(PRINT, "n_clicks"), State(PRINTED, "data"),
                            prevent_initial_call=True)
    register_month_select(app, "/supervision", MONTH)
