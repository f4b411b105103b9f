"""A shape drawn on the map as part of the incident filter: a polygon or a circle in
SWEREF 99 TM metres, its SQL condition on ``x``/``y`` and its short URL form.

DuckDB's spatial extension cannot be installed here (README, STACK_NOTES), so the
condition is plain SQL: a bounding-box test first (cheap, lets DuckDB skip most rows),
then an even-odd ray-casting test over the polygon's edges, or the squared distance
for a circle. Every coordinate is a bound parameter.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

#: Most corners a drawn polygon keeps (the converter simplifies larger ones).
MAX_VERTICES = 100
#: Largest circle radius accepted, in metres (the whole municipality is about 100 km).
MAX_RADIUS_M = 200_000
KINDS = ("polygon", "circle")


@dataclass(frozen=True)
class DrawnShape:
    """``kind`` ``"polygon"``: ``coords`` is ``(x0, y0, x1, y1, ...)``, the ring's corners
    without repeating the first; ``"circle"``: ``coords`` is ``(cx, cy, radius)``.
    Whole metres in SWEREF 99 TM (EPSG:3006)."""

    kind: str
    coords: tuple[int, ...]

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        n = len(self.coords)
        if self.kind == "circle" and (n != 3 or not 0 < self.coords[2] <= MAX_RADIUS_M):
            raise ValueError("a circle is (cx, cy, radius) with 0 < radius <= MAX_RADIUS_M")
        if self.kind == "polygon" and (n % 2 or not 3 <= n // 2 <= MAX_VERTICES):
            raise ValueError(f"a polygon has 3 to {MAX_VERTICES} corners as x, y pairs")

    @property
    def corners(self) -> list[tuple[int, int]]:
        return list(zip(self.coords[0::2], self.coords[1::2]))

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """``(minx, miny, maxx, maxy)``."""
        if self.kind == "circle":
            cx, cy, r = self.coords
            return cx - r, cy - r, cx + r, cy + r
        xs, ys = self.coords[0::2], self.coords[1::2]
        return min(xs), min(ys), max(xs), max(ys)

    def to_text(self) -> str:
        """The URL form: ``c:cx,cy,r`` or ``p:x0,y0,x1,y1,...``."""
        return f"{self.kind[0]}:" + ",".join(str(int(v)) for v in self.coords)


def shape_from_text(text: str | None) -> DrawnShape | None:
    """Parse :meth:`DrawnShape.to_text`; None for anything malformed (never raises)."""
    head, sep, body = str(text or "")[:8000].partition(":")
    kind = {"c": "circle", "p": "polygon"}.get(head)
    if not sep or kind is None:
        return None
    try:
        coords = tuple(int(v) for v in body.split(","))
        return DrawnShape(kind, coords)
    except ValueError:
        return None


def shape_sql(shape: DrawnShape, alias: str = "") -> tuple[str, list]:
    """SQL condition (true for incidents inside ``shape``) and its parameters."""
    x, y = f"{alias}x", f"{alias}y"
    minx, miny, maxx, maxy = shape.bounds
    parts = [f"{x} BETWEEN ? AND ? AND {y} BETWEEN ? AND ?"]
    params: list = [float(minx), float(maxx), float(miny), float(maxy)]
    if shape.kind == "circle":
        cx, cy, r = (float(v) for v in shape.coords)
        parts.append(f"(({x} - ?) * ({x} - ?) + ({y} - ?) * ({y} - ?)) <= ?")
        params += [cx, cx, cy, cy, r * r]
        return "(" + " AND ".join(parts) + ")", params
    # Most points are settled by their band alone (inside its inner span, or outside its
    # outer one); only those near the outline pay for the test over every edge. DuckDB
    # evaluates OR and AND on the rows still undecided, so that is a small share.
    lists = polygon_bands(shape)
    band = f"least(greatest(floor(({y} - ?) / ?)::INTEGER + 1, 1), ?)"
    band_params = [float(miny), lists.height, len(lists.inner_lo)]
    at = f"list_extract(?::DOUBLE[], {band})"
    edge_params: list = []
    exact = _crossings(shape, x, y, edge_params)
    parts.append(f"(({x} >= {at} AND {x} <= {at}) OR ({x} >= {at} AND {x} <= {at} AND {exact}))")
    for values in (lists.inner_lo, lists.inner_hi, lists.outer_lo, lists.outer_hi):
        params += [list(values), *band_params]
    params += edge_params
    return "(" + " AND ".join(parts) + ")", params


def _crossings(shape: DrawnShape, x: str, y: str, params: list) -> str:
    """Even-odd ray casting over the polygon's edges (a ray from the point towards +x)."""
    terms = []
    corners = shape.corners
    for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1]):
        if y1 == y2:  # a horizontal edge never crosses a horizontal ray
            continue
        terms.append(f"(({y} > ?) <> ({y} > ?) AND {x} < ? + ({y} - ?) * ?)::INTEGER")
        params += [float(y1), float(y2), float(x1), float(y1), (x2 - x1) / (y2 - y1)]
    return "(" + " + ".join(terms or ["0"]) + ") % 2 = 1"


#: Horizontal bands a polygon's bounding box is cut into for :func:`polygon_bands`.
BANDS = 128


@dataclass(frozen=True)
class Bands:
    """Per band (``height`` metres, from the polygon's lowest y): an x span wholly inside
    the polygon (``inner``; empty when ``lo > hi``) and the polygon's x extent (``outer``)."""

    height: float
    inner_lo: tuple[float, ...]
    inner_hi: tuple[float, ...]
    outer_lo: tuple[float, ...]
    outer_hi: tuple[float, ...]


@lru_cache(maxsize=64)
def polygon_bands(shape: DrawnShape, bands: int = BANDS) -> Bands:
    """The bands of a polygon: within a band, the gaps between the x extents of the
    outline's pieces are boxes the outline does not cross, so each is wholly inside or
    wholly outside; the widest inside gap is the band's inner span."""
    import shapely

    poly = shapely.Polygon(shape.corners)
    minx, miny, maxx, maxy = (float(v) for v in shape.bounds)
    height = (maxy - miny) / bands
    inf = float("inf")
    out: list[tuple[float, float, float, float]] = []
    for j in range(bands):
        box = shapely.box(minx - 1, miny + j * height, maxx + 1, miny + (j + 1) * height)
        part = poly.intersection(box)
        if part.is_empty:
            out.append((inf, -inf, inf, -inf))
            continue
        lo, _, hi, _ = part.bounds
        edge = poly.boundary.intersection(box)
        pieces = sorted((g.bounds[0], g.bounds[2]) for g in getattr(edge, "geoms", [edge])
                        if not g.is_empty)
        best = (inf, -inf)
        start = lo
        for a, b in pieces + [(hi, hi)]:
            if a > start and a - start > best[1] - best[0] and poly.contains(
                    shapely.Point((start + a) / 2, miny + (j + 0.5) * height)):
                best = (start, a)
            start = max(start, b)
        out.append((*best, lo, hi))
    return Bands(height, *(tuple(c) for c in zip(*out)))
