"""The same event reported by two actors: marking the later report as a duplicate.

Two incidents from different actors are the same event when their categories belong to
the same family (``taxonomy.toml``), they happened within ``DUPLICATE_WINDOW_MIN`` of
each other (on the same calendar day when either report has a date only,
``time_known`` false), and they lie within ``DUPLICATE_DISTANCE_M`` metres or name the
same building (street and house number, :func:`~est_data.ingest.addresses.building_key_sql`:
"Kyrkgatan 12 A, Östersund" and "Kyrkgatan 12" are one building, "Kyrkgatan 14" another,
and a street without a number names none). Two reports that each name a building are
not the same event when the buildings differ, however near their points. An address the
register placed has a point, so it pairs with another actor's point as well.
Of such a pair the later report (by ``reported_at``, else ``occurred_at``; ties by a
hash of ``incident_id``) gets ``duplicate_of`` = the earliest report it matches. Views count
``duplicate_of IS NULL`` as unique incidents.

The search is one DuckDB self-join on hashed (family, time bucket, grid cell) keys:
buckets and cells are twice the limits, and each report probes the 2 x 2 x 2 buckets
and cells on the side of its own bucket/cell it lies closest to, so every pair within
the limits meets exactly in the join without range conditions or Python loops. Pairs
with a date-only report meet on (family, day, cell) keys in a second join that runs only
when there are such reports.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from est_data.core.config import DUPLICATE_DISTANCE_M, DUPLICATE_WINDOW_MIN
from est_data.core.taxonomy import load_taxonomy
from est_data.ingest.addresses import building_key_sql
from est_data.store.sqlutil import fetch_value


def _families() -> pd.DataFrame:
    cats = load_taxonomy()
    return pd.DataFrame({"category": list(cats), "family": [c.family for c in cats.values()]})


def mark_duplicates(con: duckdb.DuckDBPyConnection, start: dt.datetime | None = None,
                    end: dt.datetime | None = None, window_min: float = DUPLICATE_WINDOW_MIN,
                    distance_m: float = DUPLICATE_DISTANCE_M) -> int:
    """Recompute ``duplicate_of`` for incidents that happened in [start - window,
    end + window], widened to whole days (all incidents when ``start``/``end`` are None).
    Returns the number of incidents whose ``duplicate_of`` changed.

    Only pairs with a report in that span can change, so an import passes the span of
    its own rows; candidates are read from a span one window wider.
    """
    w = float(window_min) * 60.0
    d = float(distance_m)
    if start is None or end is None:
        span = con.execute("SELECT min(occurred_at), max(occurred_at) FROM incidents").fetchall()[0]
        if span[0] is None:
            return 0
        start, end = span
    _candidates(con, start, end, w)
    _pairs(con, w, d)
    return _apply(con)


def _whole_days(start: dt.datetime, end: dt.datetime, w: float) -> tuple[dt.datetime, dt.datetime]:
    """[start - w, end + w] widened to midnights: ``(first, after_last)``."""
    lo = start - dt.timedelta(seconds=w)
    hi = end + dt.timedelta(seconds=w)
    first = dt.datetime.combine(lo.date(), dt.time())
    return first, dt.datetime.combine(hi.date(), dt.time()) + dt.timedelta(days=1)


def _candidates(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime,
                w: float) -> None:
    """Create ``_dd_c``: the reports from the days around [start, end] widened by ``w``
    seconds that have a place or an address, ``target`` for those within the days.

    A date-only report may pair with any report of its day, so targets are whole days
    and candidates one window more on each side."""
    lo_target, hi_target = _whole_days(start, end, w)
    lo_cand = lo_target - dt.timedelta(seconds=w)
    hi_cand = hi_target + dt.timedelta(seconds=w)
    con.register("_dd_families", _families())
    # Addresses are few compared with reports: reduce each distinct one once.
    # Each building is compared by a hash of its key (NULL: no building).
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _dd_addr AS
        SELECT address, CASE WHEN key IS NOT NULL THEN hash(key) END AS addr
        FROM (SELECT address, {building_key_sql('address')} AS key
              FROM (SELECT DISTINCT address FROM incidents
                    WHERE occurred_at BETWEEN ? AND ? AND address IS NOT NULL))""",
                [lo_cand, hi_cand])
    # The order that decides "later": report time (else event time), then a hash of the
    # id, packed into one 128-bit number so the join compares integers.
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_c AS
        SELECT i.incident_id, hash(i.source) AS s, hash(coalesce(f.family, i.category)) AS fam,
               epoch(i.occurred_at) AS ts, coalesce(i.time_known, true) AS tk,
               CAST(floor(epoch(i.occurred_at) / 86400) AS BIGINT) AS day,
               i.x, i.y, a.addr, i.duplicate_of AS old,
               CAST(epoch_us(coalesce(i.reported_at, i.occurred_at)) AS HUGEINT)
                   * 18446744073709551616 + hash(i.incident_id) AS ord,
               i.occurred_at >= ? AND i.occurred_at < ? AS target
        FROM incidents i
        LEFT JOIN _dd_families f USING (category)
        LEFT JOIN _dd_addr a USING (address)
        WHERE i.occurred_at BETWEEN ? AND ?
          AND (i.x IS NOT NULL OR a.addr IS NOT NULL)""",
                [lo_target, hi_target, lo_cand, hi_cand])
    con.unregister("_dd_families")


def _pairs(con: duckdb.DuckDBPyConnection, w: float, d: float) -> None:
    """Create ``_dd_pairs`` (later, earlier): each target report and the earliest report
    from another actor it duplicates: within ``w`` seconds (on the same day when either
    has a date only) and within ``d`` metres or at the same building. Two reports that
    each name a building are not the same event when the buildings differ."""
    tb, cell = 2 * w, 2 * d
    # Bucket/cell of each report and the side of it the report is closer to.
    keyed = f"""SELECT rowid AS k, s, fam, ts, tk, day, x, y, addr, ord, target,
                   CAST(floor(ts / {tb}) AS BIGINT) AS b,
                   CASE WHEN ts - floor(ts / {tb}) * {tb} < {w} THEN -1 ELSE 1 END AS bs,
                   CAST(floor(x / {cell}) AS BIGINT) AS cx,
                   CASE WHEN x - floor(x / {cell}) * {cell} < {d} THEN -1 ELSE 1 END AS xs,
                   CAST(floor(y / {cell}) AS BIGINT) AS cy,
                   CASE WHEN y - floor(y / {cell}) * {cell} < {d} THEN -1 ELSE 1 END AS ys
                FROM _dd_c"""
    near = (f"(h.x - p.x) * (h.x - p.x) + (h.y - p.y) * (h.y - p.y) <= {d * d} "
            "AND (h.addr IS NULL OR p.addr IS NULL OR h.addr = p.addr)")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _dd_raw AS
        WITH c AS ({keyed}),
        home AS (SELECT *, hash(fam, b, cx, cy) AS key FROM c WHERE x IS NOT NULL AND tk),
        probe AS (
            SELECT c.*, hash(c.fam, c.b + o.ob * c.bs, c.cx + o.ox * c.xs, c.cy + o.oy * c.ys)
                AS key
            FROM c, (SELECT * FROM (VALUES (0), (1)) t1(ob), (VALUES (0), (1)) t2(ox),
                                   (VALUES (0), (1)) t3(oy)) AS o
            WHERE c.x IS NOT NULL AND c.target AND c.tk
        ),
        ahome AS (SELECT *, hash(fam, b, addr) AS key FROM c WHERE addr IS NOT NULL AND tk),
        aprobe AS (
            SELECT c.*, hash(c.fam, c.b + o.ob * c.bs, c.addr) AS key
            FROM c, (VALUES (0), (1)) AS o(ob)
            WHERE c.addr IS NOT NULL AND c.target AND c.tk
        )
        SELECT p.k AS later, h.k AS earlier, h.ord
        FROM probe p JOIN home h ON h.key = p.key
        WHERE h.ord < p.ord AND h.s <> p.s AND abs(h.ts - p.ts) <= {w} AND {near}
        UNION ALL
        SELECT p.k AS later, h.k AS earlier, h.ord
        FROM aprobe p JOIN ahome h ON h.key = p.key
        WHERE h.ord < p.ord AND h.s <> p.s AND abs(h.ts - p.ts) <= {w}""")
    if fetch_value(con, "SELECT count(*) FROM _dd_c WHERE NOT tk"):
        con.execute(f"INSERT INTO _dd_raw {_date_only_pairs_sql(keyed, near)}")
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_pairs AS
        SELECT later, arg_min(earlier, ord) AS earlier FROM _dd_raw GROUP BY later""")
    con.execute("DROP TABLE _dd_raw")


def _date_only_pairs_sql(keyed: str, near: str) -> str:
    """SQL: the pairs in which a report has a date only (``tk`` false): the same day
    instead of the window. A date-only report probes every report of its day; a timed
    report only the date-only ones, so the timed pairs are not joined twice."""
    return f"""WITH c AS ({keyed}),
        home AS (SELECT *, hash(fam, day, cx, cy) AS key FROM c WHERE x IS NOT NULL),
        probe AS (
            SELECT c.*, hash(c.fam, c.day, c.cx + o.ox * c.xs, c.cy + o.oy * c.ys) AS key
            FROM c, (SELECT * FROM (VALUES (0), (1)) t2(ox), (VALUES (0), (1)) t3(oy)) AS o
            WHERE c.x IS NOT NULL AND c.target
        ),
        ahome AS (SELECT *, hash(fam, day, addr) AS key FROM c WHERE addr IS NOT NULL),
        aprobe AS (SELECT *, hash(fam, day, addr) AS key FROM c
                   WHERE addr IS NOT NULL AND target),
        found AS (
            SELECT p.k AS later, h.k AS earlier, h.ord, p.ord AS p_ord, p.s AS p_s, h.s AS h_s
            FROM (SELECT * FROM probe WHERE NOT tk) p JOIN home h ON h.key = p.key
            WHERE {near}
            UNION ALL
            SELECT p.k, h.k, h.ord, p.ord, p.s, h.s
            FROM (SELECT * FROM probe WHERE tk) p
            JOIN (SELECT * FROM home WHERE NOT tk) h ON h.key = p.key
            WHERE {near}
            UNION ALL
            SELECT p.k, h.k, h.ord, p.ord, p.s, h.s
            FROM (SELECT * FROM aprobe WHERE NOT tk) p JOIN ahome h ON h.key = p.key
            UNION ALL
            SELECT p.k, h.k, h.ord, p.ord, p.s, h.s
            FROM (SELECT * FROM aprobe WHERE tk) p
            JOIN (SELECT * FROM ahome WHERE NOT tk) h ON h.key = p.key
        )
        SELECT later, earlier, ord FROM found WHERE ord < p_ord AND h_s <> p_s"""


def _apply(con: duckdb.DuckDBPyConnection) -> int:
    """Write the changed ``duplicate_of`` values; drop the work tables."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _dd_new AS
        SELECT c.incident_id, e.incident_id AS duplicate_of
        FROM (SELECT rowid AS k, incident_id, old FROM _dd_c WHERE target) c
        LEFT JOIN _dd_pairs p ON p.later = c.k
        LEFT JOIN (SELECT rowid AS k, incident_id FROM _dd_c) e ON e.k = p.earlier
        WHERE c.old IS DISTINCT FROM e.incident_id""")
    changed = con.execute("SELECT count(*) FROM _dd_new").fetchall()[0][0]
    if changed:
        con.execute("""UPDATE incidents SET duplicate_of = n.duplicate_of FROM _dd_new n
            WHERE incidents.incident_id = n.incident_id""")
    con.execute("DROP TABLE _dd_c; DROP TABLE _dd_pairs; DROP TABLE _dd_new; DROP TABLE _dd_addr")
    return int(changed)
