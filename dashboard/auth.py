"""Sign-in, sessions and the server's defences, installed on the Dash app's Flask server.

Flask-Login keeps who is signed in; the cookie names the account and its generation (a changed
password or a disabled account ends every session). The place a user may see always comes from
their account on the server, never from the browser. Another identity provider (OIDC, LDAP) would
replace `sign_in_view` and nothing else: pages only ever call `context.user()`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import re
import sqlite3
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import dash
import duckdb
import flask
import flask_login
from dash import dcc, html
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import generate_csrf, validate_csrf
from limits import parse
from limits.storage import Storage
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from wtforms import ValidationError

from dashboard.accounts import AccountStore, Lockout, User, accounts_path, secret_key
from dashboard.i18n import t
from dashboard.queries import OutOfScope
from etl import diskspace

log = logging.getLogger("carevisit.server")

# Reachable without a session: the sign-in page and the static files it and Dash need (public code).
PUBLIC_PATHS = frozenset({"/login", "/_favicon.ico"})
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
SIGN_IN_LIMIT = "10 per minute"  # per address, on top of the per-account lock-out
SEEN_EVERY = 60  # seconds: how often a session's last request is written into its cookie (Security.idle_minutes)
LIMITS = {"export": parse("30 per minute"), "as_of": parse("20 per minute"), "unmask": parse("30 per hour"),
          "upload": parse("20 per hour")}
# Where the limits count: the accounts database, so that every gunicorn worker counts against one bound and a
# restart forgets nothing (a worker's memory gave an attacker the bound once per worker, afresh at each restart)
LIMIT_STORAGE_URI = "carevisit-accounts://"


class AccountsLimitStorage(Storage):
    """Flask-Limiter's counters (fixed windows) in the accounts database (AccountStore.limit_hit)."""

    STORAGE_SCHEME = ["carevisit-accounts"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, *, store: AccountStore, **options):
        self.store = store
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self.store.limit_hit(key, expiry, amount)

    def get(self, key: str) -> int:
        return self.store.limit_count(key)

    def get_expiry(self, key: str) -> float:
        return self.store.limit_window_ends(key)

    def check(self) -> bool:
        return True

    def reset(self) -> int:
        return self.store.limit_clear()

    def clear(self, key: str) -> None:
        self.store.limit_clear(key)


@dataclass(frozen=True)
class Security:
    """How the server defends itself; `serve --prod` turns on what needs HTTPS."""

    secure_cookies: bool = False  # cookies only over HTTPS, and HSTS
    trusted_hosts: tuple[str, ...] = ()  # Host headers answered; empty: any (loopback development)
    session_hours: float = 8.0  # a session ends this long after sign-in, active or not
    # and this long after its last request (a street office's PC left signed in, the unmask dialog a click away:
    # review 7c L2); its last request is written into the cookie at most once a SEEN_EVERY
    idle_minutes: float = 30.0
    lockout: Lockout = field(default_factory=Lockout)


class SessionUser(flask_login.UserMixin):
    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return self.user.session_id


class NotSignedIn(Exception):
    """A request without a session (the sign-in check lets none through: this is the second lock)."""


class Forbidden(Exception):
    """The user's role may not do this."""


