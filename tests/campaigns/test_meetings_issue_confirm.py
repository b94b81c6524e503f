"""Issuing a notice takes a document number for good: the page shows the notice as it
will be numbered and asks for confirmation, and a meeting already past is issued only
with an explicit override whose reason the meeting's history keeps; the API likewise."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import DocumentNumber, Meeting
from tests.helpers import assert_field_error, authenticate

from ..factories import draft_meeting

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def future(staff, unit_a, unit_b):
    return draft_meeting(organiser=staff.unit, units=[unit_a, unit_b], title="端午节安全部署会")


@pytest.fixture
def past(staff, unit_a):
    return draft_meeting(
        organiser=staff.unit,
        units=[unit_a],
        title="已开过的会议",
        starts_at=timezone.now() - dt.timedelta(days=2),
    )


def issue_url(meeting) -> str:
    return reverse("campaigns:meeting-issue", args=[meeting.pk])


def test_the_confirm_page_previews_the_notice_as_numbered_and_takes_nothing(
    client, staff, future, unit_a, unit_b
):
    client.force_login(staff)
    body = client.get(issue_url(future)).content.decode()
    year = timezone.localdate().year
    assert f"高新安委办〔{year}〕1号" in body
    assert "端午节安全部署会" in body
    assert timezone.localtime(future.starts_at).strftime("%Y-%m-%d %H:%M") in body
    assert unit_a.name in body and unit_b.name in body
    assert 'data-testid="past-warning"' not in body
    future.refresh_from_db()
    assert future.status == Meeting.Status.DRAFT
    assert not DocumentNumber.objects.exists()


def test_the_meeting_page_links_to_the_confirmation_instead_of_issuing(client, staff, future):
    client.force_login(staff)
    body = client.get(future.get_absolute_url()).content.decode()
    assert f'href="{issue_url(future)}"' in body
    assert f'action="{issue_url(future)}"' not in body


def test_confirming_issues_with_the_previewed_number(client, staff, future):
    client.force_login(staff)
    preview = client.get(issue_url(future)).context["next_number"]
    response = client.post(issue_url(future))
    assert response.status_code == 302, response.context["form"].errors
    future.refresh_from_db()
    assert future.status == Meeting.Status.ISSUED
    assert future.document_number.text == preview


def test_a_past_meeting_is_refused_without_the_override(client, staff, past):
    client.force_login(staff)
    page = client.get(issue_url(past)).content.decode()
    assert 'data-testid="past-warning"' in page
    assert "Issue although the meeting is past" in page

    response = client.post(issue_url(past))
    assert response.status_code == 200
    assert "before this notice would be issued" in response.content.decode()
    response = client.post(issue_url(past), {"override_past": "on", "past_reason": " "})
    assert "Give the reason" in response.content.decode()
    past.refresh_from_db()
    assert past.status == Meeting.Status.DRAFT
    assert not DocumentNumber.objects.exists()


def test_a_past_meeting_is_issued_with_the_override_and_its_reason_kept(client, staff, past):
    client.force_login(staff)
    response = client.post(
        issue_url(past), {"override_past": "on", "past_reason": "会后补发通知，供存档"}
    )
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.status == Meeting.Status.ISSUED
    last = past.history.order_by("-history_date", "-history_id").first()
    assert last.status == Meeting.Status.ISSUED
    assert last.history_change_reason == "会后补发通知，供存档"
    assert last.history_user == staff
    body = client.get(past.get_absolute_url()).content.decode()
    assert "Issued after the meeting: 会后补发通知，供存档" in body


def test_issue_page_permissions(client, alice, bob, future, staff):
    url = issue_url(future)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert "login" in client.get(url)["Location"]
    client.force_login(alice)  # a head of an attending unit may not issue
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    future.refresh_from_db()
    assert future.status == Meeting.Status.DRAFT


# --- API --------------------------------------------------------------------------------


def api_issue(api_client, user, meeting, data=None):
    return authenticate(api_client, user).post(
        f"/api/v1/meetings/{meeting.pk}/issue/", data or {}, format="json"
    )


def test_api_refuses_a_past_meeting_without_the_override(api_client, staff, past):
    response = api_issue(api_client, staff, past)
    assert_field_error(response, "starts_at", "past")
    response = api_issue(api_client, staff, past, {"override_past": True})
    assert_field_error(response, "past_reason", "required")
    past.refresh_from_db()
    assert past.status == Meeting.Status.DRAFT
    assert not DocumentNumber.objects.exists()


def test_api_issues_a_past_meeting_with_the_override(api_client, staff, past):
    response = api_issue(
        api_client, staff, past, {"override_past": True, "past_reason": "会后补发通知"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "issued"
    past.refresh_from_db()
    assert past.history.filter(history_change_reason="会后补发通知").exists()


def test_api_issues_a_meeting_to_come_without_anything(api_client, staff, future):
    response = api_issue(api_client, staff, future)
    assert response.status_code == 200, response.content
