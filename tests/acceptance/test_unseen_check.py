"""The acceptance checker itself: it passes a right row and names each kind of wrong."""
from __future__ import annotations

import datetime as dt

import pytest

from unseen_check import check_row, distance_m

ROW = {"line": 7, "key": {"source_ref": "A-1"}, "category": "inbrott",
       "raw_category": "Inbrott källare", "occurred_at": "2026-10-12 22:00",
       "occurred_to": "2026-10-13 06:00", "precision": "point", "lat": 63.17, "lon": 14.63,
       "area_id": "2380C1200", "focus_area_id": None}
RIGHT = {"source_ref": "A-1", "category": "inbrott", "raw_category": "inbrott  KÄLLARE",
         "occurred_at": dt.datetime(2026, 10, 12, 22, 0, 40), "time_known": True,
         "occurred_to": dt.datetime(2026, 10, 13, 6, 0), "precision": "point",
         "lat": 63.17001, "lon": 14.63, "area_id": "2380C1200", "focus_area_id": None}
NORTH_3M = 63.17 + 3 / 111_200


@pytest.mark.parametrize("change, expected", [
    ({}, []),
    ({"category": "ovrigt"}, ["category expected inbrott, got ovrigt"]),
    ({"raw_category": "0857"}, ["raw_category expected 'Inbrott källare', got '0857'"]),
    ({"occurred_at": dt.datetime(2026, 10, 12)},
     ["occurred_at expected 2026-10-12 22:00, got 2026-10-12 00:00"]),
    ({"occurred_to": None}, ["occurred_to expected 2026-10-13 06:00, got None"]),
    ({"occurred_to": "gone"}, ["but incidents has no occurred_to column"]),
    ({"lat": NORTH_3M}, ["3.0 m off"]),
    ({"lat": None, "lon": None, "precision": "municipality"},
     ["precision expected point, got municipality", "got none"]),
    ({"area_id": None}, ["area_id expected 2380C1200, got None"]),
    ({"source_ref": "other"}, ["found 0"]),
])
def test_check_row_names_what_is_wrong(change, expected):
    got = {**RIGHT, **change}
    if change.get("occurred_to") == "gone":
        del got["occurred_to"]
    problems = check_row("f.csv", ROW, [got], tolerance=2.0).problems
    assert len(problems) == len(expected), problems
    for text, want in zip(problems, expected):
        assert text.startswith("f.csv line 7 (A-1): ") and want in text


def test_distance_is_in_metres():
    assert distance_m(63.17, 14.63, NORTH_3M, 14.63) == pytest.approx(3.0, abs=0.05)
