"""Hostile files (trust item 15): limits on rows, cells and line length, with reasons.

The limits are lowered with monkeypatch so the files stay small; one test writes a
real line longer than DuckDB's parallel reader buffer (~32 MB), which vanished before.
"""
from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest

from est_data.core import config
from est_data.ingest import IngestError, import_file, limits, xlsx
from est_data.ingest.readers import read_file
from est_data.store.db import connect

from ingest_util import NOW


def _csv(tmp_path, rows: int, long_line: int = 0):
    lines = ["Datum;Kategori;Adress"] + [f"2025-03-04;Klotter;Gata {i}" for i in range(rows)]
    if long_line:
        lines.insert(2, "2025-03-04;Klotter;" + "x" * long_line)
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_max_rows_takes_the_cell_limit_into_account(monkeypatch):
    monkeypatch.setattr(config, "MAX_IMPORT_ROWS", 100)
    monkeypatch.setattr(config, "MAX_IMPORT_CELLS", 300)
    assert limits.max_rows(2) == 100 and limits.max_rows(10) == 30
    assert limits.max_rows(1000) == 1


def test_a_line_over_the_limit_is_a_rejected_row_with_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_LINE_BYTES", 1000)
    raw = read_file(_csv(tmp_path, 5, long_line=5000))
    try:
        assert raw.rows == 5
        assert [(r[0], r[1]) for r in raw.structural_rejects] == [
            (3, "Raden är längre än 1\u00a0000 byte")]
    finally:
        raw.close()


def test_a_line_longer_than_duckdbs_buffer_does_not_vanish(tmp_path):
    raw = read_file(_csv(tmp_path, 3, long_line=33 * 1024 * 1024))
    try:
        assert raw.rows == 3
        assert [r[0] for r in raw.structural_rejects] == [3]
        assert raw.structural_rejects[0][1].startswith("Raden är längre än")
    finally:
        raw.close()


def test_the_long_line_reaches_rejected_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_LINE_BYTES", 1000)
    con = connect(tmp_path / "est.duckdb")
    try:
        report = import_file(con, _csv(tmp_path, 5, long_line=5000), "test", now=NOW,
                             keep_raw=False)
        assert report.rows_read == 6 and report.rows_rejected == 1
        got = con.execute("SELECT row_number, reason FROM rejected_rows").fetchall()
        assert got == [(3, "Raden är längre än 1\u00a0000 byte")]
    finally:
        con.close()


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_csv_over_the_row_limit_is_refused(tmp_path, monkeypatch, encoding):
    monkeypatch.setattr(config, "MAX_IMPORT_ROWS", 50)
    path = tmp_path / "big.csv"
    path.write_bytes(("Datum;Adress\n" + "2025-03-04;Åsgatan\n" * 51).encode(encoding))
    with pytest.raises(IngestError) as err:
        read_file(path)
    assert "more than 50 data rows" in str(err.value)
    assert err.value.sv.startswith("Filen har fler än 50 datarader")
    path.write_bytes(("Datum;Adress\n" + "2025-03-04;Åsgatan\n" * 50).encode(encoding))
    read_file(path).close()  # exactly at the limit is fine


def test_a_csv_over_the_cell_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_IMPORT_CELLS", 60)
    with pytest.raises(IngestError, match="more than 20 data rows of 3 columns"):
        read_file(_csv(tmp_path, 21))


def test_json_over_the_row_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_IMPORT_ROWS", 10)
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([{"id": i, "name": "x"} for i in range(11)]), encoding="utf-8")
    with pytest.raises(IngestError, match="more than 10 data rows"):
        read_file(path)


def _sheet(path, rows: int, write_only: bool):
    book = openpyxl.Workbook(write_only=write_only)
    ws = book.create_sheet("Data") if write_only else book.active
    if not write_only:
        ws.title = "Data"
    ws.append(["Datum", "Kategori", "Adress"])
    for i in range(rows):
        ws.append(["2025-03-04", "Klotter", f"Gata {i}"])
    book.save(path)
    return path


def _counting_cells(monkeypatch) -> list:
    seen: list = []
    real = xlsx._cell_text
    monkeypatch.setattr(xlsx, "_cell_text", lambda v: seen.append(v) or real(v))
    return seen


def test_xlsx_over_the_cell_limit_is_refused_from_its_dimension(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_XLSX_CELLS", 300)
    path = _sheet(tmp_path / "big.xlsx", 200, write_only=False)
    seen = _counting_cells(monkeypatch)
    with pytest.raises(IngestError) as err:
        read_file(path)
    assert "the sheet 'Data' has 201 rows of 3 columns" in str(err.value)
    assert err.value.sv.startswith("Bladet \u201dData\u201d har 201 rader med 3 kolumner")
    assert seen == []  # refused before a single cell was read


def test_xlsx_without_a_dimension_is_refused_while_streaming(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_IMPORT_ROWS", 100)
    path = _sheet(tmp_path / "big.xlsx", 1000, write_only=True)
    with zipfile.ZipFile(path) as z:
        assert b"<dimension" not in z.read("xl/worksheets/sheet1.xml")
    seen = _counting_cells(monkeypatch)
    with pytest.raises(IngestError, match="has at least 102 rows of 3 columns"):
        read_file(path)
    assert len(seen) <= 101 * 3  # stopped at the limit, not after 1000 rows


def test_xlsx_within_the_limits_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_XLSX_CELLS", 603)
    raw = read_file(_sheet(tmp_path / "ok.xlsx", 200, write_only=False))
    try:
        assert raw.rows == 200
    finally:
        raw.close()
