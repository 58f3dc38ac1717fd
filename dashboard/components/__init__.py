"""Reusable pieces: make_* factories that take data and return components."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html
from dash.development.base_component import Component
from plotly.io.json import to_json_plotly

from dashboard import auth, context
from dashboard.i18n import STRINGS, day_label, grid_locale, t, value_label
from dashboard.measures import RATES
from dashboard.queries import Place, Reader
from dashboard.tables import DISPLAY_LIMIT, PERSON_TABLES, records
from dashboard.urls import carried, href, parse
from etl.settings import AMBER_FROM, GREEN_FROM, MASKED_CATEGORY, percent, points

# People tables whose masked names a staff member may click to see one person in full (logged)
UNMASKABLE = ("community-people", "overdue-people", "risk-open-problems")
KPI_RATES = ("visit_rate_home", "visit_rate_any", "daily_contact_rate", "help_rate")
# Counts read 133,087 (grouped, right-aligned); row numbers and ages stay as they are.
COUNT_FORMAT = {"valueFormatter": {"function": "params.value == null ? '' : d3.format(',')(params.value)"},
                "type": "rightAligned"}
# Dates reach the grid as text (tables._dates_as_text), and a date column may hold words: 最近上门 says
# 记录期内未上门. Typed as text: AG Grid would take a column whose first row holds a date for a column of
# dates and show its words blank. Sorted as dates, the words before them (assets/dashAgGridFunctions.js).
DATE_FORMAT = {"cellDataType": "text", "comparator": {"function": "dateTextOrder"}}
DATE_COLUMN_ENDINGS = ("_date", "_at")  # and the audit log's "at"
# Columns whose longest values may be off the first page that AG Grid sizes the columns by.
MIN_WIDTHS = {"status": 210}
# Columns of sentences (an upload's note, a row's reason, a file's alert on the 数据 page): wrapped in a column of this
# width, not one line the width of the longest (review 16 M3: an upload's 说明 ran past the page, cut mid-sentence; an
# alert naming the rows to check ran off the right of the page)
WRAPPED_WIDTHS = {"note": 460, "reason": 460, "message": 460}
# A kept section takes about 14 bytes of memory per byte of its JSON (its components and their plain
# copy; tracemalloc at city scale), and the warehouse bounds what it keeps in rows of about 300 bytes.
KEPT_BYTES_PER_ROW = 300 // 14
GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


def make_kpi_card(title: str, value: str, detail: str, change: str, card_id: str, tone: str = "secondary",
                  why=None) -> dbc.Card:
    """A rate's card; `why` says under its change what moved it."""
    return dbc.Card(dbc.CardBody([
        html.Div(title, className="kpi-title"),
        html.Div(value, className=f"kpi-value text-{tone}"),
        html.Div(detail, className="kpi-detail"),
        html.Div(change, className="kpi-change"),
        *([why] if why is not None else []),
    ]), className="kpi-card h-100", id=card_id)


def chart_caption(state: context.PageState) -> str:
    """The line a downloaded chart carries under its title: place, month and data date."""
    return t("chart_caption", state.lang, place=state.target.name, month=state.month,
             as_of=f"{state.as_of:%Y-%m-%d}")


def make_chart(chart_id: str, figure, filename: str, lang: str, note: str | None = None,
               caption: str | None = None) -> dbc.Card:
    """A chart with PNG and SVG downloads (rendered in the browser, with its Chinese fonts); a downloaded
    image carries `caption` (chart_caption) under its title, so that a pasted chart says what it shows."""
    buttons = html.Div([
        dbc.Button(t("download_png", lang), id={"type": "image-download", "chart": chart_id, "format": "png"},
                   size="sm", color="light", className="me-1"),
        dbc.Button(t("download_svg", lang), id={"type": "image-download", "chart": chart_id, "format": "svg"},
                   size="sm", color="light"),
        dcc.Store(id={"type": "image-filename", "chart": chart_id}, data=filename),
        dcc.Store(id={"type": "image-caption", "chart": chart_id}, data=caption),
        dcc.Store(id={"type": "image-done", "chart": chart_id}),
    ], className="chart-downloads")
    body = [buttons, dcc.Graph(id=chart_id, figure=figure, config=GRAPH_CONFIG)]
    if note:
        body.append(html.Div(note, className="chart-note"))
    return dbc.Card(dbc.CardBody(body), className="chart-card")


