"""``python -m est_data lagesbild``: the text for the minutes, and the PNG and PDF."""
from __future__ import annotations

import datetime as dt

import duckdb

from est_data.cli import main
from est_data.overview import narrative


def test_text_is_the_meeting_views_narrative(demo_db, capsys):
    assert main(["lagesbild", "--db", str(demo_db), "--text"]) == 0
    out = capsys.readouterr().out.strip()
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert out == narrative.meeting_text(con, dt.date(2026, 11, 15))
    assert out.startswith("Senaste 14 dagarna (2026-11-02 – 2026-11-15) registrerades ")


def test_date_picks_the_meeting(demo_db, capsys):
    # On 2026-11-05 the last meeting was 2026-10-29, seven days before: since that meeting.
    assert main(["lagesbild", "--db", str(demo_db), "--date", "2026-11-05"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sedan förra mötet 2026-10-29 (2026-10-30 – 2026-11-05) registrerades ")


def test_png_and_pdf_files(demo_db, tmp_path, capsys):
    png, pdf = tmp_path / "l.png", tmp_path / "l.pdf"
    assert main(["lagesbild", "--db", str(demo_db), "--png", str(png), "--pdf", str(pdf)]) == 0
    assert png.read_bytes().startswith(b"\x89PNG") and pdf.read_bytes().startswith(b"%PDF-")
    assert capsys.readouterr().out == ""  # no --text: files only
