"""Leave asked for approval: an officer asks for themself, a head for their unit's
people, committee staff grant (the leave is recorded and the generator respects it) or
refuse (the request stays, with its reason); staff see the published shifts a request
overlaps, and everyone concerned is told."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from duty.models import LeaveRequest, ShiftAssignment, Unavailability
from duty.selectors.leave import attach_clashes, leave_request_list, unavailability_list
from duty.services.leave import leave_request_create, leave_request_decide
from duty.services.rosters import roster_create, roster_generate
from safetyzone.core.states import TransitionNotAllowed
from safetyzone.notifications.models import Notification
from tests.factories import UnitFactory

from .factories import leader, officer

pytestmark = pytest.mark.django_db

# Before June 2024, whose roster (roster_a: 1-3 June) is published.
MAY_20 = "2024-05-20 10:00:00+08:00"


@pytest.fixture(autouse=True)
def _may():
    with time_machine.travel(MAY_20, tick=False):
        yield


def ask(actor, person, first=date(2024, 6, 3), last=date(2024, 6, 5), **extra):
    return leave_request_create(
        actor=actor,
        person=person,
        start_date=first,
        end_date=last,
        reason=extra.pop("reason", "年休假"),
        **extra,
    )


def generated_june(staff, unit, leaders, officers, *, last):
    """A roster of ``unit`` from 1 June to ``last``, generated from the pools."""
    june = roster_create(
        actor=staff,
        title="6月",
        unit=unit,
        start_date=date(2024, 6, 1),
        end_date=last,
        officers_per_shift=1,
    )
    return roster_generate(roster=june, actor=staff, leaders=leaders, officers=officers)


def test_an_officer_asks_for_themself_and_staff_are_told_with_a_link(staff, officer_a):
    request = ask(officer_a, officer_a)
    assert request.status == LeaveRequest.Status.PENDING
    assert request.leave is None
    assert not Unavailability.objects.exists()  # not yet leave the roster knows of
    note = Notification.objects.get(recipient=staff)
    assert note.kind == Notification.Kind.LEAVE
    assert note.reason == Notification.Reason.LEAVE_REQUESTED
    assert note.subject_url == f"/duty/unavailability/#leave-request-{request.pk}"
    assert not Notification.objects.filter(recipient=officer_a).exists()


def test_staff_are_told_of_the_published_shifts_the_leave_overlaps(staff, officer_a, roster_a):
    # officer_a is on duty on 1 and 3 June on the published roster.
    request = ask(officer_a, officer_a, date(2024, 6, 2), date(2024, 6, 4))
    (clashing,) = attach_clashes([request])[0].clashes
    assert clashing.shift.date == date(2024, 6, 3)
    assert clashing.shift.roster == roster_a
    message = Notification.objects.get(recipient=staff).message
    assert "2024-06-03" in message
    assert "2024-06-01" not in message


def test_an_officer_cannot_ask_for_a_colleague(officer_a, unit_a):
    colleague = officer(unit_a)
    with pytest.raises(ValidationError) as refused:
        ask(officer_a, colleague)
    assert "person" in refused.value.message_dict
    assert not LeaveRequest.objects.exists()


def test_a_head_asks_for_their_units_people_not_another_units(alice, unit_a, unit_b):
    mine, theirs = leader(unit_a), officer(unit_b)
    assert ask(alice, mine).requested_by == alice
    with pytest.raises(ValidationError) as refused:
        ask(alice, theirs)
    assert "person" in refused.value.message_dict
    assert LeaveRequest.objects.count() == 1


def test_bad_days_are_field_errors(officer_a):
    with pytest.raises(ValidationError) as refused:
        ask(officer_a, officer_a, date(2024, 6, 5), date(2024, 6, 3))
    assert "end_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        ask(officer_a, officer_a, date(2024, 5, 1), date(2024, 5, 3))
    assert "start_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        ask(officer_a, officer_a, reason=" ")
    assert "reason" in refused.value.message_dict


def test_days_already_asked_for_are_refused(officer_a):
    ask(officer_a, officer_a, date(2024, 6, 3), date(2024, 6, 5))
    with pytest.raises(ValidationError):
        ask(officer_a, officer_a, date(2024, 6, 5), date(2024, 6, 7))
    assert ask(officer_a, officer_a, date(2024, 6, 6), date(2024, 6, 7))


def test_grant_records_the_leave_the_generator_respects(staff, officer_a, roles):
    unit = UnitFactory()
    leaders = [leader(unit) for _ in range(4)]
    officers = [officer(unit) for _ in range(6)]
    request = ask(leaders[0], leaders[0], date(2024, 6, 3), date(2024, 6, 12))
    granted = leave_request_decide(actor=staff, request=request, grant=True)
    assert granted.status == LeaveRequest.Status.GRANTED
    leave = granted.leave
    assert (leave.person, leave.start_date, leave.end_date) == (
        leaders[0],
        date(2024, 6, 3),
        date(2024, 6, 12),
    )
    assert leave.created_by == staff
    june = generated_june(staff, unit, leaders, officers, last=date(2024, 6, 30))
    on = ShiftAssignment.objects.filter(shift__roster=june, person=leaders[0])
    assert on.exists()
    assert not on.filter(shift__date__range=(date(2024, 6, 3), date(2024, 6, 12))).exists()


def test_a_pending_request_is_not_leave_for_the_generator(staff, roles):
    unit = UnitFactory()
    leaders = [leader(unit) for _ in range(2)]
    ask(leaders[0], leaders[0], date(2024, 6, 1), date(2024, 6, 30))
    officers = [officer(unit) for _ in range(3)]
    june = generated_june(staff, unit, leaders, officers, last=date(2024, 6, 4))
    assert ShiftAssignment.objects.filter(shift__roster=june, person=leaders[0]).exists()


def test_refuse_keeps_the_request_and_its_reason_and_records_no_leave(staff, officer_a, alice):
    request = ask(alice, officer_a)
    with pytest.raises(ValidationError) as refused:
        leave_request_decide(actor=staff, request=request, grant=False, note="")
    assert "note" in refused.value.message_dict
    leave_request_decide(actor=staff, request=request, grant=False, note="防汛期间不批")
    request.refresh_from_db()
    assert request.status == LeaveRequest.Status.REFUSED
    assert request.decision_note == "防汛期间不批"
    assert request.reason == "年休假"
    assert request.decided_by == staff
    assert not Unavailability.objects.exists()
    told = set(
        Notification.objects.filter(reason=Notification.Reason.LEAVE_DECIDED).values_list(
            "recipient__username", "subject_url"
        )
    )
    link = f"/duty/unavailability/#leave-request-{request.pk}"
    assert told == {("alice", link), ("officer_a", link)}


def test_a_decided_request_is_not_decided_again(staff, officer_a):
    request = ask(officer_a, officer_a)
    leave_request_decide(actor=staff, request=request, grant=True)
    with pytest.raises(TransitionNotAllowed):
        leave_request_decide(actor=staff, request=request, grant=False, note="不")
    assert Unavailability.objects.count() == 1


def test_a_head_cannot_decide_and_another_units_head_is_an_outsider(alice, bob, officer_a):
    request = ask(officer_a, officer_a)
    with pytest.raises(PermissionDenied):
        leave_request_decide(actor=alice, request=request, grant=True)
    with pytest.raises(PermissionDenied):
        leave_request_decide(actor=bob, request=request, grant=True)
    request.refresh_from_db()
    assert request.status == LeaveRequest.Status.PENDING


def test_who_sees_which_leave(staff, alice, bob, officer_a, unit_a):
    colleague = officer(unit_a)
    own = ask(officer_a, officer_a)
    theirs = ask(alice, colleague)
    own = leave_request_decide(actor=staff, request=own, grant=True)
    assert set(leave_request_list(user=staff)) == {own, theirs}
    assert set(leave_request_list(user=alice)) == {own, theirs}
    assert set(leave_request_list(user=officer_a)) == {own}
    assert set(leave_request_list(user=bob)) == set()
    assert list(unavailability_list(user=officer_a)) == [own.leave]
    assert list(unavailability_list(user=bob)) == []


def test_pending_requests_come_first(staff, officer_a):
    first = ask(officer_a, officer_a, date(2024, 6, 3), date(2024, 6, 3))
    with time_machine.travel("2024-05-21 10:00:00+08:00", tick=False):
        second = ask(officer_a, officer_a, date(2024, 6, 5), date(2024, 6, 5))
        leave_request_decide(actor=staff, request=second, grant=True)
        third = ask(officer_a, officer_a, date(2024, 6, 7), date(2024, 6, 7))
    assert list(leave_request_list(user=staff)) == [third, first, second]
