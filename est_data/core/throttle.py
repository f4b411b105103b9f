"""Slow down password guessing: failures are counted per user name and per client address.

Every browser session of one server runs in the same process, so one throttle object
(kept by the web layer for the process) sees the guesses of all sessions together. After
``max_failures`` failed sign-ins within ``window_s`` seconds the key is locked for
``lockout_s`` seconds; a successful sign-in clears the user name's failures. Locks are
kept in memory: a server restart clears them, which is acceptable for a guard whose job
is to turn thousands of guesses per hour into a handful.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

MAX_KEYS = 10_000  # bounded memory, however many names an attacker tries
MAX_KEY_CHARS = 200  # ... and however long they are


def client_key(remote_ip: object, forwarded_for: str | None) -> str | None:
    """The client address to count failures under, or None (count per user name only).

    ``remote_ip`` is the connection's address (Streamlit gives None for a local one). A
    direct client's own ``X-Forwarded-For`` is not believed; on a local connection (a
    reverse proxy on the same machine) the header's last entry is the address that proxy
    saw. Locally without a proxy there is no address to tell clients apart.
    """
    if isinstance(remote_ip, str) and remote_ip.strip():
        return remote_ip.strip()
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    return hops[-1] if hops else None


def wait_text_sv(seconds: float) -> str:
    """A wait in Swedish words: "15 minuter", "1 minut", "13 sekunder"."""
    if seconds > 60:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minuter"
    if seconds == 60:
        return "1 minut"
    secs = max(1, math.ceil(seconds))
    return "1 sekund" if secs == 1 else f"{secs} sekunder"


@dataclass(frozen=True)
class Rule:
    """``max_failures`` within ``window_s`` seconds lock the key for ``lockout_s`` seconds."""
    max_failures: int
    window_s: float
    lockout_s: float


PER_USER = Rule(max_failures=5, window_s=15 * 60, lockout_s=15 * 60)
PER_CLIENT = Rule(max_failures=20, window_s=15 * 60, lockout_s=15 * 60)


@dataclass(frozen=True)
class Lockout:
    """A lock that a failure has just started: what the audit log records."""
    kind: str          # "user" or "client"
    key: str
    until_s: float     # clock time when it ends
    seconds: float


@dataclass
class _Key:
    failures: deque = field(default_factory=deque)
    locked_until: float = 0.0


class SignInThrottle:
    """Counts failed sign-ins per user name and per client address (thread-safe)."""

    def __init__(self, per_user: Rule = PER_USER, per_client: Rule = PER_CLIENT,
                 clock: Callable[[], float] = time.monotonic):
        self._rules = {"user": per_user, "client": per_client}
        self._keys: dict[tuple[str, str], _Key] = {}
        self._clock = clock
        self._lock = threading.Lock()

    @staticmethod
    def _norm(kind: str, key: str | None) -> str:
        key = (key or "").strip()[:MAX_KEY_CHARS]
        return key.casefold() if kind == "user" else key

    def _pairs(self, username: str | None, client: str | None):
        for kind, key in (("user", username), ("client", client)):
            key = self._norm(kind, key)
            if key:
                yield kind, key

    def wait_s(self, username: str | None, client: str | None) -> float:
        """Seconds until this user name and client may try again (0 when they may now)."""
        now = self._clock()
        with self._lock:
            waits = [self._keys[(k, v)].locked_until - now for k, v in self._pairs(username, client)
                     if (k, v) in self._keys]
        return max([0.0, *waits])

    def failure(self, username: str | None, client: str | None) -> list[Lockout]:
        """Count one failed sign-in; the locks it starts (empty when none)."""
        now = self._clock()
        started = []
        with self._lock:
            for kind, key in self._pairs(username, client):
                rule = self._rules[kind]
                entry = self._entry(kind, key)
                entry.failures.append(now)
                while entry.failures and entry.failures[0] <= now - rule.window_s:
                    entry.failures.popleft()
                if len(entry.failures) >= rule.max_failures and entry.locked_until <= now:
                    entry.locked_until = now + rule.lockout_s
                    entry.failures.clear()
                    started.append(Lockout(kind, key, entry.locked_until, rule.lockout_s))
        return started

    def success(self, username: str | None) -> None:
        """A correct password clears the user name's failures (not a lock in force)."""
        with self._lock:
            entry = self._keys.get(("user", self._norm("user", username)))
            if entry is not None:
                entry.failures.clear()

    def _entry(self, kind: str, key: str) -> _Key:
        if (kind, key) not in self._keys and len(self._keys) >= MAX_KEYS:
            now = self._clock()
            stale = [k for k, e in self._keys.items() if e.locked_until <= now]
            for k in stale[: max(1, len(stale) // 2)] or list(self._keys)[:1]:
                del self._keys[k]
        return self._keys.setdefault((kind, key), _Key())
