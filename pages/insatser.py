"""Insatser: the log of measures per area, with add, edit, delete and CSV import/export."""
import datetime as dt

import streamlit as st

from est_data.core import auth, fmt
from est_data.areas.catalog import area_names
from est_data.measures.csv import export_csv, import_csv, parse_csv
from est_data.measures.model import KINDS, MAX_ACTOR, MAX_NOTE, MAX_TITLE, InterventionError
from est_data.measures.store import (
    delete_intervention, display_table, list_interventions, log_totals, update_intervention)
from est_data.evaluation.plans import add_measure_with_plan, plan_preview
from est_data.webui import cache, sidebar, signin, style

sidebar.keep_filter_state()
user = signin.require(auth.VIEW_AGGREGATES)
can_write = user.can(auth.WRITE)

st.title("Insatser")
st.caption("Loggen över åtgärder i områdena: belysning, röjning, lås, kameror, nattvandring "
           "med mera. Insatserna visas på tidsaxlarna och används i före/efter-utvärderingen.")

flash = st.session_state.pop("iv_flash", None)
if flash:
    st.success(flash)

areas = cache.read(area_names)
measures = cache.read(list_interventions)
if not areas:
    st.info("**Det finns inga områden i databasen ännu.** Importera områden med "
            "`python -m est_data areas import FIL` innan insatser kan registreras.")
    st.stop()


def area_label(area_id: str) -> str:
    return areas.get(area_id, area_id)


# --- The log ----------------------------------------------------------------------------------
shown_areas = st.multiselect("Visa områden", list(areas), format_func=area_label,
                             placeholder="Alla områden", key="iv_show_areas")
table = cache.read(list_interventions, tuple(shown_areas)) if shown_areas else measures
totals = log_totals(table)
c1, c2, c3 = st.columns(3)
c1.metric("Insatser", fmt.num(totals["count"]))
c2.metric("Pågående i dag", fmt.num(totals["ongoing"]),
          help="Startade och utan slutdatum, eller med slutdatum i dag eller senare.")
c3.metric("Kostnad", f"{fmt.num(totals['cost_sek'])} kr",
          help="Summan av angivna kostnader; insatser utan kostnad räknas inte.")
if table.empty:
    st.info("Inga insatser registrerade här ännu. Lägg till en nedan eller importera en CSV-fil.")
else:
    style.table(display_table(table),
             column_config={"Titel": st.column_config.TextColumn(width="large")})


def measure_form(prefix: str, current: dict | None) -> dict | None:
    """The fields of one measure; returns the raw values when the form is submitted."""
    cur = current or {}
    area_ids = list(areas)
    a1, a2 = st.columns(2)
    area = a1.selectbox("Område", area_ids, format_func=area_label, key=f"{prefix}_area",
                        index=area_ids.index(cur["area_id"]) if cur.get("area_id") in areas else 0)
    kind = a2.selectbox("Typ av insats", list(KINDS), key=f"{prefix}_kind", format_func=str.capitalize,
                        index=list(KINDS).index(cur["kind"]) if cur.get("kind") in KINDS else 0)
    title = st.text_input("Titel", value=cur.get("title") or "", key=f"{prefix}_title",
                          max_chars=MAX_TITLE, placeholder="T.ex. Ny belysning vid gångvägen")
    d1, d2 = st.columns(2)
    start = d1.date_input("Startdatum", value=cur.get("started_on") or dt.date.today(),
                          key=f"{prefix}_start", format="YYYY-MM-DD")
    end = d2.date_input("Slutdatum (tomt = pågår)", value=cur.get("ended_on"),
                        key=f"{prefix}_end", format="YYYY-MM-DD")
    e1, e2 = st.columns(2)
    actor = e1.text_input("Ansvarig aktör", value=cur.get("actor") or "", key=f"{prefix}_actor",
                          max_chars=MAX_ACTOR, placeholder="T.ex. Östersundshem")
    cost = e2.number_input("Kostnad (kr)", min_value=0.0, step=1000.0, format="%.0f",
                           value=cur.get("cost_sek"), key=f"{prefix}_cost")
    note = st.text_area("Anteckning", value=cur.get("note") or "", key=f"{prefix}_note",
                        max_chars=MAX_NOTE, height=80)
    if not st.form_submit_button("Spara", type="primary", key=f"{prefix}_save"):
        return None
    return {"area_id": area, "kind": kind, "title": title, "started_on": start,
            "ended_on": end, "actor": actor, "cost_sek": cost, "note": note}


def show_errors(exc: InterventionError) -> None:
    st.error("**Insatsen sparades inte.**\n\n" + "\n".join(f"- {m}" for m in exc.messages))


