"""``rebuild`` beside other writers: it takes the writer lock, replays only imports that
landed, keeps the audit log and undo decisions, and refuses a newer schema (issue 12,
items 5-7). Each writer here is a real process or thread."""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import duckdb
from est_data.cli import main
from est_data.store import db as db_module
from est_data.store.schema import SCHEMA_VERSION

from ingest_util import REPO_ROOT_FOR_CLI, incident_csv, killed_cli
from readback import q

KILLED = -signal.SIGKILL


def incidents(db) -> int:
    return q(db, "SELECT count(*) FROM incidents")[0][0]


def imported(tmp_path, name: str, rows: int, capsys=None):
    """A database with one CLI import of ``rows`` incidents."""
    db = tmp_path / "est.duckdb"
    csv = incident_csv(tmp_path / f"{name}.csv", rows, name)
    assert main(["import", str(csv), "--source", "test", "--db", str(db)]) == 0
    return db


def wait_until(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


# The rebuild in another process, held inside its first replay until the file `go` exists.
PAUSED_REBUILD = """
import sys, time
from pathlib import Path
from est_data.cli import main
from est_data.ingest import rebuild as rebuild_module
started, go, db = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
real_import = rebuild_module.import_file
def paused(*args, **kwargs):
    started.touch()
    deadline = time.monotonic() + 30
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return real_import(*args, **kwargs)
rebuild_module.import_file = paused
sys.exit(main(["rebuild", "--db", db]))
"""


class _LockWatch:
    """Stands in for ``time`` in est_data.store.db: says when a writer waits for the lock."""

    def __init__(self, waiting: threading.Event):
        self.waiting = waiting

    def sleep(self, seconds: float) -> None:
        self.waiting.set()
        time.sleep(seconds)

    def __getattr__(self, name):
        return getattr(time, name)


def test_an_import_that_finishes_during_a_rebuild_is_not_lost(tmp_path, monkeypatch):
    db = imported(tmp_path, "A", 50)
    started, go = tmp_path / "started", tmp_path / "go"
    rebuilding = subprocess.Popen([sys.executable, "-c", PAUSED_REBUILD, str(started), str(go),
                                   str(db)], cwd=REPO_ROOT_FOR_CLI, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: started.exists() or rebuilding.poll() is not None, "the rebuild")
        waiting = threading.Event()
        monkeypatch.setattr(db_module, "time", _LockWatch(waiting))
        result: dict[str, int] = {}
        csv = incident_csv(tmp_path / "B.csv", 5000, "B")
        importer = threading.Thread(target=lambda: result.update(rc=main(
            ["import", str(csv), "--source", "test", "--db", str(db)])))
        importer.start()
        # Without the lock the import lands at once; with it, it waits for the rebuild.
        wait_until(lambda: waiting.is_set() or not importer.is_alive(), "the import")
    finally:
        go.touch()
        out, err = rebuilding.communicate(timeout=60)
    importer.join(timeout=60)
    assert rebuilding.returncode == 0, err
    assert result == {"rc": 0}
    assert incidents(db) == 5050
    assert q(db, "SELECT count(*) FROM import_batches")[0][0] == 2


def test_a_killed_import_is_not_replayed_by_rebuild(tmp_path, capsys):
    db = imported(tmp_path, "A", 50)
    csv = incident_csv(tmp_path / "B.csv", 40, "B")
    # Killed after its copy was written, before the rename: the database never got it.
    assert killed_cli("before", db, "import", str(csv), "--source", "test", "--db", str(db)) == KILLED
    assert incidents(db) == 50
    assert main(["rebuild", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert incidents(db) == 50
    assert "1 imports replayed" in out and "1 interrupted import left out" in out
    assert q(db, "SELECT count(*) FROM import_batches")[0][0] == 1
    # Its note and original file are gone: a second rebuild does not see them either.
    assert main(["rebuild", "--db", str(db)]) == 0
    assert "interrupted" not in capsys.readouterr().out
    raw_files = [p for p in (db.parent / "raw").iterdir() if p.is_file()]
    assert len(raw_files) == 1


def test_an_import_killed_just_after_it_landed_is_replayed(tmp_path, capsys):
    db = imported(tmp_path, "A", 50)
    csv = incident_csv(tmp_path / "B.csv", 40, "B")
    assert killed_cli("after", db, "import", str(csv), "--source", "test", "--db", str(db)) == KILLED
    assert incidents(db) == 90
    assert main(["rebuild", "--db", str(db)]) == 0
    assert "2 imports replayed" in capsys.readouterr().out
    assert incidents(db) == 90


def test_rebuild_keeps_the_audit_log_and_undo_decisions_and_logs_itself(tmp_path, capsys):
    db = imported(tmp_path, "A", 30)
    csv = incident_csv(tmp_path / "B.csv", 20, "B")
    assert main(["import", str(csv), "--source", "test", "--db", str(db)]) == 0
    undone = q(db, "SELECT batch_id FROM import_batches WHERE file_name = 'B.csv'")[0][0]
    assert main(["undo", undone, "--db", str(db)]) == 0
    log_sql = "SELECT logged_at, username, action, details FROM audit_log ORDER BY rowid"
    batches_sql = "SELECT batch_id, undone_at FROM import_batches ORDER BY batch_id"
    log, batches = q(db, log_sql), q(db, batches_sql)
    assert [r[2] for r in log] == ["import", "import", "import.undo"]

    assert main(["rebuild", "--db", str(db)]) == 0
    after = q(db, log_sql)
    assert after[:3] == log
    assert [r[2] for r in after[3:]] == ["rebuild", "retention"]  # retention runs again
    assert "30 händelser" in after[3][3]
    assert q(db, batches_sql) == batches          # the undone import stays undone
    assert incidents(db) == 30
    # Undone stays undone: it is neither replayed nor offered for undo again.
    assert main(["undo", undone, "--db", str(db)]) == 2
    assert "already undone" in capsys.readouterr().err


def test_rebuild_refuses_a_database_of_a_newer_schema(tmp_path, capsys):
    db = imported(tmp_path, "A", 30)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE incidents ADD COLUMN risk_score DOUBLE")
    con.execute("INSERT INTO schema_version (version) VALUES (?)", [SCHEMA_VERSION + 1])
    con.close()
    before = db.read_bytes()
    capsys.readouterr()
    assert main(["rebuild", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "newer" in errors[0] and "Traceback" not in err
    assert db.read_bytes() == before
    assert "risk_score" in [r[0] for r in q(db, "DESCRIBE incidents")]



def test_rebuild_keeps_plans_walks_and_findings(tmp_path):
    """What is typed in the app, not imported from files, is carried over whole."""
    db = imported(tmp_path, "A", 10)
    with db_module.write_session(db) as con:
        con.execute("INSERT INTO evaluation_plans VALUES ('m1', 1, '2025-01-01 09:00', 'anna', "
                    "NULL, '[\"a\"]', '[]', 'matched', '[]', '2025-01-01', 365, 365, 0, "
                    "'neighbours', '[]', 300)")
        con.execute("INSERT INTO walks (walk_id, walked_on, area_id, actors) "
                    "VALUES ('w1', '2025-03-01', 'a', 'kommun')")
        con.execute("INSERT INTO walk_findings (finding_id, walk_id, kind, responsible) "
                    "VALUES ('f1', 'w1', 'buskage', 'kommun')")
    tables = ("evaluation_plans", "walks", "walk_findings")
    before = {t: q(db, f"SELECT * FROM {t}") for t in tables}
    assert main(["rebuild", "--db", str(db)]) == 0
    assert {t: q(db, f"SELECT * FROM {t}") for t in tables} == before
