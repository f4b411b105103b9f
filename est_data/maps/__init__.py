"""Maps of the situation picture (README §4): data in :mod:`.data`, folium layers in
:mod:`.build`, our own Leaflet elements in :mod:`.elements`, colours and legend in
:mod:`.style`, click handling in :mod:`.click`."""
from est_data.maps.build import OSM, build_map, map_html
from est_data.maps.click import area_at, area_figures, area_trend, clicked_point
from est_data.maps.data import (
    AREA_MEASURES, DEFAULT_LAYERS, LAYERS, MAX_POINTS, MapData, MapOptions, area_shapes,
    map_data)

__all__ = ["OSM", "build_map", "map_html", "area_at", "area_figures", "area_trend",
           "clicked_point", "AREA_MEASURES", "DEFAULT_LAYERS", "LAYERS", "MAX_POINTS",
           "MapData", "MapOptions", "area_shapes", "map_data"]
