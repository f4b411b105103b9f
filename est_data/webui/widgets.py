"""Shared page parts drawn from data: the folium map and the week's alerts."""
from __future__ import annotations

import streamlit as st

from est_data.core import filters as flt
from est_data.webui.cache import read


def show_map(m, key: str, height: int = 620, clickable: bool = False,
             drawing: bool = False) -> dict:
    """Draw a folium map at full width. Only clicks on objects come back (and re-run
    the page) when ``clickable``, and shapes drawn with the Draw plugin when
    ``drawing``; otherwise panning and zooming never re-run it."""
    from streamlit_folium import st_folium

    returned = (["last_object_clicked"] if clickable else []) + (["all_drawings"] if drawing else [])

    # render=False: st_folium renders the map itself once more anyway; rendering the
    # whole page first as well only doubles the work (same script and header).
    return st_folium(m, key=key, height=height, use_container_width=True, render=False,
                     returned_objects=returned) or {}


def show_alerts(f: flt.IncidentFilter, limit: int = 0) -> None:
    """Area × category pairs with a week significantly above their normal level, as
    short Swedish sentences (rule and parameters: ``est_data.trends.alerts``; small
    normal levels hidden for a suppression ``limit``)."""
    from est_data.trends import alerts as alerting

    st.subheader("Ovanligt många händelser senaste veckan")
    alerts = read(alerting.area_alerts, f, limit=limit)
    st.caption(alerting.window_caption(f))
    note = read(alerting.history_note, f)
    if note:
        st.info(note)
    for sentence in alerts["sentence"].head(alerting.MAX_SENTENCES):
        st.warning(sentence, icon=":material/trending_up:")
    if len(alerts) > alerting.MAX_SENTENCES:
        st.caption(f"… och {len(alerts) - alerting.MAX_SENTENCES} till.")
    if alerts.empty and not (note or "").startswith(alerting.TOO_SHORT):
        st.success("Inget område har ovanligt många händelser av något slag senaste veckan.")


def seed_from_link(key: str, param: str, parse, default) -> None:
    """Give widget ``key`` its value from the link's ``param`` (``parse`` turns the text
    into a value, or None), or ``default``, when the session has none yet. For widgets
    whose URL form is a short code rather than what ``bind="query-params"`` would
    write (the display label)."""
    if key in st.session_state:
        return
    raw = st.query_params.get_all(param)
    if not raw and f"_link_{param}" in st.session_state:
        # Back from a page without the widget (which dropped its state and the URL).
        raw = [st.session_state[f"_link_{param}"]]
    value = parse(raw[-1] if len(raw) == 1 else raw) if raw else None
    st.session_state[key] = default if value is None else value


def keep_in_link(param: str, text: str, default_text: str) -> None:
    """Write ``text`` to the link's ``param``; leave the parameter out at its default.
    The text is kept in the session too, for :func:`seed_from_link` after a visit to
    another page."""
    st.session_state[f"_link_{param}"] = text
    if text == default_text:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != text:
        st.query_params[param] = text
