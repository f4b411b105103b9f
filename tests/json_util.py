"""Reading decoded JSON in tests (map scripts, chart specs)."""
from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def readable(script: str) -> str:
    """``script`` with its JSON ``\\uXXXX`` escapes written as the characters they are
    (folium writes a layer's data as JSON inside the map's JavaScript)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), script)


def strings_in(value) -> list[str]:
    """Every string inside decoded JSON (dicts, lists, nested), in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []
