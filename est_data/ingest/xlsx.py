"""Excel workbooks (.xlsx): one sheet read as text, dates as ISO text."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pyarrow as pa

from est_data.ingest import limits
from est_data.ingest.errors import IngestError
from est_data.ingest.headerrow import (
    FOOTER_MAX, FOOTER_REASON, find_header, footer_notes, table_score)
from est_data.ingest.rawtable import ROW_COLUMN, RawTable, clean_names, from_arrow

SAMPLE_ROWS = 60      # rows of a sheet looked at to find its header and to pick the sheet
SAMPLE_COLUMNS = 200  # columns of them


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
    """Read the named sheet, else the one that looks most like a data table
    (:func:`_choose_sheet`); the header is the row :func:`.headerrow.find_header` finds
    (title rows above it are skipped, notes below the data become rejected rows). Date
    cells become ISO text, numbers plain text."""
    book = _open_workbook(path)
    try:
        names = list(book.sheetnames)
        chosen = _choose_sheet(book, names, sheet)
        header, data, meta = _scan_rows(book[chosen], chosen)
    finally:
        book.close()
    start = max(0, len(data) - FOOTER_MAX)
    notes = {start + k for k in footer_notes([c for _, c in data[start:]], len(header),
                                             total=len(data))}
    rejects = [(data[k][0], FOOTER_REASON, "; ".join(c for c in data[k][1] if c))
               for k in sorted(notes)]
    if notes:
        data = [row for k, row in enumerate(data) if k not in notes]
    return from_arrow(_table(header, data), clean_names(header), con=con,
                      kind="xlsx", sheet=chosen, sheets=names, structural_rejects=rejects,
                      sheet_auto=chosen != names[0] and not sheet, **meta)


def _open_workbook(path: Path):
    import openpyxl  # only needed for Excel files

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError,
            AttributeError, EOFError) as exc:
        raise IngestError(f"cannot open the file as an Excel workbook (.xlsx): {exc}",
                          "Filen kan inte öppnas som Excel-arbetsbok (.xlsx).") from exc
    except Exception as exc:  # openpyxl raises its own types for damaged parts
        raise IngestError(f"cannot open the file as an Excel workbook (.xlsx): {exc}",
                          "Filen kan inte öppnas som Excel-arbetsbok (.xlsx).") from exc


def _choose_sheet(book, names: list[str], sheet: str | None) -> str:
    """The named sheet (case and spaces ignored); else the sheet whose first rows look
    most like a data table (:func:`.headerrow.table_score`), the first on a tie: an
    "Info" sheet of notes or a small summary before the data sheet is passed over."""
    if not names:
        raise IngestError("the workbook has no sheets", "Arbetsboken har inga blad.")
    if not sheet and len(names) == 1:
        return names[0]
    if not sheet:  # a bounded sample of each: SAMPLE_ROWS x SAMPLE_COLUMNS cells at most
        scores = [_sheet_score(book[n]) for n in names]
        return names[scores.index(max(scores))]
    match = [n for n in names if n.strip().lower() == sheet.strip().lower()]
    if not match:
        raise IngestError(
            f"the workbook has no sheet {sheet!r}; its sheets are: {', '.join(names)}",
            f"Arbetsboken har inget blad som heter \u201d{sheet}\u201d. "
            f"Bladen heter: {', '.join(names)}.")
    return match[0]


def _sheet_score(ws) -> float:
    """How much a sheet's first :data:`SAMPLE_ROWS` rows look like a data table."""
    try:
        rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(
            max_row=SAMPLE_ROWS, max_col=SAMPLE_COLUMNS, values_only=True)]
    except Exception:  # a damaged sheet is not the data sheet; reading it says why
        return 0.0
    return table_score(rows, find_header(rows))


def _scan_rows(ws, chosen: str) -> tuple[list, list[tuple[int, list]], dict]:
    """The header row's cells, the non-empty data rows (row number, cells), and what
    the reader records about the header (its row number, the rows with text above).

    A sheet over the limits (:mod:`.limits`) is refused from its declared dimension
    before any row is read, or, when the dimension is missing or wrong, as soon as the
    rows read pass them: a small file that unpacks to millions of rows is never loaded
    whole.
    """
    _check_dimension(ws, chosen)
    rows, width = [], 0
    try:
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            width = max(width, len(row))
            if not limits.sheet_fits(number, width):
                raise limits.too_large_sheet(chosen, number, width, exact=False)
            cells = [_cell_text(v) for v in row]
            if any(c is not None for c in cells):
                rows.append((number, cells))
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(f"cannot read the sheet {chosen!r}: {exc}",
                          f"Bladet \u201d{chosen}\u201d kan inte läsas.") from exc
    found = find_header([c for _, c in rows[:SAMPLE_ROWS]])
    if found.start is None:
        raise IngestError(f"the sheet {chosen!r} has no header row",
                          f"Bladet \u201d{chosen}\u201d saknar rubrikrad.")
    data = rows[found.start + (found.index is not None):]
    span = max([_span(c) for _, c in data] or [0])
    if found.index is None:
        return [None] * span, data, {"header_row": None, "skipped_above": found.start}
    number, header = rows[found.index]
    width = max(span, _span(header))  # a column without a name is kept, as "kolumn N"
    header = (header + [None] * width)[:width]
    return header, data, {"header_row": number, "skipped_above": found.index}


def _span(cells: list) -> int:
    return max((j + 1 for j, c in enumerate(cells) if c is not None), default=0)


def _check_dimension(ws, chosen: str) -> None:
    """Refuse a sheet whose declared size (``<dimension ref="A1:J3000000">``) is over
    the limits."""
    try:
        rows, columns = ws.max_row, ws.max_column
    except Exception:  # a damaged or missing dimension: the row count decides later
        return
    if rows and columns and not limits.sheet_fits(rows, columns):
        raise limits.too_large_sheet(chosen, rows, columns, exact=True)


def _table(header: list, data: list[tuple[int, list]]) -> pa.Table:
    """One text column per header cell, plus the row numbers."""
    if not data:
        raise IngestError("the sheet has a header row but no data rows",
                          "Bladet har en rubrikrad men inga datarader.")
    columns = clean_names(header)
    arrays = {c: pa.array([(cells[i] if i < len(cells) else None) for _, cells in data],
                          type=pa.string()) for i, c in enumerate(columns)}
    arrays[ROW_COLUMN] = pa.array([n for n, _ in data], type=pa.int64())
    return pa.table(arrays)
