"""The meeting map's zoom buttons and folding legend (est_data.overview.meeting_map)."""
from __future__ import annotations

import folium

from est_data.maps.data import area_shapes
from est_data.overview import meeting_map


def test_one_zoom_target_per_focus_area(demo_con):
    shapes = area_shapes(demo_con)
    targets = meeting_map.zoom_targets(shapes)
    assert [t["label"] for t in targets] == ["Hela kartan", "Arågränd", "Kyrkgatan"]
    (s, w), (n, e) = targets[2]["bounds"]
    assert 62 < s < n < 64 and 14 < w < e < 15.5 and n - s < 0.02  # a few hundred metres


def test_names_reach_the_script_as_json_only(demo_con):
    shapes = area_shapes(demo_con)
    shapes.loc[shapes["is_focus"], "name"] = '</script><b>"x"'
    m = meeting_map.meeting_controls(folium.Map(), shapes)
    html = m.get_root().render()
    assert "</script><b>" not in html and "100vh" in html and "fitBounds" in html
