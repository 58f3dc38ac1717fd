"""Administrative divisions and their shapes: built-in Heping reference, schematic demo polygons, imports."""

from __future__ import annotations

from importlib import resources

import pandas as pd


def reference_divisions() -> pd.DataFrame:
    """Heping District's 6 streets and 63 communities with their NBS statistical codes."""
    with resources.files("etl").joinpath("reference/heping_divisions.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str)
