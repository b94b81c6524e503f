"""Reads that combine the campaigns areas: the calendar and the home panel."""

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from safetyzone.calendar import WorkingCalendar
from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset, sees_all_units

from ..models import Activity, Campaign, CampaignPhase, KeyPeriod, Meeting, TaskAssignment


def visible_meetings(*, user: User) -> QuerySet[Meeting]:
    """Staff see every meeting; others only issued meetings of their unit."""
    qs = scope_queryset(Meeting.objects.all(), user)
    if not sees_all_units(user):
        qs = qs.filter(status=Meeting.Status.ISSUED)
    return qs


def current_campaigns(*, on: date) -> list[tuple[Campaign, CampaignPhase | None]]:
    """Campaigns running on ``on`` (the carrier last), each with its phase that day."""
    campaigns = list(
        Campaign.objects.filter(start_date__lte=on, end_date__gte=on)
        .select_related("parent")
        .prefetch_related("phases")
        .order_by("end_date", "pk")
    )
    result = []
    for campaign in campaigns:
        phase = next((p for p in campaign.phases.all() if p.start_date <= on <= p.end_date), None)
        result.append((campaign, phase))
    return result


def key_periods_soon(*, today: date, days: int = 30) -> QuerySet[KeyPeriod]:
    """Key periods under way today or starting within ``days``: the hub and home panel."""
    return KeyPeriod.objects.filter(
        end_date__gte=today, start_date__lte=today + timedelta(days=days)
    ).order_by("start_date", "pk")


def open_assignments(*, user: User, limit: int = 10) -> QuerySet[TaskAssignment]:
    """The open task assignments the user's unit must act on (staff: all), soonest first."""
    qs = scope_queryset(TaskAssignment.objects.all(), user).exclude(
        status=TaskAssignment.Status.DONE
    )
    return qs.select_related("task", "unit").order_by("deadline", "pk")[:limit]


@dataclass(frozen=True)
class CalendarEvent:
    kind: str  # key_period, meeting, activity, deadline
    title: str
    start: date
    end: date
    url: str
    css: str
    is_exercise: bool = False


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    events: list[CalendarEvent]
    mark: str | None = None  # "off" (a holiday) or "workday" (调休), as WorkingCalendar says

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


@dataclass(frozen=True)
class CalendarBar:
    """A multi-day event's piece in one week: one bar from ``start`` (0 = Monday) over
    ``span`` days; ``before``/``after``: it goes on in the week before or after."""

    event: CalendarEvent
    start: int
    span: int
    before: bool
    after: bool

    @property
    def rest(self) -> int:
        return 7 - self.start - self.span


class CalendarWeek(list):
    """A week's seven CalendarDay, with its key periods drawn as bars across the days."""

    def __init__(self, days, bars):
        super().__init__(days)
        self.bars = bars


def _bars(week: list[date], periods: list[CalendarEvent]) -> list[CalendarBar]:
    bars = []
    for event in periods:
        if event.end < week[0] or event.start > week[-1]:
            continue
        start, end = max(event.start, week[0]), min(event.end, week[-1])
        bars.append(
            CalendarBar(
                event,
                (start - week[0]).days,
                (end - start).days + 1,
                event.start < week[0],
                event.end > week[-1],
            )
        )
    return bars


def month_events(*, user: User, year: int, month: int) -> list[CalendarWeek]:
    """The weeks of a month (Monday first), each day with the events the user may see.
    A fixed number of queries whatever the number of events."""
    cal = pycalendar.Calendar(firstweekday=0)
    weeks_dates = cal.monthdatescalendar(year, month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    events: list[CalendarEvent] = []
    for period in KeyPeriod.objects.filter(start_date__lte=last, end_date__gte=first):
        events.append(
            CalendarEvent(
                "key_period",
                period.name,
                period.start_date,
                period.end_date,
                period.get_absolute_url(),
                f"risk-{period.risk_level}",
            )
        )
    tz = timezone.get_current_timezone()
    meetings = visible_meetings(user=user).filter(
        starts_at__date__gte=first, starts_at__date__lte=last
    )
    for meeting in meetings:
        day = timezone.localtime(meeting.starts_at, tz).date()
        events.append(
            CalendarEvent("meeting", meeting.title, day, day, meeting.get_absolute_url(), "meeting")
        )
    activities = scope_queryset(Activity.objects.all(), user).filter(
        date__gte=first, date__lte=last
    )
    for activity in activities:
        events.append(
            CalendarEvent(
                "activity",
                activity.title,
                activity.date,
                activity.date,
                activity.get_absolute_url(),
                "activity",
                is_exercise=activity.is_exercise,
            )
        )
    assignments = (
        scope_queryset(TaskAssignment.objects.all(), user)
        .filter(deadline__gte=first, deadline__lte=last)
        .exclude(status=TaskAssignment.Status.DONE)
        .select_related("task", "unit")
        .order_by("deadline", "task_id", "unit__order", "unit_id")
    )
    # A task's deadline once a day, however many of its units it waits for.
    due: dict[tuple[int, date], list[TaskAssignment]] = {}
    for assignment in assignments:
        due.setdefault((assignment.task_id, assignment.deadline), []).append(assignment)
    for (_task_id, deadline), waiting in due.items():
        task = waiting[0].task
        if len(waiting) == 1:
            unit = waiting[0].unit
            who = unit.short_name or unit.name
        else:
            who = ngettext("%(count)d unit", "%(count)d units", len(waiting)) % {
                "count": len(waiting)
            }
        events.append(
            CalendarEvent(
                "deadline",
                f"{task.title} · {who}",
                deadline,
                deadline,
                task.get_absolute_url(),
                "deadline",
            )
        )
    periods = [e for e in events if e.kind == "key_period"]
    working = WorkingCalendar()
    by_day: dict[date, list[CalendarEvent]] = {}
    for event in events:
        if event.kind == "key_period":
            continue  # drawn as bars across its days
        day = max(event.start, first)
        while day <= min(event.end, last):
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    order = {"key_period": 0, "meeting": 1, "activity": 2, "deadline": 3}
    return [
        CalendarWeek(
            [
                CalendarDay(
                    d,
                    d.month == month,
                    sorted(by_day.get(d, []), key=lambda e: order[e.kind]),
                    working.day_mark(d),
                )
                for d in week
            ],
            _bars(week, periods),
        )
        for week in weeks_dates
    ]
