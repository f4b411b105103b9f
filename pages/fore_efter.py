"""Före/efter: did incidents fall where the measures were taken, everywhere, or next door?"""
import datetime as dt

import streamlit as st

from est_data.core import auth, fmt
from est_data.evaluation import chart as evalchart, followup, plans, report, templates, wording
from est_data.evaluation.explain_sv import glossary_markdown, power_sentence
from est_data.evaluation import matching
from est_data.evaluation.selection import (
    DEFAULT_CATEGORIES, EvaluationError, EvaluationSpec, months_to_days)
from est_data.measures.store import list_interventions
from est_data.incidents import queries
from est_data.webui import cache, setup, sidebar, signin, style
from est_data.core.config import db_path
from est_data.evaluation.summary_sv import (
    caveats, headline, summary_sentences)

sidebar.keep_filter_state()
user = signin.require(auth.EVALUATE)

st.title("Före/efter")
st.caption("Minskade händelserna där insatserna gjordes, eller minskade de överallt, eller "
           "flyttade de till grannområdena? Målområdet jämförs med jämförelseområden och en "
           "buffert runt det, före och efter insatsen.")

look = cache.read(queries.lookups)
first, last = setup.data_span_or_stop('Det finns inget att utvärdera.')
areas = look["areas"]
categories = look["categories"]
measures = cache.read(list_interventions)
with_measures = [a for a in areas if a in set(measures["area_id"])]

st.session_state.setdefault("fe_targets", with_measures[:1] or list(areas)[:1])
st.session_state.setdefault("fe_categories", [c for c in DEFAULT_CATEGORIES if c in categories])


def md(text: str) -> str:
    """Plain text safe for st.markdown (no stray emphasis or formulas)."""
    for ch in ("\\", "*", "_", "$", "#", "`", "[", "]", "<", ">"):
        text = text.replace(ch, "\\" + ch)
    return text


def evaluate_in_detail(result: followup.FocusResult) -> None:
    """Point the detailed evaluation below at a focus area and its first measure, with the
    follow-up's choices (12 months, no gap, the standard categories)."""
    st.session_state.fe_targets = [result.area_id]
    st.session_state.fe_months, st.session_state.fe_gap = 12, 0
    st.session_state.fe_categories = list(result.evaluation.spec.categories)
    if result.first_measure_id:
        st.session_state.fe_measure = result.first_measure_id
        st.session_state.fe_measure_for = (result.area_id,)


with st.expander("Årsuppföljning: alla fokusområden", expanded=True, icon=":material/flag:"):
    results = cache.read(followup.focus_followup)
    st.caption("Varje fokusområde enligt planen för sin första insats (sparad när insatsen "
               "loggades): 12 månader före mot 12 månader efter, störningar och inbrott, "
               "jämfört med de områden som liknade det mest före insatsen. Förändringar med "
               "95 % konfidensintervall (KI). Bedömd förändring: modellens effekt, med årstid "
               "och variation mellan månader; en minskning räknas bara om den håller även "
               "när hur mycket områden utan insats varierar räknas in (placebotest). Procent "
               "visas först med minst 10 händelser i varje period och en hel efterperiod.")
    table = followup.followup_table(results)
    for start in range(0, len(results), 3):
        for col, res, row in zip(st.columns(3), results[start:start + 3],
                                 table.iloc[start:start + 3].to_dict("records")):
            with col.container(border=True):
                st.markdown(f"**{md(res.name)}**")
                st.caption(f"Från {row['Första insats']} · {fmt.num(res.measures)} "
                           f"{'insats' if res.measures == 1 else 'insatser'}")
                ev = res.evaluation
                if ev is not None:
                    st.metric("Före → efter", row["Före → efter"],
                              delta=wording.metric_delta(ev, ev.target, ev.stats.target_rr.estimate),
                              delta_color="inverse")
                    st.markdown(f"Förändring: {row['Förändring']}  \n"
                                f"Jämförelseområden: {row['Jämförelseområden']}  \n"
                                f"Bedömd förändring (modell): {row['Bedömd förändring']}")
                st.markdown(f"**{md(row['Bedömning'])}**")
                if ev is not None and power_sentence(ev.power):
                    st.caption(md(power_sentence(ev.power)))
                st.caption(f"Plan: {row['Plan']}")
                if ev is not None:
                    st.button("Utvärdera i detalj", key=f"fe_followup_{res.area_id}",
                              on_click=evaluate_in_detail, args=(res,),
                              icon=":material/south:", width="stretch")
    if results:
        d1, d2, _ = st.columns([1.3, 1, 1])
        d1.download_button(
            "Ladda ner årsuppföljningen (HTML, för utskrift)",
            data=cache.deferred(followup.report_for, db_path().name),
            file_name=f"arsuppfoljning_{last:%Y-%m-%d}.html", mime="text/html",
            icon=":material/download:", on_click="ignore", type="primary",
            help="Alla fokusområden i en fil: tabellen, sammanfattning och diagram per "
                 "område, metod och förbehåll. Öppna i webbläsaren och skriv ut eller "
                 "spara som PDF.")
        d2.download_button("Tabellen (CSV)",
                           data=followup.table_csv(results),
                           file_name="arsuppfoljning_fokusomraden.csv", mime="text/csv",
                           icon=":material/download:", on_click="ignore")
    else:
        st.info("Det finns inga fokusområden i databasen.")

