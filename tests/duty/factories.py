"""Factories and helpers of the duty tests."""

import datetime as _dt

import factory
from factory.django import DjangoModelFactory

from duty import models as dm
from duty.times import shift_window
from safetyzone.org.roles import Role
from tests.factories import UnitFactory, UserFactory

JUNE_1 = _dt.date(2024, 6, 1)


def leader(unit=None, **kwargs):
    return UserFactory(roles=[Role.DUTY_LEADER], **({"unit": unit} if unit else {}), **kwargs)


def officer(unit=None, **kwargs):
    return UserFactory(roles=[Role.DUTY_OFFICER], **({"unit": unit} if unit else {}), **kwargs)


class RosterFactory(DjangoModelFactory[dm.DutyRoster]):
    class Meta:
        model = dm.DutyRoster

    title = factory.Sequence(lambda n: f"2024年6月值班表{n}")
    unit = factory.SubFactory(UnitFactory)
    start_date = JUNE_1
    end_date = _dt.date(2024, 6, 30)
    officers_per_shift = 1
    phone = "0432-64501110"


class ShiftFactory(DjangoModelFactory[dm.Shift]):
    class Meta:
        model = dm.Shift

    roster = factory.SubFactory(RosterFactory)
    date = JUNE_1
    starts_at = factory.LazyAttribute(lambda o: shift_window(o.date)[0])
    ends_at = factory.LazyAttribute(lambda o: shift_window(o.date)[1])
    officers_needed = 1


def staff_shift(roster, day, leader_user, *officer_users):
    """A shift of ``roster`` on ``day`` with its people, straight into the database."""
    shift = ShiftFactory(roster=roster, date=day)
    dm.ShiftAssignment.objects.create(shift=shift, person=leader_user, role="leader")
    for person in officer_users:
        dm.ShiftAssignment.objects.create(shift=shift, person=person, role="officer")
    return shift


def published(roster):
    from django.utils import timezone

    roster.status = dm.DutyRoster.Status.PUBLISHED
    roster.published_at = timezone.now()
    roster.save()
    return roster


class WarningFactory(DjangoModelFactory[dm.WeatherWarning]):
    class Meta:
        model = dm.WeatherWarning

    kind = dm.WeatherWarning.Kind.RAINSTORM
    level = dm.WeatherWarning.Level.ORANGE
    area = "高新区全域"
    issued_by = "吉林市气象台"
    issued_at = factory.LazyFunction(lambda: shift_window(_dt.date(2024, 6, 20))[0])
    valid_until = factory.LazyAttribute(lambda o: o.issued_at + _dt.timedelta(hours=12))


class ResourceFactory(DjangoModelFactory[dm.EmergencyResource]):
    class Meta:
        model = dm.EmergencyResource

    unit = factory.SubFactory(UnitFactory)
    kind = dm.EmergencyResource.Kind.MATERIAL
    name = factory.Sequence(lambda n: f"防汛沙袋{n}")
    quantity = 100
    measure = "袋"
    low_stock_threshold = 20
    storage_place = "应急物资储备库"
    keeper = "张三"


class TeamFactory(DjangoModelFactory[dm.RescueTeam]):
    class Meta:
        model = dm.RescueTeam

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"防汛抢险队{n}")
    speciality = "防汛抢险"
    leader = "李四"
    leader_phone = "13900000000"
    base = "高新区应急救援基地"


def empty_duty_log() -> None:
    """Empty the duty log, which its trigger keeps from deletes (migration 0003), by
    lifting the trigger for one statement as reversing the migration would. Only for
    the teardown of a transactional test that wrote log entries: SQLite flushes with
    DELETE, which the trigger refuses (PostgreSQL's TRUNCATE is not stopped)."""
    import importlib

    from django.db import connection

    migration = importlib.import_module("duty.migrations.0003_duty_log_append_only")
    with connection.schema_editor() as editor:
        migration.drop_trigger(None, editor)
        editor.execute("DELETE FROM duty_dutylogentry")
        migration.create_trigger(None, editor)


def leave_asked_on_duty_days(staff, unit, n: int, offset: int = 0, *, grant_every: int = 1):
    """``n`` leave requests of new duty officers of ``unit``, each for one day of July
    2024 (from ``offset`` on) on which the officer is on a published shift; every
    ``grant_every``-th is granted by ``staff`` (1: all)."""
    from duty.services.leave import leave_request_create, leave_request_decide

    for i in range(offset, offset + n):
        person = officer(unit)
        day = _dt.date(2024, 7, 1) + _dt.timedelta(days=i)
        roster = published(RosterFactory(unit=unit, start_date=day, end_date=day))
        staff_shift(roster, day, leader(unit), person)
        request = leave_request_create(
            actor=person, person=person, start_date=day, end_date=day, reason="事假"
        )
        if i % grant_every == 0:
            leave_request_decide(actor=staff, request=request, grant=True)
