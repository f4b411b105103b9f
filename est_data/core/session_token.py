"""Signed, expiring sign-in tokens: a reload or a shared link keeps the user signed in.

Streamlit keeps session state in the websocket, so a reload is a new session. The web
layer stores one of these tokens in a cookie (read back through ``st.context.cookies``)
and signs the user in again from it. The token holds no secret and no role: only the user
name, an expiry, a random id and a fingerprint of the user's password hash, signed with
HMAC-SHA256 (RFC 2104). The role is looked up in the user configuration on every use, so a
changed role applies at once; a changed password or a removed user invalidates the token.
A token is never put in a URL.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets as pysecrets
import threading
from dataclasses import dataclass
from pathlib import Path

COOKIE_NAME = "est_session"
TTL_S = 12 * 3600           # a working day; after that the user signs in again
SECRET_BYTES = 32


@dataclass(frozen=True)
class Claims:
    username: str
    expires: int
    token_id: str
    fingerprint: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(password_hash: str) -> str:
    """A short digest of the stored password hash (changes when the password changes)."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def issue(username: str, password_hash: str, secret: bytes, now: float,
          ttl_s: int = TTL_S) -> str:
    """A token for ``username`` valid for ``ttl_s`` seconds from ``now`` (Unix time)."""
    body = {"u": username, "exp": int(now) + int(ttl_s), "id": pysecrets.token_hex(8),
            "fp": fingerprint(password_hash)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_sign(secret, payload)}"


def verify(token: str | None, secret: bytes, now: float) -> Claims | None:
    """The token's claims when its signature is right and it has not expired; else None."""
    if not token or not isinstance(token, str) or token.count(".") != 1 or len(token) > 2048:
        return None
    payload, signature = token.split(".")
    try:
        if not hmac.compare_digest(_sign(secret, payload), signature):
            return None
        body = json.loads(_unb64(payload))
        claims = Claims(str(body["u"]), int(body["exp"]), str(body["id"]), str(body["fp"]))
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None
    return claims if claims.expires > now else None


def load_or_create_secret(path: Path) -> bytes:
    """The server's signing key, created once (owner-only file) beside the database."""
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(SECRET_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:            # another process created it first: use theirs
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex())
    return key


class Revoked:
    """Token ids signed out in this server process (a signed-out token stays refused)."""

    def __init__(self):
        self._ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, claims: Claims) -> None:
        with self._lock:
            self._ids[claims.token_id] = claims.expires

    def __contains__(self, claims: Claims) -> bool:
        with self._lock:
            return claims.token_id in self._ids

    def prune(self, now: float) -> None:
        with self._lock:
            for token_id in [t for t, exp in self._ids.items() if exp <= now]:
                del self._ids[token_id]
