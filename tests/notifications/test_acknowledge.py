"""Acknowledging (签收) a reminder, on the page and by the API: only one's own
notification (another's is a 404, even for someone of the same chain), idempotent, and
the list shows what needs acknowledgement and who was told at each level, in a fixed
number of queries."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from safetyzone.notifications.escalation import escalations_advance
from safetyzone.notifications.models import Escalation, EscalationRule, Notification
from safetyzone.notifications.registry import Draft
from safetyzone.notifications.services import notifications_create

from .factories import NotificationFactory
from .test_escalation import overdue_major_hazard, remind_overdue

LIST = reverse("api:notification-list")


def acknowledge_url(notification: Notification) -> str:
    return reverse("api:notification-acknowledge", args=[notification.pk])


def remind(*users, key: str = "duty.incidentreport:1:phone") -> Escalation:
    """A reminder to ``users`` that must be acknowledged (an incident's time limit)."""
    notifications_create(
        drafts=[
            Draft(
                recipient_id=user.pk,
                kind="incident_report",
                reason="report_limit",
                subject_key=key,
                subject_label="某仓库",
                subject_url="/duty/",
                due_date=timezone.localdate(),
                message="电话报告时限将到",
                escalation=EscalationRule.Subject.INCIDENT_REPORT_LIMIT,
            )
            for user in users
        ]
    )
    return Escalation.objects.get(subject_key=key)


def test_anonymous_gets_401_and_the_page_sends_to_login(api_client, client, alice):
    remind(alice)
    note = Notification.objects.get()
    assert api_client.post(acknowledge_url(note)).status_code == 401
    response = client.post(reverse("notifications:acknowledge", args=[note.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert Escalation.objects.get().status == Escalation.Status.OPEN


def test_acknowledge_by_api_stops_the_chain_and_says_who(api_client, alice):
    chain = remind(alice)
    note = Notification.objects.get()
    api_client.force_authenticate(alice)
    before = api_client.get(reverse("api:notification-detail", args=[note.pk])).json()
    assert before["needs_acknowledgement"] is True
    assert before["escalation"]["status"] == "open"

    response = api_client.post(acknowledge_url(note))
    assert response.status_code == 200
    data = response.json()
    assert data["needs_acknowledgement"] is False
    assert data["is_read"] is True
    assert data["escalation"]["status"] == "acknowledged"
    assert data["escalation"]["acknowledged_by"] == str(alice)
    assert data["escalation"]["steps"][0]["people"] == [str(alice)]
    chain.refresh_from_db()
    assert (chain.status, chain.next_at) == (Escalation.Status.ACKNOWLEDGED, None)


def test_acknowledging_again_is_fine_and_keeps_the_first(api_client, alice, officer_a):
    remind(alice, officer_a)
    api_client.force_authenticate(alice)
    first = api_client.post(acknowledge_url(Notification.objects.get(recipient=alice))).json()
    assert (
        api_client.post(acknowledge_url(Notification.objects.get(recipient=alice))).json()[
            "escalation"
        ]
        == first["escalation"]
    )
    api_client.force_authenticate(officer_a)
    response = api_client.post(acknowledge_url(Notification.objects.get(recipient=officer_a)))
    assert response.status_code == 200
    assert response.json()["escalation"]["acknowledged_by"] == str(alice)


def test_a_notification_that_needs_no_acknowledgement_is_409(api_client, alice):
    note = NotificationFactory(recipient=alice)
    api_client.force_authenticate(alice)
    response = api_client.post(acknowledge_url(note))
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "no_acknowledgement"


def test_another_units_head_cannot_acknowledge_it(api_client, client, alice, bob):
    remind(alice)
    note = Notification.objects.get()
    api_client.force_authenticate(bob)
    assert api_client.post(acknowledge_url(note)).status_code == 404
    client.force_login(bob)
    assert client.post(reverse("notifications:acknowledge", args=[note.pk])).status_code == 404
    assert Escalation.objects.get().status == Escalation.Status.OPEN


def test_one_told_in_the_chain_cannot_acknowledge_anothers_notification(
    api_client, alice, officer_a
):
    """officer_a received the reminder too, but alice's notification is alice's: 404. They
    acknowledge through their own."""
    remind(alice, officer_a)
    api_client.force_authenticate(officer_a)
    response = api_client.post(acknowledge_url(Notification.objects.get(recipient=alice)))
    assert response.status_code == 404
    assert Escalation.objects.get().status == Escalation.Status.OPEN


def test_page_offers_acknowledge_and_shows_who_was_told(client, alice):
    remind(alice)
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("notifications:list")).content.decode()
    assert "data-needs-acknowledgement" in page
    assert "Needs acknowledgement" in page
    assert reverse("notifications:acknowledge", args=[Notification.objects.get().pk]) in page
    assert 'data-step="0"' in page

    response = client.post(
        reverse("notifications:acknowledge", args=[Notification.objects.get().pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-needs-acknowledgement" not in page
    assert 'data-escalation="acknowledged"' in page
    assert f"Acknowledged by {alice}" in page


def test_page_of_a_notification_without_chain_shows_no_acknowledge(client, alice):
    NotificationFactory(recipient=alice)
    client.force_login(alice)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "data-escalation" not in page
    assert "data-acknowledge" not in page


def chains(user, n: int) -> None:
    """``n`` reminders to ``user``, each with its chain."""
    for i in range(n):
        remind(user, key=f"test.escalated:{i}")


@pytest.mark.parametrize("rows", [5, 50])
def test_api_list_with_chains_query_count_does_not_grow(
    api_client, alice, rows, django_assert_num_queries
):
    chains(alice, rows)
    api_client.force_authenticate(alice)
    # The page and count, the chains' steps, the chains' notifications with their people.
    with django_assert_num_queries(4):
        response = api_client.get(LIST)
    assert response.status_code == 200
    assert all(n["needs_acknowledgement"] for n in response.json()["results"])


@pytest.mark.parametrize("rows", [5, 50])
def test_page_with_chains_query_count_does_not_grow(client, alice, rows, django_assert_num_queries):
    chains(alice, rows)
    client.force_login(alice)
    # The base layout's (session, user, roles, unit, warnings), the page and its count,
    # the chains' steps, the chains' notifications with their people.
    with django_assert_num_queries(11):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_a_step_shows_on_the_list_of_the_one_it_reached(
    api_client, alice, staff, time_machine, unit_a
):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    remind_overdue([overdue_major_hazard(unit_a, timezone.localdate())], alice)
    time_machine.move_to(start + dt.timedelta(hours=2), tick=False)
    escalations_advance()
    api_client.force_authenticate(staff)
    [note] = api_client.get(LIST).json()["results"]
    assert note["reason"] == "escalated"
    assert note["needs_acknowledgement"] is True
    steps = note["escalation"]["steps"]
    assert [(s["level"], s["target"], s["skipped"]) for s in steps] == [
        (0, "", False),
        (1, "unit_head", True),
        (2, "committee_staff", False),
    ]
    assert steps[0]["people"] == [str(alice)] and steps[2]["people"] == [str(staff)]


def test_api_lists_what_needs_acknowledgement(api_client, alice):
    remind(alice, key="duty.incidentreport:1:phone")
    remind(alice, key="duty.incidentreport:2:phone")
    NotificationFactory(recipient=alice)
    api_client.force_authenticate(alice)
    api_client.post(acknowledge_url(Notification.objects.filter(escalation__isnull=False)[0]))
    waiting = api_client.get(LIST, {"needs_acknowledgement": "true"}).json()
    assert waiting["count"] == 1
    assert api_client.get(LIST, {"needs_acknowledgement": "false"}).json()["count"] == 2