class TooManyRequests(Exception):
    """A user asked for more exports or recomputations than the server allows per minute."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def install(server: flask.Flask, db_path: Path, security: Security, local_user: User | None) -> None:
    """Sign-in (or a fixed local user), security headers, rate limits and clean error answers."""
    server.config.update(
        SECRET_KEY=secret_key(db_path),
        SESSION_COOKIE_NAME="carevisit_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=security.secure_cookies,
        SESSION_REFRESH_EACH_REQUEST=False,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=security.session_hours),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,  # callbacks send small JSON; /upload/files raises its own bound
        CAREVISIT_SECURITY=security,
        CAREVISIT_LOCAL_USER=local_user,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    if security.trusted_hosts:
        server.config["TRUSTED_HOSTS"] = list(security.trusted_hosts)
    store = AccountStore(accounts_path(db_path), security.lockout)
    server.extensions["carevisit_accounts"] = store
    limiter = Limiter(get_remote_address, app=server, default_limits=[], storage_uri=LIMIT_STORAGE_URI,
                      storage_options={"store": store})
    server.extensions["carevisit_limiter"] = limiter

    if local_user is None:
        manager = flask_login.LoginManager(server)
        manager.session_protection = "basic"

        @manager.user_loader
        def load_user(session_id: str) -> SessionUser | None:
            now = dt.datetime.now(dt.UTC).timestamp()
            signed_in = flask.session.get("signed_in_at")
            if signed_in is None or now - signed_in > security.session_hours * 3600:
                return None
            seen = flask.session.get("seen_at", signed_in)
            if now - seen > security.idle_minutes * 60:
                return None
            user = store.user(session_id)
            if user and now - seen > min(SEEN_EVERY, security.idle_minutes * 60 / 2):
                flask.session["seen_at"] = now  # (the cookie is sent again only then)
            return SessionUser(user) if user else None

        # first of all: no hook of Dash's runs for a request without a session
        server.before_request_funcs.setdefault(None, []).insert(0, _require_sign_in)
        server.add_url_rule("/login", "login", limiter.limit(SIGN_IN_LIMIT, methods=["POST"])(sign_in_view),
                            methods=["GET", "POST"])
        server.add_url_rule("/logout", "logout", sign_out_view, methods=["GET", "POST"])
    server.after_request(_security_headers)
    server.register_error_handler(Exception, _error_answer)


def accounts() -> AccountStore:
    return flask.current_app.extensions["carevisit_accounts"]


def current() -> User | None:
    """The user of this request: the fixed local user, or whoever signed in (None: nobody)."""
    local = flask.current_app.config.get("CAREVISIT_LOCAL_USER")
    if local is not None:
        return local
    who = flask_login.current_user
    return who.user if who and who.is_authenticated else None


def audit(event: str, *, place: str | None = None, detail: dict | None = None, row_count: int | None = None,
          file_sha256: str | None = None, facts: dict | None = None) -> None:
    """Record what the current user did (person-level views and exports, unmasking, refusals, uploads).
    `detail` came from the browser: kept only where it is a code, month, date or filter word. `facts`
    are what the server established itself (a load's counts, a file's name with digit runs masked)."""
    kept = {key: auditable(value) for key, value in (detail or {}).items()} | (facts or {})
    accounts().record(event, current(), place=auditable(place) if isinstance(place, str | None) else "(无效值)",
                      detail=kept or None,
                      row_count=row_count, file_sha256=file_sha256,
                      remote_addr=flask.request.remote_addr if flask.has_request_context() else None)


# What an audit record keeps of a value the browser sent: division codes, months, dates and the words of
# the app's own filters; anything else (a phone number typed into a URL ...) is not written down.
AUDITABLE = re.compile(r"^(all|\d{12}|\d{4}-\d{2}(-\d{2})?|[a-z_]{1,32}|[\u4e00-\u9fff]{1,12})$")


def auditable(value):
    if isinstance(value, list | tuple):
        return [auditable(v) for v in value[:20]]
    if value is None or isinstance(value, bool | int):
        return value
    return value if isinstance(value, str) and AUDITABLE.match(value) else "(无效值)"


def throttle(kind: str) -> None:
    """Count one export, recomputation or unmask for the user; refuse past the per-minute bound."""
    user = current()
    limiter: Limiter = flask.current_app.extensions["carevisit_limiter"]
    if not limiter.limiter.hit(LIMITS[kind], kind, user.username if user else flask.request.remote_addr or "-"):
        raise TooManyRequests(kind)


# --- sign-in and sign-out ----------------------------------------------------------------------


def _require_sign_in():
    if flask.request.path in PUBLIC_PATHS or flask.request.path.startswith(PUBLIC_PREFIXES):
        return None
    if flask_login.current_user.is_authenticated:
        return None
    if flask.request.path.startswith("/_dash") or flask.request.method != "GET":
        return flask.Response(t("signed_out"), status=401, mimetype="text/plain")
    target = flask.request.full_path.rstrip("?")
    return flask.redirect(flask.url_for("login", next=target))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect would help phishing)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def sign_in_view():
    lang = "en" if flask.request.args.get("lang") == "en" else "zh"
    next_url = _safe_next(flask.request.values.get("next"))
    # the session cookie is Secure: over plain HTTP the browser drops it, and with it the form's CSRF token, so no one
    # can sign in: said before they try (review 2026-12-04: a LAN trial had been told 页面已过期 at every try)
    # (a browser keeps a Secure cookie from a loopback address: the server's own machine signs in over http)
    plain = (flask.current_app.config["CAREVISIT_SECURITY"].secure_cookies and not flask.request.is_secure
             and not is_loopback(urlsplit(f"//{flask.request.host}").hostname or ""))
    if flask.request.method == "GET":
        if flask_login.current_user.is_authenticated:
            return flask.redirect(next_url)
        return _sign_in_page(lang, next_url, t("sign_in_needs_https", lang) if plain else None)
    try:
        validate_csrf(flask.request.form.get("csrf_token"))
    except ValidationError:  # a stale form or a forged request: ask again
        return _sign_in_page(lang, next_url, t("sign_in_needs_https" if plain else "sign_in_expired", lang)), 400
    username = flask.request.form.get("username", "").strip()[:64]
    password = flask.request.form.get("password", "")[:1024]
    store = accounts()
    address = flask.request.remote_addr
    result = store.sign_in(username, password, address)
    if result.user is None:
        # the name typed is kept only when it is an account's: a password typed in the name field is not stored
        known = result.reason != "unknown"
        store.record("sign_in_failed", username=username if known else None, remote_addr=address,
                     detail={"reason": result.reason})
        # (how long: a clerk had been told only 请稍后再试)
        message = (t("sign_in_locked", lang, minutes=store.lockout.minutes) if result.reason == "locked"
                   else t("sign_in_failed", lang))
        return _sign_in_page(lang, next_url, message), 401
    flask.session.clear()  # no state from before sign-in survives it
    flask.session.permanent = True
    flask.session["signed_in_at"] = dt.datetime.now(dt.UTC).timestamp()
    flask_login.login_user(SessionUser(result.user))
    # the session's CSRF token made now, with the session: made later by the first form to need it, two requests at
    # once (the navigation bar's sign-out and the upload page) each made one, and the cookie kept only the last
    generate_csrf()
    store.record("sign_in", result.user, remote_addr=address)
    return flask.redirect(next_url)


def sign_out_view():
    """POST with the session's CSRF token signs out; a GET (a link typed, or an image of another site pointing
    here, which would sign anyone out who opened that site) only shows the button that does."""
    lang = "en" if flask.request.args.get("lang") == "en" else "zh"
    if flask.request.method == "GET":
        return _sign_out_page(lang)
    try:
        validate_csrf(flask.request.form.get("csrf_token"))
    except ValidationError:
        return _sign_out_page(lang), 400
    user = current()
    if user is not None and flask.current_app.config.get("CAREVISIT_LOCAL_USER") is None:
        accounts().end_sessions(user.username)  # a copy of the cookie opens nothing any more
        accounts().record("sign_out", user, remote_addr=flask.request.remote_addr)
    flask_login.logout_user()
    flask.session.clear()
    return flask.redirect(flask.url_for("login"))


# The sign-in and sign-out pages: a card on the app's colour, the body each page's own
CARD_PAGE = """<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css"><link rel="stylesheet" href="/assets/style.css">
</head><body class="sign-in">
<main class="sign-in-card card"><div class="card-body">
{body}
</div></main></body></html>"""

SIGN_IN_BODY = """<h1 class="h4 mb-1">{app_title}</h1><p class="text-muted mb-4">{subtitle}</p>
{message}
<form method="post" action="/login{lang_query}" autocomplete="on">
<input type="hidden" name="csrf_token" value="{csrf}"><input type="hidden" name="next" value="{next}">
<div class="mb-3"><label class="form-label" for="username">{username_label}</label>
<input class="form-control" id="username" name="username" autocomplete="username" required autofocus></div>
<div class="mb-3"><label class="form-label" for="password">{password_label}</label>
<input class="form-control" id="password" name="password" type="password" autocomplete="current-password"
 required></div>
