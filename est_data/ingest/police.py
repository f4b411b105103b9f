"""The Swedish Police's public events feed (``polisen.se/api/events``) as EST reports.

What the real feed teaches (``tests/data/polisen_events_ostersund_jamtland.json``):

- ``datetime`` is when the police *published* the event, e.g. ``2025-06-07 7:32:06
  +02:00`` (the hour is not always zero-padded); the time the event happened is in the
  title, ``"02 november 08.50, Inbrott, Östersund"``, without a year. The year comes
  from ``datetime``; an event in the title's date after the publication (``"31
  december 23.40"`` published on 1 January) belongs to the year before.
- ``location.gps`` is the centre of the municipality or county, never the incident's own
  place: events get precision ``municipality`` and no coordinates, so they are counted
  but never drawn as a point (nor as a hot spot at the town centre). When the summary
  names one area ("Torvalla, cyklande man ...", a focus area such as "Kyrkgatan"), the
  event gets precision ``area`` in that area (:mod:`.places`): counted there, still
  never drawn as a point.
- County-located events whose title ends in a municipality name belong to it; other
  municipalities are skipped (and counted).
- Types that are not EST incidents (summaries, traffic, rescue, information) are
  skipped through the profile's ``[skip] categories``; a repeated ``id`` is an update.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import re

import duckdb
import pyarrow as pa

from est_data.core.config import MUNICIPALITY_NAME
from est_data.ingest.dates import MONTH_NUMBERS
from est_data.ingest.places import PlaceNames
from est_data.ingest.profiles import Profile
from est_data.ingest.readers import RawTable

TITLE_RE = re.compile(r"^\s*(\d{1,2})\s+([a-zåäö]+)\s+(\d{1,2})[.:](\d{2})\s*,\s*(.*?)\s*,\s*([^,]+?)\s*$",
                      re.IGNORECASE)
PUBLISHED_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
NEEDED = ("id", "datetime", "name", "type", "location.name")


def parse_published(text: str | None) -> dt.datetime | None:
    """``"2025-06-07 7:32:06 +02:00"`` → local wall-clock time, or None."""
    m = PUBLISHED_RE.match(text or "")
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    try:
        return dt.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None


def parse_title(title: str | None) -> tuple[int, int, int, int, str, str] | None:
    """``"02 november 08.50, Inbrott, Östersund"`` → (day, month, hour, minute, type
    text, place), or None when the title has no date and time."""
    m = TITLE_RE.match(title or "")
    if not m:
        return None
    month = MONTH_NUMBERS.get(m.group(2).lower())
    if month is None:
        return None
    return (int(m.group(1)), month, int(m.group(3)), int(m.group(4)), m.group(5), m.group(6))


def event_time(title: str | None, published: dt.datetime | None) -> dt.datetime | None:
    """When the event happened: the title's date and time in the publication's year, or
    the year before when that would lie after the publication (New Year)."""
    parts = parse_title(title)
    if parts is None or published is None:
        return None
    day, month, hour, minute, _, _ = parts
    if hour > 23 or minute > 59:
        return None
    for year in (published.year, published.year - 1):
        try:
            candidate = dt.datetime(year, month, day, hour, minute)
        except ValueError:  # 29 February in the wrong year, 31 April
            continue
        # A little slack: the title is local time, publication may be minutes "earlier"
        # around daylight-saving changes.
        if candidate <= published + dt.timedelta(hours=2):
            return candidate
    return None


def _skipped_type(kind: str | None, patterns: tuple[str, ...]) -> bool:
    text = (kind or "").strip().lower()
    return any(fnmatch.fnmatchcase(text, p.strip().lower()) for p in patterns)


_NORM_TYPES = {"_row": pa.int64(), "ref": pa.string(), "occurred_at": pa.timestamp("us"),
               "time_known": pa.bool_(), "reported_at": pa.timestamp("us"),
               "raw_category": pa.string(), "description": pa.string(),
               "address": pa.string(), "area_code": pa.string(), "coord_a": pa.float64(),
               "coord_b": pa.float64(), "fixed_precision": pa.string(),
               "problem": pa.string(), "skip": pa.string(),
               # The feed knows one time per event: never a span.
               "occurred_to": pa.timestamp("us"), "span_problem": pa.string()}


def normalize(raw: RawTable, profile: Profile, places: PlaceNames | None = None) -> None:
    """Create the ``norm`` table (see :mod:`.normalize`) in ``raw.con`` from the feed.

    ``places``: the stored areas' names; an event whose summary names one of them is
    placed in that area (``area_code``) instead of the whole municipality."""
    missing = [c for c in NEEDED if c not in raw.columns]
    if missing:
        from est_data.ingest.errors import IngestError

        raise IngestError(
            f"the JSON file is not the police events feed: it lacks {', '.join(missing)}",
            f"JSON-filen är inte Polisens händelseflöde: fälten {', '.join(missing)} saknas.")
    municipality = (profile.municipality or MUNICIPALITY_NAME).strip()
    rows = raw.con.execute(
        'SELECT _row, "id", "datetime", "name", "type", "location.name", '
        + ('"summary"' if "summary" in raw.columns else "NULL")
        + " FROM raw ORDER BY _row").fetchall()
    out: dict[str, list] = {k: [] for k in _NORM_TYPES}
    for row in rows:
        for key, value in _event(row, municipality, profile, places).items():
            out[key].append(value)
    table = pa.table({k: pa.array(v, _NORM_TYPES[k]) for k, v in out.items()})
    con: duckdb.DuckDBPyConnection = raw.con
    con.register("police_norm", table)
    con.execute("CREATE OR REPLACE TEMP TABLE police_norm_t AS SELECT * FROM police_norm")
    con.unregister("police_norm")
    con.execute("CREATE OR REPLACE TEMP VIEW norm AS SELECT * FROM police_norm_t")
    # Other municipalities' types are no concern of the classification.
    con.execute("CREATE OR REPLACE TEMP VIEW norm_words AS "
                "SELECT raw_category FROM police_norm_t WHERE skip IS NULL")


def _event(row: tuple, municipality: str, profile: Profile,
           places: PlaceNames | None) -> dict:
    """One feed event as a row of ``norm``: when, what, where, and why it is skipped
    or rejected."""
    row_no, ref, published_text, title, kind, place, summary = row
    published = parse_published(published_text)
    parts = parse_title(title)
    title_place = parts[5] if parts else ""
    problem = skip = None
    if not (place or "").strip().lower() == municipality.lower() and not (
            (place or "").lower().endswith(" län")
            and title_place.lower() == municipality.lower()):
        skip = "Annan kommun än " + municipality
    elif _skipped_type(kind, profile.skip_categories):
        skip = "Inte en EST-händelse (typ enligt profilen)"
    occurred = event_time(title, published)
    if skip is None:
        if not (ref or "").strip():
            problem = "Händelse-id saknas"
        elif published is None:
            problem = "Publiceringstiden kan inte tolkas"
        elif occurred is None:
            problem = "Titeln saknar datum och klockslag"
    area = places.area_in(summary) if places is not None and skip is None else None
    return {"_row": row_no, "ref": (ref or "").strip() or None, "occurred_at": occurred,
            "time_known": occurred is not None, "reported_at": published,
            "raw_category": (kind or "").strip() or None, "description": summary,
            "address": None, "area_code": area, "coord_a": None, "coord_b": None,
            "fixed_precision": None if area else "municipality", "problem": problem,
            "skip": skip, "occurred_to": None, "span_problem": None}
