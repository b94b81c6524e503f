"""The sweeps: who is reminded of what on which day, once each, in a bounded number of
queries whatever the number of due records."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duty import models as dm
from inspections.models import Hazard, HazardLevel, RectificationReport
from safetyzone.notifications.models import Notification, ReminderRule
from safetyzone.notifications.services import run_sweeps
from tests.duty.factories import (
    RosterFactory,
    ShiftFactory,
    WarningFactory,
    leader,
    officer,
    published,
)
from tests.factories import (
    EnterpriseFactory,
    TaskAssignmentFactory,
    TaskFactory,
)
from tests.inspections.factories import key_area

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 10)


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def assignment_due(unit, deadline):
    task = TaskFactory(lead_unit=unit, deadline=deadline)
    return TaskAssignmentFactory(task=task, unit=unit)


def reasons_for(user) -> list[tuple[str, dt.date]]:
    return sorted(Notification.objects.filter(recipient=user).values_list("reason", "due_date"))


# --- Task assignments ------------------------------------------------------------------


def test_task_ladder_reaches_the_units_head_on_each_step(alice, bob, staff):
    deadline = TODAY
    assignment_due(alice.unit, deadline)
    days = [deadline - dt.timedelta(days=n) for n in (4, 3, 2, 1, 0)] + [
        deadline + dt.timedelta(days=n) for n in range(1, 10)
    ]
    for day in days:
        run_sweeps("daily", now=at(day))
    reasons = reasons_for(alice)
    assert reasons == [
        ("due_soon", deadline - dt.timedelta(days=3)),
        ("due_soon", deadline - dt.timedelta(days=1)),
        ("due_today", deadline),
        *[("overdue", deadline + dt.timedelta(days=n)) for n in (2, 4, 6, 8)],
    ]
    assert reasons_for(bob) == []
    # Overdue for more than 7 days: committee staff are told, once.
    assert reasons_for(staff) == [("escalated", deadline)]


def test_running_a_sweep_twice_sends_nothing_twice(alice):
    assignment_due(alice.unit, TODAY + dt.timedelta(days=3))
    run_sweeps("daily", now=at(TODAY))
    run_sweeps("daily", now=at(TODAY, hour=9))
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_done_assignment_is_not_chased(alice):
    assignment = assignment_due(alice.unit, TODAY)
    assignment.status = assignment.Status.DONE
    assignment.save()
    run_sweeps("daily", now=at(TODAY))
    assert not Notification.objects.exists()


def test_admin_rule_changes_the_ladder(alice):
    ReminderRule.objects.filter(kind="task_assignment").update(days_before="5", on_the_day=False)
    assignment_due(alice.unit, TODAY + dt.timedelta(days=5))
    assignment_due(alice.unit, TODAY)
    run_sweeps("daily", now=at(TODAY))
    assert reasons_for(alice) == [("due_soon", TODAY)]


def test_switched_off_rule_sends_nothing(alice):
    ReminderRule.objects.filter(kind="task_assignment").update(is_active=False)
    assignment_due(alice.unit, TODAY)
    run_sweeps("daily", now=at(TODAY))
    assert not Notification.objects.exists()


def _count_queries(group: str, now: dt.datetime) -> int:
    """The queries a sweep makes. PostgreSQL inserts any number of rows in one
    statement, so every query counts; SQLite splits a bulk insert into batches (its limit
    on parameters), so there the reads alone must not grow."""
    with CaptureQueriesContext(connection) as queries:
        run_sweeps(group, now=now)
    if connection.vendor == "postgresql":
        return len(queries)
    return sum(1 for q in queries if not q["sql"].lstrip().upper().startswith("INSERT"))


def test_daily_sweep_query_count_does_not_grow(alice, staff):
    """10 due records or 1,000 (4,000 reminders, 6,000 deliveries): the same queries,
    each reminder and delivery still made once."""
    from campaigns.models import Task, TaskAssignment
    from safetyzone.notifications.models import Delivery, UnitWebhook

    for person in (alice, staff):
        person.email = f"{person.username}@example.org"
        person.save()
    # Never called: the deliveries are enqueued after a commit this test never makes.
    UnitWebhook.objects.create(unit=alice.unit, url="http://127.0.0.1:9/robot")
    enterprise = EnterpriseFactory(supervising_unit=alice.unit)
    area = key_area("fire")

    def make(n: int, start: int) -> None:
        overdue = TODAY - dt.timedelta(days=10)
        tasks = Task.objects.bulk_create(
            Task(title=f"任务{start + i}", content="x", deadline=overdue, lead_unit=alice.unit)
            for i in range(n)
        )
        TaskAssignment.objects.bulk_create(
            TaskAssignment(task=task, unit=alice.unit, role="lead", deadline=overdue)
            for task in tasks
        )
        Hazard.objects.bulk_create(
            Hazard(
                code=f"T{start + i}",
                enterprise=enterprise,
                key_area=area,
                description="x",
                level=HazardLevel.MAJOR,
                responsible_unit=alice.unit,
                deadline=TODAY - dt.timedelta(days=2),
                found_on=TODAY - dt.timedelta(days=30),
            )
            for i in range(n)
        )

    make(10, 0)
    small = _count_queries("daily", at(TODAY))
    Notification.objects.all().delete()
    make(990, 10)
    large = _count_queries("daily", at(TODAY))
    assert large == small
    # Each record: its reminder to alice (overdue) and to staff (escalated).
    assert Notification.objects.filter(recipient=alice).count() == 2000
    assert Notification.objects.filter(recipient=staff).count() == 2000
    # An email for each reminder; alice's unit's robot once per reminder (staff's unit
    # has none).
    assert Delivery.objects.filter(channel="email").count() == 4000
    assert Delivery.objects.filter(channel="webhook").count() == 2000
    assert not Delivery.objects.filter(channel="webhook", notification__recipient=staff).exists()
    # Run again: nothing twice, in no more queries.
    assert _count_queries("daily", at(TODAY, hour=9)) <= small
    assert Notification.objects.count() == 4000
    assert Delivery.objects.count() == 6000


# --- Hazards and rectification reports -------------------------------------------------


@pytest.fixture
def enterprise_a(alice):
    return EnterpriseFactory(supervising_unit=alice.unit)


def hazard(enterprise, unit, deadline, level=HazardLevel.GENERAL, code="YH-1"):
    return Hazard.objects.create(
        code=code,
        enterprise=enterprise,
        key_area=key_area("fire"),
        description="疏散通道堆放杂物",
        level=level,
        responsible_unit=unit,
        deadline=deadline,
        found_on=TODAY - dt.timedelta(days=30),
    )


def test_general_hazard_overdue_goes_to_head_not_staff(alice, staff, enterprise_a):
    hazard(enterprise_a, alice.unit, TODAY - dt.timedelta(days=2))
    run_sweeps("daily", now=at(TODAY))
    assert reasons_for(alice) == [("overdue", TODAY)]
    assert reasons_for(staff) == []


def test_major_hazard_overdue_goes_to_staff_at_once(alice, staff, enterprise_a):
    hazard(enterprise_a, alice.unit, TODAY - dt.timedelta(days=1), level=HazardLevel.MAJOR)
    run_sweeps("daily", now=at(TODAY))
    run_sweeps("daily", now=at(TODAY + dt.timedelta(days=1)))
    assert reasons_for(staff) == [("escalated", TODAY - dt.timedelta(days=1))]


def test_closed_hazard_is_not_chased(alice, enterprise_a):
    h = hazard(enterprise_a, alice.unit, TODAY)
    Hazard.objects.filter(pk=h.pk).update(status=Hazard.Status.ACCEPTED, closed_at=at(TODAY))
    run_sweeps("daily", now=at(TODAY))
    assert reasons_for(alice) == []


def test_report_waiting_more_than_two_days_goes_to_staff(alice, staff, enterprise_a):
    waiting = hazard(enterprise_a, alice.unit, TODAY + dt.timedelta(days=30), code="YH-1")
    fresh = hazard(enterprise_a, alice.unit, TODAY + dt.timedelta(days=30), code="YH-2")
    for h, days in ((waiting, 3), (fresh, 1)):
        RectificationReport.objects.create(
            hazard=h,
            measures_taken="清理",
            completed_on=TODAY,
            filed_at=at(TODAY) - dt.timedelta(days=days),
        )
    run_sweeps("daily", now=at(TODAY))
    run_sweeps("daily", now=at(TODAY, hour=12))
    notes = Notification.objects.filter(recipient=staff)
    assert [n.subject_label for n in notes] == ["YH-1"]
    assert notes[0].reason == "awaiting_review"


# --- Duty ------------------------------------------------------------------------------


def published_roster(unit):
    return published(RosterFactory(unit=unit))


def test_tomorrows_shift_reminds_its_people_with_time_and_phone(unit_a, roles):
    roster = published_roster(unit_a)
    boss, duty = leader(unit_a), officer(unit_a)
    bystander = officer(unit_a)
    tomorrow = TODAY + dt.timedelta(days=1)
    shift = ShiftFactory(roster=roster, date=tomorrow, phone="0571-88888888")
    dm.ShiftAssignment.objects.create(shift=shift, person=boss, role="leader")
    dm.ShiftAssignment.objects.create(shift=shift, person=duty, role="officer")
    run_sweeps("duty", now=at(TODAY, 16))
    run_sweeps("duty", now=at(TODAY, 17))
    assert reasons_for(boss) == [("duty_tomorrow", tomorrow)]
    assert reasons_for(duty) == [("duty_tomorrow", tomorrow)]
    assert reasons_for(bystander) == []
    assert "0571-88888888" in Notification.objects.get(recipient=duty).message


def test_incident_limit_close_or_passed_reminds_the_shift(unit_a, roles, staff):
    roster = published_roster(unit_a)
    boss, duty = leader(unit_a), officer(unit_a)
    shift = ShiftFactory(roster=roster, date=TODAY)
    dm.ShiftAssignment.objects.create(shift=shift, person=boss, role="leader")
    dm.ShiftAssignment.objects.create(shift=shift, person=duty, role="officer")
    received = shift.starts_at + dt.timedelta(hours=1)
    dm.IncidentReport.objects.create(
        shift=shift,
        received_at=received,
        reported_by="群众",
        kind="fire",
        level="general",
        place="某仓库",
        description="起火",
        recorded_by=duty,
    )
    # Phone limit 30 minutes: 15 minutes in, nothing; 21 minutes in, 9 minutes away.
    run_sweeps("incidents", now=received + dt.timedelta(minutes=15))
    assert not Notification.objects.exists()
    run_sweeps("incidents", now=received + dt.timedelta(minutes=21))
    run_sweeps("incidents", now=received + dt.timedelta(minutes=26))
    assert Notification.objects.filter(recipient=boss).count() == 1
    assert Notification.objects.filter(recipient=duty).count() == 1
    # The written limit (60 minutes) passes too: one more each.
    run_sweeps("incidents", now=received + dt.timedelta(minutes=70))
    assert Notification.objects.filter(recipient=duty).count() == 2
    assert not Notification.objects.filter(recipient=staff).exists()


def test_red_warning_reaches_everyone_on_duty_in_its_period(unit_a, roles):
    roster = published_roster(unit_a)
    on_duty, off_duty = officer(unit_a), officer(unit_a)
    shift = ShiftFactory(roster=roster, date=TODAY)
    later = ShiftFactory(roster=roster, date=TODAY + dt.timedelta(days=5))
    dm.ShiftAssignment.objects.create(shift=shift, person=on_duty, role="officer")
    dm.ShiftAssignment.objects.create(shift=later, person=off_duty, role="officer")
    now = shift.starts_at + dt.timedelta(hours=2)
    WarningFactory(
        level="red",
        issued_at=now - dt.timedelta(minutes=3),
        valid_until=now + dt.timedelta(hours=6),
    )
    WarningFactory(
        level="yellow",
        issued_at=now - dt.timedelta(minutes=3),
        valid_until=now + dt.timedelta(hours=6),
    )
    run_sweeps("incidents", now=now)
    run_sweeps("incidents", now=now + dt.timedelta(minutes=5))
    assert reasons_for(on_duty) == [("warning_issued", TODAY)]
    assert reasons_for(off_duty) == []


def test_duty_and_incident_sweeps_query_count_does_not_grow(unit_a, roles):
    people = [officer(unit_a) for _ in range(3)]
    tomorrow = TODAY + dt.timedelta(days=1)
    today_shift = ShiftFactory(roster=published_roster(unit_a), date=TODAY)
    dm.ShiftAssignment.objects.create(shift=today_shift, person=people[2], role="officer")
    received = today_shift.starts_at + dt.timedelta(hours=1)
    now = received + dt.timedelta(minutes=25)

    def make(n: int, start: int) -> None:
        for _ in range(n):
            # One roster each: a roster holds one shift per start time.
            shift = ShiftFactory(roster=published_roster(unit_a), date=tomorrow)
            for person in people[:2]:
                dm.ShiftAssignment.objects.create(shift=shift, person=person, role="officer")
        dm.IncidentReport.objects.bulk_create(
            dm.IncidentReport(
                shift=today_shift,
                received_at=received,
                reported_by="群众",
                kind="fire",
                level="general",
                place=f"仓库{start + i}",
                description="起火",
                recorded_by=people[2],
            )
            for i in range(n)
        )

    make(10, 0)
    small = (_count_queries("duty", at(TODAY, 16)), _count_queries("incidents", now))
    Notification.objects.all().delete()
    make(190, 10)
    large = (_count_queries("duty", at(TODAY, 16)), _count_queries("incidents", now))
    assert large == small
    assert Notification.objects.filter(kind="shift").count() == 400
    assert Notification.objects.filter(kind="incident_report").count() == 200
