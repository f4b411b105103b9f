"""EST Lägesbild: the frame. Routes to the pages; all logic lives in ``est_data``."""
import streamlit as st

from est_data import ui

st.set_page_config(page_title="EST Lägesbild", page_icon=":material/map:", layout="wide")

PAGES = [
    st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:",
            url_path="oversikt", default=True),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
]

pg = st.navigation(PAGES)
st.sidebar.title("EST Lägesbild")
st.sidebar.caption("Effektiv samordning för trygghet · Östersund")
if ui.ensure_database():
    pg.run()
