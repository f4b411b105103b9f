""""The usual way" a Streamlit crime dashboard is written, as the baseline of the benchmark.

Every incident is read into pandas once (``st.cache_data``), filters run in pandas, and
the map is a folium HeatMap of the raw points. It is deliberately the common pattern,
not a straw man: cached loading, vectorised pandas filters, streamlit-folium with
``returned_objects=[]``. Run it like the app: ``EST_DB=... streamlit run bench/usual_way_app.py``.
"""
import os

import duckdb
import folium
import pandas as pd
import streamlit as st
from folium.plugins import HeatMap
from streamlit_folium import st_folium

st.set_page_config(page_title="Usual way", layout="wide")


@st.cache_data
def load(path: str) -> pd.DataFrame:
    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute("SELECT * FROM incidents").df()
    finally:
        con.close()


df = load(os.environ["EST_DB"])
lo, hi = df["occurred_at"].min().date(), df["occurred_at"].max().date()
start, end = st.sidebar.date_input("Period", (lo, hi), key="f_period")
cats = st.sidebar.multiselect("Kategorier", sorted(df["category"].unique()), key="f_categories")
sources = st.sidebar.multiselect("Aktörer", sorted(df["source"].unique()), key="f_sources")

mask = (df["occurred_at"] >= pd.Timestamp(start)) & (df["occurred_at"] < pd.Timestamp(end) + pd.Timedelta(days=1))
mask &= df["duplicate_of"].isna()
if cats:
    mask &= df["category"].isin(cats)
if sources:
    mask &= df["source"].isin(sources)
shown = df[mask]
st.title("Karta")
st.metric("Händelser", len(shown))
m = folium.Map(location=[63.1792, 14.6361], zoom_start=12)
HeatMap(shown[["lat", "lon"]].dropna().values.tolist(), radius=12).add_to(m)
st_folium(m, returned_objects=[], height=600, width=None)