def make_table(table_id: str, frame: pd.DataFrame, columns: list[tuple[str, str]], export_query: dict | None,
               lang: str, height: int = 520, total: int | None = None, limit: int = DISPLAY_LIMIT,
               limit_note: str = "display_limit") -> html.Div:
    """An AG Grid table of at most `limit` rows (of `total`); Excel and CSV exports are built on the
    server from the same query and have every row. `limit_note` says so (people, or rows)."""
    column_defs = [{"field": field, "headerName": header, "filter": True, "sortable": True, "resizable": True}
                   | ({"pinned": "left"} if index == 0 else {})
                   | (COUNT_FORMAT if field.endswith("_count") or field.startswith("rows_") else {})
                   | (DATE_FORMAT if field.endswith(DATE_COLUMN_ENDINGS) or field == "at" else {})
                   | ({"minWidth": MIN_WIDTHS[field]} if field in MIN_WIDTHS else {})
                   | ({"width": WRAPPED_WIDTHS[field], "suppressAutoSize": True, "wrapText": True, "autoHeight": True,
                       "cellStyle": {"lineHeight": "1.5", "paddingTop": "4px", "paddingBottom": "4px"}}
                      if field in WRAPPED_WIDTHS else {})
                   for index, (field, header) in enumerate(columns)]
    shown = frame.head(limit)
    grid = dag.AgGrid(
        id=table_id, rowData=records(shown), columnDefs=column_defs, columnSize="autoSize",
        defaultColDef={"minWidth": 70},
        dashGridOptions={"pagination": len(shown) > 20, "paginationPageSize": 50, "localeText": grid_locale(lang)}
        | ({"domLayout": "autoHeight"} if len(shown) <= 20 else {}),
        style={} if len(shown) <= 20 else {"height": height}, className="ag-theme-alpine",
    )
    exports, allowed = [], False
    if export_query is not None:  # the spec stays beside the table: the unmask callback reads it too
        allowed = export_query["table"] not in PERSON_TABLES or context.may("export_people")
        exports = [html.Div([
            *([dbc.Button(t("download_excel", lang), id={"type": "table-download", "table": table_id,
                                                          "format": "xlsx"}, size="sm", color="light",
                          className="me-1"),
               dbc.Button(t("download_csv", lang), id={"type": "table-download", "table": table_id, "format": "csv"},
                          size="sm", color="light")] if allowed else []),
            dcc.Store(id={"type": "table-query", "table": table_id}, data=export_query),
        ], className="table-downloads")]
    if table_id in UNMASKABLE and context.may("unmask"):
        exports.append(html.Div(t("unmask_hint", lang, limit=auth.LIMITS["unmask"].amount),
                                className="chart-note", id=f"{table_id}-unmask-hint"))
    # (a list of no one has no text to look in: a community whose roster lists nobody special-difficulty)
    if "categories" in shown and shown["categories"].astype("string").str.contains(MASKED_CATEGORY, regex=False).any():
        exports.append(html.Div(t("masked_categories_note", lang), className="chart-note"))
    if "due_date" in shown:  # where a due date comes from (review 7b: one due from turning 80 was unexplained)
        intervals = ("、" if lang == "zh" else ", ").join(f"{value_label(level, lang)} {days}"
                                                         for level, days in context.visit_intervals())
        exports.append(html.Div(t("due_date_note", lang, intervals=intervals, age=context.aged_from()),
                                className="chart-note"))
    total = len(frame) if total is None else total
    if total > len(shown):
        # (the note sends to the exports only a user who has them: review 11b M6)
        note = limit_note if allowed or f"{limit_note}_no_export" not in STRINGS else f"{limit_note}_no_export"
        exports.append(html.Div(t(note, lang, shown=len(shown), count=total),
                                className="chart-note", id=f"{table_id}-limit"))
    return html.Div([*exports, grid])


