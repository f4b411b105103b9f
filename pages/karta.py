"""Karta: where things happen, where it got worse, what was done there."""
import streamlit as st

from est_data.core import auth, config, fmt, privacy
from est_data import maps
from est_data.incidents import published, queries
from est_data.webui import cache, setup, sidebar, signin, style, widgets
from est_data.maps import analyst, click, drawing, incident_table, own_area
from est_data.maps import link as maplink

user = signin.require(auth.VIEW_AGGREGATES)
# The meeting role sees aggregates only: no single incidents, small counts suppressed
# (est_data.core.privacy: "<3", and "dolt" where a total would give one away).
aggregates_only = not user.can(auth.VIEW_INCIDENTS)
# Drawing a filter shape and the incident table: for roles that see single incidents.
analyst_tools = not aggregates_only
suppress = privacy.limit_for(user)
layer_names = {k: v for k, v in maps.LAYERS.items() if not (aggregates_only and k == "points")}
f = sidebar.filter_sidebar()

st.title("Karta")
first, last = setup.data_span_or_stop()

# The map's own choices live in the URL too, so a link prepared before a meeting opens the
# same map (the filters are put there by the sidebar). Layers and colouring go there as
# short codes (est_data.maps.link), not as the labels ``bind="query-params"`` would write.
default_layers = [k for k in maps.DEFAULT_LAYERS if k in layer_names]
widgets.seed_from_link("lager", "lager", maplink.layers_from_text, default_layers)
st.session_state.lager = [k for k in st.session_state.lager if k in layer_names]
layers = st.pills("Lager", list(layer_names), format_func=layer_names.get,
                  selection_mode="multi", key="lager")
widgets.keep_in_link("lager", maplink.layers_to_text(layers or []),
                     maplink.layers_to_text(default_layers))
mid, right, _ = st.columns([3, 1.3, 1], vertical_alignment="bottom")
widgets.seed_from_link("farg", "farg", maplink.measure_from_text, "count")
measure = mid.segmented_control("Färga områden efter", list(maps.AREA_MEASURES),
                                format_func=maps.AREA_MEASURES.get, key="farg") or "count"
widgets.keep_in_link("farg", maplink.measure_to_text(measure), maplink.measure_to_text("count"))
with right.popover("Kartinställningar", icon=":material/tune:", width="stretch"):
    cell = st.selectbox("Rutstorlek för täthet", [None, 50, 100, 200, 500, 1000],
                        format_func=lambda v: "Anpassad till utsnittet" if v is None else f"{v} m",
                        key="ruta", bind="query-params")
    tiles_on = st.toggle("Bakgrundskarta (OpenStreetMap)", value=config.map_tiles() is not None,
                         key="karta_tiles",
                         help="Bakgrundskartan hämtas från internet. Utan den visas områden, "
                              "täthet och ortnamn ändå.")

options = maps.MapOptions(layers=tuple(k for k in layer_names if k in (layers or [])),
                          area_measure=measure, cell_size=cell, suppress_below=suppress)
data = cache.read(maps.map_data, f, options)
shapes = cache.read(maps.area_shapes)
c, cm = data.counts, data.count_marks


def shown(key: str) -> str:
    return privacy.text(c[key], cm.get(key, privacy.SHOWN))


st.caption(
    f"**{shown('total')}** händelser i filtret, {fmt.period(f.start, f.end)}. "
    f"{shown('located')} har en plats och ritas på kartan"
    # A withheld split names every part, so it never tells which of them are zero.
    + (f"; {shown('area_only')} är bara kända på områdesnivå och räknas i områdena"
       if c["area_only"] or shown("area_only") == "–" else "")
    + (f"; **{shown('municipality_only')}** är bara kända på kommunnivå (t.ex. Polisens "
       "publicerade händelser) och syns inte på kartan"
       if c["municipality_only"] or shown("municipality_only") == "–" else "")
    + ".")
if data.heat_too_sparse:
    st.info(maps.data.HEAT_TOO_SPARSE_SV, icon=":material/info:")
if data.points_withheld:
    st.info(f"Enskilda händelser visas när filtret rymmer högst {fmt.num(maps.MAX_POINTS)} "
            f"händelser med plats (nu {fmt.num(c['located'])}). Välj en kortare period, färre "
            "kategorier eller ett område för att se dem.", icon=":material/info:")
if "hotspots" in options.layers and data.hot_note:
    st.info(data.hot_note, icon=":material/info:")

# The row chosen in the incident table below (its state is known before it is drawn).
points = cache.read(incident_table.incident_list, f) if analyst_tools else None
table_key = incident_table.table_key(f)
chosen = ((st.session_state.get(table_key) or {}).get("selection") or {}).get("rows", [])
selected = incident_table.selected_point(points, list(chosen)) if points is not None else None

m = maps.build_map(data, shapes, tiles=config.map_tiles() if tiles_on else None,
                   layer_control=False)
analyst.add_analyst_tools(m, draw=analyst_tools, shape=f.shape, selected=selected)
result = widgets.show_map(m, key="karta_map", clickable=True, drawing=analyst_tools)

