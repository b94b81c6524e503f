import json

from django.db import migrations

TIMEZONE = "Asia/Shanghai"

# name: (task, args, crontab fields or None, interval minutes or None)
SCHEDULES = {
    "Daily deadline sweep": (
        "notifications.run_sweeps",
        ["daily"],
        {"minute": "0", "hour": "8", "day_of_week": "*"},
        None,
    ),
    "Duty reminder for tomorrow's shifts": (
        "notifications.run_sweeps",
        ["duty"],
        {"minute": "0", "hour": "16", "day_of_week": "*"},
        None,
    ),
    "Incident report time-limit check": (
        "notifications.run_sweeps",
        ["incidents"],
        None,
        5,
    ),
    "Weekly digest to committee staff": (
        "notifications.weekly_digest",
        [],
        {"minute": "30", "hour": "8", "day_of_week": "1"},
        None,
    ),
}


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, args, cron, minutes) in SCHEDULES.items():
        values = {"task": task, "args": json.dumps(args), "enabled": True}
        if cron is not None:
            values["crontab"], _ = CrontabSchedule.objects.get_or_create(
                day_of_month="*", month_of_year="*", timezone=TIMEZONE, **cron
            )
        else:
            values["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=minutes, period="minutes"
            )
        PeriodicTask.objects.get_or_create(name=name, defaults=values)


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=SCHEDULES
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_seed_reminder_rules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
