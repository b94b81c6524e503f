"""Changes of state of the duty domain. Views, forms, the API, the admin's actions and
the demo data all come through here.

Preconditions: objects passed in came through a selector scoped to the actor.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from safetyzone.calendar import WorkingCalendar
from safetyzone.notifications.models import Notification
from safetyzone.notifications.services import notify
from safetyzone.org.models import Unit, User
from safetyzone.org.roles import Role
from safetyzone.org.scoping import require_record, require_unit

from . import checks, notices
from .generator import CannotCover, Day, DayFailure, period_days, plan_roster
from .models import (
    DUTY_OFFICE,
    INCIDENT_LEVEL_ORDER,
    CalendarFeed,
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
    ShiftChange,
    StandbyAssignment,
    StockMovement,
    SwapRequest,
    Unavailability,
    WeatherWarning,
)
from .times import shift_window


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied


def _fail(message: str, field: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({field: [message]})


def _day(d: date) -> str:
    return date_format(d, "Y-m-d")


# --- Rosters ------------------------------------------------------------------------


@transaction.atomic
def roster_create(
    *,
    actor: User,
    title: str,
    unit: Unit,
    start_date: date,
    end_date: date,
    officers_per_shift: int = 1,
    phone: str = "",
    notes: str = "",
) -> DutyRoster:
    _require(actor, "duty.add_dutyroster")
    require_unit(
        actor, unit, field="unit", message=_("You can only make rosters of your own unit.")
    )
    roster = DutyRoster(
        title=title,
        unit=unit,
        start_date=start_date,
        end_date=end_date,
        officers_per_shift=officers_per_shift,
        phone=phone,
        notes=notes,
        created_by=actor,
    )
    roster.full_clean()
    if start_date and end_date and (end_date - start_date).days > 366:
        raise _fail(_("A roster covers at most a year."), "end_date")
    roster.save()
    return roster


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


class RosterCannotBeCovered(ValidationError):
    """The pools cannot cover the period; ``failures`` says which days and why."""

    def __init__(self, failures: list[DayFailure]) -> None:
        self.failures = failures
        super().__init__(
            {
                NON_FIELD_ERRORS: [
                    _("%(day)s: %(reason)s") % {"day": _day(f.date), "reason": f.reason}
                    for f in failures
                ]
            }
        )


def _unavailable_days(people: Sequence[User], start: date, end: date, roster) -> dict:
    """Per person, the days they cannot be on this roster: leave and trips, and any day
    on or next to a shift they have on another roster. Two queries."""
    days: dict[int, set[date]] = defaultdict(set)
    for absence in Unavailability.objects.filter(
        person__in=people, start_date__lte=end, end_date__gte=start
    ):
        for d in period_days(max(start, absence.start_date), min(end, absence.end_date)):
            days[absence.person_id].add(d)
    others = (
        ShiftAssignment.objects.filter(
            person__in=people,
            shift__date__gte=start - timedelta(days=1),
            shift__date__lte=end + timedelta(days=1),
        )
        .exclude(shift__roster=roster)
        .values_list("person_id", "shift__date")
    )
    for person_id, d in others:
        days[person_id].update({d - timedelta(days=1), d, d + timedelta(days=1)})
    return days


@transaction.atomic
def roster_generate(
    *,
    roster: DutyRoster,
    actor: User,
    leaders: Sequence[User],
    officers: Sequence[User],
    seed: int = 0,
) -> DutyRoster:
    """Fill the draft ``roster`` from the pools: one shift per day, each with one leader
    and the officers the day calls for, counts balanced, nobody on two shifts in a row,
    nobody on leave. Replaces the draft's shifts; saves nothing when the pools cannot
    cover the period (``RosterCannotBeCovered`` says which days fail and why)."""
    _require(actor, "duty.publish_dutyroster")
    roster = DutyRoster.objects.select_for_update().get(pk=roster.pk)
    require_record(actor, roster)
    if roster.is_published:
        raise _fail(_("A published roster is not generated again; request swaps instead."))
    errors: dict[str, list[str]] = {}
    if not leaders:
        errors["leaders"] = [_("Choose at least one leader on duty.")]
    if not officers:
        errors["officers"] = [_("Choose at least one duty officer.")]
    both = {u.pk for u in leaders} & {u.pk for u in officers}
    if both:
        errors["officers"] = [_("Nobody can be in both pools.")]
    for field, pool, role in (
        ("leaders", leaders, Role.DUTY_LEADER),
        ("officers", officers, Role.DUTY_OFFICER),
    ):
        wrong = [str(u) for u in pool if not u.is_active or not u.has_role(role)]
        if wrong:
            errors.setdefault(field, []).append(
                _("Not an active %(role)s: %(names)s")
                % {"role": Role(role).label, "names": "、".join(wrong)}
            )
    if errors:
        raise ValidationError(errors)
    if (
        Shift.objects.filter(roster=roster)
        .filter(Q(log_entries__isnull=False) | Q(incident_reports__isnull=False))
        .exists()
    ):
        raise _fail(_("Shifts of this roster already have log entries; edit it by hand."))

    days = duty_days(roster)
    people = [*leaders, *officers]
    unavailable = _unavailable_days(people, roster.start_date, roster.end_date, roster)
    try:
        plan = plan_roster(
            days,
            leaders=[u.pk for u in leaders],
            officers=[u.pk for u in officers],
            unavailable=unavailable,
            names={u.pk: str(u) for u in people},
            seed=seed,
        )
    except CannotCover as exc:
        raise RosterCannotBeCovered(exc.failures) from exc

    Shift.objects.filter(roster=roster).delete()
    shifts = []
    for day in days:
        starts, ends = shift_window(day.date)
        shifts.append(
            Shift(
                roster=roster,
                date=day.date,
                starts_at=starts,
                ends_at=ends,
                phone=roster.phone,
                officers_needed=day.officers_needed,
            )
        )
    for shift in shifts:
        shift.full_clean(exclude=["roster"], validate_unique=False, validate_constraints=False)
    shifts = Shift.objects.bulk_create(shifts)
    by_date = {s.date: s for s in shifts}
    assignments = []
    for d, leader in plan.leaders.items():
        assignments.append(
            ShiftAssignment(shift=by_date[d], person_id=leader, role=ShiftAssignment.Role.LEADER)
        )
        for officer in plan.officers[d]:
            assignments.append(
                ShiftAssignment(
                    shift=by_date[d], person_id=officer, role=ShiftAssignment.Role.OFFICER
                )
            )
    ShiftAssignment.objects.bulk_create(assignments)
    return roster


@transaction.atomic
def roster_publish(*, roster: DutyRoster, actor: User) -> DutyRoster:
    """Publish ``roster`` if every check passes; otherwise a ValidationError names each
    failing day."""
    _require(actor, "duty.publish_dutyroster")
    roster = DutyRoster.objects.select_for_update().get(pk=roster.pk)
    require_record(actor, roster)
    if roster.is_published:
        raise _fail(_("The roster is already published."))
    issues = checks.roster_check(roster=roster)
    if issues:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("%(day)s: %(problem)s") % {"day": _day(i.date), "problem": i.message}
                    for i in issues
                ]
            },
            code="checks_failed",
        )
    roster.status = DutyRoster.Status.PUBLISHED
    roster.published_at = timezone.now()
    roster.published_by = actor
    roster.full_clean()
    roster.save()
    notices.roster_published(roster, actor=actor)
    return roster


def _issue_field(issue: checks.CheckIssue, leader_id: int | None) -> str:
    """The field of the shift form an issue belongs beside."""
    if issue.code == "no_leader" or (issue.person_id and issue.person_id == leader_id):
        return "leader"
    if issue.code == "understaffed" or issue.person_id:
        return "officers"
    return NON_FIELD_ERRORS


def _recheck(
    roster: DutyRoster, before: list[checks.CheckIssue], *, leader_id: int | None = None
) -> None:
    """Check a published roster again after an edit (``before``: its issues before it);
    an edit that makes a day fail anew is refused, and the transaction rolls it back
    whole. ``leader_id``: the shift form's leader, to put each error beside its field;
    without it every error is the form's own."""
    added = checks.issues_added(before, checks.roster_check(roster=roster))
    if not added:
        return
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    for issue in added:
        field = _issue_field(issue, leader_id) if leader_id is not None else NON_FIELD_ERRORS
        errors[field].append(
            ValidationError(
                _("A published roster must pass its checks: %(day)s: %(problem)s")
                % {"day": _day(issue.date), "problem": issue.message},
                code="checks_failed",
            )
        )
    raise ValidationError(dict(errors))


