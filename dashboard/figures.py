"""Pure figure builders: DataFrames in, plotly figure dicts out; no Dash, no DuckDB.

Figures are plain dicts in plotly's JSON schema rather than go.Figure objects: building a
go.Figure with a template costs about 40 ms per chart in validation alone, several times the
budget of a whole page. Browser tests catch what validation would have caught.
"""

from __future__ import annotations

import json
import math

import pandas as pd
from plotly.colors import find_intermediate_color, hex_to_rgb, unlabel_rgb

from dashboard.i18n import t, value_label
from dashboard.measures import RATES, in_progress
from etl.settings import AMBER_FROM, GREEN_FROM, percent, percent_tenths

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
# A rate's colour on every map and ranking, whatever else the view holds: scaled to each view's lowest rate, 95 %
# was red beside places at 99 % and green beside places at 60 % (review 4 M5). Its bands are the traffic lights of
# the KPI cards, the 督查 screen and the 通报 (settings.GREEN_FROM, AMBER_FROM): green at the target, amber below
# it, red below amber, in a shade by the rate within the amber and red bands (deepest at RED_FLOOR and below).
RED_FLOOR = 0.8
GREEN = "#1b7837"
SHADES = ((AMBER_FROM, GREEN_FROM, "#f1a340", "#fee8a8"), (RED_FLOOR, AMBER_FROM, "#b2182b", "#ec7d6a"))
# the same bands as the map's colour bar, from RED_FLOOR to a little past the target (green a band of its own)
BAR_TOP = GREEN_FROM + 0.02


def _on_bar(rate: float) -> float:
    return (rate - RED_FLOOR) / (BAR_TOP - RED_FLOOR)


RATE_COLOURS = [[0.0, SHADES[1][2]], [_on_bar(AMBER_FROM), SHADES[1][3]], [_on_bar(AMBER_FROM), SHADES[0][2]],
                [_on_bar(GREEN_FROM), SHADES[0][3]], [_on_bar(GREEN_FROM), GREEN], [1.0, GREEN]]
NO_DATA_COLOUR = "#d9d9d9"
SERIES_COLOURS = {"visit_rate_home": "#1f4e79", "visit_rate_any": "#6a9fd4", "daily_contact_rate": "#d17b0f",
                  "help_rate": "#2e8540"}
RISK_COLOURS = {"高": "#c0392b", "中": "#e67e22", "低": "#95a5a6"}
TARGET_COLOUR = "#555555"
GRID = "#eef1f4"


def _axis(**overrides) -> dict:
    return {"gridcolor": GRID, "zeroline": False, "automargin": True, "linecolor": "#c8d0d8"} | overrides


