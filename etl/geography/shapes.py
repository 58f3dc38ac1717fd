"""Geometry as stored: rounded to about a metre, written as GeoJSON, with a centroid inside."""

from __future__ import annotations

import json

import numpy as np
import shapely

COORDINATE_DECIMALS = 5  # about 1 m


def round_geometries(geometries: np.ndarray) -> np.ndarray:
    """Round to 5 decimals (about 1 m): shared vertices stay shared; invalid results repaired."""
    rounded = shapely.transform(geometries, lambda xy: xy.round(COORDINATE_DECIMALS))
    invalid = ~shapely.is_valid(rounded)
    rounded[invalid] = shapely.make_valid(
        rounded[invalid], method="structure", keep_collapsed=False
    )
    return rounded


def geojson_strings(geometries: np.ndarray) -> list[str]:
    """GeoJSON geometries, written by json: GEOS would write 117.27881 as 117.27880999999999."""
    return [json.dumps(shapely.geometry.mapping(g), separators=(",", ":")) for g in geometries]


def inner_centroids(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centroids, or a point on the surface when the centroid is outside (a crescent, 2 parts)."""
    centroids = shapely.centroid(geometries)
    inside = shapely.contains(geometries, centroids)
    points = np.where(inside, centroids, shapely.point_on_surface(geometries))
    return shapely.get_x(points).round(6), shapely.get_y(points).round(6)
