"""Administrative divisions and their shapes: Heping reference, schematic demo polygons, imports."""

from __future__ import annotations

import io
import json
import math
import re
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely

DIVISION_COLUMNS = ["code", "parent_code", "level", "name", "short_name"]
SHAPE_COLUMNS = ["code", "geometry", "is_schematic", "centroid_lon", "centroid_lat"]
IMPORTED_SHAPE_COLUMNS = ["code", "name", "level", "geometry"]

# Heping District's centre; the schematic city is laid out around it.
HEPING_CENTRE_LON_LAT = (117.205, 39.118)
METRES_PER_DEGREE_LAT = 110_950.0
# Semi-axes of a schematic district (≈ 10 km², Heping's area) and the grid pitch between district
# centres: the outline's radius never exceeds 1.18 × the long semi-axis, so neighbours never touch.
DISTRICT_SEMI_AXES_M = (2_100.0, 1_500.0)
DISTRICT_PITCH_M = 5_400.0
COORDINATE_DECIMALS = 5  # about 1 m

# GCJ-02 ("Mars coordinates", AMap/Gaode, Tencent): Krasovsky ellipsoid and the published bounds.
GCJ_SEMI_MAJOR_AXIS = 6_378_245.0
GCJ_ECCENTRICITY_SQUARED = 0.00669342162296594323
GCJ_INVERSE_TOLERANCE_DEG = 1e-7  # about 1 cm

SUPPORTED_COORDINATE_SYSTEMS = ("wgs84", "gcj02")
GEO_FILE_SUFFIXES = (".geojson", ".json", ".shp", ".gpkg")

# Source headers (lower case) for each standard field of a division list or boundary file.
HEADER_ALIASES = {
    "code": ("code", "区划代码", "代码", "统计用区划代码", "adcode", "division_code"),
    "name": ("name", "名称", "区划名称", "division_name"),
    "parent": ("parent", "parent_code", "上级代码", "上级区划代码"),
    "level": ("level", "级别", "层级"),
}
LEVEL_SYNONYMS = {
    "district": "district", "区": "district", "县": "district", "区县": "district",
    "street": "street", "街道": "street", "乡镇": "street", "乡": "street", "镇": "street",
    "community": "community", "社区": "community", "居委会": "community", "村": "community",
    "村委会": "community", "社区居委会": "community",
}  # fmt: skip
COMMUNITY_SUFFIXES = (
    r"(街道办事处|街道|社区居民委员会|社区居委会|居委会|社区|村民委员会|村委会|村)$"
)
STREET_SUFFIXES = r"(街道办事处|街道|街)$"
DISTRICT_SUFFIXES = r"(区|县)$"


class GeoImportError(Exception):
    """A division list or boundary file that cannot be used; the message is for a bureau clerk."""


@dataclass(frozen=True)
class GeoImport:
    divisions: pd.DataFrame | None
    shapes: pd.DataFrame | None


@dataclass(frozen=True)
class GeoImportSummary:
    divisions_upserted: int
    shapes_matched: int
    shapes_unmatched: list[str]


def reference_divisions() -> pd.DataFrame:
    """Heping District's 6 streets and 63 communities with their NBS statistical codes."""
    with (
        resources.files("etl")
        .joinpath("reference/heping_divisions.csv")
        .open(encoding="utf-8") as f
    ):
        return pd.read_csv(f, dtype=str)


def division_aliases() -> pd.DataFrame:
    """Former names of Heping divisions that still appear in exports (code, alias)."""
    with (
        resources.files("etl").joinpath("reference/heping_aliases.csv").open(encoding="utf-8") as f
    ):
        return pd.read_csv(f, dtype=str)


def city_divisions(district_count: int = 25) -> pd.DataFrame:
    """A synthetic city: Heping as district 1, then copies of it with unique codes and names."""
    if not 1 <= district_count <= 99:
        raise ValueError(f"district_count must be between 1 and 99, got {district_count}")
    heping = reference_divisions()
    heping_prefix = heping.loc[heping["level"] == "district", "code"].iloc[0][:6]
    clones = [heping]
    for number in range(2, district_count + 1):
        code_prefix = f"{heping_prefix[:4]}{number:02d}"
        name_prefix = f"示例{number:02d}"
        clone = heping.assign(
            code=code_prefix + heping["code"].str[6:],
            parent_code=heping["parent_code"].where(
                heping["level"] == "district", code_prefix + heping["parent_code"].str[6:]
            ),
            name=(name_prefix + heping["name"]).where(
                heping["level"] != "district", f"{name_prefix}区"
            ),
            short_name=(name_prefix + heping["short_name"]).where(
                heping["level"] != "district", f"{name_prefix}区"
            ),
        )
        clones.append(clone)
    return pd.concat(clones, ignore_index=True)[DIVISION_COLUMNS]


