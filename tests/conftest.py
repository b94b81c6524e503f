"""Shared fixtures.

The permission tests use three people on purpose, as healthchecks does: ``alice`` heads
unit A, ``bob`` heads unit B (same role, other unit: must get 404 on A's records), and
``staff`` is committee staff (sees every unit).
"""

import pytest
import time_machine

from safetyzone.celery import app as celery_app
from safetyzone.org.roles import Role
from safetyzone.org.services import roles_sync

from .factories import UnitFactory, UserFactory
from .helpers import need_postgres

# One time-freezing library, time-machine. A naive moment would be read as UTC when it is a
# datetime but as local time when it is a string; tests name the zone ("+08:00") instead.
time_machine.naive_mode = time_machine.NaiveMode.ERROR


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = True
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test gets an empty cache of its own process: nothing cached by one test (the
    warning banner...) leaks into the next, and no test flushes the Redis database that
    the Celery broker of a parallel test is using."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "safetyzone-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def roles(db):
    roles_sync()


@pytest.fixture
def unit_a(db):
    return UnitFactory(name="应急管理局", short_name="应急局", doc_number_prefix="高新应急")


@pytest.fixture
def unit_b(db):
    return UnitFactory(name="硅谷街道办事处", short_name="硅谷街道", kind="street_office")


@pytest.fixture
def alice(roles, unit_a):
    return UserFactory(username="alice", unit=unit_a, roles=[Role.DEPARTMENT_HEAD])


@pytest.fixture
def bob(roles, unit_b):
    return UserFactory(username="bob", unit=unit_b, roles=[Role.DEPARTMENT_HEAD])


@pytest.fixture
def officer_a(roles, unit_a):
    """A duty officer of unit A: same unit as alice's records, no role on most of them."""
    return UserFactory(username="officer_a", unit=unit_a, roles=[Role.DUTY_OFFICER])


@pytest.fixture
def officer_b(roles, unit_b):
    return UserFactory(username="officer_b", unit=unit_b, roles=[Role.DUTY_OFFICER])


@pytest.fixture
def staff(roles):
    office = UnitFactory(name="高新区安委办", membership="office", doc_number_prefix="高新安委办")
    return UserFactory(username="staff", unit=office, roles=[Role.COMMITTEE_STAFF])


@pytest.fixture
def admin_user(roles):
    return UserFactory(username="sysadmin", roles=[Role.ADMIN], is_staff=True, is_superuser=True)


@pytest.fixture
def postgres_only(db):
    """For modules about PostgreSQL itself (concurrent writers): skipped elsewhere, failed
    under REQUIRE_SERVICES=1."""
    need_postgres()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
