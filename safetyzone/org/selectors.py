"""Reads of the organisation that depend on who asks."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Enterprise, Unit, User
from .scoping import scope_queryset


def unit_list(*, user: User) -> QuerySet[Unit]:
    return scope_queryset(Unit.objects.all(), user)


def unit_get(*, user: User, pk: Any) -> Unit:
    return get_object_or_404(unit_list(user=user), pk=pk)


def enterprise_list(*, user: User) -> QuerySet[Enterprise]:
    """The enterprises ``user`` may see (filtered by ``org.filters.EnterpriseFilter``)."""
    qs = scope_queryset(Enterprise.objects.all(), user).select_related("supervising_unit")
    return qs.prefetch_related("key_areas")


def enterprise_get(*, user: User, pk: Any) -> Enterprise:
    return get_object_or_404(enterprise_list(user=user), pk=pk)
