import pytest
from django.urls import reverse

from safetyzone.notifications.models import Notification

from .factories import NotificationFactory

LIST = reverse("api:notification-list")


def test_anonymous_gets_401(api_client, db):
    assert api_client.get(LIST).status_code == 401


def test_list_is_own_only(api_client, alice, bob):
    NotificationFactory.create_batch(2, recipient=alice)
    NotificationFactory(recipient=bob)
    api_client.force_authenticate(alice)
    data = api_client.get(LIST).json()
    assert data["count"] == 2


def test_unread_filter(api_client, alice):
    NotificationFactory.create_batch(2, recipient=alice)
    NotificationFactory(recipient=alice, read_at="2026-01-01T00:00:00Z")
    api_client.force_authenticate(alice)
    assert api_client.get(LIST, {"unread": "true"}).json()["count"] == 2
    assert api_client.get(LIST, {"unread": "false"}).json()["count"] == 1


def test_mark_read(api_client, alice):
    notification = NotificationFactory(recipient=alice)
    api_client.force_authenticate(alice)
    response = api_client.post(reverse("api:notification-mark-read", args=[notification.pk]))
    assert response.status_code == 200
    assert response.json()["is_read"] is True


def test_other_users_notification_is_404(api_client, alice, bob):
    notification = NotificationFactory(recipient=alice)
    api_client.force_authenticate(bob)
    assert (
        api_client.get(reverse("api:notification-detail", args=[notification.pk])).status_code
        == 404
    )
    response = api_client.post(reverse("api:notification-mark-read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(api_client, alice, bob):
    NotificationFactory.create_batch(3, recipient=alice)
    NotificationFactory(recipient=bob)
    api_client.force_authenticate(alice)
    response = api_client.post(reverse("api:notification-mark-all-read"))
    assert response.json() == {"marked": 3}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow(api_client, alice, rows, django_assert_num_queries):
    NotificationFactory.create_batch(rows, recipient=alice)
    api_client.force_authenticate(alice)
    with django_assert_num_queries(2):
        assert api_client.get(LIST).status_code == 200
