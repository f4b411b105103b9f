"""Duplicates across actors (ingest.dedupe) on constructed incident sets: points,
addresses as partners write them, date-only reports, and what must not link."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from est_data.ingest import dedupe
from est_data.store.db import connect

D = dt.datetime
X0, Y0 = 481_680.0, 7_005_600.0      # Kyrkgatan 12, Östersund (SWEREF 99 TM)
DAY = D(2025, 5, 10)


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "d.duckdb")
    yield c
    c.close()


def _insert(con, rows: list[dict]) -> None:
    """Incidents with defaults: a disturbance at 22:00, time known, no place."""
    for i, r in enumerate(rows):
        r = {"id": f"r{i}", "source": "bostad", "at": DAY.replace(hour=22), "category": "storning",
             "x": None, "y": None, "address": None, "time_known": True, "reported": None, **r}
        precision = "point" if r["x"] is not None else "address"
        con.execute("""INSERT INTO incidents (incident_id, source, occurred_at, reported_at,
                category, x, y, precision, address, time_known) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [r["id"], r["source"], r["at"], r["reported"] or r["at"], r["category"],
                     r["x"], r["y"], precision, r["address"], r["time_known"]])


def _dups(con) -> dict[str, str | None]:
    return dict(con.execute("SELECT incident_id, duplicate_of FROM incidents").fetchall())


T = DAY.replace(hour=22)
DATE_ONLY = {"at": DAY, "time_known": False, "reported": T + dt.timedelta(hours=1)}


@pytest.mark.parametrize("first,second,linked", [
    # The same building written as housing companies and night walkers write it.
    ({"address": "Kyrkgatan 12 A, Östersund"}, {"address": "Kyrkgatan 12"}, True),
    ({"address": "KYRKGATAN 12A"}, {"address": "Kyrkg. 12"}, True),
    ({"address": "Kyrkgatan 12, lgh 1103"}, {"address": "Kyrkgatan 12 (trapphus B)"}, True),
    # Other buildings, a street alone, other families, the same actor, too late.
    ({"address": "Kyrkgatan 12"}, {"address": "Kyrkgatan 14"}, False),
    ({"address": "Kyrkgatan"}, {"address": "Kyrkgatan 12"}, False),
    ({"address": "Kyrkgatan"}, {"address": "Kyrkgatan"}, False),
    ({"address": "Kyrkgatan 12", "category": "klotter"}, {"address": "Kyrkgatan 12"}, False),
    ({"address": "Kyrkgatan 12", "category": "klotter"},
     {"address": "Kyrkgatan 12", "category": "skadegorelse"}, True),      # one family
    ({"address": "Kyrkgatan 12"}, {"address": "Kyrkgatan 12", "source": "natt"}, False),
    ({"address": "Kyrkgatan 12"}, {"address": "Kyrkgatan 12", "at": T.replace(minute=50)}, False),
    # A date-only report matches the same day, not the next.
    ({"address": "Kyrkgatan 12", **DATE_ONLY}, {"address": "Kyrkgatan 12 A"}, True),
    ({"address": "Kyrkgatan 12", **DATE_ONLY},
     {"address": "Kyrkgatan 12", "at": D(2025, 5, 11, 0, 10)}, False),
    ({"address": "Kyrkgatan 12", **DATE_ONLY},
     {"address": "Kyrkgatan 12", **DATE_ONLY, "reported": T + dt.timedelta(hours=2)}, True),
    ({"address": "Kyrkgatan 12", **DATE_ONLY, "category": "inbrott"},
     {"address": "Kyrkgatan 12"}, False),
    ({"x": X0, "y": Y0, **DATE_ONLY}, {"x": X0 + 40, "y": Y0}, True),
    ({"x": X0, "y": Y0, **DATE_ONLY}, {"x": X0 + 200, "y": Y0}, False),
    # Points, and addresses the register placed (point and address).
    ({"x": X0, "y": Y0}, {"x": X0 + 40, "y": Y0 + 30}, True),
    ({"x": X0, "y": Y0, "address": "Kyrkgatan 12"}, {"x": X0 + 50, "y": Y0}, True),
    ({"x": X0, "y": Y0, "address": "Kyrkgatan 12"}, {"x": X0 + 40, "y": Y0,
                                                    "address": "Kyrkgatan 14"}, False),
    ({"x": X0, "y": Y0, "address": "Kyrkgatan 12"}, {"address": "KYRKGATAN 12 B"}, True),
    ({"x": X0, "y": Y0, "address": "Kyrkgatan 12 A"},
     {"x": X0 + 300, "y": Y0, "address": "Kyrkgatan 12"}, True),          # same building
])
def test_pair(con, first, second, linked):
    _insert(con, [{"id": "a", "source": "natt", **first},
                  {"id": "b", "reported": T + dt.timedelta(hours=3), **second}])
    dedupe.mark_duplicates(con)
    assert _dups(con) == {"a": None, "b": "a" if linked else None}


def test_an_import_of_a_date_only_report_finds_the_timed_one_later_that_day(con):
    # The import's own span is one midnight; the night walkers' report is at 22:10.
    _insert(con, [{"id": "natt", "source": "natt", "at": T.replace(minute=10),
                   "address": "Kyrkgatan 12"}])
    _insert(con, [{"id": "bostad", "address": "Kyrkgatan 12 A", **DATE_ONLY,
                   "reported": T + dt.timedelta(hours=5)}])
    assert dedupe.mark_duplicates(con, DAY, DAY) == 1
    assert _dups(con) == {"natt": None, "bostad": "natt"}


