"""The incidents behind a filter: paged rows, CSV/XLSX files, and a sharing export.

Two kinds of export:

* **Inom EST-gruppen**: one row per incident with actor, category, time, areas,
  address, coordinates and the description with personal identifiers masked
  (:data:`MASKS`, applied in SQL).
* **Delning utanför EST-gruppen** (the only export of the meeting role): counts only,
  per statistical area, category, actor or month, or two of them. No descriptions,
  addresses, coordinates, focus areas or totals. Small counts follow the one rule of
  :mod:`est_data.core.privacy`: a count of 1 or 2 is ``"<3"``, and the table is
  protected against its margins (the same file per area, per category, the total on
  Översikt), so that downloads taken together cannot be subtracted back to a hidden
  count: where a row or column would give a ``"<3"`` away, one more count is hidden as
  ``"dolt"``, and a row that cannot be protected at all is one line, ``"–"`` (its
  breakdown withheld, :data:`WITHHELD_ROW`). Areas are protected by their id, so the file
  hides the same counts as every page does.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from est_data.areas.catalog import area_names
from est_data.core import privacy
from est_data.store.db import connect
from est_data.core.spreadsheet import csv_bytes, safe_cell, safe_frame
from est_data.core.filters import IncidentFilter, where_clause
from est_data.incidents.published import UNKNOWN_AREA
from est_data.store.sqlutil import fetch_df, fetch_value
from est_data.core.taxonomy import labels

SUPPRESS_BELOW = privacy.SUPPRESS_BELOW
SUPPRESSED = privacy.SMALL_TEXT
MAX_XLSX_ROWS = 100_000
PAGE_SIZE = 100

# Personal identifiers masked in descriptions: (RE2 pattern, replacement). Order
# matters: e-mail before phone, phone before personnummer (a 10-digit mobile number
# would otherwise read as a personnummer). Over-masking is accepted; a description
# is still free text and must be read before it leaves the group.
MASKS: tuple[tuple[str, str], ...] = (
    (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", "[e-post]"),
    (r"(\+46|\b0)[ -]?7\d[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}\b", "[telefon]"),
    (r"(\+46|\b0)[ -]?\d{1,3}[ -]?\d{2,3}[ -]?\d{2}[ -]?\d{2}\b", "[telefon]"),
    (r"\b(19|20)?\d{6}[-+]?\d{4}\b", "[personnr]"),
    (r"\b[A-Z]{3} ?\d{2}[A-Z0-9]\b", "[regnr]"),
    (r"(?i)\b(lgh|lägenhet|lägenhetsnummer)\.?( ?nr\.?)? ?\d{3,4}\b", "lgh [nr]"),
)
PRECISION_SV = {"point": "punkt", "address": "adress", "area": "område",
                "municipality": "kommun"}
SHARE_DIMENSIONS = {
    "area": ("Område", f"coalesce(i.area_id, '{UNKNOWN_AREA}')"),
    "category": ("Kategori", "i.category"),
    "source": ("Aktör", "i.source"),
    "month": ("Månad", "strftime(i.occurred_at, '%Y-%m')"),
}
#: At most this many dimensions in one sharing file (the protection audits each table).
MAX_SHARE_DIMENSIONS = 2
UNKNOWN_AREA_SV = "Okänt område (endast kommun)"
#: The value of the dimension whose breakdown is withheld, in the single row left.
WITHHELD_ROW = "(uppdelningen visas inte)"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def masked_sql(column: str) -> str:
    """SQL expression: ``column`` with every pattern of :data:`MASKS` replaced.

    The patterns are constants of this module (never input), inlined as literals.
    """
    expr = column
    for pattern, replacement in MASKS:
        expr = f"regexp_replace({expr}, {_sql_literal(pattern)}, {_sql_literal(replacement)}, 'g')"
    return expr


def incident_rows_sql(f: IncidentFilter, limit: int | None = None,
                      offset: int = 0) -> tuple[str, list]:
    """SQL for the incidents behind a filter, newest first, with names joined in.

    Columns: ``incident_id``, ``occurred_at``, ``occurred_to`` (a span's end),
    ``reported_at``, ``category``,
    ``source``, ``actor``, ``raw_category``, ``area``, ``focus_area``, ``address``,
    ``precision``, ``description`` (masked), ``lat``, ``lon``, ``duplicate_of``.
    """
    where, params = where_clause(f)
    page = ""
    if limit is not None:
        page = "LIMIT ? OFFSET ?"
        params = [*params, int(limit), int(offset)]
    # Pick the rows first, then join and mask only those (a page is 100 of 1M rows).
    sql = f"""
    WITH picked AS (
        SELECT * FROM incidents WHERE {where}
        ORDER BY occurred_at DESC, incident_id {page}
    )
    SELECT i.incident_id, i.occurred_at, i.occurred_to, i.reported_at, i.category, i.source,
           coalesce(ac.name, i.source) AS actor, i.raw_category,
           a.name AS area, fa.name AS focus_area, i.address, i.precision,
           {masked_sql('i.description')} AS description,
           i.lat, i.lon, i.duplicate_of
    FROM picked i
    LEFT JOIN actors ac ON ac.source = i.source
    LEFT JOIN areas a ON a.area_id = i.area_id
    LEFT JOIN areas fa ON fa.area_id = i.focus_area_id
    ORDER BY i.occurred_at DESC, i.incident_id"""
    return sql, params


def incident_count(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> int:
    """How many incidents the filter holds."""
    where, params = where_clause(f)
    return int(fetch_value(con, f"SELECT count(*) FROM incidents WHERE {where}", params))


def incident_page(con: duckdb.DuckDBPyConnection, f: IncidentFilter, page: int = 1,
                  page_size: int = PAGE_SIZE) -> pd.DataFrame:
    """One page (1-based) of :func:`incident_rows_sql`, with Swedish labels."""
    page = max(1, int(page))
    df = fetch_df(con, *incident_rows_sql(f, page_size, (page - 1) * page_size))
    return _labelled(df)


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    cat = labels()
    df["category_label"] = df["category"].map(lambda c: cat.get(c, c))
    df["precision_label"] = df["precision"].map(lambda p: PRECISION_SV.get(p, p))
    return df


def internal_export(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
                    max_rows: int | None = None) -> pd.DataFrame:
    """Rows for the EST group's own export, with Swedish column names."""
    sql, params = incident_rows_sql(f, max_rows)
    df = _labelled(fetch_df(con, sql, params))
    out = pd.DataFrame({
        "Tidpunkt": df["occurred_at"], "Tidpunkt till": df["occurred_to"],
        "Rapporterad": df["reported_at"],
        "Kategori": df["category_label"], "Aktör": df["actor"],
        "Aktörens kategori": df["raw_category"], "Område": df["area"],
        "Fokusområde": df["focus_area"], "Adress": df["address"],
        "Lägesprecision": df["precision_label"], "Beskrivning (maskerad)": df["description"],
        "Latitud": df["lat"], "Longitud": df["lon"], "Händelse-id": df["incident_id"],
    })
    if f.include_duplicates:
        out["Dubblett av"] = df["duplicate_of"]
    return out


def shared_counts_sql(f: IncidentFilter, by: tuple[str, ...] = ("area", "category")
                      ) -> tuple[str, list]:
    """SQL for counts per ``by`` (keys of :data:`SHARE_DIMENSIONS`: area ids, category
    codes, actor keys, months) in column ``n``."""
    if not by or any(b not in SHARE_DIMENSIONS for b in by):
        raise ValueError(f"unknown grouping {by!r}; choose from {list(SHARE_DIMENSIONS)}")
    where, params = where_clause(f, alias="i.")
    cols = ", ".join(f"{SHARE_DIMENSIONS[b][1]} AS {b}" for b in by)
    sql = f"""
    SELECT {cols}, count(*) AS n
    FROM incidents i
    WHERE {where}
    GROUP BY ALL
    ORDER BY {', '.join(by)}"""
    return sql, params


def shared_counts(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
                  by: tuple[str, ...] = ("area", "category"),
                  limit: int = SUPPRESS_BELOW) -> pd.DataFrame:
    """:func:`shared_counts_sql` with each count's ``mark`` (how it is published, see
    :func:`est_data.core.privacy.protect_table`)."""
    if len(by) > MAX_SHARE_DIMENSIONS:
        raise ValueError(f"at most {MAX_SHARE_DIMENSIONS} dimensions, got {by!r}")
    df = fetch_df(con, *shared_counts_sql(f, by))
    return df.assign(mark=privacy.protect_table(df, list(by), "n", limit))


def _names(con: duckdb.DuckDBPyConnection, dim: str) -> dict[str, str]:
    if dim == "area":
        return {**area_names(con), UNKNOWN_AREA: UNKNOWN_AREA_SV}
    if dim == "category":
        return labels()
    if dim == "source":
        return dict(con.execute("SELECT source, name FROM actors").fetchall())
    return {}


def shared_export(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
                  by: tuple[str, ...] = ("area", "category")) -> pd.DataFrame:
    """Counts for sharing outside the EST group: Swedish column names, ``Antal`` as the
    text a reader sees (a number, ``"<3"``, ``"dolt"``, or ``"–"`` on the one row left
    of a withheld breakdown); no descriptions, places or totals."""
    df = shared_counts(con, f, by)
    out = pd.DataFrame({SHARE_DIMENSIONS[b][0]: df[b].map(lambda k, n=_names(con, b): n.get(k, k))
                        for b in by})
    out["Antal"] = [privacy.text(n, m) for n, m in zip(df["n"], df["mark"])]
    out = _collapse_withheld(out, list(out.columns[:-1]), df["mark"].tolist())
    return out.sort_values(list(out.columns[:-1]), key=lambda s: s.str.lower(),
                           kind="stable").reset_index(drop=True)


def _collapse_withheld(out: pd.DataFrame, dims: list[str], marks: list[str]) -> pd.DataFrame:
    """Each withheld group (the cells sharing all columns but one) as one row with
    :data:`WITHHELD_ROW` in that column: the reader learns neither the counts nor which
    of them are zero. A cell in several withheld groups goes with the largest."""
    withheld = pd.Series([m == privacy.WITHHELD for m in marks], index=out.index)
    if not withheld.any():
        return out
    best = pd.Series(0, index=out.index)
    column = pd.Series(dims[-1], index=out.index)
    for d in dims:
        others = [x for x in dims if x != d]
        keys = [out[x] for x in others] if others else [pd.Series(0, index=out.index)]
        whole = withheld.groupby(keys).transform("all")
        size = withheld.groupby(keys).transform("size")
        better = withheld & whole & (size > best)
        best, column = best.mask(better, size), column.mask(better, d)
    out = out.copy()
    for d in dims:
        out.loc[withheld & (column == d), d] = WITHHELD_ROW
    out.loc[withheld, "Antal"] = privacy.WITHHELD_TEXT
    return out.drop_duplicates().reset_index(drop=True)


# --- Files --------------------------------------------------------------------------------

def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV as Swedish Excel opens it: semicolons, decimal comma, UTF-8 with BOM; no
    cell is a live formula (:mod:`est_data.core.spreadsheet`)."""
    return csv_bytes(df)


def to_xlsx_bytes(df: pd.DataFrame, sheet: str, about: list[tuple[str, str]]) -> bytes:
    """An XLSX workbook: the table (bold header, frozen first row) and an
    "Om uttaget" sheet describing the filter. Write-only mode keeps big files fast.
    No cell is a live formula (:mod:`est_data.core.spreadsheet`)."""
    df = safe_frame(df)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.freeze_panes = "A2"
    widths = [max(10, min(60, len(str(c)) + 2)) for c in df.columns]
    for i, c in enumerate(df.columns):
        if df[c].dtype == object or str(df[c].dtype).startswith("str"):
            sample = df[c].head(200).dropna().astype(str)
            if len(sample):
                widths[i] = max(widths[i], min(60, int(sample.str.len().max()) + 2))
        elif "datetime" in str(df[c].dtype):
            widths[i] = 18
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    header = []
    for c in df.columns:
        cell = WriteOnlyCell(ws, value=str(c))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    columns = []
    for c in df.columns:
        col = df[c]
        if "datetime" in str(col.dtype):
            values = [None if pd.isna(v) else v for v in col.dt.to_pydatetime()]
        else:
            values = col.astype(object).where(col.notna(), None).tolist()
        columns.append(values)
    for row in zip(*columns):
        ws.append(row)
    info = wb.create_sheet("Om uttaget")
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 90
    for key, value in about:
        info.append([safe_cell(key), safe_cell(value)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_file(db: Path | str, f: IncidentFilter, sharing: bool, fmt: str,
                about: list[tuple[str, str]], by: tuple[str, ...] = ("area", "category")
                ) -> bytes:
    """Build a download on its own short read-only connection (Streamlit runs deferred
    downloads on another thread, outside the page's cached reads)."""
    con = connect(db, read_only=True)
    try:
        if sharing:
            df = shared_export(con, f, by)
            sheet = "Antal"
        else:
            df = internal_export(con, f, MAX_XLSX_ROWS if fmt == "xlsx" else None)
            sheet = "Händelser"
    finally:
        con.close()
    if fmt == "csv":
        return to_csv_bytes(df)
    if fmt == "xlsx":
        if sharing:  # counts as numbers in Excel, "<3", "dolt" and "–" as text
            df["Antal"] = df["Antal"].map(lambda v: int(v) if str(v).isdigit() else v)
        return to_xlsx_bytes(df, sheet, about)
    raise ValueError(f"unknown format {fmt!r}")


SHARING_NOTE_SV = (
    f"Antal under {SUPPRESS_BELOW} visas som \"{SUPPRESSED}\". Där en rad- eller kolumnsumma "
    f"annars skulle avslöja ett sådant tal döljs ännu ett antal (\"{privacy.HIDDEN_TEXT}\"), "
    f"och en uppdelning som inte går att skydda visas inte alls (\"{WITHHELD_ROW}\"). "
    "Inga beskrivningar, adresser, koordinater eller summor.")


def about_rows(f: IncidentFilter, look: dict[str, dict[str, str]], sharing: bool,
               created: dt.datetime | None = None) -> list[tuple[str, str]]:
    """The "Om uttaget" sheet: what the file holds, in Swedish."""
    def names(keys, table, empty):
        return ", ".join(look[table].get(k, k) for k in keys) if keys else empty

    created = created or dt.datetime.now()
    rows = [
        ("Uttag", "Delning utanför EST-gruppen (endast antal)" if sharing
         else "Inom EST-gruppen (händelserader)"),
        ("Skapat", created.strftime("%Y-%m-%d %H:%M")),
        ("Period", f"{f.start:%Y-%m-%d} – {f.end:%Y-%m-%d}"),
        ("Kategorier", names(f.categories, "categories", "alla")),
        ("Aktörer", names(f.sources, "sources", "alla")),
        ("Områden", names(f.areas, "areas", "hela kommunen")),
        ("Dubbletter", "medräknade" if f.include_duplicates else
         "borttagna (samma händelse från flera aktörer räknas en gång)"),
    ]
    if f.weekdays:
        from est_data.core.filters import WEEKDAYS_SV
        rows.append(("Veckodagar", ", ".join(WEEKDAYS_SV[d - 1] for d in f.weekdays)))
    if f.hours:
        rows.append(("Klockslag", f"{min(f.hours):02d}–{max(f.hours) + 1:02d}"))
    if sharing:
        rows += [("Sekretess", SHARING_NOTE_SV)]
    else:
        rows += [("Sekretess", "Internt underlag för EST-gruppen. Personnummer, "
                               "telefonnummer, e-post, registreringsnummer och "
                               "lägenhetsnummer är maskerade i beskrivningen; läs ändå "
                               "igenom fritexten innan filen sprids.")]
        rows.append(("Max antal rader (Excel)", f"{MAX_XLSX_ROWS:,}".replace(",", "\u00a0")))
    return rows
