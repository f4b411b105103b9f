"""Staying signed in across a reload or a shared link: a signed, expiring session cookie.

Streamlit keeps a session only as long as its websocket, so a reload is a new session.
After a sign-in the browser gets a cookie (``est_session``: ``SameSite=Strict``, 12 hours,
``Secure`` over https) holding a token from ``est_data.core.session_token``: the user name,
an expiry, a random id and a fingerprint of the password hash, signed with a key kept
in an owner-only file beside the database. A new session reads it back from
``st.context.cookies`` (the cookies of the websocket's opening request) and is signed in
again; the role is looked up in the user configuration each time, and a changed password
or a removed user ends the token. Nothing of it is ever put in a URL.

Streamlit cannot set a cookie from the server, so a few lines of JavaScript do it
(``st.html(..., unsafe_allow_javascript=True)``, with nothing but the token, whose
characters are base64url and a dot). Signing out revokes the token in this server
process (every tab using it is signed out on its next run) and clears the cookie.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

import streamlit as st

from est_data.core import auth, session_token
from est_data.core.config import db_path

_LOG = logging.getLogger(__name__)
COOKIE = session_token.COOKIE_NAME
KEY_FILE = ".est_session_key"  # beside the database (data/ in a default installation)
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-.]+")

REVOKED = session_token.Revoked()  # process-wide: the tokens signed out since the start
_KEYS: dict[Path, bytes] = {}
_KEYS_LOCK = threading.Lock()


def _key() -> bytes:
    path = db_path().parent / KEY_FILE
    with _KEYS_LOCK:
        if path not in _KEYS:
            _KEYS[path] = session_token.load_or_create_secret(path)
        return _KEYS[path]


def issue(record: auth.UserRecord) -> str | None:
    """A new token for ``record``'s user; None when no key can be kept (the sign-in then
    lasts as long as the session)."""
    try:
        key = _key()
    except OSError:
        _LOG.exception("no key file for session cookies; sign-ins will not survive a reload")
        return None
    return session_token.issue(record.user.username, record.password_hash, key, time.time())


def check(token: str | None, users: dict[str, auth.UserRecord]
          ) -> tuple[auth.User, session_token.Claims] | None:
    """The user ``token`` signs in, with its claims; None for a token that is forged,
    expired, signed out, or of a user removed or given a new password since."""
    if not token:
        return None
    try:
        key = _key()
    except OSError:
        return None
    claims = session_token.verify(token, key, time.time())
    if claims is None or claims in REVOKED:
        return None
    record = users.get(claims.username)
    if record is None or session_token.fingerprint(record.password_hash) != claims.fingerprint:
        return None
    return record.user, claims


def revoke(token: str | None) -> None:
    """Sign ``token`` out in this server process."""
    try:
        claims = session_token.verify(token, _key(), time.time()) if token else None
    except OSError:
        claims = None
    if claims is not None:
        REVOKED.add(claims)
    REVOKED.prune(time.time())


def from_browser() -> str | None:
    """The session cookie the browser sent when this session's websocket opened."""
    value = st.context.cookies.to_dict().get(COOKIE)
    return value if isinstance(value, str) else None


def _set_cookie(value: str, max_age: int) -> None:
    if not _TOKEN_CHARS.fullmatch(value or "x"):
        raise ValueError("a session cookie holds base64url characters and dots only")
    st.sidebar.html(f"""<script>document.cookie = "{COOKIE}={value}; Path=/; Max-Age={max_age}; "
            + "SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "");</script>""",
            unsafe_allow_javascript=True)


def give(token: str) -> None:
    """Have the browser keep ``token``: drawn in every run of a session whose browser
    did not send it; the script runs once, when the browser first shows it."""
    _set_cookie(token, session_token.TTL_S)


def take_back() -> None:
    """Have the browser forget its session cookie."""
    _set_cookie("", 0)