def _planted(n: int, seed: int) -> tuple[list[dict], set[tuple[str, str]]]:
    """``n`` events each reported by the housing company (an address as it writes it,
    a third with a date only, three in four placed by the register) and by the night
    walkers (the address, or a point near the building when the register placed the
    housing company's), plus near misses: the next house number, another family, another
    day, a street without number. Returns the rows and the planted (later, earlier)."""
    rng = np.random.default_rng(seed)
    forms = ["Kyrkgatan {n} A, Östersund", "KYRKGATAN {n}A", "Kyrkg. {n}",
             "Kyrkgatan {n}, lgh 1103", "Kyrkgatan {n} (trapphus B)"]
    rows, planted = [], set()
    for i in range(n):
        house = 2 * i + 2
        at = D(2025, 1, 1) + dt.timedelta(days=int(i), hours=int(rng.integers(8, 22)),
                                          minutes=int(rng.integers(0, 60)))
        x, y = X0 + 100 * i, Y0          # the register's point of Kyrkgatan <house>
        date_only = i % 3 == 0
        housing = {"id": f"h{i}", "source": "bostad", "address": forms[i % 5].format(n=house),
                   "at": at.replace(hour=0, minute=0) if date_only else at,
                   "time_known": not date_only, "reported": at + dt.timedelta(hours=2)}
        if i % 4:
            housing.update(x=x + 5, y=y + 5)                 # the register placed it
        walk = {"id": f"n{i}", "source": "natt", "at": at + dt.timedelta(minutes=12),
                "reported": at + dt.timedelta(minutes=13)}
        walk.update({"address": f"Kyrkgatan {house}"} if i % 4 < 2 else {"x": x + 30, "y": y + 20})
        rows += [housing, walk]
        planted.add((f"h{i}", f"n{i}"))
        near_miss = {"source": "polis", "at": at + dt.timedelta(minutes=5),
                     "reported": at + dt.timedelta(minutes=6)}
        rows += [{**near_miss, "id": f"m{i}a", "address": f"Kyrkgatan {house + 1}"},
                 {**near_miss, "id": f"m{i}b", "address": f"Kyrkgatan {house}",
                  "category": "inbrott"},
                 {**near_miss, "id": f"m{i}c", "address": f"Kyrkgatan {house}",
                  "at": at + dt.timedelta(days=1)},
                 {**near_miss, "id": f"m{i}d", "address": "Kyrkgatan"}]
    return rows, planted


def test_planted_pairs_are_found_and_nothing_else(con):
    rows, planted = _planted(120, 5)
    _insert(con, rows)
    dedupe.mark_duplicates(con)
    linked = {(k, v) for k, v in _dups(con).items() if v is not None}
    found, false = len(linked & planted), len(linked - planted)
    assert (found, false) == (len(planted), 0)


# Two partners' exports the import has no profile for: the housing company writes
# addresses its own way (a date only when the time is not known), the night walkers a
# plain address or a point; the register places the housing company's addresses.
HOUSING = ("Ärende;Händelsedatum;Klockslag;Felkategori;Adress\n"
           "H1;2025-05-10;22.05;Störning;Kyrkgatan 12 A, Östersund\n"
           "H2;2025-05-11;;Klotter;KYRKGATAN 14A\n"
           "H3;2025-05-12;21.40;Skadegörelse;Kyrkg. 16\n"
           "H4;2025-05-13;23.00;Störning;Kyrkgatan 12, lgh 1103\n"
           "H5;2025-05-14;;Störning;Kyrkgatan\n")
WALKERS = ("Datum;Tid;Händelse;Plats;Lat;Lon\n"
           "2025-05-10;22.20;Ordningsstörning;Kyrkgatan 12;;\n"          # H1: same building
           "2025-05-11;21.00;Klotter;;{lat};{lon}\n"                     # H2: at its point
           "2025-05-12;21.45;Klotter;Kyrkgatan 16 (trapphus B);;\n"      # H3: same building
           "2025-05-13;23.10;Störning;Kyrkgatan 14;;\n"                  # H4: next building
           "2025-05-14;20.00;Störning;Kyrkgatan 12;;\n")                 # H5: street only
REGISTER = ("Adress;N;E\nKyrkgatan 12 A;7005600;481680\nKyrkgatan 14 A;7005640;481690\n"
            "Kyrkgatan 16;7005680;481700\n")


def test_unseen_partner_exports_link_the_same_events(tmp_path, monkeypatch):
    from est_data.areas.geometry import to_wgs84
    from est_data.ingest import import_file, pipeline
    from ingest_util import NOW, areas_only_db, write

    monkeypatch.setattr(pipeline.config, "ADDRESSES_PATH",
                        write(tmp_path / "addresses.csv", REGISTER))
    lon, lat = to_wgs84([481_690.0 + 30], [7_005_640.0 + 20])
    con = connect(areas_only_db(tmp_path / "est.duckdb"))
    housing = import_file(con, write(tmp_path / "bostad.csv", HOUSING), "bostadsbolaget", now=NOW)
    assert housing.time_unknown == 2 and housing.location["address_in_register"] == 4
    walk = write(tmp_path / "natt.csv", WALKERS.format(lat=f"{lat[0]:.6f}", lon=f"{lon[0]:.6f}"))
    report = import_file(con, walk, "nattvandrare", now=NOW)
    pairs = con.execute("""SELECT d.source_ref, strftime(i.occurred_at, '%d') FROM incidents i
        JOIN incidents d ON d.incident_id = i.duplicate_of ORDER BY 1""").fetchall()
    assert pairs == [("H1", "10"), ("H2", "11"), ("H3", "12")]
    assert report.rows_duplicate == 3
    con.close()
