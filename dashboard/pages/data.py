"""数据 Data: freshness, roster alerts and rosters in force, 底数不清, warnings, unknown values, loads, rejects."""

from __future__ import annotations

import dash
from dash import html

from dashboard import context, tables
from dashboard.components import make_message, make_table
from dashboard.i18n import t

dash.register_page(__name__, path="/data", title="探访关爱看板 · 数据")


# table kind, title, a line that says what to do about it, height when it scrolls
SECTIONS = (
    ("freshness", "freshness_title", None, 300),
    ("alerts", "alerts_title", "alerts_hint", 300),
    ("snapshots", "snapshots_title", None, 300),
    ("findings", "findings_title", "findings_hint", 360),
    ("warnings", "warnings_title", None, 360),
    ("unknown_values", "unknown_values_title", "unknown_values_hint", 360),
    ("loads", "loads_title", None, 360),
    ("rejects", "rejects_title", None, 420),
)

# what an empty table means, where it says more than 没有符合条件的记录
EMPTY = {"alerts": "alerts_none"}


def layout(lang: str = "zh", **_query) -> html.Div:
    wh, scope = context.warehouse(), context.scope()
    sections = []
    for kind, title, hint, height in SECTIONS:
        if kind in tables.PERSON_TABLES and not context.may("people"):
            continue
        frame, _name = tables.build({"table": kind, "lang": lang}, wh, scope)
        if kind in tables.PERSON_TABLES:
            context.record_view(kind, scope, len(frame))
        sections.append(html.H5(t(title, lang), className="mt-4"))
        if hint:
            sections.append(html.Div(t(hint, lang), className="chart-note mb-1"))
        sections.append(make_table(f"data-{kind}", frame, tables.headers(tables.COLUMNS[kind], lang),
                                   {"table": kind, "lang": lang}, lang, height=height, limit_note="display_limit_rows")
                        if len(frame) else make_message(t(EMPTY.get(kind, "no_rows"), lang), "light"))
    return html.Div([html.H4(t("data_title", lang)), *sections])


def register(app) -> None:
    """This page has no callbacks of its own (table exports are registered by the app)."""
