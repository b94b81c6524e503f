"""Document numbers under concurrent issuing, for real: threads with their own
PostgreSQL connections issue at the same moment. Numbers come out distinct and
consecutive, with no gap, and a notice is issued only once.

SQLite serialises every writer, so it would prove nothing here: these tests need
PostgreSQL (skipped without it, failed under REQUIRE_SERVICES=1).
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import DocumentNumber, DocumentNumberSequence, Meeting
from campaigns.services import meetings as services
from safetyzone.core.states import TransitionNotAllowed
from safetyzone.org.models import User
from tests.factories import draft_meeting
from tests.helpers import api_token, in_threads

N = 8

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres_only"),
]


@pytest.fixture
def meetings(staff, unit_a):
    return [draft_meeting(organiser=staff.unit, units=[unit_a]) for _ in range(N)]


def sequences() -> list[int]:
    return sorted(DocumentNumber.objects.values_list("sequence", flat=True))


def test_concurrent_issues_take_distinct_consecutive_numbers(staff, meetings):
    def issue(i: int) -> int:
        actor = User.objects.get(pk=staff.pk)
        meeting = Meeting.objects.get(pk=meetings[i].pk)
        return services.meeting_issue(meeting=meeting, actor=actor).document_number.sequence

    results, errors = in_threads(N, issue)

    assert errors == []
    assert sorted(results) == list(range(1, N + 1))
    assert sequences() == list(range(1, N + 1))
    assert DocumentNumberSequence.objects.get().last_value == N
    assert Meeting.objects.filter(status="issued").count() == N


def test_concurrent_issues_of_one_meeting_give_it_one_number(staff, meetings):
    meeting = meetings[0]

    def issue(_i: int) -> int:
        actor = User.objects.get(pk=staff.pk)
        return services.meeting_issue(
            meeting=Meeting.objects.get(pk=meeting.pk), actor=actor
        ).document_number.sequence

    results, errors = in_threads(N, issue)

    assert [r for r in results if r is not None] == [1]
    assert len(errors) == N - 1
    assert all(isinstance(e, TransitionNotAllowed) for e in errors), errors
    assert sequences() == [1]


def test_parallel_requests_to_the_issue_page_number_without_gaps(staff, meetings):
    clients = []
    for _ in range(N):
        client = Client()
        client.force_login(staff)
        clients.append(client)

    def post(i: int) -> int:
        url = reverse("campaigns:meeting-issue", args=[meetings[i].pk])
        return clients[i].post(url).status_code

    statuses, errors = in_threads(N, post)

    assert errors == []
    assert statuses == [302] * N
    assert sequences() == list(range(1, N + 1))
    numbers = set(
        Meeting.objects.filter(pk__in=[m.pk for m in meetings]).values_list(
            "document_number__sequence", flat=True
        )
    )
    assert numbers == set(range(1, N + 1))


def test_parallel_api_requests_issue_one_meeting_once(staff, meetings):
    token = api_token(staff)
    url = f"/api/v1/meetings/{meetings[0].pk}/issue/"

    def post(_i: int) -> tuple[int, str | None]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post(url)
        return response.status_code, response.json().get("document_number")

    results, errors = in_threads(N, post)

    assert errors == []
    issued = [number for status, number in results if status == 200]
    assert len(issued) == 1
    assert issued[0].endswith("〕1号")
    # The others find the notice already issued: a refused step, 409 (was 400).
    assert sorted(status for status, _n in results) == [200] + [409] * (N - 1)
    assert sequences() == [1]
