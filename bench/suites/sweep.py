"""The daily reminder sweep (issue 7, point 6): what beat's 08:00 schedule runs, the
task ``notifications.run_sweeps("daily")`` (``registry.run_sweeps``: the task
assignments', hazards' and rectification reports' sweeps, then ``notifications_create``
with the email and group-robot deliveries), over the full database (100,000 hazards;
about 5% of the open hazards and tasks due today, the rest on their ladders) and over
the tenth. Goals: at most 25 queries on the full database (22 since issue 16: the
sweep also starts the escalation chains of the reminders that must be acknowledged,
three statements whatever their number; 19 before), and a time that grows linearly
(full / tenth at most 12).

The full database is swept in this process, the tenth in a child process of its own
(``--serve``, its ``DATABASE_URL`` switched) that sweeps whenever the parent asks: the
two take turns, and each figure is a median.

Every run is the same run: it is made inside ``transaction.atomic()`` and rolled back
(``set_rollback``), so the reminders and deliveries it creates are undone. Nothing is
sent: deliveries are enqueued only after a commit (``transaction.on_commit``), which a
rolled-back run never makes, so neither the eager tasks of the bench settings (no
REDIS_URL) nor a unit's group robot are ever called, and no delivery is timed into the
sweep. Email goes to memory besides, should anything try. The queries counted are every
statement of the run, the two of the savepoint that the run's own ``atomic`` makes
inside the bench's transaction included (under beat it is the outer transaction and
makes none)."""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time

from bench.core import Result, emit, setup_django

MAX_QUERIES = 25
RATIO = 12
REPEAT = 5
MARK = "SWEEP-RUN "
# The discard port: no robot answers there, and no run ever commits a delivery to it.
ROBOT = "http://127.0.0.1:9/robot"


def _quiet_mail() -> None:
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _give_everyone_channels() -> None:
    """The seeded people have no email and the units no group robot: give each one, so
    that the sweep makes its deliveries as it would in an office (inside the run's
    transaction, untimed, rolled back with it). The robots' address is never called."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from safetyzone.notifications.models import UnitWebhook
    from safetyzone.org.models import Unit, User

    User.objects.filter(email="").update(
        email=Concat(Value("bench-"), Cast("pk", CharField()), Value("@example.invalid"))
    )
    UnitWebhook.objects.bulk_create(
        UnitWebhook(unit=unit, url=ROBOT)
        for unit in Unit.objects.filter(webhook__isnull=True).only("pk")
    )


def sweep_once() -> dict:
    """One daily sweep as beat runs it, timed and counted, then rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from safetyzone.notifications.models import Delivery, Notification
    from safetyzone.notifications.tasks import run_sweeps_task

    gc.collect()
    with transaction.atomic():
        _give_everyone_channels()
        since = timezone.now()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            offered = run_sweeps_task("daily")
            seconds = time.perf_counter() - start
        figures = {
            "seconds": seconds,
            "queries": len(queries),
            "offered": offered,
            "created": Notification.objects.filter(created_at__gte=since).count(),
            "deliveries": Delivery.objects.filter(created_at__gte=since).count(),
            # Enqueued after a commit that never comes: nothing is sent.
            "after_commit": len(connection.run_on_commit),
            "inserts": sum(q["sql"].lstrip().upper().startswith("INSERT") for q in queries),
        }
        transaction.set_rollback(True)
    return figures


def due_counts() -> dict:
    from django.utils import timezone

    from campaigns.models import TaskAssignment
    from inspections.models import Hazard
    from safetyzone.notifications.models import Notification, UnitWebhook

    today = timezone.localdate()
    open_hazards = Hazard.objects.filter(status__in=Hazard.OPEN_STATUSES)
    open_tasks = TaskAssignment.objects.exclude(status=TaskAssignment.Status.DONE)
    return {
        "hazards": Hazard.objects.count(),
        "open_hazards": open_hazards.count(),
        "hazards_due_today": open_hazards.filter(deadline=today).count(),
        "hazards_overdue": open_hazards.filter(deadline__lt=today).count(),
        "open_assignments": open_tasks.count(),
        "assignments_due_today": open_tasks.filter(deadline=today).count(),
        "notifications": Notification.objects.count(),
        "robots": UnitWebhook.objects.filter(is_active=True).count(),
    }


