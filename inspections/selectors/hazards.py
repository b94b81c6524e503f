"""The hazard ledger, a hazard's history and change requests, and its photos, as the user
may see them. Every read goes through the one scoping rule (``safetyzone.org.scoping``):
a record of another unit is not found."""

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Hazard, HazardChangeRequest, HazardPhoto
from safetyzone.org.models import Enterprise, User
from safetyzone.org.scoping import scope_queryset, sees_all_units

# A closed hazard of the same kind within this many days makes a new one a recurrence.
RECURRENCE_WINDOW_DAYS = 365


def hazard_recurrence_of(*, hazard: Hazard) -> Hazard | None:
    """A closed hazard of the same enterprise, key area and checklist item within the
    last twelve months, if there is one."""
    if hazard.checklist_item_id is None or hazard.enterprise_id is None:
        return None
    since = timezone.make_aware(
        dt.datetime.combine(hazard.found_on - dt.timedelta(days=RECURRENCE_WINDOW_DAYS), dt.time())
    )
    until = timezone.make_aware(dt.datetime.combine(hazard.found_on, dt.time.max))
    return (
        Hazard.objects.filter(
            enterprise_id=hazard.enterprise_id,
            key_area_id=hazard.key_area_id,
            checklist_item_id=hazard.checklist_item_id,
            status=Hazard.Status.ACCEPTED,
            closed_at__range=(since, until),
        )
        .exclude(pk=hazard.pk)
        .order_by("-closed_at")
        .first()
    )


def may_decide_hazard_changes(user: User) -> bool:
    """Committee staff: they change a hazard's level or deadline (with a reason) and
    grant or refuse the units' requests to."""
    return sees_all_units(user) and user.has_perm("inspections.decide_hazardchangerequest")


OPEN = Hazard.OPEN_STATUSES


def overdue_q(today: dt.date | None = None) -> Q:
    """Open hazards past their deadline."""
    return Q(status__in=OPEN, deadline__lt=today or timezone.localdate())


# --- Hazards --------------------------------------------------------------------------


# The columns of a ledger row as the ledger page and the API list read them, for
# ``QuerySet.only()`` (with the API row's last change): not a hazard's plan, supervision
# and history, nor the related records' other columns...
_LEDGER_ROW = (
    "code",
    "enterprise__name",
    "place",
    "key_area__name",
    "level",
    "description",
    "found_on",
    "responsible_unit__name",
    "responsible_person",
    "deadline",
    "status",
    "is_supervised",
    "is_recurrence",
    "closed_at",
)
LEDGER_ROW_COLUMNS = (*_LEDGER_ROW, "updated_at")
# ...and the columns of the ledger's export (``inspections.exports`` reads them as plain
# values), in its order: the row, then the rectification plan's "five implementations"
# (五落实: responsibility, measures, funds, time limit, contingency plan).
LEDGER_COLUMNS = (
    *_LEDGER_ROW,
    "plan_responsibility",
    "plan_measures",
    "plan_funds",
    "plan_time_limit",
    "plan_contingency",
)


