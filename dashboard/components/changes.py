"""本月变动: the roster-change panel and the sentence that says why 月探访率 (上门) moved."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import context
from dashboard.i18n import change_reason_label, t
from dashboard.queries import JOINED_REASONS, LEFT_REASONS
from dashboard.urls import carried, href

# A change of the rate smaller than this shows as 持平 on the KPI card: nothing to explain.
FLAT = 0.0005


@dataclass(frozen=True)
class RateMove:
    """Why the rate moved: by how much (a share: -0.05 is 5 points down) and the parts that moved it that way, each
    with the group of people behind its count (a CHANGE_GROUPS key, for the link to them)."""

    change: float
    parts: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        return "; ".join(text for text, _group in self.parts)


def explain_rate_move(row: Mapping | None, lang: str = "zh", whole_month_before: bool = False, *,
                      aged_from: int) -> RateMove | None:
    """The move of 月探访率 (上门) since last month, from a row of place_changes; None when there is
    nothing to explain (no month before, no one to count, or no move).

    The change splits exactly into what stayers, joiners and leavers did, each measured against last
    month's rate r0: (gained - lost) / N + (joined_visited - r0 * joined) / N - (left_visited - r0 * left) / N,
    N being this month's count. The sentence names the parts that moved the rate the way it went,
    the largest first, leaving out those too small to show. `whole_month_before`: this month is in
    progress and compared with all of the last one, so the parts say 尚未 (not yet). `aged_from`: the age from which
    高龄 counted (context.aged_from), which the joiners' part names.
    """
    if row is None or pd.isna(row["stayed_count"]):
        return None
    stayed, joined, left = int(row["stayed_count"]), int(row["joined_eligible"]), int(row["left_eligible"])
    joined_visited, left_visited = int(row["joined_visited"]), int(row["left_visited_before"])
    lost, gained = int(row["stayed_visited_before_only"]), int(row["stayed_visited_now_only"])
    before, now = stayed + left, stayed + joined
    if before == 0 or now == 0:
        return None
    rate_before = (int(row["stayed_visited_before"]) + left_visited) / before
    change = (int(row["stayed_visited_now"]) + joined_visited) / now - rate_before
    if abs(change) < FLAT:
        return None
    down = change < 0
    suffix = "_whole_month" if whole_month_before else ""
    contributions = (
        ((gained - lost) / now, (f"move_stayed_lost{suffix}", "stayed_lost", lost, stayed) if down
         else ("move_stayed_gained", "stayed_gained", gained, stayed)),
        ((joined_visited - rate_before * joined) / now,
         ("move_joined_not_visited", "joined_not_visited", joined - joined_visited, joined) if down
         else ("move_joined_visited", "joined_visited", joined_visited, joined)),
        (-(left_visited - rate_before * left) / now,
         ("move_left_visited", "left_visited", left_visited, left) if down
         else ("move_left_not_visited", "left_not_visited", left - left_visited, left)),
    )
    # the parts that moved it the way it went, largest first; those worth less than 0.05 pp are left out
    # (in a district a handful of joiners moves nothing), but the largest is always named
    ranked = [c for c in sorted(contributions, key=lambda c: -abs(c[0])) if c[0] * change > 0]
    # the stayers' part is their net: the few who went the other way are named beside it (3 gained a visit, while 1
    # lost theirs), or the count named would not be the one that moved the rate
    offset = ((f"move_stayed_offset_lost{suffix}", "stayed_lost", lost) if not down
              else ("move_stayed_offset_gained", "stayed_gained", gained))
    parts = tuple(part for index, (amount, (key, group, count, total)) in enumerate(ranked)
                  if index == 0 or abs(amount) >= FLAT
                  for part in ((t(key, lang, count=count, total=total, age=aged_from), group),
                               *([(t(offset[0], lang, count=offset[2]), offset[1])]
                                 if group.startswith("stayed") and offset[2] else [])))
    return RateMove(change, parts)


def make_rate_move(move: RateMove | None, link: Callable[..., str], lang: str, lead: str) -> html.Div | None:
    """The sentence, each part a link to the people behind its count (`link(group)` gives the href), after `lead`:
    under a KPI change that already says how far the rate moved, the sentence names no second figure."""
    if move is None:
        return None
    parts = []
    for index, (text, group) in enumerate(move.parts):
        parts += ["; "] * bool(index) + [dcc.Link(text, href=link(group), id=f"rate-move-{group}")]
    return html.Div([lead, *parts], className="kpi-why", id="rate-move")


def make_changes_panel(row: Mapping | None, link: Callable[..., str], lang: str,
                       in_progress_day: int | None) -> dbc.Card:
    """本月变动: special-difficulty elders at the end of last month and now, who joined and who left
    and why, every count a link to its people (`link(group, reason)` gives the href)."""
    if row is None:
        return dbc.Card(dbc.CardBody(t("changes_none", lang)), className="kpi-card changes-card mt-3",
                        id="changes-panel")
    now_label = (t("changes_now_day", lang, day=in_progress_day) if in_progress_day
                 else t("changes_now_end", lang))
    balance = html.Div([
        html.Span(t("changes_title", lang), className="changes-title"),
        html.Span(t("changes_balance", lang, before=int(row["special_before"]), now_label=now_label,
                    now=int(row["special_now"])), id="changes-balance"),
    ], className="changes-balance")
    sides = [make_change_side("joined", JOINED_REASONS, row, link, lang),
             make_change_side("left", LEFT_REASONS, row, link, lang)]
    return dbc.Card(dbc.CardBody([balance, *sides]), className="kpi-card changes-card mt-3", id="changes-panel")


def make_change_side(group: str, reasons: tuple[str, ...], row: Mapping, link: Callable[..., str],
                     lang: str) -> html.Div:
    total = int(row[f"{group}_count"])
    head = t(f"changes_{group}", lang, count=total)
    counts = [(reason, int(row[f"{group}_{reason}"])) for reason in reasons if int(row[f"{group}_{reason}"])]
    details = []
    for index, (reason, count) in enumerate(counts):
        details += [" · "] * bool(index) + [dcc.Link(
            t("changes_reason_count", lang, reason=change_reason_label(reason, lang), count=count),
            href=link(group, reason), id=f"changes-{group}-{reason}")]
    return html.Div([
        dcc.Link(head, href=link(group, None), id=f"changes-{group}", className="changes-total") if total
        else html.Span(head, id=f"changes-{group}", className="changes-total"),
        *([html.Span(": ", className="changes-sep"), *details] if details else []),
    ], className=f"changes-side changes-{group}")


def change_link(state, query: dict) -> Callable[..., str]:
    """href(group, reason) of the page listing the people behind a count, for the page's place and month."""
    def link(group: str, reason: str | None = None) -> str:
        return href("/changes", carried(query), place=state.target.code, month=state.month, kind=group,
                    reason=reason)
    return link


def make_month_changes(state, query: dict, row: Mapping | None) -> tuple[html.Div | None, dbc.Card]:
    """The sentence under 月探访率 (上门) and the 本月变动 panel of a place's month."""
    link = change_link(state, query)
    move = explain_rate_move(row, state.lang, whole_month_before=state.in_progress,
                             aged_from=context.aged_from())
    panel = make_changes_panel(row, link, state.lang, state.as_of.day if state.in_progress else None)
    # a month in progress: the card compares with the same day, the sentence with all of last month, in people, not
    # in a second figure of points beside the card's (review 7b L3: -4.3 beside 比上月全月低 81.3)
    lead = t("move_against_whole_month" if state.in_progress else "move_why", state.lang)
    return make_rate_move(move, link, state.lang, lead), panel
