"""From the common shape (``norm``) to rows ready for the incidents table.

Classifies categories, rejects what cannot be used (with a Swedish reason), masks
personal data, places each row (coordinates, address register, area code), assigns
areas, and gives every row its stable key. A row whose own point lies outside the
municipality (:mod:`est_data.ingest.extent`) is rejected, or, when the import accepts
such rows, kept as a point without area. Runs as SQL on the temporary tables of the
connection the file was read into; only the coordinates take a trip through numpy.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from est_data.areas.geometry import assign_incident_areas
from est_data.core.config import EARLIEST_DATE
from est_data.core.categorize import AMBIGUOUS, UNKNOWN
from est_data.core.taxonomy import FALLBACK_CODE, _normalize, match
from est_data.ingest import addresses, coords, extent, masking
from est_data.ingest.profiles import Profile
from est_data.ingest.readers import RawTable

INCIDENT_COLUMNS = ("incident_id", "source", "source_ref", "occurred_at", "reported_at",
                    "category", "raw_category", "lat", "lon", "x", "y", "precision",
                    "address", "area_id", "focus_area_id", "description", "content_hash",
                    "time_known", "occurred_to")
SKIP_CATEGORY_SV = "Inte en EST-händelse (kategori enligt profilen)"


@dataclass
class Staged:
    """What a file holds, ready to write: ``table`` (temporary, :data:`INCIDENT_COLUMNS`
    plus ``_row``), ``rejected`` (``row_number``, ``reason``, ``raw``) and the counts the
    import report shows."""

    table: str          # the temporary table of rows to write
    rejected: pa.Table
    read: int
    skipped: dict[str, int] = field(default_factory=dict)
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    unknown_categories: dict[str, int] = field(default_factory=dict)
    category_rules: dict[str, list] = field(default_factory=dict)
    ambiguous_categories: dict[str, list[str]] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    masked: dict[str, int] = field(default_factory=dict)
    location: dict[str, int] = field(default_factory=dict)
    precision: dict[str, int] = field(default_factory=dict)
    repeated_in_file: int = 0
    time_unknown: int = 0
    spans: int = 0      # rows written with a time span (occurred_to)
    span_dropped: dict[str, int] = field(default_factory=dict)  # ends dropped, per reason


@dataclass
class CategoryWords:
    """The distinct raw words of a file: ``table`` (``raw_category``, ``category``,
    ``skip_word``) for the join, and for the report, per word not skipped: ``rules``
    ``{word: [code, rule, count]}``, ``unknown`` ``{word: count}`` (no rule gave a
    category) and ``ambiguous`` ``{word: [candidate codes]}``."""

    table: pd.DataFrame
    rules: dict[str, list] = field(default_factory=dict)
    unknown: dict[str, int] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)


def _category_table(con, profile: Profile | None) -> CategoryWords:
    """Map each distinct raw word (view ``norm_words``) to a code by meaning
    (:func:`est_data.core.categorize.match`), once per word."""
    words = con.execute("SELECT raw_category, count(*) FROM norm_words "
                        "WHERE raw_category IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    extra = {_normalize(k): v for k, v in (profile.categories if profile else {}).items()}
    patterns = [p.strip().lower() for p in (profile.skip_categories if profile else ())]
    out = CategoryWords(table=pd.DataFrame())
    rows = []
    for word, n in words:
        skip = any(fnmatch.fnmatchcase(_normalize(word), p) for p in patterns)
        found = match(word, extra)
        rows.append((word, found.code, skip))
        if skip:
            continue
        out.rules[word] = [found.code, found.rule, int(n)]
        if found.rule == UNKNOWN:
            out.unknown[word] = int(n)
        elif found.rule == AMBIGUOUS:
            out.ambiguous[word] = list(found.candidates)
    out.table = pd.DataFrame(rows, columns=["raw_category", "category", "skip_word"])
    if out.table.empty:
        out.table = pd.DataFrame({"raw_category": pd.Series([], dtype=object),
                                  "category": pd.Series([], dtype=object),
                                  "skip_word": pd.Series([], dtype=bool)})
    return out


def _areas_lookup(areas_wgs: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area codes and names (lower case) → area_id / focus_area_id."""
    if areas_wgs is None or areas_wgs.empty:
        return pd.DataFrame({"key": pd.Series([], dtype=object),
                             "area_id": pd.Series([], dtype=object),
                             "focus_area_id": pd.Series([], dtype=object)})
    rows = []
    for area_id, name, kind in zip(areas_wgs["area_id"], areas_wgs["name"], areas_wgs["kind"]):
        target = (None, area_id) if kind == "custom" else (area_id, None)
        rows.append((str(area_id).strip().lower(), *target))
        rows.append((str(name).strip().lower(), *target))
    df = pd.DataFrame(rows, columns=["key", "area_id", "focus_area_id"])
    return df.drop_duplicates("key")