def hazard_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Hazard]:
    """The ledger (台账): hazards the user sees, narrowed by ``filters``
    (:func:`hazard_filter`). Each row carries ``overdue`` (computed, never stored)."""
    qs = (
        scope_queryset(Hazard.objects.all(), user)
        .select_related("enterprise", "key_area", "responsible_unit")
        .annotate(
            overdue=Case(
                When(overdue_q(timezone.localdate()), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-found_on", "-pk")
    )
    return hazard_filter(qs, filters or {})


def hazard_filter(queryset: QuerySet[Hazard], filters: dict[str, Any]) -> QuerySet[Hazard]:
    """The ledger's filters, by the names the page and the API share
    (``inspections.filters.HazardFilter``): ``search`` (every term in the code, the
    description or the enterprise's name), ``unit`` (responsible), ``key_area``,
    ``level``, ``status`` (``open`` for every open status), ``overdue``, ``enterprise``,
    ``inspection``, ``found_from``/``found_until`` (found between two dates),
    ``is_supervised``, ``is_recurrence`` and ``key_period``. A filter left out or empty
    narrows nothing; a yes/no filter given as False keeps the other rows."""
    qs = queryset
    if search := (filters.get("search") or "").strip():
        qs = hazard_search(qs, search.split())
    if unit := filters.get("unit"):
        qs = qs.filter(responsible_unit=unit)
    if area := filters.get("key_area"):
        qs = qs.filter(key_area=area)
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if status := filters.get("status"):
        qs = qs.filter(status__in=OPEN) if status == "open" else qs.filter(status=status)
    overdue = filters.get("overdue")
    if overdue is not None:
        condition = overdue_q()
        qs = qs.filter(condition) if overdue else qs.exclude(condition)
    if enterprise := filters.get("enterprise"):
        qs = qs.filter(enterprise=enterprise)
    if inspection := filters.get("inspection"):
        qs = qs.filter(inspection=inspection)
    if found_from := filters.get("found_from"):
        qs = qs.filter(found_on__gte=found_from)
    if found_until := filters.get("found_until"):
        qs = qs.filter(found_on__lte=found_until)
    for flag in ("is_supervised", "is_recurrence"):
        if filters.get(flag) is not None:
            qs = qs.filter(**{flag: filters[flag]})
    if period := filters.get("key_period"):
        # Found by an inspection for the key period's tasks, or during the period.
        qs = qs.filter(
            Q(inspection__task__key_period=period)
            | Q(found_on__range=(period.start_date, period.end_date))
        )
    return qs


def hazard_search(queryset: QuerySet[Hazard], terms: list[str]) -> QuerySet[Hazard]:
    """The hazards of ``queryset`` whose code, description or enterprise's name contains
    every term (case-insensitive). The enterprises whose names match are looked up first
    (one query per term): the hazards are then searched with one condition per column of
    their own table, each served by an index on PostgreSQL (trigrams on the code and the
    description, the enterprise's key), which an OR across the join to the enterprises
    would not allow: the database would read every hazard."""
    for term in terms:
        enterprises = list(
            Enterprise.objects.filter(name__icontains=term).values_list("pk", flat=True)
        )
        queryset = queryset.filter(
            Q(code__icontains=term) | Q(description__icontains=term) | Q(enterprise__in=enterprises)
        )
    return queryset


def hazard_get(*, user: User, pk: Any, for_update: bool = False) -> Hazard:
    qs = scope_queryset(Hazard.objects.all(), user).select_related(
        "enterprise",
        "key_area",
        "responsible_unit",
        "inspection",
        "checklist_item",
        "recurrence_of",
        "created_by",
        "closed_by",
        "supervised_by",
    )
    return get_object_or_404(qs, pk=pk)


def hazard_history(*, hazard: Hazard) -> list[dict[str, Any]]:
    """The hazard's change history (django-simple-history), oldest first, each entry
    with who, when, why, and the fields that changed (related records by name, one
    query per kind of record)."""
    records = list(hazard.history.select_related("history_user").order_by("history_date", "pk"))
    deltas = [
        record.diff_against(previous).changes if previous is not None else []
        for previous, record in zip([None, *records[:-1]], records, strict=True)
    ]
    wanted: dict[Any, set] = {}
    for changes in deltas:
        for change in changes:
            field = Hazard._meta.get_field(change.field)
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(
                    v for v in (change.old, change.new) if v is not None
                )
    names = {
        model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(ids).items()}
        for model, ids in wanted.items()
    }
    entries = []
    for record, changes in zip(records, deltas, strict=True):
        shown = []
        for change in changes:
            field = Hazard._meta.get_field(change.field)
            shown.append(
                {
                    "field": str(field.verbose_name),
                    "old": _display(field, change.old, names),
                    "new": _display(field, change.new, names),
                }
            )
        entries.append(
            {
                "at": record.history_date,
                "user": record.history_user,
                "reason": history_reason_text(record.history_change_reason),
                "status": Hazard.Status(record.status).label,
                "changes": shown,
            }
        )
    return entries


def history_reason_text(raw: str | None) -> str:
    """A history entry's reason in the reader's language: the services store an event's
    code (Hazard.Event) and, after a colon, the step's own words. Entries written
    before the codes show as they were written."""
    code, _sep, detail = (raw or "").partition(":")
    if code not in Hazard.Event.values:
        return raw or ""
    label = str(Hazard.Event(code).label)
    return _("%(event)s: %(detail)s") % {"event": label, "detail": detail} if detail else label


def hazard_change_requests(*, hazard: Hazard) -> QuerySet[HazardChangeRequest]:
    """The change requests of a hazard (already fetched through a scoped selector),
    newest first."""
    return hazard.change_requests.select_related("requested_by", "decided_by").order_by(
        "-requested_at", "-pk"
    )


def hazard_change_request_list(
    *, user: User, filters: dict[str, Any] | None = None
) -> QuerySet[HazardChangeRequest]:
    queryset = scope_queryset(HazardChangeRequest.objects.all(), user).select_related(
        "hazard", "requested_by", "decided_by"
    )
    filters = filters or {}
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("hazard"):
        queryset = queryset.filter(hazard=filters["hazard"])
    return queryset.order_by("-requested_at", "-pk")


def hazard_change_request_get(*, user: User, pk: Any) -> HazardChangeRequest:
    qs = scope_queryset(HazardChangeRequest.objects.all(), user).select_related("hazard")
    return get_object_or_404(qs, pk=pk)


def _display(field, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return names.get(field.related_model, {}).get(value, f"#{value}")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(value)


# The role permissions a file needs besides its unit: a duty officer of the unit may not
# read its hazards, so neither their photos, evidence nor checklist photos.
HAZARD_PHOTO_PERMS = ("inspections.view_hazard", "inspections.view_hazardphoto")


def hazard_photo_get(*, user: User, pk: Any, hazard: Hazard | None = None):
    """A hazard photo the user may see, by unit and role (of ``hazard`` if given)."""
    qs = scope_queryset(HazardPhoto.objects.all(), user, perms=HAZARD_PHOTO_PERMS)
    if hazard is not None:
        qs = qs.filter(hazard=hazard)
    return get_object_or_404(qs, pk=pk)
