"""Reading a database file back in a test: a short read-only connection per query."""
from __future__ import annotations

from pathlib import Path

import duckdb


def q(path: Path | str, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of ``sql`` on the file at ``path``, opened read-only and closed again."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
