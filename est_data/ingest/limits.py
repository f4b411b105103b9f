"""How much one file may hold: rows, cells and the length of a line.

The limits live in :mod:`est_data.core.config` and are read when a file is read (tests
lower them). A file over a limit is refused before it is loaded whole, with a reason
and what to do; a CSV line over :data:`~est_data.core.config.MAX_LINE_BYTES` becomes a
rejected row.
"""
from __future__ import annotations

from est_data.core import config
from est_data.core.fmt import num
from est_data.ingest.errors import IngestError


def max_rows(columns: int, cells: int | None = None) -> int:
    """The most data rows a file with ``columns`` columns may have (``cells`` defaults
    to the CSV and JSON cell limit)."""
    cells = config.MAX_IMPORT_CELLS if cells is None else cells
    return max(1, min(config.MAX_IMPORT_ROWS, cells // max(1, columns)))


def too_many_rows(limit: int, columns: int) -> IngestError:
    """The error for a file with more than ``limit`` data rows of ``columns`` columns."""
    return IngestError(
        f"the file has more than {limit:,} data rows of {columns} columns, more than one "
        f"import takes (at most {config.MAX_IMPORT_ROWS:,} rows and "
        f"{config.MAX_IMPORT_CELLS:,} cells); split it into smaller files",
        f"Filen har fler än {num(limit)} datarader med {columns} kolumner, mer än en import "
        f"klarar. Dela upp den i mindre filer.")


def too_large_sheet(sheet: str, rows: int, columns: int, exact: bool) -> IngestError:
    """The error for an Excel sheet over the row or cell limit."""
    about, ungefar = ("", "") if exact else ("at least ", "minst ")
    return IngestError(
        f"the sheet {sheet!r} has {about}{rows:,} rows of {columns} columns, more than an "
        f"Excel import takes (at most {config.MAX_IMPORT_ROWS:,} rows and "
        f"{config.MAX_XLSX_CELLS:,} cells); save it as CSV or split it",
        f"Bladet \u201d{sheet}\u201d har {ungefar}{num(rows)} rader med {columns} kolumner, "
        f"mer än en Excel-import klarar. Spara det som CSV eller dela upp det.")


def sheet_fits(rows: int, columns: int) -> bool:
    """Whether a sheet of ``rows`` x ``columns`` is within the Excel limits."""
    return (rows <= config.MAX_IMPORT_ROWS + 1
            and rows * max(1, columns) <= config.MAX_XLSX_CELLS)


def line_too_long_sv() -> str:
    """The Swedish reason on a rejected CSV line that is too long."""
    return f"Raden är längre än {num(config.MAX_LINE_BYTES)} byte"
