"""The area catalogue: names for choices (focus areas first) and attributes for tables."""
from __future__ import annotations

from est_data.areas.catalog import area_attributes, area_names


def test_area_names_focus_areas_first(demo_con):
    names = area_names(demo_con)
    focus = {r[0] for r in demo_con.execute("SELECT area_id FROM areas WHERE is_focus").fetchall()}
    assert focus and set(list(names)[: len(focus)]) == focus
    assert names["fokus_kyrkgatan"] == "Kyrkgatan"


def test_area_attributes_one_row_per_area(demo_con):
    df = area_attributes(demo_con)
    assert list(df.columns) == ["area_id", "name", "kind", "is_focus", "population"]
    assert len(df) == demo_con.execute("SELECT count(*) FROM areas").fetchone()[0]
    assert df["area_id"].is_unique
