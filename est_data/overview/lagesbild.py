"""A one-page lägesbild (PNG or PDF) to attach to the meeting minutes: map, key
figures and the period, drawn with matplotlib (offline: no tiles, no browser). The PDF
has a second page with the same figures in words (:mod:`.narrative`).

The map is drawn in SWEREF 99 TM metres (equal scale both ways): areas in grey, the
incident density as grid cells counted in DuckDB, focus areas dashed, measures as
diamonds, district names on top.
"""
from __future__ import annotations

import datetime as dt
import io

import duckdb
import numpy as np
import shapely

from est_data.core import fmt, privacy
from est_data.incidents import published
from est_data.maps import grid
from est_data.maps.data import located_counts
from est_data.areas.geometry import load_areas, to_sweref
from est_data.overview.briefing import briefing
from est_data.overview.narrative import gather, sentences
from est_data.core.config import CRS_SWEREF99TM, MUNICIPALITY_NAME
from est_data.core.filters import IncidentFilter
from est_data.maps import style

FORMATS = {"png": "image/png", "pdf": "application/pdf"}
A4_LANDSCAPE_IN = (11.69, 8.27)
DPI = 150
PRINT_CELL_M = 200
HEAT_STOPS = [(0, "#ffffb2"), (0.35, "#fecc5c"), (0.6, "#fd8d3c"), (0.8, "#f03b20"),
              (1, "#bd0026")]


def _draw_polygon(ax, geom, **kw) -> None:
    for poly in getattr(geom, "geoms", [geom]):
        x, y = poly.exterior.xy
        ax.plot(x, y, **kw)


def _map_panel(ax, con: duckdb.DuckDBPyConnection, f: IncidentFilter, measures) -> int:
    """Draw the map; returns the cell size used."""
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    areas = load_areas(con)
    metric = areas.to_crs(CRS_SWEREF99TM) if not areas.empty else areas
    extent = grid.data_extent(con, f)
    if extent is None and not metric.empty:
        extent = grid.Extent(*metric[metric["kind"] != "custom"].total_bounds)
    extent = (extent or grid.Extent(470000, 6995000, 495000, 7015000)).padded(400)
    ax.set_facecolor(style.BACKGROUND_NO_TILES)
    for _, r in metric[metric["kind"] != "custom"].iterrows() if not metric.empty else []:
        for poly in getattr(r.geometry, "geoms", [r.geometry]):
            x, y = poly.exterior.xy
            ax.fill(x, y, facecolor="#ffffff", edgecolor="#8c8c8c", linewidth=0.6, zorder=1)
    cell = max(PRINT_CELL_M, grid.cell_size_for(extent, grid.zoom_for_extent(extent)))
    # The page leaves the app: as on the projector, no cell of fewer than 3 incidents.
    _draw_heat(ax, grid.meeting_heat(grid.grid_cells(con, f, cell), privacy.SUPPRESS_BELOW), cell)
    if not metric.empty:
        _draw_names(ax, metric, extent, halo)
    if measures is not None and len(measures):
        m = measures.dropna(subset=["lat", "lon"])
        mx, my = to_sweref(m["lon"], m["lat"])
        ax.scatter(mx, my, marker="D", s=70, color=style.MEASURE_COLOR, edgecolor="white",
                   linewidth=1.2, zorder=7)
    _frame(ax, extent, halo)
    return cell


def _draw_heat(ax, cells, cell: int) -> None:
    """The counted grid cells as one raster, yellow (few) to dark red (many)."""
    from matplotlib.colors import LinearSegmentedColormap

    if not len(cells):
        return
    heat = LinearSegmentedColormap.from_list("est_heat", HEAT_STOPS)
    x0, y0 = cells["cx"].min(), cells["cy"].min()
    w, h = cells["cx"].max() - x0 + 1, cells["cy"].max() - y0 + 1
    raster = np.full((h, w), np.nan)
    raster[cells["cy"] - y0, cells["cx"] - x0] = grid.coarse_weights(grid.heat_weights(cells["n"]))
    ax.imshow(raster, origin="lower", cmap=heat, vmin=0, vmax=1, alpha=0.9, zorder=2,
              interpolation="nearest",
              extent=(x0 * cell, (x0 + w) * cell, y0 * cell, (y0 + h) * cell))


def _draw_names(ax, metric, extent, halo) -> None:
    """District names inside the map, focus areas dashed with their names above."""
    base = metric[metric["kind"] != "custom"]
    key = base["district"].fillna(base["name"])
    for name, group in base.groupby(key, sort=True):
        p = shapely.union_all(group.geometry.values).representative_point()
        if extent.xmin < p.x < extent.xmax and extent.ymin < p.y < extent.ymax:
            ax.text(p.x, p.y, name, fontsize=7.5, ha="center", va="center", color="#333",
                    zorder=5, path_effects=halo)
    for _, r in metric[metric["is_focus"]].iterrows():
        _draw_polygon(ax, r.geometry, color="#111", linewidth=2.2, linestyle=(0, (4, 2.5)),
                      zorder=4)
        minx, miny, maxx, maxy = r.geometry.bounds
        ax.text((minx + maxx) / 2, maxy + 60, r["name"], fontsize=9.5, fontweight="bold",
                fontstyle="italic", ha="center", va="bottom", zorder=6, path_effects=halo)


