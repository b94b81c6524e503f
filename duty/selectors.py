"""Reads of the duty domain that depend on who asks.

Scope: committee staff and admins see everything. Others see the rosters of their unit
and those with people of their unit on them, and what was logged and reported on
those shifts. The zone's duty is everyone's business, so a published roster of the
committee office (安委办) is readable by every signed-in user: whom to call tonight.
Resources and rescue teams follow their owning unit; weather warnings are public.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import scope_queryset, sees_all_units

from .models import (
    DutyLogEntry,
    DutyRoster,
    EmergencyResource,
    Handover,
    IncidentReport,
    IncidentUpdate,
    OpenMatter,
    RescueTeam,
    RescueTeamMember,
    Shift,
    ShiftAssignment,
    StandbyAssignment,
    StockMovement,
    SwapRequest,
    WeatherWarning,
)
from .services import report_limits
from .times import changeover

# --- Rosters and shifts ---------------------------------------------------------------


def _raising_warning_over(start_field: str, end_field: str) -> Exists:
    """An orange or red warning in force at some time of the roster's period."""
    return Exists(
        WeatherWarning.objects.filter(
            level__in=WeatherWarning.RAISING_LEVELS,
            issued_at__date__lte=OuterRef(end_field),
            valid_until__date__gte=OuterRef(start_field),
        ).filter(Q(lifted_at__isnull=True) | Q(lifted_at__date__gte=OuterRef(start_field)))
    )


def _visible_rosters(user: User) -> QuerySet[DutyRoster]:
    """The rosters ``user`` may read, as a bare queryset (no joins, no annotations)."""
    if not getattr(user, "is_authenticated", False):
        return DutyRoster.objects.none()
    if sees_all_units(user):
        return DutyRoster.objects.all()
    mine = scope_queryset(DutyRoster.objects.all(), user).values("pk")
    return DutyRoster.objects.filter(
        Q(pk__in=mine)
        | Q(status=DutyRoster.Status.PUBLISHED, unit__membership=Unit.Membership.OFFICE)
    )


def roster_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[DutyRoster]:
    qs = _visible_rosters(user)
    filters = filters or {}
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if unit := filters.get("unit"):
        qs = qs.filter(unit=unit)
    if on := filters.get("on"):
        qs = qs.filter(start_date__lte=on, end_date__gte=on)
    return qs.select_related("unit").annotate(
        warning_flag=_raising_warning_over("start_date", "end_date")
    )


def roster_get(*, user: User, pk: Any) -> DutyRoster:
    return get_object_or_404(roster_list(user=user), pk=pk)


def _with_people(qs: QuerySet[Shift]) -> QuerySet[Shift]:
    return qs.select_related("roster", "roster__unit").prefetch_related(
        Prefetch(
            "assignments",
            queryset=ShiftAssignment.objects.select_related("person").order_by("role", "pk"),
        )
    )


def shift_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Shift]:
    if sees_all_units(user):
        qs = Shift.objects.all()  # every shift is on some roster
    else:
        qs = Shift.objects.filter(roster__in=_visible_rosters(user).values("pk"))
    filters = filters or {}
    if roster := filters.get("roster"):
        qs = qs.filter(roster=roster)
    if start := filters.get("date_from"):
        qs = qs.filter(date__gte=start)
    if end := filters.get("date_to"):
        qs = qs.filter(date__lte=end)
    if person := filters.get("person"):
        qs = qs.filter(assignments__person=person)
    if filters.get("published"):
        qs = qs.filter(roster__status=DutyRoster.Status.PUBLISHED)
    return _with_people(qs).order_by("starts_at", "pk")


def shift_get(*, user: User, pk: Any) -> Shift:
    return get_object_or_404(shift_list(user=user), pk=pk)


def shifts_at(*, user: User, at: datetime) -> list[Shift]:
    """The published shifts in force at ``at`` that ``user`` may see."""
    return list(
        shift_list(user=user, filters={"published": True}).filter(starts_at__lte=at, ends_at__gt=at)
    )


def tonight_at(now: datetime) -> datetime:
    """Ten in the evening of the duty day that is running or about to begin."""
    local = timezone.localtime(now)
    day = local.date()
    return timezone.make_aware(datetime.combine(day, time(22, 0)))


