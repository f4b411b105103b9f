"""Rapportera, drawn: the one-column report form for a phone, the map a place is picked
on, and the reporter's recent reports with correction and withdrawal.

Writes go through :func:`report_write`: copy-on-write like every writer, for users with
the ``report`` capability (the store functions audit themselves, in the same write).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import streamlit as st

from est_data.core import auth, config, fmt
from est_data.core.config import db_path
from est_data.maps.click import clicked_point
from est_data.reporting import model, pickmap
from est_data.reporting import store as reports
from est_data.store.audit import now_local
from est_data.store.db import write_session
from est_data.webui import cache
from est_data.webui.signin import user_with

# One column, large touch targets, text at 16 px (a phone zooms into smaller fields).
PHONE_CSS = """
<style>
[data-testid="stMainBlockContainer"] {max-width: 40rem; padding-left: 1rem;
  padding-right: 1rem;}
[data-testid="stMain"] [data-testid="stButton"] button {min-height: 3rem; font-size: 1.05rem;}
[data-testid="stMain"] input, [data-testid="stMain"] textarea {font-size: 16px !important;}
[data-testid="stMain"] [data-testid="stSelectbox"] [role="group"] {min-height: 3rem;}
[data-testid="stMain"] [role="radiogroup"] label {min-height: 2.75rem; padding-right: 0.75rem;}
</style>
"""
WHEN = {"now": "Nu", "at": "Annan tid", "span": "Under en period"}
FLASH = "rp_flash"


def report_write(fn: Callable, *args, **kwargs) -> Any:
    """``fn(con, *args, **kwargs)`` in one copy-on-write session (README §5)."""
    user_with(auth.REPORT)
    with write_session(db_path()) as con:
        return fn(con, *args, **kwargs)


def pick_point(key: str, picked: tuple[float, float] | None, points=(),
               height: int = 360) -> tuple[float, float] | None:
    """Draw the map; the point clicked last (a new click replaces ``picked``)."""
    from streamlit_folium import st_folium

    from est_data.maps.data import area_shapes

    m = pickmap.pick_map(cache.read(area_shapes), picked, list(points),
                         tiles=config.map_tiles())
    result = st_folium(m, key=key, height=height, use_container_width=True,
                       returned_objects=["last_clicked"], render=False) or {}
    clicked = clicked_point({"last_clicked": result.get("last_clicked")})
    seen_key = f"{key}_seen"
    if clicked is not None and clicked != st.session_state.get(seen_key):
        st.session_state[seen_key] = clicked
        return clicked
    return picked


def _when(prefix: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The **När** fields: now, another time, or a from–till span."""
    now = now_local()
    how = st.radio("När", list(WHEN), format_func=WHEN.get, key=f"{prefix}_when",
                   horizontal=True)
    if how == "now":
        return now, None
    d = st.date_input("Datum" if how == "at" else "Från datum", value=now.date(),
                      key=f"{prefix}_from_d", format="YYYY-MM-DD")
    t = st.time_input("Klockan" if how == "at" else "Från klockan", value=now.time().replace(
        second=0, microsecond=0), key=f"{prefix}_from_t", step=300)
    start = dt.datetime.combine(d, t) if d and t else None
    if how == "at":
        return start, None
    d2 = st.date_input("Till datum", value=now.date(), key=f"{prefix}_to_d", format="YYYY-MM-DD")
    t2 = st.time_input("Till klockan", value=now.time().replace(second=0, microsecond=0),
                       key=f"{prefix}_to_t", step=300)
    return start, (dt.datetime.combine(d2, t2) if d2 and t2 else None)


def _where(prefix: str, areas: dict[str, str], suggestions: list[str]) -> dict:
    """The **Var** fields: a map click, an address with suggestions, or the area only."""
    kind = st.radio("Var", list(model.PLACE_KINDS), format_func=model.PLACE_KINDS.get,
                    key=f"{prefix}_where", horizontal=True)
    if kind == "point":
        st.caption("Tryck på kartan där det hände.")
        state = f"{prefix}_point"
        point = pick_point(f"{prefix}_map", st.session_state.get(state))
        st.session_state[state] = point
        if point is not None:
            st.caption(f"Vald plats: {point[0]:.5f}, {point[1]:.5f}")
        return {"place_kind": kind, "lat": point[0] if point else None,
                "lon": point[1] if point else None}
    if kind == "address":
        address = st.selectbox("Adress", suggestions, index=None, accept_new_options=True,
                               placeholder="Skriv adressen, t.ex. Storgatan 12",
                               key=f"{prefix}_address")
        area = st.selectbox("Område (om adressen inte är känd)", list(areas), index=None,
                            format_func=areas.get, placeholder="Välj område",
                            key=f"{prefix}_addr_area")
        return {"place_kind": kind, "address": address, "area_id": area}
    area = st.selectbox("Område", list(areas), index=None, format_func=areas.get,
                        placeholder="Välj område", key=f"{prefix}_area")
    return {"place_kind": kind, "area_id": area}


