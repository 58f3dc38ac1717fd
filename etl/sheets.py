"""How CareVisit's workbooks print: landscape, a page wide, the header rows on every page, centred."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet


def print_setup(sheet, title_rows: str | None = None, paper: str = "A4") -> None:
    """`sheet` (openpyxl, write-only too) to print on `paper` (A4, A3) landscape, as many pages long as it takes,
    the rows `title_rows` ("3:3") repeated at the top of each."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = {"A4": Worksheet.PAPERSIZE_A4, "A3": Worksheet.PAPERSIZE_A3}[paper]
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
