"""Trygghetsvandringar, drawn: the walk and finding forms, the findings' statuses, the
walk report, and the meeting view's part (open findings per actor, fixed since the last
meeting).

The findings counted here are the partners' own to-do list, not incidents about people,
so the small-count rule (README §8) does not withhold them: each is listed by name anyway.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pandas as pd
import streamlit as st

from est_data.core import auth, fmt
from est_data.core.config import db_path
from est_data.store.db import write_session
from est_data.walks import model
from est_data.walks import store as walks
from est_data.walks.report import walk_report_body, walk_report_html
from est_data.webui import cache
from est_data.webui.report_ui import pick_point
from est_data.webui.signin import user_with

FLASH = "tv_flash"
STATUS_COLOURS = {"oppen": "#d62728", "atgardad": "#2ca02c", "avfardad": "#7f7f7f"}
MEETING_PER_ACTOR = 3


def walk_write(fn: Callable, *args, done: str) -> Any:
    """``fn(con, *args)`` in one copy-on-write session for a user who may write (the
    walk functions audit themselves); shows the Swedish reasons of a refusal."""
    user_with(auth.WRITE)
    try:
        with write_session(db_path()) as con:
            result = fn(con, *args)
    except model.WalkError as exc:
        for message in exc.messages:
            st.error(message)
        return None
    st.session_state[FLASH] = done
    st.rerun()
    return result


def new_walk_form(areas: dict[str, str], actors: dict[str, str], username: str) -> None:
    with st.expander("Ny trygghetsvandring"), st.form("tv_new_walk"):
        day = st.date_input("Datum", value=dt.date.today(), format="YYYY-MM-DD", key="tv_day")
        area = st.selectbox("Område", list(areas), index=None, format_func=areas.get,
                            placeholder="Välj område", key="tv_area")
        who = st.multiselect("Aktörer som var med", list(actors), format_func=actors.get,
                             placeholder="Välj aktörer", key="tv_actors")
        note = st.text_input("Anteckning (frivillig)", key="tv_note", max_chars=model.MAX_TEXT)
        if st.form_submit_button("Spara vandringen", type="primary"):
            walk_write(walks.add_walk, day, area, who, note, username,
                       done="Vandringen är sparad. Lägg till fynden nedan.")


def walk_label(walks_df: pd.DataFrame) -> Callable[[str], str]:
    labels = {r.walk_id: f"{fmt.date(r.walked_on)} · {r.area_name} ({fmt.num(r.findings)} fynd, "
                         f"{fmt.num(r.open)} öppna)" for r in walks_df.itertuples()}
    return lambda walk_id: labels.get(walk_id, walk_id)


def findings_map(findings: pd.DataFrame, can_write: bool, walk_id: str) -> tuple | None:
    """The findings on the map (numbered, coloured by status); a click picks a new
    finding's place for a user who may write."""
    points = [(r.lat, r.lon, f"{r.nr}. {r.kind_label} ({r.status_label})",
               STATUS_COLOURS.get(r.status, "#000")) for r in findings.itertuples()]
    state = f"tv_point_{walk_id}"
    point = pick_point(f"tv_map_{walk_id}", st.session_state.get(state) if can_write else None,
                       points, height=420)
    if can_write:
        st.session_state[state] = point
    return point


def new_finding_form(walk_id: str, point: tuple | None, actors: dict[str, str],
                     username: str) -> None:
    st.markdown("**Nytt fynd** – klicka på kartan där bristen finns.")
    if point is not None:
        st.caption(f"Vald plats: {point[0]:.5f}, {point[1]:.5f}")
    with st.form(f"tv_new_finding_{walk_id}"):
        kind = st.selectbox("Typ", list(model.KINDS), index=None, format_func=model.KINDS.get,
                            placeholder="Välj typ av brist", key=f"tv_kind_{walk_id}")
        resp = st.selectbox("Ansvarig aktör", list(actors), index=None, format_func=actors.get,
                            placeholder="Välj ansvarig", key=f"tv_resp_{walk_id}")
        text = st.text_input("Beskrivning (inga foton, inga namn)", key=f"tv_text_{walk_id}",
                             max_chars=model.MAX_TEXT)
        if st.form_submit_button("Spara fyndet", type="primary"):
            lat, lon = point if point else (None, None)
            walk_write(walks.add_finding, walk_id, kind, lat, lon, resp, text, username,
                       done="Fyndet är sparat.")


