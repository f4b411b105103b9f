"""How the pages' shared counts are published (est_data.incidents.published): areas with
the incidents without an area as one group, focus areas against their districts,
categories, placement, and the texts of a marked table."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from est_data.core import fmt
from est_data.core.filters import IncidentFilter
from est_data.core.privacy import HIDDEN, SHOWN, SMALL, WITHHELD
from est_data.incidents import published, queries

ONE_DAY = IncidentFilter(dt.date(2026, 11, 13), dt.date(2026, 11, 13))


def pairs(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area_id", "focus_area_id", "current", "previous",
                                       "last_year"])


def test_incidents_without_an_area_are_a_part_of_the_area_group():
    """Areas 5 and 5 and 2 without an area, 12 in all: hiding the 2 alone gives it away
    (12 - 5 - 5); one 5 is hidden too, by name ("a" before "b")."""
    marks = published.mark_areas(pairs([("b", None, 5, 9, 9), ("a", None, 5, 9, 9),
                                        (None, None, 2, 9, 9)]))
    assert marks.loc[published.UNKNOWN_AREA, "current_mark"] == SMALL
    assert marks.loc["a", "current_mark"] == HIDDEN and marks.loc["b", "current_mark"] == SHOWN
    assert set(marks["previous_mark"]) == {SHOWN}


def test_a_focus_area_is_hidden_when_its_district_minus_it_is_small():
    """Kyrkgatan 8 inside a district of 9: 9 - 8 = 1 incident outside Kyrkgatan."""
    marks = published.mark_areas(pairs([("d", "fokus", 8, 3, 5), ("d", None, 1, 4, 0),
                                        ("e", None, 7, 7, 7)]))
    assert marks.loc["fokus", "current_mark"] == HIDDEN
    assert marks.loc["fokus", "previous_mark"] == SHOWN  # 7 - 3 = 4 outside it
    assert marks.loc["fokus", "last_year_mark"] == SHOWN  # 5 - 5 = 0 outside it
    small = published.mark_areas(pairs([("d", "fokus", 2, 3, 3), ("d", None, 9, 9, 9)]))
    assert small.loc["fokus", "current_mark"] == SMALL


def test_no_limit_shows_every_area():
    marks = published.mark_areas(pairs([("a", "f", 1, 2, 1), (None, None, 2, 1, 1)]), limit=0)
    assert set(marks.to_numpy().ravel()) == {SHOWN}


def test_area_marks_read_the_filter_once(demo_con):
    marks = published.area_marks(demo_con, ONE_DAY)
    table = queries.area_table(demo_con, ONE_DAY)
    small = table[table["current"].between(1, 2)]
    assert not small.empty
    assert set(marks.loc[small["area_id"], "current_mark"]) <= {SMALL, WITHHELD}
    with_marks = published.with_marks(table, marks)
    assert set(with_marks.loc[with_marks["current"] == 0, "current_mark"]) == {SHOWN}


def test_placement_parts_protect_each_other():
    marks = published.placement_marks({"total": 12, "located": 10, "area_only": 2,
                                       "municipality_only": 0})
    assert marks["area_only"] == SMALL and marks["located"] != SHOWN
    assert marks["total"] == SHOWN
    withheld = published.placement_marks({"total": 4, "located": 3, "area_only": 0,
                                          "municipality_only": 1})
    assert {withheld[k] for k in published.PLACEMENT} == {WITHHELD}


def test_category_marks_follow_the_group_rule():
    cats = pd.DataFrame({"key": ["a", "b", "c"], "current": [5, 5, 2], "previous": [3, 4, 5]})
    marked = published.category_marks(cats)
    assert list(marked["current_mark"]) == [HIDDEN, SHOWN, SMALL]
    assert list(marked["previous_mark"]) == [SHOWN] * 3


def test_texts_hide_what_is_made_from_a_hidden_count():
    df = pd.DataFrame({"current": [7, 2, 9], "previous": [1, 4, 9], "change": [6, -2, 0],
                       "per_1000": [3.5, 1.0, 4.2], "current_mark": [SHOWN, SMALL, HIDDEN],
                       "previous_mark": [SMALL, SHOWN, SHOWN]})
    out = published.as_texts(df, ("current", "previous"), {
        "change": (fmt.signed, ("current", "previous")),
        "per_1000": (lambda v: fmt.num(v, 1), ("current",))})
    assert out.to_dict("list") == {"current": ["7", "<3", "dolt"], "previous": ["<3", "4", "9"],
                                   "change": ["–", "–", "–"], "per_1000": ["3,5", "–", "–"]}


def test_the_area_category_table_is_protected_against_its_margins(demo_con):
    cells = published.area_category_marks(demo_con, ONE_DAY)
    assert set(cells.loc[cells["n"] < 3, "mark"]) <= {SMALL, WITHHELD}
    assert (cells["mark"] == SMALL).any()
    assert (published.area_category_marks(demo_con, ONE_DAY, limit=0)["mark"] == SHOWN).all()


@pytest.mark.parametrize("day, before", [(dt.date(2026, 3, 1), dt.date(2025, 3, 1)),
                                         (dt.date(2024, 2, 29), dt.date(2023, 2, 28))])
def test_year_earlier(day, before):
    assert published.year_earlier(day) == before


def test_lists_put_hidden_counts_after_the_shown_ones_by_name():
    """Sorted by count, "<3" rows of 2 would stand before those of 1."""
    df = pd.DataFrame({"name": ["d", "b", "c", "a", "e"], "current": [9, 2, 1, 2, 0],
                       "current_mark": [SHOWN, SMALL, SMALL, SMALL, SHOWN],
                       "focus": [False, False, False, False, True]})
    assert list(published.in_published_order(df, "name")["name"]) == ["d", "e", "a", "b", "c"]
    assert list(published.in_published_order(df, "name", first="focus")["name"]) == [
        "e", "d", "a", "b", "c"]
