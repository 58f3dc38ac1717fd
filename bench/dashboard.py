"""Dashboard benchmark: each page's main callback over HTTP and the map payload, against a pandas baseline."""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import logging
import math
import os
import platform
import statistics
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import requests
from plotly.io.json import to_json_plotly
from werkzeug.serving import WSGIRequestHandler, make_server

# Run as `python bench/dashboard.py`, bench/ comes first on sys.path and this file would shadow the
# dashboard package it measures: the checkout's root goes before it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import queries
from dashboard.accounts import User
from dashboard.app import create_app
from etl.demo.rules import risk_levels
from etl.settings import Config, Settings, default_config_text, parse_config

log = logging.getLogger("bench.dashboard")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DBS = {scale: ROOT / f"bench/out/{scale}.duckdb" for scale in ("district", "city")}  # bench/ingest.py's
STREET = "120101003000"  # 五大道, Heping (district 01 of the synthetic city)
COMMUNITY = "120101003009"  # 泰来里, in 五大道
TARGET_MS = {"aggregate": 50.0, "person list": 200.0, "supervision": 100.0}
MAP_TARGET_BYTES = 1_000_000
SPEEDUP_TARGET = 20.0
WARMUPS = 3
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
ROUTER_INPUTS = ("_pages_location", {"pathname", "search"})
EXPORT_OUTPUT = "table-file.data"
RISK_PROBLEMS_OUTPUT = "risk-open-problems-area.children"
RISK_PROBLEMS_SPEC = "risk-open-problems-spec"
EXPORT_TABLE = "overdue-people"


# --- serving and requests -------------------------------------------------------------------


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without its line per request (errors are still logged)."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@dataclass(frozen=True)
class Served:
    base_url: str
    stop: Callable[[], None]


