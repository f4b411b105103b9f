"""The shared filter sidebar: its widgets, their state across pages, and the URL.

Streamlit drops a widget's state after a run that does not draw it; re-assigning each
key to itself keeps it (the documented way), so pages without the sidebar call
``keep_filter_state``.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from est_data.core import auth, filters as flt
from est_data.incidents import queries
from est_data.webui.cache import read
from est_data.webui.signin import current_user

_DEFAULTS = {"f_preset": "30d", "f_categories": [], "f_sources": [], "f_areas": [],
             "f_weekdays": [], "f_hours": (0, 23), "f_duplicates": False, "f_text": ""}
_KEYS = ("f_preset", "f_start", "f_end", "f_categories", "f_sources", "f_areas",
         "f_weekdays", "f_hours", "f_duplicates", "f_text")
#: Session key of the shape drawn on the map (a DrawnShape, not a widget's value).
SHAPE_KEY = "f_shape"



def keep_filter_state() -> None:
    """For pages that do not draw the filter sidebar: keep its values for the others."""
    for key in _KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


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
    st.session_state[SHAPE_KEY] = p.shape
    st.session_state.f_text = p.text
    st.session_state._filters_initialised = True
    if p.ignored:
        st.session_state._link_notes = [
            "Länken innehöll värden som inte kunde användas och har ignorerats: "
            + ", ".join(p.ignored) + "."]


def _restore_state() -> None:
    """Keep the widget values, and put back any a page without the sidebar let lapse."""
    keep_filter_state()
    for key, default in _DEFAULTS.items():
        if key not in st.session_state and st.session_state.get("_filters_initialised"):
            st.session_state[key] = default


def _custom_period(first: dt.date | None, last: dt.date | None,
                   anchor: dt.date) -> tuple[dt.date, dt.date]:
    """Two date fields for the period "anpassad"; swapped (with a word) if reversed."""
    sb = st.sidebar
    lo, hi = first or anchor - dt.timedelta(days=365), last or anchor
    st.session_state.setdefault("f_start", anchor - dt.timedelta(days=29))
    st.session_state.setdefault("f_end", anchor)
    asked = st.session_state.f_start, st.session_state.f_end
    start, end, clamped = flt.clamp_period(*asked, lo, hi)
    if clamped:  # a link (or stored choice) outside the data: the date fields cannot show it
        st.session_state.f_start, st.session_state.f_end = start, end
        st.session_state.setdefault("_link_notes", []).append(
            f"Perioden {asked[0]:%Y-%m-%d} – {asked[1]:%Y-%m-%d} ligger utanför datan "
            f"({lo:%Y-%m-%d} – {hi:%Y-%m-%d}) och visas som {start:%Y-%m-%d} – {end:%Y-%m-%d}.")
    c1, c2 = sb.columns(2)
    start = c1.date_input("Från", key="f_start", min_value=lo, max_value=hi,
                          format="YYYY-MM-DD")
    end = c2.date_input("Till", key="f_end", min_value=lo, max_value=hi, format="YYYY-MM-DD")
    if start > end:
        sb.warning("Från-datum ligger efter till-datum; datumen har bytt plats.")
        start, end = end, start
    return start, end


def _period(look: dict) -> tuple[str, dt.date, dt.date]:
    """The period widgets: a preset, or two dates for "anpassad"."""
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
        return (preset, *_custom_period(first, last, anchor))
    start, end = flt.preset_period(preset, anchor, meeting)
    sb.caption(f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"
               + (f" (förra mötet {meeting:%Y-%m-%d})" if preset == "mote" else ""))
    return preset, start, end


def _choices(look: dict) -> tuple[list, list, list]:
    """Categories, actors and areas (empty = all)."""
    sb = st.sidebar
    cats = sb.multiselect("Kategorier", list(look["categories"]), key="f_categories",
                          format_func=look["categories"].get, placeholder="Alla kategorier")
    sources = sb.multiselect("Aktörer", list(look["sources"]), key="f_sources",
                             format_func=look["sources"].get, placeholder="Alla aktörer")
    areas = sb.multiselect("Områden", list(look["areas"]), key="f_areas",
                           format_func=look["areas"].get, placeholder="Hela kommunen")
    return cats, sources, areas


def _when_and_duplicates() -> tuple[list, tuple[int, ...], bool]:
    """Weekdays, hours of the day (empty = all) and whether duplicates are shown."""
    with st.sidebar.expander("Veckodag och tid på dygnet"):
        weekdays = st.multiselect("Veckodagar", list(range(1, 8)), key="f_weekdays",
                                  format_func=lambda d: flt.WEEKDAYS_SV[d - 1],
                                  placeholder="Alla dagar")
        h0, h1 = st.slider("Klockslag (timme)", 0, 23, key="f_hours")
        dupes = st.checkbox("Visa dubbletter (samma händelse från flera aktörer)",
                            key="f_duplicates")
    hours = tuple(range(h0, h1 + 1)) if (h0, h1) != (0, 23) else ()
    return weekdays, hours, dupes


def set_shape(shape: flt.DrawnShape) -> None:
    """Make a shape drawn on the map part of the filter (every page, and the link)."""
    st.session_state[SHAPE_KEY] = shape


def _clear_shape() -> None:
    st.session_state[SHAPE_KEY] = None


def _drawn_shape(user) -> flt.DrawnShape | None:
    """The shape drawn on Karta, shown as active with a button that clears it. Only for
    roles that see single incidents: counts inside freely drawn shapes, set against each
    other, would give away the small counts the meeting role must not see."""
    shape = st.session_state.get(SHAPE_KEY)
    if shape is None or user is None or not user.can(auth.VIEW_INCIDENTS):
        return None
    box = st.sidebar.container(border=True)
    what = "en cirkel" if shape.kind == "circle" else "en ritad yta"
    box.markdown(f":material/draw: **Kartfilter:** bara händelser inom {what} på kartan.")
    box.caption("Händelser som bara är kända på område eller kommun räknas inte med.")
    box.button("Ta bort kartfiltret", key="f_shape_clear", on_click=_clear_shape,
               icon=":material/close:")
    return shape


def _text(user) -> str:
    """Free-text search in descriptions, for roles that may read them (never the
    meeting role: it sees no descriptions, so it gets no box either)."""
    if user is None or not user.can(auth.VIEW_DESCRIPTIONS):
        return ""
    text = st.sidebar.text_input("Sök i beskrivningar", key="f_text", max_chars=flt.MAX_TEXT,
                                 placeholder="t.ex. trapphus",
                                 help="Visar bara händelser vars beskrivning innehåller texten "
                                      "(stora och små bokstäver lika).")
    return text.strip()


def filter_sidebar() -> flt.IncidentFilter:
    """The filter widgets every analysis page shares; keeps the URL in step.

    Each page calls it first. The values survive switching pages: every key is
    re-assigned to itself before the widgets are drawn.
    """
    _restore_state()
    look = read(queries.lookups)
    preset, start, end = _period(look)
    cats, sources, areas = _choices(look)
    weekdays, hours, dupes = _when_and_duplicates()
    user = current_user()
    text = _text(user)
    shape = _drawn_shape(user)
    st.sidebar.caption(":material/link: Länken i adressfältet visar samma vy med samma filter: "
                       "kopiera den för att dela vyn.")
    f = flt.IncidentFilter(start=start, end=end, categories=tuple(cats), sources=tuple(sources),
                           areas=tuple(areas), weekdays=tuple(sorted(weekdays)), hours=hours,
                           include_duplicates=dupes, shape=shape, text=text)
    query = flt.to_query_params(f, preset)
    _link_notes(query)
    _sync_url(query)
    return f


def _link_notes(query: dict[str, str]) -> None:
    """What the link asked for and did not get, shown until the filter is changed."""
    notes = st.session_state.get("_link_notes")
    if not notes:
        return
    if st.session_state.setdefault("_link_notes_for", query) != query:
        del st.session_state["_link_notes"], st.session_state["_link_notes_for"]
        return
    for note in notes:
        st.sidebar.warning(note, icon=":material/link_off:")


def _sync_url(params: dict[str, str]) -> None:
    """Put the filter in the URL; other parameters (a page's widgets bound with
    ``bind="query-params"``, such as the map's layers) are left alone."""
    for key in flt.URL_KEYS:
        if key in params:
            if st.query_params.get(key) != params[key]:
                st.query_params[key] = params[key]
        elif key in st.query_params:
            del st.query_params[key]
