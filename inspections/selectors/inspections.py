"""Inspections and their answers, as the user may see them."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from inspections.models import (
    AnswerPhoto,
    Hazard,
    HazardDraft,
    Inspection,
    InspectionAnswer,
    InspectionTarget,
)
from inspections.selectors._common import _count
from safetyzone.org.models import Enterprise, KeyArea, User
from safetyzone.org.scoping import scope_queryset, sees_all_units

# --- Inspections ----------------------------------------------------------------------


def inspection_list(*, user: User) -> QuerySet:
    """The inspections ``user`` sees, newest first (filtered by
    ``inspections.filters.InspectionFilter``)."""
    return (
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
        .order_by("-date", "-pk")
    )


def inspection_get(*, user: User, pk: Any) -> Inspection:
    return get_object_or_404(
        scope_queryset(Inspection.objects.all(), user)
        .select_related("enterprise", "unit", "key_area", "task", "template", "recorded_by")
        .prefetch_related(
            "inspectors",
            Prefetch(
                "answers",
                queryset=InspectionAnswer.objects.select_related("item", "hazard", "hazard_draft")
                .prefetch_related("photos")
                .order_by("item__order"),
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


# --- The enterprises an inspector may pick -------------------------------------------


def inspectable_enterprises(*, user: User) -> QuerySet[Enterprise]:
    """Every active enterprise ``user`` may inspect: the read rule's (those their unit
    supervises; every one for committee staff), the same the write rule accepts."""
    return scope_queryset(Enterprise.objects.filter(is_active=True), user)


@dataclass
class EnterpriseGroup:
    """One group of the checklist form's enterprise list; ``tasks`` maps an
    enterprise's id to the open task that names it."""

    key: str
    enterprises: list[Enterprise]
    tasks: dict[int, Any] = field(default_factory=dict)


def inspection_enterprise_groups(*, user: User, key_area: KeyArea) -> list[EnterpriseGroup]:
    """What the checklist of ``key_area`` offers ``user``, most likely first: the
    enterprises of their unit's open inspection tasks of that area not inspected yet,
    then the other enterprises of the area, then (for a unit's people, whose list is
    short) every other enterprise their unit supervises: a fire or gas check applies to
    a chemical plant too. All inside the scope; empty groups are left out."""
    today = timezone.localdate()
    allowed = inspectable_enterprises(user=user)
    targets = (
        scope_queryset(InspectionTarget.objects.all(), user)
        .filter(
            task__key_area=key_area,
            task__start_date__lte=today,
            task__deadline__gte=today,
            inspection__isnull=True,
            enterprise__in=allowed,
        )
        .select_related("enterprise", "task")
        .order_by("task__deadline", "enterprise__name", "pk")
    )
    tasks: dict[int, Any] = {}
    for target in targets:
        tasks.setdefault(target.enterprise_id, target.task)
    in_tasks = {t.enterprise_id: t.enterprise for t in targets}
    area = [e for e in allowed.filter(key_areas=key_area).order_by("name") if e.pk not in tasks]
    groups = [
        EnterpriseGroup("tasks", sorted(in_tasks.values(), key=lambda e: e.name), tasks),
        EnterpriseGroup("key_area", area),
    ]
    if not sees_all_units(user):
        taken = set(tasks) | {e.pk for e in area}
        others = [e for e in allowed.order_by("name") if e.pk not in taken]
        groups.append(EnterpriseGroup("other", others))
    return [group for group in groups if group.enterprises]


# --- Draft hazards -------------------------------------------------------------------


def _drafts(user: User) -> QuerySet[HazardDraft]:
    return scope_queryset(HazardDraft.objects.all(), user).select_related(
        "answer__item", "inspection__enterprise", "hazard"
    )


def hazard_draft_list(*, user: User) -> QuerySet[HazardDraft]:
    """The drafts of the user's unit (every unit's for staff), each with its item's
    photos, in the screen's order (inspection, item)."""
    return _drafts(user).prefetch_related(
        Prefetch("answer__photos", queryset=AnswerPhoto.objects.order_by("pk"))
    )


def hazard_draft_get(*, user: User, pk: Any) -> HazardDraft:
    """A draft of the user's unit (any unit's for staff); another unit's is a 404."""
    return get_object_or_404(_drafts(user), pk=pk)


def hazard_drafts_of(*, user: User, inspection: Inspection) -> list[HazardDraft]:
    """The drafts of an inspection, each with its item's photos."""
    return list(
        _drafts(user)
        .filter(inspection=inspection)
        .prefetch_related(Prefetch("answer__photos", queryset=AnswerPhoto.objects.order_by("pk")))
        .order_by("answer__item__order", "pk")
    )


def answer_photo_file_get(*, user: User, pk: Any) -> AnswerPhoto:
    """One of an answer's further photos, if the user may see the answer's photo."""
    qs = scope_queryset(AnswerPhoto.objects.all(), user, perms=ANSWER_PHOTO_PERMS)
    return get_object_or_404(qs, pk=pk)
