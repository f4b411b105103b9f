"""Serve folium's JavaScript/CSS from the app itself instead of public CDNs.

Why
---
EST Lägesbild is shown in meeting rooms, municipal offices and police stations
where the laptop may have no internet access (or a proxy that blocks CDNs).
folium's generated map page loads Leaflet, jQuery, Bootstrap, awesome-markers,
Font Awesome and every plugin from cdn.jsdelivr.net / cdnjs / code.jquery.com.
Without internet, the streamlit-folium component waits for those scripts, one
fails, and the map iframe silently collapses to height 0: no Python error, and
``streamlit.testing`` AppTest still passes. Only a real browser shows it.

What
----
The files the app's maps need are vendored under ``static/vendor/`` (see
``static/vendor/README.md`` for origin, versions and licences) and Streamlit
serves them at ``/app/static/vendor/...`` when ``server.enableStaticServing =
true`` is set in ``.streamlit/config.toml``. :func:`use_local_assets` re-points
the class-level ``default_js`` / ``default_css`` lists of the folium classes we
use at those files. streamlit-folium reads the same class attributes when it
builds the component, so the patch covers both ``st_folium`` and
``m.get_root().render()``.

The patch is process wide (class attributes): it is called once from
``est_data.maps.build``, which every map is built with, before any map is built.
It is idempotent.

Supported offline
-----------------
``folium.Map`` (incl. ``GeoJson``, ``GeoJsonTooltip``/``GeoJsonPopup``,
``Marker`` with Leaflet's default icon, ``CircleMarker``, ``Circle``,
``Polygon``/``PolyLine``, ``Rectangle``, ``Popup``, ``Tooltip``,
``FeatureGroup``, ``LayerControl``, ``DivIcon``), ``plugins.HeatMap``,
``plugins.MarkerCluster``, ``plugins.FastMarkerCluster`` and ``plugins.Draw``
(Leaflet.draw, for the shapes an analyst draws as a filter).

Not supported offline (would need more vendored files)
------------------------------------------------------
- ``folium.Icon`` (awesome-markers + Font Awesome/Glyphicons): use the default
  marker, ``CircleMarker`` or ``DivIcon`` instead.
- branca colormaps added to the map (``LinearColormap.add_to(m)``, and hence
  ``folium.Choropleth``'s legend): branca and streamlit-folium hard-code d3
  from a CDN. Colour ``GeoJson`` layers with a ``style_function`` and draw
  the legend with Streamlit instead.
- Any other ``folium.plugins`` class: it keeps its CDN links, and
  the offline tests (``tests/unit/maps/asset_urls.py``) will report them.

Map *tiles* are a separate matter: they are images fetched by Leaflet at run
time from a URL template (``tiles=`` argument). Offline the background stays
grey and the vector/heat layers still draw.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import folium

__all__ = [
    "HeatMap",
    "MarkerCluster",
    "FastMarkerCluster",
    "Draw",
    "STATIC_DIR",
    "STATIC_URL_PATH",
    "VENDOR_DIR",
    "VENDOR_URL_PATH",
    "ASSET_FILES",
    "use_local_assets",
    "local_assets_active",
]

#: URL path under which Streamlit serves ``<main script dir>/static/``
#: (``server.enableStaticServing = true``).
STATIC_URL_PATH = "/app/static"
#: URL path of the vendored map assets (default ``base_url`` of
#: :func:`use_local_assets`).
VENDOR_URL_PATH = f"{STATIC_URL_PATH}/vendor"

#: ``static/`` folder of the repository (next to ``app.py``).
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
#: Folder holding the vendored files.
VENDOR_DIR = STATIC_DIR / "vendor"

#: Vendored files, relative to ``VENDOR_DIR`` / ``base_url``.
ASSET_FILES = {
    "leaflet_js": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    # Needed by folium.Popup (``$(`...`)[0]``) and by Map's
    # objects_to_stay_in_front (``$(document).ready``).
    "jquery_js": "jquery/jquery.min.js",
    "heat_js": "leaflet.heat/leaflet_heat.min.js",
    "markercluster_js": "leaflet.markercluster/leaflet.markercluster.js",
    "markercluster_css": "leaflet.markercluster/MarkerCluster.css",
    "markercluster_default_css": "leaflet.markercluster/MarkerCluster.Default.css",
    "draw_js": "leaflet.draw/leaflet.draw.js",
    "draw_css": "leaflet.draw/leaflet.draw.css",
}

_active_base_url: str | None = None


def _lazy_plugins_package() -> None:
    """Make ``folium.plugins`` load each plugin when it is first used.

    ``folium/plugins/__init__.py`` imports all ~40 plugins and compiles each one's
    template: 0.08-0.15 s of a map page's first run, for the three our maps use (and
    streamlit-folium imports the package too, to check for ``DualMap``). Unless the
    package is already imported, it is registered here as a module with the same
    names (read from that ``__init__.py``) whose attributes import their plugin module
    on first access (PEP 562), so ``from folium.plugins import X`` and
    ``folium.plugins.X`` work as before and give the very same classes.
    """
    if "folium.plugins" in sys.modules:
        return
    folder = Path(folium.__file__).parent / "plugins"
    init = folder / "__init__.py"
    where: dict[str, str] = {}  # class name -> plugin module
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("folium.plugins."):
            for alias in node.names:
                where[alias.asname or alias.name] = node.module
    if not where:  # a folium whose __init__ we do not understand: import it as it is
        importlib.import_module("folium.plugins")
        return
    package = ModuleType("folium.plugins", "Wrap some of the most popular leaflet external "
                         "plugins (loaded on first use by est_data.maps.assets).")
    package.__file__ = str(init)
    package.__path__ = [str(folder)]
    package.__package__ = "folium.plugins"
    package.__spec__ = importlib.util.spec_from_file_location(
        "folium.plugins", init, submodule_search_locations=[str(folder)])
    package.__all__ = list(where)

    def __getattr__(name: str):
        if name not in where:
            raise AttributeError(f"module 'folium.plugins' has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        setattr(package, name, value)
        return value

    package.__getattr__ = __getattr__
    sys.modules["folium.plugins"] = package
    folium.plugins = package


_lazy_plugins_package()

from folium.plugins.fast_marker_cluster import FastMarkerCluster  # noqa: E402
from folium.plugins.heat_map import HeatMap  # noqa: E402
from folium.plugins.marker_cluster import MarkerCluster  # noqa: E402
from folium.plugins.draw import Draw  # noqa: E402


def _asset_lists(base_url: str) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Return the new ``default_js``/``default_css`` lists per class name."""
    base = base_url.rstrip("/")

    def url(key: str) -> str:
        return f"{base}/{ASSET_FILES[key]}"

    # Names are kept identical to folium's own keys, so that a later
    # ``add_js_link``/``add_css_link`` with the same name still replaces them.
    cluster_js = [("markerclusterjs", url("markercluster_js"))]
    cluster_css = [
        ("markerclustercss", url("markercluster_css")),
        ("markerclusterdefaultcss", url("markercluster_default_css")),
    ]
    return {
        "Map": {
            # Leaflet first: the plugins are loaded after it, in order.
            "js": [("leaflet", url("leaflet_js")), ("jquery", url("jquery_js"))],
            # Bootstrap, Glyphicons, awesome-markers and Font Awesome dropped:
            # nothing in our maps uses them (see module docstring).
            "css": [("leaflet_css", url("leaflet_css"))],
        },
        "HeatMap": {"js": [("leaflet-heat.js", url("heat_js"))], "css": []},
        "MarkerCluster": {"js": cluster_js, "css": cluster_css},
        "FastMarkerCluster": {"js": list(cluster_js), "css": list(cluster_css)},
        "Draw": {"js": [("leaflet_draw_js", url("draw_js"))],
                 "css": [("leaflet_draw_css", url("draw_css"))]},
    }


