"""Shared fixtures. One fixture builder serves tests and the demo: ``est_data.demo``."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from est_data.demo.build import build_demo_file

from repo import REPO_ROOT
FIXTURE_INCIDENTS = 4000
FIXTURE_SEED = 7


@pytest.fixture(scope="session")
def demo_db_master(tmp_path_factory) -> Path:
    """A small demo database built once per test session (do not write to it)."""
    path = tmp_path_factory.mktemp("db") / "demo.duckdb"
    build_demo_file(path, incidents=FIXTURE_INCIDENTS, seed=FIXTURE_SEED)
    return path


@pytest.fixture
def demo_db(demo_db_master, tmp_path) -> Path:
    """A private copy of the demo database that a test may change."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_master, path)
    return path


@pytest.fixture
def demo_con(demo_db_master):
    """A read-only connection to the shared demo database."""
    con = duckdb.connect(str(demo_db_master), read_only=True)
    yield con
    con.close()


@pytest.fixture
def app_db(demo_db, monkeypatch) -> Path:
    """Point the app (``EST_DB``) at a private demo database copy."""
    monkeypatch.setenv("EST_DB", str(demo_db))
    return demo_db

