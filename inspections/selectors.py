"""Reads of the inspections domain that depend on who asks. Every one goes through the
one scoping rule (``safetyzone.org.scoping``): a record of another unit is not found."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import Enterprise, Unit, User
from safetyzone.org.scoping import scope_queryset, sees_all_units

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    EnforcementAction,
    Hazard,
    HazardChangeRequest,
    HazardLevel,
    HazardPhoto,
    Inspection,
    InspectionAnswer,
    InspectionTarget,
    InspectionTask,
    InspectionTaskUnit,
    QuarterlyReport,
    RectificationReport,
    ReportEvidence,
    Violation,
)

OPEN = Hazard.OPEN_STATUSES


def _count(queryset: QuerySet) -> Subquery:
    """The number of rows of ``queryset`` (filtered on an ``OuterRef``) as a subquery:
    each row of a page counts its own, instead of the whole list being joined and grouped
    before the page is cut from it."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def overdue_q(today: dt.date | None = None) -> Q:
    """Open hazards past their deadline."""
    return Q(status__in=OPEN, deadline__lt=today or timezone.localdate())


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
    if area := filters.get("key_area"):
        qs = qs.filter(key_area=area)
    if period := filters.get("key_period"):
        qs = qs.filter(key_period=period)
    if unit := filters.get("unit"):
        qs = qs.filter(assignments__unit=unit)
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


# --- Hazards --------------------------------------------------------------------------