def make_breadcrumbs(chain: list[Place], query: dict, lang: str) -> dbc.Breadcrumb:
    items = [{"label": p.short_name if p.level != "district" else p.name,
              "href": href("/", carried(query), place=p.code), "external_link": False} for p in chain[:-1]]
    items.append({"label": chain[-1].name, "active": True})
    return dbc.Breadcrumb(items=items, id="breadcrumbs")


def make_month_select(state, select_id: str) -> html.Div:
    """The month, and the date its figures are counted to (its last day, or the data date)."""
    lang = state.lang
    return html.Div([
        dbc.Label(t("month", lang), html_for=select_id, className="me-2 mb-0"),
        dbc.Select(id=select_id, value=state.month, size="sm", style={"width": "8rem"},
                   options=[{"label": m, "value": m} for m in state.months["month"]]),
        dbc.Label(t("as_of", lang), html_for=f"{select_id}-as-of", className="ms-3 me-2 mb-0"),
        dbc.Input(id=f"{select_id}-as-of", type="date", value=state.as_of.isoformat(), size="sm",
                  min=state.month_start.isoformat(), max=state.data_date.isoformat(), style={"width": "10rem"},
                  debounce=True),
        dcc.Store(id=f"{select_id}-shown", data={"month": state.month, "as_of": state.as_of.isoformat()}),
        *([html.Span(t("month_not_found", lang, asked=state.month_asked, month=state.month),
                     className="ms-3 text-danger small", id=f"{select_id}-not-found")] if state.month_asked else []),
    ], className="d-flex align-items-center flex-wrap")


def month_moved(select_id: str, month: str | None, as_of: str | None, shown: dict | None,
                query: dict) -> dict | None:
    """What a page's make_month_select asks of the URL: another month (at its own as-of date), another as-of date;
    None for the month and date the page shows (`shown`, the select's store). The select reports its value as it
    mounts: compared with the URL, where a first visit names no month, every page was built twice, its person
    list audited twice."""
    shown = shown or {"month": query.get("month"), "as_of": query.get("as_of")}
    if ctx.triggered_id == select_id and month != shown.get("month"):
        return {"month": month, "as_of": None}
    if ctx.triggered_id == f"{select_id}-as-of" and as_of and as_of != shown.get("as_of"):
        return {"as_of": as_of}
    return None


def month_inputs(select_id: str) -> list:
    """A month select's inputs and the state month_moved reads, in its argument order (month, as_of, shown)."""
    return [Input(select_id, "value"), Input(f"{select_id}-as-of", "value"), State(f"{select_id}-shown", "data")]


def register_month_select(app, path: str, select_id: str) -> None:
    """The callback of a page's make_month_select: another month (at its own as-of date) or another
    as-of date changes the URL, and the page follows it."""

    def change_month(month, as_of, shown, search):
        query = parse(search)
        moved = month_moved(select_id, month, as_of, shown, query)
        return href(path, query, **moved) if moved else dash.no_update

    app.callback(Output("url", "href", allow_duplicate=True), *month_inputs(select_id), State("url", "search"),
                 prevent_initial_call=True)(change_month)


def make_message(text: str, color: str = "info") -> dbc.Alert:
    return dbc.Alert(text, color=color, className="mt-3")


def make_no_people(lang: str) -> dbc.Alert:
    """What a role without person lists (统计 analyst) sees where a list would be."""
    role = t(f"role_{context.user().role}", lang)
    return make_message(t("no_people_permission", lang, role=role), "secondary")


def level_name(level: str, lang: str) -> str:
    return t(f"level_{level}", lang) if level in ("district", "street", "community") else ""


