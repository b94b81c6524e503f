"""Reads of planning: campaigns, their phases and progress, key periods.

Every signed-in user reads campaigns, phases and key periods (they are the committee's
common plan); what a campaign page shows of meetings, tasks and activities is narrowed
by the scoping rule.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from campaigns.models import (
    Activity,
    Campaign,
    CampaignPhase,
    KeyPeriod,
    Meeting,
    Task,
    TaskAssignment,
)
from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import scope_queryset

UPCOMING_DAYS = 30


def _can_read(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# --- Campaigns -------------------------------------------------------------------------


def campaign_filter(qs: QuerySet[Campaign], filters: dict[str, Any]) -> QuerySet[Campaign]:
    """Narrow campaigns by ``q`` (name, theme, goals), ``kind``, ``year`` (running at some
    time in that year), ``lead_unit`` and ``parent``."""
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(theme__icontains=q) | Q(goals__icontains=q))
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if year := filters.get("year"):
        qs = qs.filter(start_date__year__lte=year, end_date__year__gte=year)
    if lead_unit := filters.get("lead_unit"):
        qs = qs.filter(lead_unit=lead_unit)
    if parent := filters.get("parent"):
        qs = qs.filter(parent=parent)
    return qs


def campaign_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Campaign]:
    """Every campaign, for any signed-in user; see ``campaign_filter``."""
    qs = Campaign.objects.select_related("parent", "lead_unit")
    if not _can_read(user):
        return qs.none()
    return campaign_filter(qs, filters or {})


def campaign_get(*, user: User, pk: Any) -> Campaign:
    return get_object_or_404(campaign_list(user=user), pk=pk)


def campaign_phases(*, campaign: Campaign) -> list[CampaignPhase]:
    return list(campaign.phases.all())


def campaign_children(*, campaign: Campaign) -> QuerySet[Campaign]:
    return campaign.children.select_related("lead_unit").order_by("start_date", "pk")


def campaign_meetings(*, user: User, campaign: Campaign) -> QuerySet[Meeting]:
    """The campaign's meetings the user may see (organised or attended by their unit)."""
    return scope_queryset(Meeting.objects.filter(campaign=campaign), user).select_related(
        "organiser", "document_number"
    )


def campaign_tasks(*, user: User, campaign: Campaign) -> QuerySet[Task]:
    """The campaign's tasks the user may see (assigned to their unit)."""
    return (
        scope_queryset(Task.objects.filter(campaign=campaign), user)
        .select_related("lead_unit")
        .annotate(
            assignment_count=Count("assignments", distinct=True),
            done_count=Count(
                "assignments",
                filter=Q(assignments__status=TaskAssignment.Status.DONE),
                distinct=True,
            ),
        )
        .order_by("deadline", "pk")
    )


def campaigns_current(*, on: date | None = None) -> QuerySet[Campaign]:
    """Campaigns running on ``on`` (today by default), with their phases; for the home
    panel and the calendar."""
    on = on or timezone.localdate()
    return (
        Campaign.objects.filter(start_date__lte=on, end_date__gte=on)
        .select_related("lead_unit")
        .prefetch_related(Prefetch("phases", queryset=CampaignPhase.objects.order_by("start_date")))
    )


# --- Progress per unit and the summary --------------------------------------------------


@dataclass
class UnitProgress:
    """One member unit's share of a campaign: its task assignments and the activities
    it reported."""

    unit: Unit
    assigned: int = 0
    done: int = 0
    overdue: int = 0
    activities: dict[str, int] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return self.assigned - self.done

    @property
    def activity_total(self) -> int:
        return sum(self.activities.values())

    @property
    def activity_counts(self) -> list[int]:
        """Counts in the order of ``Activity.Kind``, for a table's columns."""
        return [self.activities.get(kind, 0) for kind in Activity.Kind.values]

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.assigned) if self.assigned else 0


