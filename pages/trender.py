"""Trender: counts over time, weekday × hour, the area ranking and the incidents behind
the filter. Only the open tab runs (tabs with ``on_change="rerun"``)."""
from dataclasses import replace

import streamlit as st

from est_data.trends import alerts as alerting, calendar_charts, charts, export, ranking, series as trends
from est_data.trends import plotly_sv, shown, tabs as tabnav
from est_data.core import auth, fmt, privacy
from est_data.incidents import published, queries
from est_data.webui import cache, nearrepeat_view, setup, sidebar, signin, style, tablink
from est_data.core.config import db_path

PLOTLY_CONFIG = plotly_sv.PLOTLY_CONFIG  # Swedish tool bar and date words
BY_LABELS = {"category": "Kategori", "source": "Aktör", "area": "Område", "total": "Ingen (totalt)"}
GRAIN_LABELS = {"week": "Vecka", "month": "Månad"}

user = signin.require(auth.VIEW_AGGREGATES)
# Single incidents and descriptions only for roles that may see them (not the meeting role).
can_rows = user.can(auth.VIEW_INCIDENTS) and user.can(auth.VIEW_DESCRIPTIONS)
# The meeting role: small counts suppressed on every chart and table (est_data.trends.shown).
limit = privacy.limit_for(user)
f = sidebar.filter_sidebar()
# Defaults in session state (not in the widgets), re-assigned on every run so the
# choices survive while another tab, which does not draw them, is open.
DEFAULTS = {"trend_grain": "week" if f.days <= 190 else "month", "trend_by": "category",
            "trend_view": "stack", "trend_ly": True, "trend_rolling": True,
            "export_audience": "inom", "export_by": ["area", "category"]}
for key, value in DEFAULTS.items():
    st.session_state[key] = st.session_state.get(key, value)
look = cache.read(queries.lookups)
names = {**look["categories"], **look["sources"], **look["areas"],
         trends.OTHER_KEY: "Övriga", trends.TOTAL_KEY: "Totalt",
         trends.UNKNOWN_AREA_KEY: "Okänt område (endast kommun)"}

st.title("Trender")
st.caption(f"**{fmt.period(f.start, f.end)}**. Unika händelser"
           + (" inklusive dubbletter." if f.include_duplicates else
              " (samma händelse från flera aktörer räknas en gång)."))

first, last = setup.data_span_or_stop()

# The open tab is in the link as a short code (?flik=vecka), not as its label.
tablink.open_from_link("trend_tab", tabnav.PARAM, lambda c: tabnav.label_for(c, can_rows))
tabs = st.tabs(tabnav.labels(can_rows), key="trend_tab", on_change="rerun")
tablink.write_to_link(tabnav.PARAM, tabnav.param_value(st.session_state.get("trend_tab"),
                                                       can_rows))


def measure_list(measures, numbers: list[int]) -> None:
    """The measures drawn in a chart, with the numbers shown on the axis."""
    if not numbers:
        return
    lines = []
    for n in numbers:
        m = measures.iloc[n - 1]
        who = f" ({m['actor']})" if m["actor"] else ""
        lines.append(f"**{n}.** {fmt.date(m['started_on'])} · {m['area_name']}: {m['title']}{who}")
    st.markdown("**Åtgärder i diagrammet**  \n" + "  \n".join(lines))


