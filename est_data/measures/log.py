"""The log of measures (insatser): validation, add/edit/delete, CSV import and export.

Each write is one transaction; bad input never reaches the table. Validation messages
are Swedish because they are shown as they are to the coordinator (in the app, and
with a row number for CSV files). Other pages read :func:`list_interventions` to draw
measures on maps and time axes.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import uuid
from dataclasses import asdict, dataclass
from typing import Any, Mapping

import duckdb
import pandas as pd

from est_data.areas.catalog import area_names
from est_data.core.config import MUNICIPALITY_BBOX
from est_data.store.db import transaction
from est_data.store.sqlutil import fetch_df, fetch_value
from est_data.store.audit import audited_as

KINDS: tuple[str, ...] = (
    "belysning",
    "ljusare väggar/målning",
    "buskröjning",
    "lås och passersystem",
    "kameror",
    "polisnärvaro",
    "kommunens insatser",
    "nattvandring",
    "trygghetsvandring",
    "övrigt",
)

# Column order of the table and of the CSV file.
COLUMNS: tuple[str, ...] = ("intervention_id", "area_id", "kind", "title", "started_on",
                            "ended_on", "actor", "cost_sek", "note", "lat", "lon")
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
MAX_TITLE = 200
MAX_ACTOR = 100
MAX_NOTE = 2000
MAX_CSV_BYTES = 5_000_000


class InterventionError(ValueError):
    """Input that cannot be stored. ``messages`` are Swedish, one per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class Intervention:
    """One validated measure, ready to store."""

    intervention_id: str | None
    area_id: str
    kind: str
    title: str
    started_on: dt.date
    ended_on: dt.date | None = None
    actor: str | None = None
    cost_sek: float | None = None
    note: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int


# --- Parsing single values -----------------------------------------------------------

def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def _text(value: Any) -> str | None:
    return None if _blank(value) else " ".join(str(value).split())


def _date(value: Any) -> dt.date | None:
    """A date from a date, a timestamp or ISO text; raises ValueError otherwise."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    return dt.date.fromisoformat(str(value).strip()[:10])


def _number(value: Any) -> float | None:
    """A number from a number or Swedish/English text (``450 000``, ``1 234,50 kr``)."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = re.sub(r"(?i)\s*(kr|sek|:-)\.?$", "", str(value).strip())
        text = re.sub(r"[\s\u00a0\u202f]", "", text).replace("\u2212", "-")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _area_lookup(areas: Mapping[str, str]) -> dict[str, str]:
    """Area id or name (case-insensitive) → area id."""
    lookup = {str(name).strip().lower(): area_id for area_id, name in areas.items()}
    lookup.update({str(area_id).lower(): area_id for area_id in areas})
    return lookup


