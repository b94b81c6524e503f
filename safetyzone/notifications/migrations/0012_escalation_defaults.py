from django.db import migrations

# The office's defaults at the time of this migration (copied, not imported: a
# migration must not change when the code does). An incident's limit is counted in
# minutes, a chaser in hours.
RULES = {
    "major_hazard_overdue": {"wait_minutes": 60},
    "incident_report_limit": {"wait_minutes": 10},
    "chaser": {"wait_minutes": 240},
}
LEVELS = "unit_head,committee_staff,leader_on_duty"
SCHEDULE = "Escalate unacknowledged reminders"


def seed_rules(apps, schema_editor):
    EscalationRule = apps.get_model("notifications", "EscalationRule")
    for subject, values in RULES.items():
        EscalationRule.objects.get_or_create(
            subject=subject,
            defaults={"requires_acknowledgement": True, "levels": LEVELS, **values},
        )


def remove_rules(apps, schema_editor):
    apps.get_model("notifications", "EscalationRule").objects.filter(subject__in=RULES).delete()


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SCHEDULE,
        defaults={
            "task": "notifications.escalate_unacknowledged",
            "args": "[]",
            "interval": every_minute,
            "enabled": True,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0011_escalation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(seed_rules, remove_rules),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
