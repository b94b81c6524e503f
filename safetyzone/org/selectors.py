"""Reads of the organisation that depend on who asks."""

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Enterprise, Unit, User
from .scoping import scope_queryset


def unit_list(*, user: User) -> QuerySet[Unit]:
    return scope_queryset(Unit.objects.all(), user)


def unit_get(*, user: User, pk: Any) -> Unit:
    return get_object_or_404(unit_list(user=user), pk=pk)


def enterprise_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Enterprise]:
    qs = scope_queryset(Enterprise.objects.all(), user).select_related("supervising_unit")
    filters = filters or {}
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    if unit := filters.get("supervising_unit"):
        qs = qs.filter(supervising_unit=unit)
    if area := filters.get("key_area"):
        qs = qs.filter(key_areas=area)
    if grade := filters.get("risk_grade"):
        qs = qs.filter(risk_grade=grade)
    return qs.prefetch_related("key_areas")


def enterprise_get(*, user: User, pk: Any) -> Enterprise:
    return get_object_or_404(enterprise_list(user=user), pk=pk)
