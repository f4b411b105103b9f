"""First-run set-up and the database's state: build the demo file when none exists,
upgrade an older file, and stop a page kindly when there is nothing to show yet."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import streamlit as st

from est_data.core import auth
from est_data.core.config import db_path
from est_data.incidents import queries
from est_data.store.db import write_session
from est_data.store.dbfile import DatabaseError
from est_data.store.schema import SCHEMA_VERSION, SchemaError, current_version
from est_data.webui.cache import read

UNREADABLE_SV = "**Databasen kan inte läsas.**"
UNREADABLE_ASK_SV = ("Kontakta den som sköter appen: databasfilen behöver återställas "
                     "från en säkerhetskopia eller byggas om.")


def _unreadable_help(path: Path, exc: Exception) -> str:
    """The way back for whoever manages the file (it names the file and the error)."""
    return (
        f"Filen `{path}` är skadad, låst eller skriven av en nyare version av appen.\n\n"
        "Vägen tillbaka:\n"
        "- återställ senaste säkerhetskopian (`python -m est_data backup` skriver dem "
        "till `data/backups/`) genom att kopiera den till databasens plats,\n"
        "- eller bygg om databasen från de sparade originalfilerna: "
        "`python -m est_data rebuild`,\n"
        "- eller peka ut en annan fil med miljövariabeln `EST_DB`.\n\n"
        f"Tekniskt fel: `{exc}`"
    )


def _build_demo_if_missing(path: Path) -> None:
    from est_data.demo.build import build_demo_file

    with st.spinner("Första start: bygger demodatabasen för Östersund (tar några sekunder) …"):
        try:
            build_demo_file(path)
            st.toast("Demodatabasen är skapad.")
        except FileExistsError:
            pass  # another session built it while this one waited for the lock


def _upgrade_if_older(path: Path) -> None:
    """A database from an earlier version of the app is upgraded once (the migrations
    only add), copy-on-write like every other write."""
    if read(current_version) < SCHEMA_VERSION:
        with st.spinner("Uppgraderar databasen till den nya versionen av appen …"):
            with write_session(path):
                pass


def ensure_database(user: auth.User) -> bool:
    """Build the demo database on first start when none exists. Returns True if the
    database is usable; otherwise shows a Swedish message. Only a user who may write
    (who manages the file) sees its path, the technical error and the way back."""
    path = db_path()
    if not path.exists():
        _build_demo_if_missing(path)
    try:
        _upgrade_if_older(path)
        read(queries.data_span)
    except (DatabaseError, SchemaError, duckdb.Error) as exc:
        detail = _unreadable_help(path, exc) if user.can(auth.WRITE) else UNREADABLE_ASK_SV
        st.error(f"{UNREADABLE_SV}\n\n{detail}")
        return False
    return True


def data_span_or_stop(extra: str = "") -> tuple[dt.date, dt.date]:
    """First and last day with incidents; with none, a Swedish guide and the page stops."""
    first, last = read(queries.data_span)
    if first is None:
        st.info("**Databasen innehåller inga händelser ännu.**" + (f" {extra}" if extra else "")
                + " Importera aktörernas exporter på sidan **Data** eller med "
                "`python -m est_data import FIL --source AKTÖR`, eller bygg demodata med "
                "`python -m est_data demo`.")
        st.stop()
    return first, last