c1, c2 = st.columns([2, 3])
targets = c1.multiselect("Målområde", list(areas), format_func=areas.get, key="fe_targets",
                         placeholder="Välj ett eller flera områden",
                         help="Fokusområden står först. Flera områden räknas tillsammans.")
target_measures = (cache.read(list_interventions, tuple(targets)) if targets
                   else measures.iloc[0:0])
by_id = {r["intervention_id"]: r for r in target_measures.to_dict("records")}
ordered = sorted(by_id, key=lambda i: by_id[i]["started_on"], reverse=True)
options = ordered + ["__date__"]
# A new choice of target areas starts from their first measure: its plan is the one the
# Årsuppföljning follows, so the page and the card give the same verdict.
if (st.session_state.get("fe_measure") not in options
        or st.session_state.get("fe_measure_for") != tuple(targets)):
    st.session_state.fe_measure = ordered[-1] if ordered else "__date__"
st.session_state.fe_measure_for = tuple(targets)


def measure_label(key: str) -> str:
    if key == "__date__":
        return "Eget datum"
    m = by_id[key]
    return f"{fmt.date(m['started_on'])} · {m['kind']}: {m['title']}"


measure = c2.selectbox("Insats (datumet då den började)", options, format_func=measure_label,
                       key="fe_measure",
                       help="Välj den insats som utvärderas, eller ett eget datum. Insatser "
                            "läggs in på sidan Insatser.")
if measure == "__date__":
    st.session_state.setdefault("fe_date", min(last, max(first, dt.date.today())) -
                                dt.timedelta(days=365))
    date = c2.date_input("Datum", key="fe_date", min_value=first, max_value=last,
                         format="YYYY-MM-DD")
else:
    date = by_id[measure]["started_on"]

plan = cache.read(plans.plan_for, measure) if measure != "__date__" else None
follow = plan is not None and st.toggle(
    "Följ insatsens utvärderingsplan", value=True, key=f"fe_follow_{measure}",
    help="Planen sparades när insatsen loggades: målområde, datum, perioder, kategorier och "
         "jämförelse. Andra val blir en utforskande utvärdering, och det syns i rapporten.")
if plan is not None:
    st.caption(md(plans.plan_line(plan)))
if len(ordered) > 1 and measure in ordered[:-1]:
    first_m = by_id[ordered[-1]]
    st.info(f"Årsuppföljningen följer planen för områdets första insats "
            f"({fmt.date(first_m['started_on'])}: {md(first_m['title'])}). Den här "
            f"utvärderingen följer en senare insats egen plan. Varje ny utvärdering av samma "
            f"område ökar risken att någon visar en minskning av en slump; räkna "
            f"Årsuppföljningens bedömning som områdets.", icon=":material/info:")


