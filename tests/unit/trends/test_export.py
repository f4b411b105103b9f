"""est_data.trends.export: masking, paging, suppression for sharing, CSV and XLSX files."""
from __future__ import annotations

import datetime as dt
import io

import duckdb
import openpyxl
import pandas as pd
import pytest

from est_data.trends import export
from est_data.core.filters import IncidentFilter
from handmade_db import incident, make_db

D = dt.date
WEEK = IncidentFilter(D(2026, 3, 2), D(2026, 3, 8))


@pytest.mark.parametrize("text,expected", [
    ("Ring 070-123 45 67 efter åtta", "Ring [telefon] efter åtta"),
    ("Tel 0701234567.", "Tel [telefon]."),
    ("Växel 063-14 30 00", "Växel [telefon]"),
    ("+46 70 123 45 67 svarar", "[telefon] svarar"),
    ("Pnr 19850312-1234 anmälde", "Pnr [personnr] anmälde"),
    ("Pnr 850312-1234", "Pnr [personnr]"),
    ("Mejla anna.svensson@example.se", "Mejla [e-post]"),
    ("Bil ABC 123 stod kvar", "Bil [regnr] stod kvar"),
    ("Bil ABC12D stod kvar", "Bil [regnr] stod kvar"),
    ("Klagomål från lgh 1102", "Klagomål från lgh [nr]"),
    ("Lägenhet nr 1204 störd", "lgh [nr] störd"),
    # Left alone: addresses, times, dates and counts are not personal identifiers.
    ("Storgatan 12, kl 22.30 den 2025-03-04, 3 personer", None),
    ("Krossad ruta i entrén.", None),
])
def test_descriptions_are_masked_in_sql(text, expected):
    con = duckdb.connect()
    masked = con.execute(f"SELECT {export.masked_sql('?')}", [text]).fetchall()[0][0]
    assert masked == (expected if expected is not None else text)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    rows = [
        # A1 klotter: 1, A1 inbrott: 2, A2 klotter: 3, A2 storning: 4 (within WEEK).
        incident(1, "2026-03-02 10:00", "klotter", "A1", description="Ring 070-123 45 67"),
        incident(2, "2026-03-03 10:00", "inbrott", "A1"),
        incident(3, "2026-03-03 11:00", "inbrott", "A1", focus="F1"),
        *[incident(10 + i, f"2026-03-0{4 + i} 12:00", "klotter", "A2") for i in range(3)],
        *[incident(20 + i, f"2026-03-0{4 + i} 21:00", "storning", "A2", source="pol")
          for i in range(4)],
        incident(30, "2026-03-08 23:59", "klotter", None),  # municipality only
        incident(31, "2026-03-09 00:00", "klotter", "A1"),  # after the week
    ]
    return make_db(tmp_path_factory.mktemp("export") / "e.duckdb", rows)


@pytest.fixture(scope="module")
def con(db):
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def test_paging_newest_first(con):
    assert export.incident_count(con, WEEK) == 11
    first = export.incident_page(con, WEEK, 1, page_size=4)
    second = export.incident_page(con, WEEK, 2, page_size=4)
    last = export.incident_page(con, WEEK, 3, page_size=4)
    assert list(first["incident_id"]) == ["hem:30", "pol:23", "pol:22", "hem:12"]
    assert len(second) == 4 and len(last) == 3
    seen = [*first["incident_id"], *second["incident_id"], *last["incident_id"]]
    assert len(set(seen)) == 11
    row = last[last["incident_id"] == "hem:1"].iloc[0]
    assert row["description"] == "Ring [telefon]"
    assert (row["category_label"], row["actor"], row["area"]) == ("Klotter", "Bostadsbolaget",
                                                                  "Alfa")


def test_internal_export_has_the_rows_with_masked_descriptions(con):
    df = export.internal_export(con, WEEK)
    assert len(df) == 11
    assert {"Tidpunkt", "Kategori", "Aktör", "Område", "Fokusområde",
            "Beskrivning (maskerad)", "Latitud", "Longitud"} <= set(df.columns)
    assert "Ring [telefon]" in set(df["Beskrivning (maskerad)"])
    assert "070-123 45 67" not in df.to_csv()


