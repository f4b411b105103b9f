"""est_data.ingest.service: what the Data page asks of the import (the uploads' part)."""
from __future__ import annotations

import stat

from est_data.core import config
from est_data.ingest import service


def test_uploads_stay_in_the_data_folder_owner_only(tmp_path, monkeypatch):
    """An upload holds personal data unmasked: never a world-readable file in /tmp."""
    db = tmp_path / "data" / "est.duckdb"
    monkeypatch.setenv("EST_DB", str(db))
    path = service.keep_upload("export.csv", b"ID;Datum;Kategori\nA;2026-01-01;Klotter\n")
    assert path.parent == config.upload_dir(db) == tmp_path / "data" / "uploads"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert service.discard_upload(path) and not path.exists()


def test_a_dry_run_copy_stays_beside_the_database_and_goes(demo_db):
    with service.scratch_copy(demo_db) as con:
        folders = [p for p in demo_db.parent.iterdir() if ".check-" in p.name]
        assert len(folders) == 1 and folders[0].name.startswith("demo.duckdb.check-")
        assert stat.S_IMODE(folders[0].stat().st_mode) == 0o700
        assert con.execute("SELECT count(*) FROM incidents").fetchall()[0][0] == 4000
    assert not any(".check-" in p.name for p in demo_db.parent.iterdir())