def findings_table(findings: pd.DataFrame) -> None:
    from est_data.webui import style

    style.table(pd.DataFrame({
        "Nr": findings["nr"].to_numpy(), "Typ": findings["kind_label"].to_numpy(dtype=object),
        "Beskrivning": findings["description"].to_numpy(dtype=object),
        "Ansvarig": findings["responsible_name"].to_numpy(dtype=object),
        "Status": [s if st_ != "atgardad" else f"{s} {fmt.date(d)}" for s, st_, d in zip(
            findings["status_label"], findings["status"], findings["fixed_on"])]}))


def status_forms(findings: pd.DataFrame, username: str) -> None:
    """Mark an open finding fixed (it becomes a measure) or dismissed."""
    open_ = findings[findings["status"] == "oppen"]
    if open_.empty:
        return
    labels = {r.finding_id: f"{r.nr}. {r.kind_label} ({r.responsible_name})"
              for r in open_.itertuples()}
    with st.form("tv_status"):
        st.markdown("**Följ upp ett öppet fynd**")
        fid = st.selectbox("Fynd", list(labels), format_func=labels.get, key="tv_status_fid")
        how = st.radio("Ny status", ["atgardad", "avfardad"], format_func=model.STATUSES.get,
                       horizontal=True, key="tv_status_how")
        day = st.date_input("Åtgärdat datum", value=dt.date.today(), format="YYYY-MM-DD",
                            key="tv_status_day")
        reason = st.text_input("Skäl (vid avfärdat)", key="tv_status_reason",
                               max_chars=model.MAX_TEXT)
        if st.form_submit_button("Spara status", type="primary"):
            if how == "atgardad":
                walk_write(walks.fix_finding, fid, day, username,
                           done="Fyndet är åtgärdat och finns nu som insats i loggen.")
            else:
                walk_write(walks.dismiss_finding, fid, reason, username,
                           done="Fyndet är avfärdat.")


def walk_report(walk_id: str) -> None:
    html = cache.read(walk_report_html, walk_id)
    st.download_button("Vandringsrapport (HTML, för utskrift)", data=html,
                       file_name=f"trygghetsvandring_{walk_id}.html", mime="text/html",
                       icon=":material/print:", key=f"tv_report_{walk_id}", on_click="ignore")
    with st.expander("Visa vandringsrapporten"):
        st.html(cache.read(walk_report_body, walk_id))


def meeting_findings(meeting: dict | None) -> None:
    """Mötesläge: how many findings were fixed since the last meeting, and the open ones
    per responsible actor, oldest first."""
    since = meeting["held_on"] if meeting else None
    fixed = cache.read(walks.fixed_since, since)
    open_ = cache.read(walks.open_findings)
    st.markdown("### Trygghetsvandringar")
    when = "sedan förra mötet" if since else "hittills"
    st.markdown(f"**{fmt.num(fixed)}** fynd åtgärdade {when} · "
                f"**{fmt.num(len(open_))}** öppna")
    for actor, group in open_.groupby("actor", sort=True):
        items = "; ".join(f"{r.kind_label}, {r.area_name} ({fmt.date(r.walked_on)})"
                          for r in group.head(MEETING_PER_ACTOR).itertuples())
        more = len(group) - MEETING_PER_ACTOR
        st.markdown(f"**{actor}** ({fmt.num(len(group))} öppna): {items}"
                    + (f" … och {fmt.num(more)} till" if more > 0 else ""))
