"""A measure (insats) as the coordinator gives it: its fields, and their validation.

Validation messages are Swedish because they are shown as they are to the coordinator (in
the app, and with a row number for CSV files). Storing is in
:mod:`est_data.measures.store`, CSV files in :mod:`est_data.measures.csv`.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd

from est_data.core.config import MUNICIPALITY_BBOX
from est_data.core.errors import UserError

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
MAX_TITLE = 200
MAX_ACTOR = 100
MAX_NOTE = 2000


class InterventionError(UserError, ValueError):
    """Input that cannot be stored. ``messages`` are Swedish, one per problem.

    A UserError that is still a ValueError too, as it was before, for callers catching that.
    """

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


# --- Parsing single values -----------------------------------------------------------

def is_blank(value: Any) -> bool:
    """None, NaN, NA or white space only: a cell with nothing in it."""
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


def clean_text(value: Any) -> str | None:
    """Text with runs of white space made one space; None for a blank cell."""
    return None if is_blank(value) else " ".join(str(value).split())


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, a timestamp or ISO text; raises ValueError otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    return dt.date.fromisoformat(str(value).strip()[:10])


def parse_number(value: Any) -> float | None:
    """A number from a number or Swedish/English text (``450 000``, ``1 234,50 kr``)."""
    if is_blank(value):
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


# --- Validating a whole measure -----------------------------------------------------

def parse_intervention(raw: Mapping[str, Any], areas: Mapping[str, str]
                       ) -> tuple[Intervention | None, list[str]]:
    """Validate one measure given as a mapping of column → value.

    ``areas`` maps known area ids to names; an area may be given by either. Returns the
    measure (or None) and the Swedish messages of everything wrong with it, in the order
    of the fields.
    """
    errors: list[str] = []
    area_id = _parse_area(raw.get("area_id"), areas, errors)
    kind = _parse_kind(raw.get("kind"), errors)
    title = _parse_title(raw.get("title"), errors)
    started, ended = _parse_dates(raw, errors)
    actor, note = _parse_actor_and_note(raw, errors)
    cost = _parse_cost(raw.get("cost_sek"), errors)
    lat, lon = _parse_place(raw, errors)
    intervention_id = clean_text(raw.get("intervention_id"))
    if errors:
        return None, errors
    return Intervention(intervention_id=intervention_id, area_id=area_id, kind=kind,
                        title=title, started_on=started, ended_on=ended, actor=actor,
                        cost_sek=cost, note=note, lat=lat, lon=lon), []


def _parse_area(value: Any, areas: Mapping[str, str], errors: list[str]) -> str | None:
    """The area id for an area given by id or name; a message when missing or unknown."""
    area_text = clean_text(value)
    if area_text is None:
        errors.append("Område saknas.")
        return None
    area_id = _area_lookup(areas).get(area_text.lower())
    if area_id is None:
        errors.append(f"Okänt område: ”{area_text}”.")
    return area_id


def _parse_kind(value: Any, errors: list[str]) -> str | None:
    """One of :data:`KINDS` (case-insensitive); a message when missing or unknown."""
    kind_text = clean_text(value)
    if kind_text is None:
        errors.append("Typ av insats saknas.")
        return None
    kind = next((k for k in KINDS if k == kind_text.lower()), None)
    if kind is None:
        errors.append(f"Okänd typ av insats: ”{kind_text}”. Välj en av: {', '.join(KINDS)}.")
    return kind


def _parse_title(value: Any, errors: list[str]) -> str | None:
    """The title; a message when missing or longer than :data:`MAX_TITLE`."""
    title = clean_text(value)
    if title is None:
        errors.append("Titel saknas.")
    elif len(title) > MAX_TITLE:
        errors.append(f"Titeln är för lång (högst {MAX_TITLE} tecken).")
    return title


def _parse_dates(raw: Mapping[str, Any], errors: list[str]
                 ) -> tuple[dt.date | None, dt.date | None]:
    """Start (required) and end (optional, not before the start)."""
    dates: dict[str, dt.date | None] = {}
    for key, label in (("started_on", "startdatum"), ("ended_on", "slutdatum")):
        try:
            dates[key] = parse_date(raw.get(key))
        except ValueError:
            dates[key] = None
            errors.append(f"Ogiltigt {label}: ”{raw.get(key)}” (skriv ÅÅÅÅ-MM-DD).")
    started, ended = dates["started_on"], dates["ended_on"]
    if started is None and is_blank(raw.get("started_on")):
        errors.append("Startdatum saknas.")
    if started and ended and ended < started:
        errors.append("Slutdatum ligger före startdatum.")
    return started, ended


def _parse_actor_and_note(raw: Mapping[str, Any], errors: list[str]
                          ) -> tuple[str | None, str | None]:
    """The responsible actor and the note, each within its length limit."""
    actor = clean_text(raw.get("actor"))
    if actor and len(actor) > MAX_ACTOR:
        errors.append(f"Ansvarig aktör är för lång (högst {MAX_ACTOR} tecken).")
    note = None if is_blank(raw.get("note")) else str(raw.get("note")).strip()
    if note and len(note) > MAX_NOTE:
        errors.append(f"Anteckningen är för lång (högst {MAX_NOTE} tecken).")
    return actor, note


def _parse_cost(value: Any, errors: list[str]) -> float | None:
    """The cost in kronor: a non-negative number, or None."""
    cost = None
    try:
        cost = parse_number(value)
        if cost is not None and cost < 0:
            errors.append("Kostnaden kan inte vara negativ.")
    except ValueError:
        errors.append(f"Ogiltig kostnad: ”{value}” (ange kronor som ett tal).")
    return cost


def _parse_place(raw: Mapping[str, Any], errors: list[str]
                 ) -> tuple[float | None, float | None]:
    """Latitude and longitude (WGS84): both or neither, inside the municipality."""
    lat = lon = None
    try:
        lat, lon = parse_number(raw.get("lat")), parse_number(raw.get("lon"))
        if (lat is None) != (lon is None):
            errors.append("Ange både latitud och longitud, eller ingen av dem.")
        elif lat is not None:
            lon_min, lat_min, lon_max, lat_max = MUNICIPALITY_BBOX
            if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
                errors.append("Platsen (lat/lon) ligger utanför kommunen.")
    except ValueError:
        errors.append("Ogiltig latitud eller longitud (ange decimalgrader, WGS84).")
    return lat, lon
