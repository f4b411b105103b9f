"""Small folium elements of our own: a legend control, a layer of symbol markers from
JSON rows, and map-container tweaks. They need nothing but Leaflet (no CDN).

All data reaches the page through Jinja's ``tojson`` (which also escapes ``<``, ``>``,
``&`` and quotes), never pasted into JavaScript source; HTML inside the rows is built
from escaped text by the callers.
"""
from __future__ import annotations

import json

from folium.elements import MacroElement
from folium.map import Layer
from folium.template import Template


class Legend(MacroElement):
    """A Leaflet control holding ready-made (escaped) legend HTML."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "est-legend-box");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html: str, position: str = "bottomleft"):
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.position = position


class MapLook(MacroElement):
    """Container classes and background for the map (used when there are no tiles and
    for the large projector look), and a metric-only scale bar."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var box = {{ this._parent.get_name() }}.getContainer();
            {% for c in this.classes %}box.classList.add({{ c|tojson }});{% endfor %}
            {% if this.background %}box.style.background = {{ this.background|tojson }};{% endif %}
            L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
            // Pressing the mouse on the map focuses it, and the browser then scrolls
            // the page to show the whole map: the map moves under the pointer before
            // the button is released and the click lands on another area (or none).
            // Focus without scrolling instead.
            box.addEventListener("mousedown", function (e) {
                if (e.button === 0) {
                    e.preventDefault();
                    box.focus({preventScroll: true});
                }
            }, true);
        })();
        {% endmacro %}
    """)

    def __init__(self, classes: tuple[str, ...] = (), background: str | None = None):
        super().__init__()
        self._name = "MapLook"
        self.classes = list(classes)
        self.background = background


class HeatLevels(MacroElement):
    """Swap a heat layer's cells for finer ones when the map is zoomed in, and back.

    ``levels`` are ``{"minZoom", "radius", "blur", "data"}`` for the finer levels; the
    layer's own cells and radius are the level below the first ``minZoom``.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var heat = {{ this.heat.get_name() }};
            var map = {{ this.heat._parent.get_name() }};
            var levels = [{minZoom: -1, radius: heat.options.radius, blur: heat.options.blur,
                           data: heat._latlngs}].concat({{ this.levels|tojson }});
            function pick() {
                var z = map.getZoom(), level = levels[0];
                for (var i = 1; i < levels.length; i++) {
                    if (z >= levels[i].minZoom) { level = levels[i]; }
                }
                if (heat._estLevel === level) { return; }
                heat._estLevel = level;
                heat.setOptions({radius: level.radius, blur: level.blur});
                heat.setLatLngs(level.data);
            }
            map.on("zoomend", pick);
        })();
        {% endmacro %}
    """)

    def __init__(self, heat, levels: list[dict]):
        super().__init__()
        self._name = "HeatLevels"
        self.heat = heat
        self.levels = levels


class SymbolLayer(Layer):
    """Markers with a ``L.divIcon`` each, from rows
    ``[lat, lon, class_name, icon_html, size_px, popup_html | None, tooltip_html | None]``.

    One JSON array instead of one JavaScript block per marker keeps the page small, and
    needs no icon fonts (``folium.Icon`` would pull Font Awesome from a CDN).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var group = L.featureGroup();
            var rows = {{ this.rows|tojson }};
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var size = r[4];
                var icon = L.divIcon({className: r[2], html: r[3],
                    iconSize: [size, size], iconAnchor: [size / 2, size / 2]});
                var m = L.marker([r[0], r[1]], {icon: icon, keyboard: false,
                    interactive: !!(r[5] || r[6]), pane: {{ this.pane|tojson }},
                    zIndexOffset: r[2].indexOf("est-focus-label") >= 0 ? 1000 : 0});
                if (r[5]) { m.bindPopup(r[5], {maxWidth: 340}); }
                if (r[6]) { m.bindTooltip(r[6], {direction: "top"}); }
                m.addTo(group);
            }
            return group;
        })();
        {% endmacro %}
    """)

    def __init__(self, rows: list[list], name: str, show: bool = True, control: bool = True,
                 pane: str = "markerPane"):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "SymbolLayer"
        self.rows = rows
        self.pane = pane


def cluster_callback(colors: list[str], labels: list[str], sources: list[str]) -> str:
    """JavaScript for ``FastMarkerCluster``: a row ``[lat, lon, category index, actor
    index, time, address, description, reference]`` (texts already HTML-escaped) becomes
    a coloured dot with its popup. ``colors`` must be validated ``#rrggbb``; ``labels``
    and ``sources`` escaped HTML (they hold no ``<``, so they are safe in a script)."""
    return f"""(function () {{
        var colors = {json.dumps(colors)};
        var labels = {json.dumps(labels)};
        var sources = {json.dumps(sources)};
        return function (row) {{
            var icon = L.divIcon({{className: "est-pin",
                html: '<div style="background:' + colors[row[2]] + '"></div>',
                iconSize: [12, 12], iconAnchor: [6, 6]}});
            var html = '<div class="est-pop"><b>' + labels[row[2]] + '</b><br>' + row[4]
                + ' · ' + sources[row[3]]
                + (row[5] ? '<br>' + row[5] : '')
                + (row[6] ? '<br><span class="est-muted">' + row[6] + '</span>' : '')
                + '<br><span class="est-muted">' + row[7] + '</span></div>';
            var marker = L.marker(new L.LatLng(row[0], row[1]), {{icon: icon}});
            marker.bindPopup(html, {{maxWidth: 340}});
            return marker;
        }};
    }})()"""