def parse_intervention(raw: Mapping[str, Any], areas: Mapping[str, str]
                       ) -> tuple[Intervention | None, list[str]]:
    """Validate one measure given as a mapping of column → value.

    ``areas`` maps known area ids to names; an area may be given by either. Returns the
    measure (or None) and the Swedish messages of everything wrong with it.
    """
    errors: list[str] = []
    lookup = _area_lookup(areas)

    area_text = _text(raw.get("area_id"))
    area_id = None
    if area_text is None:
        errors.append("Område saknas.")
    else:
        area_id = lookup.get(area_text.lower())
        if area_id is None:
            errors.append(f"Okänt område: ”{area_text}”.")

    kind_text = _text(raw.get("kind"))
    kind = None
    if kind_text is None:
        errors.append("Typ av insats saknas.")
    else:
        kind = next((k for k in KINDS if k == kind_text.lower()), None)
        if kind is None:
            errors.append(f"Okänd typ av insats: ”{kind_text}”. Välj en av: {', '.join(KINDS)}.")

    title = _text(raw.get("title"))
    if title is None:
        errors.append("Titel saknas.")
    elif len(title) > MAX_TITLE:
        errors.append(f"Titeln är för lång (högst {MAX_TITLE} tecken).")

    dates: dict[str, dt.date | None] = {}
    for key, label in (("started_on", "startdatum"), ("ended_on", "slutdatum")):
        try:
            dates[key] = _date(raw.get(key))
        except ValueError:
            dates[key] = None
            errors.append(f"Ogiltigt {label}: ”{raw.get(key)}” (skriv ÅÅÅÅ-MM-DD).")
    started, ended = dates["started_on"], dates["ended_on"]
    if started is None and _blank(raw.get("started_on")):
        errors.append("Startdatum saknas.")
    if started and ended and ended < started:
        errors.append("Slutdatum ligger före startdatum.")

    actor = _text(raw.get("actor"))
    if actor and len(actor) > MAX_ACTOR:
        errors.append(f"Ansvarig aktör är för lång (högst {MAX_ACTOR} tecken).")
    note = None if _blank(raw.get("note")) else str(raw.get("note")).strip()
    if note and len(note) > MAX_NOTE:
        errors.append(f"Anteckningen är för lång (högst {MAX_NOTE} tecken).")

    cost = None
    try:
        cost = _number(raw.get("cost_sek"))
        if cost is not None and cost < 0:
            errors.append("Kostnaden kan inte vara negativ.")
    except ValueError:
        errors.append(f"Ogiltig kostnad: ”{raw.get('cost_sek')}” (ange kronor som ett tal).")

    lat = lon = None
    try:
        lat, lon = _number(raw.get("lat")), _number(raw.get("lon"))
        if (lat is None) != (lon is None):
            errors.append("Ange både latitud och longitud, eller ingen av dem.")
        elif lat is not None:
            lon_min, lat_min, lon_max, lat_max = MUNICIPALITY_BBOX
            if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
                errors.append("Platsen (lat/lon) ligger utanför kommunen.")
    except ValueError:
        errors.append("Ogiltig latitud eller longitud (ange decimalgrader, WGS84).")

    intervention_id = _text(raw.get("intervention_id"))
    if errors:
        return None, errors
    return Intervention(intervention_id=intervention_id, area_id=area_id, kind=kind,
                        title=title, started_on=started, ended_on=ended, actor=actor,
                        cost_sek=cost, note=note, lat=lat, lon=lon), []


# --- Reading ---------------------------------------------------------------------------

def list_interventions(con: duckdb.DuckDBPyConnection, area_ids: tuple[str, ...] = (),
                       start: dt.date | None = None, end: dt.date | None = None
                       ) -> pd.DataFrame:
    """Measures (all, or in ``area_ids``, or active some day in ``[start, end]``).

    Columns: the table's columns plus ``area_name``; ordered by start date. A measure
    without an end date counts as still going on.
    """
    where = ["TRUE"]
    params: list = []
    if area_ids:
        where.append("list_contains(?::VARCHAR[], i.area_id)")
        params.append(list(area_ids))
    if end is not None:
        where.append("i.started_on <= ?")
        params.append(end)
    if start is not None:
        where.append("(i.ended_on IS NULL OR i.ended_on >= ?)")
        params.append(start)
    cols = ", ".join(f"i.{c}" for c in COLUMNS)
    return fetch_df(con, f"""
        SELECT {cols}, coalesce(a.name, i.area_id) AS area_name
        FROM interventions i LEFT JOIN areas a USING (area_id)
        WHERE {' AND '.join(where)}
        ORDER BY i.started_on, i.area_id, i.title""", params)


def display_table(df: pd.DataFrame) -> pd.DataFrame:
    """The log with Swedish headers and Swedish-formatted text, for showing as a table."""
    from est_data.core import fmt

    return pd.DataFrame({
        "Start": [fmt.date(_date(d)) for d in df["started_on"]],
        "Slut": ["pågår" if _blank(d) else fmt.date(_date(d)) for d in df["ended_on"]],
        "Område": df["area_name"].to_numpy(dtype=object),
        "Typ": [str(k).capitalize() for k in df["kind"]],
        "Titel": df["title"].to_numpy(dtype=object),
        "Ansvarig": ["" if _blank(a) else a for a in df["actor"]],
        "Kostnad (kr)": ["" if _blank(c) else fmt.num(c) for c in df["cost_sek"]],
        "Anteckning": ["" if _blank(n) else n for n in df["note"]],
    })


def log_totals(df: pd.DataFrame, today: dt.date | None = None) -> dict[str, float]:
    """Count, ongoing (started, not ended before ``today``) and summed cost of a log."""
    today = today or dt.date.today()
    started = pd.Series([d is not None and not _blank(d) and _date(d) <= today
                         for d in df["started_on"]], dtype=bool)
    open_end = pd.Series([_blank(d) or _date(d) >= today for d in df["ended_on"]], dtype=bool)
    return {"count": len(df), "ongoing": int((started & open_end).sum()),
            "cost_sek": float(pd.to_numeric(df["cost_sek"], errors="coerce").sum())}