def _layout(title: str, height: int, **overrides) -> dict:
    """The house look, stated explicitly (no plotly template)."""
    layout = {
        "title": {"text": title, "x": 0.01, "font": {"size": 15}},
        "height": height,
        "font": {"family": FONT, "size": 13, "color": "#1d2733"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": _axis(),
        "yaxis": _axis(),
    }
    return layout | overrides


def _target_line(axis: str, lang: str) -> tuple[dict, dict]:
    """A dashed line at 100% and its label."""
    if axis == "x":
        shape = {"type": "line", "xref": "x", "yref": "paper", "x0": 100, "x1": 100, "y0": 0, "y1": 1}
        note = {"xref": "x", "yref": "paper", "x": 100, "y": 1, "yanchor": "bottom", "showarrow": False,
                "text": t("target", lang), "font": {"size": 11, "color": TARGET_COLOUR}}
    else:
        shape = {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 100, "y1": 100}
        note = {"xref": "paper", "yref": "y", "x": 1, "y": 100, "xanchor": "right", "yanchor": "bottom",
                "showarrow": False, "text": t("target", lang), "font": {"size": 11, "color": TARGET_COLOUR}}
    shape["line"] = {"color": TARGET_COLOUR, "dash": "dash", "width": 1.5}
    return shape, note


def rate_text(rate: float | None, numerator: int, denominator: int) -> str:
    if rate is None or pd.isna(rate):
        return "—"
    return f"{percent(rate)} ({numerator:,}/{denominator:,})"


def axis_floor(rates: pd.Series) -> float:
    """Where a ranking's axis starts: a little below the lowest rate, so that gaps near the target stay visible."""
    present = rates.dropna()
    low = math.floor(min(present.min() * 100, 95) / 5) * 5 - 5 if len(present) else 80
    return max(low, 0)


def rate_colour(rate: float | None) -> str:
    """A rate's colour (its traffic light's band, shaded by the rate), grey without one."""
    if rate is None or pd.isna(rate):
        return NO_DATA_COLOUR
    if rate >= GREEN_FROM:
        return GREEN
    low, high, start, end = next(shade for shade in SHADES if rate >= shade[0] or shade[0] == RED_FLOOR)
    share = min(max((rate - low) / (high - low), 0.0), 1.0)
    red, green, blue = find_intermediate_color(hex_to_rgb(start), hex_to_rgb(end), share)
    return f"rgb({round(red)}, {round(green)}, {round(blue)})"


def rate_colours(rates: pd.Series) -> list[str]:
    """The map's colour for each rate, grey where there is none."""
    return [rate_colour(rate) for rate in rates]


# Label sizes by how many places share the map: six streets take 13 px, a street's 10-20 communities less.
LABEL_SIZES = ((8, 13), (16, 11), (30, 10))
SMALLEST_LABEL = 9


def map_figure(places: pd.DataFrame, shapes: pd.DataFrame, rate: str, title: str, lang: str = "zh",
               fills: dict[str, str] | None = None, outline: str = "white", height: int = 440) -> dict:
    """The places as filled outlines coloured by `rate`, each labelled on the map with its name and rate.

    Plain cartesian shapes on a blank page (longitude, latitude with the latitude's aspect): no map
    tiles and no label glyphs to fetch, vector SVG export, and the same figure in the 通报. A click on
    a place or its label gives its code as `customdata` (a fill's click carries its trace's list).
    Places without a rate are grey, never 0% or 100%; `fills` (code -> colour) replaces the colour
    scale, as the 通报's traffic lights do; places without a shape are left off.
    """
    numerator, denominator = RATES[rate]
    merged = places.merge(shapes[["code", "geometry", "centroid_lon", "centroid_lat"]], on="code")
    rings = [_rings(json.loads(geometry)) for geometry in merged["geometry"]]
    colours = rate_colours(merged[rate]) if fills is None else [fills[code] for code in merged["code"]]
    unsent = [f"<br>{words}" if words else "" for words in _unsent_words(merged, rate, lang)]
    hover = [f"<b>{name}</b><br>{t(rate, lang)}: {rate_text(r, n, d)}{said}" if not pd.isna(r)
             else f"<b>{name}</b><br>{no_rate(lang, why)}"
             for name, r, n, d, why, said in zip(merged["short_name"], merged[rate], merged[numerator],
                                                 merged[denominator], _no_rate_reasons(merged, rate), unsent,
                                                 strict=True)]
    data = []
    # the largest first, so that a place inside another's outline stays on top and clickable
    for i in sorted(range(len(merged)), key=lambda i: -_area(rings[i])):
        x, y = _path(rings[i])
        data.append({
            "type": "scatter", "mode": "lines", "x": x, "y": y, "fill": "toself", "fillcolor": colours[i],
            "line": {"color": outline, "width": 1.5 if outline == "white" else 1}, "hoveron": "fills",
            "hoverinfo": "text", "text": hover[i],
            "customdata": [merged["code"].iat[i]], "name": "", "showlegend": False,
        })
    zmin, zmax = RED_FLOOR * 100, BAR_TOP * 100
    size = next((s for most, s in LABEL_SIZES if len(merged) <= most), SMALLEST_LABEL)
    labels = {
        "type": "scatter", "mode": "markers+text", "x": list(merged["centroid_lon"]), "y": list(merged["centroid_lat"]),
        "text": [f"<b>{name}</b><br>{percent(r) if why in (None, 'no_denominator') else no_rate(lang, why)}{said}"
                 for name, r, why, said in zip(merged["short_name"], merged[rate], _no_rate_reasons(merged, rate),
                                               unsent, strict=True)],
        "textposition": "middle center", "cliponaxis": False, "customdata": list(merged["code"]),
        "hovertext": hover, "hoverinfo": "text", "name": "", "showlegend": False,
        "textfont": {"size": size, "color": [_ink(c) for c in colours], "family": FONT},
        "marker": {"size": 2 * size, "opacity": 0},
    }
    if fills is None:  # the colour bar, carried by the (invisible) label markers
        labels["marker"] |= {
            "color": [zmin if pd.isna(r) else float(percent_tenths(r)) for r in merged[rate]], "cmin": zmin,
            "cmax": zmax, "colorscale": RATE_COLOURS, "showscale": True,
            "colorbar": {"title": {"text": "%"}, "thickness": 12, "len": 0.8,
                         "tickvals": [zmin, AMBER_FROM * 100, GREEN_FROM * 100],
                         "ticktext": [f"≤{RED_FLOOR:.0%}", f"{AMBER_FROM:.0%}", f"{GREEN_FROM:.0%}"]}}
    data.append(labels)
    x_range, y_range, ratio = _frame(rings)
    hidden = {"visible": False, "fixedrange": True}
    layout = _layout(title, height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, clickmode="event",
                     hovermode="closest", showlegend=False, dragmode=False,
                     xaxis=hidden | {"range": x_range, "constrain": "domain"},
                     yaxis=hidden | {"range": y_range, "scaleanchor": "x", "scaleratio": ratio, "constrain": "domain"})
    return {"data": data, "layout": layout}


def _rings(geometry: dict) -> list[list]:
    """The outer rings of a Polygon or MultiPolygon (holes are drawn by the places inside them)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [polygon[0] for polygon in polygons if polygon]


def _path(rings: list[list]) -> tuple[list, list]:
    """The rings as one line with gaps between them: one trace, one fill, per place."""
    x, y = [], []
    for ring in rings:
        if x:
            x.append(None)
            y.append(None)
        x.extend(point[0] for point in ring)
        y.extend(point[1] for point in ring)
    return x, y


def _area(rings: list[list]) -> float:
    """The rings' area in square degrees (shoelace), only to order the places."""
    return sum(abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True))) / 2
               for ring in rings)


