"""Violations and enforcement actions, as the user may see them."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from inspections.models import EnforcementAction, Violation
from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset

# --- Violations and enforcement -------------------------------------------------------


def violation_list(*, user: User) -> QuerySet:
    """The violations ``user`` sees, newest first (filtered by
    ``inspections.filters.ViolationFilter``)."""
    return (
        scope_queryset(Violation.objects.all(), user)
        .select_related("enterprise", "unit", "inspection")
        .order_by("-date", "-pk")
    )


def violation_get(*, user: User, pk: Any) -> Violation:
    return get_object_or_404(violation_list(user=user), pk=pk)


def enforcement_action_list(*, user: User) -> QuerySet:
    """The enforcement actions ``user`` sees, newest first (filtered by
    ``inspections.filters.EnforcementActionFilter``)."""
    return (
        scope_queryset(EnforcementAction.objects.all(), user)
        .select_related("enterprise", "unit", "inspection", "hazard", "violation")
        .order_by("-date", "-pk")
    )


def enforcement_action_get(*, user: User, pk: Any) -> EnforcementAction:
    return get_object_or_404(enforcement_action_list(user=user), pk=pk)
