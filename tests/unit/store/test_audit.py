"""The audit log: who changed what, and when; entries an outsider can cause are written
spaced out."""
from __future__ import annotations

import threading

import duckdb

from est_data.store import audit
from est_data.store.db import write_session


def test_audit_record_and_recent(demo_db):
    with write_session(demo_db) as con:
        audit.record(con, "anna", "measure.add", "Belysning <b>")
        audit.record(con, "bo", "import", "fil.csv")
    con = duckdb.connect(str(demo_db), read_only=True)
    df = audit.recent(con)
    con.close()
    assert list(df["username"]) == ["bo", "anna"]


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def spaced(min_interval_s=30.0):
    clock, writes, done = Clock(), [], threading.Event()

    def write(entries):
        writes.append(list(entries))
        done.set()

    return audit.SpacedWriter(min_interval_s, clock=clock, write=write), clock, writes, done


def test_first_entry_is_written_at_once_and_a_burst_together():
    log, clock, writes, done = spaced(min_interval_s=0.2)
    log.add("anna", "signin.lockout", "a")
    assert writes == [[("anna", "signin.lockout", "a")]]
    done.clear()
    clock.t += 0.1
    log.add("bertil", "signin.lockout", "b")
    log.add("cesar", "signin.lockout", "c")
    assert len(writes) == 1                      # too soon: waits for the interval
    assert done.wait(10)                         # then the burst lands in one write
    assert writes[1] == [("bertil", "signin.lockout", "b"), ("cesar", "signin.lockout", "c")]
    clock.t += 1
    log.add("david", "signin.lockout", "d")      # after the interval: at once again
    assert writes[2] == [("david", "signin.lockout", "d")]


def test_a_long_burst_keeps_a_bounded_number_of_entries(monkeypatch):
    monkeypatch.setattr(audit, "MAX_PENDING", 3)
    log, clock, writes, done = spaced(min_interval_s=0.2)
    log.add("first", "x", None)
    done.clear()
    for i in range(10):
        log.add(f"u{i}", "x", None)
    assert done.wait(10)
    names = [e[0] for e in writes[1]]
    assert names[:3] == ["u0", "u1", "u2"] and len(writes[1]) == 4
    assert "7" in writes[1][3][2]                # the summary counts the ones left out


def test_entries_land_in_the_database(demo_db, monkeypatch):
    monkeypatch.setenv("EST_DB", str(demo_db))
    log = audit.SpacedWriter(30)
    log.add("anna", "signin.lockout", "spärrad")
    con = duckdb.connect(str(demo_db), read_only=True)
    rows = con.execute("SELECT username, action, details FROM audit_log "
                       "WHERE action = 'signin.lockout'").fetchall()
    con.close()
    assert rows == [("anna", "signin.lockout", "spärrad")]


def test_no_database_file_is_created_for_an_entry(tmp_path, monkeypatch):
    path = tmp_path / "none.duckdb"
    monkeypatch.setenv("EST_DB", str(path))
    audit.SpacedWriter(30).add("anna", "signin.lockout", None)
    assert not path.exists()   # the first start builds the demo there; never an empty file
