"""Figure builders: what the reader sees for given numbers, including missing ones."""

import json
import math

import pandas as pd
import pytest

from dashboard import figures

SQUARE = json.dumps({"type": "Polygon",
                     "coordinates": [[[117.2, 39.1], [117.21, 39.1], [117.21, 39.11], [117.2, 39.1]]]})


def places(rates: dict[str, tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for code, (visited, eligible) in rates.items():
        rows.append({"code": code, "short_name": f"社区{code}", "visited_home": visited, "eligible_home": eligible,
                     "visit_rate_home": visited / eligible if eligible else None})
    frame = pd.DataFrame(rows)
    frame["visit_rate_home"] = frame["visit_rate_home"].astype("Float64")
    return frame


def shapes(codes) -> pd.DataFrame:
    return pd.DataFrame({"code": list(codes), "geometry": [SQUARE] * len(codes), "is_schematic": True,
                         "centroid_lon": 117.207, "centroid_lat": 39.103})


def outlines(figure: dict) -> dict[str, dict]:
    """The map's filled outlines by place code."""
    return {trace["customdata"][0]: trace for trace in figure["data"] if trace.get("fill") == "toself"}


def labels(figure: dict) -> dict:
    return next(trace for trace in figure["data"] if trace["mode"] == "markers+text")


def test_map_colours_places_by_rate_and_greys_places_without_one():
    frame = places({"a": (9, 10), "b": (0, 0)})
    figure = figures.map_figure(frame, shapes("ab"), "visit_rate_home", "title")
    drawn = outlines(figure)
    assert drawn["b"]["fillcolor"] == figures.NO_DATA_COLOUR and "本月无应统计对象" in drawn["b"]["text"]
    assert drawn["a"]["fillcolor"] == figures.rate_colours(frame["visit_rate_home"])[0] != figures.NO_DATA_COLOUR
    assert "90.0% (9/10)" in drawn["a"]["text"]
    assert labels(figure)["marker"]["color"][0] == 90.0 and labels(figure)["marker"]["showscale"]


def test_map_labels_each_place_with_its_name_and_its_rate_as_the_ranking_shows_it():
    frame = places({"a": (9, 10), "b": (2, 3), "c": (0, 0)})
    figure = figures.map_figure(frame, shapes("abc"), "visit_rate_home", "t")
    ranked = figures.ranked_bars(frame, "visit_rate_home", "t")["data"][0]
    ranking = dict(zip(ranked["customdata"], ranked["text"], strict=True))
    label = dict(zip(labels(figure)["customdata"], labels(figure)["text"], strict=True))
    assert label == {"a": "<b>社区a</b><br>90.0%", "b": "<b>社区b</b><br>66.7%", "c": "<b>社区c</b><br>—"}
    assert ranking["a"].startswith("90.0%") and ranking["b"].startswith("66.7%")


def test_map_is_drawn_on_plain_axes_that_fetch_nothing():
    figure = figures.map_figure(places({"a": (1, 2)}), shapes("a"), "visit_rate_home", "t")
    assert {trace["type"] for trace in figure["data"]} == {"scatter"}  # no map subplot: no tiles, no glyphs
    assert "map" not in figure["layout"]
    assert figure["layout"]["yaxis"]["scaleanchor"] == "x"
    assert figure["layout"]["yaxis"]["scaleratio"] == pytest.approx(1 / math.cos(math.radians(39.105)), rel=1e-3)


def test_map_labels_shrink_as_places_grow_in_number():
    six = figures.map_figure(places({c: (1, 2) for c in "abcdef"}), shapes("abcdef"), "visit_rate_home", "t")
    fifteen = figures.map_figure(places({c: (1, 2) for c in "abcdefghijklmno"}), shapes("abcdefghijklmno"),
                                 "visit_rate_home", "t")
    assert labels(six)["textfont"]["size"] > labels(fifteen)["textfont"]["size"] >= figures.SMALLEST_LABEL


def test_map_label_ink_is_white_on_the_darkest_red_and_dark_on_pale_fills():
    frame = places({"a": (1, 10), "b": (10, 10), "c": (0, 0)})
    figure = figures.map_figure(frame, shapes("abc"), "visit_rate_home", "t", fills={"a": "#b2182b", "b": "#FFEB9C",
                                                                                        "c": "#EEEEEE"})
    assert labels(figure)["textfont"]["color"] == ["white", "#1d2733", "#1d2733"]
    assert "showscale" not in labels(figure)["marker"]  # given fills, no colour bar


def test_places_without_a_shape_are_left_off_the_map():
    figure = figures.map_figure(places({"a": (1, 2), "b": (2, 2)}), shapes("a"), "visit_rate_home", "t")
    assert list(outlines(figure)) == ["a"] and labels(figure)["customdata"] == ["a"]


def test_a_multipolygon_is_one_outline_with_a_gap_between_its_parts():
    two = json.dumps({"type": "MultiPolygon", "coordinates": [
        [[[117.2, 39.1], [117.21, 39.1], [117.21, 39.11], [117.2, 39.1]]],
        [[[117.3, 39.1], [117.31, 39.1], [117.31, 39.11], [117.3, 39.1]]]]})
    frame = shapes("a").assign(geometry=two)
    outline = outlines(figures.map_figure(places({"a": (1, 2)}), frame, "visit_rate_home", "t"))["a"]
    assert outline["x"] == [117.2, 117.21, 117.21, 117.2, None, 117.3, 117.31, 117.31, 117.3]


def test_ranked_bars_put_the_most_lagging_place_on_top_and_missing_rates_last():
    frame = places({"a": (10, 10), "b": (6, 10), "c": (0, 0), "d": (9, 10)})
    bar = figures.ranked_bars(frame, "visit_rate_home", "title")["data"][0]
    # plotly draws the first row at the bottom
    assert bar["customdata"] == ["c", "a", "d", "b"]
    assert bar["text"] == ["本月无应统计对象", "100.0% (10/10)", "90.0% (9/10)", "60.0% (6/10)"]


def test_ranked_bars_speak_english():
    bar = figures.ranked_bars(places({"c": (0, 0)}), "visit_rate_home", "t", lang="en")["data"][0]
    assert bar["text"] == ["Nobody to count this month"]


def trend_history(last_as_of: str = "2026-10-31") -> pd.DataFrame:
    """September and October at 80% and 90%, October counted to `last_as_of`."""
    history = pd.DataFrame({"month": ["2026-09", "2026-10"],
                            "month_start": pd.to_datetime(["2026-09-01", "2026-10-01"]),
                            "as_of": pd.to_datetime(["2026-09-30", last_as_of])})
    for rate, (numerator, denominator) in {"visit_rate_home": ("visited_home", "eligible_home"),
                                           "visit_rate_any": ("visited_any", "eligible_any"),
                                           "daily_contact_rate": ("contact_days_covered", "contact_days_eligible"),
                                           "help_rate": ("disabled_with_contact", "disabled_count")}.items():
        history[numerator], history[denominator] = [8, 9], [10, 10]
        history[rate] = pd.array([0.8, 0.9], dtype="Float64")
    return history


def test_trend_shows_each_rate_against_the_target():
    figure = figures.trend_figure(trend_history(), "trend")
    assert [trace["name"] for trace in figure["data"]] == [
        "月探访率 (上门)", "月探访率 (任意方式)", "独居日联系率", "失能帮扶率"]
    assert figure["data"][0]["y"] == [80.0, 90.0]
    assert figure["layout"]["shapes"][0]["y0"] == 100
    assert len(figure["layout"]["annotations"]) == 1  # the target's label; a complete month is not marked


def test_trend_marks_a_month_in_progress_with_its_day():
    same_day_before = pd.DataFrame({"month": ["2026-09"], "visit_rate_home": [0.85], "visit_rate_any": [None],
                                    "daily_contact_rate": [0.9], "help_rate": [0.9]})
    figure = figures.trend_figure(trend_history("2026-10-28"), "trend", same_day_before=same_day_before)
    home = [trace for trace in figure["data"] if trace["legendgroup"] == "visit_rate_home"]
    complete, step, current = home
    assert (complete["x"], complete["y"]) == (["2026-09"], [80.0])
    assert step["line"]["dash"] == "dot" and step["x"] == ["2026-09", "2026-10"]
    assert current["marker"]["color"] == "white" and current["y"] == [90.0]
    assert current["hovertemplate"].startswith("%{x} 截至 28 日 %{y:.1f}%")
    assert "<br>上月同期 85.0%<extra>" in current["hovertemplate"]
    assert [(a["x"], a["text"]) for a in figure["layout"]["annotations"][1:]] == [("2026-10", "截至 28 日")]
    assert [trace["name"] for trace in figure["data"] if trace.get("showlegend", True)] == [
        "月探访率 (上门)", "月探访率 (任意方式)", "独居日联系率", "失能帮扶率"]


@pytest.mark.parametrize(("rates", "expected"), [([0.97, 1.0], 90), ([0.62, 0.99], 55), ([], 80)])
def test_a_rankings_axis_starts_just_below_the_lowest_rate(rates, expected):
    assert figures.axis_floor(pd.Series(rates, dtype="Float64")) == expected


def test_a_rate_has_one_colour_whatever_else_the_view_holds_in_its_traffic_lights_band():
    """95 % is the same amber beside places at 99 % and beside places at 60 % (review 4 M5: it was red in the one
    view and green in the other); the bands are the KPI cards' and the 通报's lights (green only at the target)."""
    def colours(*rates):
        return figures.rate_colours(pd.Series(rates, dtype="Float64"))

    assert colours(0.95, 0.99)[0] == colours(0.95, 0.6)[0] == colours(0.95)[0]
    green, amber_low, amber_high, red_high, red_low, floor, none = colours(1.0, 0.9, 0.999, 0.899, 0.8, 0.3, None)
    assert green == figures.GREEN and none == figures.NO_DATA_COLOUR and red_low == floor
    assert len({green, amber_low, amber_high, red_high, red_low}) == 5

    def hue(colour: str) -> str:  # which of the lights a colour reads as
        red, grn, blue = (int(part) for part in colour[4:-1].split(", ")) if colour.startswith("rgb") else (0, 1, 0)
        return "green" if grn > red else "amber" if grn > 0.55 * red else "red"

    assert [hue(c) for c in (amber_low, amber_high, red_high, red_low)] == ["amber", "amber", "red", "red"]


def test_category_bars_label_categories_in_english():
    frame = pd.DataFrame({"category": ["独居", "高龄"], "people_count": [5, 3], "count_text": ["5", "3"]})
    bar = figures.category_bars(frame, "t", lang="en")["data"][0]
    assert bar["y"] == ["Aged 80+", "Living alone"] and bar["x"] == [3, 5]


def test_a_suppressed_small_count_is_drawn_as_its_bound_not_its_value():
    frame = pd.DataFrame({"category": ["独居", "计生特殊家庭"], "people_count": pd.array([5, None], dtype="Int64"),
                          "count_text": ["5", "<5"]})
    bar = figures.category_bars(frame, "t")["data"][0]
    assert bar["y"] == ["计生特殊家庭", "独居"] and bar["x"] == [0, 5] and bar["text"] == ["<5", "5"]


def test_figures_are_plain_json():
    import json as json_module

    frame = places({"a": (9, 10)})
    for figure in (figures.map_figure(frame, shapes("a"), "visit_rate_home", "t"),
                   figures.ranked_bars(frame, "visit_rate_home", "t")):
        assert json_module.loads(json_module.dumps(figure)) == figure


def test_risk_bars_stack_high_medium_low_per_place_with_missing_levels_as_zero():
    risk = pd.DataFrame({"code": ["a", "a", "b"], "short_name": ["甲", "甲", "乙"], "risk_level": ["高", "低", "中"],
                         "people_count": [3, 5, 2]})
    high, medium, low = figures.risk_bars(risk, "t")["data"]
    assert (high["y"], high["x"], medium["x"], low["x"]) == (["甲", "乙"], [3, 0], [0, 2], [5, 0])
    # each segment says its count (review 7b: a printed chart has no hover), an empty one nothing
    assert (high["text"], medium["text"], low["text"]) == (["3", ""], ["", "2"], ["5", ""])


def test_every_warning_kind_the_etl_writes_has_a_label_in_both_languages():
    import re
    from pathlib import Path

    from dashboard.i18n import STRINGS

    etl = Path(__file__).resolve().parents[2] / "etl"
    text = "\n".join(p.read_text(encoding="utf-8") for p in [*etl.rglob("*.sql"), *etl.rglob("*.py")])
    codes = set(re.findall(r"cv_warn(?:ing|_quoting)?\('(\w+)'", text))
    codes |= set(re.findall(r'\("(\w+)", (?:None|names), (?:f"|note\))', text))  # ingest's file warnings
    assert len(codes) >= 10
    assert {code for code in codes if f"warning_{code}" not in STRINGS} == set()


def test_every_audit_event_the_code_records_has_a_name_in_both_languages():
    """(review 2026-12-04: an upload's record, 'upload', had none: the admin's 审计 screen failed from the first
    upload on)"""
    import re
    from pathlib import Path

    from dashboard.i18n import STRINGS

    root = Path(__file__).resolve().parents[2]
    text = "\n".join(p.read_text(encoding="utf-8")
                     for folder in ("dashboard", "etl") for p in (root / folder).rglob("*.py"))
    events = set(re.findall(r'\b(?:audit|record)\(\s*"(\w+)"', text))
    events |= set(re.findall(r'_user_change\([^)]*?"(user_\w+)"', text))
    assert {"upload", "unmask", "sign_in", "user_disabled", "export_parquet"} <= events
    assert {event for event in events if f"event_{event}" not in STRINGS} == set()
