"""What a column's values look like, measured on a sample (issue 13, item 2).

The column scorer (:mod:`est_data.ingest.columns`) needs, for every column of a file,
the share of its values that read as dates, times, date-times, coordinates of each
grid, DeSO codes, incident categories, street addresses, ids or free text. This module
measures those shares on the first :data:`SAMPLE_ROWS` rows only, so mapping a file
costs the same whatever its size. Dates and times are read with the import's own SQL
(:mod:`est_data.ingest.dates`), so "parseable" here means parseable by the import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from est_data.core.taxonomy import FALLBACK_CODE, classify
from est_data.ingest.coords import number_sql, point_part_sql
from est_data.ingest.dates import INVALID_TIME, chain_sql, datetime_stages

SAMPLE_ROWS = 2000
CATEGORY_SAMPLE = 400   # distinct values per column run through the category matcher

# A time of day written as one ("22.40", "kl 22:40", "22:40:00") or a span of two
# ("22.00-06.00", "kl 22-06", "mellan 22.00 och 06.00").
TIME_RE = r"^(kl\.?\s*)?\d{1,2}[:.]\d{2}([:.]\d{2})?$"
SPAN_RE = (r"^(mellan\s+)?(kl\.?\s*)?\d{1,2}([:.]\d{2})?\s*(-|–|—|och|till)\s*"
           r"(kl\.?\s*)?\d{1,2}([:.]\d{2})?$")
DESO_RE = r"^\d{4}[ABC]\d{4}$"
REGSO_RE = r"^\d{4}R\d{3}$"
# A street name and a number: "Kyrkgatan 12", "Arågränd 3 B", "Storg. 7".
STREET_WORDS = ("gatan", "gata", "vägen", "väg", "gränd", "gränden", "torget", "torg",
                "allén", "backen", "backe", "stigen", "plan", "leden", "platsen", "stråket",
                "esplanaden", "parken", "g.", "v.")
ADDRESS_RE = (r"[a-zåäöé]{2,}(" + "|".join(re.escape(w) for w in STREET_WORDS)
              + r")\s*\d{1,4}\s*[a-z]?\b")
GENERIC_ADDRESS_RE = r"^[a-zåäöé][a-zåäöé .-]{2,}\s\d{1,4}\s?[a-z]?(\s|,|$)"


@dataclass(frozen=True)
class ColumnContent:
    """Shares (0-1) of a column's non-empty sampled values."""

    values: int = 0            # non-empty values in the sample
    fill: float = 0.0          # non-empty / sampled rows
    date: float = 0.0          # a date (with or without a time)
    datetime: float = 0.0      # a date with a time of day
    time: float = 0.0          # a time of day alone
    span: float = 0.0          # a time span alone ("22.00-06.00")
    number: float = 0.0        # a number (decimal comma allowed)
    integer: float = 0.0       # digits only
    lat: float = 0.0           # degrees of latitude in Sweden (55-69.5)
    lon: float = 0.0           # degrees of longitude in Sweden (10-24.5)
    north: float = 0.0         # SWEREF 99 TM / RT 90 northing (6.1-7.7 million m)
    east: float = 0.0          # SWEREF 99 TM, a local SWEREF 99 zone or RT 90 easting
    deso: float = 0.0          # DeSO or RegSO codes
    category: float = 0.0      # values the taxonomy recognises
    address: float = 0.0       # a street name with a number
    letters: float = 0.0       # values with letters
    unique: float = 0.0        # distinct / non-empty
    long_text: float = 0.0     # free text: 25+ characters and 4+ words
    short_token: float = 0.0   # one token of at most 24 characters (an id)
    digits: float = 0.0        # values with a digit (ids have numbers, names do not)
    point: float = 0.0         # two coordinates in one value ("63.1767, 14.6361")

    @property
    def place(self) -> float:
        """How much the column looks like a place of any kind."""
        return max(self.address, self.deso, self.north, self.lat, self.lon, self.east,
                   self.point)

    @property
    def time_of_day(self) -> float:
        """How much the column carries a time of day."""
        return max(self.time + self.span, self.datetime)