<button class="btn btn-primary w-100" type="submit" id="sign-in">{submit}</button>
</form>
<p class="sign-in-note mt-3 mb-0">{note}</p>
<p class="mt-2 mb-0"><a href="/login?lang={other_lang}&amp;next={next}">{switch}</a></p>"""

SIGN_OUT_BODY = """<h1 class="h4 mb-4">{app_title}</h1>
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="{csrf}">
<button class="btn btn-primary w-100" type="submit" id="sign-out-confirm">{submit}</button></form>
<p class="mt-3 mb-0"><a href="/">{back}</a></p>"""


def _sign_out_page(lang: str) -> str:
    body = SIGN_OUT_BODY.format(app_title=t("app_title", lang), csrf=escape(generate_csrf()),
                                submit=t("sign_out", lang), back=t("sign_out_back", lang))
    return CARD_PAGE.format(html_lang="zh-CN" if lang == "zh" else "en", title=t("sign_out", lang), body=body)


def sign_out_form(lang: str):
    """The navigation bar's sign-out: a form posting the session's CSRF token, styled as the bar's links."""
    return html.Form([
        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
        html.Button(t("sign_out", lang), type="submit", id="sign-out", className="nav-link"),
    ], method="POST", action="/logout", className="sign-out-form")


def _sign_in_page(lang: str, next_url: str, message: str | None = None) -> str:
    body = SIGN_IN_BODY.format(
        app_title=t("app_title", lang), subtitle=t("sign_in_subtitle", lang), username_label=t("username", lang),
        password_label=t("password", lang), submit=t("sign_in", lang), note=t("sign_in_note", lang),
        message=f'<div class="alert alert-danger" role="alert">{escape(message)}</div>' if message else "",
        csrf=escape(generate_csrf()), next=escape(next_url), lang_query="?lang=en" if lang == "en" else "",
        other_lang="en" if lang == "zh" else "zh", switch=t("language_switch", lang),
    )
    return CARD_PAGE.format(html_lang="zh-CN" if lang == "zh" else "en", title=t("sign_in_title", lang), body=body)


