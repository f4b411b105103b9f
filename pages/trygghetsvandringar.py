"""Trygghetsvandringar: the safety walks, their findings on the map, each followed until
it is fixed (a fixed finding becomes a measure), and the printable walk report."""
import streamlit as st

from est_data.areas.catalog import area_names
from est_data.core import auth
from est_data.reporting.store import actor_options
from est_data.walks import store as walks
from est_data.webui import cache, signin, walks_ui

user = signin.require(auth.VIEW_AGGREGATES)
can_write = user.can(auth.WRITE)

st.title("Trygghetsvandringar")
st.caption("Aktörerna går tillsammans genom ute- och innemiljöer: belysning, väggar, buskage, "
           "lås. Varje fynd har en ansvarig aktör och följs tills det är åtgärdat; ett "
           "åtgärdat fynd blir en insats i loggen.")
flash = st.session_state.pop(walks_ui.FLASH, None)
if flash:
    st.success(flash)

areas = cache.read(area_names)
actors = cache.read(actor_options)
if can_write:
    walks_ui.new_walk_form(areas, actors, user.username)

all_walks = cache.read(walks.list_walks)
if all_walks.empty:
    st.info("Inga trygghetsvandringar är sparade ännu."
            + (" Lägg till en ovan." if can_write else ""))
    st.stop()

walk_id = st.selectbox("Vandring", list(all_walks["walk_id"]),
                       format_func=walks_ui.walk_label(all_walks), key="tv_walk")
findings = cache.read(walks.walk_findings, walk_id)
point = walks_ui.findings_map(findings, can_write, walk_id)
if can_write:
    walks_ui.new_finding_form(walk_id, point, actors, user.username)
if findings.empty:
    st.caption("Inga fynd från den här vandringen ännu.")
else:
    walks_ui.findings_table(findings)
    if can_write:
        walks_ui.status_forms(findings, user.username)
walks_ui.walk_report(walk_id)
