"""Inspections and their answers, as the user may see them."""

from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from inspections.models import Hazard, Inspection, InspectionAnswer
from inspections.selectors._common import _count
from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset

# --- Inspections ----------------------------------------------------------------------


def inspection_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    filters = filters or {}
    qs = (
        scope_queryset(Inspection.objects.all(), user)
        .select_related("enterprise", "unit", "key_area", "task")
        .annotate(
            failed_count=_count(
                InspectionAnswer.objects.filter(
                    inspection=OuterRef("pk"), result=InspectionAnswer.Result.FAIL
                )
            ),
            hazard_count=_count(Hazard.objects.filter(inspection=OuterRef("pk"))),
        )
    )
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(enterprise__name__icontains=q)
    if area := filters.get("key_area"):
        qs = qs.filter(key_area=area)
    if unit := filters.get("unit"):
        qs = qs.filter(unit=unit)
    if enterprise := filters.get("enterprise"):
        qs = qs.filter(enterprise=enterprise)
    if task := filters.get("task"):
        qs = qs.filter(task=task)
    if method := filters.get("method"):
        qs = qs.filter(method=method)
    if date_from := filters.get("date_from"):
        qs = qs.filter(date__gte=date_from)
    if date_to := filters.get("date_to"):
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-date", "-pk")


def inspection_get(*, user: User, pk: Any) -> Inspection:
    return get_object_or_404(
        scope_queryset(Inspection.objects.all(), user)
        .select_related("enterprise", "unit", "key_area", "task", "template", "recorded_by")
        .prefetch_related(
            "inspectors",
            Prefetch(
                "answers",
                queryset=InspectionAnswer.objects.select_related("item", "hazard").order_by(
                    "item__order"
                ),
            ),
        ),
        pk=pk,
    )


def answer_get(*, user: User, pk: Any) -> InspectionAnswer:
    return get_object_or_404(
        scope_queryset(InspectionAnswer.objects.all(), user).select_related(
            "item", "inspection__enterprise__supervising_unit", "inspection__key_area"
        ),
        pk=pk,
    )


ANSWER_PHOTO_PERMS = ("inspections.view_inspection", "inspections.view_inspectionanswer")


def answer_photo_get(*, user: User, pk: Any) -> InspectionAnswer:
    """A checklist answer whose photo the user may see, by unit and role."""
    qs = scope_queryset(InspectionAnswer.objects.all(), user, perms=ANSWER_PHOTO_PERMS)
    return get_object_or_404(qs, pk=pk)
