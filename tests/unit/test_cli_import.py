"""``python -m est_data import|rebuild|undo``: exit codes and messages."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from est_data.cli import main

from ingest_util import POLICE_FILE, REPO_ROOT_FOR_CLI, write


def _count(db, sql="SELECT count(*) FROM incidents"):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def test_import_creates_the_database_and_reports(tmp_path, capsys):
    db = tmp_path / "new" / "est.duckdb"
    assert main(["import", str(POLICE_FILE), "--source", "polisen_handelser", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "rows read 3,396: new 697" in out and "skipped: Annan kommun än Östersund: 2,070" in out
    assert _count(db) == 697
    assert (db.parent / "raw").is_dir()


def test_dry_run_writes_nothing(tmp_path, capsys):
    db = tmp_path / "est.duckdb"
    assert main(["import", str(POLICE_FILE), "--source", "polisen_handelser", "--db", str(db),
                 "--dry-run", "--progress"]) == 0
    captured = capsys.readouterr()
    assert "dry run" in captured.out and "100% done" in captured.err
    assert not db.exists()  # a dry run works on a throwaway copy: not even a file
    assert not (tmp_path / "raw").exists()


def test_rejected_rows_still_exit_zero(tmp_path, capsys):
    path = write(tmp_path / "x.csv", "Datum;Kategori\n2025-01-01;Klotter\nigår;Klotter\n")
    db = tmp_path / "est.duckdb"
    assert main(["import", str(path), "--source", "test", "--db", str(db)]) == 0
    assert "rejected: Datumet kan inte tolkas: 1" in capsys.readouterr().out


@pytest.mark.parametrize("content,message", [
    (b"", "the file is empty"),
    (bytes(range(256)) * 20, "does not look like text"),
    (b"%PDF-1.7 binary", "not CSV, XLSX or JSON"),
    (b"Namn;Telefon\nKalle;070\n", "cannot find the required field"),
    (b'{"not": "the feed"', "not valid JSON"),
])
def test_unreadable_files_exit_2_with_one_error_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    db = tmp_path / "est.duckdb"
    assert main(["import", str(path), "--source", "test", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_missing_file_and_bad_source_key(tmp_path, capsys):
    db = tmp_path / "est.duckdb"
    assert main(["import", str(tmp_path / "nope.csv"), "--source", "x", "--db", str(db)]) == 2
    path = write(tmp_path / "x.csv", "Datum;Kategori\n2025-01-01;Klotter\n")
    assert main(["import", str(path), "--source", "Bad Key!", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "actor key" in err


def test_undo_and_rebuild(tmp_path, capsys):
    db = tmp_path / "est.duckdb"
    path = write(tmp_path / "x.csv", "Id;Datum;Kategori\nA;2025-01-01;Klotter\nB;2025-01-02;Brand\n")
    assert main(["import", str(path), "--source", "test", "--db", str(db)]) == 0
    batch = _count(db, "SELECT batch_id FROM import_batches")
    assert main(["rebuild", "--db", str(db)]) == 0
    assert "1 imports replayed" in capsys.readouterr().out
    assert _count(db) == 2
    assert main(["undo", batch, "--db", str(db)]) == 0
    assert _count(db) == 0
    assert main(["undo", batch, "--db", str(db)]) == 2
    assert "already undone" in capsys.readouterr().err


def test_module_entry_point_has_no_traceback(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 50)
    proc = subprocess.run([sys.executable, "-m", "est_data", "import", str(junk), "--source",
                           "test", "--db", str(tmp_path / "est.duckdb")],
                          capture_output=True, text=True, cwd=REPO_ROOT_FOR_CLI, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


# --- hostile files (issue "Trust, second pass", items 15 and 16) -------------------------

def test_a_latin1_line_in_a_utf8_file_is_counted_not_mojibake(tmp_path, capsys):
    lines = ["Datum;Kategori;Adress"] + ["2025-01-01;Skadegörelse;Åsgatan 1"] * 3000
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data += "2025-01-02;Klotter;Östergatan 2\n".encode("latin-1")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    db = tmp_path / "est.duckdb"
    assert main(["import", str(path), "--source", "test", "--db", str(db)]) == 0
    assert "lines that were not UTF-8, read as Windows-1252: 1" in capsys.readouterr().out
    assert _count(db, "SELECT count(*) FROM incidents WHERE address = 'Östergatan 2'") == 1
    assert _count(db, "SELECT count(*) FROM incidents WHERE address LIKE '%Ã%'") == 0


def test_a_sheet_over_the_limits_exits_2_with_the_reason(tmp_path, capsys, monkeypatch):
    import openpyxl

    from est_data.core import config

    monkeypatch.setattr(config, "MAX_XLSX_CELLS", 100)
    book = openpyxl.Workbook()
    for i in range(60):
        book.active.append(["2025-01-01", "Klotter", f"Gata {i}"])
    path = tmp_path / "big.xlsx"
    book.save(path)
    db = tmp_path / "est.duckdb"
    assert main(["import", str(path), "--source", "test", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "has 60 rows of 3 columns, more than an Excel import takes" in err
    assert "Traceback" not in err


def test_a_too_long_line_is_a_rejected_row_not_lost(tmp_path, capsys, monkeypatch):
    from est_data.core import config

    monkeypatch.setattr(config, "MAX_LINE_BYTES", 500)
    path = write(tmp_path / "x.csv", "Datum;Kategori\n2025-01-01;Klotter\n2025-01-01;"
                 + "k" * 2000 + "\n2025-01-02;Klotter\n")
    db = tmp_path / "est.duckdb"
    assert main(["import", str(path), "--source", "test", "--db", str(db)]) == 0
    assert "rejected: Raden är längre än 500 byte: 1" in capsys.readouterr().out
    assert _count(db) == 2


# --- a full or read-only disk (issue 12, item 19) ------------------------------------------

def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("code, says", [(errno.ENOSPC, "no space left"),
                                        (errno.EROFS, "read-only"), (errno.EACCES, "read-only")])
@pytest.mark.parametrize("step", ["copy", "raw", "rename"])
def test_a_full_or_read_only_disk_is_one_error_line_and_keeps_no_raw_file(
        tmp_path, capsys, monkeypatch, code, says, step):
    data = tmp_path / "data"
    db = data / "est.duckdb"
    first = write(tmp_path / "a.csv", "Id;Datum;Kategori\nA;2025-01-01;Klotter\n")
    assert main(["import", str(first), "--source", "test", "--db", str(db)]) == 0
    before = _files(data)
    capsys.readouterr()

    def fail(*_args):
        raise OSError(code, os.strerror(code))
    real = {"copy": shutil.copy2, "raw": shutil.copyfile, "rename": os.replace}[step]
    hit = {"copy": lambda src, dst: Path(src) == db,
           "raw": lambda src, dst: Path(dst).parent == data / "raw",
           "rename": lambda src, dst: Path(dst) == db}[step]
    patched = lambda src, dst, *a, **k: fail() if hit(src, dst) else real(src, dst, *a, **k)
    monkeypatch.setattr(*{"copy": (shutil, "copy2"), "raw": (shutil, "copyfile"),
                          "rename": (os, "replace")}[step], patched)

    second = write(tmp_path / "b.csv", "Id;Datum;Kategori\nB;2025-01-02;Brand\n")
    assert main(["import", str(second), "--source", "test", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and says in err
    assert _files(data) == before           # no raw file, no note, no copy left behind
    assert _count(db) == 1


def _writes_anyway(folder) -> bool:
    """True when this user writes into ``folder`` despite its mode (root)."""
    probe = folder / "probe"
    try:
        probe.touch()
    except PermissionError:
        return False
    probe.unlink()
    return True


def test_a_read_only_data_folder_is_one_error_line(tmp_path):
    data = tmp_path / "data"
    db = data / "est.duckdb"
    first = write(tmp_path / "a.csv", "Id;Datum;Kategori\nA;2025-01-01;Klotter\n")
    assert main(["import", str(first), "--source", "test", "--db", str(db)]) == 0
    before = _files(data)
    second = write(tmp_path / "b.csv", "Id;Datum;Kategori\nB;2025-01-02;Brand\n")
    folders = [data, data / "raw", data / "raw" / "batches"]
    for folder in folders:
        folder.chmod(0o555)
    try:
        if _writes_anyway(data):
            pytest.skip("root writes into a read-only folder anyway; "
                        "test_a_full_or_read_only_disk_is_one_error_line_and_keeps_no_raw_file "
                        "covers EROFS/EACCES for root")
        proc = subprocess.run([sys.executable, "-m", "est_data", "import", str(second),
                               "--source", "test", "--db", str(db)], capture_output=True,
                              text=True, cwd=REPO_ROOT_FOR_CLI, timeout=120)
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert "read-only" in proc.stderr
    assert _files(data) == before


def test_a_dry_run_on_a_full_disk_is_one_error_line(tmp_path, capsys, monkeypatch):
    db = tmp_path / "est.duckdb"
    first = write(tmp_path / "a.csv", "Id;Datum;Kategori\nA;2025-01-01;Klotter\n")
    assert main(["import", str(first), "--source", "test", "--db", str(db)]) == 0
    capsys.readouterr()

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(shutil, "copy2", full)
    assert main(["import", str(first), "--source", "test", "--db", str(db), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no space left on the disk of ") and err.count("\n") == 1
    assert ".check-" in err      # the scratch copy beside the database, not "."


def test_a_guess_with_open_questions_exits_3_and_proposes_a_profile(tmp_path, capsys):
    """Issue 13, item 5: more than a fifth of the rows in Övrigt stops a guessed import."""
    path = write(tmp_path / "vaktbolag.csv", "Datum;Händelse\n2026-10-01 22:40;Trafikbrott\n"
                 "2026-10-02 06:15;Hittegods\n2026-10-02 07:15;Klotter\n")
    db = tmp_path / "est.duckdb"
    assert main(["import", str(path), "--source", "vaktbolag", "--db", str(db)]) == 3
    captured = capsys.readouterr()
    assert "datetime      <- 'Datum' (säker" in captured.out
    assert "fråga: 67 % av raderna har kategoriord" in captured.out
    assert captured.err.startswith("error: not imported: 67 % of the rows")
    assert not db.exists()   # nothing written, not even an empty database
    proposed = tmp_path / "vaktbolag.csv.profile.toml"
    text = proposed.read_text(encoding="utf-8")
    assert 'datetime = "Datum"' in text and '# "Trafikbrott" = "?"' in text
    # The coordinator passes the checked profile: it lands.
    assert main(["import", str(path), "--source", "vaktbolag", "--db", str(db),
                 "--profile", str(proposed)]) == 0
    assert _count(db) == 3


def test_accept_commits_a_guess_with_open_questions(tmp_path, capsys):
    path = write(tmp_path / "v.csv", "Datum;Händelse\n2026-10-01;Trafikbrott\n")
    db = tmp_path / "est.duckdb"
    assert main(["import", str(path), "--source", "v", "--db", str(db), "--accept"]) == 0
    assert "question: 100 % of the rows" in capsys.readouterr().out
    assert _count(db) == 1
