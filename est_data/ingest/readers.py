"""Reading actors' files into one shape: a table of text columns.

Exports arrive as CSV (``,`` ``;`` or tab; UTF-8, UTF-8 with BOM, UTF-16 from Excel's
"Unicode text", CP1252/Latin-1 from older Windows systems), as XLSX (the sheet that
looks like data unless told) or as JSON (the Police's public events feed). The header
row is found below title rows and notes (:mod:`.headerrow`). Everything is read as
text; parsing dates and numbers is the next step's job, so a reader never guesses.

Any input either gives a :class:`RawTable` or raises :class:`IngestError` with a
message naming the problem: never another exception.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections import Counter
from pathlib import Path

import duckdb

from est_data.core import config
from est_data.ingest import headerrow, limits
from est_data.ingest.encoding import (
    SAMPLE_BYTES, check_text, decode_cp1252, decode_lines, decode_sample, detect_encoding)
from est_data.ingest.errors import IngestError
from est_data.ingest.jsonfile import POLICE_KEYS, read_json
from est_data.ingest.rawtable import (
    DELIMITER_NAMES, ROW_COLUMN, TEMP_TABLES, RawTable, clean_names, connection, finish)
from est_data.ingest.xlsx import read_xlsx

# Names other modules and tests import from here.
__all__ = ["DELIMITERS", "DELIMITER_NAMES", "POLICE_KEYS", "ROW_COLUMN", "SAMPLE_BYTES",
           "TEMP_TABLES", "RawTable", "detect_delimiter", "detect_encoding", "detect_kind",
           "read_csv", "read_file", "read_json", "read_xlsx"]

DELIMITERS = (";", ",", "\t", "|")
_SNIFF_LINES = 50
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HEADER_LINES = 200  # lines of the sample the header row is looked for in (with the rows
                     # below that judge it)


# --- format ---------------------------------------------------------------------------

def detect_kind(head: bytes) -> str:
    """``csv``, ``xlsx`` or ``json`` from the first bytes; raises for the rest."""
    if not head.strip():
        raise IngestError("the file is empty", "Filen är tom.")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            "this is an old Excel file (.xls); save it as .xlsx or CSV and import that",
            "Filen är en gammal Excel-fil (.xls). Spara den som .xlsx eller CSV och "
            "importera den i stället.")
    for magic, what in ((b"%PDF", "a PDF"), (b"\x1f\x8b", "gzip-compressed"),
                        (b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image")):
        if head.startswith(magic):
            raise IngestError(f"the file is {what} file, not CSV, XLSX or JSON",
                              "Filen är varken CSV, Excel (XLSX) eller JSON.")
    text = decode_sample(head, detect_encoding(head)).lstrip("\ufeff \t\r\n")
    if text[:1] in ("[", "{"):
        return "json"
    return "csv"


# --- CSV -------------------------------------------------------------------------------

def _split(line_block: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(line_block), delimiter=delimiter, quotechar='"'))
    except csv.Error:
        return []


def detect_delimiter(sample: str) -> str:
    """The delimiter that splits the most of the first lines into the same number (> 1)
    of fields: the rows' common width, not the first line's, so a title line above the
    header ("Felanmälningar, Östersund") cannot decide."""
    lines = [ln for ln in sample.splitlines()[:_SNIFF_LINES] if ln.strip()]
    if lines and lines[0].lower().startswith("sep=") and len(lines[0]) >= 5:
        return lines[0][4]
    if len(lines) > 1 and len(sample) >= SAMPLE_BYTES - 3:
        lines = lines[:-1]  # the sample may end in the middle of a line
    block = "\n".join(lines)
    best, best_score = None, (0, 0)
    for delim in DELIMITERS:
        widths = Counter(len(r) for r in _split(block, delim) if len(r) >= 2)
        if not widths:
            continue
        width, agree = max(widths.items(), key=lambda wa: (wa[1], wa[0]))
        score = (agree, width)
        if score > best_score:
            best, best_score = delim, score
    if best is None:
        raise IngestError(
            "cannot find the column delimiter: no line has ';', ',' or tab "
            "separating at least two columns",
            "Hittar ingen kolumnavgränsare: ingen rad har semikolon, komma eller "
            "tabbtecken som delar den i minst två kolumner.")
    return best


def _sample_rows(sample: str, delimiter: str) -> list[tuple[list[str], int, int]]:
    """The first lines of the sample as rows: (fields, first line, last line), lines
    numbered from 1 as DuckDB's ``skip`` counts them. Blank and ``sep=`` lines are rows
    without fields; a line the sample may have cut is left out."""
    lines = _LINE_BREAK.split(sample, maxsplit=_HEADER_LINES)
    if len(lines) > _HEADER_LINES or len(sample) >= SAMPLE_BYTES - 3:
        lines = lines[:-1]  # the rest of the sample, or a line the sample may have cut
    out: list[tuple[list[str], int, int]] = []
    reader = csv.reader(iter(lines), delimiter=delimiter, quotechar='"')
    done = 0
    try:
        for fields in reader:
            first, done = done + 1, reader.line_num
            blank = not "".join(fields).strip() and len(fields) <= 1
            sep = len(fields) <= 2 and lines[first - 1].lower().startswith("sep=")
            out.append(([] if blank or sep else fields, first, done))
    except csv.Error:  # a NUL byte or an endless quote: the rows read so far
        pass
    return out


def _header(sample: str, delimiter: str) -> tuple[list[str], int, dict]:
    """Column names, the number of lines before the data, and what the reader records
    about the header row (its line, the rows with text skipped above it) for
    :class:`RawTable`. The header row is the one :func:`.headerrow.find_header` finds."""
    rows = _sample_rows(sample, delimiter)
    found = headerrow.find_header([r for r, _, _ in rows])
    start = found.start
    if start is None:  # no row with two filled cells: the first line that is not blank
        start = next((i for i, (r, _, _) in enumerate(rows) if r), None)
        found = headerrow.HeaderRow(start, start, "the first line")
    if start is None:
        raise IngestError("the file has no header row", "Filen saknar rubrikrad.")
    above = sum(1 for r, _, _ in rows[:start] if any(c.strip() for c in r))
    fields, first, last = rows[start]
    if found.index is None:  # no header: every row is data, nothing is lost
        width = max(len(r) for r, _, _ in rows[start:])
        return (clean_names([""] * width), first - 1,
                {"header_row": None, "skipped_above": above})
    if len(fields) < 2:
        raise IngestError(
            f"the header row has only one column with the delimiter {delimiter!r}",
            f"Rubrikraden har bara en kolumn med avgränsaren {delimiter!r}.")
    return clean_names(fields), last, {"header_row": first, "skipped_above": above}


def _csv_relation_sql(path: str, delimiter: str, names: list[str], skip: int,
                      lenient: bool) -> tuple[str, list]:
    columns = "{" + ", ".join(f"'{_sql_str(n)}': 'VARCHAR'" for n in names) + "}"
    # Lenient reads run on one thread: the parallel reader drops a line longer than its
    # buffer (~32 MB) without a reject entry.
    options = ("null_padding = true, store_rejects = true, parallel = false, "
               "rejects_table = 'est_rejects', rejects_scan = 'est_reject_scans'"
               if lenient else "strict_mode = true")
    sql = (f"SELECT * FROM read_csv(?, delim = ?, quote = '\"', escape = '\"', "
           f"header = false, skip = {int(skip)}, auto_detect = false, "
           f"columns = {columns}, encoding = 'utf-8', "
           f"max_line_size = {int(config.MAX_LINE_BYTES)}, {options}) "
           f"LIMIT {limits.max_rows(len(names)) + 1}")
    return sql, [path, delimiter]


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


def _read_csv_duckdb(con: duckdb.DuckDBPyConnection, path: str, delimiter: str,
                     names: list[str], skip: int) -> list[tuple[int, str, str]]:
    """Create table ``raw_t`` in ``con``; return the lines that could not be split."""
    sql, params = _csv_relation_sql(path, delimiter, names, skip, lenient=False)
    rejects: list = []
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE raw_t AS " + sql, params)
        _check_rows(con, len(names))
        return []
    except duckdb.Error as exc:
        if _is_encoding_error(exc):
            raise _NotUtf8() from exc
    sql, params = _csv_relation_sql(path, delimiter, names, skip, lenient=True)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE raw_t AS " + sql, params)
        rejects = con.execute(
            "SELECT line, error_type, csv_line FROM est_rejects ORDER BY line").fetchall()
        _check_rows(con, len(names))
    except duckdb.Error as exc:
        if _is_encoding_error(exc):
            raise _NotUtf8() from exc
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IngestError(f"cannot parse the CSV file: {first}",
                          f"CSV-filen kan inte tolkas: {first}") from exc
    if any(kind in _ENCODING_ERRORS for _, kind, _ in rejects):
        raise _NotUtf8()
    reasons = {**_REASONS, "LINE SIZE OVER MAXIMUM": limits.line_too_long_sv()}
    return [(int(line), reasons.get(kind, f"Raden kan inte läsas ({kind})"),
             str(text or "")[:2000]) for line, kind, text in rejects]


def _is_encoding_error(exc: Exception) -> bool:
    """DuckDB's error is about bytes that are not UTF-8 (not about a line's content,
    which the message quotes)."""
    text = "\n".join(ln for ln in str(exc).lower().splitlines()
                     if not ln.startswith("original line"))
    return "unicode" in text or "utf" in text


def _check_rows(con, columns: int) -> None:
    """Refuse a file with more rows than the limits allow (it was read up to one more)."""
    limit = limits.max_rows(columns)
    if int(con.execute("SELECT count(*) FROM raw_t").fetchall()[0][0]) > limit:
        raise limits.too_many_rows(limit, columns)


_REASONS = {"TOO MANY COLUMNS": "Raden har fler fält än rubrikraden",
            "UNQUOTED VALUE": "Citattecken på fel ställe",
            "INVALID UNICODE": "Ogiltiga tecken"}
_ENCODING_ERRORS = ("INVALID UNICODE", "INVALID ENCODING")
_SHOWN = {"utf-8-sig": "UTF-8 med BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252",
          "utf-16": "UTF-16"}


class _NotUtf8(Exception):
    """DuckDB met bytes that are not UTF-8 further into a file that began as UTF-8."""


def read_csv(path: Path, encoding: str | None = None, delimiter: str | None = None,
             con: duckdb.DuckDBPyConnection | None = None) -> RawTable:
    """Read a delimited text file with DuckDB's parallel CSV reader (all text)."""
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    enc = (encoding or detect_encoding(head)).lower().replace("_", "-")
    if enc in ("latin-1", "latin1", "iso-8859-1", "windows-1252"):
        enc = "cp1252"
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        raise IngestError(f"unknown encoding {encoding!r}",
                          f"Okänd teckenkodning {encoding!r}.") from exc
    sample = decode_sample(head, enc)
    check_text(sample)
    delim = delimiter or detect_delimiter(sample)
    names, skip, header = _header(sample, delim)
    con, owned = connection(con)
    try:
        structural, shown, fallback = _read_text(con, path, enc, delim, names, skip)
        return finish(con, names, skip + 1, kind="csv", encoding=shown, delimiter=delim,
                      structural=structural, owned=owned, fallback_lines=fallback, **header)
    except BaseException:
        if owned:
            con.close()
        raise


