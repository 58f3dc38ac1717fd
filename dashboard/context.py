"""What a request works with: the warehouse and the place the user may see (set by create_app)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import flask
import pandas as pd

from dashboard import auth, queries
from dashboard.accounts import User
from dashboard.i18n import t
from dashboard.measures import in_progress
from dashboard.queries import Warehouse


def warehouse() -> Warehouse:
    return flask.current_app.config["CAREVISIT_WAREHOUSE"]


def unshown_categories() -> tuple[str, ...]:
    """The categories a person's row masks, by the server's configuration (Config.unshown_categories)."""
    return flask.current_app.config["CAREVISIT_CONFIG"].unshown_categories


def visit_intervals() -> tuple[tuple[str, int], ...]:
    """(risk level, days between home visits) the warehouse's due dates were counted with (queries.counting_rules)."""
    return queries.counting_rules(warehouse()).visit_intervals


def aged_from() -> int:
    """The age from which 高龄 counted in the warehouse's figures (queries.counting_rules)."""
    return queries.counting_rules(warehouse()).aged_from


def categories(state: PageState) -> pd.DataFrame:
    """People per category at the page's place and month, small counts of sensitive categories hidden."""
    config = flask.current_app.config["CAREVISIT_CONFIG"]
    return queries.categories(state.wh, state.target, state.month, state.scope, config.sensitive_categories,
                              config.small_count_threshold)


def user() -> User:
    """Who is asking: from the server's session (or the local user), never from the browser."""
    who = auth.current()
    if who is None:
        raise auth.NotSignedIn
    return who


def scope() -> str:
    """The user's jurisdiction: every query is filtered by it. No place, no data (default deny)."""
    place = user().place
    if not place:
        raise auth.NotSignedIn
    return place


def may(permission: str) -> bool:
    return user().may(permission)


def record_view(table: str, place: str, rows: int, **filters) -> None:
    """Audit a person-level list shown on screen: who, where, which list and filters, how many rows."""
    auth.audit("view", place=place, detail={"table": table} | {k: v for k, v in filters.items() if v},
               row_count=rows)


def require(permission: str) -> None:
    """Refuse what the user's role does not allow, and record the refusal."""
    if not may(permission):
        record_refusal(permission)
        raise auth.Forbidden(permission)


def record_refusal(permission: str, place: str | None = None) -> None:
    auth.audit("refused", place=place, detail={"permission": permission})


class PageProblem(Exception):
    """A page that cannot be shown; `message` says why, in the user's language."""

    def __init__(self, message: str, color: str):
        super().__init__(message)
        self.message, self.color = message, color


@dataclass(frozen=True)
class PageState:
    """What every page starts from: the data, the user's scope, the place and month asked for."""

    wh: queries.Reader  # the warehouse, or a view of it with the month recomputed at `as_of`
    scope: str
    months: pd.DataFrame  # newest first
    target: queries.Place
    month: str
    lang: str
    as_of: dt.date
    chosen_as_of: str | None  # the URL's as-of date when it differs from the month's own
    month_asked: str | None = None  # the URL's month when the data has none such (the latest shown instead)

    @property
    def month_start(self) -> dt.date:
        return dt.date.fromisoformat(self.month + "-01")

    @property
    def in_progress(self) -> bool:
        """Counted to a day before the month's last: compared with last month as of the same day."""
        return in_progress(self.month_start, self.as_of)

    @property
    def month_unfinished(self) -> bool:
        """The month itself is not over in the data (its own as-of date before its last day), rather than counted
        to an earlier day the user chose: a page says 未满整月 only then."""
        own = self.months.loc[self.months["month"] == self.month, "as_of"]
        return in_progress(self.month_start, pd.Timestamp(own.iloc[0]).date()) if len(own) else self.in_progress

    @property
    def data_date(self) -> dt.date:
        return pd.Timestamp(self.months["as_of"].max()).date()


def page_state(place: str | None, month: str | None, lang: str, as_of: str | None = None) -> PageState:
    """Resolve the URL's place, month and as-of date for the signed-in user (see `resolve`); each new
    as-of date is a recomputation of the month, so they are bounded per user."""
    try:
        return resolve(warehouse(), scope(), place, month, lang, as_of, on_recompute=lambda: auth.throttle("as_of"))
    except PageProblem as problem:
        if place and problem.color == "danger":  # a place that is not the user's: a refusal on record
            record_refusal("place", place)
        raise


def resolve(wh: Warehouse, user_scope: str, place: str | None, month: str | None, lang: str,
            as_of: str | None = None, on_recompute: Callable[[], None] | None = None) -> PageState:
    """The place, month and as-of date asked for, within the scope: the top place, the latest month and
    the month's own as-of date (its last day, or the data date) when absent or unusable."""
    months = queries.months(wh)
    if months.empty:
        raise PageProblem(t("no_data", lang), "warning")
    try:
        target = queries.place(wh, place, user_scope) if place else queries.root_place(wh, user_scope)
    except queries.OutOfScope as error:
        raise PageProblem(t("out_of_scope", lang), "danger") from error
    # a month the data has none of (a link shared from another warehouse, a typo) is said, not silently replaced
    asked = month[:20] if month and month not in set(months["month"]) else None
    month = months["month"].iloc[0] if asked or not month else month
    stored = pd.Timestamp(months.loc[months["month"] == month, "as_of"].iloc[0]).date()
    chosen = _as_of_date(as_of, dt.date.fromisoformat(month + "-01"), pd.Timestamp(months["as_of"].max()).date())
    if chosen is None or chosen == stored:
        return PageState(wh, user_scope, months, target, month, lang, stored, None, asked)
    if on_recompute is not None and not wh.has_as_of(dt.date.fromisoformat(month + "-01"), chosen):
        on_recompute()
    view = wh.as_of(dt.date.fromisoformat(month + "-01"), chosen)
    return PageState(view, user_scope, months, target, month, lang, chosen, chosen.isoformat(), asked)


def _as_of_date(text: str | None, month_start: dt.date, data_date: dt.date) -> dt.date | None:
    """An as-of date inside or after the month, up to the data date; None when there is none."""
    try:
        value = dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return value if value is not None and month_start <= value <= data_date else None
