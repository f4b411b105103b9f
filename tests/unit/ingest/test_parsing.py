"""Table-driven tests of the value parsers: dates and times, coordinates, headers, masking."""
from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest

from est_data.ingest import coords, headers, masking
from est_data.ingest.dates import parse_datetimes

D = dt.datetime

DATE_CASES = [
    # date text, time text, expected, time known
    ("2025-03-04", "22.15", D(2025, 3, 4, 22, 15), True),
    ("2025-03-04", "kl 22.15", D(2025, 3, 4, 22, 15), True),
    ("2025-03-04", "Kl. 7.05", D(2025, 3, 4, 7, 5), True),
    ("2025-03-04", "klockan 07:05", D(2025, 3, 4, 7, 5), True),
    ("2025-03-04", "22:15:30", D(2025, 3, 4, 22, 15, 30), True),
    ("2025-03-04", "2215", D(2025, 3, 4, 22, 15), True),
    ("2025-03-04", "22", D(2025, 3, 4, 22, 0), True),
    ("2025-03-04", "0,5", D(2025, 3, 4, 12, 0), True),          # Excel time fraction
    ("2025-03-04", "", D(2025, 3, 4), False),
    ("2025-03-04", None, D(2025, 3, 4), False),
    ("4/3/2025", None, D(2025, 3, 4), False),                   # day before month
    ("04.03.2025", None, D(2025, 3, 4), False),
    ("4-3-2025", None, D(2025, 3, 4), False),
    ("4/3-2025", None, D(2025, 3, 4), False),
    ("2025/03/04", None, D(2025, 3, 4), False),
    ("20250304", None, D(2025, 3, 4), False),
    ("4 mars 2025", "kl 22.15", D(2025, 3, 4, 22, 15), True),
    ("3 dec. 2024", None, D(2024, 12, 3), False),
    ("45720", None, D(2025, 3, 4), False),                      # Excel serial day
    ("45720,9375", None, D(2025, 3, 4, 22, 30), True),          # serial with time
    ("2025-03-04 00:00:00", None, D(2025, 3, 4), False),        # Excel date cell
    ("2025-03-04 00:00:00", "22:15:00", D(2025, 3, 4, 22, 15), True),  # + Excel time cell
    ("2025-03-04 kl 22.15", None, D(2025, 3, 4, 22, 15), True),
    ("2025-03-04T22:15:00+01:00", None, D(2025, 3, 4, 22, 15), True),
    ("2025-03-04 22:15", None, D(2025, 3, 4, 22, 15), True),
    ("4 mars 2025 kl 22.15", None, D(2025, 3, 4, 22, 15), True),
]
BAD_CASES = [
    ("", "22.15", "missing"), (None, None, "missing"), ("x", None, "date"),
    ("2025-02-30", None, "date"), ("31/13/2025", None, "date"),
    ("20250304", "25.00", "time"), ("2025-03-04", "22.75", "time"),
    ("4 mars 2025 kl 26.15", None, "time"),
]


