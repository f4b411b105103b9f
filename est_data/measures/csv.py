"""Measures as CSV files: export for Swedish Excel, and import of a whole file at once.

A file is read with ``;`` or ``,`` as separator, in UTF-8 or Windows-1252, with English
or Swedish headers; every row is validated (:func:`est_data.measures.model.parse_intervention`)
before anything is stored, and the import is one transaction.
"""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from typing import Any, Mapping

import duckdb
import pandas as pd

from est_data.areas.catalog import area_names
from est_data.core.spreadsheet import plain_cell, safe_cell
from est_data.measures.model import (
    COLUMNS, Intervention, InterventionError, is_blank, parse_date, parse_intervention)
from est_data.measures.store import (
    exists, insert_row, list_interventions, new_intervention_id, update_row)
from est_data.store.audit import audited_as
from est_data.store.db import transaction

# Swedish headers a coordinator may use in a hand-made CSV file.
HEADER_ALIASES: dict[str, str] = {
    "id": "intervention_id", "insats_id": "intervention_id",
    "område": "area_id", "omrade": "area_id", "område_id": "area_id",
    "typ": "kind", "slag": "kind",
    "titel": "title", "rubrik": "title", "beskrivning": "title",
    "start": "started_on", "startdatum": "started_on", "från": "started_on",
    "slut": "ended_on", "slutdatum": "ended_on", "till": "ended_on",
    "ansvarig": "actor", "aktör": "actor", "aktor": "actor",
    "kostnad": "cost_sek", "kostnad_sek": "cost_sek", "kostnad (kr)": "cost_sek",
    "anteckning": "note", "kommentar": "note",
}
MAX_CSV_BYTES = 5_000_000


@dataclass(frozen=True)
class ImportResult:
    """How many measures a CSV import added and how many it replaced."""

    added: int
    updated: int


# --- Export --------------------------------------------------------------------------------

def _csv_number(value: Any, decimals: int) -> str:
    """A number with a decimal comma and no trailing zeros (``63,1793``, ``450000``)."""
    if is_blank(value):
        return ""
    text = f"{float(value):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Measures as CSV for Swedish Excel: ``;``-separated, decimal comma, UTF-8 with BOM.

    Columns are the table's (:data:`COLUMNS`), so the file can be imported again. A
    text that a spreadsheet would run as a formula (``=…``, ``+…``, ``@…``) is written
    inert with a leading apostrophe, which :func:`read_csv` takes off again.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in df.to_dict("records"):
        cells = []
        for col in COLUMNS:
            value = row.get(col)
            if col in ("cost_sek", "lat", "lon"):
                cells.append(_csv_number(value, 2 if col == "cost_sek" else 6))
            elif col in ("started_on", "ended_on"):
                cells.append("" if is_blank(value) else parse_date(value).isoformat())
            else:
                cells.append("" if is_blank(value) else safe_cell(str(value)))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8-sig")


def export_csv(con: duckdb.DuckDBPyConnection) -> bytes:
    """Every stored measure as CSV bytes (see :func:`to_csv_bytes`)."""
    return to_csv_bytes(list_interventions(con))


# --- Import --------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    """The file as text: UTF-8 (with or without BOM), else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InterventionError(["Filen går inte att läsa som text (spara den som CSV i UTF-8)."])


def read_csv(data: bytes) -> list[dict[str, str]]:
    """CSV bytes → rows of column → text, headers mapped to :data:`COLUMNS`.

    Accepts ``;`` or ``,`` as separator, UTF-8 (with or without BOM) or Windows-1252,
    and Swedish headers (:data:`HEADER_ALIASES`).
    """
    if len(data) > MAX_CSV_BYTES:
        raise InterventionError([f"Filen är för stor (högst {MAX_CSV_BYTES // 1_000_000} MB)."])
    text = _decode(data)
    if not text.strip():
        raise InterventionError(["Filen är tom."])
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    mapped = [HEADER_ALIASES.get(h, h) for h in header]
    missing = [c for c in ("area_id", "kind", "title", "started_on") if c not in mapped]
    if missing:
        raise InterventionError([
            "Filen saknar kolumnerna " + ", ".join(missing)
            + f". Förväntade kolumner: {'; '.join(COLUMNS)} (exportera en fil som mall)."])
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        rows.append({col: (plain_cell(cells[i]) if i < len(cells) else "")
                     for i, col in enumerate(mapped) if col in COLUMNS})
    if not rows:
        raise InterventionError(["Filen innehåller inga insatser."])
    return rows


def parse_csv(data: bytes, areas: Mapping[str, str]
              ) -> tuple[list[Intervention], list[str]]:
    """Validate a whole CSV file. Messages carry the file's line number (header = 1)."""
    items: list[Intervention] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(read_csv(data), start=2):
        item, problems = parse_intervention(raw, areas)
        errors += [f"Rad {line}: {p}" for p in problems]
        if item is None:
            continue
        if item.intervention_id:
            if item.intervention_id in seen:
                errors.append(f"Rad {line}: id ”{item.intervention_id}” finns redan på "
                              f"rad {seen[item.intervention_id]}.")
                continue
            seen[item.intervention_id] = line
        items.append(item)
    return items, errors


@audited_as("interventions.import_csv")
def import_csv(con: duckdb.DuckDBPyConnection, data: bytes) -> ImportResult:
    """Import measures from CSV in one transaction: all rows, or none.

    A row whose ``intervention_id`` exists replaces that measure; other rows are added
    (with a new id when the cell is empty). Raises InterventionError listing every
    problem when any row is invalid.
    """
    items, errors = parse_csv(data, area_names(con))
    if errors:
        raise InterventionError(errors)
    added = updated = 0
    with transaction(con):
        for item in items:
            if item.intervention_id and exists(con, item.intervention_id):
                update_row(con, item)
                updated += 1
            else:
                item_id = item.intervention_id or new_intervention_id()
                insert_row(con, Intervention(**{**asdict(item), "intervention_id": item_id}))
                added += 1
    return ImportResult(added=added, updated=updated)
