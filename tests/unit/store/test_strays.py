"""Copies left beside the database by killed writers (issue 12, item 8): ``info`` lists
them, the next write removes the stale ones under the lock, a live writer's copy stays."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from est_data.cli import main
from est_data.store import strays
from est_data.store.db import write_session

from ingest_util import incident_csv, killed_cli

DAY_S = 24 * 3600


def copies(folder):
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name or ".rebuild" in p.name)


def test_killed_writers_copies_are_reported_by_info_and_removed_by_the_next_write(tmp_path,
                                                                                   capsys):
    db = tmp_path / "est.duckdb"
    csv = incident_csv(tmp_path / "a.csv", 200, "A")
    assert main(["import", str(csv), "--source", "test", "--db", str(db)]) == 0
    for k in range(2):
        more = incident_csv(tmp_path / f"k{k}.csv", 20, f"K{k}")
        assert killed_cli("before", db, "import", str(more), "--source", "test",
                          "--db", str(db)) == -signal.SIGKILL
    # Each killed writer's session removed the copy of the one before it.
    left = copies(tmp_path)
    assert len([n for n in left if not n.endswith(".wal")]) == 1
    size = sum((tmp_path / n).stat().st_size for n in left)
    capsys.readouterr()

    assert main(["info", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "1 copy left by an interrupted write" in out
    assert f"{size / 1e6:.1f} MB" in out and "removed by the next write" in out

    assert main(["init", "--db", str(db)]) == 0     # any write cleans up
    assert copies(tmp_path) == []
    assert main(["info", "--db", str(db)]) == 0
    assert "interrupted" not in capsys.readouterr().out


def test_a_live_writers_copy_stays_unless_it_is_implausibly_old(tmp_path):
    db = tmp_path / "est.duckdb"
    with write_session(db):
        pass
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                            stdin=subprocess.PIPE)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        names = {
            "live": f"est.duckdb.tmp{live.pid}",
            "live_wal": f"est.duckdb.tmp{live.pid}.wal",
            "dead": f"est.duckdb.tmp{dead.pid}",
            "dead_wal": f"est.duckdb.tmp{dead.pid}.wal",
            "old_rebuild": f"est.duckdb.rebuild{live.pid}",
            "new_demo": "est.duckdb.a1b2c3d4.tmp",
            "old_demo": "est.duckdb.e5f6g7h8.tmp",
            "other": "other.duckdb.tmp1",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"x" * 1000)
        long_ago = time.time() - 3 * DAY_S
        for key in ("old_rebuild", "old_demo"):
            os.utime(tmp_path / names[key], (long_ago, long_ago))

        found = {c.path.name: c.stale for c in strays.stray_copies(db)}
        assert found == {names["live"]: False, names["dead"]: True,
                         names["old_rebuild"]: True, names["new_demo"]: False,
                         names["old_demo"]: True}
        assert {c.path.name: c.size for c in strays.stray_copies(db)}[names["dead"]] == 2000

        with write_session(db):
            pass
        assert copies(tmp_path) == sorted([names["live"], names["live_wal"],
                                           names["new_demo"], names["other"]])
    finally:
        live.kill()
        live.wait()
