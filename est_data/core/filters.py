"""The incident filter every page shares, its SQL, and its URL form.

:func:`where_clause` returns SQL plus bound parameters (never values pasted into SQL).
:func:`to_query_params` / :func:`from_query_params` keep the filter in the page URL so
an analyst can send a link to exactly this view; parsing never raises: junk in the URL
falls back to defaults.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from est_data.core.shape import DrawnShape, shape_from_text, shape_sql
from est_data.store.sqlutil import in_list

WEEKDAYS_SV = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
ALL_HOURS = tuple(range(24))
#: Longest free-text search kept (characters).
MAX_TEXT = 100


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents a view shows. Empty tuples mean "all".

    ``start`` and ``end`` are inclusive dates (Swedish local time). ``weekdays`` are
    ISO numbers 1 (Monday) to 7 (Sunday); ``hours`` 0-23. ``shape`` keeps only incidents
    with a point inside a shape drawn on the map (those without coordinates drop out);
    ``text`` only those whose description contains it (case-insensitive).
    """

    start: dt.date
    end: dt.date
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()
    hours: tuple[int, ...] = ()
    include_duplicates: bool = False
    shape: DrawnShape | None = None
    text: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "IncidentFilter":
        """The same filter over the period of equal length just before this one."""
        return replace(self, start=self.start - dt.timedelta(days=self.days),
                       end=self.start - dt.timedelta(days=1))

    def with_period(self, start: dt.date, end: dt.date) -> "IncidentFilter":
        return replace(self, start=start, end=end)


def where_clause(f: IncidentFilter, alias: str = "", period: bool = True) -> tuple[str, list]:
    """SQL condition (without ``WHERE``) and its parameters for a filter.

    ``alias`` prefixes column names (e.g. ``"i."``). With ``period=False`` the dates are
    left out, for queries that span several periods themselves.
    """
    a = alias
    parts: list[str] = []
    params: list = []
    if period:
        parts.append(f"{a}occurred_at >= ? AND {a}occurred_at < ?")
        params += [f.start, f.end + dt.timedelta(days=1)]
    if not f.include_duplicates:
        parts.append(f"{a}duplicate_of IS NULL")
    for column, values in ((f"{a}category", f.categories), (f"{a}source", f.sources)):
        if values:
            sql, p = in_list(column, values)
            parts.append(sql)
            params += p
    if f.areas:
        in_area, p = in_list(f"{a}area_id", f.areas)
        in_focus, _ = in_list(f"{a}focus_area_id", f.areas)
        parts.append(f"({in_area} OR {in_focus})")
        params += p * 2
    if f.weekdays and set(f.weekdays) != set(range(1, 8)):
        sql, p = in_list(f"isodow({a}occurred_at)", f.weekdays)
        parts.append(sql)
        params += p
    if f.hours and set(f.hours) != set(ALL_HOURS):
        sql, p = in_list(f"hour({a}occurred_at)", f.hours)
        parts.append(sql)
        params += p
    if f.shape is not None:
        sql, p = shape_sql(f.shape, a)
        parts.append(sql)
        params += p
    if f.text.strip():
        parts.append(f"{a}description ILIKE ? ESCAPE '\\'")
        params.append(like_pattern(f.text))
    return (" AND ".join(parts) or "TRUE"), params


def like_pattern(text: str) -> str:
    """``%text%`` for ILIKE, with the user's ``%``, ``_`` and ``\\`` taken literally."""
    t = text.strip()[:MAX_TEXT]
    t = t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{t}%"


# --- URL form -------------------------------------------------------------------------

#: Every URL parameter the filter owns (``to_query_params`` writes a subset of these).
URL_KEYS = ("period", "fran", "till", "kat", "aktor", "omr", "dag", "tim", "dubbl", "yta", "sok")


def to_query_params(f: IncidentFilter, preset: str | None = None) -> dict[str, str]:
    """Short URL parameters for a filter; defaults are left out."""
    q: dict[str, str] = {}
    if preset and preset != "anpassad":
        q["period"] = preset
    else:
        q["fran"] = f.start.isoformat()
        q["till"] = f.end.isoformat()
    for key, values in (("kat", f.categories), ("aktor", f.sources), ("omr", f.areas)):
        if values:
            q[key] = ",".join(values)
    if f.weekdays:
        q["dag"] = ",".join(str(d) for d in f.weekdays)
    if f.hours:
        q["tim"] = _hours_to_text(f.hours)
    if f.include_duplicates:
        q["dubbl"] = "1"
    if f.shape is not None:
        q["yta"] = f.shape.to_text()
    if f.text.strip():
        q["sok"] = f.text.strip()[:MAX_TEXT]
    return q


def _hours_to_text(hours: tuple[int, ...]) -> str:
    hs = sorted(set(hours))
    if hs == list(range(hs[0], hs[-1] + 1)):
        return f"{hs[0]}-{hs[-1]}"
    return ",".join(str(h) for h in hs)


