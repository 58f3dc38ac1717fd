"""Exported cells that start like a formula (= + - @ tab CR) open as text: xlsx strings are strings, CSV cells
are neutralised with a leading quote; masked phones and negative numbers stay as they are."""

import base64
import csv
import io
import json

import openpyxl
import pytest

from dashboard import tables
from tests.security.conftest import FORMULA, FORMULA_STARTS, MONTH, QUANYECHANG, downloads, export

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def exported_file(client, deps, spec, file_format) -> bytes:
    status, text = export(client, deps, spec, file_format)
    assert status == 200, (status, text[:200])
    files = downloads(json.loads(text))
    assert len(files) == 1
    return base64.b64decode(files[0]["content"])


def xlsx_cells(raw: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(raw))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


PEOPLE = {"table": "people", "place": QUANYECHANG, "month": MONTH, "as_of": None, "lang": "zh"}
UNKNOWN = {"table": "unknown_values", "lang": "zh"}
WARNINGS = {"table": "warnings", "lang": "zh"}


@pytest.fixture(scope="module")
def files(clients, deps) -> dict:
    """The staff member's people list and the unknown values (a table every role may export), as both formats."""
    staff = clients["staff"]
    return {(name, fmt): exported_file(staff, deps, spec, fmt)
            for name, spec in (("people", PEOPLE), ("unknown_values", UNKNOWN)) for fmt in ("xlsx", "csv")}


@pytest.mark.parametrize("name", ["people", "unknown_values"])
def test_no_xlsx_cell_is_a_formula(files, name):
    cells = xlsx_cells(files[name, "xlsx"])
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(DANGEROUS)]
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert risky or formulas, "the export has no cell that starts like a formula: the test would prove nothing"
    assert not formulas, f"cells written as live formulas: {formulas[:6]}"


def test_the_hyperlink_formula_opens_as_text_in_xlsx(files):
    cells = xlsx_cells(files["unknown_values", "xlsx"])
    hits = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert hits, "the =HYPERLINK cell is missing from the unknown values export"
    assert all(c.data_type == "s" for c in hits), [(c.coordinate, c.data_type, c.value) for c in hits]


def csv_text(raw: bytes) -> str:
    return raw.decode("utf-8-sig")


@pytest.mark.parametrize("name", ["people", "unknown_values"])
def test_csv_is_well_formed(files, name):
    """Every row has the header's cells: a bare CR inside a cell splits the row in Excel."""
    rows = list(csv.reader(io.StringIO(csv_text(files[name, "csv"]), newline=""), strict=True))
    assert rows and all(len(row) == len(rows[0]) for row in rows), [r for r in rows if len(r) != len(rows[0])][:3]


def csv_cells(raw: bytes) -> list[str]:
    text = csv_text(raw)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        rows = list(csv.reader(io.StringIO(text.replace("\r", "\n"), newline="")))
    return [cell for row in rows for cell in row]


@pytest.mark.parametrize("name", ["people", "unknown_values"])
def test_no_csv_cell_starts_like_a_formula(files, name):
    cells = csv_cells(files[name, "csv"])
    live = [c for c in cells if c.startswith(DANGEROUS) and not is_number(c)]
    assert not live, f"CSV cells a spreadsheet would run: {live[:6]}"


@pytest.mark.parametrize("start", sorted(FORMULA_STARTS))
def test_each_dangerous_start_is_neutralised_in_csv(files, start):
    value = FORMULA_STARTS[start].strip() if start not in ("\t", "\r") else FORMULA_STARTS[start]
    cells = csv_cells(files["unknown_values", "csv"])
    hits = [c for c in cells if c.lstrip("'").strip() == value.strip()]
    assert hits, f"{value!r} is missing from the unknown values export"
    assert all(c.startswith("'") for c in hits), f"{value!r} exported as {hits}"


def test_the_hyperlink_formula_is_neutralised_in_csv(files):
    cells = csv_cells(files["unknown_values", "csv"])
    assert f"'{FORMULA}" in cells, [c for c in cells if "HYPERLINK" in c]


def test_masked_phones_stay_as_they_are(files):
    """A masked phone is not a formula and must not be altered or turned into a number."""
    csv_phones = [c for c in csv_cells(files["people", "csv"]) if c.startswith("138****")]
    assert "138****2222" in csv_phones, csv_phones[:5]
    xlsx_phones = [c.value for c in xlsx_cells(files["people", "xlsx"]) if str(c.value).startswith("138****")]
    assert "138****2222" in xlsx_phones


def test_a_negative_number_stays_a_number(files):
    assert "-12" in csv_cells(files["unknown_values", "csv"])
    values = [c.value for c in xlsx_cells(files["unknown_values", "xlsx"])]
    assert "-12" in values or -12 in values


def test_counts_stay_numbers_in_xlsx(clients, deps):
    cells = xlsx_cells(exported_file(clients["analyst"], deps, WARNINGS, "xlsx"))
    counts = [c for c in cells if c.column > 2 and c.row > tables.HEADER_ROW]
    assert counts and all(isinstance(c.value, int) and c.data_type == "n" for c in counts), \
        [(c.coordinate, c.value) for c in counts][:5]
