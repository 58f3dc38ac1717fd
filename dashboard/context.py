"""What a request works with: the warehouse and the place the user may see (set by create_app)."""

from __future__ import annotations

from dataclasses import dataclass

import flask
import pandas as pd

from dashboard import queries
from dashboard.i18n import t
from dashboard.queries import ALL, Warehouse


def warehouse() -> Warehouse:
    return flask.current_app.config["CAREVISIT_WAREHOUSE"]


def scope() -> str:
    """The user's jurisdiction; every query is filtered by it. Sign-in will set it per user."""
    return flask.current_app.config.get("CAREVISIT_SCOPE", ALL)


class PageProblem(Exception):
    """A page that cannot be shown; `message` says why, in the user's language."""

    def __init__(self, message: str, color: str):
        super().__init__(message)
        self.message, self.color = message, color


@dataclass(frozen=True)
class PageState:
    """What every page starts from: the data, the user's scope, the place and month asked for."""

    wh: Warehouse
    scope: str
    months: pd.DataFrame  # newest first
    target: queries.Place
    month: str
    lang: str

    @property
    def as_of(self):
        return pd.Timestamp(self.months.loc[self.months["month"] == self.month, "as_of"].iloc[0]).date()


def page_state(place: str | None, month: str | None, lang: str) -> PageState:
    """Resolve the URL's place and month; the top place and latest month when absent or unknown."""
    wh, user_scope = warehouse(), scope()
    months = queries.months(wh)
    if months.empty:
        raise PageProblem(t("no_data", lang), "warning")
    try:
        target = queries.place(wh, place, user_scope) if place else queries.root_place(wh, user_scope)
    except queries.OutOfScope as error:
        raise PageProblem(t("out_of_scope", lang), "danger") from error
    month = month if month in set(months["month"]) else months["month"].iloc[0]
    return PageState(wh, user_scope, months, target, month, lang)
