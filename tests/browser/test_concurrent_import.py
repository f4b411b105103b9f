"""A CLI import while the app is open and being used: it succeeds, nobody sees a lock
error, and the app shows the new data on its next run."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

from conftest import REPO_ROOT, serve

TIMEOUT_MS = 30_000


def incidents_metric(page) -> int:
    page.get_by_role("heading", name="Översikt").wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    text = page.locator('[data-testid="stMetric"]').first.locator(
        '[data-testid="stMetricValue"]').inner_text()
    return int(re.sub(r"\D", "", text))


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
