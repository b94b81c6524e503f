"""With a real Celery beat and a real worker on Redis, both on a test clock that the test
moves across a task's deadline day by day: beat fires the migrated 08:00 schedule from
the database each morning, the worker sweeps, and exactly the expected reminders arrive
in the app, in the mail and at the group robot, once each."""

import datetime as dt
import os
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from safetyzone.celery import app as celery_app
from safetyzone.notifications.models import Delivery, Notification, UnitWebhook
from tests.factories import TaskAssignmentFactory, TaskFactory
from tests.helpers import need_postgres, need_redis

from ..documents.test_worker import test_database_url
from .conftest import local_robot_env
from .test_worker import start_celery, start_worker, stop

pytestmark = pytest.mark.usefixtures("seed_again_after_module")

WAIT_SECONDS = 60
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAILY = "Daily deadline sweep"  # the schedule the migration creates: 08:00 Asia/Shanghai


def set_clock(path, moment: dt.datetime) -> None:
    """Move the clock of the worker and of beat (tests/notifications/clocked.py)."""
    staged = path.with_suffix(".new")
    staged.write_text(moment.isoformat())
    staged.replace(path)


def start_on_clock(tmp_path, queue: str, clock, extra_env: dict | None = None):
    """A real worker and a real beat (the database scheduler, the migrated schedules) on
    the test's clock in ``clock``, sending to and reading ``queue``; mail into
    ``tmp_path/var/mail``, logs in ``tmp_path/worker.log`` and ``beat.log``. Returns the
    two processes and a function that reads the ends of their logs."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_SETTINGS_MODULE": "safetyzone.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "TEST_CELERY_QUEUE": queue,  # beat sends to it too
        "TEST_CLOCK_FILE": str(clock),
        **(extra_env or {}),
    }
    env.pop("EMAIL_URL", None)
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = start_worker(queue, worker_log, env, clock=True)
    beat = start_celery(
        ["beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]
        + ["--max-interval", "1", "--schedule", str(tmp_path / "beat-schedule")],
        beat_log,
        env,
        clock=True,
    )

    def logs() -> str:
        return (
            f"worker:\n{worker_log.read_text(errors='replace')[-3000:]}\n"
            f"beat:\n{beat_log.read_text(errors='replace')[-3000:]}"
        )

    return worker, beat, logs


def sweeps_done(log_path) -> int:
    return sum(
        "notifications.run_sweeps[" in line and " succeeded " in line
        for line in log_path.read_text(errors="replace").splitlines()
    )


@pytest.mark.services
@pytest.mark.xdist_group("celery-worker")
@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_across_a_deadline_remind_once_in_app_mail_and_robot(
    alice, staff, tmp_path, local_robot
):
    need_redis()
    need_postgres()

    UnitWebhook.objects.create(unit=alice.unit, url=local_robot.url("/robot/send"))
    alice.email = "alice@example.org"
    alice.save()
    # Ahead of the real date: beat takes a schedule's last change as its last run.
    deadline = timezone.localdate() + dt.timedelta(days=40)
    task = TaskFactory(lead_unit=alice.unit, deadline=deadline, title="节前安全检查")
    TaskAssignmentFactory(task=task, unit=alice.unit)
    # Every day in turn: a skipped day would be a missed run, which beat catches up at once.
    days = [deadline + dt.timedelta(days=n) for n in range(-4, 3)]

    def morning(day: dt.date, at: dt.time = dt.time(7, 59, 58, 500000)) -> dt.datetime:
        return dt.datetime.combine(day, at, tzinfo=SHANGHAI)

    # Only the daily sweep, as the migration made it; it last ran the evening before.
    PeriodicTask.objects.exclude(name=DAILY).update(enabled=False)
    assert PeriodicTask.objects.filter(name=DAILY, enabled=True).update(
        last_run_at=morning(days[0], dt.time(7)) - dt.timedelta(hours=12)
    )

    queue = f"test-notifications-{uuid.uuid4().hex[:8]}"
    clock = tmp_path / "clock"
    set_clock(clock, morning(days[0]))
    worker, beat, logs = start_on_clock(
        tmp_path, queue, clock, local_robot_env(local_robot.url("/"))
    )
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"

    try:
        for done, day in enumerate(days, start=1):
            if done > 1:
                set_clock(clock, morning(day))
            # Beat fires at 08:00 on the moved clock; wait for the sweep and its deliveries.
            until = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < until:
                if (
                    sweeps_done(worker_log) >= done
                    and not Delivery.objects.filter(status=Delivery.Status.PENDING).exists()
                ):
                    break
                for name, process in (("worker", worker), ("beat", beat)):
                    if process.poll() is not None:
                        pytest.fail(f"the {name} exited on {day}:\n{logs()}")
                time.sleep(0.2)
            else:
                pytest.fail(f"no sweep on {day} within {WAIT_SECONDS} s:\n{logs()}")
        time.sleep(1.5)  # a second firing or a redelivered message would show now

        assert sweeps_done(worker_log) == len(days), logs()
        assert beat_log.read_text().count(f"Sending due task {DAILY}") == len(days), logs()
        expected = [
            ("due_soon", deadline - dt.timedelta(days=3)),
            ("due_soon", deadline - dt.timedelta(days=1)),
            ("due_today", deadline),
            ("overdue", deadline + dt.timedelta(days=2)),
        ]
        in_app = sorted(
            Notification.objects.filter(recipient=alice).values_list("reason", "due_date")
        )
        assert in_app == expected
        # The worker's clock made the rows: each on the morning of its own day.
        created = sorted(
            timezone.localtime(c).date()
            for c in Notification.objects.filter(recipient=alice).values_list(
                "created_at", flat=True
            )
        )
        assert created == [due for _reason, due in expected]
        assert not Notification.objects.filter(recipient=staff).exists()
        mails = list((tmp_path / "var" / "mail").glob("*.log"))
        assert sum(f.read_text().count("Subject: ") for f in mails) == len(expected)
        assert len(local_robot.received) == len(expected)
        assert all("节前安全检查" in r.body["text"]["content"] for r in local_robot.received)
        assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2 * len(expected)
    finally:
        stop(beat)
        stop(worker)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
