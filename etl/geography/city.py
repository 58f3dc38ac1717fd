"""A synthetic city for demos and benchmarks: Heping, then numbered copies of it."""

from __future__ import annotations

import pandas as pd

from etl.geography.reference import DIVISION_COLUMNS, reference_divisions


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
