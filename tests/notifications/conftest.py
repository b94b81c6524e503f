from importlib import import_module

import pytest

from .robot import LocalRobot


def seed_again() -> None:
    """Every catalogue the migrations seed (key areas, checklists, reminder and escalation
    rules, beat schedules), with the migrations' own functions, which skip existing rows."""
    from django.apps import apps

    import_module("safetyzone.org.migrations.0002_keyarea_catalogue").add_key_areas(apps, None)
    import_module("inspections.migrations.0002_checklist_templates").add_templates(apps, None)
    import_module("safetyzone.notifications.migrations.0003_seed_reminder_rules").seed_rules(
        apps, None
    )
    import_module("safetyzone.notifications.migrations.0004_beat_schedules").create_schedules(
        apps, None
    )
    import_module(
        "safetyzone.notifications.migrations.0008_beat_hand_back_deliveries"
    ).create_schedule(apps, None)
    escalation = import_module("safetyzone.notifications.migrations.0012_escalation_defaults")
    escalation.seed_rules(apps, None)
    escalation.create_schedule(apps, None)


@pytest.fixture(autouse=True)
def seeded_rules_and_schedules(db):
    """A transactional test elsewhere in the session empties the tables (and --reuse-db
    keeps them so), hence seeding them again."""
    seed_again()


@pytest.fixture(scope="module")
def seed_again_after_module(django_db_setup, django_db_blocker):
    """For modules of transactional tests: once their last test has flushed the tables,
    put the seeded catalogues back for the tests that run after them on this process."""
    yield
    with django_db_blocker.unblock():
        seed_again()


@pytest.fixture
def local_robot():
    """A group robot on 127.0.0.1 in this test's process (tests/notifications/robot.py),
    shut down after the test. The outbound rule still refuses it: a test that means it to
    be posted to allows it (allow_local_robot, or local_robot_env for a worker)."""
    robot = LocalRobot().start()
    yield robot
    robot.close()


def allow_local_robot(settings, url: str) -> None:
    """Let the test's own robot (an HTTP server on 127.0.0.1) through the outbound rule:
    its origin and the loopback network are allowed explicitly, for this test only."""
    from safetyzone.notifications.outbound import origin_of

    settings.WEBHOOK_ALLOWED_ORIGINS = [str(origin_of(url))]
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def local_robot_env(url: str) -> dict[str, str]:
    """The same, for a worker started in another process."""
    from safetyzone.notifications.outbound import origin_of

    return {
        "WEBHOOK_ALLOWED_ORIGINS": str(origin_of(url)),
        "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
    }
