"""The shared shape of a read file: names, row numbers, description, clean-up."""
from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from est_data.ingest.headerrow import FOOTER_REASON
from est_data.ingest.rawtable import RawTable, clean_names, finish, from_arrow
from est_data.ingest.readers import read_file


def test_duplicate_and_empty_headers_get_unique_names(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("Datum;;Datum;Kategori\n2025-03-04;x;y;Klotter\n", encoding="utf-8")
    raw = read_file(path)
    try:
        assert raw.columns == ["Datum", "kolumn 2", "Datum (2)", "Kategori"]
    finally:
        raw.close()


def test_clean_names():
    assert clean_names([" Datum ", None, "_row", "a\ufeffb", "Datum"]) == [
        "Datum", "kolumn 2", "kolumn 3", "ab", "Datum (2)"]


def test_describe_sv_names_delimiter_encoding_and_fallback_lines():
    con = duckdb.connect()
    try:
        raw = RawTable(con=con, columns=["a"], kind="csv", encoding="UTF-8", delimiter=";")
        assert raw.describe_sv() == "CSV, semikolonseparerad, teckenkodning UTF-8"
        raw.fallback_lines = 3
        assert raw.describe_sv().endswith("(3 rader i Windows-1252)")
        assert RawTable(con=con, columns=[], kind="xlsx", sheet="Blad1").describe_sv() == \
            "Excel (XLSX), blad \u201dBlad1\u201d"
    finally:
        con.close()


@pytest.mark.parametrize("meta,tail", [
    ({"header_row": 1}, ""),
    ({"header_row": 3, "skipped_above": 0}, ""),   # blank rows above: nothing to say
    ({"header_row": 2, "skipped_above": 1},
     ", rubrikraden är rad 2; 1 rad ovanför hoppades över (titel/anteckningar)"),
    ({"header_row": None, "skipped_above": 0},
     ", ingen rubrikrad hittades (kolumnerna heter kolumn 1, kolumn 2, …)"),
    ({"header_row": None, "skipped_above": 2},
     ", ingen rubrikrad hittades (kolumnerna heter kolumn 1, kolumn 2, …); 2 rader med "
     "text ovanför data hoppades över (titel/anteckningar)"),
])
@pytest.mark.parametrize("kind,head", [
    ("csv", "CSV, semikolonseparerad, teckenkodning UTF-8"),
    ("xlsx", "Excel (XLSX), blad \u201dData\u201d"),
])
def test_describe_sv_says_which_header_row_when_not_the_obvious_one(meta, tail, kind, head):
    raw = RawTable(con=None, columns=["a"], kind=kind, encoding="UTF-8", delimiter=";",
                   sheet="Data", sheets=["Info", "Data"], **meta)
    assert raw.describe_sv() == head + tail


def test_describe_sv_says_the_sheet_was_picked():
    raw = RawTable(con=None, columns=["a"], kind="xlsx", sheet="Data",
                   sheets=["Info", "Sammanfattning", "Data"], sheet_auto=True)
    assert raw.describe_sv() == ("Excel (XLSX), blad \u201dData\u201d (valt bland 3 blad: "
                                 "det som ser ut som en tabell)")


def test_finish_turns_notes_below_the_data_into_rejected_rows():
    con = duckdb.connect()
    try:
        con.execute("CREATE TEMP TABLE raw_t AS SELECT * FROM (VALUES "
                    "('2026-10-01', 'Klotter', 'Storgatan 1'), ('2026-10-02', 'Bråk', NULL), "
                    "('Totalt: 2', NULL, NULL), ('Källa', 'system X', NULL), "
                    "(NULL, NULL, NULL)) t(d, c, a)")
        raw = finish(con, ["d", "c", "a"], 3, kind="csv", delimiter=";")
        assert raw.rows == 3  # the empty last row stays: the import skips it as empty
        assert [r["_row"] for r in raw.head().to_pylist()] == [3, 4, 7]
        assert raw.structural_rejects == [(5, FOOTER_REASON, "Totalt: 2"),
                                          (6, FOOTER_REASON, "Källa;system X")]
    finally:
        con.close()


def test_a_table_in_the_callers_connection_is_dropped_on_close():
    con = duckdb.connect()
    try:
        table = pa.table({"a": ["x", "y"], "_row": [2, 3]})
        raw = from_arrow(table, ["a"], con=con, kind="json")
        assert not raw.owned and raw.rows == 2
        raw.close()
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        views = {r[0] for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        assert "raw_t" not in names and "raw" not in views
    finally:
        con.close()
