"""The kept originals and batch notes: a note counts only once its import has landed,
and a write that fails takes back what it kept (issue 12, items 6 and 19)."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from est_data.ingest.rawfiles import BATCH_NOTES, batch_notes, keep_files, mark_note
from est_data.ingest.report import ImportReport
from est_data.store.db import write_session

from ingest_util import write

NOW = dt.datetime(2026, 11, 20, 12, 0)


def report(batch: str, sha: str) -> ImportReport:
    return ImportReport(source="test", actor_name="Test", file_name="a.csv", sha256=sha,
                        file_format="CSV", profile=None, mapping={}, batch_id=batch)


def test_the_note_is_committed_when_the_write_lands(tmp_path):
    root, csv = tmp_path / "raw", write(tmp_path / "a.csv", "Datum\n2025-01-01\n")
    with write_session(tmp_path / "est.duckdb") as con:
        keep_files(con, root, csv, report("b1", "ab" * 32), NOW, None, None)
        seen = batch_notes(root)
    assert [n["committed"] for n in seen] == [False]
    assert [(n["batch_id"], n["committed"]) for n in batch_notes(root)] == [("b1", True)]
    assert (root / f"{'ab' * 32}.csv").read_text() == "Datum\n2025-01-01\n"


def test_a_failed_write_takes_back_its_note_and_the_original_it_brought(tmp_path):
    root = tmp_path / "raw"
    first, second = (write(tmp_path / f"{n}.csv", f"Datum\n2025-01-0{n}\n") for n in (1, 2))
    with write_session(tmp_path / "est.duckdb") as con:
        keep_files(con, root, first, report("b1", "11" * 32), NOW, None, None)
    with pytest.raises(ZeroDivisionError):
        with write_session(tmp_path / "est.duckdb") as con:
            keep_files(con, root, first, report("b2", "11" * 32), NOW, None, None)  # same file
            keep_files(con, root, second, report("b3", "22" * 32), NOW, None, None)
            1 / 0
    assert [n["batch_id"] for n in batch_notes(root)] == ["b1"]
    assert sorted(p.name for p in root.iterdir() if p.is_file()) == [f"{'11' * 32}.csv"]


def test_mark_note_replaces_the_note_whole(tmp_path):
    note = tmp_path / BATCH_NOTES / "b1.json"
    note.parent.mkdir()
    note.write_text(json.dumps({"batch_id": "b1", "undone": False}), encoding="utf-8")
    mark_note(note, undone=True)
    assert json.loads(note.read_text(encoding="utf-8")) == {"batch_id": "b1", "undone": True}
    assert [p.name for p in note.parent.iterdir()] == ["b1.json"]
    mark_note(tmp_path / "missing.json", undone=True)   # nothing to mark: no error
    assert not (tmp_path / "missing.json").exists()
