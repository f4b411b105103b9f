"""The demo database: deterministic, honours the contract, and has the intended shape."""
from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import pytest

from est_data.demo import world as W
from est_data.demo.build import build_demo_file
from est_data.core.taxonomy import load_taxonomy


def digest(path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    h = hashlib.sha256()
    for table in ("incidents", "areas", "interventions", "meetings", "actors", "import_batches"):
        rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        h.update(repr(rows).encode())
    con.close()
    return h.hexdigest()


def test_same_seed_same_database(tmp_path):
    a, b, c = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "c.duckdb"
    build_demo_file(a, incidents=1500, seed=11)
    build_demo_file(b, incidents=1500, seed=11)
    build_demo_file(c, incidents=1500, seed=12)
    assert digest(a) == digest(b)
    assert digest(a) != digest(c)


def test_existing_file_needs_force(tmp_path):
    path = tmp_path / "a.duckdb"
    build_demo_file(path, incidents=100, seed=1)
    with pytest.raises(FileExistsError):
        build_demo_file(path, incidents=100, seed=1)
    assert build_demo_file(path, incidents=200, seed=1, force=True) == 200


def q(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_counts_and_contract(demo_con):
    assert q(demo_con, "SELECT count(*) FROM incidents")[0][0] == 4000
    assert q(demo_con, "SELECT count(DISTINCT incident_id) FROM incidents")[0][0] == 4000
    cats = {r[0] for r in q(demo_con, "SELECT DISTINCT category FROM incidents")}
    assert cats <= set(load_taxonomy())
    assert {r[0] for r in q(demo_con, "SELECT source FROM actors")} == {a[0] for a in W.ACTORS}
    # incident ids are source + ':' + source_ref
    assert q(demo_con, "SELECT count(*) FROM incidents WHERE incident_id <> source || ':' || source_ref")[0][0] == 0


def test_precision_rules(demo_con):
    rows = dict((r[0], r[1:]) for r in q(demo_con, """
        SELECT precision, count(*), count(x), count(lat), count(area_id), count(focus_area_id)
        FROM incidents GROUP BY 1"""))
    n, nx, nlat, narea, nfocus = rows["municipality"]
    assert n > 0 and nx == nlat == narea == nfocus == 0       # never a point, no area
    n, nx, nlat, narea, nfocus = rows["area"]
    assert n > 0 and nx == 0 and narea == n                    # an area, no point
    for p in ("point", "address"):
        n, nx, nlat, narea, _ = rows[p]
        assert nx == nlat == n and narea >= 0.98 * n
    assert q(demo_con, "SELECT count(*) FROM incidents WHERE precision = 'address' AND address IS NULL")[0][0] == 0


def test_points_lie_in_ostersund(demo_con):
    lo = q(demo_con, "SELECT min(lat), max(lat), min(lon), max(lon) FROM incidents")[0]
    assert 63.12 < lo[0] and lo[1] < 63.23 and 14.50 < lo[2] and lo[3] < 14.80


def test_duplicates_point_to_another_actors_report(demo_con):
    rows = q(demo_con, """
        SELECT d.source, o.source, abs(epoch(d.occurred_at) - epoch(o.occurred_at)) / 60,
               sqrt((d.x - o.x) ^ 2 + (d.y - o.y) ^ 2), d.category = o.category
        FROM incidents d JOIN incidents o ON d.duplicate_of = o.incident_id""")
    assert len(rows) > 50
    assert all(r[0] != r[1] and r[2] <= 30 and r[4] for r in rows)
    assert sum(r[3] <= 75 for r in rows) / len(rows) > 0.95


def test_rhythm(demo_con):
    # Disturbances peak on summer evenings and weekend nights; burglaries in the dark season.
    (summer, winter), = q(demo_con, """SELECT count(*) FILTER (WHERE month(occurred_at) IN (6, 7, 8)),
        count(*) FILTER (WHERE month(occurred_at) IN (12, 1, 2)) FROM incidents WHERE category = 'storning'""")
    assert summer > 1.3 * winter
    (dark, light), = q(demo_con, """SELECT count(*) FILTER (WHERE month(occurred_at) IN (11, 12, 1)),
        count(*) FILTER (WHERE month(occurred_at) IN (5, 6, 7)) FROM incidents WHERE category = 'inbrott'""")
    assert dark > 1.3 * light
    (evening, morning), = q(demo_con, """SELECT count(*) FILTER (WHERE hour(occurred_at) >= 20 OR hour(occurred_at) < 2),
        count(*) FILTER (WHERE hour(occurred_at) BETWEEN 6 AND 11) FROM incidents WHERE category = 'storning'""")
    assert evening > 3 * morning


def test_measures_have_a_real_effect_and_some_displacement(tmp_path):
    # A larger demo so that the effect stands out of the noise.
    path = tmp_path / "big.duckdb"
    build_demo_file(path, incidents=100_000, seed=5)
    con = duckdb.connect(str(path), read_only=True)
    eff = W.MEASURES_EFFECTIVE
    before = (eff.replace(year=eff.year - 1), eff)
    after = (eff, eff.replace(year=eff.year + 1))
    cats = list(W.TARGETED)

    def count(where, period):
        return q(con, f"SELECT count(*) FROM incidents WHERE duplicate_of IS NULL AND {where} "
                      "AND occurred_at >= ? AND occurred_at < ? AND category IN (SELECT unnest(?))",
                 [period[0], period[1], cats])[0][0]

    for focus_id, remaining in W.FOCUS_REMAINING.items():
        ratio = count(f"focus_area_id = '{focus_id}'", after) / count(f"focus_area_id = '{focus_id}'", before)
        assert ratio == pytest.approx(remaining, abs=0.1)
    rest = "area_id NOT IN ('2380C1220') AND focus_area_id IS NULL AND area_id IS NOT NULL"
    assert count(rest, after) / count(rest, before) == pytest.approx(1.0, abs=0.08)
    nb = "area_id = '2380C1220' AND focus_area_id IS NULL"
    assert count(nb, after) / count(nb, before) > 1.1
    # Measures and meetings exist where and when the story says.
    rows = q(con, "SELECT area_id, min(started_on), max(started_on) FROM interventions GROUP BY 1 ORDER BY 1")
    assert [r[0] for r in rows] == ["fokus_aragrand", "fokus_kyrkgatan"]
    assert all(dt.date(2025, 9, 1) <= r[1] <= r[2] <= dt.date(2025, 11, 30) for r in rows)
    assert q(con, "SELECT count(*) FROM meetings")[0][0] >= 20
    con.close()


def test_areas(demo_con):
    rows = q(demo_con, "SELECT kind, count(*), count(population), sum(is_focus::INT) FROM areas GROUP BY 1 ORDER BY 1")
    assert rows == [("custom", 2, 0, 2), ("deso", 22, 22, 0)]
    names = {r[0] for r in q(demo_con, "SELECT name FROM areas WHERE kind = 'custom'")}
    assert names == {"Kyrkgatan", "Arågränd"}
    # Kyrkgatan lies in the town centre, Arågränd in Fjällmon.
    got = dict(q(demo_con, """SELECT focus_area_id, mode(area_id) FROM incidents
                              WHERE focus_area_id IS NOT NULL GROUP BY 1"""))
    assert got["fokus_kyrkgatan"].startswith("2380C12") or got["fokus_kyrkgatan"] == "2380C1170"
    assert got["fokus_aragrand"] == "2380C1060"
