"""`make bench`: benchmarks at scale, each figure a ratio against a baseline measured in
the same run (issue 7). Benchmarks are not tests: CI runs none of this."""
