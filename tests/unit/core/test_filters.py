"""The shared filter: SQL builder (table-driven), URL round trip, presets."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given, strategies as st

from est_data.core import filters as flt
from est_data.core.filters import IncidentFilter, where_clause

D0, D1 = dt.date(2025, 1, 1), dt.date(2025, 1, 31)
BASE = IncidentFilter(D0, D1)


@pytest.mark.parametrize("f, sql, params", [
    (BASE, "occurred_at >= ? AND occurred_at < ? AND duplicate_of IS NULL",
     [D0, dt.date(2025, 2, 1)]),
    (IncidentFilter(D0, D1, include_duplicates=True), "occurred_at >= ? AND occurred_at < ?",
     [D0, dt.date(2025, 2, 1)]),
    (IncidentFilter(D0, D1, categories=("klotter", "inbrott")),
     "occurred_at >= ? AND occurred_at < ? AND duplicate_of IS NULL AND category IN (?, ?)",
     [D0, dt.date(2025, 2, 1), "klotter", "inbrott"]),
    (IncidentFilter(D0, D1, sources=("polisen",), areas=("A",)),
     "occurred_at >= ? AND occurred_at < ? AND duplicate_of IS NULL AND source IN (?) "
     "AND (area_id IN (?) OR focus_area_id IN (?))",
     [D0, dt.date(2025, 2, 1), "polisen", "A", "A"]),
    (IncidentFilter(D0, D1, weekdays=(6, 7), hours=(22, 23)),
     "occurred_at >= ? AND occurred_at < ? AND duplicate_of IS NULL AND isodow(occurred_at) IN (?, ?) "
     "AND hour(occurred_at) IN (?, ?)",
     [D0, dt.date(2025, 2, 1), 6, 7, 22, 23]),
    (IncidentFilter(D0, D1, weekdays=tuple(range(1, 8)), hours=tuple(range(24))),
     "occurred_at >= ? AND occurred_at < ? AND duplicate_of IS NULL", [D0, dt.date(2025, 2, 1)]),
])
def test_where_clause(f, sql, params):
    assert where_clause(f) == (sql, params)


def test_alias_and_no_period():
    sql, params = where_clause(IncidentFilter(D0, D1, categories=("x",)), alias="i.", period=False)
    assert sql == "i.duplicate_of IS NULL AND i.category IN (?)" and params == ["x"]


def test_quotes_are_values_not_sql():
    con = duckdb.connect()
    con.execute("CREATE TABLE incidents AS SELECT TIMESTAMP '2025-01-05 22:00' occurred_at, "
                "NULL::TEXT duplicate_of, 'klotter' category, 's' source, 'A' area_id, NULL::TEXT focus_area_id")
    evil = "klotter'); DROP TABLE incidents; --"
    sql, params = where_clause(IncidentFilter(D0, D1, categories=(evil,)))
    assert con.execute(f"SELECT count(*) FROM incidents WHERE {sql}", params).fetchall()[0][0] == 0
    sql, params = where_clause(IncidentFilter(D0, D1, weekdays=(7,), hours=(22,)))
    assert con.execute(f"SELECT count(*) FROM incidents WHERE {sql}", params).fetchall()[0][0] == 1


def test_previous_period_has_equal_length():
    prev = BASE.previous()
    assert prev.days == BASE.days == 31
    assert prev.end == D0 - dt.timedelta(days=1)


def test_url_round_trip():
    f = IncidentFilter(D0, D1, categories=("klotter",), sources=("polisen", "kommun"),
                       areas=("2380C1170",), weekdays=(5, 6), hours=(20, 21, 22, 23),
                       include_duplicates=True)
    q = flt.to_query_params(f)
    assert q["tim"] == "20-23"
    p = flt.from_query_params(q)
    assert (p.start, p.end, p.categories, p.sources, p.areas, p.weekdays, p.hours,
            p.include_duplicates) == (D0, D1, ("klotter",), ("polisen", "kommun"), ("2380C1170",),
                                      (5, 6), (20, 21, 22, 23), True)
    assert flt.to_query_params(f, preset="30d")["period"] == "30d"


@pytest.mark.parametrize("params, field, expected", [
    ({"kat": "klotter,okänd"}, "categories", ("klotter",)),
    ({"dag": "0,1,8,x,7"}, "weekdays", (1, 7)),
    ({"tim": "22-30,3"}, "hours", (3,)),
    ({"tim": "20-23,3"}, "hours", (3, 20, 21, 22, 23)),
    ({"tim": "23-20"}, "hours", (20, 21, 22, 23)),
    ({"tim": "0-300000000"}, "hours", ()),
    ({"tim": "-5-3"}, "hours", ()),
    ({"dag": "1-99999999999999999999"}, "weekdays", ()),
    ({"fran": "2025-13-01"}, "start", None),
    ({"fran": "2025-02-01", "till": "2025-01-01"}, "start", dt.date(2025, 1, 1)),
    ({"period": "evig"}, "preset", None),
    ({"period": ["7d", "30d"]}, "preset", "30d"),
])
def test_junk_in_url_falls_back(params, field, expected):
    p = flt.from_query_params(params, categories={"klotter"}, presets={"7d", "30d"})
    assert getattr(p, field) == expected


@pytest.mark.parametrize("params, ignored", [
    ({"tim": "0-300000000"}, ["tim"]),
    ({"tim": "22-30,3"}, ["tim"]),
    ({"dag": "8"}, ["dag"]),
    ({"dag": "1,2", "tim": "3"}, []),
    ({"kat": "klotter,okänd"}, ["kat"]),
    ({"fran": "2025-13-01"}, ["fran"]),
])
def test_rejected_link_values_are_named(params, ignored):
    p = flt.from_query_params(params, categories={"klotter"}, presets={"7d"})
    assert [text.split("=")[0] for text in p.ignored] == ignored


def test_a_huge_range_in_the_link_costs_nothing():
    """A range is checked against its domain, never walked: ``tim=0-10**18`` answers at
    once (walking it would take years)."""
    import time
    t0 = time.perf_counter()
    for _ in range(100):
        p = flt.from_query_params({"tim": f"0-{10**18}", "dag": f"1-{10**18}"})
    assert (p.hours, p.weekdays) == ((), ())
    assert time.perf_counter() - t0 < 0.5


@pytest.mark.parametrize("start, end, lo, hi, expected, clamped", [
    (dt.date(2020, 1, 1), dt.date(2030, 1, 1), D0, D1, (D0, D1), True),
    (dt.date(2030, 1, 1), dt.date(2031, 1, 1), D0, D1, (D1, D1), True),
    (dt.date(1999, 1, 1), dt.date(1999, 2, 1), D0, D1, (D0, D0), True),
    (D0, D1, D0, D1, (D0, D1), False),
    (dt.date(1, 1, 1), D1, D0, D1, (D0, D1), True),
])
def test_clamp_period_to_the_data(start, end, lo, hi, expected, clamped):
    assert flt.clamp_period(start, end, lo, hi) == (*expected, clamped)


@given(st.dictionaries(st.sampled_from(["period", "fran", "till", "kat", "aktor", "omr", "dag", "tim", "dubbl", "x"]),
                       st.text(max_size=40)))
def test_url_parsing_never_raises(params):
    p = flt.from_query_params(params, categories={"klotter"}, sources=set(), areas=set(), presets={"7d"})
    assert all(1 <= d <= 7 for d in p.weekdays) and all(0 <= h <= 23 for h in p.hours)


@pytest.mark.parametrize("key, expected", [
    ("7d", (dt.date(2026, 11, 9), dt.date(2026, 11, 15))),
    ("30d", (dt.date(2026, 10, 17), dt.date(2026, 11, 15))),
    ("ar", (dt.date(2026, 1, 1), dt.date(2026, 11, 15))),
    ("mote", (dt.date(2026, 11, 13), dt.date(2026, 11, 15))),
    ("anpassad", None),
])
def test_presets(key, expected):
    assert flt.preset_period(key, dt.date(2026, 11, 15), dt.date(2026, 11, 12)) == expected


def test_since_meeting_needs_a_meeting():
    assert flt.preset_period("mote", dt.date(2026, 11, 15), None) is None


def test_url_keys_cover_every_parameter_the_filter_writes():
    """The sidebar rewrites exactly ``URL_KEYS`` and leaves a page's own parameters alone,
    so each key the filter can write must be listed there."""
    full = flt.IncidentFilter(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31),
                              categories=("klotter",), sources=("kommun",), areas=("2380C1170",),
                              weekdays=(6, 7), hours=(22, 23), include_duplicates=True,
                              shape=flt.DrawnShape("circle", (480000, 7000000, 300)), text="dörr")
    written = set(flt.to_query_params(full)) | set(flt.to_query_params(full, "30d"))
    assert written == set(flt.URL_KEYS)


# --- The drawn shape and the description search --------------------------------------

def _incident_table(con, rows):
    con.execute("CREATE TABLE incidents (occurred_at TIMESTAMP, duplicate_of TEXT, category "
                "TEXT, source TEXT, area_id TEXT, focus_area_id TEXT, x DOUBLE, y DOUBLE, "
                "description TEXT)")
    con.executemany("INSERT INTO incidents VALUES ('2025-01-05 22:00', NULL, 'klotter', 's', "
                    "'A', NULL, ?, ?, ?)", rows)


@pytest.mark.parametrize("text, expected", [
    ("trapphus", {"Klotter i trapphuset", "TRAPPHUS nedklottrat"}),
    ("TRAPPHUS", {"Klotter i trapphuset", "TRAPPHUS nedklottrat"}),
    ("100%", {"100% sönder"}),            # % is a character, not a wildcard
    ("a_b", {"a_b stängd"}),              # so is _
    ("'; DROP TABLE incidents; --", set()),
    ("  ", None),                          # blank: no condition at all
])
def test_text_search_is_a_bound_ilike(text, expected):
    con = duckdb.connect()
    descriptions = ["Klotter i trapphuset", "TRAPPHUS nedklottrat", "100% sönder", "1000 sönder",
                    "a_b stängd", "axb stängd", None]
    _incident_table(con, [(1.0, 1.0, d) for d in descriptions])
    sql, params = where_clause(IncidentFilter(D0, D1, text=text))
    assert "DROP" not in sql and text.strip() not in sql or not text.strip()
    found = {r[0] for r in con.execute(f"SELECT description FROM incidents WHERE {sql}", params).fetchall()}
    assert found == (expected if expected is not None else set(descriptions))


def test_shape_keeps_only_incidents_inside_and_never_those_without_a_place():
    con = duckdb.connect()
    _incident_table(con, [(480_100.0, 7_000_100.0, "in"), (480_900.0, 7_000_900.0, "out"),
                          (None, None, "no place")])
    circle = flt.DrawnShape("circle", (480_000, 7_000_000, 500))
    sql, params = where_clause(IncidentFilter(D0, D1, shape=circle), alias="")
    assert [r[0] for r in con.execute(f"SELECT description FROM incidents WHERE {sql}",
                                      params).fetchall()] == ["in"]


def test_shape_and_text_in_the_link():
    square = flt.DrawnShape("polygon", (1, 2, 101, 2, 101, 102, 1, 102))
    f = IncidentFilter(D0, D1, shape=square, text=" källare ")
    q = flt.to_query_params(f)
    assert q["yta"] == "p:1,2,101,2,101,102,1,102" and q["sok"] == "källare"
    p = flt.from_query_params(q)
    assert (p.shape, p.text, p.ignored) == (square, "källare", [])
    bad = flt.from_query_params({"yta": "p:1,2", "sok": "x" * 500})
    assert bad.shape is None and bad.ignored == ["yta=p:1,2"] and len(bad.text) == flt.MAX_TEXT
