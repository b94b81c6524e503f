"""Checklists, inspection tasks and their coverage, as the user may see them."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    InspectionTarget,
    InspectionTask,
    InspectionTaskUnit,
)
from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import scope_queryset, sees_all_units

# --- Checklists -----------------------------------------------------------------------


def checklist_template_list(*, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = ChecklistTemplate.objects.select_related("key_area").annotate(item_count=Count("items"))
    filters = filters or {}
    if area := filters.get("key_area"):
        qs = qs.filter(key_area=area)
    if filters.get("active_only", True):
        qs = qs.filter(is_active=True)
    return qs.prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.order_by("order"))
    ).order_by("key_area__order", "name", "pk")


def checklist_template_get(*, pk: Any) -> ChecklistTemplate:
    return get_object_or_404(checklist_template_list(filters={"active_only": False}), pk=pk)


# --- Tasks ----------------------------------------------------------------------------


def inspection_task_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    """The inspection tasks ``user`` sees, newest first; ``filters`` may ask for the
    ``open_only`` (the overview's). The list's filters are
    ``inspections.filters.InspectionTaskFilter``."""
    filters = filters or {}
    # A unit's head counts their own unit's targets; the office counts them all.
    mine = Q() if sees_all_units(user) else Q(targets__unit=getattr(user, "unit_id", None))
    qs = (
        scope_queryset(InspectionTask.objects.all(), user)
        .select_related("key_area", "key_period", "campaign")
        .annotate(
            target_count=Count("targets", filter=mine, distinct=True),
            inspected_count=Count(
                "targets", filter=mine & Q(targets__inspection__isnull=False), distinct=True
            ),
        )
    )
    if filters.get("open_only"):
        qs = qs.filter(deadline__gte=timezone.localdate())
    return qs.order_by("-start_date", "-pk")


def inspection_task_get(*, user: User, pk: Any) -> InspectionTask:
    return get_object_or_404(
        scope_queryset(InspectionTask.objects.all(), user).select_related(
            "key_area", "key_period", "campaign", "directive", "created_by"
        ),
        pk=pk,
    )


@dataclass
class CoverageRow:
    unit: Unit | None
    targets: int
    inspected: int

    @property
    def rate(self) -> float:
        return self.inspected / self.targets if self.targets else 0.0

    @property
    def percent(self) -> int:
        return round(self.rate * 100)


def task_coverage(*, user: User, task: InspectionTask) -> tuple[list[CoverageRow], CoverageRow]:
    """Coverage of ``task`` per unit the user sees, and in total: inspected targets over
    targets (one query)."""
    rows = (
        scope_queryset(InspectionTarget.objects.filter(task=task), user)
        .values("unit")
        .annotate(targets=Count("pk"), inspected=Count("pk", filter=Q(inspection__isnull=False)))
        .order_by()
    )
    counts = {row["unit"]: row for row in rows}
    units = scope_queryset(
        Unit.objects.filter(pk__in=InspectionTaskUnit.objects.filter(task=task).values("unit")),
        user,
    ).order_by("order", "name")
    result = [
        CoverageRow(
            unit=unit,
            targets=counts.get(unit.pk, {}).get("targets", 0),
            inspected=counts.get(unit.pk, {}).get("inspected", 0),
        )
        for unit in units
    ]
    total = CoverageRow(
        unit=None,
        targets=sum(r.targets for r in result),
        inspected=sum(r.inspected for r in result),
    )
    return result, total


def task_targets(*, user: User, task: InspectionTask) -> QuerySet:
    return (
        scope_queryset(InspectionTarget.objects.filter(task=task), user)
        .select_related("unit", "enterprise", "inspection")
        .order_by("unit__order", "enterprise__name", "pk")
    )


def coverage_by_unit(*, user: User) -> list[dict[str, Any]]:
    """Coverage of all open tasks the user sees, per unit (one query)."""
    rows = (
        scope_queryset(
            InspectionTarget.objects.filter(task__deadline__gte=timezone.localdate()), user
        )
        .values("unit", "unit__name")
        .annotate(targets=Count("pk"), inspected=Count("pk", filter=Q(inspection__isnull=False)))
        .order_by("unit__order", "unit__name")
    )
    return [
        {**row, "percent": round(100 * row["inspected"] / row["targets"]) if row["targets"] else 0}
        for row in rows
    ]
