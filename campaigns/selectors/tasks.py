"""Reads of tasks (督办事项) and their assignments that depend on who asks, and the traffic
light every page, the API and the reminders show for an assignment.

Staff and admins see every task and assignment; a department head sees the tasks that
hold an assignment of their unit, and of each task only their own unit's assignment.
"""

import calendar as pycalendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from safetyzone.calendar import WorkingCalendar
from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset, sees_all_units

from ..models import (
    AssignmentAttachment,
    AssignmentEvent,
    Chaser,
    ExtensionRequest,
    ProgressReport,
    Task,
    TaskAssignment,
)

# --- The traffic light -----------------------------------------------------------------

# An open assignment turns yellow when this many working days or fewer remain.
YELLOW_WORKING_DAYS = 3


class Light(models.TextChoices):
    """An assignment's traffic light: computed from its deadline, never stored."""

    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")
    NONE = "none", _("Done")


@dataclass
class LightClock:
    """Today and the working-day threshold of the yellow light, read once for a whole
    list: one calendar read whatever the number of assignments.

    An open assignment is red once its deadline has passed; yellow while at most
    ``YELLOW_WORKING_DAYS`` working days remain (``working_days_between(today,
    deadline) <= 3``, so a deadline on a day off just after the third working day is
    yellow too); green before that. A done assignment has no light.
    """

    today: date = field(default_factory=timezone.localdate)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)

    @cached_property
    def green_from(self) -> date:
        """The first deadline that is still green today."""
        return self.calendar.add_working_days(self.today, YELLOW_WORKING_DAYS + 1)

    def light(self, *, status: str, deadline: date) -> Light:
        if status == TaskAssignment.Status.DONE:
            return Light.NONE
        if deadline < self.today:
            return Light.RED
        if deadline < self.green_from:
            return Light.YELLOW
        return Light.GREEN

    def light_of(self, assignment: TaskAssignment) -> Light:
        return self.light(status=assignment.status, deadline=assignment.deadline)

    def condition(self, light: str, prefix: str = "") -> Q:
        """The same rule as a database condition, to filter lists by their light."""
        done = Q(**{f"{prefix}status": TaskAssignment.Status.DONE})
        deadline = f"{prefix}deadline"
        if light == Light.NONE:
            return done
        if light == Light.RED:
            return ~done & Q(**{f"{deadline}__lt": self.today})
        if light == Light.YELLOW:
            return ~done & Q(**{f"{deadline}__gte": self.today, f"{deadline}__lt": self.green_from})
        if light == Light.GREEN:
            return ~done & Q(**{f"{deadline}__gte": self.green_from})
        raise ValueError(light)


def assignment_light(assignment: TaskAssignment, *, clock: LightClock | None = None) -> Light:
    """The light of one assignment (one calendar read); pass a shared ``clock`` for many."""
    return (clock or LightClock()).light_of(assignment)


def with_lights(
    assignments: Iterable[TaskAssignment], *, clock: LightClock | None = None
) -> list[TaskAssignment]:
    """Set ``.light`` on each assignment, with one calendar read for them all."""
    clock = clock or LightClock()
    result = list(assignments)
    for assignment in result:
        assignment.light = clock.light_of(assignment)
    return result


# --- Filters shared by the pages and the API -------------------------------------------


def filter_assignments(
    qs: QuerySet[TaskAssignment], filters: dict[str, Any], clock: LightClock
) -> QuerySet[TaskAssignment]:
    if campaign := filters.get("campaign"):
        qs = qs.filter(task__campaign=campaign)
    if unit := filters.get("unit"):
        qs = qs.filter(unit=unit)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if light := filters.get("light"):
        qs = qs.filter(clock.condition(light))
    if filters.get("overdue") is True:
        qs = qs.filter(clock.condition(Light.RED))
    elif filters.get("overdue") is False:
        qs = qs.exclude(clock.condition(Light.RED))
    if after := filters.get("deadline_after"):
        qs = qs.filter(deadline__gte=after)
    if before := filters.get("deadline_before"):
        qs = qs.filter(deadline__lte=before)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(task__title__icontains=q)
            | Q(task__content__icontains=q)
            | Q(unit__name__icontains=q)
            | Q(unit__short_name__icontains=q)
        )
    return qs


