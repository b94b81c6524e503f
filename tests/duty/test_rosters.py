"""Rosters through the services: the generator on the real calendar and data, the
checks, publishing, hand edits and swaps."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duty.checks import roster_check
from duty.models import DutyRoster, Shift, ShiftAssignment, ShiftChange, SwapRequest
from duty.selectors.rosters import duty_days
from duty.services.rosters import (
    RosterCannotBeCovered,
    roster_create,
    roster_generate,
    roster_publish,
)
from duty.services.shifts import shift_create, shift_update, unavailability_create
from duty.services.swaps import swap_accept, swap_approve, swap_decline, swap_request_create
from safetyzone.notifications.models import Notification
from tests.factories import KeyPeriodFactory, UnitFactory

from .factories import (
    JUNE_1,
    RosterFactory,
    WarningFactory,
    leader,
    officer,
    published,
    staff_shift,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pools(roles):
    unit = UnitFactory(name="应急管理局")
    leaders = [leader(unit, email=f"l{i}@example.cn") for i in range(4)]
    officers = [officer(unit, email=f"o{i}@example.cn") for i in range(6)]
    return leaders, officers


@pytest.fixture
def june(staff):
    return roster_create(
        actor=staff,
        title="2024年6月值班表",
        unit=staff.unit,
        start_date=JUNE_1,
        end_date=date(2024, 6, 30),
        officers_per_shift=1,
        phone="0432-64501110",
    )


def people_of(shift):
    return {a.role: a.person for a in shift.assignments.all() if a.role == "leader"}, [
        a.person for a in shift.assignments.all() if a.role == "officer"
    ]


def test_staff_generates_june_with_a_leader_and_officers_every_day(staff, june, pools):
    leaders, officers = pools
    roster_generate(roster=june, actor=staff, leaders=leaders, officers=officers)
    shifts = list(june.shifts.prefetch_related("assignments"))
    assert len(shifts) == 30
    first = shifts[0]
    assert first.starts_at.isoformat() == "2024-06-01T00:30:00+00:00"  # 08:30 in Shanghai
    assert first.ends_at == shifts[1].starts_at
    for shift in shifts:
        roles = [a.role for a in shift.assignments.all()]
        assert roles.count("leader") == 1
        assert roles.count("officer") >= 1
    assert roster_check(roster=june) == []
    counts = {}
    for a in ShiftAssignment.objects.filter(shift__roster=june, role="leader"):
        counts[a.person_id] = counts.get(a.person_id, 0) + 1
    assert max(counts.values()) - min(counts.values()) <= 1


def test_key_period_and_orange_warning_days_get_extra_officers(staff, june, pools):
    leaders, officers = pools
    KeyPeriodFactory(
        name="吉林马拉松",
        start_date=date(2024, 6, 15),
        end_date=date(2024, 6, 16),
        extra_duty_officers=1,
    )
    WarningFactory(level="orange")  # 20 June, 08:30 for 12 hours
    WarningFactory(level="blue", issued_at=WarningFactory().issued_at + timedelta(days=3))
    roster_generate(roster=june, actor=staff, leaders=leaders, officers=officers)
    officers_on = {
        s.date.day: sum(a.role == "officer" for a in s.assignments.all())
        for s in june.shifts.prefetch_related("assignments")
    }
    assert officers_on[15] == officers_on[16] == officers_on[20] == 2
    assert officers_on[14] == officers_on[17] == officers_on[23] == 1


def test_nobody_on_leave_and_nobody_two_days_in_a_row(staff, june, pools):
    leaders, officers = pools
    unavailability_create(
        actor=staff, person=leaders[0], start_date=date(2024, 6, 3), end_date=date(2024, 6, 12)
    )
    roster_generate(roster=june, actor=staff, leaders=leaders, officers=officers)
    on = ShiftAssignment.objects.filter(shift__roster=june, person=leaders[0])
    assert not on.filter(shift__date__range=(date(2024, 6, 3), date(2024, 6, 12))).exists()
    days = sorted(
        ShiftAssignment.objects.filter(shift__roster=june).values_list("person_id", "shift__date")
    )
    for (p1, d1), (p2, d2) in zip(days, days[1:], strict=False):
        assert not (p1 == p2 and d2 - d1 == timedelta(days=1))


def test_weekends_and_holidays_are_shared_fairly(staff, june, pools):
    leaders, officers = pools
    roster_generate(roster=june, actor=staff, leaders=leaders, officers=officers)
    rest_days = [d for d in duty_days(june) if d.rest_day]
    assert date(2024, 6, 10) in {d.date for d in rest_days if d.holiday}  # Dragon Boat
    rest = {d.date for d in rest_days}
    for pool in (leaders, officers):
        counts = [
            ShiftAssignment.objects.filter(
                shift__roster=june, person=p, shift__date__in=rest
            ).count()
            for p in pool
        ]
        assert max(counts) - min(counts) <= 1, counts


def test_pools_that_cannot_cover_say_which_days_and_save_nothing(staff, june, pools):
    leaders, officers = pools
    unavailability_create(
        actor=staff,
        person=leaders[0],
        start_date=date(2024, 6, 9),
        end_date=date(2024, 6, 9),
        kind="trip",
    )
    with pytest.raises(RosterCannotBeCovered) as caught:
        roster_generate(roster=june, actor=staff, leaders=leaders[:1], officers=officers)
    days = {f.date for f in caught.value.failures}
    assert date(2024, 6, 9) in days
    assert "2024-06-09" in " ".join(caught.value.messages)
    assert not june.shifts.exists()


def test_a_person_cannot_be_in_both_pools(staff, june, pools):
    leaders, officers = pools
    with pytest.raises(ValidationError) as caught:
        roster_generate(roster=june, actor=staff, leaders=leaders, officers=[*officers, leaders[0]])
    assert "officers" in caught.value.message_dict


def test_only_staff_generate_and_publish(june, pools):
    leaders, officers = pools
    with pytest.raises(PermissionDenied):
        roster_generate(roster=june, actor=officers[0], leaders=leaders, officers=officers)
    with pytest.raises(PermissionDenied):
        roster_publish(roster=june, actor=leaders[0])


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    n_days=st.integers(1, 9),
    n_leaders=st.integers(1, 4),
    n_officers=st.integers(1, 5),
    per_shift=st.integers(1, 2),
    leave=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(0, 2)), max_size=3),
)
def test_any_pools_that_can_cover_give_a_roster_that_passes_every_check(
    staff, pools, n_days, n_leaders, n_officers, per_shift, leave
):
    leaders, officers = pools[0][:n_leaders], pools[1][:n_officers]
    with transaction.atomic():
        roster = roster_create(
            actor=staff,
            title="测试",
            unit=staff.unit,
            start_date=JUNE_1,
            end_date=JUNE_1 + timedelta(days=n_days - 1),
            officers_per_shift=per_shift,
        )
        for who, first, length in leave:
            person = (leaders + officers)[who % (n_leaders + n_officers)]
            unavailability_create(
                actor=staff,
                person=person,
                start_date=JUNE_1 + timedelta(days=first),
                end_date=JUNE_1 + timedelta(days=first + length),
            )
        try:
            roster_generate(roster=roster, actor=staff, leaders=leaders, officers=officers)
        except RosterCannotBeCovered as exc:
            assert exc.failures
            assert not roster.shifts.exists()
        else:
            assert roster_check(roster=roster) == []
            roster_publish(roster=roster, actor=staff)
        transaction.set_rollback(True)


# --- Checks ------------------------------------------------------------------------


@pytest.fixture
def hand_made(staff, roles):
    roster = RosterFactory(unit=staff.unit, end_date=date(2024, 6, 4))
    lead, lead2 = leader(), leader()
    o1, o2 = officer(), officer()
    return roster, lead, lead2, o1, o2


def codes(roster):
    return {(i.date.day, i.code) for i in roster_check(roster=roster)}


def test_checks_find_a_gap_no_leader_and_short_officers(hand_made):
    roster, lead, lead2, o1, o2 = hand_made
    staff_shift(roster, date(2024, 6, 1), lead, o1)
    staff_shift(roster, date(2024, 6, 2), lead2, o2)
    lonely = staff_shift(roster, date(2024, 6, 4), lead, o1)
    ShiftAssignment.objects.filter(shift=lonely, role="leader").delete()
    found = codes(roster)
    assert (3, "gap") in found
    assert (4, "no_leader") in found


def test_checks_find_overlap_double_booking_back_to_back_and_leave(hand_made, staff):
    roster, lead, lead2, o1, o2 = hand_made
    staff_shift(roster, date(2024, 6, 1), lead, o1)
    staff_shift(roster, date(2024, 6, 2), lead, o2)  # lead two days in a row
    s3 = staff_shift(roster, date(2024, 6, 3), lead2, o1)
    s4 = staff_shift(roster, date(2024, 6, 4), lead, o2)
    s4.starts_at -= timedelta(hours=2)
    s4.save()
    other = RosterFactory(title="街道值班表")
    staff_shift(other, date(2024, 6, 3), leader(), o2)  # o2 elsewhere on the 3rd
    unavailability_create(
        actor=staff, person=o1, start_date=date(2024, 6, 3), end_date=date(2024, 6, 3)
    )
    found = codes(roster)
    assert (2, "back_to_back") in found
    assert (4, "overlap") in found
    assert (3, "on_leave") in found
    assert any(code in {"double_booked", "back_to_back"} for day, code in found if day in (3, 4))
    assert s3.pk


def test_checks_run_in_a_fixed_number_of_queries(hand_made):
    roster, lead, lead2, o1, o2 = hand_made
    roster.end_date = date(2024, 6, 30)
    roster.save()
    for day in range(1, 31):
        staff_shift(roster, date(2024, 6, day), lead if day % 2 else lead2, o1 if day % 2 else o2)
    with CaptureQueriesContext(connection) as thirty:
        roster_check(roster=roster)
    short = RosterFactory(end_date=date(2024, 6, 2))
    staff_shift(short, date(2024, 6, 1), lead, o1)
    with CaptureQueriesContext(connection) as one:
        roster_check(roster=short)
    assert len(thirty) == len(one) <= 6


def test_an_orange_warning_flags_a_published_roster_short_of_officers(hand_made):
    roster, lead, lead2, o1, o2 = hand_made
    for day in range(1, 5):
        staff_shift(roster, date(2024, 6, day), lead if day % 2 else lead2, o1 if day % 2 else o2)
    assert codes(roster) == set()
    WarningFactory(issued_at=WarningFactory().issued_at.replace(day=2))
    assert (2, "understaffed") in codes(roster)


def test_publishing_refuses_a_failing_roster_and_names_the_days(hand_made, staff):
    roster, lead, lead2, o1, o2 = hand_made
    staff_shift(roster, date(2024, 6, 1), lead, o1)
    with pytest.raises(ValidationError) as caught:
        roster_publish(roster=roster, actor=staff)
    assert "2024-06-02" in " ".join(caught.value.messages)
    roster.refresh_from_db()
    assert roster.status == DutyRoster.Status.DRAFT


def test_hand_made_shift_needs_a_leader_and_may_not_overlap(hand_made, staff):
    roster, lead, lead2, o1, o2 = hand_made
    with pytest.raises(ValidationError) as caught:
        shift_create(actor=staff, roster=roster, date=date(2024, 6, 1), leader=None, officers=[o1])
    assert "leader" in caught.value.message_dict
    shift_create(actor=staff, roster=roster, date=date(2024, 6, 1), leader=lead, officers=[o1])
    with pytest.raises(ValidationError) as caught:
        shift_create(
            actor=staff,
            roster=roster,
            date=date(2024, 6, 1),
            leader=lead2,
            officers=[o2],
            starts_at=Shift.objects.get().starts_at + timedelta(hours=3),
            ends_at=Shift.objects.get().ends_at + timedelta(hours=3),
        )
    assert "starts_at" in caught.value.message_dict
    assert Shift.objects.count() == 1


# --- Swaps -------------------------------------------------------------------------


@pytest.fixture
def swap_setup(hand_made, staff):
    roster, lead, lead2, o1, o2 = hand_made
    o3, o4 = officer(), officer()
    shifts = [
        staff_shift(roster, date(2024, 6, day), lead if day % 2 else lead2, person)
        for day, person in zip(range(1, 5), (o1, o2, o3, o4), strict=True)
    ]
    published(roster)
    return roster, shifts, lead, lead2, o1, o3


@time_machine.travel("2024-05-20 10:00:00+08:00", tick=False)
def test_swap_asked_accepted_and_approved_changes_the_roster_with_history(
    swap_setup, staff, django_capture_on_commit_callbacks
):
    roster, shifts, lead, lead2, o1, o2 = swap_setup  # o2: the officer of 3 June
    o1.email, o2.email = "o1@example.cn", "o2@example.cn"
    o1.save(), o2.save()
    swap = swap_request_create(
        requester=o1,
        shift=shifts[0],
        counterpart=o2,
        counterpart_shift=shifts[2],
        reason="家中有事",
    )
    assert swap.status == SwapRequest.Status.REQUESTED
    swap_accept(swap=swap, actor=o2)
    with pytest.raises(PermissionDenied):
        swap_approve(swap=swap, actor=o1)
    with django_capture_on_commit_callbacks(execute=True):
        swap_approve(swap=swap, actor=staff, note="同意")
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.APPROVED
    assert shifts[0].people.get(duty_assignments__role="officer") == o2
    assert shifts[2].people.get(duty_assignments__role="officer") == o1
    history = ShiftChange.objects.filter(swap_request=swap)
    assert {(c.person_before, c.person_after) for c in history} == {(o1, o2), (o2, o1)}
    assert roster_check(roster=roster) == []
    # Each of the two is told through the outbox, in the app and by mail.
    assert set(
        Notification.objects.filter(reason=Notification.Reason.SWAP_DECIDED).values_list(
            "recipient_id", flat=True
        )
    ) == {o1.pk, o2.pk}
    assert {tuple(m.to) for m in mail.outbox} >= {("o1@example.cn",), ("o2@example.cn",)}


@time_machine.travel("2024-05-20 10:00:00+08:00", tick=False)
def test_a_swap_that_would_put_someone_on_two_shifts_in_a_row_is_refused(swap_setup):
    roster, shifts, lead, lead2, o1, o3 = swap_setup
    o2 = shifts[1].people.get(duty_assignments__role="officer")
    # o2 taking 1 June would be next to o2's own 2 June.
    with pytest.raises(ValidationError) as caught:
        swap_request_create(requester=o1, shift=shifts[0], counterpart=o2, reason="出差")
    expected = gettext("%(person)s would work two shifts in a row (%(a)s and %(b)s).") % {
        "person": o2,
        "a": "2024-06-01",
        "b": "2024-06-02",
    }
    assert caught.value.messages == [expected]
    assert not SwapRequest.objects.exists()


@time_machine.travel("2024-05-20 10:00:00+08:00", tick=False)
def test_only_the_colleague_accepts_and_only_people_on_the_shift_ask(swap_setup, staff):
    roster, shifts, lead, lead2, o1, o2 = swap_setup
    with pytest.raises(ValidationError):
        swap_request_create(requester=o2, shift=shifts[0], counterpart=o1, reason="x")
    swap = swap_request_create(
        requester=o1, shift=shifts[0], counterpart=o2, counterpart_shift=shifts[2], reason="x"
    )
    with pytest.raises(PermissionDenied):
        swap_accept(swap=swap, actor=o1)
    with pytest.raises(ValidationError):
        swap_approve(swap=swap, actor=staff)  # not accepted yet
    swap_decline(swap=swap, actor=o2)
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.DECLINED


def test_a_shift_that_began_cannot_be_swapped(swap_setup):
    roster, shifts, lead, lead2, o1, o2 = swap_setup
    with pytest.raises(ValidationError) as caught:
        swap_request_create(
            requester=o1, shift=shifts[0], counterpart=o2, counterpart_shift=shifts[2], reason="x"
        )
    assert "shift" in caught.value.message_dict


def test_a_hand_edit_of_a_published_shift_keeps_its_history(swap_setup, staff):
    roster, shifts, lead, lead2, o1, o3 = swap_setup
    stand_in, lead3 = officer(), leader()  # lead2, on 2 June, would be on two in a row
    shift_update(actor=staff, shift=shifts[0], leader=lead, officers=[stand_in], note="杨帆病假")
    shift_update(actor=staff, shift=shifts[0], leader=lead3, officers=[stand_in])
    changes = list(ShiftChange.objects.filter(shift=shifts[0]).order_by("pk"))
    assert [(c.role, c.person_before, c.person_after, c.note) for c in changes] == [
        ("officer", o1, stand_in, "杨帆病假"),
        ("leader", lead, lead3, ""),
    ]
