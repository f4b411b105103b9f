"""AppTest runs of the Trender page."""
from __future__ import annotations

import base64
import json
import math
import re

import numpy as np

import pytest
from streamlit.testing.v1 import AppTest

from json_util import strings_in

TABS = ["Över tid", "Veckodag och klockslag", "Områden", "Händelser", "Nära upprepning"]


def charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def spec(chart) -> dict:
    """The figure as data (plotly writes its JSON with orjson when that is installed,
    with the json module otherwise: compare the decoded figure, never the text)."""
    return json.loads(chart.proto.spec)


def _numbers(value) -> list[float]:
    """The numbers of a figure's array: a plain list (of lists), or plotly's typed array
    (``{"dtype": "f8", "bdata": base64}``)."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"]).tolist()
    return [float("nan") if v is None else float(v) for row in value for v in row]


def test_over_time_tab(app_db, app_test):
    at = app_test("trender", fran="2025-06-01", till="2026-11-15")
    assert not at.exception
    assert at.title[0].value == "Trender"
    assert [t.label for t in at.tabs] == TABS
    assert [m.label for m in at.metric] == ["Händelser i perioden", "Samma period i fjol",
                                            "Ovanligt höga månader"]
    assert len(charts(at)) == 1
    fig = spec(charts(at)[0])
    words = " ".join(strings_in(fig))
    assert fig["layout"]["separators"] == ", "
    assert "Åtgärd" in words and "Samma period i fjol" in words
    assert any("Åtgärder i diagrammet" in m.value for m in at.markdown)


@pytest.mark.parametrize("grain,view,by", [("week", "small", "source"),
                                           ("month", "stack", "area"),
                                           ("week", "small", "total")])
def test_over_time_choices(app_db, grain, view, by, app_test):
    at = app_test("trender")
    at.session_state["trend_grain"] = grain
    at.session_state["trend_view"] = view
    at.session_state["trend_by"] = by
    at.run()
    assert not at.exception
    assert len(charts(at)) == 1
    assert any(trace["type"] == "bar" for trace in spec(charts(at)[0])["data"])


def test_weekday_and_season_tab(app_db, app_test):
    at = app_test("trender", state={"trend_tab": "Veckodag och klockslag"}, period="90d")
    assert not at.exception
    assert len(charts(at)) == 2
    assert any(c.value.startswith("Flest händelser:") for c in at.caption)
    assert "mån" in strings_in(spec(charts(at)[0]))


@pytest.mark.parametrize("role", ["analytiker", "mote"])
def test_weekday_tab_spreads_spans_over_their_hours_and_says_so(app_db, app_test, role):
    """The demo's burglaries found in the morning count a share in each hour of their
    span: the hover says shares with one decimal, the caption says why, and the meeting
    role still sees no count under 3."""
    from est_data.trends.calendar_charts import SPREAD_CAPTION

    at = app_test("trender", role, state={"trend_tab": "Veckodag och klockslag"},
                  fran="2025-11-16", till="2026-11-15")
    assert not at.exception
    assert SPREAD_CAPTION in [c.value for c in at.caption]
    trace = spec(charts(at)[0])["data"][0]
    shown = [v for v in _numbers(trace["z"]) if not math.isnan(v)]
    assert any(v != round(v) for v in shown)          # shares of a span
    hovers = [t for row in trace["customdata"] for t in row]
    assert any(re.search(r"\d,\d händelser$", t) for t in hovers)
    if role == "mote":
        assert all(v == 0 or v >= 3 for v in shown)


def test_area_tab_ranking_and_drill_down(app_db, app_test):
    at = app_test("trender", state={"trend_tab": "Områden"})
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 24  # 22 DeSO + 2 focus areas
    assert "Kyrkgatan ★" in set(table["Område"])
    assert all(len(t) == 12 for t in table["trend"])
    assert list(table["current"]) == sorted(table["current"], reverse=True)
    assert not charts(at)  # nothing chosen yet
    first = table.iloc[0]["Område"]
    at.session_state["area_rank"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert first.startswith(at.subheader[1].value)
    assert len(charts(at)) == 1
    at.button(key="area_filter").click().run()
    assert not at.exception
    assert len(at.session_state["f_areas"]) == 1


def test_incidents_tab_pages_and_exports(app_db, app_test):
    at = app_test("trender", state={"trend_tab": "Händelser"})
    assert not at.exception
    rows = at.dataframe[0].value
    assert len(rows) == 100
    assert list(rows.columns)[:4] == ["occurred_at", "occurred_to", "category_label", "actor"]
    assert rows["occurred_at"].is_monotonic_decreasing
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == ["CSV (Excel, semikolon)", "Excel (XLSX)"]
    at.number_input(key="rows_page").set_value(2).run()
    assert not at.exception
    assert at.dataframe[0].value["occurred_at"].max() <= rows["occurred_at"].min()
    at.radio(key="export_audience").set_value("dela").run()
    assert not at.exception
    shared = at.dataframe[1].value
    assert list(shared.columns) == ["Område", "Kategori", "Antal"]
    assert all(v in ("<3", "dolt", "–") or int(v) >= 3 for v in shared["Antal"])
    assert "<3" in set(shared["Antal"])


def test_no_matching_incidents_gives_guidance(app_db, app_test):
    at = app_test("trender", period="7d", kat="ovrigt", omr="fokus_aragrand", dag="1", tim="3-4")
    assert not at.exception
    assert any("Inga händelser matchar filtret" in i.value for i in at.info)
    for tab in TABS[1:]:
        at.session_state["trend_tab"] = tab
        at.run()
        assert not at.exception, tab


def test_chart_choices_survive_a_visit_to_another_tab(app_db, app_test):
    at = app_test("trender")
    at.session_state["trend_grain"] = "month"
    at.run()
    at.session_state["trend_tab"] = "Områden"
    at.run()
    at.session_state["trend_tab"] = "Över tid"
    at.run()
    assert not at.exception
    assert at.session_state["trend_grain"] == "month"
    assert at.metric[2].label == "Ovanligt höga månader"


def test_page_number_beyond_a_narrower_filter_is_clamped(app_db, app_test):
    at = app_test("trender", state={"trend_tab": "Händelser"})
    at.number_input(key="rows_page").set_value(4).run()
    assert not at.exception
    at.sidebar.multiselect(key="f_categories").set_value(["brand"]).run()
    assert not at.exception
    assert len(at.dataframe[0].value) > 0