def report_form(actor: str, categories: dict[str, str], areas: dict[str, str],
                suggestions: list[str], username: str) -> str | None:
    """The form; on **Skicka rapport** the report is stored (or the Swedish reasons why
    not are shown, nothing stored). Returns the new incident's id."""
    nonce = st.session_state.setdefault("rp_nonce", 0)  # a new form after each report
    prefix = f"rp{nonce}"
    category = st.selectbox("Kategori", list(categories), index=None,
                            format_func=categories.get, placeholder="Välj kategori",
                            key=f"{prefix}_category")
    start, end = _when(prefix)
    place = _where(prefix, areas, suggestions)
    description = st.text_area("Beskrivning (frivillig)", key=f"{prefix}_text",
                               max_chars=model.MAX_DESCRIPTION, height=100)
    st.caption(model.NAMES_NOTE_SV)
    if not st.button("Skicka rapport", type="primary", width="stretch", key=f"{prefix}_send"):
        return None
    raw = model.ReportInput(category=category, occurred_from=start, occurred_to=end,
                            description=description, **place)
    try:
        incident_id = report_write(_submit, raw, actor, username)
    except model.ReportError as exc:
        for message in exc.messages:
            st.error(message)
        return None
    st.session_state["rp_nonce"] = nonce + 1
    st.session_state[FLASH] = incident_id[1]
    st.rerun()
    return incident_id[0]


def _submit(con, raw: model.ReportInput, actor: str, username: str) -> tuple[str, str]:
    """Store the report; its id and what the reporter is told, read in the same write."""
    incident_id = reports.submit_report(con, raw, actor, username)
    return incident_id, reports.receipt_sv(con, incident_id)


def _place_text(r) -> str:
    if isinstance(r["address"], str) and r["address"]:
        return r["address"]
    if r["area_name"]:
        return r["area_name"]
    return "Punkt på kartan" if r["precision"] == "point" else "–"


def recent_list(actor: str | None, user: auth.User) -> None:
    """The actor's reports of the last 30 days; own ones may be corrected or withdrawn
    within 24 hours (an administrator's always)."""
    df = cache.read(reports.recent_reports, actor)
    st.subheader("Senaste rapporterna")
    if df.empty:
        st.caption("Inga rapporter de senaste 30 dagarna.")
        return
    now = now_local()
    for _, r in df.head(30).iterrows():
        line = (f"**{fmt.datetime_min(r['occurred_at'])}** · {r['category_label']} · "
                f"{_place_text(r)}")
        st.markdown(line + ("  \n*Samma händelse finns redan från en annan aktör.*"
                            if isinstance(r["duplicate_of"], str) else ""))
        own = r["reported_by"] == user.username or user.can(auth.VIEW_DESCRIPTIONS)
        if own and isinstance(r["description"], str) and r["description"]:
            st.caption(r["description"])
        if reports.may_change(user, r["reported_by"], r["reported_at"], now) is None:
            _change_panel(r, user)


def _change_panel(r, user: auth.User) -> None:
    """Correct the category, time and text of a report, or withdraw it."""
    key = r["incident_id"]
    with st.expander("Ändra eller ta tillbaka"):
        categories = cache.read(reports.category_options)
        codes = list(categories)
        cat = st.selectbox("Kategori", codes, index=codes.index(r["category"]),
                           format_func=categories.get, key=f"fix_cat_{key}")
        when = r["occurred_at"].to_pydatetime()
        d = st.date_input("Datum", value=when.date(), key=f"fix_d_{key}", format="YYYY-MM-DD")
        t = st.time_input("Klockan", value=when.time(), key=f"fix_t_{key}", step=300)
        text = st.text_area("Beskrivning", value=r["description"] if isinstance(
            r["description"], str) else "", key=f"fix_text_{key}", max_chars=model.MAX_DESCRIPTION)
        c1, c2 = st.columns(2)
        if c1.button("Spara ändringen", key=f"fix_save_{key}", width="stretch"):
            raw = model.ReportInput(
                category=cat, occurred_from=dt.datetime.combine(d, t),
                occurred_to=None if r["occurred_to"] is None or str(r["occurred_to"]) == "NaT"
                else r["occurred_to"].to_pydatetime(), description=text, **_stored_place(r))
            _apply(reports.correct_report, key, raw, user, done="Rapporten är ändrad.")
        if c2.button("Ta tillbaka rapporten", key=f"fix_del_{key}", width="stretch"):
            _apply(reports.withdraw_report, key, user, done="Rapporten är borttagen.")


def _stored_place(r) -> dict:
    if r["precision"] == "point":
        return {"place_kind": "point", "lat": float(r["lat"]), "lon": float(r["lon"])}
    area = r["area_id"] if isinstance(r["area_id"], str) else (
        r["focus_area_id"] if isinstance(r["focus_area_id"], str) else None)
    if r["precision"] == "address":
        return {"place_kind": "address", "address": r["address"], "area_id": area}
    return {"place_kind": "area", "area_id": area}


def _apply(fn: Callable, *args, done: str) -> None:
    try:
        report_write(fn, *args)
    except model.ReportError as exc:
        st.error(" ".join(exc.messages))
        return
    st.session_state[FLASH] = done
    st.rerun()
