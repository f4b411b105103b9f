"""A page's tabs in the link by short codes (est_data.trends.tabs), not by their labels
as ``st.tabs(bind="query-params")`` would: labels change, links must not break."""
from __future__ import annotations

from typing import Callable

import streamlit as st


def open_from_link(key: str, param: str, label_for: Callable[[str | None], str | None]) -> None:
    """On a session's first run, open the tab the link names (``?param=code``)."""
    if key not in st.session_state:
        label = label_for(st.query_params.get(param))
        if label is not None:
            st.session_state[key] = label


def write_to_link(param: str, value: str | None) -> None:
    """Put the open tab's code in the link (or take it out for the default tab)."""
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
