"""Benchmarks of PLUS on PostgreSQL (``make bench``); not part of the test suite.

See ``bench/run.py`` for what is measured and ``bench/RESULTS.md`` for the latest numbers.
"""