def shifts_current(*, user: User, now: datetime | None = None) -> dict[str, list[Shift]]:
    """Who is on duty now and tonight (two short lists, a fixed number of queries)."""
    now = now or timezone.now()
    tonight = tonight_at(now)
    shifts = list(
        shift_list(user=user, filters={"published": True}).filter(
            Q(starts_at__lte=now, ends_at__gt=now) | Q(starts_at__lte=tonight, ends_at__gt=tonight)
        )
    )
    return {
        "now": [s for s in shifts if s.starts_at <= now < s.ends_at],
        "tonight": [s for s in shifts if s.starts_at <= tonight < s.ends_at],
    }


def on_duty_now(*, user: User, at: datetime | None = None) -> bool:
    """Is ``user`` in the duty office now: on a shift of a published roster that has
    begun and is not closed, either still running or past its end while its handover
    waits for the incoming leader (the people on duty stay so until it is confirmed).
    One query."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    at = at or timezone.now()
    return ShiftAssignment.objects.filter(
        Q(shift__ends_at__gt=at) | Q(shift__handover__isnull=False),
        person=user,
        shift__roster__status=DutyRoster.Status.PUBLISHED,
        shift__starts_at__lte=at,
        shift__closed_at__isnull=True,
    ).exists()


def my_upcoming_shifts(*, user: User, now: datetime | None = None) -> QuerySet[Shift]:
    now = now or timezone.now()
    return (
        _with_people(Shift.objects.filter(assignments__person=user, ends_at__gt=now))
        .filter(roster__status=DutyRoster.Status.PUBLISHED)
        .order_by("starts_at")
    )


def month_days(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def month_calendar(
    *, user: User, year: int, month: int, roster: DutyRoster | None = None
) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of the month, each day with its visible shifts."""
    first, last = month_days(year, month)
    filters: dict[str, Any] = {"date_from": first, "date_to": last}
    if roster is not None:
        filters["roster"] = roster
    else:
        filters["published"] = True
    by_day: dict[date, list[Shift]] = defaultdict(list)
    for shift in shift_list(user=user, filters=filters):
        by_day[shift.date].append(shift)
    start = first - timedelta(days=first.weekday())
    weeks = []
    day = start
    while day <= last or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append({"date": day, "in_month": day.month == month, "shifts": by_day[day]})
        day += timedelta(days=1)
    return weeks


@dataclass
class PersonHours:
    person: User
    shifts: int
    hours: Decimal
    rest_day_shifts: int
    as_leader: int


def fairness(*, user: User, start: date, end: date, unit: Unit | None = None) -> list[PersonHours]:
    """Hours on duty per person over ``start``..``end`` (published shifts), with the
    shifts on weekends and holidays. Three queries."""
    from safetyzone.calendar import WorkingCalendar

    assignments = ShiftAssignment.objects.filter(
        shift__in=shift_list(user=user, filters={"published": True}).values("pk"),
        shift__date__gte=start,
        shift__date__lte=end,
    ).select_related("person", "shift")
    if unit is not None:
        assignments = assignments.filter(shift__roster__unit=unit)
    calendar = WorkingCalendar()
    rows: dict[int, PersonHours] = {}
    for a in assignments:
        row = rows.setdefault(a.person_id, PersonHours(a.person, 0, Decimal(0), 0, 0))
        row.shifts += 1
        seconds = (a.shift.ends_at - a.shift.starts_at).total_seconds()
        row.hours += Decimal(seconds) / Decimal(3600)
        row.rest_day_shifts += not calendar.is_working_day(a.shift.date)
        row.as_leader += a.role == ShiftAssignment.Role.LEADER
    return sorted(rows.values(), key=lambda r: (-r.hours, str(r.person)))


def swap_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[SwapRequest]:
    if sees_all_units(user):
        qs = SwapRequest.objects.all()
    elif getattr(user, "is_authenticated", False):
        qs = SwapRequest.objects.filter(Q(requester=user) | Q(counterpart=user))
    else:
        qs = SwapRequest.objects.none()
    filters = filters or {}
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    return qs.select_related(
        "shift__roster", "counterpart_shift", "requester", "counterpart", "decided_by"
    )


