"""Översikt's figures as the page shows them: the meeting view's tiles and tables, and
the rows of the category and area tables. Pure functions over query results; the page
only draws them."""
from __future__ import annotations

import pandas as pd

from est_data.core import fmt, privacy, taxonomy
from est_data.incidents import published
from est_data.maps.data import MapOptions

FOCUS_MARK = " ★"
MEETING_TILES = 5  # key figures across the projector
WITHHELD_SV = ("Fördelningen visas inte: med så få händelser skulle de små talen gå att "
               "räkna ut ur summan.")


def meeting_tiles(b: dict, suppress_below: int = fmt.SUPPRESS_BELOW) -> list[dict]:
    """The meeting view's key figures from :func:`briefing.briefing`: all incidents, each
    focus area, the top categories (at most :data:`MEETING_TILES`).

    Each tile has ``label``, ``value`` (small counts as "<3", counts hidden to protect
    them as "dolt"), ``delta`` (the change with the count before, or None when a count
    is not shown) and ``change``.
    """
    t = b["totals"]
    rows = [("Händelser", t)]
    rows += [(f"{r['name']}{FOCUS_MARK}", r) for _, r in b["focus"].iterrows()]
    rows += [(r["label"], r) for _, r in b["categories"].iterrows()]
    tiles = []
    for label, r in rows[:MEETING_TILES]:
        now, before = r["current"], r["previous"]
        marks = privacy.mark_of(r, "current", suppress_below), privacy.mark_of(r, "previous", suppress_below)
        hidden = privacy.hides(*marks)
        tiles.append({"label": label, "value": privacy.text(now, marks[0]),
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
    """The meeting view's "Störst ökning" columns, counts as published and their change
    hidden beside a count that is not shown."""
    marks = [(privacy.mark_of(r, "previous", suppress_below), privacy.mark_of(r, "current", suppress_below))
             for _, r in up.iterrows()]
    return {
        "Område": [n + (FOCUS_MARK if foc else "") for n, foc in zip(up["name"], up["is_focus"])],
        "Före": [privacy.text(v, m[0]) for v, m in zip(up["previous"], marks)],
        "Nu": [privacy.text(v, m[1]) for v, m in zip(up["current"], marks)],
        "Ökning": ["–" if privacy.hides(*m) else fmt.signed(c) for m, c in zip(marks, up["change"])],
    }


COUNTS = ("current", "previous")
DERIVED = {"change": (fmt.signed, COUNTS), "change_pct": (fmt.pct, COUNTS),
           "per_1000": (lambda v: fmt.num(v, 1), ("current",))}


def category_rows(cats: pd.DataFrame, limit: int = 0) -> pd.DataFrame | None:
    """``queries.counts_with_change`` by category with the Swedish label first
    ("Kategori") instead of the code. With a ``limit`` (the meeting role) the counts
    are texts as published, the hidden ones after the shown ones by name; None when the
    breakdown is withheld."""
    labels = taxonomy.labels()
    out = cats.drop(columns=["key"])
    out.insert(0, "Kategori", cats["key"].map(lambda c: labels.get(c, c)))
    if not limit or "current" not in cats:
        return out
    marked = published.category_marks(cats, limit)
    if any(published.withheld(marked[f"{c}_mark"]) for c in COUNTS):
        return None
    out = pd.concat([out, marked[[f"{c}_mark" for c in COUNTS]]], axis=1)
    out = published.in_published_order(out, "Kategori").reset_index(drop=True)
    return published.as_texts(out, COUNTS, {k: v for k, v in DERIVED.items() if k in out})


def area_rows(areas: pd.DataFrame, marks: pd.DataFrame | None = None,
              limit: int = 0) -> pd.DataFrame | None:
    """``queries.area_table`` rows with events in either period, named with ★ for a
    focus area, in the columns Översikt shows. With a ``limit`` (the meeting role) and
    the areas' ``marks`` (``published.area_marks``) the counts are texts as published,
    the hidden ones after the shown ones by name; None when the breakdown of the
    statistical areas is withheld."""
    areas = areas[(areas["current"] > 0) | (areas["previous"] > 0)]
    named = areas["name"] + areas["is_focus"].map({True: FOCUS_MARK, False: ""})
    columns = ["Område", "current", "previous", "change", "per_1000"]
    rows = areas.assign(Område=named)
    if not limit or marks is None:
        return rows[columns]
    if any(published.withheld(marks[f"{c}_mark"]) for c in COUNTS):
        return None
    rows = published.with_marks(rows, marks)
    rows = published.in_published_order(rows, "Område", first="is_focus").reset_index(drop=True)
    return published.as_texts(rows[columns + [f"{c}_mark" for c in COUNTS]], COUNTS,
                              {k: v for k, v in DERIVED.items() if k in columns})


def meeting_labels(stored: pd.DataFrame) -> dict[str, str]:
    """Stored meetings as choices: id -> "2026-11-19 · Rubrik"."""
    return {r.meeting_id: f"{fmt.date(r.held_on)} · {r.title or ''}" for r in stored.itertuples()}