def _parse(pairs):
    con = duckdb.connect()
    con.execute("CREATE TABLE t (_row BIGINT, d VARCHAR, t VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                    [(i, d, t) for i, (d, t) in enumerate(pairs)])
    parse_datetimes(con, "t", "o", "d", "t", None)
    rows = con.execute("SELECT ts, time_known, problem FROM o ORDER BY _row").fetchall()
    con.close()
    return rows


@pytest.fixture(params=["distinct values", "date tokens"])
def date_path(request, monkeypatch):
    """Both ways of parsing: few distinct values, or many (a combined column)."""
    from est_data.ingest import dates

    if request.param == "date tokens":
        monkeypatch.setattr(dates, "DISTINCT_LIMIT", 0)
    return request.param


def test_date_and_time_forms(date_path):
    got = _parse([(d, t) for d, t, _, _ in DATE_CASES])
    for (d, t, expected, known), (ts, time_known, problem) in zip(DATE_CASES, got):
        assert (ts, time_known, problem) == (expected, known, None), (d, t)


def test_unreadable_dates_and_times_are_named_never_guessed(date_path):
    got = _parse([(d, t) for d, t, _ in BAD_CASES])
    for (d, t, problem), (ts, _, got_problem) in zip(BAD_CASES, got):
        assert ts is None and got_problem == problem, (d, t)


def test_profile_date_format_is_tried_first():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 0::BIGINT AS _row, '03/04/25' AS d")
    parse_datetimes(con, "t", "o", "d", None, None, ("%m/%d/%y",))
    assert con.execute("SELECT ts FROM o").fetchall() == [(D(2025, 3, 4),)]


# --- coordinates -------------------------------------------------------------------------

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


# --- headers -------------------------------------------------------------------------------

@pytest.mark.parametrize("columns,expected", [
    (["Datum", "Tid", "Kategori", "Adress"],
     {"date": "Datum", "time": "Tid", "category": "Kategori", "address": "Adress"}),
    (["Händelsedatum", "Klockslag", "Händelsetyp", "Plats", "Ärende-ID"],
     {"date": "Händelsedatum", "time": "Klockslag", "category": "Händelsetyp",
      "address": "Plats", "ref": "Ärende-ID"}),
    (["datum tid", "Brottsbenämning", "N", "E", "Händelsenummer"],
     {"datetime": "datum tid", "category": "Brottsbenämning", "north": "N", "east": "E",
      "ref": "Händelsenummer"}),
    (["date", "time", "type", "lat", "lng", "id", "description"],
     {"date": "date", "time": "time", "category": "type", "lat": "lat", "lon": "lng",
      "ref": "id", "description": "description"}),
    (["Brottsdatum", "Typ", "Latitud", "Longitud", "DeSO"],
     {"date": "Brottsdatum", "category": "Typ", "lat": "Latitud", "lon": "Longitud",
      "area": "DeSO"}),
    (["Tidpunkt", "Kategori", "X", "Y"],
     {"datetime": "Tidpunkt", "category": "Kategori", "north": "X", "east": "Y"}),
    (["Datum", "Tidpunkt", "Kategori"],                       # Tidpunkt next to Datum: the time
     {"date": "Datum", "time": "Tidpunkt", "category": "Kategori"}),
    (["Händelsedatum (lokal tid)", "Kategori", "Lat"],        # a lone coordinate is no place
     {"date": "Händelsedatum (lokal tid)", "category": "Kategori"}),
    (["Namn", "Värde"], {}),
])
def test_auto_map(columns, expected):
    assert headers.auto_map(columns) == expected


def test_missing_fields_are_named_in_swedish():
    assert headers.missing_fields({"date": "Datum"}) == ["Kategori"]
    assert headers.missing_fields({}) == ["Datum och tid eller Datum", "Kategori"]


# --- masking ---------------------------------------------------------------------------------

MASK_CASES = [
    ("Ring 070-123 45 67 efter 18", "Ring [telefon] efter 18", {"phone": 1}),
    ("tel +46 70 123 45 67", "tel [telefon]", {"phone": 1}),
    ("växeln 063-14 30 00", "växeln [telefon]", {"phone": 1}),
    ("pnr 19850312-1234", "pnr [personnummer]", {"personnummer": 1}),
    ("850312-1234 och 850372 1234", "[personnummer] och [personnummer]", {"personnummer": 2}),
    ("svar till anna.svensson@example.se tack", "svar till [e-post] tack", {"email": 1}),
    ("2025-03-04 kl 22.15 vid Storgatan 12", "2025-03-04 kl 22.15 vid Storgatan 12", {}),
    ("Ärende FR-2023-001001, lgh 1102", "Ärende FR-2023-001001, lgh 1102", {}),
    ("Org.nr 556677-8899", "Org.nr 556677-8899", {}),
    ("", "", {}),
]


@pytest.mark.parametrize("text,masked,counts", MASK_CASES)
def test_masking_python_and_sql_agree(text, masked, counts):
    got, got_counts = masking.mask_text(text)
    assert got == masked
    assert {k: v for k, v in got_counts.items() if v} == counts
    con = duckdb.connect()
    sql_masked = con.execute("SELECT " + masking.masked_sql("$1"), [text]).fetchall()[0][0]
    sql_counts = con.execute("SELECT " + ", ".join(masking.count_sql("$1").values()),
                             [text]).fetchall()[0]
    assert sql_masked == masked
    assert {k: v for k, v in zip(masking.PATTERNS, sql_counts) if v} == counts