def plan_to_widgets(p: plans.Plan) -> None:
    """Start the choices below from the plan (once per measure), so a change is a change."""
    if st.session_state.get("fe_plan_for") == (p.intervention_id, p.version):
        return
    st.session_state.fe_plan_for = (p.intervention_id, p.version)
    st.session_state.fe_months = max(1, round(p.spec.before_days / 30.4375))
    st.session_state.fe_gap = p.spec.gap_days
    st.session_state.fe_categories = [c for c in p.spec.categories if c in categories]
    st.session_state.fe_ctrl_mode = "egna" if p.spec.controls else p.spec.comparison
    st.session_state.fe_controls = list(p.spec.controls)
    st.session_state.fe_buf_mode = p.spec.buffer
    st.session_state.fe_buffers = list(p.spec.buffers)
    st.session_state.fe_ring_m = int(p.spec.buffer_m)


if plan is not None:
    plan_to_widgets(plan)
c3, c4, c5 = st.columns([1, 1, 2])
months = c3.number_input("Fönster före och efter (månader)", min_value=1, max_value=36,
                         value=12, step=1, key="fe_months", disabled=follow,
                         help="Lika långa perioder före och efter. Hela år (12, 24) undviker "
                              "att årstiderna påverkar jämförelsen.")
gap = c4.number_input("Genomförandetid (dagar)", min_value=0, max_value=365, value=0, step=1,
                      key="fe_gap", disabled=follow,
                      help="Dagar efter insatsdatumet som inte räknas, medan insatsen byggs ut.")
cats = c5.multiselect("Kategorier", list(categories), format_func=categories.get,
                      key="fe_categories", placeholder="Alla kategorier", disabled=follow)

with st.expander("Jämförelseområden och buffert"):
    b1, b2 = st.columns(2)
    others = [a for a in areas if a not in targets]
    ctrl_mode = b1.radio("Jämförelseområden", ["matched", "all", "egna"], key="fe_ctrl_mode",
                         disabled=follow,
                         format_func={"matched": "Matchade: de som liknade målområdet mest "
                                                 "före insatsen (standard)",
                                      "all": "Alla som inte gränsar till målområdet",
                                      "egna": "Välj själv"}.get)
    controls: list[str] = []
    if ctrl_mode == "egna":
        controls = b1.multiselect("Välj jämförelseområden", others, format_func=areas.get,
                                  key="fe_controls", placeholder="Välj områden", disabled=follow)
    buf_mode = b2.radio("Buffert för förflyttning", ["neighbours", "ring", "areas", "none"],
                        key="fe_buf_mode", disabled=follow,
                        format_func={"neighbours": "Grannområdena",
                                     "ring": "En ring runt målområdet",
                                     "areas": "Välj själv", "none": "Ingen"}.get)
    buffers: list[str] = []
    ring_m = 300
    if buf_mode == "ring":
        ring_m = b2.number_input("Ringens bredd (meter)", min_value=50, max_value=5000,
                                 value=300, step=50, key="fe_ring_m", disabled=follow)
    elif buf_mode == "areas":
        buffers = b2.multiselect("Välj buffertområden", others, format_func=areas.get,
                                 key="fe_buffers", placeholder="Välj områden", disabled=follow)

if not targets:
    st.info("Välj ett målområde för att se utvärderingen.")
    st.stop()
if ctrl_mode == "egna" and not controls:
    st.info("Välj minst ett jämförelseområde, eller använd standardvalet.")
    st.stop()
if buf_mode == "areas" and not buffers:
    st.info("Välj minst ett buffertområde, eller använd grannområdena.")
    st.stop()

days = months_to_days(int(months))
spec = plan.spec if follow else EvaluationSpec(
    targets=tuple(targets), date=date, before_days=days, after_days=days, gap_days=int(gap),
    categories=tuple(cats), controls=tuple(controls), buffer=buf_mode, buffers=tuple(buffers),
    buffer_m=float(ring_m), comparison="all" if ctrl_mode == "all" else "matched")
measure_id = None if measure == "__date__" else measure
try:
    ev = cache.read(report.planned_evaluation, spec, measure_id)
except EvaluationError as exc:
    st.error(exc.sv)
    st.stop()