if not can_write:
    st.download_button(
        "Ladda ner alla insatser (CSV)", data=cache.read(export_csv),
        file_name=f"insatser_{dt.date.today().isoformat()}.csv", mime="text/csv",
        icon=":material/download:", key="iv_download_read_only")
    st.caption(f"Din roll ({user.role_label}) kan läsa loggen. Insatser läggs till, ändras "
               "och importeras av en administratör.")
    st.stop()

add_tab, edit_tab, csv_tab = st.tabs(["Lägg till", "Ändra eller ta bort", "Importera och exportera"])

with add_tab:
    with st.form("iv_add", clear_on_submit=False):
        raw = measure_form("iv_new", None)
    if raw is not None:
        try:
            new_id = cache.write(add_measure_with_plan, raw, user=user.username)
        except InterventionError as exc:
            show_errors(exc)
        else:
            for key in [k for k in st.session_state if str(k).startswith("iv_new_")]:
                del st.session_state[key]
            st.session_state.iv_flash = " ".join(
                [f"Insatsen ”{raw['title'].strip()}” är sparad."]
                + cache.read(plan_preview, new_id))
            st.rerun()

with edit_tab:
    if measures.empty:
        st.info("Det finns inga insatser att ändra.")
    else:
        by_id = {r["intervention_id"]: r for r in measures.to_dict("records")}
        chosen = st.selectbox(
            "Insats", list(by_id), key="iv_edit_id",
            format_func=lambda i: f"{fmt.date(by_id[i]['started_on'])} · "
                                  f"{by_id[i]['area_name']} · {by_id[i]['title']}")
        current = dict(by_id[chosen])
        for col in ("actor", "note"):
            if not isinstance(current.get(col), str):
                current[col] = None
        if current.get("cost_sek") != current.get("cost_sek"):  # NaN
            current["cost_sek"] = None
        if not isinstance(current.get("ended_on"), dt.date):
            current["ended_on"] = None
        prefix = f"iv_edit_{chosen}"
        with st.form(f"iv_edit_form_{chosen}"):
            raw = measure_form(prefix, current)
        if raw is not None:
            try:
                cache.write(update_intervention, chosen, raw)
            except InterventionError as exc:
                show_errors(exc)
            else:
                st.session_state.iv_flash = "Ändringen är sparad."
                st.rerun()
        st.divider()
        sure = st.checkbox("Jag vill ta bort den här insatsen", key=f"iv_del_ok_{chosen}")
        if st.button("Ta bort insatsen", disabled=not sure, key=f"iv_del_{chosen}"):
            removed = cache.write(delete_intervention, chosen)
            st.session_state.iv_flash = ("Insatsen är borttagen." if removed
                                         else "Insatsen fanns inte längre.")
            st.session_state.pop("iv_edit_id", None)
            st.rerun()

with csv_tab:
    st.download_button(
        "Ladda ner alla insatser (CSV)", data=cache.read(export_csv),
        file_name=f"insatser_{dt.date.today().isoformat()}.csv", mime="text/csv",
        icon=":material/download:",
        help="Semikolonseparerad, UTF-8: öppnas direkt i Excel. Kan användas som mall.")
    st.markdown(
        "**Importera insatser från CSV.** Kolumner: `area_id` (områdets id eller namn), "
        "`kind`, `title`, `started_on` (ÅÅÅÅ-MM-DD) och valfritt `ended_on`, `actor`, "
        "`cost_sek`, `note`. Svenska rubriker (område, typ, titel, start, slut, ansvarig, "
        "kostnad, anteckning) fungerar också. En rad vars `intervention_id` redan finns "
        "ersätter den insatsen. Filen läses in helt eller inte alls.")
    upload = st.file_uploader("CSV-fil", type=["csv", "txt"], key="iv_upload")
    if upload is not None:
        data = upload.getvalue()
        try:
            items, errors = parse_csv(data, areas)
        except InterventionError as exc:
            items, errors = [], exc.messages
        if errors:
            st.error(f"**Filen kan inte importeras ({len(errors)} fel).** Rätta felen och "
                     "försök igen; inget har sparats.\n\n"
                     + "\n".join(f"- {m}" for m in errors[:30])
                     + ("\n- …" if len(errors) > 30 else ""))
        else:
            known = set(measures["intervention_id"])
            updates = sum(1 for i in items if i.intervention_id in known)
            st.write(f"{fmt.num(len(items))} insatser i filen: {fmt.num(len(items) - updates)} "
                     f"nya, {fmt.num(updates)} ersätter befintliga.")
            if st.button("Importera", type="primary", key="iv_import"):
                try:
                    result = cache.write(import_csv, data)
                except InterventionError as exc:
                    show_errors(exc)
                else:
                    st.session_state.iv_flash = (f"Importen är klar: {fmt.num(result.added)} nya, "
                                                 f"{fmt.num(result.updated)} ändrade insatser.")
                    st.session_state.pop("iv_upload", None)
                    st.rerun()