# Filters of a task list that look at its assignments (the user's visible ones).
_ASSIGNMENT_FILTERS = ("unit", "status", "light", "overdue")


def visible_assignments(*, user: User) -> QuerySet[TaskAssignment]:
    """Every assignment ``user`` may see: all for staff, their unit's for others."""
    return scope_queryset(TaskAssignment.objects.all(), user)


# --- Tasks -----------------------------------------------------------------------------


def task_list(
    *, user: User, filters: dict[str, Any] | None = None, clock: LightClock | None = None
) -> QuerySet[Task]:
    """Tasks ``user`` may see, each with ``visible_assignments`` prefetched (a head: their
    own unit's only), filtered as ``filter_tasks`` says."""
    if sees_all_units(user):
        qs = Task.objects.all()
    else:
        qs = Task.objects.filter(pk__in=visible_assignments(user=user).values("task"))
    qs = filter_tasks(qs, user=user, filters=filters or {}, clock=clock or LightClock())
    assignments = visible_assignments(user=user).select_related("unit")
    return qs.select_related("campaign", "meeting", "directive", "lead_unit").prefetch_related(
        Prefetch("assignments", queryset=assignments, to_attr="visible_assignments")
    )


def filter_tasks(
    qs: QuerySet[Task], *, user: User, filters: dict[str, Any], clock: LightClock
) -> QuerySet[Task]:
    """Task filters of the pages and the API. Those about assignments (unit, status,
    light, overdue) keep a task when one of its assignments visible to ``user``
    matches; the deadline range is the task's own deadline."""
    if any(filters.get(name) not in (None, "") for name in _ASSIGNMENT_FILTERS):
        picked = {name: filters.get(name) for name in _ASSIGNMENT_FILTERS}
        matching = filter_assignments(visible_assignments(user=user), picked, clock)
        qs = qs.filter(pk__in=matching.values("task"))
    if campaign := filters.get("campaign"):
        qs = qs.filter(campaign=campaign)
    if after := filters.get("deadline_after"):
        qs = qs.filter(deadline__gte=after)
    if before := filters.get("deadline_before"):
        qs = qs.filter(deadline__lte=before)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(title__icontains=q) | Q(content__icontains=q))
    return qs


def task_get(*, user: User, pk: Any) -> Task:
    return get_object_or_404(task_list(user=user), pk=pk)


def task_assignments(*, user: User, task: Task) -> QuerySet[TaskAssignment]:
    """The task's assignments ``user`` may see (a head: their own unit's), with what the
    task page shows of each."""
    return (
        visible_assignments(user=user)
        .filter(task=task)
        .select_related("unit", "signed_by")
        .annotate(open_chasers=Count("chasers", filter=Q(chasers__acknowledged_at__isnull=True)))
        .prefetch_related("attachments")
    )


@dataclass(frozen=True)
class TaskProgress:
    """Per-unit progress of a task, for staff: how many assignments are in each state."""

    total: int
    done: int
    overdue: int
    due_soon: int
    returned: int
    not_signed: int

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def task_progress(assignments: Iterable[TaskAssignment]) -> TaskProgress:
    """Counts over assignments that already carry ``.light`` (see ``with_lights``)."""
    rows = list(assignments)
    return TaskProgress(
        total=len(rows),
        done=sum(a.status == TaskAssignment.Status.DONE for a in rows),
        overdue=sum(a.light == Light.RED for a in rows),
        due_soon=sum(a.light == Light.YELLOW for a in rows),
        returned=sum(a.status == TaskAssignment.Status.RETURNED for a in rows),
        not_signed=sum(a.status == TaskAssignment.Status.ISSUED for a in rows),
    )