def swap_get(*, user: User, pk: Any) -> SwapRequest:
    return get_object_or_404(swap_list(user=user), pk=pk)


# --- Log, handover, reports ----------------------------------------------------------


def log_entry_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = scope_queryset(DutyLogEntry.objects.all(), user)
    filters = filters or {}
    if shift := filters.get("shift"):
        qs = qs.filter(shift=shift)
    if start := filters.get("date_from"):
        qs = qs.filter(shift__date__gte=start)
    if end := filters.get("date_to"):
        qs = qs.filter(shift__date__lte=end)
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    return qs.select_related("author", "shift__roster", "corrects").prefetch_related("corrections")


def log_entry_get(*, user: User, pk: Any) -> DutyLogEntry:
    return get_object_or_404(log_entry_list(user=user), pk=pk)


def handover_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Handover]:
    qs = scope_queryset(Handover.objects.all(), user)
    filters = filters or {}
    if shift := filters.get("shift"):
        qs = qs.filter(shift=shift)
    return qs.select_related(
        "shift__roster", "next_shift", "created_by", "confirmed_by"
    ).prefetch_related(
        "outgoing", "incoming", Prefetch("matters", queryset=OpenMatter.objects.order_by("pk"))
    )


def handover_get(*, user: User, pk: Any) -> Handover:
    return get_object_or_404(handover_list(user=user), pk=pk)


def open_matter_get(*, user: User, pk: Any) -> OpenMatter:
    return get_object_or_404(scope_queryset(OpenMatter.objects.all(), user), pk=pk)


def incident_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[IncidentReport]:
    qs = scope_queryset(IncidentReport.objects.all(), user)
    filters = filters or {}
    for key in ("kind", "level", "shift"):
        if value := filters.get(key):
            qs = qs.filter(**{key: value})
    if start := filters.get("date_from"):
        qs = qs.filter(received_at__date__gte=start)
    if end := filters.get("date_to"):
        qs = qs.filter(received_at__date__lte=end)
    return qs.select_related("shift__roster", "recorded_by").prefetch_related(
        Prefetch("updates", queryset=IncidentUpdate.objects.order_by("sent_at", "pk"))
    )


def open_incidents(*, user: User) -> QuerySet[IncidentReport]:
    """Incident reports the user may see whose final report (终报) has not been sent
    yet, newest first, with their chain of reports prefetched for the deadlines."""
    return (
        incident_list(user=user)
        .exclude(updates__kind=IncidentUpdate.Kind.FINAL)
        .order_by("-received_at", "-pk")
    )


def incident_get(*, user: User, pk: Any) -> IncidentReport:
    return get_object_or_404(incident_list(user=user), pk=pk)


def incident_update_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = IncidentUpdate.objects.filter(report__in=incident_list(user=user).values("pk"))
    if report := (filters or {}).get("report"):
        qs = qs.filter(report=report)
    return qs.select_related("report", "recorded_by")


@dataclass(frozen=True)
class Deadline:
    """A time limit of an incident report and whether it was met."""

    label: str
    due: datetime
    done_at: datetime | None

    @property
    def state(self) -> str:
        if self.done_at is not None:
            return "met" if self.done_at <= self.due else "late"
        return "running" if timezone.now() < self.due else "overdue"

    @property
    def met(self) -> bool | None:
        if self.done_at is None:
            return None if timezone.now() < self.due else False
        return self.done_at <= self.due

    @property
    def late_by(self) -> timedelta | None:
        if self.done_at is not None and self.done_at > self.due:
            return self.done_at - self.due
        return None


def incident_deadlines(report: IncidentReport) -> list[Deadline]:
    """The phone and written limits of ``report`` (from settings, by level): when each
    falls and when it was met. Uses the prefetched chain."""
    phone, written = report_limits(report.level)
    updates = sorted(report.updates.all(), key=lambda u: u.sent_at)
    first = updates[0].sent_at if updates else None
    first_written = next(
        (u.sent_at for u in updates if u.method == IncidentUpdate.Method.WRITTEN), None
    )
    return [
        Deadline(str(_("Report by phone")), report.received_at + phone, first),
        Deadline(str(_("Written report")), report.received_at + written, first_written),
    ]


