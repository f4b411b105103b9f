"""The small map a place is picked on (a report's point, a walk's finding): the areas'
outlines to find one's way without tiles, the chosen point, and numbered findings.

Leaflet comes from the app itself (:func:`est_data.maps.assets.use_local_assets`); points
are drawn as circle markers, which need no icon images. Every tooltip is escaped.
"""
from __future__ import annotations

import folium
import geopandas as gpd

from est_data.core import config
from est_data.core.html import esc
from est_data.maps import assets

PICKED_COLOR = "#d62728"
MAX_ZOOM = 19


def pick_map(shapes: gpd.GeoDataFrame | None, picked: tuple[float, float] | None = None,
             points: list[tuple[float, float, str, str]] = (), zoom: int = 14,
             tiles: str | None = "OpenStreetMap") -> folium.Map:
    """A map centred on ``picked`` (else the first point, else the town centre) with the
    areas' outlines, the picked point in red and ``points`` as ``(lat, lon, label, colour)``
    circles with their label as tooltip."""
    assets.use_local_assets()
    centre = picked or (points[0][:2] if points else (config.CENTRE_LAT, config.CENTRE_LON))
    m = folium.Map(location=list(centre), zoom_start=zoom, tiles=tiles or None,
                   max_zoom=MAX_ZOOM, control_scale=False)
    m.options["max_zoom"] = MAX_ZOOM
    if shapes is not None and not shapes.empty:
        features = [{"type": "Feature", "geometry": geom,
                     "properties": {"name": esc(name)}}
                    for geom, name in zip(shapes["geojson"], shapes["name"]) if geom]
        folium.GeoJson({"type": "FeatureCollection", "features": features},
                       style_function=lambda _f: {"color": "#555", "weight": 1,
                                                  "fillOpacity": 0.03},
                       tooltip=folium.GeoJsonTooltip(["name"], labels=False)).add_to(m)
    for lat, lon, label, color in points:
        folium.CircleMarker([lat, lon], radius=9, color=color, fill=True, fill_opacity=0.9,
                            weight=2, tooltip=esc(label)).add_to(m)
    if picked is not None:
        folium.CircleMarker(list(picked), radius=11, color=PICKED_COLOR, fill=True,
                            fill_opacity=0.8, weight=3, tooltip="Vald plats").add_to(m)
    return m
