"""Violations and enforcement actions, as the user may see them."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from inspections.models import EnforcementAction, Violation
from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset

# --- Violations and enforcement -------------------------------------------------------


def violation_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    filters = filters or {}
    qs = scope_queryset(Violation.objects.all(), user).select_related(
        "enterprise", "unit", "inspection"
    )
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if enterprise := filters.get("enterprise"):
        qs = qs.filter(enterprise=enterprise)
    if date_from := filters.get("date_from"):
        qs = qs.filter(date__gte=date_from)
    if date_to := filters.get("date_to"):
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-date", "-pk")


def violation_get(*, user: User, pk: Any) -> Violation:
    return get_object_or_404(violation_list(user=user), pk=pk)


def enforcement_action_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    filters = filters or {}
    qs = scope_queryset(EnforcementAction.objects.all(), user).select_related(
        "enterprise", "unit", "inspection", "hazard", "violation"
    )
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if enterprise := filters.get("enterprise"):
        qs = qs.filter(enterprise=enterprise)
    return qs.order_by("-date", "-pk")


def enforcement_action_get(*, user: User, pk: Any) -> EnforcementAction:
    return get_object_or_404(enforcement_action_list(user=user), pk=pk)
