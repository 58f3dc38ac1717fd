"""A CSV as a spreadsheet opens it, wherever CareVisit writes one (the dashboard's downloads, the command line's
--format csv): Chinese read as Chinese, and a cell typed as =HYPERLINK(...) in a roster, or a file or sheet named so,
opened in Excel or WPS as the text it is."""

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


def spreadsheet_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text that Excel and WPS open as written: a byte-order mark first (without it Excel on a Chinese
    Windows reads UTF-8 as GBK, and every place name turns to mojibake), CRLF line ends as Excel writes them (a cell
    holding a bare CR or LF is quoted, so it stays one cell), no cell a formula. Encode it as UTF-8."""
    return "\ufeff" + neutralised(frame).to_csv(index=False, lineterminator="\r\n")