def _check_people(
    *, leader: User | None, officers: Sequence[User], shift: Shift | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if leader is None:
        errors["leader"] = [_("A shift needs its leader on duty.")]
    if not officers:
        errors["officers"] = [_("A shift needs at least one duty officer.")]
    if leader is not None and leader.pk in {o.pk for o in officers}:
        errors["officers"] = [_("The leader on duty is not also one of the officers.")]
    return errors


def _check_no_overlap(roster: DutyRoster, starts: datetime, ends: datetime, exclude=None):
    others = Shift.objects.filter(roster=roster, starts_at__lt=ends, ends_at__gt=starts)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    clash = others.first()
    if clash is not None:
        raise _fail(
            _("This shift overlaps the shift of %(day)s.") % {"day": _day(clash.date)},
            "starts_at",
        )


def _set_people(
    shift: Shift,
    *,
    leader: User,
    officers: Sequence[User],
    actor: User,
    record: bool,
    note: str = "",
) -> None:
    current = list(shift.assignments.select_related("person"))
    before_leader = next((a.person for a in current if a.role == "leader"), None)
    before_officers = {a.person_id: a.person for a in current if a.role == "officer"}
    ShiftAssignment.objects.filter(shift=shift).delete()
    ShiftAssignment.objects.create(shift=shift, person=leader, role=ShiftAssignment.Role.LEADER)
    for officer in officers:
        ShiftAssignment.objects.create(
            shift=shift, person=officer, role=ShiftAssignment.Role.OFFICER
        )
    if not record:
        return
    changes = []
    if before_leader != leader:
        changes.append(("leader", before_leader, leader))
    after_officers = {o.pk: o for o in officers}
    gone = [p for pk, p in before_officers.items() if pk not in after_officers]
    came = [p for pk, p in after_officers.items() if pk not in before_officers]
    for i in range(max(len(gone), len(came))):
        changes.append(
            ("officer", gone[i] if i < len(gone) else None, came[i] if i < len(came) else None)
        )
    for role, before, after in changes:
        ShiftChange.objects.create(
            shift=shift,
            kind=ShiftChange.Kind.EDIT,
            role=role,
            person_before=before,
            person_after=after,
            changed_by=actor,
            note=note[:200],
        )


@transaction.atomic
def shift_create(
    *,
    actor: User,
    roster: DutyRoster,
    date: date,
    leader: User | None,
    officers: Sequence[User],
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    phone: str = "",
) -> Shift:
    """Add a shift by hand (one duty day unless other times are given)."""
    _require(actor, "duty.add_shift")
    require_record(actor, roster)
    published = _lock_published(roster)
    default_start, default_end = shift_window(date) if date else (None, None)
    shift = Shift(
        roster=roster,
        date=date,
        starts_at=starts_at or default_start,
        ends_at=ends_at or default_end,
        phone=phone or roster.phone,
        officers_needed=roster.officers_per_shift,
    )
    errors = _check_people(leader=leader, officers=officers, shift=None)
    try:
        shift.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    _check_no_overlap(roster, shift.starts_at, shift.ends_at)
    before = checks.roster_check(roster=roster) if published else []
    shift.save()
    _set_people(shift, leader=leader, officers=officers, actor=actor, record=False)
    if published:
        assert leader is not None  # noqa: S101 - checked above
        _recheck(roster, before, leader_id=leader.pk)
        notices.shift_changed(
            shift,
            removed=set(),
            added={leader.pk, *(o.pk for o in officers)},
            moved=set(),
            actor=actor,
        )
    return shift


def _lock_published(roster: DutyRoster) -> bool:
    """Lock ``roster`` (edits of one roster are checked one after another) and say
    whether it is published."""
    return DutyRoster.objects.select_for_update().get(pk=roster.pk).is_published


@transaction.atomic
def shift_update(
    *,
    actor: User,
    shift: Shift,
    leader: User | None,
    officers: Sequence[User],
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    phone: str | None = None,
    note: str = "",
) -> Shift:
    """Change a shift by hand. On a published roster the change is kept in its history
    and the people affected are told."""
    _require(actor, "duty.change_shift")
    published = _lock_published(shift.roster)
    shift = Shift.objects.select_for_update().select_related("roster").get(pk=shift.pk)
    require_record(actor, shift)
    if shift.is_closed:
        raise _fail(_("This shift is closed: it has been handed over."))
    errors = _check_people(leader=leader, officers=officers, shift=shift)
    if errors:
        raise ValidationError(errors)
    if starts_at is not None:
        shift.starts_at = starts_at
    if ends_at is not None:
        shift.ends_at = ends_at
    if phone is not None:
        shift.phone = phone
    shift.full_clean()
    _check_no_overlap(shift.roster, shift.starts_at, shift.ends_at, exclude=shift)
    before = dict(shift.assignments.values_list("person_id", "role"))
    issues_before = checks.roster_check(roster=shift.roster) if published else []
    saved = Shift.objects.filter(pk=shift.pk, starts_at=shift.starts_at, ends_at=shift.ends_at)
    times_moved = not saved.exists()
    shift.save()
    assert leader is not None  # noqa: S101 - checked above
    _set_people(shift, leader=leader, officers=officers, actor=actor, record=published, note=note)
    if published:
        _recheck(shift.roster, issues_before, leader_id=leader.pk)
        after = {o.pk: ShiftAssignment.Role.OFFICER for o in officers}
        after[leader.pk] = ShiftAssignment.Role.LEADER
        stayed = before.keys() & after.keys()
        notices.shift_changed(
            shift,
            removed=set(before) - stayed,
            added=set(after) - stayed,
            moved={p for p in stayed if times_moved or before[p] != after[p]},
            actor=actor,
        )
    return shift


# --- Unavailability -------------------------------------------------------------------


@transaction.atomic
def unavailability_create(
    *,
    actor: User,
    person: User,
    start_date: date,
    end_date: date,
    kind: str = Unavailability.Kind.LEAVE,
    note: str = "",
) -> Unavailability:
    _require(actor, "duty.add_unavailability")
    require_record(actor, person)
    absence = Unavailability(
        person=person,
        start_date=start_date,
        end_date=end_date,
        kind=kind,
        note=note,
        created_by=actor,
    )
    absence.full_clean()
    absence.save()
    return absence


# --- Swaps --------------------------------------------------------------------------


def _role_on(shift: Shift, person: User) -> str | None:
    return (
        ShiftAssignment.objects.filter(shift=shift, person=person)
        .values_list("role", flat=True)
        .first()
    )


def _role_for(role: str) -> str:
    return Role.DUTY_LEADER if role == ShiftAssignment.Role.LEADER else Role.DUTY_OFFICER


def _person_conflicts(person: User, take: Sequence[Shift], drop: Sequence[Shift]) -> list[str]:
    """What would be wrong if ``person`` took the ``take`` shifts and left ``drop``:
    leave, two shifts at once or two in a row. Two queries."""
    if not take:
        return []
    problems = []
    first = min(s.starts_at for s in take) - timedelta(days=1)
    last = max(s.ends_at for s in take) + timedelta(days=1)
    kept = list(
        Shift.objects.filter(
            assignments__person=person, starts_at__lte=last, ends_at__gte=first
        ).exclude(pk__in=[s.pk for s in drop])
    )
    for shift in take:
        for other in kept:
            if other.pk == shift.pk:
                continue
            if other.starts_at < shift.ends_at and shift.starts_at < other.ends_at:
                problems.append(
                    _("%(person)s is already on duty on %(day)s.")
                    % {"person": person, "day": _day(other.date)}
                )
            elif other.starts_at == shift.ends_at or other.ends_at == shift.starts_at:
                problems.append(
                    _("%(person)s would work two shifts in a row (%(a)s and %(b)s).")
                    % {"person": person, "a": _day(shift.date), "b": _day(other.date)}
                )
    dates = [s.date for s in take]
    for absence in Unavailability.objects.filter(
        person=person, start_date__lte=max(dates), end_date__gte=min(dates)
    ):
        for d in dates:
            if absence.start_date <= d <= absence.end_date:
                problems.append(
                    _("%(person)s is away on %(day)s (%(kind)s).")
                    % {"person": person, "day": _day(d), "kind": absence.get_kind_display()}
                )
    return problems


def _swap_conflicts(swap: SwapRequest) -> list[str]:
    give = [swap.shift]
    take_back = [swap.counterpart_shift] if swap.counterpart_shift_id else []
    problems = _person_conflicts(swap.counterpart, give, take_back)
    problems += _person_conflicts(swap.requester, take_back, give)
    return problems


@transaction.atomic
def swap_request_create(
    *,
    requester: User,
    shift: Shift,
    counterpart: User,
    counterpart_shift: Shift | None = None,
    reason: str,
) -> SwapRequest:
    """Ask ``counterpart`` to take ``shift`` (and to give ``counterpart_shift`` in
    return, in a swap)."""
    _require(requester, "duty.add_swaprequest")
    errors: dict[str, list[str]] = {}
    role = _role_on(shift, requester)
    now = timezone.now()
    if role is None:
        errors["shift"] = [_("You are not on this shift.")]
    elif not shift.roster.is_published:
        errors["shift"] = [_("Swaps are for published rosters.")]
    elif shift.starts_at <= now:
        errors["shift"] = [_("This shift has already begun.")]
    if counterpart.pk == requester.pk:
        errors["counterpart"] = [_("Choose a colleague other than yourself.")]
    elif role and not (counterpart.is_active and counterpart.has_role(_role_for(role))):
        errors["counterpart"] = [
            _("%(person)s cannot serve as %(role)s.")
            % {"person": counterpart, "role": ShiftAssignment.Role(role).label}
        ]
    elif _role_on(shift, counterpart) is not None:
        errors["counterpart"] = [
            _("%(person)s is already on this shift.") % {"person": counterpart}
        ]
    if counterpart_shift is not None and role:
        other_role = _role_on(counterpart_shift, counterpart)
        if other_role is None:
            errors["counterpart_shift"] = [
                _("%(person)s is not on that shift.") % {"person": counterpart}
            ]
        elif other_role != role:
            errors["counterpart_shift"] = [_("A swap is between shifts of the same role.")]
        elif counterpart_shift.starts_at <= now:
            errors["counterpart_shift"] = [_("That shift has already begun.")]
        elif _role_on(counterpart_shift, requester) is not None:
            errors["counterpart_shift"] = [_("You are already on that shift.")]
    if (
        not errors
        and SwapRequest.objects.filter(
            shift=shift, requester=requester, status__in=SwapRequest.OPEN_STATUSES
        ).exists()
    ):
        errors["shift"] = [_("You already asked to swap this shift.")]
    if errors:
        raise ValidationError(errors)
    swap = SwapRequest(
        shift=shift,
        requester=requester,
        counterpart=counterpart,
        counterpart_shift=counterpart_shift,
        reason=reason,
    )
    swap.full_clean()
    problems = _swap_conflicts(swap)
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})
    swap.save()
    notices.swap_requested(swap)
    return swap


