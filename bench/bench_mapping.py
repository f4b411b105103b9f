"""Benchmark: guessing a file's column mapping (header + content, issue 13) costs the
same whatever the file's size, because the scorer reads a sample.

    python -m bench.bench_mapping [--sizes 1000,100000,1000000] [--runs 5]

The files are the import benchmark's exports (``bench/bench_import.py``, generated
once in ``bench/out/``). Reading the file is not timed (the import reads it anyway);
what is timed is :func:`est_data.ingest.normalize.guess_mapping`: sampling, measuring
every column's values and the assignment. Target: < 1 s for every size.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench.bench_import import bench_csv
from est_data.ingest.normalize import guess_mapping
from est_data.ingest.readers import read_file

TARGET_S = 1.0


def time_guess(rows: int, runs: int) -> tuple[float, dict[str, str]]:
    """The median seconds to guess the mapping of a ``rows``-row export, and the guess."""
    raw = read_file(bench_csv(rows))
    try:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            g = guess_mapping(raw)
            times.append(time.perf_counter() - t)
    finally:
        raw.close()
    return statistics.median(times), g.mapping


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    worst = 0.0
    for rows in (int(s) for s in args.sizes.split(",")):
        med, mapping = time_guess(rows, args.runs)
        worst = max(worst, med)
        print(f"{rows:>10,} rows: {med * 1000:7.1f} ms  {mapping}")
    print(f"slowest {worst * 1000:.0f} ms; target < {TARGET_S * 1000:.0f} ms: "
          f"{'OK' if worst < TARGET_S else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
