import pytest


@pytest.fixture(autouse=True)
def seeded_rules_and_schedules(db):
    """The reminder rules and beat schedules that migrations seed. A transactional test
    elsewhere in the session empties the tables (and --reuse-db keeps them so), hence
    seeding them again with the migrations' own functions (which skip existing rows)."""
    from importlib import import_module

    from django.apps import apps

    import_module("safetyzone.notifications.migrations.0003_seed_reminder_rules").seed_rules(
        apps, None
    )
    import_module("safetyzone.notifications.migrations.0004_beat_schedules").create_schedules(
        apps, None
    )
