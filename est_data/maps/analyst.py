"""The analyst's tools on the map: drawing a filter shape, the active shape's outline,
and the incident chosen in the table, highlighted and centred.

Kept apart from :mod:`.build` (the layers every map has): only Karta, for roles that see
single incidents, adds these.
"""
from __future__ import annotations

import folium
from folium.elements import MacroElement
from folium.template import Template

from est_data.core.html import esc
from est_data.core.shape import DrawnShape
from est_data.maps.assets import Draw
from est_data.maps.drawing import shape_geojson

SHAPE_COLOR = "#6a1b9a"
SELECTED_COLOR = "#d6006f"
#: Zoom the map opens at when an incident is chosen in the table.
SELECTED_ZOOM = 17

#: Leaflet.draw's texts in Swedish (the parts the toolbar and the drawing hints show).
DRAW_TEXTS_SV = {
    "draw": {
        "toolbar": {
            "actions": {"title": "Avbryt ritandet", "text": "Avbryt"},
            "finish": {"title": "Avsluta ritandet", "text": "Klar"},
            "undo": {"title": "Ta bort senaste punkten", "text": "Ångra punkt"},
            "buttons": {"polygon": "Rita en yta", "rectangle": "Rita en rektangel",
                        "circle": "Rita en cirkel"},
        },
        "handlers": {
            "circle": {"tooltip": {"start": "Klicka och dra för att rita en cirkel."},
                       "radius": "Radie"},
            "polygon": {"tooltip": {"start": "Klicka för att börja rita ytan.",
                                    "cont": "Klicka för att fortsätta rita ytan.",
                                    "end": "Klicka på första punkten för att stänga ytan."}},
            "rectangle": {"tooltip": {"start": "Klicka och dra för att rita en rektangel."}},
            "simpleshape": {"tooltip": {"end": "Släpp musknappen för att avsluta."}},
        },
    },
}


class DrawTextsSv(MacroElement):
    """Set ``L.drawLocal`` to Swedish before the Draw control is made (it reads them then)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            function merge(to, from) {
                for (var k in from) {
                    if (typeof from[k] === "object") { to[k] = to[k] || {}; merge(to[k], from[k]); }
                    else { to[k] = from[k]; }
                }
            }
            if (window.L && L.drawLocal) { merge(L.drawLocal, {{ this.texts|tojson }}); }
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "DrawTextsSv"
        self.texts = DRAW_TEXTS_SV


class CentreOn(MacroElement):
    """Open the map centred on a point at a zoom (after the usual fit to the data)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.setView({{ this.location|tojson }}, {{ this.zoom|tojson }});
        {% endmacro %}
    """)

    def __init__(self, lat: float, lon: float, zoom: int):
        super().__init__()
        self._name = "CentreOn"
        self.location = [float(lat), float(lon)]
        self.zoom = int(zoom)


def add_draw_control(m: folium.Map) -> None:
    """A toolbar to draw one polygon, rectangle or circle (no lines, no markers, no
    editing: a new shape replaces the filter, the sidebar clears it)."""
    DrawTextsSv().add_to(m)
    Draw(position="topleft", show_geometry_on_click=False,
         draw_options={"polyline": False, "marker": False, "circlemarker": False,
                       "polygon": {"allowIntersection": False,
                                   "shapeOptions": {"color": SHAPE_COLOR}},
                       "rectangle": {"shapeOptions": {"color": SHAPE_COLOR}},
                       "circle": {"shapeOptions": {"color": SHAPE_COLOR}}},
         edit_options={"edit": False, "remove": False}).add_to(m)


def shape_layer(shape: DrawnShape) -> folium.GeoJson:
    """The active filter shape as a dashed outline that clicks go through."""
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": [shape_geojson(shape)]},
        name="Kartfilter", interactive=False,
        style_function=lambda f: {"color": SHAPE_COLOR, "weight": 3, "dashArray": "8 5",
                                  "fill": True, "fillOpacity": 0.04})


def _tooltip_text(label: str) -> str:
    """Escaped for HTML, and backticks too: folium puts tooltip text in a JavaScript
    template literal, which a backtick in an address would end."""
    return esc(label).replace("`", "&#96;")


def selected_marker(lat: float, lon: float, label: str) -> folium.FeatureGroup:
    """A ring around the chosen incident, with its (escaped) label always shown."""
    group = folium.FeatureGroup(name="Vald händelse")
    folium.CircleMarker([lat, lon], radius=16, color=SELECTED_COLOR, weight=4, fill=False,
                        class_name="est-selected", interactive=False).add_to(group)
    folium.CircleMarker([lat, lon], radius=5, color=SELECTED_COLOR, fill=True,
                        fill_opacity=1, class_name="est-selected-dot",
                        tooltip=folium.Tooltip(_tooltip_text(label), permanent=True, direction="top",
                                               offset=(0, -14))).add_to(group)
    return group


def add_analyst_tools(m: folium.Map, draw: bool = False, shape: DrawnShape | None = None,
                      selected: dict | None = None, layer_control: bool = True) -> folium.Map:
    """Add the drawing toolbar, the active shape and the chosen incident (``lat``,
    ``lon``, ``label``) to a map built without its layer control, and then the layer
    control: it must come after every layer it lists, or its script refers to a layer
    not yet made (Leaflet stops with "reading 'setZIndex'" and the map stays empty)."""
    if shape is not None:
        shape_layer(shape).add_to(m)
    if selected is not None:
        selected_marker(selected["lat"], selected["lon"], selected["label"]).add_to(m)
        CentreOn(selected["lat"], selected["lon"], SELECTED_ZOOM).add_to(m)
    if draw:
        add_draw_control(m)
    if layer_control:
        folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return m