def serve() -> None:
    """The child: sweep its database each time the parent writes "run"."""
    setup_django()
    _quiet_mail()
    print(MARK + json.dumps(due_counts()), flush=True)
    for line in sys.stdin:
        if line.strip() != "run":
            break
        print(MARK + json.dumps(sweep_once()), flush=True)


class Child:
    """The tenth database's sweeper, in a process of its own."""

    def __init__(self, database_url: str) -> None:
        env = {**os.environ, "DATABASE_URL": database_url}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.suites.sweep", "--serve"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.counts = self._answer()

    def _answer(self) -> dict:
        assert self.proc.stdout is not None  # noqa: S101
        for line in self.proc.stdout:
            if line.startswith(MARK):
                return json.loads(line[len(MARK) :])
            print("  [tenth] " + line.rstrip(), flush=True)
        raise RuntimeError(f"the tenth's sweeper stopped ({self.proc.wait()})")

    def sweep(self) -> dict:
        assert self.proc.stdin is not None  # noqa: S101
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def main() -> None:
    ctx = setup_django()
    _quiet_mail()
    from django.conf import settings

    size, tenth_size = ctx.sizes.get("hazards", 0), ctx.sizes_tenth.get("hazards", 0)
    name_q = f"sweep: daily, queries at {size:,} hazards"
    name_t = f"sweep: daily, time {size:,} vs {tenth_size:,} hazards"
    print(
        f"celery eager: {settings.CELERY_TASK_ALWAYS_EAGER}; email: {settings.EMAIL_BACKEND}",
        flush=True,
    )
    child = None
    try:
        full_counts = due_counts()
        print(f"full: {full_counts}", flush=True)
        child = Child(ctx.database_url_tenth)
        print(f"tenth: {child.counts}", flush=True)
        # One run each to warm up, then turn about.
        print(f"full, warm-up: {sweep_once()}", flush=True)
        print(f"tenth, warm-up: {child.sweep()}", flush=True)
        full, tenth = [], []
        for i in range(REPEAT):
            pair = [(sweep_once, full), (child.sweep, tenth)]
            for run, runs in pair if i % 2 == 0 else reversed(pair):
                runs.append(run())
        for label, runs in (("full", full), ("tenth", tenth)):
            for run in runs:
                print(f"{label}: {run}", flush=True)
    except Exception as exc:
        emit([Result.failed(name_q, exc), Result.failed(name_t, exc)])
        return
    finally:
        if child is not None:
            child.close()

    full_s = statistics.median(r["seconds"] for r in full)
    tenth_s = statistics.median(r["seconds"] for r in tenth)
    full_q = max(r["queries"] for r in full)
    tenth_q = max(r["queries"] for r in tenth)
    f, t = full[0], tenth[0]
    emit(
        [
            Result.at_most(
                name_q,
                full_q,
                "queries",
                MAX_QUERIES,
                baseline=tenth_q,
                note=(
                    f"baseline: the tenth; {full_counts['hazards_due_today']} hazards and "
                    f"{full_counts['assignments_due_today']} task assignments due today, "
                    f"{f['offered']:,} reminders offered, {f['created']:,} created, "
                    f"{f['deliveries']:,} deliveries ({f['inserts']} INSERT statements), "
                    "rolled back, nothing sent; the savepoint's 2 statements included"
                ),
            ),
            Result.ratio_at_most(
                name_t,
                full_s,
                tenth_s,
                "s",
                RATIO,
                note=(
                    f"median of {REPEAT} each, turn about, tenth in its own process; "
                    f"{f['offered']:,} vs {t['offered']:,} reminders offered "
                    f"({f['offered'] / max(t['offered'], 1):.1f}x): "
                    f"{1000 * full_s / max(f['offered'], 1):.2f} vs "
                    f"{1000 * tenth_s / max(t['offered'], 1):.2f} ms a reminder"
                ),
            ),
        ]
    )


if __name__ == "__main__":
    if "--serve" in sys.argv:
        serve()
    else:
        main()