def _frame(rings: list[list[list]]) -> tuple[list[float], list[float], float]:
    """Axis ranges around every ring with a margin for labels, and the aspect of a degree of
    longitude to one of latitude there (1/cos(latitude)), so that places keep their shape."""
    points = [point for place in rings for ring in place for point in ring]
    if not points:
        return [117.19, 117.23], [39.1, 39.14], 1.3
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    pad_x, pad_y = max((max(lons) - min(lons)) * 0.03, 1e-4), max((max(lats) - min(lats)) * 0.03, 1e-4)
    ratio = 1 / math.cos(math.radians((min(lats) + max(lats)) / 2))
    return ([min(lons) - pad_x, max(lons) + pad_x], [min(lats) - pad_y, max(lats) + pad_y], round(ratio, 4))


def _ink(fill: str) -> str:
    """Dark label text on a light fill, white on a dark one."""
    red, green, blue = (int(part) for part in unlabel_rgb(fill)) if fill.startswith("rgb") else hex_to_rgb(fill)
    return "#1d2733" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "white"


def no_rate(lang: str, reason: str | None = None) -> str:
    """What a place without a rate says (_no_rate_reasons): that no roster lists it (未报送底册), that its street
    sent no contact list (未报送联系人情况表, the 失能帮扶率), or that it has nobody to count."""
    return t(reason or "no_denominator", lang)


def _no_rate_reasons(places: pd.DataFrame, rate: str) -> list[str | None]:
    """Per place, why it has no `rate` (an i18n key), None where it has one."""
    def flag(column: str) -> pd.Series:
        return places[column].fillna(False).astype(bool) if column in places else pd.Series(False, places.index)
    rosterless, contactless = flag("unreported"), flag("contacts_unreported") & (rate == "help_rate")
    return [None if not pd.isna(r) else "unreported" if no_roster else "contacts_unreported" if no_list
            else "no_denominator"
            for r, no_roster, no_list in zip(places[rate], rosterless, contactless, strict=True)]


def _unsent_words(places: pd.DataFrame, rate: str, lang: str) -> list[str]:
    """Per place, words after its visit rate where no visit record of the month came from its street (a visits_unsent
    column, as the overview sets it): the rate stands, said to count the records sent, as the 汇总表 says it (review
    23: a street that had not uploaded its month yet showed red at 0.0 % with nothing beside it)."""
    if rate not in ("visit_rate_home", "visit_rate_any") or "visits_unsent" not in places:
        return [""] * len(places)
    return [t("visits_unsent_short", lang) if flag else "" for flag in places["visits_unsent"].fillna(False)]


