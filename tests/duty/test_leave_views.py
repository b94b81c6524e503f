"""The leave page: who sees which requests and forms, asking, staff's grant and refusal,
the published shifts a request overlaps, and queries that do not grow with rows."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from duty.models import LeaveRequest, Unavailability
from safetyzone.notifications.models import Notification
from safetyzone.org.roles import Role
from tests.factories import UserFactory
from tests.helpers import count_queries

from .factories import leader, leave_asked_on_duty_days

pytestmark = pytest.mark.django_db
PAGE = "/duty/unavailability/"
ASK = "/duty/unavailability/ask/"


@pytest.fixture(autouse=True)
def _may():
    with time_machine.travel("2024-05-20 10:00:00+08:00", tick=False):
        yield


def rows(response) -> dict[int, str]:
    """The requests on the page: {id: status}."""
    assert response.status_code == 200
    return {r.pk: r.status for r in response.context["page"]}


def decide_url(request) -> str:
    return reverse("duty:leave-request-decide", args=[request.pk])


# --- Who sees what -----------------------------------------------------------------------


def test_staff_see_every_request_with_grant_and_refuse(client, staff, leave_requests_a, roster_a):
    own, asked = leave_requests_a
    client.force_login(staff)
    response = client.get(PAGE)
    assert rows(response) == {own.pk: "pending", asked.pk: "pending"}
    page = response.content.decode()
    assert page.count('data-testid="leave-decide"') == 2
    assert response.context["ask_form"] is None  # staff record leave themselves
    assert response.context["form"] is not None
    # officer_a is on duty on 3 June on the published roster: staff decide knowing it.
    (clash,) = next(r for r in response.context["page"] if r.pk == own.pk).clashes
    assert clash.shift.date == date(2024, 6, 3)
    assert page.count('data-testid="leave-clash"') == 1
    assert clash.shift.get_absolute_url() in page


def test_a_head_sees_their_units_requests_and_asks_but_does_not_decide(
    client, alice, leave_requests_a
):
    own, asked = leave_requests_a
    client.force_login(alice)
    response = client.get(PAGE)
    assert rows(response) == {own.pk: "pending", asked.pk: "pending"}
    assert 'data-testid="leave-decide"' not in response.content.decode()
    assert "person" in response.context["ask_form"].fields
    assert response.context["form"] is None


def test_a_head_of_another_unit_sees_none_of_them(client, bob, leave_requests_a):
    client.force_login(bob)
    assert rows(client.get(PAGE)) == {}


def test_an_officer_sees_their_own_and_asks_for_themself(client, officer_a, leave_requests_a):
    own, _asked = leave_requests_a
    client.force_login(officer_a)
    response = client.get(PAGE)
    assert rows(response) == {own.pk: "pending"}
    assert "person" not in response.context["ask_form"].fields


def test_anonymous_is_sent_to_log_in_and_an_inspector_is_refused(client, roles, unit_a):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(UserFactory(unit=unit_a, roles=[Role.INSPECTOR]))
    assert client.get(PAGE).status_code == 403


# --- Asking ------------------------------------------------------------------------------


def test_an_officer_asks_and_staff_are_told(client, staff, officer_a):
    client.force_login(officer_a)
    response = client.post(
        ASK,
        {"kind": "leave", "start_date": "2024-06-03", "end_date": "2024-06-04", "reason": "病假"},
    )
    assert response.status_code == 302
    request = LeaveRequest.objects.get()
    assert (request.person, request.requested_by) == (officer_a, officer_a)
    note = Notification.objects.get(recipient=staff, reason=Notification.Reason.LEAVE_REQUESTED)
    assert note.subject_url == f"{PAGE}#leave-request-{request.pk}"


def test_bad_days_stay_on_the_form_beside_the_field(client, officer_a):
    client.force_login(officer_a)
    response = client.post(
        ASK,
        {"kind": "leave", "start_date": "2024-06-05", "end_date": "2024-06-03", "reason": "病假"},
    )
    assert response.status_code == 200
    assert "end_date" in response.context["ask_form"].errors
    assert not LeaveRequest.objects.exists()


def test_a_head_cannot_ask_for_another_units_people(client, alice, unit_b):
    client.force_login(alice)
    response = client.post(
        ASK,
        {
            "person": leader(unit_b).pk,
            "kind": "leave",
            "start_date": "2024-06-03",
            "end_date": "2024-06-04",
            "reason": "病假",
        },
    )
    assert response.status_code == 200
    assert "person" in response.context["ask_form"].errors
    assert not LeaveRequest.objects.exists()


def test_a_head_cannot_record_leave_directly(client, alice, officer_a):
    client.force_login(alice)
    response = client.post(
        PAGE,
        {
            "person": officer_a.pk,
            "kind": "leave",
            "start_date": "2024-06-03",
            "end_date": "2024-06-03",
        },
    )
    assert response.status_code == 403
    assert not Unavailability.objects.exists()


# --- Deciding ----------------------------------------------------------------------------


def test_staff_grant_and_the_leave_is_recorded(client, staff, officer_a, leave_requests_a):
    own, _asked = leave_requests_a
    client.force_login(staff)
    response = client.post(decide_url(own), {"decision": "grant", "note": ""})
    assert response.status_code == 302
    assert response.url == f"{PAGE}#leave-request-{own.pk}"
    own.refresh_from_db()
    assert own.status == LeaveRequest.Status.GRANTED
    assert own.leave.person == officer_a
    told = Notification.objects.get(recipient=officer_a, reason=Notification.Reason.LEAVE_DECIDED)
    assert told.subject_url == f"{PAGE}#leave-request-{own.pk}"
    # Decided: no more buttons, and a second decision changes nothing.
    listed = {r.pk: r for r in client.get(PAGE).context["page"]}
    assert not listed[own.pk].decidable
    client.post(decide_url(own), {"decision": "refuse", "note": "不"})
    own.refresh_from_db()
    assert own.status == LeaveRequest.Status.GRANTED


def test_a_refusal_needs_a_reason_and_stays_on_the_page(client, staff, leave_requests_a):
    own, _asked = leave_requests_a
    client.force_login(staff)
    client.post(decide_url(own), {"decision": "refuse", "note": ""})
    own.refresh_from_db()
    assert own.status == LeaveRequest.Status.PENDING
    client.post(decide_url(own), {"decision": "refuse", "note": "汛期值班紧张"})
    own.refresh_from_db()
    assert (own.status, own.decision_note) == (LeaveRequest.Status.REFUSED, "汛期值班紧张")
    assert not Unavailability.objects.exists()
    # Pending first: the one still waiting heads the list.
    listed = list(client.get(PAGE).context["page"])
    assert [r.status for r in listed] == ["pending", "refused"]


def test_heads_and_officers_cannot_decide(client, alice, bob, officer_a, leave_requests_a):
    own, _asked = leave_requests_a
    for user in (alice, bob, officer_a):
        client.force_login(user)
        assert client.post(decide_url(own), {"decision": "grant"}).status_code == 403
    client.logout()
    response = client.post(decide_url(own), {"decision": "grant"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    own.refresh_from_db()
    assert own.status == LeaveRequest.Status.PENDING


# --- Query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "head"])
def test_page_queries_are_the_same_for_5_and_50_rows(client, staff, alice, unit_a, who):
    user = {"staff": staff, "head": alice}[who]
    leave_asked_on_duty_days(staff, unit_a, 5, grant_every=2)
    client.force_login(user)
    five = count_queries(client, PAGE)
    leave_asked_on_duty_days(staff, unit_a, 45, 5, grant_every=2)
    fifty = count_queries(client, PAGE)
    assert five == fifty
    assert len(client.get(PAGE).context["page"]) == 20  # a full page of requests
