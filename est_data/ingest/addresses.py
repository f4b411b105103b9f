"""The optional address register (``data/addresses.csv``) for address-only reports.

Many housing companies report an address, not a point. When the municipality's address
register is placed at ``data/addresses.csv`` (columns for the address and either
``lat``/``lon`` or SWEREF 99 TM ``N``/``E``; any delimiter and encoding the importer
reads), such reports get the address point; otherwise they keep precision ``address``
without coordinates.

Addresses are compared by key, not by text. :func:`building_key_sql` reduces an address
to street and house number (what the duplicate search compares: "Kyrkgatan 12 A,
Östersund", "KYRKGATAN 12A", "Kyrkg. 12", "Kyrkgatan 12, lgh 1103" and "Kyrkgatan 12
(trapphus B)" are one building); :func:`address_key_sql` keeps the entrance letter as
well (what the register is looked up by, falling back to the building).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from est_data.ingest.coords import OK, locate, number_sql
from est_data.ingest.dates import quote_ident
from est_data.ingest.errors import IngestError
from est_data.ingest.headers import auto_map
from est_data.ingest.readers import read_file

_CACHE: dict[tuple, pd.DataFrame] = {}
_COLUMNS = ["key", "building", "x", "y", "lat", "lon"]


# Apartment numbers (``lgh 1103``) and bracketed notes (``(trapphus B)``) are not part
# of the place; abbreviated street words at the end of the street name are written out.
_NOT_PLACE = r"\([^)]*\)|\b(lgh|lght|lägenhet)\.?\s*(nr\.?)?\s*\d+"
_ABBREVIATIONS = ((r"(gt\.?|g\.)$", "gatan"), (r"(vg\.?|v\.)$", "vägen"), (r"gata$", "gatan"),
                  (r"^s:t\s*", "sankt"))
# The first "street number [entrance letter]" in the text: "Kyrkgatan 12 A, Östersund".
_STREET_NUMBER = r"([a-zåäöéü][^\d,()]*?)\s*(\d+)(?:\s*([a-zåäö])(?:$|[^a-zåäö0-9]))?"


def _parts_sql(expr: str) -> tuple[str, str, str, str]:
    """SQL for ``(cleaned text, street, number, entrance letter)`` of an address;
    street and number are '' when the text holds no street followed by a number."""
    text = f"lower(trim(CAST({expr} AS VARCHAR)))"
    text = f"regexp_replace({text}, '{_NOT_PLACE}', ' ', 'g')"
    parts = f"regexp_extract({text}, '{_STREET_NUMBER}', ['street', 'number', 'letter'])"
    street = f"trim({parts}.street)"
    for pattern, word in _ABBREVIATIONS:
        street = f"regexp_replace({street}, '{pattern}', '{word}')"
    # Spaces, hyphens and dots inside a street name do not tell streets apart.
    street = f"regexp_replace({street}, '[^a-zåäöéü]+', '', 'g')"
    return text, street, f"{parts}.number", f"{parts}.letter"


def building_key_sql(expr: str) -> str:
    """SQL: the building an address names, for matching two reports: street and house
    number, without entrance letter, apartment, postal town or notes ("Kyrkgatan 12 A,
    Östersund", "KYRKGATAN 12A", "Kyrkg. 12", "Kyrkgatan 12, lgh 1103" all give
    ``kyrkgatan 12``). NULL when there is no house number: a street alone may be
    kilometres long and names no place."""
    _text, street, number, _letter = _parts_sql(expr)
    return (f"CASE WHEN {number} <> '' AND {street} <> '' "
            f"THEN {street} || ' ' || CAST(CAST({number} AS BIGINT) AS VARCHAR) END")


def address_key_sql(expr: str) -> str:
    """SQL: an address reduced for the address register: the building key with its
    entrance letter (``kyrkgatan 12a``); an address without a house number ("Stortorget")
    is kept whole, reduced to letters and spaces."""
    text, street, number, letter = _parts_sql(expr)
    whole = f"nullif(trim(regexp_replace({text}, '[^a-zåäöéü0-9]+', ' ', 'g')), '')"
    return (f"CASE WHEN {number} <> '' AND {street} <> '' "
            f"THEN {street} || ' ' || CAST(CAST({number} AS BIGINT) AS VARCHAR) || {letter} "
            f"ELSE {whole} END")


def load_register(path: Path | str) -> pd.DataFrame:
    """``key, building, x, y, lat, lon`` per address of the register (empty if no file).

    Raises :class:`IngestError` when the file exists but cannot be used.
    """
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=_COLUMNS)
    stat = path.stat()
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    raw = read_file(path)
    try:
        mapping = auto_map(raw.columns)
        if "address" not in mapping or not ({"lat", "lon"} <= set(mapping)
                                            or {"north", "east"} <= set(mapping)):
            raise IngestError(
                f"{path.name} needs an address column and lat/lon or N/E columns; "
                f"it has {', '.join(raw.columns)}",
                f"{path.name} behöver en adresskolumn och lat/lon eller N/E; den har "
                f"{', '.join(raw.columns)}.")
        a, b = ((mapping["lat"], mapping["lon"]) if "lat" in mapping
                else (mapping["north"], mapping["east"]))
        df = raw.con.sql(
            f"SELECT {address_key_sql(quote_ident(mapping['address']))} AS key, "
            f"{building_key_sql(quote_ident(mapping['address']))} AS building, "
            f"{number_sql(quote_ident(a))} AS a, {number_sql(quote_ident(b))} AS b FROM raw"
        ).to_arrow_table().to_pandas()
    finally:
        raw.close()
    loc = locate(df["a"].to_numpy(dtype=float), df["b"].to_numpy(dtype=float))
    out = pd.DataFrame({"key": df["key"], "building": df["building"], "x": loc.x, "y": loc.y, "lat": loc.lat,
                        "lon": loc.lon})
    out = out[(loc.status == OK) & out["key"].notna()].drop_duplicates("key")
    _CACHE.clear()
    _CACHE[cache_key] = out.reset_index(drop=True)
    return _CACHE[cache_key]


def match(con: duckdb.DuckDBPyConnection, table: str, register: pd.DataFrame) -> None:
    """Create ``addr_match`` (``_row, x, y, lat, lon``) for rows of ``table`` (with
    ``_row`` and ``address``) whose address is in the register: the same entrance, else
    the same building (its first entrance: "Kyrkgatan 12" finds "Kyrkgatan 12 A")."""
    reg = register if len(register) else pd.DataFrame(
        {c: pd.Series([], dtype=object if c in ("key", "building") else float)
         for c in _COLUMNS})
    con.register("addr_register", reg)
    con.register("addr_buildings", reg[reg["building"].notna()].sort_values("key")
                 .drop_duplicates("building"))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE addr_match AS
        SELECT t._row, coalesce(r.x, b.x) AS x, coalesce(r.y, b.y) AS y,
               coalesce(r.lat, b.lat) AS lat, coalesce(r.lon, b.lon) AS lon
        FROM (SELECT _row, {address_key_sql('address')} AS key,
                     {building_key_sql('address')} AS building FROM {table}) t
        LEFT JOIN addr_register r ON r.key = t.key
        LEFT JOIN addr_buildings b ON r.key IS NULL AND b.building = t.building
        WHERE r.key IS NOT NULL OR b.building IS NOT NULL""")
    con.unregister("addr_register")
    con.unregister("addr_buildings")
