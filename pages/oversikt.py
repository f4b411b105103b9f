"""Översikt: the period at a glance, and "Mötesläge", the meeting view for the projector."""

import streamlit as st

from est_data.trends import alerts as alerting
from est_data.core import auth, config, fmt, privacy
from est_data.core.errors import DATABASE_BUSY_SV
from est_data.incidents import published, queries
from est_data.overview import display, lagesbild, meetings, narrative, since
from est_data.overview.meeting_map import meeting_controls as meeting_map_controls
from est_data import maps
from est_data.maps.data import HEAT_TOO_SPARSE_SV, located_counts
from est_data.webui import cache, meeting, nearrepeat_view, setup, sidebar, signin, style, widgets
from est_data.webui.walks_ui import meeting_findings
from est_data.store.dbfile import DatabaseError

user = signin.require(auth.VIEW_AGGREGATES)
limit = privacy.limit_for(user)  # the meeting role: small counts suppressed everywhere
MEETING_ALERTS = 3  # unusual weeks listed in the meeting view (the projector has little room)
f = sidebar.filter_sidebar()
anchor = cache.read(queries.anchor_date)

meeting.start_in_mode(user)
# Mötesläge needs room for its map switch; Översikt (beside the sidebar) for the toggle's
# label, which the narrower column cut to "Möte…".
widths = [5.6, 2.6, 1.4] if st.session_state[meeting.MODE_KEY] else [5.6, 1.0, 2.0]
head, tools, switch = st.columns(widths, vertical_alignment="center")
meeting_mode = switch.toggle(
    "Mötesläge", key=meeting.MODE_KEY,
    help="För projektorn: stor text, hög kontrast, kartan med fokusområdena, nyckeltal sedan "
         "förra mötet, störst ökning och åtgärderna. Länk direkt hit: ?mote=1 "
         "(&uppdatera=5 läser om sidan var 5:e minut).")
meeting.keep_link(meeting_mode)

if cache.read(queries.data_span)[0] is None:
    head.title("Översikt")
first, last = setup.data_span_or_stop()


def lagesbild_buttons(view, heading: str, key: str, new_from=None, narrow: bool = False) -> None:
    """PNG and PDF of the one-page lägesbild, made when clicked."""
    c1, c2 = st.columns([1, 1] if narrow else [1, 1, 3])[:2]
    for col, kind, label in ((c1, "png", "Lägesbild (PNG)"), (c2, "pdf", "Lägesbild (PDF)")):
        col.download_button(
            label, data=cache.deferred(lagesbild.render, view, heading, kind, new_from=new_from),
            file_name=f"lagesbild_{view.end:%Y-%m-%d}.{kind}", mime=lagesbild.FORMATS[kind],
            icon=":material/download:", key=f"{key}_{kind}", on_click="ignore",
            help="En sida att bifoga mötesprotokollet: karta, nyckeltal och period.")


def meeting_map(view, shows_col) -> None:
    """Where it happens (density) or where it rose (areas by change), at full height,
    with a button per focus area."""
    shows = shows_col.segmented_control(
        "Kartan visar", ["heat", "change"], key="mote_map_shows", default="heat",
        label_visibility="collapsed",
        format_func={"heat": "Var det händer", "change": "Var det ökat"}.get,
        help="Täthet av händelserna under perioden, eller områdena färgade efter "
             "förändringen mot samma antal dagar före.") or "heat"
    data = cache.read(maps.map_data, view, display.meeting_map_options(shows))
    shapes = cache.read(maps.area_shapes)
    m = maps.build_map(data, shapes, tiles=config.map_tiles(), large=True, layer_control=False)
    widgets.show_map(meeting_map_controls(m, shapes), key="mote_map", height=560)
    if data.heat_too_sparse:
        st.caption(HEAT_TOO_SPARSE_SV)


