"""Administrative divisions and their shapes: reference data, a synthetic city, schematic shapes, imports."""

from etl.geography.city import city_divisions
from etl.geography.files import GeoImport, GeoImportError, read_geo_file
from etl.geography.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from etl.geography.reference import DIVISION_COLUMNS, division_aliases, reference_divisions
from etl.geography.schematic import SHAPE_COLUMNS, schematic_shapes
from etl.geography.store import GeoImportSummary, write_geography

__all__ = [
    "DIVISION_COLUMNS", "SHAPE_COLUMNS", "GeoImport", "GeoImportError", "GeoImportSummary", "city_divisions",
    "division_aliases", "gcj02_to_wgs84", "read_geo_file", "reference_divisions", "schematic_shapes",
    "wgs84_to_gcj02", "write_geography",
]
