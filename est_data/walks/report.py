"""The printable walk report: a page per walk for the partners, with a map of the
findings (an inline SVG of the walk's area with numbered points: no tiles, no scripts,
it prints as it shows) and a table of findings with their responsible actor and status.
Every text from the data passes :func:`est_data.core.html.esc`.
"""
from __future__ import annotations

import base64

import duckdb
import numpy as np
import shapely

from est_data.areas.geometry import load_areas, to_sweref
from est_data.core import fmt
from est_data.core.config import CRS_SWEREF99TM
from est_data.core.html import esc
from est_data.store.sqlutil import fetch_row
from est_data.walks.store import walk_findings

SVG_W, SVG_H, PAD = 640, 420, 24
STATUS_COLOURS = {"oppen": "#d62728", "atgardad": "#2ca02c", "avfardad": "#7f7f7f"}
# Scoped to the report, so its preview inside the app does not restyle the app.
CSS = """.walk-report{font-family:system-ui,sans-serif;color:#000}
.walk-report table{border-collapse:collapse;width:100%;margin-top:1rem}
.walk-report th,.walk-report td{border:1px solid #999;padding:4px 6px;text-align:left;
vertical-align:top}
.walk-report th{background:#eee}.walk-report .legend span{margin-right:1.2rem}
@media print{.walk-report{margin:0}}"""


def _svg(area_geom, xs: np.ndarray, ys: np.ndarray, numbers, statuses) -> str:
    """The area's outline and the numbered findings, fitted into the drawing."""
    boxes = [area_geom.bounds] if area_geom is not None else []
    if len(xs):
        boxes.append((xs.min(), ys.min(), xs.max(), ys.max()))
    if not boxes:
        return ""
    x0, y0 = min(b[0] for b in boxes) - 30, min(b[1] for b in boxes) - 30
    x1, y1 = max(b[2] for b in boxes) + 30, max(b[3] for b in boxes) + 30
    scale = min((SVG_W - 2 * PAD) / (x1 - x0), (SVG_H - 2 * PAD) / (y1 - y0))

    def px(x, y):
        return PAD + (x - x0) * scale, SVG_H - PAD - (y - y0) * scale

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_W}" height="{SVG_H}" '
             f'viewBox="0 0 {SVG_W} {SVG_H}" role="img" aria-label="Karta över fynden">'
             f'<rect width="{SVG_W}" height="{SVG_H}" fill="#f6f6f2" stroke="#999"/>']
    polys = [] if area_geom is None else getattr(area_geom, "geoms", [area_geom])
    for poly in polys:
        pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in (px(*c) for c in poly.exterior.coords))
        parts.append(f'<polygon points="{pts}" fill="#e4ecf7" stroke="#4a6fa5" stroke-width="2"/>')
    for x, y, nr, status in zip(xs, ys, numbers, statuses):
        cx, cy = px(x, y)
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="11" '
                     f'fill="{STATUS_COLOURS.get(status, "#000")}" stroke="#fff" stroke-width="2"/>'
                     f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="12" text-anchor="middle" '
                     f'fill="#fff" font-weight="700">{int(nr)}</text>')
    parts.append(f'<text x="{SVG_W - PAD}" y="{SVG_H - 8}" font-size="11" text-anchor="end">'
                 f'{fmt.num(100 / scale * 1)} m per 100 bildpunkter</text></svg>')
    return "".join(parts)


def _as_image(svg: str) -> str:
    """The drawing as an image (a data URI): the app's HTML sanitiser drops inline SVG,
    an image it keeps, and it prints the same."""
    if not svg:
        return ""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img alt="Karta över fynden" width="{SVG_W}" height="{SVG_H}" '
            f'style="max-width:100%;height:auto" src="data:image/svg+xml;base64,{data}">')


def _status_text(r) -> str:
    if r["status"] == "atgardad":
        return f"Åtgärdad {fmt.date(r['fixed_on'])}"
    if r["status"] == "avfardad":
        return f"Avfärdad: {r['dismissed_reason'] or ''}"
    return "Öppen"


def walk_report_html(con: duckdb.DuckDBPyConnection, walk_id: str) -> str:
    """The walk report as one self-contained HTML page, for printing."""
    row = fetch_row(con, "SELECT walked_on FROM walks WHERE walk_id = ?", [walk_id])
    title = f"Trygghetsvandring {row[0]:%Y-%m-%d}" if row else "Trygghetsvandring"
    return (f"<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body style='margin:2rem'>{walk_report_body(con, walk_id)}</body></html>")


def walk_report_body(con: duckdb.DuckDBPyConnection, walk_id: str) -> str:
    """The walk report's content with its scoped style (also the app's preview)."""
    walk = fetch_row(con, """SELECT w.walked_on, w.area_id, coalesce(a.name, w.area_id), w.actors,
            w.note FROM walks w LEFT JOIN areas a USING (area_id) WHERE w.walk_id = ?""",
                     [walk_id])
    if walk is None:
        return "<p>Vandringen finns inte.</p>"
    walked_on, area_id, area_name, actors, note = walk
    names = dict(con.execute("SELECT source, name FROM actors").fetchall())
    df = walk_findings(con, walk_id)
    areas = load_areas(con)
    area = areas[areas["area_id"] == area_id]
    geom = None if area.empty else area.to_crs(CRS_SWEREF99TM).geometry.iloc[0]
    if geom is not None and not isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)):
        geom = None
    xs, ys = (np.asarray(v, dtype=float) for v in to_sweref(df["lon"], df["lat"])) if len(df) \
        else (np.array([]), np.array([]))
    rows = "".join(
        f"<tr><td>{int(r['nr'])}</td><td>{esc(r['kind_label'])}</td><td>{esc(r['description'])}"
        f"</td><td>{esc(r['responsible_name'])}</td><td>{esc(_status_text(r))}</td></tr>"
        for _, r in df.iterrows())
    counts = df["status"].value_counts()
    actors_text = ", ".join(names.get(a, a) for a in str(actors).split(",") if a)
    return (f"<style>{CSS}</style><div class='walk-report'>"
            f"<h1>Trygghetsvandring {esc(area_name)}, {fmt.date(walked_on)}</h1>"
            f"<p><b>Deltagande aktörer:</b> {esc(actors_text)}</p>"
            + (f"<p>{esc(note)}</p>" if note else "")
            + f"<p>{fmt.num(len(df))} fynd: {fmt.num(counts.get('oppen', 0))} öppna, "
            f"{fmt.num(counts.get('atgardad', 0))} åtgärdade, "
            f"{fmt.num(counts.get('avfardad', 0))} avfärdade.</p>"
            + _as_image(_svg(geom, xs, ys, df["nr"], df["status"]))
            + "<p class='legend'><span style='color:#d62728'>● öppen</span>"
            "<span style='color:#2ca02c'>● åtgärdad</span><span style='color:#7f7f7f'>● "
            "avfärdad</span></p>"
            "<table><thead><tr><th>Nr</th><th>Typ</th><th>Beskrivning</th><th>Ansvarig</th>"
            f"<th>Status</th></tr></thead><tbody>{rows}</tbody></table></div>")
