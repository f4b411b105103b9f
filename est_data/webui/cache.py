"""Reads and writes from the pages: cached reads on the file's data version, writes
copy-on-write with an audit entry.

Reads share one read-only connection per version of the database file
(``est_data.store.reader``); writers write a copy and rename it over the file, so a CLI import
can write while the app is open (README §5). Results are cached on the file's data
version (inode, modification time and size), so a new import is seen on the next run.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

import streamlit as st

from est_data.core import auth
from est_data.core.config import db_path
from est_data.store import audit, reader
from est_data.store.db import write_session
from est_data.webui.signin import user_with


def data_version() -> tuple:
    """Changes whenever the database file (or its write-ahead log) changes."""
    return reader.file_version(db_path())


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, version: tuple, args: tuple, kwargs: tuple) -> Any:
    module, _, func = name.rpartition(".")
    fn = getattr(importlib.import_module(module), func)
    with reader.cursor(db_path()) as con:
        return fn(con, *args, **dict(kwargs))


def read(fn: Callable, *args, **kwargs) -> Any:
    """Call ``fn(con, *args, **kwargs)`` on a read-only cursor, cached on the data
    version. ``fn`` must be a module-level function of ``est_data``."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _cached(name, data_version(), args, tuple(sorted(kwargs.items())))


def deferred(fn: Callable, *args, **kwargs) -> Callable[[], Any]:
    """A no-argument callable running ``fn(con, *args, **kwargs)`` on a read-only
    cursor, for ``st.download_button(data=...)``: the file is made only
    when someone clicks (in another thread, so no Streamlit calls and no cache)."""
    def run():
        with reader.cursor(db_path()) as con:
            return fn(con, *args, **kwargs)
    return run


def write(fn: Callable, *args, **kwargs) -> Any:
    """Call ``fn(con, *args, **kwargs)`` in a copy-on-write session and log it.

    The write and its audit entry land together or not at all (``db.write_session``);
    an open reader never blocks it. The cached reads see the change on the next run
    (the data version changes). Only users with the ``write`` capability may call it.
    """
    user = user_with(auth.WRITE)
    action = audit.action_name(fn)
    details = ", ".join(str(a) for a in args)[:500] or None
    with write_session(db_path()) as con:
        result = fn(con, *args, **kwargs)
        audit.record(con, user.username, action, details)
    return result
