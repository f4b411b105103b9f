"""Reading actors' files into one shape: a table of text columns.

Exports arrive as CSV (``,`` ``;`` or tab; UTF-8, UTF-8 with BOM, UTF-16 from Excel's
"Unicode text", CP1252/Latin-1 from older Windows systems), as XLSX (first sheet unless
told) or as JSON (the Police's public events feed). Everything is read as text; parsing
dates and numbers is the next step's job, so a reader never guesses.

Any input either gives a :class:`RawTable` or raises :class:`IngestError` with a
message naming the problem: never another exception.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from est_data.ingest.errors import IngestError

ROW_COLUMN = "_row"  # the spreadsheet row number of each data row (header row = 1)
DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabb", "|": "lodstrecks"}
SAMPLE_BYTES = 1 << 20
# Temporary tables an import creates in its connection (dropped by RawTable.close()).
TEMP_TABLES = ("raw_t", "raw_lines", "est_rejects", "est_reject_scans", "staged", "s1",
               "addr_match", "police_norm_t", "_occ_main", "_occ_time", "_occ_occ",
               "_rep_main", "_rep_time", "_rep_occ")
_SNIFF_LINES = 50


@dataclass
class RawTable:
    """A file read as text into a private in-memory DuckDB connection.

    ``con`` holds the view ``raw``: one VARCHAR column per file column plus ``_row``
    (the row's number in the file as a spreadsheet shows it: header row = 1).
    ``columns`` are the file's own (cleaned) column names in order.
    """

    con: duckdb.DuckDBPyConnection
    columns: list[str]
    kind: str                      # "csv", "xlsx" or "json"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    police_feed: bool = False
    # Lines the CSV parser could not split into the header's columns:
    # (row number, Swedish reason, the line as text).
    structural_rejects: list[tuple[int, str, str]] = field(default_factory=list)
    rows: int = 0
    owned: bool = True             # False: ``con`` is the caller's (objects are TEMP)

    def head(self, n: int = 20) -> pa.Table:
        """The first ``n`` data rows (for previews)."""
        return self.con.sql(f"SELECT * FROM raw ORDER BY _row LIMIT {int(n)}").to_arrow_table()

    def close(self) -> None:
        """Close a private connection, or drop the temporary objects from the caller's."""
        if self.owned:
            self.con.close()
            return
        self.con.execute("DROP VIEW IF EXISTS norm")
        self.con.execute("DROP VIEW IF EXISTS norm_words")
        self.con.execute("DROP VIEW IF EXISTS raw")
        for name in TEMP_TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def describe_sv(self) -> str:
        """``CSV, semikolonseparerad, teckenkodning UTF-8`` and the like, for the app."""
        if self.kind == "csv":
            name = DELIMITER_NAMES.get(self.delimiter)
            sep = f"{name}separerad" if name else f"avgränsare {self.delimiter!r}"
            return f"CSV, {sep}, teckenkodning {self.encoding}"
        if self.kind == "xlsx":
            return f"Excel (XLSX), blad \u201d{self.sheet}\u201d"
        return "JSON, Polisens händelseflöde" if self.police_feed else "JSON"


# --- format and encoding ---------------------------------------------------------------

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
    text = _decode_sample(head, detect_encoding(head)).lstrip("\ufeff \t\r\n")
    if text[:1] in ("[", "{"):
        return "json"
    return "csv"


def detect_encoding(head: bytes) -> str:
    """The text encoding of a file from its first bytes.

    A BOM decides; otherwise valid UTF-8 is UTF-8 and anything else is Windows-1252
    (a superset of Latin-1 for the letters Swedish needs).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A sample may cut a multi-byte character in two at its end.
        if exc.start >= len(head) - 3 and len(head) >= SAMPLE_BYTES - 3:
            return "utf-8"
        return "cp1252"


def _decode_sample(head: bytes, encoding: str) -> str:
    if encoding == "cp1252":
        return _decode_cp1252(head)
    return head.decode(encoding, errors="ignore")


def _decode_cp1252(data: bytes) -> str:
    # Five byte values are undefined in CP1252; Latin-1 maps them to control characters.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _check_text(sample: str) -> None:
    if not sample.strip():
        raise IngestError("the file is empty", "Filen är tom.")
    bad = sum(1 for ch in sample[:65536] if (ord(ch) < 32 and ch not in "\t\r\n\f")
              or ch == "\ufffd")
    if "\x00" in sample or bad > max(3, len(sample[:65536]) // 100):
        raise IngestError(
            "the file does not look like text (CSV), an Excel file or JSON",
            "Filen ser inte ut som text (CSV), en Excel-fil eller JSON.")


# --- CSV -------------------------------------------------------------------------------

def _clean_names(names: list[str]) -> list[str]:
    """Trimmed, unique, non-empty column names ("kolumn 3", "Datum (2)")."""
    out: list[str] = []
    for i, name in enumerate(names, start=1):
        name = " ".join(str(name or "").replace("\ufeff", "").split())
        if not name or name.startswith(ROW_COLUMN):
            name = f"kolumn {i}"
        base, k = name, 2
        while name in out:
            name = f"{base} ({k})"
            k += 1
        out.append(name)
    return out


def _split(line_block: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(line_block), delimiter=delimiter, quotechar='"'))
    except csv.Error:
        return []


def detect_delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the same number (> 1) of fields."""
    lines = [ln for ln in sample.splitlines()[:_SNIFF_LINES] if ln.strip()]
    if lines and lines[0].lower().startswith("sep=") and len(lines[0]) >= 5:
        return lines[0][4]
    if len(lines) > 1 and len(sample) >= SAMPLE_BYTES - 3:
        lines = lines[:-1]  # the sample may end in the middle of a line
    block = "\n".join(lines)
    best, best_score = None, (0, 0)
    for delim in DELIMITERS:
        rows = [r for r in _split(block, delim) if r]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agree = sum(1 for r in rows if len(r) == width)
        score = (agree, width)
        if score > best_score:
            best, best_score = delim, score
    if best is None:
        raise IngestError(
            "cannot find the column delimiter: the first line has no ';', ',' or tab "
            "separating at least two columns",
            "Hittar ingen kolumnavgränsare: första raden har inget semikolon, komma eller "
            "tabbtecken som delar den i minst två kolumner.")
    return best


def _header(sample: str, delimiter: str) -> tuple[list[str], int]:
    """Column names and the number of lines before the data (``sep=`` line, blanks)."""
    lines = sample.splitlines()
    skip = 0
    while skip < len(lines) and (not lines[skip].strip()
                                 or lines[skip].lower().startswith("sep=")):
        skip += 1
    if skip >= len(lines):
        raise IngestError("the file has no header row", "Filen saknar rubrikrad.")
    fields = _split(lines[skip], delimiter)
    if not fields or len(fields[0]) < 2:
        raise IngestError(
            f"the header row has only one column with the delimiter {delimiter!r}",
            f"Rubrikraden har bara en kolumn med avgränsaren {delimiter!r}.")
    return _clean_names(fields[0]), skip + 1


def _csv_relation_sql(path: str, delimiter: str, names: list[str], skip: int,
                      lenient: bool) -> tuple[str, list]:
    columns = "{" + ", ".join(f"'{_sql_str(n)}': 'VARCHAR'" for n in names) + "}"
    options = ("null_padding = true, store_rejects = true, "
               "rejects_table = 'est_rejects', rejects_scan = 'est_reject_scans'"
               if lenient else "strict_mode = true")
    sql = (f"SELECT * FROM read_csv(?, delim = ?, quote = '\"', escape = '\"', "
           f"header = false, skip = {int(skip)}, auto_detect = false, "
           f"columns = {columns}, encoding = 'utf-8', {options})")
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
        return []
    except duckdb.Error as exc:
        if "unicode" in str(exc).lower() or "utf" in str(exc).lower():
            raise _NotUtf8() from exc
    sql, params = _csv_relation_sql(path, delimiter, names, skip, lenient=True)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE raw_t AS " + sql, params)
        rejects = con.execute(
            "SELECT line, error_type, csv_line FROM est_rejects ORDER BY line").fetchall()
    except duckdb.Error as exc:
        if "unicode" in str(exc).lower() or "utf" in str(exc).lower():
            raise _NotUtf8() from exc
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IngestError(f"cannot parse the CSV file: {first}",
                          f"CSV-filen kan inte tolkas: {first}") from exc
    reasons = {"TOO MANY COLUMNS": "Raden har fler fält än rubrikraden",
               "UNQUOTED VALUE": "Citattecken på fel ställe",
               "INVALID UNICODE": "Ogiltiga tecken"}
    return [(int(line), reasons.get(kind, f"Raden kan inte läsas ({kind})"),
             str(text or "")[:2000]) for line, kind, text in rejects]


class _NotUtf8(Exception):
    """DuckDB met bytes that are not UTF-8 further into a file that began as UTF-8."""


def _connection(con: duckdb.DuckDBPyConnection | None) -> tuple[duckdb.DuckDBPyConnection, bool]:
    return (con, False) if con is not None else (duckdb.connect(), True)


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
    sample = _decode_sample(head, enc)
    _check_text(sample)
    delim = delimiter or detect_delimiter(sample)
    names, skip = _header(sample, delim)
    con, owned = _connection(con)
    try:
        structural = None
        if enc in ("utf-8", "utf-8-sig"):
            try:
                structural = _read_csv_duckdb(con, str(path), delim, names, skip)
            except _NotUtf8:
                enc = "cp1252"
        if structural is None:
            structural = _read_transcoded(con, path, enc, delim, names, skip)
        shown = {"utf-8-sig": "UTF-8 med BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252",
                 "utf-16": "UTF-16"}.get(enc, enc)
        return _finish(con, names, skip + 1, kind="csv", encoding=shown, delimiter=delim,
                       structural=structural, owned=owned)
    except BaseException:
        if owned:
            con.close()
        raise


def _read_transcoded(con, path: Path, enc: str, delim: str, names: list[str], skip: int):
    data = Path(path).read_bytes()
    text = _decode_cp1252(data) if enc == "cp1252" else data.decode(enc, errors="replace")
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


def _finish(con: duckdb.DuckDBPyConnection, names: list[str], first_row: int,
            owned: bool = True, **meta) -> RawTable:
    """Define the view ``raw`` over ``raw_t`` with the ``_row`` numbers."""
    structural = meta.pop("structural", [])
    n = int(con.execute("SELECT count(*) FROM raw_t").fetchall()[0][0])
    if structural:  # rows after a rejected line sit one line further down
        lines = np.arange(first_row, first_row + n + len(structural), dtype=np.int64)
        lines = np.setdiff1d(lines, np.array([r[0] for r in structural], dtype=np.int64))[:n]
        row_map = pa.table({"pos": np.arange(n, dtype=np.int64), "line": lines})
        con.execute("CREATE OR REPLACE TEMP TABLE raw_lines AS SELECT * FROM row_map")
        con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT l.line AS _row, t.* "
                    "FROM (SELECT rowid AS pos, * FROM raw_t) t JOIN raw_lines l USING (pos)")
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT rowid + {int(first_row)} AS _row, * "
                    "FROM raw_t")
    if n == 0 and not structural:
        raise IngestError("the file has a header row but no data rows",
                          "Filen har en rubrikrad men inga datarader.")
    return RawTable(con=con, columns=names, structural_rejects=structural, rows=n, owned=owned,
                    **meta)


