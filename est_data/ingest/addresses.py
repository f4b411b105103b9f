"""The optional address register (``data/addresses.csv``) for address-only reports.

Many housing companies report an address, not a point. When the municipality's address
register is placed at ``data/addresses.csv`` (columns for the address and either
``lat``/``lon`` or SWEREF 99 TM ``N``/``E``; any delimiter and encoding the importer
reads), such reports get the address point; otherwise they keep precision ``address``
without coordinates.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from est_data.ingest.coords import OK, locate, number_sql
from est_data.ingest.dates import quote_ident
from est_data.ingest.errors import IngestError
from est_data.ingest.headers import auto_map
from est_data.ingest.readers import read_file

_CACHE: dict[tuple, pd.DataFrame] = {}


def address_key_sql(expr: str) -> str:
    """SQL: an address reduced for matching (case, punctuation, ``12 A`` = ``12A``)."""
    s = f"lower(trim(CAST({expr} AS VARCHAR)))"
    s = f"regexp_replace({s}, '[,.:;]+', ' ', 'g')"
    s = f"regexp_replace({s}, '(\\d)\\s+([a-zåäö])\\b', '\\1\\2', 'g')"
    return f"nullif(trim(regexp_replace({s}, '\\s+', ' ', 'g')), '')"


def load_register(path: Path | str) -> pd.DataFrame:
    """``key, x, y, lat, lon`` per address of the register (empty if no file).

    Raises :class:`IngestError` when the file exists but cannot be used.
    """
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=["key", "x", "y", "lat", "lon"])
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
            f"{number_sql(quote_ident(a))} AS a, {number_sql(quote_ident(b))} AS b FROM raw"
        ).to_arrow_table().to_pandas()
    finally:
        raw.close()
    loc = locate(df["a"].to_numpy(dtype=float), df["b"].to_numpy(dtype=float))
    out = pd.DataFrame({"key": df["key"], "x": loc.x, "y": loc.y, "lat": loc.lat,
                        "lon": loc.lon})
    out = out[(loc.status == OK) & out["key"].notna()].drop_duplicates("key")
    _CACHE.clear()
    _CACHE[cache_key] = out.reset_index(drop=True)
    return _CACHE[cache_key]


def match(con: duckdb.DuckDBPyConnection, table: str, register: pd.DataFrame) -> None:
    """Create ``addr_match`` (``_row, x, y, lat, lon``) for rows of ``table`` (with
    ``_row`` and ``address``) whose address is in the register."""
    reg = register if len(register) else pd.DataFrame(
        {"key": pd.Series([], dtype=object), "x": np.array([], dtype=float),
         "y": np.array([], dtype=float), "lat": np.array([], dtype=float),
         "lon": np.array([], dtype=float)})
    con.register("addr_register", reg)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE addr_match AS
        SELECT t._row, r.x, r.y, r.lat, r.lon
        FROM {table} t JOIN addr_register r ON r.key = {address_key_sql('t.address')}""")
    con.unregister("addr_register")
