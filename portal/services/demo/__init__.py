"""Demo data for `make run` and the tests: realistic, deterministic, never domain logic."""
