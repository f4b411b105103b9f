"""Near repeats on the pages: the warning of Översikt and Mötesläge (sentences and a
small map of the zones) and the Knox table of Trender's "Nära upprepning" tab.

The rule behind the warning is :mod:`est_data.nearrepeat.warning`; the meeting role and
the meeting view get the zones and the sentences without small counts, never addresses.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from est_data.core import config, fmt, privacy
from est_data.core.filters import IncidentFilter
from est_data.core.html import esc
from est_data.nearrepeat import data as nrdata, explain, warning
from est_data.webui import cache, style, widgets

ZONE_COLOR = "#b2182b"
SPACE_STEPS = {50: "50 m", 100: "100 m", 200: "200 m"}
TIME_STEPS = {7: "7 dagar", 14: "14 dagar", 30: "30 dagar"}
PERMUTATION_CHOICES = (99, 199, 499, 999)


def zone_map(zones: dict, large: bool = False):
    """A small folium map of the zones (GeoJSON from ``warning.zone_geojson``)."""
    import folium

    from est_data import maps  # noqa: F401  (points folium at the app's own assets)

    lons = [p[0] for f in zones["features"] for p in f["geometry"]["coordinates"][0]]
    lats = [p[1] for f in zones["features"] for p in f["geometry"]["coordinates"][0]]
    m = folium.Map(location=[sum(lats) / len(lats), sum(lons) / len(lons)], zoom_start=15,
                   tiles=config.map_tiles(), control_scale=True)
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    for feature in zones["features"]:
        safe = {**feature, "properties": {"sentence": esc(feature["properties"]["sentence"])}}
        folium.GeoJson(
            safe, style_function=lambda _: {"color": ZONE_COLOR, "weight": 3 if large else 2,
                                            "fillColor": ZONE_COLOR, "fillOpacity": 0.18},
            tooltip=folium.GeoJsonTooltip(fields=["sentence"], labels=False)).add_to(m)
    return m


def show_warning(f: IncidentFilter, limit: int = 0, meeting: bool = False) -> None:
    """The near-repeat warnings at the filter's end, when the test supports them;
    nothing at all otherwise. ``meeting``: the projector (no addresses, no count under
    the small-count limit whatever the role, a larger map)."""
    if f.categories and nrdata.BURGLARY not in f.categories:
        return
    if meeting:  # the projector suppresses small counts for every role (as its tiles)
        limit = max(limit, privacy.SUPPRESS_BELOW)
    w = cache.read(warning.warnings, warning.normalized(f))
    if not w.groups:
        return
    shown = w.groups[:warning.MAX_SHOWN]
    if meeting:
        st.markdown("### Nära upprepade inbrott")
    else:
        st.subheader("Nära upprepade inbrott")
    for g in shown:
        st.warning(g.sentence(limit), icon=":material/home_pin:")
    if len(w.groups) > len(shown):
        st.caption(f"… och {fmt.num(len(w.groups) - len(shown))} till.")
    st.caption(
        f"Inbrott nära varandra i tid och rum är vanligare än slumpen ger här: Knox-test på "
        f"inbrotten {fmt.date(w.window[0])} – {fmt.date(w.window[1])} (inom "
        f"{fmt.num(w.distance_m)} m och {fmt.num(w.days)} dagar, falsk upptäcktsandel "
        f"{fmt.num(warning.FDR * 100)} %). Zonen på kartan visar var grannarna löper "
        "förhöjd risk; den pekar inte ut någon adress.")
    widgets.show_map(zone_map(warning.zone_geojson(shown, limit), large=meeting),
                     key="nr_zone_map_mote" if meeting else "nr_zone_map",
                     height=420 if meeting else 320)
    if not meeting and not limit:
        with st.expander("Adresser (endast inom EST-gruppen)"):
            # A table, not Markdown: an address is text from a partner's file.
            style.table(pd.DataFrame({"Från": [fmt.date(g.first) for g in shown],
                                      "Till": [fmt.date(g.last) for g in shown],
                                      "Adresser": [", ".join(g.addresses) for g in shown]}),
                        key="nr_addresses")


def _band_controls() -> tuple[tuple[float, ...], tuple[int, ...], int, bool]:
    c1, c2, c3, c4, c5 = st.columns(5)
    step = c1.selectbox("Avståndsband", list(SPACE_STEPS), format_func=SPACE_STEPS.get,
                        key="nr_space_step", index=1)
    n_space = c2.number_input("Antal avståndsband", 1, 8, 4, key="nr_space_n")
    days = c3.selectbox("Tidsband", list(TIME_STEPS), format_func=TIME_STEPS.get,
                        key="nr_time_step")
    n_time = c4.number_input("Antal tidsband", 1, 8, 4, key="nr_time_n")
    perms = c5.selectbox("Slumpningar", PERMUTATION_CHOICES, key="nr_perms",
                         format_func=fmt.num)
    o1, o2 = st.columns(2)
    same = o1.toggle("Egen rad för samma plats", value=True, key="nr_same_place")
    only = o2.toggle("Bara inbrott", value=True, key="nr_only_burglary",
                     help="Testet görs på inbrotten i filtret; stäng av för att pröva "
                          "filtrets kategorier.")
    space = ((0.0,) if same else ()) + tuple(float(step * k) for k in range(1, int(n_space) + 1))
    return space, tuple(days * k for k in range(1, int(n_time) + 1)), int(perms), only


def knox_tab(f: IncidentFilter) -> None:
    """The Knox table with its controls and explanation (analysts only: pair counts of
    single incidents)."""
    from dataclasses import replace

    st.subheader("Nära upprepning (Knox-test)")
    space, times, perms, only = _band_controls()
    tested = replace(f, categories=(nrdata.BURGLARY,)) if only else f
    try:
        r = cache.read(nrdata.knox_table, tested, space, times, perms)
    except nrdata.TooManyPairs:
        st.warning("För många par att pröva: välj en kortare period, färre områden eller "
                   "smalare avståndsband.")
        return
    if r.n_events < 2:
        st.info("För få händelser med känd punkt eller adress i filtret för att pröva.")
        return
    if tested.days < 4 * max(times):
        st.caption(f"Kort period för tidsbanden: välj gärna minst {fmt.num(4 * max(times))} "
                   "dagar (helst ett halvår eller ett år) i sidopanelen.")
    st.caption(f"{fmt.num(r.n_events)} händelser med känd punkt eller adress, "
               f"{fmt.period(tested.start, tested.end)}. Varje ruta: kvot observerat/"
               f"förväntat antal par (p-värde); * = p ≤ {fmt.num(0.05, 2)} och fler än väntat.")
    style.table(explain.table_texts(r), hide_index=False, key="nr_table")
    with st.expander("Antal par per ruta"):
        counts = explain.counts_frame(r)
        style.table(fmt.styled(counts, {"Observerat": fmt.num, "Förväntat": lambda v: fmt.num(v, 1),
                                        "Kvot": lambda v: fmt.num(v, 2),
                                        "p": lambda v: fmt.num(v, 3)}), key="nr_counts")
    st.markdown(explain.explanation(perms))
