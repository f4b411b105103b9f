"""Benchmarks of EST Lägesbild. Run ``python -m bench --help``; results in RESULTS.md."""
