"""GCJ-02, the offset coordinates of Chinese map providers (AMap/Gaode, Tencent), to and from WGS-84."""

from __future__ import annotations

import numpy as np

# GCJ-02 ("Mars coordinates", AMap/Gaode, Tencent): Krasovsky ellipsoid and the published bounds.
GCJ_SEMI_MAJOR_AXIS = 6_378_245.0
GCJ_ECCENTRICITY_SQUARED = 0.00669342162296594323
GCJ_INVERSE_TOLERANCE_DEG = 1e-7  # about 1 cm


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


def gcj02_coordinates_to_wgs84(coordinates: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84(coordinates[:, 0], coordinates[:, 1])
    return np.column_stack([lon, lat])


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