# --- Assignments -----------------------------------------------------------------------


def assignment_list(
    *, user: User, filters: dict[str, Any] | None = None, clock: LightClock | None = None
) -> QuerySet[TaskAssignment]:
    """Assignments ``user`` may see, filtered; those with chasers not yet signed for come
    first (``open_chasers``), then by deadline."""
    qs = filter_assignments(visible_assignments(user=user), filters or {}, clock or LightClock())
    return (
        qs.select_related("task", "task__campaign", "unit")
        .annotate(open_chasers=Count("chasers", filter=Q(chasers__acknowledged_at__isnull=True)))
        .order_by("-open_chasers", "deadline", "task_id", "pk")
    )


def assignment_get(*, user: User, pk: Any) -> TaskAssignment:
    qs = visible_assignments(user=user).select_related(
        "task",
        "task__campaign",
        "task__meeting",
        "task__directive",
        "task__lead_unit",
        "unit",
        "signed_by",
    )
    return get_object_or_404(qs, pk=pk)


def assignment_detail_parts(assignment: TaskAssignment) -> dict[str, Any]:
    """What the assignment page and API show beside the assignment itself, a fixed number
    of queries. Precondition: ``assignment`` came through ``assignment_get``."""
    return {
        "attachments": list(assignment.attachments.select_related("uploaded_by")),
        "events": list(assignment.events.select_related("actor")),
        "extension_requests": list(
            assignment.extension_requests.select_related("requested_by", "decided_by")
        ),
        "chasers": list(assignment.chasers.select_related("sent_by", "acknowledged_by")),
        "progress_reports": list(assignment.progress_reports.select_related("submitted_by")),
    }


def attachment_get(*, user: User, pk: Any) -> AssignmentAttachment:
    """An attachment the user may see, by the assignment's unit and by role."""
    qs = scope_queryset(
        AssignmentAttachment.objects.all(),
        user,
        perms=("campaigns.view_taskassignment", "campaigns.view_assignmentattachment"),
    )
    return get_object_or_404(qs.select_related("assignment"), pk=pk)


def open_chasers(*, user: User) -> QuerySet[Chaser]:
    """Chasers not yet signed for, of the assignments ``user`` may see, newest first."""
    qs = scope_queryset(Chaser.objects.all(), user).filter(acknowledged_at__isnull=True)
    return qs.select_related("assignment__task", "assignment__unit", "sent_by")


def chaser_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Chaser]:
    filters = filters or {}
    qs = scope_queryset(Chaser.objects.all(), user)
    if filters.get("open") is True:
        qs = qs.filter(acknowledged_at__isnull=True)
    elif filters.get("open") is False:
        qs = qs.filter(acknowledged_at__isnull=False)
    if assignment := filters.get("assignment"):
        qs = qs.filter(assignment=assignment)
    return qs.select_related("assignment__task", "assignment__unit", "sent_by", "acknowledged_by")


def chaser_get(*, user: User, pk: Any) -> Chaser:
    return get_object_or_404(chaser_list(user=user), pk=pk)


def extension_request_list(
    *, user: User, filters: dict[str, Any] | None = None
) -> QuerySet[ExtensionRequest]:
    filters = filters or {}
    qs = scope_queryset(ExtensionRequest.objects.all(), user)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if assignment := filters.get("assignment"):
        qs = qs.filter(assignment=assignment)
    return qs.select_related("assignment__task", "assignment__unit", "requested_by", "decided_by")


def extension_request_get(*, user: User, pk: Any) -> ExtensionRequest:
    return get_object_or_404(extension_request_list(user=user), pk=pk)


def progress_report_list(
    *, user: User, filters: dict[str, Any] | None = None
) -> QuerySet[ProgressReport]:
    filters = filters or {}
    qs = scope_queryset(ProgressReport.objects.all(), user)
    if assignment := filters.get("assignment"):
        qs = qs.filter(assignment=assignment)
    return qs.select_related("assignment__task", "assignment__unit", "submitted_by")


