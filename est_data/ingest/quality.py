"""Data quality per actor, for the coordinator: what each partner's reports lack."""
from __future__ import annotations

import duckdb
import pandas as pd


def quality_by_actor(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per actor: incidents, shares without coordinates, known only at
    municipality level, with an unknown category (``ovrigt``), marked as duplicates,
    and rows rejected on import (of rows read, imports not undone).

    Shares are percentages (0–100); NaN when the actor has nothing to share out.
    """
    return con.sql("""
        WITH inc AS (
            SELECT source, count(*) AS incidents,
                   count(*) FILTER (WHERE x IS NULL) AS no_point,
                   count(*) FILTER (WHERE precision = 'municipality') AS municipality_only,
                   count(*) FILTER (WHERE category = 'ovrigt') AS unknown_category,
                   count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates,
                   count(*) FILTER (WHERE NOT coalesce(time_known, true)) AS no_time,
                   max(occurred_at) AS last_incident
            FROM incidents GROUP BY source
        ), imp AS (
            SELECT source, count(*) AS imports, sum(rows_read) AS rows_read,
                   sum(rows_rejected) AS rows_rejected, max(imported_at) AS last_import
            FROM import_batches WHERE undone_at IS NULL GROUP BY source
        ), who AS (
            SELECT source FROM inc UNION SELECT source FROM imp
        )
        SELECT w.source, coalesce(a.name, w.source) AS actor,
               coalesce(i.incidents, 0) AS incidents,
               100.0 * i.no_point / nullif(i.incidents, 0) AS pct_no_point,
               100.0 * i.municipality_only / nullif(i.incidents, 0) AS pct_municipality_only,
               100.0 * i.unknown_category / nullif(i.incidents, 0) AS pct_unknown_category,
               100.0 * i.duplicates / nullif(i.incidents, 0) AS pct_duplicates,
               100.0 * i.no_time / nullif(i.incidents, 0) AS pct_no_time,
               coalesce(p.rows_rejected, 0) AS rows_rejected,
               100.0 * p.rows_rejected / nullif(p.rows_read, 0) AS pct_rejected,
               coalesce(p.imports, 0) AS imports, p.last_import, i.last_incident
        FROM who w
        LEFT JOIN inc i USING (source)
        LEFT JOIN imp p USING (source)
        LEFT JOIN actors a USING (source)
        ORDER BY incidents DESC, actor""").to_arrow_table().to_pandas()


def rejected_rows(con: duckdb.DuckDBPyConnection, batch_id: str, limit: int = 200) -> pd.DataFrame:
    """The rejected rows of one import (row number, reason, the row as it was)."""
    return con.sql("SELECT row_number, reason, raw FROM rejected_rows WHERE batch_id = ? "
                   "ORDER BY row_number LIMIT ?", params=[batch_id, int(limit)]
                   ).to_arrow_table().to_pandas()
