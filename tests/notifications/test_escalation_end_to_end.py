"""With a real Celery beat and a real worker on Redis, both on a test clock: an overdue
major hazard's reminder that its unit's head does not acknowledge goes, once its rule's
minutes pass, to committee staff (the head was told already: that level is skipped), by
the migrated every-minute schedule; once staff acknowledge it, the next run tells nobody,
and the leader on duty never hears of it."""

import datetime as dt
import re
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from safetyzone.celery import app as celery_app
from safetyzone.notifications.models import Delivery, Escalation, EscalationRule, Notification
from safetyzone.notifications.services import run_sweeps
from tests.duty.factories import RosterFactory, leader, officer, published, staff_shift
from tests.factories import UnitFactory
from tests.helpers import need_postgres, need_redis

from .test_end_to_end import set_clock, start_on_clock
from .test_escalation import overdue_major_hazard
from .test_worker import stop

pytestmark = pytest.mark.usefixtures("seed_again_after_module")

WAIT_SECONDS = 60
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHEDULE = "Escalate unacknowledged reminders"  # made by migration 0011, every minute
RUN = re.compile(r"notifications\.escalate_unacknowledged\[[^\]]+\] succeeded in [\d.]+s: (\d+)")


def runs(log_path) -> list[int]:
    """The steps each escalation run of the worker recorded, in order."""
    return [int(n) for n in RUN.findall(log_path.read_text(errors="replace"))]


@pytest.mark.services
@pytest.mark.xdist_group("celery-worker")
@pytest.mark.django_db(transaction=True)
def test_unacknowledged_major_hazard_reaches_staff_and_stops_when_acknowledged(
    alice, staff, tmp_path, api_client
):
    need_redis()
    need_postgres()

    # Ahead of the real date: beat takes a schedule's last change as its last run.
    day = timezone.localdate() + dt.timedelta(days=40)
    t0 = dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI)
    staff.email = "staff@example.org"
    staff.save()
    office = UnitFactory(name="应急值班室")
    boss = leader(office, username="boss")
    staff_shift(published(RosterFactory(unit=office)), day, boss, officer(office))
    overdue_major_hazard(alice.unit, day, code="ZD-2026-001")
    EscalationRule.objects.filter(subject="major_hazard_overdue").update(wait_minutes=30)
    # The morning's sweep reminded the unit's head; the chain's first wait began then.
    run_sweeps("daily", now=t0)
    chain = Escalation.objects.get()
    assert Notification.objects.get(recipient=alice).escalation == chain

    # Only the escalation, as the migration made it; it last ran at the sweep.
    PeriodicTask.objects.exclude(name=SCHEDULE).update(enabled=False)
    assert PeriodicTask.objects.filter(name=SCHEDULE, enabled=True).update(last_run_at=t0)

    queue = f"test-escalation-{uuid.uuid4().hex[:8]}"
    clock = tmp_path / "clock"
    set_clock(clock, t0 + dt.timedelta(seconds=5))
    worker, beat, logs = start_on_clock(tmp_path, queue, clock)
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"

    def wait_for_run(count: int) -> None:
        until = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < until:
            if (
                len(runs(worker_log)) >= count
                and not Delivery.objects.filter(status=Delivery.Status.PENDING).exists()
            ):
                return
            for name, process in (("worker", worker), ("beat", beat)):
                if process.poll() is not None:
                    pytest.fail(f"the {name} exited:\n{logs()}")
            time.sleep(0.2)
        pytest.fail(f"no escalation run {count} within {WAIT_SECONDS} s:\n{logs()}")

    try:
        # 30 minutes on, unacknowledged: beat fires, the worker passes it up.
        set_clock(clock, t0 + dt.timedelta(minutes=30, seconds=1))
        wait_for_run(1)
        assert runs(worker_log) == [2], logs()
        assert list(chain.steps.values_list("level", "target", "skipped")) == [
            (1, "unit_head", True),
            (2, "committee_staff", False),
        ]
        step = Notification.objects.get(recipient=staff, escalation=chain)
        assert (step.reason, step.escalation_level) == ("escalated", 2)
        assert step.deliveries.get().status == Delivery.Status.SENT
        assert timezone.localtime(step.escalation.steps.get(level=2).created_at).time() >= (
            dt.time(10, 30)
        )
        assert not Notification.objects.filter(recipient=boss).exists()

        # Staff acknowledge it; 30 minutes later beat fires again and nobody is told.
        api_client.force_authenticate(staff)
        response = api_client.post(reverse("api:notification-acknowledge", args=[step.pk]))
        assert response.status_code == 200
        set_clock(clock, t0 + dt.timedelta(minutes=61))
        wait_for_run(2)
        time.sleep(1.5)  # a second firing or a redelivered message would show now

        assert runs(worker_log) == [2, 0], logs()
        assert beat_log.read_text().count(f"Sending due task {SCHEDULE}") == 2, logs()
        chain.refresh_from_db()
        assert (chain.status, chain.acknowledged_by) == (Escalation.Status.ACKNOWLEDGED, staff)
        assert chain.steps.count() == 2
        assert not Notification.objects.filter(recipient=boss).exists()
        mails = list((tmp_path / "var" / "mail").glob("*.log"))
        assert sum(f.read_text().count("Subject: ") for f in mails) == 1
    finally:
        stop(beat)
        stop(worker)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
