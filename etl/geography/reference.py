"""Heping District's divisions and former names, as shipped with the package."""

from __future__ import annotations

from importlib import resources

import pandas as pd

DIVISION_COLUMNS = ["code", "parent_code", "level", "name", "short_name"]


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
