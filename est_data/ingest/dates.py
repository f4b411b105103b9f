"""Dates and times as actors write them, parsed in DuckDB SQL (vectorised).

Accepted (case-insensitive, with or without "kl"/"klockan"):

- dates: ``2025-03-04``, ``2025/03/04``, ``2025.03.04``, ``20250304``, ``4.3.2025``,
  ``4/3/2025``, ``4-3-2025``, ``4/3-2025``, ``4/3 2025``, ``4 mars 2025``, ``4 mar. 2025``, an Excel
  serial day number (``45720``, ``45720,9375``), and any extra formats of the profile;
- times: ``22.15``, ``kl 22.15``, ``22:15``, ``22:15:30``, ``2215``, ``22``, and an
  Excel time fraction (``0,927``);
- a leading weekday is ignored (``fre 16 okt 2026``, ``Fredag 2026-10-16``);
- combined: a date, a space or ``T``, a time (``2025-03-04 kl 22.15``,
  ``2025-03-04T22:15:00+01:00``: the offset is dropped, the wall-clock time kept).

Day comes before month (Swedish practice); ``03/04/2025`` is 3 April. Nothing is ever
guessed: a value that fits none of these gives NULL and the row is rejected.

Speed: regular expressions over a million rows cost seconds, but an export has only a
few thousand distinct dates and times. :func:`parse_datetimes` therefore parses the
distinct values and joins the results back.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%d.%m.%Y", "%d/%m/%Y",
                "%d-%m-%Y", "%d/%m-%Y")
MONTHS = ("jan(?:uari)?", "feb(?:ruari)?", "mar(?:s)?", "apr(?:il)?", "maj", "jun(?:i)?",
          "jul(?:i)?", "aug(?:usti)?", "sep(?:t(?:ember)?)?", "okt(?:ober)?",
          "nov(?:ember)?", "dec(?:ember)?")
MONTH_NUMBERS = {"januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6,
                 "juli": 7, "augusti": 8, "september": 9, "oktober": 10, "november": 11,
                 "december": 12}
WEEKDAY_RE = (r"^(?:(?:mån|tis|ons|tors|fre|lör|sön)(?:dag(?:en)?)?|"
              r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\.?,?\s+(\d)")
EXCEL_EPOCH = "1899-12-30"  # day 0 of Excel's 1900 date system (with its leap-year bug)


def quote_ident(name: str) -> str:
    """A column name as a quoted SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def normalized_sql(expr: str) -> str:
    """Lower case, no "kl"/"klockan", one space between parts, no UTC offset."""
    s = f"lower(trim(replace(replace(CAST({expr} AS VARCHAR), chr(160), ' '), chr(9), ' ')))"
    s = f"regexp_replace({s}, '\\bkl(ockan)?\\.?(\\s+|$)', ' ', 'g')"
    s = f"regexp_replace({s}, '^(\\d{{4}}-\\d{{2}}-\\d{{2}})t', '\\1 ')"
    s = (f"regexp_replace({s}, '(\\d{{1,2}}[:.]\\d{{2}}(?:[:.]\\d{{2}})?(?:[.,]\\d+)?)"
         f"(z|[+-]\\d{{2}}:?\\d{{2}})$', '\\1')")
    s = f"trim(regexp_replace({s}, '\\s+', ' ', 'g'))"
    # A leading weekday ("fre 16 okt 2026", "Fredag 2026-10-16", "Fri, 16/10 2026") says
    # nothing the date does not.
    s = f"regexp_replace({s}, '{WEEKDAY_RE}', '\\1')"
    # "16/10 2026" (a phone's or a form's day/month, then the year) is "16/10-2026".
    return f"regexp_replace({s}, '^(\\d{{1,2}}/\\d{{1,2}}) (\\d{{4}})\\b', '\\1-\\2')"


def _months_sql(s: str) -> str:
    """``4 mars 2025`` → ``4.3.2025`` (only evaluated for values with letters)."""
    out = s
    for number, pattern in enumerate(MONTHS, start=1):
        out = (f"regexp_replace({out}, '^(\\d{{1,2}})\\.? {pattern}\\.?,? (\\d{{4}})', "
               f"'\\1.{number}.\\2')")
    return f"CASE WHEN regexp_matches({s}, '[a-z]') THEN {out} ELSE {s} END"


