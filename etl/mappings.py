"""Header aliases and value synonyms, read from the data files in etl/mappings/."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

KINDS = ("roster", "visits", "contacts")
IGNORED = "_ignore"

# Fields that only one kind of export has: they decide the kind of a file from its header.
KIND_MARKERS = {
    "roster": {"categories", "living", "disability", "status", "change_date", "reg_date", "consent",
               "address", "risk_level", "economy", "sex", "birth_date"},
    "visits": {"visit_date", "method", "outcome", "visitor_role", "findings"},
    "contacts": {"contact_name", "relation", "contact_phone", "has_key", "set_date"},
}
KIND_LABELS = {"roster": "底册", "visits": "探访记录", "contacts": "联系人情况表"}


def header_key(text: str) -> str:
    """A header cell without spaces, line breaks, markers and full-width punctuation."""
    text = text.replace("（", "(").replace("）", ")").replace("：", ":")
    return re.sub(r"[\s*:※]+", "", text).lower()


@dataclass(frozen=True)
class ColumnMap:
    kind: str
    fields: dict[str, int]  # canonical field -> column index
    unknown: list[str]  # header cells that map to nothing (warned about)
    duplicates: list[str]  # header cells naming a field already taken by an earlier column


@cache
def header_aliases() -> dict[str, dict[str, str]]:
    """kind ('*' for any) -> {header key: field}."""
    aliases: dict[str, dict[str, str]] = {}
    with resources.files("etl").joinpath("mappings/headers.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            aliases.setdefault(row["kind"], {})[header_key(row["alias"])] = row["field"]
    return aliases


@cache
def value_synonyms() -> list[tuple[str, str, str]]:
    """(field, canonical value, synonym) rows."""
    with resources.files("etl").joinpath("mappings/values.csv").open(encoding="utf-8") as f:
        return [(row["field"], row["value"], row["synonym"]) for row in csv.DictReader(f)]


def field_for(key: str, kind: str) -> str | None:
    aliases = header_aliases()
    return aliases.get(kind, {}).get(key) or aliases["*"].get(key)


def header_score(cells: list[str]) -> int:
    """How many cells of a row are known column names of any kind of export."""
    keys = {header_key(cell) for cell in cells if cell}
    return sum(1 for key in keys if any(key in table for table in header_aliases().values()))


def detect_kind(header: list[str]) -> str | None:
    """roster, visits or contacts, from the kind-specific columns the header has."""
    keys = {header_key(cell) for cell in header if cell}
    scores = {
        kind: sum(1 for key in keys if header_aliases().get(kind, {}).get(key) in KIND_MARKERS[kind])
        for kind in KINDS
    }
    best = max(scores, key=lambda kind: scores[kind])
    return best if scores[best] > 0 else None


def map_columns(header: list[str], kind: str) -> ColumnMap:
    fields: dict[str, int] = {}
    unknown, duplicates = [], []
    for index, cell in enumerate(header):
        if not cell:
            continue
        field = field_for(header_key(cell), kind)
        if field is None:
            unknown.append(cell)
        elif field == IGNORED:
            continue
        elif field in fields:
            duplicates.append(cell)
        else:
            fields[field] = index
    return ColumnMap(kind, fields, unknown, duplicates)