def schematic_shapes(divisions: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """Demo polygons for every division: streets tile their district, communities their street."""
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
    lon_lat = _rounded(shapely.transform(np.array(polygons), _metres_to_lon_lat))
    centroid_lon, centroid_lat = _inner_centroids(lon_lat)
    shapes = pd.DataFrame(
        {
            "code": codes,
            "geometry": _geojson_strings(lon_lat),
            "is_schematic": True,
            "centroid_lon": centroid_lon,
            "centroid_lat": centroid_lat,
        }
    )
    return shapes.set_index("code").loc[divisions["code"]].reset_index()[SHAPE_COLUMNS]


def wgs84_to_gcj02(lon, lat):
    """WGS-84 to GCJ-02 (the offset Chinese map providers apply); points outside China unchanged."""
    lon_array, lat_array = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    delta_lon, delta_lat = _gcj_offset(lon_array, lat_array)
    return _like_input(lon_array + delta_lon, lat_array + delta_lat)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 to WGS-84 by fixed-point iteration on the forward transform (error < 1 cm)."""
    gcj_lon, gcj_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wgs_lon, wgs_lat = gcj_lon.copy(), gcj_lat.copy()
    for _ in range(20):
        delta_lon, delta_lat = _gcj_offset(wgs_lon, wgs_lat)
        error_lon, error_lat = wgs_lon + delta_lon - gcj_lon, wgs_lat + delta_lat - gcj_lat
        wgs_lon, wgs_lat = wgs_lon - error_lon, wgs_lat - error_lat
        if not np.any(np.abs(error_lon) > GCJ_INVERSE_TOLERANCE_DEG) and not np.any(
            np.abs(error_lat) > GCJ_INVERSE_TOLERANCE_DEG
        ):
            break
    outside = _outside_china(gcj_lon, gcj_lat)
    return _like_input(np.where(outside, gcj_lon, wgs_lon), np.where(outside, gcj_lat, wgs_lat))


def read_geo_file(path: Path, coords: str = "wgs84") -> GeoImport:
    """A division list (.csv) or boundaries (.geojson/.json, .shp, .gpkg), for write_geography."""
    path = Path(path)
    suffix = path.suffix.lower()
    if coords not in SUPPORTED_COORDINATE_SYSTEMS:
        raise GeoImportError(
            f"不支持的坐标系 {coords}: 可选 wgs84 (GPS、天地图) 或 gcj02 (高德、腾讯)"
        )
    if suffix != ".csv" and suffix not in GEO_FILE_SUFFIXES:
        raise GeoImportError(
            f"文件 {path.name} 的格式不支持: "
            "请使用 .csv (区划表) 或 .geojson、.json、.shp、.gpkg (边界)"
        )
    if not path.is_file():
        raise GeoImportError(f"找不到文件 {path.name}")
    if suffix == ".csv":
        return GeoImport(divisions=_read_division_csv(path), shapes=None)
    return _read_boundary_file(path, coords)


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
        rounded = _rounded(merged.to_numpy())
        centroid_lon, centroid_lat = _inner_centroids(rounded)
        rows = pd.DataFrame(
            {
                "code": merged.index,
                "geometry": _geojson_strings(rounded),
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


def _rounded(geometries: np.ndarray) -> np.ndarray:
    """Round to 5 decimals (about 1 m): shared vertices stay shared; invalid results repaired."""
    rounded = shapely.transform(geometries, lambda xy: xy.round(COORDINATE_DECIMALS))
    invalid = ~shapely.is_valid(rounded)
    rounded[invalid] = shapely.make_valid(
        rounded[invalid], method="structure", keep_collapsed=False
    )
    return rounded


def _geojson_strings(geometries: np.ndarray) -> list[str]:
    """GeoJSON geometries, written by json: GEOS would write 117.27881 as 117.27880999999999."""
    return [json.dumps(shapely.geometry.mapping(g), separators=(",", ":")) for g in geometries]


def _inner_centroids(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centroids, or a point on the surface when the centroid is outside (a crescent, 2 parts)."""
    centroids = shapely.centroid(geometries)
    inside = shapely.contains(geometries, centroids)
    points = np.where(inside, centroids, shapely.point_on_surface(geometries))
    return shapely.get_x(points).round(6), shapely.get_y(points).round(6)


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    common = (20 * np.sin(6 * x * np.pi) + 20 * np.sin(2 * x * np.pi)) * 2 / 3
    delta_lat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + common
    delta_lat += (20 * np.sin(y * np.pi) + 40 * np.sin(y / 3 * np.pi)) * 2 / 3
    delta_lat += (160 * np.sin(y / 12 * np.pi) + 320 * np.sin(y * np.pi / 30)) * 2 / 3
    delta_lon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + common
    delta_lon += (20 * np.sin(x * np.pi) + 40 * np.sin(x / 3 * np.pi)) * 2 / 3
    delta_lon += (150 * np.sin(x / 12 * np.pi) + 300 * np.sin(x / 30 * np.pi)) * 2 / 3
    lat_radians = np.radians(lat)
    magic = 1 - GCJ_ECCENTRICITY_SQUARED * np.sin(lat_radians) ** 2
    delta_lat = (delta_lat * 180) / (
        (GCJ_SEMI_MAJOR_AXIS * (1 - GCJ_ECCENTRICITY_SQUARED)) / (magic * np.sqrt(magic)) * np.pi
    )
    delta_lon = (delta_lon * 180) / (
        GCJ_SEMI_MAJOR_AXIS / np.sqrt(magic) * np.cos(lat_radians) * np.pi
    )
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, delta_lon), np.where(outside, 0.0, delta_lat)


