"""Where a report happened: a map click, a typed address, or an area only.

The stored ``precision`` follows how the place was given (README §2): a click is a
``point``; an address is ``address`` (with the address register's point, else the point
of reports stored earlier at the same building, else no point); an area alone is
``area``. A point outside the municipality (:mod:`est_data.ingest.extent`) is refused.
Address suggestions come from the addresses and streets already stored in ``incidents``.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from est_data.areas.geometry import assign_incident_areas, load_areas, to_sweref, to_wgs84
from est_data.core import config
from est_data.ingest import coords, extent
from est_data.ingest.addresses import address_key_sql, building_key_sql, load_register
from est_data.reporting.model import Report, ReportError
from est_data.store.sqlutil import fetch_row

MAX_SUGGESTIONS = 3000


@dataclass(frozen=True)
class Placed:
    """The place columns of an incident."""

    precision: str
    lat: float | None = None
    lon: float | None = None
    x: float | None = None
    y: float | None = None
    address: str | None = None
    area_id: str | None = None
    focus_area_id: str | None = None


def _in_box(lat: float, lon: float) -> bool:
    lon_min, lat_min, lon_max, lat_max = config.MUNICIPALITY_BBOX
    return lon_min <= lon <= lon_max and lat_min <= lat <= lat_max


def _at_point(con: duckdb.DuckDBPyConnection, lat: float, lon: float, precision: str,
              address: str | None = None, check_outside: bool = True) -> Placed:
    areas = load_areas(con)
    x, y = (np.atleast_1d(v) for v in to_sweref([lon], [lat]))
    area_id = focus_id = np.array([None], dtype=object)
    if not areas.empty:
        area_id, focus_id = assign_incident_areas(x, y, areas)
    status = np.array([coords.OK if _in_box(lat, lon) else coords.OUTSIDE])
    if check_outside and extent.outside(x, y, status, area_id, areas)[0]:
        raise ReportError([extent.reason_sv(areas) + ". Välj platsen i kommunen."])
    return Placed(precision, float(lat), float(lon), float(x[0]), float(y[0]), address,
                  area_id[0], focus_id[0])


def _area_only(con: duckdb.DuckDBPyConnection, area_id: str | None, precision: str,
               address: str | None = None) -> Placed:
    """A place known by its area: a focus (custom) area goes to ``focus_area_id``."""
    if area_id is None:
        return Placed(precision, address=address)
    row = fetch_row(con, "SELECT kind FROM areas WHERE area_id = ?", [area_id])
    if row is not None and row[0] == "custom":
        return Placed(precision, address=address, focus_area_id=area_id)
    return Placed(precision, address=address, area_id=area_id)


def address_point(con: duckdb.DuckDBPyConnection, address: str) -> tuple[float, float] | None:
    """``(lat, lon)`` of an address: the register's entrance or building, else the median
    point of the reports stored at the same building; None when neither knows it."""
    keys = fetch_row(con, f"SELECT {address_key_sql('a')}, {building_key_sql('a')} "
                          "FROM (SELECT ?::VARCHAR AS a)", [address])
    key, building = keys if keys else (None, None)
    register = load_register(config.ADDRESSES_PATH)
    if len(register) and key is not None:
        hit = register[register["key"] == key]
        if hit.empty and building is not None:
            hit = register[register["building"] == building]
        if not hit.empty:
            return float(hit.iloc[0]["lat"]), float(hit.iloc[0]["lon"])
    if building is None:
        return None
    row = fetch_row(con, f"""
        WITH d AS (SELECT DISTINCT address FROM incidents WHERE address IS NOT NULL),
        same AS (SELECT address FROM d WHERE {building_key_sql('address')} = ?)
        SELECT median(x), median(y) FROM incidents
        WHERE address IN (SELECT address FROM same) AND x IS NOT NULL""", [building])
    if row is None or row[0] is None:
        return None
    lon, lat = to_wgs84([row[0]], [row[1]])
    return float(np.atleast_1d(lat)[0]), float(np.atleast_1d(lon)[0])


def place_report(con: duckdb.DuckDBPyConnection, report: Report) -> Placed:
    """The place columns of a validated report; :class:`ReportError` outside the
    municipality."""
    if report.place_kind == "point":
        return _at_point(con, report.lat, report.lon, "point")
    if report.place_kind == "address":
        point = address_point(con, report.address)
        if point is not None:
            placed = _at_point(con, point[0], point[1], "address", report.address,
                               check_outside=False)
            if placed.area_id is None and placed.focus_area_id is None and report.area_id:
                return _area_only(con, report.area_id, "address", report.address)
            return placed
        return _area_only(con, report.area_id, "address", report.address)
    return _area_only(con, report.area_id, "area")


def address_suggestions(con: duckdb.DuckDBPyConnection,
                        limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Stored addresses, most reported first, then the streets they lie on (for an
    address typed with suggestions)."""
    rows = con.execute("""
        WITH a AS (SELECT trim(address) AS address, count(*) AS n FROM incidents
                   WHERE address IS NOT NULL AND trim(address) <> '' GROUP BY 1),
        s AS (SELECT trim(regexp_extract(address, '^([^0-9,]+)', 1)) AS address, sum(n) AS n
              FROM a GROUP BY 1)
        SELECT address FROM (SELECT address, n, 0 AS k FROM a
                             UNION ALL SELECT address, n, 1 FROM s WHERE address <> '')
        GROUP BY address ORDER BY min(k), max(n) DESC, address LIMIT ?""",
                       [int(limit)]).fetchall()
    return [r[0] for r in rows]
