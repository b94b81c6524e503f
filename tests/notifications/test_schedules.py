"""The beat schedules created by the migration, and the thin tasks they run."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django_celery_beat.models import PeriodicTask

from safetyzone.notifications.models import Notification
from safetyzone.notifications.services import weekly_digest_send
from safetyzone.notifications.tasks import run_sweeps_task, weekly_digest_task

from .factories import NotificationFactory


def test_default_schedules_in_shanghai_time(db):
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab", "interval")}
    daily = tasks["Daily deadline sweep"]
    assert (daily.crontab.hour, daily.crontab.minute) == ("8", "0")
    assert str(daily.crontab.timezone) == "Asia/Shanghai"
    assert json.loads(daily.args) == ["daily"]
    duty = tasks["Duty reminder for tomorrow's shifts"]
    assert (duty.crontab.hour, duty.crontab.minute, json.loads(duty.args)) == ("16", "0", ["duty"])
    incidents = tasks["Incident report time-limit check"]
    assert (incidents.interval.every, incidents.interval.period) == (5, "minutes")
    digest = tasks["Weekly digest to committee staff"]
    assert (digest.crontab.day_of_week, digest.crontab.hour, digest.crontab.minute) == (
        "1",
        "8",
        "30",
    )
    assert digest.task == "notifications.weekly_digest"


def test_tasks_have_time_limits():
    for task in (run_sweeps_task, weekly_digest_task):
        assert task.time_limit and task.soft_time_limit


def test_sweep_task_runs_its_group(alice):
    assert run_sweeps_task.delay("daily").get() == 0


def test_weekly_digest_goes_to_staff_once_a_week(alice, staff):
    NotificationFactory.create_batch(2, recipient=alice)
    monday = dt.datetime(2026, 3, 9, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    weekly_digest_send(now=monday)
    weekly_digest_send(now=monday + dt.timedelta(hours=1))
    digest = Notification.objects.get(recipient=staff)
    assert digest.kind == "digest"
    assert not Notification.objects.filter(recipient=alice, kind="digest").exists()


def test_schedule_that_does_not_parse_is_refused_in_admin(client, admin_user):
    from django.urls import reverse
    from django_celery_beat.models import CrontabSchedule

    before = CrontabSchedule.objects.count()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:django_celery_beat_crontabschedule_add"),
        {
            "minute": "61",
            "hour": "8",
            "day_of_week": "*",
            "day_of_month": "*",
            "month_of_year": "*",
            "timezone": "Asia/Shanghai",
        },
    )
    assert response.status_code == 200
    assert "not in 0-59" in response.content.decode()
    assert CrontabSchedule.objects.count() == before