KEEP = "skip_reason IS NULL AND reject_reason IS NULL"  # rows of ``s1`` that are written


def stage(raw: RawTable, profile: Profile | None, source: str,
          areas_wgs: gpd.GeoDataFrame | None, register: pd.DataFrame | None = None,
          now: dt.datetime | None = None, accept_outside: bool = False) -> Staged:
    """Turn ``norm`` (in ``raw.con``) into the temporary table ``staged`` (columns
    :data:`INCIDENT_COLUMNS` plus ``_row``, unique ``incident_id``); see the module
    docstring. Rows whose point lies outside the municipality are rejected, or with
    ``accept_outside`` kept with their point and no area."""
    con = raw.con
    read = int(con.execute("SELECT count(*) FROM norm").fetchall()[0][0])
    words = _classify(con, profile, now or dt.datetime.now())
    skipped = dict(con.execute("SELECT skip_reason, count(*) FROM s1 WHERE skip_reason IS NOT NULL "
                               "GROUP BY 1 ORDER BY 2 DESC").fetchall())
    located, location = _located(con, profile, areas_wgs, register, KEEP, accept_outside)
    rejected_reasons, rejected = _rejections(con, raw)
    masked = _masked_counts(con)
    span_dropped = dict(con.execute(
        f"SELECT span_problem, count(*) FROM s1 WHERE {KEEP} AND span_problem IS NOT NULL "
        "GROUP BY 1 ORDER BY 2 DESC").fetchall())
    location.update(_place(con, located, source, areas_wgs, KEEP))
    con.execute("DROP TABLE s1")
    repeated = _resolve_repeated_keys(con)
    stats = con.execute("""SELECT count(*) FILTER (WHERE NOT time_known),
            count(occurred_to) FROM staged""").fetchall()[0]
    precision = dict(con.execute("SELECT precision, count(*) FROM staged GROUP BY 1").fetchall())
    categories = dict(con.execute(
        "SELECT category, count(*) FROM staged GROUP BY 1 ORDER BY 2 DESC").fetchall())
    return Staged(table="staged", rejected=rejected, read=read + len(raw.structural_rejects),
                  skipped=skipped, rejected_reasons=rejected_reasons,
                  unknown_categories=words.unknown, category_rules=words.rules,
                  ambiguous_categories=words.ambiguous,
                  categories=categories, masked=masked, location=location,
                  precision=precision, repeated_in_file=repeated, time_unknown=int(stats[0]),
                  spans=int(stats[1]), span_dropped=span_dropped)