def test_shared_export_suppresses_small_counts_and_leaves_out_details(con):
    """Klotter is 1 in Alfa, 3 in Beta and 1 without an area, 5 in all (the file per
    category, or Översikt, says so): "<3", 3, "<3" would give 1 and 1 away, and so would
    hiding the 3 (it is at least 3), so Klotter's breakdown is one row, "–". Then the
    total 11 minus Klotter 5 minus Störning 4 would be Inbrott's 2: Störning is hidden."""
    df = export.shared_export(con, WEEK)
    assert list(df.columns) == ["Område", "Kategori", "Antal"]
    cells = {(r["Område"], r["Kategori"]): r["Antal"] for _, r in df.iterrows()}
    assert cells == {
        ("Alfa", "Inbrott"): "<3", ("Beta", "Störning"): "dolt",
        (export.WITHHELD_ROW, "Klotter"): "–",
    }
    text = df.to_csv()
    for leak in ("Händelse", "Storgatan", "63.175", "Fokus", "070"):
        assert leak not in text
    assert not {"Beskrivning (maskerad)", "Latitud", "Longitud", "Adress"} & set(df.columns)


def test_shared_export_by_actor_and_month(con):
    df = export.shared_export(con, WEEK, ("source", "month"))
    assert list(df.columns) == ["Aktör", "Månad", "Antal"]
    assert dict(zip(df["Aktör"], df["Antal"])) == {"Bostadsbolaget": "7", "Polisen": "4"}
    with pytest.raises(ValueError):
        export.shared_counts_sql(WEEK, ("area", "description"))


def test_csv_is_excel_friendly(con):
    data = export.to_csv_bytes(export.internal_export(con, WEEK))
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("Tidpunkt;Tidpunkt till;Rapporterad;Kategori;Aktör")
    assert "63,175" in text  # decimal comma
    assert "2026-03-08 23:59" in text


def test_xlsx_has_table_and_about_sheet(con):
    df = export.shared_export(con, WEEK)
    about = export.about_rows(WEEK, {"categories": {}, "sources": {}, "areas": {}}, True,
                              created=dt.datetime(2026, 3, 9, 8, 0))
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(df, "Antal", about)))
    assert wb.sheetnames == ["Antal", "Om uttaget"]
    rows = list(wb["Antal"].iter_rows(values_only=True))
    assert rows[0] == ("Område", "Kategori", "Antal")
    assert ("Alfa", "Inbrott", "<3") in rows
    info = dict(wb["Om uttaget"].iter_rows(values_only=True))
    assert info["Period"] == "2026-03-02 – 2026-03-08"
    assert "<3" in info["Sekretess"]


@pytest.mark.parametrize("sharing,fmt", [(True, "csv"), (True, "xlsx"), (False, "csv"),
                                         (False, "xlsx")])
def test_export_file_opens_its_own_connection(db, sharing, fmt):
    data = export.export_file(db, WEEK, sharing, fmt, [("Uttag", "test")])
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert ("<3" in text) == sharing
        assert ("Ring [telefon]" in text) == (not sharing)
    else:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert wb.sheetnames[0] == ("Antal" if sharing else "Händelser")
        sheet = wb[wb.sheetnames[0]]
        assert sheet.max_row == (4 if sharing else 12)
        if sharing:
            counts = [r[-1] for r in sheet.iter_rows(min_row=2, values_only=True)]
            assert sorted(counts, key=str) == ["<3", "dolt", "–"]


def test_shared_xlsx_has_counts_as_numbers(db):
    data = export.export_file(db, WEEK, True, "xlsx", [("Uttag", "test")], ("source",))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Antal"]
    assert [r for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("Bostadsbolaget", 7), ("Polisen", 4)]


def test_sharing_files_hold_at_most_two_dimensions(con):
    with pytest.raises(ValueError):
        export.shared_export(con, WEEK, ("area", "category", "source"))


def test_internal_export_keeps_a_span_end(tmp_path):
    """A burglary known as 22.00-06.00 leaves with both ends; an instant with an empty end."""
    span = incident(1, "2026-03-03 22:00", "inbrott", "A1")
    span["occurred_to"] = dt.datetime(2026, 3, 4, 6, 0)
    instant = dict(incident(2, "2026-03-04 10:00", "klotter", "A1"), occurred_to=None)
    with duckdb.connect(str(make_db(tmp_path / "s.duckdb", [span, instant])), read_only=True) as c:
        df = export.internal_export(c, WEEK)
    ends = dict(zip(df["Händelse-id"], df["Tidpunkt till"]))
    assert ends["hem:1"] == pd.Timestamp("2026-03-04 06:00") and pd.isna(ends["hem:2"])
