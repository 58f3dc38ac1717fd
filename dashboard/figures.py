"""Pure figure builders: DataFrames in, go.Figure out; no Dash, no DuckDB."""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dashboard.i18n import t, value_label

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
RATE_COLOURS = [[0.0, "#b2182b"], [0.5, "#f4a582"], [0.85, "#fddbc7"], [0.97, "#a6dba0"], [1.0, "#1b7837"]]
NO_DATA_COLOUR = "#d9d9d9"
SERIES_COLOURS = {"visit_rate_home": "#1f4e79", "visit_rate_any": "#6a9fd4", "daily_contact_rate": "#d17b0f",
                  "help_rate": "#2e8540"}
RISK_COLOURS = {"高": "#c0392b", "中": "#e67e22", "低": "#95a5a6"}
TARGET_COLOUR = "#555555"


def _base_layout(**overrides) -> dict:
    layout = dict(template="plotly_white", font=dict(family=FONT, size=13), margin=dict(l=10, r=10, t=40, b=10),
                  hoverlabel=dict(font_family=FONT))
    return layout | overrides


def rate_text(rate: float | None, numerator: int, denominator: int) -> str:
    if rate is None or pd.isna(rate):
        return "—"
    return f"{rate:.1%} ({numerator:,}/{denominator:,})"


def colour_range(rates: pd.Series) -> tuple[float, float]:
    """Scale from a little below the lowest rate to 100%, so that gaps near the target stay visible."""
    present = rates.dropna()
    low = math.floor(min(present.min() * 100, 95) / 5) * 5 - 5 if len(present) else 80
    return max(low, 0), 100


def rate_colours(rates: pd.Series) -> list[str]:
    """The map's colour for each rate, grey where there is none."""
    zmin, zmax = colour_range(rates)
    return [NO_DATA_COLOUR if pd.isna(r) else sample_colorscale(RATE_COLOURS, (min(max(r * 100, zmin), zmax) - zmin)
                                                                / (zmax - zmin))[0]
            for r in rates]


def map_figure(places: pd.DataFrame, shapes: pd.DataFrame, rate: str, title: str, lang: str = "zh") -> go.Figure:
    """Choropleth of `places` coloured by `rate`; places without a rate are grey, never 0% or 100%."""
    numerator, denominator = _rate_parts(rate)
    merged = places.merge(shapes[["code", "geometry"]], on="code")
    features = [{"type": "Feature", "id": code, "properties": {}, "geometry": json.loads(geometry)}
                for code, geometry in zip(merged["code"], merged["geometry"], strict=True)]
    geojson = {"type": "FeatureCollection", "features": features}
    hover = [f"<b>{name}</b><br>{t(rate, lang)}: {rate_text(r, n, d)}" if not pd.isna(r)
             else f"<b>{name}</b><br>{t('no_denominator', lang)}"
             for name, r, n, d in zip(merged["short_name"], merged[rate], merged[numerator], merged[denominator],
                                      strict=True)]
    has_rate = merged[rate].notna().to_numpy()
    zmin, zmax = colour_range(merged[rate])
    figure = go.Figure()
    if (~has_rate).any():
        figure.add_trace(go.Choroplethmap(
            geojson=geojson, locations=merged.loc[~has_rate, "code"], z=[0] * int((~has_rate).sum()),
            colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]], showscale=False,
            customdata=merged.loc[~has_rate, "code"], hovertext=[h for h, ok in zip(hover, has_rate, strict=True) if not ok],
            hoverinfo="text", marker=dict(line=dict(color="white", width=1)), name="",
        ))
    figure.add_trace(go.Choroplethmap(
        geojson=geojson, locations=merged.loc[has_rate, "code"], z=(merged.loc[has_rate, rate] * 100).round(1),
        zmin=zmin, zmax=zmax, colorscale=RATE_COLOURS, customdata=merged.loc[has_rate, "code"],
        hovertext=[h for h, ok in zip(hover, has_rate, strict=True) if ok], hoverinfo="text",
        marker=dict(line=dict(color="white", width=1), opacity=0.9), name="",
        colorbar=dict(title=dict(text="%"), ticksuffix="%", thickness=12, len=0.8),
    ))
    center, zoom = _view(shapes)
    figure.update_layout(**_base_layout(
        title=dict(text=title, x=0.01, font=dict(size=15)), height=440, margin=dict(l=0, r=0, t=40, b=0),
        map=dict(style="white-bg", center=center, zoom=zoom), clickmode="event",
    ))
    return figure


def _view(shapes: pd.DataFrame) -> tuple[dict, float]:
    """Centre and zoom that frame the shapes (from their coordinates, no tiles needed)."""
    lons, lats = [], []
    for geometry in shapes["geometry"]:
        for lon, lat in _coordinates(json.loads(geometry)["coordinates"]):
            lons.append(lon)
            lats.append(lat)
    if not lons:
        return {"lon": 117.2, "lat": 39.12}, 11
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * 1.3, 1e-4)
    zoom = max(min(math.log2(360 / span) - 0.45, 16), 3)
    return {"lon": (min(lons) + max(lons)) / 2, "lat": (min(lats) + max(lats)) / 2}, round(zoom, 2)


def _coordinates(nested) -> list[tuple[float, float]]:
    if nested and isinstance(nested[0], int | float):
        return [tuple(nested[:2])]
    return [point for part in nested for point in _coordinates(part)]