def _classify(con, profile: Profile | None, now: dt.datetime) -> CategoryWords:
    """Create ``s1`` from ``norm`` in one pass: category, why a row is skipped or
    rejected, masked free text. Returns the file's category words."""
    words = _category_table(con, profile)
    con.register("cat_map", words.table)
    latest = now + dt.timedelta(days=1)
    mask_desc = masking.count_sql("n.description", "n.desc_hit")
    mask_addr = masking.count_sql("n.address", "n.addr_hit")
    mask_cols = ", ".join(f"{mask_desc[k]} + {mask_addr[k]} AS mask_{k}" for k in masking.PATTERNS)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE s1 AS
        SELECT n._row, n.ref, n.occurred_at, n.occurred_to, n.span_problem, n.time_known,
               n.reported_at, n.raw_category, n.area_code, n.coord_a, n.coord_b, n.fixed_precision,
               coalesce(c.category, '{FALLBACK_CODE}') AS category,
               coalesce(n.skip, CASE WHEN c.skip_word THEN '{SKIP_CATEGORY_SV}' END) AS skip_reason,
               CASE WHEN n.problem IS NOT NULL THEN n.problem
                    WHEN n.raw_category IS NULL THEN 'Kategori saknas'
                    WHEN n.occurred_at < DATE '{EARLIEST_DATE}'
                        THEN 'Datumet ligger före {EARLIEST_DATE}'
                    WHEN n.occurred_at > TIMESTAMP '{latest:%Y-%m-%d %H:%M:%S}'
                        THEN 'Datumet ligger i framtiden'
               END AS reject_reason,
               {masking.masked_sql('n.description', 'n.desc_hit')} AS description,
               {masking.masked_sql('n.address', 'n.addr_hit')} AS address,
               {mask_cols}
        FROM (SELECT *, {masking.hit_sql('description')} AS desc_hit,
                        {masking.hit_sql('address')} AS addr_hit FROM norm) n
        LEFT JOIN cat_map c USING (raw_category)""")
    con.unregister("cat_map")
    con.execute("DROP VIEW norm; DROP VIEW norm_words")
    return words


def _rejections(con, raw: RawTable) -> tuple[dict[str, int], pa.Table]:
    """The rejected rows of ``s1`` and the lines the reader could not split: counts per
    reason, and the rows (``row_number``, ``reason``, ``raw``)."""
    reasons = dict(con.execute(
        "SELECT reject_reason, count(*) FROM s1 WHERE skip_reason IS NULL AND reject_reason "
        "IS NOT NULL GROUP BY 1 ORDER BY 2 DESC").fetchall())
    for _, reason, _ in raw.structural_rejects:
        reasons[reason] = reasons.get(reason, 0) + 1
    # The raw row is kept for the coordinator, with personal data masked there too.
    rejected = con.sql(
        f"SELECT s._row AS row_number, s.reject_reason AS reason, "
        f"{masking.masked_sql('CAST(to_json(r) AS VARCHAR)')} AS raw "
        f"FROM s1 s JOIN raw r USING (_row) "
        f"WHERE s.skip_reason IS NULL AND s.reject_reason IS NOT NULL ORDER BY s._row"
    ).to_arrow_table()
    if raw.structural_rejects:
        extra = pa.table({"row_number": [r[0] for r in raw.structural_rejects],
                          "reason": [r[1] for r in raw.structural_rejects],
                          "raw": [masking.mask_text(r[2])[0] for r in raw.structural_rejects]})
        rejected = pa.concat_tables([rejected.cast(extra.schema), extra])
    return reasons, rejected


def _masked_counts(con) -> dict[str, int]:
    """Personal data masked in the rows that are written, per kind."""
    sums = ", ".join(f"coalesce(sum(mask_{k}), 0)" for k in masking.PATTERNS)
    masked_row = con.execute(f"SELECT {sums} FROM s1 WHERE {KEEP}").fetchall()[0]
    return {k: int(v or 0) for k, v in zip(masking.PATTERNS, masked_row)}


def _resolve_repeated_keys(con) -> int:
    """Make ``incident_id`` unique in ``staged``; return the rows that gave way.

    Keys: the actor's id, else a content hash; an id twice in the file is an update
    within the file (the latest report wins), identical rows without id are counted.
    """
    dup = con.execute("SELECT count(*) - count(DISTINCT incident_id) FROM staged").fetchall()[0][0]
    if not dup:
        return 0
    before = int(con.execute("SELECT count(*) FROM staged").fetchall()[0][0])
    con.execute("""CREATE OR REPLACE TEMP TABLE staged AS
        WITH numbered AS (
            SELECT * REPLACE (
                CASE WHEN source_ref IS NULL AND row_number() OVER w > 1
                     THEN incident_id || '-' || row_number() OVER w
                     ELSE incident_id END AS incident_id)
            FROM staged
            WINDOW w AS (PARTITION BY incident_id ORDER BY _row)
        )
        SELECT * FROM numbered
        QUALIFY row_number() OVER (PARTITION BY incident_id
                                   ORDER BY reported_at DESC NULLS LAST, _row DESC) = 1""")
    return before - int(con.execute("SELECT count(*) FROM staged").fetchall()[0][0])


def _assign(x: np.ndarray, y: np.ndarray, areas_wgs) -> tuple[np.ndarray, np.ndarray]:
    if len(x) and areas_wgs is not None and not areas_wgs.empty:
        return assign_incident_areas(x, y, areas_wgs)
    empty = np.full(len(x), None, dtype=object)
    return empty, empty.copy()


def _place(con, located: pa.Table, source: str, areas_wgs, keep: str) -> dict[str, int]:
    """Create ``staged`` from the kept rows of ``s1`` and their places (``located``):
    precision, areas, key. Returns the location warnings."""
    con.register("located_in", located)
    con.register("area_keys", _areas_lookup(areas_wgs))
    con.execute(_STAGED_SQL.format(keep=keep.replace(' AND ', ' AND s.')), [source, source])
    con.unregister("located_in")
    con.unregister("area_keys")
    more = con.execute("""SELECT
            count(*) FILTER (WHERE area_code IS NOT NULL AND x IS NULL
                             AND area_id IS NULL AND focus_area_id IS NULL),
            count(*) FILTER (WHERE address IS NOT NULL AND x IS NOT NULL AND precision = 'address'),
            count(*) FILTER (WHERE address IS NOT NULL AND x IS NULL AND precision = 'address')
        FROM staged""").fetchall()[0]
    return {"unknown_area_code": int(more[0]), "address_in_register": int(more[1]),
            "address_not_in_register": int(more[2])}


def _located(con, profile: Profile | None, areas_wgs, register, keep: str,
             accept_outside: bool) -> tuple[pa.Table, dict[str, int]]:
    """The kept rows with a place: their own coordinates, else the address register's
    point; with their areas. Rows whose own point lies outside the municipality are
    rejected in ``s1`` (kept without area with ``accept_outside``). Returns the table
    and the coordinate warnings."""
    pts = con.sql(f"SELECT _row, coord_a, coord_b FROM s1 WHERE {keep} "
                  "AND (coord_a IS NOT NULL OR coord_b IS NOT NULL)").to_arrow_table()
    loc = coords.locate(pts.column("coord_a").to_numpy(zero_copy_only=False),
                        pts.column("coord_b").to_numpy(zero_copy_only=False),
                        crs=profile.crs_kind if profile else None, keep_outside=True)
    ok = np.isin(loc.status, (coords.OK, coords.OUTSIDE))
    rows = pts.column("_row").to_numpy()[ok]
    x, y, lat, lon = loc.x[ok], loc.y[ok], loc.lat[ok], loc.lon[ok]
    area_id, focus_id = _assign(x, y, areas_wgs)
    out = extent.outside(x, y, loc.status[ok], area_id, areas_wgs)
    warnings = {**loc.counts(), "outside": 0, "outside_accepted": 0}
    if out.any() and accept_outside:
        area_id[out] = focus_id[out] = None
        warnings["outside_accepted"] = int(out.sum())
    elif out.any():
        con.register("outside_rows", pa.table({"_row": rows[out]}))
        con.execute("UPDATE s1 SET reject_reason = ? WHERE _row IN (SELECT _row FROM "
                    "outside_rows)", [extent.reason_sv(areas_wgs)])
        con.unregister("outside_rows")
        warnings["outside"] = int(out.sum())
        rows, x, y, lat, lon, area_id, focus_id = (
            a[~out] for a in (rows, x, y, lat, lon, area_id, focus_id))
    located = pa.table({"_row": pa.array(rows, pa.int64()), "x": x, "y": y, "lat": lat,
                        "lon": lon, "has_point": np.ones(len(rows), dtype=bool),
                        "pt_area_id": pa.array(area_id, pa.string()),
                        "pt_focus_area_id": pa.array(focus_id, pa.string())})
    return pa.concat_tables([located, _register_points(con, areas_wgs, register, keep)]), warnings


def _register_points(con, areas_wgs, register, keep: str) -> pa.Table:
    """Address-only rows of ``s1`` at the register's point when the address is in it."""
    addresses.match(con, f"(SELECT _row, address FROM s1 WHERE {keep} AND address IS NOT NULL "
                         "AND coord_a IS NULL AND coord_b IS NULL)",
                    register if register is not None else pd.DataFrame())
    reg = con.sql("SELECT _row, x, y, lat, lon FROM addr_match").to_arrow_table()
    con.execute("DROP TABLE addr_match")
    x, y = reg.column("x").to_numpy(), reg.column("y").to_numpy()
    area_id, focus_id = _assign(x, y, areas_wgs)
    return pa.table({"_row": reg.column("_row").cast(pa.int64()), "x": x, "y": y,
                     "lat": reg.column("lat").to_numpy(), "lon": reg.column("lon").to_numpy(),
                     "has_point": np.zeros(reg.num_rows, dtype=bool),
                     "pt_area_id": pa.array(area_id, pa.string()),
                     "pt_focus_area_id": pa.array(focus_id, pa.string())})


