"""Every filter lives in the URL: build and read query strings."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

# Query keys that follow the user from page to page.
CARRIED = ("month", "as_of", "lang")


def href(path: str, query: dict[str, str | None], **changes: str | None) -> str:
    merged = {key: value for key, value in ({**query, **changes}).items() if value not in (None, "", [])}
    return f"{path}?{urlencode(merged)}" if merged else path


def carried(query: dict[str, str | None]) -> dict[str, str | None]:
    return {key: query.get(key) for key in CARRIED}


def parse(search: str | None) -> dict[str, str]:
    return dict(parse_qsl((search or "").lstrip("?")))
