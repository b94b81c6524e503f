"""Points 1 and 2 of issue 7: requests per second of the product's lists against plain
Django views returning the same 20 rows (bench/baseline.py), both served by one gunicorn
with 4 workers and driven by wrk from another process, turn about.

The server runs as production would: persistent database connections
(``DATABASE_CONN_MAX_AGE=60``) and the Redis cache. The load user is committee staff,
who sees every unit's records (the largest lists)."""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.core import Context, Result, emit, setup_django, stop_process

BASE_DIR = Path(__file__).resolve().parents[2]
WORKERS = 4


@dataclass
class Pair:
    name: str
    ours: str
    baseline: str
    minimum: float | None = 0.5  # None: shown with its ratio, no goal


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.test import Client

    from safetyzone.org.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def pairs() -> list[Pair]:
    """The URLs to compare, with filter values picked from the seeded data."""
    from django.db.models import Count

    from inspections.models import Hazard

    total = Hazard.objects.count()
    # A unit + status + level combination with a few pages of hazards, as a head would pick.
    combos = list(
        Hazard.objects.values("responsible_unit", "status", "level")
        .annotate(n=Count("pk"))
        .order_by("n")
    )
    full = [c for c in combos if c["n"] >= 40] or combos[-1:]
    combo = full[len(full) // 2]
    filtered = f"unit={combo['responsible_unit']}&status={combo['status']}&level={combo['level']}"
    name = Hazard.objects.select_related("enterprise").order_by("pk").first().enterprise.name
    term = name[:4]
    deep = max(1, min(total // 20 - 1, 2500))
    # The keyset cursor of the same depth, as the API writes it in its next links (DRF's
    # cursor: base64 of the position, here the last id of the page before).
    before = Hazard.objects.order_by("-id").values_list("id", flat=True)[
        max(0, (deep - 1) * 20 - 1)
    ]
    cursor = base64.b64encode(urllib.parse.urlencode({"p": before}).encode()).decode()
    return [
        Pair("API hazards, page 1", "/api/v1/hazards/", "/bench/hazards.json"),
        Pair(
            "API hazards, unit+status+level",
            f"/api/v1/hazards/?{filtered}",
            f"/bench/hazards.json?{filtered}",
        ),
        Pair(
            f"API hazards, search {term!r}",
            f"/api/v1/hazards/?search={urllib.parse.quote(term)}",
            f"/bench/hazards.json?search={urllib.parse.quote(term)}",
            None,
        ),
        Pair(
            f"API hazards, page {deep}",
            f"/api/v1/hazards/?page={deep}",
            f"/bench/hazards.json?page={deep}",
            None,
        ),
        Pair(
            f"API hazards, keyset page {deep} vs keyset page 1",
            f"/api/v1/hazards/?cursor={urllib.parse.quote(cursor)}",
            "/api/v1/hazards/?cursor=",
            0.8,
        ),
        Pair("Ledger page (HTML)", "/inspections/hazards/", "/bench/hazards.html"),
        Pair(
            "Ledger page, unit+status+level",
            f"/inspections/hazards/?{filtered}",
            f"/bench/hazards.html?{filtered}",
        ),
        Pair("Inspections page (HTML)", "/inspections/inspections/", "/bench/inspections.html"),
        Pair("Campaign tasks page (HTML)", "/campaigns/tasks/", "/bench/tasks.html"),
        Pair("API shifts", "/api/v1/shifts/", "/bench/shifts.json"),
        Pair("Notifications page (HTML)", "/notifications/", "/bench/notifications.html"),
        # The coverage matrix of the key period under way (issue 16): no goal yet, shown
        # with its ratio to the same grouped counts written plainly.
        Pair("Coverage matrix page (HTML)", "/inspections/coverage/", "/bench/coverage.html", None),
        Pair("API coverage matrix", "/api/v1/coverage/", "/bench/coverage.json", None),
    ]


class Server:
    def __init__(self, ctx: Context):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            **ctx.env(),
            "REDIS_URL": ctx.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "DATABASE_CONN_MAX_AGE": "60",
        }
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, "bench.wsgi:application", "--workers", str(WORKERS)]
            + ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=BASE_DIR,
            env=env,
        )
        until = time.monotonic() + 60
        while time.monotonic() < until:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)  # noqa: S310
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        stop_process(self.process)


def check(base: str, url: str, cookie: str) -> None:
    """The URL answers 200 with a body, as the user (not a login redirect)."""
    request = urllib.request.Request(base + url, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(request, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        if len(response.read()) < 200:
            raise RuntimeError(f"{url} answered an almost empty body")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise RuntimeError(f"{req.full_url} redirected to {newurl} ({code})")


RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)")


def wrk(base: str, url: str, cookie: str, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Cookie: {cookie}", base + url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if m := ERRORS.search(out):
        raise RuntimeError(f"wrk on {url}: {m.group(0)}")
    return float(RPS.search(out).group(1))


def main() -> None:
    ctx = setup_django()
    if not shutil.which("wrk"):
        emit([Result.failed("load", "wrk is missing: run `bash scripts/setup.sh --bench` as root")])
        return
    seconds = 3 if ctx.quick else 5
    rounds = 2 if ctx.quick else 3
    cookie = session_cookie("bench-staff")
    server = Server(ctx)
    results = []
    try:
        for pair in pairs():
            try:
                for url in (pair.ours, pair.baseline):
                    check(server.base, url, cookie)
                    wrk(server.base, url, cookie, 1)  # warm every worker
                ours, base = [], []
                for i in range(rounds):
                    order = ((pair.ours, ours), (pair.baseline, base))
                    for url, figures in order if i % 2 == 0 else reversed(order):
                        figures.append(wrk(server.base, url, cookie, seconds))
                o, b = statistics.median(ours), statistics.median(base)
                print(f"{pair.name}: ours {ours} baseline {base}", flush=True)
                if pair.minimum is None:
                    results.append(
                        Result(pair.name, o, "req/s", "(info)", True, b, o / b, pair.ours)
                    )
                else:
                    results.append(
                        Result.ratio_at_least(pair.name, o, b, "req/s", pair.minimum, pair.ours)
                    )
            except Exception as exc:  # one benchmark failing must not stop the others
                results.append(Result.failed(pair.name, exc))
    finally:
        server.stop()
    emit(results)


if __name__ == "__main__":
    main()
