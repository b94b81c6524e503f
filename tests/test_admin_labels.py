"""Status labels in the admin say what the status is: a delivery waiting to be sent is
not "awaiting approval" (待审批), the label the same English word has on requests."""

from django.urls import reverse
from django.utils import translation

from safetyzone.notifications.models import Delivery


def test_pending_delivery_is_not_awaiting_approval():
    with translation.override("zh-hans"):
        approval = translation.gettext("Waiting for approval")
        assert approval == "待审批"
        assert str(Delivery.Status.PENDING.label) != approval


def test_delivery_changelist_filter_does_not_say_awaiting_approval(client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        body = client.get(reverse("admin:notifications_delivery_changelist")).content.decode()
    assert "发送中" in body  # the filter's statuses are listed, in Chinese
    assert "待审批" not in body
