"""The weekly digest to committee staff: each domain app's section counted from real
records, the reminders of the week, in a fixed number of queries however many records
there are."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from campaigns.models import ExtensionRequest, TaskAssignment
from duty import models as dm
from inspections.models import Hazard, HazardLevel, RectificationReport
from safetyzone.notifications import registry
from safetyzone.notifications.models import Notification
from safetyzone.notifications.registry import DigestLine, DigestSection
from safetyzone.notifications.services import weekly_digest_send
from tests.duty.factories import RosterFactory, ShiftFactory, leader, officer, published
from tests.factories import (
    EnterpriseFactory,
    ExtensionRequestFactory,
    TaskAssignmentFactory,
    TaskFactory,
)
from tests.inspections.factories import key_area

from .factories import NotificationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 3, 9, 8, 30, tzinfo=SHANGHAI)
TODAY = MONDAY.date()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def digest_of(user, now: dt.datetime = MONDAY) -> dict[str, list[str]]:
    """The digest sent to ``user``, in English: {section title: [its lines]}."""
    with translation.override("en"):
        weekly_digest_send(now=now)
    return sections_of(user)


def sections_of(user) -> dict[str, list[str]]:
    message = Notification.objects.get(recipient=user, kind="digest").message
    sections = {}
    for block in message.split("\n\n"):
        title, *lines = block.split("\n")
        sections[title] = lines
    return sections


# --- Records ---------------------------------------------------------------------------


def assignment(unit, deadline: dt.date, status: str = TaskAssignment.Status.SIGNED):
    task = TaskFactory(lead_unit=unit, deadline=deadline)
    return TaskAssignmentFactory(task=task, unit=unit, status=status)


def hazard(
    enterprise,
    deadline: dt.date,
    *,
    level=HazardLevel.GENERAL,
    found_days_ago=60,
    recorded_days_ago=30,
):
    found = Hazard.objects.create(
        code=f"YH-{Hazard.objects.count() + 1}",
        enterprise=enterprise,
        key_area=key_area("fire"),
        description="疏散通道堆放杂物",
        level=level,
        responsible_unit=enterprise.supervising_unit,
        deadline=deadline,
        found_on=days(-found_days_ago),
    )
    Hazard.objects.filter(pk=found.pk).update(
        created_at=MONDAY - dt.timedelta(days=recorded_days_ago)
    )
    return found


def report(found: Hazard, *, status=RectificationReport.Status.PENDING):
    reviewed = status != RectificationReport.Status.PENDING
    return RectificationReport.objects.create(
        hazard=found,
        measures_taken="已清理疏散通道",
        completed_on=days(-2),
        filed_at=MONDAY - dt.timedelta(days=3),
        status=status,
        reviewed_at=MONDAY - dt.timedelta(days=1) if reviewed else None,
    )


def incident(shift, received_at: dt.datetime, *, level="general", **kwargs):
    return dm.IncidentReport.objects.create(
        shift=shift,
        received_at=received_at,
        reported_by="群众",
        kind="fire",
        level=level,
        place="某仓库",
        description="起火",
        recorded_by=kwargs.pop("recorded_by"),
    )


def sent_up(report_, minutes: int, method: str, kind: str = "first", sequence: int = 0):
    return dm.IncidentUpdate.objects.create(
        report=report_,
        kind=kind,
        sequence=sequence,
        method=method,
        sent_at=report_.received_at + dt.timedelta(minutes=minutes),
        content="已报",
        received_by="市应急局值班室",
        recorded_by=report_.recorded_by,
    )


# --- The sections ----------------------------------------------------------------------


def test_each_domain_app_registers_its_section():
    keys = [section.key for section in registry.digest_sections()]
    assert keys == ["campaigns.task_assignments", "inspections.hazards", "duty.duty"]


def test_task_assignments_section(alice, bob, staff):
    overdue = assignment(alice.unit, days(-4), TaskAssignment.Status.ISSUED)
    assignment(bob.unit, days(-1), TaskAssignment.Status.IN_PROGRESS)
    assignment(alice.unit, days(-10), TaskAssignment.Status.DONE)
    assignment(alice.unit, TODAY, TaskAssignment.Status.RETURNED)
    assignment(bob.unit, days(6), TaskAssignment.Status.ISSUED)  # Sunday: this week
    assignment(bob.unit, days(7), TaskAssignment.Status.SIGNED)  # next Monday
    ExtensionRequestFactory(assignment=overdue)
    ExtensionRequestFactory(assignment=overdue, status=ExtensionRequest.Status.REFUSED)
    assert digest_of(staff)["[Task assignments]"] == [
        "Overdue: 2",
        "Due this week: 2",
        "Not yet signed for: 2",
        "Extension requests awaiting a decision: 1",
    ]


def test_hazards_section(alice, bob, staff):
    enterprise_a = EnterpriseFactory(supervising_unit=alice.unit)
    enterprise_b = EnterpriseFactory(supervising_unit=bob.unit)
    hazard(enterprise_a, days(-3))  # open, overdue
    hazard(enterprise_b, days(20), level=HazardLevel.MAJOR, found_days_ago=2, recorded_days_ago=2)
    waiting = hazard(enterprise_a, days(10), found_days_ago=7, recorded_days_ago=6)
    report(waiting)
    reviewed = hazard(enterprise_b, days(10))
    report(reviewed, status=RectificationReport.Status.ACCEPTED)
    Hazard.objects.filter(pk=reviewed.pk).update(
        status=Hazard.Status.ACCEPTED, closed_at=MONDAY - dt.timedelta(days=1)
    )
    hazard(enterprise_a, days(5), found_days_ago=8, recorded_days_ago=8)  # before the week
    # Entered this week, found weeks ago: it belongs to the week it was found in.
    hazard(enterprise_b, days(30), found_days_ago=20, recorded_days_ago=1)
    # Found this morning: next week's digest counts it.
    hazard(enterprise_b, days(30), found_days_ago=0, recorded_days_ago=0)
    assert digest_of(staff)["[Hazards and rectification]"] == [
        "Hazards open: 6",
        "Hazards overdue: 1",
        "Major hazards open: 1",
        "Hazards found in the past 7 days: 2",
        "Rectification reports awaiting review: 1",
    ]


@pytest.fixture
def on_duty(unit_a, roles):
    return leader(unit_a), officer(unit_a), officer(unit_a)


def test_duty_section(unit_a, staff, on_duty):
    boss, duty, other = on_duty
    roster = published(RosterFactory(unit=unit_a, start_date=days(-14), end_date=days(20)))

    def shift(day, *people, needed=1):
        made = ShiftFactory(roster=roster, date=day, officers_needed=needed)
        for person, role in people:
            dm.ShiftAssignment.objects.create(shift=made, person=person, role=role)
        return made

    last_week = shift(days(-3))  # nobody on it, but it is over
    shift(TODAY, (boss, "leader"), (duty, "officer"))
    shift(days(1), (duty, "officer"))  # no leader
    shift(days(2), (boss, "leader"), (duty, "officer"), needed=2)  # short of an officer
    shift(days(3), (boss, "leader"), (duty, "officer"), (other, "officer"), needed=2)
    shift(days(8), (duty, "officer"))  # next week
    draft = RosterFactory(unit=unit_a, start_date=TODAY, end_date=days(6))
    ShiftFactory(roster=draft, date=days(4))  # not published

    received = last_week.starts_at + dt.timedelta(hours=2)
    on_time = incident(last_week, received, recorded_by=duty)
    sent_up(on_time, 10, "phone")
    sent_up(on_time, 50, "written", kind="follow_up", sequence=1)
    late = incident(last_week, received, level="serious", recorded_by=duty)
    sent_up(late, 20, "phone")  # a serious incident's limit is 15 minutes
    sent_up(late, 25, "written", kind="follow_up", sequence=1)
    incident(last_week, received, recorded_by=duty)  # never reported up
    incident(last_week, MONDAY - dt.timedelta(days=8), recorded_by=duty)  # before the week

    assert digest_of(staff)["[Emergency duty]"] == [
        "Incidents received in the past 7 days: 3",
        "Serious or especially serious incidents: 1",
        "Incidents reported up late: 1",
        "Incidents not yet reported up past their time limit: 1",
        "Shifts this week without a leader or short of officers: 2",
    ]


def test_covered_week_has_no_shift_line(unit_a, staff, on_duty):
    boss, duty, _other = on_duty
    roster = published(RosterFactory(unit=unit_a, start_date=TODAY, end_date=days(6)))
    for n in range(7):
        made = ShiftFactory(roster=roster, date=days(n))
        dm.ShiftAssignment.objects.create(shift=made, person=boss, role="leader")
        dm.ShiftAssignment.objects.create(shift=made, person=duty, role="officer")
    lines = digest_of(staff)["[Emergency duty]"]
    assert not [line for line in lines if line.startswith("Shifts")]


def test_reminders_of_the_week_come_last(alice, staff):
    NotificationFactory.create_batch(3, recipient=alice, kind="hazard")
    NotificationFactory(recipient=alice, kind="shift", read_at=MONDAY)
    NotificationFactory(recipient=alice, kind="shift")  # the week before
    Notification.objects.update(created_at=MONDAY - dt.timedelta(days=1))
    Notification.objects.filter(kind="shift", read_at__isnull=True).update(
        created_at=MONDAY - dt.timedelta(days=8)
    )
    sections = digest_of(staff)
    assert list(sections)[-1] == "[Reminders in the past 7 days]"
    assert sections["[Reminders in the past 7 days]"] == [
        "Hazard: 3 sent, 3 unread",
        "Shift: 1 sent, 0 unread",
    ]


def test_empty_week(staff):
    assert digest_of(staff) == {
        "[Task assignments]": [
            "Overdue: 0",
            "Due this week: 0",
            "Not yet signed for: 0",
            "Extension requests awaiting a decision: 0",
        ],
        "[Hazards and rectification]": [
            "Hazards open: 0",
            "Hazards overdue: 0",
            "Major hazards open: 0",
            "Hazards found in the past 7 days: 0",
            "Rectification reports awaiting review: 0",
        ],
        "[Emergency duty]": [
            "Incidents received in the past 7 days: 0",
            "Serious or especially serious incidents: 0",
            "Incidents reported up late: 0",
            "Incidents not yet reported up past their time limit: 0",
        ],
        "[Reminders in the past 7 days]": ["No reminders were sent this week."],
    }


def test_the_digest_reads_in_chinese_by_default(alice, staff):
    assignment(alice.unit, days(-4))
    weekly_digest_send(now=MONDAY)
    digest = Notification.objects.get(recipient=staff)
    assert digest.subject_label == "2026年第11周周报"
    assert digest.message.startswith("【任务分工】\n已逾期：1\n")
    assert "【最近7天的提醒】\n本周未发送提醒。" in digest.message


def test_a_registered_section_joins_the_digest_in_its_order(staff, monkeypatch):
    def extra(now):
        return [DigestLine("Drills held", 4)]

    monkeypatch.setitem(
        registry._DIGEST_SECTIONS,
        "tests.drills",
        DigestSection(key="tests.drills", title="Drills", run=extra, order=15),
    )
    titles = list(digest_of(staff))
    assert titles.index("[Drills]") == titles.index("[Task assignments]") + 1
    assert digest_of(staff)["[Drills]"] == ["Drills held: 4"]


def test_a_section_with_nothing_to_say_is_left_out(staff, monkeypatch):
    monkeypatch.setitem(
        registry._DIGEST_SECTIONS,
        "tests.silent",
        DigestSection(key="tests.silent", title="Silent", run=lambda now: []),
    )
    assert "[Silent]" not in digest_of(staff)


def test_email_carries_the_digest(staff, mailoutbox, django_capture_on_commit_callbacks):
    staff.email = "staff@example.com"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        weekly_digest_send(now=MONDAY)
    assert len(mailoutbox) == 1
    assert "[Hazards and rectification]\nHazards open: 0" in mailoutbox[0].body


# --- Queries ---------------------------------------------------------------------------


def make_records(n: int, unit, people) -> None:
    """``n`` of every record the digest counts, each in every state it tells apart."""
    boss, duty = people
    enterprise = EnterpriseFactory(supervising_unit=unit)
    for i in range(n):
        assignment(unit, days(-1 - i % 5), TaskAssignment.Status.ISSUED)
        due = assignment(unit, days(i % 6))
        ExtensionRequestFactory(assignment=due)
    hazards = Hazard.objects.bulk_create(
        Hazard(
            code=f"Q-{n}-{i}",
            enterprise=enterprise,
            key_area=key_area("fire"),
            description="x",
            level=HazardLevel.MAJOR if i % 2 else HazardLevel.GENERAL,
            responsible_unit=unit,
            deadline=days(i % 7 - 3),
            found_on=days(-30),
        )
        for i in range(n)
    )
    RectificationReport.objects.bulk_create(
        RectificationReport(hazard=h, measures_taken="x", completed_on=days(-1)) for h in hazards
    )
    roster = published(RosterFactory(unit=unit, start_date=days(-7), end_date=days(6)))
    shifts = [ShiftFactory(roster=roster, date=days(d), officers_needed=2) for d in range(-7, 7)]
    for made in shifts[::2]:
        dm.ShiftAssignment.objects.create(shift=made, person=duty, role="officer")
    received = shifts[0].starts_at + dt.timedelta(hours=1)
    reports = dm.IncidentReport.objects.bulk_create(
        dm.IncidentReport(
            shift=shifts[0],
            received_at=received + dt.timedelta(minutes=i),
            reported_by="群众",
            kind="fire",
            level="serious" if i % 2 else "general",
            place=f"仓库{i}",
            description="起火",
            recorded_by=duty,
        )
        for i in range(n)
    )
    dm.IncidentUpdate.objects.bulk_create(
        dm.IncidentUpdate(
            report=r,
            kind="first",
            method="phone",
            sent_at=r.received_at + dt.timedelta(minutes=20),
            content="已报",
            received_by="市应急局",
            recorded_by=duty,
        )
        for r in reports
    )
    NotificationFactory.create_batch(n, recipient=boss)
    Notification.objects.update(created_at=MONDAY - dt.timedelta(days=1))


@pytest.mark.parametrize("records", [2, 30])
def test_digest_query_count_does_not_grow(
    unit_a, staff, on_duty, records, django_assert_num_queries
):
    make_records(records, unit_a, on_duty[:2])
    # Staff; three sections of two queries each; the reminders; the insert in its
    # savepoint and the reads of its deliveries (recipients, preferences, robots, the
    # ids to enqueue).
    with django_assert_num_queries(15), translation.override("en"):
        assert weekly_digest_send(now=MONDAY) == 1
    counts = sections_of(staff)
    assert counts["[Task assignments]"][0] == f"Overdue: {records}"
    assert counts["[Emergency duty]"][0] == f"Incidents received in the past 7 days: {records}"
