"""What every benchmark shares: the run's context (read from the environment the
orchestrator sets), a result row, timing and memory helpers, and the output format.

A suite module prints its rows with :func:`emit`; the orchestrator reads them back with
:func:`parse`. A row is a comparison against a goal: a ratio of ours to a baseline
measured in the same run (``ratio >= 0.5``), or a bound on ours (``<= 10 queries``)."""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

MARKER = "BENCH-RESULTS "


@dataclass(frozen=True)
class Context:
    """The environment a suite runs in, set by ``python -m bench``."""

    quick: bool
    # Database URLs: the full scale data, a tenth of it, and a tiny data set (50 rows).
    database_url: str
    database_url_tenth: str
    database_url_small: str
    redis_url: str
    # The sizes seeded in each database: {"hazards": 100000, ...}.
    sizes: dict = field(default_factory=dict)
    sizes_tenth: dict = field(default_factory=dict)
    sizes_small: dict = field(default_factory=dict)
    out_dir: str = "bench/out"

    @classmethod
    def from_env(cls) -> Context:
        return cls(
            quick=os.environ.get("BENCH_QUICK") == "1",
            database_url=os.environ["DATABASE_URL"],
            database_url_tenth=os.environ.get("BENCH_DATABASE_URL_TENTH", ""),
            database_url_small=os.environ.get("BENCH_DATABASE_URL_SMALL", ""),
            redis_url=os.environ.get("BENCH_REDIS_URL", ""),
            sizes=json.loads(os.environ.get("BENCH_SIZES", "{}")),
            sizes_tenth=json.loads(os.environ.get("BENCH_SIZES_TENTH", "{}")),
            sizes_small=json.loads(os.environ.get("BENCH_SIZES_SMALL", "{}")),
            out_dir=os.environ.get("BENCH_OUT_DIR", "bench/out"),
        )

    def env(self) -> dict[str, str]:
        """The variables that recreate this context in a child process."""
        return {
            "BENCH_QUICK": "1" if self.quick else "0",
            "DATABASE_URL": self.database_url,
            "BENCH_DATABASE_URL_TENTH": self.database_url_tenth,
            "BENCH_DATABASE_URL_SMALL": self.database_url_small,
            "BENCH_REDIS_URL": self.redis_url,
            "BENCH_SIZES": json.dumps(self.sizes),
            "BENCH_SIZES_TENTH": json.dumps(self.sizes_tenth),
            "BENCH_SIZES_SMALL": json.dumps(self.sizes_small),
            "BENCH_OUT_DIR": self.out_dir,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
        }


@dataclass
class Result:
    """One row of the table. ``goal`` reads as text ("ratio >= 0.5", "<= 10")."""

    name: str
    ours: float
    unit: str
    goal: str
    passed: bool
    baseline: float | None = None
    ratio: float | None = None
    note: str = ""

    @classmethod
    def ratio_at_least(cls, name, ours, baseline, unit, minimum, note=""):
        ratio = ours / baseline if baseline else 0.0
        return cls(
            name, ours, unit, f"ratio >= {minimum:g}", ratio >= minimum, baseline, ratio, note
        )

    @classmethod
    def ratio_at_most(cls, name, ours, baseline, unit, maximum, note=""):
        ratio = ours / baseline if baseline else float("inf")
        return cls(
            name, ours, unit, f"ratio <= {maximum:g}", ratio <= maximum, baseline, ratio, note
        )

    @classmethod
    def at_most(cls, name, ours, unit, maximum, baseline=None, note=""):
        return cls(
            name, ours, unit, f"<= {maximum:g} {unit}", ours <= maximum, baseline, None, note
        )

    @classmethod
    def equal_to_baseline(cls, name, ours, baseline, unit, maximum=None, note=""):
        """Ours equal to the baseline (and, if given, at most ``maximum``)."""
        passed = ours == baseline and (maximum is None or ours <= maximum)
        goal = "= baseline" + (f", <= {maximum:g}" if maximum is not None else "")
        return cls(name, ours, unit, goal, passed, baseline, None, note)

    @classmethod
    def info(cls, name, ours, unit, note=""):
        """A figure shown for context, with no goal."""
        return cls(name, ours, unit, "(info)", True, None, None, note)

    @classmethod
    def failed(cls, name, error):
        """A benchmark that could not run: it counts as a failed goal."""
        return cls(name, float("nan"), "", "runs", False, None, None, str(error)[:300])


def emit(results: list[Result]) -> None:
    """Print the rows for the orchestrator (one marked JSON line)."""
    print(MARKER + json.dumps([asdict(r) for r in results], ensure_ascii=False), flush=True)


def parse(output: str) -> list[Result]:
    rows = []
    for line in output.splitlines():
        if line.startswith(MARKER):
            rows.extend(Result(**r) for r in json.loads(line[len(MARKER) :]))
    return rows


def median_seconds(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    """The median wall time of ``fn`` over ``repeat`` runs, after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(
    ours: Callable[[], object], baseline: Callable[[], object], *, repeat: int = 5, warmup: int = 1
) -> tuple[float, float]:
    """Median times of two functions run turn about, so that the machine's noise falls on
    both alike."""
    for _ in range(warmup):
        ours()
        baseline()
    a, b = [], []
    for i in range(repeat):
        pair = ((ours, a), (baseline, b)) if i % 2 == 0 else ((baseline, b), (ours, a))
        for fn, times in pair:
            gc.collect()
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def reset_peak_rss() -> None:
    """Start VmHWM again from the current RSS (Linux: write 5 to clear_refs)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server or worker a suite started: SIGTERM, then SIGKILL after 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def setup_django() -> Context:
    """Configure Django for a suite process and return the run's context."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    return Context.from_env()