def _frame(ax, extent, halo) -> None:
    """The map's extent at equal scale, no ticks, and a 1 km scale bar lower left."""
    ax.set_xlim(extent.xmin, extent.xmax)
    ax.set_ylim(extent.ymin, extent.ymax)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    sx, sy = extent.xmin + 0.04 * extent.width, extent.ymin + 0.04 * extent.height
    ax.plot([sx, sx + 1000], [sy, sy], color="#111", linewidth=3, zorder=8)
    ax.text(sx + 500, sy + 0.012 * extent.height, "1 km", ha="center", va="bottom", fontsize=8,
            zorder=8, path_effects=halo)


def count_change(row) -> str:
    """``"14 (−2)"`` for a row with ``current`` and ``previous`` (and their marks, as
    the briefing gives them); a count not shown, now or before, shows as published
    (``"<3"``, ``"dolt"``) without the change, which would give it away."""
    now = privacy.mark_of(row, "current", privacy.SUPPRESS_BELOW)
    before = privacy.mark_of(row, "previous", privacy.SUPPRESS_BELOW)
    if privacy.hides(now, before):
        return privacy.text(row["current"], now)
    return f"{fmt.num(row['current'])} ({fmt.signed(row['current'] - row['previous'])})"


def panel_texts(b: dict) -> dict:
    """The right-hand texts of the lägesbild from a :func:`~est_data.overview.briefing.briefing`.

    The page is attached to the minutes and leaves the app, so it follows the meeting
    view: counts as :mod:`est_data.core.privacy` publishes them ("<3", "dolt"), and no
    change beside a count not shown (privacy; see README, "Personal data")."""
    t = b["totals"]
    limit = privacy.SUPPRESS_BELOW
    now, before = privacy.mark_of(t, "current", limit), privacy.mark_of(t, "previous", limit)
    small_total = privacy.hides(now, before)

    def numbers(r) -> str:
        old, new = privacy.mark_of(r, "previous", limit), privacy.mark_of(r, "current", limit)
        return (f"{privacy.text(r['previous'], old)} → {privacy.text(r['current'], new)}"
                + ("" if privacy.hides(old, new) else f" ({fmt.signed(r['change'])})"))

    return {
        "total": privacy.text(t["current"], now),
        "total_change": None if small_total else
        f"{fmt.signed(t['current'] - t['previous'])} mot föregående\nperiod ({fmt.num(t['previous'])})",
        "change_sign": 0 if small_total else (t["current"] > t["previous"]) - (t["current"] < t["previous"]),
        "focus": [f"{r['name']} (fokusområde): {count_change(r)}" for _, r in b["focus"].iterrows()],
        "categories": [f"{r['label']}: {count_change(r)}" for _, r in b["categories"].iterrows()],
        "increases": [(f"{r['name']}{' ★' if r['is_focus'] else ''}", numbers(r))
                      for _, r in b["increases"].iterrows()],
    }


def render(con: duckdb.DuckDBPyConnection, f: IncidentFilter, heading: str = "",
           fmt_: str = "png", today: dt.date | None = None,
           new_from: dt.date | None = None) -> bytes:
    """The lägesbild of ``f`` as PNG or PDF bytes (A4 landscape).

    ``heading`` names the period for the reader (e.g. "Sedan förra mötet 2026-11-12");
    measures started on or after ``new_from`` are the new ones.
    """
    if fmt_ not in FORMATS:
        raise ValueError(f"format must be one of {list(FORMATS)}")
    # matplotlib is imported only when a lägesbild is made (it takes a second).
    import matplotlib

    today = today or dt.date.today()
    b = briefing(con, f, new_from)
    # Every text on the page is plain: names with "$...$" are data, not mathtext.
    with matplotlib.rc_context({"text.parse_math": False}):
        return _draw(con, f, b, heading, fmt_, today, new_from)


def _draw(con: duckdb.DuckDBPyConnection, f: IncidentFilter, b: dict, heading: str,
          fmt_: str, today: dt.date, new_from: dt.date | None = None) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=A4_LANDSCAPE_IN, dpi=DPI)
    FigureCanvasAgg(fig)
    _heading(fig, f, heading)
    ax = fig.add_axes((0.03, 0.07, 0.56, 0.80))
    cell = _map_panel(ax, con, f, b["measures"])
    _figures_panel(fig, panel_texts(b), b["measures"])
    _notes(fig, f, cell, located_counts(con, f), today)
    buf = io.BytesIO()
    if fmt_ == "png":
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()
    from matplotlib.backends.backend_pdf import PdfPages

    # The PDF's second page: the same figures in words, for the minutes.
    with PdfPages(buf, metadata={"Title": f"Lägesbild EST {MUNICIPALITY_NAME}"}) as pdf:
        pdf.savefig(fig, dpi=DPI)
        pdf.savefig(_text_page(f, heading, sentences(heading or "Vald period", f,
                                                     gather(con, f, new_from))), dpi=DPI)
    return buf.getvalue()


