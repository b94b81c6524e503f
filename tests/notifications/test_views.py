"""The bell, the list and marking read: each person sees and changes only their own."""

import pytest
from django.urls import reverse

from safetyzone.notifications.models import ChannelPreference, Notification, UnitWebhook

from .factories import NotificationFactory


def test_bell_shows_unread_count_of_own_notifications(client, alice, bob):
    NotificationFactory.create_batch(3, recipient=alice)
    NotificationFactory(recipient=alice, read_at="2026-01-01T00:00:00Z")
    NotificationFactory.create_batch(2, recipient=bob)
    client.force_login(alice)
    response = client.get(reverse("notifications:bell"))
    assert response.status_code == 200
    assert b'data-testid="unread-count">3<' in response.content


def test_base_layout_carries_the_bell(client, alice):
    client.force_login(alice)
    response = client.get(reverse("notifications:list"))
    assert b'data-testid="notification-bell"' in response.content


def test_anonymous_is_sent_to_login(client, db):
    for url in (reverse("notifications:list"), reverse("notifications:bell")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_list_shows_only_own_notifications(client, alice, bob):
    NotificationFactory(recipient=alice, subject_label="Alice's hazard")
    NotificationFactory(recipient=bob, subject_label="Bob's hazard")
    client.force_login(alice)
    response = client.get(reverse("notifications:list"))
    assert "Alice&#x27;s hazard" in response.content.decode()
    assert "Bob" not in response.content.decode()


def test_mark_read_of_own_notification(client, alice):
    notification = NotificationFactory(recipient=alice)
    client.force_login(alice)
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_and_open_goes_to_the_subject(client, alice):
    notification = NotificationFactory(recipient=alice, subject_url="/inspections/")
    client.force_login(alice)
    response = client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"})
    assert response["Location"] == "/inspections/"


def test_head_cannot_mark_read_other_users_notification(client, alice, bob):
    notification = NotificationFactory(recipient=alice)
    client.force_login(bob)
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_touches_only_own(client, alice, bob):
    NotificationFactory.create_batch(3, recipient=alice)
    NotificationFactory(recipient=bob)
    client.force_login(alice)
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 1


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow(client, alice, rows, django_assert_num_queries):
    NotificationFactory.create_batch(rows, recipient=alice)
    client.force_login(alice)
    client.get(reverse("notifications:list"))  # warm: banner, roles and permissions cached
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200


def test_preferences_page_saves_own_channels(client, alice, bob):
    client.force_login(alice)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    client.post(reverse("notifications:preferences"), {"hazard-webhook": "on"})
    hazard = ChannelPreference.objects.get(user=alice, kind="hazard")
    assert (hazard.email, hazard.webhook) == (False, True)
    assert not ChannelPreference.objects.filter(user=bob).exists()


def test_preferences_page_needs_login(client, db):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302


def test_head_sets_own_units_robot(client, alice, bob):
    client.force_login(alice)
    assert client.get(reverse("notifications:robot")).status_code == 200
    response = client.post(
        reverse("notifications:robot"),
        {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "is_active": "on"},
    )
    assert response.status_code == 302
    assert UnitWebhook.objects.get().unit == alice.unit


def test_robot_secret_never_shown_kept_when_blank_removed_on_request(client, alice):
    url = "https://oapi.dingtalk.com/robot/send?access_token=t"
    UnitWebhook.objects.create(unit=alice.unit, url=url, secret="SEC-very-secret")
    client.force_login(alice)
    assert "SEC-very-secret" not in client.get(reverse("notifications:robot")).content.decode()

    client.post(reverse("notifications:robot"), {"url": url, "is_active": "on", "secret": ""})
    assert UnitWebhook.objects.get().secret == "SEC-very-secret"  # blank keeps it

    client.post(reverse("notifications:robot"), {"url": url, "is_active": "on", "secret": "new"})
    assert UnitWebhook.objects.get().secret == "new"

    client.post(
        reverse("notifications:robot"), {"url": url, "is_active": "on", "clear_secret": "on"}
    )
    assert UnitWebhook.objects.get().secret == ""


def test_robot_url_not_http_is_refused_and_nothing_saved(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("notifications:robot"), {"url": "javascript:alert(1)", "is_active": "on"}
    )
    assert response.status_code == 200
    # The message, in the page's language (Chinese by default).
    assert "http:// 或 https://" in response.content.decode()
    assert not UnitWebhook.objects.exists()


def test_robot_page_refuses_inspector_and_anonymous(client, unit_a, roles):
    from safetyzone.org.roles import Role
    from tests.factories import UserFactory

    inspector = UserFactory(unit=unit_a, roles=[Role.INSPECTOR])
    assert client.get(reverse("notifications:robot")).status_code == 302
    client.force_login(inspector)
    assert client.get(reverse("notifications:robot")).status_code == 403


def test_the_group_robot_link_shows_only_to_who_may_set_it(client, alice, roles, unit_a):
    from safetyzone.org.roles import Role
    from tests.factories import UserFactory

    robot_url = reverse("notifications:robot")
    client.force_login(alice)
    assert robot_url in client.get(reverse("notifications:list")).content.decode()
    client.force_login(UserFactory(unit=unit_a, roles=[Role.INSPECTOR]))
    assert robot_url not in client.get(reverse("notifications:list")).content.decode()
