"""The one shape every reader gives: a file's rows as text in a DuckDB connection."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from est_data.ingest.errors import IngestError
from est_data.ingest.headerrow import FOOTER_MAX, FOOTER_REASON, footer_notes

ROW_COLUMN = "_row"  # the spreadsheet row number of each data row (header row = 1)
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabb", "|": "lodstrecks"}
# Temporary tables an import creates in its connection (dropped by RawTable.close()).
TEMP_TABLES = ("raw_t", "raw_lines", "est_rejects", "est_reject_scans", "staged", "s1",
               "addr_match", "police_norm_t", "_occ_main", "_occ_time", "_occ_occ",
               "_rep_main", "_rep_time", "_rep_occ")


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
    # Lines of a UTF-8 file that were not UTF-8 and were decoded as Windows-1252.
    fallback_lines: int = 0
    # The header's line (CSV) or row (XLSX) number, None when the table has no header
    # row (its columns are "kolumn 1", ...); and the rows above it that held text (a
    # title, notes), skipped. Blank rows and a "sep=" line are not counted.
    header_row: int | None = 1
    skipped_above: int = 0
    sheet_auto: bool = False       # the sheet was picked as the one that looks like data
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
        """``CSV, semikolonseparerad, teckenkodning UTF-8`` and the like, for the app;
        with the sheet and the header row when they are not the obvious ones."""
        if self.kind == "csv":
            name = DELIMITER_NAMES.get(self.delimiter)
            sep = f"{name}separerad" if name else f"avgränsare {self.delimiter!r}"
            text = f"CSV, {sep}, teckenkodning {self.encoding}"
            if self.fallback_lines:
                lines = "1 rad" if self.fallback_lines == 1 else f"{self.fallback_lines} rader"
                text += f" ({lines} i Windows-1252)"
            return text + self._header_sv()
        if self.kind == "xlsx":
            text = f"Excel (XLSX), blad \u201d{self.sheet}\u201d"
            if self.sheet_auto:
                text += f" (valt bland {len(self.sheets)} blad: det som ser ut som en tabell)"
            return text + self._header_sv()
        return "JSON, Polisens händelseflöde" if self.police_feed else "JSON"

    def _header_sv(self) -> str:
        if self.header_row is None:
            text = ", ingen rubrikrad hittades (kolumnerna heter kolumn 1, kolumn 2, …)"
            if self.skipped_above:
                rows = "1 rad" if self.skipped_above == 1 else f"{self.skipped_above} rader"
                text += f"; {rows} med text ovanför data hoppades över (titel/anteckningar)"
            return text
        if not self.skipped_above:
            return ""
        above = self.header_row - 1
        rows = "1 rad" if above == 1 else f"{above} rader"
        return (f", rubrikraden är rad {self.header_row}; {rows} ovanför hoppades över "
                "(titel/anteckningar)")


def clean_names(names: list[str]) -> list[str]:
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


def connection(con: duckdb.DuckDBPyConnection | None) -> tuple[duckdb.DuckDBPyConnection, bool]:
    return (con, False) if con is not None else (duckdb.connect(), True)


def finish(con: duckdb.DuckDBPyConnection, names: list[str], first_row: int,
           owned: bool = True, **meta) -> RawTable:
    """Define the view ``raw`` over ``raw_t`` with the ``_row`` numbers; notes below the
    data ("Totalt: 123") become rejected rows with their reason (:func:`footer`)."""
    structural = list(meta.pop("structural", []))
    n = int(con.execute("SELECT count(*) FROM raw_t").fetchall()[0][0])
    lines = None
    if structural:  # rows after a rejected line sit one line further down
        lines = np.arange(first_row, first_row + n + len(structural), dtype=np.int64)
        lines = np.setdiff1d(lines, np.array([r[0] for r in structural], dtype=np.int64))[:n]
    notes = footer(con, n, names, meta.get("delimiter") or ";")
    for pos, text in notes:
        line = int(lines[pos]) if lines is not None else first_row + pos
        structural.append((line, FOOTER_REASON, text))
    dropped = [pos for pos, _ in notes]
    if lines is not None:
        kept = np.setdiff1d(np.arange(n, dtype=np.int64), np.array(dropped, dtype=np.int64))
        row_map = pa.table({"pos": kept, "line": lines[kept]})
        con.execute("CREATE OR REPLACE TEMP TABLE raw_lines AS SELECT * FROM row_map")
        con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT l.line AS _row, t.* EXCLUDE (pos) "
                    "FROM (SELECT rowid AS pos, * FROM raw_t) t JOIN raw_lines l USING (pos)")
    else:
        where = (f" WHERE rowid NOT IN ({', '.join(str(int(p)) for p in dropped)})"
                 if dropped else "")
        con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT rowid + {int(first_row)} "
                    f"AS _row, * FROM raw_t{where}")
    if n == 0 and not structural:
        raise IngestError("the file has a header row but no data rows",
                          "Filen har en rubrikrad men inga datarader.")
    return RawTable(con=con, columns=names, structural_rejects=structural,
                    rows=n - len(dropped), owned=owned, **meta)


def footer(con: duckdb.DuckDBPyConnection, n: int, names: list[str], delimiter: str
           ) -> list[tuple[int, str]]:
    """The notes below the data in ``raw_t`` as (position, text): see
    :func:`.headerrow.footer_notes`. Only the last rows are read."""
    start = max(0, n - FOOTER_MAX)
    tail = con.execute(f"SELECT * FROM raw_t WHERE rowid >= {start} ORDER BY rowid").fetchall()
    return [(start + k, delimiter.join(c or "" for c in tail[k]).rstrip(delimiter))
            for k in footer_notes(tail, len(names), total=n)]


def from_arrow(table: pa.Table, columns: list[str], con=None, **meta) -> RawTable:
    """A RawTable from an Arrow table that already has ``_row``."""
    con, owned = connection(con)
    con.register("arrow_src", table)
    con.execute("CREATE OR REPLACE TEMP TABLE raw_t AS SELECT * FROM arrow_src")
    con.unregister("arrow_src")
    con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM raw_t")
    return RawTable(con=con, columns=columns, rows=table.num_rows, owned=owned, **meta)
