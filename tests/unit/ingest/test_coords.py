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


# Östersund's Stortorget in the local zone of Jämtland's municipal maps.
STORTORGET = (63.17724, 14.63787)


@pytest.mark.parametrize("zone, crs", [("EPSG:3009", None),            # SWEREF 99 15 00
                                       ("EPSG:3012", None),            # SWEREF 99 14 15
                                       ("EPSG:3012", "EPSG:3012")])
def test_a_local_sweref_zone_is_placed_within_a_metre(zone, crs):
    from pyproj import Geod, Transformer

    east, north = Transformer.from_crs(4326, zone, always_xy=True).transform(
        STORTORGET[1], STORTORGET[0])
    assert 1.0e5 < east < 1.8e5          # below SWEREF 99 TM's eastings
    got = coords.locate([north, east], [east, north], crs=crs)   # also swapped
    assert list(got.status) == [coords.OK, coords.OK]
    assert list(got.crs) == [zone, zone] and list(got.swapped) == [False, True]
    for lat, lon in zip(got.lat, got.lon):
        assert Geod(ellps="GRS80").inv(lon, lat, STORTORGET[1], STORTORGET[0])[2] < 1.0


def test_a_local_zone_is_not_tried_when_another_system_is_forced():
    east, north = 131_500.0, 7_006_000.0
    assert list(coords.locate([north], [east], crs="sweref").status) == [coords.UNKNOWN_CRS]