def _date_part_sql(d: str, extra_formats: tuple[str, ...]) -> str:
    formats = "[" + ", ".join(_lit(f) for f in (*extra_formats, *DATE_FORMATS)) + "]"
    serial = (f"CASE WHEN regexp_full_match({d}, '\\d{{5}}([.,]\\d+)?') "
              f"THEN TIMESTAMP '{EXCEL_EPOCH}' + to_microseconds(CAST(round("
              f"TRY_CAST(replace({d}, ',', '.') AS DOUBLE) * 86400) AS BIGINT) * 1000000) END")
    return f"coalesce(try_strptime({d}, {formats}), {serial})"


INVALID_TIME = "INTERVAL 99 DAY"  # a sentinel: a time was given but is not a time


def datetime_stages(prefix: str, date_col: str | None, time_col: str | None,
                    datetime_col: str | None, extra_formats: tuple[str, ...] = ()
                    ) -> list[dict[str, str]]:
    """SQL stages that parse a date (and time) into ``{prefix}_ts`` (TIMESTAMP or NULL),
    ``{prefix}_time_known`` (BOOLEAN) and ``{prefix}_problem`` (NULL, ``'missing'``,
    ``'date'`` or ``'time'``).

    Each stage is ``{column: expression}`` over the columns of the stages before it (the
    first over the file's text columns); the caller chains them as
    ``SELECT *, <exprs> FROM (<previous>)`` so every value is computed once.
    """
    main = datetime_col or date_col
    if main is None:
        raise ValueError("a date or datetime column is needed")
    p = prefix
    stage1 = {
        f"{p}_s": _months_sql(normalized_sql(quote_ident(main))),
        f"{p}_t": (f"nullif({normalized_sql(quote_ident(time_col))}, '')"
                   if time_col else "CAST(NULL AS VARCHAR)"),
    }
    # The date is the leading run of digits and separators; the rest is a time.
    stage2 = {f"{p}_d": f"regexp_extract({p}_s, '^([0-9./-]+(?:,\\d+)?)', 1)"}
    stage3 = {
        f"{p}_rest": f"trim(substr({p}_s, length({p}_d) + 1))",
        f"{p}_date": f"{_date_part_sql(f'{p}_d', extra_formats)}",
    }
    # Date-only cells from Excel carry 00:00:00: that is no time of day.
    stage4 = {f"{p}_tt": (f"coalesce({p}_t, CASE WHEN {p}_rest IN ('', '00:00:00') "
                          f"THEN NULL ELSE {p}_rest END)")}
    return [stage1, stage2, stage3, stage4, *_time_stages(p)]


# One clock time as a span's end may write it: "22", "22.00", "22:00:00", "2200".
_CLOCK = "\\d{1,2}(?:[:.]\\d{2}){0,2}|\\d{4}"
# A time cell holding a span (after :func:`normalized_sql`, so without "kl"):
# "22.00-06.00", "22:00–06:00", "22-06", "mellan 22.00 och 06.00", "22.00 till 06.00".
SPAN_RE = (f"^(?:mellan )?({_CLOCK}) ?(?:-|–|—|till|och) ?({_CLOCK})$")


def _time_stages(p: str) -> list[dict[str, str]]:
    """Stages 5-9 of :func:`datetime_stages`: the time text ``{p}_tt`` (or the two
    halves of a span in it) as intervals ``{p}_time`` and ``{p}_end_time`` (NULL
    without a span), then the timestamp, whether the time is known, and the problem."""
    tt = f"{p}_tt"
    span = {f"{p}_span": f"regexp_extract({tt}, '{SPAN_RE}', ['a', 'b'])"}
    halves = {f"{p}_t1": f"CASE WHEN {p}_span.a <> '' THEN {p}_span.a ELSE {tt} END",
              f"{p}_t2": f"nullif({p}_span.b, '')"}
    parts = {**_clock_parts(f"{p}_t1", p), **_clock_parts(f"{p}_t2", f"{p}_e")}
    has_serial_time = f"regexp_full_match({p}_d, '\\d{{5}}[.,]\\d+')"
    serial = f"WHEN {has_serial_time} THEN {p}_date - CAST({p}_date AS DATE)"
    clocks = {f"{p}_time": _clock_sql(f"{p}_t1", p, serial),
              f"{p}_end_time": _clock_sql(f"{p}_t2", f"{p}_e")}
    last = {
        f"{p}_ts": (f"CASE WHEN {p}_time = {INVALID_TIME} OR {p}_date IS NULL THEN NULL "
                    f"ELSE CAST(CAST({p}_date AS DATE) AS TIMESTAMP) "
                    f"+ coalesce({p}_time, INTERVAL 0 SECOND) END"),
        f"{p}_time_known": f"{p}_time IS NOT NULL AND {p}_time <> {INVALID_TIME}",
        f"{p}_problem": (f"CASE WHEN {p}_s IS NULL OR {p}_s = '' THEN 'missing' "
                         f"WHEN {p}_date IS NULL THEN 'date' "
                         f"WHEN {p}_time = {INVALID_TIME} THEN 'time' END"),
    }
    return [span, halves, parts, clocks, last]


