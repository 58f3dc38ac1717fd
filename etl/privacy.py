"""Masks for sensitive personal information (DESIGN §6): 张*, 1201**********1234, 138****5678."""

from __future__ import annotations

import json
from pathlib import Path

from etl import mappings

SENSITIVE_FIELDS = {
    "id_number": "id", "name": "name", "contact_name": "name", "visitor": "name",
    "phone": "phone", "contact_phone": "phone", "address": "address", "birth_date": "all",
    "findings": "all", "problem": "all", "disability": "all",
}


def mask_name(value: str) -> str:
    return value[:1] + "*" * (len(value) - 1) if len(value) > 1 else value


def mask_id(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) >= 7 else "*" * len(value)


def mask_address(value: str) -> str:
    return value[:6] + "****" if len(value) > 6 else "****"


MASKS = {"id": mask_id, "name": mask_name, "phone": mask_phone, "address": mask_address,
         "all": lambda value: "****"}


def mask_raw_values(raw_json: str, kind: str, words_dir: Path | None = None) -> str:
    """A rejected row's cells with every sensitive column masked, keyed as in the file."""
    cells = json.loads(raw_json)
    masked = {}
    for header, value in cells.items():
        if value is None:
            continue
        field = mappings.field_for(header, kind, words_dir)
        mask = MASKS.get(SENSITIVE_FIELDS.get(field or "", ""))
        masked[header] = mask(value) if mask and value else value
    return json.dumps(masked, ensure_ascii=False)
