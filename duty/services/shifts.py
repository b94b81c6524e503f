"""Changes of state of shifts: adding and editing a shift and its people (checked against
the roster's rules), and recording unavailability.

Preconditions: objects passed in came through a selector scoped to the actor.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safetyzone.org.models import User
from safetyzone.org.scoping import require_record

from .. import checks, notices
from ..models import (
    DutyRoster,
    Shift,
    ShiftAssignment,
    ShiftChange,
    Unavailability,
)
from ..times import shift_window
from ._common import _day, _fail, _require


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
    Shift.TRANSITIONS.check_in(
        shift.state, Shift.TRANSITIONS.open, _("This shift is closed: it has been handed over.")
    )
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


def _days_errors(start_date: date | None, end_date: date | None) -> dict[str, list[str]]:
    """The days of leave, each error beside its field."""
    if start_date and end_date and end_date < start_date:
        return {"end_date": [_("The last day cannot be before the first day.")]}
    return {}


def _record_unavailability(
    *, person: User, kind: str, start_date: date, end_date: date, note: str, recorded_by: User
) -> Unavailability:
    """Save the days ``person`` cannot be on duty (the one record the generator, the
    checks and swaps read), checked first."""
    errors = _days_errors(start_date, end_date)
    if errors:
        raise ValidationError(errors)
    absence = Unavailability(
        person=person,
        start_date=start_date,
        end_date=end_date,
        kind=kind,
        note=note,
        created_by=recorded_by,
    )
    absence.full_clean()
    absence.save()
    return absence


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
    """Committee staff record leave, a trip or training directly (no request)."""
    _require(actor, "duty.add_unavailability")
    require_record(actor, person)
    return _record_unavailability(
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        note=note,
        recorded_by=actor,
    )
