"""Table-driven tests of coordinate recognition (ingest.coords): WGS84, SWEREF 99 TM, RT 90."""
from __future__ import annotations

import duckdb
import numpy as np
import pytest

from est_data.ingest import coords


LAT, LON = 63.1792, 14.6361
X, Y = 481_680.7, 7_005_607.3   # SWEREF 99 TM of the same place


@pytest.mark.parametrize("a,b,crs,status,swapped", [
    (LAT, LON, None, coords.OK, False),                    # WGS84
    (LON, LAT, None, coords.OK, True),                     # swapped lat/lon
    (Y, X, None, coords.OK, False),                        # SWEREF N/E
    (X, Y, None, coords.OK, True),                         # SWEREF E/N (GIS X/Y)
    (7_008_267.5, 1_441_133.7, None, coords.OK, False),    # RT 90 2.5 gon V
    (0.0, 0.0, None, coords.ZERO, False),
    (LAT, 0.0, None, coords.ZERO, False),
    (np.nan, np.nan, None, coords.MISSING, False),
    (LAT, np.nan, None, coords.MISSING, False),
    (62.3908, 17.3069, None, coords.OUTSIDE, False),        # Sundsvall
    (59.3293, 18.0686, None, coords.OUTSIDE, False),        # Stockholm
    (123456.0, 654321.0, None, coords.UNKNOWN_CRS, False),
    (Y, X, "wgs84", coords.UNKNOWN_CRS, False),            # the profile says degrees
])
def test_locate(a, b, crs, status, swapped):
    loc = coords.locate([a], [b], crs=crs)
    assert loc.status[0] == status
    assert bool(loc.swapped[0]) == swapped
    if status == coords.OK:  # every system gives the same place, Stortorget
        assert abs(loc.lat[0] - LAT) < 1e-5 and abs(loc.lon[0] - LON) < 1e-5
        assert abs(loc.x[0] - X) < 0.2 and abs(loc.y[0] - Y) < 0.2
    else:
        assert np.isnan(loc.x[0]) and np.isnan(loc.lat[0])


def test_wgs84_and_sweref_give_the_same_place():
    loc = coords.locate([LAT, 0], [LON, 0])
    back = coords.locate([loc.y[0]], [loc.x[0]])
    assert abs(back.lat[0] - LAT) < 1e-5 and abs(back.lon[0] - LON) < 1e-5


@pytest.mark.parametrize("text,value", [
    ("63,1792", 63.1792), ("63.1792", 63.1792), (" 7 006 123,5 ", 7006123.5),
    ("7\u00a0006\u00a0123", 7006123.0), ("", None), ("abc", None), (None, None)])
def test_number_sql(text, value):
    got = duckdb.connect().execute("SELECT " + coords.number_sql("$1"), [text]).fetchall()[0][0]
    assert got == value
