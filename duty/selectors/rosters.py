"""Reads of rosters, shifts (current, upcoming, the month calendar), fairness and swap
requests.

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

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safetyzone.calendar import WorkingCalendar
from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import scope_queryset, sees_all_units

from .. import checks
from ..generator import Day, Past, period_days
from ..models import (
    DutyRoster,
    Shift,
    ShiftAssignment,
    SwapRequest,
    WeatherWarning,
)
from ..times import changeover


def duty_days(roster: DutyRoster) -> list[Day]:
    """The days of ``roster`` with the officers each calls for and whether it is a
    weekend or a public holiday (by the working-day calendar). Three queries."""
    calendar = WorkingCalendar()
    needs = checks.extra_needs(roster.start_date, roster.end_date)
    days = []
    for d in period_days(roster.start_date, roster.end_date):
        rest = not calendar.is_working_day(d)
        extra = needs[d].extra_officers if d in needs else 0
        days.append(
            Day(
                date=d,
                officers_needed=roster.officers_per_shift + extra,
                rest_day=rest,
                holiday=rest and d.weekday() < 5,
            )
        )
    return days


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


def _previous_roster(user: User, roster: DutyRoster) -> int | None:
    """The roster ``roster`` carries on from: of the same unit, readable by ``user``, with
    people on it, ending before ``roster`` starts; the one ending the day before, else the
    latest. Its pk, or None. One query."""
    return (
        _visible_rosters(user)
        .filter(
            unit=roster.unit_id,
            end_date__lt=roster.start_date,
            shifts__assignments__isnull=False,
        )
        .exclude(pk=roster.pk)
        .order_by("-end_date", "-start_date", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def roster_previous_pools(*, user: User, roster: DutyRoster) -> dict[str, list[int]]:
    """The pools the generator starts from for ``roster``: the leaders and the officers
    who had shifts on the roster it carries on from (:func:`_previous_roster`), each in
    rotation order (by their first shift on it). Empty when there is none, so nothing is
    preselected. Two queries."""
    previous = _previous_roster(user, roster)
    pools: dict[str, list[int]] = {"leaders": [], "officers": []}
    if previous is None:
        return pools
    rows = (
        ShiftAssignment.objects.filter(shift__roster=previous)
        .order_by("shift__date", "pk")
        .values_list("role", "person_id")
    )
    field = {ShiftAssignment.Role.LEADER: "leaders", ShiftAssignment.Role.OFFICER: "officers"}
    for role, person_id in rows:
        people = pools[field[role]]
        if person_id not in people:
            people.append(person_id)
    # Someone moved between the roles by hand stays a leader: the pools may not overlap.
    pools["officers"] = [p for p in pools["officers"] if p not in pools["leaders"]]
    return pools


def roster_history(*, user: User, roster: DutyRoster) -> dict[int, Past]:
    """Per person on the roster ``roster`` carries on from, their last shift on it and
    their number of shifts there: where the generator's rotation continues. Empty when
    there is none. Two queries."""
    previous = _previous_roster(user, roster)
    if previous is None:
        return {}
    rows = (
        ShiftAssignment.objects.filter(shift__roster=previous)
        .values("person_id")
        .annotate(last=Max("shift__date"), shifts=Count("shift", distinct=True))
        .values_list("person_id", "last", "shifts")
    )
    return {person_id: Past(last, shifts) for person_id, last, shifts in rows}


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
    """Weeks (Monday first) of the month, each day with its visible shifts and its
    working-day mark (:meth:`safetyzone.calendar.WorkingCalendar.day_mark`)."""
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
    working = WorkingCalendar()
    weeks = []
    day = start
    while day <= last or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append(
            {
                "date": day,
                "in_month": day.month == month,
                "shifts": by_day[day],
                "mark": working.day_mark(day),  # a holiday or a make-up working day
            }
        )
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


def duty_day_start(d: date) -> datetime:
    return changeover(d)
