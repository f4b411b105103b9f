"""Every write is logged with who and when (the ``audit_log`` table)."""
from __future__ import annotations

import datetime as dt
import getpass
import logging
import threading
import time
from typing import Callable
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from est_data.core.config import TIMEZONE, db_path
from est_data.store.db import write_session
from est_data.store.sqlutil import fetch_df

_LOG = logging.getLogger(__name__)
MAX_PENDING = 200  # entries kept for one spaced write; more are counted, and logged


def audited_as(action: str):
    """Give a write function its stable ``audit_log`` action name.

    The action names are part of the data contract (analysts filter the log on them), so
    they do not follow the module a function happens to live in.
    """
    def mark(fn):
        fn.audit_action = action
        return fn
    return mark


def action_name(fn) -> str:
    """The ``audit_log`` action for a write function: its stable name, else module.function."""
    return getattr(fn, "audit_action", None) or f"{fn.__module__.rpartition('.')[2]}.{fn.__name__}"


def now_local() -> dt.datetime:
    """Swedish local wall-clock time, as stored in the database."""
    return dt.datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0)


def cli_user() -> str:
    """The name the command line writes under."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user database in some containers
        return "cli"


def record(con: duckdb.DuckDBPyConnection, username: str, action: str,
           details: str | None = None) -> None:
    """Log one write. Call it inside the write's transaction, so both land or neither."""
    con.execute("INSERT INTO audit_log (logged_at, username, action, details) VALUES (?, ?, ?, ?)",
                [now_local(), username, action, details])


def recent(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The newest log entries first."""
    return fetch_df(con, "SELECT logged_at, username, action, details FROM audit_log "
                         "ORDER BY logged_at DESC, rowid DESC LIMIT ?", [int(limit)])


Entry = tuple[str, str, "str | None"]


class SpacedWriter:
    """Log entries that an outsider can cause (sign-in lockouts), at most one write per
    ``min_interval_s``.

    Every write copies the database (copy-on-write), so an entry is written at once only
    when the last write is ``min_interval_s`` old; otherwise it waits, and a timer writes
    the whole burst in one write. Guessing therefore cannot make the app copy its
    database over and over. A burst keeps at most ``MAX_PENDING`` entries and one line
    counting the rest (all of them go to the server log). No database file, no entry: the
    first start builds the demo database where the file is missing.
    """

    def __init__(self, min_interval_s: float, clock: Callable[[], float] = time.monotonic,
                 write: Callable[[list[Entry]], None] | None = None):
        self._interval = min_interval_s
        self._clock = clock
        self._write = write or _write_entries
        self._pending: list[Entry] = []
        self._left_out = 0
        self._last = -float("inf")
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def add(self, username: str, action: str, details: str | None) -> None:
        _LOG.warning("audit %s %s: %s", action, username, details)
        with self._lock:
            if len(self._pending) < MAX_PENDING:
                self._pending.append((username, action, details))
            else:
                self._left_out += 1
            wait = self._last + self._interval - self._clock()
            if wait > 0:
                if self._timer is None:
                    self._timer = threading.Timer(wait, self.flush)
                    self._timer.daemon = True
                    self._timer.start()
                return
        self.flush()

    def flush(self) -> None:
        """Write what is waiting now."""
        with self._lock:
            entries, left_out = self._pending, self._left_out
            self._pending, self._left_out, self._timer = [], 0, None
            self._last = self._clock()
        if left_out:
            entries.append(("-", entries[-1][1], f"och {left_out} till (se serverns logg)"))
        if entries:
            self._write(entries)


def _write_entries(entries: list[Entry]) -> None:
    path = db_path()
    if not path.exists():
        return
    try:
        with write_session(path, wait_s=5) as con:
            for entry in entries:
                record(con, *entry)
    except Exception:  # the server log has them (SpacedWriter.add); the app goes on
        _LOG.exception("%d audit entries could not be written", len(entries))
