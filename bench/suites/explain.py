"""The query plan of the filtered hazard page (issue 7: indexes for every filter and
ordering; ``make bench`` prints the ``EXPLAIN`` of the filtered hazard page and fails
loudly on a sequential scan of the hazard table).

The SQL is not rebuilt here: it is taken from the product's own views. The hazard API
(``/api/v1/hazards/?unit=…&status=…&level=…``) and the ledger page
(``/inspections/hazards/?…``) are requested with Django's test client as committee staff
(``bench-staff``) and as a department head (``bench-head``), filtered by the head's unit
and a status and level that unit has pages of; the queries each request runs are
captured, and the two that read hazards (the page and its count) are run again under
``EXPLAIN (ANALYZE, BUFFERS)``. Each plan is printed. A row per request fails when
either plan holds a Seq Scan of ``inspections_hazard``; another gives the plans'
execution time (info)."""

from __future__ import annotations

import re
import urllib.parse

from bench.core import Result, emit, setup_django

HAZARD_TABLE = "inspections_hazard"
SEQ_SCAN = re.compile(rf"Seq Scan on {HAZARD_TABLE}\b")
EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")
INDEX_USED = re.compile(r"(?:Index|Index Only|Bitmap Index) Scan(?: Backward)? (?:using|on) (\w+)")


def filter_values(head) -> dict[str, str]:
    """The head's unit, and a status and level it has a few pages of (the median of the
    combinations with at least 40 hazards), as the load suite picks them."""
    from django.db.models import Count

    from inspections.models import Hazard

    combos = list(
        Hazard.objects.filter(responsible_unit=head.unit_id)
        .values("status", "level")
        .annotate(n=Count("pk"))
        .order_by("n", "status", "level")
    )
    if not combos:
        raise RuntimeError(f"{head} has no hazards in the seeded database")
    full = [c for c in combos if c["n"] >= 40] or combos[-1:]
    combo = full[len(full) // 2]
    return {"unit": str(head.unit_id), "status": combo["status"], "level": combo["level"]}


def hazard_queries(client, url: str) -> list[str]:
    """The SQL of the queries that read the hazard table during one GET of ``url`` (after
    a warm-up request: the session, cached grants and banner)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    found = [
        q["sql"]
        for q in ctx.captured_queries
        if f'FROM "{HAZARD_TABLE}"' in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")
    ]
    if not found:
        raise RuntimeError(f"GET {url} read no hazards")
    return found


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def kind_of(sql: str) -> str:
    return "count" if "COUNT(" in sql.upper() else "page"


def measure(client, label: str, url: str) -> list[Result]:
    plans = [(kind_of(sql), sql, explain(sql)) for sql in hazard_queries(client, url)]
    seq_scans, total_ms, parts = 0, 0.0, []
    for kind, sql, plan in plans:
        print(f"\n-- {label}: {kind} query\n{sql}\n{plan}", flush=True)
        scans = len(SEQ_SCAN.findall(plan))
        seq_scans += scans
        ms = float(m.group(1)) if (m := EXECUTION.search(plan)) else float("nan")
        total_ms += ms
        indexes = sorted(set(INDEX_USED.findall(plan)))
        parts.append(f"{kind} {ms:.2f} ms via {', '.join(indexes) or 'no index'}")
    note = "; ".join(parts)
    check = Result(
        f"EXPLAIN {label}",
        seq_scans,
        "seq scans",
        f"no Seq Scan on {HAZARD_TABLE}",
        seq_scans == 0,
        note=("sequential scan of the hazard table! " + note) if seq_scans else note,
    )
    timing = Result.info(f"EXPLAIN {label}: plan time", total_ms, "ms", note="page + count")
    return [check, timing]


def main() -> None:
    ctx = setup_django()
    from django.db import connection
    from django.test import Client

    from safetyzone.org.models import User

    if connection.vendor != "postgresql":
        emit([Result.failed("EXPLAIN", "needs PostgreSQL")])
        return
    results: list[Result] = []
    try:
        staff = User.objects.get(username="bench-staff")
        head = User.objects.select_related("unit").get(username="bench-head")
        values = filter_values(head)
        query = urllib.parse.urlencode(values)
        print(f"filters: {values} (unit {head.unit}); database {ctx.sizes}", flush=True)
    except Exception as exc:  # a suite never crashes the run
        emit([Result.failed("EXPLAIN filtered hazard page", exc)])
        return
    for who, user in (("staff", staff), ("head", head)):
        client = Client()
        client.force_login(user)
        for what, path in (("API", "/api/v1/hazards/"), ("ledger", "/inspections/hazards/")):
            label = f"{what} hazards unit+status+level ({who})"
            try:
                results += measure(client, label, f"{path}?{query}")
            except Exception as exc:
                results.append(Result.failed(f"EXPLAIN {label}", exc))
    emit(results)


if __name__ == "__main__":
    main()