if ev.plan_note.startswith(plans.EXPLORATORY):
    st.warning(md(ev.plan_note), icon=":material/science:")
    if plan is not None and user.can(auth.WRITE):
        with st.popover("Spara valen som insatsens nya plan", icon=":material/edit_note:"):
            reason = st.text_input("Varför ändras planen?", key="fe_plan_reason",
                                   help="Skälet visas i rapporten och Årsuppföljningen.")
            if st.button("Spara som ny plan", key="fe_plan_save", type="primary"):
                try:
                    cache.write(plans.change_plan, measure, spec, reason, user=user.username)
                except EvaluationError as exc:
                    st.error(exc.sv)
                else:
                    st.rerun()

st.caption(headline(ev))
m1, m2, m3 = st.columns(3)
for col, label, counts, rr in (
        (m1, "Målområdet, före → efter", ev.target, ev.stats.target_rr),
        (m2, "Jämförelseområdena", ev.control, ev.stats.control_rr),
        (m3, "Bufferten", ev.buffer, ev.stats.buffer_rr)):
    if counts is None:
        col.metric(label, "–", help="Ingen buffert vald.")
        continue
    col.metric(label, f"{fmt.num(counts.before)} → {fmt.num(counts.after)}",
               delta=wording.metric_delta(ev, counts, rr.estimate), delta_color="inverse")

with st.container(border=True):
    st.markdown("**Sammanfattning**")
    st.markdown("\n\n".join(md(s) for s in summary_sentences(ev)))
    if ev.verdict != "incomplete" and power_sentence(ev.power):
        st.caption(md(power_sentence(ev.power)))
for warning in caveats(ev):
    st.warning(md(warning))
with st.expander("Vad betyder KI, modell, placebotest, p, styrka, RES, WDD och WDQ?",
                 icon=":material/help:"):
    st.markdown(glossary_markdown())

st.download_button(
    "Ladda ner rapporten (HTML, för utskrift)",
    data=cache.deferred(report.report_for, spec, db_path().name, measure_id),
    file_name=report.filename(ev), mime="text/html", type="primary",
    icon=":material/download:", on_click="ignore",
    help="En fristående fil med sammanfattning, urval, diagram, mått, metod och förbehåll. "
         "Öppna den i webbläsaren och skriv ut, eller spara som PDF.")

st.subheader("Utveckling per månad")
st.plotly_chart(evalchart.plotly_figure(ev), width="stretch",
                config={"displaylogo": False}, key="fe_chart")
st.caption("Antal per månad som index (medel före insatsen = 100). Streckade linjer: medel "
           "före och efter. Lodrät linje: insatsdatum. Gröna markeringar: insatser i "
           "målområdet.")

st.subheader("Antal före och efter")
st.table(report.counts_table(ev), hide_index=True)
st.subheader("Mått")
st.table(report.statistics_table(ev), hide_index=True)

buffer_table = report.buffer_areas_table(ev)
if len(buffer_table) > 1:
    with st.expander("Buffertområdena var för sig"):
        style.table(buffer_table)
        st.caption("Förändring relativt jämförelseområdena. Med många områden blir någon "
                   "skillnad ”signifikant” av en slump; sammanfattningen tar hänsyn till det.")
with st.expander("Per kategori"):
    style.table(report.category_table(ev))
if not ev.matching.empty:
    with st.expander("Hur jämförelseområdena valdes"):
        style.table(matching.swedish_table(ev.matching))
        st.caption("Kandidater: områden som inte gränsar till målområdet. Nivå = händelser "
                   "per år före insatsen; utveckling = andra halvan av föreperioden mot den "
                   "första. De närmaste i båda (avstånd i standardiserade enheter) valdes.")
with st.expander("Urval och insatser i målområdet"):
    st.table({"Val": [k for k, _ in report.selection_rows(ev)],
              "Värde": [v for _, v in report.selection_rows(ev)]}, hide_index=True)
    measures_table = report.measures_table(ev)
    if len(measures_table):
        style.table(measures_table)
with st.expander("Metod och förbehåll"):
    for heading, text in templates.METHOD:
        st.markdown(f"**{md(heading)}.** {md(text)}")
    st.markdown("**Förbehåll**\n\n" + "\n".join(f"- {md(c)}" for c in templates.GENERAL_CAVEATS))
