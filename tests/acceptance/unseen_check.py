"""What an import stored, compared with ``tests/data/unseen/expected.json``.

Plain functions over a database connection; each returns readable problems ("file,
line, what: expected ... got ...") so a failing acceptance test says exactly which row
of which export landed wrong. A row is found by its key in ``expected.json``: the
file's own id (``source_ref``), else its phrase and address as the file wrote them.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field

import duckdb
from pyproj import Geod

from repo import REPO_ROOT

CORPUS = REPO_ROOT / "tests" / "data" / "unseen"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
NOW = dt.datetime.strptime(EXPECTED["now"], "%Y-%m-%d %H:%M")
_GEOD = Geod(ellps="WGS84")


@dataclass
class RowResult:
    """One expected row against the database: what was right, and what was not."""

    file: str
    line: int
    label: str
    found: bool = False
    category: bool | None = None
    time: bool | None = None
    place: bool | None = None
    problems: list[str] = field(default_factory=list)

    def fail(self, text: str) -> None:
        self.problems.append(f"{self.file} line {self.line} ({self.label}): {text}")


def _norm(value) -> str | None:
    return None if value is None else " ".join(str(value).split()).casefold()


def _minute(value) -> str | None:
    return None if value is None else f"{value:%Y-%m-%d %H:%M}"


def rows_of(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def incidents_of(con, source: str) -> list[dict]:
    return rows_of(con, "SELECT * FROM incidents WHERE source = ?", [source])


def rejected_of(con, source: str) -> list[dict]:
    return rows_of(con, "SELECT r.* FROM rejected_rows r JOIN import_batches b USING (batch_id) "
                        "WHERE b.source = ? AND b.undone_at IS NULL", [source])


def find(incidents: list[dict], key: dict) -> list[dict]:
    return [i for i in incidents if all(_norm(i.get(c)) == _norm(v) for c, v in key.items())]


def distance_m(lat1, lon1, lat2, lon2) -> float:
    return abs(_GEOD.inv(lon1, lat1, lon2, lat2)[2])


def _check_time(res: RowResult, row: dict, got: dict) -> None:
    ok = _minute(got["occurred_at"]) == row["occurred_at"]
    if not ok:
        res.fail(f"occurred_at expected {row['occurred_at']}, got {_minute(got['occurred_at'])}"
                 f" (time_known={got.get('time_known')})")
    if "occurred_to" in row:
        if "occurred_to" not in got:
            ok = False
            res.fail(f"occurred_to expected {row['occurred_to']}, but incidents has no "
                     f"occurred_to column")
        elif _minute(got["occurred_to"]) != row["occurred_to"]:
            ok = False
            res.fail(f"occurred_to expected {row['occurred_to']}, "
                     f"got {_minute(got['occurred_to'])}")
    res.time = ok


def _check_place(res: RowResult, row: dict, got: dict, tolerance: float) -> None:
    ok = got["precision"] == row["precision"]
    if not ok:
        res.fail(f"precision expected {row['precision']}, got {got['precision']}")
    if row.get("lat") is not None:
        if got["lat"] is None or got["lon"] is None:
            ok = False
            res.fail(f"point expected ({row['lat']}, {row['lon']}), got none")
        else:
            d = distance_m(row["lat"], row["lon"], got["lat"], got["lon"])
            if d > tolerance:
                ok = False
                res.fail(f"point expected ({row['lat']}, {row['lon']}), got ({got['lat']}, "
                         f"{got['lon']}): {d:,.1f} m off")
    for col in ("area_id", "focus_area_id"):
        if col in row and got[col] != row[col]:
            ok = False
            res.fail(f"{col} expected {row[col]}, got {got[col]}")
    res.place = ok


def _found(res: RowResult, row: dict, incidents: list[dict], unique_raw: bool) -> list[dict]:
    """The incident of an expected row. When the file's id was not kept, a phrase that
    is unique in the file still finds it (the lost id is a problem of its own)."""
    hits = find(incidents, row["key"])
    if len(hits) != 1 and "source_ref" in row["key"] and unique_raw:
        hits = find(incidents, {"raw_category": row["raw_category"]})
        if len(hits) == 1:
            res.fail(f"source_ref expected {row['key']['source_ref']!r} (the file's id), "
                     f"got {hits[0]['source_ref']!r}")
    if len(hits) != 1:
        res.fail(f"expected one incident with {row['key']}, found {len(hits)}")
    return hits


def check_row(name: str, row: dict, incidents: list[dict], tolerance: float,
              unique_raw: bool = False) -> RowResult:
    """One expected (imported) row against the stored incidents of its actor;
    ``unique_raw``: its phrase is unique in the file."""
    res = RowResult(name, row["line"], ", ".join(f"{v}" for v in row["key"].values()))
    hits = _found(res, row, incidents, unique_raw)
    if len(hits) != 1:
        return res
    got = hits[0]
    res.found = True
    res.category = got["category"] == row["category"]
    if not res.category:
        res.fail(f"category expected {row['category']}, got {got['category']} "
                 f"(raw {got['raw_category']!r})")
    if _norm(got["raw_category"]) != _norm(row["raw_category"]):
        res.category = False
        res.fail(f"raw_category expected {row['raw_category']!r}, got {got['raw_category']!r}")
    _check_time(res, row, got)
    _check_place(res, row, got, tolerance)
    return res


def check_rejected(name: str, row: dict, rejected: list[dict], incidents: list[dict],
                   kinds: dict[str, str]) -> RowResult:
    """One row that must be rejected, with a reason of the expected kind."""
    res = RowResult(name, row["line"], row["find"])
    hits = [r for r in rejected if row["find"] in (r["raw"] or "")]
    if len(hits) != 1:
        stored = find(incidents, {"source_ref": row["find"]})
        res.fail(f"expected rejected ({row['rejected']}), found {len(hits)} rejected rows"
                 + (" and it was imported as an incident" if stored else ""))
        return res
    res.found = True
    pattern = kinds[row["rejected"]]
    res.category = res.time = res.place = bool(re.search(pattern, hits[0]["reason"], re.I))
    if not res.category:
        res.fail(f"rejection reason should match /{pattern}/ ({row['rejected']}), "
                 f"got {hits[0]['reason']!r}")
    return res


def check_file(con, name: str, spec: dict | None = None) -> tuple[list[RowResult], list[str]]:
    """Every row of one file, and the file's counts (rows in, rows rejected)."""
    spec = spec or EXPECTED["files"][name]
    incidents = incidents_of(con, spec["source"])
    rejected = rejected_of(con, spec["source"])
    tol = EXPECTED["coordinate_tolerance_m"]
    phrases = Counter(_norm(r.get("raw_category")) for r in spec["rows"])
    results = [check_rejected(name, r, rejected, incidents, EXPECTED["reason_kinds"])
               if "rejected" in r else
               check_row(name, r, incidents, tol, phrases[_norm(r["raw_category"])] == 1)
               for r in spec["rows"]]
    kept = sum("rejected" not in r for r in spec["rows"])
    problems = []
    if len(incidents) != kept:
        problems.append(f"{name}: expected {kept} incidents, got {len(incidents)}")
    if len(rejected) != len(spec["rows"]) - kept:
        problems.append(f"{name}: expected {len(spec['rows']) - kept} rejected rows, got "
                        f"{len(rejected)}: {[r['reason'] for r in rejected]}")
    return results, problems