def meeting_lists(g: dict, period) -> None:
    """Largest increases, the week's unusual counts, the measures and the text, in tabs
    (the projector has no room for all at once)."""
    tabs = st.tabs(["Störst ökning", f"Ovanliga veckor ({fmt.num(len(g['alerts']))})",
                    "Åtgärder", "Vandringar", "I text"], key="mote_tabs")
    with tabs[0]:
        meeting.increases(g["b"])
    with tabs[1]:
        meeting.alerts_list(g["alerts"], g["new_alerts"], alerting.MEANING, MEETING_ALERTS)
    with tabs[2]:
        meeting.measures_list(g["b"]["measures"], g["news"])
    with tabs[3]:
        meeting_findings(period.meeting)
    with tabs[4]:
        text = " ".join(narrative.sentences(period.heading(), period.view, g))
        meeting.narrative_text(text, period.view.end)
        lagesbild_buttons(period.view, period.heading(), "mote_lagesbild", period.new_from, narrow=True)


def meeting_view() -> None:
    """Mötesläge: since the last meeting (or the usual meeting cycle), for the projector."""
    period = cache.read(since.meeting_period, f, anchor)
    g = cache.read(narrative.gather, period.view, period.new_from)
    meeting.fit_screen()
    meeting.header(head, period, anchor, meeting.auto_refresh())
    left, right = st.columns([3, 2], gap="medium")
    with left:
        meeting_map(period.view, tools)
    with right.container(key=meeting.SIDE_KEY):
        meeting.figures(g["b"])
        nearrepeat_view.show_warning(period.view, limit, meeting=True)
        meeting_lists(g, period)


def add_meeting_form() -> bool:
    """A form for a new meeting date; True when one was stored."""
    with st.form("add_meeting", clear_on_submit=True, border=False):
        c1, c2 = st.columns([1, 2])
        held_on = c1.date_input("Datum", value=anchor, format="YYYY-MM-DD")
        title = c2.text_input("Rubrik", placeholder=meetings.default_title(anchor),
                              max_chars=meetings.TITLE_MAX)
        note = st.text_area("Anteckning (valfri)", max_chars=meetings.NOTE_MAX, height=80)
        if not st.form_submit_button("Lägg till möte", icon=":material/add:"):
            return False
        try:
            cache.write(meetings.add_meeting, held_on, title, note)
            st.success(f"Mötet {fmt.date(held_on)} är sparat.")
            return True
        except meetings.MeetingError as exc:
            st.error(str(exc))
        except DatabaseError:
            st.error(DATABASE_BUSY_SV)
        return False


def remove_meeting(stored) -> None:
    """Choose a stored meeting and remove it."""
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    labels = display.meeting_labels(stored)
    chosen = c1.selectbox("Ta bort möte", list(labels), format_func=labels.get, index=None,
                          placeholder="Välj ett möte", key="remove_meeting")
    if c2.button("Ta bort", icon=":material/delete:", disabled=chosen is None):
        try:
            cache.write(meetings.delete_meeting, chosen)
            st.session_state.pop("remove_meeting", None)
            st.rerun()
        except DatabaseError:
            st.error(DATABASE_BUSY_SV)


def meetings_panel() -> None:
    """Meeting dates (they define "sedan förra mötet"); a user who may write adds and
    removes them, the others only see them."""
    writer = user.can(auth.WRITE)
    stored = cache.read(meetings.list_meetings)
    with st.expander(f"Möten ({fmt.num(len(stored))} sparade)", icon=":material/event:"):
        st.caption("Mötesdatumen styr perioden **Sedan förra mötet** och mötesläget."
                   + ("" if writer else " En administratör lägger till och tar bort möten."))
        if writer and add_meeting_form():
            stored = cache.read(meetings.list_meetings)
        if stored.empty:
            st.info("Inga möten är sparade ännu.")
            return
        style.table(stored[["held_on", "title", "note"]].fillna(""),
                    height=min(35 * len(stored) + 38, 250),
                    column_config={"held_on": st.column_config.DateColumn("Datum", format="YYYY-MM-DD"),
                                   "title": "Rubrik", "note": "Anteckning"})
        if writer:
            remove_meeting(stored)


