"""EST Lägesbild: the frame. Routes to the pages; all logic lives in ``est_data``."""
import streamlit as st

from est_data import ui

# An emoji favicon is drawn locally; a ":material/...:" one is fetched from a Google CDN,
# the one request a meeting room without internet would still make.
st.set_page_config(page_title="EST Lägesbild", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:",
            url_path="oversikt", default=True),
    st.Page("pages/karta.py", title="Karta", icon=":material/map:", url_path="karta"),
]

pg = st.navigation(PAGES)
st.sidebar.title("EST Lägesbild")
st.sidebar.caption("Effektiv samordning för trygghet · Östersund")
if ui.ensure_database():
    pg.run()
