"""Rapportera: a caretaker, a guard or a night walker reports straight into the common
database from a phone; the report is an incident at once."""
import streamlit as st

from est_data.areas.catalog import area_names
from est_data.core import auth
from est_data.reporting import place, store
from est_data.webui import cache, report_ui, signin

user = signin.require(auth.REPORT)
st.html(report_ui.PHONE_CSS)
st.title("Rapportera")

actors = cache.read(store.actor_options)
if user.actor:
    actor = user.actor
    st.caption(f"Du rapporterar för **{actors.get(actor, actor)}**. Rapporten hamnar direkt "
               "i den gemensamma lägesbilden.")
else:
    st.caption("Som administratör kan du rapportera för vilken aktör som helst.")
    actor = st.selectbox("Aktör", list(actors), format_func=actors.get, key="rp_actor")
    if not actors:
        st.info("Det finns inga aktörer i databasen ännu. En aktör kommer till med sin första "
                "import, eller med en rapportörs första rapport.")

flash = st.session_state.pop(report_ui.FLASH, None)
if flash:
    st.success(flash)

if actor:
    report_ui.report_form(actor, cache.read(store.category_options), cache.read(area_names),
                          cache.read(place.address_suggestions), user.username)
    st.divider()
    report_ui.recent_list(actor, user)
