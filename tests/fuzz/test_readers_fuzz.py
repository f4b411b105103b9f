"""Property-based fuzzing of the readers: any bytes give a table or an IngestError."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from est_data.ingest.errors import IngestError
from est_data.ingest.readers import read_file

_TMP = Path(tempfile.mkdtemp(prefix="est-fuzz-"))


def _read(data: bytes, suffix: str = ".csv"):
    path = _TMP / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        table = read_file(path)
    except IngestError as exc:
        assert str(exc) and exc.sv
        return None
    try:
        assert table.rows >= 0 and table.columns
        assert table.head(3).num_rows <= 3
    finally:
        table.close()
    return True


# Text-like fragments make the fuzzer reach the CSV and JSON paths, not only "binary".
_fragments = st.sampled_from([
    b"Datum;Kategori;Adress\n", b"Datum,Kategori\r\n", b"a\tb\tc\n", b'"', b'""', b";", b",",
    b"\t", b"\n", b"\r\n", b"2025-03-04", b"kl 22.15", b"\xe5\xe4\xf6", b"\xc3\xa5",
    b"\xef\xbb\xbf", b"\xff\xfe", b"sep=;\n", b"[", b"]", b"{", b"}", b'{"id": 1}',
    b"PK\x03\x04", b"\x00", b"63,17", b"null", b" ",
])
_blobs = st.lists(st.one_of(_fragments, st.binary(max_size=40)), max_size=40).map(b"".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_blobs)
def test_any_bytes_give_a_table_or_a_clear_error(data):
    _read(data)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_random_binary_gives_a_clear_error(data):
    _read(data)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600))
def test_damaged_zip_gives_a_clear_error(tail):
    _read(b"PK\x03\x04" + tail, suffix=".xlsx")


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20))
def test_any_json_document_gives_a_table_or_a_clear_error(doc):
    import json

    _read(json.dumps(doc).encode("utf-8"), suffix=".json")