def _locked(swap: SwapRequest) -> SwapRequest:
    return (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("shift__roster", "counterpart_shift", "requester", "counterpart")
        .get(pk=swap.pk)
    )


@transaction.atomic
def swap_accept(*, swap: SwapRequest, actor: User) -> SwapRequest:
    swap = _locked(swap)
    if actor.pk != swap.counterpart_id:
        raise PermissionDenied
    if swap.status != SwapRequest.Status.REQUESTED:
        raise _fail(_("This request is no longer waiting for you."))
    problems = _swap_conflicts(swap)
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})
    swap.status = SwapRequest.Status.ACCEPTED
    swap.responded_at = timezone.now()
    swap.save()
    notices.swap_accepted(swap)
    return swap


@transaction.atomic
def swap_decline(*, swap: SwapRequest, actor: User) -> SwapRequest:
    swap = _locked(swap)
    if actor.pk != swap.counterpart_id:
        raise PermissionDenied
    if swap.status != SwapRequest.Status.REQUESTED:
        raise _fail(_("This request is no longer waiting for you."))
    swap.status = SwapRequest.Status.DECLINED
    swap.responded_at = timezone.now()
    swap.save()
    notices.swap_decided(swap, actor=actor)
    return swap


@transaction.atomic
def swap_cancel(*, swap: SwapRequest, actor: User) -> SwapRequest:
    swap = _locked(swap)
    if actor.pk != swap.requester_id:
        raise PermissionDenied
    if not swap.is_open:
        raise _fail(_("Only an open request can be cancelled."))
    swap.status = SwapRequest.Status.CANCELLED
    swap.save()
    return swap