# A newly drawn polygon or circle becomes part of the filter of every page.
drawn = drawing.latest_drawing(result) if analyst_tools else None
if drawn and drawn != st.session_state.get("karta_last_drawing"):
    st.session_state.karta_last_drawing = drawn
    new_shape = drawing.shape_from_geojson(drawn)
    if new_shape is None:
        st.warning("Den ritade formen kunde inte användas som filter. Rita en yta, en "
                   "rektangel eller en cirkel.")
    else:
        sidebar.set_shape(new_shape)
        st.rerun()
if analyst_tools:
    st.caption(":material/draw: Rita en yta, rektangel eller cirkel med verktygen uppe till "
               "vänster i kartan: då visar alla sidor bara händelserna inom den.")
if f.shape is not None and user.can(auth.WRITE):
    with st.popover("Spara ytan som eget område", icon=":material/save:"):
        st.caption("Ytan sparas bland områdena (typ Eget område) och kan väljas i filtret "
                   "och utvärderas under Före/efter.")
        yta_name = st.text_input("Namn", key="karta_yta_namn", max_chars=own_area.MAX_NAME)
        if st.button("Spara", key="karta_yta_spara", type="primary"):
            try:
                new_id = cache.write(own_area.save_drawn_area, yta_name, f.shape.to_text())
            except own_area.OwnAreaError as exc:
                st.error(exc.sv)
            else:
                st.success(f"Sparad som eget område ({new_id}).")
elif f.shape is not None:
    st.caption("En administratör kan spara ytan som eget område för Före/efter.")

# A new click on the map selects the area under it (focus areas first).
point = click.clicked_point(result)
if point and point != st.session_state.get("karta_last_click"):
    st.session_state.karta_last_click = point
    hit = click.area_at(shapes, *point)
    if hit:
        st.session_state.visa = hit
        st.toast(f"Siffror för {cache.read(queries.lookups)['areas'].get(hit, hit)} visas under kartan.",
                 icon=":material/south:")

if analyst_tools:
    st.subheader("Händelser i filtret")
    st.caption(f"De senaste {fmt.num(len(points))} händelserna med plats"
               + (f" (högst {fmt.num(incident_table.TABLE_ROWS)})"
                  if len(points) >= incident_table.TABLE_ROWS else "")
               + ". Klicka på en rad för att visa händelsen i kartan.")
    style.table(incident_table.table_view(points, user.can(auth.VIEW_DESCRIPTIONS)),
                key=table_key, on_select="rerun", selection_mode="single-row", height=320)

look = cache.read(queries.lookups)
st.subheader("Område")
area_id = st.selectbox("Visa siffror för", list(look["areas"]), format_func=look["areas"].get,
                       index=None, key="visa", bind="query-params",
                       placeholder="Klicka på ett område i kartan eller välj här")
if area_id:
    fig = cache.read(click.area_figures, f, area_id)
    if fig is None:
        st.warning("Området finns inte längre i databasen.")
    else:
        prev = f.previous()
        st.markdown(f"#### {fig['name']}" + (" ★ fokusområde" if fig["is_focus"] else ""))
        k1, k2, k3 = st.columns(3)
        now, before = fig["current"], fig["previous"]
        # The meeting role sees the counts as published, as in the map's tooltip.
        marks = cache.read(published.area_marks, f, suppress) if suppress else None
        row = {**fig, **(marks.loc[area_id].to_dict() if marks is not None and area_id in marks.index
                         else {})}
        m_now, m_before = (privacy.mark_of(row, c, suppress) for c in ("current", "previous"))
        small = privacy.hides(m_now, m_before)
        k1.metric("Händelser", privacy.text(now, m_now),
                  delta=None if small else f"{fmt.signed(fig['change'])} mot föregående period"
                  + (f" ({fmt.pct(fig['change_pct'])})" if fig["change_pct"] is not None else ""),
                  **({} if small else style.delta_style(fig["change"])))
        k2.metric("Föregående period", privacy.text(before, m_before),
                  help=f"{fmt.period(prev.start, prev.end)}")
        k3.metric("Per 1 000 invånare", fmt.num(fig["per_1000"], 1)
                  if fig["per_1000"] is not None and m_now == privacy.SHOWN else "–",
                  help="Händelser under perioden per 1 000 invånare. Fokusområden "
                  "saknar egen befolkningsuppgift.")
        t1, t2 = st.columns([1, 1])
        with t1:
            cat_marks = cache.read(click.category_marks, f, area_id, suppress) if suppress else None
            table = click.category_table(fig["by_category"], suppress, cat_marks)
            style.table(table if suppress else fmt.styled(
                table, {"Antal": fmt.num, "Föregående": fmt.num, "Förändring": fmt.signed}))
        with t2:
            trend = click.trend_shown(fig["trend"], suppress)
            unit = {"day": "dag", "week": "vecka", "month": "månad"}[click.trend_bucket(f)]
            st.caption(f"Händelser per {unit}, föregående och vald period"
                       + (" (antal under 3 visas inte)" if suppress else ""))
            st.altair_chart(click.trend_chart(trend, click.trend_bucket(f)), width="stretch")

