"""Benchmarks: ``python -m bench.run_all`` runs every ``bench/bench_*.py`` and writes docs/performance.md."""