@transaction.atomic
def swap_approve(*, swap: SwapRequest, actor: User, note: str = "") -> SwapRequest:
    """Apply an accepted swap to the roster, keep it in the shifts' history and tell
    the people affected."""
    _require(actor, "duty.approve_swaprequest")
    swap = _locked(swap)
    require_record(actor, swap)
    if swap.status != SwapRequest.Status.ACCEPTED:
        raise _fail(_("Only a swap both people agreed to can be approved."))
    now = timezone.now()
    shifts = [swap.shift] + ([swap.counterpart_shift] if swap.counterpart_shift_id else [])
    if any(s.starts_at <= now for s in shifts):
        raise _fail(_("A shift of this swap has already begun."))
    problems = _swap_conflicts(swap)
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})
    rosters = {s.roster_id: s.roster for s in shifts}
    # Locked in one order, so that two approvals never wait on each other.
    checked = {
        pk: checks.roster_check(roster=rosters[pk])
        for pk in sorted(rosters)
        if _lock_published(rosters[pk])
    }
    moves = [(swap.shift, swap.requester, swap.counterpart)]
    if swap.counterpart_shift_id:
        moves.append((swap.counterpart_shift, swap.counterpart, swap.requester))
    for shift, before, after in moves:
        assignment = ShiftAssignment.objects.select_for_update().get(shift=shift, person=before)
        assignment.person = after
        assignment.full_clean()
        assignment.save()
        ShiftChange.objects.create(
            shift=shift,
            kind=ShiftChange.Kind.SWAP,
            role=assignment.role,
            person_before=before,
            person_after=after,
            swap_request=swap,
            changed_by=actor,
            changed_at=now,
            note=note[:200],
        )
    for pk, before in checked.items():
        _recheck(rosters[pk], before)
    swap.status = SwapRequest.Status.APPROVED
    swap.decided_by = actor
    swap.decided_at = now
    swap.decision_note = note
    swap.save()
    notices.swap_decided(swap, actor=actor)
    return swap


@transaction.atomic
def swap_reject(*, swap: SwapRequest, actor: User, note: str = "") -> SwapRequest:
    _require(actor, "duty.approve_swaprequest")
    swap = _locked(swap)
    require_record(actor, swap)
    if not swap.is_open:
        raise _fail(_("Only an open request can be rejected."))
    swap.status = SwapRequest.Status.REJECTED
    swap.decided_by = actor
    swap.decided_at = timezone.now()
    swap.decision_note = note
    swap.save()
    notices.swap_decided(swap, actor=actor)
    return swap


# --- Duty log and handover ------------------------------------------------------------