def _outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _like_input(lon: np.ndarray, lat: np.ndarray):
    if lon.ndim == 0:
        return float(lon), float(lat)
    return lon, lat


def _read_division_csv(path: Path) -> pd.DataFrame:
    text = _decoded_text(path)
    try:
        raw = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise GeoImportError(f"无法读取文件 {path.name}: {error}") from None
    fields = _standard_fields(raw.columns)
    missing = {
        label: field
        for field, label in (("code", "区划代码"), ("name", "名称"))
        if field not in fields
    }
    if missing:
        headers = ", ".join(" / ".join(HEADER_ALIASES[field][:2]) for field in missing.values())
        raise GeoImportError(f"文件 {path.name} 中没有找到{'和'.join(missing)}字段 ({headers})")
    table = pd.DataFrame({field: raw[column] for field, column in fields.items()})
    table = table[(table["code"].str.strip() != "") | (table["name"].str.strip() != "")]
    if table.empty:
        raise GeoImportError(f"文件 {path.name} 中没有区划")
    places = [f"第 {position + 2} 行" for position in table.index]  # the header is line 1
    return _division_table(table, path.name, places)


def _decoded_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise GeoImportError(f"无法读取文件 {path.name}: 编码不是 UTF-8 或 GB18030")


def _standard_fields(columns) -> dict[str, str]:
    """Map each standard field to the first source column that is one of its aliases."""
    fields: dict[str, str] = {}
    for column in columns:
        header = str(column).strip().lstrip("\ufeff").lower()
        for field, aliases in HEADER_ALIASES.items():
            if header in aliases and field not in fields:
                fields[field] = column
    return fields


def _division_table(table: pd.DataFrame, file_name: str, places: list[str]) -> pd.DataFrame:
    """Standard division rows from code, name and optional parent and level columns.

    places names each row for the clerk ("第 3 行", "第 2 个图形").
    """
    codes = _full_codes(table["code"])
    names = table["name"].map(_squeezed).to_numpy()
    raw_parents = table["parent"] if "parent" in table else pd.Series([None] * len(table))
    given_parents = _full_codes(raw_parents)
    problems = [
        f"{place}: {problem}"
        for place, raw_code, code, name, raw_parent, parent in zip(
            places, table["code"], codes, names, raw_parents, given_parents, strict=True
        )
        for problem in (
            None if code else f"区划代码 {_cell_text(raw_code) or '(空)'} 应为 6、9 或 12 位数字",
            None if name else "名称为空",
            None
            if parent or not _cell_text(raw_parent)
            else f"上级代码 {_cell_text(raw_parent)} 不对",
        )
        if problem is not None
    ]
    if problems:
        raise GeoImportError(
            f"文件 {file_name} 中有 {len(problems)} 处区划代码或名称不能使用: "
            + "; ".join(problems[:5])
        )
    duplicated = sorted(set(codes[pd.Series(codes).duplicated().to_numpy()]))
    if duplicated:
        raise GeoImportError(f"文件 {file_name} 中区划代码重复: {', '.join(duplicated[:5])}")
    levels = _levels(table.get("level"), codes, file_name)
    return pd.DataFrame(
        {
            "code": codes,
            "parent_code": [
                parent or _inferred_parent(code, level)
                for parent, code, level in zip(given_parents, codes, levels, strict=True)
            ],
            "level": levels,
            "name": names,
            "short_name": [
                _short_name(name, level) for name, level in zip(names, levels, strict=True)
            ],
        }
    ).astype(str)


