"""Benchmarks: a synthetic newsroom generator (``generate``) and the `make bench` harness (``__main__``)."""
