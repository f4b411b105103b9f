"""The end of a time span: "between 22.00 and 06.00" (a burglary found in the morning).

A report keeps its start as ``occurred_at``; the end goes to ``occurred_to`` (NULL for
an instant). The end comes from the file's end fields (``end_datetime``, ``end_date``,
``end_time``, read like the start's with the same date formats) or from a time cell
that holds a span (``22.00-06.00``, ``kl 22-06``, ``mellan 22.00 och 06.00``, parsed in
:mod:`est_data.ingest.dates`). The rules:

- an end time without an end date is on the start's day, and on the next day when it
  is earlier than the start time (22.00 → 06.00);
- an end date without a time is the end of that day;
- an end equal to the start is an instant (no span);
- an end before the start, a span longer than :data:`~est_data.core.config.SPAN_MAX_DAYS`
  days, or an end that cannot be read: the start is kept, the end dropped, and the row
  counted in the import report under a Swedish reason. The row is not rejected.

Everything is SQL over the file's table, with the same per-distinct-value lookup tables
as the start.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

from est_data.core.config import SPAN_MAX_DAYS
from est_data.ingest.dates import (
    INVALID_TIME, DateSQL, prepare_clock, prepare_datetimes, quote_ident)

END_FIELDS = ("end_datetime", "end_date", "end_time")
SPAN_PROBLEMS_SV = {
    "before": "Sluttiden ligger före starttiden",
    "long": f"Tidsintervallet är längre än {SPAN_MAX_DAYS} dagar",
    "unreadable": "Sluttiden kan inte tolkas",
}


@dataclass
class SpanSQL:
    """How to get a span's end into the ``norm`` query over ``raw r``: add ``joins``,
    select ``end`` (the kept end, TIMESTAMP or NULL) and ``problem`` (a Swedish reason
    the end was dropped, or NULL). ``tables`` are lookup tables to drop afterwards."""

    joins: str
    end: str
    problem: str
    tables: tuple[str, ...]


def _given(mapping: dict[str, str], field: str) -> str:
    """True when the row's cell of ``field`` holds something."""
    if field not in mapping:
        return "false"
    return f"coalesce(trim(CAST(r.{quote_ident(mapping[field])} AS VARCHAR)), '') <> ''"


def span_sql(con: duckdb.DuckDBPyConnection, mapping: dict[str, str],
             formats: tuple[str, ...], start: DateSQL) -> SpanSQL:
    """The end of each row's span (see the module docstring) from the end fields of
    ``mapping`` and the span written in the start's time cell."""
    joins, tables = "", []
    end_day = "CAST(NULL AS TIMESTAMP)"       # the end's own date, when the file gives one
    end_clock = "CAST(NULL AS INTERVAL)"      # the end's own time of day
    if "end_datetime" in mapping or "end_date" in mapping:
        e = prepare_datetimes(con, "raw", mapping.get("end_date"), mapping.get("end_time"),
                              mapping.get("end_datetime"), formats, prefix="_end",
                              alias="en")
        joins, tables = e.joins, list(e.tables)
        end_day, end_clock = e.date, e.clock
    elif "end_time" in mapping:
        joins = prepare_clock(con, "raw", mapping["end_time"], "_end_time", "ent")
        tables = ["_end_time"]
        end_clock = "ent.iv"
    given = " OR ".join(_given(mapping, f) for f in END_FIELDS)
    day_given = " OR ".join(_given(mapping, f) for f in ("end_datetime", "end_date"))
    clock = f"coalesce({end_clock}, {start.span_end})"
    s = f"({start.ts})"
    start_day = f"CAST(CAST({s} AS DATE) AS TIMESTAMP)"
    # Before the checks: the end as the file says it.
    raw_end = f"""CASE
        WHEN {end_day} IS NOT NULL AND {clock} IS NULL THEN {end_day} + INTERVAL 1 DAY
        WHEN {end_day} IS NOT NULL THEN {end_day} + {clock}
        WHEN {clock} IS NOT NULL THEN {start_day} + {clock}
            + CASE WHEN {start_day} + {clock} < {s} THEN INTERVAL 1 DAY
                   ELSE INTERVAL 0 DAY END
    END"""
    unreadable = (f"({clock} = {INVALID_TIME} OR ({end_day} IS NULL AND ({day_given})) "
                  f"OR ({clock} IS NULL AND {end_day} IS NULL AND ({given})))")
    end = f"(CASE WHEN {unreadable} THEN NULL ELSE {raw_end} END)"
    problem = f"""CASE WHEN {s} IS NULL THEN NULL
        WHEN {unreadable} THEN '{SPAN_PROBLEMS_SV["unreadable"]}'
        WHEN {end} < {s} THEN '{SPAN_PROBLEMS_SV["before"]}'
        WHEN {end} > {s} + INTERVAL {SPAN_MAX_DAYS} DAY THEN '{SPAN_PROBLEMS_SV["long"]}'
    END"""
    kept = f"CASE WHEN {end} > {s} AND {end} <= {s} + INTERVAL {SPAN_MAX_DAYS} DAY THEN {end} END"
    return SpanSQL(joins=joins, end=kept, problem=problem, tables=tuple(tables))
