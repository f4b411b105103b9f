"""Excel workbooks: the sheet, the header row, Excel's cell types as text."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from est_data.ingest.errors import IngestError
from est_data.ingest.readers import read_file
from est_data.ingest.xlsx import _cell_text


def test_xlsx_first_sheet_or_named_with_excel_cells(tmp_path):
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
        read_file(path)  # the first sheet holds no table
    raw = read_file(path, sheet="rapporter")
    try:
        assert raw.kind == "xlsx" and raw.sheet == "Rapporter"
        assert raw.sheets == ["Instruktioner", "Rapporter"]
        rows = raw.head().to_pylist()
        assert rows[0] == {"Datum": "2025-03-04 00:00:00", "Tid": "22:15:00", "Typ": "Klotter",
                           "Lat": "63.1792", "Long": "14.6361", "_row": 3}
        assert rows[1]["Datum"] == "2025-03-05 07:05:00" and len(rows) == 2
    finally:
        raw.close()
    with pytest.raises(IngestError, match="no sheet 'Blad9'"):
        read_file(path, sheet="Blad9")


@pytest.mark.parametrize("value,text", [
    (None, None), ("  ", None), (True, "true"), (3.0, "3"), (63.1792, "63.1792"),
    (dt.date(2025, 3, 4), "2025-03-04"), (dt.time(7, 5), "07:05:00"),
    (dt.datetime(2025, 3, 4, 22, 15), "2025-03-04 22:15:00"), ("Klotter", "Klotter")])
def test_cell_text(value, text):
    assert _cell_text(value) == text
