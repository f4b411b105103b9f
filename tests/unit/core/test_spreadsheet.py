"""est_data.core.spreadsheet: formula-looking cells are made inert (OWASP CSV injection)."""
from __future__ import annotations

import pandas as pd
import pytest

from est_data.core.spreadsheet import csv_bytes, plain_cell, safe_cell, safe_frame


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("http://x","klicka")', '\'=HYPERLINK("http://x","klicka")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Klotter på =vägg", "Klotter på =vägg"),   # only the first character matters
    ("-12", "-12"),                            # a plain number stays a number
    ("+46,5", "+46,5"),
    ("-", "'-"),
    ("", ""),
    (12, 12),
    (-3.5, -3.5),
    (None, None),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_safe_frame_touches_text_only():
    df = pd.DataFrame({"beskrivning": ["=1+1", "lugnt", None], "antal": [-1, 2, 3],
                       "=namn": ["@a", "b", "c"]})
    out = safe_frame(df)
    assert out["beskrivning"].tolist()[:2] == ["'=1+1", "lugnt"]
    assert pd.isna(out["beskrivning"].iloc[2])
    assert out["antal"].tolist() == [-1, 2, 3]
    assert list(out.columns) == ["beskrivning", "antal", "'=namn"]
    assert out["'=namn"].tolist() == ["'@a", "b", "c"]
    assert df["beskrivning"].iloc[0] == "=1+1"    # the input is not changed


@pytest.mark.parametrize("value", ["=1+1", "@SUM(A1)", "\t=1", "-", "-12", "lugnt",
                                   "'citat'", "", None, 3])
def test_plain_cell_undoes_safe_cell(value):
    assert plain_cell(safe_cell(value)) == value


def test_csv_bytes_for_swedish_excel():
    df = pd.DataFrame({"Namn": ["=1+1", "Storgatan"], "Andel": [-0.5, 1.25],
                       "Tid": pd.to_datetime(["2026-03-02 22:15", None])})
    text = csv_bytes(df).decode("utf-8")
    assert text.startswith("\ufeffNamn;Andel;Tid")
    assert text.splitlines()[1:] == ["'=1+1;-0,5;2026-03-02 22:15", "Storgatan;1,25;"]


# --- Every export path (issue 12, item 11) ---------------------------------------------------
# Hostile text planted in every free-text field a partner or an administrator can fill in;
# every file the app or the command line hands out is read back cell by cell.

HOSTILE = {
    "description": '=HYPERLINK("http://evil.example","klicka")',
    "address": "+cmd|' /C calc'!A0",
    "raw_category": "@SUM(1+1)*cmd|' /C calc'!A0",
    "area": "-2+3+cmd|' /C calc'!A0",
    "actor": "\t=1+1",
    "focus": '=HYPERLINK("http://evil.example","Kyrkgatan")',
    "title": "=1+1",
    "note": "\r=1+1",
    "kind": "@SUM(A1)",
}


@pytest.fixture
def hostile_db(demo_db):
    """The demo database with hostile text in descriptions, addresses, actors' words, an
    area, an actor, a focus area and a measure (whose cost is negative: a number)."""
    import duckdb

    con = duckdb.connect(str(demo_db))
    con.execute("UPDATE incidents SET description = ?, address = ?, raw_category = ? "
                "WHERE incident_id IN (SELECT incident_id FROM incidents "
                "ORDER BY occurred_at DESC LIMIT 20)",
                [HOSTILE["description"], HOSTILE["address"], HOSTILE["raw_category"]])
    con.execute("UPDATE areas SET name = ? WHERE area_id = (SELECT area_id FROM incidents "
                "ORDER BY occurred_at DESC LIMIT 1)", [HOSTILE["area"]])
    con.execute("UPDATE actors SET name = ? WHERE source = 'kommun'", [HOSTILE["actor"]])
    con.execute("UPDATE areas SET name = ? WHERE area_id = 'fokus_kyrkgatan'", [HOSTILE["focus"]])
    con.execute("UPDATE interventions SET title = ?, note = ?, kind = ?, actor = ?, "
                "cost_sek = -1500 WHERE intervention_id = 'demo-01'",
                [HOSTILE["title"], HOSTILE["note"], HOSTILE["kind"], HOSTILE["actor"]])
    con.close()
    return demo_db


def _trends(sharing: bool, fmt: str):
    def produce(db, con):
        import datetime as dt

        from est_data.core.filters import IncidentFilter
        from est_data.incidents.queries import lookups
        from est_data.trends import export

        area = con.execute("SELECT area_id FROM areas WHERE name = ?",
                           [HOSTILE["area"]]).fetchall()[0][0]
        everything = IncidentFilter(dt.date(2020, 1, 1), dt.date(2026, 12, 31))
        about = export.about_rows(
            IncidentFilter(dt.date(2020, 1, 1), dt.date(2026, 12, 31), areas=(area,),
                           sources=("kommun",)), lookups(con), sharing)
        dims = ("area", "category") if sharing else ("area", "category", "source")
        return export.export_file(db, everything, sharing, fmt, about, dims)
    return produce


def _measures(db, con):
    from est_data.measures.csv import export_csv

    return export_csv(con)


def _followup(db, con):
    from est_data.evaluation import followup

    return followup.table_csv(followup.focus_followup(con))


EXPORTS = {
    "trender-inom-csv": (_trends(False, "csv"), "csv"),
    "trender-inom-xlsx": (_trends(False, "xlsx"), "xlsx"),
    "trender-dela-csv": (_trends(True, "csv"), "csv"),
    "trender-dela-xlsx": (_trends(True, "xlsx"), "xlsx"),
    "insatser-csv": (_measures, "csv"),
    "arsuppfoljning-csv": (_followup, "csv"),
}


def read_cells(data: bytes, kind: str) -> list[object]:
    """Every cell of a CSV (``;``, UTF-8 with BOM) or of every sheet of an XLSX file;
    a formula cell of a workbook is returned as its formula text (``=…``)."""
    import csv
    import io

    if kind == "csv":
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
        return [cell for row in rows for cell in row]
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))   # not data_only: formulas as text
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows()
            for cell in row]


def _live(cell: object) -> bool:
    from est_data.core.spreadsheet import FORMULA_STARTS

    return isinstance(cell, str) and cell.startswith(FORMULA_STARTS) \
        and safe_cell(cell) != cell


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_export_leaves_no_formula_live(hostile_db, name):
    import duckdb

    produce, kind = EXPORTS[name]
    con = duckdb.connect(str(hostile_db), read_only=True)
    try:
        cells = read_cells(produce(str(hostile_db), con), kind)
    finally:
        con.close()
    assert [c for c in cells if _live(c)] == []
    # Not vacuous: hostile text reached the file, made inert by the apostrophe.
    assert any(isinstance(c, str) and c.startswith("'") and _live(c[1:]) for c in cells)


def test_numbers_stay_numbers_in_exports(hostile_db):
    import duckdb

    con = duckdb.connect(str(hostile_db), read_only=True)
    try:
        measures = read_cells(_measures(str(hostile_db), con), "csv")
        rows = read_cells(_trends(False, "xlsx")(str(hostile_db), con), "xlsx")
    finally:
        con.close()
    assert "-1500" in measures                       # a negative cost is a number
    assert any(isinstance(c, float) and 14 < c < 15 for c in rows)   # longitudes
