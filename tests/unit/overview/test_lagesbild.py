"""The one-page lägesbild (PNG/PDF) for the minutes."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from est_data.overview import lagesbild
from est_data.core.filters import IncidentFilter

F = IncidentFilter(dt.date(2026, 10, 30), dt.date(2026, 11, 15))


def test_png_is_a4_landscape(demo_con):
    png = lagesbild.render(demo_con, F, "Sedan förra mötet 2026-10-29")
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG"
    w, h = img.size
    assert w > h and abs(w / h - 297 / 210) < 0.01 and w >= 1700
    # Not a blank page: the map and text draw many distinct colours.
    assert len(img.convert("RGB").getcolors(maxcolors=100000) or []) > 50


def test_pdf(demo_con):
    pdf = lagesbild.render(demo_con, F, "x", "pdf")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000


def test_empty_period_still_renders(demo_con):
    png = lagesbild.render(demo_con, IncidentFilter(dt.date(2030, 1, 1), dt.date(2030, 1, 7)))
    assert Image.open(io.BytesIO(png)).size[0] > 1000


def test_empty_database_renders(tmp_path):
    from est_data.store.db import open_db

    with open_db(tmp_path / "e.duckdb") as con:
        png = lagesbild.render(con, F)
    assert png.startswith(b"\x89PNG")


def test_unknown_format(demo_con):
    with pytest.raises(ValueError):
        lagesbild.render(demo_con, F, "", "svg")


def test_small_counts_leave_the_app_as_under_three():
    """The page goes into the minutes: counts of 1-2 show as "<3" without their change."""
    import pandas as pd

    b = {"totals": {"current": 40, "previous": 31, "municipality_only": 0},
         "focus": pd.DataFrame({"name": ["Kyrkgatan", "Arågränd"], "current": [2, 12],
                                "previous": [5, 9]}),
         "categories": pd.DataFrame({"label": ["Klotter", "Brand"], "current": [17, 1],
                                     "previous": [11, 0]}),
         "increases": pd.DataFrame({"name": ["Lugnvik (C1300)", "Brittsbo (C1310)"],
                                    "is_focus": [False, False], "previous": [0, 4],
                                    "current": [2, 9], "change": [2, 5]})}
    t = lagesbild.panel_texts(b)
    assert t["total"] == "40" and t["total_change"].startswith("+9 mot föregående")
    assert t["focus"] == ["Kyrkgatan (fokusområde): <3", "Arågränd (fokusområde): 12 (+3)"]
    assert t["categories"] == ["Klotter: 17 (+6)", "Brand: <3"]
    assert t["increases"] == [("Lugnvik (C1300)", "0 → <3"), ("Brittsbo (C1310)", "4 → 9 (+5)")]
    tiny = lagesbild.panel_texts({**b, "totals": {"current": 2, "previous": 0}})
    assert tiny["total"] == "<3" and tiny["total_change"] is None


@pytest.mark.parametrize("text", [r"Gården $\notacommand{$ norr", "Kv. $x^2$ och $100 lampor$"])
def test_dollar_signs_in_names_are_text_not_mathtext(demo_db, text):
    """Area and measure names are data: ``$…$`` in them must neither break the page
    (matplotlib's mathtext raised ValueError) nor be typeset as a formula."""
    import duckdb
    from matplotlib.text import Text

    con = duckdb.connect(str(demo_db))
    con.execute("UPDATE areas SET name = ? || name WHERE is_focus", [text])
    con.execute("UPDATE interventions SET title = ?", [text])
    drawn: list[str] = []
    original = Text.draw

    def draw(self, renderer):
        if text in self.get_text():
            drawn.append(self._preprocess_math(self.get_text())[1])
        return original(self, renderer)

    Text.draw = draw
    try:
        png = lagesbild.render(con, F, "x")
    finally:
        Text.draw = original
        con.close()
    assert png.startswith(b"\x89PNG")
    assert drawn and not any(drawn), "a name was typeset as mathtext"


def test_the_minutes_hide_what_the_meeting_view_hides():
    """Counts hidden to protect a "<3" ("dolt") leave the app hidden too, with no change."""
    import pandas as pd

    b = {"totals": {"current": 40, "previous": 31},
         "focus": pd.DataFrame({"name": ["Kyrkgatan"], "current": [8], "previous": [5],
                                "current_mark": ["hidden"], "previous_mark": ["shown"]}),
         "categories": pd.DataFrame({"label": ["Klotter"], "current": [17], "previous": [2],
                                     "current_mark": ["shown"], "previous_mark": ["small"]}),
         "increases": pd.DataFrame({"name": ["Lugnvik"], "is_focus": [False], "previous": [5],
                                    "current": [8], "change": [3], "current_mark": ["hidden"],
                                    "previous_mark": ["shown"]})}
    t = lagesbild.panel_texts(b)
    assert t["focus"] == ["Kyrkgatan (fokusområde): dolt"]
    assert t["categories"] == ["Klotter: 17"]
    assert t["increases"] == [("Lugnvik", "5 → dolt")]