# --- Över tid ---------------------------------------------------------------------------
with tabs[0]:
    if tabs[0].open is not False:
        c1, c2, c3 = st.columns([1, 1, 2])
        grain = c1.segmented_control("Indelning", list(GRAIN_LABELS), key="trend_grain",
                                     format_func=GRAIN_LABELS.get, required=True)
        by = c2.selectbox("Dela upp efter", list(BY_LABELS), format_func=BY_LABELS.get,
                          key="trend_by")
        view = c3.segmented_control("Visning", ["stack", "small"], key="trend_view",
                                    required=True,
                                    format_func={"stack": "Staplat",
                                                 "small": "Ett diagram per grupp"}.get)
        if limit:
            show_ly = show_rolling = False
            st.caption("Glidande medelvärde och fjolårets kurva visas inte i mötesrollen: "
                       "ur dem går små antal att räkna ut.")
        else:
            o1, o2 = st.columns(2)
            show_ly = o1.toggle("Samma period i fjol", key="trend_ly")
            show_rolling = o2.toggle("Glidande medelvärde", key="trend_rolling")
        df = cache.read(trends.time_series, f, grain, by)
        measures = cache.read(trends.measures, f.areas)
        total = df[df["key"] == trends.TOTAL_KEY]
        now, before = int(total["count"].sum()), int(total["last_year"].sum())
        now_mark, before_mark = privacy.primary(now, limit), privacy.primary(before, limit)
        hide_change = privacy.hides(now_mark, before_mark)
        m1, m2, m3 = st.columns(3)
        m1.metric("Händelser i perioden", privacy.text(now, now_mark),
                  delta=f"{fmt.delta(now - before, before)} mot i fjol"
                  if before and not hide_change else None,
                  delta_color="inverse")
        m2.metric("Samma period i fjol", privacy.text(before, before_mark),
                  help="Samma datum ett år tidigare (med veckoindelning 52 veckor tidigare, "
                       "så att veckodagarna stämmer).")
        m3.metric("Ovanligt höga " + trends.GRAINS[grain].label_plural,
                  fmt.num(int(df.loc[df["alert"], "period"].nunique())),
                  help="Perioder då antalet (totalt eller för en grupp) var ovanligt högt: "
                       + alerting.rule_text(trends.GRAINS[grain].label_plural,
                                          trends.grain_rule(grain))
                       + " Markeras med röd triangel.")
        if now == 0:
            st.info("Inga händelser matchar filtret under perioden. Välj en längre period "
                    "eller färre filter i sidopanelen.")
        else:
            if f.days < 28 and grain == "week":
                st.caption("Kort period: välj en längre period i sidopanelen för att se "
                           "utvecklingen över fler veckor.")
            colors = cache.read(trends.series_colors)
            on_axis = measures if not measures.empty else None
            drawn, totals_text = (cache.read(shown.time_series, f, grain, by, limit) if limit
                                  else (df, None))
            if view == "small" and by != "total":
                fig = charts.small_multiples_figure(drawn, grain, names, colors, on_axis,
                                                    show_last_year=show_ly,
                                                    show_rolling=show_rolling,
                                                    totals_text=totals_text)
            else:
                fig = charts.time_series_figure(drawn, grain, names, colors, on_axis,
                                                show_last_year=show_ly,
                                                show_rolling=show_rolling)
            st.plotly_chart(fig, config=PLOTLY_CONFIG, key="trend_chart")
            first_day, last_day = charts.axis_span(df, grain)
            measure_list(measures, charts.measures_on_axis(measures, first_day, last_day))
            alerts = df[df["alert"]].sort_values(["period", "p_value"])
            if not alerts.empty:
                lines = [f"{charts.period_label(p.date(), grain)}: {names.get(k, k)}"
                         + ("" if limit else f" {fmt.num(n)} (normalt {fmt.num(e)})")
                         for p, k, n, e in zip(alerts["period"], alerts["key"],
                                               alerts["full_count"], alerts["expected"])]
                with st.expander(f"Ovanligt höga {trends.GRAINS[grain].label_plural} "
                                 f"({len(lines)})"):
                    st.markdown("\n".join(f"- {line}" for line in lines))
            st.caption("Ljusare staplar: perioden ligger bara delvis inom filtret. "
                       "Glidande medelvärde och jämförelse räknas på hela perioder.")

