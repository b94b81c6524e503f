"""The leave API (/api/v1/unavailabilities/, /api/v1/leave-requests/): who reads and
asks what, staff's decision (409 the second time), bad days as field errors, the
published shifts a request overlaps, and list queries that do not grow with rows."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duty.models import LeaveRequest, Unavailability
from duty.services.leave import leave_request_create, leave_request_decide
from safetyzone.notifications.models import Notification
from tests.factories import UnitFactory
from tests.helpers import assert_field_error, authenticate, listed_ids

from .factories import leader, leave_asked_on_duty_days, officer

pytestmark = pytest.mark.django_db
API = "/api/v1/"
REQUESTS = f"{API}leave-requests/"
LEAVE = f"{API}unavailabilities/"


@pytest.fixture(autouse=True)
def _may():
    with time_machine.travel("2024-05-20 10:00:00+08:00", tick=False):
        yield


@pytest.fixture
def api(api_client):
    api_client.default_format = "json"
    return api_client


def body(person, first="2024-06-03", last="2024-06-05", **extra):
    return {"person": person.pk, "start_date": first, "end_date": last, "reason": "年休假"} | extra


# --- Reading: the permission matrix ----------------------------------------------------


def test_staff_read_every_request_and_heads_their_units(api, staff, alice, bob, leave_requests_a):
    own, asked = leave_requests_a
    assert listed_ids(authenticate(api, staff).get(REQUESTS)) == {own.pk, asked.pk}
    assert listed_ids(authenticate(api, alice).get(REQUESTS)) == {own.pk, asked.pk}
    assert authenticate(api, alice).get(f"{REQUESTS}{asked.pk}/").status_code == 200
    assert listed_ids(authenticate(api, bob).get(REQUESTS)) == set()
    assert authenticate(api, bob).get(f"{REQUESTS}{own.pk}/").status_code == 404


def test_an_officer_reads_only_their_own_requests(api, officer_a, officer_b, leave_requests_a):
    own, asked = leave_requests_a
    assert listed_ids(authenticate(api, officer_a).get(REQUESTS)) == {own.pk}
    assert authenticate(api, officer_a).get(f"{REQUESTS}{asked.pk}/").status_code == 404
    assert authenticate(api, officer_b).get(f"{REQUESTS}{own.pk}/").status_code == 404


def test_anonymous_reads_nothing(api, leave_requests_a):
    own, _asked = leave_requests_a
    authenticate(api, None)
    assert api.get(REQUESTS).status_code == 401
    assert api.get(f"{REQUESTS}{own.pk}/").status_code == 401
    assert api.get(LEAVE).status_code == 401


def test_a_request_shows_the_published_shifts_it_overlaps(api, staff, officer_a, roster_a):
    # officer_a is on duty on 1 and 3 June on the published roster.
    request = leave_request_create(
        actor=officer_a,
        person=officer_a,
        start_date=date(2024, 6, 2),
        end_date=date(2024, 6, 4),
        reason="病假",
    )
    (clash,) = authenticate(api, staff).get(f"{REQUESTS}{request.pk}/").json()["clashes"]
    assert clash["date"] == "2024-06-03"
    assert clash["roster"] == roster_a.pk
    assert clash["role"] == "officer"
    (listed,) = api.get(REQUESTS).json()["results"]
    assert [c["date"] for c in listed["clashes"]] == ["2024-06-03"]


def test_filters_by_status(api, staff, leave_requests_a):
    own, asked = leave_requests_a
    leave_request_decide(actor=staff, request=own, grant=True)
    authenticate(api, staff)
    assert listed_ids(api.get(REQUESTS, {"status": "pending"})) == {asked.pk}
    assert listed_ids(api.get(REQUESTS, {"status": "granted"})) == {own.pk}


# --- Asking ------------------------------------------------------------------------------


def test_an_officer_asks_for_themself_not_for_a_colleague(api, staff, officer_a, unit_a):
    authenticate(api, officer_a)
    response = api.post(REQUESTS, body(officer_a))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "pending"
    assert created["requested_by"] == officer_a.pk
    assert Notification.objects.get(recipient=staff).subject_url == (
        f"/duty/unavailability/#leave-request-{created['id']}"
    )
    assert_field_error(api.post(REQUESTS, body(officer(unit_a))), "person")
    assert LeaveRequest.objects.count() == 1


def test_a_head_asks_for_their_units_people_only(api, alice, unit_a, unit_b):
    authenticate(api, alice)
    assert api.post(REQUESTS, body(leader(unit_a))).status_code == 201
    assert_field_error(api.post(REQUESTS, body(leader(unit_b))), "person")
    assert LeaveRequest.objects.count() == 1


def test_bad_days_are_400_with_the_field_named(api, officer_a):
    authenticate(api, officer_a)
    assert_field_error(api.post(REQUESTS, body(officer_a, "2024-06-05", "2024-06-03")), "end_date")
    assert_field_error(
        api.post(REQUESTS, body(officer_a, "2024-05-01", "2024-05-02")), "start_date"
    )
    assert_field_error(
        api.post(REQUESTS, body(officer_a, "2024-06-31", "2024-07-01")), "start_date"
    )
    assert not LeaveRequest.objects.exists()


def test_anonymous_cannot_ask(api, officer_a):
    assert authenticate(api, None).post(REQUESTS, body(officer_a)).status_code == 401


# --- Deciding ----------------------------------------------------------------------------


def test_staff_grant_once_and_a_second_decision_is_a_conflict(
    api, staff, officer_a, leave_requests_a
):
    own, _asked = leave_requests_a
    authenticate(api, staff)
    response = api.post(f"{REQUESTS}{own.pk}/decide/", {"grant": True, "note": "同意"})
    assert response.status_code == 200, response.content
    granted = response.json()
    assert granted["status"] == "granted"
    leave = Unavailability.objects.get(pk=granted["leave"])
    assert (leave.person, leave.start_date, leave.end_date) == (
        officer_a,
        date(2024, 6, 2),
        date(2024, 6, 4),
    )
    again = api.post(f"{REQUESTS}{own.pk}/decide/", {"grant": False, "note": "不同意"})
    assert again.status_code == 409
    assert Unavailability.objects.count() == 1
    told = Notification.objects.get(recipient=officer_a, reason=Notification.Reason.LEAVE_DECIDED)
    assert told.subject_url == f"/duty/unavailability/#leave-request-{own.pk}"


def test_a_refusal_says_why_and_stays(api, staff, leave_requests_a):
    own, _asked = leave_requests_a
    authenticate(api, staff)
    assert_field_error(api.post(f"{REQUESTS}{own.pk}/decide/", {"grant": False}), "note")
    response = api.post(f"{REQUESTS}{own.pk}/decide/", {"grant": False, "note": "汛期"})
    assert response.json()["status"] == "refused"
    assert response.json()["decision_note"] == "汛期"
    assert response.json()["leave"] is None
    assert api.get(f"{REQUESTS}{own.pk}/").json()["reason"] == "年休假"


def test_heads_and_officers_cannot_decide(api, alice, bob, officer_a, leave_requests_a):
    own, _asked = leave_requests_a
    url = f"{REQUESTS}{own.pk}/decide/"
    assert authenticate(api, alice).post(url, {"grant": True}).status_code == 403
    assert authenticate(api, officer_a).post(url, {"grant": True}).status_code == 403
    assert authenticate(api, bob).post(url, {"grant": True}).status_code == 404
    assert authenticate(api, None).post(url, {"grant": True}).status_code == 401
    own.refresh_from_db()
    assert own.status == LeaveRequest.Status.PENDING


# --- Recorded leave ----------------------------------------------------------------------


def test_staff_record_leave_others_read_it_in_their_scope(
    api, staff, alice, bob, officer_a, officer_b
):
    authenticate(api, staff)
    leave = {"person": officer_a.pk, "start_date": "2024-06-03", "end_date": "2024-06-05"}
    response = api.post(LEAVE, leave | {"kind": "trip", "note": "赴省厅培训"})
    assert response.status_code == 201, response.content
    leave_id = response.json()["id"]
    assert response.json()["created_by"] == staff.pk
    assert listed_ids(authenticate(api, alice).get(LEAVE)) == {leave_id}
    assert listed_ids(authenticate(api, officer_a).get(LEAVE)) == {leave_id}
    assert authenticate(api, bob).get(f"{LEAVE}{leave_id}/").status_code == 404
    assert authenticate(api, officer_b).get(f"{LEAVE}{leave_id}/").status_code == 404


def test_only_staff_record_leave_directly(api, alice, officer_a):
    assert authenticate(api, alice).post(LEAVE, body(officer_a)).status_code == 403
    assert authenticate(api, officer_a).post(LEAVE, body(officer_a)).status_code == 403
    assert authenticate(api, None).post(LEAVE, body(officer_a)).status_code == 401
    assert not Unavailability.objects.exists()


def test_recorded_leave_with_bad_days_is_a_field_error(api, staff, officer_a):
    response = authenticate(api, staff).post(LEAVE, body(officer_a, "2024-06-05", "2024-06-03"))
    assert_field_error(response, "end_date")
    assert not Unavailability.objects.exists()


# --- Query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [REQUESTS, LEAVE])
def test_list_queries_are_the_same_for_5_and_50_rows(api, staff, roles, url):
    unit = UnitFactory()
    leave_asked_on_duty_days(staff, unit, 5)
    authenticate(api, staff)
    page = f"{url}?page_size=100"
    api.get(page)  # warm-up: roles and permissions are cached after it
    with CaptureQueriesContext(connection) as five:
        assert len(api.get(page).json()["results"]) == 5
    leave_asked_on_duty_days(staff, unit, 45, 5)
    api.get(page)  # warm again: making duty people changed group memberships
    with CaptureQueriesContext(connection) as fifty:
        results = api.get(page).json()["results"]
    assert len(results) == 50
    if url == REQUESTS:  # each shows its clash, read with the page
        assert all(len(row["clashes"]) == 1 for row in results)
    assert len(five) == len(fifty), [q["sql"] for q in fifty.captured_queries]
