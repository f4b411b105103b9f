"""A drawn shape saved as an own area ("egen yta"): a custom row of ``areas`` with its
incidents assigned, offered where Före/efter picks its areas, and evaluated there."""
from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest
import shapely

from est_data.areas.catalog import area_names
from est_data.core.shape import DrawnShape
from est_data.evaluation.evaluate import evaluate
from est_data.evaluation.selection import EvaluationSpec
from est_data.incidents.queries import lookups
from est_data.maps import own_area
from est_data.maps.drawing import shape_metric
from est_data.store import audit
from est_data.store.db import write_session


def busiest_circle(con) -> DrawnShape:
    """A 400 m circle around the median point of incidents outside every focus area."""
    x, y = con.execute("SELECT median(x), median(y) FROM incidents WHERE x IS NOT NULL "
                       "AND focus_area_id IS NULL AND precision <> 'area'").fetchone()
    return DrawnShape("circle", (round(x), round(y), 400))


def test_saved_shape_is_a_custom_area_with_its_incidents(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        shape = busiest_circle(con)
        pts = con.execute("SELECT x, y, focus_area_id FROM incidents WHERE x IS NOT NULL "
                          "AND precision <> 'area'").df()
    with write_session(demo_db) as con:
        area_id = own_area.save_drawn_area(con, "Stora torget", shape.to_text())
    assert area_id == "yta_stora_torget"
    inside = shapely.contains_xy(shape_metric(shape), pts["x"], pts["y"])
    # Incidents already in a focus area keep it (one focus_area_id per incident).
    expected = int(np.sum(inside & pts["focus_area_id"].isna()))
    assert expected > 20
    with duckdb.connect(str(demo_db), read_only=True) as con:
        row = con.execute("SELECT name, kind, is_focus, area_km2 FROM areas WHERE area_id = ?",
                          [area_id]).fetchone()
        assigned = con.execute("SELECT count(*) FROM incidents WHERE focus_area_id = ?",
                               [area_id]).fetchone()[0]
        names, choices = area_names(con), lookups(con)["areas"]
    assert row[:3] == ("Stora torget", "custom", False)
    assert row[3] == pytest.approx(np.pi * 0.4 ** 2, rel=0.01)
    assert abs(assigned - expected) <= 2  # points within centimetres of the 64-gon's edge
    # The catalog every area choice reads, Före/efter's included (pages/fore_efter.py).
    assert names[area_id] == "Stora torget" and choices[area_id] == "Stora torget"


def test_before_after_evaluates_the_saved_area(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        shape = busiest_circle(con)
        last = con.execute("SELECT max(occurred_at)::DATE FROM incidents").fetchone()[0]
    with write_session(demo_db) as con:
        area_id = own_area.save_drawn_area(con, "Runt torget", shape.to_text())
    date = last - dt.timedelta(days=180)
    with duckdb.connect(str(demo_db), read_only=True) as con:
        ev = evaluate(con, EvaluationSpec(targets=(area_id,), date=date, before_days=180,
                                          after_days=180))
        direct = con.execute(
            "SELECT count(*) FILTER (WHERE occurred_at < ?), count(*) FILTER (WHERE occurred_at >= ?) "
            "FROM incidents WHERE focus_area_id = ? AND duplicate_of IS NULL "
            "AND occurred_at >= ? AND occurred_at < ?",
            [date, date, area_id, date - dt.timedelta(days=180), date + dt.timedelta(days=180)]
        ).fetchone()
    assert (ev.target.before, ev.target.after) == direct
    assert ev.target.total > 0


def test_names_and_ids_never_clash(demo_db):
    shape = DrawnShape("circle", (480_000, 7_000_000, 100))
    with write_session(demo_db) as con:
        first = own_area.save_drawn_area(con, "Parken", shape.to_text())
        second = own_area.save_drawn_area(con, "Parken!", shape.to_text())
        with pytest.raises(own_area.OwnAreaError) as same:
            own_area.save_drawn_area(con, " parken ", shape.to_text())
        with pytest.raises(own_area.OwnAreaError) as empty:
            own_area.save_drawn_area(con, "  ", shape.to_text())
        with pytest.raises(own_area.OwnAreaError):
            own_area.save_drawn_area(con, "Trasig", "p:1,2")
        focus = con.execute("SELECT name FROM areas WHERE area_id = 'fokus_kyrkgatan'").fetchone()
    assert (first, second) == ("yta_parken", "yta_parken_2")
    assert "redan" in same.value.sv and "namn" in empty.value.sv
    assert focus is not None  # never replaces a stored area


@pytest.mark.parametrize("name, taken, expected", [
    ("Stora torget", set(), "yta_stora_torget"),
    ("Åsen / Öster", set(), "yta_asen_oster"),
    ("!!!", set(), "yta_omrade"),
    ("Parken", {"yta_parken", "yta_parken_2"}, "yta_parken_3"),
])
def test_area_id_for(name, taken, expected):
    assert own_area.area_id_for(name, taken) == expected


def test_saving_has_a_stable_audit_action():
    assert audit.action_name(own_area.save_drawn_area) == "area_admin.store_drawn"
