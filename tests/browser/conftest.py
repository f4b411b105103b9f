"""A real ``streamlit run`` on 127.0.0.1 and headless Debian Chromium (Playwright).

Without Chromium the browser tests skip on a developer machine but FAIL in CI (``CI``
set), so a missing browser can never turn the offline-map check green by accident.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.server import CHROMIUM, CHROMIUM_ARGS, wait_healthy

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 20_000


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab (own context) with a desktop-sized window."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_MS)
    yield pg
    ctx.close()


def _warm_up(browser, url: str) -> None:
    """Open the front page once, so the server has imported everything and run the app
    frame before the tests time anything (a user's first visit pays this once)."""
    page = browser.new_page()
    try:
        page.goto(url)
        page.get_by_role("heading", name="Översikt").wait_for(timeout=START_TIMEOUT_S * 1000)
    finally:
        page.close()


@contextmanager
def serve(db: Path, extra_env: dict[str, str] | None = None, warm_up_with=None):
    """``streamlit run app.py`` on a free local port over ``db``; yields the base URL."""
    port = _free_port()
    env = {**os.environ, "EST_DB": str(db), **(extra_env or {})}
    env.pop("EST_TILES", None)  # the default: OpenStreetMap tiles, which fail offline
    if not (extra_env or {}).get("EST_USERS_FILE"):
        env.pop("EST_USERS_FILE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, START_TIMEOUT_S)
        if warm_up_with is not None:
            _warm_up(warm_up_with, url)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def app_url(browser, demo_db_master, tmp_path_factory):
    """Base URL of the app served from a private copy of the small demo database."""
    db = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_db_master, db)
    with serve(db, warm_up_with=browser) as url:
        yield url