# --- Veckodag och klockslag --------------------------------------------------------------
with tabs[1]:
    if tabs[1].open:
        st.subheader("Veckodag och klockslag")
        matrix = cache.read(trends.weekday_hour, f)
        if round(float(matrix["count"].sum())) == 0:
            st.info("Inga händelser matchar filtret under perioden.")
        else:
            peak = shown.peak_sentence(matrix, limit)
            st.caption(peak or "Antal under 3 visas inte, och inte heller antal som skulle "
                       "avslöja dem; rutorna är tomma.")
            st.plotly_chart(calendar_charts.weekday_hour_figure(shown.weekday_hour(matrix, limit)),
                            config=PLOTLY_CONFIG, key="weekday_chart")
            st.caption(calendar_charts.SPREAD_CAPTION)
        st.subheader("Säsongsmönster över året")
        st.caption("Händelser per månad, ett år per linje (filtrets kategorier, aktörer och "
                   "områden; alla år med data fram till periodens slut). Månader som data "
                   "inte täcker helt visas inte.")
        season = cache.read(trends.seasonal, f)
        if not season["complete"].any():
            st.info("Det finns ännu ingen hel månad med data att visa.")
        else:
            st.plotly_chart(calendar_charts.seasonal_figure(shown.season(season, limit)),
                            config=PLOTLY_CONFIG,
                            key="season_chart")

