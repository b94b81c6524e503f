"""Queries per request of every list page and list endpoint (issue 7, point 3), and of
the coverage matrix with a cell of it (issue 16): at the full scale at most 10 (the
matrix's page 12), and the same number as on the tiny database (50 rows).

Every URL of the product named ``…-list`` (or ``list``) is requested with Django's test
client (settings: ``bench.settings``) as committee staff (``bench-staff``) and as a
department head (``bench-head``; on a database where bench-head's unit has no rows of a
list, the first other unit's head who has some); where a head may not read a list (duty
records), a duty officer is measured too. Each count is taken on the second request
(the first warms the session, the cached grants and the warning banner). The full database is
measured in this process; the small one in a child process with ``DATABASE_URL``
switched (``python -m bench.suites.queries --child``), which prints its counts as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.core import Result, emit, setup_django

MAX_QUERIES = 10
# The coverage matrix's page (issue 16) is no list: its six grouped counts, the
# key period, and three filter selects (key periods, units, key areas) on top of the
# session, the user and the layout's unit. Bounded all the same, and equal to the
# small database's.
MAX_QUERIES_BY_NAME = {"inspections:coverage": 12}
CHILD_MARKER = "QUERY-COUNTS "


def list_urls() -> list[tuple[str, str]]:
    """(name, path) of every list page and list endpoint, as the resolver knows them."""
    from django.urls import get_resolver, reverse

    names: list[str] = []

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                inner = pattern.namespace
                walk(pattern, f"{namespace}:{inner}".strip(":") if inner else namespace)
            elif pattern.name and (pattern.name.endswith("-list") or pattern.name == "list"):
                if namespace and namespace != "admin":
                    names.append(f"{namespace}:{pattern.name}")

    walk(get_resolver())
    return [(name, reverse(name)) for name in dict.fromkeys(names)]


def coverage_urls() -> list[tuple[str, str]]:
    """(name, path) of the coverage matrix (issue 16), which no ``-list`` name covers: its
    page and endpoint on the key period under way, and a cell drilled into (page and
    endpoint): the benchmark head's unit in the key area where it has most planned
    visits, or the unit and area with most where it has none."""
    from django.db.models import Count
    from django.urls import reverse

    from inspections.models import InspectionTarget
    from inspections.selectors.coverage import key_period_default
    from safetyzone.org.models import User

    urls = [
        ("inspections:coverage", reverse("inspections:coverage")),
        ("api:coverage", reverse("api:coverage")),
    ]
    period = key_period_default(user=User.objects.get(username="bench-staff"))
    if period is None:
        return urls
    planned = (
        InspectionTarget.objects.filter(task__key_period=period)
        .values("unit", "task__key_area")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit", "task__key_area")
    )
    head = User.objects.filter(username="bench-head").first()
    cell = (head and planned.filter(unit=head.unit_id).first()) or planned.first()
    if cell is None:
        return urls
    query = f"?key_period={period.pk}&unit={cell['unit']}&key_area={cell['task__key_area']}"
    return [
        *urls,
        ("inspections:coverage-cell", reverse("inspections:coverage-cell") + query),
        ("api:coverage-cell", reverse("api:coverage-cell") + query),
    ]


def readers() -> dict[str, list]:
    """The users measured, each role with stand-ins: committee staff (``bench-staff``),
    a department head (``bench-head``, then the other units' heads) and a duty officer
    (for the duty lists a head may not read). A stand-in is measured when the first of
    its role sees an empty list: an empty page runs fewer queries than a full one, so
    the comparison is between pages that show rows whenever the data has some."""
    from safetyzone.org.models import User
    from safetyzone.org.roles import Role

    def role(name: str, first: str | None = None) -> list:
        people = list(
            User.objects.filter(groups__name=name, is_active=True).order_by("unit__order", "pk")
        )
        people.sort(key=lambda u: u.username != first)
        return people[:12]

    return {
        "staff": [User.objects.get(username="bench-staff")],
        "head": role(Role.DEPARTMENT_HEAD, "bench-head"),
        "officer": role(Role.DUTY_OFFICER),
    }


def rows_shown(response) -> int:
    """How many records the list shows: the API's results, or the page (or evaluated
    list of records) in the template's context."""
    from django.core.paginator import Page
    from django.db.models import Model, QuerySet

    if response.status_code != 200:
        return 0
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if isinstance(body, dict):
            # A list's page, or the coverage matrix's rows.
            return len(body.get("results", body.get("rows", [])))
        return len(body)
    pages, lists = [], [0]
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, Page):
                pages.append(len(value.object_list))
            elif isinstance(value, QuerySet) and value._result_cache is not None:
                lists.append(len(value._result_cache))
            elif isinstance(value, list) and value and isinstance(value[0], Model):
                lists.append(len(value))
            elif isinstance(getattr(value, "rows", None), list):  # the coverage matrix
                lists.append(len(value.rows))
    return max(pages) if pages else max(lists)