def progress_report_get(*, user: User, pk: Any) -> ProgressReport:
    return get_object_or_404(progress_report_list(user=user), pk=pk)


def assignment_events(assignment: TaskAssignment) -> QuerySet[AssignmentEvent]:
    return assignment.events.select_related("actor")


# --- Progress reports: which periods are due -------------------------------------------


def _period_end(day: date, every: str) -> date:
    """The last day of the reporting period that holds ``day``: weeks end on Sunday,
    months on their last day."""
    if every == Task.ReportEvery.WEEKLY:
        return day + timedelta(days=6 - day.weekday())
    if every == Task.ReportEvery.MONTHLY:
        return day.replace(day=pycalendar.monthrange(day.year, day.month)[1])
    raise ValueError(every)


def period_ends(*, every: str, first_day: date, last_day: date) -> list[date]:
    """The ends of the reporting periods from the one holding ``first_day`` to the one
    holding ``last_day``."""
    ends: list[date] = []
    if not every or last_day < first_day:
        return ends
    end = _period_end(first_day, every)
    while True:
        ends.append(end)
        if end >= last_day:
            return ends
        end = _period_end(end + timedelta(days=1), every)


@dataclass(frozen=True)
class ReportSchedule:
    """An assignment's periodic reports: the periods that have ended (``due``), those of
    them with no report (``missing``), and the current period (``current``, which the
    unit may already report on)."""

    due: list[date]
    missing: list[date]
    current: date | None

    @property
    def open_periods(self) -> list[date]:
        """The periods a report may be filed for now: missing ones and the current one."""
        return [*self.missing, *([self.current] if self.current else [])]


def progress_schedule(
    assignment: TaskAssignment, *, today: date | None = None, reported: Iterable[date] | None = None
) -> ReportSchedule:
    """Computed from the task's issue date; periods stop once the assignment is done.
    Pass ``reported`` (period ends already reported) to save a query."""
    every = assignment.task.report_every
    if not every:
        return ReportSchedule([], [], None)
    today = today or timezone.localdate()
    issued_on = timezone.localdate(assignment.task.created_at)
    if assignment.status == TaskAssignment.Status.DONE and assignment.done_at:
        stop = timezone.localdate(assignment.done_at)
        ends = period_ends(every=every, first_day=issued_on, last_day=stop)
        due, current = [e for e in ends if e < stop], None
    else:
        ends = period_ends(every=every, first_day=issued_on, last_day=today)
        due = [e for e in ends if e < today]
        current = next((e for e in ends if e >= today), None)
    if reported is None:
        reported = assignment.progress_reports.values_list("period_end", flat=True)
    done = set(reported)
    return ReportSchedule(due=due, missing=[e for e in due if e not in done], current=current)


# --- Completion by unit (the home page's chart) ----------------------------------------


def completion_by_unit(*, user: User, since: date, today: date | None = None) -> list[dict]:
    """Per unit, the task assignments ``user`` sees with a deadline from ``since`` on
    (later ones included): done, open within the deadline, and overdue (open with the
    deadline past). A head sees only their unit. One query."""
    today = today or timezone.localdate()
    is_open = Q(status__in=TaskAssignment.OPEN_STATUSES)
    rows = (
        visible_assignments(user=user)
        .filter(deadline__gte=since)
        .values("unit", "unit__name")
        .annotate(
            assigned=Count("pk"),
            done=Count("pk", filter=Q(status=TaskAssignment.Status.DONE)),
            on_time=Count("pk", filter=is_open & Q(deadline__gte=today)),
            overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
        )
        .order_by("unit__order", "unit__name")
    )
    return [
        {**row, "rate": round(100 * row["done"] / row["assigned"], 1) if row["assigned"] else None}
        for row in rows
    ]