# The kept rows of ``s1`` with their place (``located_in``) or area code (``area_keys``):
# precision, areas and the stable key. Parameters: the source twice.
_STAGED_SQL = """CREATE OR REPLACE TEMP TABLE staged AS
    WITH p AS (
        SELECT s._row, s.ref, s.occurred_at, s.occurred_to, s.time_known, s.reported_at,
               s.category,
               s.raw_category, s.description, s.address, s.area_code, s.fixed_precision,
               l.x, l.y, l.lat, l.lon, coalesce(l.has_point, false) AS has_point,
               l._row IS NOT NULL AS located,
               coalesce(l.pt_area_id, CASE WHEN l._row IS NULL THEN k.area_id END) AS area_id,
               coalesce(l.pt_focus_area_id, CASE WHEN l._row IS NULL THEN k.focus_area_id END)
                   AS focus_area_id,
               k.key IS NOT NULL AS area_known
        FROM s1 s
        LEFT JOIN located_in l USING (_row)
        LEFT JOIN area_keys k ON k.key = lower(trim(s.area_code))
        WHERE s.{keep}
    ), h AS (
        SELECT p.*,
               CASE WHEN fixed_precision IS NOT NULL THEN fixed_precision
                    WHEN has_point THEN 'point'
                    WHEN located OR address IS NOT NULL THEN 'address'
                    WHEN area_known THEN 'area'
                    ELSE 'municipality' END AS precision,
               -- Reports without the actor's own id are known by their content.
               CASE WHEN ref IS NULL THEN
                   md5(concat_ws('|', CAST(occurred_at AS VARCHAR), lower(raw_category),
                                 coalesce(description, ''), coalesce(address, ''),
                                 coalesce(area_code, ''),
                                 coalesce(CAST(round(x) AS BIGINT), 0),
                                 coalesce(CAST(round(y) AS BIGINT), 0))) END AS content_hash
        FROM p
    )
    SELECT _row, ? || ':' || coalesce(ref, '#' || substr(content_hash, 1, 16)) AS incident_id,
           ? AS source, ref AS source_ref, occurred_at, reported_at, category, raw_category,
           lat, lon, x, y, precision, address, area_id, focus_area_id, description,
           content_hash, time_known, occurred_to, area_code
    FROM h"""
