"""Escalation when nobody acknowledges: a reminder that must be acknowledged goes one level
up each time its rule's minutes pass (the unit's head, committee staff, the leader on
duty), each step recorded once, and stops the moment anyone who received it
acknowledges it. Services on a frozen clock (time-machine)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.services.chasers import assignment_chase, chaser_acknowledge
from duty import models as dm
from inspections.models import Hazard, HazardLevel
from safetyzone.notifications.escalation import escalation_acknowledge, escalations_advance
from safetyzone.notifications.models import (
    Escalation,
    EscalationRule,
    EscalationStep,
    Notification,
)
from safetyzone.notifications.registry import Draft
from safetyzone.notifications.services import notifications_create, run_sweeps
from safetyzone.org.roles import Role
from tests.duty.factories import RosterFactory, leader, officer, published, staff_shift
from tests.factories import (
    EnterpriseFactory,
    TaskAssignmentFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from tests.helpers import in_threads
from tests.inspections.factories import key_area

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 10)
# The daily sweep's hour: the reminder goes out, the first wait begins.
T0 = dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=SHANGHAI)
Subject = EscalationRule.Subject


def minutes(n: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def set_rule(subject: str, **values) -> None:
    EscalationRule.objects.filter(subject=subject).update(**values)


def steps(chain: Escalation) -> list[tuple[int, str, bool]]:
    return list(chain.steps.order_by("level").values_list("level", "target", "skipped"))


def told(user) -> list[tuple[str, int]]:
    return sorted(
        Notification.objects.filter(recipient=user).values_list("reason", "escalation_level")
    )


@pytest.fixture
def boss(unit_a):
    """The leader on duty today, on the duty office's published roster."""
    office = UnitFactory(name="应急值班室")
    person = leader(office, username="boss")
    roster = published(RosterFactory(unit=office))
    staff_shift(roster, TODAY, person, officer(office))
    return person


def overdue_major_hazard(unit, day: dt.date = TODAY, code: str = "ZD-1") -> Hazard:
    """A major hazard of ``unit`` two days past its deadline on ``day``."""
    return Hazard.objects.create(
        code=code,
        enterprise=EnterpriseFactory(supervising_unit=unit),
        key_area=key_area("fire"),
        description="储罐区安全阀失效",
        level=HazardLevel.MAJOR,
        responsible_unit=unit,
        deadline=day - dt.timedelta(days=2),
        found_on=day - dt.timedelta(days=30),
    )


def remind_overdue(hazards, user, now: dt.datetime | None = None) -> None:
    """The overdue reminder of each hazard to ``user``, as the daily sweep sends it to
    a unit's head: it must be acknowledged."""
    notifications_create(
        drafts=[
            Draft(
                recipient_id=user.pk,
                kind="hazard",
                reason="overdue",
                subject_key=f"inspections.hazard:{h.pk}",
                subject_label=h.code,
                due_date=TODAY,
                message="逾期",
                escalation=Subject.MAJOR_HAZARD_OVERDUE,
            )
            for h in hazards
        ],
        now=now,
    )


@pytest.fixture
def major_hazard(alice):
    return overdue_major_hazard(alice.unit)


@pytest.fixture
def reminded(major_hazard, time_machine, staff, boss):
    """The daily sweep has reminded alice (the unit's head) of the overdue major hazard;
    its rule waits 30 minutes at each level."""
    set_rule(Subject.MAJOR_HAZARD_OVERDUE, wait_minutes=30)
    time_machine.move_to(T0, tick=False)
    run_sweeps("daily")
    return Escalation.objects.get()


def test_overdue_major_hazard_reminder_must_be_acknowledged(reminded, alice, staff):
    note = Notification.objects.get(recipient=alice)
    assert (note.reason, note.escalation_id) == ("overdue", reminded.pk)
    assert reminded.subject_key == f"inspections.hazard:{Hazard.objects.get().pk}"
    assert reminded.next_at == minutes(30)
    # The sweep's own word to staff (at once, for every overdue major hazard) is no step.
    assert Notification.objects.get(recipient=staff).escalation_id is None


def test_each_level_waits_the_rules_minutes(reminded, alice, staff, boss, time_machine):
    time_machine.move_to(minutes(29), tick=False)
    assert escalations_advance() == 0
    assert steps(reminded) == []

    # 30 minutes: the unit's head was told already (skipped), so staff are, at once.
    time_machine.move_to(minutes(30), tick=False)
    assert escalations_advance() == 2
    reminded.refresh_from_db()
    assert steps(reminded) == [(1, "unit_head", True), (2, "committee_staff", False)]
    assert (reminded.level, reminded.next_at) == (2, minutes(60))
    assert told(staff) == [("escalated", 0), ("escalated", 2)]
    assert told(boss) == []

    time_machine.move_to(minutes(59), tick=False)
    assert escalations_advance() == 0
    time_machine.move_to(minutes(60), tick=False)
    assert escalations_advance() == 1
    assert told(boss) == [("escalated", 3)]
    note = Notification.objects.get(recipient=boss)
    assert note.kind == "hazard" and note.subject_url == reminded.subject_url

    # Past the last level: stopped, every level told, nobody told again.
    time_machine.move_to(minutes(90), tick=False)
    assert escalations_advance() == 0
    reminded.refresh_from_db()
    assert reminded.status == Escalation.Status.EXHAUSTED
    assert reminded.next_at is None
    assert Notification.objects.filter(reason="escalated", escalation=reminded).count() == 2