# --- Områden ---------------------------------------------------------------------------
with tabs[2]:
    if tabs[2].open:
        st.subheader("Områden")
        table = cache.read(ranking.area_ranking, f)
        bin_days, bins = ranking.trend_bins(f)
        ly_start, ly_end = ranking.last_year(f)
        prev = f.previous()
        view = table.assign(
            Område=table["name"] + table["is_focus"].map({True: " ★", False: ""}),
            Typ=table["kind"].map({"deso": "DeSO", "regso": "RegSO", "custom": "Eget område"}))
        trend_text = ("Antal per vecka" if bin_days == 7 else "Antal per fyraveckorsperiod")
        columns = ["Område", "Typ", "current", "per_1000", "change_prev", "change_prev_pct",
                   "change_year", "change_year_pct", "trend"]
        # Numbers for those who may see them, with Swedish formats whatever the browser's
        # locale (the values stay numbers, so a column sorts numerically); the meeting
        # role gets the texts as published and no weekly trend.
        marks = cache.read(published.area_marks, f, limit) if limit else None
        Column = st.column_config.TextColumn if limit else st.column_config.NumberColumn
        if limit:
            columns = columns[:-1]
            texts = shown.ranking(view, marks, limit)
            table = table.loc[texts.index].reset_index(drop=True)  # a selected row's area
            shown_rows = texts[columns].reset_index(drop=True)
        else:
            shown_rows = fmt.styled(view[columns], {
                "current": fmt.num, "per_1000": lambda v: fmt.num(v, 1),
                "change_prev": fmt.signed, "change_year": fmt.signed,
                "change_prev_pct": fmt.pct, "change_year_pct": fmt.pct})
        event = style.table(
            shown_rows, key="area_rank", on_select="rerun",
            selection_mode="single-row", placeholder="–",
            column_config={
                "current": Column("Antal"),
                "per_1000": Column(
                    "Per 1 000 inv.",
                    help="Händelser under perioden per 1 000 invånare. Saknas för egna "
                         "områden utan befolkningssiffra."),
                "change_prev": Column(
                    "Mot föregående", help=f"Skillnad mot {fmt.period(prev.start, prev.end)}."),
                "change_prev_pct": Column("Föreg. %"),
                "change_year": Column(
                    "Mot i fjol",
                    help=f"Skillnad mot samma datum förra året, {fmt.date(ly_start)} – "
                         f"{fmt.date(ly_end)}."),
                "change_year_pct": Column("I fjol %"),
                "trend": st.column_config.LineChartColumn(
                    "Trend", y_min=0,
                    help=f"{trend_text}, de senaste {bins * bin_days} dagarna till "
                         f"{fmt.date(f.end)}."),
            })
        unplaced = cache.read(ranking.unplaced_count, f)
        unplaced_text = privacy.text(unplaced, marks["current_mark"].get(
            published.UNKNOWN_AREA, privacy.SHOWN) if limit else privacy.SHOWN)
        st.caption("Välj en rad för att se området närmare. Klicka på en kolumnrubrik för "
                   "att sortera. ★ = fokusområde; fokusområden ligger inom statistikområdena "
                   "och räknas i båda, så raderna ska inte summeras."
                   + (f" {unplaced_text} händelser är bara kända på kommunnivå och "
                      "saknar område." if unplaced and unplaced_text != "–" else ""))
        rows = event.selection.rows if event is not None else []
        if rows:
            chosen = table.iloc[rows[0]]
            area_id = chosen["area_id"]
            st.subheader(f"{chosen['name']}")
            d1, d2, d3, d4 = st.columns(4)
            m = {c: privacy.mark_of({**chosen, **(marks.loc[area_id].to_dict() if limit
                                                  and area_id in marks.index else {})}, c, limit)
                 for c in ("current", "previous", "last_year")}
            n = {c: privacy.text(int(chosen[c]), m[c]) for c in m}
            d1.metric("Händelser i perioden", n["current"])
            d2.metric("Mot föregående period",
                      None if privacy.hides(m["current"], m["previous"]) else
                      fmt.delta(int(chosen["change_prev"]), int(chosen["previous"])),
                      help=f"Föregående period ({fmt.period(prev.start, prev.end)}): "
                           f"{n['previous']} händelser.")
            d3.metric("Mot samma period i fjol",
                      None if privacy.hides(m["current"], m["last_year"]) else
                      fmt.delta(int(chosen["change_year"]), int(chosen["last_year"])),
                      help=f"Samma datum i fjol ({fmt.date(ly_start)} – {fmt.date(ly_end)}): "
                           f"{n['last_year']} händelser.")
            d4.metric("Per 1 000 invånare", fmt.num(chosen["per_1000"], 1)
                      if m["current"] == privacy.SHOWN else "–")
            area_f = replace(f, areas=(area_id,))
            grain = "week" if f.days <= 190 else "month"
            area_df = cache.read(trends.time_series, area_f, grain, "category")
            area_measures = cache.read(trends.measures, (area_id,))
            drawn = cache.read(shown.time_series, area_f, grain, "category", limit)[0] \
                if limit else area_df
            fig = charts.time_series_figure(
                drawn, grain, names, cache.read(trends.series_colors),
                area_measures if not area_measures.empty else None,
                show_last_year=not limit, show_rolling=not limit)
            st.plotly_chart(fig, config=PLOTLY_CONFIG, key="area_chart")
            a_first, a_last = charts.axis_span(area_df, grain)
            numbers = charts.measures_on_axis(area_measures, a_first, a_last)
            if numbers:
                st.markdown("**Åtgärder i området**  \n" + "  \n".join(
                    f"**{n}.** {fmt.date(area_measures.iloc[n - 1]['started_on'])} "
                    f"{area_measures.iloc[n - 1]['title']}" for n in numbers))
            st.button("Filtrera hela appen på området", key="area_filter",
                      on_click=lambda a=area_id: st.session_state.update(f_areas=[a]),
                      help="Sätter områdesfiltret i sidopanelen till det här området.")