def _full_codes(values: pd.Series) -> np.ndarray:
    """12-digit codes: 6 (district) and 9 (street) significant digits are padded with zeros."""
    return np.array([_full_code(value) for value in values], dtype=object)


def _full_code(value) -> str | None:
    text = _cell_text(value)
    if text is None:
        return None
    text = re.sub(r"\.0+$", "", text.strip("'\" "))
    if not re.fullmatch(r"\d{6}|\d{9}|\d{12}", text):
        return None
    return text.ljust(12, "0")


def _cell_text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    text = str(value).strip()
    return text or None


def _squeezed(value) -> str | None:
    text = _cell_text(value)
    return re.sub(r"[\s\u3000]+", "", text) if text else None


def _levels(raw_levels: pd.Series | None, codes: np.ndarray, file_name: str) -> list[str]:
    inferred = [_level_from_code(code) for code in codes]
    if raw_levels is None:
        return inferred
    given = [_cell_text(level) for level in raw_levels]
    unknown = sorted(
        {level for level in given if level is not None and level.lower() not in LEVEL_SYNONYMS}
    )
    if unknown:
        raise GeoImportError(
            f"文件 {file_name} 中的级别 {', '.join(unknown[:5])} 无法识别: 应为 区、街道 或 社区"
        )
    return [
        LEVEL_SYNONYMS[level.lower()] if level is not None else default
        for level, default in zip(given, inferred, strict=True)
    ]


def _level_from_code(code: str | None) -> str | None:
    if code is None:
        return None
    if code[9:] != "000":
        return "community"
    if code[6:9] != "000":
        return "street"
    return "district"


def _inferred_parent(code: str, level: str) -> str:
    kept_digits = {"community": 9, "street": 6, "district": 4}[level]
    return code[:kept_digits].ljust(12, "0")


def _short_name(name: str, level: str) -> str:
    suffixes = {"district": DISTRICT_SUFFIXES, "street": STREET_SUFFIXES}.get(
        level, COMMUNITY_SUFFIXES
    )
    return re.sub(suffixes, "", name) or name


def _read_boundary_file(path: Path, coords: str) -> GeoImport:
    # geopandas takes 0.4 s to import and only boundary files need it
    import geopandas
    import pyogrio

    try:
        layers = [
            name for name, geometry_type in pyogrio.list_layers(path) if geometry_type is not None
        ]
        frames = [geopandas.read_file(path, layer=layer, engine="pyogrio") for layer in layers]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as error:
        raise GeoImportError(f"无法读取文件 {path.name}: {error}") from None
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        raise GeoImportError(f"文件 {path.name} 中没有图形")
    tables = [_boundary_table(frame, path.name, coords) for frame in frames]
    shapes = pd.concat([shapes for shapes, _ in tables], ignore_index=True)
    has_divisions = all(divisions is not None for _, divisions in tables)
    divisions = pd.concat([d for _, d in tables], ignore_index=True) if has_divisions else None
    if divisions is not None and divisions["code"].duplicated().any():
        divisions = divisions.drop_duplicates("code")  # several parts of one division
    return GeoImport(divisions=divisions, shapes=shapes)


