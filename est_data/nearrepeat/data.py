"""The incidents a Knox test runs on: those of a filter whose place is known to a point
or an address (an incident known only by its area or municipality sits on a centroid,
which would make every pair there look like "the same place")."""
from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from est_data.core.filters import IncidentFilter, where_clause
from est_data.nearrepeat.knox import KnoxResult, PERMUTATIONS, knox
from est_data.store.sqlutil import fetch_df

BURGLARY = "inbrott"
LOCATED = ("point", "address")
EPOCH = dt.date(2000, 1, 1)
#: Above this many pairs within the largest distance band the test is not run (memory:
#: about 40 bytes a pair, time: about 2.5 s with 99 permutations); the page asks for a
#: narrower filter or smaller bands. A year of burglaries at 1M incidents has 7 million.
MAX_PAIRS = 10_000_000


class TooManyPairs(ValueError):
    """The filter gives more close pairs than the test handles."""


def located_events(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> pd.DataFrame:
    """``incident_id, x, y, day`` (days since 2000-01-01), ``occurred_at, address,
    area_id, focus_area_id`` of the filter's incidents placed at a point or address."""
    where, params = where_clause(f)
    sql = f"""
        SELECT incident_id, x, y,
               date_diff('day', DATE '{EPOCH.isoformat()}', occurred_at::DATE)::INTEGER AS day,
               occurred_at, address, area_id, focus_area_id
        FROM incidents
        WHERE {where} AND precision IN ('point', 'address') AND x IS NOT NULL AND y IS NOT NULL
        ORDER BY occurred_at, incident_id"""
    return fetch_df(con, sql, params)


def day_of(n: int) -> dt.date:
    """The date of a day number of :func:`located_events`."""
    return EPOCH + dt.timedelta(days=int(n))


def close_pairs(x: np.ndarray, y: np.ndarray, radius: float) -> int:
    """How many pairs lie within ``radius`` metres (counted, not listed)."""
    from scipy.spatial import cKDTree

    if len(x) < 2:
        return 0
    tree = cKDTree(np.column_stack([x, y]))
    return (int(tree.count_neighbors(tree, float(radius))) - len(x)) // 2


def knox_table(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
               space_edges: tuple[float, ...], time_edges: tuple[int, ...],
               permutations: int = PERMUTATIONS, seed: int = 0) -> KnoxResult:
    """The Knox test on the filter's located incidents (raises :class:`TooManyPairs`)."""
    ev = located_events(con, f)
    x, y = ev["x"].to_numpy(float), ev["y"].to_numpy(float)
    if close_pairs(x, y, max(space_edges)) > MAX_PAIRS:
        raise TooManyPairs(f"more than {MAX_PAIRS} pairs within {max(space_edges)} m")
    return knox(x, y, ev["day"].to_numpy(), space_edges, time_edges, permutations, seed)
