"""Excel workbooks: the sheet, the header row, notes below the data, Excel's cell types
as text."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from est_data.ingest.errors import IngestError
from est_data.ingest.headerrow import FOOTER_REASON
from est_data.ingest.readers import read_file
from est_data.ingest.xlsx import _cell_text


def test_xlsx_the_data_sheet_or_the_named_one_with_excel_cells(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Instruktioner"
    first.append(["Fyll i bladet Rapporter"])
    sheet = book.create_sheet("Rapporter")
    sheet.append([None])
    sheet.append(["Datum", "Tid", "Typ", "Lat", "Long"])
    sheet.append([dt.date(2025, 3, 4), dt.time(22, 15), "Klotter", 63.1792, 14.6361])
    sheet.append([dt.datetime(2025, 3, 5, 7, 5), None, "Störning", 63.18, 14.64])
    sheet.append([None, None, None, None, None])
    path = tmp_path / "rapport.xlsx"
    book.save(path)
    with pytest.raises(IngestError, match="header row"):
        read_file(path, sheet="Instruktioner")  # the named sheet holds no table
    for named in (None, "rapporter"):
        raw = read_file(path, sheet=named)
        try:
            assert raw.kind == "xlsx" and raw.sheet == "Rapporter"
            assert raw.sheets == ["Instruktioner", "Rapporter"]
            assert raw.sheet_auto == (named is None)
            rows = raw.head().to_pylist()
            assert rows[0] == {"Datum": "2025-03-04 00:00:00", "Tid": "22:15:00",
                               "Typ": "Klotter", "Lat": "63.1792", "Long": "14.6361", "_row": 3}
            assert rows[1]["Datum"] == "2025-03-05 07:05:00" and len(rows) == 2
        finally:
            raw.close()
    with pytest.raises(IngestError, match="no sheet 'Blad9'"):
        read_file(path, sheet="Blad9")


def _partner_book(path):
    """An Info sheet, a summary (pivot) and the data sheet with a merged title, an
    empty row and notes below the data."""
    book = openpyxl.Workbook()
    info = book.active
    info.title = "Info"
    for line in ("Felanmälningar oktober 2026", "Utdrag 2026-11-03", "Kontakt: Anna"):
        info.append([line])
    summary = book.create_sheet("Sammanfattning")
    for row in (["Typ", "Antal"], ["Klotter", 2], ["Störning", 1], ["Totalt", 3]):
        summary.append(row)
    data = book.create_sheet("Data")
    data.append(["Östersundshem AB – Felanmälningar"])
    data.merge_cells("A1:E1")
    data.append([None])
    data.append(["Datum", "Tid", "Typ", "Adress", "Beskrivning", None])
    data.append([dt.date(2026, 10, 1), dt.time(22, 15), "Klotter", "Storgatan 1", None, "x"])
    data.append([dt.date(2026, 10, 2), dt.time(1, 10), "Störning", "Torget 2", "Hög musik"])
    data.append([dt.date(2026, 10, 3), None, "Klotter", "Torget 4", "Sprayat"])
    data.append([None])
    data.append(["Totalt: 3"])
    data.append(["Källa: fastighetssystemet"])
    book.save(path)
    return path


def test_xlsx_picks_the_sheet_that_looks_like_data_below_its_title(tmp_path):
    raw = read_file(_partner_book(tmp_path / "partner.xlsx"))
    try:
        assert raw.sheet == "Data" and raw.sheets == ["Info", "Sammanfattning", "Data"]
        assert raw.columns == ["Datum", "Tid", "Typ", "Adress", "Beskrivning", "kolumn 6"]
        assert (raw.header_row, raw.skipped_above, raw.rows) == (3, 1, 3)
        assert [(r["_row"], r["Typ"], r["kolumn 6"]) for r in raw.head().to_pylist()] == [
            (4, "Klotter", "x"), (5, "Störning", None), (6, "Klotter", None)]
        assert raw.structural_rejects == [(8, FOOTER_REASON, "Totalt: 3"),
                                          (9, FOOTER_REASON, "Källa: fastighetssystemet")]
        assert raw.describe_sv() == (
            "Excel (XLSX), blad \u201dData\u201d (valt bland 3 blad: det som ser ut som en "
            "tabell), rubrikraden är rad 3; 2 rader ovanför hoppades över (titel/anteckningar)")
    finally:
        raw.close()


def test_xlsx_a_named_sheet_still_wins(tmp_path):
    raw = read_file(_partner_book(tmp_path / "partner.xlsx"), sheet="Sammanfattning")
    try:
        assert raw.sheet == "Sammanfattning" and not raw.sheet_auto
        assert raw.columns == ["Typ", "Antal"] and raw.header_row == 1
        assert raw.describe_sv() == "Excel (XLSX), blad \u201dSammanfattning\u201d"
        assert raw.structural_rejects == [(4, FOOTER_REASON, "Totalt; 3")]
    finally:
        raw.close()


@pytest.mark.parametrize("value,text", [
    (None, None), ("  ", None), (True, "true"), (3.0, "3"), (63.1792, "63.1792"),
    (dt.date(2025, 3, 4), "2025-03-04"), (dt.time(7, 5), "07:05:00"),
    (dt.datetime(2025, 3, 4, 22, 15), "2025-03-04 22:15:00"), ("Klotter", "Klotter")])
def test_cell_text(value, text):
    assert _cell_text(value) == text


def test_xlsx_sheet_without_a_header_row_keeps_every_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for day, kind in ((1, "Klotter"), (2, "Bråk"), (3, "Klotter")):
        sheet.append([dt.datetime(2026, 10, day, 22, 15), kind, f"Torget {day}"])
    path = tmp_path / "utan.xlsx"
    book.save(path)
    raw = read_file(path)
    try:
        assert raw.columns == ["kolumn 1", "kolumn 2", "kolumn 3"]
        assert (raw.header_row, raw.rows) == (None, 3)
        assert [(r["_row"], r["kolumn 2"]) for r in raw.head().to_pylist()] == [
            (1, "Klotter"), (2, "Bråk"), (3, "Klotter")]
        assert "ingen rubrikrad hittades" in raw.describe_sv()
    finally:
        raw.close()
