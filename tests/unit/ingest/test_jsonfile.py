"""JSON files: the police feed is recognised, nested objects become columns."""
from __future__ import annotations

from est_data.ingest.jsonfile import _flatten
from est_data.ingest.readers import read_file


def test_police_feed_json_is_recognised(tmp_path):
    path = tmp_path / "events.json"
    path.write_text('[{"id": 1, "datetime": "2025-06-07 7:32:06 +02:00", "name": "07 juni '
                    '03.10, Brand, Östersund", "summary": "x", "url": "/u", "type": "Brand", '
                    '"location": {"name": "Östersund", "gps": "63.17,14.63"}}]', encoding="utf-8")
    raw = read_file(path)
    try:
        assert raw.kind == "json" and raw.police_feed
        assert "location.name" in raw.columns and raw.rows == 1
    finally:
        raw.close()


def test_flatten_one_level_and_json_for_deeper_values():
    got = _flatten({"id": 1, "ok": True, "location": {"name": "Östersund", "gps": [1, 2]},
                    "none": None, "tags": ["a"]})
    assert got == {"id": "1", "ok": "true", "location.name": "Östersund",
                   "location.gps": "[1, 2]", "none": None, "tags": '["a"]'}
