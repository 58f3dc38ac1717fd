"""What a request works with: the warehouse and the place the user may see (set by create_app)."""

from __future__ import annotations

import flask

from dashboard.queries import ALL, Warehouse


def warehouse() -> Warehouse:
    return flask.current_app.config["CAREVISIT_WAREHOUSE"]


def scope() -> str:
    """The user's jurisdiction; every query is filtered by it. Sign-in will set it per user."""
    return flask.current_app.config.get("CAREVISIT_SCOPE", ALL)
