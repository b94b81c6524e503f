"""Reads of the duty log, handovers and open matters, and of the shifts around a shift
(the one before, the one after, its incoming leader).
"""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset

from ..models import (
    DutyLogEntry,
    Handover,
    OpenMatter,
    Shift,
    ShiftAssignment,
)


def previous_shift(shift: Shift) -> Shift | None:
    return (
        Shift.objects.filter(roster__unit_id=shift.roster.unit_id, ends_at=shift.starts_at)
        .order_by("-roster__status", "pk")
        .first()
    )


def next_shift(shift: Shift) -> Shift | None:
    return (
        Shift.objects.filter(roster__unit_id=shift.roster.unit_id, starts_at=shift.ends_at)
        .order_by("-roster__status", "pk")
        .first()
    )


def open_matters_before(shift: Shift) -> list[OpenMatter]:
    """The matters left open at the handover before ``shift`` (they carry over)."""
    before = previous_shift(shift)
    if before is None:
        return []
    return list(
        OpenMatter.objects.filter(handover__shift=before, closed_at__isnull=True)
        .select_related("incident")
        .order_by("pk")
    )


def incoming_leader(shift: Shift | None) -> User | None:
    """The leader on duty of ``shift``: the one who confirms the handover into it."""
    if shift is None:
        return None
    assignment = (
        ShiftAssignment.objects.filter(shift=shift, role=ShiftAssignment.Role.LEADER)
        .select_related("person")
        .first()
    )
    return assignment.person if assignment else None


def handover_awaiting(shift: Shift) -> Handover | None:
    """The handover into ``shift`` still waiting for its leader's confirmation."""
    before = previous_shift(shift)
    condition = Q(next_shift=shift)
    if before is not None:
        condition |= Q(next_shift__isnull=True, shift=before)
    return (
        Handover.objects.filter(condition, confirmed_at__isnull=True)
        .select_related("shift")
        .first()
    )


# --- Log, handover, reports ----------------------------------------------------------


def log_entry_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = scope_queryset(DutyLogEntry.objects.all(), user)
    filters = filters or {}
    if shift := filters.get("shift"):
        qs = qs.filter(shift=shift)
    if start := filters.get("date_from"):
        qs = qs.filter(shift__date__gte=start)
    if end := filters.get("date_to"):
        qs = qs.filter(shift__date__lte=end)
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    return qs.select_related("author", "shift__roster", "corrects").prefetch_related("corrections")


def log_entry_get(*, user: User, pk: Any) -> DutyLogEntry:
    return get_object_or_404(log_entry_list(user=user), pk=pk)


def handover_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Handover]:
    qs = scope_queryset(Handover.objects.all(), user)
    filters = filters or {}
    if shift := filters.get("shift"):
        qs = qs.filter(shift=shift)
    return qs.select_related(
        "shift__roster", "next_shift", "created_by", "confirmed_by"
    ).prefetch_related(
        "outgoing", "incoming", Prefetch("matters", queryset=OpenMatter.objects.order_by("pk"))
    )


def handover_get(*, user: User, pk: Any) -> Handover:
    return get_object_or_404(handover_list(user=user), pk=pk)


def open_matter_get(*, user: User, pk: Any) -> OpenMatter:
    return get_object_or_404(scope_queryset(OpenMatter.objects.all(), user), pk=pk)
