"""The one-page lägesbild (PNG/PDF) for the minutes."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from est_data import lagesbild
from est_data.filters import IncidentFilter

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
    from est_data.db import open_db

    with open_db(tmp_path / "e.duckdb") as con:
        png = lagesbild.render(con, F)
    assert png.startswith(b"\x89PNG")


def test_unknown_format(demo_con):
    with pytest.raises(ValueError):
        lagesbild.render(demo_con, F, "", "svg")
