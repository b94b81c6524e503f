"""Changes of state of duty rosters: making one, generating its shifts from the pools,
publishing it.

Preconditions: objects passed in came through a selector scoped to the actor.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import Unit, User
from safetyzone.org.roles import Role
from safetyzone.org.scoping import require_record, require_unit

from .. import checks, notices
from ..generator import CannotCover, DayFailure, period_days, plan_roster
from ..models import (
    DutyRoster,
    Shift,
    ShiftAssignment,
    Unavailability,
)
from ..selectors.rosters import duty_days, roster_history
from ..times import shift_window
from ._common import _day, _fail, _require

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
    and the officers the day calls for, counts balanced, nobody on two shifts in a row
    (nor on the first day after a shift on the last day of another roster), nobody on
    leave. The rotation carries on from the roster before (``roster_history``): who has
    gone longest since their last shift comes first, and the counts even out over the
    months. Replaces the draft's shifts; saves nothing when the pools cannot
    cover the period (``RosterCannotBeCovered`` says which days fail and why)."""
    _require(actor, "duty.publish_dutyroster")
    roster = DutyRoster.objects.select_for_update().get(pk=roster.pk)
    require_record(actor, roster)
    DutyRoster.TRANSITIONS.check_in(
        roster.status,
        DutyRoster.TRANSITIONS.open,
        _("A published roster is not generated again; request swaps instead."),
    )
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
            history=roster_history(user=actor, roster=roster),
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
    DutyRoster.TRANSITIONS.check(
        roster.status, DutyRoster.Status.PUBLISHED, _("The roster is already published.")
    )
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