def _check_on_shift(actor: User, shift: Shift, field: str = "shift") -> None:
    if not ShiftAssignment.objects.filter(shift=shift, person=actor).exists():
        raise _fail(_("You can only write the log of your own shift."), field)


@transaction.atomic
def log_entry_create(
    *,
    actor: User,
    shift: Shift,
    kind: str,
    content: str,
    at: datetime | None = None,
    corrects: DutyLogEntry | None = None,
) -> DutyLogEntry:
    """Append an entry to ``shift``'s log; a correction points at the entry it corrects.
    Only the people on the shift write its log, from its start until its handover is
    confirmed by the incoming leader: they stay on duty until then, so an entry may
    fall after the shift's planned end while the handover waits."""
    _require(actor, "duty.add_dutylogentry")
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    _check_on_shift(actor, shift)
    if shift.is_closed:
        raise _fail(_("This shift has been handed over; its log is closed."), "shift")
    now = timezone.now()
    at = at or now
    entry = DutyLogEntry(
        shift=shift, at=at, kind=kind, content=content, corrects=corrects, author=actor
    )
    entry.full_clean()
    if at < shift.starts_at:
        raise _fail(_("The time must fall within the shift."), "at")
    if at > now + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "at")
    if corrects is not None and corrects.shift_id != shift.pk:
        raise _fail(_("A correction belongs to the same shift's log."), "corrects")
    entry.save()
    return entry


def previous_shift(shift: Shift) -> Shift | None:
    return (
        Shift.objects.filter(roster__unit_id=shift.roster.unit_id, ends_at=shift.starts_at)
        .order_by("-roster__status", "pk")
        .first()
    )


def next_shift(shift: Shift) -> Shift | None:
    return (
        Shift.objects.filter(roster__unit_id=shift.roster.unit_id, starts_at=shift.ends_at)
        .order_by("-roster__status", "pk")
        .first()
    )


def open_matters_before(shift: Shift) -> list[OpenMatter]:
    """The matters left open at the handover before ``shift`` (they carry over)."""
    before = previous_shift(shift)
    if before is None:
        return []
    return list(
        OpenMatter.objects.filter(handover__shift=before, closed_at__isnull=True)
        .select_related("incident")
        .order_by("pk")
    )


def _incident_open(report: IncidentReport) -> bool:
    return not report.updates.filter(kind=IncidentUpdate.Kind.FINAL).exists()


def _carry_open_incidents(handover: Handover) -> None:
    """Every incident of the handed-over shift still open (no final report) becomes an
    open matter of the handover, once: none is dropped at the change of shift."""
    carried = set(
        OpenMatter.objects.filter(handover=handover, incident__isnull=False).values_list(
            "incident_id", flat=True
        )
    )
    reports = (
        IncidentReport.objects.filter(shift=handover.shift_id)
        .exclude(pk__in=carried)
        .exclude(updates__kind=IncidentUpdate.Kind.FINAL)
        .order_by("received_at", "pk")
    )
    for report in reports:
        text = _("Incident still open (no final report yet): %(incident)s, %(kind)s") % {
            "incident": report,
            "kind": report.get_kind_display(),
        }
        matter = OpenMatter(handover=handover, incident=report, text=text[:500])
        matter.full_clean()
        matter.save()


def incoming_leader(shift: Shift | None) -> User | None:
    """The leader on duty of ``shift``: the one who confirms the handover into it."""
    if shift is None:
        return None
    assignment = (
        ShiftAssignment.objects.filter(shift=shift, role=ShiftAssignment.Role.LEADER)
        .select_related("person")
        .first()
    )
    return assignment.person if assignment else None


@transaction.atomic
def handover_create(
    *,
    actor: User,
    shift: Shift,
    new_matters: Sequence[str] = (),
    close_matters: dict[int, str] | None = None,
    notes: str = "",
    early_reason: str = "",
    handed_over_at: datetime | None = None,
) -> Handover:
    """Hand over ``shift``, once it has begun; before its end only with a reason
    (``early_reason``). The open matters of the previous handover carry over by
    themselves, except those closed now (``close_matters``: id → how); an incident
    still without its final report cannot be closed so. Every incident of the shift
    still open becomes a matter; ``new_matters`` are added. The incoming people are the
    next shift's. The shift stays open, its people on duty and its log writable, until
    the incoming leader confirms (``handover_confirm``)."""
    _require(actor, "duty.add_handover")
    shift = Shift.objects.select_for_update().select_related("roster").get(pk=shift.pk)
    _check_on_shift(actor, shift)
    if shift.is_closed or Handover.objects.filter(shift=shift).exists():
        raise _fail(_("This shift has already been handed over."), "shift")
    now = timezone.now()
    if now < shift.starts_at:
        raise _fail(_("A shift is handed over after it begins."), "shift")
    if handover_awaiting(shift) is not None:
        # Its matters and incidents are not all known until then: none may be dropped.
        raise _fail(_("The handover into this shift waits for its leader's confirmation."), "shift")
    handed_over_at = handed_over_at or now
    if handed_over_at < shift.starts_at:
        raise _fail(_("A shift is handed over after it begins."), "handed_over_at")
    if handed_over_at > now + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "handed_over_at")
    early_reason = (early_reason or "").strip()
    if handed_over_at < shift.ends_at and not early_reason:
        raise _fail(
            _("The shift runs until %(end)s: say why it is handed over early.")
            % {"end": date_format(timezone.localtime(shift.ends_at), "Y-m-d H:i")},
            "early_reason",
        )
    close_matters = close_matters or {}
    inherited = open_matters_before(shift)
    unknown = set(close_matters) - {m.pk for m in inherited}
    if unknown:
        raise _fail(_("Only matters carried over to this shift can be closed here."), "matters")
    still_open = [
        m
        for m in inherited
        if m.pk in close_matters and m.incident is not None and _incident_open(m.incident)
    ]
    if still_open:
        raise _fail(
            _("“%(matter)s” stays open until the incident's final report is sent.")
            % {"matter": still_open[0].text},
            "matters",
        )
    following = next_shift(shift)
    handover = Handover(
        shift=shift,
        next_shift=following,
        handed_over_at=handed_over_at,
        notes=notes,
        early_reason=early_reason[:200],
        created_by=actor,
    )
    handover.full_clean()
    handover.save()
    handover.outgoing.set(list(shift.people.all()))
    if following is not None:
        handover.incoming.set(list(following.people.all()))
    for matter in inherited:
        if matter.pk in close_matters:
            matter.closed_at = handed_over_at
            matter.closed_by = actor
            matter.closing_note = (close_matters[matter.pk] or _("Closed"))[:200]
            matter.save(update_fields=["closed_at", "closed_by", "closing_note"])
        elif matter.incident is not None and not _incident_open(matter.incident):
            matter.closed_at = handed_over_at
            matter.closed_by = actor
            matter.closing_note = _("The final report was sent.")[:200]
            matter.save(update_fields=["closed_at", "closed_by", "closing_note"])
        else:
            OpenMatter.objects.create(
                handover=handover,
                text=matter.text,
                carried_from=matter,
                incident=matter.incident,
            )
    _carry_open_incidents(handover)
    for text in new_matters:
        text = text.strip()
        if text:
            matter = OpenMatter(handover=handover, text=text[:500])
            matter.full_clean()
            matter.save()
    leader = incoming_leader(following)
    if leader is not None:
        notify(
            recipient_ids=[leader.pk],
            kind=Notification.Kind.SHIFT,
            reason=Notification.Reason.TO_SIGN,
            subject=handover,
            subject_label=str(handover),
            subject_url=following.get_absolute_url(),
            message=_("%(person)s handed over the shift of %(day)s: confirm that you take it over.")
            % {"person": actor, "day": _day(shift.date)},
            exclude_id=actor.pk,
        )
    return handover