# --- Writing -----------------------------------------------------------------------------

def _new_id() -> str:
    return f"ins-{uuid.uuid4().hex[:10]}"


def _with_location(con: duckdb.DuckDBPyConnection, item: Intervention) -> Intervention:
    """Measures without a place get their area's centre, so they can be drawn on a map."""
    if item.lat is not None:
        return item
    row = con.execute("SELECT centroid_lat, centroid_lon FROM areas WHERE area_id = ?",
                      [item.area_id]).fetchall()
    if not row or row[0][0] is None:
        return item
    values = asdict(item)
    values.update(lat=float(row[0][0]), lon=float(row[0][1]))
    return Intervention(**values)


def _insert(con: duckdb.DuckDBPyConnection, item: Intervention) -> None:
    values = asdict(_with_location(con, item))
    con.execute(
        f"INSERT INTO interventions ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(COLUMNS))})", [values[c] for c in COLUMNS])


def _update(con: duckdb.DuckDBPyConnection, item: Intervention) -> None:
    values = asdict(_with_location(con, item))
    sets = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
    con.execute(f"UPDATE interventions SET {sets} WHERE intervention_id = ?",
                [values[c] for c in COLUMNS[1:]] + [item.intervention_id])


def _exists(con: duckdb.DuckDBPyConnection, intervention_id: str) -> bool:
    return bool(fetch_value(con, "SELECT count(*) FROM interventions WHERE intervention_id = ?",
                            [intervention_id]))


@audited_as("interventions.add_intervention")
def add_intervention(con: duckdb.DuckDBPyConnection, raw: Mapping[str, Any]) -> str:
    """Validate and store a new measure; returns its id. Raises InterventionError."""
    item, errors = parse_intervention(raw, area_names(con))
    if errors:
        raise InterventionError(errors)
    new_id = item.intervention_id or _new_id()
    with transaction(con):
        if _exists(con, new_id):
            raise InterventionError([f"Det finns redan en insats med id ”{new_id}”."])
        _insert(con, Intervention(**{**asdict(item), "intervention_id": new_id}))
    return new_id


@audited_as("interventions.update_intervention")
def update_intervention(con: duckdb.DuckDBPyConnection, intervention_id: str,
                        raw: Mapping[str, Any]) -> None:
    """Validate and replace a stored measure. Raises InterventionError."""
    item, errors = parse_intervention(raw, area_names(con))
    if errors:
        raise InterventionError(errors)
    with transaction(con):
        if not _exists(con, intervention_id):
            raise InterventionError(["Insatsen finns inte längre (den kan ha tagits bort)."])
        _update(con, Intervention(**{**asdict(item), "intervention_id": intervention_id}))


@audited_as("interventions.delete_intervention")
def delete_intervention(con: duckdb.DuckDBPyConnection, intervention_id: str) -> bool:
    """Delete a measure; False if it did not exist."""
    with transaction(con):
        if not _exists(con, intervention_id):
            return False
        con.execute("DELETE FROM interventions WHERE intervention_id = ?", [intervention_id])
    return True


# --- CSV -----------------------------------------------------------------------------------

def _csv_number(value: Any, decimals: int) -> str:
    """A number with a decimal comma and no trailing zeros (``63,1793``, ``450000``)."""
    if _blank(value):
        return ""
    text = f"{float(value):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Measures as CSV for Swedish Excel: ``;``-separated, decimal comma, UTF-8 with BOM.

    Columns are the table's (:data:`COLUMNS`), so the file can be imported again.
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
                cells.append("" if _blank(value) else _date(value).isoformat())
            else:
                cells.append("" if _blank(value) else str(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8-sig")


def export_csv(con: duckdb.DuckDBPyConnection) -> bytes:
    """Every stored measure as CSV bytes (see :func:`to_csv_bytes`)."""
    return to_csv_bytes(list_interventions(con))


def _decode(data: bytes) -> str:
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
        rows.append({col: (cells[i] if i < len(cells) else "") for i, col in enumerate(mapped)
                     if col in COLUMNS})
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
            if item.intervention_id and _exists(con, item.intervention_id):
                _update(con, item)
                updated += 1
            else:
                _insert(con, Intervention(**{**asdict(item),
                                             "intervention_id": item.intervention_id or _new_id()}))
                added += 1
    return ImportResult(added=added, updated=updated)
