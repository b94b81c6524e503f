from django.db import migrations

# The office's defaults at the time of this migration (copied, not imported: a
# migration must not change when the code does).
RULES = {
    "task_assignment": {
        "days_before": "3,1",
        "on_the_day": True,
        "overdue_every_days": 2,
        "escalate_after_days": 7,
    },
    "hazard": {"days_before": "3,1", "on_the_day": True, "overdue_every_days": 2},
    "rectification_report": {
        "days_before": "",
        "on_the_day": False,
        "overdue_every_days": 0,
        "escalate_after_days": 2,
    },
    "shift": {"days_before": "1", "on_the_day": False, "overdue_every_days": 0},
    "incident_report": {
        "days_before": "",
        "on_the_day": False,
        "overdue_every_days": 0,
        "minutes_before": 10,
    },
    "weather_warning": {"days_before": "", "on_the_day": False, "overdue_every_days": 0},
}


def seed_rules(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    for kind, values in RULES.items():
        ReminderRule.objects.get_or_create(kind=kind, defaults=values)


def remove_rules(apps, schema_editor):
    apps.get_model("notifications", "ReminderRule").objects.filter(kind__in=RULES).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_reminderrule")]

    operations = [migrations.RunPython(seed_rules, remove_rules)]