def handover_awaiting(shift: Shift) -> Handover | None:
    """The handover into ``shift`` still waiting for its leader's confirmation."""
    before = previous_shift(shift)
    condition = Q(next_shift=shift)
    if before is not None:
        condition |= Q(next_shift__isnull=True, shift=before)
    return (
        Handover.objects.filter(condition, confirmed_at__isnull=True)
        .select_related("shift")
        .first()
    )


@transaction.atomic
def handover_confirm(*, actor: User, handover: Handover, at: datetime | None = None) -> Handover:
    """The incoming leader on duty takes the shift over: the handover is complete and
    the handed-over shift closes (its log with it). Incidents recorded on it since the
    handover was made carry over as well. A handover made when no next shift was
    rostered is confirmed by the leader of the one rostered since."""
    _require(actor, "duty.change_handover")
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    shift = Shift.objects.select_for_update().select_related("roster").get(pk=handover.shift_id)
    if handover.is_confirmed:
        raise _fail(_("This handover has already been confirmed."))
    following = handover.next_shift or next_shift(shift)
    if following is None:
        raise _fail(_("No next shift is rostered: nobody can take this one over yet."))
    if incoming_leader(following) != actor:
        raise _fail(_("Only the incoming leader on duty confirms the handover."))
    now = timezone.now()
    at = at or max(now, handover.handed_over_at)
    if at < handover.handed_over_at:
        raise _fail(_("A handover is confirmed after it is made."), "confirmed_at")
    if at > now + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "confirmed_at")
    if handover.next_shift_id is None:
        handover.next_shift = following
        handover.incoming.set(list(following.people.all()))
    _carry_open_incidents(handover)
    handover.confirmed_at = at
    handover.confirmed_by = actor
    handover.full_clean()
    handover.save()
    shift.closed_at = handover.confirmed_at
    shift.save(update_fields=["closed_at"])
    return handover


@transaction.atomic
def open_matter_close(*, actor: User, matter: OpenMatter, note: str = "") -> OpenMatter:
    """Close a matter of the latest handover (one carried further would be a copy). An
    open incident's matter closes with the incident's final report, not by hand."""
    _require(actor, "duty.change_openmatter")
    matter = OpenMatter.objects.select_for_update().get(pk=matter.pk)
    # Kept by whoever keeps the duty days (the roster's unit or the people on the shift).
    require_record(actor, matter, any_path=True)
    if matter.closed_at is not None:
        raise _fail(_("This matter is already closed."))
    if matter.carried_to.exists():
        raise _fail(_("This matter was carried over; close it in the latest handover."))
    if matter.incident_id is not None and _incident_open(matter.incident):
        raise _fail(
            _("“%(matter)s” stays open until the incident's final report is sent.")
            % {"matter": matter.text}
        )
    matter.closed_at = timezone.now()
    matter.closed_by = actor
    matter.closing_note = note[:200]
    matter.save()
    return matter


# --- Incident reports -----------------------------------------------------------------


def report_limits(level: str) -> tuple[timedelta, timedelta]:
    """(phone, written) time limits of an incident of ``level``."""
    if level in IncidentReport.SERIOUS_LEVELS:
        return (
            timedelta(minutes=settings.DUTY_REPORT_SERIOUS_PHONE_MINUTES),
            timedelta(minutes=settings.DUTY_REPORT_SERIOUS_WRITTEN_MINUTES),
        )
    return (
        timedelta(minutes=settings.DUTY_REPORT_PHONE_MINUTES),
        timedelta(minutes=settings.DUTY_REPORT_WRITTEN_MINUTES),
    )


_REPORT_FIELDS = (
    "received_at",
    "reported_by",
    "reporter_phone",
    "kind",
    "level",
    "place",
    "deaths",
    "injuries",
    "missing",
    "direct_loss",
    "description",
)


def _check_level(report: IncidentReport) -> None:
    """Refuse a level lower than the casualties and losses imply under the national
    classification (``ACCIDENT_LEVEL_THRESHOLDS``), naming the level they call for. A
    higher level stays the reporter's call (the impact may be more than the figures)."""
    implied = report.level_implied()
    if implied is None or report.level not in INCIDENT_LEVEL_ORDER:
        return
    if INCIDENT_LEVEL_ORDER.index(report.level) < INCIDENT_LEVEL_ORDER.index(implied):
        raise _fail(
            _(
                "With %(deaths)s dead, %(injuries)s injured and a direct loss "
                "of %(loss)s × 10,000 yuan this is at least a %(level)s incident."
            )
            % {
                "deaths": report.deaths,
                "injuries": report.injuries,
                "loss": _number(Decimal(report.direct_loss)),
                "level": IncidentReport.Level(implied).label,
            },
            "level",
        )


