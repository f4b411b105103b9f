"""Översikt's figures as shown (est_data.overview.display): small counts hidden, labels."""
from __future__ import annotations

import pandas as pd

from est_data.overview import display


def briefing_of(total, before, focus=(), cats=()) -> dict:
    return {"totals": {"current": total, "previous": before},
            "focus": pd.DataFrame(focus, columns=["name", "current", "previous"]),
            "categories": pd.DataFrame(cats, columns=["label", "current", "previous"])}


def test_meeting_tiles_hide_small_counts_and_their_change():
    b = briefing_of(40, 30, focus=[("Kyrkgatan", 2, 5)], cats=[("Klotter", 12, 12)])
    tiles = display.meeting_tiles(b)
    assert [t["label"] for t in tiles] == ["Händelser", "Kyrkgatan ★", "Klotter"]
    assert tiles[0]["value"] == "40" and tiles[0]["change"] == 10 and "före: 30" in tiles[0]["delta"]
    assert tiles[1]["value"] == "<3" and tiles[1]["delta"] is None and tiles[1]["change"] is None
    assert tiles[2]["change"] == 0


def test_meeting_tiles_are_at_most_five():
    b = briefing_of(40, 30, cats=[(f"K{i}", 10, 10) for i in range(8)])
    assert len(display.meeting_tiles(b)) == display.MEETING_TILES


def test_increases_table_hides_a_change_that_reveals_a_small_count():
    up = pd.DataFrame({"name": ["A", "B"], "is_focus": [True, False], "previous": [1, 10],
                       "current": [9, 14], "change": [8, 4]})
    t = display.increases_table(up)
    assert t == {"Område": ["A ★", "B"], "Före": ["<3", "10"], "Nu": ["9", "14"],
                 "Ökning": ["–", "+4"]}


def test_area_rows_drop_empty_areas_and_mark_focus():
    areas = pd.DataFrame({"name": ["A", "B", "C"], "is_focus": [False, True, False],
                          "current": [0, 3, 0], "previous": [0, 0, 2], "change": [0, 3, -2],
                          "per_1000": [None, None, 0.5], "area_id": ["a", "b", "c"]})
    rows = display.area_rows(areas)
    assert list(rows.columns) == ["Område", "current", "previous", "change", "per_1000"]
    assert list(rows["Område"]) == ["B ★", "C"]


def test_category_rows_put_the_swedish_label_first():
    cats = pd.DataFrame({"key": ["klotter", "okand_kod"], "current": [3, 1]})
    rows = display.category_rows(cats)
    assert list(rows.columns) == ["Kategori", "current"]
    assert list(rows["Kategori"]) == ["Klotter", "okand_kod"]


def test_meeting_tiles_and_increases_follow_the_briefings_marks():
    """A count hidden to protect another ("dolt") loses its change like a "<3"."""
    b = briefing_of(40, 30, focus=[("Kyrkgatan", 7, 5)])
    b["focus"]["current_mark"], b["focus"]["previous_mark"] = ["hidden"], ["shown"]
    tiles = display.meeting_tiles(b)
    assert tiles[1]["value"] == "dolt" and tiles[1]["delta"] is None
    up = pd.DataFrame({"name": ["A"], "is_focus": [False], "previous": [4], "current": [9],
                       "change": [5], "previous_mark": ["hidden"], "current_mark": ["shown"]})
    assert display.increases_table(up)["Ökning"] == ["–"]


def test_the_meeting_roles_tables_are_texts_as_published():
    cats = pd.DataFrame({"key": ["klotter", "brand", "stold"], "current": [5, 5, 2],
                         "previous": [1, 0, 9], "change": [4, 5, -7],
                         "change_pct": [400.0, None, -78.0]})
    rows = display.category_rows(cats, limit=3)
    assert list(rows["current"]) == ["5", "dolt", "<3"]
    assert list(rows["change"]) == ["–", "–", "–"]
    assert display.category_rows(cats.assign(current=[1, 1, 0]), limit=3) is None  # withheld
    areas = pd.DataFrame({"area_id": ["a", "b"], "name": ["A", "B"], "is_focus": [False, False],
                          "current": [9, 2], "previous": [4, 4], "change": [5, -2],
                          "per_1000": [3.1, 0.7]})
    marks = pd.DataFrame({"current_mark": ["shown", "small"], "previous_mark": ["shown", "shown"]},
                         index=["a", "b"])
    rows = display.area_rows(areas, marks, limit=3)
    assert rows.to_dict("list") == {"Område": ["A", "B"], "current": ["9", "<3"],
                                    "previous": ["4", "4"], "change": ["+5", "–"],
                                    "per_1000": ["3,1", "–"]}
