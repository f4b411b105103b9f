"""The command line: help, demo, info, and clear errors without tracebacks."""
from __future__ import annotations

import subprocess
import sys

import pytest

from repo import REPO_ROOT
from est_data.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "est_data", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)


def test_help_lists_commands():
    out = run("--help")
    assert out.returncode == 0
    for cmd in ("init", "demo", "areas", "info"):
        assert cmd in out.stdout


def test_demo_then_info(tmp_path, capsys):
    db = tmp_path / "d.duckdb"
    assert main(["demo", "--db", str(db), "--incidents", "500", "--seed", "1"]) == 0
    assert main(["info", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "500" in out and "Östersundshem" in out and "Klotter" in out


@pytest.mark.parametrize("args, message", [
    (["info", "--db", "{tmp}/missing.duckdb"], "does not exist"),
    (["areas", "import", "{tmp}/nope.geojson", "--db", "{tmp}/x.duckdb"], "no such file"),
    (["demo", "--db", "{tmp}/exists.duckdb"], "already exists"),
])
def test_expected_errors_are_one_line(tmp_path, args, message):
    (tmp_path / "exists.duckdb").write_bytes(b"")
    out = run(*[a.format(tmp=tmp_path) for a in args])
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_init_creates_schema(tmp_path):
    db = tmp_path / "new" / "e.duckdb"
    assert main(["init", "--db", str(db)]) == 0
    assert db.exists()


def test_followup_prints_a_line_per_focus_area(demo_db, capsys):
    assert main(["followup", "--db", str(demo_db)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(" (")[0] for line in lines] == ["Arågränd", "Kyrkgatan"]
    assert lines[0].startswith("Arågränd (från 2025-09-22, 4 insatser): 23 → 11")
    assert lines[1].endswith("Osäkert: för få händelser för en slutsats.")


def test_followup_writes_the_report(demo_db, tmp_path, capsys):
    out = tmp_path / "arsuppfoljning.html"
    assert main(["followup", "--db", str(demo_db), "--months", "6", "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Årsuppföljning av fokusområdena" in page and "Kyrkgatan" in page
    assert "årstidsvariationer" in page  # six months: the seasonality caveat


@pytest.mark.parametrize("months", ["0", "37"])
def test_followup_refuses_odd_windows(demo_db, months, capsys):
    assert main(["followup", "--db", str(demo_db), "--months", months]) == 2
    assert "--months must be between 1 and 36" in capsys.readouterr().err


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31"])
def test_evaluate_with_a_date_out_of_range_is_one_error_line(demo_db, capsys, date):
    assert main(["evaluate", "--db", str(demo_db), "--area", "fokus_kyrkgatan",
                 "--date", date]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and date in err


def test_a_full_disk_outside_the_database_is_one_error_line(demo_db, tmp_path, capsys,
                                                            monkeypatch):
    import errno
    import os
    from pathlib import Path

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
    monkeypatch.setattr(Path, "write_text", full)
    report = tmp_path / "out" / "followup.html"
    assert main(["followup", "--db", str(demo_db), "--html", str(report)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no space left") and err.count("\n") == 1
    assert str(report.parent) in err