@transaction.atomic
def incident_report_create(*, actor: User, shift: Shift, **data: Any) -> IncidentReport:
    """Record an incident reported to the duty office during ``shift``. Its level is
    at least the one its figures imply (see ``_check_level``)."""
    _require(actor, "duty.add_incidentreport")
    if not ShiftAssignment.objects.filter(shift=shift, person=actor).exists():
        raise _fail(_("You can only record reports on your own shift."), "shift")
    if Shift.objects.filter(pk=shift.pk, closed_at__isnull=False).exists():
        raise _fail(_("This shift has been handed over; record it on the current one."), "shift")
    report = IncidentReport(
        shift=shift, recorded_by=actor, **{k: v for k, v in data.items() if k in _REPORT_FIELDS}
    )
    report.full_clean(validate_constraints=False)
    _check_level(report)
    report.validate_constraints()
    if report.received_at > timezone.now() + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "received_at")
    if not shift.starts_at <= report.received_at <= shift.ends_at:
        raise _fail(_("The time must fall within the shift."), "received_at")
    report.save()
    return report


@transaction.atomic
def incident_update_create(
    *,
    actor: User,
    report: IncidentReport,
    kind: str,
    method: str,
    content: str,
    received_by: str,
    sent_at: datetime | None = None,
) -> IncidentUpdate:
    """Add a report to the chain sent up: the first report first, follow-ups numbered
    in order, nothing after the final report."""
    _require(actor, "duty.add_incidentupdate")
    report = IncidentReport.objects.select_for_update().get(pk=report.pk)
    # The chain is sent up by whoever keeps the duty days, like the report itself.
    require_record(actor, report, any_path=True)
    existing = list(report.updates.all())
    kinds = {u.kind for u in existing}
    if IncidentUpdate.Kind.FINAL in kinds:
        raise _fail(_("The final report has been sent; the chain is closed."), "kind")
    if kind != IncidentUpdate.Kind.FIRST and IncidentUpdate.Kind.FIRST not in kinds:
        raise _fail(_("The first report comes first."), "kind")
    if kind == IncidentUpdate.Kind.FIRST and IncidentUpdate.Kind.FIRST in kinds:
        raise _fail(_("The incident already has its first report."), "kind")
    sent_at = sent_at or timezone.now()
    sequence = 0
    if kind == IncidentUpdate.Kind.FOLLOW_UP:
        sequence = (report.updates.aggregate(n=Max("sequence"))["n"] or 0) + 1
    update = IncidentUpdate(
        report=report,
        kind=kind,
        sequence=sequence,
        method=method,
        content=content,
        received_by=received_by,
        sent_at=sent_at,
        recorded_by=actor,
    )
    update.full_clean()
    if sent_at < report.received_at:
        raise _fail(_("A report cannot be sent before the incident was received."), "sent_at")
    if sent_at > timezone.now() + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "sent_at")
    if existing and sent_at < max(u.sent_at for u in existing):
        raise _fail(_("Reports of the chain follow one another in time."), "sent_at")
    update.save()
    return update


# --- Weather warnings -----------------------------------------------------------------


def _banner_forget() -> None:
    from .selectors import banner_warnings_forget  # selectors import this module

    banner_warnings_forget()


_WARNING_FIELDS = ("kind", "level", "area", "issued_by", "issued_at", "valid_until", "content")


@transaction.atomic
def warning_create(*, actor: User, **data: Any) -> WeatherWarning:
    """Record a warning. Orange and red raise the officers the shifts under it need;
    the rosters it touches are flagged until they have them."""
    _require(actor, "duty.add_weatherwarning")
    warning = WeatherWarning(
        recorded_by=actor, **{k: v for k, v in data.items() if k in _WARNING_FIELDS}
    )
    warning.full_clean()
    warning.save()
    transaction.on_commit(_banner_forget)
    if warning.raises_duty:
        notices.staffing_raised(
            warning, extra=checks.warning_extra_officers(warning.level), actor=actor
        )
    return warning


@transaction.atomic
def warning_lift(*, actor: User, warning: WeatherWarning, at: datetime | None = None):
    _require(actor, "duty.change_weatherwarning")
    warning = WeatherWarning.objects.select_for_update().get(pk=warning.pk)
    at = at or timezone.now()
    if warning.lifted_at is not None:
        raise _fail(_("This warning was already lifted."))
    if at <= warning.issued_at:
        raise _fail(_("A warning is lifted after it is issued."), "lifted_at")
    warning.lifted_at = min(at, warning.valid_until)
    warning.full_clean()
    warning.save()
    transaction.on_commit(_banner_forget)
    return warning


# --- Resources ------------------------------------------------------------------------


_RESOURCE_FIELDS = (
    "unit",
    "kind",
    "name",
    "specification",
    "measure",
    "low_stock_threshold",
    "storage_place",
    "keeper",
    "keeper_phone",
    "status",
    "last_checked_on",
)


def _check_unit(actor: User, unit: Unit | None) -> None:
    if unit is not None:
        require_unit(actor, unit, field="unit", message=_("You can only choose your own unit."))


@transaction.atomic
def resource_create(*, actor: User, quantity: Decimal | int = 0, **data: Any) -> EmergencyResource:
    """Register a resource; its opening stock is recorded as a first movement in."""
    _require(actor, "duty.add_emergencyresource")
    resource = EmergencyResource(**{k: v for k, v in data.items() if k in _RESOURCE_FIELDS})
    if resource.unit_id is None and actor.unit_id:
        resource.unit_id = actor.unit_id
    _check_unit(actor, resource.unit if resource.unit_id else None)
    resource.quantity = Decimal(0)
    resource.full_clean()
    resource.save()
    if quantity:
        stock_move(
            actor=actor,
            resource=resource,
            direction=StockMovement.Direction.IN,
            quantity=Decimal(quantity),
            purpose=_("Opening stock"),
        )
        resource.refresh_from_db()
    return resource


