"""Readers: real-world file shapes into text tables, and clear errors for the rest."""
from __future__ import annotations

import pytest

from est_data.ingest.errors import IngestError
from est_data.ingest.headerrow import FOOTER_REASON
from est_data.ingest.readers import detect_delimiter, read_file

ROWS = [["Ärendenr", "Datum", "Kategori", "Adress"],
        ["A1", "2025-03-04", "Klotter", "Storgatan 1"],
        ["A2", "2025-03-05", "Störning", "Prästgatan 2, lgh 1102"]]


def _text(delim: str) -> str:
    out = []
    for row in ROWS:
        out.append(delim.join(f'"{v}"' if delim in v else v for v in row))
    return "\r\n".join(out) + "\r\n"


@pytest.mark.parametrize("delim,name", [(";", ";"), (",", ","), ("\t", "\t"), ("|", "|")])
@pytest.mark.parametrize("encoding,shown", [
    ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 med BOM"), ("cp1252", "Windows-1252"),
    ("utf-16", "UTF-16")])
def test_delimiters_and_encodings(tmp_path, delim, name, encoding, shown):
    path = tmp_path / "export.csv"
    path.write_bytes(_text(delim).encode(encoding))
    raw = read_file(path)
    try:
        assert raw.kind == "csv" and raw.delimiter == name and raw.encoding == shown
        assert raw.columns == ROWS[0]
        rows = raw.head().to_pylist()
        assert [r["Adress"] for r in rows] == ["Storgatan 1", "Prästgatan 2, lgh 1102"]
        assert [r["_row"] for r in rows] == [2, 3]  # as a spreadsheet numbers them
    finally:
        raw.close()


def test_cp1252_after_a_long_ascii_start_is_still_read(tmp_path):
    # The sample looks like UTF-8; DuckDB meets the CP1252 bytes further down.
    lines = ["Datum;Kategori"] + ["2025-03-04;Klotter"] * 60000 + ["2025-03-05;Skadegörelse"]
    path = tmp_path / "long.csv"
    path.write_bytes("\n".join(lines).encode("cp1252"))
    raw = read_file(path)
    try:
        assert raw.encoding == "Windows-1252"
        last = raw.con.execute("SELECT Kategori FROM raw ORDER BY _row DESC LIMIT 1").fetchall()
        assert last == [("Skadegörelse",)]
    finally:
        raw.close()


def test_excel_sep_line_and_blank_lines(tmp_path):
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\n\nDatum;Kategori\n2025-03-04;Klotter\n", encoding="utf-8")
    raw = read_file(path)
    try:
        assert raw.delimiter == ";" and raw.columns == ["Datum", "Kategori"]
        assert raw.head().to_pylist()[0]["_row"] == 4
    finally:
        raw.close()


def test_ragged_rows_are_padded_or_reported_never_truncated(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a;b;c\n1;2;3\n4;5\n6;7;8;9\n10;11;12\n", encoding="utf-8")
    raw = read_file(path)
    try:
        rows = raw.head().to_pylist()
        assert [(r["a"], r["c"], r["_row"]) for r in rows] == [("1", "3", 2), ("4", None, 3),
                                                               ("10", "12", 5)]
        assert raw.structural_rejects == [(4, "Raden har fler fält än rubrikraden", "6;7;8;9")]
    finally:
        raw.close()


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"   \r\n  \n", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
    (b"%PDF-1.4 ...", "not CSV, XLSX or JSON"),
    (b"PK\x03\x04garbage", "Excel workbook"),
    (b"\x00\x01\x02\x03" * 200, "does not look like text"),
    (b"just one line without any delimiter\n", "delimiter"),
    (b"Datum;Kategori\n", "no data rows"),
    (b'[{"a": 1', "not valid JSON"),
    (b"[1, 2, 3]", "array of objects"),
])
def test_unreadable_files_raise_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message) as info:
        read_file(path)
    assert info.value.sv  # a Swedish message for the app


