"""Peak memory of a real app process: ``streamlit run`` on 127.0.0.1, every page loaded
once in headless Chromium (Playwright), then the server's ``VmHWM`` from /proc.

    python -m bench.server --db DB --app app.py --pages "/,Karta,Trender" --port 8515

Prints one JSON object: ``peak_mb`` (VmHWM, the process's peak resident memory),
``rss_mb`` (resident at the end), ``start_mb`` (resident once the server answered, before
any page), ``first_visit_s`` (the front page as the server's very first request: Python
imports and cold caches included) and ``pages`` (per page, on the warm server: seconds
from the click to the page drawn, i.e. to the first moment after which no script run
followed; the 0.4 s of polling that confirms it is not counted).

A page named ``/`` is opened by its address in a new browser session (first visit in
the session); ``Mötesläge`` is the kiosk link ``/?mote=1``, also in a new session; any
other name is clicked in the navigation of the session before it.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT_S = 90
REPO_ROOT = Path(__file__).resolve().parent.parent


def proc_status_mb(pid: int) -> dict[str, float]:
    """VmHWM and VmRSS of a process, in MB (1e6 bytes)."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(rest.split()[0]) * 1024 / 1e6
    return out


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = START_TIMEOUT_S) -> None:
    """Until ``streamlit run`` answers on ``/_stcore/health`` (also used by the browser
    tests); raises if the process exits or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not become healthy")


KIOSK = {"Mötesläge": "/?mote=1"}  # pages opened by a link of their own


def _wait_drawn(page, timeout_s: float) -> float:
    """Until the script run (and any re-run a component asks for) has finished; returns
    ``time.perf_counter()`` at the first poll of the quiet spell that confirmed it."""
    page.wait_for_selector('[data-testid="stMain"] h1, [data-testid="stException"]',
                           timeout=timeout_s * 1000)
    deadline, quiet, drawn = time.monotonic() + timeout_s, 0, time.perf_counter()
    while time.monotonic() < deadline and quiet < 3:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        quiet = 0 if running else quiet + 1
        if quiet == 1:
            drawn = time.perf_counter()
        time.sleep(0.2)
    return drawn


def measure(db: Path, app: Path, pages: list[str], port: int, timeout_s: float) -> dict:
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "EST_DB": str(db.resolve()), "EST_TILES": "none"}
    cmd = [sys.executable, "-m", "streamlit", "run", str(app.resolve()), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(cmd, cwd=app.resolve().parent, env=env,
                            stdout=subprocess.DEVNULL, stderr=log, text=True)
    try:
        wait_healthy(url, proc)
        start = proc_status_mb(proc.pid)["VmRSS"]
        timings, errors = {}, []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            first = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            t = time.perf_counter()
            first.goto(url)  # the server's first request: imports and cold caches
            first_visit = round(_wait_drawn(first, timeout_s) - t, 3)
            first.context.close()
            page = None
            for name in pages:
                if page is None or name == "/" or name in KIOSK:  # a new session
                    if page is not None:
                        page.context.close()
                    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                    page.on("pageerror", lambda e: errors.append(str(e)[:200]))
                t = time.perf_counter()
                if name == "/" or name in KIOSK:
                    page.goto(url + KIOSK.get(name, ""))
                else:  # through the navigation, as a user would, in the same session
                    page.get_by_role("link", name=name, exact=True).click()
                timings[name] = round(_wait_drawn(page, timeout_s) - t, 3)
                errors += page.locator('[data-testid="stException"]').all_inner_texts()[:2]
            browser.close()
        status = proc_status_mb(proc.pid)
        return {"peak_mb": round(status["VmHWM"], 1), "rss_mb": round(status["VmRSS"], 1),
                "start_mb": round(start, 1), "first_visit_s": first_visit, "pages": timings,
                "errors": errors[:3]}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.seek(0)
        tail = log.read()[-2000:]
        log.close()
        if proc.returncode not in (0, -15) and tail:
            print(tail, file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--app", type=Path, default=REPO_ROOT / "app.py")
    ap.add_argument("--pages", default="/", help="comma-separated link names; / is the front page")
    ap.add_argument("--port", type=int, default=8515)
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    print(json.dumps(measure(args.db, args.app, args.pages.split(","), args.port, args.timeout)))


if __name__ == "__main__":
    main()