def make_kpis(current: pd.Series, previous: pd.DataFrame, lang: str, like_for_like: bool = False,
              why: dict | None = None, unfinished: bool = True, *, aged_from: int) -> html.Div:
    """The rates against 100% and the counts, each with its change from `previous` (a month's row of
    place_months, or none); `like_for_like` when that month is counted to the same day as this one, said to be
    a month in progress when `unfinished`, else counted to a day chosen; `why`: for a rate, what moved it (shown
    under its change); `aged_from`: the age from which 高龄 counted (context.aged_from)."""
    before = previous.iloc[-1] if len(previous) else None
    suffix = "_same_day" if like_for_like else ""
    cards = []
    for rate in KPI_RATES:
        numerator, denominator = RATES[rate]
        value = current[rate]
        unlisted = int(current.get("disabled_unreported_count", 0)) if rate == "help_rate" else 0
        if pd.isna(value):
            reason = "contacts_unreported" if unlisted else "no_denominator"
            shown, detail, tone = "—", t(reason, lang), "secondary"
        else:
            shown = percent(value)
            detail = t("of_target", lang, numerator=int(current[numerator]), denominator=int(current[denominator]))
            if unlisted:  # some streets sent no contact list: their disabled elders count as without a contact
                detail += " · " + t("contacts_partly_unreported", lang, count=unlisted)
            # the traffic lights of the 通报 and the 督查 screen: green only at the target (probe P: 99.6 % was green)
            tone = "success" if value >= GREEN_FROM else "warning" if value >= AMBER_FROM else "danger"
        earlier = None if before is None else before[rate]
        if pd.isna(value) or earlier is None or pd.isna(earlier):
            change = t("no_change", lang)
        elif points(earlier, value) == 0:
            change = t(f"change_none{suffix}", lang)
        else:
            change = t(f"change_pp{suffix}", lang, change=float(points(earlier, value)))
        cards.append(dbc.Col(make_kpi_card(t(rate, lang), shown, f"{detail} · {t('target', lang)}", change,
                                           f"kpi-{rate}", tone, (why or {}).get(rate)), xs=12, sm=6, xl=2))
    counts = html.Div([
        html.Div([html.Span(t(key, lang, age=aged_from), className="count-label"),
                  html.Span([t("people_unit", lang, count=int(current[key])),
                             *([html.Span(_count_change(int(current[key] - before[key]), suffix, lang),
                                          className="count-change")] if before is not None else [])],
                            className="count-value")],
                 className="count-row", id=f"count-{key}")
        for key in ("special_count", "declined_count", "overdue_count", "not_visited_count")
    ])
    cards.append(dbc.Col(dbc.Card(dbc.CardBody(counts), className="kpi-card h-100"), xs=12, xl=4))
    rows = [dbc.Row(cards, className="g-3")]
    if like_for_like and before is not None:
        rows.append(html.Div(t("in_progress_note" if unfinished else "as_of_note", lang,
                               day=day_label(_date(current["as_of"]), lang),
                               previous=day_label(_date(before["as_of"]), lang)),
                             className="chart-note mt-1", id="kpi-like-for-like"))
    return html.Div(rows)


def _count_change(change: int, suffix: str, lang: str) -> str:
    return t(f"count_change{suffix}", lang, change=change) if change else t(f"count_none{suffix}", lang)


def _date(value) -> dt.date:
    return pd.Timestamp(value).date()


def kept(wh: Reader, key: tuple, build: Callable[[], object]):
    """`build()` (components, or a tuple of them and other values), made once per warehouse file and `key`
    (Warehouse.remember: a load starts afresh), with its components serialised once too. A city's 督查
    page is some 6,000 components, a province's 数据 page some 2,000: building them took most of a
    request and serialising them, one to_plotly_json call each, most of the rest. `key` must name all
    the page depends on: place, month, scope, language, and what the user's role may do there."""
    def made() -> tuple[object, int]:
        value = build()
        size = sum(_serialise_once(part) for part in (value if isinstance(value, tuple) else (value,))
                   if isinstance(part, Component))
        return value, max(size // KEPT_BYTES_PER_ROW, len(value) if isinstance(value, list) else 1)
    return wh.remember(key, made, weight=lambda answer: answer[1])[0]


def _serialise_once(component: Component) -> int:
    """Have `component` answer Dash's serialiser with its JSON as plain data, worked out now: the same
    text on every request, and the tree under it is never walked again. Its children stay as they are
    for whoever reads the layout in Python. Returns the JSON's length."""
    text = to_json_plotly(component)
    plain = json.loads(text)
    component.to_plotly_json = lambda: plain
    return len(text)