def test_acknowledging_stops_the_chain_at_once(reminded, alice, staff, boss, time_machine):
    time_machine.move_to(minutes(30), tick=False)
    escalations_advance()
    step_note = Notification.objects.get(recipient=staff, escalation=reminded)
    time_machine.move_to(minutes(31), tick=False)
    chain = escalation_acknowledge(notification=step_note, actor=staff)
    assert chain.status == Escalation.Status.ACKNOWLEDGED
    assert (chain.acknowledged_by, chain.acknowledged_at) == (staff, minutes(31))

    for later in (60, 90, 600):
        time_machine.move_to(minutes(later), tick=False)
        assert escalations_advance() == 0
    assert told(boss) == []
    assert len(steps(reminded)) == 2
    step_note.refresh_from_db()
    assert step_note.is_read


def test_the_first_recipient_may_acknowledge_before_any_step(reminded, alice, boss, time_machine):
    escalation_acknowledge(notification=Notification.objects.get(recipient=alice), actor=alice)
    time_machine.move_to(minutes(120), tick=False)
    assert escalations_advance() == 0
    assert steps(reminded) == []


def test_acknowledging_twice_keeps_the_first(reminded, alice, staff, time_machine):
    time_machine.move_to(minutes(30), tick=False)
    escalations_advance()
    escalation_acknowledge(notification=Notification.objects.get(recipient=alice), actor=alice)
    time_machine.move_to(minutes(40), tick=False)
    chain = escalation_acknowledge(
        notification=Notification.objects.get(recipient=staff, escalation=reminded), actor=staff
    )
    assert (chain.acknowledged_by, chain.acknowledged_at) == (alice, minutes(30))


def test_a_hazard_closed_meanwhile_stops_its_chain(reminded, major_hazard, staff, time_machine):
    Hazard.objects.filter(pk=major_hazard.pk).update(
        status=Hazard.Status.ACCEPTED,
        closed_at=T0,
        # A major hazard is closed on its plan's five implementations.
        plan_responsibility="厂长",
        plan_measures="更换安全阀",
        plan_funds=5000,
        plan_time_limit=TODAY,
        plan_contingency="停用储罐",
    )
    time_machine.move_to(minutes(30), tick=False)
    assert escalations_advance() == 0
    reminded.refresh_from_db()
    assert reminded.status == Escalation.Status.SETTLED
    assert told(staff) == [("escalated", 0)]


def test_a_level_with_nobody_is_skipped_and_the_chain_moves_on(reminded, staff, time_machine):
    staff.groups.clear()  # no committee staff left
    time_machine.move_to(minutes(30), tick=False)
    escalations_advance()
    assert steps(reminded) == [
        (1, "unit_head", True),
        (2, "committee_staff", True),
        (3, "leader_on_duty", False),
    ]


def test_rule_change_in_the_admin_applies_to_the_next_run(reminded, staff, boss, time_machine):
    set_rule(Subject.MAJOR_HAZARD_OVERDUE, levels="leader_on_duty", wait_minutes=5)
    time_machine.move_to(minutes(30), tick=False)
    escalations_advance()
    assert steps(reminded) == [(1, "leader_on_duty", False)]
    assert told(staff) == [("escalated", 0)]


def test_rule_off_or_without_acknowledgement_starts_no_chain(major_hazard, time_machine, alice):
    set_rule(Subject.MAJOR_HAZARD_OVERDUE, requires_acknowledgement=False)
    time_machine.move_to(T0, tick=False)
    run_sweeps("daily")
    assert Notification.objects.get(recipient=alice).escalation_id is None
    assert not Escalation.objects.exists()


def test_general_hazard_reminder_needs_no_acknowledgement(major_hazard, time_machine, alice):
    Hazard.objects.filter(pk=major_hazard.pk).update(level=HazardLevel.GENERAL)
    time_machine.move_to(T0, tick=False)
    run_sweeps("daily")
    assert Notification.objects.get(recipient=alice).escalation_id is None


def test_the_next_overdue_reminder_joins_the_hazards_one_chain(reminded, alice, time_machine):
    time_machine.move_to(T0 + dt.timedelta(days=2), tick=False)
    run_sweeps("daily")
    assert Escalation.objects.count() == 1
    assert set(
        Notification.objects.filter(recipient=alice).values_list("escalation_id", flat=True)
    ) == {reminded.pk}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only", "seed_again_after_module")
def test_two_runs_at_once_record_each_step_once(reminded, staff, boss, time_machine):
    time_machine.move_to(minutes(30), tick=False)
    results, errors = in_threads(2, lambda i: escalations_advance())
    assert errors == []
    assert sorted(results) == [0, 2]
    assert EscalationStep.objects.count() == 2
    assert told(staff) == [("escalated", 0), ("escalated", 2)]