def measure(client, path: str) -> list:
    """[status, queries, rows] of a GET of ``path``, after a first one that warms the
    session, the cached grants and the warning banner: the fewer queries of two GETs, so
    that a cache entry expiring in between (the banner's lasts a minute) is not
    counted as the list's. A large list's capped count, which the paginator remembers
    for a minute, is forgotten before each: the count is measured as the first request
    after that minute makes it (the most queries a request of the list runs)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safetyzone.core.pagination import forget_capped_counts

    client.get(path)
    found = None
    for _ in range(2):
        forget_capped_counts()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if found is None or len(ctx.captured_queries) < found[1]:
            found = [response.status_code, len(ctx.captured_queries), rows_shown(response)]
    return found


def count_all() -> dict:
    """``{"counts": {url name: {role: [status, queries, rows, username]}}, "paths": …}``
    on this process's database."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the client then keeps the templates' context
    clients: dict = {}

    def client_for(user):
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    urls, people_by_role = [*list_urls(), *coverage_urls()], readers()
    counts: dict[str, dict] = {}
    for name, path in urls:
        counts[name] = {}
        for role, people in people_by_role.items():
            if role == "officer" and counts[name].get("head", [None])[0] != 403:
                continue  # officers stand in only where heads are refused
            found = None
            for user in people:
                try:
                    found = [*measure(client_for(user), path), user.username]
                except Exception as exc:
                    found = ["error", str(exc)[:200], 0, user.username]
                    break
                if found[0] != 200 or found[2] > 0:
                    break
            if found is not None:
                counts[name][role] = found
    return {"paths": dict(urls), "counts": counts}


def quiet() -> None:
    """The refusals measured (403) are expected: no warning and traceback for each."""
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)


def child() -> None:
    setup_django()
    quiet()
    print(CHILD_MARKER + json.dumps(count_all()), flush=True)


def small_counts(ctx) -> dict:
    env = {**os.environ, **ctx.env(), "DATABASE_URL": ctx.database_url_small}
    proc = subprocess.run(
        [sys.executable, "-m", "bench.suites.queries", "--child"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        timeout=1800,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(CHILD_MARKER):
            return json.loads(line[len(CHILD_MARKER) :])
    raise RuntimeError("the small database's child reported nothing")


def rows(full: dict, small: dict) -> list[Result]:
    results = []
    for name, by_role in full["counts"].items():
        path = full["paths"][name]
        for role, (status, queries, shown, username) in by_role.items():
            label = f"queries {path} ({role})"
            base = small["counts"].get(name, {}).get(role)
            if status == "error" or base is None or base[0] == "error":
                results.append(Result.failed(label, queries if status == "error" else base))
                continue
            # A note only where the comparison is not between two full pages.
            notes = []
            if base[3] != username:
                notes.append(f"small: as {base[3]}")
            if status != base[0]:
                notes.append(f"HTTP {status}, small: HTTP {base[0]}")
            elif status != 200:
                notes.append(f"HTTP {status} (refused)")
            elif shown == 0 and base[2] == 0:
                notes.append("empty list on both")
            elif shown == 0 or base[2] == 0:
                notes.append(f"{shown} rows, small: {base[2]} rows (an empty list on one side)")
            note = "; ".join(notes)
            maximum = MAX_QUERIES_BY_NAME.get(name, MAX_QUERIES)
            result = Result.equal_to_baseline(
                label, queries, base[1], "queries", maximum=maximum, note=note
            )
            result.passed = result.passed and status == base[0]
            results.append(result)
    return results


def main() -> None:
    ctx = setup_django()
    quiet()
    try:
        print("counting on the full database …", flush=True)
        full = count_all()
        print("counting on the small database (child process) …", flush=True)
        small = small_counts(ctx)
        emit(rows(full, small))
    except Exception as exc:  # a suite never crashes the run
        emit([Result.failed("queries per list request", exc)])


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
