"""EST Lägesbild: the frame. Routes to the pages; all logic lives in ``est_data``."""
import streamlit as st

from est_data.core import auth
from est_data.webui import ui

# An emoji favicon is drawn locally; a ":material/...:" one is fetched from a Google CDN,
# the one request a meeting room without internet would still make.
st.set_page_config(page_title="EST Lägesbild", page_icon="🗺️", layout="wide")
ui.swedish_widgets()

# (page, the capability a user needs to see it; see est_data/core/auth.py)
PAGES = [
    (st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:",
             url_path="oversikt", default=True), auth.VIEW_AGGREGATES),
    (st.Page("pages/karta.py", title="Karta", icon=":material/map:", url_path="karta"),
     auth.VIEW_AGGREGATES),
    (st.Page("pages/trender.py", title="Trender", icon=":material/trending_up:",
             url_path="trender"), auth.VIEW_AGGREGATES),
    (st.Page("pages/insatser.py", title="Insatser", icon=":material/construction:",
             url_path="insatser"), auth.VIEW_AGGREGATES),
    (st.Page("pages/fore_efter.py", title="Före/efter", icon=":material/compare_arrows:",
             url_path="fore_efter"), auth.VIEW_AGGREGATES),
    (st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
     auth.WRITE),
    (st.Page("pages/omraden.py", title="Områden", icon=":material/polyline:",
             url_path="omraden"), auth.WRITE),
]

st.sidebar.title("EST Lägesbild")
st.sidebar.caption("Effektiv samordning för trygghet · Östersund")
user = ui.sign_in()
if user is None:
    st.navigation([st.Page(lambda: None, title="Logga in")], position="hidden")
    st.stop()
pg = st.navigation([page for page, needs in PAGES if user.can(needs)])
if ui.ensure_database():
    pg.run()
