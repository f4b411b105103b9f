"""The drawn filter shape: its SQL agrees with shapely point by point (polygons concave
and convex, circles), its URL form round-trips, and junk never raises."""
from __future__ import annotations

import duckdb
import numpy as np
import pytest
import shapely

from est_data.core.shape import MAX_VERTICES, DrawnShape, shape_from_text, shape_sql

X0, Y0 = 480_000, 7_000_000
SQUARE = DrawnShape("polygon", (X0, Y0, X0 + 1000, Y0, X0 + 1000, Y0 + 1000, X0, Y0 + 1000))
# A "U": concave, so a point in the notch is inside the bounding box but not the shape.
U_SHAPE = DrawnShape("polygon", (X0, Y0, X0 + 900, Y0, X0 + 900, Y0 + 900, X0 + 600, Y0 + 900,
                                 X0 + 600, Y0 + 300, X0 + 300, Y0 + 300, X0 + 300, Y0 + 900,
                                 X0, Y0 + 900))
CIRCLE = DrawnShape("circle", (X0 + 500, Y0 + 500, 400))


def _shapely(shape: DrawnShape):
    if shape.kind == "circle":
        cx, cy, r = shape.coords
        return shapely.Point(cx, cy).buffer(r, quad_segs=512)
    return shapely.Polygon(shape.corners)


def _inside_sql(shape: DrawnShape, xs, ys) -> np.ndarray:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest(?::DOUBLE[]) AS x, unnest(?::DOUBLE[]) AS y",
                [list(map(float, xs)), list(map(float, ys))])
    sql, params = shape_sql(shape)
    return np.array([r[0] for r in con.execute(
        f"SELECT coalesce({sql}, false) FROM t", params).fetchall()])


@pytest.mark.parametrize("shape", [SQUARE, U_SHAPE, CIRCLE], ids=["square", "U", "circle"])
def test_sql_agrees_with_shapely(shape):
    rng = np.random.default_rng(3)
    xs = rng.uniform(X0 - 200, X0 + 1200, 4000).round(1)
    ys = rng.uniform(Y0 - 200, Y0 + 1200, 4000).round(1)
    want = shapely.contains_xy(_shapely(shape), xs, ys)
    got = _inside_sql(shape, xs, ys)
    # On the outline itself either answer is right (a point rounded to 0.1 m can land
    # there), and a 512-segment circle differs from a true one only by centimetres.
    near_edge = shapely.distance(_shapely(shape).boundary, shapely.points(xs, ys)) < 0.05
    assert (got == want)[~near_edge].all()
    assert 0 < got.sum() < len(xs)


def test_notch_of_a_concave_polygon_is_outside():
    got = _inside_sql(U_SHAPE, [X0 + 450, X0 + 150, X0 + 750], [Y0 + 600, Y0 + 600, Y0 + 600])
    assert got.tolist() == [False, True, True]


def test_incidents_without_coordinates_are_outside():
    con = duckdb.connect()
    sql, params = shape_sql(SQUARE)
    assert con.execute(f"SELECT coalesce({sql}, false) FROM (SELECT NULL::DOUBLE AS x, "
                       "NULL::DOUBLE AS y)", params).fetchone()[0] is False


def test_alias_prefixes_columns_and_values_are_bound():
    sql, params = shape_sql(SQUARE, "i.")
    assert "i.x" in sql and "i.y" in sql and str(X0) not in sql
    assert sql.count("?") == len(params)


@pytest.mark.parametrize("shape", [SQUARE, U_SHAPE, CIRCLE])
def test_url_form_round_trips(shape):
    text = shape.to_text()
    assert text[0] in "pc" and " " not in text
    assert shape_from_text(text) == shape


@pytest.mark.parametrize("text", [
    None, "", "p", "p:", "x:1,2,3", "c:1,2", "c:1,2,0", "c:1,2,-5", "c:1,2,9999999",
    "p:1,2,3,4", "p:1,2,3,4,5", "p:a,b,c,d,e,f", "c:1.5,2,3",
    "p:" + ",".join(["1"] * (2 * MAX_VERTICES + 2)),
])
def test_junk_in_the_link_is_ignored(text):
    assert shape_from_text(text) is None


def test_bounds():
    assert CIRCLE.bounds == (X0 + 100, Y0 + 100, X0 + 900, Y0 + 900)
    assert U_SHAPE.bounds == (X0, Y0, X0 + 900, Y0 + 900)


def test_bands_settle_most_points_without_the_edge_test():
    """A square's every band is inside from edge to edge; the U's middle bands have
    the notch outside their inner span (and the SQL still agrees: see above)."""
    from est_data.core.shape import polygon_bands

    square = polygon_bands(SQUARE)
    # (The first and last bands hold the bottom and top edges: their points get the
    # edge test.)
    assert square.inner_lo[1:-1] == (X0,) * (len(square.inner_lo) - 2)
    assert square.inner_hi[1:-1] == (X0 + 1000,) * (len(square.inner_hi) - 2)
    u = polygon_bands(U_SHAPE)
    top = len(u.inner_lo) - 2  # a band through both arms, under their top edges
    assert u.inner_hi[top] - u.inner_lo[top] == pytest.approx(300)
    assert (u.outer_lo[top], u.outer_hi[top]) == (X0, X0 + 900)


def test_a_detailed_polygon_leaves_few_points_to_the_edge_test():
    """100 corners: the bands settle all but a few per cent of the points in the bounding
    box, so the test over every edge (the slow part: 0.3-2.6 s per query on a million
    incidents, against 0.06-0.16 s with the bands) runs only near the outline."""
    from est_data.core.shape import polygon_bands

    t = np.linspace(0, 2 * np.pi, 100, endpoint=False)
    ring = np.column_stack([X0 + 500 + 450 * np.cos(t), Y0 + 500 + 450 * np.sin(t)]).round()
    shape = DrawnShape("polygon", tuple(int(v) for v in ring.ravel()))
    minx, miny, maxx, maxy = shape.bounds
    rng = np.random.default_rng(5)
    xs, ys = rng.uniform(minx, maxx, 100_000), rng.uniform(miny, maxy, 100_000)
    b = polygon_bands(shape)
    band = np.clip(np.floor((ys - miny) / b.height).astype(int), 0, len(b.inner_lo) - 1)
    inner = (xs >= np.array(b.inner_lo)[band]) & (xs <= np.array(b.inner_hi)[band])
    outer = (xs >= np.array(b.outer_lo)[band]) & (xs <= np.array(b.outer_hi)[band])
    left_to_edges = outer & ~inner
    assert left_to_edges.mean() < 0.05
    # And what the bands decide is right.
    truth = shapely.contains_xy(shapely.Polygon(shape.corners), xs, ys)
    assert truth[inner].all() and not truth[~outer].any()