def check_duplicates(con) -> list[str]:
    """The planted pairs are linked (one points at the other), and nothing else is."""
    by_file = {name: incidents_of(con, spec["source"]) for name, spec in EXPECTED["files"].items()}
    problems, planted = [], set()
    for pair in EXPECTED["duplicates"]:
        a = find(by_file[pair["a"]["file"]], pair["a"]["key"])
        b = find(by_file[pair["b"]["file"]], pair["b"]["key"])
        if len(a) != 1 or len(b) != 1:
            problems.append(f"{pair['id']}: the reports are not both stored "
                            f"({len(a)} and {len(b)} found; {pair['why']})")
            continue
        a, b = a[0], b[0]
        planted |= {a["incident_id"], b["incident_id"]}
        if not (a["duplicate_of"] == b["incident_id"] or b["duplicate_of"] == a["incident_id"]):
            problems.append(f"{pair['id']}: not linked ({pair['why']}); duplicate_of is "
                            f"{a['duplicate_of']!r} and {b['duplicate_of']!r}")
    extra = [i for rows in by_file.values() for i in rows
             if i["duplicate_of"] is not None and i["incident_id"] not in planted]
    problems += [f"unplanted link: {i['incident_id']} ({i['raw_category']}, "
                 f"{_minute(i['occurred_at'])}) marked duplicate of {i['duplicate_of']}"
                 for i in extra]
    return problems
