"""Imported divisions and shapes written into the warehouse, each shape matched to its division."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import shapely

from etl.geography.files import GeoImport, GeoImportError
from etl.geography.reference import DIVISION_COLUMNS, reference_divisions
from etl.geography.schematic import SHAPE_COLUMNS, schematic_shapes
from etl.geography.shapes import geojson_strings, inner_centroids, round_geometries
from etl.sqlfiles import sql

IMPORTED_SHAPE_COLUMNS = ["code", "name", "level", "geometry"]


@dataclass(frozen=True)
class GeoImportSummary:
    divisions_upserted: int
    shapes_matched: int
    shapes_unmatched: list[str]
    built_in_removed: list[str] = field(default_factory=list)  # the built-in example districts given up (和平区)
    schematic: list[str] = field(default_factory=list)  # districts drawn as 示意图, without a boundary of their own
    unbounded: list[str] = field(default_factory=list)  # streets of the other districts without a boundary: not drawn


def write_geography(con: duckdb.DuckDBPyConnection, geo: GeoImport) -> GeoImportSummary:
    """Upsert divisions by code, then store each shape under the division it matches by code or name
    (or a former name).

    Shapes that match no division (or several by name) are not stored and are listed with the
    reason; several shapes matching one division (the parts of a split community) are merged.
    """
    divisions_upserted = 0
    if geo.divisions is not None and len(geo.divisions):
        _with_frame(
            con,
            "geo_import_divisions",
            geo.divisions[DIVISION_COLUMNS],
            "insert or replace into divisions by name "
            "select code, parent_code, level, name, short_name from geo_import_divisions",
        )
        divisions_upserted = len(geo.divisions)
        _refuse_orphans(con)
    removed = _without_unused_built_in(con, geo.divisions) if divisions_upserted else []
    matched_count, unmatched = 0, []
    if geo.shapes is not None and len(geo.shapes):
        matched_count, unmatched = _store_shapes(con, geo.shapes)
    return GeoImportSummary(divisions_upserted, matched_count, unmatched, removed, *_schematic_where_no_boundary(con))


def _refuse_orphans(con: duckdb.DuckDBPyConnection) -> None:
    """GeoImportError for a list whose streets or communities name a place above them that no list gave (a list of
    communities alone): a file's rows there could be placed in no street, and would be rejected as 未知街道."""
    orphans = [code for (code,) in con.execute(
        """select distinct d.parent_code from divisions d
           where d.level in ('street', 'community')
               and not exists (select 1 from divisions p where p.code = d.parent_code)
           order by 1 limit 4""").fetchall()]
    if orphans:
        raise GeoImportError(f"区划表中缺少这些上级区划: {'、'.join(orphans[:3])}{' 等' if len(orphans) > 3 else ''} "
                             "(请把街道、区也列入区划表, 每行: 代码, 名称, 上级代码)")


def _store_shapes(con: duckdb.DuckDBPyConnection, imported: pd.DataFrame) -> tuple[int, list[str]]:
    """Store each shape under the division it matches; how many matched, and the others with why."""
    shapes = imported.reindex(columns=IMPORTED_SHAPE_COLUMNS).reset_index(drop=True)
    geometries = shapely.from_geojson(_objects(shapes["geometry"]))
    matches = _match_shapes(con, shapes, geometries)
    is_matched = matches["unmatched_reason"].isna().to_numpy()
    matched = pd.DataFrame({"code": matches["matched_code"], "geometry": geometries})[is_matched]
    if len(matched):
        merged = matched.groupby("code")["geometry"].agg(
            lambda parts: shapely.union_all(list(parts))
        )
        rounded = round_geometries(merged.to_numpy())
        centroid_lon, centroid_lat = inner_centroids(rounded)
        rows = pd.DataFrame(
            {
                "code": merged.index,
                "geometry": geojson_strings(rounded),
                "centroid_lon": centroid_lon,
                "centroid_lat": centroid_lat,
            }
        )
        _with_frame(
            con,
            "geo_import_shapes",
            rows,
            "insert or replace into division_shapes by name "
            "select code, geometry, false as is_schematic, centroid_lon, centroid_lat "
            "from geo_import_shapes",
        )
    unmatched = matches[~is_matched]
    return len(matched), (unmatched["shape_label"] + ": " + unmatched["unmatched_reason"]).tolist()


def _without_unused_built_in(con: duckdb.DuckDBPyConnection, imported: pd.DataFrame) -> list[str]:
    """A new warehouse starts with the built-in example district (Heping, etl/reference): a bureau that imports its
    own division list does not want it in every list, ranking and report. Built-in districts the list does not
    cover and no stored row lies in are removed, with their streets, communities, former names and shapes; their
    names are returned."""
    built_in = reference_divisions()
    districts = sorted(set(built_in.loc[built_in["level"] == "district", "code"]))
    kept = {code[:6] for code in imported["code"].dropna()}
    unused = [code for code in districts if code[:6] not in kept and not con.execute(
        """select 1 where exists (select 1 from roster_rows where left(community_code, 6) = $d)
                or exists (select 1 from visit_rows where left(community_code, 6) = $d)
                or exists (select 1 from contact_rows where left(coalesce(community_code, street_code), 6) = $d)""",
        {"d": code[:6]}).fetchall()]
    if not unused:
        return []
    prefixes = [code[:6] for code in unused]
    names = [name for (name,) in con.execute(
        "select name from divisions where code in (select unnest($codes)) order by code", {"codes": unused}
    ).fetchall()]
    for table in ("division_aliases", "division_shapes", "divisions"):
        con.execute(f"delete from {table} where left(code, 6) in (select unnest($p))", {"p": prefixes})  # noqa: S608
    return names


def _schematic_where_no_boundary(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """A district without a boundary of its own anywhere is drawn as a schematic (示意图: streets tiling the district,
    communities their street), so that the map shows every place; one with boundaries is drawn from them alone (a
    schematic and boundaries do not line up), its streets without one not drawn. Returns the names of the districts
    drawn as schematics, and the streets left without a boundary in the others (for the clerk to send)."""
    divisions = con.execute(f"select {', '.join(DIVISION_COLUMNS)} from divisions").df()  # noqa: S608
    real = {code for (code,) in con.execute("select code from division_shapes where not is_schematic").fetchall()}
    bounded = {code[:6] for code in real}
    drawn = divisions[~divisions["code"].str[:6].isin(bounded) & (divisions["level"] == "district")]
    for _ in ("street", "community"):  # the places below them whose parent is drawn
        drawn = divisions[(divisions["level"] == "district") & divisions["code"].isin(drawn["code"])
                          | divisions["parent_code"].isin(drawn["code"])]
    con.execute("delete from division_shapes where is_schematic")
    if len(drawn):
        _with_frame(con, "geo_schematic_shapes", schematic_shapes(drawn.reset_index(drop=True))[SHAPE_COLUMNS],
                    "insert or replace into division_shapes by name select * from geo_schematic_shapes")
    missing = divisions[(divisions["level"] == "street") & divisions["code"].str[:6].isin(bounded)
                        & ~divisions["code"].isin(real)]
    return drawn.loc[drawn["level"] == "district", "name"].tolist(), missing["name"].tolist()


def _match_shapes(
    con: duckdb.DuckDBPyConnection, shapes: pd.DataFrame, geometries: np.ndarray
) -> pd.DataFrame:
    """For each shape: the division with its code, else the one division (per level) with its name
    or a former name; or why there is none."""
    keys = pd.DataFrame(
        {
            "shape_index": np.arange(len(shapes)),
            "code": _objects(shapes["code"]),
            "name": _objects(shapes["name"]),
            "level": _objects(shapes["level"]),
            "geometry_type": [None if g is None or g.is_empty else g.geom_type for g in geometries],
        }
    )
    return _with_frame(
        con,
        "geo_import_shape_keys",
        keys,
        sql("staging/shape_matches"),
    )


def _objects(values: pd.Series) -> np.ndarray:
    """Values as Python objects, missing ones as None (what shapely and DuckDB expect)."""
    return np.array([None if pd.isna(value) else value for value in values], dtype=object)


def _with_frame(con: duckdb.DuckDBPyConnection, view_name: str, frame: pd.DataFrame, query: str):
    """Run query with frame visible as view_name; returns the result as a DataFrame."""
    con.register(view_name, frame)
    try:
        result = con.execute(query)
        return result.df() if result.description else None
    finally:
        con.unregister(view_name)
