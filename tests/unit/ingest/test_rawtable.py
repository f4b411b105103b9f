"""The shared shape of a read file: names, row numbers, description, clean-up."""
from __future__ import annotations

import duckdb
import pyarrow as pa

from est_data.ingest.rawtable import RawTable, clean_names, from_arrow
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
