"""What a before/after evaluation looks at: the evaluator's choices, the windows and the areas.

Areas
-----
A focus area (kind ``custom``) is matched on ``incidents.focus_area_id``, every other
area on ``incidents.area_id``. An incident belongs to at most one group, in this order:
target, then (not counted) another focus area with its own measures, then buffer, then
comparison. So an incident in Kyrkgatan never counts for the DeSO around it.

Defaults, computed with shapely in SWEREF 99 TM:

- buffer ("grannområdena"): the statistical areas that hold the target (for a focus
  area: the ones it overlaps) plus those bordering them, without the target itself;
- comparison: the statistical areas that neither touch the target nor belong to the
  buffer (nor overlap a buffer ring);
- a ring buffer of N metres is the target polygon grown by N metres minus the target;
  it counts incidents with a known point (``x``/``y``).

Windows
-------
Before = ``[date - before_days, date)``, after = ``[date + gap, date + gap + after_days)``
(days; ``gap`` skips an implementation period). Rates are per day, so windows of
unequal length still give a fair rate ratio; RES and WDD assume equal lengths.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import geopandas as gpd
import numpy as np
import shapely

from est_data.core.config import CRS_SWEREF99TM
from est_data.core.errors import UserError
from est_data.core.taxonomy import labels

DEFAULT_CATEGORIES: tuple[str, ...] = ("storning", "inbrott")
BUFFER_MODES = ("neighbours", "areas", "ring", "none")
MONTH_DAYS = 365.25 / 12
TOUCH_TOLERANCE_M = 1.0  # polygons closer than this "touch" (digitising slack)
MIN_OVERLAP_M2 = 1.0     # a focus area lies in a statistical area if they share this much
MAX_WINDOW_DAYS = 3660
MAX_RING_M = 5000.0


class EvaluationError(UserError, ValueError):
    """The evaluation cannot be set up; ``str()`` is English, ``sv`` Swedish.

    A UserError that is still a ValueError too, as it was before, for callers catching that.
    """

    def __init__(self, message: str, sv: str):
        super().__init__(message, sv)


# --- What to evaluate -------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationSpec:
    """The evaluator's choices. Empty ``categories`` means all categories; empty
    ``controls`` the default comparison areas: of the candidates (areas that do not touch
    the target), the ones matched on the before-period (``comparison`` "matched", see
    :mod:`.matching`) or all of them ("all"). ``buffer`` is one of
    :data:`BUFFER_MODES`: ``neighbours`` (default), ``areas`` (``buffers``), ``ring``
    (``buffer_m`` metres) or ``none``."""

    targets: tuple[str, ...]
    date: dt.date
    before_days: int = 365
    after_days: int = 365
    gap_days: int = 0
    categories: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()
    buffer: str = "neighbours"
    buffers: tuple[str, ...] = ()
    buffer_m: float = 300.0
    conf_level: float = 0.95
    comparison: str = "matched"


@dataclass(frozen=True)
class Windows:
    """Half-open day windows: ``[before_start, before_end)`` and ``[after_start, after_end)``."""

    before_start: dt.date
    before_end: dt.date
    after_start: dt.date
    after_end: dt.date

    @property
    def before_days(self) -> int:
        return (self.before_end - self.before_start).days

    @property
    def after_days(self) -> int:
        return (self.after_end - self.after_start).days

    @property
    def gap_days(self) -> int:
        return (self.after_start - self.before_end).days


def windows_for(date: dt.date, before_days: int, after_days: int, gap_days: int = 0) -> Windows:
    """Before = ``[date - before_days, date)``; after starts ``gap_days`` after ``date``."""
    for name, value, low in (("before_days", before_days, 1), ("after_days", after_days, 1),
                             ("gap_days", gap_days, 0)):
        if not isinstance(value, (int, np.integer)) or not low <= value <= MAX_WINDOW_DAYS:
            raise EvaluationError(
                f"{name} must be a whole number of days from {low} to {MAX_WINDOW_DAYS}",
                f"Antalet dagar måste vara ett heltal mellan {low} och {MAX_WINDOW_DAYS}.")
    after_start = date + dt.timedelta(days=int(gap_days))
    return Windows(date - dt.timedelta(days=int(before_days)), date, after_start,
                   after_start + dt.timedelta(days=int(after_days)))


def months_to_days(months: int) -> int:
    """A window of whole months as days (12 → 365, 6 → 183, 24 → 730)."""
    return int(round(months * MONTH_DAYS))


# --- Which areas ----------------------------------------------------------------------------

@dataclass(frozen=True)
class AreaSelection:
    """The resolved groups. ``*_custom`` ids match ``focus_area_id``; the others
    ``area_id``. ``excluded_focus`` are focus areas left out of buffer and comparison."""

    targets: tuple[str, ...]
    controls: tuple[str, ...]
    buffers: tuple[str, ...]
    excluded_focus: tuple[str, ...]
    custom: frozenset[str]
    names: dict[str, str]
    ring_m: float | None = None
    ring_wkt: str | None = None  # SWEREF 99 TM
    controls_default: bool = True
    buffers_default: bool = True
    pool: tuple[str, ...] = ()       # the candidates the matched controls were taken from
    comparison: str = "all"          # "matched", "all" (default candidates) or "chosen"

    def split(self, ids: tuple[str, ...]) -> tuple[list[str], list[str]]:
        """``(statistical ids, custom ids)``."""
        return ([a for a in ids if a not in self.custom], [a for a in ids if a in self.custom])


def _check_area_choices(known: set[str], spec: EvaluationSpec) -> None:
    """Refuse an unknown buffer mode, no target, unknown area ids or a bad ring width."""
    if spec.comparison not in ("matched", "all"):
        raise EvaluationError("comparison must be 'matched' or 'all'",
                              "Okänt val av jämförelse.")
    if spec.buffer not in BUFFER_MODES:
        raise EvaluationError(f"buffer must be one of {', '.join(BUFFER_MODES)}",
                              "Okänt val av buffert.")
    if not spec.targets:
        raise EvaluationError("choose at least one target area (--area)",
                              "Välj minst ett målområde.")
    unknown = [a for a in (*spec.targets, *spec.controls, *spec.buffers) if a not in known]
    if unknown:
        shown = ", ".join(dict.fromkeys(unknown))
        raise EvaluationError(f"unknown area id: {shown}", f"Okänt område: {shown}.")
    if spec.buffer == "ring" and not (0 < float(spec.buffer_m) <= MAX_RING_M):
        raise EvaluationError(f"the ring must be 1 to {MAX_RING_M:.0f} metres wide",
                              f"Ringen måste vara mellan 1 och {MAX_RING_M:.0f} meter bred.")


def _host_areas(metric: gpd.GeoDataFrame, stat: gpd.GeoDataFrame, targets: tuple[str, ...],
                custom: frozenset[str]) -> list[str]:
    """The statistical targets plus the statistical areas each focus target overlaps."""
    hosts = [a for a in targets if a not in custom]
    for t in (t for t in targets if t in custom):
        g = metric.geometry[t]
        hosts += [a for a, geom in stat.geometry.items()
                  if geom.intersection(g).area >= MIN_OVERLAP_M2]
    return list(dict.fromkeys(hosts))


def select_areas(areas_wgs: gpd.GeoDataFrame, spec: EvaluationSpec) -> AreaSelection:
    """Resolve target, buffer and comparison areas from the stored polygons."""
    _check_area_choices(set(areas_wgs["area_id"]), spec)
    metric = areas_wgs.to_crs(CRS_SWEREF99TM).set_index("area_id")
    kinds = metric["kind"]
    custom = frozenset(metric.index[kinds == "custom"])
    targets = tuple(dict.fromkeys(spec.targets))
    target_geom = shapely.union_all(metric.geometry.loc[list(targets)].values)
    stat = metric[kinds != "custom"]
    hosts = _host_areas(metric, stat, targets, custom)

    ring_geom = None
    buffers: tuple[str, ...] = ()
    if spec.buffer == "neighbours" and hosts:
        host_union = shapely.union_all(stat.geometry.loc[hosts].values)
        near = stat.geometry.distance(host_union) <= TOUCH_TOLERANCE_M
        buffers = tuple(a for a in stat.index[near] if a not in targets)
    elif spec.buffer == "areas":
        buffers = tuple(a for a in dict.fromkeys(spec.buffers) if a not in targets)
    elif spec.buffer == "ring":
        ring_geom = target_geom.buffer(float(spec.buffer_m)).difference(target_geom)

    if spec.controls:
        controls = tuple(a for a in dict.fromkeys(spec.controls) if a not in targets)
    else:
        far = stat.geometry.distance(target_geom) > TOUCH_TOLERANCE_M
        if ring_geom is not None:
            far &= ~stat.geometry.intersects(ring_geom)
        controls = tuple(a for a in stat.index[far] if a not in buffers)
    chosen = set(targets) | set(controls) | set(buffers)
    focus = metric.index[(kinds == "custom") & metric["is_focus"].fillna(False).astype(bool)]
    excluded = tuple(a for a in focus if a not in chosen)
    return AreaSelection(
        targets=targets, controls=controls, buffers=buffers, excluded_focus=excluded,
        custom=custom, names=metric["name"].to_dict(),
        ring_m=float(spec.buffer_m) if ring_geom is not None else None,
        ring_wkt=None if ring_geom is None else shapely.to_wkt(ring_geom, rounding_precision=2),
        controls_default=not spec.controls, buffers_default=spec.buffer == "neighbours",
        pool=controls, comparison="chosen" if spec.controls else "all")


def standard_categories(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """:data:`DEFAULT_CATEGORIES` that occur in the data (empty when none does)."""
    present = {r[0] for r in con.execute("SELECT DISTINCT category FROM incidents").fetchall()}
    return tuple(c for c in DEFAULT_CATEGORIES if c in present)


def check_categories(con: duckdb.DuckDBPyConnection, categories: tuple[str, ...]) -> None:
    """Unknown category codes are an error, not a silent zero."""
    if not categories:
        return
    known = set(labels()) | {r[0] for r in con.execute(
        "SELECT DISTINCT category FROM incidents").fetchall()}
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise EvaluationError(
            f"unknown category: {', '.join(unknown)} (known: {', '.join(sorted(known))})",
            f"Okänd kategori: {', '.join(unknown)}.")
