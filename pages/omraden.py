"""Områden: the stored areas, new ones from a file, and which are EST focus areas."""
import streamlit as st

from est_data.areas import admin as area_admin
from est_data.core import auth, fmt
from est_data.webui import cache, sidebar, signin, style
from est_data.core.errors import DATABASE_BUSY_SV
from est_data.store.dbfile import DatabaseError

signin.require(auth.WRITE)
sidebar.keep_filter_state()

st.title("Områden")
st.caption("Statistikområden (DeSO/RegSO) och egna områden som fokusområden. Händelser med "
           "plats räknas in i områdena automatiskt; när områden läggs till eller ersätts räknas "
           "alla händelser om.")

flash = st.session_state.pop("omr_flash", None)
if flash:
    st.success(flash)
stored = cache.read(area_admin.overview)
if stored.empty:
    st.info("Inga områden är sparade. Ladda upp en fil nedan, eller använd "
            "`python -m est_data areas import FIL`.")
else:
    shown = stored.assign(kind=stored["kind"].map(area_admin.KIND_SV).fillna(stored["kind"]))
    style.table(fmt.styled(shown[["name", "kind", "is_focus", "population", "area_km2", "incidents",
                               "area_id"]],
                        {"population": fmt.num, "incidents": fmt.num,
                         "area_km2": lambda v: fmt.num(v, 2)}),
             height=min(35 * len(stored) + 38, 420),
             column_config={"name": "Namn", "kind": "Typ",
                            "is_focus": st.column_config.CheckboxColumn("Fokusområde"),
                            "population": st.column_config.NumberColumn("Befolkning"),
                            "area_km2": st.column_config.NumberColumn("Yta (km²)"),
                            "incidents": st.column_config.NumberColumn(
                                "Händelser", help="Unika händelser i området, hela tiden."),
                            "area_id": "Id"})

    st.subheader("Fokusområden")
    names = dict(zip(stored["area_id"], stored["name"]))
    c1, c2, c3 = st.columns([3, 1.2, 1], vertical_alignment="bottom")
    chosen = c1.selectbox("Område", list(names), format_func=names.get, index=None,
                          placeholder="Välj ett område", key="omr_focus_area")
    current = bool(stored.set_index("area_id")["is_focus"].get(chosen, False)) if chosen else False
    wanted = c2.toggle("Fokusområde", value=current, key=f"omr_focus_{chosen}",
                       disabled=chosen is None)
    if c3.button("Spara", disabled=chosen is None or wanted == current, key="omr_focus_save"):
        try:
            cache.write(area_admin.set_focus, chosen, wanted)
            st.session_state.omr_flash = (f"{names[chosen]} är {'nu' if wanted else 'inte längre'} "
                                          "ett fokusområde.")
            st.rerun()
        except area_admin.AreaUploadError as exc:
            st.error(exc.sv)
        except DatabaseError:
            st.error(DATABASE_BUSY_SV)
    st.caption("Fokusområden står först i listorna, får en stjärna ★, följs upp i "
               "Årsuppföljningen och räknas inte som jämförelseområden.")

st.subheader("Lägg till eller ersätt områden")
st.caption("GeoJSON eller GeoPackage med ytor, i valfritt koordinatsystem (t.ex. SCB:s "
           "DeSO-fil i SWEREF 99 TM, eller ett fokusområde ritat på geojson.io). Ett område med "
           "samma id som ett sparat ersätter det.")
upload = st.file_uploader(f"Områdesfil (högst {area_admin.MAX_UPLOAD_MB} MB)",
                          type=["geojson", "json", "gpkg"], key="omr_upload")
if upload is not None:
    try:
        features = area_admin.read_upload(upload.getvalue(), upload.name)
    except area_admin.AreaUploadError as exc:
        st.error(exc.sv)
        st.stop()
    fields = area_admin.property_fields(features)
    if not fields:
        st.error("Ytorna i filen saknar egenskaper: varje område behöver ett id och ett namn.")
        st.stop()
    guess = {k: next((f for f in fields if f.lower() in names_), None) for k, names_ in (
        ("id", ("area_id", "id", "deso", "desokod", "regso", "regsokod", "kod")),
        ("name", ("name", "namn", "omrade", "område")),
        ("pop", ("population", "befolkning", "folkmangd", "folkmängd", "invanare", "invånare")))}
    f1, f2, f3 = st.columns(3)
    id_field = f1.selectbox("Fält med id", fields,
                            index=fields.index(guess["id"]) if guess["id"] else 0, key="omr_id")
    name_field = f2.selectbox("Fält med namn", fields,
                              index=fields.index(guess["name"]) if guess["name"] else 0,
                              key="omr_name")
    pop_options = [None, *fields]
    pop_field = f3.selectbox("Fält med befolkning (valfritt)", pop_options,
                             index=pop_options.index(guess["pop"]) if guess["pop"] else 0,
                             format_func=lambda v: "— inget —" if v is None else v, key="omr_pop")
    k1, k2 = st.columns(2)
    kind = k1.radio("Typ", list(area_admin.KIND_SV), format_func=area_admin.KIND_SV.get,
                    index=2, key="omr_kind", horizontal=True,
                    help="Egna områden (t.ex. fokusområden) ligger ovanpå statistikområdena och "
                         "räknas i båda.")
    focus = k2.checkbox("Markera som fokusområden", value=kind == "custom", key="omr_as_focus")
    try:
        areas = area_admin.prepare(features, id_field, name_field, pop_field, upload.name)
    except area_admin.AreaUploadError as exc:
        st.error(exc.sv)
        st.stop()
    replaced = set(areas["area_id"]) & set(stored["area_id"]) if not stored.empty else set()
    st.markdown(f"**{fmt.num(len(areas))}** områden i filen"
                + (f", varav **{fmt.num(len(replaced))}** ersätter sparade." if replaced else "."))
    style.table(areas.drop(columns="geometry").head(8).rename(
        columns={"area_id": "Id", "name": "Namn", "population": "Befolkning"}))
    if st.button(f"Spara {fmt.num(len(areas))} områden", type="primary", key="omr_store"):
        try:
            with st.spinner("Sparar och räknar om händelsernas områden …"):
                n = cache.write(area_admin.store, upload.name, kind, focus, areas=areas)
            st.session_state.omr_flash = f"{fmt.num(n)} områden är sparade och händelserna omräknade."
            st.session_state.pop("omr_upload", None)
            st.rerun()
        except DatabaseError:
            st.error(DATABASE_BUSY_SV)
