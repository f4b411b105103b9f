"""A CLI import while the app is open and being used: it succeeds, nobody sees a lock
error, and the app shows the new data on its next run."""
from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys

from conftest import REPO_ROOT, serve

TIMEOUT_MS = 30_000
_WAITS = itertools.count()


#: The "Händelser" tile's number once the run has settled, or null while it has not.
#: Read by its label, not by position: while the first run of a session is replaced by its
#: rerun, the DOM can briefly hold the tiles of both, and the first tile found may be
#: another one ("Med plats på kartan"). So the value counts only when the app's script
#: is not running, nothing is stale, exactly one tile carries the label, and two polls in
#: a row (``key`` names this wait's memory) read the same number.
SETTLED_INCIDENTS_JS = """(key) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app?.getAttribute('data-test-script-state') !== 'notRunning'
      || document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]')) {
    return null;
  }
  const tiles = [...document.querySelectorAll('[data-testid="stMetric"]')].filter(
    t => t.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim() === 'Händelser');
  if (tiles.length !== 1) return null;
  const digits = tiles[0].querySelector('[data-testid="stMetricValue"]').innerText.replace(/\\D/g, '');
  const value = digits ? Number(digits) : null;
  const agrees = value !== null && window[key] === value;
  window[key] = value;
  return agrees ? value : null;
}"""


def incidents_metric(page) -> int:
    """The "Händelser" tile on Översikt once the run has settled (see the script above)."""
    page.get_by_role("heading", name="Översikt").wait_for()
    key = f"__est_incidents_{next(_WAITS)}"
    return page.wait_for_function(SETTLED_INCIDENTS_JS, arg=key, polling=250).json_value()


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
