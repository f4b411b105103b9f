"""A small town with planted near-repeat burglaries, for the warning's tests.

300 burglaries spread uniformly over 5 km × 5 km and the half-year up to END, plus 25
planted couples (two burglaries 30 m apart within 3 days): the Knox test finds the
near cell (1–100 m, 0–7 days). One couple is recent: 2026-11-10 and 2026-11-12 in the
focus area "Fokus" (Storgatan 3 and 5), so its neighbours are at risk until
2026-11-19 (the 12th + 7 days).
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from handmade_db import incident

END = dt.date(2026, 11, 15)
X0, Y0 = 470_000.0, 7_000_000.0
RECENT = ((X0 + 2537.0, Y0 + 2512.0, dt.date(2026, 11, 10), "Storgatan 3"),
          (X0 + 2530.0, Y0 + 2500.0, dt.date(2026, 11, 12), "Storgatan 5"))


def _row(n: int, x: float, y: float, day: dt.date, address: str, focus: str | None = None):
    r = incident(n, dt.datetime.combine(day, dt.time(12)), category="inbrott",
                 focus=focus, precision="address")
    r.update(x=x, y=y, address=address)
    return r


def burglaries(planted: bool = True, seed: int = 4) -> list[dict]:
    rng = np.random.default_rng(seed)
    start = END - dt.timedelta(days=181)
    # Background away from the recent couple, so it forms no group with them.
    rows, n = [], 0
    while n < 300:
        x, y = X0 + rng.uniform(0, 5000), Y0 + rng.uniform(0, 5000)
        if np.hypot(x - RECENT[0][0], y - RECENT[0][1]) < 400:
            continue
        day = start + dt.timedelta(days=int(rng.integers(0, 160)))
        rows.append(_row(n, x, y, day, f"Bakgrundsvägen {n}"))
        n += 1
    if planted:
        for k in range(25):
            x, y = X0 + rng.uniform(0, 4900), Y0 + rng.uniform(0, 5000)
            day = start + dt.timedelta(days=int(rng.integers(0, 150)))
            rows.append(_row(1000 + k, x, y, day, f"Parvägen {k}"))
            rows.append(_row(2000 + k, x + 30, y, day + dt.timedelta(days=int(rng.integers(0, 4))),
                             f"Parvägen {k}B"))
        for k, (x, y, day, address) in enumerate(RECENT):
            rows.append(_row(3000 + k, x, y, day, address, focus="F1"))
    return rows