def ranked_bars(places: pd.DataFrame, rate: str, title: str, lang: str = "zh") -> dict:
    """Places ranked by `rate` as dots on the map's colour scale, most lagging on top.

    Dots rather than bars from zero: near the target, 96% and 99% must look different.
    Places without a rate are listed last, labelled, never drawn as 0%.
    """
    numerator, denominator = RATES[rate]
    # plotly draws the first row at the bottom: places without a rate first, then best to worst
    ranked = places.assign(_missing=places[rate].isna()).sort_values(["_missing", rate], ascending=[False, False])
    labels = [(rate_text(r, n, d) + (f" · {unsent}" if unsent else "")) if why is None else no_rate(lang, why)
              for r, n, d, why, unsent in zip(ranked[rate], ranked[numerator], ranked[denominator],
                                              _no_rate_reasons(ranked, rate), _unsent_words(ranked, rate, lang),
                                              strict=True)]
    zmin = axis_floor(ranked[rate])
    shape, note = _target_line("x", lang)
    data = [{
        "type": "scatter", "mode": "markers+text", "x": [zmin if pd.isna(r) else float(percent_tenths(r))
                                                         for r in ranked[rate]],
        "y": list(ranked["short_name"]), "text": labels, "textposition": "middle right", "cliponaxis": False,
        "customdata": list(ranked["code"]), "hovertemplate": "%{y}: %{text}<extra></extra>",
        "marker": {"size": 14, "color": rate_colours(ranked[rate]), "line": {"color": "#51606f", "width": 1}},
    }]
    step = 5 if 100 - zmin <= 40 else 20
    layout = _layout(
        title, max(260, 30 * len(ranked) + 90), showlegend=False, shapes=[shape], annotations=[note],
        xaxis=_axis(range=[zmin - 1, 100 + (100 - zmin) * 0.9], ticksuffix="%",
                    tickvals=list(range(int(zmin), 101, step))),
    )
    return {"data": data, "layout": layout}


def in_progress_day(history: pd.DataFrame) -> int | None:
    """The day its last month is counted to, when that month is still in progress."""
    if history.empty:
        return None
    last = history.iloc[-1]
    as_of = pd.Timestamp(last["as_of"]).date()
    return as_of.day if in_progress(pd.Timestamp(last["month_start"]).date(), as_of) else None


def trend_figure(history: pd.DataFrame, title: str, lang: str = "zh", same_day_before: pd.DataFrame | None = None
                 ) -> dict:
    """The four rates month by month against the 100% target; missing months stay gaps.

    A month in progress is drawn apart (open marker, dashed line to it, "截至 28 日" at its foot and in
    its hover, with last month's rate to the same day from `same_day_before`): 28 days of a month are
    not a fall from the whole of the one before.
    """
    months = list(history["month"])
    day = in_progress_day(history)
    done = len(months) - 1 if day else len(months)  # complete months, drawn solid
    partial = t("in_progress_day", lang, day=day) if day else ""
    data = []
    for rate, colour in SERIES_COLOURS.items():
        numerator, denominator = RATES[rate]
        values = [None if pd.isna(r) else float(percent_tenths(r)) for r in history[rate]]
        counts = [[int(n), int(d)] for n, d in zip(history[numerator], history[denominator], strict=True)]
        hover = "%{x} %{y:.1f}% (%{customdata[0]:,}/%{customdata[1]:,})<extra>" + t(rate, lang) + "</extra>"
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": t(rate, lang), "legendgroup": rate,
            "x": months[:done], "y": values[:done], "line": {"color": colour, "width": 2},
            "customdata": counts[:done], "hovertemplate": hover,
        })
        if day:
            data.append({  # the dashed step into the month in progress: no hover of its own
                "type": "scatter", "mode": "lines", "legendgroup": rate, "showlegend": False, "hoverinfo": "skip",
                "x": months[-2:], "y": values[-2:], "line": {"color": colour, "width": 2, "dash": "dot"},
            })
            data.append({
                "type": "scatter", "mode": "markers", "legendgroup": rate, "showlegend": False,
                "x": months[-1:], "y": values[-1:], "customdata": counts[-1:],
                "marker": {"color": "white", "size": 9, "symbol": "circle", "line": {"color": colour, "width": 2}},
                "hovertemplate": hover.replace("%{x}", "%{x} " + partial).replace(
                    "<extra>", _same_day_text(same_day_before, rate, lang) + "<extra>"),
            })
    lowest = min((history[r].astype(float).min() for r in SERIES_COLOURS), default=0.8)
    floor = 80 if pd.isna(lowest) else max(math.floor(lowest * 100 / 5) * 5 - 5, 0)
    shape, note = _target_line("y", lang)
    notes = [note]
    if day:  # at the foot of the open point: tick labels get thinned out on a phone, this does not
        notes.append({"xref": "x", "yref": "paper", "x": months[-1], "y": 0, "xanchor": "right", "yanchor": "bottom",
                      "showarrow": False, "text": partial, "font": {"size": 11, "color": TARGET_COLOUR}})
    layout = _layout(title, 340, shapes=[shape], annotations=notes, xaxis=_axis(type="category"),
                     yaxis=_axis(range=[floor, 102], ticksuffix="%"), legend={"orientation": "h", "y": -0.15})
    return {"data": data, "layout": layout}