def test_bounded_queries_whatever_the_number_of_chains(alice, staff, boss, time_machine):
    def chains(n: int, start: int) -> None:
        hazards = [overdue_major_hazard(alice.unit, code=f"ZD-{start + i}") for i in range(n)]
        remind_overdue(hazards, alice, now=T0)

    time_machine.move_to(minutes(60), tick=False)
    counts = []
    for n, start in ((2, 0), (20, 100)):
        chains(n, start)
        with CaptureQueriesContext(connection) as queries:
            assert escalations_advance() == 2 * n
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The other reminders: an incident's time limit, a chaser ---------------------------


def incident(unit) -> dm.IncidentReport:
    """A fire reported an hour into today's shift of ``unit``'s published roster."""
    duty = officer(unit)
    shift = staff_shift(published(RosterFactory(unit=unit)), TODAY, leader(unit), duty)
    return dm.IncidentReport.objects.create(
        shift=shift,
        received_at=shift.starts_at + dt.timedelta(hours=1),
        reported_by="群众",
        kind="fire",
        level="general",
        place="某仓库",
        description="起火",
        recorded_by=duty,
    )


def test_incident_limit_reminder_goes_to_the_units_head_then_staff(
    unit_a, roles, staff, time_machine
):
    head = UserFactory(username="head_a", unit=unit_a, roles=[Role.DEPARTMENT_HEAD])
    report = incident(unit_a)
    received = report.received_at
    # 21 minutes in, the phone limit is 9 minutes away: the shift is reminded.
    time_machine.move_to(received + dt.timedelta(minutes=21), tick=False)
    run_sweeps("incidents")
    chain = Escalation.objects.get()
    assert chain.subject_key == f"duty.incidentreport:{report.pk}:phone"
    time_machine.move_to(received + dt.timedelta(minutes=31), tick=False)
    escalations_advance()
    assert told(head) == [("escalated", 1)]
    time_machine.move_to(received + dt.timedelta(minutes=41), tick=False)
    escalations_advance()
    assert told(staff) == [("escalated", 2)]
    # The leader on duty now is the shift's own leader, told first: skipped, the end.
    time_machine.move_to(received + dt.timedelta(minutes=51), tick=False)
    escalations_advance()
    chain.refresh_from_db()
    assert steps(chain)[-1] == (3, "leader_on_duty", True)
    assert chain.status == Escalation.Status.EXHAUSTED


def test_incident_reported_by_phone_stops_its_chain(unit_a, roles, staff, time_machine):
    report = incident(unit_a)
    received, duty = report.received_at, report.recorded_by
    time_machine.move_to(received + dt.timedelta(minutes=21), tick=False)
    run_sweeps("incidents")
    dm.IncidentUpdate.objects.create(
        report=report,
        kind="first",
        method="phone",
        sent_at=received + dt.timedelta(minutes=25),
        content="已电话报告",
        received_by="区应急局",
        recorded_by=duty,
    )
    time_machine.move_to(received + dt.timedelta(minutes=31), tick=False)
    assert escalations_advance() == 0
    assert Escalation.objects.get().status == Escalation.Status.SETTLED
    assert told(staff) == []


def test_unsigned_chaser_goes_up_and_signing_it_stops(alice, staff, boss, time_machine):
    set_rule(Subject.CHASER, wait_minutes=60)
    assignment = TaskAssignmentFactory(
        task=TaskFactory(lead_unit=alice.unit, deadline=TODAY), unit=alice.unit
    )
    time_machine.move_to(T0, tick=False)
    chaser = assignment_chase(assignment=assignment, actor=staff, message="请今日反馈")
    chain = Escalation.objects.get()
    assert told(alice) == [("chased", 0)]
    time_machine.move_to(minutes(60), tick=False)
    escalations_advance()
    # The unit's head was chased; staff (the chaser's sender too) hear it is unsigned.
    assert steps(chain) == [(1, "unit_head", True), (2, "committee_staff", False)]
    chaser_acknowledge(chaser=chaser, actor=alice)
    time_machine.move_to(minutes(120), tick=False)
    escalations_advance()
    chain.refresh_from_db()
    assert chain.status == Escalation.Status.SETTLED
    assert told(boss) == []


# --- The rules in the admin --------------------------------------------------------------


def test_admin_edits_a_rule_and_refuses_unknown_levels(client, admin_user):
    rule = EscalationRule.objects.get(subject=Subject.CHASER)
    client.force_login(admin_user)
    url = f"/admin/notifications/escalationrule/{rule.pk}/change/"
    assert client.get("/admin/notifications/escalationrule/").status_code == 200
    values = {"subject": rule.subject, "requires_acknowledgement": "on", "is_active": "on"}
    refused = client.post(url, {**values, "wait_minutes": 15, "levels": "unit_head,mayor"})
    assert refused.status_code == 200
    assert "levels" in refused.context["adminform"].form.errors
    saved = client.post(url, {**values, "wait_minutes": 15, "levels": "committee_staff"})
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert (rule.wait_minutes, rule.level_list) == (15, ["committee_staff"])
    assert client.get("/admin/notifications/escalation/").status_code == 200
