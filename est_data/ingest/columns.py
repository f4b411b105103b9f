"""Which column holds which field, from its header and its values together (issue 13).

Every column is scored for every field twice: by its header (an exact synonym from
:data:`est_data.ingest.headers.FIELDS`, a synonym as a word of the header, or a synonym
inside a compound word: "Inbrottstid" holds "tid") and by a sample of its values
(:mod:`est_data.ingest.contents`: dates, times, coordinates in the ranges of each grid,
DeSO codes, words the taxonomy knows, addresses, ids, free text). The two are added with
fixed weights; a value type that contradicts the header vetoes it (a "Tid" column of
words is no time). The assignment of columns to fields that maximises the total score
is found with the Hungarian method (:func:`scipy.optimize.linear_sum_assignment`), one
column per field. Each choice keeps its evidence in Swedish, so the CLI and the Data
page can show why, and a person can correct it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment

from est_data.ingest import headers
from est_data.ingest.contents import ColumnContent

HEADER_WEIGHT, CONTENT_WEIGHT = 0.45, 0.55
THRESHOLD = 0.3          # below this total a field is left unmapped
VETO_BELOW = 0.3         # a typed field whose values fit less than this is vetoed
TYPED = {"datetime", "date", "time", "end_datetime", "end_date", "end_time", "reported",
         "lat", "lon", "north", "east", "point"}
# Fields that content alone cannot tell from a sibling: they need a word in the header.
HEADER_NEEDED = {"end_datetime", "end_date", "end_time", "reported"}
# Fields that say the same thing in different shapes (the values tell them apart).
SIBLINGS = ({"datetime", "date", "time"}, {"end_datetime", "end_date", "end_time"})
START_FIELDS = {"datetime", "date", "time"}
END_WORDS = {"till", "tom", "to", "end", "slut", "sluttid", "slutdatum", "until"}
# Words that say which grid a coordinate is in, not what it is.
GRID_WORDS = {"sweref", "99", "tm", "sweref99", "sweref99tm", "wgs84", "wgs", "84", "rt90",
              "rt", "90", "koordinat", "koord", "m", "grader"}


@dataclass(frozen=True)
class Choice:
    """One field's column, the total score (0-1) and why, in Swedish."""

    field: str
    column: str
    score: float
    reasons: tuple[str, ...]

    @property
    def confidence_sv(self) -> str:
        return "säker" if self.score >= 0.7 else "trolig" if self.score >= 0.5 else "osäker"


@dataclass
class Guess:
    """The proposed mapping with its evidence and the columns left unused."""

    choices: dict[str, Choice]
    unused: list[str]
    contents: dict[str, ColumnContent] = field(default_factory=dict)

    @property
    def mapping(self) -> dict[str, str]:
        return {f: c.column for f, c in self.choices.items()}


# --- header --------------------------------------------------------------------------

# Every field's synonyms, normalised once (not for every column they are compared with).
_SYNONYMS = {f: tuple(s for s in map(headers.normalize_header, names) if s)
             for f, (_label, names) in headers.FIELDS.items()}


@lru_cache(maxsize=4096)
def header_score(field_: str, header: str) -> tuple[float, str]:
    """How well ``header`` names ``field_`` (0-1) and a short Swedish reason."""
    key = _markers(headers.normalize_header(header))
    if field_ in START_FIELDS and END_WORDS & set(key.split()):
        return 0.0, ""       # "T.o.m. datum", "Till kl": the end of a span, not its start
    words = [w for w in key.split() if w not in GRID_WORDS] or key.split()
    core = " ".join(words)
    best, why = 0.0, ""
    for s in _SYNONYMS[field_]:
        if s in (key, core, key.replace(" ", ""), core.replace(" ", "")):
            return 1.0, f"rubriken ”{header}” betyder {headers.label(field_).lower()}"
        if len(s) >= 2 and f" {s} " in f" {core} " and 0.8 > best:
            best, why = 0.8, f"rubriken innehåller ordet ”{s}”"
        elif len(s) >= 3 and 0.6 > best and any(
                w != s and (w.endswith(s) or (len(s) >= 4 and w.startswith(s)))
                for w in words):
            best, why = 0.6, f"rubriken har ”{s}” i ett sammansatt ord"
    return best, why


def _markers(key: str) -> str:
    """Spell a span's markers one way: "fr o m"/"f o m" → "fran", "t o m" → "till"."""
    key = f" {key} "
    for written, word in ((" fr o m ", " fran "), (" f o m ", " fran "), (" fom ", " fran "),
                          (" t o m ", " till "), (" from ", " fran ")):
        key = key.replace(written, word)
    return key.strip()


# --- content -------------------------------------------------------------------------

