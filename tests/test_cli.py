"""The command line: help, demo, info, and clear errors without tracebacks."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO_ROOT
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
