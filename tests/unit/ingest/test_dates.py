"""Table-driven tests of the date and time parsers (ingest.dates)."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

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
    ("16/10 2026 kl 22.40", None, dt.datetime(2026, 10, 16, 22, 40), True),
    ("fre 16 okt 2026 22:40", None, dt.datetime(2026, 10, 16, 22, 40), True),
    ("Fredag 2026-10-16 kl 22.40", None, dt.datetime(2026, 10, 16, 22, 40), True),
    ("Fri, 16/10/2026 22:40", None, dt.datetime(2026, 10, 16, 22, 40), True),
    ("lördagen 17.10.2026", None, D(2026, 10, 17), False),
    ("4/3 2025", None, D(2025, 3, 4), False),
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


SPAN_CELLS = [
    # date cell, time cell -> start, end of the span as a time of day (None: no span)
    ("2025-03-04", "22.00-06.00", D(2025, 3, 4, 22), dt.timedelta(hours=6)),
    ("2025-03-04", "kl 22-06", D(2025, 3, 4, 22), dt.timedelta(hours=6)),
    ("2025-03-04", "mellan 22.00 och 06.00", D(2025, 3, 4, 22), dt.timedelta(hours=6)),
    ("2025-03-04", "22:00–06:15", D(2025, 3, 4, 22), dt.timedelta(hours=6, minutes=15)),
    ("2025-03-04 22.00-06.00", None, D(2025, 3, 4, 22), dt.timedelta(hours=6)),
    ("2025-03-04", "22.15", D(2025, 3, 4, 22, 15), None),
    ("45720,9375", None, D(2025, 3, 4, 22, 30), None),
]


def test_a_span_in_the_time_cell_gives_its_end(date_path):
    from est_data.ingest.dates import prepare_datetimes

    con = duckdb.connect()
    con.execute("CREATE TABLE t (_row BIGINT, d VARCHAR, t VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                    [(i, d, t) for i, (d, t, *_) in enumerate(SPAN_CELLS)])
    q = prepare_datetimes(con, "t", "d", "t", None)
    got = con.execute(f"SELECT {q.ts}, {q.span_end} FROM t r{q.joins} ORDER BY r._row").fetchall()
    assert got == [(start, end) for _, _, start, end in SPAN_CELLS]
