"""The near-repeat warning: recent burglaries close to each other in space and time,
where the Knox test on the last half-year of burglaries says such pairs are more
common than chance, with the zone where the neighbours are at raised risk.

"2 inbrott inom 200 m på 10 dagar vid Arågränd: grannarna löper förhöjd risk till och
med 2026-12-05".

The rule:

1. The Knox test (:mod:`.knox`) runs on the burglaries of the filter's areas and actors
   in the :data:`WINDOW_DAYS` days up to the filter's end, with distance bands of
   :data:`SPACE_EDGES_M` and time bands of :data:`TIME_EDGES_DAYS`. The near cells
   (1–100 m, 101–200 m × 0–7, 8–14 days; not "the same place", which is repeat
   victimisation of one address rather than risk to neighbours) are tested together
   with the Benjamini–Hochberg procedure at :data:`FDR` (the map's hot spots use the
   same rate). The warning's distance and time are the largest band with a cell that
   passes; with none, there is no warning.
2. A group is burglaries linked in pairs within that distance and time (connected
   components) with at least two members, the newest one recent enough for its risk
   period (its day + the time) to reach the filter's end.
3. The zone is a circle around the group that holds every member's neighbourhood: its
   centre is the members' mean snapped to a :data:`ZONE_GRID_M` grid, so the circle
   never points at one address. The meeting role gets the zone, never the addresses,
   and no count under the small-count limit.

Why half a year: the test describes the current pattern, and at a million incidents a
year of burglaries is ~23 000 events with ~4 million close pairs (about 1 s per test),
too slow for Översikt's first run; half a year is a quarter of the pairs. Where even
that gives more than :data:`MAX_PAIRS` pairs, the window shrinks (:data:`SHORTER_WINDOWS`).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from est_data.core import fmt
from est_data.core.filters import IncidentFilter
from est_data.nearrepeat.data import BURGLARY, close_pairs, day_of, located_events
from est_data.nearrepeat.knox import KnoxResult, knox
from est_data.store.sqlutil import fetch_df

WINDOW_DAYS = 182
#: Shorter windows, tried in turn when the half-year gives more close pairs than
#: MAX_PAIRS (a big city, or the 10M benchmark: 30 days of its burglaries are ~24 000
#: events with ~4.5 million pairs within 200 m, ~0.8 s for the test).
SHORTER_WINDOWS = (91, 61, 30)
MAX_PAIRS = 5_000_000
SPACE_EDGES_M = (0.0, 100.0, 200.0)
TIME_EDGES_DAYS = (7, 14)
PERMUTATIONS = 99
FDR = 0.10
ZONE_GRID_M = 100.0
ZONE_ROUND_M = 50.0
MAX_SHOWN = 3


@dataclass(frozen=True)
class Group:
    """One warning: burglaries close in space and time, and their zone."""

    count: int
    distance_m: int
    span_days: int
    first: dt.date
    last: dt.date
    until: dt.date
    place: str
    centre_xy: tuple[float, float]
    radius_m: float
    addresses: tuple[str, ...] = field(default=())

    def sentence(self, limit: int = 0) -> str:
        """Swedish; with a suppression ``limit`` a count under it is not written."""
        what = (f"{fmt.num(self.count)} inbrott" if not limit or self.count >= limit
                else "Upprepade inbrott")
        days = "1 dag" if self.span_days == 1 else f"{fmt.num(self.span_days)} dagar"
        return (f"{what} inom {fmt.num(self.distance_m)} m på {days} vid {self.place}: "
                f"grannarna löper förhöjd risk till och med {fmt.date(self.until)}")


@dataclass(frozen=True)
class Warnings:
    """The test behind the warnings and the groups (newest first)."""

    supported: bool
    distance_m: int
    days: int
    groups: tuple[Group, ...]
    test: KnoxResult | None
    window: tuple[dt.date, dt.date]


def bh_significant(p: np.ndarray, q: float = FDR) -> np.ndarray:
    """Benjamini–Hochberg: which of the p-values pass at false discovery rate ``q``
    (Benjamini & Hochberg 1995)."""
    p = np.asarray(p, float).ravel()
    order = np.argsort(p)
    ranked = p[order] <= q * np.arange(1, len(p) + 1) / max(len(p), 1)
    passed = np.zeros(len(p), bool)
    if ranked.any():
        passed[order[: np.nonzero(ranked)[0].max() + 1]] = True
    return passed


def supported_reach(r: KnoxResult, q: float = FDR) -> tuple[int, int] | None:
    """``(metres, days)`` of the largest near bands with a cell that passes BH among
    the near cells (distance bands above 0 m, every time band but the last), or None."""
    rows = [s for s, e in enumerate(r.space_edges) if e > 0]
    cols = list(range(len(r.time_edges)))
    if not rows or r.permutations == 0:
        return None
    p = r.p_value[np.ix_(rows, cols)]
    more = (r.observed > r.expected)[np.ix_(rows, cols)]
    passed = bh_significant(p, q).reshape(p.shape) & more
    if not passed.any():
        return None
    s_idx, k_idx = np.nonzero(passed)
    return int(r.space_edges[rows[s_idx.max()]]), int(r.time_edges[cols[k_idx.max()]])


def near_groups(x, y, day, end_day: int, metres: float, days: int) -> list[np.ndarray]:
    """Index arrays of groups of events linked in pairs within ``metres`` and ``days``,
    at least two each, whose newest day + ``days`` reaches ``end_day``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    x, y, day = np.asarray(x, float), np.asarray(y, float), np.asarray(day, np.int64)
    recent = np.nonzero(day >= end_day - 2 * days)[0]  # a group's members lie in here
    if len(recent) < 2:
        return []
    pairs = cKDTree(np.column_stack([x[recent], y[recent]])).query_pairs(
        float(metres), output_type="ndarray")
    pairs = pairs[np.abs(day[recent][pairs[:, 0]] - day[recent][pairs[:, 1]]) <= days]
    n = len(recent)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    out = []
    for lab in np.unique(label):
        members = recent[label == lab]
        if len(members) >= 2 and day[members].max() + days >= end_day:
            out.append(members)
    return out


