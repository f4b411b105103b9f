"""JSON files: the Police's events feed, or any flat list of records."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from est_data.ingest import limits
from est_data.ingest.encoding import SAMPLE_BYTES, detect_encoding
from est_data.ingest.errors import IngestError
from est_data.ingest.rawtable import ROW_COLUMN, RawTable, clean_names, from_arrow

POLICE_KEYS = {"id", "datetime", "name", "type", "location"}


def _flatten(obj: dict, prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not prefix:
            out.update(_flatten(value, prefix=f"{name}."))
        elif value is None:
            out[name] = None
        elif isinstance(value, (dict, list)):
            out[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = str(value)
    return out


def read_json(path: Path, con=None) -> RawTable:
    """A JSON array of objects (the Police's events feed, or any flat list of records);
    nested objects become ``parent.child`` columns."""
    data = Path(path).read_bytes()
    try:
        doc = json.loads(data.decode(detect_encoding(data[:SAMPLE_BYTES]), errors="strict"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise IngestError(f"the file is not valid JSON: {exc}",
                          "Filen är inte giltig JSON.") from exc
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        doc = lists[0] if len(lists) == 1 else doc
    if not isinstance(doc, list) or not doc or not all(isinstance(r, dict) for r in doc):
        raise IngestError(
            "the JSON file must be a non-empty array of objects (like the police events feed)",
            "JSON-filen måste vara en lista med poster (som Polisens händelseflöde).")
    records = [_flatten(r) for r in doc]
    names: list[str] = []
    for rec in records:
        for key in rec:
            if key not in names:
                names.append(key)
    if not names:
        raise IngestError("the JSON records have no fields", "JSON-posterna saknar fält.")
    if len(records) > limits.max_rows(len(names)):
        raise limits.too_many_rows(limits.max_rows(len(names)), len(names))
    arrays = {n: pa.array([r.get(n) for r in records], type=pa.string()) for n in names}
    clean = clean_names(names)
    table = pa.table(arrays).rename_columns(clean)
    table = table.append_column(ROW_COLUMN, pa.array(np.arange(1, len(records) + 1)))
    police = POLICE_KEYS <= set(doc[0])
    return from_arrow(table, clean, con=con, kind="json", encoding="UTF-8",
                       police_feed=police)
