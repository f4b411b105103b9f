"""folium maps from :class:`~est_data.maps.data.MapData`: one builder per layer.

Layers are drawn in panes so that they stack sensibly and clicks reach the areas:
areas (z 380) < heat (z 390, no pointer events) < hot spots and focus outlines
(overlay pane, 400) < symbols (marker pane, 600). Every text that reaches a tooltip or
popup is escaped with :func:`est_data.core.html.esc` first.
"""
from __future__ import annotations


import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from est_data.core import fmt, privacy, taxonomy
from est_data.core.html import esc
from est_data.maps import grid, assets as mapassets
from est_data.maps.assets import FastMarkerCluster, HeatMap
from est_data.maps import style
from est_data.maps.data import LAYERS, MapData
from est_data.maps.elements import HeatLevels, Legend, MapLook, SymbolLayer, cluster_callback

# Every map loads Leaflet and its plugins from the app itself, never a CDN. The patch is
# process wide (class attributes) and done here, where every map is built, so pages
# without a map never pay for importing folium.
mapassets.use_local_assets()

OSM = "OpenStreetMap"
AREA_PANE, HEAT_PANE = "est-areas", "est-heat"
MIN_ZOOM, MAX_ZOOM = 6, 19


def base_map(data: MapData, tiles: str | None = OSM, large: bool = False) -> folium.Map:
    """An empty map fitted to the data, with our panes, CSS and (optional) tiles."""
    (s, w), (n, e) = data.bounds
    m = folium.Map(location=[(s + n) / 2, (w + e) / 2],
                   zoom_start=data.zoom, tiles=tiles or None, control_scale=False,
                   max_zoom=MAX_ZOOM, zoom_snap=0.5)
    # On the map itself too: without a tile layer Leaflet has no maximum zoom, and
    # marker clustering refuses to start ("Map has no maxZoom specified").
    m.options["max_zoom"] = MAX_ZOOM
    m.options["min_zoom"] = MIN_ZOOM
    m.fit_bounds(data.bounds)
    m.get_root().header.add_child(folium.Element(f"<style>{style.LEGEND_CSS}</style>"),
                                  name="est_css")
    folium.map.CustomPane(AREA_PANE, z_index=380, pointer_events=True).add_to(m)
    folium.map.CustomPane(HEAT_PANE, z_index=390, pointer_events=False).add_to(m)
    classes = ("est-large-map",) if large else ()
    MapLook(classes, None if tiles else style.BACKGROUND_NO_TILES).add_to(m)
    return m


# --- Areas -------------------------------------------------------------------------------

def area_tooltip(row: pd.Series, suppress_below: int = 0) -> str:
    """Escaped tooltip HTML for one area's figures; with ``suppress_below`` (the meeting
    role) the counts as published (``current_mark``/``previous_mark``), no change, and no
    rate beside a count that is not shown (rate times population is the count)."""
    now = privacy.mark_of(row, "current", suppress_below)
    before = privacy.mark_of(row, "previous", suppress_below)
    change = "" if suppress_below else f", {esc(fmt.signed(row['change']))}"
    parts = [f"<b>{esc(row['name'])}</b>",
             f"Händelser: {esc(privacy.text(row['current'], now))} "
             f"(föregående period {esc(privacy.text(row['previous'], before))}{change})"]
    rate = row.get("per_1000")
    if rate is not None and not pd.isna(rate) and now == privacy.SHOWN:
        parts.append(f"Per 1 000 invånare: {esc(fmt.num(rate, 1))}")
    parts.append('<span class="est-muted">Klicka för detaljer</span>')
    return "<br>".join(parts)


def _features(shapes: gpd.GeoDataFrame, props: pd.DataFrame) -> dict:
    """GeoJSON of the areas in ``props`` (an ``area_id`` column plus properties)."""
    geoms = dict(zip(shapes["area_id"], shapes["geojson"]))
    feats = [{"type": "Feature", "id": row["area_id"], "properties": row,
              "geometry": geoms[row["area_id"]]}
             for row in props.to_dict("records") if row["area_id"] in geoms]
    return {"type": "FeatureCollection", "features": feats}


def area_classes(data: MapData, stats: pd.DataFrame
                 ) -> tuple[pd.Series, style.Classes, str | None, str | None]:
    """The value each area is coloured by, its classes, the label of areas without a
    value and a note for the legend.

    With small counts suppressed (the meeting role), an area whose count is not shown
    gets no colour of its own (a class is a range of counts), nor a rate, and an area
    whose count now or before is not shown gets no change colour.
    """
    measure = data.options.area_measure
    limit = data.options.suppress_below
    now = [privacy.mark_of(r, "current", limit) for _, r in stats.iterrows()]
    before = [privacy.mark_of(r, "previous", limit) for _, r in stats.iterrows()]
    shown = pd.Series([m == privacy.SHOWN for m in now], index=stats.index)
    few = " eller få händelser" if limit else ""
    if measure == "rate":
        values = stats["per_1000"].astype(float).where(shown)
        return (values, style.class_breaks(values.tolist(), decimals=1),
                f"Saknar befolkningsuppgift{few}", None)
    if measure == "change":
        hidden = pd.Series([privacy.hides(a, b) for a, b in zip(now, before)], index=stats.index)
        values = stats["change"].astype(float).mask(hidden)
        prev = data.filter.previous()
        return (values, style.change_classes(values.tolist()),
                "För få händelser att jämföra",
                f"Antal nu mot {fmt.period(prev.start, prev.end)}.")
    values = stats["current"].astype(float).where(shown)
    return values, style.class_breaks(values.tolist()), "Få händelser (visas inte)", None


def area_layer(data: MapData, shapes: gpd.GeoDataFrame, large: bool = False
               ) -> tuple[folium.GeoJson | None, list[str]]:
    """Statistical areas coloured by count, rate or change, and their legend rows."""
    stats = data.areas[data.areas["kind"] != "custom"].copy()
    if stats.empty:
        return None, []
    values, classes, missing, note = area_classes(data, stats)
    stats["fill"] = [classes.color_of(None if pd.isna(v) else float(v)) for v in values]
    stats["tip"] = stats.apply(area_tooltip, axis=1, suppress_below=data.options.suppress_below)
    geo = _features(shapes, stats[["area_id", "fill", "tip"]])
    weight = 1.5 if large else 1
    layer = folium.GeoJson(
        geo, name=LAYERS["areas"], pane=AREA_PANE,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#4d4d4d",
                                  "weight": weight, "fillOpacity": 0.5},
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    )
    rows = style.area_rows(classes, missing if values.isna().any() else None, note)
    return layer, rows


def outline_layer(shapes: gpd.GeoDataFrame, large: bool = False) -> folium.GeoJson | None:
    """Statistical area borders only (no fill, no interaction): context without tiles."""
    base = shapes[shapes["kind"] != "custom"] if not shapes.empty else shapes
    if base.empty:
        return None
    geo = _features(base, base[["area_id"]])
    weight = 1.5 if large else 1
    return folium.GeoJson(geo, name=LAYERS["outlines"], pane=AREA_PANE, interactive=False,
                          style_function=lambda f: {"color": "#7a7a7a", "weight": weight,
                                                    "fillColor": "#ffffff", "fillOpacity": 0.6})


def focus_layer(data: MapData, shapes: gpd.GeoDataFrame, large: bool = False) -> folium.GeoJson | None:
    """Focus areas outlined (dashed, no fill), with their figures as tooltip."""
    focus = data.areas[data.areas["is_focus"]].copy()
    if focus.empty:
        return None
    focus["tip"] = focus.apply(area_tooltip, axis=1, suppress_below=data.options.suppress_below)
    geo = _features(shapes, focus[["area_id", "tip"]])
    weight = 5 if large else 3
    return folium.GeoJson(
        geo, name=LAYERS["focus"],
        style_function=lambda f: {"color": style.FOCUS_COLOR, "weight": weight,
                                  "dashArray": "9 6", "fill": True, "fillOpacity": 0.0},
        highlight_function=lambda f: {"weight": weight + 2},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    )


# --- Heat and hot spots ----------------------------------------------------------------

def heat_radius(cell_m: int, zoom: int, lat: float) -> int:
    """Heat blob radius in pixels: a little more than a cell on screen at ``zoom``."""
    px = cell_m / grid.metres_per_pixel(zoom, lat)
    return int(min(30, max(9, round(px * 1.4))))


def heat_layer(data: MapData) -> HeatMap | None:
    """Weighted grid cells as a heat layer; the radius follows the cell size, and finer
    cells take over when the user zooms in (:class:`HeatLevels`)."""
    if data.heat is None or data.heat.empty:
        return None
    lat = float(np.mean([data.bounds[0][0], data.bounds[1][0]]))
    radius = heat_radius(data.heat_cell, data.zoom, lat)
    rows = data.heat[["lat", "lon", "w"]].to_numpy().tolist()
    heat = HeatMap(
        rows, name=LAYERS["heat"], radius=radius, blur=int(radius * 0.9), min_opacity=0.25,
        gradient={str(k): v for k, v in style.HEAT_GRADIENT.items()}, pane=HEAT_PANE)
    levels = []
    for min_zoom, cell, cells in data.heat_fine:
        r = heat_radius(cell, min_zoom, lat)
        levels.append({"minZoom": min_zoom, "radius": r, "blur": int(r * 0.9),
                       "data": cells[["lat", "lon", "w"]].to_numpy().tolist()})
    if levels:
        heat.add_child(HeatLevels(heat, levels))
    return heat


def hotspot_layer(data: MapData) -> folium.GeoJson | None:
    """Significant Gi* hot cells as squares, with class, count and z in the tooltip."""
    hot = data.hotspots
    if hot is None or hot.empty:
        return None
    rings = grid.cell_rings_wgs84(hot["cx"], hot["cy"], data.hot_cell)
    feats = []
    for ring, (_, r) in zip(rings, hot.iterrows()):
        klass = str(r["klass"])
        tip = (f"<b>{esc(klass)}</b><br>"
               f"{esc(fmt.count(r['n'], data.options.suppress_below))} händelser i rutan "
               f"({esc(fmt.num(data.hot_cell))} × {esc(fmt.num(data.hot_cell))} m)<br>"
               f"z = {esc(fmt.num(r['z'], 1))}")
        feats.append({"type": "Feature", "id": f"{r['cx']}_{r['cy']}",
                      "properties": {"fill": style.HOTSPOT_COLORS[klass], "tip": tip},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": feats}, name=LAYERS["hotspots"],
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#7f0000",
                                  "weight": 1, "fillOpacity": 0.6},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    )


# --- Symbols ------------------------------------------------------------------------------

#: Longest description / address shown in a marker popup (characters).
DESCRIPTION_CHARS, ADDRESS_CHARS = 140, 80
#: Marker text above this many bytes drops the descriptions (keeps the page < 1 MB).
POINT_TEXT_BUDGET = 450_000


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def incident_row(row, cat_index: int, source_index: int) -> list:
    """One marker: ``[lat, lon, category index, actor index, time, address,
    description, reference]``, every text escaped (the popup is assembled in the
    browser from these pieces, which keeps 2,000 markers small)."""
    when = pd.Timestamp(row["occurred_at"]).strftime("%Y-%m-%d %H:%M")
    ref = esc(row["incident_id"])
    if esc(row.get("duplicate_of")):
        ref += f" (dubblett av {esc(row['duplicate_of'])})"
    address = esc(_clip(str(row["address"]), ADDRESS_CHARS)) if esc(row.get("address")) else ""
    desc = esc(_clip(str(row["description"]), DESCRIPTION_CHARS)) if esc(row.get("description")) else ""
    return [round(float(row["lat"]), 6), round(float(row["lon"]), 6), cat_index, source_index,
            when, address, desc, ref]


def incident_rows(points: pd.DataFrame) -> tuple[list[list], list[tuple[str, str]], list[str]]:
    """Marker rows, the ``(label, colour)`` of each category present (legend order) and
    the escaped actor names the rows point to."""
    cats = taxonomy.load_taxonomy()
    labels = taxonomy.labels()
    present = [c for c in cats if c in set(points["category"])]
    present += sorted(set(points["category"]) - set(present))
    cat_index = {c: i for i, c in enumerate(present)}
    sources = list(dict.fromkeys(points["source_name"].astype(str)))
    src_index = {s: i for i, s in enumerate(sources)}
    rows = [incident_row(r, cat_index[r["category"]], src_index[str(r["source_name"])])
            for r in points.to_dict("records")]
    if sum(len(r[5]) + len(r[6]) + len(r[7]) for r in rows) > POINT_TEXT_BUDGET:
        for r in rows:
            r[6] = ""
    legend = [(labels.get(c, c), style.safe_color(cats[c].color if c in cats else "")) for c in present]
    return rows, legend, [esc(s) for s in sources]


def points_layer(data: MapData) -> tuple[FastMarkerCluster | None, list[tuple[str, str]]]:
    """Single incidents as clustered dots (only when the filter holds few enough)."""
    if data.points is None or data.points.empty:
        return None, []
    rows, legend, sources = incident_rows(data.points)
    callback = cluster_callback([c for _, c in legend], [esc(label) for label, _ in legend], sources)
    layer = FastMarkerCluster(
        rows, callback=callback, name=LAYERS["points"],
        maxClusterRadius=40, showCoverageOnHover=False, spiderfyOnMaxZoom=True)
    return layer, legend


