"""The one scoping rule: staff and admins see all units, everyone else their own."""

import pytest

from safetyzone.org.models import Enterprise, Unit
from safetyzone.org.roles import Role
from safetyzone.org.scoping import scope_queryset, sees_all_units

from ..factories import EnterpriseFactory, UserFactory


@pytest.fixture
def two_enterprises(unit_a, unit_b):
    return EnterpriseFactory(supervising_unit=unit_a), EnterpriseFactory(supervising_unit=unit_b)


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT_HEAD, Role.INSPECTOR, Role.DUTY_OFFICER, Role.DUTY_LEADER]
)
def test_unit_roles_see_only_their_unit(roles, unit_a, two_enterprises, role):
    user = UserFactory(unit=unit_a, roles=[role])
    assert list(scope_queryset(Enterprise.objects.all(), user)) == [two_enterprises[0]]
    assert list(scope_queryset(Unit.objects.all(), user)) == [unit_a]
    assert not sees_all_units(user)


@pytest.mark.parametrize("role", [Role.COMMITTEE_STAFF, Role.ADMIN])
def test_staff_and_admin_see_every_unit(roles, unit_a, two_enterprises, role):
    user = UserFactory(unit=unit_a, roles=[role])
    assert scope_queryset(Enterprise.objects.all(), user).count() == 2
    assert sees_all_units(user)


def test_user_without_unit_or_role_sees_nothing(roles, two_enterprises):
    user = UserFactory(unit=None)
    assert not scope_queryset(Enterprise.objects.all(), user).exists()


def test_inactive_and_anonymous_see_nothing(roles, unit_a, two_enterprises):
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory(unit=unit_a, roles=[Role.COMMITTEE_STAFF], is_active=False)
    assert not scope_queryset(Enterprise.objects.all(), user).exists()
    assert not scope_queryset(Enterprise.objects.all(), AnonymousUser()).exists()


def test_model_without_scope_field_is_refused(roles, alice):
    from django.contrib.auth.models import Group

    with pytest.raises(TypeError):
        scope_queryset(Group.objects.all(), alice)


def test_several_unit_paths_match_any_without_duplicates(roles, unit_a, unit_b, alice):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    other = UserFactory(unit=unit_b)
    # A user of unit A seen through ("unit", "unit") is listed once, not twice.
    seen = scope_queryset(User.objects.all(), alice, unit_field=("unit", "unit"))
    assert list(seen) == [alice]
    assert other not in scope_queryset(User.objects.all(), alice, unit_field=("unit",))