def content_score(field_: str, c: ColumnContent) -> tuple[float, str]:
    """How well the values of a column fit ``field_`` (0-1) and a Swedish reason."""
    if not c.values:
        return 0.0, ""
    date_only = max(c.date - c.datetime, 0.0)
    text = (1 - c.integer) * c.letters
    scores = {
        "datetime": (c.datetime, "är datum med klockslag"),
        "date": (date_only + 0.5 * c.datetime, "är datum"),
        "time": (min(c.time + c.span, 1.0), "är klockslag"),
        "end_datetime": (c.datetime, "är datum med klockslag"),
        "end_date": (date_only, "är datum"),
        "end_time": (c.time, "är klockslag"),
        "reported": (c.date, "är datum"),
        "category": (max(c.category, 0.3 * text) * (1 - c.number), "är kända händelseord"
                     if c.category >= 0.3 * text else "är ord"),
        "address": (c.address, "är gatuadresser"),
        "lat": (c.lat, "ligger i latitudintervallet för Sverige"),
        "lon": (c.lon, "ligger i longitudintervallet för Sverige"),
        "north": (c.north, "ligger i intervallet för nordkoordinater (SWEREF 99 TM/RT 90)"),
        "east": (c.east, "ligger i intervallet för östkoordinater (SWEREF 99 TM/RT 90)"),
        "point": (c.point, "är koordinatpar"),
        "area": (c.deso, "är DeSO-/RegSO-koder"),
        # Uniqueness means little in a handful of rows.
        "ref": (max(0.0, (c.unique - 0.9) / 0.1) * c.short_token * c.digits * (1 - c.date)
                * (1 - c.time) * (1 - c.category) * min(1.0, c.values / 5),
                "är unika korta koder"),
        "description": (c.long_text, "är fritext"),
    }
    share, what = scores[field_]
    share = max(0.0, min(share, 1.0))
    return share, (f"{round(share * 100)} % av värdena {what}" if share else "")


def sibling_header_score(field_: str, header: str) -> tuple[float, str]:
    """The header score of ``field_``, or 0.7 of a sibling's: "Datum" over date-times
    still says *when*, "End time" over dates with times still says *until when*; the
    values decide between siblings."""
    h, why = header_score(field_, header)
    for group in SIBLINGS:
        if field_ in group:
            for other in group - {field_}:
                o, o_why = header_score(other, header)
                if 0.7 * o > h:
                    h, why = 0.7 * o, o_why
    return h, why


def score(field_: str, header: str, c: ColumnContent) -> tuple[float, tuple[str, ...]]:
    """The total score of one column for one field, with the reasons."""
    h, h_why = sibling_header_score(field_, header)
    v, v_why = content_score(field_, c)
    if field_ in HEADER_NEEDED and h == 0:
        return 0.0, ()
    if field_ in TYPED and c.values >= 3 and v < VETO_BELOW:
        return round(0.2 * h, 3), tuple(r for r in (h_why, "men värdena passar inte") if h)
    if field_ == "category" and c.values >= 3 and c.number >= 0.9:
        return round(0.2 * h, 3), tuple(r for r in (h_why, "men värdena är sifferkoder") if h)
    total = HEADER_WEIGHT * h + CONTENT_WEIGHT * v
    return round(total, 3), tuple(r for r in (h_why, v_why) if r)


# --- assignment ----------------------------------------------------------------------

def guess(columns: list[str], contents: dict[str, ColumnContent],
          fields: tuple[str, ...] | None = None) -> Guess:
    """The best assignment of ``columns`` to fields by total score.

    ``contents`` holds each column's measured values (a column missing from it is
    scored by its header alone)."""
    fields = tuple(fields or headers.FIELDS)
    matrix = np.zeros((len(fields), len(columns)))
    reasons: dict[tuple[int, int], tuple[str, ...]] = {}
    for i, f in enumerate(fields):
        for j, col in enumerate(columns):
            total, why = score(f, col, contents.get(col, ColumnContent()))
            matrix[i, j] = total if total >= THRESHOLD else 0.0
            reasons[i, j] = why
    best: dict[str, Choice] = {}
    best_total = -1.0
    for left_out in _ALTERNATIVES:
        keep = [i for i, f in enumerate(fields) if f not in left_out]
        rows, cols = linear_sum_assignment(matrix[keep], maximize=True)
        total = float(matrix[keep][rows, cols].sum())
        if total > best_total + 1e-9:
            best_total = total
            best = {fields[keep[i]]: Choice(fields[keep[i]], columns[j],
                                            float(matrix[keep[i], j]), reasons[keep[i], j])
                    for i, j in zip(rows, cols) if matrix[keep[i], j] > 0}
    choices = _coherent(best)
    taken = {c.column for c in choices.values()}
    return Guess(choices=choices, unused=[c for c in columns if c not in taken],
                 contents=dict(contents))


# A date-time column and a date (+ time) pair are two ways to say when: the assignment is
# tried with each left out, for the start and for the end of a span, and the best kept.
_ALTERNATIVES = tuple(a | b for a in ({"datetime"}, {"date", "time"})
                      for b in ({"end_datetime"}, {"end_date", "end_time"}))


def _coherent(choices: dict[str, Choice]) -> dict[str, Choice]:
    """Rules between fields: whole coordinate pairs, and no end of a span without its
    start."""
    out = dict(choices)
    for a, b in headers.COORD_PAIRS:
        if (a in out) != (b in out):
            out.pop(a, None)
            out.pop(b, None)
    if not any(f in out for f in ("datetime", "date")):
        for f in ("end_datetime", "end_date", "end_time"):
            out.pop(f, None)
    return out
