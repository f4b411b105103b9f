"""A report as the Rapportera form gives it, and its validation.

Messages are Swedish because the reporter sees them as they are. Nothing is stored when
one of them applies (:mod:`est_data.reporting.store` validates before it writes).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from est_data.core.config import EARLIEST_DATE, SPAN_MAX_DAYS
from est_data.core.errors import InputErrors
from est_data.ingest.masking import mask_text

#: How the place was given; it decides the stored ``precision`` (README §2).
PLACE_KINDS = {"point": "Klick på kartan", "address": "Adress", "area": "Bara området"}
MAX_DESCRIPTION = 1000
MAX_ADDRESS = 200
#: A phone's clock may run a little ahead of the server's.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
#: How long a reporter may correct or withdraw their own report.
CORRECTION_WINDOW = dt.timedelta(hours=24)
NAMES_NOTE_SV = ("Skriv om platsen och vad som hänt, inte vem: namn på personer hör inte "
                 "hemma här. Personnummer, telefonnummer och e-postadresser tas bort "
                 "automatiskt.")


class ReportError(InputErrors):
    """A report that cannot be stored."""


@dataclass(frozen=True)
class ReportInput:
    """What the form holds (nothing checked yet)."""

    category: str | None
    occurred_from: dt.datetime | None
    occurred_to: dt.datetime | None = None
    place_kind: str = "point"
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    area_id: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Report:
    """A validated report: known category, a time not in the future, a masked text."""

    category: str
    occurred_at: dt.datetime
    occurred_to: dt.datetime | None
    place_kind: str
    lat: float | None
    lon: float | None
    address: str | None
    area_id: str | None
    description: str | None
    masked: int = 0


def _clean(text: str | None, limit: int) -> str | None:
    text = " ".join((text or "").split())
    return text[:limit] or None


def _times(raw: ReportInput, now: dt.datetime, errors: list[str]
           ) -> tuple[dt.datetime | None, dt.datetime | None]:
    start, end = raw.occurred_from, raw.occurred_to
    if start is None:
        errors.append("Ange när det hände.")
        return None, None
    start = start.replace(second=0, microsecond=0, tzinfo=None)
    if start > now + FUTURE_TOLERANCE:
        errors.append("Tiden ligger i framtiden. Ange när det hände.")
    elif start < dt.datetime.fromisoformat(EARLIEST_DATE):
        errors.append(f"Tiden ligger före {EARLIEST_DATE}.")
    if end is None:
        return start, None
    end = end.replace(second=0, microsecond=0, tzinfo=None)
    if end > now + FUTURE_TOLERANCE:
        errors.append("Sluttiden ligger i framtiden.")
    elif end <= start:
        errors.append("Sluttiden måste ligga efter starttiden.")
    elif end - start > dt.timedelta(days=SPAN_MAX_DAYS):
        errors.append(f"Perioden får vara högst {SPAN_MAX_DAYS} dagar.")
    return start, end


def _place(raw: ReportInput, areas: dict[str, str], errors: list[str]) -> None:
    if raw.place_kind not in PLACE_KINDS:
        errors.append("Ange var det hände.")
    elif raw.place_kind == "point" and (raw.lat is None or raw.lon is None):
        errors.append("Klicka på kartan där det hände, eller ange en adress eller ett område.")
    elif raw.place_kind == "address" and not _clean(raw.address, MAX_ADDRESS):
        errors.append("Skriv en adress, eller välj en i listan.")
    elif raw.place_kind == "area" and raw.area_id not in areas:
        errors.append("Välj ett område.")
    if raw.place_kind == "address" and raw.area_id and raw.area_id not in areas:
        errors.append("Området finns inte.")


def validate(raw: ReportInput, categories: dict[str, str], areas: dict[str, str],
             now: dt.datetime) -> Report:
    """The report to store, or :class:`ReportError` with every problem.

    ``categories`` are the taxonomy's codes with their labels, ``areas`` the stored areas
    (id → name), ``now`` Swedish local time. The description and a typed address are
    masked for personnummer, phone numbers and e-mail addresses like imports.
    """
    errors: list[str] = []
    if not raw.category or raw.category not in categories:
        errors.append("Välj en kategori.")
    start, end = _times(raw, now, errors)
    _place(raw, areas, errors)
    if errors:
        raise ReportError(errors)
    description, counts = mask_text(_clean(raw.description, MAX_DESCRIPTION))
    address, more = (mask_text(_clean(raw.address, MAX_ADDRESS)) if raw.place_kind == "address"
                     else (None, {}))
    point = raw.place_kind == "point"
    return Report(category=raw.category, occurred_at=start, occurred_to=end,
                  place_kind=raw.place_kind, lat=float(raw.lat) if point else None,
                  lon=float(raw.lon) if point else None, address=address,
                  area_id=raw.area_id if raw.place_kind != "point" else None,
                  description=description,
                  masked=sum(counts.values()) + sum(more.values()))
