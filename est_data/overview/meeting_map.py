"""The meeting map's own controls: it fills its column, its legend is compact and folds,
and one click zooms to each focus area.

On the projector the focus areas (0.06 km²) are specks in the municipality's extent and
their labels collide with the district names; a button per focus area zooms to it
(Leaflet's ``fitBounds`` in the browser, no re-run of the page), and "Hela kartan" goes
back. The map's height follows its frame (``100vh`` inside the iframe), and the page sets
the frame's height from the window (:mod:`est_data.webui.meeting`), so the map always
fills the column beside the figures. Names and bounds reach the script through Jinja's
``tojson`` only (never pasted into JavaScript).
"""
from __future__ import annotations

import folium
import geopandas as gpd
from folium.elements import MacroElement
from folium.template import Template

ALL_LABEL = "Hela kartan"
#: Zoomed to a focus area the map stops at street level, so the area's name (drawn above
#: it) and the streets around it stay in view.
FOCUS_MAX_ZOOM = 16
LEGEND_LABEL = "Teckenförklaring"
#: Inside the map's frame: the map fills the frame (streamlit-folium sets a fixed height
#: in pixels on ``#map_div``), and the projector legend is compact.
FRAME_CSS = """<style>
html, body {height: 100%;}
#map_div, #map_div2, .folium-map {height: 100vh !important;}
.est-legend.est-large {font-size: 13px !important; max-width: 235px !important;
  max-height: 45vh !important; overflow-y: auto !important;}
.est-large .est-sw {width: 14px !important; height: 14px !important;}
.est-legend-box.est-folded .est-legend {display: none;}
.est-fold {display: block; width: 100%; margin: 0 0 3px; padding: 2px 8px; cursor: pointer;
  font: 700 14px "Source Sans Pro", "DejaVu Sans", Arial, sans-serif; text-align: left;
  background: #fff; border: 1px solid #888; border-radius: 4px;}
.est-zoom {display: flex; flex-direction: column; gap: 3px;}
.est-zoom button {font: 700 15px "Source Sans Pro", "DejaVu Sans", Arial, sans-serif;
  padding: 4px 9px; background: #fff; color: #111; border: 1.5px solid #333;
  border-radius: 4px; cursor: pointer; text-align: left;}
.est-zoom button.est-on {background: #1f4e9c; color: #fff; border-color: #1f4e9c;}
</style>"""


class MeetingControls(MacroElement):
    """Zoom buttons (the whole map and each focus area) and a fold button on the legend."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var targets = {{ this.targets|tojson }};
            var home = null;
            var zoom = L.control({position: "bottomleft"});
            zoom.onAdd = function () {
                var div = L.DomUtil.create("div", "est-zoom");
                targets.forEach(function (t, i) {
                    var b = L.DomUtil.create("button", i === 0 ? "est-on" : "", div);
                    b.type = "button";
                    b.textContent = t.label;
                    b.setAttribute("data-est-zoom", t.label);
                    b.onclick = function () {
                        if (home === null) { home = [map.getCenter(), map.getZoom()]; }
                        div.querySelectorAll("button").forEach(function (o) {
                            o.classList.remove("est-on"); });
                        b.classList.add("est-on");
                        if (t.bounds) { map.fitBounds(t.bounds, {padding: [40, 40], maxZoom: {{ this.max_zoom }}}); }
                        else if (home !== null) { map.setView(home[0], home[1]); }
                    };
                });
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            zoom.addTo(map);
            map.whenReady(function () {
                var box = map.getContainer().querySelector(".est-legend-box");
                if (!box) { return; }
                var fold = document.createElement("button");
                fold.type = "button";
                fold.className = "est-fold";
                fold.textContent = {{ this.legend_label|tojson }} + " ▾";
                fold.onclick = function () {
                    var folded = box.classList.toggle("est-folded");
                    fold.textContent = {{ this.legend_label|tojson }} + (folded ? " ▸" : " ▾");
                };
                box.insertBefore(fold, box.firstChild);
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, targets: list[dict]):
        super().__init__()
        self._name = "MeetingControls"
        self.targets = targets
        self.legend_label = LEGEND_LABEL
        self.max_zoom = FOCUS_MAX_ZOOM


def zoom_targets(shapes: gpd.GeoDataFrame) -> list[dict]:
    """``[{"label", "bounds"}]``: the whole map (bounds None: back to where it started)
    and each focus area by name, its bounds as Leaflet's ``[[south, west], [north, east]]``."""
    targets = [{"label": ALL_LABEL, "bounds": None}]
    if shapes.empty:
        return targets
    for _, r in shapes[shapes["is_focus"]].sort_values("name").iterrows():
        minx, miny, maxx, maxy = r.geometry.bounds
        targets.append({"label": str(r["name"]), "bounds": [[miny, minx], [maxy, maxx]]})
    return targets


def meeting_controls(m: folium.Map, shapes: gpd.GeoDataFrame) -> folium.Map:
    """Add the meeting map's frame style, zoom buttons and legend fold to ``m``."""
    m.get_root().header.add_child(folium.Element(FRAME_CSS), name="est_meeting_css")
    MeetingControls(zoom_targets(shapes)).add_to(m)
    return m