@transaction.atomic
def resource_update(*, actor: User, resource: EmergencyResource, **data: Any):
    """Change a resource's description; its stock changes only through movements."""
    _require(actor, "duty.change_emergencyresource")
    require_record(actor, resource)
    for field in _RESOURCE_FIELDS:
        if field in data:
            setattr(resource, field, data[field])
    _check_unit(actor, resource.unit)
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def stock_move(
    *,
    actor: User,
    resource: EmergencyResource,
    direction: str,
    quantity: Decimal,
    purpose: str = "",
    handled_by: str = "",
    moved_at: datetime | None = None,
) -> StockMovement:
    """Move stock out, back or in. The stock never falls below zero, and no more comes
    back than went out and has not come back yet (``resource.issued``): refused here,
    and by the database should anything else try.

    The duty office (the people on duty now) may issue any unit's stock: at night the
    unit's own staff are not there. Returns and stocking in stay with the unit."""
    _require(actor, "duty.add_stockmovement")
    resource = EmergencyResource.objects.select_for_update().get(pk=resource.pk)
    require_record(
        actor,
        resource,
        office=DUTY_OFFICE if direction == StockMovement.Direction.OUT else None,
    )
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise _fail(_("The quantity must be more than zero."), "quantity")
    sign = -1 if direction == StockMovement.Direction.OUT else 1
    balance = resource.quantity + sign * quantity
    if balance < 0:
        raise _fail(
            _("Only %(stock)s %(measure)s in stock: %(asked)s cannot go out.")
            % {
                "stock": _number(resource.quantity),
                "measure": resource.measure,
                "asked": _number(quantity),
            },
            "quantity",
        )
    issued = resource.issued
    if direction == StockMovement.Direction.OUT:
        issued += quantity
    elif direction == StockMovement.Direction.BACK:
        if quantity > issued:
            raise _fail(
                _(
                    "Only %(issued)s %(measure)s are out and not yet returned: "
                    "%(asked)s cannot come back."
                )
                % {
                    "issued": _number(issued),
                    "measure": resource.measure,
                    "asked": _number(quantity),
                },
                "quantity",
            )
        issued -= quantity
    movement = StockMovement(
        resource=resource,
        direction=direction,
        quantity=quantity,
        balance_after=balance,
        purpose=purpose,
        handled_by=handled_by,
        moved_at=moved_at or timezone.now(),
        recorded_by=actor,
    )
    movement.full_clean()
    movement.save()
    resource.quantity = balance
    resource.issued = issued
    resource.save(update_fields=["quantity", "issued", "updated_at"])
    return movement


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- Rescue teams and stand-by --------------------------------------------------------


_TEAM_FIELDS = ("unit", "name", "speciality", "leader", "leader_phone", "equipment", "base")


@transaction.atomic
def team_create(*, actor: User, members: Sequence[dict[str, str]] = (), **data: Any) -> RescueTeam:
    _require(actor, "duty.add_rescueteam")
    team = RescueTeam(**{k: v for k, v in data.items() if k in _TEAM_FIELDS})
    if team.unit_id is None and actor.unit_id:
        team.unit_id = actor.unit_id
    _check_unit(actor, team.unit if team.unit_id else None)
    team.full_clean()
    team.save()
    for member in members:
        team_member_add(actor=actor, team=team, **member)
    return team


@transaction.atomic
def team_member_add(
    *, actor: User, team: RescueTeam, name: str, role: str = "", phone: str = ""
) -> RescueTeamMember:
    _require(actor, "duty.add_rescueteammember")
    require_record(actor, team)
    member = RescueTeamMember(team=team, name=name, role=role, phone=phone)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def standby_create(
    *,
    actor: User,
    key_period,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    team: RescueTeam | None = None,
    resource: EmergencyResource | None = None,
    quantity: Decimal | None = None,
    note: str = "",
) -> StandbyAssignment:
    """Put a team or a resource on stand-by at ``place`` during a key period."""
    _require(actor, "duty.add_standbyassignment")
    for record in (team, resource):
        if record is not None:
            require_record(actor, record)
    standby = StandbyAssignment(
        key_period=key_period,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        team=team,
        resource=resource,
        quantity=quantity,
        note=note,
    )
    standby.full_clean()
    if key_period is not None and starts_at and ends_at:
        first, _x = shift_window(key_period.start_date - timedelta(days=1))
        _y, last = shift_window(key_period.end_date + timedelta(days=1))
        if starts_at < first or ends_at > last:
            raise _fail(_("A stand-by lies within its key period."), "starts_at")
    if resource is not None and quantity is not None and quantity > resource.quantity:
        raise _fail(
            _("Only %(stock)s %(measure)s in stock.")
            % {"stock": _number(resource.quantity), "measure": resource.measure},
            "quantity",
        )
    standby.save()
    return standby


# --- Calendar feeds -------------------------------------------------------------------


@transaction.atomic
def calendar_feed_get_or_create(*, person: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


@transaction.atomic
def calendar_feed_renew(*, person: User) -> CalendarFeed:
    """A new secret link; the old one stops working at once."""
    import secrets

    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(person=person)
    feed.token = secrets.token_urlsafe()
    feed.renewed_at = timezone.now()
    feed.save()
    return feed


@transaction.atomic
def roster_feed_renew(*, actor: User, roster: DutyRoster) -> DutyRoster:
    """A new secret subscription link for the roster's calendar; the old one stops."""
    import secrets

    _require(actor, "duty.change_dutyroster")
    roster = DutyRoster.objects.select_for_update().get(pk=roster.pk)
    require_record(actor, roster)
    roster.ical_token = secrets.token_urlsafe()
    roster.save(update_fields=["ical_token"])
    return roster
