"""Reads of activities and their photos: a department head sees their own unit's,
committee staff see every unit's."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from campaigns.models import Activity, ActivityPhoto
from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset


def activity_filter(qs: QuerySet[Activity], filters: dict[str, Any]) -> QuerySet[Activity]:
    """Narrow activities by ``campaign``, ``kind``, ``unit``, ``five_into_target``,
    ``date_from``/``date_to``, ``is_exercise`` and ``q`` (title, place, summary, plan)."""
    if campaign := filters.get("campaign"):
        qs = qs.filter(campaign=campaign)
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if unit := filters.get("unit"):
        qs = qs.filter(unit=unit)
    if target := filters.get("five_into_target"):
        qs = qs.filter(five_into_target=target)
    if date_from := filters.get("date_from"):
        qs = qs.filter(date__gte=date_from)
    if date_to := filters.get("date_to"):
        qs = qs.filter(date__lte=date_to)
    exercise = filters.get("is_exercise")
    if exercise is True:
        qs = qs.filter(kind=Activity.Kind.DRILL)
    elif exercise is False:
        qs = qs.exclude(kind=Activity.Kind.DRILL)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(place__icontains=q)
            | Q(summary__icontains=q)
            | Q(drill_plan__icontains=q)
        )
    return qs


def activity_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Activity]:
    qs = (
        scope_queryset(Activity.objects.all(), user)
        .select_related("unit", "campaign")
        .annotate(photo_count=Count("photos"))
        # Meta.ordering does not apply to a grouped query: name it.
        .order_by("-date", "pk")
    )
    return activity_filter(qs, filters or {})


def activity_get(*, user: User, pk: Any) -> Activity:
    """The activity, with its photos; 404 when it belongs to a unit ``user`` does not
    see."""
    qs = scope_queryset(Activity.objects.all(), user).select_related(
        "unit", "campaign", "created_by"
    )
    return get_object_or_404(qs.prefetch_related("photos"), pk=pk)


def activity_photo_get(*, user: User, pk: Any, activity_pk: Any = None) -> ActivityPhoto:
    """A photo the user may see (through its activity's unit, and by role); 404
    otherwise."""
    qs = scope_queryset(
        ActivityPhoto.objects.select_related("activity"),
        user,
        perms=("campaigns.view_activity", "campaigns.view_activityphoto"),
    )
    if activity_pk is not None:
        qs = qs.filter(activity_id=activity_pk)
    return get_object_or_404(qs, pk=pk)
