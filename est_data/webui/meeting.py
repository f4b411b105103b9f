"""Mötesläge's parts, drawn by ``pages/oversikt.py``: the kiosk link, a screen that fits
the projector without scrolling, the key figures, and the lists in tabs.

The layout: one header line (title, period, what is counted), then the map at the
window's full height on the left and the figures beside it. Heights follow the window
(CSS ``100vh``), so the same page fits 1280×720 and 1920×1080; whatever a small window
cannot hold scrolls inside the figures' column, never the page.

The kiosk link is ``?mote=1`` (``&uppdatera=N``: re-read every N minutes); the meeting
role starts in Mötesläge.
"""
from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from est_data.core import auth, fmt
from est_data.overview import display, since
from est_data.webui import style

MODE_KEY = "moteslage"  # the toggle's key
REFRESH_AT = "_mote_refreshed_at"
REFRESH_LIMITS = (1, 240)
SIDE_KEY = "mote_side"
HEADER_PX = 140  # the header line, the page's padding and the gaps, at any window size

FIT_CSS = f"""<style>
[data-testid="stMainBlockContainer"] {{padding: 0.6rem 1.4rem 0 1.4rem !important;}}
[data-testid="stMain"] h1 {{font-size: 2.1rem !important; padding: 0.1rem 0 0.2rem 0 !important;
  line-height: 1.2 !important; min-height: 2.6rem;}}
iframe[title="streamlit_folium.st_folium"] {{height: calc(100vh - {HEADER_PX}px) !important;}}
.st-key-{SIDE_KEY} {{max-height: calc(100vh - {HEADER_PX}px); overflow-y: auto;
  overflow-x: hidden;}}
.st-key-{SIDE_KEY} [data-testid="stMetricValue"] p {{font-size: 2.5rem !important;}}
.st-key-{SIDE_KEY} [data-testid="stMetricLabel"] p {{font-size: 1.15rem !important;}}
.st-key-{SIDE_KEY} [data-testid="stMetricDelta"] p {{font-size: 1.05rem !important;}}
.st-key-{SIDE_KEY} p, .st-key-{SIDE_KEY} li {{font-size: 1.15rem !important;}}
.st-key-{SIDE_KEY} [data-testid="stTable"] table {{font-size: 1.15rem !important;}}
.st-key-mote_head p {{font-size: 1.02rem !important; line-height: 1.3 !important;}}
.st-key-mote_head {{gap: 0.1rem !important;}}
@media (max-width: 1150px) {{  /* the header's lines wrap once more */
  iframe[title="streamlit_folium.st_folium"] {{height: calc(100vh - {HEADER_PX + 30}px) !important;}}
  .st-key-{SIDE_KEY} {{max-height: calc(100vh - {HEADER_PX + 30}px);}}
}}
.st-key-mote_head [data-testid="stCaptionContainer"] p {{font-size: 0.9rem !important;
  color: #333;}}
</style>"""


def mode_from_link(user: auth.User) -> bool:
    """Whether the page opens in Mötesläge: ``?mote=1`` yes, ``?mote=0`` no, otherwise
    the meeting role's start page is Mötesläge and everyone else's Översikt."""
    asked = st.query_params.get("mote")
    if asked in ("1", "0"):
        return asked == "1"
    return user.role == "mote"


def start_in_mode(user: auth.User) -> None:
    """Set the toggle from the link once per session (the user may switch it later)."""
    if MODE_KEY not in st.session_state:
        st.session_state[MODE_KEY] = mode_from_link(user)


def keep_link(on: bool) -> None:
    """The address bar says which view is open, so copying it gives the kiosk link."""
    if on:
        if st.query_params.get("mote") != "1":
            st.query_params["mote"] = "1"
    elif "mote" in st.query_params:
        del st.query_params["mote"]


def refresh_minutes() -> int | None:
    """``?uppdatera=N`` as whole minutes within :data:`REFRESH_LIMITS`, else None."""
    raw = st.query_params.get("uppdatera", "")
    if not raw.isdigit():
        return None
    return min(max(int(raw), REFRESH_LIMITS[0]), REFRESH_LIMITS[1])


def refresh_due(started: float, now: float, minutes: int) -> bool:
    """True when ``minutes`` have passed since the last whole run (a second's slack:
    the timer that asks fires on the minute)."""
    return now - started >= minutes * 60 - 1


