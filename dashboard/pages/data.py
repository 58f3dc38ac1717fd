"""数据 Data: what was loaded, what was rejected and why, how fresh each street's data is."""

from __future__ import annotations

import dash
from dash import html

from dashboard import context, tables
from dashboard.components import make_table
from dashboard.i18n import t

dash.register_page(__name__, path="/data", title="探访关爱看板 · 数据")


def skeleton() -> html.Div:
    """This page has no callbacks of its own (table exports are shared)."""
    return html.Div()


def layout(lang: str = "zh", **_query) -> html.Div:
    wh, scope = context.warehouse(), context.scope()
    sections = []
    for kind, title, height in (("freshness", "freshness_title", 300), ("loads", "loads_title", 360),
                                ("rejects", "rejects_title", 420)):
        frame, _name = tables.build({"table": kind, "lang": lang}, wh, scope)
        sections += [html.H5(t(title, lang), className="mt-4"),
                     make_table(f"data-{kind}", frame, tables.headers(tables.COLUMNS[kind], lang),
                                {"table": kind, "lang": lang}, lang, height=height)]
    return html.Div([html.H4(t("data_title", lang)), *sections])


def register(app) -> None:
    """This page has no callbacks of its own (table exports are registered by the app)."""
