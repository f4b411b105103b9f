"""Backups: a consistent copy of the file or Parquet, beside the database by default;
a damaged database or a full disk leaves nothing at ``--out``."""
from __future__ import annotations

import errno
import os
import shutil

import duckdb
import pytest

from est_data.cli import main
from est_data.store import backup
from readback import q


def test_backup_copy_and_parquet(demo_db, tmp_path, capsys):
    out = tmp_path / "b" / "copy.duckdb"
    assert main(["backup", "--db", str(demo_db), "--out", str(out)]) == 0
    assert q(out, "SELECT count(*) FROM incidents")[0][0] == 4000
    pq = tmp_path / "pq"
    assert main(["backup", "--db", str(demo_db), "--out", str(pq), "--parquet"]) == 0
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM '{pq}/incidents.parquet'").fetchall()[0][0] == 4000
    assert main(["backup", "--db", str(demo_db), "--out", str(pq), "--parquet"]) == 2
    assert main(["backup", "--db", str(tmp_path / "none.duckdb")]) == 2


def test_backup_goes_beside_its_database(demo_db, capsys):
    """Where retention looks for backups to list (``backups/`` beside the database)."""
    assert main(["backup", "--db", str(demo_db)]) == 0
    made = list((demo_db.parent / "backups").glob("est-*.duckdb"))
    assert len(made) == 1 and str(made[0]) in capsys.readouterr().out


def damage(db, how: str) -> None:
    if how == "garbage":
        db.write_bytes(os.urandom(200_000))
    else:  # the end of the file is gone (a disk that filled up, a copy cut short)
        os.truncate(db, db.stat().st_size // 3)


@pytest.mark.parametrize("how", ["garbage", "truncated"])
@pytest.mark.parametrize("parquet", [False, True])
def test_backup_of_a_damaged_database_leaves_nothing_at_out(demo_db, tmp_path, capsys,
                                                             how, parquet):
    damage(demo_db, how)
    out = tmp_path / "backups" / ("pq" if parquet else "copy.duckdb")
    args = ["backup", "--db", str(demo_db), "--out", str(out)] + (["--parquet"] if parquet else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "damaged" in err
    assert not out.exists()
    assert list(out.parent.iterdir()) == [] if out.parent.exists() else True


def test_backup_onto_a_full_disk_leaves_nothing_at_out(demo_db, tmp_path, monkeypatch, capsys):
    out = tmp_path / "copy.duckdb"

    def half_then_full(src, dst, **_kw):
        with open(dst, "wb") as fh:
            fh.write(b"\0" * 4096)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(shutil, "copy2", half_then_full)
    assert main(["backup", "--db", str(demo_db), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "no space left" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.duckdb", "demo.duckdb.lock"]


def test_a_good_backup_is_complete_and_opens(demo_db, tmp_path):
    out = backup.backup_copy(demo_db, tmp_path / "b" / "copy.duckdb")
    con = duckdb.connect(str(out), read_only=True)
    assert con.execute("SELECT count(*) FROM incidents").fetchall()[0][0] == 4000
    con.close()
    assert sorted(p.name for p in out.parent.iterdir()) == ["copy.duckdb"]