def _clock_parts(text: str, q: str) -> dict[str, str]:
    """The pieces of a time text: ``{q}_hms`` (h, m, s), ``{q}_hhmm``, ``{q}_frac``."""
    return {
        f"{q}_hms": (f"regexp_extract({text}, '^(\\d{{1,2}})(?:[:.](\\d{{2}}))?(?:[:.](\\d{{2}}))?"
                     f"(?:[.,]\\d+)?$', ['h', 'm', 's'])"),
        f"{q}_hhmm": f"regexp_extract({text}, '^(\\d{{2}})(\\d{{2}})$', ['h', 'm'])",
        f"{q}_frac": (f"CASE WHEN regexp_full_match({text}, '0?[.,]\\d+') THEN "
                      f"TRY_CAST(replace({text}, ',', '.') AS DOUBLE) END"),
    }


def _clock_sql(text: str, q: str, first_case: str = "") -> str:
    """The time text ``text`` (its pieces from :func:`_clock_parts`) as an INTERVAL,
    NULL without a text, :data:`INVALID_TIME` when it is no time of day."""
    hms, hhmm = f"{q}_hms", f"{q}_hhmm"
    h, m, sec = (f"TRY_CAST(nullif({hms}.{k}, '') AS INTEGER)" for k in ("h", "m", "s"))
    h4, m4 = (f"TRY_CAST(nullif({hhmm}.{k}, '') AS INTEGER)" for k in ("h", "m"))
    return f"""CASE
        {first_case}
        WHEN {text} IS NULL THEN NULL
        WHEN {q}_frac IS NOT NULL AND {q}_frac < 1
            THEN to_microseconds(CAST(round({q}_frac * 86400) AS BIGINT) * 1000000)
        WHEN {h4} IS NOT NULL
            THEN CASE WHEN {h4} < 24 AND {m4} < 60 THEN to_hours({h4}) + to_minutes({m4})
                 ELSE {INVALID_TIME} END
        WHEN {h} IS NOT NULL AND {h} < 24 AND coalesce({m}, 0) < 60 AND coalesce({sec}, 0) < 60
            THEN to_hours({h}) + to_minutes(coalesce({m}, 0)) + to_seconds(coalesce({sec}, 0))
        ELSE {INVALID_TIME} END"""


def stage_columns(stages: list[dict[str, str]]) -> list[str]:
    """Every helper column the stages add (to drop them afterwards)."""
    return [name for stage in stages for name in stage]


def chain_sql(source_sql: str, stages: list[dict[str, str]]) -> str:
    """``SELECT *, <stage n> FROM (... SELECT *, <stage 1> FROM (source))``."""
    sql = source_sql
    for stage in stages:
        exprs = ", ".join(f"{expr} AS {quote_ident(name)}" for name, expr in stage.items())
        sql = f"SELECT *, {exprs} FROM ({sql})"
    return sql


def _distinct_parse_sql(table: str, key: str, stages: list[dict[str, str]],
                        keep: dict[str, str]) -> str:
    """Parse the distinct values of ``key`` in ``table`` through ``stages``."""
    source = f"SELECT DISTINCT {key} AS v FROM {table}"
    sql = chain_sql(source, stages)
    cols = ", ".join(f"{expr} AS {name}" for name, expr in keep.items())
    return f"SELECT v, {cols} FROM ({sql})"


@dataclass
class DateSQL:
    """How to get the parsed date into a query over the file's table (alias ``r``):
    add ``joins`` after ``FROM <table> r`` and select ``ts``, ``time_known``,
    ``problem``. ``tables`` are the lookup tables to drop afterwards. ``date`` (the
    day, NULL when unreadable) and ``clock`` (the time of day as an INTERVAL, NULL or
    :data:`INVALID_TIME`) are the parts of ``ts``; ``span_end`` is the end of a span
    written in the time cell ("22.00-06.00") as a time of day (INTERVAL), else NULL."""

    joins: str
    ts: str
    time_known: str
    problem: str
    tables: tuple[str, ...]
    date: str = "CAST(NULL AS TIMESTAMP)"
    clock: str = "CAST(NULL AS INTERVAL)"
    span_end: str = "CAST(NULL AS INTERVAL)"


DISTINCT_LIMIT = 200_000  # above this many distinct date values, split them first


