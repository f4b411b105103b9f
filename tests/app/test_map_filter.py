"""The shape drawn on Karta and the description search, as the shared filter: a link
with ``yta=`` filters every page that draws the sidebar (Översikt, Karta, Trender), the
sidebar says so and clears it, the meeting role gets neither, and an admin saves the
shape as an own area. Drawing itself happens in the browser (tests/browser)."""
from __future__ import annotations

import json
import re

import duckdb
import numpy as np
import pytest

from est_data.core.filters import IncidentFilter, preset_period, where_clause
from est_data.incidents.queries import anchor_date

CX, CY, R = 481_874, 7_005_138, 600
CIRCLE = f"c:{CX},{CY},{R}"


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def shown_total(at, page: str) -> int:
    """The page's count of incidents in the filter."""
    if page == "karta":
        return number(re.match(r"\*\*(.+?)\*\*", at.caption[0].value).group(1))
    label = {"oversikt": "Händelser", "trender": "Händelser i perioden"}[page]
    return number(next(m.value for m in at.metric if m.label == label))


def expected(db, text: str | None = None, circle: bool = True) -> int:
    """Oracle: the month's unique incidents, inside the circle by plain distance."""
    with duckdb.connect(str(db), read_only=True) as con:
        f = IncidentFilter(*preset_period("30d", anchor_date(con)))
        where, params = where_clause(f)
        df = con.execute(f"SELECT x, y, description FROM incidents WHERE {where}", params).df()
    keep = np.ones(len(df), bool)
    if circle:
        keep &= np.hypot(df["x"] - CX, df["y"] - CY).fillna(np.inf).to_numpy() <= R
    if text:
        keep &= df["description"].fillna("").str.lower().str.contains(text.lower(), regex=False).to_numpy()
    return int(keep.sum())


@pytest.mark.parametrize("page", ["oversikt", "karta", "trender"])
def test_a_drawn_shape_in_the_link_filters_every_page(app_db, app_test, page):
    at = app_test(page, yta=CIRCLE)
    assert not at.exception
    inside = shown_total(at, page)
    assert inside == expected(app_db) > 0
    assert any("Kartfilter" in m.value for m in at.sidebar.markdown)
    at.sidebar.button(key="f_shape_clear").click().run()
    assert not at.exception
    assert shown_total(at, page) == expected(app_db, circle=False) > inside
    assert "yta" not in at.query_params
    assert not any("Kartfilter" in m.value for m in at.sidebar.markdown)


def test_the_shape_stays_in_the_link(app_db, app_test):
    at = app_test("karta", yta=CIRCLE)
    assert at.query_params["yta"] in (CIRCLE, [CIRCLE])
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert "Kartfilter" in script  # the shape's outline is drawn on the map


def test_meeting_role_gets_no_shape_and_no_search(app_db, app_test):
    at = app_test("karta", role="mote", yta=CIRCLE, sok="trapphus")
    assert not at.exception
    assert shown_total(at, "karta") == expected(app_db, circle=False)
    assert not any("Kartfilter" in m.value for m in at.sidebar.markdown)
    assert not [t for t in at.sidebar.text_input if t.key == "f_text"]
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    assert args["returned_objects"] == ["last_object_clicked"]
    assert "L.Control.Draw(" not in args["script"]
    assert not at.dataframe or all("Beskrivning" not in d.value.columns for d in at.dataframe)


@pytest.mark.parametrize("text", ["trapphus", "KÄLLAR"])
def test_description_search_for_analysts(app_db, app_test, text):
    at = app_test("trender", role="analytiker")
    before = shown_total(at, "trender")
    at.sidebar.text_input(key="f_text").input(text).run()
    assert not at.exception
    assert shown_total(at, "trender") == expected(app_db, text, circle=False) < before
    assert at.query_params["sok"] in (text, [text])


def test_admin_saves_the_shape_as_an_own_area(app_db, app_test):
    at = app_test("karta", role="admin", yta=CIRCLE)
    at.text_input(key="karta_yta_namn").input("Runt Stortorget")
    at.button(key="karta_yta_spara").click().run()
    assert not at.exception
    assert any("yta_runt_stortorget" in s.value for s in at.success)
    with duckdb.connect(str(app_db), read_only=True) as con:
        kind = con.execute("SELECT kind FROM areas WHERE area_id = 'yta_runt_stortorget'").fetchall()
        log = con.execute("SELECT username, action FROM audit_log WHERE action = "
                          "'area_admin.store_drawn'").fetchall()
    assert kind == [("custom",)] and log == [("admin", "area_admin.store_drawn")]
    at.run()  # the new area is offered in the sidebar's area filter at once
    assert "yta_runt_stortorget" in at.sidebar.multiselect(key="f_areas").options or \
        "Runt Stortorget" in at.sidebar.multiselect(key="f_areas").options


def test_analyst_cannot_save_but_is_told_who_can(app_db, app_test):
    at = app_test("karta", role="analytiker", yta=CIRCLE)
    assert not at.exception
    assert not [b for b in at.button if b.key == "karta_yta_spara"]
    assert any("administratör kan spara ytan" in c.value for c in at.caption)


def test_area_chart_speaks_swedish(app_db, app_test):
    at = app_test("karta")
    at.selectbox(key="visa").set_value("fokus_kyrkgatan").run()
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    spec = json.loads(charts[-1].proto.spec)
    text = json.dumps(spec, ensure_ascii=False)
    assert '"title": "Period"' in text and '"title": "Antal"' in text
    # Labels made in Swedish by the app (click.trend_labels), not Vega's English time axis.
    assert spec["encoding"]["x"]["field"] == "label" and spec["encoding"]["x"]["type"] == "nominal"
    assert "temporal" not in text