def measure_popup(group: pd.DataFrame) -> str:
    """Escaped popup HTML listing the measures at one place."""
    items = []
    for _, r in group.iterrows():
        start = pd.Timestamp(r["started_on"]).date()
        if pd.isna(r["ended_on"]):
            when = f"från {fmt.date(start)} (pågår)"
        else:
            when = f"{fmt.date(start)} – {fmt.date(pd.Timestamp(r['ended_on']).date())}"
        bits = [f"<b>{esc(r['title'])}</b>",
                esc(" · ".join(str(v) for v in (r["kind"], r["actor"]) if esc(v))),
                esc(when)]
        if not pd.isna(r.get("cost_sek")) and r.get("cost_sek"):
            bits.append(esc(f"Kostnad {fmt.num(r['cost_sek'])} kr"))
        if esc(r.get("note")):
            bits.append(f'<span class="est-muted">{esc(r["note"])}</span>')
        items.append("<br>".join(b for b in bits if b))
    head = f'<span class="est-muted">Åtgärder i {esc(group["area_name"].iloc[0])}</span>'
    return f'<div class="est-pop">{head}<br>' + "<hr>".join(items) + "</div>"


def measure_rows(measures: pd.DataFrame, large: bool = False) -> list[list]:
    """One diamond per place (measures at the same spot share it, with their count)."""
    if measures is None or measures.empty:
        return []
    m = measures.dropna(subset=["lat", "lon"]).copy()
    m["_k"] = list(zip(m["lat"].round(5), m["lon"].round(5)))
    size = 24 if large else 18
    rows = []
    for (lat, lon), group in m.groupby("_k", sort=True):
        count = len(group)
        html = f"<div><span>{count if count > 1 else ''}</span></div>"
        tip = f"{count} {'åtgärd' if count == 1 else 'åtgärder'} i {esc(group['area_name'].iloc[0])}"
        rows.append([float(lat), float(lon), "est-measure", html, size, measure_popup(group), tip])
    return rows


def label_rows(shapes: gpd.GeoDataFrame) -> list[list]:
    """Place names (worked out by :func:`~est_data.maps.data.area_shapes`)."""
    if shapes.empty:
        return []
    named = shapes[shapes["label"].notna()]
    return [[float(r.label_lat), float(r.label_lon),
             "est-label est-focus-label" if r.is_focus else "est-label",
             f"<span>{esc(r.label)}</span>", 0, None, None] for r in named.itertuples()]


# --- The whole map ----------------------------------------------------------------------

def build_map(data: MapData, shapes: gpd.GeoDataFrame, tiles: str | None = OSM,
              large: bool = False, layer_control: bool = True) -> folium.Map:
    """The folium map of ``data`` with the layers its options ask for.

    ``tiles`` is a folium tile name/URL or None for no background (the map still
    reads: areas, heat, outlines and names are drawn by us). ``large`` is the projector
    look: thicker lines, larger symbols and legend.
    """
    m = base_map(data, tiles, large)
    wanted = set(data.options.layers)
    drawn: set[str] = set()
    area_rows: list[str] = []
    point_legend: list[tuple[str, str]] = []
    if "areas" in wanted:
        layer, area_rows = area_layer(data, shapes, large)
        if layer is not None:
            layer.add_to(m)
            drawn.add("areas")
    builders = {"outlines": lambda: outline_layer(shapes, large),
                "heat": lambda: heat_layer(data), "hotspots": lambda: hotspot_layer(data),
                "focus": lambda: focus_layer(data, shapes, large)}
    for key in ("outlines", "heat", "hotspots", "focus"):
        if key in wanted:
            layer = builders[key]()
            if layer is not None:
                layer.add_to(m)
                drawn.add(key)
    if "measures" in wanted:
        rows = measure_rows(data.measures, large)
        if rows:
            SymbolLayer(rows, LAYERS["measures"]).add_to(m)
            drawn.add("measures")
    if "points" in wanted:
        layer, point_legend = points_layer(data)
        if layer is not None:
            layer.add_to(m)
            drawn.add("points")
    if "labels" in wanted:
        rows = label_rows(shapes)
        if rows:
            SymbolLayer(rows, LAYERS["labels"]).add_to(m)
            drawn.add("labels")
    muni = data.count_marks.get("municipality_only", privacy.SHOWN)
    facts = style.LegendFacts(data.options.area_measure, data.heat_cell, data.hot_cell,
                              data.counts["municipality_only"],
                              privacy.text(data.counts["municipality_only"], muni))
    legend = style.legend_for(facts, area_rows, point_legend, drawn)
    if large:
        legend = legend.replace('class="est-legend"', 'class="est-legend est-large"', 1)
    # On the projector the legend goes top right, where the layer control would be.
    Legend(legend, position="topright" if large else "bottomleft").add_to(m)
    if layer_control:
        folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return m


def map_html(m: folium.Map) -> str:
    """The whole page of a map (what the browser gets, give or take the iframe)."""
    return m.get_root().render()
