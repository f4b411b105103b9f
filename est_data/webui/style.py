"""How things look: the stylesheets, Swedish widget texts, metric colours and tables."""
from __future__ import annotations

import streamlit as st

MEETING_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"] {display: none !important;}
[data-testid="stMainBlockContainer"] {padding-top: 1.2rem; max-width: 100%;}
[data-testid="stMain"] {color: #000;}
[data-testid="stMain"] p, [data-testid="stMain"] li {font-size: 1.35rem; line-height: 1.45;}
[data-testid="stMain"] h1 {font-size: 2.9rem; color: #000;}
[data-testid="stMain"] h3 {font-size: 1.9rem; color: #000;}
[data-testid="stMetricLabel"] p {font-size: 1.4rem !important; font-weight: 600; color: #000;}
[data-testid="stMetricValue"] p {font-size: 3.6rem !important; font-weight: 700; color: #000;
  line-height: 1.15;}
[data-testid="stMetricDelta"] {font-size: 1.25rem; font-weight: 700;}
[data-testid="stMetricDelta"] p {font-size: 1.25rem !important;}
[data-testid="stTable"] table {font-size: 1.35rem; color: #000;}
[data-testid="stTable"] th {color: #000; font-weight: 700;}
</style>
"""

# Streamlit has no locale setting. Its file uploader says "Upload" and "200MB per file"
# (our uploaders' labels already name the file types and the size limit), and text fields
# show "Press Enter to apply". The stylesheet puts Swedish words in the dropzone and hides
# the typing hints; the widgets themselves are unchanged.
SWEDISH_WIDGETS_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {font-size: 0;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Välj fil"; font-size: 1rem;}
[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0;}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "eller dra och släpp filen här"; font-size: 0.875rem;}
[data-testid="InputInstructions"] {display: none;}
</style>
"""


def swedish_widgets() -> None:
    """Swedish texts where Streamlit's widgets speak English (every run, from app.py)."""
    st.html(SWEDISH_WIDGETS_CSS)


def meeting_style() -> None:
    """Projector look for the meeting view: no sidebar or toolbar, large black type."""
    st.html(MEETING_CSS)


def delta_style(change: float) -> dict[str, str]:
    """``st.metric`` colour and arrow for a change where more incidents is worse.

    Set explicitly: Streamlit reads the direction from a leading ASCII ``-``, and our
    Swedish numbers use a real minus sign (``fmt.signed``), which it takes for a rise.
    """
    if change > 0:
        return {"delta_color": "red", "delta_arrow": "up"}
    if change < 0:
        return {"delta_color": "green", "delta_arrow": "down"}
    return {"delta_color": "gray", "delta_arrow": "off"}


def table(data, **kwargs):
    """``st.dataframe`` as every page wants it: a missing value shows as "–" (Streamlit
    writes "None"), no index column, the full width. Keyword arguments pass through."""
    kwargs.setdefault("placeholder", "–")
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    return st.dataframe(data, **kwargs)
