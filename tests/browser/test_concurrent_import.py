"""A CLI import while the app is open and being used: it succeeds, nobody sees a lock
error, and the app shows the new data on its next run."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

from browser_helpers import wait_settled
from conftest import REPO_ROOT, serve

TIMEOUT_MS = 30_000


def incidents_metric(page) -> int:
    """The "Händelser" tile once the run has settled.

    Read by its label, not by position: while the first run of a session is replaced by
    its rerun, the DOM can briefly hold the tiles of both, and the first tile found may be
    another one ("Med plats på kartan"). So wait until no element is stale and the status
    widget is gone, and accept the value only when two reads a moment apart agree.
    """
    page.get_by_role("heading", name="Översikt").wait_for()
    tile = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(r"^\s*Händelser\s*$")))
    seen = []
    for _ in range(40):
        wait_settled(page)
        seen.append(int(re.sub(r"\D", "", tile.locator('[data-testid="stMetricValue"]').inner_text())))
        if len(seen) >= 2 and seen[-1] == seen[-2]:
            return seen[-1]
        page.wait_for_timeout(250)
    raise AssertionError(f"the Händelser tile never settled: {seen}")


def test_cli_import_while_the_app_reads(browser, demo_db_master, tmp_path):
    db = tmp_path / "est.duckdb"
    shutil.copy(demo_db_master, db)
    # 40 new graffiti reports on the last day of the demo data, inside "senaste 30 dagarna".
    csv = tmp_path / "kommun_export.csv"
    rows = [f"K-{i};2026-11-15 {10 + i % 10:02d}:{i % 60:02d};Klotter;63.17{i:02d};14.64{i:02d}"
            for i in range(40)]
    csv.write_text("Id;Datum;Kategori;Lat;Lon\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with serve(db) as url:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            page.goto(url)
            before = incidents_metric(page)
            # Keep the app busy reading while the import runs.
            page.reload()
            out = subprocess.run(
                [sys.executable, "-m", "est_data", "import", str(csv), "--source", "klotterlogg",
                 "--db", str(db)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
            assert out.returncode == 0, out.stderr
            assert "Traceback" not in out.stderr
            incidents_metric(page)  # the run that was under way finishes normally
            page.reload()
            after = incidents_metric(page)
            assert after == before + 40
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.get_by_text(re.compile(r"set lock|Conflicting lock|IO Error|är låst")).count() == 0
        finally:
            page.close()