def zone(x: np.ndarray, y: np.ndarray, metres: float) -> tuple[tuple[float, float], float]:
    """Centre (snapped to the grid) and radius of a circle holding every point's
    ``metres`` neighbourhood."""
    cx = round(float(np.mean(x)) / ZONE_GRID_M) * ZONE_GRID_M
    cy = round(float(np.mean(y)) / ZONE_GRID_M) * ZONE_GRID_M
    reach = float(np.max(np.hypot(x - cx, y - cy))) + metres
    return (cx, cy), math.ceil(reach / ZONE_ROUND_M) * ZONE_ROUND_M


def _place(ev: pd.DataFrame, names: dict[str, str]) -> str:
    focus = ev["focus_area_id"].dropna()
    key = (focus if not focus.empty else ev["area_id"].dropna()).mode()
    return names.get(key.iloc[0], key.iloc[0]) if not key.empty else "okänd plats"


def normalized(f: IncidentFilter) -> IncidentFilter:
    """The filter as the warning sees it (its end, areas, actors and duplicates): the
    cache key, so changing the period's start, categories, weekdays or hours on the
    page does not run the test again."""
    return replace(f, start=f.end, categories=(BURGLARY,), weekdays=(), hours=())


def warning_filter(f: IncidentFilter, days: int = WINDOW_DAYS) -> IncidentFilter:
    """Burglaries of the filter's areas and actors, ``days`` up to its end."""
    return replace(f, start=f.end - dt.timedelta(days=days - 1),
                   categories=(BURGLARY,), weekdays=(), hours=())


def _window_events(con: duckdb.DuckDBPyConnection, f: IncidentFilter
                   ) -> tuple[IncidentFilter, pd.DataFrame] | None:
    """The longest window whose burglaries give at most MAX_PAIRS close pairs."""
    wf = warning_filter(f)
    ev = located_events(con, wf)
    for days in (WINDOW_DAYS, *SHORTER_WINDOWS):
        wf = warning_filter(f, days)
        ev = ev[ev["day"] >= (wf.start - day_of(0)).days]
        if close_pairs(ev["x"].to_numpy(float), ev["y"].to_numpy(float),
                       max(SPACE_EDGES_M)) <= MAX_PAIRS:
            return wf, ev
    return None


def warnings(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> Warnings:
    """The near-repeat warnings at the filter's end (see the module's rule)."""
    chosen = _window_events(con, f)
    if chosen is None:
        return Warnings(False, 0, 0, (), None, (f.end, f.end))
    wf, ev = chosen
    window = (wf.start, wf.end)
    if len(ev) < 2:
        return Warnings(False, 0, 0, (), None, window)
    x, y, day = ev["x"].to_numpy(float), ev["y"].to_numpy(float), ev["day"].to_numpy()
    r = knox(x, y, day, SPACE_EDGES_M, TIME_EDGES_DAYS, PERMUTATIONS, seed=0)
    reach = supported_reach(r)
    if reach is None:
        return Warnings(False, 0, 0, (), r, window)
    metres, days = reach
    names = dict(fetch_df(con, "SELECT area_id, name FROM areas").itertuples(index=False))
    end_day = (wf.end - day_of(0)).days
    groups = []
    for members in near_groups(x, y, day, end_day, metres, days):
        g = ev.iloc[members]
        centre, radius = zone(x[members], y[members], metres)
        first, last = day_of(day[members].min()), day_of(day[members].max())
        groups.append(Group(
            len(members), metres, (last - first).days + 1, first, last,
            last + dt.timedelta(days=days), _place(g, names), centre, radius,
            tuple(sorted({a for a in g["address"].dropna()}))))
    groups.sort(key=lambda g: (g.last, g.count), reverse=True)
    return Warnings(True, metres, days, tuple(groups), r, window)


def zone_geojson(groups, limit: int = 0) -> dict:
    """A GeoJSON FeatureCollection (WGS84) of the groups' zones, with the sentence as
    the only property: no address, no point, whatever the role."""
    from est_data.areas.geometry import to_wgs84

    features = []
    angles = np.linspace(0, 2 * np.pi, 49)
    for g in groups:
        cx, cy = g.centre_xy
        lon, lat = to_wgs84(cx + g.radius_m * np.cos(angles), cy + g.radius_m * np.sin(angles))
        ring = [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat)]
        ring[-1] = ring[0]
        features.append({"type": "Feature", "properties": {"sentence": g.sentence(limit)},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}
