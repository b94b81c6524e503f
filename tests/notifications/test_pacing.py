"""Robot posts paced to the platforms' limit (20 a minute per robot), none lost; the
delivery of a worker that died while sending is handed back by the periodic sweep and
recorded as delivered once."""

import datetime as dt
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django_celery_beat.models import PeriodicTask

from safetyzone.notifications import channels
from safetyzone.notifications.models import Delivery, DeliveryAttempt, UnitWebhook
from safetyzone.notifications.services import Draft, notifications_create
from safetyzone.notifications.tasks import deliver_task, deliveries_hand_back_task

from .conftest import allow_local_robot
from .factories import NotificationFactory

pytestmark = pytest.mark.usefixtures("seed_again_after_module")

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def robot(local_robot, settings, alice):
    """The local robot (conftest), allowed through the outbound rule, as alice's unit's."""
    url = local_robot.url("/cgi-bin/webhook/send?key=k")
    allow_local_robot(settings, url)
    UnitWebhook.objects.create(unit=alice.unit, url=url)
    return local_robot


def drafts(user, count: int) -> list[Draft]:
    return [
        Draft(
            recipient_id=user.pk,
            kind="hazard",
            reason="overdue",
            subject_key=f"inspections.hazard:{n}",
            subject_label=f"YH-{n}",
            due_date=date(2026, 3, 1),
            message=f"隐患 YH-{n} 已逾期。",
        )
        for n in range(count)
    ]


def most_in_a_minute(moments: list[float]) -> int:
    moments = sorted(moments)
    return max(
        (sum(1 for later in moments[i:] if later - start < 60) for i, start in enumerate(moments)),
        default=0,
    )


@pytest.mark.django_db(transaction=True)
def test_33_posts_for_one_robot_are_paced_and_none_lost(alice, robot, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    notifications_create(drafts=drafts(alice, 33))
    assert len(robot.received) == 20  # the minute's share; the rest wait
    held = Delivery.objects.filter(status=Delivery.Status.PENDING)
    assert held.count() == 13
    assert not held.filter(next_attempt_at__isnull=True).exists()

    for _minute in range(3):  # beat's sweep, every 30 s of the test's clock
        time_machine.shift(dt.timedelta(seconds=30))
        deliveries_hand_back_task.delay()

    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 33
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
    assert sorted(post.body["text"]["content"] for post in robot.received) == sorted(
        f"YH-{n}\n隐患 YH-{n} 已逾期。" for n in range(33)
    )
    assert most_in_a_minute([post.at for post in robot.received]) <= 20
    # Being held back spent no attempt.
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_pacing_holds_across_sweeps_as_well(alice, robot, time_machine):
    """20 at 09:00:00, 20 more at 09:00:50: the second batch waits for the first's
    minute to pass, however the sweeps fall."""
    time_machine.move_to(MONDAY, tick=False)
    notifications_create(drafts=drafts(alice, 20))
    time_machine.shift(dt.timedelta(seconds=50))
    notifications_create(drafts=drafts(alice, 40)[20:])
    for _step in range(12):
        time_machine.shift(dt.timedelta(seconds=10))
        deliveries_hand_back_task.delay()
    assert len(robot.received) == 40
    assert most_in_a_minute([post.at for post in robot.received]) <= 20


def claimed(delivery: Delivery, at: dt.datetime) -> None:
    """As a worker leaves a delivery when it dies in the middle of sending it."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, claimed_at=at, attempts=1
    )


def one_pending_delivery(alice) -> Delivery:
    """A reminder whose robot delivery is made but not sent (its message never ran)."""
    notification = NotificationFactory(recipient=alice, subject_label="YH-1")
    return Delivery.objects.create(notification=notification, channel="webhook")


@pytest.mark.django_db(transaction=True)
def test_a_dead_workers_delivery_is_handed_back_and_sent_once(alice, robot, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    delivery = one_pending_delivery(alice)
    claimed(delivery, MONDAY - dt.timedelta(minutes=3))  # past 60 s + the 60 s margin

    deliveries_hand_back_task.delay()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    assert len(robot.received) == 1
    assert DeliveryAttempt.objects.filter(succeeded=True).count() == 1
    assert DeliveryAttempt.objects.filter(error__contains="handed back").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_delivery_being_sent_is_not_touched(alice, robot, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    delivery = one_pending_delivery(alice)
    claimed(delivery, MONDAY - dt.timedelta(seconds=30))

    deliveries_hand_back_task.delay()
    deliver_task.delay(delivery.pk)  # a second copy of its message, too

    delivery.refresh_from_db()
    assert (delivery.status, delivery.claimed_at) == (
        Delivery.Status.SENDING,
        MONDAY - dt.timedelta(seconds=30),
    )
    assert delivery.attempts == 1
    assert robot.received == []


@pytest.mark.django_db(transaction=True)
def test_a_late_finish_after_the_hand_back_records_one_delivery(
    alice, robot, time_machine, monkeypatch
):
    """The first worker is slow, not dead: while it posts, its claim grows old, the
    sweep hands the delivery back and another attempt sends it. Its late finish then
    records nothing more: one delivery sent, one successful attempt."""
    time_machine.move_to(MONDAY, tick=False)
    delivery = one_pending_delivery(alice)
    send = channels.send_webhook
    calls = []

    def slow_first_post(notification, webhook):
        calls.append(notification.pk)
        if len(calls) == 1:
            time_machine.shift(dt.timedelta(minutes=3))
            deliveries_hand_back_task.delay()  # the second attempt runs and finishes here
            assert Delivery.objects.get().status == Delivery.Status.SENT
        send(notification, webhook)

    monkeypatch.setattr(channels, "send_webhook", slow_first_post)
    deliver_task.delay(delivery.pk)

    delivery.refresh_from_db()
    assert len(calls) == 2
    assert delivery.status == Delivery.Status.SENT
    assert DeliveryAttempt.objects.filter(succeeded=True).count() == 1


def test_hand_back_sweep_runs_every_minute(db):
    task = PeriodicTask.objects.select_related("interval").get(
        task="notifications.hand_back_deliveries"
    )
    assert (task.interval.every, task.interval.period, task.enabled) == (1, "minutes", True)
