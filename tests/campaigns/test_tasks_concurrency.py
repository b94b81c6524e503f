"""Assignment steps under concurrency, for real: threads with their own PostgreSQL
connections act on one assignment at the same moment. The row lock of each step lets one
through; the others see the new state and are refused, so nothing is done twice.

SQLite serialises every writer, so these tests need PostgreSQL (skipped without it,
failed under REQUIRE_SERVICES=1)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import AssignmentEvent, ExtensionRequest, TaskAssignment
from campaigns.services.assignments import assignment_sign
from campaigns.services.extensions import extension_decide, extension_request
from safetyzone.org.models import User
from tests.factories import ExtensionRequestFactory, head_of, task_for_units
from tests.helpers import in_threads

N = 6

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres_only"),
]


@pytest.fixture
def assignment(unit_a):
    return task_for_units(lead=unit_a).assignments.get()


@pytest.fixture
def heads(unit_a, roles):
    return [head_of(unit_a) for _ in range(N)]


def test_one_of_many_heads_signs_for_the_assignment(assignment, heads):
    def sign(i: int) -> int:
        actor = User.objects.get(pk=heads[i].pk)
        fresh = TaskAssignment.objects.get(pk=assignment.pk)
        return assignment_sign(assignment=fresh, actor=actor).signed_by_id

    results, errors = in_threads(N, sign)

    assert len(errors) == N - 1
    assert all(isinstance(e, ValidationError) for e in errors)
    assignment.refresh_from_db()
    assert assignment.status == TaskAssignment.Status.SIGNED
    assert [r for r in results if r] == [assignment.signed_by_id]
    assert AssignmentEvent.objects.filter(action="signed").count() == 1


def test_one_pending_extension_under_concurrent_requests(assignment, heads):
    def ask(i: int) -> int:
        actor = User.objects.get(pk=heads[i].pk)
        fresh = TaskAssignment.objects.get(pk=assignment.pk)
        return extension_request(
            assignment=fresh,
            actor=actor,
            reason=f"理由{i}",
            requested_deadline=fresh.deadline + timedelta(days=7 + i),
        ).pk

    _results, errors = in_threads(N, ask)

    assert len(errors) == N - 1
    assert all(isinstance(e, ValidationError) for e in errors)
    assert ExtensionRequest.objects.filter(status="pending").count() == 1


def test_a_request_granted_twice_at_once_counts_once(assignment, staff, roles):
    from tests.factories import committee_staff

    deciders = [staff, *(committee_staff() for _ in range(N - 1))]
    request = ExtensionRequestFactory(assignment=assignment)

    def grant(i: int) -> str:
        actor = User.objects.get(pk=deciders[i].pk)
        fresh = ExtensionRequest.objects.get(pk=request.pk)
        return extension_decide(request=fresh, actor=actor, grant=True).status

    results, errors = in_threads(N, grant)

    assert len(errors) == N - 1
    assert all(isinstance(e, ValidationError) for e in errors)
    assignment.refresh_from_db()
    assert assignment.extension_count == 1
    assert assignment.deadline == request.requested_deadline
    assert [r for r in results if r] == ["granted"]