# The columns of a ledger row, in the order of the ledger's export (``inspections.exports``
# reads them as plain values)...
LEDGER_COLUMNS = (
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
# ...and, with the API row's last change, what the ledger page and the API list read, for
# ``QuerySet.only()``: not a hazard's plan, supervision and history, nor the related
# records' other columns.
LEDGER_ROW_COLUMNS = (*LEDGER_COLUMNS, "updated_at")


def hazard_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Hazard]:
    """The ledger (台账): hazards the user sees, filtered by unit, key area, level,
    status, overdue, period (found between two dates), enterprise, supervision and
    recurrence. Each row carries ``overdue`` (computed, never stored)."""
    filters = filters or {}
    today = timezone.localdate()
    qs = (
        scope_queryset(Hazard.objects.all(), user)
        .select_related("enterprise", "key_area", "responsible_unit")
        .annotate(
            overdue=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if q := (filters.get("q") or "").strip():
        qs = hazard_search(qs, q.split())
    if unit := filters.get("unit"):
        qs = qs.filter(responsible_unit=unit)
    if area := filters.get("key_area"):
        qs = qs.filter(key_area=area)
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if status := filters.get("status"):
        if status == "open":
            qs = qs.filter(status__in=OPEN)
        else:
            qs = qs.filter(status=status)
    overdue = filters.get("overdue")
    if overdue in (True, "1", "true", "yes"):
        qs = qs.filter(overdue_q(today))
    elif overdue in (False, "0", "false", "no"):
        qs = qs.exclude(overdue_q(today))
    if enterprise := filters.get("enterprise"):
        qs = qs.filter(enterprise=enterprise)
    if date_from := filters.get("date_from"):
        qs = qs.filter(found_on__gte=date_from)
    if date_to := filters.get("date_to"):
        qs = qs.filter(found_on__lte=date_to)
    if filters.get("supervised") in (True, "1", "true"):
        qs = qs.filter(is_supervised=True)
    if filters.get("recurrence") in (True, "1", "true"):
        qs = qs.filter(is_recurrence=True)
    if inspection := filters.get("inspection"):
        qs = qs.filter(inspection=inspection)
    if period := filters.get("key_period"):
        # Found by an inspection for the key period's tasks, or during the period.
        qs = qs.filter(
            Q(inspection__task__key_period=period)
            | Q(found_on__range=(period.start_date, period.end_date))
        )
    return qs.order_by("-found_on", "-pk")


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


def hazard_reports(*, hazard: Hazard) -> QuerySet[RectificationReport]:
    """Every report of a hazard (already fetched through a scoped selector), newest
    first, with its evidence."""
    return (
        hazard.reports.select_related("filed_by", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("-filed_at", "-pk")
    )


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
EVIDENCE_PERMS = ("inspections.view_hazard", "inspections.view_reportevidence")
ANSWER_PHOTO_PERMS = ("inspections.view_inspection", "inspections.view_inspectionanswer")


def hazard_photo_get(*, user: User, pk: Any, hazard: Hazard | None = None):
    """A hazard photo the user may see, by unit and role (of ``hazard`` if given)."""
    qs = scope_queryset(HazardPhoto.objects.all(), user, perms=HAZARD_PHOTO_PERMS)
    if hazard is not None:
        qs = qs.filter(hazard=hazard)
    return get_object_or_404(qs, pk=pk)


def evidence_get(*, user: User, pk: Any, report: RectificationReport | None = None):
    """An evidence file the user may see, by unit and role (of ``report`` if given)."""
    qs = scope_queryset(ReportEvidence.objects.all(), user, perms=EVIDENCE_PERMS)
    if report is not None:
        qs = qs.filter(report=report)
    return get_object_or_404(qs, pk=pk)


def answer_photo_get(*, user: User, pk: Any) -> InspectionAnswer:
    """A checklist answer whose photo the user may see, by unit and role."""
    qs = scope_queryset(InspectionAnswer.objects.all(), user, perms=ANSWER_PHOTO_PERMS)
    return get_object_or_404(qs, pk=pk)


# --- Reports --------------------------------------------------------------------------


def report_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    filters = filters or {}
    qs = scope_queryset(RectificationReport.objects.all(), user).select_related(
        "hazard__enterprise", "hazard__responsible_unit", "filed_by", "reviewed_by"
    )
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if hazard := filters.get("hazard"):
        qs = qs.filter(hazard=hazard)
    if unit := filters.get("unit"):
        qs = qs.filter(hazard__responsible_unit=unit)
    return qs.annotate(
        evidence_count=_count(ReportEvidence.objects.filter(report=OuterRef("pk")))
    ).order_by("-filed_at", "-pk")


def report_get(*, user: User, pk: Any) -> RectificationReport:
    return get_object_or_404(report_list(user=user), pk=pk)


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


# --- Statistics -----------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def hazard_statistics(*, user: User, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Hazards by level, status, key area and unit; rectification rate (closed over
    all), on-time rate (closed by the deadline over closed) and the overdue count. A
    fixed handful of queries whatever the number of hazards."""
    qs = hazard_list(user=user, filters=filters).order_by()
    today = timezone.localdate()
    totals = qs.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=Hazard.Status.ACCEPTED)),
        closed_on_time=Count(
            "pk", filter=Q(status=Hazard.Status.ACCEPTED, closed_at__date__lte=F("deadline"))
        ),
        overdue=Count("pk", filter=overdue_q(today)),
        major=Count("pk", filter=Q(level=HazardLevel.MAJOR)),
        supervised=Count("pk", filter=Q(is_supervised=True, status__in=OPEN)),
        recurrences=Count("pk", filter=Q(is_recurrence=True)),
    )
    by_level = dict(qs.values_list("level").annotate(n=Count("pk")).order_by())
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    by_area = list(
        qs.values("key_area__name")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=Hazard.Status.ACCEPTED)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
        .order_by("-total", "key_area__name")
    )
    by_unit = list(
        qs.values("responsible_unit__name")
        .annotate(
            total=Count("pk"),
            major=Count("pk", filter=Q(level=HazardLevel.MAJOR)),
            closed=Count("pk", filter=Q(status=Hazard.Status.ACCEPTED)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
        .order_by("-total", "responsible_unit__name")
    )
    for row in [*by_area, *by_unit]:
        row["rate"] = _rate(row["closed"], row["total"])
    return {
        **totals,
        "open": totals["total"] - totals["closed"],
        "rectification_rate": _rate(totals["closed"], totals["total"]),
        "on_time_rate": _rate(totals["closed_on_time"], totals["closed"]),
        "by_level": [(label, by_level.get(value, 0)) for value, label in HazardLevel.choices],
        "by_status": [(label, by_status.get(value, 0)) for value, label in Hazard.Status.choices],
        "by_area": by_area,
        "by_unit": by_unit,
    }


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date, dt.date]:
    """First and last day of a quarter, and the day its statistics table is due (the
    15th of the month after it)."""
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    next_first = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, next_first - dt.timedelta(days=1), next_first.replace(day=15)


def quarterly_table(*, user: User, year: int, quarter: int) -> dict[str, Any]:
    """The quarterly statistics table units file (by the 15th of the month after the
    quarter): per unit the inspections, enterprises inspected, hazards found by level,
    hazards closed, rectification rate, overdue, violations, enforcement and fines."""
    first, last, due = quarter_bounds(year, quarter)
    today = timezone.localdate()
    units = {u.pk: u for u in scope_queryset(Unit.objects.filter(is_active=True), user)}
    rows: dict[int, dict[str, Any]] = {
        pk: {
            "unit": unit,
            "inspections": 0,
            "enterprises": 0,
            "hazards": 0,
            "major": 0,
            "closed": 0,
            "overdue": 0,
            "violations": 0,
            "actions": 0,
            "fines": Decimal(0),
        }
        for pk, unit in units.items()
    }
    inspections = (
        scope_queryset(Inspection.objects.filter(date__range=(first, last)), user)
        .values("unit")
        .annotate(n=Count("pk"), enterprises=Count("enterprise", distinct=True))
        .order_by()
    )
    for row in inspections:
        if row["unit"] in rows:
            rows[row["unit"]]["inspections"] = row["n"]
            rows[row["unit"]]["enterprises"] = row["enterprises"]
    hazards = (
        scope_queryset(Hazard.objects.filter(found_on__range=(first, last)), user)
        .values("responsible_unit")
        .annotate(
            n=Count("pk"),
            major=Count("pk", filter=Q(level=HazardLevel.MAJOR)),
            closed=Count("pk", filter=Q(status=Hazard.Status.ACCEPTED)),
            overdue=Count("pk", filter=overdue_q(min(today, last + dt.timedelta(days=1)))),
        )
        .order_by()
    )
    for row in hazards:
        if row["responsible_unit"] in rows:
            target = rows[row["responsible_unit"]]
            target.update(
                hazards=row["n"], major=row["major"], closed=row["closed"], overdue=row["overdue"]
            )
    violations = (
        scope_queryset(Violation.objects.filter(date__range=(first, last)), user)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in violations:
        if row["unit"] in rows:
            rows[row["unit"]]["violations"] = row["n"]
    actions = (
        scope_queryset(EnforcementAction.objects.filter(date__range=(first, last)), user)
        .values("unit")
        .annotate(n=Count("pk"), fines=Sum("amount", filter=Q(kind=EnforcementAction.Kind.FINE)))
        .order_by()
    )
    for row in actions:
        if row["unit"] in rows:
            rows[row["unit"]]["actions"] = row["n"]
            rows[row["unit"]]["fines"] = row["fines"] or Decimal(0)
    filed = {
        report.unit_id: report
        for report in scope_queryset(
            QuarterlyReport.objects.filter(year=year, quarter=quarter), user
        ).select_related("filed_by")
    }
    for pk, row in rows.items():
        row["filed"] = filed.get(pk)
    ordered = sorted(rows.values(), key=lambda r: (r["unit"].order, r["unit"].name))
    for row in ordered:
        row["rate"] = _rate(row["closed"], row["hazards"])
    keys = (
        "inspections",
        "enterprises",
        "hazards",
        "major",
        "closed",
        "overdue",
        "violations",
        "actions",
        "fines",
    )
    total = {key: sum(r[key] for r in ordered) for key in keys}
    total["rate"] = _rate(total["closed"], total["hazards"])
    return {
        "year": year,
        "quarter": quarter,
        "first": first,
        "last": last,
        "due": due,
        "ended": today > last,
        "past_due": today > due,
        "rows": ordered,
        "total": total,
    }