def _from_arrow(table: pa.Table, columns: list[str], con=None, **meta) -> RawTable:
    """A RawTable from an Arrow table that already has ``_row``."""
    con, owned = _connection(con)
    con.register("arrow_src", table)
    con.execute("CREATE OR REPLACE TEMP TABLE raw_t AS SELECT * FROM arrow_src")
    con.unregister("arrow_src")
    con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM raw_t")
    return RawTable(con=con, columns=columns, rows=table.num_rows, owned=owned, **meta)


# --- XLSX ------------------------------------------------------------------------------

def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return text if text.strip() else None


def read_xlsx(path: Path, sheet: str | None = None, con=None) -> RawTable:
    """Read the first (or the named) sheet; the header is the first row with two or
    more filled cells. Date cells become ISO text, numbers plain text."""
    import openpyxl  # only needed for Excel files

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError,
            AttributeError, EOFError) as exc:
        raise IngestError(f"cannot open the file as an Excel workbook (.xlsx): {exc}",
                          "Filen kan inte öppnas som Excel-arbetsbok (.xlsx).") from exc
    except Exception as exc:  # openpyxl raises its own types for damaged parts
        raise IngestError(f"cannot open the file as an Excel workbook (.xlsx): {exc}",
                          "Filen kan inte öppnas som Excel-arbetsbok (.xlsx).") from exc
    try:
        names = list(book.sheetnames)
        if not names:
            raise IngestError("the workbook has no sheets", "Arbetsboken har inga blad.")
        if sheet:
            match = [n for n in names if n.strip().lower() == sheet.strip().lower()]
            if not match:
                raise IngestError(
                    f"the workbook has no sheet {sheet!r}; its sheets are: {', '.join(names)}",
                    f"Arbetsboken har inget blad som heter \u201d{sheet}\u201d. "
                    f"Bladen heter: {', '.join(names)}.")
            chosen = match[0]
        else:
            chosen = names[0]
        try:
            rows = book[chosen].iter_rows(values_only=True)
            header, header_row, data = None, 0, []
            for number, row in enumerate(rows, start=1):
                cells = [_cell_text(v) for v in row]
                if header is None:
                    if sum(c is not None for c in cells) >= 2:
                        header, header_row = cells, number
                    elif number > 50:
                        break
                    continue
                if any(c is not None and c.strip() for c in cells):
                    data.append((number, cells))
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError(f"cannot read the sheet {chosen!r}: {exc}",
                              f"Bladet \u201d{chosen}\u201d kan inte läsas.") from exc
    finally:
        book.close()
    if header is None:
        raise IngestError(f"the sheet {chosen!r} has no header row",
                          f"Bladet \u201d{chosen}\u201d saknar rubrikrad.")
    while header and header[-1] is None:
        header.pop()
    columns = _clean_names(header)
    width = len(columns)
    arrays = {c: pa.array([(cells[i] if i < len(cells) else None) for _, cells in data],
                          type=pa.string()) for i, c in enumerate(columns)}
    arrays[ROW_COLUMN] = pa.array([n for n, _ in data], type=pa.int64())
    if not data:
        raise IngestError("the sheet has a header row but no data rows",
                          "Bladet har en rubrikrad men inga datarader.")
    del width
    return _from_arrow(pa.table(arrays), columns, con=con, kind="xlsx", sheet=chosen,
                       sheets=names)