def _same_day_text(same_day_before: pd.DataFrame | None, rate: str, lang: str) -> str:
    if same_day_before is None or same_day_before.empty or pd.isna(same_day_before[rate].iloc[-1]):
        return ""
    return "<br>" + t("same_day_before", lang, rate=float(percent_tenths(same_day_before[rate].iloc[-1])))


def category_bars(categories: pd.DataFrame, title: str, lang: str = "zh") -> dict:
    ordered = categories.iloc[::-1]  # largest at the top; a suppressed small count (<5) at the bottom
    counts = [0 if pd.isna(n) else int(n) for n in ordered["people_count"]]
    hidden = list(ordered["suppressed"]) if "suppressed" in ordered else [False] * len(ordered)
    data = [{
        "type": "bar", "orientation": "h", "x": counts, "y": [value_label(c, lang) for c in ordered["category"]],
        # a count not shown (<5, *) is written beside its empty bar: within a bar of no length it was not drawn
        "text": list(ordered["count_text"]), "textposition": ["outside" if h else "auto" for h in hidden],
        "marker": {"color": "#1f4e79"}, "hovertemplate": "%{y}: %{text}<extra></extra>",
    }]
    small = max(counts, default=0) < 8
    # under the axis's numbers, what <5 and * mean
    notes = ([{"text": t("categories_hidden_note", lang), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
               "yshift": -26, "xanchor": "left", "yanchor": "top", "showarrow": False,
               "font": {"size": 11, "color": "#5b6570"}}] if any(hidden) else [])
    layout = _layout(title, max(240, 30 * len(ordered) + 80) + (28 if notes else 0), showlegend=False,
                     xaxis=_axis(tickformat=",d", **({"dtick": 1} if small else {})), annotations=notes,
                     **({"margin": {"l": 10, "r": 10, "t": 40, "b": 46}} if notes else {}))
    return {"data": data, "layout": layout}


def risk_bars(risk: pd.DataFrame, title: str, lang: str = "zh") -> dict:
    """People by risk level per place, stacked high to low; clicking a bar drills into the place."""
    counts = risk.pivot_table(index=["code", "short_name"], columns="risk_level", values="people_count",
                              aggfunc="sum", fill_value=0, sort=True).reset_index()
    data = []
    for level in ("高", "中", "低"):
        data.append({
            "type": "bar", "orientation": "h", "name": value_label(level, lang),
            "x": [int(n) for n in counts[level]] if level in counts else [0] * len(counts),
            "y": list(counts["short_name"]), "customdata": list(counts["code"]),
            "marker": {"color": RISK_COLOURS[level]},
            "hovertemplate": "%{y} " + value_label(level, lang) + ": %{x:,}<extra></extra>",
            # each segment's count on it, as a printed chart has no hover (review 7b: 南营门's 高 could only be
            # guessed); a segment too narrow for its number leaves it out rather than overprint its neighbour
            "text": [f"{int(n):,}" if n else "" for n in (counts[level] if level in counts else [0] * len(counts))],
            "texttemplate": "%{text}", "textposition": "inside", "insidetextanchor": "middle",
            "textfont": {"color": "#ffffff" if level != "低" else "#222222"}, "constraintext": "both",
        })
    layout = _layout(title, max(260, 28 * len(counts) + 100), barmode="stack",
                     uniformtext={"minsize": 9, "mode": "hide"},
                     legend={"orientation": "h", "y": -0.12, "traceorder": "normal"},
                     yaxis=_axis(autorange="reversed"), xaxis=_axis(tickformat=",d"))
    return {"data": data, "layout": layout}
