"""Benchmark: a 1M-row CSV export imported (parse, map, transform, assign areas,
deduplicate, write) into a database that already holds the demo.

    python -m bench.bench_import [--rows 1000000] [--runs 3] [--base 100000]

The CSV is generated from the demo world once (cached in ``bench/out/``): semicolon,
UTF-8, ``Datum`` + ``Tid`` as ``kl 22.15``, WGS84 with decimal commas, mapped
automatically from its headers (no profile). The base database holds ``--base`` demo
incidents from the five actors, so the cross-actor duplicate search has partners.
Each run imports into a fresh copy of the base; the median is reported, with the best
run and the load average (other processes on a 2-core machine slow every stage).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from est_data.demo.build import build_demo_file
from est_data.store.db import connect
from est_data.ingest import import_file
from est_data.demo.samples import demo_now, demo_rows

OUT = Path(__file__).resolve().parent / "out"
TARGET_S = 10.0


def bench_csv(rows: int, seed: int = 99) -> Path:
    """The export file (generated once per size and seed)."""
    path = OUT / f"export_{rows}_{seed}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    df = demo_rows(rows, seed)
    occ = pd.to_datetime(df["occurred_at"])

    def dec(values, n):
        s = pd.Series(np.round(values, n)).map(lambda v: "" if np.isnan(v) else f"{v:.{n}f}")
        return s.str.replace(".", ",", regex=False)

    out = pd.DataFrame({
        "Ärendenr": "B" + pd.Series(np.arange(1, len(df) + 1)).astype(str).str.zfill(8),
        "Datum": occ.dt.strftime("%Y-%m-%d"), "Tid": occ.dt.strftime("kl %H.%M"),
        "Kategori": df["raw_category"], "Adress": df["address"].fillna(""),
        "Latitud": dec(df["lat"], 6), "Longitud": dec(df["lon"], 6),
        "Beskrivning": df["description"]})
    tmp = path.with_suffix(".tmp")
    out.to_csv(tmp, sep=";", index=False, encoding="utf-8")
    tmp.replace(path)
    print(f"generated {path.name} ({len(out):,} rows, {path.stat().st_size / 1e6:.0f} MB) "
          f"in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def base_db(incidents: int) -> Path:
    path = OUT / f"base_{incidents}.duckdb"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        build_demo_file(path, incidents=incidents, seed=2380)
    return path


def run_once(csv_path: Path, base: Path) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory(prefix="est-bench-") as tmp:
        db = Path(tmp) / "est.duckdb"
        shutil.copy(base, db)
        con = connect(db)
        try:
            t = time.perf_counter()
            report = import_file(con, csv_path, "bench", now=demo_now())
            elapsed = time.perf_counter() - t
        finally:
            con.close()
    return elapsed, {"report": report}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--base", type=int, default=100_000)
    args = parser.parse_args(argv)
    csv_path = bench_csv(args.rows)
    base = base_db(args.base)
    times = []
    for i in range(args.runs):
        elapsed, info = run_once(csv_path, base)
        rep = info["report"]
        times.append(elapsed)
        print(f"run {i + 1}: {elapsed:.2f} s  (stages: {rep.seconds}; new {rep.rows_new:,}, "
              f"duplicates {rep.rows_duplicate:,}, rejected {rep.rows_rejected:,})")
    med = statistics.median(times)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"median {med:.2f} s for {rep.rows_read:,} rows = {rep.rows_read / med:,.0f} rows/s "
          f"(best {min(times):.2f} s; target <= {TARGET_S:.0f} s: "
          f"{'OK' if med <= TARGET_S else 'MISSED'}; load average {load:.1f} on "
          f"{os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