# --- JSON ------------------------------------------------------------------------------

POLICE_KEYS = {"id", "datetime", "name", "type", "location"}


def _flatten(obj: dict, prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not prefix:
            out.update(_flatten(value, prefix=f"{name}."))
        elif value is None:
            out[name] = None
        elif isinstance(value, (dict, list)):
            out[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = str(value)
    return out


def read_json(path: Path, con=None) -> RawTable:
    """A JSON array of objects (the Police's events feed, or any flat list of records);
    nested objects become ``parent.child`` columns."""
    data = Path(path).read_bytes()
    try:
        doc = json.loads(data.decode(detect_encoding(data[:SAMPLE_BYTES]), errors="strict"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise IngestError(f"the file is not valid JSON: {exc}",
                          "Filen är inte giltig JSON.") from exc
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        doc = lists[0] if len(lists) == 1 else doc
    if not isinstance(doc, list) or not doc or not all(isinstance(r, dict) for r in doc):
        raise IngestError(
            "the JSON file must be a non-empty array of objects (like the police events feed)",
            "JSON-filen måste vara en lista med poster (som Polisens händelseflöde).")
    records = [_flatten(r) for r in doc]
    names: list[str] = []
    for rec in records:
        for key in rec:
            if key not in names:
                names.append(key)
    if not names:
        raise IngestError("the JSON records have no fields", "JSON-posterna saknar fält.")
    arrays = {n: pa.array([r.get(n) for r in records], type=pa.string()) for n in names}
    clean = _clean_names(names)
    table = pa.table(arrays).rename_columns(clean)
    table = table.append_column(ROW_COLUMN, pa.array(np.arange(1, len(records) + 1)))
    police = POLICE_KEYS <= set(doc[0])
    return _from_arrow(table, clean, con=con, kind="json", encoding="UTF-8",
                       police_feed=police)


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
