"""Maps of the situation picture (README §4): data in :mod:`.data`, folium layers in
:mod:`.build`, our own Leaflet elements in :mod:`.elements`, colours and legend in
:mod:`.style`, click handling in :mod:`.click`.

The names below are loaded from their module on first use (PEP 562), so importing the
package never waits for one of its modules: several sessions importing ``maps`` and
``maps.data`` at once on a fresh server would otherwise each wait for the other
(tests/unit/test_import_threads.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from est_data.core.lazy import exports

# folium's plugins load lazily and its links point at the app's own files before anything
# imports folium.plugins (see .assets, which imports nothing of this package).
from est_data.maps.assets import use_local_assets as _use_local_assets

_use_local_assets()

_HOMES = {"OSM": "build", "build_map": "build", "map_html": "build",
          "area_at": "click", "area_figures": "click", "area_trend": "click",
          "clicked_point": "click",
          "AREA_MEASURES": "data", "DEFAULT_LAYERS": "data", "LAYERS": "data",
          "MAX_POINTS": "data", "MapData": "data", "MapOptions": "data",
          "area_shapes": "data", "map_data": "data"}
__all__ = list(_HOMES)


__getattr__ = exports(__name__, _HOMES)


if TYPE_CHECKING:
    from est_data.maps.build import OSM, build_map, map_html
    from est_data.maps.click import area_at, area_figures, area_trend, clicked_point
    from est_data.maps.data import (
        AREA_MEASURES, DEFAULT_LAYERS, LAYERS, MAX_POINTS, MapData, MapOptions,
        area_shapes, map_data)