# --- Warnings, resources, teams -------------------------------------------------------


def warning_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return WeatherWarning.objects.none()
    qs = WeatherWarning.objects.select_related("recorded_by")
    filters = filters or {}
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if filters.get("active"):
        now = timezone.now()
        qs = qs.filter(issued_at__lte=now, valid_until__gt=now).filter(
            Q(lifted_at__isnull=True) | Q(lifted_at__gt=now)
        )
    return qs


def warning_get(*, user: User, pk: Any) -> WeatherWarning:
    return get_object_or_404(warning_list(user=user), pk=pk)


BANNER_CACHE_SECONDS = 60


def _banner_cache_key() -> str:
    # One namespace per database: test databases sharing a Redis never mix.
    return f"duty:banner-warnings:{connection.settings_dict['NAME']}"


def banner_warnings(now: datetime | None = None) -> list[WeatherWarning]:
    """The active warnings for the banner on every page: read from the cache (filled
    at most once a minute, cleared whenever a warning is recorded or lifted), so that
    pages pay no query for it."""
    now = now or timezone.now()
    upcoming = cache.get(_banner_cache_key())
    if upcoming is None:
        upcoming = list(
            WeatherWarning.objects.filter(valid_until__gt=now).filter(
                Q(lifted_at__isnull=True) | Q(lifted_at__gt=now)
            )
        )
        cache.set(_banner_cache_key(), upcoming, BANNER_CACHE_SECONDS)
    order = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
    active = [
        w
        for w in upcoming
        if w.issued_at <= now < w.valid_until and (w.lifted_at is None or w.lifted_at > now)
    ]
    return sorted(active, key=lambda w: (order.get(w.level, 9), w.issued_at))


def banner_warnings_forget() -> None:
    cache.delete(_banner_cache_key())


def active_warnings(now: datetime | None = None) -> list[WeatherWarning]:
    now = now or timezone.now()
    order = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
    warnings = WeatherWarning.objects.filter(issued_at__lte=now, valid_until__gt=now).filter(
        Q(lifted_at__isnull=True) | Q(lifted_at__gt=now)
    )
    return sorted(warnings, key=lambda w: (order.get(w.level, 9), w.issued_at))


def resource_list(
    *, user: User, filters: dict[str, Any] | None = None
) -> QuerySet[EmergencyResource]:
    qs = scope_queryset(EmergencyResource.objects.all(), user).select_related("unit")
    filters = filters or {}
    for key in ("kind", "status", "unit"):
        if value := filters.get(key):
            qs = qs.filter(**{key: value})
    if filters.get("low"):
        qs = qs.filter(quantity__lte=F("low_stock_threshold"))
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(storage_place__icontains=q))
    return qs


def resource_get(*, user: User, pk: Any) -> EmergencyResource:
    return get_object_or_404(resource_list(user=user), pk=pk)


def movement_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = scope_queryset(StockMovement.objects.all(), user)
    if resource := (filters or {}).get("resource"):
        qs = qs.filter(resource=resource)
    return qs.select_related("resource", "recorded_by")


def team_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[RescueTeam]:
    qs = scope_queryset(RescueTeam.objects.all(), user).select_related("unit")
    if unit := (filters or {}).get("unit"):
        qs = qs.filter(unit=unit)
    return qs.prefetch_related(
        Prefetch("members", queryset=RescueTeamMember.objects.order_by("pk"))
    )


def team_get(*, user: User, pk: Any) -> RescueTeam:
    return get_object_or_404(team_list(user=user), pk=pk)


def standby_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = scope_queryset(StandbyAssignment.objects.all(), user)
    filters = filters or {}
    for key in ("key_period", "team", "resource"):
        if value := filters.get(key):
            qs = qs.filter(**{key: value})
    return qs.select_related("key_period", "team", "resource")


def standby_get(*, user: User, pk: Any) -> StandbyAssignment:
    return get_object_or_404(standby_list(user=user), pk=pk)


def duty_day_start(d: date) -> datetime:
    return changeover(d)
