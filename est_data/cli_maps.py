"""``python -m est_data hotspots``: the map's significant cells as GeoJSON, for analysts
and QGIS. Its own module beside :mod:`est_data.cli` (same layer) so that the command
line stays within the house's 400 lines; the logic is
:func:`est_data.maps.hotspot_export.hotspot_features`, this only parses and prints.
"""
from __future__ import annotations

import json
from pathlib import Path

from est_data.core.config import db_path
from est_data.core.filters import IncidentFilter
from est_data.store.db import open_db


def cmd_hotspots(args) -> int:
    from est_data.maps.hotspot_export import hotspot_features, summary_line

    f = IncidentFilter(args.start, args.end, categories=tuple(dict.fromkeys(args.category or ())))
    with open_db(args.db or db_path(), read_only=True) as con:
        fc = hotspot_features(con, f, args.cell)
    if args.geojson:
        args.geojson.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(fc, ensure_ascii=False) if args.json else summary_line(fc))
    return 0


def add_map_commands(sub, db_arg, iso_date) -> None:
    """hotspots; ``db_arg`` adds ``--db``, ``iso_date`` parses a date (both from cli)."""
    p = sub.add_parser("hotspots", help="significant hot/cold cells (Gi*, exact test, FDR 10 %%) "
                       "as a GeoJSON FeatureCollection in WGS84")
    db_arg(p)
    p.add_argument("--from", dest="start", type=iso_date, required=True, metavar="YYYY-MM-DD",
                   help="first day (inclusive)")
    p.add_argument("--to", dest="end", type=iso_date, required=True, metavar="YYYY-MM-DD",
                   help="last day (inclusive)")
    p.add_argument("--category", action="append", metavar="C",
                   help="category code (repeat; default: all categories)")
    p.add_argument("--cell", type=int, metavar="M",
                   help="cell side in metres (default: as the map, 100 m or more)")
    p.add_argument("--json", action="store_true",
                   help="print the FeatureCollection instead of a one-line summary")
    p.add_argument("--geojson", type=Path, metavar="FILE", help="write the FeatureCollection to FILE")
    p.set_defaults(func=cmd_hotspots)
