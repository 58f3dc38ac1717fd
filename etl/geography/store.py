"""Imported divisions and shapes written into the warehouse, each shape matched to its division."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import shapely

from etl.geography.files import GeoImport
from etl.geography.reference import DIVISION_COLUMNS
from etl.geography.shapes import geojson_strings, inner_centroids, round_geometries
from etl.sqlfiles import sql

IMPORTED_SHAPE_COLUMNS = ["code", "name", "level", "geometry"]


@dataclass(frozen=True)
class GeoImportSummary:
    divisions_upserted: int
    shapes_matched: int
    shapes_unmatched: list[str]


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
    if geo.shapes is None or not len(geo.shapes):
        return GeoImportSummary(divisions_upserted, 0, [])

    shapes = geo.shapes.reindex(columns=IMPORTED_SHAPE_COLUMNS).reset_index(drop=True)
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
    return GeoImportSummary(
        divisions_upserted=divisions_upserted,
        shapes_matched=len(matched),
        shapes_unmatched=(unmatched["shape_label"] + ": " + unmatched["unmatched_reason"]).tolist(),
    )


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
