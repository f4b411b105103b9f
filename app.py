"""EST Lägesbild: the frame. Routes to the pages; all logic lives in ``est_data``."""
import streamlit as st

from est_data.webui import frame, setup, signin, style

# An emoji favicon is drawn locally; a ":material/...:" one is fetched from a Google CDN,
# the one request a meeting room without internet would still make.
st.set_page_config(page_title="EST Lägesbild", page_icon="🗺️", layout="wide")
style.swedish_widgets()

st.sidebar.title("EST Lägesbild")
st.sidebar.caption("Effektiv samordning för trygghet · Östersund")
user = signin.sign_in()
if user is None:
    st.navigation([st.Page(lambda: None, title="Logga in")], position="hidden")
    st.stop()
# Sections "Läget", "Analys", "Admin" with the pages the user's role may see
# (est_data/webui/frame.py); URLs are the pages' url paths (/karta, /trender, ...).
pg = st.navigation(frame.navigation_pages(user))
if setup.ensure_database(user):
    frame.run_page(pg)
