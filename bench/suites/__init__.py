"""One module per benchmark. Each is run as ``python -m bench.suites.<name>`` by
``bench.__main__`` with ``DATABASE_URL`` (the seeded scale database) and the other
``BENCH_*`` variables of ``bench.core.Context`` set, and prints its results with
``bench.core.emit``."""
