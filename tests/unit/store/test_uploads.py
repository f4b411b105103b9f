"""est_data.store.uploads: uploads are owner-only, short-lived, and removed on purpose."""
from __future__ import annotations

import os
import stat
import time

from est_data.store import uploads

DAY_S = 24 * 3600


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_upload_is_readable_by_the_owner_only(tmp_path):
    folder = tmp_path / "uploads"
    path = uploads.keep(folder, "Export 2026.CSV", b"ID;Datum\n1;2026-01-01\n")
    assert path.parent == folder and path.suffix == ".csv"
    assert mode(folder) == 0o700 and mode(path) == 0o600
    assert uploads.keep(folder, "igen.csv", b"ID;Datum\n1;2026-01-01\n") == path
    assert [p.name for p in folder.iterdir()] == [path.name]     # no part file left


def test_a_folder_made_earlier_is_closed(tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    uploads.keep(folder, "x.json", b"[]")
    assert mode(folder) == 0o700


def test_uploads_older_than_a_day_are_swept_by_the_next(tmp_path):
    folder = tmp_path / "uploads"
    old = uploads.keep(folder, "old.csv", b"gammal")
    os.utime(old, (time.time() - DAY_S - 60,) * 2)
    recent = uploads.keep(folder, "recent.csv", b"ny")
    assert not old.exists() and recent.exists()
    assert uploads.sweep(folder, now=time.time() + DAY_S + 60) == [recent]
    assert list(folder.iterdir()) == []


def test_discard_removes_only_uploads(tmp_path):
    folder = tmp_path / "uploads"
    path = uploads.keep(folder, "x.csv", b"data")
    elsewhere = tmp_path / "x.csv"
    elsewhere.write_bytes(b"data")
    assert uploads.discard(folder, elsewhere) is False and elsewhere.exists()
    assert uploads.discard(folder, path) is True and not path.exists()


def test_stale_and_remove(tmp_path):
    now = time.time()
    old_file, old_dir, new_file = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    old_file.write_text("x")
    (old_dir / "inner").mkdir(parents=True)
    new_file.write_text("x")
    for p in (old_file, old_dir):
        os.utime(p, (now - 2 * DAY_S,) * 2)
    assert uploads.stale(uploads.in_folder(tmp_path), now) == [old_file, old_dir]
    uploads.remove([old_file, old_dir, tmp_path / "missing"])
    assert uploads.in_folder(tmp_path) == [new_file]
    assert uploads.in_folder(tmp_path / "none") == []
