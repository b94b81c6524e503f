"""What a roster calls for, and the checks any roster must pass before it is published.

Both read in a fixed number of queries, whatever the length of the roster.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from safetyzone.calendar import holiday_blocks

from .generator import period_days
from .models import DutyRoster, Shift, ShiftAssignment, Unavailability, WeatherWarning
from .times import changeover, duty_day_of, shift_window


@dataclass(frozen=True)
class DayNeed:
    extra_officers: int
    reasons: tuple[str, ...]


def warning_extra_officers(level: str) -> int:
    if level == WeatherWarning.Level.RED:
        return settings.DUTY_WARNING_EXTRA_OFFICERS_RED
    if level == WeatherWarning.Level.ORANGE:
        return settings.DUTY_WARNING_EXTRA_OFFICERS_ORANGE
    return 0


def extra_needs(start: date, end: date) -> dict[date, DayNeed]:
    """Extra officers each duty day of ``start``..``end`` calls for: the long holidays
    (``settings.DUTY_LONG_HOLIDAYS``, each day of their block off work calls for
    ``DUTY_LONG_HOLIDAY_EXTRA_OFFICERS``), the key periods covering it (their
    ``extra_duty_officers``) and the orange or red warnings in force during its shift;
    the largest of them counts. Two queries."""
    from campaigns.models import KeyPeriod

    extra: dict[date, int] = defaultdict(int)
    reasons: dict[date, list[str]] = defaultdict(list)
    # A year's New Year's Day may begin in the December before it.
    for year in range(start.year, end.year + 2):
        for block in holiday_blocks(year):
            if block.name_key not in settings.DUTY_LONG_HOLIDAYS:
                continue
            for d in period_days(max(start, block.first), min(end, block.last)):
                reasons[d].append(block.name)
                extra[d] = max(extra[d], settings.DUTY_LONG_HOLIDAY_EXTRA_OFFICERS)
    periods = KeyPeriod.objects.filter(start_date__lte=end, end_date__gte=start)
    for period in periods:
        for d in period_days(max(start, period.start_date), min(end, period.end_date)):
            reasons[d].append(str(period.name))
            extra[d] = max(extra[d], period.extra_duty_officers)
    first, _last = shift_window(start)
    _first, last = shift_window(end)
    warnings = WeatherWarning.objects.filter(
        level__in=WeatherWarning.RAISING_LEVELS, issued_at__lt=last, valid_until__gt=first
    ).filter(Q(lifted_at__isnull=True) | Q(lifted_at__gt=first))
    for warning in warnings:
        day = max(start, duty_day_of(warning.issued_at))
        final = min(end, duty_day_of(warning.ends_at - timedelta(microseconds=1)))
        for d in period_days(day, final) if day <= final else []:
            reasons[d].append(str(warning))
            extra[d] = max(extra[d], warning_extra_officers(warning.level))
    return {d: DayNeed(extra[d], tuple(reasons[d])) for d in reasons}


@dataclass(frozen=True)
class CheckIssue:
    code: str
    date: date
    message: str
    shift_id: int | None = None
    # Whom the issue is about (leave, two shifts at once or in a row), and how many
    # officers a shift is short of: what tells an edit that makes a day worse.
    person_id: int | None = None
    shortfall: int = 0


def _name(user) -> str:
    return str(user)


def _when(d: date) -> str:
    return date_format(d, "Y-m-d")


def roster_check(*, roster: DutyRoster) -> list[CheckIssue]:
    """Every failing check of ``roster``, by day: a gap or an overlap in time, a shift
    without a leader or short of officers, a person on two shifts at once or on two in a
    row (here or on another roster), a person on leave. Six queries."""
    shifts = list(
        Shift.objects.filter(roster=roster)
        .order_by("starts_at", "pk")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ShiftAssignment.objects.select_related("person").order_by("role", "pk"),
            )
        )
    )
    issues: list[CheckIssue] = []
    if not shifts:
        return [CheckIssue("gap", roster.start_date, _("The roster has no shifts yet."))]

    # Time: from the first day's change-over to the day after the last, no gap, no overlap.
    expected_start = changeover(roster.start_date)
    expected_end = changeover(roster.end_date + timedelta(days=1))
    cursor: datetime = expected_start
    for shift in shifts:
        if shift.starts_at > cursor:
            issues.append(
                CheckIssue(
                    "gap",
                    duty_day_of(cursor),
                    _("Nobody is on duty from %(start)s to %(end)s.")
                    % {"start": _moment(cursor), "end": _moment(shift.starts_at)},
                )
            )
        elif shift.starts_at < cursor and shift is not shifts[0]:
            issues.append(
                CheckIssue(
                    "overlap",
                    shift.date,
                    _("This shift overlaps the one before it (until %(end)s).")
                    % {"end": _moment(cursor)},
                    shift.pk,
                )
            )
        cursor = max(cursor, shift.ends_at)
    if shifts[0].starts_at < expected_start or cursor > expected_end:
        issues.append(
            CheckIssue(
                "overlap",
                shifts[0].date if shifts[0].starts_at < expected_start else shifts[-1].date,
                _("Shifts reach outside the roster's period."),
            )
        )
    if cursor < expected_end:
        issues.append(
            CheckIssue(
                "gap",
                duty_day_of(cursor),
                _("Nobody is on duty from %(start)s to %(end)s.")
                % {"start": _moment(cursor), "end": _moment(expected_end)},
            )
        )

    needs = extra_needs(roster.start_date, roster.end_date)
    people: set[int] = set()
    for shift in shifts:
        leaders = [a for a in shift.assignments.all() if a.role == ShiftAssignment.Role.LEADER]
        officers = [a for a in shift.assignments.all() if a.role == ShiftAssignment.Role.OFFICER]
        people.update(a.person_id for a in shift.assignments.all())
        if not leaders:
            issues.append(CheckIssue("no_leader", shift.date, _("No leader on duty."), shift.pk))
        need = roster.officers_per_shift
        if shift.date in needs:
            need += needs[shift.date].extra_officers
        need = max(need, shift.officers_needed)
        if len(officers) < need:
            message = _("%(have)d of the %(need)d duty officers needed.") % {
                "have": len(officers),
                "need": need,
            }
            if shift.date in needs and needs[shift.date].reasons:
                message += " " + _("Raised for: %(reasons)s.") % {
                    "reasons": "、".join(needs[shift.date].reasons)
                }
            issues.append(
                CheckIssue(
                    "understaffed", shift.date, message, shift.pk, shortfall=need - len(officers)
                )
            )

    # Leave and trips of the people on the roster.
    away: dict[int, list[Unavailability]] = defaultdict(list)
    for absence in Unavailability.objects.filter(
        person__in=people, start_date__lte=roster.end_date, end_date__gte=roster.start_date
    ):
        away[absence.person_id].append(absence)
    for shift in shifts:
        for a in shift.assignments.all():
            for absence in away.get(a.person_id, ()):
                if absence.start_date <= shift.date <= absence.end_date:
                    issues.append(
                        CheckIssue(
                            "on_leave",
                            shift.date,
                            _("%(person)s is away (%(kind)s).")
                            % {"person": _name(a.person), "kind": absence.get_kind_display()},
                            shift.pk,
                            a.person_id,
                        )
                    )

    # The same person at once or back to back, here or on another roster.
    window_start = shifts[0].starts_at - timedelta(days=1)
    window_end = shifts[-1].ends_at + timedelta(days=1)
    others = ShiftAssignment.objects.filter(
        person__in=people,
        shift__starts_at__lte=window_end,
        shift__ends_at__gte=window_start,
    ).exclude(shift__roster=roster)
    spans: dict[int, list[tuple[datetime, datetime, int | None, date, str]]] = defaultdict(list)
    for a in others.select_related("shift__roster"):
        spans[a.person_id].append(
            (a.shift.starts_at, a.shift.ends_at, None, a.shift.date, a.shift.roster.title)
        )
    names: dict[int, str] = {}
    for shift in shifts:
        for a in shift.assignments.all():
            names[a.person_id] = _name(a.person)
            spans[a.person_id].append((shift.starts_at, shift.ends_at, shift.pk, shift.date, ""))
    for person_id, person_spans in spans.items():
        person_spans.sort(key=lambda s: (s[0], s[1]))
        for before, after in zip(person_spans, person_spans[1:], strict=False):
            if before[2] is None and after[2] is None:
                continue
            mine = after if after[2] is not None else before
            elsewhere = after[4] or before[4]
            where = (" " + _("(on %(roster)s)") % {"roster": elsewhere}) if elsewhere else ""
            if after[0] < before[1]:
                issues.append(
                    CheckIssue(
                        "double_booked",
                        mine[3],
                        _("%(person)s is on two shifts at once.") % {"person": names[person_id]}
                        + where,
                        mine[2],
                        person_id,
                    )
                )
            elif after[0] == before[1]:
                issues.append(
                    CheckIssue(
                        "back_to_back",
                        after[3],
                        _("%(person)s would work two shifts in a row.")
                        % {"person": names[person_id]}
                        + where,
                        mine[2],
                        person_id,
                    )
                )
    issues.sort(key=lambda issue: (issue.date, issue.code))
    return issues


def issues_added(before: list[CheckIssue], after: list[CheckIssue]) -> list[CheckIssue]:
    """The issues of ``after`` that ``before`` did not have, or had less badly (a shift
    shorter of officers). An edit of a published roster may leave a failing day as it
    was, or mend it in part (a warning called for officers not yet added), but never make
    a day fail anew."""

    def key(issue: CheckIssue) -> tuple:
        message = "" if issue.code == "understaffed" else issue.message
        return (issue.code, issue.date, issue.shift_id, issue.person_id, message)

    had = {key(issue): issue for issue in before}
    return [
        issue
        for issue in after
        if key(issue) not in had or issue.shortfall > had[key(issue)].shortfall
    ]


def _moment(moment: datetime) -> str:
    from django.utils import timezone

    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def issues_by_day(issues: list[CheckIssue]) -> dict[date, list[CheckIssue]]:
    grouped: dict[date, list[CheckIssue]] = defaultdict(list)
    for issue in issues:
        grouped[issue.date].append(issue)
    return dict(grouped)


def when(d: date) -> str:
    return _when(d)
