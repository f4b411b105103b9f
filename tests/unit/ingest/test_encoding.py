"""Encodings: a BOM decides, UTF-8 is decoded line by line with a CP1252 fallback."""
from __future__ import annotations

import pytest

from est_data.ingest.encoding import decode_lines, detect_encoding
from est_data.ingest.readers import read_file

UTF8_LINE = "2025-03-04;Skadegörelse;Åsgatan 1"


def _mixed_file(tmp_path, utf8_lines: int = 3000):
    """A UTF-8 export with one Latin-1 line after the first 64 KB."""
    head = ["Datum;Kategori;Adress"] + [UTF8_LINE] * utf8_lines
    tail = [UTF8_LINE] * 10
    data = ("\n".join(head) + "\n").encode("utf-8")
    assert len(data) > 65536
    data += "2025-03-05;Klotter;Östergatan 2\n".encode("latin-1")
    data += ("\n".join(tail) + "\n").encode("utf-8")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("utf8_lines", [3000, 60000])  # Latin-1 line in or after the sample
def test_one_latin1_line_in_a_utf8_file_is_decoded_alone(tmp_path, utf8_lines):
    raw = read_file(_mixed_file(tmp_path, utf8_lines))
    try:
        assert raw.encoding == "UTF-8" and raw.fallback_lines == 1
        got = raw.con.execute('SELECT DISTINCT "Adress" FROM raw ORDER BY 1').fetchall()
        assert got == [("Åsgatan 1",), ("Östergatan 2",)]
        cats = raw.con.execute('SELECT DISTINCT "Kategori" FROM raw ORDER BY 1').fetchall()
        assert cats == [("Klotter",), ("Skadegörelse",)]
        assert "1 rad" in raw.describe_sv() and "Windows-1252" in raw.describe_sv()
    finally:
        raw.close()


def test_decode_lines_counts_the_lines_that_fell_back():
    data = "å\n".encode() + "ä\r\n".encode("cp1252") + "ö\n".encode() + b"\xf6"
    text, fallback, utf8 = decode_lines(data)
    assert text == "å\nä\r\nö\nö" and fallback == 2 and utf8


def test_decode_lines_of_pure_cp1252_has_no_utf8():
    text, fallback, utf8 = decode_lines("a;b\nå;ä\n".encode("cp1252"))
    assert text == "a;b\nå;ä\n" and fallback == 1 and not utf8


@pytest.mark.parametrize("data,expected", [
    ("Datum;Adress\n2025;Åsgatan\n".encode() + "x;Östergatan\n".encode("latin-1"), "utf-8"),
    ("Datum;Adress\n2025;Åsgatan\n".encode("cp1252"), "cp1252"),
    (b"a;b\n1;2\n", "utf-8"),
])
def test_detect_encoding_prefers_utf8_when_some_lines_are_utf8(data, expected):
    assert detect_encoding(data) == expected


@pytest.mark.parametrize("data,expected", [
    ("Skadegörelse".encode("utf-8"), "utf-8"), ("Skadegörelse".encode("cp1252"), "cp1252"),
    (b"\xef\xbb\xbfDatum", "utf-8-sig"), ("Datum".encode("utf-16"), "utf-16"),
    (b"plain ascii", "utf-8")])
def test_detect_encoding(data, expected):
    assert detect_encoding(data) == expected