def _boundary_table(frame, file_name: str, coords: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Shapes (code, name, level, WGS-84 GeoJSON) of a layer; divisions when it names parents."""
    fields = _standard_fields(frame.columns.drop(frame.geometry.name))
    if "code" not in fields and "name" not in fields:
        raise GeoImportError(f"文件 {file_name} 中没有找到区划代码或名称字段 (code / name)")
    has_geometry = frame.geometry.notna() & ~frame.geometry.is_empty
    if frame.crs is None:
        if has_geometry.any() and not _looks_like_lon_lat(
            frame.geometry[has_geometry].total_bounds
        ):
            raise GeoImportError(
                f"文件 {file_name} 没有坐标系信息 (如 .prj 文件), 坐标也不像经纬度: "
                "请导出为 WGS-84 经纬度"
            )
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geometries = np.where(has_geometry, frame.geometry.to_numpy(dtype=object), None)
    if coords == "gcj02":
        geometries = shapely.transform(geometries, _gcj02_coordinates_to_wgs84)
    table = pd.DataFrame({field: frame[column] for field, column in fields.items()})
    codes = _full_codes(table["code"]) if "code" in table else np.full(len(table), None)
    bad_codes = [
        position + 1
        for position, (raw, code) in enumerate(zip(table.get("code", codes), codes, strict=True))
        if code is None and _cell_text(raw) is not None
    ]
    if bad_codes:
        listed = ", ".join(str(number) for number in bad_codes[:5])
        raise GeoImportError(
            f"文件 {file_name} 中第 {listed} 个图形的区划代码应为 6、9 或 12 位数字"
        )
    names = (
        table["name"].map(_squeezed).to_numpy() if "name" in table else np.full(len(table), None)
    )
    if "level" in table:
        levels = _levels(table["level"], codes, file_name)
    else:
        levels = [_level_from_code(code) for code in codes]
    present = [g is not None for g in geometries]
    rounded = np.full(len(geometries), None, dtype=object)
    rounded[present] = _geojson_strings(_rounded(geometries[present]))
    shapes = pd.DataFrame(
        {"code": codes, "name": names, "level": levels, "geometry": rounded}, dtype=object
    )
    divisions = None
    if {"code", "name", "parent"} <= set(fields) and all(codes) and all(names):
        # a division drawn as several features (the parts of a split community) is listed once
        first_features = table[~pd.Series(codes).duplicated().to_numpy()]
        places = [f"第 {position + 1} 个图形" for position in first_features.index]
        divisions = _division_table(first_features, file_name, places)
    return shapes, divisions


def _looks_like_lon_lat(bounds: np.ndarray) -> bool:
    min_x, min_y, max_x, max_y = bounds
    return -180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90


def _gcj02_coordinates_to_wgs84(coordinates: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84(coordinates[:, 0], coordinates[:, 1])
    return np.column_stack([lon, lat])


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
        """
        with shape as (
            select shape_index, nullif(trim(code), '') as code, nullif(trim(name), '') as name,
                   level, geometry_type
            from geo_import_shape_keys
        ),
        named_division as (
            select code, level, name from divisions
            union
            select alias.code, division.level, alias.alias
            from division_aliases as alias join divisions as division using (code)
        ),
        division_key as (
            select distinct code, level,
                case when level = 'district' then cv_district_key(name) else cv_place_key(name) end
                    as place_key
            from named_division
        ),
        by_code as (
            select shape.shape_index, division.code
            from shape join divisions as division on division.code = shape.code
        ),
        by_name as (
            select shape.shape_index,
                   list(distinct division_key.code order by division_key.code) as codes
            from shape
            join division_key
              on (shape.level is null or shape.level = division_key.level)
             and division_key.place_key = case when division_key.level = 'district'
                 then cv_district_key(shape.name) else cv_place_key(shape.name) end
            group by shape.shape_index
        ),
        matched as (
            select
                shape.*,
                coalesce(by_code.code, case when len(by_name.codes) = 1 then by_name.codes[1] end)
                    as matched_code,
                coalesce(len(by_name.codes), 0) as name_match_count,
                array_to_string(by_name.codes, ', ') as name_codes,
                '区划代码 ' || shape.code || ' 不在区划表中' as unknown_code
            from shape
            left join by_code using (shape_index)
            left join by_name using (shape_index)
        ),
        final as (
            select
                shape_index,
                matched_code,
                case
                    when geometry_type is null then '没有图形'
                    when geometry_type not in ('Polygon', 'MultiPolygon')
                        then '不是面图形 (' || geometry_type || ')'
                    when matched_code is not null then null
                    when name_match_count > 1 then concat_ws(', ', unknown_code,
                        '名称对应多个区划 (' || name_codes || '), 请在文件中加上区划代码')
                    when name is not null then concat_ws(', ', unknown_code, '名称没有对应的区划')
                    when code is not null then unknown_code
                    else '没有区划代码或名称'
                end as unmatched_reason,
                coalesce(name || coalesce(' (' || code || ')', ''), code,
                         '第 ' || (shape_index + 1) || ' 个图形') as shape_label
            from matched
        )
        select * from final order by shape_index
        """,
    )


def _objects(values: pd.Series) -> np.ndarray:
    """Values as Python objects, missing ones as None (what shapely and DuckDB expect)."""
    return np.array([None if pd.isna(value) else value for value in values], dtype=object)


def _with_frame(con: duckdb.DuckDBPyConnection, view_name: str, frame: pd.DataFrame, sql: str):
    """Run sql with frame visible as view_name; returns the result as a DataFrame."""
    con.register(view_name, frame)
    try:
        result = con.execute(sql)
        return result.df() if result.description else None
    finally:
        con.unregister(view_name)
