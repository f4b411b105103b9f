"""Reading decoded JSON in tests (map scripts, chart specs)."""
from __future__ import annotations


def strings_in(value) -> list[str]:
    """Every string inside decoded JSON (dicts, lists, nested), in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []
