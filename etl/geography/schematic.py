"""Schematic demo polygons: streets tile their district, communities their street."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd
import shapely

from etl.geography.shapes import geojson_strings, inner_centroids, round_geometries

SHAPE_COLUMNS = ["code", "geometry", "is_schematic", "centroid_lon", "centroid_lat"]

# Heping District's centre; the schematic city is laid out around it.
HEPING_CENTRE_LON_LAT = (117.205, 39.118)
METRES_PER_DEGREE_LAT = 110_950.0
# Semi-axes of a schematic district (≈ 10 km², Heping's area) and the grid pitch between district
# centres: the outline's radius never exceeds 1.18 × the long semi-axis, so neighbours never touch.
DISTRICT_SEMI_AXES_M = (2_100.0, 1_500.0)
DISTRICT_PITCH_M = 5_400.0


# Shapes made lately, by the divisions' codes, levels and parents (in order) and the seed, all they depend on:
# every new warehouse writes shapes for the same few geographies (a test run makes hundreds of warehouses).
_MADE: dict[tuple, pd.DataFrame] = {}
_MADE_KEPT = 8


def schematic_shapes(divisions: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """Demo polygons for every division: streets tile their district, communities their street."""
    tree = divisions[["code", "level", "parent_code"]].astype(object)
    key = (seed, tuple(tree.where(tree.notna(), None).itertuples(index=False, name=None)))
    if key not in _MADE:
        while len(_MADE) >= _MADE_KEPT:
            _MADE.pop(next(iter(_MADE)))
        _MADE[key] = _schematic_shapes(divisions, seed)
    return _MADE[key].copy()


def _schematic_shapes(divisions: pd.DataFrame, seed: int) -> pd.DataFrame:
    by_code = divisions.set_index("code", drop=False)
    districts = by_code[by_code["level"] == "district"].sort_index()
    children = {
        parent: group.sort_index().index.tolist()
        for parent, group in by_code.groupby("parent_code")
    }
    centres = _grid_offsets_m(len(districts))
    codes: list[str] = []
    polygons: list[shapely.Geometry] = []
    for district_code, centre in zip(districts.index, centres, strict=True):
        rng = np.random.default_rng([seed, zlib.crc32(district_code.encode())])
        outline = _district_outline_m(rng, centre)
        district_codes, district_polygons = [district_code], [outline]
        street_codes = children.get(district_code, [])
        for street_code, street in zip(
            street_codes, _tile(outline, len(street_codes), rng), strict=True
        ):
            community_codes = children.get(street_code, [])
            district_codes += [street_code, *community_codes]
            district_polygons += [street, *_tile(street, len(community_codes), rng)]
        codes += district_codes
        polygons += list(_shared_vertices(np.array(district_polygons)))
    missing = sorted(set(by_code.index) - set(codes))
    if missing:
        raise ValueError(
            f"divisions without a district or street above them: {', '.join(missing[:5])}"
        )
    lon_lat = round_geometries(shapely.transform(np.array(polygons), _metres_to_lon_lat))
    centroid_lon, centroid_lat = inner_centroids(lon_lat)
    shapes = pd.DataFrame(
        {
            "code": codes,
            "geometry": geojson_strings(lon_lat),
            "is_schematic": True,
            "centroid_lon": centroid_lon,
            "centroid_lat": centroid_lat,
        }
    )
    return shapes.set_index("code").loc[divisions["code"]].reset_index()[SHAPE_COLUMNS]


def _grid_offsets_m(count: int) -> list[tuple[float, float]]:
    """District centres in metres from Heping: square rings around it, so the city stays compact."""
    half_width = math.ceil(math.sqrt(count))
    cells = [
        (i, j)
        for i in range(-half_width, half_width + 1)
        for j in range(-half_width, half_width + 1)
    ]
    cells.sort(key=lambda cell: (max(abs(cell[0]), abs(cell[1])), math.atan2(-cell[1], -cell[0])))
    return [(i * DISTRICT_PITCH_M, j * DISTRICT_PITCH_M) for i, j in cells[:count]]


def _district_outline_m(rng: np.random.Generator, centre: tuple[float, float]) -> shapely.Polygon:
    """An irregular, star-shaped (hence simple) outline: a wobbled, slightly turned ellipse."""
    vertex_count = 22
    angles = (
        2 * np.pi * (np.arange(vertex_count) + rng.uniform(-0.3, 0.3, vertex_count)) / vertex_count
    )
    turn = rng.uniform(-0.25, 0.25)
    semi_major, semi_minor = DISTRICT_SEMI_AXES_M
    ellipse_radius = (semi_major * semi_minor) / np.hypot(
        semi_minor * np.cos(angles - turn), semi_major * np.sin(angles - turn)
    )
    wobble = 1 + sum(
        rng.uniform(0, 0.06) * np.cos(harmonic * angles + rng.uniform(0, 2 * np.pi))
        for harmonic in (2, 3, 4)
    )
    radius = ellipse_radius * wobble
    return shapely.Polygon(
        np.column_stack([centre[0] + radius * np.cos(angles), centre[1] + radius * np.sin(angles)])
    )


def _tile(region: shapely.Geometry, count: int, rng: np.random.Generator) -> list[shapely.Geometry]:
    """Split a region into count cells of similar size: Voronoi cells of relaxed points, clipped."""
    if count <= 1:
        return [region] * count
    points = _points_inside(region, count, rng)
    for _ in range(3):  # Lloyd relaxation evens out the cell sizes
        cells = _voronoi_cells(points, region)
        centroids = shapely.centroid(cells)
        inside = shapely.contains(cells, centroids)
        points = shapely.get_coordinates(
            np.where(inside, centroids, shapely.point_on_surface(cells))
        )
    return list(_voronoi_cells(points, region))


def _points_inside(region: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    min_x, min_y, max_x, max_y = region.bounds
    found = np.empty((0, 2))
    while len(found) < count:
        candidates = rng.uniform((min_x, min_y), (max_x, max_y), size=(4 * count, 2))
        inside = shapely.contains_xy(region, candidates[:, 0], candidates[:, 1])
        found = np.vstack([found, candidates[inside]])
    return found[:count]


def _voronoi_cells(points: np.ndarray, region: shapely.Geometry) -> np.ndarray:
    diagram = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=region, ordered=True)
    cells = shapely.intersection(shapely.get_parts(diagram), region)
    return np.array([_polygonal_part(cell) for cell in cells])


def _shared_vertices(polygons: np.ndarray) -> np.ndarray:
    """Add to every polygon the vertices its neighbours have on its border (where a community edge
    meets its street's border), so that rounding moves both sides of a border alike."""
    all_vertices = shapely.multipoints(shapely.get_coordinates(polygons))
    return shapely.snap(polygons, all_vertices, tolerance=0.01)


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """Drop the lines and points an intersection may add where two shapes merely touch."""
    if isinstance(geometry, shapely.GeometryCollection):
        return shapely.union_all(
            [part for part in shapely.get_parts(geometry) if isinstance(part, shapely.Polygon)]
        )
    return geometry


def _metres_to_lon_lat(xy: np.ndarray) -> np.ndarray:
    centre_lon, centre_lat = HEPING_CENTRE_LON_LAT
    metres_per_degree_lon = METRES_PER_DEGREE_LAT * math.cos(math.radians(centre_lat))
    return np.column_stack(
        [
            centre_lon + xy[:, 0] / metres_per_degree_lon,
            centre_lat + xy[:, 1] / METRES_PER_DEGREE_LAT,
        ]
    )
