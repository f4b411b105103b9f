"""Every write is logged with who and when (the ``audit_log`` table)."""
from __future__ import annotations

import datetime as dt
import getpass
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from est_data.core.config import TIMEZONE
from est_data.store.sqlutil import fetch_df


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
