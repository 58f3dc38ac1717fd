"""底册变动: the people behind one count of the 本月变动 panel or of the visit-rate sentence (masked)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import context, queries, tables
from dashboard.components import (
    make_breadcrumbs,
    make_message,
    make_month_select,
    make_no_people,
    make_table,
    register_month_select,
)
from dashboard.i18n import change_reason_label, t
from dashboard.urls import href

dash.register_page(__name__, path="/changes", title="探访关爱看板 · 底册变动")

TABLE = "changes-people"
MONTH = "changes-month"
REASONS = {"joined": queries.JOINED_REASONS, "left": queries.LEFT_REASONS}


def layout(place: str | None = None, month: str | None = None, kind: str = "joined", reason: str | None = None,
           lang: str = "zh", as_of: str | None = None, **_query) -> html.Div:
    query = {"place": place, "month": month, "lang": lang, "as_of": as_of}
    try:
        state = context.page_state(place, month, lang, as_of)
    except context.PageProblem as problem:
        return make_message(problem.message, problem.color)
    if not context.may("people"):
        return make_no_people(lang)
    wh, scope, target, month = state.wh, state.scope, state.target, state.month
    group = kind if kind in queries.CHANGE_GROUPS else "joined"
    reason = reason if reason in REASONS.get(group, ()) else None
    people = queries.change_people(wh, target, month, scope, group, reason)
    context.record_view("changes", target.code, len(people), month=month, as_of=state.chosen_as_of, group=group,
                        reason=reason)
    what = t(f"group_{group}", lang) + (f" · {change_reason_label(reason, lang)}" if reason else "")
    export = {"table": "changes", "place": target.code, "month": month, "as_of": state.chosen_as_of,
              "group": group, "reason": reason, "lang": lang}
    shown = tables.change_table(people.head(tables.DISPLAY_LIMIT), lang, group)
    back = href("/community" if target.level == "community" else "/", query, month=month)
    return html.Div([
        make_breadcrumbs(queries.ancestors(wh, target, scope), query, lang),
        html.H4(t("changes_page_title" if group in REASONS else "rate_move_page_title", lang,
                  place=target.short_name, month=month, group=what, count=len(people)),
                className="mt-3 mb-1", id="changes-title"),
        # another month, or the other side of the roster's change, of the same place (review 11b L2: the only link
        # led back)
        html.Div([make_month_select(state, MONTH), *(
            [html.Span([dcc.Link(t(f"group_{other}", lang), href=href("/changes", query, month=month, kind=other),
                                 id=f"changes-{other}", className="ms-3")
                        for other in REASONS if other != group])] if group in REASONS else [])],
                 className="d-flex align-items-center mb-2"),
        html.Div([
            html.Span(t("changes_hint", lang), className="chart-note me-3"),
            dcc.Link(t("changes_back", lang, place=target.short_name), href=back, id="changes-back"),
        ], className="mb-2"),
        make_table(TABLE, shown, tables.headers(tuple(shown.columns), lang), export, lang, total=len(people),
                   limit_note="display_limit_rows")
        if len(people) else make_message(t("changes_empty", lang), "light"),
    ])


def register(app) -> None:
    """The month select's (table exports are registered by the app)."""
    register_month_select(app, "/changes", MONTH)
