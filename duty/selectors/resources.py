"""Reads of emergency resources, stock movements, rescue teams and standby: they follow
their owning unit.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset

from ..models import (
    EmergencyResource,
    RescueTeam,
    RescueTeamMember,
    StandbyAssignment,
    StockMovement,
)


def resource_list(*, user: User) -> QuerySet[EmergencyResource]:
    qs = scope_queryset(EmergencyResource.objects.all(), user).select_related("unit")
    # Filters by the query string: duty.filters.ResourceFilter, for the page and the API.
    return qs


def resource_get(*, user: User, pk: Any) -> EmergencyResource:
    return get_object_or_404(resource_list(user=user), pk=pk)


def movement_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = scope_queryset(StockMovement.objects.all(), user)
    if resource := (filters or {}).get("resource"):
        qs = qs.filter(resource=resource)
    return qs.select_related("resource", "recorded_by")


def team_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[RescueTeam]:
    qs = scope_queryset(RescueTeam.objects.all(), user).select_related("unit")
    if unit := (filters or {}).get("unit"):
        qs = qs.filter(unit=unit)
    return qs.prefetch_related(
        Prefetch("members", queryset=RescueTeamMember.objects.order_by("pk"))
    )


def team_get(*, user: User, pk: Any) -> RescueTeam:
    return get_object_or_404(team_list(user=user), pk=pk)


def standby_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = scope_queryset(StandbyAssignment.objects.all(), user)
    filters = filters or {}
    for key in ("key_period", "team", "resource"):
        if value := filters.get(key):
            qs = qs.filter(**{key: value})
    return qs.select_related("key_period", "team", "resource")


def standby_get(*, user: User, pk: Any) -> StandbyAssignment:
    return get_object_or_404(standby_list(user=user), pk=pk)
