"""notify(): the one path by which a domain service tells people that work reached them,
at once, through the outbox (in-app, email, robot), with the record's link."""

import pytest
from django.core import mail

from safetyzone.notifications.models import Notification
from safetyzone.notifications.services import notify

pytestmark = pytest.mark.usefixtures("seed_again_after_module")


def _tell(alice, bob, subject, **kwargs):
    return notify(
        recipient_ids=[alice.pk, bob.pk],
        kind=Notification.Kind.TASK_ASSIGNMENT,
        reason=Notification.Reason.ASSIGNED,
        subject=subject,
        subject_label="专项检查",
        message="新任务已下达。",
        subject_url="/campaigns/assignments/7/",
        **kwargs,
    )


def test_each_recipient_but_the_actor_is_told_once(alice, bob, unit_a):
    _tell(alice, bob, unit_a, exclude_id=bob.pk)
    _tell(alice, bob, unit_a, exclude_id=bob.pk)  # the same event again: nothing new
    rows = Notification.objects.all()
    assert [(n.recipient, n.reason, n.subject_url) for n in rows] == [
        (alice, "assigned", "/campaigns/assignments/7/")
    ]


def test_two_events_of_one_reason_in_a_day_are_both_told(alice, bob, unit_a):
    _tell(alice, bob, unit_a, exclude_id=bob.pk, event_key="1")
    _tell(alice, bob, unit_a, exclude_id=bob.pk, event_key="2")
    assert Notification.objects.filter(recipient=alice).count() == 2


def test_email_carries_the_link_to_the_record(
    alice, bob, unit_a, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://aqy.example.gov.cn/"
    alice.email = "alice@example.gov.cn"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        _tell(alice, bob, unit_a, exclude_id=bob.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.gov.cn"]
    assert "https://aqy.example.gov.cn/campaigns/assignments/7/" in mail.outbox[0].body


def test_robot_text_carries_the_link(alice, unit_a, settings):
    from safetyzone.notifications.channels import text_of

    settings.SITE_URL = "https://aqy.example.gov.cn"
    notification = Notification(
        recipient=alice,
        kind="hazard",
        reason="returned",
        subject_label="YH-1",
        subject_url="/inspections/hazards/1/",
        message="整改报告被退回。",
    )
    assert text_of(notification) == (
        "YH-1\n整改报告被退回。\nhttps://aqy.example.gov.cn/inspections/hazards/1/"
    )


def test_a_delivery_whose_notification_was_deleted_is_nothing_to_send(alice, bob, unit_a):
    from safetyzone.notifications.delivery import delivery_attempt
    from safetyzone.notifications.models import Delivery

    alice.email = "alice@example.gov.cn"
    alice.save()
    _tell(alice, bob, unit_a, exclude_id=bob.pk)
    delivery_id = Delivery.objects.get().pk
    Notification.objects.all().delete()
    assert delivery_attempt(delivery_id=delivery_id) is False
