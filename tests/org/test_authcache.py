"""Roles and permissions are read once, then from the cache, until a grant changes."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safetyzone.org.roles import Role
from safetyzone.org.services import user_set_roles

pytestmark = pytest.mark.django_db

URL = "/api/v1/hazards/"


def grant_queries(client, url=URL):
    """The status of a GET and the queries it spent on roles and permissions."""
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    sql = [q["sql"] for q in ctx.captured_queries]
    return status, [s for s in sql if "auth_permission" in s or '"auth_group"' in s]


def test_the_second_request_reads_no_grants_from_the_database(client, alice):
    client.force_login(alice)
    status, first = grant_queries(client)
    assert status == 200 and first  # read once ...
    status, second = grant_queries(client)
    assert status == 200 and second == []  # ... then from the cache


def test_a_role_taken_away_is_seen_on_the_next_request(client, alice):
    client.force_login(alice)
    assert client.get(URL).status_code == 200
    user_set_roles(user=alice, roles=[])
    assert client.get(URL).status_code == 403


def test_a_permission_taken_from_a_group_is_seen_on_the_next_request(client, alice):
    client.force_login(alice)
    assert client.get(URL).status_code == 200
    group = Group.objects.get(name=Role.DEPARTMENT_HEAD)
    group.permissions.remove(Permission.objects.get(codename="view_hazard"))
    assert client.get(URL).status_code == 403


def test_a_deactivated_user_loses_everything_at_once(client, staff):
    client.force_login(staff)
    assert client.get(reverse("inspections:hazard-list")).status_code == 200
    staff.is_active = False
    staff.save()
    assert client.get(reverse("inspections:hazard-list")).status_code == 302  # to login


def test_a_new_superuser_gets_every_permission_at_once(client, django_user_model, unit_a):
    user = django_user_model.objects.create_user("nobody", password="x", unit=unit_a)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    user.is_superuser = True
    user.save()
    assert client.get(URL).status_code == 200


def test_the_cached_backend_grants_what_djangos_model_backend_grants(
    django_user_model, unit_a, alice
):
    """The cache changes where the grants are read from, never what they are: for a user
    with their own permission and a role, a superuser and an inactive user alike."""
    from asgiref.sync import async_to_sync
    from django.contrib.auth.backends import ModelBackend

    from safetyzone.org.authcache import CachedModelBackend

    alice.user_permissions.add(Permission.objects.get(codename="add_enterprise"))
    root = django_user_model.objects.create_user("root", unit=unit_a, is_superuser=True)
    gone = django_user_model.objects.create_user("gone", unit=unit_a, is_active=False)
    gone.groups.add(Group.objects.get(name=Role.DEPARTMENT_HEAD))
    for user in (alice, root, gone):
        ours, django = CachedModelBackend(), ModelBackend()
        fresh = django_user_model.objects.get(pk=user.pk)
        theirs = django_user_model.objects.get(pk=user.pk)
        assert ours.get_user_permissions(fresh) == django.get_user_permissions(theirs)
        assert ours.get_group_permissions(fresh) == django.get_group_permissions(theirs)
        assert ours.get_all_permissions(fresh) == django.get_all_permissions(theirs)
        assert async_to_sync(ours.aget_all_permissions)(fresh) == ours.get_all_permissions(fresh)
        assert ours.get_all_permissions(fresh, obj=user) == set()
    assert "inspections.view_hazard" in CachedModelBackend().get_all_permissions(alice)
    assert CachedModelBackend().get_all_permissions(gone) == set()