def prepare_datetimes(con: duckdb.DuckDBPyConnection, table: str, date_col: str | None,
                      time_col: str | None, datetime_col: str | None,
                      extra_formats: tuple[str, ...] = (), prefix: str = "_dt",
                      alias: str = "dm") -> DateSQL:
    """Parse the distinct date (and time) values of ``table`` into lookup tables.

    ``problem`` is NULL, ``'missing'`` (no date), ``'date'`` (unreadable date) or
    ``'time'`` (unreadable time).
    """
    main = datetime_col or date_col
    if main is None:
        raise ValueError("a date or datetime column is needed")
    m_raw = f"r.{quote_ident(main)}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {prefix}_vals AS "
                f"SELECT DISTINCT {quote_ident(main)} AS v FROM {table}")
    n = con.execute(f"SELECT count(*) FROM {prefix}_vals").fetchall()[0][0]
    if n > DISTINCT_LIMIT:
        con.execute(f"DROP TABLE {prefix}_vals")
        return _prepare_by_tokens(con, table, main, time_col, extra_formats, prefix, alias)
    full = datetime_stages("x", "v", None, None, extra_formats)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {prefix}_main AS " + _distinct_parse_sql(
        f"{prefix}_vals", "v", full, {"d": "x_date", "iv": "x_time", "eiv": "x_end_time"}))
    con.execute(f"DROP TABLE {prefix}_vals")
    d = alias
    joins = f" LEFT JOIN {prefix}_main {d} ON {d}.v = {m_raw}"
    tables = [f"{prefix}_main"]
    iv, eiv = f"{d}.iv", f"{d}.eiv"
    if time_col:
        joins += prepare_clock(con, table, time_col, f"{prefix}_time", f"{d}t")
        tables.append(f"{prefix}_time")
        iv = f"coalesce({d}t.iv, {d}.iv)"
        eiv = f"CASE WHEN {d}t.iv IS NOT NULL THEN {d}t.eiv ELSE {d}.eiv END"
    return DateSQL(
        joins=joins,
        ts=(f"CASE WHEN {d}.d IS NULL OR {iv} = {INVALID_TIME} THEN NULL "
            f"ELSE CAST(CAST({d}.d AS DATE) AS TIMESTAMP) + coalesce({iv}, INTERVAL 0 SECOND) END"),
        time_known=f"coalesce({iv} IS NOT NULL AND {iv} <> {INVALID_TIME}, false)",
        problem=(f"CASE WHEN nullif(trim(CAST({m_raw} AS VARCHAR)), '') IS NULL THEN 'missing' "
                 f"WHEN {d}.d IS NULL THEN 'date' WHEN {iv} = {INVALID_TIME} THEN 'time' END"),
        tables=tuple(tables), date=f"{d}.d", clock=iv, span_end=eiv)