def serve(db_path: Path) -> Served:
    """The real app in a daemon thread on a free loopback port, like tests/browser/conftest.py."""
    settings = Settings(db_path=db_path, config=parse_config(default_config_text()))
    server = make_server("127.0.0.1", 0, create_app(settings, User("bench", "admin", "all")).server, threaded=True,
                         request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join()

    return Served(f"http://127.0.0.1:{server.server_port}", stop)


def dependencies(session: requests.Session, base_url: str) -> list[dict]:
    """The callbacks as the renderer sees them; a first page load makes Dash register its page router."""
    session.get(f"{base_url}/").raise_for_status()
    response = session.get(f"{base_url}/_dash-dependencies")
    response.raise_for_status()
    return response.json()


def router_dependency(deps: list[dict]) -> dict:
    component, properties = ROUTER_INPUTS
    for dep in deps:
        if {(i["id"], i["property"]) for i in dep["inputs"]} == {(component, p) for p in properties}:
            return dep
    raise LookupError("Dash's page-router callback is not among /_dash-dependencies")


def split_outputs(output: str) -> list[dict]:
    """'..a.children...b.data..' (several outputs) or 'a.children' (one) into the renderer's outputs list."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]


def router_body(dep: dict, path: str, query: dict[str, str]) -> dict:
    """The POST the renderer sends when the URL changes: Dash Pages renders the page's layout(**query)."""
    if dep["state"]:
        raise ValueError("the page router has State the benchmark does not know how to fill")
    values = {"pathname": path, "search": f"?{urlencode(query)}" if query else ""}
    inputs = [{"id": i["id"], "property": i["property"], "value": values[i["property"]]} for i in dep["inputs"]]
    return {"output": dep["output"], "outputs": split_outputs(dep["output"]), "inputs": inputs,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"]], "state": []}


def components(node) -> Iterator[dict]:
    """Every Dash component in a layout's JSON, depth first (figures and grid rows are not walked)."""
    if isinstance(node, list):
        for item in node:
            yield from components(item)
    elif isinstance(node, dict):
        if "props" in node and "type" in node:
            yield node
            node = node["props"]
        for key, value in node.items():
            if key not in ("figure", "rowData"):
                yield from components(value)


def find(layout, component_id) -> dict | None:
    return next((c for c in components(layout) if c["props"].get("id") == component_id), None)


def page_layout(response_json: dict, dep: dict):
    content = split_outputs(dep["output"])[0]
    return response_json["response"][content["id"]][content["property"]]


def pattern_values(layout, kind: str) -> list[tuple[dict, dict]]:
    """(id, props) of the components on the page whose pattern-matching id has this type."""
    return [(c["props"]["id"], c["props"]) for c in components(layout)
            if isinstance(c["props"].get("id"), dict) and c["props"]["id"].get("type") == kind]


def export_body(dep: dict, layout, table: str, file_format: str = "xlsx") -> dict:
    """A click on a table's Excel button: every table-download button (ALL) and table-query store."""
    (button_pattern,) = dep["inputs"]
    (query_pattern,) = dep["state"]
    buttons = pattern_values(layout, json.loads(button_pattern["id"])["type"])
    stores = pattern_values(layout, json.loads(query_pattern["id"])["type"])
    clicked = {"type": "table-download", "table": table, "format": file_format}
    if clicked not in [button_id for button_id, _ in buttons]:
        raise LookupError(f"no {file_format} button for table {table} on the page")
    inputs = [{"id": button_id, "property": button_pattern["property"],
               "value": 1 if button_id == clicked else None} for button_id, _ in buttons]
    state = [{"id": store_id, "property": query_pattern["property"], "value": props.get("data")}
             for store_id, props in stores]
    changed = json.dumps(clicked, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {"output": dep["output"], "outputs": split_outputs(dep["output"])[0], "inputs": [inputs],
            "changedPropIds": [f"{changed}.{button_pattern['property']}"], "state": [state]}


def store_callback_body(dep: dict, store_id: str, data) -> dict:
    """The POST the renderer sends when a store (here: the risk page's person-list spec) is rendered."""
    (store_input,) = dep["inputs"]
    return {"output": dep["output"], "outputs": split_outputs(dep["output"])[0],
            "inputs": [{"id": store_id, "property": store_input["property"], "value": data}],
            "changedPropIds": [f"{store_id}.{store_input['property']}"], "state": []}


def measure_risk_problems(session, base_url: str, deps: list[dict], layout, count: int) -> dict:
    """The risk page's open-problem list, which loads in its own callback after the page's aggregates."""
    dep = next(d for d in deps if d["output"] == RISK_PROBLEMS_OUTPUT)
    spec = find(layout, RISK_PROBLEMS_SPEC)["props"]["data"]
    url = f"{base_url}/_dash-update-component"
    payload = json.dumps(store_callback_body(dep, RISK_PROBLEMS_SPEC, spec)).encode()
    _, first = post(session, url, payload)
    stats = timed(lambda: post(session, url, payload)[0], count)
    return {"case": "risk_open_problems", "kind": "person list", "url": "/risk → open problems (2nd callback)",
            "what": "show_open_problems: the 200 most urgent open problems at the top level",
            "response_bytes": len(first.content), "target_ms": TARGET_MS["person list"], **stats}


def post(session: requests.Session, url: str, payload: bytes) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    response = session.post(url, data=payload, headers=JSON_HEADERS)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed * 1000, response


# --- statistics ------------------------------------------------------------------------------


def summary(milliseconds: list[float]) -> dict:
    """Median and nearest-rank p95 (the value 95% of requests did not exceed)."""
    ordered = sorted(milliseconds)
    p95 = ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2),
            "max_ms": round(ordered[-1], 2)}


def timed(run: Callable[[], float], count: int, warmups: int = WARMUPS) -> dict:
    for _ in range(warmups):
        run()
    return summary([run() for _ in range(count)])


# --- the dashboard cases ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # aggregate | person list
    path: str
    query: dict[str, str]
    expect: str  # a component id the rendered page must contain
    what: str


@dataclass(frozen=True)
class Places:
    top: queries.Place
    street: queries.Place
    community: queries.Place


def pick_places(wh: queries.Warehouse) -> Places:
    """Heping's 五大道 and 泰来里 when present (both scales), else the first street and community."""
    top = queries.root_place(wh)
    try:
        street = queries.place(wh, STREET)
        community = queries.place(wh, COMMUNITY)
    except queries.OutOfScope:
        district = top if top.level == "district" else queries.children(wh, top)[0]
        street = queries.children(wh, district)[0]
        community = queries.children(wh, street)[0]
    return Places(top, street, community)


def cases(places: Places) -> list[Case]:
    street, community = places.street.code, places.community.code
    return [
        Case("overview_top", "aggregate", "/", {}, "overview-map",
             f"overview of {places.top.name}: KPIs, map and ranked dots of its children, trend, categories"),
        Case("overview_street", "aggregate", "/", {"place": street}, "overview-map",
             f"overview of street {street}: map and ranked dots of its communities, trend, categories"),
        Case("risk_top", "aggregate", "/risk", {}, "risk-categories",
             "risk page at the top: risk bars per child, categories, open-problem list (≤ 5000 rows)"),
        Case("community", "person list", "/community", {"place": community}, "community-people",
             f"community page {community}: KPIs and its elders (masked) in a grid"),
        Case("overdue_top", "person list", "/overdue", {}, "overdue-summary",
             "work list (overdue + not visited this month) at the top, first 5000 rows, with filters"),
        Case("overdue_street", "person list", "/overdue", {"place": street}, "overdue-summary",
             f"work list of street {street}"),
        Case("data", "person list", "/data", {}, "data-loads",
             "data page: freshness per street, load history, rejected rows (≤ 2000, no personal data)"),
        Case("supervision_top", "supervision", "/supervision", {}, "supervision-lagging-street",
             "督查 at the top: streets and communities ranked, visit-quality leads with evidence (≤ 200 a signal)"),
        Case("supervision_street", "supervision", "/supervision", {"place": street}, "supervision-lagging-community",
             f"督查 of street {street}: its communities ranked, its leads with evidence"),
        Case("supervision_street_draw", "supervision", "/supervision", {"place": street, "sample": "3", "seed": "1"},
             "checklist-lists", f"督查 of street {street} with a check list of 3 communities drawn"),
    ]


def measure_page(session, base_url: str, dep: dict, case: Case, count: int) -> tuple[dict, dict]:
    """Times the router POST for one URL; returns the figures and the page's layout JSON."""
    url = f"{base_url}/_dash-update-component"
    payload = json.dumps(router_body(dep, case.path, case.query)).encode()
    _, first = post(session, url, payload)
    layout = page_layout(first.json(), dep)
    if find(layout, case.expect) is None:
        raise AssertionError(f"{case.name}: the response has no component {case.expect!r}")
    stats = timed(lambda: post(session, url, payload)[0], count)
    return {"case": case.name, "kind": case.kind, "what": case.what, "url": url_of(case),
            "response_bytes": len(first.content), "target_ms": TARGET_MS[case.kind], **stats}, layout


def url_of(case: Case) -> str:
    return case.path + (f"?{urlencode(case.query)}" if case.query else "")


def measure_export(session, base_url: str, deps: list[dict], layout, street: str, count: int) -> dict:
    dep = next(d for d in deps if d["output"] == EXPORT_OUTPUT)
    url = f"{base_url}/_dash-update-component"
    payload = json.dumps(export_body(dep, layout, EXPORT_TABLE)).encode()
    _, first = post(session, url, payload)
    sent = first.json()["response"]["table-file"]["data"]
    if not sent["filename"].endswith(".xlsx") or not sent["content"]:
        raise AssertionError("the export did not return an Excel file")
    stats = timed(lambda: post(session, url, payload)[0], count)
    return {"case": "export_street_xlsx", "kind": "person list", "url": f"/overdue?place={street} → Excel",
            "what": f"download_table: Excel of street {street}'s whole work list (openpyxl, base64 in JSON)",
            "response_bytes": len(first.content), "file_bytes": len(base64.b64decode(sent["content"])),
            "target_ms": TARGET_MS["person list"], **stats}


def map_payload(name: str, layout) -> dict:
    figure = find(layout, "overview-map")["props"]["figure"]
    encoded = to_json_plotly(figure).encode()
    features = sum(1 for trace in figure["data"] if trace.get("fill"))  # a filled outline per place
    return {"case": name, "places": features, "figure_bytes": len(encoded),
            "figure_gzip_bytes": len(gzip.compress(encoded, 6)), "target_bytes": MAP_TARGET_BYTES,
            "met": len(encoded) <= MAP_TARGET_BYTES}


def measure_dashboard(db_path: Path, places: Places, count: int) -> tuple[list[dict], list[dict]]:
    served = serve(db_path)
    try:
        with requests.Session() as session:
            deps = dependencies(session, served.base_url)
            router = router_dependency(deps)
            results, maps, layouts = [], [], {}
            for case in cases(places):
                log.info("timing %s (%s)", case.name, url_of(case))
                result, layouts[case.name] = measure_page(session, served.base_url, router, case, count)
                results.append(result | {"met": result["p95_ms"] <= result["target_ms"]})
                if case.expect == "overview-map":
                    maps.append(map_payload(case.name, layouts[case.name]))
            log.info("timing export_street_xlsx")
            export = measure_export(session, served.base_url, deps, layouts["overdue_street"], places.street.code,
                                    count)
            results.append(export | {"met": export["p95_ms"] <= export["target_ms"]})
            log.info("timing risk_open_problems")
            problems = measure_risk_problems(session, served.base_url, deps, layouts["risk_top"], count)
            results.append(problems | {"met": problems["p95_ms"] <= problems["target_ms"]})
    finally:
        served.stop()
    return results, maps


# --- the pandas baseline ---------------------------------------------------------------------

ROSTER_SQL = """
    select id_number, elder_name, phone, birth_date, district_code, street_code, community_code, categories,
           consent, status, change_date, reg_date, risk_level
    from roster_rows order by load_id, row_number"""
VISITS_SQL = "select id_number, elder_name, community_code, visit_date, method, outcome from visit_rows"
DIVISIONS_SQL = "select code, parent_code, level, name, short_name from divisions"
UNSUCCESSFUL = ("未遇", "拒访")
OPEN_PROBLEM = ("发现问题", "紧急")
CHILD_COLUMN = {"root": "district_code", "district": "street_code", "street": "community_code"}
PLACE_COLUMN = {"district": "district_code", "street": "street_code", "community": "community_code"}
RISK_RANK = {"高": 1, "中": 2, "低": 3}
BASELINE_NOTE = (
    "pandas over roster_rows, visit_rows and divisions, loaded once at startup (the columns it needs); startup "
    "also keeps each ID's last-loaded roster row (simplified: the warehouse takes each street's latest snapshot), "
    "derives category flags and gives ID-less visits their elder by name + community. Per request: month "
    "eligibility, home visits and group-bys per child place (月探访率 上门 only: no trend, other rates, categories, "
    "shapes or figures), or the work list with last visits, risk rules (asked of DuckDB, as the warehouse's rule), "
    "due dates, masking and order. Compute only: no HTTP, no JSON, no components, which flatters it.")


@dataclass(frozen=True)
class Raw:
    """The raw tables in pandas, as a typical Dash app keeps them in memory."""

    elders: pd.DataFrame
    visits: pd.DataFrame
    divisions: pd.DataFrame
    month_start: pd.Timestamp
    as_of: pd.Timestamp
    config: Config


def rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def load_raw(wh: queries.Warehouse) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return wh.frame(ROSTER_SQL), wh.frame(VISITS_SQL), wh.frame(DIVISIONS_SQL)


def category_flags(categories: pd.Series, wanted: set[str]) -> pd.DataFrame:
    """One boolean column per category (is_独居, ...) from the roster's list column."""
    dummies = pd.get_dummies(categories.explode()).groupby(level=0).any()
    flags = dummies.reindex(index=categories.index, columns=sorted(wanted), fill_value=False)
    return flags.astype(bool).add_prefix("is_")


def prepare(roster: pd.DataFrame, visits: pd.DataFrame, divisions: pd.DataFrame, config: Config) -> Raw:
    """What does not depend on the request, done once: current roster, category flags, visit owners, month."""
    elders = roster.drop_duplicates("id_number", keep="last").reset_index(drop=True)
    wanted = ({c for _, rule in config.risk_rules for c in rule} | set(config.special_categories)
              | {"独居", "失能", "半失能"}) - {"高龄"}
    flags = category_flags(elders["categories"], wanted)
    special = [f"is_{c}" for c in config.special_categories if c != "高龄"]
    elders = pd.concat([elders, flags], axis=1).assign(
        has_special_category=flags[special].any(axis=1),
        exit_date=elders["change_date"].where(elders["status"] != "在册"),
    )
    visits = visits.assign(elder_id=visit_owners(elders, visits))[["elder_id", "visit_date", "method", "outcome"]]
    data_date = visits.loc[visits["visit_date"] <= pd.Timestamp(date.today()), "visit_date"].max()
    return Raw(elders, visits, divisions, data_date.to_period("M").start_time, data_date, config)


def visit_owners(elders: pd.DataFrame, visits: pd.DataFrame) -> pd.Series:
    """The visit's ID, else the only roster elder of that name in that community (as visits.sql)."""
    keys = ["elder_name", "community_code"]
    names = elders.groupby(keys).agg(owner=("id_number", "first"), people=("id_number", "size")).reset_index()
    unnamed = visits.loc[visits["id_number"].isna(), keys]
    owners = unnamed.reset_index().merge(names[names["people"] == 1], how="left", on=keys).set_index("index")
    return visits["id_number"].fillna(owners["owner"])


def month_flags(elders: pd.DataFrame, raw: Raw) -> pd.DataFrame:
    """Per elder for the month: the eligibility rules of elder_months.sql, without the home visit."""
    birth, as_of, start = elders["birth_date"], raw.as_of, raw.month_start
    age = as_of.year - birth.dt.year - ((birth.dt.month * 100 + birth.dt.day) > as_of.month * 100 + as_of.day
                                        ).astype(int)
    aged = age >= raw.config.aged_from
    reg, exit_date = elders["reg_date"], elders["exit_date"]
    return pd.DataFrame({
        "age": age,
        "is_aged": aged,
        "is_special": elders["has_special_category"] | (aged & ("高龄" in raw.config.special_categories)),
        "is_active_in_month": (reg.isna() | (reg < start)) & (exit_date.isna() | (exit_date >= start)),
        "is_active_at_as_of": (reg.isna() | (reg <= as_of)) & (exit_date.isna() | (exit_date > as_of)),
        "exited_in_month": exit_date.between(start, as_of),
        "is_declined": elders["consent"].eq("不同意"),
    })


def in_place(elders: pd.DataFrame, place: queries.Place) -> pd.DataFrame:
    if place.level == queries.ROOT_LEVEL:
        return elders
    return elders[elders[PLACE_COLUMN[place.level]] == place.code]


def home_visited(raw: Raw, ids: pd.Series) -> pd.Series:
    v = raw.visits
    home = v["visit_date"].between(raw.month_start, raw.as_of) & v["method"].eq("上门") & ~v["outcome"].isin(
        UNSUCCESSFUL)
    return ids.isin(v.loc[home, "elder_id"])


def baseline_overview(raw: Raw, parent: queries.Place) -> pd.DataFrame:
    """Per child place for the month: eligible special-difficulty elders, visited at home, rate, names."""
    elders = in_place(raw.elders, parent)
    flags = month_flags(elders, raw)
    visited = home_visited(raw, elders["id_number"])
    eligible = (flags["is_special"] & flags["is_active_in_month"] & ~flags["is_declined"]
                & ~(flags["exited_in_month"] & ~visited))
    counts = pd.DataFrame({"code": elders[CHILD_COLUMN[parent.level]], "eligible_home": eligible,
                           "visited_home": eligible & visited}).groupby("code", as_index=False).sum()
    kids = raw.divisions[raw.divisions["level"] == "district"] if parent.level == queries.ROOT_LEVEL else (
        raw.divisions[raw.divisions["parent_code"] == parent.code])
    frame = kids[["code", "short_name"]].merge(counts, on="code", how="inner")
    frame["visit_rate_home"] = frame["visited_home"] / frame["eligible_home"].where(frame["eligible_home"] > 0)
    return frame.sort_values("visit_rate_home")


def last_visits(raw: Raw, ids: pd.Series) -> pd.DataFrame:
    """Per elder: last successful visit (date, method, outcome) and last home visit up to the as-of date."""
    v = raw.visits
    v = v[(v["visit_date"] <= raw.as_of) & ~v["outcome"].isin(UNSUCCESSFUL) & v["elder_id"].isin(ids)]
    last = v.sort_values("visit_date").drop_duplicates("elder_id", keep="last").rename(columns={
        "visit_date": "last_visit_date", "method": "last_visit_method", "outcome": "last_visit_outcome"})
    home = v[v["method"] == "上门"].groupby("elder_id", as_index=False)["visit_date"].max().rename(
        columns={"visit_date": "last_home_visit_date"})
    return last.merge(home, on="elder_id", how="outer")


def derived_risk(people: pd.DataFrame, config: Config) -> pd.Series:
    """The roster's level, else the configured rules (高 before 中) and an open problem, else 低: the
    warehouse's rule, asked of DuckDB (etl.demo.rules) rather than written again in pandas."""
    categories = [[*(c if isinstance(c, list | np.ndarray) else []), *(["高龄"] if aged else [])]
                  for c, aged in zip(people["categories"], people["is_aged"], strict=True)]
    open_problem = people["last_visit_outcome"].isin(OPEN_PROBLEM).to_numpy()
    derived = pd.Series(risk_levels(categories, open_problem, config), index=people.index)
    return people["risk_level"].fillna(derived)


def mask(values: pd.Series, keep_start: int, keep_end: int) -> pd.Series:
    """Like the cv_mask_* macros: the middle characters become stars (short values are not special-cased)."""
    middle = values.str[keep_start:-keep_end] if keep_end else values.str[keep_start:]
    end = values.str[-keep_end:] if keep_end else ""
    return values.str[:keep_start] + middle.str.replace(".", "*", regex=True) + end


def baseline_work_list(raw: Raw, target: queries.Place, limit: int = 5000) -> pd.DataFrame:
    """Overdue or not visited this month, masked, in the work list's order: filters and merges on raw frames."""
    elders = in_place(raw.elders, target)
    people = pd.concat([elders, month_flags(elders, raw)], axis=1)
    people = people[people["is_special"] & (people["is_active_at_as_of"] | people["is_active_in_month"])]
    people = people.merge(last_visits(raw, people["id_number"]), left_on="id_number", right_on="elder_id",
                          how="left")
    people["visited_home"] = home_visited(raw, people["id_number"]).to_numpy()
    people["risk"] = derived_risk(people, raw.config)
    interval = pd.to_timedelta(people["risk"].map(dict(raw.config.visit_interval_days)), unit="D")
    people["due_date"] = people["last_home_visit_date"].fillna(people["reg_date"]).fillna(raw.as_of) + interval
    people["overdue_days"] = (raw.as_of - people["due_date"]).dt.days.clip(lower=0)
    eligible = people["is_active_in_month"] & ~people["is_declined"] & ~(
        people["exited_in_month"] & ~people["visited_home"])
    people["is_not_visited_this_month"] = eligible & ~people["visited_home"]
    people["is_overdue"] = people["is_active_at_as_of"] & (people["overdue_days"] > 0)
    work = people[people["is_overdue"] | people["is_not_visited_this_month"]]
    names = raw.divisions.set_index("code")["short_name"]
    work = work.assign(
        name=mask(work["elder_name"], 1, 0), id_number=mask(work["id_number"], 4, 4),
        phone=mask(work["phone"], 3, 4),
        street=work["street_code"].map(names), community=work["community_code"].map(names),
        risk_rank=work["risk"].map(RISK_RANK))
    ordered = work.sort_values(["risk_rank", "overdue_days", "is_not_visited_this_month", "street_code",
                                "community_code", "name"], ascending=[True, False, False, True, True, True])
    return ordered.head(limit)[["name", "id_number", "phone", "street", "community", "age", "categories", "risk",
                                "last_visit_date", "last_visit_method", "last_home_visit_date", "due_date",
                                "overdue_days", "is_overdue", "is_not_visited_this_month"]]


def agreement_overview(wh: queries.Warehouse, raw: Raw, parent: queries.Place) -> dict:
    """How the baseline's figures compare with the warehouse's for the same month and places."""
    ours = queries.children_month(wh, parent, raw.month_start.strftime("%Y-%m"))
    theirs = baseline_overview(raw, parent)
    both = ours[["code", "eligible_home", "visited_home"]].merge(theirs, on="code", suffixes=("", "_baseline"))
    return {"places": len(ours), "places_compared": len(both),
            "eligible_equal": int((both["eligible_home"] == both["eligible_home_baseline"]).sum()),
            "visited_equal": int((both["visited_home"] == both["visited_home_baseline"]).sum()),
            "both_equal": int(((both["eligible_home"] == both["eligible_home_baseline"])
                               & (both["visited_home"] == both["visited_home_baseline"])).sum()),
            "eligible_total": [int(ours["eligible_home"].sum()), int(theirs["eligible_home"].sum())],
            "visited_total": [int(ours["visited_home"].sum()), int(theirs["visited_home"].sum())]}


def agreement_work_list(wh: queries.Warehouse, raw: Raw, target: queries.Place) -> dict:
    ours = queries.people(wh, target, raw.month_start.strftime("%Y-%m"), work_list=True,
                          limit=10_000_000)
    theirs = baseline_work_list(raw, target, limit=10_000_000)
    return {"rows": [len(ours), len(theirs)],
            "overdue": [int(ours["is_overdue"].sum()), int(theirs["is_overdue"].sum())],
            "not_visited": [int(ours["is_not_visited_this_month"].sum()),
                            int(theirs["is_not_visited_this_month"].sum())]}


@dataclass(frozen=True)
class Baseline:
    note: str
    load: dict
    cases: list[dict]
    agreement: dict


def load_baseline(wh: queries.Warehouse) -> tuple[Raw, dict]:
    """The app's startup in the baseline: raw tables into pandas, then the request-independent work."""
    rss_before, started = rss_bytes(), time.perf_counter()
    roster, visits, divisions = load_raw(wh)
    loaded = time.perf_counter()
    raw = prepare(roster, visits, divisions, parse_config(default_config_text()))
    prepared = time.perf_counter()
    del roster, visits
    frames = (raw.elders, raw.visits, raw.divisions)
    return raw, {
        "load_s": round(loaded - started, 2), "prepare_s": round(prepared - loaded, 2),
        "rows": {"elders": len(raw.elders), "visit_rows": len(raw.visits), "divisions": len(raw.divisions)},
        "frames_bytes": int(sum(f.memory_usage(deep=True).sum() for f in frames)),
        "rss_increase_bytes": None if rss_before is None else rss_bytes() - rss_before,
        "month": raw.month_start.strftime("%Y-%m"), "as_of": raw.as_of.date().isoformat(),
    }


def measure_baseline(wh: queries.Warehouse, places: Places, runs: int) -> Baseline:
    raw, load = load_baseline(wh)
    plans = (("overview_top", lambda: baseline_overview(raw, places.top)),
             ("overview_street", lambda: baseline_overview(raw, places.street)),
             ("overdue_top", lambda: baseline_work_list(raw, places.top)),
             ("overdue_street", lambda: baseline_work_list(raw, places.street)))
    cases = []
    for name, compute in plans:
        log.info("baseline %s", name)
        cases.append({"case": name, **timed(lambda compute=compute: stopwatch(compute), runs, warmups=1)})
    agreement = {"overview_top": agreement_overview(wh, raw, places.top),
                 "overview_street": agreement_overview(wh, raw, places.street),
                 "overdue_top": agreement_work_list(wh, raw, places.top),
                 "overdue_street": agreement_work_list(wh, raw, places.street)}
    return Baseline(BASELINE_NOTE, load, cases, agreement)


def stopwatch(compute: Callable[[], object]) -> float:
    started = time.perf_counter()
    compute()
    return (time.perf_counter() - started) * 1000


def speedups(ours: list[dict], baseline: list[dict]) -> list[dict]:
    by_case = {r["case"]: r for r in ours}
    rows = []
    for base in baseline:
        mine = by_case[base["case"]]
        median, p95 = base["median_ms"] / mine["median_ms"], base["p95_ms"] / mine["p95_ms"]
        rows.append({"case": base["case"], "ours_median_ms": mine["median_ms"], "ours_p95_ms": mine["p95_ms"],
                     "baseline_median_ms": base["median_ms"], "baseline_p95_ms": base["p95_ms"],
                     "ours_over_baseline_median": round(1 / median, 4), "speedup_median": round(median, 1),
                     "speedup_p95": round(p95, 1), "target": SPEEDUP_TARGET,
                     "met": min(median, p95) >= SPEEDUP_TARGET})
    return rows


# --- facts and the report --------------------------------------------------------------------


def machine_facts() -> dict:
    packages = ("dash", "plotly", "pandas", "duckdb", "numpy", "pyarrow", "werkzeug", "flask", "requests")
    return {"nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(), "load_average": os.getloadavg(),
            "platform": platform.platform(), "python": platform.python_version(),
            "versions": {p: version(p) for p in packages}}


def warehouse_facts(wh: queries.Warehouse) -> dict:
    (elders, special, visits, places, latest), = wh.rows("""
        select (select count(*) from elders), (select count(distinct elder_id) from elder_months where is_special),
               (select count(*) from visit_rows), (select count(*) from place_tree),
               (select max(month) from month_frame)""")
    return {"db": str(wh.db_path), "file_bytes": wh.db_path.stat().st_size, "elders": elders,
            "special_elders": special, "visit_rows": visits, "places": places, "latest_month": latest}


def verdict(met: bool) -> str:
    return "yes" if met else "NO"


def report_run(run: dict) -> str:
    facts = run["warehouse"]
    lines = [f"\n== {facts['db']}: {facts['elders']:,} elders ({facts['special_elders']:,} special), "
             f"{facts['visit_rows']:,} visit rows, {facts['places']} places, month {facts['latest_month']}",
             f"{'case':<20}{'kind':<13}{'median':>9}{'p95':>9}{'target':>8}  {'met':<4}{'response':>11}  url"]
    for r in run["dashboard"]:
        lines.append(f"{r['case']:<20}{r['kind']:<13}{r['median_ms']:>7.1f}ms{r['p95_ms']:>7.1f}ms"
                     f"{r['target_ms']:>6.0f}ms  {verdict(r['met']):<4}"
                     f"{r['response_bytes'] / 1e3:>9.0f}kB  {r['url']}")
    for m in run["map"]:
        lines.append(f"map payload {m['case']:<16}{m['places']:>4} places {m['figure_bytes'] / 1e3:>8.0f} kB "
                     f"(gzip {m['figure_gzip_bytes'] / 1e3:.0f} kB)  target ≤ {m['target_bytes'] / 1e6:.0f} MB  "
                     f"{verdict(m['met'])}")
    if run.get("baseline"):
        lines.extend(report_baseline(run["baseline"], run["speedups"]))
    return "\n".join(lines)


def report_baseline(baseline: dict, rows: list[dict]) -> list[str]:
    load, mib = baseline["load"], 2**20
    lines = [f"baseline (pandas, compute only, no HTTP): load {load['load_s']} s + prepare {load['prepare_s']} s, "
             f"frames {load['frames_bytes'] / mib:.0f} MiB, RSS +{(load['rss_increase_bytes'] or 0) / mib:.0f} MiB",
             f"{'case':<20}{'ours med/p95':>17}{'pandas med/p95':>20}{'ours/pandas':>13}{'speedup':>10}"
             f"  met (≥{SPEEDUP_TARGET:.0f}×)"]
    for r in rows:
        ours = f"{r['ours_median_ms']:.1f}/{r['ours_p95_ms']:.1f} ms"
        pandas_ = f"{r['baseline_median_ms']:.1f}/{r['baseline_p95_ms']:.1f} ms"
        lines.append(f"{r['case']:<20}{ours:>17}{pandas_:>20}{r['ours_over_baseline_median']:>13.3f}"
                     f"{r['speedup_median']:>9.1f}×  {verdict(r['met'])} (p95 {r['speedup_p95']:.1f}×)")
    lines.append("baseline against the warehouse (warehouse vs pandas): " + "; ".join(
        describe_agreement(name, figures) for name, figures in baseline["agreement"].items()))
    lines.append(textwrap.fill(f"baseline: {baseline['note']}", 110))
    return lines


def describe_agreement(name: str, figures: dict) -> str:
    def pair(key: str) -> str:
        return f"{figures[key][0]:,} vs {figures[key][1]:,}"

    if "places" in figures:
        return (f"{name} {figures['both_equal']}/{figures['places']} places equal, "
                f"eligible {pair('eligible_total')}, visited {pair('visited_total')}")
    return f"{name} rows {pair('rows')}, overdue {pair('overdue')}, not visited {pair('not_visited')}"


def resolve_dbs(args: argparse.Namespace) -> list[tuple[str, Path]]:
    if args.db:
        return [(path.stem, path) for path in args.db]
    scales = ("district", "city") if args.scale == "both" else (args.scale,)
    missing = [s for s in scales if not DEFAULT_DBS[s].exists()]
    if missing:
        raise SystemExit("\n".join(f"no {s} warehouse at {DEFAULT_DBS[s]}; `python bench/ingest.py --scale {s}` "
                                   f"builds it (or `carevisit demo --scale {s} --db {DEFAULT_DBS[s]}`)"
                                   for s in missing))
    return [(s, DEFAULT_DBS[s]) for s in scales]


def measure(label: str, db_path: Path, args: argparse.Namespace) -> dict:
    wh = queries.Warehouse(db_path)
    facts = warehouse_facts(wh)
    if not facts["elders"]:
        raise SystemExit(f"{db_path} has no elders: is it fully loaded?")
    places = pick_places(wh)
    run = {"label": label, "warehouse": facts, "places": asdict(places)}
    run["dashboard"], run["map"] = measure_dashboard(db_path, places, args.requests)
    if args.baseline_runs:
        baseline = measure_baseline(wh, places, args.baseline_runs)
        run["baseline"] = asdict(baseline)
        run["speedups"] = speedups(run["dashboard"], baseline.cases)
    return run


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, action="append",
                        help="a warehouse to measure (repeatable; overrides --scale)")
    parser.add_argument("--scale", choices=("district", "city", "both"), default="district",
                        help="the warehouses bench/ingest.py builds: bench/out/district.duckdb, city.duckdb")
    parser.add_argument("--requests", type=int, default=60, help="timed POSTs per case, after 3 warm-ups")
    parser.add_argument("--baseline-runs", type=int, default=20, help="timed pandas runs per case (0: skip)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out", help="folder for dashboard.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    args = parse_args(argv)
    result = {"command": " ".join([Path(sys.executable).name, *sys.argv]), "machine": machine_facts(),
              "targets": {"p95_ms": TARGET_MS, "map_bytes": MAP_TARGET_BYTES, "speedup": SPEEDUP_TARGET},
              "runs": [measure(label, path, args) for label, path in resolve_dbs(args)]}
    machine = result["machine"] | {"load_average_end": os.getloadavg()}
    result["machine"] = machine
    print(f"command: {result['command']}")
    if args.requests < 50:
        print(f"note: {args.requests} requests per case, below the 50 the targets are stated for")
    print(f"machine: {machine['nproc']} cores, load {machine['load_average'][0]:.2f} at start and "
          f"{machine['load_average_end'][0]:.2f} at the end, {machine['platform']}, "
          f"python {machine['python']}, " + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()))
    for run in result["runs"]:
        print(report_run(run))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "dashboard.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    print(f"\nwritten: {args.out / 'dashboard.json'}")


if __name__ == "__main__":
    main()
