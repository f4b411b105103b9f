"""Översikt's figures as the page shows them: the meeting view's tiles and tables, and
the rows of the category and area tables. Pure functions over query results; the page
only draws them."""
from __future__ import annotations

import pandas as pd

from est_data.core import fmt, taxonomy
from est_data.maps.data import MapOptions

FOCUS_MARK = " ★"
MEETING_TILES = 5  # key figures across the projector


def meeting_tiles(b: dict, suppress_below: int = fmt.SUPPRESS_BELOW) -> list[dict]:
    """The meeting view's key figures from :func:`briefing.briefing`: all incidents, each
    focus area, the top categories (at most :data:`MEETING_TILES`).

    Each tile has ``label``, ``value`` (small counts as "<3"), ``delta`` (the change with
    the count before, or None when a small count would reveal it) and ``change``.
    """
    t = b["totals"]
    rows = [("Händelser", t["current"], t["previous"])]
    rows += [(f"{r['name']}{FOCUS_MARK}", r["current"], r["previous"]) for _, r in b["focus"].iterrows()]
    rows += [(r["label"], r["current"], r["previous"]) for _, r in b["categories"].iterrows()]
    tiles = []
    for label, now, before in rows[:MEETING_TILES]:
        hidden = fmt.hides_change(now, before, suppress_below=suppress_below)
        tiles.append({"label": label, "value": fmt.count(now, suppress_below),
                      "delta": None if hidden else f"{fmt.signed(now - before)} (före: {fmt.num(before)})",
                      "change": None if hidden else now - before})
    return tiles


def meeting_map_options(shows: str, suppress_below: int = fmt.SUPPRESS_BELOW) -> MapOptions:
    """The meeting map: density ("heat") or the areas coloured by their change."""
    if shows == "heat":
        return MapOptions(layers=("outlines", "heat", "focus", "measures", "labels"),
                          suppress_below=suppress_below)
    return MapOptions(layers=("areas", "focus", "measures", "labels"), area_measure="change",
                      suppress_below=suppress_below)


def increases_table(up: pd.DataFrame, suppress_below: int = fmt.SUPPRESS_BELOW) -> dict[str, list]:
    """The meeting view's "Störst ökning" columns, small counts as "<3" and their
    change hidden."""
    return {
        "Område": [n + (FOCUS_MARK if foc else "") for n, foc in zip(up["name"], up["is_focus"])],
        "Före": [fmt.count(v, suppress_below) for v in up["previous"]],
        "Nu": [fmt.count(v, suppress_below) for v in up["current"]],
        "Ökning": ["–" if fmt.hides_change(p, n, suppress_below=suppress_below) else fmt.signed(c)
                   for p, n, c in zip(up["previous"], up["current"], up["change"])],
    }


def category_rows(cats: pd.DataFrame) -> pd.DataFrame:
    """``queries.counts_with_change`` by category with the Swedish label first
    ("Kategori") instead of the code."""
    labels = taxonomy.labels()
    out = cats.drop(columns=["key"])
    out.insert(0, "Kategori", cats["key"].map(lambda c: labels.get(c, c)))
    return out


def area_rows(areas: pd.DataFrame) -> pd.DataFrame:
    """``queries.area_table`` rows with events in either period, named with ★ for a
    focus area, in the columns Översikt shows."""
    areas = areas[(areas["current"] > 0) | (areas["previous"] > 0)]
    named = areas["name"] + areas["is_focus"].map({True: FOCUS_MARK, False: ""})
    return areas.assign(Område=named)[["Område", "current", "previous", "change", "per_1000"]]


def meeting_labels(stored: pd.DataFrame) -> dict[str, str]:
    """Stored meetings as choices: id -> "2026-11-19 · Rubrik"."""
    return {r.meeting_id: f"{fmt.date(r.held_on)} · {r.title or ''}" for r in stored.itertuples()}
