"""Coordinates as actors write them: WGS84 degrees or SWEREF 99 TM metres, in any order.

The coordinate system is recognised by the values, row by row, not by the header:

- degrees: both values within ±180 and one within ±90. In Sweden the latitude (55–69)
  is always larger than the longitude (10–25), so a swapped pair is recognised and
  put right (and counted);
- SWEREF 99 TM (EPSG:3006): northing 6.1–7.7 million, easting 0.2–1.0 million metres,
  again in either order (``X``/``Y`` mean north/east to a surveyor, east/north to a GIS);
- RT 90 2.5 gon V (EPSG:3021), still found in older municipal systems: northing
  6.1–7.7 million, easting 1.2–1.9 million;
- the local SWEREF 99 zones (EPSG:3007–3018, e.g. "SWEREF 99 15 00") of municipal
  maps: eastings around 150 000; the zone that places most of the file's pairs in the
  municipality is taken (a profile can name the zone).

``(0, 0)``, a single zero, or a place outside the municipality's box gives no location
(the row is kept, the reason counted; the import asks :mod:`est_data.ingest.extent`
about places outside and rejects those rows). Everything is numpy over whole columns.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Transformer

from est_data.core.config import CRS_SWEREF99TM, CRS_WGS84, MUNICIPALITY_BBOX
from est_data.ingest.dates import quote_ident

CRS_RT90 = 3021
_TO_SWEREF = Transformer.from_crs(CRS_WGS84, CRS_SWEREF99TM, always_xy=True)
_RT90_TO_SWEREF = Transformer.from_crs(CRS_RT90, CRS_SWEREF99TM, always_xy=True)
_TO_WGS84 = Transformer.from_crs(CRS_SWEREF99TM, CRS_WGS84, always_xy=True)

# Status codes per row.
OK, MISSING, ZERO, OUTSIDE, UNKNOWN_CRS = 0, 1, 2, 3, 4
STATUS_SV = {ZERO: "Koordinaten är noll", OUTSIDE: "Platsen ligger utanför kommunen",
             UNKNOWN_CRS: "Koordinaten går inte att tolka (okänt koordinatsystem)"}
# What a profile may force: "auto" recognises by value range.
CRS_CHOICES = {"auto": None, "EPSG:4326": "wgs84", "WGS84": "wgs84",
               "EPSG:3006": "sweref", "SWEREF99TM": "sweref", "SWEREF 99 TM": "sweref",
               "EPSG:3021": "rt90", "RT90": "rt90",
               **{f"EPSG:{code}": f"EPSG:{code}" for code in range(3007, 3019)}}


@dataclass
class Located:
    """Result per row: SWEREF 99 TM ``x``/``y``, WGS84 ``lat``/``lon`` (NaN when no
    location), a status code, and whether the pair was swapped."""

    x: np.ndarray
    y: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    status: np.ndarray
    swapped: np.ndarray
    crs: np.ndarray  # "wgs84", "sweref", "rt90" or "" per row

    def counts(self) -> dict[str, int]:
        return {"zero": int((self.status == ZERO).sum()),
                "outside": int((self.status == OUTSIDE).sum()),
                "unknown_crs": int((self.status == UNKNOWN_CRS).sum()),
                "swapped": int(self.swapped.sum())}


def number_sql(expr: str) -> str:
    """SQL: text with a decimal comma or spaces as thousands separators → DOUBLE."""
    text = f"trim(CAST({expr} AS VARCHAR))"
    # The cheap form first; only values it cannot read pay for the thorough cleanup.
    return (f"coalesce(TRY_CAST(replace({text}, ',', '.') AS DOUBLE), "
            f"TRY_CAST(regexp_replace(replace({text}, ',', '.'), '[\\s\u00a0\u202f]', '', 'g')"
            f" AS DOUBLE))")


# The local projections of SWEREF 99 (EPSG:3007-3018, e.g. "SWEREF 99 15 00", EPSG:3009)
# that municipal maps are drawn in: the same northings as SWEREF 99 TM, eastings around
# 150 000. Tried only for pairs that no other system places in the municipality.
LOCAL_ZONES = {f"EPSG:{code}": Transformer.from_crs(code, CRS_SWEREF99TM, always_xy=True)
               for code in range(3007, 3019)}


def _local_zone(north, east, candidates, bbox, zone: str | None = None):
    """``(found, x, y, lat, lon, names)``: the candidate pairs placed inside ``bbox`` by
    the one local SWEREF 99 zone (``zone``, else the zone that places most of them
    there: neighbouring zones lie only ~75 km apart, so a single pair may fit two; a
    file's pairs share one zone; ties go to the zone whose places lie nearest the
    municipality's centre), in SWEREF 99 TM and WGS84, with the zone's name."""
    found = np.zeros(len(north), dtype=bool)
    best = None
    centre = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    for name, to_tm in LOCAL_ZONES.items():
        if not candidates.any() or (zone is not None and name != zone):
            continue
        x, y = to_tm.transform(east[candidates], north[candidates])
        lon, lat = _TO_WGS84.transform(x, y)
        ok = (lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])
        if not ok.any():
            continue
        rank = (int(ok.sum()), -float(np.hypot(lon[ok] - centre[0], lat[ok] - centre[1]).mean()))
        if best is None or rank > best[0]:
            best = (rank, name, ok, x, y, lat, lon)
    if best is None:
        return found, *(np.empty(0) for _ in range(4)), np.empty(0, dtype=object)
    _rank, name, ok, *values = best
    found[np.flatnonzero(candidates)[ok]] = True
    return (found, *(v[ok] for v in values), np.full(int(ok.sum()), name, dtype=object))


# Both coordinates in one cell, as a phone's map app copies them: "63.1767, 14.6361",
# "63.1767;14.6361", "63,1767 14,6361" (decimal commas need a space or ; between).
POINT_RE = (r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$"
            r"|^\s*(-?\d+(?:,\d+)?)\s*[;\s]\s*(-?\d+(?:,\d+)?)\s*$")


def point_part_sql(text: str, k: int) -> str:
    """SQL: the ``k``-th (1 or 2) number of a coordinate pair written in one value
    (:data:`POINT_RE`), as DOUBLE, or NULL."""
    parts = [f"nullif(regexp_extract({text}, '{POINT_RE}', {i}), '')" for i in (k, k + 2)]
    return number_sql(f"coalesce({parts[0]}, {parts[1]})")


def coordinate_sql(mapping: dict[str, str], alias: str) -> tuple[str, str]:
    """SQL for the two numbers of a place (``coord_a``, ``coord_b``) from the mapped
    columns: a lat/lon pair, a north/east pair (the first filled one when a file has
    both), else a ``point`` column holding both."""
    def col(field):
        return f"{alias}.{quote_ident(mapping[field])}"

    a = b = "CAST(NULL AS DOUBLE)"
    for north, east in (("north", "east"), ("lat", "lon")):
        if north in mapping and east in mapping:
            a = f"coalesce({number_sql(col(north))}, {a})"
            b = f"coalesce({number_sql(col(east))}, {b})"
    if "point" in mapping:
        text = f"trim(CAST({col('point')} AS VARCHAR))"
        a = f"coalesce({a}, {point_part_sql(text, 1)})"
        b = f"coalesce({b}, {point_part_sql(text, 2)})"
    return a, b


def locate(a, b, crs: str | None = None,
           bbox: tuple[float, float, float, float] = MUNICIPALITY_BBOX,
           keep_outside: bool = False) -> Located:
    """Recognise and convert coordinate pairs.

    ``a`` is the column the file calls latitude/north/X, ``b`` longitude/east/Y (their
    order only decides whether a pair counts as swapped). ``crs`` ("wgs84", "sweref",
    "rt90", a local zone "EPSG:3009") forces the system; None recognises it by value. With
    ``keep_outside`` a place outside ``bbox`` keeps its coordinates (status ``OUTSIDE``).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = len(a)
    hi, lo = np.fmax(a, b), np.fmin(a, b)
    present = np.isfinite(a) & np.isfinite(b)
    zero = present & ((a == 0) | (b == 0))
    usable = present & ~zero
    degrees = usable & (np.abs(hi) <= 90) & (np.abs(lo) <= 180)
    metric = usable & (hi >= 6.1e6) & (hi <= 7.7e6)
    sweref = metric & (lo >= 1.8e5) & (lo <= 1.0e6)
    rt90 = metric & (lo >= 1.2e6) & (lo <= 1.9e6)
    for kind_, mask in (("wgs84", degrees), ("sweref", sweref), ("rt90", rt90)):
        if crs is not None and crs != kind_:
            mask[:] = False      # a forced system: the others do not apply
    # In Sweden north > east in every system here: the larger value is the north one.
    swapped = (degrees | sweref | rt90) & (a < b)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    if degrees.any():
        x[degrees], y[degrees] = _TO_SWEREF.transform(lo[degrees], hi[degrees])
    x[sweref], y[sweref] = lo[sweref], hi[sweref]
    if rt90.any():
        x[rt90], y[rt90] = _RT90_TO_SWEREF.transform(lo[rt90], hi[rt90])
    known = degrees | sweref | rt90
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    lat[degrees], lon[degrees] = hi[degrees], lo[degrees]
    metric_known = sweref | rt90
    if metric_known.any():
        lon[metric_known], lat[metric_known] = _TO_WGS84.transform(x[metric_known],
                                                                   y[metric_known])
    inside = known & (lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])
    local = _local_zone(hi, lo, metric & ~inside & (crs is None or crs.startswith("EPSG:30")),
                        bbox, crs)
    for arr, values in zip((x, y, lat, lon), local[1:5]):
        arr[local[0]] = values
    known, inside, swapped = known | local[0], inside | local[0], swapped | (local[0] & (a < b))
    status = np.full(n, MISSING, dtype=np.int8)
    status[zero] = ZERO
    status[usable & ~known] = UNKNOWN_CRS
    status[known & ~inside] = OUTSIDE
    status[inside] = OK
    drop = (status != OK) & ~(keep_outside & (status == OUTSIDE))
    for arr in (x, y, lat, lon):
        arr[drop] = np.nan
    kind = np.full(n, "", dtype=object)
    kind[degrees] = "wgs84"
    kind[sweref] = "sweref"
    kind[rt90] = "rt90"
    kind[local[0]] = local[5]
    return Located(x=np.round(x, 1), y=np.round(y, 1), lat=np.round(lat, 6),
                   lon=np.round(lon, 6), status=status, swapped=swapped & inside, crs=kind)
