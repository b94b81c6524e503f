"""Settings for the benchmark processes: the product's settings, with the baseline views
added to the URLs and nothing a production server would not do (no DEBUG query log)."""

from safetyzone.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