def sample_table(con: duckdb.DuckDBPyConnection, source: str = "raw",
                 rows: int = SAMPLE_ROWS) -> str:
    """Copy ``rows`` rows of the view ``source`` into ``_cs_sample``: the first ones as
    the file is read (no sort: sorting a million rows to take the first costs more
    than measuring them)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _cs_sample AS SELECT * FROM {source} "
                f"LIMIT {int(rows)}")
    return "_cs_sample"


def measure(con: duckdb.DuckDBPyConnection, columns: list[str],
            source: str = "raw") -> dict[str, ColumnContent]:
    """``{column: ColumnContent}`` for the first rows of the view ``source``."""
    if not columns:
        return {}
    table = sample_table(con, source)
    try:
        total = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
        _long_values(con, table, columns)
        shapes = _shapes(con)
        dates = _dates(con)
        cats = _categories(con)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute("DROP TABLE IF EXISTS _cs_long")
    out = {}
    for i, col in enumerate(columns):
        s = shapes.get(i, {})
        n = int(s.get("n", 0))
        if not n:
            out[col] = ColumnContent(values=0)
            continue
        d = dates.get(i, (0, 0))
        out[col] = ColumnContent(
            values=n, fill=n / total if total else 0.0,
            date=d[0] / n, datetime=d[1] / n,
            **{k: s[k] / n for k in ("time", "span", "number", "integer", "lat", "lon",
                                     "north", "east", "deso", "address", "letters",
                                     "long_text", "short_token", "digits", "point")},
            category=cats.get(i, 0) / n, unique=s["distinct"] / n)
    return out


def _long_values(con, table: str, columns: list[str]) -> None:
    """``_cs_long(col, v, lv)``: every non-empty sampled value, trimmed and lowered."""
    parts = [f"SELECT {i} AS col, nullif(trim(CAST({_q(c)} AS VARCHAR)), '') AS v "
             f"FROM {table}" for i, c in enumerate(columns)]
    con.execute("CREATE OR REPLACE TEMP TABLE _cs_long AS SELECT col, v, lower(v) AS lv "
                "FROM (" + " UNION ALL ".join(parts) + ") WHERE v IS NOT NULL")


def _q(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _shapes(con) -> dict[int, dict[str, int]]:
    """Counts per column of the value shapes that need no parsing."""
    num = number_sql("v")
    rows = con.execute(f"""
        SELECT col, count(*) AS n, count(DISTINCT v) AS distinct,
            count(*) FILTER (WHERE regexp_full_match(lv, '{TIME_RE}')
                AND TRY_CAST(regexp_extract(lv, '(\\d{{1,2}})[:.](\\d{{2}})', 1) AS INT) < 24
                AND TRY_CAST(regexp_extract(lv, '(\\d{{1,2}})[:.](\\d{{2}})', 2) AS INT) < 60)
                AS time,
            count(*) FILTER (WHERE regexp_full_match(lv, '{SPAN_RE}')
                             AND NOT regexp_full_match(lv, '\\d{{1,2}}-\\d{{1,2}}')) AS span,
            count(x) AS number,
            count(*) FILTER (WHERE regexp_full_match(v, '\\d+')) AS integer,
            count(*) FILTER (WHERE x BETWEEN 55 AND 69.5 AND v LIKE '%_._%'
                                OR x BETWEEN 55 AND 69.5 AND v LIKE '%_,_%') AS lat,
            count(*) FILTER (WHERE x BETWEEN 10 AND 24.5 AND v LIKE '%_._%'
                                OR x BETWEEN 10 AND 24.5 AND v LIKE '%_,_%') AS lon,
            count(*) FILTER (WHERE x BETWEEN 6.1e6 AND 7.7e6) AS north,
            count(*) FILTER (WHERE x BETWEEN 5e4 AND 1.0e6
                                OR x BETWEEN 1.2e6 AND 1.9e6) AS east,
            count(*) FILTER (WHERE regexp_full_match(v, '{DESO_RE}')
                                OR regexp_full_match(v, '{REGSO_RE}')) AS deso,
            count(*) FILTER (WHERE regexp_matches(lv, '{ADDRESS_RE}')
                                OR regexp_matches(lv, '{GENERIC_ADDRESS_RE}')) AS address,
            count(*) FILTER (WHERE regexp_matches(lv, '[a-zåäöé]')) AS letters,
            count(*) FILTER (WHERE length(v) >= 25
                             AND len(string_split(v, ' ')) >= 4) AS long_text,
            count(*) FILTER (WHERE length(v) <= 24 AND NOT regexp_matches(v, '\\s'))
                AS short_token,
            count(*) FILTER (WHERE regexp_matches(v, '[0-9]')) AS digits,
            count(*) FILTER (WHERE p1 IS NOT NULL AND (
                greatest(p1, p2) BETWEEN 55 AND 69.5 AND least(p1, p2) BETWEEN 10 AND 24.5
                OR greatest(p1, p2) BETWEEN 6.1e6 AND 7.7e6
                   AND least(p1, p2) BETWEEN 5e4 AND 1.9e6)) AS point
        FROM (SELECT col, v, lv, {num} AS x, {point_part_sql('v', 1)} AS p1,
                     {point_part_sql('v', 2)} AS p2
              FROM _cs_long) GROUP BY col""")
    names = [d[0] for d in rows.description]
    return {r[0]: dict(zip(names, r)) for r in rows.fetchall()}


def _dates(con) -> dict[int, tuple[int, int]]:
    """``{col: (values that read as dates, of them with a time of day)}``.

    Plain numbers are not counted as dates (an id column of five-digit numbers is not
    a column of Excel serial days)."""
    stages = datetime_stages("x", "v", None, None)
    con.execute("CREATE OR REPLACE TEMP TABLE _cs_dv AS SELECT DISTINCT v FROM _cs_long "
                "WHERE NOT regexp_full_match(v, '[0-9]+([.,][0-9]+)?')")
    sql = chain_sql("SELECT v FROM _cs_dv", stages)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _cs_dp AS SELECT v, x_date IS NOT NULL "
                f"AND (x_time IS NULL OR x_time <> {INVALID_TIME}) AS ok, "
                f"x_time IS NOT NULL AND x_time <> {INVALID_TIME} "
                f"AND x_time <> INTERVAL 0 SECOND AS timed FROM ({sql})")
    rows = con.execute("""SELECT l.col, count(*) FILTER (WHERE p.ok),
            count(*) FILTER (WHERE p.ok AND p.timed)
        FROM _cs_long l JOIN _cs_dp p USING (v) GROUP BY l.col""").fetchall()
    con.execute("DROP TABLE _cs_dv; DROP TABLE _cs_dp")
    return {c: (int(a), int(b)) for c, a, b in rows}


def _categories(con) -> dict[int, int]:
    """``{col: values the taxonomy recognises}`` (the most common distinct values)."""
    rows = con.execute(f"""SELECT col, v, n FROM (
            SELECT col, v, count(*) AS n,
                   row_number() OVER (PARTITION BY col ORDER BY count(*) DESC, v) AS k
            FROM _cs_long WHERE regexp_matches(lv, '[a-zåäöé]{{3}}') GROUP BY col, v)
        WHERE k <= {CATEGORY_SAMPLE}""").fetchall()
    out: dict[int, int] = {}
    for col, value, n in rows:
        if classify(value) != FALLBACK_CODE:
            out[col] = out.get(col, 0) + int(n)
    return out