def _read_text(con, path: Path, enc: str, delim: str, names: list[str], skip: int
               ) -> tuple[list[tuple[int, str, str]], str, int]:
    """Table ``raw_t`` from the file: the structural rejects, the encoding as the app
    shows it, and the number of lines decoded as Windows-1252 in a UTF-8 file.

    DuckDB reads UTF-8 itself. Other encodings, and UTF-8 files with lines that are
    not UTF-8, are decoded here (line by line for UTF-8) and read from a UTF-8 copy.
    """
    if enc in ("utf-8", "utf-8-sig"):
        try:
            return _read_csv_duckdb(con, str(path), delim, names, skip), _SHOWN[enc], 0
        except _NotUtf8:
            pass
    data = Path(path).read_bytes()
    fallback = 0
    if enc in ("utf-8", "utf-8-sig"):
        text, fallback, utf8 = decode_lines(data)
        if not utf8:  # no line needs UTF-8: the file is simply Windows-1252
            enc, fallback = "cp1252", 0
    elif enc == "cp1252":
        text = decode_cp1252(data)
    else:
        text = data.decode(enc, errors="replace")
    return _read_utf8_copy(con, text, delim, names, skip), _SHOWN.get(enc, enc), fallback


def _read_utf8_copy(con, text: str, delim: str, names: list[str], skip: int):
    fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="est-import-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        try:
            return _read_csv_duckdb(con, tmp, delim, names, skip)
        except _NotUtf8 as exc:  # cannot happen after transcoding; keep the promise anyway
            raise IngestError("the file has invalid characters",
                              "Filen innehåller ogiltiga tecken.") from exc
    finally:
        os.unlink(tmp)


# --- entry point -----------------------------------------------------------------------

def read_file(path: Path | str, encoding: str | None = None, delimiter: str | None = None,
              sheet: str | None = None, con: duckdb.DuckDBPyConnection | None = None) -> RawTable:
    """Read any supported file into a :class:`RawTable`; the format is detected from
    the content, not the name. With ``con`` the rows land in temporary tables of that
    connection (an import stages next to the database it writes to); otherwise in a
    private in-memory database."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(SAMPLE_BYTES)
    except FileNotFoundError as exc:
        raise IngestError(f"no such file: {path}", f"Filen finns inte: {path.name}") from exc
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror}",
                          f"Filen {path.name} kan inte läsas.") from exc
    kind = detect_kind(head)
    if kind == "xlsx":
        return read_xlsx(path, sheet, con=con)
    if kind == "json":
        return read_json(path, con=con)
    if delimiter and delimiter.lower() in ("tab", "\\t"):
        delimiter = "\t"
    return read_csv(path, encoding=encoding, delimiter=delimiter, con=con)
