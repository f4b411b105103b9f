"""The one module that imports Streamlit: cached reads, first-run set-up, shared widgets.

Reads share one read-only connection per version of the database file
(``est_data.store.reader``); writers write a copy and rename it over the file, so a CLI import
can write while the app is open (DESIGN.md §5). Results are cached on the file's data
version (inode, modification time and size), so a new import is seen on the next run.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import time
import tomllib
from typing import Any, Callable

import duckdb
import streamlit as st

from est_data.store import audit
from est_data.core import auth
from est_data.core import filters as flt
from est_data.overview import queries
from est_data.store import reader
from est_data.core.config import db_path
from est_data.store.db import write_session
from est_data.store.dbfile import DatabaseError
from est_data.store.schema import SCHEMA_VERSION, SchemaError, current_version


def _leave_pages_directory_mode() -> None:
    """Make the first run after a server start go through ``app.py``.

    Streamlit treats a ``pages/`` folder next to the main script as the old (v1)
    multipage layout until the first ``st.navigation`` call; until then a direct link
    such as ``/karta`` runs ``pages/karta.py`` on its own, without the frame (no
    sign-in, no navigation). The flag is process-wide: clearing it and rerunning once
    routes that first request through ``app.py`` like every later one.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_directory_mode()


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


def show_map(m, key: str, height: int = 620, clickable: bool = False) -> dict:
    """Draw a folium map at full width. Only clicks on objects come back (and re-run
    the page) when ``clickable``; otherwise panning and zooming never re-run it."""
    from streamlit_folium import st_folium

    # render=False: st_folium renders the map itself once more anyway; rendering the
    # whole page first as well only doubles the work (same script and header).
    return st_folium(m, key=key, height=height, use_container_width=True, render=False,
                     returned_objects=["last_object_clicked"] if clickable else []) or {}


def deferred(fn: Callable, *args, **kwargs) -> Callable[[], Any]:
    """A no-argument callable running ``fn(con, *args, **kwargs)`` on a read-only
    cursor, for ``st.download_button(data=...)``: the file is made only
    when someone clicks (in another thread, so no Streamlit calls and no cache)."""
    def run():
        with reader.cursor(db_path()) as con:
            return fn(con, *args, **kwargs)
    return run


