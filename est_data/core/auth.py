"""Who may see what: users and roles from configuration, password hashes.

EST partners share data under agreements, so each kind of user sees only what their
role allows (issue: trust). Users live in ``.streamlit/secrets.toml``::

    [auth.users.anna]
    name = "Anna Andersson"
    role = "analytiker"                      # rapportor | mote | analytiker | admin
    password_hash = "scrypt$16384$8$1$...$..."   # python -m est_data hash-password

A ``rapportor`` (a caretaker, a guard, a night walker) reports for one actor, named
beside the role: ``actor = "nattvandrarna"`` (the actor key of ``incidents.source``).

With no users configured the app runs open (every capability) and says so: that is the
local demo, never a shared installation.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from typing import Mapping

from est_data.core.errors import UserError

ROLES = {"rapportor": "Rapportör", "mote": "Möte", "analytiker": "Analytiker",
         "admin": "Administratör"}
# An actor key as the importer accepts it (est_data.ingest.profiles.KEY_RE).
ACTOR_KEY = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,39}$")

# Capabilities a page can require.
VIEW_AGGREGATES = "view_aggregates"      # grid cells, areas, counts
VIEW_INCIDENTS = "view_incidents"        # single incidents, points, tables of rows
VIEW_DESCRIPTIONS = "view_descriptions"  # free text, also in exports
EVALUATE = "evaluate"                    # Före/efter: exact before/after counts of one area
WRITE = "write"                          # imports, undo, measures, meetings
REPORT = "report"                        # Rapportera: a report straight into the database

PERMISSIONS: dict[str, frozenset[str]] = {
    # A reporter sees the Rapportera page and their own actor's recent reports, nothing else.
    "rapportor": frozenset({REPORT}),
    "mote": frozenset({VIEW_AGGREGATES}),
    "analytiker": frozenset({VIEW_AGGREGATES, VIEW_INCIDENTS, VIEW_DESCRIPTIONS, EVALUATE}),
    "admin": frozenset({VIEW_AGGREGATES, VIEW_INCIDENTS, VIEW_DESCRIPTIONS, EVALUATE, WRITE,
                        REPORT}),
}

# scrypt parameters (RFC 7914): n=2**14, r=8, p=1 costs ~16 MB and ~50 ms per check.
_N, _R, _P = 2 ** 14, 8, 1


class AuthConfigError(UserError, ValueError):
    """The user configuration is malformed; the message names the entry."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    actor: str | None = None  # the actor a ``rapportor`` reports for


    def can(self, capability: str) -> bool:
        return capability in PERMISSIONS[self.role]

    @property
    def role_label(self) -> str:
        return ROLES[self.role]


# The user of an installation without configured users (local demo).
OPEN_USER = User(username="lokal", name="Lokal användare (öppet läge)", role="admin")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64) for a password."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${_N}${_R}${_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of a password against a stored hash; False for junk."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                             n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


@dataclass(frozen=True)
class UserRecord:
    user: User
    password_hash: str


def load_users(secrets: Mapping | None) -> dict[str, UserRecord]:
    """Users from the ``[auth.users.*]`` tables of a secrets mapping ({} when none)."""
    if not secrets or "auth" not in secrets:
        return {}
    users_cfg = secrets["auth"].get("users", {}) if isinstance(secrets["auth"], Mapping) else {}
    users: dict[str, UserRecord] = {}
    for username, entry in users_cfg.items():
        if not isinstance(entry, Mapping):
            raise AuthConfigError(f"auth.users.{username} must be a table")
        role = entry.get("role")
        if role not in PERMISSIONS:
            raise AuthConfigError(
                f"auth.users.{username}.role must be one of {', '.join(PERMISSIONS)}, not {role!r}")
        pw = entry.get("password_hash", "")
        if not str(pw).startswith("scrypt$"):
            raise AuthConfigError(f"auth.users.{username}.password_hash must come from "
                                  "'python -m est_data hash-password'")
        actor = _actor(username, role, entry.get("actor"))
        users[str(username).lower()] = UserRecord(
            User(str(username).lower(), str(entry.get("name", username)), role, actor), str(pw))
    return users


def _actor(username: str, role: str, actor) -> str | None:
    """The actor key of a user entry: required for a ``rapportor``, optional otherwise."""
    if actor is None:
        if role == "rapportor":
            raise AuthConfigError(f"auth.users.{username}.actor is required for the role "
                                  "rapportor (the actor key, e.g. \"nattvandrarna\")")
        return None
    if not isinstance(actor, str) or not ACTOR_KEY.match(actor):
        raise AuthConfigError(f"auth.users.{username}.actor must be an actor key (lower-case "
                              f"letters, digits, _ or -), not {actor!r}")
    return actor


def authenticate(users: Mapping[str, UserRecord], username: str, password: str) -> User | None:
    """The user for a correct username and password, else None (same cost either way)."""
    record = users.get((username or "").strip().lower())
    if record is None:
        verify_password(password or "", hash_password("not a user", b"0" * 16))
        return None
    return record.user if verify_password(password or "", record.password_hash) else None