def prepare_clock(con: duckdb.DuckDBPyConnection, table: str, time_col: str, out: str,
                  alias: str) -> str:
    """Parse the distinct values of a time-only column of ``table`` (alias ``r``) into
    the lookup table ``out`` (``v``, ``iv`` the time of day, ``eiv`` the end of a span
    written in the cell); return the join that brings it in as ``alias``."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS " + _distinct_parse_sql(
        table, quote_ident(time_col), _time_only_stages(),
        {"iv": "x_time", "eiv": "x_end_time"}))
    return f" LEFT JOIN {out} {alias} ON {alias}.v = r.{quote_ident(time_col)}"


def parse_datetimes(con: duckdb.DuckDBPyConnection, table: str, out: str,
                    date_col: str | None, time_col: str | None, datetime_col: str | None,
                    extra_formats: tuple[str, ...] = ()) -> None:
    """Create the temp table ``out`` (``_row``, ``ts``, ``time_known``, ``problem``)
    from the text columns of ``table`` (which has ``_row``)."""
    q = prepare_datetimes(con, table, date_col, time_col, datetime_col, extra_formats)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT r._row, {q.ts} AS ts, "
                f"{q.time_known} AS time_known, {q.problem} AS problem FROM {table} r{q.joins}")
    for name in q.tables:
        con.execute(f"DROP TABLE {name}")


def _prepare_by_tokens(con, table: str, main: str, time_col: str | None,
                       extra_formats: tuple[str, ...], prefix: str, alias: str) -> DateSQL:
    """Many distinct values (a combined date-and-time column): parse the date token and
    the time text separately, then join per row."""
    out = f"{prefix}_occ"
    m = f"trim(CAST({quote_ident(main)} AS VARCHAR))"
    t = f"nullif(trim(CAST({quote_ident(time_col)} AS VARCHAR)), '')" if time_col else "NULL"
    # Row level: only cheap string functions. The first token is the date, the rest a time.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _dt_rows AS
        SELECT _row, m, split_part(m, ' ', 1) AS tok,
               nullif(ltrim(substr(m, length(split_part(m, ' ', 1)) + 1)), '') AS rest, t
        FROM (SELECT _row, replace({m}, 'T', ' ') AS m, {t} AS t FROM {table})""")
    # Distinct date tokens.
    date_stages = datetime_stages("x", "v", None, None, extra_formats)
    con.execute("CREATE OR REPLACE TEMP TABLE _dt_dates AS " + _distinct_parse_sql(
        "_dt_rows", "tok", date_stages,
        {"d": "x_date", "serial_time": f"CASE WHEN x_time IS NOT NULL AND x_time <> "
                                       f"{INVALID_TIME} AND regexp_full_match(x_d, "
                                       f"'\\d{{5}}[.,]\\d+') THEN x_time END"}))
    # Distinct time texts (the time column, else what follows the date).
    con.execute("CREATE OR REPLACE TEMP TABLE _dt_times AS " + _distinct_parse_sql(
        "(SELECT coalesce(t, CASE WHEN rest = '00:00:00' THEN NULL ELSE rest END) AS tt "
        "FROM _dt_rows)", "tt", _time_only_stages(), {"iv": "x_time", "eiv": "x_end_time"}))
    # Whole values whose first token is no date ("4 mars 2025 22.15"): full parse.
    full = datetime_stages("x", "v", None, None, extra_formats)
    con.execute("CREATE OR REPLACE TEMP TABLE _dt_full AS " + _distinct_parse_sql(
        "(SELECT r.m FROM _dt_rows r JOIN _dt_dates d ON d.v = r.tok "
        " WHERE d.d IS NULL AND r.m <> '')", "m", full,
        {"d": "x_date", "iv": "x_time", "eiv": "x_end_time"}))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {out} AS
        WITH j AS (
            SELECT r._row, r.m, r.t,
                   coalesce(d.d, f.d) AS d,
                   CASE WHEN d.d IS NOT NULL THEN coalesce(d.serial_time, tm.iv)
                        ELSE (CASE WHEN r.t IS NOT NULL THEN tm.iv ELSE f.iv END) END AS iv,
                   CASE WHEN d.d IS NOT NULL THEN (CASE WHEN d.serial_time IS NULL THEN tm.eiv END)
                        ELSE (CASE WHEN r.t IS NOT NULL THEN tm.eiv ELSE f.eiv END) END AS eiv
            FROM _dt_rows r
            LEFT JOIN _dt_dates d ON d.v = r.tok
            LEFT JOIN _dt_times tm
                   ON tm.v = coalesce(r.t, CASE WHEN r.rest = '00:00:00' THEN NULL ELSE r.rest END)
            LEFT JOIN _dt_full f ON f.v = r.m AND d.d IS NULL
        )
        SELECT _row,
               CASE WHEN d IS NULL OR iv = {INVALID_TIME} THEN NULL
                    ELSE CAST(CAST(d AS DATE) AS TIMESTAMP) + coalesce(iv, INTERVAL 0 SECOND)
               END AS ts,
               iv IS NOT NULL AND iv <> {INVALID_TIME} AS time_known,
               CASE WHEN m IS NULL OR m = '' THEN 'missing'
                    WHEN d IS NULL THEN 'date'
                    WHEN iv = {INVALID_TIME} THEN 'time' END AS problem,
               d, iv, eiv
        FROM j""")
    con.execute("DROP TABLE _dt_rows; DROP TABLE _dt_dates; DROP TABLE _dt_times; "
                "DROP TABLE _dt_full")
    o = alias
    return DateSQL(joins=f" LEFT JOIN {out} {o} ON {o}._row = r._row", ts=f"{o}.ts",
                   time_known=f"{o}.time_known", problem=f"{o}.problem", tables=(out,),
                   date=f"{o}.d", clock=f"{o}.iv", span_end=f"{o}.eiv")


def _time_only_stages() -> list[dict[str, str]]:
    """Stages that read ``v`` as a time text only (no date part)."""
    stages = datetime_stages("x", "v", "v", None)
    # Replace the date stages by constants: the time comes from column "v" alone.
    stages[0] = {"x_s": "''", "x_t": f"nullif({normalized_sql('v')}, '')"}
    stages[1] = {"x_d": "''"}
    stages[2] = {"x_rest": "''", "x_date": "CAST(NULL AS TIMESTAMP)"}
    return stages