def campaign_progress(*, campaign: Campaign, today: date | None = None) -> list[UnitProgress]:
    """Per unit: task assignments of the campaign (assigned, done, overdue: open with its
    deadline past) and activities reported by kind. Every active member unit is listed,
    and any other unit that holds an assignment or reported an activity. Three queries,
    whatever the number of units."""
    today = today or timezone.localdate()
    done = TaskAssignment.Status.DONE
    tasks = (
        TaskAssignment.objects.filter(task__campaign=campaign)
        .values("unit")
        .annotate(
            assigned=Count("pk"),
            done=Count("pk", filter=Q(status=done)),
            overdue=Count("pk", filter=~Q(status=done) & Q(deadline__lt=today)),
        )
        .order_by()
    )
    by_unit = {row["unit"]: row for row in tasks}
    activities: dict[int, dict[str, int]] = {}
    for row in (
        Activity.objects.filter(campaign=campaign)
        .values("unit", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        activities.setdefault(row["unit"], {})[row["kind"]] = row["n"]

    units = Unit.objects.filter(
        Q(membership=Unit.Membership.MEMBER, is_active=True)
        | Q(pk__in=set(by_unit) | set(activities))
    ).order_by("order", "name")
    rows = []
    for unit in units:
        counts = by_unit.get(unit.pk, {})
        rows.append(
            UnitProgress(
                unit=unit,
                assigned=counts.get("assigned", 0),
                done=counts.get("done", 0),
                overdue=counts.get("overdue", 0),
                activities=activities.get(unit.pk, {}),
            )
        )
    return rows


def campaign_summary(*, campaign: Campaign, today: date | None = None) -> dict[str, Any]:
    """Everything the campaign summary report shows. For committee staff and the worker
    that renders the report: not narrowed to a unit."""
    today = today or timezone.localdate()
    campaign = Campaign.objects.select_related("parent", "lead_unit").get(pk=campaign.pk)
    activities = Activity.objects.filter(campaign=campaign)
    by_kind = dict(activities.values_list("kind").annotate(n=Count("pk")).order_by())
    by_target = dict(
        activities.filter(kind=Activity.Kind.FIVE_INTO)
        .values_list("five_into_target")
        .annotate(n=Count("pk"))
        .order_by()
    )
    progress = campaign_progress(campaign=campaign, today=today)
    return {
        "campaign": campaign,
        "children": list(campaign_children(campaign=campaign)),
        "phases": campaign_phases(campaign=campaign),
        "key_periods": list(campaign.key_periods.prefetch_related("key_areas")),
        "activities_by_kind": [
            (value, label, by_kind.get(value, 0)) for value, label in Activity.Kind.choices
        ],
        "activity_total": sum(by_kind.values()),
        "participants_total": activities.aggregate(n=Sum("participants"))["n"] or 0,
        "activities_by_unit": [row for row in progress if row.activity_total],
        "five_into_by_target": [
            (label, by_target.get(value, 0)) for value, label in Activity.FiveIntoTarget.choices
        ],
        "drills": list(
            activities.filter(kind=Activity.Kind.DRILL)
            .select_related("unit")
            .order_by("date", "pk")
        ),
        "progress": [row for row in progress if row.assigned],
        "assigned_total": sum(row.assigned for row in progress),
        "done_total": sum(row.done for row in progress),
        "overdue_total": sum(row.overdue for row in progress),
        "activity_kinds": Activity.Kind.choices,
        "today": today,
        "generated_at": timezone.localtime(),
    }


# --- Key periods -----------------------------------------------------------------------


def key_periods_active(on: date) -> QuerySet[KeyPeriod]:
    """Key periods under way on ``on``. For the home panel, the calendar and duty."""
    return KeyPeriod.objects.filter(start_date__lte=on, end_date__gte=on).prefetch_related(
        "key_areas"
    )


def key_periods_between(start: date, end: date) -> QuerySet[KeyPeriod]:
    """Key periods that overlap the days ``start`` to ``end`` (both included)."""
    return KeyPeriod.objects.filter(start_date__lte=end, end_date__gte=start).prefetch_related(
        "key_areas"
    )


def key_periods_upcoming(*, today: date, days: int = UPCOMING_DAYS) -> QuerySet[KeyPeriod]:
    """Key periods starting after ``today`` and within ``days`` days."""
    return KeyPeriod.objects.filter(
        start_date__gt=today, start_date__lte=today + timedelta(days=days)
    ).prefetch_related("key_areas")


def key_period_filter(
    qs: QuerySet[KeyPeriod], filters: dict[str, Any], *, today: date | None = None
) -> QuerySet[KeyPeriod]:
    """Narrow key periods by ``when`` ("active" today, "upcoming" in the next 30 days),
    a range ``date_from``–``date_to`` they overlap, ``risk_level``, ``key_area``,
    ``duty_level``, ``campaign`` and ``q`` (name, notes)."""
    today = today or timezone.localdate()
    when = filters.get("when")
    if when == "active":
        qs = qs.filter(start_date__lte=today, end_date__gte=today)
    elif when == "upcoming":
        qs = qs.filter(start_date__gt=today, start_date__lte=today + timedelta(days=UPCOMING_DAYS))
    if date_from := filters.get("date_from"):
        qs = qs.filter(end_date__gte=date_from)
    if date_to := filters.get("date_to"):
        qs = qs.filter(start_date__lte=date_to)
    if risk_level := filters.get("risk_level"):
        qs = qs.filter(risk_level=risk_level)
    if duty_level := filters.get("duty_level"):
        qs = qs.filter(duty_level=duty_level)
    if key_area := filters.get("key_area"):
        qs = qs.filter(key_areas=key_area)
    if campaign := filters.get("campaign"):
        qs = qs.filter(campaign=campaign)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(notes__icontains=q))
    return qs


def key_period_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[KeyPeriod]:
    qs = KeyPeriod.objects.select_related("campaign").prefetch_related("key_areas")
    if not _can_read(user):
        return qs.none()
    return key_period_filter(qs, filters or {})


def key_period_get(*, user: User, pk: Any) -> KeyPeriod:
    return get_object_or_404(key_period_list(user=user), pk=pk)