def _parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _int_range(part: str, low: int, high: int) -> range | None:
    """``"a"`` or ``"a-b"`` (either order) as a range inside ``[low, high]``, or None when
    it is not numbers or leaves the domain. Checked at its ends, never walked: a link
    with ``tim=0-300000000`` costs nothing."""
    a_text, sep, b_text = part.partition("-")
    try:
        a = int(a_text)
        b = int(b_text) if sep else a
    except ValueError:
        return None
    a, b = min(a, b), max(a, b)
    if a < low or b > high:
        return None
    return range(a, b + 1)


def _parse_ints(text: str | None, low: int, high: int) -> tuple[tuple[int, ...], bool]:
    """The numbers a link lists (``"1,3-5"``) and whether any part was rejected."""
    out: set[int] = set()
    rejected = False
    for part in str(text or "").split(","):
        part = part.strip()
        if not part:
            continue
        numbers = _int_range(part, low, high)
        if numbers is None:
            rejected = True
        else:
            out.update(numbers)
    return tuple(sorted(out)), rejected


def _parse_keys(text: str | None, allowed: set[str] | None) -> tuple[str, ...]:
    values = [v.strip() for v in str(text or "").split(",") if v.strip()]
    if allowed is not None:
        values = [v for v in values if v in allowed]
    return tuple(dict.fromkeys(values))


def clamp_period(start: dt.date, end: dt.date, first: dt.date, last: dt.date
                 ) -> tuple[dt.date, dt.date, bool]:
    """``(start, end, clamped)``: the period moved inside the data's span ``[first, last]``
    (a period wholly before or after it becomes its first or last day)."""
    new_start = min(max(start, first), last)
    new_end = max(min(end, last), first)
    return new_start, new_end, (new_start, new_end) != (start, end)


@dataclass
class ParsedParams:
    """What the URL said, already validated against what exists."""

    preset: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()
    hours: tuple[int, ...] = ()
    include_duplicates: bool = False
    shape: DrawnShape | None = None
    text: str = ""
    ignored: list[str] = field(default_factory=list)


def from_query_params(params: dict, categories: set[str] | None = None,
                      sources: set[str] | None = None, areas: set[str] | None = None,
                      presets: set[str] | None = None) -> ParsedParams:
    """Parse URL parameters; unknown or malformed values are dropped, never raised."""
    def get(key: str) -> str | None:
        value = params.get(key)
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else None
        return None if value is None else str(value)[:2000]

    p = ParsedParams()
    preset = get("period")
    if preset and (presets is None or preset in presets):
        p.preset = preset
    p.start, p.end = _parse_date(get("fran")), _parse_date(get("till"))
    if p.start and p.end and p.start > p.end:
        p.start, p.end = p.end, p.start
    p.categories = _parse_keys(get("kat"), categories)
    p.sources = _parse_keys(get("aktor"), sources)
    p.areas = _parse_keys(get("omr"), areas)
    p.weekdays, bad_days = _parse_ints(get("dag"), 1, 7)
    p.hours, bad_hours = _parse_ints(get("tim"), 0, 23)
    p.shape = shape_from_text(get("yta"))
    p.text = (get("sok") or "").strip()[:MAX_TEXT]
    p.ignored = _ignored(get, p, {"dag": bad_days, "tim": bad_hours})
    p.include_duplicates = get("dubbl") in ("1", "true", "ja")
    return p


def _ignored(get, p: ParsedParams, rejected_ints: dict[str, bool]) -> list[str]:
    """``key=value`` for every link parameter that was given but (partly) not used."""
    used_all = {
        "period": p.preset is not None, "fran": p.start is not None, "till": p.end is not None,
        "kat": len(p.categories) == len(_parse_keys(get("kat"), None)),
        "aktor": len(p.sources) == len(_parse_keys(get("aktor"), None)),
        "omr": len(p.areas) == len(_parse_keys(get("omr"), None)),
        **{key: not bad for key, bad in rejected_ints.items()},
        "yta": p.shape is not None,
    }
    return [f"{key}={get(key)[:40]}" for key, ok in used_all.items() if get(key) and not ok]


# --- Period presets ----------------------------------------------------------------------

PRESETS = {
    "7d": "Senaste 7 dagarna",
    "30d": "Senaste 30 dagarna",
    "90d": "Senaste 90 dagarna",
    "mote": "Sedan förra mötet",
    "ar": "I år",
    "anpassad": "Anpassad period",
}


def preset_period(key: str, anchor: dt.date, last_meeting: dt.date | None = None
                  ) -> tuple[dt.date, dt.date] | None:
    """``(start, end)`` of a preset ending on ``anchor`` (inclusive), or None.

    "Sedan förra mötet" starts the day after the last meeting; without a meeting it is
    not available (None).
    """
    days = {"7d": 7, "30d": 30, "90d": 90}
    if key in days:
        return anchor - dt.timedelta(days=days[key] - 1), anchor
    if key == "ar":
        return dt.date(anchor.year, 1, 1), anchor
    if key == "mote":
        if last_meeting is None or last_meeting >= anchor:
            return None
        return last_meeting + dt.timedelta(days=1), anchor
    return None
