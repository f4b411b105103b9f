"""From a file's own columns to the import's common shape (the ``norm`` table).

``norm`` has one row per data row of the file, whatever its format::

    _row, ref, occurred_at, occurred_to, time_known, reported_at, raw_category,
    description, address, area_code, coord_a, coord_b, fixed_precision, problem, skip,
    span_problem

``occurred_to`` is the end of a time span or NULL (:mod:`est_data.ingest.spans`);
``span_problem`` a Swedish reason a span's end was dropped (the row stays).

``problem`` is a Swedish reason to reject the row, ``skip`` a Swedish reason to leave it
out on purpose (counted, not an error). Everything is SQL over the whole table.
"""
from __future__ import annotations

from est_data.ingest import columns, contents
from est_data.ingest.columns import Guess
from est_data.ingest.coords import coordinate_sql
from est_data.ingest.dates import prepare_datetimes, quote_ident
from est_data.ingest.errors import IngestError
from est_data.ingest.headers import (
    FIELDS, OPTIONAL_FIELDS, REQUIRED_ONE_OF, auto_map, label, missing_fields)
from est_data.ingest.profiles import Profile
from est_data.ingest.readers import RawTable
from est_data.ingest.spans import span_sql

DATE_PROBLEMS_SV = {"missing": "Datum saknas", "date": "Datumet kan inte tolkas",
                    "time": "Klockslaget kan inte tolkas"}


def guess_mapping(raw: RawTable) -> Guess:
    """The column scorer's proposal for a file without a profile (names and values)."""
    return columns.guess(raw.columns, contents.measure(raw.con, raw.columns))


def resolve_mapping(raw: RawTable, profile: Profile | None, source: str = "AKTOR"
                    ) -> tuple[dict[str, str], Guess | None]:
    """The mapping to use and, when it was guessed, the guess with its evidence.

    Without a profile (or one that names no columns) the column scorer guesses from
    the headers and the values. A profile's columns are completed for the fields it
    does not name by the headers alone, as before issue 13, so every profile reads its
    files exactly as it always did. Raises when a required field is missing or the
    profile names a column the file lacks."""
    if profile is None or not profile.columns:
        g = guess_mapping(raw)
        check_required(raw.columns, g.mapping, profile, source)
        return g.mapping, g
    auto = auto_map(raw.columns)
    named = {f: c for f, c in profile.columns.items()
             if c in raw.columns or f not in OPTIONAL_FIELDS}
    absent = {f: c for f, c in named.items() if c not in raw.columns}
    if absent:
        names = ", ".join(f"{c!r} ({f})" for f, c in absent.items())
        raise IngestError(
            f"the profile {profile.key!r} names columns the file does not have: {names}. "
            f"The file's columns are: {', '.join(raw.columns)}. Correct the profile "
            f"({profile.path or 'profiles/' + profile.key + '.toml'}).",
            f"Profilen för {profile.name} pekar på kolumner som filen saknar: {names}. "
            f"Filens kolumner är: {', '.join(raw.columns)}. Rätta profilen.")
    mapping = dict(auto)
    taken = set(named.values())
    mapping = {f: c for f, c in mapping.items() if c not in taken}
    mapping.update(named)
    # A profile that names one date field decides: drop automatic guesses of the other.
    if "datetime" in named and "date" not in named:
        mapping.pop("date", None)
    if "date" in named and "datetime" not in named:
        mapping.pop("datetime", None)
    check_required(raw.columns, mapping, profile, source)
    return mapping, None


def check_required(columns: list[str], mapping: dict[str, str], profile: Profile | None,
                   source: str = "AKTOR") -> None:
    """Stop with a message naming the columns seen and how to write a profile."""
    missing = missing_fields(mapping)
    if not missing:
        return
    key = profile.key if profile else source
    missing_en = [" or ".join(group) for group in REQUIRED_ONE_OF
                  if not any(mapping.get(f) for f in group)]
    raise IngestError(
        f"cannot find the required field(s) {', '.join(missing_en)} among the columns "
        f"{', '.join(repr(c) for c in columns)}. Name them in a profile, e.g. "
        f"profiles/{key}.toml with [columns] date = \"<column>\" and category = \"<column>\" "
        f"(see profiles/README.md), or rename the columns in the file.",
        f"Hittar inte {', '.join(missing)} bland kolumnerna "
        f"{', '.join(repr(c) for c in columns)}. Ange vilken kolumn som är vilken i "
        f"förhandsvisningen och spara som aktörens profil (eller skriv profiles/{key}.toml "
        f"med [columns] date = \"kolumnnamn\" och category = \"kolumnnamn\").")


def _col(mapping: dict[str, str], field: str) -> str:
    return f"nullif(trim(CAST(r.{quote_ident(mapping[field])} AS VARCHAR)), '')" \
        if field in mapping else "CAST(NULL AS VARCHAR)"


def normalize(raw: RawTable, mapping: dict[str, str], profile: Profile | None) -> None:
    """Define the view ``norm`` in ``raw.con`` over a table-shaped file and a field
    mapping. Dates are parsed into small lookup tables first; the view joins them, so
    the whole transformation runs as one query when the next step reads it."""
    con = raw.con
    formats = profile.date_formats if profile else ()
    occ = prepare_datetimes(con, "raw", mapping.get("date"), mapping.get("time"),
                            mapping.get("datetime"), formats, prefix="_occ")
    span = span_sql(con, mapping, formats, occ)
    if "reported" in mapping:
        rep = prepare_datetimes(con, "raw", mapping["reported"], None, None, formats,
                                prefix="_rep", alias="rp")
        rep_joins, reported = rep.joins, rep.ts
    else:
        rep_joins, reported = "", "CAST(NULL AS TIMESTAMP)"
    coord_a, coord_b = coordinate_sql(mapping, "r")
    empty = " AND ".join(f"coalesce(trim(CAST(r.{quote_ident(c)} AS VARCHAR)), '') = ''"
                         for c in raw.columns)
    problems = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in DATE_PROBLEMS_SV.items())
    con.execute(f"""CREATE OR REPLACE TEMP VIEW norm AS
        SELECT r._row,
               {_col(mapping, 'ref')} AS ref,
               {occ.ts} AS occurred_at,
               {span.end} AS occurred_to,
               {occ.time_known} AS time_known,
               {reported} AS reported_at,
               {_col(mapping, 'category')} AS raw_category,
               {_col(mapping, 'description')} AS description,
               {_col(mapping, 'address')} AS address,
               {_col(mapping, 'area')} AS area_code,
               {coord_a} AS coord_a,
               {coord_b} AS coord_b,
               CAST(NULL AS VARCHAR) AS fixed_precision,
               CASE ({occ.problem}) {problems} END AS problem,
               CASE WHEN ({occ.problem}) = 'missing' THEN
                   CASE WHEN {empty} THEN 'Tom rad' END END AS skip,
               {span.problem} AS span_problem
        FROM raw r{occ.joins}{span.joins}{rep_joins}""")
    # The words alone, without the date lookups (to classify the distinct words first).
    con.execute(f"CREATE OR REPLACE TEMP VIEW norm_words AS "
                f"SELECT {_col(mapping, 'category')} AS raw_category FROM raw r")


def mapping_labels(mapping: dict[str, str]) -> list[tuple[str, str, str]]:
    """``(field, Swedish label, column)`` in the order of :data:`FIELDS`, for reports."""
    return [(f, label(f), mapping[f]) for f in FIELDS if f in mapping]