def _rate_parts(rate: str) -> tuple[str, str]:
    from dashboard.queries import RATES

    return RATES[rate]


def ranked_bars(places: pd.DataFrame, rate: str, title: str, lang: str = "zh") -> go.Figure:
    """Places ranked by `rate` as dots on the map's colour scale, most lagging on top.

    Dots rather than bars from zero: near the target, 96% and 99% must look different.
    Places without a rate are listed last, labelled, never drawn as 0%.
    """
    numerator, denominator = _rate_parts(rate)
    # plotly draws the first row at the bottom: places without a rate first, then best to worst
    ranked = places.assign(_missing=places[rate].isna()).sort_values(["_missing", rate], ascending=[False, False])
    labels = [rate_text(r, n, d) if not pd.isna(r) else t("no_denominator", lang)
              for r, n, d in zip(ranked[rate], ranked[numerator], ranked[denominator], strict=True)]
    zmin, _ = colour_range(ranked[rate])
    values = [zmin if pd.isna(r) else round(r * 100, 1) for r in ranked[rate]]
    figure = go.Figure(go.Scatter(
        x=values, y=ranked["short_name"], mode="markers+text", text=labels, textposition="middle right",
        customdata=ranked["code"], hovertemplate="%{y}: %{text}<extra></extra>", cliponaxis=False,
        marker=dict(size=14, color=rate_colours(ranked[rate]), line=dict(color="#51606f", width=1)),
    ))
    figure.add_vline(x=100, line=dict(color=TARGET_COLOUR, dash="dash"), annotation_text=t("target", lang),
                     annotation_position="top")
    figure.update_layout(**_base_layout(
        title=dict(text=title, x=0.01, font=dict(size=15)), height=max(260, 30 * len(ranked) + 90),
        xaxis=dict(range=[zmin - 1, 100 + (100 - zmin) * 0.9], ticksuffix="%",
                   tickvals=[v for v in range(int(zmin), 101, 5 if 100 - zmin <= 40 else 20)]),
        yaxis=dict(showgrid=True, gridcolor="#eef1f4"), showlegend=False,
    ))
    return figure


def trend_figure(history: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    """The four rates month by month against the 100% target; missing months stay gaps."""
    figure = go.Figure()
    for rate, colour in SERIES_COLOURS.items():
        numerator, denominator = _rate_parts(rate)
        figure.add_trace(go.Scatter(
            x=history["month"], y=(history[rate].astype(float) * 100).round(1), name=t(rate, lang),
            mode="lines+markers", line=dict(color=colour, width=2),
            customdata=list(zip(history[numerator], history[denominator], strict=True)),
            hovertemplate="%{x} %{y:.1f}% (%{customdata[0]:,}/%{customdata[1]:,})<extra>" + t(rate, lang) + "</extra>",
        ))
    figure.add_hline(y=100, line=dict(color=TARGET_COLOUR, dash="dash"))
    lowest = min((history[r].astype(float).min() for r in SERIES_COLOURS), default=0.8)
    floor = 80 if pd.isna(lowest) else max(math.floor(lowest * 100 / 5) * 5 - 5, 0)
    figure.update_layout(**_base_layout(
        title=dict(text=title, x=0.01, font=dict(size=15)), height=340,
        yaxis=dict(range=[floor, 102], ticksuffix="%"), xaxis=dict(type="category"),
        legend=dict(orientation="h", y=-0.15),
    ))
    return figure


def category_bars(categories: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    ordered = categories.sort_values("people_count")
    figure = go.Figure(go.Bar(
        x=ordered["people_count"], y=[value_label(c, lang) for c in ordered["category"]], orientation="h",
        text=[f"{n:,}" for n in ordered["people_count"]], textposition="auto", marker_color="#1f4e79",
        hovertemplate="%{y}: %{x:,}<extra></extra>",
    ))
    figure.update_layout(**_base_layout(title=dict(text=title, x=0.01, font=dict(size=15)),
                                        height=max(240, 30 * len(ordered) + 80), showlegend=False,
                                        xaxis=dict(tickformat=",d", dtick=1 if ordered["people_count"].max() < 8
                                                   else None)))
    return figure


def risk_bars(risk: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    """People by risk level per place, stacked high to low; clicking a bar drills into the place."""
    figure = go.Figure()
    places = risk.drop_duplicates("code")[["code", "short_name"]]
    for level in ("高", "中", "低"):
        counts = places.merge(risk[risk["risk_level"] == level], on=["code", "short_name"], how="left")
        figure.add_trace(go.Bar(
            x=counts["people_count"].fillna(0), y=counts["short_name"], orientation="h",
            name=value_label(level, lang), marker_color=RISK_COLOURS[level], customdata=counts["code"],
            hovertemplate="%{y} " + value_label(level, lang) + ": %{x:,}<extra></extra>",
        ))
    figure.update_layout(**_base_layout(title=dict(text=title, x=0.01, font=dict(size=15)), barmode="stack",
                                        height=max(260, 28 * len(places) + 100),
                                        legend=dict(orientation="h", y=-0.12, traceorder="normal"),
                                        yaxis=dict(autorange="reversed"), xaxis=dict(tickformat=",d")))
    return figure
