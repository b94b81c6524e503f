"""``make bench`` runs each suite as ``python -m bench.suites.<name>``, a process that
sets Django up itself (bench.core.setup_django): a suite that imports the product at
module level fails there, before measuring anything, and only in ``make bench``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import SUITES

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("suite", SUITES)
def test_a_bench_suite_imports_before_django_is_set_up(suite):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", f"import bench.suites.{suite}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