def overview_figures(totals: dict) -> None:
    """Incidents with their change, how many are on the map and how many are not (as
    published for the user's role: see est_data.incidents.published)."""
    c1, c2, c3 = st.columns(3)
    counts = cache.read(located_counts, f)
    marks = published.placement_marks(counts, limit)
    now = privacy.primary(totals["current"], limit)
    change = totals["current"] - totals["previous"]
    hidden = privacy.hides(now, privacy.primary(totals["previous"], limit))
    c1.metric("Händelser", privacy.text(totals["current"], now),
              delta=None if hidden else f"{fmt.signed(change)} mot föregående period",
              **({} if hidden else style.delta_style(change)))
    c2.metric("Med plats på kartan", privacy.text(counts["located"], marks["located"]))
    c3.metric("Endast kända på kommunnivå",
              privacy.text(counts["municipality_only"], marks["municipality_only"]),
              help="Händelser som bara är kända på kommunnivå, t.ex. Polisens publicerade "
                   "händelser. De räknas här men ritas aldrig som punkter på kartan.")


# Narrow number columns: both tables share the page and must fit unscrolled. The texts
# come from fmt (Swedish numbers, "–" for a missing value), the values stay numbers.
COUNT_COLUMNS = {
    "current": st.column_config.NumberColumn("Antal", width=58),
    "previous": st.column_config.NumberColumn("Föreg.", width=58,
                                              help="Föregående period av samma längd."),
    "change": st.column_config.NumberColumn("Förändr.", width=70,
                                            help="Skillnad mot föregående period av samma längd."),
    "change_pct": st.column_config.NumberColumn(
        "%", width=62, help="Förändring i procent (– när föregående period saknar händelser)."),
}
COUNT_TEXTS = {"current": fmt.num, "previous": fmt.num, "change": fmt.signed, "change_pct": fmt.pct,
               "per_1000": lambda v: fmt.num(v, 1)}
# The meeting role's tables are texts as published ("<3", "dolt"): the same headers.
TEXT_COLUMNS = {k: st.column_config.TextColumn(c["label"], width=c["width"], help=c["help"])
                for k, c in COUNT_COLUMNS.items()}


def count_table(rows, **column_config) -> None:
    """A table of counts: numbers with Swedish texts, or the published texts; the
    withheld breakdown as a note."""
    if rows is None:
        st.info(display.WITHHELD_SV, icon=":material/visibility_off:")
        return
    if limit:
        style.table(rows, column_config={**TEXT_COLUMNS, **column_config})
    else:
        style.table(fmt.styled(rows, COUNT_TEXTS), column_config={**COUNT_COLUMNS, **column_config})


def overview_tables() -> None:
    """Counts with their change per category and per area."""
    left, right = st.columns([5, 6])
    with left:
        st.subheader("Per kategori")
        count_table(display.category_rows(cache.read(queries.counts_with_change, f, "category"), limit))
    with right:
        st.subheader("Per område")
        # No percent column here: on an area's small counts it mostly says "+200 %".
        marks = cache.read(published.area_marks, f, limit) if limit else None
        count_table(
            display.area_rows(cache.read(queries.area_table, f), marks, limit),
            Område=st.column_config.TextColumn("Område", width="medium"),
            per_1000=st.column_config.Column(
                "Per 1 000", width=70,
                help="Händelser under perioden per 1 000 invånare (ungefärlig befolkning); "
                     "– för fokusområden, som saknar egen befolkningssiffra."))
        st.caption("★ = fokusområde. Fokusområden ligger inom statistikområdena och räknas i båda.")


def overview() -> None:
    """The chosen period against the one before: figures, alerts, tables, meetings."""
    prev = f.previous()
    head.title("Översikt")
    st.caption(f"**{fmt.period(f.start, f.end)}** jämfört med {fmt.period(prev.start, prev.end)}. "
               "Unika händelser" + (" inklusive dubbletter." if f.include_duplicates else
                                     " (samma händelse från flera aktörer räknas en gång)."))
    totals = cache.read(queries.period_totals, f)
    if totals["current"] == 0 and totals["previous"] == 0:
        st.info(f"**Inga händelser matchar filtret** under {fmt.period(f.start, f.end)}. "
                f"Det finns data från {fmt.date(first)} till {fmt.date(last)}: välj en annan "
                "period eller färre filter i sidopanelen.")
        meetings_panel()
        return
    overview_figures(totals)
    widgets.show_alerts(f, limit)
    nearrepeat_view.show_warning(f, limit)
    overview_tables()
    st.subheader("Möten och lägesbild")
    meetings_panel()
    lagesbild_buttons(f, "Vald period", "lagesbild")


if meeting_mode:
    meeting_view()
else:
    overview()
