"""EST Lägesbild: the frame. Routes to the pages; all logic lives in ``est_data``."""
import streamlit as st

from est_data.webui import frame, setup, signin, style

frame.run_as_frame()  # a fresh server may start app.py as a page (see frame.py)
# An emoji favicon is drawn locally; a ":material/...:" one is fetched from a Google CDN,
# the one request a meeting room without internet would still make.
st.set_page_config(page_title="EST Lägesbild", page_icon="🗺️", layout="wide")
style.swedish_widgets()

st.sidebar.title("EST Lägesbild")
st.sidebar.caption("Effektiv samordning för trygghet · Östersund")
user = signin.sign_in()  # signed out: the sign-in form, in place of the page
# Sections "Läget", "Analys", "Admin" with the pages the user's role may see; every page
# is registered, so a link to one is never "Page not found" (est_data/webui/frame.py).
# URLs are the pages' url paths (/karta, /trender, ...).
pg = st.navigation(frame.navigation_pages(user), position="sidebar" if user else "hidden")
if user is not None and setup.ensure_database(user):
    frame.run_page(pg)