# --- headers and errors ------------------------------------------------------------------------


def _security_headers(response: flask.Response) -> flask.Response:
    security: Security = flask.current_app.config["CAREVISIT_SECURITY"]
    headers = response.headers
    if "CAREVISIT_CSP" in flask.current_app.config:
        headers.setdefault("Content-Security-Policy", flask.current_app.config["CAREVISIT_CSP"]())
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if security.secure_cookies:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    static = any(flask.request.path.startswith(p) for p in ("/assets/", "/_dash-component-suites/"))
    if not static:  # pages and callbacks carry personal data: never kept in a shared cache or the disk cache
        headers["Cache-Control"] = "no-store"
    return response


# Errors that come from what the browser sent (a list where a code was expected, a missing key, JSON
# nested thousands deep, a value DuckDB cannot take as a parameter ...)
BAD_INPUT = (TypeError, ValueError, KeyError, IndexError, AttributeError, LookupError, RecursionError,
             duckdb.ConversionException, duckdb.InvalidInputException, dash.exceptions.DashException)


def _error_answer(error: Exception):
    """Plain answers without a traceback: 400 for a malformed request, 429 past a limit, 500 otherwise."""
    if isinstance(error, HTTPException) and error.code == 429:  # Flask-Limiter's, on the sign-in form
        lang = "en" if flask.request.args.get("lang") == "en" else "zh"
        if flask.request.endpoint == "login":  # the form again, saying why, not Werkzeug's English page
            return _sign_in_page(lang, _safe_next(flask.request.values.get("next")),
                                 t("too_many_requests", lang)), 429
        return flask.Response(t("too_many_requests", lang), status=429, mimetype="text/plain")
    if isinstance(error, HTTPException):
        return error
    if isinstance(error, dash.exceptions.DependencyException):  # a script or style Dash does not have
        return flask.Response(t("bad_request"), status=404, mimetype="text/plain")
    if isinstance(error, OutOfScope) or isinstance(error.__cause__, OutOfScope):  # (a page's state: PageProblem)
        # what was asked for: a place's code, or a load's number (/corrections/<load>)
        asked = next(iter((error if isinstance(error, OutOfScope) else error.__cause__).args), None)
        asked = int(asked) if isinstance(asked, str) and asked.isdigit() and len(asked) < 12 else asked
        audit("refused", detail={"out_of_scope": True, "asked": asked})
        return flask.Response(t("out_of_scope"), status=403, mimetype="text/plain")
    if isinstance(error, NotSignedIn):
        return flask.Response(t("signed_out"), status=401, mimetype="text/plain")
    if isinstance(error, Forbidden):
        return flask.Response(t("forbidden"), status=403, mimetype="text/plain")
    if isinstance(error, TooManyRequests):
        return flask.Response(t("too_many_requests"), status=429, mimetype="text/plain")
    if isinstance(error, BAD_INPUT):
        return flask.Response(t("bad_request"), status=400, mimetype="text/plain")
    if diskspace.cause(error):  # an upload spooled, a load, an audit record: the disk, not the request
        log.error("request failed: %s %s: the disk is full (%s)", flask.request.method, flask.request.path,
                  type(error).__name__)
        return flask.Response(t("disk_full"), status=507, mimetype="text/plain")
    # Where it failed, not the message: a message may quote a value from the data.
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("request failed: %s %s: %s\n%s", flask.request.method, flask.request.path, type(error).__name__, frames)
    return flask.Response(t("server_error"), status=500, mimetype="text/plain")