# --- Händelser ----------------------------------------------------------------------------
with tabs[3]:
    if tabs[3].open:
        total = cache.read(export.incident_count, f)
    if tabs[3].open and can_rows:
        st.subheader("Händelserna bakom filtret")
        pages = max(1, -(-total // export.PAGE_SIZE))
        p1, p2 = st.columns([1, 3])
        page = p1.number_input("Sida", min_value=1, max_value=pages, value=1, step=1,
                               key="rows_page")
        page = min(int(page), pages)
        p2.markdown(f"<br>{fmt.num(total)} händelser, nyast först · sida {fmt.num(page)} av "
                    f"{fmt.num(pages)}", unsafe_allow_html=True)
        rows = cache.read(export.incident_page, f, page)
        style.table(
            rows[["occurred_at", "occurred_to", "category_label", "actor", "area", "focus_area", "address",
                  "precision_label", "description"]], key="rows_table", height=560,
            column_config={
                "occurred_at": st.column_config.DatetimeColumn("Tidpunkt",
                                                               format="YYYY-MM-DD HH:mm"),
                "occurred_to": st.column_config.DatetimeColumn(
                    "Till", format="YYYY-MM-DD HH:mm",
                    help="Slutet när händelsen bara är känd som ett tidsintervall "
                         "(t.ex. inbrott mellan 22 och 06); annars tom."),
                "category_label": "Kategori", "actor": "Aktör", "area": "Område",
                "focus_area": "Fokusområde", "address": "Adress",
                "precision_label": st.column_config.TextColumn(
                    "Läge", help="Hur noga platsen är känd: punkt, adress, område eller "
                                 "bara kommun."),
                "description": st.column_config.TextColumn(
                    "Beskrivning (maskerad)", width="large",
                    help="Personnummer, telefonnummer, e-post, registrerings- och "
                         "lägenhetsnummer är maskerade."),
            })

    if tabs[3].open:
        st.subheader("Ladda ner")
        if can_rows:
            audience = st.radio(
                "Vem ska filen till?", ["inom", "dela"], horizontal=True, key="export_audience",
                format_func={"inom": "Inom EST-gruppen (en rad per händelse)",
                             "dela": "Delning utanför EST-gruppen (bara antal)"}.get)
        else:
            audience = "dela"
            st.info(f"Din roll ({user.role_label}) ser antal, inte enskilda händelser: "
                    "filen innehåller bara antal per område och kategori.")
        sharing = audience == "dela"
        by: tuple[str, ...] = ("area", "category")
        if sharing:
            by = tuple(st.multiselect(
                "Antal per", list(export.SHARE_DIMENSIONS),
                format_func=lambda k: export.SHARE_DIMENSIONS[k][0], key="export_by",
                max_selections=export.MAX_SHARE_DIMENSIONS)
                or ["area"])[:export.MAX_SHARE_DIMENSIONS]
            st.caption(export.SHARING_NOTE_SV + " Filen innehåller inte heller fokusområden.")
            preview = cache.read(export.shared_export, f, by)
            style.table(preview, key="share_preview", height=300)
        else:
            st.caption("Internt underlag: tid, kategori, aktör, område, adress, koordinater "
                       "och beskrivning med personuppgifter maskerade. Läs igenom fritexten "
                       "innan filen sprids vidare."
                       + (f" Excel-filen innehåller högst {fmt.num(export.MAX_XLSX_ROWS)} "
                          "rader (de nyaste); CSV innehåller alla."
                          if total > export.MAX_XLSX_ROWS else ""))
        about = export.about_rows(f, look, sharing)
        stem = (f"est_{'antal' if sharing else 'handelser'}_{f.start:%Y%m%d}-{f.end:%Y%m%d}")
        db = str(db_path())
        b1, b2, _ = st.columns([1, 1, 3])
        b1.download_button(
            "CSV (Excel, semikolon)", key="dl_csv", icon=":material/download:",
            data=lambda: export.export_file(db, f, sharing, "csv", about, by),
            file_name=f"{stem}.csv", mime="text/csv", on_click="ignore")
        b2.download_button(
            "Excel (XLSX)", key="dl_xlsx", icon=":material/download:",
            data=lambda: export.export_file(db, f, sharing, "xlsx", about, by),
            file_name=f"{stem}.xlsx", on_click="ignore",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# --- Nära upprepning (analysts: pair counts of single incidents) ----------------------
if can_rows:
    with tabs[4]:
        if tabs[4].open:
            nearrepeat_view.knox_tab(f)
