"""A tiny hand-built database for tests whose expected numbers are counted by hand."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from est_data.store.db import open_db

SQUARE = "POLYGON((14.60 63.17, 14.61 63.17, 14.61 63.18, 14.60 63.18, 14.60 63.17))"
# area_id, name, kind, population, is_focus
AREAS = [
    ("A1", "Alfa", "deso", 1000, False),
    ("A2", "Beta", "deso", 500, False),
    ("F1", "Fokus", "custom", None, True),
]
ACTORS = [("hem", "Bostadsbolaget", "#1b9e77"), ("pol", "Polisen", "#1f4e9c")]


def incident(n: int, when: str | dt.datetime, category: str = "klotter", area: str | None = "A1",
             focus: str | None = None, source: str = "hem", description: str | None = None,
             duplicate_of: str | None = None, precision: str | None = None,
             lat: float | None = 63.175, lon: float | None = 14.605) -> dict:
    """One incident row; ``when`` as ``"2026-03-02 10:00"``."""
    when = dt.datetime.fromisoformat(when) if isinstance(when, str) else when
    return {
        "incident_id": f"{source}:{n}", "source": source, "source_ref": str(n),
        "occurred_at": when, "reported_at": when, "category": category,
        "raw_category": category, "lat": lat if area else None, "lon": lon if area else None,
        "x": 1.0 if area else None, "y": 1.0 if area else None,
        "precision": precision or ("point" if area else "municipality"),
        "address": "Storgatan 1" if area else None, "area_id": area, "focus_area_id": focus,
        "description": description or f"Händelse {n}", "batch_id": "b1",
        "duplicate_of": duplicate_of,
    }


def make_db(path: Path, incidents: list[dict], interventions: list[tuple] = ()) -> Path:
    """Write the areas, actors, the given incidents and interventions
    ``(id, area_id, title, started_on)`` to a new database file."""
    with open_db(path) as con:
        con.executemany(
            "INSERT INTO areas (area_id, name, kind, population, is_focus, geometry) "
            "VALUES (?, ?, ?, ?, ?, ?)", [(*a, SQUARE) for a in AREAS])
        con.executemany("INSERT INTO actors (source, name, color) VALUES (?, ?, ?)", ACTORS)
        if incidents:
            cols = list(incidents[0])
            con.executemany(
                f"INSERT INTO incidents ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [[r[c] for c in cols] for r in incidents])
        if interventions:
            con.executemany(
                "INSERT INTO interventions (intervention_id, area_id, kind, title, started_on, actor) "
                "VALUES (?, ?, 'belysning', ?, ?, 'Kommunen')", list(interventions))
    return path