def _text_page(f: IncidentFilter, heading: str, lines: list[str]):
    """Veckans lägesbild i text on its own A4 page, one paragraph per sentence."""
    import textwrap

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=A4_LANDSCAPE_IN, dpi=DPI)
    FigureCanvasAgg(fig)
    _heading(fig, f, heading)
    fig.text(0.03, 0.84, "Veckans lägesbild i text", fontsize=15, fontweight="bold")
    y = 0.79
    for line in lines:
        wrapped = textwrap.wrap(line, 120)
        for part in wrapped:
            fig.text(0.03, y, part, fontsize=11.5)
            y -= 0.032
        y -= 0.014
    return fig


def _heading(fig, f: IncidentFilter, heading: str) -> None:
    prev = f.previous()
    fig.text(0.03, 0.955, f"Lägesbild EST {MUNICIPALITY_NAME}", fontsize=20, fontweight="bold")
    sub = f"{heading + ': ' if heading else ''}{fmt.period(f.start, f.end)}"
    fig.text(0.03, 0.918, sub, fontsize=12)
    fig.text(0.03, 0.892, f"jämfört med {fmt.period(prev.start, prev.end)}", fontsize=10,
             color="#444")


def _figures_panel(fig, texts: dict, measures) -> None:
    """The right-hand column: total, focus areas, categories, increases, measures."""
    x, y = 0.62, 0.86
    fig.text(x, y, "Händelser", fontsize=12, color="#333")
    fig.text(x, y - 0.075, texts["total"], fontsize=34, fontweight="bold")
    if texts["total_change"]:
        color = {1: "#b2182b", -1: "#1a7837"}.get(texts["change_sign"], "#333")
        fig.text(x + 0.16, y - 0.06, texts["total_change"], fontsize=11, color=color)
    y -= 0.125
    for line in texts["focus"]:
        fig.text(x, y, line, fontsize=11)
        y -= 0.032
    y = _section(fig, x, y, "Vanligaste kategorierna")
    for line in texts["categories"]:
        fig.text(x, y, line, fontsize=11)
        y -= 0.03
    y = _section(fig, x, y, "Störst ökning")
    if not texts["increases"]:
        fig.text(x, y, "Inget område ökade.", fontsize=11)
        y -= 0.03
    for name, numbers in texts["increases"]:
        fig.text(x, y, name, fontsize=11)
        fig.text(0.97, y, numbers, fontsize=11, ha="right")
        y -= 0.03
    _measures_list(fig, x, _section(fig, x, y, "Senaste åtgärder"), measures)


def _section(fig, x: float, y: float, title: str) -> float:
    """A bold section title after a small gap; returns the y of its first line."""
    y -= 0.015
    fig.text(x, y, title, fontsize=12, fontweight="bold")
    return y - 0.035


def _measures_list(fig, x: float, y: float, measures) -> None:
    """The newest measures, two lines each, as many as fit above the notes."""
    if measures.empty:
        fig.text(x, y, "Inga åtgärder registrerade.", fontsize=11)
    for _, r in measures.iterrows():
        if y < 0.1:
            break
        started = fmt.date(r["started_on"])
        title = r["title"] if len(r["title"]) <= 42 else r["title"][:41].rstrip() + "…"
        fig.text(x, y, f"{started}  {title}", fontsize=10)
        fig.text(x + 0.09, y - 0.022, f"{r['area_name']} · {r['actor'] or ''}".strip(" ·"),
                 fontsize=9, color="#555")
        y -= 0.052


def _notes(fig, f: IncidentFilter, cell: int, counts: dict, today: dt.date) -> None:
    """The small print at the bottom: how the map counts, what it leaves out, when made."""
    notes = [f"Kartan: händelser med plats räknade i rutor om {fmt.num(cell)} m "
             "(gul = få, mörkröd = många; rutor med färre än 3 visas inte). "
             "Streckat = fokusområde, romb = åtgärd."]
    muni = published.placement_marks(counts, privacy.SUPPRESS_BELOW)["municipality_only"]
    if counts["municipality_only"] or muni == privacy.WITHHELD:
        notes.append(f"{privacy.text(counts['municipality_only'], muni)} händelser är bara "
                     "kända på kommunnivå: de ingår i siffrorna men syns inte på kartan."
                     if muni != privacy.WITHHELD else "Händelser som bara är kända på "
                     "kommunnivå ingår i siffrorna men syns inte på kartan.")
    notes.append(f"Skapad {fmt.date(today)} med EST Lägesbild. Unika händelser"
                 + (" inklusive dubbletter." if f.include_duplicates else "."))
    fig.text(0.03, 0.022, "  ".join(notes), fontsize=8, color="#444", wrap=True)
