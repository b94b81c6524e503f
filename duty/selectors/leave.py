"""Reads of leave: the recorded days people cannot be on duty (unavailability) and the
requests for leave that committee staff decide, with the published shifts a request
overlaps.

Scope: committee staff see everyone's; a department head their unit's people's (the
read rule); anyone else (a duty officer, a leader on duty) only their own.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Case, IntegerField, Model, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset, sees_all_units

from ..models import DutyRoster, LeaveRequest, ShiftAssignment, Unavailability

M = TypeVar("M", bound=Model)


def may_decide_leave(user: User) -> bool:
    """Committee staff: they grant or refuse leave requests."""
    return sees_all_units(user) and user.has_perm("duty.decide_leaverequest")


def may_request_for_unit(user: User) -> bool:
    """A department head (and staff): they ask leave for their unit's people, not only
    for themselves."""
    return user.has_perm("duty.request_for_unit_leaverequest")


def _leave_scope(queryset: QuerySet[M], user: User) -> QuerySet[M]:
    """The read rule, and for those who ask only for themselves, their own rows."""
    queryset = scope_queryset(queryset, user)
    if sees_all_units(user) or may_request_for_unit(user):
        return queryset
    return queryset.filter(person=user.pk)


def unavailability_list(
    *, user: User, filters: dict[str, Any] | None = None
) -> QuerySet[Unavailability]:
    """Recorded leave, trips and training; ``since``: those ending on or after it."""
    queryset = _leave_scope(Unavailability.objects.all(), user)
    filters = filters or {}
    if since := filters.get("since"):
        queryset = queryset.filter(end_date__gte=since)
    return queryset.select_related("person", "person__unit", "request").order_by("start_date", "pk")


def unavailability_get(*, user: User, pk: Any) -> Unavailability:
    return get_object_or_404(unavailability_list(user=user), pk=pk)


def leave_request_list(*, user: User) -> QuerySet[LeaveRequest]:
    """Leave requests, those waiting for a decision first, then the newest."""
    pending_first = Case(
        When(status=LeaveRequest.Status.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        _leave_scope(LeaveRequest.objects.all(), user)
        .select_related("person", "person__unit", "requested_by", "decided_by")
        .order_by(pending_first, "-requested_at", "-pk")
    )


def leave_request_get(*, user: User, pk: Any) -> LeaveRequest:
    return get_object_or_404(leave_request_list(user=user), pk=pk)


def attach_clashes(requests: Iterable[LeaveRequest]) -> list[LeaveRequest]:
    """Set ``clashes`` on each request: the assignments of its person on published
    rosters within its days, which the deciding staff see. One query for any number."""
    requests = list(requests)
    if not requests:
        return requests
    found = (
        ShiftAssignment.objects.filter(
            person__in={r.person_id for r in requests},
            shift__roster__status=DutyRoster.Status.PUBLISHED,
            shift__date__gte=min(r.start_date for r in requests),
            shift__date__lte=max(r.end_date for r in requests),
        )
        .select_related("shift__roster")
        .order_by("shift__date", "pk")
    )
    by_person: dict[int, list[ShiftAssignment]] = defaultdict(list)
    for assignment in found:
        by_person[assignment.person_id].append(assignment)
    for request in requests:
        request.clashes = [
            a
            for a in by_person.get(request.person_id, ())
            if request.start_date <= a.shift.date <= request.end_date
        ]
    return requests
