"""The write rule beside the read rule (safetyzone.org.scoping): who may act for a unit
and on a record."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from safetyzone.org.roles import Role
from safetyzone.org.scoping import (
    OutsideUnit,
    can_act_for,
    can_act_on,
    require_record,
    require_unit,
    write_unit_path,
)

from ..factories import (
    EnterpriseFactory,
    MeetingAttendanceFactory,
    MeetingFactory,
    TaskAssignmentFactory,
    UserFactory,
)

# --- can_act_for / require_unit ---------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT_HEAD, Role.INSPECTOR, Role.DUTY_OFFICER, Role.DUTY_LEADER]
)
def test_unit_roles_act_only_for_their_own_unit(roles, unit_a, unit_b, role):
    user = UserFactory(unit=unit_a, roles=[role])
    assert can_act_for(user, unit_a)
    assert can_act_for(user, unit_a.pk)
    assert not can_act_for(user, unit_b)


@pytest.mark.parametrize("role", [Role.COMMITTEE_STAFF, Role.ADMIN])
def test_staff_and_admin_act_for_every_unit(roles, unit_a, unit_b, role):
    user = UserFactory(unit=unit_a, roles=[role])
    assert can_act_for(user, unit_a)
    assert can_act_for(user, unit_b)


def test_staff_act_as_a_member_only_of_their_own_unit(staff, unit_a):
    assert can_act_for(staff, unit_a)
    assert not can_act_for(staff, unit_a, as_member=True)
    assert can_act_for(staff, staff.unit, as_member=True)


def test_inactive_anonymous_and_unitless_users_act_for_no_unit(roles, unit_a):
    inactive = UserFactory(unit=unit_a, roles=[Role.COMMITTEE_STAFF], is_active=False)
    no_unit = UserFactory(unit=None, roles=[Role.DEPARTMENT_HEAD])
    for user in (inactive, AnonymousUser(), no_unit):
        assert not can_act_for(user, unit_a)
    assert not can_act_for(UserFactory(unit=unit_a), None)


def test_require_unit_refuses_an_outsider_as_not_found(alice, bob, unit_a):
    require_unit(alice, unit_a)
    with pytest.raises(OutsideUnit) as refused:
        require_unit(bob, unit_a)
    # Callers catch it as PermissionDenied; HTTP answers it as 404 (Http404 is looked for first).
    assert isinstance(refused.value, PermissionDenied)
    assert isinstance(refused.value, Http404)


def test_require_unit_for_a_chosen_unit_is_a_field_error(bob, unit_a):
    with pytest.raises(ValidationError) as refused:
        require_unit(bob, unit_a, field="unit", message="Only your own unit.")
    assert refused.value.message_dict == {"unit": ["Only your own unit."]}


# --- can_act_on / require_record --------------------------------------------------------


def test_a_record_is_written_for_by_the_unit_its_scope_path_names(alice, bob, staff, unit_a):
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    assert write_unit_path(type(enterprise)) == "supervising_unit"
    assert can_act_on(alice, enterprise)
    assert can_act_on(staff, enterprise)
    assert not can_act_on(bob, enterprise)
    with pytest.raises(OutsideUnit):
        require_record(bob, enterprise)


def test_a_unit_is_its_own_record(alice, bob, unit_a):
    assert can_act_on(alice, unit_a)
    assert not can_act_on(bob, unit_a)


def test_a_meeting_is_written_by_its_organiser_not_by_an_attending_unit(alice, bob, unit_a, unit_b):
    meeting = MeetingFactory(organiser=unit_a)
    MeetingAttendanceFactory(meeting=meeting, unit=unit_b)
    assert write_unit_path(type(meeting)) == "organiser"
    assert can_act_on(alice, meeting)
    assert not can_act_on(bob, meeting)
    # Bob sees the meeting (his unit attends): a 403, not a 404 that would lie.
    with pytest.raises(PermissionDenied) as refused:
        require_record(bob, meeting)
    assert not isinstance(refused.value, OutsideUnit)
    # With every path, attending is enough.
    assert can_act_on(bob, meeting, any_path=True)


def test_a_to_many_path_is_asked_of_the_database(alice, bob, unit_a):
    assignment = TaskAssignmentFactory(task__lead_unit=unit_a, unit=unit_a)
    task = assignment.task
    assert write_unit_path(type(task)) == "assignments__unit"
    assert can_act_on(alice, task)
    assert not can_act_on(bob, task)


def test_a_units_own_step_refuses_staff_with_403_and_outsiders_with_404(alice, bob, staff, unit_a):
    assignment = TaskAssignmentFactory(task__lead_unit=unit_a, unit=unit_a)
    require_record(alice, assignment, as_member=True)
    assert can_act_on(staff, assignment)
    with pytest.raises(PermissionDenied) as refused:
        require_record(staff, assignment, as_member=True, message="Only the unit.")
    assert not isinstance(refused.value, OutsideUnit)
    assert str(refused.value) == "Only the unit."
    with pytest.raises(OutsideUnit):
        require_record(bob, assignment, as_member=True)


def test_inactive_users_act_on_nothing(roles, unit_a):
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    inactive = UserFactory(unit=unit_a, roles=[Role.DEPARTMENT_HEAD], is_active=False)
    assert not can_act_on(inactive, enterprise)
    assert not can_act_on(AnonymousUser(), enterprise)
    with pytest.raises(OutsideUnit):
        require_record(inactive, enterprise)
