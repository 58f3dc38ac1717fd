"""数据 Data: freshness, roster alerts and rosters in force, 底数不清, warnings, unknown values, loads, rejects."""

from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import context, queries, tables
from dashboard.components import kept, make_message, make_table
from dashboard.i18n import STRINGS, t

dash.register_page(__name__, path="/data", title="探访关爱看板 · 数据")


# table kind, title, a line that says what to do about it, height when it scrolls
SECTIONS = (
    ("freshness", "freshness_title", None, 300),
    ("alerts", "alerts_title", "alerts_hint", 300),
    ("snapshots", "snapshots_title", None, 300),
    ("findings", "findings_title", "findings_hint", 360),
    ("warnings", "warnings_title", None, 360),
    ("unlinked", "unlinked_title", "unlinked_hint", 240),
    ("unknown_values", "unknown_values_title", "unknown_values_hint", 360),
    ("loads", "loads_title", None, 360),
    ("rejects", "rejects_title", None, 420),
)

# what an empty table means, where it says more than 没有符合条件的记录
EMPTY = {"alerts": "alerts_none", "unlinked": "unlinked_none"}
LONG_WAIT_DAYS = 7  # rows waiting longer than this for a correction are shown in red
# Rows each table shows (its exports have them all): a city's page held eight tables of up to 1,000 rows,
# 1.3 MB that every visit sent though each table shows about a dozen rows at a time
ROWS_SHOWN = 200


def waiting_corrections(frame: pd.DataFrame, lang: str) -> html.Div:
    """退回修改: per street, the files whose rejected rows still wait for a correction, how many and for
    how long; a link to each file's corrections workbook for roles that may correct."""
    if frame.empty:
        return make_message(t("waiting_none", lang), "light")
    may_correct = context.may("correct")
    head = ["street_name", "file_name", "kind", "loaded_at", "waiting_count", "waiting_days"]
    streets = frame["street_name"].fillna(t("no_street", lang))
    street_totals = frame.groupby(streets)["waiting_count"].sum()
    shown = frame
    if len(frame) > ROWS_SHOWN:  # a city's or a province's files: the longest waiting, still by street
        shown = frame.sort_values(["waiting_days", "load_id"], ascending=[False, True], kind="stable").head(ROWS_SHOWN)
    rows = []
    for street, files in shown.groupby(streets.loc[shown.index], sort=False):
        for first, row in zip([True] + [False] * (len(files) - 1), files.itertuples(index=False), strict=True):
            link = html.A(t("waiting_download", lang), href=f"/corrections/{row.load_id}", download="",
                          id={"type": "corrections-download", "load": int(row.load_id)})
            rows.append(html.Tr([
                html.Td(f"{street} ({street_totals[street]:,})" if first else ""),
                html.Td(row.file_name), html.Td(t(f"kind_{row.kind}", lang)),
                html.Td(f"{row.loaded_at:%Y-%m-%d}"), html.Td(f"{row.waiting_count:,}", className="text-end"),
                html.Td(f"{row.waiting_days}", className="text-end"
                        + (" text-danger fw-bold" if row.waiting_days > LONG_WAIT_DAYS else "")),
                *([html.Td(link)] if may_correct else []),
            ]))
    header = html.Thead(html.Tr([html.Th(t(f"col_{c}", lang)) for c in head]
                                + ([html.Th("")] if may_correct else [])))
    table = dbc.Table([header, html.Tbody(rows)], size="sm", bordered=True, hover=True, id="data-waiting",
                      className="waiting-table")
    if len(shown) == len(frame):
        return table
    return html.Div([html.Div(table, style={"maxHeight": "420px", "overflowY": "auto"}),
                     html.Div(t("waiting_limit", lang, shown=len(shown), count=len(frame),
                                rows=int(frame["waiting_count"].sum())),
                              className="chart-note", id="data-waiting-limit")])


def layout(lang: str = "zh", **_query) -> html.Div:
    wh, scope = context.warehouse(), context.scope()
    # each section is kept per warehouse file (components.kept): the key names all it depends on
    key = ("data", scope, lang, tuple(context.may(p) for p in ("correct", "export_people", "unmask", "admin")))
    sections = [html.H5(t("waiting_title", lang), className="mt-4"),
                html.Div(t("waiting_hint" if context.may("correct") else "waiting_hint_others", lang),
                         className="chart-note mb-1"),
                kept(wh, (*key, "waiting", dt.date.today()),  # days waited count to today
                     lambda: waiting_corrections(queries.waiting_corrections(wh, scope), lang))]
    community = queries.root_place(wh, scope).level == "community"
    for kind, title, hint, height in SECTIONS:
        if kind in tables.PERSON_TABLES | tables.TEXT_TABLES and not context.may("people"):
            continue
        if community and f"{title}_community" in STRINGS:  # a community's staff: their community's own, not 各街道
            title = f"{title}_community"
        if hint and not context.may("admin") and f"{hint}_others" in STRINGS:  # the server's files: the admin's
            hint = f"{hint}_others"
        section, rows = kept(wh, (*key, kind), lambda kind=kind, title=title, hint=hint, height=height:
                             _section(wh, scope, lang, kind, title, hint, height))
        if kind in tables.PERSON_TABLES | tables.TEXT_TABLES:  # (free text typed about people too: review 7c L3)
            context.record_view(kind, scope, rows)
        sections.append(section)
    return html.Div([html.H4(t("data_title", lang)), *sections])


def _section(wh: queries.Reader, scope: str, lang: str, kind: str, title: str, hint: str | None,
             height: int) -> tuple[html.Div, int]:
    """A table's section and its row count (the rows a user of a person table is recorded to have seen)."""
    frame = tables.build({"table": kind, "lang": lang}, wh, scope).frame
    table = (make_table(f"data-{kind}", frame, tables.headers(tables.COLUMNS[kind], lang),
                        {"table": kind, "lang": lang}, lang, height=height, limit=ROWS_SHOWN,
                        limit_note="display_limit_rows")
             if len(frame) else make_message(t(EMPTY.get(kind, "no_rows"), lang), "light"))
    return html.Div([html.H5(t(title, lang), className="mt-4"),
                     *([html.Div(t(hint, lang), className="chart-note mb-1")] if hint else []), table]), len(frame)


def register(app) -> None:
    """This page has no callbacks of its own (table exports are registered by the app)."""
