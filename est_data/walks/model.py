"""A walk and its findings as the form gives them, and their validation (Swedish
messages, shown as they are)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from est_data.core import auth
from est_data.core.config import EARLIEST_DATE, MUNICIPALITY_BBOX
from est_data.core.errors import InputErrors
from est_data.ingest.masking import mask_text

#: Finding types (code → Swedish label) and the kind of measure fixing one is.
KINDS: dict[str, str] = {
    "mork_plats": "Mörk plats / belysning",
    "buskage": "Buskage",
    "klotter": "Klotter eller nedsmutsad vägg",
    "las": "Trasigt lås eller passersystem",
    "skrap": "Skräp",
    "annat": "Annat",
}
MEASURE_KIND: dict[str, str] = {
    "mork_plats": "belysning", "buskage": "buskröjning", "klotter": "ljusare väggar/målning",
    "las": "lås och passersystem", "skrap": "övrigt", "annat": "övrigt",
}
STATUSES: dict[str, str] = {"oppen": "Öppen", "atgardad": "Åtgärdad", "avfardad": "Avfärdad"}
MAX_TEXT = 500


class WalkError(InputErrors):
    """A walk or finding that cannot be stored."""


@dataclass(frozen=True)
class Walk:
    walked_on: dt.date
    area_id: str
    actors: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Finding:
    kind: str
    lat: float
    lon: float
    responsible: str
    description: str | None = None


def clean(text: str | None, limit: int = MAX_TEXT) -> str | None:
    """One line of text, masked like imports (no persons' numbers or addresses)."""
    text = " ".join((text or "").split())[:limit] or None
    return mask_text(text)[0]


def _date(value, errors: list[str], today: dt.date, what: str) -> dt.date | None:
    if not isinstance(value, dt.date):
        errors.append(f"Ange {what}.")
        return None
    if value > today:
        errors.append(f"{what.capitalize()} ligger i framtiden.")
    elif value < dt.date.fromisoformat(EARLIEST_DATE):
        errors.append(f"{what.capitalize()} ligger före {EARLIEST_DATE}.")
    return value


def _actor(value, errors: list[str], what: str) -> str | None:
    if not value or not auth.ACTOR_KEY.match(str(value)):
        errors.append(f"Välj {what}.")
        return None
    return str(value)


def parse_walk(walked_on, area_id, actors, note, areas: dict[str, str],
               today: dt.date) -> Walk:
    """A walk: a date not in the future, a stored area, at least one actor."""
    errors: list[str] = []
    day = _date(walked_on, errors, today, "datum för vandringen")
    if area_id not in areas:
        errors.append("Välj ett område.")
    keys = tuple(dict.fromkeys(a for a in (actors or []) if a))
    if not keys:
        errors.append("Ange vilka aktörer som var med.")
    for key in keys:
        _actor(key, errors, "aktörer bland de kända")
    if errors:
        raise WalkError(errors)
    return Walk(day, area_id, keys, clean(note))


def parse_finding(kind, lat, lon, responsible, description) -> Finding:
    """A finding: a known type, a point on the map, a responsible actor."""
    errors: list[str] = []
    if kind not in KINDS:
        errors.append("Välj typ av brist.")
    if lat is None or lon is None:
        errors.append("Klicka på kartan där bristen finns.")
    elif not (MUNICIPALITY_BBOX[0] <= lon <= MUNICIPALITY_BBOX[2]
              and MUNICIPALITY_BBOX[1] <= lat <= MUNICIPALITY_BBOX[3]):
        errors.append("Platsen ligger utanför kommunen.")
    actor = _actor(responsible, errors, "ansvarig aktör")
    if errors:
        raise WalkError(errors)
    return Finding(kind, float(lat), float(lon), actor, clean(description))


def parse_fix(fixed_on, walked_on: dt.date, today: dt.date) -> dt.date:
    """The date a finding was fixed: not before its walk, not in the future."""
    errors: list[str] = []
    day = _date(fixed_on, errors, today, "datum för åtgärden")
    if day is not None and day < walked_on:
        errors.append("Åtgärden kan inte ligga före vandringen.")
    if errors:
        raise WalkError(errors)
    return day


def parse_reason(reason) -> str:
    text = clean(reason)
    if not text:
        raise WalkError(["Ange varför bristen avfärdas."])
    return text
