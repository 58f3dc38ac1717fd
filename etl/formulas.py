"""Text a spreadsheet would run as a formula, made safe wherever CareVisit writes a CSV (the dashboard's downloads, the
command line's --format csv): a cell typed as =HYPERLINK(...) in a roster, or a file or sheet named so, opens in
Excel or WPS as the text it is."""

from __future__ import annotations

import re

import pandas as pd

# A cell a spreadsheet would read as a formula (=HYPERLINK(...) typed into a roster's name column) ...
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
# ... except a number written with its sign, or a masked phone: values, and nothing can run in them
NUMBER_LIKE = re.compile(r"^[+-]?[\d\s().-]*$")


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells made safe to open in Excel or WPS: a leading ' keeps a formula as text."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            text = frame[column].astype("string")
            risky = (text.str.match(FORMULA_START.pattern) & ~text.str.match(NUMBER_LIKE.pattern)).fillna(False)
            if risky.any():
                frame[column] = frame[column].astype(object).where(~risky, "'" + text.astype(object))
    return frame
