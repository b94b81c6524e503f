"""Email and group-robot deliveries: sent once, retried with backoff, failures kept for
the admin, the robot tested against a local HTTP server."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from safetyzone.celery import app as celery_app
from safetyzone.notifications.models import (
    ChannelPreference,
    Delivery,
    DeliveryAttempt,
    Notification,
    UnitWebhook,
)
from safetyzone.notifications.services import Draft, notifications_create

from .conftest import allow_local_robot

pytestmark = pytest.mark.usefixtures("seed_again_after_module")

ROBOT_PATH = "/cgi-bin/webhook/send?key=abc"  # a WeCom robot's path


@pytest.fixture
def robot(local_robot, settings):
    """The local robot (conftest), allowed through the outbound rule."""
    allow_local_robot(settings, local_robot.url(ROBOT_PATH))
    return local_robot


@pytest.fixture(autouse=True)
def _eager_retries():
    """Eager tasks retry in-process (without waiting) only when errors do not
    propagate: the worker's behaviour, without the worker."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def draft(user, **kwargs):
    values = {
        "recipient_id": user.pk,
        "kind": Notification.Kind.HAZARD,
        "reason": Notification.Reason.OVERDUE,
        "subject_key": "inspections.hazard:1",
        "subject_label": "YH-1",
        "due_date": date(2026, 3, 1),
        "message": "隐患 YH-1 已逾期。",
    }
    return Draft(**(values | kwargs))


@pytest.mark.django_db(transaction=True)
def test_email_and_robot_deliveries_are_sent_once(alice, robot, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alice.email = "alice@example.org"
    alice.save()
    UnitWebhook.objects.create(unit=alice.unit, url=robot.url(ROBOT_PATH))
    notifications_create(drafts=[draft(alice)])
    notifications_create(drafts=[draft(alice)])  # a sweep run twice
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    assert len(robot.answered) == 1
    assert robot.answered[0].body["msgtype"] == "text"
    assert "YH-1" in robot.answered[0].body["text"]["content"]
    assert set(Delivery.objects.values_list("channel", "status")) == {
        ("email", "sent"),
        ("webhook", "sent"),
    }


@pytest.mark.django_db(transaction=True)
def test_a_units_group_robot_hears_a_reminder_once_for_all_its_people(alice, robot):
    from tests.factories import UserFactory

    deputy = UserFactory(unit=alice.unit)
    UnitWebhook.objects.create(unit=alice.unit, url=robot.url(ROBOT_PATH))
    notifications_create(drafts=[draft(alice), draft(deputy)])
    assert Notification.objects.count() == 2  # each person has it in the app
    assert len(robot.answered) == 1  # the group hears it once
    assert Delivery.objects.filter(channel="webhook").count() == 1


@pytest.mark.django_db(transaction=True)
def test_signed_robot_gets_dingtalk_signature(alice, robot):
    UnitWebhook.objects.create(unit=alice.unit, url=robot.url(ROBOT_PATH), secret="SEC123")
    notifications_create(drafts=[draft(alice)])
    assert "timestamp=" in robot.answered[0].path
    assert "sign=" in robot.answered[0].path


@pytest.mark.django_db(transaction=True)
def test_preference_turns_a_channel_off(alice, robot, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alice.email = "alice@example.org"
    alice.save()
    UnitWebhook.objects.create(unit=alice.unit, url=robot.url(ROBOT_PATH))
    ChannelPreference.objects.create(user=alice, kind="hazard", email=False, webhook=True)
    notifications_create(drafts=[draft(alice)])
    assert mail.outbox == []
    assert len(robot.answered) == 1
    assert Notification.objects.count() == 1  # in-app is always on


@pytest.mark.django_db(transaction=True)
def test_robot_failure_is_retried_then_succeeds(alice, robot):
    robot.fail_first = 2
    UnitWebhook.objects.create(unit=alice.unit, url=robot.url(ROBOT_PATH))
    notifications_create(drafts=[draft(alice)])
    delivery = Delivery.objects.get()
    assert delivery.status == "sent"
    assert delivery.attempts == 3
    assert len(robot.answered) == 1
    assert list(DeliveryAttempt.objects.order_by("pk").values_list("succeeded", flat=True)) == [
        False,
        False,
        True,
    ]


@pytest.mark.django_db(transaction=True)
def test_final_failure_is_kept_and_admin_can_retry(alice, admin_user, client, robot):
    robot.fail_first = 100
    UnitWebhook.objects.create(unit=alice.unit, url=robot.url(ROBOT_PATH))
    notifications_create(drafts=[draft(alice)])
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempts == 6
    assert "500" in delivery.error
    client.force_login(admin_user)
    page = client.get(reverse("admin:notifications_delivery_changelist"), {"status": "failed"})
    assert "500" in page.content.decode()
    robot.fail_first = 0
    client.post(
        reverse("admin:notifications_delivery_changelist"),
        {"action": "retry", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(robot.answered) == 1


def test_webhook_url_not_http_is_refused_in_admin(client, admin_user, unit_a):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:notifications_unitwebhook_add"),
        {"unit": unit_a.pk, "url": "ftp://robot.example.org/send", "secret": "", "is_active": "on"},
    )
    assert response.status_code == 200
    # The message, in the page's language (Chinese by default).
    assert "http:// 或 https://" in response.content.decode()
    assert not UnitWebhook.objects.exists()
