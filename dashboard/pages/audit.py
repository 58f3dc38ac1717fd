"""审计 Audit (admins): sign-ins, failed sign-ins, every person-level view, export and unmask, newest first."""

from __future__ import annotations

import dash
from dash import html

from dashboard import context, tables
from dashboard.components import make_message, make_table
from dashboard.i18n import t

dash.register_page(__name__, path="/audit", title="探访关爱看板 · 审计")


def layout(lang: str = "zh", since: str | None = None, **_query) -> html.Div:
    if not context.may("admin"):
        context.record_refusal("admin")
        return make_message(t("forbidden", lang), "danger")
    frame = tables.build({"table": "audit", "lang": lang, "since": since}, context.warehouse(),
                         context.scope()).frame
    return html.Div([
        html.H4(t("audit_title", lang)),
        html.Div(t("audit_hint", lang), className="chart-note mb-2"),
        make_table("audit-log", frame, tables.headers(tables.AUDIT_COLUMNS, lang),
                   {"table": "audit", "lang": lang, "since": since}, lang, height=640,
                   limit_note="display_limit_rows")
        if len(frame) else make_message(t("no_rows", lang), "light"),
    ])


def register(app) -> None:
    """This page has no callbacks of its own (table exports are registered by the app)."""