def test_missing_file(tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        read_file(tmp_path / "nope.csv")


@pytest.mark.parametrize("sample,expected", [
    ("a;b;c\n1;2;3\n", ";"), ("a,b,c\n1,2,3\n", ","), ("a\tb\n1\t2\n", "\t"),
    ('a;b\n"1,5";2\n"3,5";4\n', ";"),      # decimal commas inside quotes
    ("Adress,Datum\n\"Storgatan 1; lgh 2\",2025-03-04\n", ","),
    # a title line must not decide: one without the data's delimiter, one with a comma
    ("Felanmälningar Östersund\nDatum;Tid;Typ\n2026-10-01;22:15;Klotter\n"
     "2026-10-02;01:10;Bråk\n", ";"),
    ("Utdrag 2026-11-03, period oktober\n\nDatum;Tid;Typ\n2026-10-01;22:15;Klotter\n", ";"),
    ("Rapport; Östersund\nDatum,Tid,Typ,Adress\n2026-10-01,22:15,Klotter,Storgatan 1\n", ","),
])
def test_detect_delimiter(sample, expected):
    assert detect_delimiter(sample) == expected


PARTNER = ("Östersundshem AB – Felanmälningar;;;;\r\n"
           "Utdrag 2026-11-03, period 2026-10-01 – 2026-10-31;;;;\r\n"
           ";;;;\r\n"
           "Datum;Tid;Typ;Adress;Beskrivning\r\n"
           "2026-10-01;22:15;Klotter;Storgatan 1;Sprayat på porten\r\n"
           "2026-10-02;01:10;Skadegörelse;Prästgatan 2;Ruta;krossad\r\n"
           "2026-10-03;03:10;Störning;Prästgatan 4;\r\n"
           "Totalt: 3;;;;\r\n"
           "Källa: Östersundshem, fastighetssystemet;;;;\r\n")


@pytest.mark.parametrize("encoding,shown", [("utf-8-sig", "UTF-8 med BOM"),
                                            ("cp1252", "Windows-1252")])
def test_title_rows_above_the_header_and_notes_below_the_data(tmp_path, encoding, shown):
    path = tmp_path / "felanmalningar.csv"
    path.write_bytes(PARTNER.replace("–", "-" if encoding == "cp1252" else "–").encode(encoding))
    raw = read_file(path)
    try:
        assert raw.columns == ["Datum", "Tid", "Typ", "Adress", "Beskrivning"]
        assert (raw.header_row, raw.skipped_above, raw.rows) == (4, 2, 2)
        assert raw.describe_sv() == (
            f"CSV, semikolonseparerad, teckenkodning {shown}, rubrikraden är rad 4; "
            "3 rader ovanför hoppades över (titel/anteckningar)")
        rows = raw.head().to_pylist()
        assert [(r["_row"], r["Typ"]) for r in rows] == [(5, "Klotter"), (7, "Störning")]
        assert set(rows[0]) == {"_row", *raw.columns}
        # Row numbers are the file's line numbers, for the line with a field too many
        # and for the notes below the data.
        assert [(n, why) for n, why, _ in raw.structural_rejects] == [
            (6, "Raden har fler fält än rubrikraden"), (8, FOOTER_REASON), (9, FOOTER_REASON)]
        assert raw.structural_rejects[1][2] == "Totalt: 3"
    finally:
        raw.close()


def test_a_title_and_the_sep_line(tmp_path):
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\nRapport oktober\n\nDatum;Kategori\n2025-03-04;Klotter\n",
                    encoding="utf-8")
    raw = read_file(path)
    try:
        assert raw.columns == ["Datum", "Kategori"] and raw.head().to_pylist()[0]["_row"] == 5
        assert (raw.header_row, raw.skipped_above) == (4, 1)
    finally:
        raw.close()


def test_a_plain_file_describes_as_before(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("\nDatum;Kategori\n2025-03-04;Klotter\n", encoding="utf-8")
    raw = read_file(path)
    try:
        assert (raw.header_row, raw.skipped_above) == (2, 0)
        assert raw.describe_sv() == "CSV, semikolonseparerad, teckenkodning UTF-8"
    finally:
        raw.close()


def test_a_file_without_a_header_row_keeps_every_row(tmp_path):
    path = tmp_path / "utan_rubriker.csv"
    path.write_text("Rapport\n2026-10-01;22:15;Klotter;Storgatan 1\n"
                    "2026-10-02;01:10;Bråk;Torget\n2026-10-03;02:10;Klotter\n",
                    encoding="utf-8")
    raw = read_file(path)
    try:
        assert raw.columns == ["kolumn 1", "kolumn 2", "kolumn 3", "kolumn 4"]
        assert (raw.header_row, raw.skipped_above, raw.rows) == (None, 1, 3)
        assert [(r["_row"], r["kolumn 3"]) for r in raw.head().to_pylist()] == [
            (2, "Klotter"), (3, "Bråk"), (4, "Klotter")]
        assert raw.describe_sv().endswith(
            ", ingen rubrikrad hittades (kolumnerna heter kolumn 1, kolumn 2, …); 1 rad med "
            "text ovanför data hoppades över (titel/anteckningar)")
    finally:
        raw.close()