@st.fragment(run_every=60)
def _refresh_tick(minutes: int) -> None:
    """Once a minute: re-run the whole page when its ``minutes`` are up (the data are
    cached on the file's version, so a new import shows on that run)."""
    if refresh_due(st.session_state.get(REFRESH_AT, time.monotonic()), time.monotonic(), minutes):
        st.rerun(scope="app")


def auto_refresh() -> str | None:
    """Start the refresh timer when the link asks for it; the caption that says so."""
    minutes = refresh_minutes()
    if minutes is None:
        return None
    st.session_state[REFRESH_AT] = time.monotonic()
    _refresh_tick(minutes)
    every = "varje minut" if minutes == 1 else f"var {fmt.num(minutes)}:e minut"
    return f"Uppdateras {every} (senast {dt.datetime.now():%H:%M})."


def fit_screen() -> None:
    """The projector look (large black type, no sidebar) sized to the window."""
    style.meeting_style()
    st.html(FIT_CSS)


def header(head, period: since.MeetingPeriod, anchor: dt.date, refresh: str | None) -> None:
    """Title, the period and its comparison, and what is counted, in ``head``."""
    view = period.view
    with head.container(key="mote_head"):
        st.title(f"Lägesbild {fmt.date(anchor)}")
        days = f" ({fmt.num(view.days)} dagar)" if period.basis != since.CYCLE else ""
        why = period.why()
        if why and period.basis == since.CHOSEN:  # rare, and the meeting should act on it
            why = f":orange[**{why.replace('**', '')}**]"
        st.markdown(f"**{period.heading()}: {fmt.date(view.start)} – {fmt.date(view.end)}{days}**, "
                    f"{period.comparison()}.")
        # One caption line, whatever it says: the map's height counts on the header's.
        st.caption(" ".join(s for s in (why, since.FILTER_IGNORED_SV, refresh) if s))


def figures(b: dict) -> None:
    """The key figures, three to a row; small counts as "<3" without their change."""
    tiles = display.meeting_tiles(b)
    for row in range(0, len(tiles), 3):
        cols = st.columns(3)
        for col, tile in zip(cols, tiles[row:row + 3]):
            col.metric(tile["label"], tile["value"], delta=tile["delta"],
                       **({} if tile["change"] is None else style.delta_style(tile["change"])))


def increases(b: dict) -> None:
    if b["increases"].empty:
        st.markdown("Inget område har fler händelser än perioden före.")
    else:
        st.table(display.increases_table(b["increases"]), hide_index=True)


def alerts_list(alerts: pd.DataFrame, new: set[tuple], meaning: str, top: int) -> None:
    """The week's unusual counts, those not flagged at the last meeting marked **Ny**."""
    if alerts.empty:
        st.markdown("Inget område har ovanligt många händelser senaste veckan.")
        return
    st.caption(meaning)
    rows = alerts.head(top)
    marks = [("**Ny:** " if k in new else "") for k in
             zip(rows["level"], rows["area_id"], rows["category"])]
    st.markdown("\n".join(f"- {m}{s}" for m, s in zip(marks, rows["sentence"])))


def measures_list(measures: pd.DataFrame, news: dict) -> None:
    """Measures new since the last meeting (**Ny**) and those still running."""
    if news["imports"]:
        st.markdown(f"**Ny data:** {fmt.num(news['imports'])} "
                    f"{'import' if news['imports'] == 1 else 'importer'} sedan förra mötet.")
    if measures.empty:
        st.markdown("Inga pågående åtgärder är registrerade.")
    elif not measures["is_new"].any():
        st.markdown("Inga nya åtgärder sedan förra mötet. Pågående:")
    for _, r in measures.iterrows():
        when = (f"**Ny {fmt.date(r['started_on'])}**" if r["is_new"]
                else f"Pågår sedan {fmt.date(r['started_on'])}")
        st.markdown(f"{when}: {r['title']}  \n{r['area_name']} · {r['actor'] or '–'}")


def narrative_text(text: str, end: dt.date) -> None:
    """Veckans lägesbild i text, to read out and to copy into the minutes."""
    st.markdown(text)
    st.download_button("Texten (TXT)", data=text.encode("utf-8"), mime="text/plain",
                       file_name=f"lagesbild_{end:%Y-%m-%d}.txt", icon=":material/download:",
                       key="mote_text_txt", on_click="ignore")