MEETING_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"] {display: none !important;}
[data-testid="stMainBlockContainer"] {padding-top: 1.2rem; max-width: 100%;}
[data-testid="stMain"] {color: #000;}
[data-testid="stMain"] p, [data-testid="stMain"] li {font-size: 1.35rem; line-height: 1.45;}
[data-testid="stMain"] h1 {font-size: 2.9rem; color: #000;}
[data-testid="stMain"] h3 {font-size: 1.9rem; color: #000;}
[data-testid="stMetricLabel"] p {font-size: 1.4rem !important; font-weight: 600; color: #000;}
[data-testid="stMetricValue"] p {font-size: 3.6rem !important; font-weight: 700; color: #000;
  line-height: 1.15;}
[data-testid="stMetricDelta"] {font-size: 1.25rem; font-weight: 700;}
[data-testid="stMetricDelta"] p {font-size: 1.25rem !important;}
[data-testid="stTable"] table {font-size: 1.35rem; color: #000;}
[data-testid="stTable"] th {color: #000; font-weight: 700;}
</style>
"""


def delta_style(change: float) -> dict[str, str]:
    """``st.metric`` colour and arrow for a change where more incidents is worse.

    Set explicitly: Streamlit reads the direction from a leading ASCII ``-``, and our
    Swedish numbers use a real minus sign (``fmt.signed``), which it takes for a rise.
    """
    if change > 0:
        return {"delta_color": "red", "delta_arrow": "up"}
    if change < 0:
        return {"delta_color": "green", "delta_arrow": "down"}
    return {"delta_color": "gray", "delta_arrow": "off"}


def show_alerts(f: flt.IncidentFilter) -> None:
    """Area × category pairs with a week significantly above their normal level, as
    short Swedish sentences (rule and parameters: ``est_data.trends.alerts``)."""
    from est_data.trends import alerts as alerting

    st.subheader("Ovanligt många händelser senaste veckan")
    alerts = read(alerting.area_alerts, f)
    st.caption(alerting.window_caption(f))
    for sentence in alerts["sentence"].head(alerting.MAX_SENTENCES):
        st.warning(sentence, icon=":material/trending_up:")
    if len(alerts) > alerting.MAX_SENTENCES:
        st.caption(f"… och {len(alerts) - alerting.MAX_SENTENCES} till.")
    if alerts.empty:
        st.success("Inget område har ovanligt många händelser av något slag senaste veckan.")


# Streamlit has no locale setting. Its file uploader says "Upload" and "200MB per file"
# (our uploaders' labels already name the file types and the size limit), and text fields
# show "Press Enter to apply". The stylesheet puts Swedish words in the dropzone and hides
# the typing hints; the widgets themselves are unchanged.
SWEDISH_WIDGETS_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {font-size: 0;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Välj fil"; font-size: 1rem;}
[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0;}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "eller dra och släpp filen här"; font-size: 0.875rem;}
[data-testid="InputInstructions"] {display: none;}
</style>
"""


def swedish_widgets() -> None:
    """Swedish texts where Streamlit's widgets speak English (every run, from app.py)."""
    st.html(SWEDISH_WIDGETS_CSS)


def table(data, **kwargs):
    """``st.dataframe`` as every page wants it: a missing value shows as "–" (Streamlit
    writes "None"), no index column, the full width. Keyword arguments pass through."""
    kwargs.setdefault("placeholder", "–")
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    return st.dataframe(data, **kwargs)


def meeting_style() -> None:
    """Projector look for the meeting view: no sidebar or toolbar, large black type."""
    st.html(MEETING_CSS)


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


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    return current_version(con)


def ensure_database() -> bool:
    """Build the demo database on first start when none exists. Returns True if the
    database is usable; otherwise shows a Swedish message with the way back."""
    path = db_path()
    if not path.exists():
        from est_data.demo.build import build_demo_file

        with st.spinner("Första start: bygger demodatabasen för Östersund (tar några sekunder) …"):
            try:
                build_demo_file(path)
                st.toast("Demodatabasen är skapad.")
            except FileExistsError:
                pass  # another session built it while this one waited for the lock
    try:
        if read(schema_version) < SCHEMA_VERSION:
            # A database from an earlier version of the app: upgrade it once (the
            # migrations only add), copy-on-write like every other write.
            with st.spinner("Uppgraderar databasen till den nya versionen av appen …"):
                with write_session(path):
                    pass
        read(queries.data_span)
    except (DatabaseError, SchemaError, duckdb.Error) as exc:
        st.error(
            "**Databasen kan inte läsas.**\n\n"
            f"Filen `{path}` är skadad, låst eller skriven av en nyare version av appen.\n\n"
            "Vägen tillbaka:\n"
            "- återställ senaste säkerhetskopian (`python -m est_data backup` skriver dem "
            "till `data/backups/`) genom att kopiera den till databasens plats,\n"
            "- eller bygg om databasen från de sparade originalfilerna: "
            "`python -m est_data rebuild`,\n"
            "- eller peka ut en annan fil med miljövariabeln `EST_DB`.\n\n"
            f"Tekniskt fel: `{exc}`"
        )
        return False
    return True


# --- The shared filter sidebar ----------------------------------------------------------

_DEFAULTS = {"f_preset": "30d", "f_categories": [], "f_sources": [], "f_areas": [],
             "f_weekdays": [], "f_hours": (0, 23), "f_duplicates": False}
_KEYS = ("f_preset", "f_start", "f_end", "f_categories", "f_sources", "f_areas",
         "f_weekdays", "f_hours", "f_duplicates")


def _init_from_url(look: dict, presets: set[str]) -> None:
    """On the first run of a session, seed the widgets from the URL."""
    if st.session_state.get("_filters_initialised"):
        return
    p = flt.from_query_params(
        dict(st.query_params), categories=set(look["categories"]), sources=set(look["sources"]),
        areas=set(look["areas"]), presets=presets)
    st.session_state.f_preset = p.preset or ("anpassad" if p.start and p.end else "30d")
    if p.start and p.end:
        st.session_state.f_start, st.session_state.f_end = p.start, p.end
    st.session_state.f_categories = list(p.categories)
    st.session_state.f_sources = list(p.sources)
    st.session_state.f_areas = list(p.areas)
    st.session_state.f_weekdays = list(p.weekdays)
    hours = p.hours or flt.ALL_HOURS
    st.session_state.f_hours = (min(hours), max(hours))
    st.session_state.f_duplicates = p.include_duplicates
    st.session_state._filters_initialised = True


def filter_sidebar() -> flt.IncidentFilter:
    """The filter widgets every analysis page shares; keeps the URL in step.

    Each page calls it first. The values survive switching pages: Streamlit drops a
    widget's state when a run does not draw it, so every key is re-assigned to itself
    before the widgets are drawn (the documented way to keep widget state).
    """
    keep_filter_state()
    # A page without the sidebar (opened in between) may have let some keys lapse.
    for key, default in _DEFAULTS.items():
        if key not in st.session_state and st.session_state.get("_filters_initialised"):
            st.session_state[key] = default
    look = read(queries.lookups)
    first, last = read(queries.data_span)
    anchor = read(queries.anchor_date)
    meeting = read(queries.last_meeting, anchor)
    available = {k: v for k, v in flt.PRESETS.items()
                 if k == "anpassad" or flt.preset_period(k, anchor, meeting)}
    _init_from_url(look, set(available))
    if st.session_state.get("f_preset") not in available:
        st.session_state.f_preset = "30d"
    sb = st.sidebar
    sb.header("Filter")
    preset = sb.selectbox("Period", list(available), format_func=available.get, key="f_preset")
    if preset == "anpassad":
        lo = first or anchor - dt.timedelta(days=365)
        st.session_state.setdefault("f_start", anchor - dt.timedelta(days=29))
        st.session_state.setdefault("f_end", anchor)
        c1, c2 = sb.columns(2)
        start = c1.date_input("Från", key="f_start", min_value=lo, max_value=last or anchor,
                              format="YYYY-MM-DD")
        end = c2.date_input("Till", key="f_end", min_value=lo, max_value=last or anchor,
                            format="YYYY-MM-DD")
        if start > end:
            sb.warning("Från-datum ligger efter till-datum; datumen har bytt plats.")
            start, end = end, start
    else:
        start, end = flt.preset_period(preset, anchor, meeting)
        sb.caption(f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"
                   + (f" (förra mötet {meeting:%Y-%m-%d})" if preset == "mote" else ""))
    cats = sb.multiselect("Kategorier", list(look["categories"]), key="f_categories",
                          format_func=look["categories"].get, placeholder="Alla kategorier")
    sources = sb.multiselect("Aktörer", list(look["sources"]), key="f_sources",
                             format_func=look["sources"].get, placeholder="Alla aktörer")
    areas = sb.multiselect("Områden", list(look["areas"]), key="f_areas",
                           format_func=look["areas"].get, placeholder="Hela kommunen")
    with sb.expander("Veckodag och tid på dygnet"):
        weekdays = st.multiselect("Veckodagar", list(range(1, 8)), key="f_weekdays",
                                  format_func=lambda d: flt.WEEKDAYS_SV[d - 1],
                                  placeholder="Alla dagar")
        h0, h1 = st.slider("Klockslag (timme)", 0, 23, key="f_hours")
        dupes = st.checkbox("Visa dubbletter (samma händelse från flera aktörer)",
                            key="f_duplicates")
    sb.caption(":material/link: Länken i adressfältet visar samma vy med samma filter: "
               "kopiera den för att dela vyn.")
    hours = tuple(range(h0, h1 + 1)) if (h0, h1) != (0, 23) else ()
    f = flt.IncidentFilter(start=start, end=end, categories=tuple(cats), sources=tuple(sources),
                           areas=tuple(areas), weekdays=tuple(sorted(weekdays)), hours=hours,
                           include_duplicates=dupes)
    _sync_url(flt.to_query_params(f, preset))
    return f


def _sync_url(params: dict[str, str]) -> None:
    """Put the filter in the URL; other parameters (a page's widgets bound with
    ``bind="query-params"``, such as the map's layers) are left alone."""
    for key in flt.URL_KEYS:
        if key in params:
            if st.query_params.get(key) != params[key]:
                st.query_params[key] = params[key]
        elif key in st.query_params:
            del st.query_params[key]


# --- Sign-in and roles ---------------------------------------------------------------------

def _secrets() -> dict:
    """User configuration: ``$EST_USERS_FILE`` (a TOML file) or ``.streamlit/secrets.toml``."""
    path = os.environ.get("EST_USERS_FILE")
    if path:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file: Streamlit raises its own not-found error
        return {}


def configured_users() -> dict[str, auth.UserRecord]:
    return auth.load_users(_secrets())


def current_user() -> auth.User | None:
    """The signed-in user; the open local user when no users are configured."""
    if not configured_users():
        return auth.OPEN_USER
    return st.session_state.get("_user")


def sign_in() -> auth.User | None:
    """Show the sign-in form until a configured user signs in; None while signed out."""
    try:
        users = configured_users()
    except (auth.AuthConfigError, OSError, tomllib.TOMLDecodeError) as exc:
        st.error(f"**Inloggningen är felaktigt konfigurerad.** {exc}")
        return None
    if not users:
        st.sidebar.info("Öppet läge: ingen inloggning är konfigurerad. Använd bara så här "
                        "med demodata på den egna datorn.", icon=":material/lock_open:")
        return auth.OPEN_USER
    user = st.session_state.get("_user")
    if user is not None:
        st.sidebar.caption(f"Inloggad: **{user.name}** ({user.role_label})")
        if st.sidebar.button("Logga ut", key="logout"):
            del st.session_state["_user"]
            st.rerun()
        return user
    st.title("EST Lägesbild")
    with st.form("login"):
        st.subheader("Logga in")
        username = st.text_input("Användarnamn", key="login_user")
        password = st.text_input("Lösenord", type="password", key="login_password")
        submitted = st.form_submit_button("Logga in", type="primary")
    if submitted:
        user = auth.authenticate(users, username, password)
        if user is None:
            time.sleep(0.5)  # slows guessing
            st.error("Fel användarnamn eller lösenord.")
        else:
            st.session_state["_user"] = user
            st.rerun()
    return None


def require(capability: str) -> auth.User:
    """Stop the page with a Swedish message unless the user has ``capability``."""
    user = current_user()
    if user is None:
        st.warning("Logga in för att se den här sidan.")
        st.stop()
    if not user.can(capability):
        st.warning(f"Din roll ({user.role_label}) ger inte tillgång till den här sidan.")
        st.stop()
    return user


# --- Writes and pages without the shared filter ------------------------------------------

def write(fn: Callable, *args, **kwargs) -> Any:
    """Call ``fn(con, *args, **kwargs)`` in a copy-on-write session and log it.

    The write and its audit entry land together or not at all (``db.write_session``);
    an open reader never blocks it. The cached reads see the change on the next run
    (the data version changes). Only users with the ``write`` capability may call it.
    """
    user = require(auth.WRITE)
    action = audit.action_name(fn)
    details = ", ".join(str(a) for a in args)[:500] or None
    with write_session(db_path()) as con:
        result = fn(con, *args, **kwargs)
        audit.record(con, user.username, action, details)
    return result


def keep_filter_state() -> None:
    """For pages that do not draw the filter sidebar: keep its values for the others.

    Streamlit drops a widget's state after a run that does not draw it; re-assigning
    each key to itself keeps it (the documented way).
    """
    for key in _KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
