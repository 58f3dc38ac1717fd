"""Division lists (.csv) and boundary files (.geojson, .shp, .gpkg) read into standard tables."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely

from etl import mappings
from etl.geography.gcj02 import gcj02_coordinates_to_wgs84
from etl.geography.shapes import geojson_strings, round_geometries
from etl.settings import engine_config
from etl.sqlfiles import prepare

SUPPORTED_COORDINATE_SYSTEMS = ("wgs84", "gcj02")
GEO_FILE_SUFFIXES = (".geojson", ".json", ".shp", ".gpkg")


class GeoImportError(Exception):
    """A division list or boundary file that cannot be used; the message is for a bureau clerk."""


@dataclass(frozen=True)
class GeoImport:
    divisions: pd.DataFrame | None
    shapes: pd.DataFrame | None


@cache
def header_aliases() -> dict[str, tuple[str, ...]]:
    """Source headers (lower case) for each standard field of a division list or boundary file."""
    aliases: dict[str, tuple[str, ...]] = {}
    for row in mappings.rows("geography_headers.csv"):
        aliases[row["field"]] = (*aliases.get(row["field"], ()), row["alias"].lower())
    return aliases


@cache
def level_synonyms() -> dict[str, str]:
    """How a level column may name district, street and community (lower case)."""
    return {row["synonym"].lower(): row["level"] for row in mappings.rows("geography_levels.csv")}


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


def _read_division_csv(path: Path) -> pd.DataFrame:
    """The list's rows under its header: the first of its first rows that names a code and a name column (a title
    such as 武侯区行政区划代码表 may stand above it, as above any export)."""
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(_decoded_text(path)))]
    except csv.Error as error:
        raise GeoImportError(f"无法读取文件 {path.name}: {error}") from None
    if not any(any(row) for row in rows):
        raise GeoImportError(f"无法读取文件 {path.name}: 文件是空的")
    header_index = next((index for index, row in enumerate(rows[:10])
                         if {"code", "name"} <= _standard_fields(row).keys()), 0)
    header = rows[header_index] if rows else []
    raw = pd.DataFrame([(row + [""] * len(header))[:len(header)] for row in rows[header_index + 1:]],
                       columns=header, dtype=str)
    fields = _standard_fields(raw.columns)
    missing = {
        label: field
        for field, label in (("code", "区划代码"), ("name", "名称"))
        if field not in fields
    }
    if missing:
        headers = ", ".join(" / ".join(header_aliases()[field][:2]) for field in missing.values())
        raise GeoImportError(f"文件 {path.name} 中没有找到{'和'.join(missing)}字段 ({headers})")
    table = pd.DataFrame({field: raw[column] for field, column in fields.items()})
    table = table[(table["code"].str.strip() != "") | (table["name"].str.strip() != "")]
    if table.empty:
        raise GeoImportError(f"文件 {path.name} 中没有区划")
    places = [f"第 {position + header_index + 2} 行" for position in table.index]  # the header's line, then its rows
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
        for field, aliases in header_aliases().items():
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
            "short_name": _short_names(names, levels),
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
        {level for level in given if level is not None and level.lower() not in level_synonyms()}
    )
    if unknown:
        raise GeoImportError(
            f"文件 {file_name} 中的级别 {', '.join(unknown[:5])} 无法识别: 应为 区、街道 或 社区"
        )
    return [
        level_synonyms()[level.lower()] if level is not None else default
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


def _short_names(names: np.ndarray, levels: list[str]) -> list[str]:
    """Names without their level's suffix (cv_short_name: 劝业场街道 -> 劝业场)."""
    with duckdb.connect(config=engine_config()) as con:
        prepare(con)
        rows = con.execute(
            """select cv_short_name(name, level) from (
                select unnest($names) as name, unnest($levels) as level, unnest(range(len($names))) as position)
            order by position""", {"names": list(names), "levels": levels}).fetchall()
    return [short_name for (short_name,) in rows]


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
        geometries = shapely.transform(geometries, gcj02_coordinates_to_wgs84)
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
    rounded[present] = geojson_strings(round_geometries(geometries[present]))
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