def use_local_assets(base_url: str = VENDOR_URL_PATH) -> None:
    """Point folium's map/plugin asset links at the app's vendored files.

    Replaces (never mutates in place) the class attributes ``default_js`` and
    ``default_css`` of ``folium.Map``, ``folium.plugins.HeatMap``,
    ``folium.plugins.MarkerCluster`` and ``folium.plugins.FastMarkerCluster``.
    ``GeoJson``, ``Marker``, ``Popup``, ``Tooltip`` and the vector layers carry
    no links of their own; they only need Leaflet (and jQuery for ``Popup``).

    Idempotent: calling it again with the same ``base_url`` changes nothing;
    with another ``base_url`` the last call wins.

    Parameters
    ----------
    base_url : str, default ``"/app/static/vendor"``
        URL (path) under which ``static/vendor/`` is served. An absolute path
        works inside the streamlit-folium iframe because the component is
        served from the same origin. Behind a reverse proxy with
        ``server.baseUrlPath = "est"`` use ``"/est/app/static/vendor"``.
    """
    global _active_base_url
    lists = _asset_lists(base_url)
    classes = {
        "Map": folium.Map,
        "HeatMap": HeatMap,
        "MarkerCluster": MarkerCluster,
        "FastMarkerCluster": FastMarkerCluster,
        "Draw": Draw,
    }
    for name, cls in classes.items():
        cls.default_js = list(lists[name]["js"])
        cls.default_css = list(lists[name]["css"])
    _active_base_url = base_url.rstrip("/")


def local_assets_active() -> str | None:
    """Return the ``base_url`` set by :func:`use_local_assets`, or ``None``."""
    return _active_base_url
