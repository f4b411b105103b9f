"""EST Lägesbild: the frame. Routes to the pages; all logic lives in ``est_data``."""
import streamlit as st

from est_data import ui

st.set_page_config(page_title="EST Lägesbild", page_icon=":material/map:", layout="wide")

# Pages that analyse incidents share the filter sidebar built here, in the frame, so
# that its state survives switching pages.
FILTERED = {"oversikt"}

PAGES = [
    st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:",
            url_path="oversikt", default=True),
]

pg = st.navigation(PAGES)
st.sidebar.title("EST Lägesbild")
st.sidebar.caption("Effektiv samordning för trygghet · Östersund")
if ui.ensure_database():
    if pg.url_path in FILTERED or (pg.url_path == "" and "oversikt" in FILTERED):
        st.session_state._filter = ui.filter_sidebar()
    pg.run()
