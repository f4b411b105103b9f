"""Översikt: totals per category and area for a period, against the period before."""
import streamlit as st

from est_data import auth, fmt, queries, taxonomy, ui

ui.require(auth.VIEW_AGGREGATES)
f = ui.filter_sidebar()
prev = f.previous()
look = ui.read(queries.lookups)

st.title("Översikt")
st.caption(f"**{fmt.period(f.start, f.end)}** jämfört med {fmt.period(prev.start, prev.end)}. "
           "Unika händelser" + (" inklusive dubbletter." if f.include_duplicates else
                                 " (samma händelse från flera aktörer räknas en gång)."))

first, last = ui.read(queries.data_span)
if first is None:
    st.info("**Databasen innehåller inga händelser ännu.** Importera aktörernas exporter "
            "med `python -m est_data import FIL --source AKTÖR`, eller bygg demodata med "
            "`python -m est_data demo`.")
    st.stop()

totals = ui.read(queries.period_totals, f)
if totals["current"] == 0 and totals["previous"] == 0:
    st.info(f"**Inga händelser matchar filtret** under {fmt.period(f.start, f.end)}. "
            f"Det finns data från {fmt.date(first)} till {fmt.date(last)}: välj en annan "
            "period eller färre filter i sidopanelen.")
    st.stop()

c1, c2, c3 = st.columns(3)
change = totals["current"] - totals["previous"]
c1.metric("Händelser", fmt.num(totals["current"]),
          delta=f"{fmt.signed(change)} mot föregående period", delta_color="inverse")
c2.metric("Med plats på kartan", fmt.num(totals["located"]))
c3.metric("Endast kända på kommunnivå", fmt.num(totals["municipality_only"]),
          help="Händelser som bara är kända på kommunnivå, t.ex. Polisens publicerade "
               "händelser. De räknas här men ritas aldrig som punkter på kartan.")

CHANGE_HELP = "Skillnad mot föregående period av samma längd."
left, right = st.columns(2)
with left:
    st.subheader("Per kategori")
    cats = ui.read(queries.counts_with_change, f, "category")
    labels = taxonomy.labels()
    cats.insert(0, "Kategori", cats["key"].map(lambda c: labels.get(c, c)))
    st.dataframe(
        cats.drop(columns=["key"]), hide_index=True, width="stretch",
        column_config={
            "current": st.column_config.NumberColumn("Antal", format="%d"),
            "previous": st.column_config.NumberColumn("Föregående", format="%d"),
            "change": st.column_config.NumberColumn("Förändring", format="%+d", help=CHANGE_HELP),
            "change_pct": st.column_config.NumberColumn("Förändring %", format="%+.0f %%"),
        })
with right:
    st.subheader("Per område")
    areas = ui.read(queries.area_table, f)
    areas = areas[(areas["current"] > 0) | (areas["previous"] > 0)]
    areas.insert(0, "Område", areas["name"] + areas["is_focus"].map({True: " ★", False: ""}))
    st.dataframe(
        areas[["Område", "current", "previous", "change", "change_pct", "per_1000"]],
        hide_index=True, width="stretch",
        column_config={
            "current": st.column_config.NumberColumn("Antal", format="%d"),
            "previous": st.column_config.NumberColumn("Föregående", format="%d"),
            "change": st.column_config.NumberColumn("Förändring", format="%+d", help=CHANGE_HELP),
            "change_pct": st.column_config.NumberColumn("Förändring %", format="%+.0f %%"),
            "per_1000": st.column_config.NumberColumn(
                "Per 1 000 inv.", format="%.1f",
                help="Händelser under perioden per 1 000 invånare (ungefärlig befolkning)."),
        })
    st.caption("★ = fokusområde. Fokusområden ligger inom statistikområdena och räknas i båda.")

# Alerts: area × category pairs with a week significantly above their normal level.
from est_data import alerting  # noqa: E402  (kept with its block for easy merging)

st.subheader("Ovanligt många händelser senaste veckan")
alerts = ui.read(alerting.area_alerts, f)
st.caption(alerting.window_caption(f))
for sentence in alerts["sentence"].head(alerting.MAX_SENTENCES):
    st.warning(sentence, icon=":material/trending_up:")
if len(alerts) > alerting.MAX_SENTENCES:
    st.caption(f"… och {len(alerts) - alerting.MAX_SENTENCES} till.")
if alerts.empty:
    st.success("Inget område har ovanligt många händelser av något slag senaste veckan.")
